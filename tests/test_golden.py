"""Golden files: generated pages compared byte for byte with committed copies.

Refresh them after an intended change with one command:

    UPDATE_GOLDEN=1 python -m pytest tests/test_golden.py
"""

from __future__ import annotations

import difflib
import os
from pathlib import Path

import pytest

GOLDEN = Path(__file__).parent / "golden"

# (generated page, golden file)
PAGES = [
    ("sources/000_1e971d3c7f808dd8.md", "source-000.md"),
    ("sources/003_556157e8fb73bfad.md", "source-003.md"),
    ("topics/visas.md", "topic-visas.md"),
    ("topics/interpol.md", "topic-interpol.md"),
    ("data/claims.json", "claims.json"),
]


@pytest.mark.parametrize(("page", "golden"), PAGES)
def test_page_matches_golden(seeds_docs: Path, page: str, golden: str):
    got = (seeds_docs / page).read_text("utf-8")
    path = GOLDEN / golden
    if os.environ.get("UPDATE_GOLDEN"):
        path.write_text(got, "utf-8")
    want = path.read_text("utf-8")
    diff = "".join(difflib.unified_diff(want.splitlines(True), got.splitlines(True), golden, page, n=1))
    assert got == want, (
        f"{page} differs from tests/golden/{golden} (UPDATE_GOLDEN=1 to refresh):\n{diff[:4000]}"
    )
