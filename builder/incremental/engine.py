"""The pipeline with memos: a rebuild redoes only what its inputs changed.

- **Nothing changed** (the code, the research definition, the site settings and
  every input's size and mtime as last time): the last result, its pages read
  from the cache only when asked for.
- **A few edited articles** that change nothing the corpus-level stages read:
  their pages and records patched (builder/incremental/delta.py).
- **Otherwise** the pipeline runs with memoized stages: the per-article map
  skips every file whose (size, mtime), or else bytes, are those it analysed
  last time (LOADED), and a source page whose inputs are the same is not
  rendered again (PAGES).

Every memo is keyed by the code and research definition (code_key) and by the
input its stage receives; a damaged cache file is a miss that this build writes
again.
"""

from __future__ import annotations

import dataclasses
import logging
from collections.abc import Sequence
from pathlib import Path

from builder import pipeline
from builder.config import Config
from builder.execution import Executor, Progress
from builder.execution.local import LocalExecutor
from builder.execution.process import collector_paused
from builder.incremental import delta, results
from builder.incremental.cache import Cache, Miss, shard_of
from builder.incremental.keys import LOADED, PAGES, code_key, file_sha256, result_key
from builder.ingest.discover import Found, Input, discover
from builder.output.write import digest, write_tree
from builder.pipeline import Analysed, BuildResult, Stages
from builder.records import Article, Rejected

log = logging.getLogger(__name__)


def build(
    seeds: Path,
    config: Config,
    cache: Path | None = None,
    executor: Executor | None = None,
    progress: Progress | None = None,
    out: Path | None = None,
) -> BuildResult:
    """Build the site from seeds, using and refreshing the cache folder; write into out when given."""
    with collector_paused():
        return _build(seeds, config, cache, executor, progress, out)


def _build(
    seeds: Path,
    config: Config,
    cache: Path | None,
    executor: Executor | None,
    progress: Progress | None,
    out: Path | None,
) -> BuildResult:
    found = discover(seeds, config, exclude=out)
    if cache is None:
        stages = pipeline.plain_stages(executor or LocalExecutor())
        return _written(pipeline.render(pipeline.analyse(found, config, stages), config, stages), out)
    store = Cache(cache, code_key(config))
    key = result_key(store.key, found)
    for shortcut in (_unchanged, _patched):
        result = shortcut(store, key, found, config, out)
        if result is not None:
            return result
    stages, pages = _memoized(store, executor or LocalExecutor(), progress)
    analysis = pipeline.analyse(found, config, stages)
    if progress:
        progress("linking and rendering", 0, 0)
    result = pipeline.render(analysis, config, stages)
    digests = {name: digest(text.encode("utf-8")) for name, text in result.files.items()}
    result = dataclasses.replace(result, digests=digests)
    pages.save()
    if any(isinstance(it, Rejected) and it.unread for it in analysis.items):
        # a file that could not be read is read again: the next build is neither served nor patched from this one
        for name in (results.RESULT, delta.DELTA):
            store.path(name).unlink(missing_ok=True)
    else:
        delta.save_state(store, analysis)
        results.save(store, key, result, result.files)
    return _written(result, out)


def _written(result: BuildResult, out: Path | None) -> BuildResult:
    """Return the result once written into out (when given)."""
    if out is None:
        return result
    written, removed = write_tree(out, result.files, result.digests)
    return dataclasses.replace(result, written=tuple(written), removed=tuple(removed))


def _unchanged(store: Cache, key: str, found: Found, config: Config, out: Path | None) -> BuildResult | None:
    """Return the last result when nothing changed, or None; a damaged page shard is a miss."""
    hit = results.load(store, key)
    if hit is None:
        return None
    result, stored = hit
    try:
        if out is None:
            return dataclasses.replace(result, files=dict(stored), how="nothing changed")
        return _written(dataclasses.replace(result, files=stored, how="nothing changed"), out)
    except Miss as exc:
        log.debug("last result unusable (%s): building again", exc)
        return None


