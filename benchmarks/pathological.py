"""Time and peak memory of one pathological article, per case and size; one JSON line each.

    python -m benchmarks.pathological                         # 0.5, 5 and 19 MB, the default limits
    python -m benchmarks.pathological --mb 0.25 0.5 1 --max-tokens 0   # analysed whatever the size

Cases (text in the builder's own words, written on one line unless said):
- sentences:  one claim sentence repeated
- paragraphs: one claim paragraph repeated, a blank line between copies
- ones:       "1. " repeated (each "1" a number, each "." a possible sentence end)
- dots:       "." repeated (no word at all)

Each measurement runs in a fresh process: the size check of builder.ingest.bounds (as the loader
runs it, on the decoded text), then load, annotate and link.state_claims for an article within the
limit. It prints the seconds of each stage, the peak RSS of the process (getrusage) and the outcome.
"""

from __future__ import annotations

import argparse
import dataclasses
import json
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SENTENCE = "Kazakhstan and the European Union agreed on visa facilitation in Astana on 18 April 2025. "
PARAGRAPH = (
    "Interpol and the Ministry of Internal Affairs of Kazakhstan signed a memorandum in Lyon. "
    "The readmission agreement with France was ratified by the Senate on 3 March 2025.\n\n"
)
UNITS = {"sentences": SENTENCE, "paragraphs": PARAGRAPH, "ones": "1. ", "dots": "."}


def text_of(case: str, size: int) -> str:
    """Return the case's article text: a title line, then its unit repeated to about size bytes."""
    unit = UNITS[case]
    return "A pathological article\n\n" + unit * max(1, size // len(unit.encode("utf-8")))


def measure(case: str, mb: float, max_tokens: int | None) -> dict:
    """Build one article of the case in this process; return what it cost."""
    from builder import link
    from builder.annotate import annotate
    from builder.config import load_config
    from builder.ingest.bounds import count_tokens, too_large
    from builder.ingest.load import load_bytes

    config = load_config(ROOT / "research.yml")
    if max_tokens is not None:
        limit = max_tokens or 10**12
        config = dataclasses.replace(config, limits=dataclasses.replace(config.limits, max_tokens=limit))
    data = text_of(case, int(mb * 1_000_000)).encode("utf-8")
    out: dict = {"case": case, "mb": mb, "bytes": len(data), "max_tokens": config.limits.max_tokens}
    base_rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    t0 = time.perf_counter()
    why = too_large(data.decode("utf-8"), config.limits)
    t1 = time.perf_counter()
    out["check_s"] = round(t1 - t0, 3)
    if why:
        out["outcome"] = "rejected: " + why
    else:
        article = load_bytes(data, "pathological.txt", config)
        t2 = time.perf_counter()
        out["load_s"] = round(t2 - t1, 3)
        ann = annotate(article, config)
        t3 = time.perf_counter()
        out["annotate_s"] = round(t3 - t2, 3)
        claims = link.state_claims((article,), {article.id: ann}, config)
        t4 = time.perf_counter()
        out["claims_s"] = round(t4 - t3, 3)
        out.update(outcome="analysed", sentences=len(ann.sentences), claims=len(claims))
    out["seconds"] = round(time.perf_counter() - t0, 3)
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    out["peak_rss_mb"] = round(peak / 1024, 1)  # kilobytes on Linux
    out["rss_before_mb"] = round(base_rss / 1024, 1)
    out["tokens"] = count_tokens(data.decode("utf-8"))
    return out


def main(argv: list[str] | None = None) -> None:
    p = argparse.ArgumentParser(prog="python -m benchmarks.pathological", description=__doc__)
    p.add_argument("--case", nargs="+", choices=sorted(UNITS), default=sorted(UNITS))
    p.add_argument("--mb", nargs="+", type=float, default=[0.5, 5, 19])
    p.add_argument("--max-tokens", type=int, default=None, help="override limits.max_tokens (0: none)")
    p.add_argument("--timeout", type=float, default=600)
    p.add_argument("--one", action="store_true", help=argparse.SUPPRESS)  # the child: one case, one size
    args = p.parse_args(argv)
    if args.one:
        print(json.dumps(measure(args.case[0], args.mb[0], args.max_tokens)), flush=True)
        return
    for case in args.case:
        for mb in args.mb:
            cmd = [sys.executable, "-m", "benchmarks.pathological", "--one", "--case", case, "--mb", str(mb)]
            if args.max_tokens is not None:
                cmd += ["--max-tokens", str(args.max_tokens)]
            try:
                run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=args.timeout)
            except subprocess.TimeoutExpired:
                print(json.dumps({"case": case, "mb": mb, "outcome": f"timed out after {args.timeout} s"}))
                continue
            line = run.stdout.strip().splitlines()[-1:] if run.returncode == 0 else []
            print(
                line[0] if line else json.dumps({"case": case, "mb": mb, "error": run.stderr[-500:]}),
                flush=True,
            )


if __name__ == "__main__":
    main()
