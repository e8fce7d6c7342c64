"""Measure what a speed mechanism saves: the same build with it and without it, in alternating pairs.

    python -m benchmarks.mechanisms --n 3000 --pairs 3

Prints one JSON line per timed build and a summary line per mechanism with the median
of each variant and their ratio (without / with). Timings are noisy on shared machines:
compare the ratios measured in one run. Mechanisms:

- collector: the cyclic garbage collector paused during the build (execution.process),
  on a warm full build (the per-file memo filled, no stored result).
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def _warm_build(seeds: Path, cache: Path, paused: bool) -> float:
    from builder.config import load_config
    from builder.incremental import engine

    for stale in [*cache.glob("result*"), *cache.glob("delta*")]:
        stale.unlink()
    real = engine.collector_paused
    if not paused:
        engine.collector_paused = contextlib.nullcontext
    try:
        start = time.perf_counter()
        engine.build(seeds, load_config(ROOT / "research.yml"), cache)
        return time.perf_counter() - start
    finally:
        engine.collector_paused = real


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=3000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--pairs", type=int, default=3)
    args = ap.parse_args(argv)
    from benchmarks.corpus import write_corpus

    work = Path(tempfile.mkdtemp(prefix="mechanisms-"))
    try:
        seeds, cache = work / "seeds", work / "cache"
        write_corpus(args.n, args.seed, seeds)
        _warm_build(seeds, cache, True)  # fills the per-file memo
        times: dict[bool, list[float]] = {True: [], False: []}
        for k in range(args.pairs):
            for paused in (True, False) if k % 2 == 0 else (False, True):
                t = _warm_build(seeds, cache, paused)
                times[paused].append(t)
                print(
                    json.dumps(
                        {"mechanism": "collector", "n": args.n, "with": paused, "seconds": round(t, 3)}
                    )
                )
        with_, without = statistics.median(times[True]), statistics.median(times[False])
        summary = {"mechanism": "collector", "n": args.n, "median_with": round(with_, 3)}
        summary |= {"median_without": round(without, 3), "saves": round(1 - with_ / without, 3)}
        print(json.dumps({"summary": summary}))
    finally:
        shutil.rmtree(work, ignore_errors=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