def _patched(store: Cache, key: str, found: Found, config: Config, out: Path | None) -> BuildResult | None:
    """Return the last result patched for a few edited articles, or None."""
    try:
        patched = delta.rebuild(found, config, store, key)
        if patched is None:
            return None
        if out is None:
            return dataclasses.replace(patched, files=dict(patched.files))
        return _written(patched, out)
    except Miss as exc:
        log.debug("cannot patch (%s): building again", exc)
        return None


class _Pages:
    """The source-page memo: read before rendering, refilled by it, its changed shards saved after."""

    def __init__(self, store: Cache) -> None:
        self.store = store
        self.last = store.read_shards(PAGES)
        self.memo = dict(self.last)

    def save(self) -> None:
        # an entry used again is the same object (see render.pages.render_source): no deep comparison
        dirty = {
            shard_of(p)
            for p in set(self.last) | set(self.memo)
            if (was := self.last.get(p)) is not (now := self.memo.get(p)) and was != now
        }
        self.store.write_shards(PAGES, self.memo, dirty)


def _memoized(store: Cache, executor: Executor, progress: Progress | None) -> tuple[Stages, _Pages]:
    """Return the pipeline's stages with the per-file and source-page memos of this cache."""
    from builder.render import render_site

    plain = pipeline.plain_stages(executor)
    pages = _Pages(store)

    def analyse_all(files: Sequence[Input], config: Config) -> list[Analysed]:
        return analyse_files(store, files, config, executor, progress)

    def render(corpus, config):
        return render_site(corpus, config, pages.memo)

    return dataclasses.replace(plain, analyse=analyse_all, render=render), pages


def analyse_files(
    store: Cache, files: Sequence[Input], config: Config, executor: Executor, progress: Progress | None = None
) -> list[Analysed]:
    """Return the per-article map's results, taking from the cache every file analysed before.

    A file is known by its (size, mtime), or when only its mtime changed (a fresh
    checkout, a restored CI cache) by its bytes.
    """
    known = store.read_shards(LOADED)
    out: list[Analysed | None] = [None] * len(files)
    todo, touched = [], []
    for n, f in enumerate(files):
        hit = known.get(f.rel)
        if not (isinstance(hit, tuple) and len(hit) == 3 and isinstance(hit[2], Analysed)):
            todo.append(n)
        elif hit[:2] == f.stat_key:
            out[n] = hit[2]
        elif hit[0] == f.size and isinstance(hit[2].item, Article) and file_sha256(f) == hit[2].item.sha256:
            out[n] = hit[2]
            touched.append(n)
        else:
            todo.append(n)
    fresh = executor.map(pipeline.analyse_job, [(files[n], config) for n in todo], progress)
    for n, a in zip(todo, fresh, strict=True):
        out[n] = a
    gone = set(known) - {f.rel for f in files}
    dirty = {shard_of(files[n].rel) for n in todo + touched} | {shard_of(r) for r in gone}
    # a file that could not be read is read again next time (a network store, a file being written)
    entries = {
        f.rel: (*f.stat_key, a)
        for f, a in zip(files, out, strict=True)
        if not (isinstance(a.item, Rejected) and a.item.unread)
    }
    store.write_shards(LOADED, entries, dirty)
    return out  # type: ignore[return-value]


def _build_into_cache(seeds: Path, config: Config, cache: Path, executor: Executor | None) -> str:
    return build(seeds, config, cache, executor).how


def build_apart(
    seeds: Path, config: Config, cache: Path, out: Path | None = None, executor: Executor | None = None
) -> BuildResult:
    """Build in a child process, then return the result from the cache it left (written into out
    when given: its pages are then read from the cache only where they changed).

    For the MkDocs hook: the MkDocs process then holds the pages but never the
    corpus, whose heap Python keeps once freed (about 300 MB at 10,000 articles).
    """
    from builder.execution.forked import forked

    if executor is not None and not isinstance(executor, LocalExecutor):  # a cluster's client: no fork
        return build(seeds, config, cache, executor, out=out)
    how = forked(_build_into_cache, seeds, config, cache, executor)
    result = build(seeds, config, cache, out=out)  # from the cache, unless an input changed meanwhile
    return dataclasses.replace(result, how=how) if result.how == "nothing changed" else result
