"""Rebuild after a few edits that change no link: patch the last build's result.

Most edits to an article (a paragraph added at its end, a typo fixed in a
sentence that no claim, date, number or entity is found in) change nothing that
the corpus-level stages read: claims, stories, inferred dates, duplicates,
timeline, discrepancies, entity pages and indexes stay as they were. Only the
article's own page, its record in data/sources.json and its feed entry show
what changed. This stage then loads and annotates the edited files alone and
patches those three outputs, instead of linking and rendering the corpus again.

It applies when every edited file was a kept article before and after (no
duplicate, no original of one), with the same `link_view` (everything about it
except its paragraphs' text and its file's digest; an undated one as annotated
on the date its story gives it), when no edited text comes near a duplicate of
another (no shared MinHash band, so find_duplicates gives the same answer), and
when the last build's caches are all there and consistent. Otherwise `rebuild`
returns None and the build runs in full. tests/test_delta.py checks that
both give the same files, edit by edit.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from builder.config import Config
from builder.records import Annotations, Article, Fingerprint, Rejected, Sentence
from builder.render import SourcePage, identity

if TYPE_CHECKING:
    from builder.build import BuildResult, StoredFiles

MAX_CHANGED = 8  # edited files a rebuild patches; past this, linking again costs little more
OWN = frozenset({"sha256", "paragraphs"})  # Article fields only its page, record and feed entry show
_PLACE = frozenset({"index", "paragraph", "start", "end", "text"})  # a Sentence's place and words


def _signal(s: Sentence) -> bool:
    """Tell whether a sentence carries anything besides its words: an entity, topic, date..."""
    return any(getattr(s, f.name) for f in dataclasses.fields(s) if f.name not in _PLACE)


def link_view(art: Article, ann: Annotations, items_digest: str) -> tuple:
    """Return all that the corpus-level stages and pages read of an article.

    That is every field but its paragraphs and file digest; the annotations of
    its first sentence (a story's event cites it) and of every sentence with
    an entity, topic, concept, date or number, at their places; its mentions;
    and the digest of what build_claims reads. New fields of the records are
    in the view unless listed in OWN or _PLACE. For an undated article, also
    the paragraphs that may name a weekday: its date is inferred from them.
    """
    from builder.dates import may_name_day

    fields = tuple((f.name, getattr(art, f.name)) for f in dataclasses.fields(art) if f.name not in OWN)
    sentences = tuple(s for n, s in enumerate(ann.sentences) if n == 0 or _signal(s))
    days = () if art.published else tuple(p for p in art.paragraphs if may_name_day(p.text, art.language))
    return fields, dataclasses.replace(ann, sentences=sentences), items_digest, days


def _as_linked(
    art: Article, ann: Annotations, digest: str, published: tuple, config: Config, cache: Path
) -> tuple[Annotations, str]:
    """Return the annotations and claims digest the build links for an article: for an undated
    one with an inferred date (published), those of its text on that date (build._dated)."""
    from builder import link
    from builder.annotate import annotate_cached

    day, precision, _ = published
    if art.published or not day:
        return ann, digest
    dated = dataclasses.replace(art, published=day, published_precision=precision)
    ann = dataclasses.replace(annotate_cached(dated, config, cache, ann), source=art.id)
    return ann, link.items_digest(dated, ann)


@dataclass(frozen=True)
class State:
    """What the last full build leaves for a patch: its inputs and their near-duplicate fingerprints."""

    refused: tuple[Rejected, ...]
    rels: tuple[str, ...]  # input files, in build order
    stats: tuple[tuple[int, int], ...]  # (size, mtime_ns) of each
    ids: dict[str, str]  # file -> id of each article kept (not a duplicate, not rejected)
    tied: frozenset[str]  # files of duplicates and of the articles they duplicate
    minhash: object  # numpy uint64 array, one row per file in rels (zeros: no fingerprint)
    bands: tuple[int, int]  # (bands, rows) of find_duplicates' LSH


def save_state(
    cache: Path,
    key: str,
    refused: Sequence[Rejected],
    files: Sequence[tuple[Path, str]],
    stats: Sequence[tuple[int, int]],
    items: Sequence[Article | Rejected],
    prints: dict[str, Fingerprint],
    dupes: dict[str, str],
) -> None:
    """Write the state a later patch starts from (build.analyse calls this, once duplicates are known)."""
    import numpy as np

    from builder import build, link

    file_of = {it.id: it.file for it in items if isinstance(it, Article)}
    rows = np.zeros((len(items), link.NUM_PERM), dtype=np.uint64)
    for n, it in enumerate(items):
        fp = prints.get(it.id) if isinstance(it, Article) else None
        if fp is not None and fp.minhash:
            rows[n] = fp.minhash
    state = State(
        refused=tuple(refused),
        rels=tuple(r for _, r in files),
        stats=tuple(stats),
        ids={it.file: it.id for it in items if isinstance(it, Article) and it.id not in dupes},
        tied=frozenset(file_of[i] for pair in dupes.items() for i in pair),
        minhash=rows,
        bands=link.LSH_BANDS,
    )
    build._write_pickle(cache / build.DELTA, key, state)


def _alone(state: State, rows: dict[int, Fingerprint]) -> bool:
    """Tell whether no new fingerprint is an LSH candidate of another input's (exact copies are).

    Then find_duplicates' answer stands: an edited article kept apart from all
    others was no duplicate and no original before (state.tied), and is none now.
    """

    b, r = state.bands
    matrix = state.minhash.copy()
    for n, fp in rows.items():
        if not fp.minhash:  # no words: find_duplicates compares it by its text alone
            return False
        matrix[n] = fp.minhash
    has = matrix.any(axis=1)  # rows of rejected files and empty texts are zeros
    bands = matrix[:, : b * r].reshape(len(matrix), b, r)
    for n in rows:
        same = (bands == bands[n]).all(axis=2).any(axis=1) & has
        same[n] = False
        if same.any():
            return False
    return True


def rebuild(
    files: list[tuple[Path, str]],
    stats: list[tuple[int, int]],
    refused: list[Rejected],
    config: Config,
    cache: Path,
    code: str,
) -> BuildResult | None:
    """Return the BuildResult of patching the last build for a few edited files, or None.

    files, stats: the inputs found now (build.discover) and their (size, mtime_ns).

    None when the edits may change more than their articles' own outputs, or
    the caches do not hold the last build whole; the caller then builds in full.
    """
    from builder import build, link

    if not (cache / build.RESULT).is_file():  # no last build to patch (its state is not even read)
        return None
    state = build._read_pickle(cache / build.DELTA, code)
    rels = tuple(r for _, r in files)
    if not isinstance(state, State) or state.rels != rels or state.refused != tuple(refused):
        return None
    stats = tuple(stats)
    changed = [n for n, st in enumerate(stats) if st != state.stats[n]]
    if not changed or len(changed) > MAX_CHANGED:
        return None
    if any(rels[n] not in state.ids or rels[n] in state.tied for n in changed):
        return None
    last = build._read_pickle(
        cache / build.RESULT, build.result_key(code, refused, zip(rels, state.stats, strict=True))
    )
    if last is None:
        return None
    result, keys = last
    stored = build.StoredFiles(cache, keys, result.digests)
    loaded = build.read_shards(cache, build.LOADED, code, {build._shard(rels[n]) for n in changed})
    old: dict[int, tuple] = {}
    for n in changed:
        entry = loaded.get(rels[n])
        if entry is None or tuple(entry[:2]) != state.stats[n]:
            return None
        art = entry[2]
        if not isinstance(art, Article) or art.id != state.ids[rels[n]]:
            return None
        old[n] = entry[2:]
    edited = {n for n in changed if build._sha256(files[n][0]) != old[n][0].sha256}
    memo = build.read_shards(
        cache, build.PAGES, code, {build._shard(f"sources/{old[n][0].id}.md") for n in edited}
    )
    context: dict[int, SourcePage] = {}  # what each page shows besides its article (dates, backlinks...)
    for n in edited:
        entry = memo.get(f"sources/{old[n][0].id}.md")
        if entry is None or entry[0][0] != identity(old[n][0]):
            return None
        context[n] = entry[0][1]
    new: dict[int, tuple] = {}
    for n in sorted(edited):
        art, ann, dg = build._read_one((*files[n], config, cache))
        if not isinstance(art, Article):
            return None
        was = _as_linked(old[n][0], old[n][1], old[n][3], context[n].published, config, cache)
        now = _as_linked(art, ann, dg, context[n].published, config, cache)
        if link_view(art, *now) != link_view(old[n][0], *was):
            return None
        new[n] = (art, ann, link.fingerprint(art), dg)
    if not _alone(state, {n: new[n][2] for n in new}) or not stored.fresh():
        return None
    patch, pages = _patch(stored, config, {n: (old[n][0], new[n][0], context[n]) for n in sorted(edited)})
    if patch is None:
        return None
    minhash = state.minhash.copy()
    for n, (_, _, fp, _) in new.items():
        minhash[n] = fp.minhash
    loaded.update({rels[n]: (*stats[n], *new.get(n, entry)) for n, entry in old.items()})
    memo.update(pages)
    edits = _Edits(
        files=patch,
        pages=memo,
        page_shards={build._shard(page) for page in pages},
        loaded=loaded,
        loaded_shards={build._shard(rels[n]) for n in old},
        state=dataclasses.replace(state, stats=stats, minhash=minhash),
    )
    last = _Last(result, keys, stored)
    how = f"patched {len(new)} edited article{'s' if len(new) != 1 else ''}" if new else "nothing changed"
    key = build.result_key(code, refused, zip(rels, stats, strict=True))
    return dataclasses.replace(_save(cache, code, key, last, edits), how=how)


def _patch(stored, config: Config, arts: dict[int, tuple[Article, Article, SourcePage]]):
    """Return (the patched files, the source page memo entries), or (None, None)."""
    from builder.citation import guid_line
    from builder.export import dump_line, source_record
    from builder.render import _env, render_source_page

    if not arts:  # files touched, not changed
        return {}, {}
    sources, feed = stored["data/sources.json"], stored["feed.xml"]
    env = _env()
    patch: dict[str, str] = {}
    pages: dict[str, tuple] = {}
    for before, after, ctx in arts.values():
        page = f"sources/{after.id}.md"
        patch[page] = render_source_page(env, config, after, ctx)
        pages[page] = ((identity(after), ctx), patch[page])
        record = [dump_line(source_record(a, ctx.published, ctx.topics, ctx.story)) for a in (before, after)]
        guid = [guid_line({"id": a.id, "sha256": a.sha256}) for a in (before, after)]
        if sources.count(record[0]) != 1 or feed.count(guid[0]) > 1:
            return None, None
        sources, feed = sources.replace(record[0], record[1]), feed.replace(guid[0], guid[1])
    patch["data/sources.json"], patch["feed.xml"] = sources, feed
    return patch, pages


@dataclass(frozen=True)
class _Last:
    """The last build's result, as the cache holds it."""

    result: BuildResult  # its pages are in stored
    keys: tuple[str, ...]  # of each shard of stored
    stored: StoredFiles


@dataclass(frozen=True)
class _Edits:
    """What a patch changes in the caches."""

    files: dict[str, str]  # patched output files
    pages: dict[str, tuple]  # the entries of the source page memo's page_shards (build.PAGES)
    page_shards: set[int]
    loaded: dict[str, tuple]  # the entries of the loaded articles' loaded_shards (build.LOADED)
    loaded_shards: set[int]
    state: State


def _save(cache: Path, code: str, key: str, last: _Last, edits: _Edits) -> BuildResult:
    """Write the patched result (under its new key) and the caches; return the BuildResult."""
    from builder import build
    from builder.write import digest

    digests = dict(last.result.digests)
    for name, text in edits.files.items():
        digests[name] = digest(text.encode("utf-8"))
    dirty = {build._shard(name) for name in edits.files}
    shards = {name: text for k in dirty for name, text in last.stored.shard(k).items()}
    shards.update(edits.files)
    keys = build.StoredFiles.content_keys(digests)
    build.StoredFiles.save(cache, keys, shards, dirty)
    build.write_shards(cache, build.LOADED, code, edits.loaded, edits.loaded_shards)
    build.write_shards(cache, build.PAGES, code, edits.pages, edits.page_shards)
    build._write_pickle(cache / build.DELTA, code, edits.state)
    result = dataclasses.replace(last.result, digests=digests)
    build._write_pickle(cache / build.RESULT, key, (result, keys))
    return dataclasses.replace(result, files=build.StoredFiles(cache, keys, digests))
