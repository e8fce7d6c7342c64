"""The last build's result, for a rebuild where nothing changed: its report, and its pages by shard.

The pages are in RESULT_FILES shards by name, each holding its key (a digest
of its pages' names and digests), then its pages: a build rewrites only the
shards whose pages changed, and a shard's pages are read only when one of
them is asked for (a rebuild where nothing changed asks for none).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Iterator, Mapping, Sequence
from pathlib import Path

from builder.incremental.cache import SHARDS, Cache, Miss, read_key, read_values, shard_of, write_pickle

RESULT = "result.pickle"
RESULT_FILES = "result-files-{:02d}.pickle"


class StoredFiles(Mapping[str, str]):
    """The pages of a stored result: names known at once, texts read from the cache on first use.

    Reading a shard that is damaged or changed raises Miss.
    """

    def __init__(self, folder: Path, keys: Sequence[str], names: Iterable[str]) -> None:
        self._folder, self._keys, self._names = Path(folder), tuple(keys), tuple(names)
        self._shards: dict[int, dict[str, str]] = {}

    @staticmethod
    def content_keys(digests: Mapping[str, list]) -> tuple[str, ...]:
        """Return the key of each shard: a digest of its pages' names and digests (output.write.digest)."""
        hashes = [hashlib.sha256() for _ in range(SHARDS)]
        for name in sorted(digests):
            hashes[shard_of(name)].update(f"{name}\0{digests[name][0]}\n".encode("utf-8", "surrogateescape"))
        return tuple(h.hexdigest() for h in hashes)

    @staticmethod
    def save(
        folder: Path, keys: Sequence[str], files: Mapping[str, str], which: Iterable[int] = range(SHARDS)
    ) -> None:
        """Write the given shards, each under its key, but those already stored under it: files
        holds at least their pages."""
        stale = [k for k in which if read_key(Path(folder) / RESULT_FILES.format(k)) != keys[k]]
        shards: dict[int, dict[str, str]] = {k: {} for k in stale}
        for name, text in files.items():
            k = shard_of(name)
            if k in shards:
                shards[k][name] = text
        for k, shard in sorted(shards.items()):
            write_pickle(Path(folder) / RESULT_FILES.format(k), keys[k], shard)

    def fresh(self) -> bool:
        """Tell whether every shard starts with its key (its pages are read only when asked for)."""
        return len(self._keys) == SHARDS and all(
            read_key(self._folder / RESULT_FILES.format(k)) == key for k, key in enumerate(self._keys)
        )

    def shard(self, k: int) -> dict[str, str]:
        """Return the pages of one shard, read on first use; raise Miss if it is damaged."""
        if k not in self._shards:
            (files,) = read_values(self._folder / RESULT_FILES.format(k), self._keys[k])
            if not isinstance(files, dict):
                raise Miss(f"{RESULT_FILES.format(k)}: not a shard of pages")
            self._shards[k] = files
        return self._shards[k]

    def __getitem__(self, name: str) -> str:
        files = self.shard(shard_of(name))
        if name not in files:
            raise Miss(f"{RESULT_FILES.format(shard_of(name))}: {name} missing")
        return files[name]

    def __iter__(self) -> Iterator[str]:
        return iter(self._names)

    def __len__(self) -> int:
        return len(self._names)


def load(cache: Cache, key: str):
    """Return (the stored result, its StoredFiles) under the result key, or None."""
    from builder.pipeline import BuildResult

    hit = read_pickle_pair(cache, key)
    if hit is None:
        return None
    result, keys = hit
    if not isinstance(result, BuildResult) or result.digests is None:
        return None
    stored = StoredFiles(cache.folder, keys, result.digests)
    return (result, stored) if stored.fresh() else None


def read_pickle_pair(cache: Cache, key: str):
    try:
        (value,) = read_values(cache.path(RESULT), key)
    except Miss:
        return None
    return value if isinstance(value, tuple) and len(value) == 2 else None


def save(cache: Cache, key: str, result, files: Mapping[str, str], which: Iterable[int] = range(SHARDS)):
    """Store a result (its pages in shards, the given ones rewritten) under the result key;
    return its StoredFiles."""
    import dataclasses

    keys = StoredFiles.content_keys(result.digests)
    StoredFiles.save(cache.folder, keys, files, which)
    write_pickle(cache.path(RESULT), key, (dataclasses.replace(result, files={}), keys))
    return StoredFiles(cache.folder, keys, result.digests)
