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
from dataclasses import dataclass

from builder.config import Config
from builder.incremental.cache import Cache, shard_of
from builder.ingest.discover import Found
from builder.pipeline import Analysed, Analysis, BuildResult, analyse_file
from builder.records import Annotations, Article, Fingerprint, Rejected, Sentence
from builder.render.pages import SourcePage, identity

DELTA = "delta.pickle"
MAX_CHANGED = 8  # edited files a rebuild patches; past this, linking again costs little more
OWN = frozenset({"sha256", "paragraphs"})  # Article fields only its page, record and feed entry show
_PLACE = frozenset({"index", "paragraph", "start", "end", "text"})  # a Sentence's place and words


def _signal(s: Sentence) -> bool:
    """Tell whether a sentence carries anything besides its words: an entity, topic, date..."""
    return any(getattr(s, f.name) for f in dataclasses.fields(s) if f.name not in _PLACE)


def link_view(art: Article, ann: Annotations) -> tuple:
    """Return all that the corpus-level stages and pages read of an article.

    That is every field but its paragraphs and file digest; the annotations of
    its lead sentences (they state its event) and of every sentence with
    an entity, topic, concept, date or number, at their places (every statement
    a claim can be made of is one); its mentions and unlisted names. New fields of the records are
    in the view unless listed in OWN or _PLACE. For an undated article, also
    the paragraphs that may name a weekday: its date is inferred from them.
    """
    from builder.link.stories import LEAD_SENTENCES
    from builder.nlp.dates import may_name_day

    fields = tuple((f.name, getattr(art, f.name)) for f in dataclasses.fields(art) if f.name not in OWN)

    sentences = tuple(s for n, s in enumerate(ann.sentences) if n < LEAD_SENTENCES or _signal(s))
    days = () if art.published else tuple(p for p in art.paragraphs if may_name_day(p.text, art.language))
    return fields, dataclasses.replace(ann, sentences=sentences), days


def _as_linked(art: Article, ann: Annotations, published: tuple, config: Config) -> Annotations:
    """Return the annotations the build links for an article: for an undated one with an inferred
    date (published: date, precision, reason), those on that date (link.dates.on_inferred_date)."""
    from builder.link.dates import on_inferred_date

    if art.published or not published[0]:
        return ann
    return on_inferred_date(art, ann, published, config)


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


def save_state(store: Cache, analysis: Analysis) -> None:
    """Write the state a later patch starts from: the inputs of a full build and their fingerprints."""
    import numpy as np

    from builder.link import duplicates

    items, dupes = analysis.items, analysis.duplicates
    file_of = {it.id: it.file for it in items if isinstance(it, Article)}
    rows = np.zeros((len(items), duplicates.NUM_PERM), dtype=np.uint64)
    for n, a in enumerate(analysis.analysed):
        fp = a.fingerprint
        if fp is not None and fp.minhash:
            rows[n] = fp.minhash
    state = State(
        refused=tuple(analysis.found.refused),
        rels=tuple(f.rel for f in analysis.found.files),
        stats=tuple(f.stat_key for f in analysis.found.files),
        ids={it.file: it.id for it in items if isinstance(it, Article) and it.id not in dupes},
        tied=frozenset(file_of[i] for pair in dupes.items() for i in pair),
        minhash=rows,
        bands=duplicates.LSH_BANDS,
    )
    store.write(DELTA, state)


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


class _Unpatchable(Exception):
    """The edits may change more than their articles' own outputs, or the caches lack the last build."""


def rebuild(found: Found, config: Config, store: Cache, key: str) -> BuildResult | None:
    """Return the BuildResult of patching the last build for a few edited files, or None.

    key: the result key of this build (keys.result_key). None when the edits may
    change more than their articles' own outputs, or the caches do not hold the
    last build whole; the caller then builds in full. A damaged cache file raises
    cache.Miss (the caller builds in full too).
    """
    from builder.incremental import results

    if not store.path(results.RESULT).is_file():  # no last build to patch (its state is not even read)
        return None
    try:
        return _rebuild(found, config, store, key)
    except _Unpatchable:
        return None


def _need(condition: bool) -> None:
    if not condition:
        raise _Unpatchable


