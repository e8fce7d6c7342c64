"""Cache files: a key, then values, each a pickle of its own, written atomically.

Every cache in the cache folder (build results, loaded articles, annotations,
page memos) is read and written through these two functions, so a missing,
truncated or stale file is simply a miss.
"""

from __future__ import annotations

import logging
import os
import pickle
import tempfile
from pathlib import Path

log = logging.getLogger(__name__)


def read_pickle(path: Path, key: str):
    """Return the first value after the key in a cache file written by write_pickle, or None.

    The key is a pickle of its own, read first: a stale file costs no more than that.
    """
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh) if pickle.load(fh) == key else None
    except Exception:  # missing, truncated, or from another version: rebuild it
        return None


def write_pickle(path: Path, key: str, *values) -> None:
    """Write the key, then each value, as separate pickles, atomically."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=path.name, dir=path.parent)
        with os.fdopen(fd, "wb") as fh:
            for part in (key, *values):
                pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
    except OSError as exc:  # a read-only or full disk only costs the cache
        log.debug("cannot write cache %s: %s", path, exc)
