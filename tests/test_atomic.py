"""Atomic output: an interrupted write leaves every file whole, and the tree all-old or all-new.

The crash points are injected through write_tree's `crash` parameter (write.Crash),
which os._exit()s after N steps (staging writes, the commit, moves, removals, the
manifest) exactly like a kill -9 would; one more test sends a real SIGKILL to
the CLI while it writes. After each crash: every generated file is byte-identical
to its old or its new version, hand-written files are untouched, the manifest is
the old or the new one, nothing half-done is visible to MkDocs, and recovery
gives exactly the old tree (crash before the commit point) or the new one.
"""

from __future__ import annotations

import json
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from builder.config import load_config
from builder.errors import BuilderError
from builder.incremental.engine import build
from builder.output.write import (
    JOURNAL,
    MANIFEST,
    STAGING,
    UnsafePath,
    digest,
    recover,
    write_tree,
)

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
CONFIG = load_config(ROOT / "research.yml")
HAND_WRITTEN = {"assets/extra.css": "/* hand-written */\n", "methodology.md": "# Method\n"}


def _modified_seeds(dest: Path) -> Path:
    """The seeds with one article edited, one removed and one added."""
    shutil.copytree(SEEDS, dest)
    names = sorted(p.name for p in dest.iterdir())
    edited = dest / names[0]
    edited.write_text(edited.read_text("utf-8").replace("Интерпол", "Интерпол (ред.)", 1), "utf-8")
    (dest / names[-1]).unlink()
    (dest / "new-article.md").write_text(
        "---\ntitle: A new article\ndate: 2025-05-01\n---\n\nEuropol and Kazakhstan discussed readmission"
        " and visa facilitation in Astana on 1 May 2025.\n",
        "utf-8",
    )
    return dest


@pytest.fixture(scope="module")
def trees(tmp_path_factory) -> tuple[dict[str, str], dict[str, str]]:
    old = build(SEEDS, CONFIG).files
    new = build(_modified_seeds(tmp_path_factory.mktemp("atomic") / "seeds"), CONFIG).files
    changed = [p for p in new if old.get(p) != new[p]]
    assert changed and set(old) - set(new) and set(new) - set(old), "need changed, stale and new files"
    return old, new


def _previous_build(out: Path, old: dict[str, str]) -> None:
    for rel, text in HAND_WRITTEN.items():
        (out / rel).parent.mkdir(parents=True, exist_ok=True)
        (out / rel).write_text(text, "utf-8")
    write_tree(out, old)


def _tree(out: Path) -> dict[str, bytes]:
    """Return every file under out that MkDocs would see (no dot-files or dot-folders)."""
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in out.rglob("*")
        if p.is_file() and not any(part.startswith(".") for part in p.relative_to(out).parts)
    }


def check_whole(out: Path, old: dict[str, str], new: dict[str, str]) -> None:
    """Assert every file is old or new, whole; hand-written files kept; manifest old or new."""
    tree = _tree(out)
    for rel, text in HAND_WRITTEN.items():
        assert tree.pop(rel) == text.encode(), f"hand-written {rel} changed"
    stray = sorted(set(tree) - set(old) - set(new))
    assert stray == [], f"files MkDocs would see that neither build generated: {stray}"
    for rel, data in tree.items():
        versions = {v.encode() for v in (old.get(rel), new.get(rel)) if v is not None}
        assert data in versions, f"{rel} is neither the old nor the new version ({len(data)} bytes)"
    lost = sorted(rel for rel in set(old) & set(new) if rel not in tree)
    assert lost == [], f"files present in both builds are missing: {lost}"
    manifest = json.loads((out / MANIFEST).read_text("utf-8"))["files"]
    assert manifest in (sorted(old), sorted(new))


def check_exact(out: Path, files: dict[str, str], settled: bool = True) -> None:
    """Assert out holds exactly these generated files (and, settled, no journal or staging)."""
    tree = _tree(out)
    for rel in HAND_WRITTEN:
        tree.pop(rel)
    assert tree == {rel: text.encode() for rel, text in files.items()}
    assert json.loads((out / MANIFEST).read_text("utf-8"))["files"] == sorted(files)
    if settled:
        assert not (out / JOURNAL).exists()
        assert not list(out.glob(STAGING + "*"))


