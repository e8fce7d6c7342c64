"""Write generated files into a folder: atomically, and only what changed.

A write is one transaction over the whole tree:

1. every changed file and the new manifest are written into a fresh
   ``.staging-*`` folder inside the output folder (MkDocs skips dot-folders);
2. a journal naming the staged files and the stale ones to delete is put in
   place with one ``os.replace``: the commit point;
3. the staged files are moved into place with ``os.replace``, stale files are
   deleted, the manifest replaced, and the journal removed.

An interruption before step 2 leaves the previous tree untouched. After it,
every file is whole (old or new, never half-written) and the next write, or
``recover``, finishes the journal before anything else, so the tree always
ends up all-old or all-new. Files the builder did not generate are never
touched: the manifest lists what it generated.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import os
import re
import shutil
import stat
import tempfile
from collections.abc import Mapping
from pathlib import Path

from builder.errors import BuilderError

MANIFEST = ".generated.json"
JOURNAL = ".generated.journal"
LOCK = ".generated.lock"
STAGING = ".staging-"
_STAGING_NAME = re.compile(r"\.staging-[A-Za-z0-9_]+")


class UnsafePath(BuilderError, ValueError):
    """A generated path would land outside the output folder, or on a folder."""


class Crash:
    """A fault to inject: os._exit(70) after this many steps of a write, as a kill -9 would."""

    def __init__(self, after: int | None = None) -> None:
        self.left = after

    def step(self) -> None:
        if self.left is None:
            return
        if self.left == 0:
            os._exit(70)
        self.left -= 1


def _read_manifest(out: Path) -> tuple[list[str], dict[str, list], int]:
    """Return the files an earlier write generated, their [sha256, size], and the manifest's mtime."""
    try:
        path = out / MANIFEST
        mtime = path.stat().st_mtime_ns
        data = json.loads(path.read_text("utf-8"))
        files = [p for p in data.get("files", []) if isinstance(p, str)]
        sums = data.get("sha256", {})
        return files, sums if isinstance(sums, dict) else {}, mtime
    except (OSError, ValueError, AttributeError):
        return [], {}, 0


def digest(data: bytes) -> list:
    """Return what the manifest records of a file: [sha256, size]."""
    return [hashlib.sha256(data).hexdigest(), len(data)]


def _resolve_dir(folder: str, resolved: dict[str, str]) -> str:
    if folder not in resolved:
        resolved[folder] = os.path.realpath(folder)
    return resolved[folder]


def _safe(out: Path, rel: str, resolved: dict[str, str]) -> Path:
    """Return out/rel, refusing anything that resolves outside out."""
    return Path(_safe_str(out, rel, resolved))


def _safe_str(out: Path, rel: str, resolved: dict[str, str]) -> str:
    """Return out/rel as a string path, refusing anything that resolves outside out.

    Folders are resolved once per write (resolved: {folder: its real path}, a
    corpus has thousands of files in a handful of folders); a symbolic link as
    the file itself is resolved too.
    """
    joined = os.path.join(str(out), rel)
    name = os.path.basename(joined)
    root = _resolve_dir(str(out), resolved)
    path = os.path.join(_resolve_dir(os.path.dirname(joined), resolved), name)
    if os.path.islink(path):
        path = os.path.realpath(path)
    if name in ("", ".", "..") or not path.startswith(root.rstrip(os.sep) + os.sep):
        raise UnsafePath(f"refusing to write outside {out}: {rel}")
    return path


@contextlib.contextmanager
def _locked(out: Path):
    """Hold an exclusive lock on the output folder (where the platform has flock)."""
    try:
        import fcntl
    except ImportError:  # pragma: no cover - Windows
        yield
        return
    with open(out / LOCK, "a") as fh:
        fcntl.flock(fh, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)


def _prune(out: Path, folder: Path) -> None:
    """Remove folder and its parents up to out while they are empty."""
    root = out.resolve()
    while folder != root and folder.is_relative_to(root):
        try:
            folder.rmdir()
        except OSError:
            return
        folder = folder.parent


