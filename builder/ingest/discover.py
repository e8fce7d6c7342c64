"""Discover the input files under the seeds folder, in sorted order, without following links out."""

from __future__ import annotations

import dataclasses
import hashlib
import os
import stat
from dataclasses import dataclass
from pathlib import Path

from builder.config import Config
from builder.errors import ConfigError
from builder.records import Rejected

_KINDS = {
    stat.S_IFIFO: "a named pipe (FIFO)",
    stat.S_IFSOCK: "a socket",
    stat.S_IFCHR: "a character device",
    stat.S_IFBLK: "a block device",
}


@dataclass(frozen=True)
class Input:
    """One regular file to read, as the listing saw it."""

    path: Path
    rel: str  # relative to the seeds folder, "/"-separated, shown in every message
    size: int
    mtime_ns: int
    device: int = 0
    inode: int = 0
    link: bool = False  # a symbolic link to a file inside the seeds folder (its target is read)
    url: str = ""  # where a Dask worker reads the seeds folder (--seeds-url), when not at path
    sha256: str = ""  # with url: this file's SHA-256 here, which what the worker reads must have

    @property
    def stat_key(self) -> tuple[int, int]:
        return self.size, self.mtime_ns

    def at(self, url: str) -> Input:
        """Return this input to be read from the seeds folder at url (builder.ingest.read_bytes),
        carrying the SHA-256 of the file here ("" when it cannot be read here: then only its size
        is checked)."""
        try:
            with open(self.path, "rb") as f:
                digest = hashlib.file_digest(f, "sha256").hexdigest()
        except OSError:
            digest = ""
        return dataclasses.replace(self, url=url, sha256=digest)


@dataclass(frozen=True)
class Found:
    """The listing of the seeds folder: files to read, and entries refused before reading."""

    files: tuple[Input, ...]
    refused: tuple[Rejected, ...]


def display(name: str) -> str:
    """Return a file name fit for the report: undecodable bytes shown as \\xNN escapes."""
    return name.encode("utf-8", "surrogateescape").decode("utf-8", "backslashreplace")


def discover(seeds: Path, config: Config, exclude: Path | None = None) -> Found:
    """Return the input files in sorted order, and the ones refused before reading.

    Every entry under seeds is listed once: regular files to read, and refusals
    (symbolic links leaving the folder, broken or to folders, pipes, sockets and
    devices, files nested deeper than limits.max_depth, unreadable folders) with
    the reason. Nothing outside seeds is ever opened, and a pipe is never read.
    exclude: a folder never listed (the output folder, when it lies inside seeds).
    """
    if not seeds.is_dir():
        raise ConfigError(f"{seeds}: seeds folder not found")
    files: list[Input] = []
    refused: list[Rejected] = []
    root = seeds.resolve()
    skip = exclude.resolve() if exclude is not None else None
    limit = config.limits.max_depth
    stack: list[tuple[Path, str]] = [(seeds, "")]  # (folder, its path relative to seeds)
    while stack:
        folder, rel_dir = stack.pop()
        depth = rel_dir.count("/") + 1 if rel_dir else 0
        try:
            with os.scandir(folder) as it:
                entries = sorted(it, key=lambda e: e.name)
        except OSError as exc:
            name = f"{rel_dir}/" if rel_dir else "."
            refused.append(Rejected(name, f"cannot read folder: {exc.strerror or exc}"))
            continue
        subfolders = []
        for entry in entries:
            rel = f"{rel_dir}/{display(entry.name)}" if rel_dir else display(entry.name)
            path = Path(entry.path)
            try:
                link = entry.is_symlink()
                if link:
                    why = _link_refusal(path, root)
                    if why:
                        refused.append(Rejected(rel, why))
                        continue
                elif entry.is_dir(follow_symlinks=False):
                    if skip is None or path.resolve() != skip:
                        subfolders.append((path, rel))
                    continue
                st = os.stat(path)
            except OSError as exc:
                refused.append(Rejected(rel, f"cannot read file: {exc.strerror or exc}"))
                continue
            if not stat.S_ISREG(st.st_mode):
                kind = _KINDS.get(stat.S_IFMT(st.st_mode), "not a regular file")
                refused.append(Rejected(rel, f"not a regular file: {kind}"))
            elif depth > limit:
                refused.append(Rejected(rel, f"nested {depth} folders deep, over the limit of {limit}"))
            else:
                files.append(Input(path, rel, st.st_size, st.st_mtime_ns, st.st_dev, st.st_ino, link))
        stack.extend(reversed(subfolders))
    return Found(tuple(files), tuple(refused))


def _link_refusal(path: Path, root: Path) -> str | None:
    """Return why a symbolic link is refused, or None for a link to a file inside seeds."""
    target = Path(os.path.realpath(path))
    if not target.is_relative_to(root):
        return "symbolic link pointing outside the seeds folder"
    if not target.exists():
        return "broken symbolic link (its target does not exist)"
    if target.is_dir():
        return "symbolic link to a folder (not followed)"
    return None
