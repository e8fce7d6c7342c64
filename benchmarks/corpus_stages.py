"""Time and memory of the corpus-level stages (link, render), what still needs one machine.

    python -m benchmarks.corpus_stages --n 10000
    python -m benchmarks.corpus_stages --n 30000 --work /tmp/stages   # keep (and reuse) the corpus

Generates a seeded corpus (benchmarks/corpus.py) under --work, or reuses the one there when it
has --n files, fills the per-article cache with one build, then measures the step that
benchmarks/run.py calls "builder warm" (run.warm_cmd: every annotation cached, the last result
dropped, so the corpus-level stages run) into a fresh folder: wall time and the peak RSS (and
PSS) sum of its process tree (run.measure). The build runs through a thin wrapper in the same
process (`--timed`) that adds up time.perf_counter around each stage function the engine
calls (STAGES), with no profiler; a stage whose function is not found under its name is
listed under "stages_missing" instead. Prints one JSON line.
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import importlib
import json
import os
import shutil
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path

from benchmarks.corpus import write_corpus
from benchmarks.run import builder_cmd, measure, warm_cmd

# (module, attribute, stage): each function the engine calls by that name, timed inclusively.
# The map reads every article's record from the cache here; the citation check is unverbatim.
STAGES = (
    ("builder.incremental.engine", "discover", "discover"),
    ("builder.incremental.engine", "analyse_files", "map from the cache"),
    ("builder.pipeline", "find_duplicates", "near-duplicates"),
    ("builder.pipeline", "link_corpus", "link"),
    ("builder.pipeline", "unverbatim", "citation check"),
    ("builder.render", "render_site", "render"),
    ("builder.incremental.delta", "save_state", "save state"),
    ("builder.incremental.results", "save", "save result"),
    ("builder.incremental.engine", "write_tree", "write"),
)


def _timed_build(split: Path, argv: list[str]) -> int:
    """Run `python -m builder` with argv, each of STAGES timed; write the split into split."""
    totals: dict[str, float] = {}
    missing: list[str] = []

    def timer(fn, stage: str):
        @functools.wraps(fn)
        def timed(*args, **kwargs):
            start = time.perf_counter()
            try:
                return fn(*args, **kwargs)
            finally:
                totals[stage] = totals.get(stage, 0.0) + time.perf_counter() - start

        return timed

    for module, name, stage in STAGES:
        mod = importlib.import_module(module)
        fn = getattr(mod, name, None)
        if callable(fn):
            setattr(mod, name, timer(fn, stage))
        else:
            missing.append(f"{module}.{name}")
    from builder.cli import main

    start = time.perf_counter()
    try:
        return main(argv)
    finally:
        split.write_text(
            json.dumps(
                {
                    "in_process_s": round(time.perf_counter() - start, 3),
                    "stages_s": {s: round(totals[s], 3) for _, _, s in STAGES if s in totals},
                    "stages_missing": missing,
                }
            ),
            "utf-8",
        )


@contextlib.contextmanager
def work_folder(work: Path | None, n: int, prefix: str) -> Iterator[Path]:
    """Yield work/n, made if missing (kept afterwards), or a temporary folder when work is None."""
    if work is not None:
        (work / str(n)).mkdir(parents=True, exist_ok=True)
        yield work / str(n)
        return
    with tempfile.TemporaryDirectory(prefix=f"{prefix}-{n}-") as tmp:
        yield Path(tmp)


def ensure_corpus(n: int, seed: int, seeds: Path) -> bool:
    """Write the corpus of n articles into seeds unless one of n files is there; tell if reused."""
    if seeds.is_dir() and sum(1 for p in seeds.rglob("*") if p.is_file()) == n:
        return True
    shutil.rmtree(seeds, ignore_errors=True)
    write_corpus(n, seed, seeds)
    return False


def stages(n: int, seed: int, work: Path) -> dict:
    """Return the JSON line of one measurement in work (its corpus and cache kept there)."""
    seeds, cache = work / "seeds", work / "cache"
    reused = ensure_corpus(n, seed, seeds)
    fill = measure(builder_cmd(seeds, work / "out-fill", cache))  # the per-article cache, filled
    if fill["rc"]:
        return {"bench": "corpus_stages", "n": n, "step": "fill", **fill}
    out, split = work / "out-warm", work / "split.json"
    shutil.rmtree(out, ignore_errors=True)
    split.unlink(missing_ok=True)
    cmd = warm_cmd(seeds, out, cache)
    assert cmd[1:3] == ["-m", "builder"], cmd  # run through the timing wrapper below instead
    warm = measure([sys.executable, "-m", "benchmarks.corpus_stages", "--timed", str(split), *cmd[3:]])
    timed = json.loads(split.read_text("utf-8")) if split.is_file() else {}
    staged = timed.get("stages_s", {})
    line = {
        "bench": "corpus_stages",
        "n": n,
        "step": "builder_warm",
        **warm,
        "stages_s": staged,
        "other_in_process_s": round(timed["in_process_s"] - sum(staged.values()), 3) if timed else None,
        "startup_s": round(warm["seconds"] - timed["in_process_s"], 3) if timed else None,
        "stages_missing": timed.get("stages_missing"),
        "fill_s": fill["seconds"],
        "fill_how": fill.get("how"),
        "corpus_reused": reused,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],  # at the end: how shared the machine was
    }
    return line


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--timed"]:
        return _timed_build(Path(argv[1]), argv[2:])
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000, help="articles in the corpus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--work", type=Path, default=None, help="keep the corpus, cache and outputs here")
    args = ap.parse_args(argv)
    with work_folder(args.work, args.n, "stages") as work:
        line = stages(args.n, args.seed, work)
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0 if line.get("rc") == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
