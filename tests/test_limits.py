"""Limits and odd files: each is handled or refused with a clear reason, and the rest builds.

One table row per case: how to make the odd entry in a seeds folder, the config
limits to use, and what the report must say about it. Every case also holds a
normal article, which must still be rendered.
"""

from __future__ import annotations

import dataclasses
import os
import signal
from pathlib import Path

import pytest

from builder.config import load_config
from builder.errors import ConfigError
from builder.incremental.engine import build
from builder.ingest.discover import discover

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "research.yml")
GOOD = "Good article\n\nEuropol and Kazakhstan discussed visa facilitation in Astana on 18 April 2025.\n"
AS_ROOT = os.geteuid() == 0


def limits(**kw):
    """Return the research config with some limits overridden."""
    return dataclasses.replace(CONFIG, limits=dataclasses.replace(CONFIG.limits, **kw))


def _paragraphs(n: int) -> str:
    return "Many paragraphs\n\n" + "\n\n".join(f"Paragraph number {i} about visas." for i in range(n)) + "\n"


def make_huge(seeds: Path) -> None:
    with open(seeds / "huge.txt", "wb") as f:
        f.write(b"Europol visa talks. " * (30 * 1024 * 1024 // 20))


def make_over_small_limit(seeds: Path) -> None:
    (seeds / "big.txt").write_text("Title\n\n" + "Europol visa talks. " * 100, "utf-8")


def make_paragraphs(seeds: Path) -> None:
    (seeds / "many.txt").write_text(_paragraphs(3000), "utf-8")


def make_deep(seeds: Path) -> None:
    deep = seeds.joinpath("a", "b", "c", "d", "e")
    deep.mkdir(parents=True)
    (deep / "deep.txt").write_text(GOOD.replace("Good", "Deep"), "utf-8")


def make_at_limit(seeds: Path) -> None:
    ok = seeds.joinpath("a", "b", "c")
    ok.mkdir(parents=True)
    (ok / "ok.txt").write_text("At the limit\n\nInterpol and Kazakhstan met in Lyon.\n", "utf-8")


def make_outside_link(seeds: Path) -> None:
    secret = seeds.parent / "secret.txt"
    secret.write_text("Secret\n\nEuropol secret text that must never be read.\n", "utf-8")
    (seeds / "outside.txt").symlink_to(secret)


def make_outside_dotdot_link(seeds: Path) -> None:
    (seeds.parent / "other").mkdir()
    (seeds.parent / "other" / "x.txt").write_text("X\n\nEuropol secret.\n", "utf-8")
    (seeds / "dotdot.txt").symlink_to(Path("..") / "other" / "x.txt")


def make_etc_passwd_link(seeds: Path) -> None:
    (seeds / "passwd.txt").symlink_to("/etc/passwd")


def make_broken_link(seeds: Path) -> None:
    (seeds / "broken.txt").symlink_to(seeds / "missing.txt")


def make_loop_link(seeds: Path) -> None:
    (seeds / "loop1.txt").symlink_to(seeds / "loop2.txt")
    (seeds / "loop2.txt").symlink_to(seeds / "loop1.txt")


def make_folder_link(seeds: Path) -> None:
    (seeds / "sub").mkdir()
    (seeds / "sub" / "inner.txt").write_text("Inner\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")
    (seeds / "again").symlink_to(seeds / "sub")


def make_inside_link(seeds: Path) -> None:
    (seeds / "target.txt").write_text("Target\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")
    (seeds / "alias.txt").symlink_to(seeds / "target.txt")


def make_fifo(seeds: Path) -> None:
    os.mkfifo(seeds / "pipe.txt")


def make_link_to_fifo(seeds: Path) -> None:
    os.mkfifo(seeds / "pipe")
    (seeds / "pipe-link.txt").symlink_to(seeds / "pipe")


def make_folder_named_like_a_file(seeds: Path) -> None:
    (seeds / "folder.txt").mkdir()
    (seeds / "folder.txt" / "in.txt").write_text("In a folder\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")


def make_unreadable(seeds: Path) -> None:
    p = seeds / "secret.txt"
    p.write_text("Secret\n\nEuropol.\n", "utf-8")
    p.chmod(0)


def make_unreadable_folder(seeds: Path) -> None:
    d = seeds / "locked"
    d.mkdir()
    (d / "x.txt").write_text("X\n\nEuropol.\n", "utf-8")
    d.chmod(0)


def make_undecodable_name(seeds: Path) -> None:
    name = os.fsdecode(b"caf\xe9.txt")  # a Latin-1 name on a UTF-8 file system
    (seeds / name).write_text("Cafe\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")


def make_yaml_bomb(seeds: Path) -> None:
    """Front matter whose aliases expand to 9**9 strings if anything flattened them."""
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [{', '.join([f'*a{i - 1}'] * 9)}]" for i in range(1, 9)]
    lines += [f"{key}: *a8" for key in ("title", "outlet", "author", "url", "id", "date", "language")]
    body = "\n\nEuropol and Kazakhstan discussed visas.\n\nInterpol met in Lyon.\n"
    (seeds / "bomb.md").write_text("---\n" + "\n".join(lines) + "\n---" + body, "utf-8")


def make_yaml_deep(seeds: Path) -> None:
    (seeds / "deep.md").write_text("---\ntitle: " + "[" * 20000 + "]" * 20000 + "\n---\n\nText.\n", "utf-8")


def make_empty(seeds: Path) -> None:
    (seeds / "empty.txt").write_bytes(b"")


def make_binary(seeds: Path) -> None:
    (seeds / "image.txt").write_bytes(bytes(range(256)) * 8)


# (case id, maker, config, file as the report names it, status, text the reason or warning holds)
CASES = [
    ("huge-file", make_huge, CONFIG, "huge.txt", "rejected", "31457280 bytes, over the limit of 20000000"),
    (
        "limit-override",
        make_over_small_limit,
        limits(max_file_bytes=1000),
        "big.txt",
        "rejected",
        "2007 bytes",
    ),
    ("paragraphs", make_paragraphs, limits(max_paragraphs=50), "many.txt", "rendered", "kept the first 50"),
    (
        "deep-folder",
        make_deep,
        limits(max_depth=3),
        "a/b/c/d/e/deep.txt",
        "rejected",
        "nested 5 folders deep",
    ),
    ("at-depth-limit", make_at_limit, limits(max_depth=3), "a/b/c/ok.txt", "rendered", None),
    ("link-outside", make_outside_link, CONFIG, "outside.txt", "rejected", "outside the seeds folder"),
    ("link-dotdot", make_outside_dotdot_link, CONFIG, "dotdot.txt", "rejected", "outside the seeds folder"),
    ("link-etc-passwd", make_etc_passwd_link, CONFIG, "passwd.txt", "rejected", "outside the seeds folder"),
    ("link-broken", make_broken_link, CONFIG, "broken.txt", "rejected", "broken symbolic link"),
    ("link-loop", make_loop_link, CONFIG, "loop1.txt", "rejected", "broken symbolic link"),
    ("link-folder", make_folder_link, CONFIG, "again", "rejected", "symbolic link to a folder"),
    ("link-inside", make_inside_link, CONFIG, "target.txt", "duplicate", "same text as alias.txt"),
    ("fifo", make_fifo, CONFIG, "pipe.txt", "rejected", "named pipe"),
    ("link-to-fifo", make_link_to_fifo, CONFIG, "pipe-link.txt", "rejected", "named pipe"),
    ("folder-named-txt", make_folder_named_like_a_file, CONFIG, "folder.txt/in.txt", "rendered", None),
    ("undecodable-name", make_undecodable_name, CONFIG, "caf\\xe9.txt", "rendered", None),
    (
        "yaml-bomb",
        make_yaml_bomb,
        CONFIG,
        "bomb.md",
        "rendered",
        "front matter 'title' is not a single value",
    ),
    ("yaml-deep", make_yaml_deep, CONFIG, "deep.md", "rejected", "broken front matter"),
    ("empty", make_empty, CONFIG, "empty.txt", "rejected", "empty file"),
    ("binary", make_binary, CONFIG, "image.txt", "rejected", "binary"),
    ("unreadable", make_unreadable, CONFIG, "secret.txt", "rejected", "Permission denied"),
    ("unreadable-folder", make_unreadable_folder, CONFIG, "locked/", "rejected", "Permission denied"),
]


NEEDS_NON_ROOT = pytest.mark.skipif(AS_ROOT, reason="root can read chmod 000 entries")
PARAMS = [
    pytest.param(*case, id=case[0], marks=[NEEDS_NON_ROOT] if case[0].startswith("unreadable") else [])
    for case in CASES
]


class _Hang(Exception):
    pass


def _alarm(signum, frame):
    raise _Hang("the build hung (reading a pipe?)")


@pytest.mark.parametrize(("case", "make", "config", "file", "status", "says"), PARAMS)
def test_odd_input_is_handled_and_the_rest_builds(tmp_path, case, make, config, file, status, says):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(GOOD, "utf-8")
    make(seeds)
    old = signal.signal(signal.SIGALRM, _alarm)
    signal.alarm(60)
    try:
        result = build(seeds, config)
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, old)
        for p in tmp_path.rglob("*"):  # let pytest clean up chmod 000 entries
            if not p.is_symlink():
                p.chmod(0o755)
    report = {r.file: r for r in result.report}
    assert len(report) == len(result.report), "a file is listed twice"
    assert report["good.txt"].status == "rendered"
    assert file in report, sorted(report)
    entry = report[file]
    assert entry.status == status, entry
    if says:
        detail = " ".join([entry.reason or "", *entry.warnings])
        assert says in detail, entry
        if status != "duplicate":  # a duplicate is reported, but it is not a problem
            assert any(line.startswith(f"{file}: ") and says in line for line in result.problems), (
                result.problems
            )
    assert "Europol secret" not in " ".join(result.files.values())


def test_every_entry_under_seeds_is_reported_once(tmp_path):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(GOOD, "utf-8")
    for make in (make_deep, make_outside_link, make_broken_link, make_fifo, make_folder_link, make_empty):
        make(seeds)
    found = discover(seeds, limits(max_depth=3))
    names = sorted([f.rel for f in found.files] + [r.file for r in found.refused])
    assert names == sorted(
        ["good.txt", "a/b/c/d/e/deep.txt", "outside.txt", "broken.txt", "pipe.txt", "again", "empty.txt"]
        + ["sub/inner.txt"]
    )


def test_discover_order_is_sorted_and_depth_first(tmp_path):
    seeds = tmp_path / "seeds"
    for rel in ["b.txt", "a/z.txt", "a/b/y.txt", "A.txt", "c/x.txt", "a.txt"]:
        (seeds / rel).parent.mkdir(parents=True, exist_ok=True)
        (seeds / rel).write_text("x", "utf-8")
    found = discover(seeds, CONFIG)
    assert [f.rel for f in found.files] == ["A.txt", "a.txt", "b.txt", "a/z.txt", "a/b/y.txt", "c/x.txt"]


def test_a_missing_seeds_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match="seeds folder not found"):
        build(tmp_path / "nope", CONFIG)


