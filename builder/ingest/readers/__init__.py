"""The readers of input files, chosen by suffix: a new format plugs in with `register`.

A reader turns one file's bytes into an Article, or a Rejected saying why not;
it never raises. Files whose suffix has no reader are read as plain text or
Markdown (builder/ingest/load.py).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import PurePosixPath

from builder.config import Config
from builder.ingest.readers import html
from builder.records import Article, Rejected

Reader = Callable[[bytes, str, Config], Article | Rejected]  # (bytes, file, config)

READERS: dict[str, Reader] = {}


def register(suffixes: str | tuple[str, ...], reader: Reader) -> None:
    """Make reader read the files with these suffixes (".html", ...), in any case."""
    for suffix in (suffixes,) if isinstance(suffixes, str) else suffixes:
        READERS[suffix.lower()] = reader


def reader_for(file: str) -> Reader | None:
    """Return the reader of a file by its suffix; None for plain text and Markdown."""
    return READERS.get(PurePosixPath(file).suffix.lower())


register((".html", ".htm", ".xhtml"), html.read)