class _Folders:
    """Make folders, each once per write (string paths: a write makes thousands of files)."""

    def __init__(self) -> None:
        self.made: set[str] = set()

    def make(self, folder: str) -> None:
        if folder not in self.made:
            os.makedirs(folder, exist_ok=True)
            self.made.add(folder)


def _apply(out: Path, plan: dict, crash: Crash) -> list[str]:
    """Carry out a committed journal; return the stale files removed. Idempotent."""
    staging = out / plan["staging"]
    folders = _Folders()
    resolved: dict[str, str] = {}
    whole = set()  # folders new to the tree (a first build): each moved in one rename
    for name in sorted(os.listdir(staging)):
        if os.path.isdir(staging / name) and not os.path.lexists(out / name):
            os.rename(staging / name, out / name)
            whole.add(name)
    for rel in plan["moves"]:
        if rel.split("/", 1)[0] in whole:
            crash.step()
            continue
        src, dest = os.path.join(staging, rel), _safe_str(out, rel, resolved)
        folders.make(os.path.dirname(dest))
        try:
            os.replace(src, dest)
        except FileNotFoundError:  # moved before an interruption, unless the error was not about src
            if os.path.lexists(src):
                raise
        crash.step()
    removed = []
    for rel in plan["remove"]:
        try:
            path = _safe(out, rel, resolved)
            path.unlink()
            removed.append(rel)
            _prune(out, path.parent)
        except (OSError, UnsafePath):
            pass
        crash.step()
    if (staging / MANIFEST).exists():
        os.replace(staging / MANIFEST, out / MANIFEST)
    crash.step()
    (out / JOURNAL).unlink()
    shutil.rmtree(staging, ignore_errors=True)
    return removed


