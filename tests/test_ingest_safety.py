"""Reading a listed file: a file swapped meanwhile (for a link or another file) is refused, never read."""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from builder.config import load_config
from builder.ingest import read_file
from builder.ingest.discover import discover
from builder.records import Article, Rejected

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "research.yml")
TEXT = "Kazakhstan and France discussed visas in Paris on 3 May 2025.\n\nThe talks went on for two days.\n"
SECRET = "Outside text that must never be published.\n\nIt lives outside the seeds folder.\n"


def _swap_to_link(path: Path, outside: Path) -> None:
    path.unlink()
    path.symlink_to(outside)


def _swap_to_file(path: Path, outside: Path) -> None:
    path.unlink()
    path.write_text(SECRET, "utf-8")  # a new file (another inode) at the same name


def _swap_to_hard_link(path: Path, outside: Path) -> None:
    path.unlink()
    os.link(outside, path)


@pytest.mark.parametrize(
    ("swap", "reason"),
    [
        (_swap_to_link, "changed into a symbolic link"),
        (_swap_to_file, "during the build"),
        (_swap_to_hard_link, "replaced by another file"),
        (lambda path, outside: path.write_text(SECRET, "utf-8"), "changed during the build"),
    ],
)
def test_a_file_swapped_after_the_listing_is_refused(tmp_path, swap, reason):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    outside = tmp_path / "secret.txt"
    outside.write_text(SECRET, "utf-8")
    (seeds / "a.txt").write_text(TEXT, "utf-8")
    (inp,) = discover(seeds, CONFIG).files
    swap(seeds / "a.txt", outside)
    got = read_file(inp, CONFIG)
    assert isinstance(got, Rejected), got
    assert got.file == "a.txt" and reason in got.reason


def test_an_unchanged_file_and_a_link_inside_the_seeds_are_read(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.txt").write_text(TEXT, "utf-8")
    (seeds / "b.txt").symlink_to(seeds / "a.txt")
    found = discover(seeds, CONFIG)
    assert [f.rel for f in found.files] == ["a.txt", "b.txt"]
    assert all(isinstance(read_file(f, CONFIG), Article) for f in found.files)


def test_the_output_folder_inside_the_seeds_is_never_listed(tmp_path):
    seeds = tmp_path / "seeds"
    (seeds / "site" / "data").mkdir(parents=True)
    (seeds / "a.txt").write_text(TEXT, "utf-8")
    (seeds / "site" / "data" / "sources.json").write_text("[]", "utf-8")
    assert [f.rel for f in discover(seeds, CONFIG, exclude=seeds / "site").files] == ["a.txt"]
    assert [f.rel for f in discover(seeds, CONFIG).files] == ["a.txt", "site/data/sources.json"]
