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


# A corpus of one undated English article on visas only: every aggregate page shows its empty state.
LONE = """Title: Schengen visa talks continue
Outlet: Example Daily

Kazakhstan and France discussed simplifying Schengen visas for Kazakh citizens.
"""
EMPTY_STATES = [
    ("topics/europol.md", "<p>No source in the corpus says anything on this topic yet.</p>"),
    ("topics/europol.md", "<p>No dated events on this topic yet.</p>"),
    ("timeline.md", "<p>No dated events yet.</p>"),
    ("discrepancies.md", "<p>No discrepancies found.</p>"),
]


@pytest.fixture(scope="module")
def lone_docs(tmp_path_factory) -> Path:
    from tests.conftest import build_docs

    root = tmp_path_factory.mktemp("lone")
    (root / "seeds").mkdir()
    (root / "seeds" / "visa-talks.txt").write_text(LONE, "utf-8")
    proc = build_docs(root / "seeds", root / "docs")
    assert proc.returncode == 0, proc.stderr
    return root / "docs"


@pytest.mark.parametrize(("page", "html"), EMPTY_STATES)
def test_an_empty_aggregate_page_says_so(lone_docs: Path, page: str, html: str):
    text = (lone_docs / page).read_text("utf-8")
    assert html in text
    assert text.split("---\n", 2)[2].lstrip().startswith("<!-- research:html -->\n<h1 id=")  # all HTML
