"""Exit codes and messages of `python -m builder build`, one table row per case.

0 success; 1 when --strict and some input was rejected or warned about (or a
check failed); 2 for a usage or configuration error. Most rows call cli.main()
in-process (fast); the last tests run the real command to pin the process exit
status too.
"""

from __future__ import annotations

import logging
import subprocess
import sys
from pathlib import Path

import pytest

from builder.cli import main

ROOT = Path(__file__).resolve().parent.parent
CONFIG = ROOT / "research.yml"
GOOD = "Good article\n\nEuropol and Kazakhstan discussed visa facilitation in Astana on 18 April 2025.\n"


def _seeds(tmp: Path, **files: str | bytes) -> Path:
    seeds = tmp / "seeds"
    seeds.mkdir(exist_ok=True)
    (seeds / "good.txt").write_text(GOOD, "utf-8")
    for name, data in files.items():
        name = name.replace("__", ".")
        if isinstance(data, str):
            data = data.encode("utf-8")
        (seeds / name).write_bytes(data)
    return seeds


def _config(tmp: Path, text: str) -> Path:
    path = tmp / "research.yml"
    path.write_text(text, "utf-8")
    return path


BAD_YAML = "site:\n  title: x\ntopics: [\n  - slug: visas\n"
NOT_A_DEFINITION = "topics:\n  - 1\n  - 2\n"
BAD_LIMIT = CONFIG.read_text("utf-8").replace("max_depth: 8", "max_depth: deep")

# (case, seeds files, config text or None for research.yml, extra args, exit code, stderr must contain)
CASES = [
    ("clean", {}, None, [], 0, ["1 rendered, 0 duplicates, 0 rejected"]),
    ("clean-strict", {}, None, ["--strict"], 0, ["1 rendered"]),
    ("rejected", {"empty__txt": b""}, None, [], 0, ["empty.txt: rejected: empty file", "1 rejected"]),
    (
        "rejected-strict",
        {"empty__txt": b""},
        None,
        ["--strict"],
        1,
        ["empty.txt: rejected: empty file", "strict: 1 problems"],
    ),
    (
        "binary-strict",
        {"img__txt": bytes(range(256))},
        None,
        ["--strict"],
        1,
        ["img.txt: rejected: binary file", "strict: 1 problems"],
    ),
    (
        "warning-strict",
        {"a__md": "---\ntitle: A\nurl: javascript:alert(1)\n---\n\nInterpol met Kazakhstan in Lyon.\n"},
        None,
        ["--strict"],
        1,
        ["a.md: warning: front matter url 'javascript:alert(1)' is not an http(s) address", "strict: 1"],
    ),
    (
        "broken-front-matter-strict",
        {"b__md": "---\ntitle: [unclosed\n---\n\nText.\n"},
        None,
        ["--strict"],
        1,
        ["b.md: rejected: broken front matter at line 2"],
    ),
    ("quiet-strict", {"empty__txt": b""}, None, ["--strict", "-q"], 1, ["empty.txt: rejected"]),
    ("bad-yaml", {}, BAD_YAML, [], 2, ["research.yml:", "invalid YAML"]),
    ("not-a-definition", {}, NOT_A_DEFINITION, [], 2, ["research.yml", "invalid research definition"]),
    ("bad-limit", {}, BAD_LIMIT, [], 2, ["research.yml", "invalid research definition"]),
    ("no-topics", {}, "site: {title: x}\n", [], 2, ["research.yml: no topics defined"]),
]


@pytest.mark.parametrize(
    ("case", "files", "config", "extra", "code", "says"), CASES, ids=[c[0] for c in CASES]
)
def test_exit_codes(tmp_path, capsys, case, files, config, extra, code, says):
    seeds = _seeds(tmp_path, **files)
    cfg = CONFIG if config is None else _config(tmp_path, config)
    argv = ["build", "--seeds", str(seeds), "--out", str(tmp_path / "docs"), "--config", str(cfg)]
    rc = main([*argv, "--no-cache", "--jobs", "1", *extra])
    err = capsys.readouterr().err
    assert rc == code, err
    for text in says:
        assert text in err
    assert "Traceback" not in err


def test_bad_yaml_names_the_line(tmp_path, capsys):
    cfg = _config(tmp_path, BAD_YAML)
    rc = main(["build", "--seeds", str(_seeds(tmp_path)), "--out", str(tmp_path / "d"), "--config", str(cfg)])
    err = capsys.readouterr().err
    assert rc == 2
    assert "research.yml:4: invalid YAML: expected the node content, but found '-'" in err, err


