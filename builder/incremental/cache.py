"""The one cache folder: named files of pickles, each behind a key, and maps sharded by name.

Every file starts with its key (a pickle of its own), then its values: a
stale file costs no more than reading the key. A file that is missing, cut
short, garbage, empty or a folder is a miss, logged at debug level; the
build that misses it writes it again. Files are written atomically (a
temporary file renamed into place), so a killed build leaves old or new,
never half. The cache holds pickles, which run code when loaded: the folder
must be as trusted as the code (see SECURITY.md).
"""

from __future__ import annotations

import contextlib
import hashlib
import logging
import os
import pickle
import shutil
import tempfile
from collections.abc import Iterable, Mapping
from pathlib import Path

log = logging.getLogger(__name__)

SHARDS = 32  # of each sharded map: one changed entry rewrites one shard


class Miss(Exception):
    """A cache file is missing, stale or damaged."""


def shard_of(name: str) -> int:
    """Return the shard of an entry by its name (an input file or a page), the same in every process."""
    raw = hashlib.blake2b(name.encode("utf-8", "surrogateescape"), digest_size=4).digest()
    return int.from_bytes(raw, "big") % SHARDS


def read_values(path: Path, key: str, count: int = 1) -> tuple:
    """Return the count values after the key in a cache file; raise Miss when it has not them."""
    try:
        with open(path, "rb") as fh:
            if pickle.load(fh) != key:
                raise Miss(f"{path.name}: stale")
            return tuple(pickle.load(fh) for _ in range(count))
    except Miss:
        raise
    except Exception as exc:  # missing, cut short, garbage, a folder, another version
        log.debug("cache miss %s: %s: %s", path, type(exc).__name__, exc)
        raise Miss(f"{path.name}: {type(exc).__name__}") from None


def read_pickle(path: Path, key: str):
    """Return the first value after the key, or None on a miss."""
    try:
        return read_values(path, key)[0]
    except Miss:
        return None


def read_key(path: Path):
    """Return the key a cache file starts with, or None."""
    try:
        with open(path, "rb") as fh:
            return pickle.load(fh)
    except Exception:  # noqa: BLE001 - any damage is a miss
        return None


def write_pickle(path: Path, key: str, *values) -> None:
    """Write the key, then each value, as separate pickles, atomically (a folder in the way is removed)."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
        try:
            with os.fdopen(fd, "wb") as fh:
                for part in (key, *values):
                    pickle.dump(part, fh, protocol=pickle.HIGHEST_PROTOCOL)
            os.replace(tmp, path)
        except BaseException:
            with contextlib.suppress(OSError):
                os.unlink(tmp)
            raise
    except OSError as exc:  # a read-only or full disk only costs the cache
        log.debug("cannot write cache %s: %s", path, exc)


class Cache:
    """The cache folder of one version of the code and research definition (its key)."""

    def __init__(self, folder: Path, key: str) -> None:
        self.folder, self.key = Path(folder), key

    def path(self, name: str) -> Path:
        return self.folder / name

    def read(self, name: str):
        """Return the value stored under name for this key, or None."""
        return read_pickle(self.path(name), self.key)

    def write(self, name: str, value) -> None:
        write_pickle(self.path(name), self.key, value)

    def read_shards(self, name: str, which: Iterable[int] = range(SHARDS)) -> dict:
        """Return the union of the given shards of a sharded map (name holds "{:02d}")."""
        out: dict = {}
        for k in which:
            part = self.read(name.format(k))
            if isinstance(part, dict):
                out.update(part)
        return out

    def write_shards(self, name: str, entries: Mapping[str, object], which: Iterable[int]) -> None:
        """Write the given shards of a sharded map from entries, a superset of their contents."""
        shards: dict[int, dict] = {k: {} for k in which}
        for rel, value in entries.items():
            k = shard_of(rel)
            if k in shards:
                shards[k][rel] = value
        for k, shard in sorted(shards.items()):
            self.write(name.format(k), shard)
