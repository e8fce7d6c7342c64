"""The names and keys of the cache folder's memos."""

from __future__ import annotations

import hashlib
import os
from pathlib import Path

from builder.config import Config
from builder.ingest.discover import Found, Input

LOADED = "loaded-{:02d}.pickle"  # {file: (size, mtime_ns, Analysed)}, sharded by file
PAGES = "pages-{:02d}.pickle"  # {source page: ((identity, SourcePage), text)}, sharded by page


def code_key(config: Config) -> str:
    """Return a fingerprint of the builder's code, tables and lemmatisers, and the research definition."""
    from builder.nlp.lemmas import versions

    h = hashlib.sha256(repr((config, versions())).encode("utf-8"))
    pkg = Path(__file__).resolve().parent.parent
    for p in sorted([*pkg.rglob("*.py"), *pkg.rglob("*.yml"), *pkg.rglob("*.j2")]):
        h.update(p.relative_to(pkg).as_posix().encode())
        h.update(p.read_bytes())
    return h.hexdigest()


def result_key(code: str, found: Found) -> str:
    """Return the key of a build's result: the code and config, the site's URL settings (the feed's
    links follow them), the refusals and each input's (size, mtime)."""
    from builder.render.citations import site_settings

    stats = [(f.rel, f.stat_key) for f in found.files]
    return hashlib.sha256(repr((code, site_settings(os.environ), found.refused, stats)).encode()).hexdigest()


def file_sha256(inp: Input) -> str | None:
    try:
        return hashlib.sha256(inp.path.read_bytes()).hexdigest()
    except OSError:
        return None
