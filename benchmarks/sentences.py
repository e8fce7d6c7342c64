"""Cost of sentence splitting per article, and of the guard against pathological input.

Prints one JSON object: milliseconds per article for builder.nlp.sentences.split
over the seed articles (each repeated to the size of a long news article), and for
a few kinds of pathological paragraph ("1. 1. 1. ...", one long line of initials).

    python -m benchmarks.sentences [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from builder.nlp.sentences import split

ROOT = Path(__file__).resolve().parent.parent
PATHOLOGICAL = {
    "numbered_dots": "1. " * 3000,
    "initials": "A. B. C. " * 1000,
    "abbreviations": "Dec. Jan. Gen. Sec. z. B. г. ул. " * 400,
    "no_spaces": "x" * 20000,
}


def _ms(fn, repeat: int) -> float:
    fn()  # warm: razdel and the tables load once
    start = time.perf_counter()
    for _ in range(repeat):
        fn()
    return (time.perf_counter() - start) / repeat * 1000


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=20)
    args = p.parse_args()
    texts = [f.read_text("utf-8") for f in sorted((ROOT / "seeds").glob("*.txt"))]
    chars = sum(map(len, texts)) / max(1, len(texts))
    per_article = _ms(lambda: [split(t, "") for t in texts], args.repeat) / max(1, len(texts))
    out = {
        "articles": len(texts),
        "mean_chars": round(chars),
        "split_ms_per_article": round(per_article, 3),
        "split_ms_per_1000_chars": round(per_article / chars * 1000, 3) if chars else None,
        "pathological_ms": {k: round(_ms(lambda v=v: split(v, "en"), 3), 1) for k, v in PATHOLOGICAL.items()},
    }
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
