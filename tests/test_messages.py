"""Control characters from the input never reach a terminal or a log raw (builder.messages)."""

from __future__ import annotations

import logging
from pathlib import Path

import pytest

from builder.cli import main
from builder.messages import CleanFilter, clean, problem_lines
from builder.records import InputReport

# (case, text, printed as)
CLEAN = [
    ("plain", "seeds/a.txt: rejected: empty file", "seeds/a.txt: rejected: empty file"),
    ("escape-colour", "a\x1b[31mred.txt", "a\\x1b[31mred.txt"),
    ("carriage-return", "good.txt\rEVIL", "good.txt\\rEVIL"),
    ("new-line-forges-a-line", "a.txt\nerror: b.txt", "a.txt\\nerror: b.txt"),
    ("tab", "a\tb", "a\\tb"),
    ("nul-and-bell", "a\x00b\x07", "a\\x00b\\x07"),
    ("delete", "a\x7fb", "a\\x7fb"),
    ("c1-csi", "a\x9b2Jb", "a\\x9b2Jb"),
    ("bidi-override", "cod\u202egnp.exe", "cod\\u202egnp.exe"),
    ("bidi-isolates", "\u2066x\u2069", "\\u2066x\\u2069"),
    ("marks", "\u200ex\u200f\u061c", "\\u200ex\\u200f\\u061c"),
    ("line-separator", "a\u2028b\u2029c", "a\\u2028b\\u2029c"),
    ("lone-surrogate", "bad\udcff.txt", "bad\\udcff.txt"),
    ("cyrillic-kept", "Казахстан.txt", "Казахстан.txt"),
    ("kazakh-kept", "Қазақстан Республикасы", "Қазақстан Республикасы"),
    ("arabic-kept", "كازاخستان", "كازاخستان"),
    ("emoji-and-zwj-kept", "👩\u200d💻 ü", "👩\u200d💻 ü"),
    ("nbsp-kept", "1\u00a0000", "1\u00a0000"),
    ("backslash-kept", "a\\x1b", "a\\x1b"),
]


@pytest.mark.parametrize(("case", "text", "shown"), CLEAN, ids=[c[0] for c in CLEAN])
def test_clean(case, text, shown):
    assert clean(text) == shown


def test_problem_lines_clean_file_names_reasons_and_warnings():
    report = [
        InputReport("a\x1b]0;title\x07.txt", "rejected", "empty file"),
        InputReport("b.md", "rendered", None, None, ("front matter id 'x\ry' is not a safe slug",)),
        InputReport("c.txt", "duplicate", "same text as b.md", "b"),
    ]
    assert problem_lines(report) == [
        "a\\x1b]0;title\\x07.txt: rejected: empty file",
        "b.md: warning: front matter id 'x\\ry' is not a safe slug",
    ]


def test_log_filter_cleans_message_and_arguments():
    seen = []

    class Keep(logging.Handler):
        def emit(self, record):
            seen.append(record.getMessage())

    log = logging.getLogger("test_messages.filter")
    log.propagate = False
    handler = Keep()
    log.addHandler(handler)
    log.addFilter(CleanFilter())
    try:
        log.warning("%s: rejected: %s", "x\x1b[2J.txt", "50% done\r")
    finally:
        log.removeHandler(handler)
    assert seen == ["x\\x1b[2J.txt: rejected: 50% done\\r"]


# (case, file name in the seeds folder, text it must print instead)
NAMES = [
    ("escape", "a\x1b[31m.txt", "a\\x1b[31m.txt: rejected: empty file"),
    ("carriage-return", "ok.txt\rforged", "ok.txt\\rforged: rejected: empty file"),
    ("bidi", "x\u202etxt.exe", "x\\u202etxt.exe: rejected: empty file"),
]


@pytest.mark.parametrize(("case", "name", "says"), NAMES, ids=[n[0] for n in NAMES])
def test_cli_prints_file_names_escaped(tmp_path, capsys, case, name, says):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "good.txt").write_text("A title\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")
    (seeds / name).write_bytes(b"")
    root = Path(__file__).resolve().parent.parent
    argv = [
        "build",
        "--seeds",
        str(seeds),
        "--out",
        str(tmp_path / "docs"),
        "--config",
        str(root / "research.yml"),
    ]
    assert main([*argv, "--no-cache", "--jobs", "1"]) == 0
    err = capsys.readouterr().err
    assert says in err, err
    assert not any(ch in err for ch in "\x1b\r\u202e"), repr(err)