# (case, argv after "build" with {seeds}/{tmp} placeholders, stderr must contain)
USAGE = [
    ("missing-seeds", ["--seeds", "{tmp}/nope"], "seeds folder not found"),
    ("seeds-is-a-file", ["--seeds", "{seeds}/good.txt"], "seeds folder not found"),
    ("missing-config", ["--config", "{tmp}/nope.yml"], "cannot read config"),
    ("config-is-a-folder", ["--config", "{tmp}"], "cannot read config"),
    ("out-is-a-file", ["--out", "{seeds}/good.txt"], "--out is not a folder"),
    ("out-inside-seeds", ["--out", "{seeds}/docs"], "--out is inside the seeds folder"),
    ("out-is-the-seeds", ["--out", "{seeds}"], "--out is inside the seeds folder"),
    ("unknown-executor", ["--executor", "cluster"], "invalid choice: 'cluster'"),
    ("jobs-zero", ["--jobs", "0"], "at least 1"),
    ("jobs-text", ["--jobs", "many"], "at least 1"),
    ("unknown-option", ["--frobnicate"], "unrecognized arguments: --frobnicate"),
]


@pytest.mark.parametrize(("case", "args", "says"), USAGE, ids=[u[0] for u in USAGE])
def test_usage_errors_exit_2(tmp_path, capsys, case, args, says):
    seeds = _seeds(tmp_path)
    argv = ["build", "--seeds", str(seeds), "--out", str(tmp_path / "docs"), "--config", str(CONFIG)]
    argv += ["--no-cache", *[a.format(seeds=seeds, tmp=tmp_path) for a in args]]
    try:
        rc = main(argv)
    except SystemExit as exc:  # argparse exits by itself
        rc = exc.code
    err = capsys.readouterr().err
    assert rc == 2, err
    assert says in err
    assert "Traceback" not in err


def test_no_command_is_a_usage_error(capsys):
    with pytest.raises(SystemExit) as exc:
        main([])
    assert exc.value.code == 2


def test_strict_counts_what_the_builder_logs(tmp_path, capsys, monkeypatch):
    """A warning logged during the build (say, a paragraph annotate could not analyse) fails --strict."""
    from builder.incremental import engine

    real = engine.discover

    def noisy(seeds, config, exclude=None):
        logging.getLogger("builder.annotate").warning("good.txt: p1: annotation failed: test")
        return real(seeds, config, exclude)

    monkeypatch.setattr(engine, "discover", noisy)
    argv = ["build", "--seeds", str(_seeds(tmp_path)), "--out", str(tmp_path / "d"), "--config", str(CONFIG)]
    assert main([*argv, "--no-cache"]) == 0
    assert "good.txt: p1: annotation failed: test" in capsys.readouterr().err
    assert main([*argv, "--no-cache", "--strict"]) == 1
    err = capsys.readouterr().err
    assert "good.txt: p1: annotation failed: test" in err and "strict: 1 problems" in err


@pytest.mark.parametrize(
    ("case", "extra", "code"),
    [("strict-rejected", ["--strict"], 1), ("unknown-option", ["--nope"], 2), ("lenient", [], 0)],
)
def test_the_real_command_exits_with_the_code(tmp_path, case, extra, code):
    seeds = _seeds(tmp_path, empty__txt=b"")
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--out", str(tmp_path / "docs")]
    cmd += ["--config", str(CONFIG), "--no-cache", *extra]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == code, proc.stderr


@pytest.mark.parametrize(
    ("tty", "env", "quiet", "shown"),
    [
        (True, {}, False, True),  # an interactive terminal sees progress
        (False, {}, False, False),  # piped: nothing
        (True, {"CI": "true"}, False, False),  # CI: nothing
        (True, {}, True, False),  # -q: nothing
    ],
)
def test_progress_only_on_an_interactive_terminal(monkeypatch, capsys, tty, env, quiet, shown):
    from builder import cli

    monkeypatch.delenv("CI", raising=False)
    for k, v in env.items():
        monkeypatch.setenv(k, v)
    monkeypatch.setattr(sys.stderr, "isatty", lambda: tty)
    show = cli._progress(quiet)
    assert (show is not None) == shown
    if show:
        show("reading and annotating", 50, 100)
        assert "reading and annotating: 50/100" in capsys.readouterr().err