def _rebuild(found: Found, config: Config, store: Cache, key: str) -> BuildResult:
    from builder.incremental import keys, results

    state = store.read(DELTA)
    rels = tuple(f.rel for f in found.files)
    _need(isinstance(state, State) and state.rels == rels and state.refused == tuple(found.refused))
    stats = tuple(f.stat_key for f in found.files)
    changed = [n for n, st in enumerate(stats) if st != state.stats[n]]
    _need(0 < len(changed) <= MAX_CHANGED)
    _need(all(rels[n] in state.ids and rels[n] not in state.tied for n in changed))
    last = results.load(store, keys.result_key(store.key, _as_listed(found, state.stats)))
    _need(last is not None)
    result, stored = last
    loaded = store.read_shards(keys.LOADED, {shard_of(rels[n]) for n in changed})
    old = {n: _last_analysis(loaded.get(rels[n]), state, n) for n in changed}
    edited = sorted(n for n in changed if keys.file_sha256(found.files[n]) != old[n].item.sha256)
    memo = store.read_shards(keys.PAGES, {shard_of(_page(old[n].item)) for n in edited})
    context = {n: _context(memo.get(_page(old[n].item)), old[n].item) for n in edited}
    new = {n: _reanalysed(found.files[n], old[n], context[n], config) for n in edited}
    _need(_alone(state, {n: new[n].fingerprint for n in new}))
    patch, pages = _patch(stored, config, {n: (old[n].item, new[n].item, context[n]) for n in edited})
    _need(patch is not None)
    minhash = state.minhash.copy()
    for n, a in new.items():
        minhash[n] = a.fingerprint.minhash
    loaded.update({rels[n]: (*stats[n], new.get(n, a)) for n, a in old.items()})
    memo.update(pages)
    store.write_shards(keys.LOADED, loaded, {shard_of(rels[n]) for n in old})
    store.write_shards(keys.PAGES, memo, {shard_of(page) for page in pages})
    store.write(DELTA, dataclasses.replace(state, stats=stats, minhash=minhash))
    return _save(store, key, result, stored, patch, len(new))


def _as_listed(found: Found, stats: tuple[tuple[int, int], ...]) -> Found:
    """Return the listing with each file's (size, mtime) as the last build saw it."""
    files = tuple(
        dataclasses.replace(f, size=st[0], mtime_ns=st[1]) for f, st in zip(found.files, stats, strict=True)
    )
    return Found(files, found.refused)


def _page(art: Article) -> str:
    return f"sources/{art.id}.md"


def _last_analysis(entry, state: State, n: int) -> Analysed:
    """Return the last build's analysis of the n-th file, from its per-file memo entry."""
    _need(isinstance(entry, tuple) and tuple(entry[:2]) == state.stats[n])
    art = entry[2].item
    _need(isinstance(art, Article) and art.id == state.ids[state.rels[n]])
    return entry[2]


def _context(entry, art: Article) -> SourcePage:
    """Return what the article's page showed besides the article (dates, backlinks...)."""
    _need(entry is not None and entry[0][0] == identity(art))
    return entry[0][1]


def _reanalysed(inp, old: Analysed, context: SourcePage, config: Config) -> Analysed:
    """Return the edited file's analysis, when all the corpus-level stages read of it is unchanged."""
    now = analyse_file(inp, config)
    _need(isinstance(now.item, Article) and now.annotations is not None)
    was = _as_linked(old.item, old.annotations, context.published, config)
    linked = _as_linked(now.item, now.annotations, context.published, config)
    _need(link_view(now.item, linked) == link_view(old.item, was))
    return now


def _patch(stored, config: Config, arts: dict[int, tuple[Article, Article, SourcePage]]):
    """Return (the patched files, the source page memo entries), or (None, None)."""
    from builder.render.citations import guid_line
    from builder.render.exports import dump_line, source_record
    from builder.render.pages import environment, render_source_page

    if not arts:  # files touched, not changed
        return {}, {}
    sources, feed = stored["data/sources.json"], stored["feed.xml"]
    env = environment()
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


def _save(
    store: Cache, key: str, result: BuildResult, stored, patch: dict[str, str], count: int
) -> BuildResult:
    """Store the patched result under its new key; return it, its pages read from the cache."""
    from builder.incremental import results
    from builder.output.write import digest

    digests = dict(result.digests)
    for name, text in patch.items():
        digests[name] = digest(text.encode("utf-8"))
    dirty = {shard_of(name) for name in patch}
    shards = {name: text for k in dirty for name, text in stored.shard(k).items()}
    shards.update(patch)
    result = dataclasses.replace(result, digests=digests)
    files = results.save(store, key, result, shards, dirty)
    how = f"patched {count} edited article{'s' if count != 1 else ''}" if count else "nothing changed"
    return dataclasses.replace(result, files=files, how=how)
