"""Where linking spends its time: link_corpus split by the stages it calls, at --n articles.

    python -m benchmarks.link_stages --n 10000 --work /tmp/stages   # the corpus and cache of corpus_stages

Generates a seeded corpus (benchmarks/corpus.py) under --work, or reuses the one there, fills the
per-article cache with one build when it is empty, reads the annotated corpus from that cache
in this process (the pipeline's own analysis, with a link stage that only keeps its input),
then runs link_corpus --runs times, each in a new process as in a warm build (no table
compiled, no memo of a sentence filled, the collector paused), each stage function it calls
timed inclusively with time.perf_counter (no profiler). Also describes the graph of claim
candidates (statements that may state one fact, the pairs grouping merges over): how many
pairs and how many statements its largest connected part holds, which a change to one
statement can regroup. Prints one JSON line: the median of the runs for each stage.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import json
import os
import statistics
import subprocess
import sys
import time
from pathlib import Path

from benchmarks.corpus_stages import ensure_corpus, work_folder
from benchmarks.run import ROOT, builder_cmd, measure

# The functions link_corpus calls, by the name it calls them under (builder.link's namespace),
# and the claim grouping's steps (builder.link.claims).
LINK_STAGES = (
    ("builder.link", "tellings", "tellings"),
    ("builder.link", "article_statements", "statements"),
    ("builder.link", "cluster_claims", "claim grouping"),
    ("builder.link.claims", "_candidate_pairs", "claim grouping: pair screen"),
    ("builder.link.claims", "_merge", "claim grouping: merges"),
    ("builder.link.claims", "_place_compounds", "claim grouping: compound sentences"),
    ("builder.link", "state_claims", "claims (grouping and records)"),
    ("builder.link", "tell_stories", "stories"),
    ("builder.link", "infer_published", "dates inferred"),
    ("builder.link", "redated", "re-dating"),
    ("builder.link", "build_discrepancies", "role discrepancies"),
    ("builder.link", "telling_conflicts", "telling discrepancies"),
    ("builder.link", "chart_events", "timeline"),
    ("builder.link", "unconfirmed_entities", "unlisted names"),
)


def _linked_input(seeds: Path, cache: Path):
    """Return (kept articles, their annotations, config) as the pipeline hands them to link."""
    from builder import pipeline
    from builder.config import load_config
    from builder.execution.local import LocalExecutor
    from builder.incremental.cache import Cache
    from builder.incremental.engine import analyse_files
    from builder.incremental.keys import code_key
    from builder.ingest.discover import discover
    from builder.records import Linked

    config = load_config(ROOT / "research.yml")
    store = Cache(cache, code_key(config))
    seen = []

    def keep(articles, annotations, cfg):
        seen.append((tuple(articles), dict(annotations)))
        return Linked(annotations=annotations)

    executor = LocalExecutor()
    stages = dataclasses.replace(
        pipeline.plain_stages(executor),
        analyse=lambda files, cfg: analyse_files(store, files, cfg, executor),
        link=keep,
    )
    pipeline.analyse(discover(seeds, config), config, stages)
    return (*seen[0], config)


def _timed(totals: dict[str, float], counts: dict[str, int]):
    """Patch every LINK_STAGES function to add its time into totals; return the undo."""
    import importlib

    undo = []
    for module, name, stage in LINK_STAGES:
        mod = importlib.import_module(module)
        fn = getattr(mod, name)

        @functools.wraps(fn)
        def timed(*args, __fn=fn, __stage=stage, **kwargs):
            start = time.perf_counter()
            try:
                return __fn(*args, **kwargs)
            finally:
                totals[__stage] = totals.get(__stage, 0.0) + time.perf_counter() - start
                counts[__stage] = counts.get(__stage, 0) + 1

        setattr(mod, name, timed)
        undo.append((mod, name, fn))
    return undo


def _candidate_graph(kept, annotations, config) -> list[dict]:
    """Describe, for each claim grouping pass, the graph of pairs its merges run over."""
    import numpy as np
    from scipy import sparse
    from scipy.sparse.csgraph import connected_components

    from builder import link
    from builder.link import claims

    real, out = claims._ranked, []

    def ranked(g, paired, candidates):
        pairs = real(g, paired, candidates)
        n = len(g.nodes)
        a = np.array([p[0] for p in pairs], dtype=np.int64)
        b = np.array([p[1] for p in pairs], dtype=np.int64)
        graph = sparse.coo_matrix((np.ones(len(pairs)), (a, b)), shape=(n, n))
        parts, label = connected_components(graph, directed=False)
        sizes = np.bincount(label)
        out.append(
            {
                "statements": len(g.items),
                "nodes": n,
                "pairs": len(pairs),
                "parts_of_two_or_more": int((sizes > 1).sum()),
                "largest_part_nodes": int(sizes.max()) if n else 0,
                "largest_part_share": round(float(sizes.max()) / n, 3) if n else 0.0,
            }
        )
        return pairs

    claims._ranked = ranked
    try:
        link.link_corpus(kept, annotations, config)
    finally:
        claims._ranked = real
    return out


def _timed_run(corpus: Path) -> dict:
    """Link the pickled corpus once in this process, as a warm build does (a fresh process: no
    table compiled and no memo filled yet; the collector paused); return its time by stage."""
    import pickle

    from builder import link
    from builder.execution.process import collector_paused

    kept, annotations, config = pickle.loads(corpus.read_bytes())
    totals: dict[str, float] = {}
    counts: dict[str, int] = {}
    with collector_paused():
        _timed(totals, counts)
        start = time.perf_counter()
        link.link_corpus(kept, annotations, config)
        seconds = time.perf_counter() - start
    return {"link_s": seconds, "stages_s": totals, "calls": counts}


def link_stages(n: int, seed: int, work: Path, runs: int) -> dict:
    """Return the JSON line of one measurement in work (its corpus and cache kept there): each run
    in a process of its own (_timed_run), the candidate graph in this one."""
    import pickle

    from builder.execution.process import collector_paused

    seeds, cache = work / "seeds", work / "cache"
    reused = ensure_corpus(n, seed, seeds)
    fill = None
    if not cache.is_dir():
        fill = measure(builder_cmd(seeds, work / "out-fill", cache))
    kept, annotations, config = _linked_input(seeds, cache)
    corpus = work / "link-input.pickle"
    corpus.write_bytes(pickle.dumps((kept, annotations, config), protocol=pickle.HIGHEST_PROTOCOL))
    done = []
    for _ in range(runs):
        proc = subprocess.run(
            [sys.executable, "-m", "benchmarks.link_stages", "--timed-run", str(corpus)],
            cwd=ROOT,
            capture_output=True,
            text=True,
            check=True,
        )
        done.append(json.loads(proc.stdout))
    with collector_paused():
        graph = _candidate_graph(kept, annotations, config)
    corpus.unlink()
    return {
        "bench": "link_stages",
        "n": n,
        "articles_linked": len(kept),
        "runs": runs,
        "link_s": round(statistics.median(r["link_s"] for r in done), 3),
        "stages_s": {
            s: round(statistics.median(r["stages_s"].get(s, 0.0) for r in done), 3) for _, _, s in LINK_STAGES
        },
        "calls": done[0]["calls"],
        "candidate_graph": graph,
        "fill_s": fill["seconds"] if fill else None,
        "corpus_reused": reused,
        "cores": os.cpu_count(),
        "load_average": [round(x, 2) for x in os.getloadavg()],
    }


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--timed-run"]:
        print(json.dumps(_timed_run(Path(argv[1]))), flush=True)
        return 0
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=10000, help="articles in the corpus")
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--runs", type=int, default=3, help="timed runs of link_corpus (the median is printed)")
    ap.add_argument("--work", type=Path, default=None, help="keep the corpus and cache here")
    args = ap.parse_args(argv)
    with work_folder(args.work, args.n, "link") as work:
        line = link_stages(args.n, args.seed, work, args.runs)
    print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