def test_a_5000_digit_number_is_analysed_like_any_paragraph(tmp_path, caplog):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "n.txt").write_text("Numbers\n\nEuropol counted " + "7" * 5000 + " visas in Astana.\n", "utf-8")
    with caplog.at_level("WARNING", logger="builder"):
        result = build(seeds, CONFIG)
    assert [r.status for r in result.report] == ["rendered"]
    assert not [r.getMessage() for r in caplog.records if "failed" in r.getMessage()]
    assert '"europol"' in result.files["data/entities.json"]


@pytest.mark.parametrize(
    ("unit", "status"), [("x", "rendered"), ("@", "rejected")], ids=["no-whitespace", "at-signs"]
)
def test_one_enormous_line_does_not_stop_the_build(tmp_path, unit, status):
    """One 2 MB word is one token and builds; 2 MB of punctuation is past limits.max_tokens and
    is rejected with the reason. Neither stops the build."""
    line = unit * 2_000_000
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text(GOOD, "utf-8")
    (seeds / "line.txt").write_text("One enormous line about Europol\n\n" + line + "\n", "utf-8")
    result = build(seeds, CONFIG)  # time and memory: benchmarks/pathological.py
    statuses = {r.file: r.status for r in result.report}
    assert statuses == {"good.txt": "rendered", "line.txt": status}