WRITER = (
    "import json, sys; from pathlib import Path; from builder.output.write import Crash, write_tree; "
    "write_tree(Path(sys.argv[1]), json.loads(Path(sys.argv[2]).read_text('utf-8')), "
    "crash=Crash(int(sys.argv[3])))"
)
# The same files handed over in two batches: the source pages first, then the rest.
WRITER_BATCHES = (
    "import json, sys; from pathlib import Path; from builder.output import write; "
    "new = json.loads(Path(sys.argv[2]).read_text('utf-8')); "
    "first = {k: v for k, v in new.items() if k.startswith('sources/')}; "
    "tree = write.Tree(Path(sys.argv[1]), write.Crash(int(sys.argv[3]))).__enter__(); tree.add(first); "
    "tree.add({k: v for k, v in new.items() if k not in first}); tree.commit()"
)
FRACTIONS = [0.0, 0.05, 0.3, 0.45, 0.5, 0.55, 0.7, 0.9, 0.97, 1.0]


@pytest.mark.parametrize("writer", [WRITER, WRITER_BATCHES], ids=["at-once", "in-batches"])
@pytest.mark.parametrize("fraction", FRACTIONS, ids=[f"{f:.0%}" for f in FRACTIONS])
def test_a_crash_at_any_step_leaves_whole_files_then_all_old_or_all_new(tmp_path, trees, fraction, writer):
    old, new = trees
    out = tmp_path / "docs"
    _previous_build(out, old)
    changed = sum(1 for rel in new if old.get(rel) != new[rel])
    stale = len(set(old) - set(new))
    steps = 1 + changed + 1 + changed + stale + 1  # mkdtemp, stage, commit, moves, removals, manifest
    crash_after = min(int(fraction * steps), steps - 1)
    spec = tmp_path / "new.json"
    spec.write_text(json.dumps(new), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", writer, str(out), str(spec), str(crash_after)], cwd=ROOT, timeout=120
    )
    assert proc.returncode == 70, "the crash hook did not fire"
    check_whole(out, old, new)
    committed = (out / JOURNAL).exists()
    assert committed == (crash_after >= 1 + changed + 1)
    if not committed:
        check_exact(out, old, settled=False)  # before the commit point nothing visible changed
    assert recover(out) == committed
    check_exact(out, new if committed else old)
    written = write_tree(out, new)
    if committed:
        assert written == ([], []), "recovery should already have finished the new tree"
    check_exact(out, new)


@pytest.mark.parametrize("fraction", FRACTIONS, ids=[f"{f:.0%}" for f in FRACTIONS])
def test_a_first_build_moved_in_whole_folders_survives_a_crash(tmp_path, trees, fraction):
    # Into a folder that holds only hand-written files, the commit renames each new folder
    # (sources/, topics/...) once instead of moving its files one by one.
    _, new = trees
    out = tmp_path / "docs"
    _previous_build(out, {})
    steps = 1 + len(new) + 1 + len(new) + 1  # mkdtemp, stage, commit, moves, manifest
    crash_after = min(int(fraction * steps), steps - 1)
    spec = tmp_path / "new.json"
    spec.write_text(json.dumps(new), "utf-8")
    proc = subprocess.run(
        [sys.executable, "-c", WRITER, str(out), str(spec), str(crash_after)], cwd=ROOT, timeout=120
    )
    assert proc.returncode == 70, "the crash hook did not fire"
    check_whole(out, {}, new)
    committed = (out / JOURNAL).exists()
    assert committed == (crash_after >= 1 + len(new))  # the step after the commit point
    if crash_after >= 1 + len(new) + 1:  # into the moves: the new folders came whole, at once
        assert all((out / rel).is_file() for rel in new if "/" in rel)
    assert recover(out) == committed
    check_exact(out, new if committed else {})
    assert write_tree(out, new)[1] == []
    check_exact(out, new)


def _cli(seeds: Path, out: Path) -> list[str]:
    """Return the CLI command that builds seeds into out, serially and uncached."""
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--out", str(out)]
    return cmd + ["--config", str(ROOT / "research.yml"), "--no-cache", "--jobs", "1", "-q"]


