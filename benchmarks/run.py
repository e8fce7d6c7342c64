"""Benchmark the builder and the MkDocs site build; print one JSON line per measurement.

    python -m benchmarks.run                 # N = 1000 and 10000
    python -m benchmarks.run --n 200         # a quick run

For each N a seeded corpus is generated (benchmarks/corpus.py), then each step
runs as its own subprocess, timed wall-clock, with the peak memory of its whole
process tree (workers included) sampled with psutil: the sum of RSS every 50 ms (as the
targets are stated; it counts the pages a forked child shares with its parent
twice) and the sum of PSS (each shared page split between its processes) as often as keeps
the sampler under 5% of a core (reading PSS costs about 20 ms of CPU per 600 MB process):

- builder_cold:   `python -m builder build` with an empty cache into a fresh folder
- builder_warm:   the same, per-article caches filled (last result and claims dropped), into a fresh folder
- builder_noop:   again into the same folder, nothing changed
- builder_one:    one article edited (a paragraph no claim reads), rebuilt into the same folder
- builder_add:    one new article (from the generator, another seed: dated claim sentences), rebuilt
- mkdocs_only:    `mkdocs build` over the pre-generated docs (the hook does not run the builder)
- site_cold:      `mkdocs build` with the hook and an empty cache: the full site from the articles
- pair_*:         then --pairs K more of builder_warm and mkdocs_only, one after the other in
                  alternating order, each into a fresh folder: the machine's speed drifts by minutes,
                  so the summary also gives each pair's warm ratio and their median

Each builder step also says how it went ("how": built in full, nothing changed, patched N
edited articles). A final `summary` line gives the ratios, the size of site/ and the search
payload a reader downloads before the first result: a static upper bound, and
with Pagefind what Chromium fetches for a few queries (benchmarks/payload.py). Timings are noisy on
shared machines; compare ratios measured in one run.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import psutil

from benchmarks.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent

MKDOCS_BUILD = ("-m", "mkdocs", "build", "-q", "-f")  # then the config file


def _tree_memory(proc: psutil.Process, pss: bool) -> tuple[int, int]:
    """Return the summed RSS and (when pss) PSS of a process and its descendants.

    RSS counts a page shared by a forked child in both processes; PSS splits it
    between them, so the PSS sum is the memory the tree really holds (Linux;
    elsewhere it is the RSS sum). Reading PSS walks the process's page tables:
    about 20 ms of CPU for a 600 MB process, against 0.03 ms for RSS.
    """
    rss = pss_sum = 0
    try:
        procs = [proc, *proc.children(recursive=True)]
    except psutil.Error:
        return 0, 0
    for p in procs:
        with contextlib.suppress(psutil.Error):
            info = p.memory_full_info() if pss else p.memory_info()
            rss += info.rss
            pss_sum += getattr(info, "pss", info.rss)
    return rss, pss_sum


# How often the sampler reads the tree's memory: RSS every SAMPLE seconds; PSS as often as
# keeps its reads under PSS_SHARE of one core (each read's cost sets the wait before the next).
# Reading PSS for every process every 50 ms took most of a core from the step measured (the
# builder's warm step, two cores busy, ran 19.8-21.1 s under that sampler against 17.7-18.0 s
# under this one; MkDocs, on one core, lost less), so the ratios counted it against the builder.
SAMPLE = 0.05
PSS_SHARE = 0.05


TIMEOUT = 1800.0  # seconds per step; --timeout overrides


def measure(cmd: list[str], env: dict[str, str] | None = None, cwd: Path = ROOT) -> dict:
    """Run cmd; return its wall time, the peak RSS of its process tree and its exit code.

    For the builder (not run quiet), also how it went: the last line's "(built in full)",
    "(nothing changed)" or "(patched 1 edited article)".
    """
    full_env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    # Python keeps compiled modules as a user's would: MkDocs' were compiled when it was
    # installed, the builder's (run from its source folder) are on its first run. With
    # PYTHONDONTWRITEBYTECODE, as set on some machines, each builder process compiled its
    # modules again (0.1-0.15 s each, in every step) and MkDocs never did.
    full_env.pop("PYTHONDONTWRITEBYTECODE", None)
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=full_env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    ps = psutil.Process(proc.pid)
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        next_pss = 0.0
        while not done.is_set():
            now = time.perf_counter()
            with_pss = now >= next_pss
            rss, pss = _tree_memory(ps, with_pss)
            peak = max(peak, rss)
            if with_pss:
                peak_pss = max(peak_pss, pss)
                next_pss = now + (time.perf_counter() - now) / PSS_SHARE
            done.wait(SAMPLE)

    t = threading.Thread(target=sample, daemon=True)
    t.start()
    try:
        out, err = proc.communicate(timeout=TIMEOUT)
    except subprocess.TimeoutExpired:
        for child in ps.children(recursive=True):
            child.kill()
        proc.kill()
        out, err = proc.communicate()
        err += f"\ntimed out after {TIMEOUT:.0f} s".encode()
    seconds = time.perf_counter() - start
    done.set()
    t.join()
    result = {
        "seconds": round(seconds, 3),
        "peak_rss_mb": round(peak / 2**20, 1),
        "peak_pss_mb": round(peak_pss / 2**20, 1),
        "rc": proc.returncode,
    }
    if proc.returncode:
        result["stderr"] = err.decode("utf-8", "replace")[-2000:]
    how = re.search(r"\(([^()]*)\)\s*$", err.decode("utf-8", "replace"))
    if how:
        result["how"] = how.group(1)
    return result


def _du(path: Path) -> int:
    return sum(p.stat().st_size for p in path.rglob("*") if p.is_file())


def _bundle_payload(pf: Path) -> dict:
    """Bytes of one Pagefind bundle a query touches: entry, WebAssembly, metadata, largest chunk."""
    biggest = lambda sub: max((p.stat().st_size for p in (pf / sub).glob("*")), default=0)  # noqa: E731
    entry = json.loads((pf / "pagefind-entry.json").read_text("utf-8"))
    langs = entry.get("languages", {})
    lang, info = max(langs.items(), key=lambda kv: kv[1].get("page_count", 0))
    meta = pf / f"pagefind.{info['hash']}.pf_meta"
    wasm = pf / f"wasm.{info.get('wasm') or lang}.pagefind"
    return {
        "entry": (pf / "pagefind-entry.json").stat().st_size,
        "wasm": wasm.stat().st_size if wasm.exists() else biggest_wasm(pf),
        "meta": meta.stat().st_size if meta.exists() else 0,
        "index_chunk_max": biggest("index"),
        "fragment_max": biggest("fragment"),
    }


def search_payload(site: Path) -> dict:
    """Return the bytes a reader downloads before the first search result.

    lunr (Material's search): the whole search_index.json. Pagefind: the
    loader and UI once, then for the main bundle and every shard it merges
    (builder/search.py) the entry file, the WebAssembly (counted per bundle,
    an upper bound), the metadata and the largest index chunk (a query touches
    one chunk per word; the largest is the worst case for a one-word query);
    and the largest fragment (one result's excerpt).
    """
    pf = site / "pagefind"
    if pf.is_dir():
        size = lambda pattern: sum(p.stat().st_size for p in pf.glob(pattern))  # noqa: E731
        shards_file = pf / "shards.json"
        shards = json.loads(shards_file.read_text("utf-8")) if shards_file.exists() else []
        bundles = [_bundle_payload(pf), *(_bundle_payload(pf / s) for s in shards)]
        parts = {k: sum(b[k] for b in bundles) for k in bundles[0]}
        parts["fragment_max"] = max(b["fragment_max"] for b in bundles)  # one result's excerpt
        parts["pagefind.js"] = size("pagefind.js")
        parts["ui"] = size("pagefind-ui.js") + size("pagefind-ui.css")  # what pagefind-search.js loads
        return {"search": "pagefind", "bundles": len(bundles), "bytes": sum(parts.values()), "parts": parts}
    index = site / "search" / "search_index.json"
    return {"search": "lunr", "bytes": index.stat().st_size if index.exists() else 0}


def _browser_payload(site: Path) -> list[dict]:
    """What Chromium downloads before the first result (benchmarks/payload.py), if it can run here."""
    try:
        from benchmarks.payload import measure

        return measure(site)
    except Exception as exc:  # no Playwright or Chromium: the static estimate stands alone
        print(json.dumps({"step": "browser_payload", "skipped": str(exc)[:200]}), file=sys.stderr)
        return []


def biggest_wasm(pf: Path) -> int:
    return max((p.stat().st_size for p in pf.glob("wasm.*")), default=0)


def _touch_one(seeds: Path) -> None:
    """Edit one article: append a sentence to its text (a new paragraph)."""
    path = sorted(seeds.iterdir())[len(list(seeds.iterdir())) // 2]
    data = path.read_bytes()
    path.write_bytes(data + b"\n\nThe ministry later confirmed the figures in a separate statement.\n")


def _add_one(seeds: Path, seed: int) -> None:
    """Add one new article: the first of another seed's corpus, so its claims link with the others."""
    from benchmarks.corpus import Generator

    name, data = next(iter(Generator(seed + 1).corpus(1)))
    (seeds / f"added-{name}").write_bytes(data)


class _Permissive:
    """A YAML loader for mkdocs.yml that reads its !ENV and !!python tags as plain nodes."""

    def __new__(cls, stream):
        import yaml

        class Loader(yaml.SafeLoader):
            pass

        Loader.add_multi_constructor("", lambda loader, suffix, node: None)
        return Loader(stream)


def _mkdocs_config(work: Path, docs: Path, hook: bool) -> Path:
    """Write a mkdocs.yml inheriting the project's, with docs_dir and hooks adjusted."""
    cfg = {"INHERIT": str(ROOT / "mkdocs.yml"), "docs_dir": str(docs), "strict": False}
    hooks = ["hook.py"] if hook else ["search.py", "passthrough.py"]
    cfg["hooks"] = [str(ROOT / "builder" / "mkdocs" / h) for h in hooks]
    cfg["watch"] = [str(ROOT / "research.yml"), str(ROOT / "builder")]
    if (ROOT / "overrides").is_dir():
        cfg["theme"] = {"name": "material", "custom_dir": str(ROOT / "overrides")}
    cfg["extra"] = {"research": {"seeds": str(work / "seeds"), "config": str(ROOT / "research.yml")}}
    if not hook:  # without the hook, the nav's Topics section is filled here, as the hook fills it
        import yaml

        from builder.config import load_config
        from builder.mkdocs.hook import topic_nav

        nav = yaml.load((ROOT / "mkdocs.yml").read_text("utf-8"), Loader=_Permissive)["nav"]
        cfg["nav"] = topic_nav(nav, load_config(ROOT / "research.yml").topics)
    path = work / ("mkdocs-hook.yml" if hook else "mkdocs-prebuilt.yml")
    path.write_text(json.dumps(cfg), "utf-8")  # JSON is YAML
    return path


def builder_cmd(seeds: Path, out: Path, cache: Path) -> list[str]:
    """Return the command of a builder step: `python -m builder build` from seeds into out with cache."""
    return [
        sys.executable,
        "-m",
        "builder",
        "build",
        "--seeds",
        str(seeds),
        "--out",
        str(out),
        "--cache",
        str(cache),
    ]


def warm_cmd(seeds: Path, out: Path, cache: Path) -> list[str]:
    """Drop the last result from cache and return the builder's command: the warm step.

    Warm: per-article caches filled; the whole-result memo is dropped so link and render run.
    """
    (cache / "result.pickle").unlink(missing_ok=True)
    return builder_cmd(seeds, out, cache)


def bench(n: int, seed: int, work: Path, steps: set[str], pairs: int = 0) -> list[dict]:
    py = sys.executable
    seeds = work / "seeds"
    write_corpus(n, seed, seeds)
    cache = work / "cache"
    lines = []

    def emit(step: str, res: dict, **extra) -> dict:
        line = {"n": n, "step": step, **res, **extra}
        print(json.dumps(line, ensure_ascii=False), flush=True)
        lines.append(line)
        return line

    def builder(out: Path) -> list[str]:
        return builder_cmd(seeds, out, cache)

    def warm(out: Path) -> list[str]:
        return warm_cmd(seeds, out, cache)

    out1, out2 = work / "out-cold", work / "out-warm"
    res = {}
    if "builder" in steps:
        res["builder_cold"] = emit("builder_cold", measure(builder(out1)))
        res["builder_warm"] = emit("builder_warm", measure(warm(out2)))
        res["builder_noop"] = emit("builder_noop", measure(builder(out2)))
        _touch_one(seeds)
        res["builder_one"] = emit("builder_one", measure(builder(out2)))
        _add_one(seeds, seed)
        res["builder_add"] = emit("builder_add", measure(builder(out2)))
    if "mkdocs" in steps:
        # MkDocs alone, over the pre-generated pages plus the hand-written docs/.
        docs = work / "docs"
        shutil.copytree(ROOT / "docs", docs, dirs_exist_ok=True)
        if not out2.exists():
            subprocess.run(builder(out2), check=True, cwd=ROOT)
        shutil.copytree(out2, docs, dirs_exist_ok=True)
        prebuilt = str(_mkdocs_config(work, docs, False))
        res["mkdocs_only"] = emit(
            "mkdocs_only", measure([py, *MKDOCS_BUILD, prebuilt, "-d", str(work / "site-prebuilt")])
        )
        # The real thing: MkDocs with the hook running the builder, from an empty cache.
        site = work / "site"
        empty = work / "cache-site"
        cmd = [py, *MKDOCS_BUILD, str(_mkdocs_config(work, ROOT / "docs", True)), "-d", str(site)]
        env = {"RESEARCH_SEEDS": str(seeds), "RESEARCH_CACHE": str(empty)}
        res["site_cold"] = emit(
            "site_cold", measure(cmd, env), site_mb=round(_du(site) / 2**20, 1) if site.exists() else None
        )
        paired = []
        for k in range(1, (pairs if "builder" in steps else 0) + 1):
            got = {}
            for step in ("builder_warm", "mkdocs_only")[:: 1 if k % 2 else -1]:
                if step == "builder_warm":
                    cmd = warm(work / f"out-warm-{k}")
                else:
                    cmd = [py, *MKDOCS_BUILD, prebuilt, "-d", str(work / f"site-prebuilt-{k}")]
                got[step] = emit(f"pair_{step}", measure(cmd), pair=k)["seconds"]
            paired.append(round(got["builder_warm"] / got["mkdocs_only"], 3))
        payload = search_payload(site) if site.exists() else {}
        browser = _browser_payload(site) if payload.get("search") == "pagefind" else []
        summary = {
            "site_mb": round(_du(site) / 2**20, 1) if site.exists() else None,
            "search": payload.get("search"),
            "search_payload_kb": round(payload.get("bytes", 0) / 1024, 1),
            "search_parts": payload.get("parts"),
            "search_bundles": payload.get("bundles"),
            "search_payload_browser_kb": max((b["kb"] for b in browser), default=None),
            "search_payload_browser": browser,
        }
        if "builder_cold" in res and res["mkdocs_only"]["seconds"]:
            mk = res["mkdocs_only"]["seconds"]
            summary["ratio_builder_cold_mkdocs"] = round(res["builder_cold"]["seconds"] / mk, 3)
            summary["ratio_builder_warm_mkdocs"] = round(res["builder_warm"]["seconds"] / mk, 3)
        if paired:
            summary["ratio_builder_warm_mkdocs_pairs"] = paired
            summary["ratio_builder_warm_mkdocs_median"] = round(statistics.median(paired), 3)
        summary["peak_rss_mb"] = max(r["peak_rss_mb"] for r in res.values())
        emit("summary", summary)
    return lines


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument(
        "--n", type=int, action="append", help="corpus size; repeat for several (default 1000, 10000)"
    )
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--steps", default="builder,mkdocs", help="comma-separated: builder, mkdocs")
    ap.add_argument("--work", type=Path, default=None, help="keep the corpora and outputs here")
    ap.add_argument(
        "--pairs", type=int, default=3, help="alternating builder_warm/mkdocs_only pairs after the steps"
    )
    ap.add_argument("--timeout", type=float, default=TIMEOUT, help="seconds before a step is killed")
    args = ap.parse_args(argv)
    globals()["TIMEOUT"] = args.timeout
    steps = set(args.steps.split(","))
    sizes = args.n or [1000, 10000]
    all_lines = []
    for n in sizes:
        if args.work:
            work = args.work / str(n)
            shutil.rmtree(work, ignore_errors=True)
            work.mkdir(parents=True)
            all_lines += bench(n, args.seed, work, steps, args.pairs)
        else:
            with tempfile.TemporaryDirectory(prefix=f"bench-{n}-") as tmp:
                all_lines += bench(n, args.seed, Path(tmp), steps, args.pairs)
    totals = {ln["n"]: ln for ln in all_lines if ln["step"] == "site_cold"}
    if len(totals) >= 2:
        lo, hi = min(totals), max(totals)
        ratio = totals[hi]["seconds"] / totals[lo]["seconds"]
        print(json.dumps({"step": "scaling", "n": [lo, hi], "site_cold_ratio": round(ratio, 2)}), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
