"""Ingest: the files of the seeds folder -> Article records, or Rejected ones with the reason.

A reader turns one file's bytes into an Article; it is chosen by the file's
suffix (builder/ingest/readers/, which a new input format joins with
`register`). Files are opened without following a symbolic link swapped in
after the listing.
"""

from __future__ import annotations

import dataclasses
import errno
import hashlib
import os
from pathlib import Path

from builder.config import Config
from builder.execution.files import read_under
from builder.ingest.discover import Input
from builder.ingest.load import load_bytes
from builder.ingest.readers import reader_for
from builder.records import Article, Rejected

AT_URL = "--seeds-url, RESEARCH_SEEDS_URL"  # where the workers read the seeds folder


def read_bytes(inp: Input, limit: int) -> bytes | str:
    """Return the bytes of a listed file, or the reason it cannot be read.

    The file must still be the one listed: a file swapped for a symbolic link or
    another file meanwhile is refused, never read. An input with a url (--seeds-url)
    is read there instead (_read_at).
    """
    if inp.url:
        return _read_at(inp, limit)
    flags = os.O_RDONLY | getattr(os, "O_CLOEXEC", 0) | getattr(os, "O_NONBLOCK", 0)
    if not inp.link:
        flags |= getattr(os, "O_NOFOLLOW", 0)
    try:
        fd = os.open(inp.path, flags)
    except OSError as exc:
        if exc.errno == errno.ELOOP:
            return "changed into a symbolic link during the build; not read"
        return f"cannot read file: {exc.strerror or exc}"
    with os.fdopen(fd, "rb") as fh:
        st = os.fstat(fh.fileno())
        if inp.inode and (st.st_dev, st.st_ino) != (inp.device, inp.inode):
            return "replaced by another file during the build; not read"
        if inp.inode and (st.st_size, st.st_mtime_ns) != inp.stat_key:
            return "changed during the build; not read (build again)"
        if st.st_size > limit:
            return f"file is {st.st_size} bytes, over the limit of {limit}"
        data = fh.read(limit + 1)
    if len(data) > limit:
        return f"file is over the limit of {limit} bytes"
    return data


def _read_at(inp: Input, limit: int) -> bytes | str:
    """Return the bytes of a listed file read from the seeds folder at inp.url, or why not.

    What is read there must be the file listed here: its size, and its SHA-256 when the
    driver could read it; another file is refused, never read.
    """
    if inp.size > limit:
        return f"file is {inp.size} bytes, over the limit of {limit}"
    try:
        data = read_under(inp.url, inp.rel, limit + 1)
    except FileNotFoundError:
        return f"cannot read it at the seeds URL: not found there ({AT_URL})"
    except Exception as exc:  # noqa: BLE001 - any failure of a file system's package is this file's
        why = exc.strerror if isinstance(exc, OSError) and exc.strerror else f"{type(exc).__name__}: {exc}"
        return f"cannot read it at the seeds URL: {why} ({AT_URL})"
    if len(data) != inp.size:
        return (
            f"differs at the seeds URL from the file here: {len(data)} bytes there, {inp.size} here; "
            f"not read ({AT_URL})"
        )
    if inp.sha256 and hashlib.sha256(data).hexdigest() != inp.sha256:
        return f"differs at the seeds URL from the file here: same size, other bytes; not read ({AT_URL})"
    return data


def read_data(data: bytes, file: str, config: Config) -> Article | Rejected:
    """Return the Article in a file's bytes, read by the reader of its type; never raise."""
    reader = reader_for(file) or load_bytes
    try:
        return reader(data, file, config)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the build
        return Rejected(file, f"could not be loaded ({type(exc).__name__}: {exc})")


def read_path(path: Path, file: str, config: Config) -> Article | Rejected:
    """Read a file by its path (not listed first: for tools and tests), under the size limit."""
    inp = Input(path, file, 0, 0)
    data = read_bytes(dataclasses.replace(inp, link=True), config.limits.max_file_bytes)
    return Rejected(file, data) if isinstance(data, str) else read_data(data, file, config)


def read_file(inp: Input, config: Config) -> Article | Rejected:
    """Read one listed file with the reader of its type.

    A file over the size limit is rejected for what it is; one that cannot be read now (gone,
    not permitted, swapped, changed, not at the seeds URL) is rejected as unread, and read
    again by the next build.
    """
    limit = config.limits.max_file_bytes
    if inp.size > limit:
        return Rejected(inp.rel, f"file is {inp.size} bytes, over the limit of {limit}")
    data = read_bytes(inp, limit)
    if isinstance(data, str):
        return Rejected(inp.rel, data, unread=True)
    return read_data(data, inp.rel, config)
