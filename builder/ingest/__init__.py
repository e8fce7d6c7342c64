"""Ingest: the files of the seeds folder -> Article records, or Rejected ones with the reason.

A reader turns one file's bytes into an Article; it is chosen by the file's
suffix (builder/ingest/readers/, which a new input format joins with
`register`). Files are opened without following a symbolic link swapped in
after the listing.
"""

from __future__ import annotations

import errno
import os

from builder.config import Config
from builder.ingest.discover import Input
from builder.ingest.load import load_bytes
from builder.records import Article, Rejected


def read_bytes(inp: Input, limit: int) -> bytes | str:
    """Return the bytes of a listed file, or the reason it cannot be read.

    The file must still be the one listed: a file swapped for a symbolic link or
    another file meanwhile is refused, never read.
    """
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


def read_file(inp: Input, config: Config) -> Article | Rejected:
    """Read one listed file with the reader of its type."""
    data = read_bytes(inp, config.limits.max_file_bytes)
    if isinstance(data, str):
        return Rejected(inp.rel, data)
    return load_bytes(data, inp.rel, config)
