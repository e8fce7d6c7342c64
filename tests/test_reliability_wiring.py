"""Where the orchestrator and the loader must call the reliability functions.

The functions themselves are tested in test_ids.py, test_bounds.py and test_messages.py.
"""

from __future__ import annotations

import dataclasses
from pathlib import Path

from builder.config import load_config
from builder.ingest.ids import assign_ids
from builder.ingest.load import load_bytes
from builder.records import Article, Rejected

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "research.yml")


def test_front_matter_id_cannot_take_another_files_address():
    real = load_bytes(b"Visa talks\n\nKazakhstan and France discussed visas.\n", "news/real.txt", CONFIG)
    fake = load_bytes(b"---\nid: real\ntitle: Fake\n---\n\nEuropol met Kazakhstan.\n", "fake.md", CONFIG)
    got = {it.file: it for it in assign_ids([fake, real])}
    assert got["news/real.txt"].id == "real"
    assert got["fake.md"].id == "fake"
    assert any("collides with news/real.txt" in w for w in got["fake.md"].warnings)


def test_loader_refuses_an_article_past_max_tokens():
    config = dataclasses.replace(CONFIG, limits=dataclasses.replace(CONFIG.limits, max_tokens=1000))
    item = load_bytes(("Ones\n\n" + "1. " * 2000).encode(), "ones.txt", config)
    assert isinstance(item, Rejected), item
    assert "limits.max_tokens" in item.reason
    assert isinstance(load_bytes(b"Short\n\nInterpol met Kazakhstan in Lyon.\n", "ok.txt", config), Article)


def test_build_problem_lines_are_escaped(tmp_path):
    from builder.incremental.engine import build

    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text("A title\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")
    (seeds / "a\x1b[2J\r.txt").write_bytes(b"")
    result = build(seeds, CONFIG)
    assert "a\\x1b[2J\\r.txt: rejected: empty file" in result.problems, result.problems
