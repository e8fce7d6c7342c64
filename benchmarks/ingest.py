"""Cost of reading one file: pasted text (.txt) and saved web pages (.html, trafilatura).

Prints one JSON object: milliseconds per file for builder.ingest.load.load_bytes over the seed
articles and the pasted-page fixtures, and over the saved-page fixtures.

    python -m benchmarks.ingest [--repeat N]
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path

from builder.config import load_config
from builder.ingest.load import load_bytes

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = ROOT / "tests" / "fixtures"


def _ms_per_file(files: list[Path], config, repeat: int) -> float:
    data = [(p.name, p.read_bytes()) for p in files]
    for name, raw in data:  # warm: tables, razdel, trafilatura load once
        load_bytes(raw, name, config)
    start = time.perf_counter()
    for _ in range(repeat):
        for name, raw in data:
            load_bytes(raw, name, config)
    return (time.perf_counter() - start) / repeat / max(1, len(data)) * 1000


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--repeat", type=int, default=5)
    args = p.parse_args()
    config = load_config(ROOT / "research.yml")
    text = sorted((ROOT / "seeds").glob("*.txt")) + sorted((FIXTURES / "pasted").glob("*.text"))
    pages = sorted((FIXTURES / "html").glob("*.html"))
    out = {
        "text_files": len(text),
        "text_ms_per_file": round(_ms_per_file(text, config, args.repeat), 2),
        "html_files": len(pages),
        "html_mean_bytes": round(sum(f.stat().st_size for f in pages) / max(1, len(pages))),
        "html_ms_per_file": round(_ms_per_file(pages, config, args.repeat), 2),
    }
    print(json.dumps(out, sort_keys=True))


if __name__ == "__main__":
    main()