def test_the_cli_killed_while_writing_leaves_whole_files(tmp_path, trees):
    """A real SIGKILL, as soon as the CLI starts staging its files."""
    old, new = trees
    out = tmp_path / "docs"
    _previous_build(out, old)
    seeds = _modified_seeds(tmp_path / "seeds")
    cmd = _cli(seeds, out)
    proc = subprocess.Popen(cmd, cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    try:
        while proc.poll() is None and time.monotonic() < deadline:
            if any(out.glob(STAGING + "*")):
                proc.send_signal(signal.SIGKILL)
                break
            time.sleep(0.001)
    finally:
        if proc.poll() is None and time.monotonic() >= deadline:
            proc.kill()
        proc.wait(timeout=60)
    assert proc.returncode in (-signal.SIGKILL, 0)  # killed mid-write (or, on a fast day, done)
    check_whole(out, old, new)
    recover(out)
    tree = _tree(out)
    assert tree in (
        {**{r: t.encode() for r, t in HAND_WRITTEN.items()}, **{r: t.encode() for r, t in old.items()}},
        {**{r: t.encode() for r, t in HAND_WRITTEN.items()}, **{r: t.encode() for r, t in new.items()}},
    )


BUILD_THEN_CRASH = (
    "import sys; from pathlib import Path; from builder.config import load_config; "
    "from builder.incremental.engine import build; from builder.output.write import Crash, write_tree; "
    "r = build(Path(sys.argv[1]), load_config(Path(sys.argv[3]))); "
    "write_tree(Path(sys.argv[2]), r.files, r.digests, Crash(int(sys.argv[4])))"
)


def test_a_build_that_crashes_while_writing_and_the_next_build_finishes(tmp_path, trees):
    old, new = trees
    out = tmp_path / "docs"
    _previous_build(out, old)
    seeds = _modified_seeds(tmp_path / "seeds")
    changed = sum(1 for rel in new if old.get(rel) != new[rel])
    crash_after = 2 + changed + changed // 2  # halfway through the moves
    cmd = [
        sys.executable,
        "-c",
        BUILD_THEN_CRASH,
        str(seeds),
        str(out),
        str(ROOT / "research.yml"),
        str(crash_after),
    ]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert proc.returncode == 70, proc.stderr
    check_whole(out, old, new)
    assert (out / JOURNAL).exists()
    assert _tree(out) != {
        **{r: t.encode() for r, t in HAND_WRITTEN.items()},
        **{r: t.encode() for r, t in new.items()},
    }
    again = subprocess.run(_cli(seeds, out), cwd=ROOT, capture_output=True, text=True, timeout=300)
    assert again.returncode == 0, again.stderr  # it finishes the journal first, then writes
    check_exact(out, new)


# ------------------------------------------------------------------ write_tree itself


def test_only_changed_files_are_written_and_stale_ones_removed(tmp_path):
    out = tmp_path / "docs"
    (out / "notes").mkdir(parents=True)
    (out / "notes" / "mine.md").write_text("mine", "utf-8")
    assert write_tree(out, {"a.md": "a", "sub/b.md": "b", "sub/c.md": "c"}) == (
        ["a.md", "sub/b.md", "sub/c.md"],
        [],
    )
    before = (out / "a.md").stat().st_mtime_ns
    time.sleep(0.01)
    assert write_tree(out, {"a.md": "a", "sub/b.md": "B"}) == (["sub/b.md"], ["sub/c.md"])
    assert (out / "a.md").stat().st_mtime_ns == before
    assert write_tree(out, {"a.md": "a", "sub/b.md": "B"}) == ([], [])
    assert write_tree(out, {"a.md": "a"}) == ([], ["sub/b.md"])
    assert not (out / "sub").exists(), "an emptied generated folder is removed"
    assert (out / "notes" / "mine.md").read_text("utf-8") == "mine"


class _NoText(dict):
    """Pages whose texts must not be asked for."""

    def __getitem__(self, name):
        raise AssertionError(f"the text of {name} was read")


def test_with_digests_an_unchanged_tree_reads_no_page(tmp_path):
    out = tmp_path / "docs"
    pages = {"a.md": "a", "sub/b.md": "b"}
    sums = {name: digest(text.encode()) for name, text in pages.items()}
    assert write_tree(out, pages, sums) == (["a.md", "sub/b.md"], [])
    assert write_tree(out, _NoText(pages), sums) == ([], [])
    sums["a.md"] = digest(b"A")
    assert write_tree(out, {"a.md": "A", "sub/b.md": "b"}, sums) == (["a.md"], [])


def test_with_digests_a_hand_edited_file_is_restored(tmp_path):
    out = tmp_path / "docs"
    pages = {"a.md": "a", "b.md": "b"}
    sums = {name: digest(text.encode()) for name, text in pages.items()}
    write_tree(out, pages, sums)
    time.sleep(0.01)
    (out / "a.md").write_text("x", "utf-8")  # same size, newer than the manifest
    assert write_tree(out, pages, sums) == (["a.md"], [])
    assert (out / "a.md").read_text("utf-8") == "a"
    time.sleep(0.01)
    (out / "b.md").touch()  # touched, bytes unchanged: read and compared, not rewritten
    assert write_tree(out, pages, sums) == ([], [])


def test_a_build_into_a_folder_writes_what_write_tree_writes(tmp_path, trees):
    # A build given out= writes its files: the tree and the report must be what write_tree
    # gives, from a fresh folder and over an older tree.
    old, new = trees
    seeds = _modified_seeds(tmp_path / "seeds")
    for previous in ({}, old):
        here, apart = tmp_path / f"here{len(previous)}", tmp_path / f"apart{len(previous)}"
        for out in (here, apart):
            _previous_build(out, previous)
        expected = write_tree(here, new)
        result = build(seeds, CONFIG, out=apart)
        assert (list(result.written), list(result.removed)) == expected
        assert _tree(apart) == _tree(here)
        assert not list(apart.glob(STAGING + "*")) and not (apart / JOURNAL).exists()


def test_a_relative_output_folder(tmp_path, monkeypatch):
    # `python -m builder build` writes into docs/ by default: a path relative to the current folder.
    monkeypatch.chdir(tmp_path)
    assert write_tree(Path("docs"), {"a.md": "a", "sub/b.md": "b"}) == (["a.md", "sub/b.md"], [])
    assert _tree(tmp_path / "docs") == {"a.md": b"a", "sub/b.md": b"b"}


def test_a_warm_build_into_a_fresh_folder_writes_a_plain_builds_tree(tmp_path):
    # The cache holds the last build's pages; the fresh folder gets this build's, all of them.
    cache = tmp_path / "cache"
    build(SEEDS, CONFIG, cache, out=tmp_path / "first")
    seeds = _modified_seeds(tmp_path / "seeds")
    result = build(seeds, CONFIG, cache, out=tmp_path / "fresh")
    expected = build(seeds, CONFIG)
    assert result.how == "built in full"
    assert _tree(tmp_path / "fresh") == {rel: text.encode("utf-8") for rel, text in expected.files.items()}
    assert list(result.written) == sorted(expected.files) and not result.removed
    assert not list((tmp_path / "fresh").glob(STAGING + "*"))


def test_a_file_never_generated_is_never_removed(tmp_path):
    out = tmp_path / "docs"
    write_tree(out, {"a.md": "a"})
    (out / "b.md").write_text("hand-written", "utf-8")
    write_tree(out, {"c.md": "c"})
    assert sorted(p.name for p in out.iterdir() if not p.name.startswith(".")) == ["b.md", "c.md"]


def test_mkdocs_never_sees_staging_or_journal_files():
    """Dot-files and dot-folders are outside MkDocs' docs by default (exclude_docs '.*')."""
    from mkdocs.structure import files

    spec = getattr(files, "_default_exclude", None)
    if spec is None:  # pragma: no cover - another MkDocs version
        pytest.skip("MkDocs keeps its default exclusions elsewhere")
    for path in (".staging-ab12/topics/visas.md", JOURNAL, MANIFEST, ".generated.lock"):
        assert spec.match_file(path), path
    assert not spec.match_file("topics/visas.md")


def test_stale_staging_debris_is_cleaned(tmp_path):
    out = tmp_path / "docs"
    (out / ".staging-abc123" / "topics").mkdir(parents=True)
    (out / ".staging-abc123" / "topics" / "visas.md").write_text("half", "utf-8")
    write_tree(out, {"a.md": "a"})
    assert not list(out.glob(".staging-*"))


def test_a_folder_where_a_file_goes_is_refused_before_any_change(tmp_path):
    out = tmp_path / "docs"
    write_tree(out, {"a.md": "a"})
    (out / "b.md").mkdir()
    with pytest.raises(UnsafePath, match="b.md"):
        write_tree(out, {"a.md": "A", "b.md": "b"})
    assert (out / "a.md").read_text("utf-8") == "a"


@pytest.mark.parametrize(
    "journal",
    [
        "{not json",
        '{"staging": "../../etc", "moves": [], "remove": []}',
        '{"staging": ".staging-x", "moves": "a.md", "remove": []}',
        "[]",
    ],
)
def test_a_damaged_journal_stops_the_write_with_a_message(tmp_path, journal):
    out = tmp_path / "docs"
    write_tree(out, {"a.md": "a"})
    (out / JOURNAL).write_text(journal, "utf-8")
    with pytest.raises(BuilderError, match="journal"):
        write_tree(out, {"a.md": "A"})
    assert (out / "a.md").read_text("utf-8") == "a"


def test_a_journal_cannot_move_or_delete_outside_the_folder(tmp_path):
    out = tmp_path / "docs"
    write_tree(out, {"a.md": "a"})
    victim = tmp_path / "victim.txt"
    victim.write_text("keep", "utf-8")
    (out / ".staging-x").mkdir()
    (out / JOURNAL).write_text(
        json.dumps({"staging": ".staging-x", "moves": [], "remove": ["../victim.txt"]})
    )
    recover(out)
    assert victim.read_text("utf-8") == "keep"