def _read_journal(out: Path) -> dict | None:
    try:
        plan = json.loads((out / JOURNAL).read_text("utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        raise BuilderError(
            f"{out / JOURNAL}: unreadable write journal ({exc}); remove it and rebuild"
        ) from None
    ok = (
        isinstance(plan, dict)
        and isinstance(plan.get("staging"), str)
        and _STAGING_NAME.fullmatch(plan["staging"])
        and all(
            isinstance(plan.get(k), list) and all(isinstance(p, str) for p in plan[k])
            for k in ("moves", "remove")
        )
    )
    if not ok:
        raise BuilderError(f"{out / JOURNAL}: malformed write journal; remove it and rebuild")
    return plan


def _recover(out: Path, crash: Crash) -> bool:
    plan = _read_journal(out)
    if plan is not None:
        _apply(out, plan, crash)
    for debris in out.glob(STAGING + "*"):
        if debris.is_dir() and not debris.is_symlink():
            shutil.rmtree(debris, ignore_errors=True)
    return plan is not None


def recover(out: Path) -> bool:
    """Finish a write that was interrupted after its commit point; drop staging debris.

    Return True when a journal was found and completed.
    """
    if not out.is_dir():
        return False
    with _locked(out):
        return _recover(out, Crash())


def _unchanged(path: str, recorded: list | None, wanted: list | None, since: int) -> bool:
    """Tell from the manifest alone that the file at path holds the wanted bytes."""
    if recorded is None or wanted is None or list(recorded) != list(wanted):
        return False
    try:
        st = os.stat(path)
    except OSError:
        return False
    return stat.S_ISREG(st.st_mode) and st.st_size == wanted[1] and st.st_mtime_ns <= since


def write_tree(
    out: Path, files: Mapping[str, str], digests: Mapping[str, list] | None = None, crash: Crash | None = None
) -> tuple[list[str], list[str]]:
    """Write files under out; return (written, removed) relative paths.

    Only files whose bytes changed are written; files an earlier write
    generated and this one does not are removed; nothing else is touched.

    The manifest records each file's SHA-256 and size. A file whose digest
    (`digests`, as `digest()` returns it, or computed from `files`) is the
    recorded one and that has not been modified since the manifest was
    written is not read again, and its text is never asked of `files`: a
    rebuild where nothing changed loads no page.
    """
    with Tree(out, crash) as tree:
        tree.add(files, digests)
        return tree.commit()


class Tree:
    """One write of generated files into out, fed as they are rendered; commit() ends it.

    Used as a context manager (it holds the folder's lock). add() compares
    each file with the tree and keeps the changed ones; nothing visible
    changes before commit(), which stages them and commits (see the module's
    docstring). Leaving the block without a commit removes what was staged.
    crash: a fault to inject (tests).
    """

    def __init__(self, out: Path, crash: Crash | None = None) -> None:
        self.out, self.root = out, str(out)
        self.crash = crash or Crash()
        self.sums: dict[str, list] = {}  # this write's files and their [sha256, size]
        self.changed: list[str] = []  # staged, or to be
        self.pending: list[tuple[str, bytes]] = []  # changed, not staged yet
        self.staging: Path | None = None
        self.folders = _Folders()
        self.resolved: dict[str, str] = {}  # folder -> its real path, for this write

    def __enter__(self) -> Tree:
        self.out.mkdir(parents=True, exist_ok=True)
        self._lock = _locked(self.out)
        self._lock.__enter__()
        try:
            _recover(self.out, self.crash)
            self.previous, self.recorded, self.since = _read_manifest(self.out)
        except BaseException:
            self._lock.__exit__(None, None, None)
            raise
        return self

    def __exit__(self, *exc) -> None:
        try:
            if exc[0] is not None and self.staging is not None:
                shutil.rmtree(self.staging, ignore_errors=True)
        finally:
            self._lock.__exit__(*exc)

    def add(self, files: Mapping[str, str], digests: Mapping[str, list] | None = None) -> None:
        """Take files (and, if known, their digests) and keep those whose bytes changed."""
        for rel in sorted(digests if digests is not None else files):
            wanted = digests.get(rel) if digests is not None else None
            data = None if wanted is not None else files[rel].encode("utf-8")
            self.sums[rel] = list(wanted) if wanted is not None else digest(data)
            # only looked at (stat), never read or written: the plain path will do
            if _unchanged(os.path.join(self.root, rel), self.recorded.get(rel), self.sums[rel], self.since):
                continue
            path = _safe_str(self.out, rel, self.resolved)
            if data is None:
                data = files[rel].encode("utf-8")
                self.sums[rel] = digest(data)
            try:
                with open(path, "rb") as fh:
                    if fh.read() == data:
                        continue
            except IsADirectoryError:
                raise UnsafePath(f"{self.out}: a folder stands where {rel} goes") from None
            except OSError:
                pass
            self.changed.append(rel)
            self.pending.append((rel, data))

    def _staging(self) -> Path:
        if self.staging is None:
            self.staging = Path(tempfile.mkdtemp(prefix=STAGING, dir=self.out))
            self.crash.step()
        return self.staging

    def commit(self) -> tuple[list[str], list[str]]:
        """Stage the changed files and commit; return (written, removed)."""
        names = sorted(self.sums)
        stale = sorted(set(self.previous) - set(names))
        if not self.changed and not stale and self.recorded == self.sums and (self.out / MANIFEST).exists():
            return [], []
        staging = self._staging()
        for rel, data in self.pending:
            tmp = os.path.join(staging, rel)
            self.folders.make(os.path.dirname(tmp))
            with open(tmp, "wb") as fh:
                fh.write(data)
            self.crash.step()
        self.pending = []
        # compact: the C encoder (indent would take the pure-Python one, a tenth of a second at 10,000 files)
        manifest = json.dumps({"files": names, "sha256": self.sums}, sort_keys=True, separators=(",", ":"))
        (staging / MANIFEST).write_text(manifest + "\n", "utf-8")
        plan = {"staging": staging.name, "moves": sorted(self.changed), "remove": stale}
        (staging / (JOURNAL + ".tmp")).write_text(json.dumps(plan, indent=1, sort_keys=True), "utf-8")
        os.replace(staging / (JOURNAL + ".tmp"), self.out / JOURNAL)  # the commit point
        self.crash.step()
        removed = _apply(self.out, plan, self.crash)
        self.staging = None
        return sorted(self.changed), removed
