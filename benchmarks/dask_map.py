"""Time the per-article map on the local process pool and on Dask; print one JSON line.

    python -m benchmarks.dask_map --n 2000            # two local Dask workers
    python -m benchmarks.dask_map --n 2000 --scheduler tcp://HOST:8786

The map is the builder's per-article work on a seeded corpus (benchmarks/corpus.py): read the
file (builder.execution.files.read_bytes), load it, annotate it, fingerprint it. It runs on
LocalExecutor (a process pool of --workers processes, started for each map, as the build does)
and on DaskExecutor (a LocalCluster of --workers single-threaded processes, or the cluster at
--scheduler, started once). The first Dask map pays for importing the builder and opening the
dictionaries in its workers; then --pairs more maps on each, one after the other in alternating
order, since a shared machine's speed drifts by the minute. The line gives the times, the
cluster's start-up, the overhead ratio (Dask / pool) of each pair and their median, and whether
both executors gave equal records.
"""

from __future__ import annotations

import argparse
import importlib
import json
import os
import statistics
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def per_article(job: tuple[str, str, object]):
    """Read, load, annotate and fingerprint one article: the builder's map, with no cache."""
    from builder.annotate import annotate
    from builder.execution.files import read_bytes
    from builder.ingest.load import load_bytes
    from builder.link.duplicates import fingerprint
    from builder.records import Article

    location, file, config = job
    try:
        data = read_bytes(location)
    except OSError as exc:
        from builder.records import Rejected

        return Rejected(file, f"cannot read file: {exc}"), None, None
    item = load_bytes(data, file, config)
    if not isinstance(item, Article):
        return item, None, None
    return item, annotate(item, config), fingerprint(item)


def _timed(fn, *args) -> tuple[float, object]:
    start = time.perf_counter()
    out = fn(*args)
    return round(time.perf_counter() - start, 3), out


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--n", type=int, default=2000)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--workers", type=int, default=2, help="local processes for both executors")
    ap.add_argument("--scheduler", default=None, help="a running Dask scheduler (default: a LocalCluster)")
    ap.add_argument("--batch", type=int, default=None, help="jobs per Dask task (default: the executor's)")
    ap.add_argument("--pairs", type=int, default=3, help="timed maps on each executor after the first")
    args = ap.parse_args(argv)

    from benchmarks.corpus import write_corpus
    from builder import annotate, link  # noqa: F401 - imported before the map, as the build does
    from builder.config import load_config
    from builder.execution.dask import DaskExecutor
    from builder.execution.local import LocalExecutor

    # by its module name, not __main__, so workers started by spawn can import it
    fn = importlib.import_module("benchmarks.dask_map").per_article
    config = load_config(ROOT / "research.yml")
    with tempfile.TemporaryDirectory() as tmp:
        paths = write_corpus(args.n, args.seed, Path(tmp))
        jobs = [(str(p), p.name, config) for p in sorted(paths)]
        local = LocalExecutor(args.workers)
        pool_first, expected = _timed(local.map, fn, jobs)
        start, dask = _timed(DaskExecutor, args.scheduler, args.workers, args.batch)
        pool_s, dask_s, equal = [], [], True
        try:
            threads = dask.threads()
            dask_first, got = _timed(dask.map, fn, jobs)
            equal = got == expected
            for k in range(args.pairs):
                for name in ("dask", "pool") if k % 2 else ("pool", "dask"):
                    seconds, got = _timed((dask if name == "dask" else local).map, fn, jobs)
                    (dask_s if name == "dask" else pool_s).append(seconds)
                    equal = equal and got == expected
        finally:
            dask.close()
    ratios = [round(d / p, 3) for d, p in zip(dask_s, pool_s, strict=True)]
    line = {
        "bench": "dask_map",
        "n": args.n,
        "cores": os.cpu_count(),
        "pool_workers": local.workers,
        "dask_threads": threads,
        "scheduler": "LocalCluster" if args.scheduler is None else "remote",
        "pool_first_s": pool_first,
        "dask_start_s": start,
        "dask_first_s": dask_first,
        "pool_s": pool_s,
        "dask_s": dask_s,
        "overhead_pairs": ratios,
        "overhead_median": statistics.median(ratios) if ratios else None,
        "overhead_first_with_start": round((start + dask_first) / pool_first, 3),
        "ms_per_article_pool": round(1000 * statistics.median(pool_s) / args.n, 2) if pool_s else None,
        "ms_per_article_dask": round(1000 * statistics.median(dask_s) / args.n, 2) if dask_s else None,
        "equal_records": equal,
        "load_average": [round(x, 2) for x in os.getloadavg()],  # at the end: how shared the machine was
    }
    print(json.dumps(line), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
