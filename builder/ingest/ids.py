"""Corpus-unique source ids: each article's page is sources/<id>.md."""

from __future__ import annotations

import dataclasses
import hashlib

from builder.records import Article, Rejected

RESERVED_IDS = frozenset({"index"})  # sources/index.md is the list of sources


def assign_ids(items: list[Article | Rejected]) -> list[Article | Rejected]:
    """Give every article a corpus-unique id; later collisions get a hash suffix."""
    seen: set[str] = set()
    out: list[Article | Rejected] = []
    for it in items:
        if isinstance(it, Article) and (it.id in seen or it.id in RESERVED_IDS):
            new = f"{it.id}-{hashlib.sha1(it.file.encode()).hexdigest()[:6]}"
            why = (
                "reserved for the sources index"
                if it.id in RESERVED_IDS
                else "another file has the same name"
            )
            it = dataclasses.replace(it, id=new, warnings=(*it.warnings, f"id renamed to {new}: {why}"))
        if isinstance(it, Article):
            seen.add(it.id)
        out.append(it)
    return out
