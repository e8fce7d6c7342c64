"""Corpus-level linking: duplicates, claims, stories, timeline, discrepancies.

Everything here is a pure function of the loaded articles, their
annotations and the config. Nothing compares all pairs in Python: sentence
signatures are scored by sparse matrix products, a block of rows at a time,
and near-duplicates are found by MinHash LSH.
"""

from __future__ import annotations

import dataclasses
import hashlib
import logging
import math
import re
from collections import Counter, defaultdict
from collections.abc import Iterable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from fractions import Fraction
from functools import lru_cache
from itertools import combinations
from pathlib import Path

from builder.config import Config, Role
from builder.records import (
    Annotations,
    Article,
    Citation,
    Claim,
    DateMention,
    Discrepancy,
    Event,
    Fingerprint,
    Linked,
    Sentence,
    Story,
    UnconfirmedEntity,
    Version,
)

log = logging.getLogger(__name__)

# ---------------------------------------------------------------- duplicates

_WORD = re.compile(r"\w+", re.UNICODE)
SHINGLE = 5
DUPLICATE_THRESHOLD = 0.8


NUM_PERM = 64


def _shingles(words: list[str]) -> set[str]:
    if len(words) < SHINGLE:
        return {" ".join(words)} if words else set()
    return {" ".join(words[i : i + SHINGLE]) for i in range(len(words) - SHINGLE + 1)}


# datasketch 2.0's MinHash, scheme "affine32", seed 1: a shingle's hash is the first four bytes
# of its SHA-1 (little-endian), premixed by MurmurHash3's 32-bit finalizer, then mapped by
# NUM_PERM affine permutations h -> a*h + b (mod 2^32, odd a) drawn from RandomState(seed).
# The same values as datasketch's, bit for bit (tests/test_link.py compares them); kept here
# because importing datasketch imports scipy.integrate for its LSH, a second in every
# process that fingerprints an article, and the builder uses neither.
MINHASH_SCHEME = "affine32"
MINHASH_SEED = 1
_FMIX32 = (16, 0x85EBCA6B, 13, 0xC2B2AE35, 16)


@lru_cache(maxsize=1)
def _permutations():
    """The (a, b) arrays of the affine permutations, drawn once per process."""
    import numpy as np

    gen = np.random.RandomState(MINHASH_SEED)
    a = gen.randint(0, 1 << 31, NUM_PERM, dtype=np.uint32) * np.uint32(2) + np.uint32(1)
    b = gen.randint(0, 1 << 32, NUM_PERM, dtype=np.uint32)
    return a, b


def minhash(shingles: Iterable[str]) -> tuple[int, ...]:
    """Return the MinHash of a set of shingles (empty for none)."""
    import numpy as np

    hv = np.fromiter(
        (int.from_bytes(hashlib.sha1(s.encode("utf-8")).digest()[:4], "little") for s in shingles),
        dtype=np.uint32,
    )
    if not hv.size:
        return ()
    s1, m1, s2, m2, s3 = (np.uint32(c) for c in _FMIX32)
    hv ^= hv >> s1
    hv *= m1
    hv ^= hv >> s2
    hv *= m2
    hv ^= hv >> s3
    a, b = _permutations()
    return tuple((hv[:, None] * a + b).min(axis=0).tolist())


def fingerprint(art: Article) -> Fingerprint:
    """Return an article's near-duplicate fingerprint: per-article work, cached with its annotations."""
    words = _WORD.findall(art.text.lower())
    key = hashlib.sha256(" ".join(words).encode()).hexdigest()
    return Fingerprint(key, minhash(_shingles(words)))


# (bands, rows per band) of find_duplicates' LSH: two fingerprints that agree on every row
# of some band are compared. datasketch's MinHashLSH optimum for DUPLICATE_THRESHOLD, NUM_PERM.
LSH_BANDS = (5, 11)


def band_keys(minhash: tuple[int, ...]) -> list[tuple[int, tuple[int, ...]]]:
    """Return a fingerprint's LSH keys: (band, its rows' values) for each band."""
    b, r = LSH_BANDS
    return [(k, minhash[k * r : (k + 1) * r]) for k in range(b)]


def find_duplicates(
    articles: Iterable[Article], prints: dict[str, Fingerprint] | None = None
) -> dict[str, str]:
    """Return {article id: id of the earlier article it duplicates}.

    Articles are taken in the order given; the first of a group is kept.
    Exact copies are caught by their text, near-copies (another encoding,
    other boilerplate) by MinHash LSH over word shingles, verified by the
    true Jaccard similarity of the shingle sets. `prints` holds fingerprints
    computed earlier (by the per-article stage); missing ones are computed here.

    The LSH index is a dict from band keys to articles, as in datasketch's
    MinHashLSH (same bands, same candidates: tests/test_link.py compares them);
    importing that class pulls in scipy.integrate, most of a second per build.
    """
    prints = prints or {}
    seen_text: dict[str, str] = {}
    kept: dict[str, Article] = {}
    shingles: dict[str, set[str]] = {}
    buckets: dict[tuple[int, tuple[int, ...]], list[str]] = defaultdict(list)

    def shingles_of(art: Article) -> set[str]:  # only for LSH candidates: rare
        if art.id not in shingles:
            shingles[art.id] = _shingles(_WORD.findall(art.text.lower()))
        return shingles[art.id]

    out: dict[str, str] = {}
    for art in articles:
        fp = prints.get(art.id) or fingerprint(art)
        if fp.text_key in seen_text:
            out[art.id] = seen_text[fp.text_key]
            continue
        if not fp.minhash:
            continue
        keys = band_keys(fp.minhash)
        best = None
        for cand in sorted({c for k in keys for c in buckets.get(k, ())}):
            sh, other = shingles_of(art), shingles_of(kept[cand])
            jac = len(sh & other) / len(sh | other)
            if jac >= DUPLICATE_THRESHOLD and (best is None or jac > best[0]):
                best = (jac, cand)
        if best:
            out[art.id] = best[1]
            continue
        seen_text[fp.text_key] = art.id
        kept[art.id] = art
        for k in keys:
            buckets[k].append(art.id)
    return out


# ---------------------------------------------------------------- signatures

SAME_THRESHOLD = 0.5  # weighted Jaccard of two signatures that state the same thing
LINK_THRESHOLD = 0.3  # least similarity to every representative of the claim joined
COVER_THRESHOLD = 0.65  # share of a claim's signature a compound sentence must cover
MIN_SHARED_WEIGHT = 2.0  # shared non-topic features must carry this much information
INFORMATIVE = 2.0  # weight of a feature found in fewer than ~15% of sentences
COVER_INFORMATIVE = 2  # informative features a compound sentence must share with a claim
REPRESENTATIVES = 5  # members of a claim a newcomer is compared with


def features(s: Sentence, topics: tuple[str, ...] | None = None) -> frozenset[str]:
    """Return a sentence's language-independent signature."""
    f = {f"e:{e}" for e in s.entities}
    f |= {f"c:{c}" for c in s.concepts}
    f |= {f"t:{t}" for t in (s.topics if topics is None else topics)}
    for d in s.dates:
        f.add(f"d:{d.value}")
        f.add(f"y:{d.value[:4]}")
    f |= {f"n:{n}" for n in s.numbers}
    return frozenset(f)


def _weights(sigs: Iterable[frozenset[str]]) -> dict[str, float]:
    df: dict[str, int] = defaultdict(int)
    n = 0
    for sig in sigs:
        n += 1
        for f in sig:
            df[f] += 1
    return {f: math.log(1 + n / c) for f, c in df.items()}


WEIGHT_SCALE = 1 << 32  # weights as integers in units of 2**-32: sums are exact in any order


def _fixed(weights: dict[str, float]) -> dict[str, int]:
    """Return the weights as integers, so that summing them is exact and independent of order.

    A set yields its strings in an order that changes with the string hash
    seed; float sums in that order differ in the last bits, which reordered
    near-tied pairs between two builds. Integer sums do not, and numpy sums
    them exactly too (int64: a signature would need millions of features to overflow).
    """
    return {f: round(w * WEIGHT_SCALE) for f, w in weights.items()}


def is_reporting(s: Sentence, published: str | None) -> bool:
    """Return True for a line that only says when the news was reported."""
    return bool(published) and not s.topics and not s.concepts and all(d.value == published for d in s.dates)


# ---------------------------------------------------------------- claims

PAIR_BLOCK = 64  # signatures scored against all others at once (dense rows: 256 took 4-10x the memory
# and more time at 10,000 benchmark articles, the rows no longer fitting the processor caches)
PAIR_THREADS = 2  # blocks scored at once
# Nodes of one signature: a source's copies past this many are claims of their own, never compared
# (an article repeating one sentence 100,000 times made 5 * 10**9 pairs of itself).
MAX_COPIES = 64


NO_DAY = -(1 << 40)  # the day number of a statement about no day: before every real one


def _day_numbers(days: Sequence[date | None]):
    """Return the days as a numpy array of day numbers (date.toordinal), NO_DAY for None."""
    import numpy as np

    return np.array([d.toordinal() if d else NO_DAY for d in days], dtype=np.int64)


def _cover_candidates(
    singles: list[int],
    reps: list[int],
    sigs: list[frozenset[str]],
    weights: dict[str, float],
    informative: list[frozenset[str]],
    topics_of: list[set[str]],
    days: tuple[list[date | None], list[tuple[date, date] | None]] | None = None,
) -> dict[int, list[int]]:
    """Return {index in singles: [indexes in reps, ascending]} where a single may cover a rep.

    Bounds from sparse products (weighted share of the rep it covers, shared informative
    features, a shared topic); the caller checks each exactly. days, where given: each single's
    day and each rep's claim's first and last day (None: about no day); a single is then
    compared only with the reps whose days are all within BACKGROUND_SPAN_DAYS of its own (_close),
    taken in the order of their first days, and with those about no day.
    """
    import numpy as np
    from scipy import sparse

    if not singles or not reps:
        return {}
    day = _day_numbers(days[0] if days else [None] * len(singles))
    spans = days[1] if days else [None] * len(reps)
    first, last = _day_numbers([s and s[0] for s in spans]), _day_numbers([s and s[1] for s in spans])
    s_order, r_order = np.lexsort((np.arange(len(singles)), day)), np.lexsort((np.arange(len(reps)), first))
    day, first, last = day[s_order], first[r_order], last[r_order]
    singles, reps = [singles[i] for i in s_order.tolist()], [reps[i] for i in r_order.tolist()]
    undated_reps = int(np.searchsorted(first, NO_DAY, side="right"))
    names = sorted(weights)
    col = {f: k for k, f in enumerate(names)}
    w = np.array([weights[f] for f in names])

    def matrix(nodes: list[int], feats) -> sparse.csr_matrix:
        rows = [i for i, n in enumerate(nodes) for _ in feats(n)]
        cols = [col[f] for n in nodes for f in feats(n)]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), len(names)))

    s_all, r_all = matrix(singles, lambda n: sigs[n]), matrix(reps, lambda n: sigs[n]).T.tocsc()
    s_inf, r_inf = matrix(singles, lambda n: informative[n]), matrix(reps, lambda n: informative[n]).T.tocsc()
    topics = sorted({t for n in singles + reps for t in topics_of[n]})
    tcol = {t: k for k, t in enumerate(topics)}

    def tmatrix(nodes: list[int]) -> sparse.csr_matrix:
        rows = [i for i, n in enumerate(nodes) for _ in topics_of[n]]
        cols = [tcol[t] for n in nodes for t in topics_of[n]]
        return sparse.csr_matrix((np.ones(len(rows)), (rows, cols)), shape=(len(nodes), max(1, len(topics))))

    s_top, r_top = tmatrix(singles), tmatrix(reps).T.tocsc()
    weighted = s_all.multiply(w).tocsr()
    rep_total = np.asarray(r_all.T.multiply(w).sum(axis=1)).ravel()
    out: dict[int, list[int]] = {}

    def screen(start: int, stop: int, lo: int, hi: int) -> None:
        if lo >= hi:
            return
        cover = (weighted[start:stop] @ r_all[:, lo:hi]).toarray() >= (COVER_THRESHOLD - 1e-6) * rep_total[
            lo:hi
        ]
        cover &= (s_inf[start:stop] @ r_inf[:, lo:hi]).toarray() >= COVER_INFORMATIVE
        cover &= (s_top[start:stop] @ r_top[:, lo:hi]).toarray() > 0
        d, f, z = day[start:stop, None], first[None, lo:hi], last[None, lo:hi]
        cover &= (d == NO_DAY) | (f == NO_DAY) | (np.maximum(z - d, d - f) <= BACKGROUND_SPAN_DAYS)
        for a, b in zip(*np.nonzero(cover), strict=True):
            out.setdefault(int(s_order[start + a]), []).append(int(r_order[lo + b]))

    for start in range(0, len(singles), PAIR_BLOCK):
        stop = min(len(singles), start + PAIR_BLOCK)
        if day[start] == NO_DAY:  # singles about no day: every rep
            screen(start, stop, 0, len(reps))
            continue
        screen(start, stop, 0, undated_reps)
        lo = int(np.searchsorted(first, day[start] - BACKGROUND_SPAN_DAYS, side="left"))
        hi = int(np.searchsorted(first, day[stop - 1] + BACKGROUND_SPAN_DAYS, side="right"))
        screen(start, stop, max(lo, undated_reps), hi)
    return {a: sorted(bs) for a, bs in out.items()}


def _candidate_pairs(
    sigs: list[frozenset[str]],
    weights: dict[str, int],
    owners: list[int] | None = None,
    days: list[date | None] | None = None,
) -> list[tuple[int, int, int]]:
    """Return (a, b, shared weight) for the pairs a < b of signatures that reach SAME_THRESHOLD.

    owners: where given, two signatures with the same owner are never a pair (nodes that share a
    source: cluster_claims would drop the pair), so a source repeating itself costs no memory.
    days: where given, two signatures about days more than BACKGROUND_SPAN_DAYS apart are never a
    pair (they can never be one claim).

    A pair is kept when its weighted Jaccard similarity is at least SAME_THRESHOLD and its shared
    non-topic features weigh at least MIN_SHARED_WEIGHT. Both are decided in integers (the
    weights of _fixed; exact, in any order of summing) by sparse matrix products (numpy/scipy: no
    pair is scored in Python) of blocks of PAIR_BLOCK rows over the non-topic features; what two
    signatures share through topic features depends only on their topic sets, a few at most, and
    is added from a table of them. With days, the signatures are taken in the order of their
    days, and a block of rows is compared only with the columns about days close to its own (a
    slice of that order) and with the undated ones, which are compared with all.
    """
    import numpy as np
    from scipy import sparse

    n = len(sigs)
    if n < 2:
        return []
    day = _day_numbers(days or [None] * n)  # NO_DAY: about no day, compared with every other
    order = np.lexsort((np.arange(n), day))  # the undated first, then by day
    day = day[order]
    first_dated = int(np.searchsorted(day, NO_DAY, side="right"))
    names = sorted(f for f in weights if not f.startswith("t:"))
    col = {f: k for k, f in enumerate(names)}
    placed = [sigs[i] for i in order.tolist()]
    rows = np.array([i for i, x in enumerate(placed) for f in x if f in col], dtype=np.int64)
    cols = np.array([col[f] for x in placed for f in x if f in col], dtype=np.int64)
    w = np.array([weights[f] for f in names], dtype=np.int64)[cols]
    weighted = sparse.csr_matrix((w, (rows, cols)), shape=(n, len(names)), dtype=np.int64)
    onehot_t = sparse.csc_matrix((np.ones_like(w), (cols, rows)), shape=(len(names), n), dtype=np.int64)
    topics = [frozenset(f for f in x if f.startswith("t:")) for x in placed]
    sets = sorted(set(topics), key=sorted)
    number = {t: k for k, t in enumerate(sets)}
    set_of = np.array([number[t] for t in topics], dtype=np.int64)
    in_sets = np.array([[sum(weights[f] for f in a & b) for b in sets] for a in sets], dtype=np.int64)
    totals = np.array([sum(map(weights.__getitem__, x)) for x in placed], dtype=np.int64)
    num, den = Fraction(repr(SAME_THRESHOLD)).as_integer_ratio()  # 0.5 -> 1, 2
    least = round(MIN_SHARED_WEIGHT * WEIGHT_SCALE)
    own = None if owners is None else np.asarray(owners, dtype=np.int64)[order]

    def screen(start: int, stop: int, lo: int, hi: int) -> tuple:
        """Return the pairs of rows start:stop and columns lo:hi past them that reach both thresholds."""
        shared = (weighted[start:stop] @ onehot_t[:, lo:hi]).toarray()
        ok = shared >= least
        shared += in_sets[set_of[start:stop, None], set_of[None, lo:hi]]
        # inter / (ta + tb - inter) >= num / den  <=>  (den + num) * inter >= num * (ta + tb)
        ok &= (den + num) * shared >= num * (totals[start:stop, None] + totals[None, lo:hi])
        ok &= np.arange(lo, hi)[None, :] > np.arange(start, stop)[:, None]
        if own is not None:
            ok &= own[start:stop, None] != own[None, lo:hi]
        near = np.abs(day[start:stop, None] - day[None, lo:hi]) <= BACKGROUND_SPAN_DAYS
        ok &= near | (day[start:stop, None] == NO_DAY) | (day[None, lo:hi] == NO_DAY)
        a, b = np.nonzero(ok)
        return a + start, b + lo, shared[a, b]

    def block(start: int) -> tuple:
        stop = min(n, start + PAIR_BLOCK)
        if start < first_dated:  # undated rows: every column
            return screen(start, stop, start, n)
        last = int(np.searchsorted(day, day[stop - 1] + BACKGROUND_SPAN_DAYS, side="right"))
        return screen(start, stop, start, last)

    # scipy's sparse products and numpy's comparisons release the GIL: blocks run on PAIR_THREADS threads
    with ThreadPoolExecutor(max_workers=PAIR_THREADS) as pool:
        parts = list(pool.map(block, range(0, n, PAIR_BLOCK)))
    a = order[np.concatenate([p[0] for p in parts])]
    b = order[np.concatenate([p[1] for p in parts])]
    inter = np.concatenate([p[2] for p in parts])
    first, second = np.minimum(a, b), np.maximum(a, b)
    by_pair = np.lexsort((second, first))
    return list(zip(first[by_pair].tolist(), second[by_pair].tolist(), inter[by_pair].tolist(), strict=True))


def _statement_pairs(
    keys: list[tuple[frozenset[str], tuple[str, ...]]],
    day_of: list[date | None],
    weights: dict[str, int],
) -> list[tuple[int, int, int]]:
    """Return _candidate_pairs of statements (keys: signature and topics; day_of: the day each is about).

    Copies of one signature about days further apart than BACKGROUND_SPAN_DAYS can never be one
    claim (a claim's days stay within it), and a template sentence repeated across a corpus
    made them the bulk of all pairs: copies are paired here only with copies about days close
    to theirs, or with none; every other pair comes from the screen.
    """
    group: dict[tuple, int] = {}
    owner = [group.setdefault(k, len(group)) for k in keys]
    out = list(_candidate_pairs([k[0] for k in keys], weights, owner, day_of))
    members: dict[int, list[int]] = defaultdict(list)
    for x, g in enumerate(owner):
        members[g].append(x)
    for xs in members.values():
        sig = keys[xs[0]][0]
        if len(xs) < 2 or sum(weights[f] for f in sig if f[:2] != "t:") < round(
            MIN_SHARED_WEIGHT * WEIGHT_SCALE
        ):
            continue
        whole = sum(weights[f] for f in sig)
        undated = [x for x in xs if day_of[x] is None]
        dated = sorted((x for x in xs if day_of[x] is not None), key=lambda x: (day_of[x], x))
        for i, x in enumerate(dated):
            for y in dated[i + 1 :]:
                if (day_of[y] - day_of[x]).days > BACKGROUND_SPAN_DAYS:
                    break
                out.append((min(x, y), max(x, y), whole))
        for u in undated:
            out.extend(
                (min(u, y), max(u, y), whole) for y in xs if y != u and (day_of[y] is not None or y > u)
            )
    return out


def _citation(art: Article, s: Sentence, texts: dict[str, str] | None = None) -> Citation:
    """Cite a sentence; texts, where given, shares one string per distinct quote."""
    quote = s.text if texts is None else texts.setdefault(s.text, s.text)
    return Citation(art.id, s.paragraph, s.start, s.end, quote, art.language)


def _claim_id(source: str, s: Sentence) -> str:
    return "c-" + hashlib.sha1(f"{source}/{s.paragraph}/{s.start}".encode()).hexdigest()[:10]


@dataclass
class _Item:
    source: str
    sentence: Sentence
    sig: frozenset[str]
    topics: tuple[str, ...]


def cluster_claims(
    articles: tuple[Article, ...],
    config: Config,
    items: list[_Item],
    context: Mapping[str, date | None],
) -> Clusters:
    """Group sentences from different sources that state the same thing.

    Pairs of sentences sharing a rare feature are scored by the weighted
    Jaccard similarity of their signatures and merged greedily, best first,
    at most one sentence per source per claim. A compound sentence that
    reports two things ("met X in Lyon and Y in The Hague") then joins every
    claim whose signature it covers, so both claims cite it. Two clusters join only when
    every pair of their statements is compatible (the same fact) and about days close together.
    items: the statements to group (statement_items); context: each article's event day, the
    day of its statements that name none.
    """
    if not items:
        return Clusters(articles, config, [], {}, {}, [])
    when = [_when(it, context) for it in items]
    nodes, paired = _nodes(items, when)
    g = _Nodes(items, nodes, when, _weights(it.sig for it in items))
    candidates = _statement_pairs(
        [(g.sig[n], items[nodes[n][0]].topics) for n in paired], [g.day[n] for n in paired], g.fixed
    )
    members, sources, days = _merge(g, _ranked(g, paired, candidates))
    groups: dict[int, list[int]] = {c: [i for n in ns for i in nodes[n]] for c, ns in members.items()}
    _place_compounds(g, members, sources, days, groups)
    return Clusters(articles, config, items, groups, members, nodes)


def _ranked(g: _Nodes, paired: list[int], candidates: list[tuple[int, int, int]]) -> list[tuple[int, int]]:
    """Return the candidate pairs (x, y, shared weight; x and y index paired) as pairs of nodes
    that may merge, best first: by similarity, then by node. Nodes that share no topic or share a
    source never merge (_statement_pairs pairs no nodes about days too far apart)."""
    import numpy as np

    if not candidates:
        return []
    x, y, shared = (np.array(c, dtype=np.int64) for c in zip(*candidates, strict=True))
    ids = np.asarray(paired, dtype=np.int64)
    a, b = ids[x], ids[y]
    total = np.asarray(g.total, dtype=np.int64)
    sim = shared / (total[a] + total[b] - shared)  # exact integers, one rounding: as in Python
    kinds = {t: k for k, t in enumerate(sorted({frozenset(t) for t in g.topics}, key=sorted))}
    kind = np.array([kinds[frozenset(t)] for t in g.topics], dtype=np.int64)
    apart = np.array([[p != q and not (p & q) for q in kinds] for p in kinds], dtype=bool).reshape(
        len(kinds), -1
    )
    keep = np.flatnonzero(~apart[kind[a], kind[b]])
    keep = keep[np.lexsort((b[keep], a[keep], -sim[keep]))]
    sources = g.sources
    return [
        (m, n)
        for m, n in zip(a[keep].tolist(), b[keep].tolist(), strict=True)
        if sources[m].isdisjoint(sources[n])
    ]


def _nodes(items: list[_Item], when: list[date | None]) -> tuple[list[list[int]], list[int]]:
    """Return the nodes (sentences with one signature, topic set and day, at most one per source:
    copies of a sentence across sources are one node, never compared pairwise) and the nodes to
    pair; a source's copies past MAX_COPIES are nodes of their own, never compared."""
    nodes: list[list[int]] = []
    node_sources: list[set[str]] = []
    by_key: dict[tuple, list[int]] = defaultdict(list)
    lone: dict[str, int] = defaultdict(int)  # source -> its copies past MAX_COPIES
    for i, it in enumerate(items):
        key = (it.sig, it.topics, when[i])
        for n in by_key[key]:
            if it.source not in node_sources[n]:
                nodes[n].append(i)
                node_sources[n].add(it.source)
                break
        else:
            if len(by_key[key]) < MAX_COPIES:
                by_key[key].append(len(nodes))
            else:
                lone[it.source] += 1
            nodes.append([i])
            node_sources.append({it.source})
    for source, k in sorted(lone.items()):
        log.warning(
            "%s: %d sentences repeat one signature more than %d times: not compared", source, k, MAX_COPIES
        )
    return nodes, sorted(n for ns in by_key.values() for n in ns)


class _Nodes:
    """What cluster_claims knows of each node: its signature, topics, sources, day and weight."""

    def __init__(
        self, items: list[_Item], nodes: list[list[int]], when: list[date | None], weights: dict[str, float]
    ) -> None:
        self.items, self.nodes, self.weights = items, nodes, weights
        self.fixed = _fixed(weights)
        self.sig = [items[ns[0]].sig for ns in nodes]
        self.topics = [set(items[ns[0]].topics) for ns in nodes]
        self.sources = [{items[i].source for i in ns} for ns in nodes]
        self.day = [when[ns[0]] for ns in nodes]  # a node's copies are about one day (its key)
        self.total = [sum(map(self.fixed.__getitem__, x)) for x in self.sig]
        self.informative = [
            frozenset(f for f in x if f[:2] != "t:" and weights[f] >= INFORMATIVE) for x in self.sig
        ]
        self._specific = {f: 0 if f[:2] == "t:" else w for f, w in self.fixed.items()}  # topics weigh 0
        self._least = round(MIN_SHARED_WEIGHT * WEIGHT_SCALE)

    def apart(self, a: int, b: int) -> bool:
        """Tell whether two nodes share no topic."""
        return self.topics[a] != self.topics[b] and not (self.topics[a] & self.topics[b])

    def sim(self, a: int, b: int) -> float:
        """Return the weighted Jaccard similarity of two nodes (0 when they share too little)."""
        if self.apart(a, b):
            return 0.0
        common = self.sig[a] & self.sig[b]
        if sum(map(self._specific.__getitem__, common)) < self._least:
            return 0.0
        shared = sum(map(self.fixed.__getitem__, common))
        return shared / ((self.total[a] + self.total[b] - shared) or 1)

    def covers(self, n: int, r: int) -> bool:
        """Tell whether node n states what node r states, and more (a compound sentence)."""
        return (
            len(self.informative[n] & self.informative[r]) >= COVER_INFORMATIVE
            and bool(self.topics[n] & self.topics[r])
            and sum(map(self.fixed.__getitem__, self.sig[n] & self.sig[r])) / (self.total[r] or 1)
            >= COVER_THRESHOLD
        )


def _merge(g: _Nodes, pairs: list[tuple[int, int]]) -> tuple[dict, dict, dict]:
    """Merge the nodes' clusters over the pairs, best first; return each cluster's nodes, sources
    and (first, last) day. Two clusters merge only with no source in common, their days within
    BACKGROUND_SPAN_DAYS, every pair of their statements' facts compatible (_facts: the distinct
    non-empty sets of each kind) and their representatives alike (LINK_THRESHOLD)."""
    cluster = list(range(len(g.nodes)))
    members: dict[int, list[int]] = {n: [n] for n in range(len(g.nodes))}
    sources: dict[int, set[str]] = {n: set(g.sources[n]) for n in range(len(g.nodes))}
    facts: dict[int, tuple[set[frozenset[str]], ...]] = {}
    days: dict[int, tuple[date, date] | None] = {}
    for n in range(len(g.nodes)):
        facts[n] = tuple({f} if f else set() for f in _facts(g.sig[n]))
        days[n] = (g.day[n], g.day[n]) if g.day[n] is not None else None
    for x, y in pairs:
        a, b = cluster[x], cluster[y]
        if a == b or not sources[a].isdisjoint(sources[b]):
            continue
        both = _span(days[a], days[b])
        if both and (both[1] - both[0]).days > BACKGROUND_SPAN_DAYS:
            continue
        if not all(
            not p.isdisjoint(q) for fa, fb in zip(facts[a], facts[b], strict=True) for p in fa for q in fb
        ):
            continue
        reps_a, reps_b = members[a][:REPRESENTATIVES], members[b][:REPRESENTATIVES]
        if any(g.sim(m, n) < LINK_THRESHOLD for m in reps_a for n in reps_b):
            continue
        for fa, fb in zip(facts[a], facts[b], strict=True):
            fa |= fb
        days[a] = _span(days[a], days.pop(b))
        facts.pop(b)
        if len(members[a]) < len(members[b]):
            a, b = b, a
            facts[a], days[a] = facts.pop(b), days.pop(b)
        for m in members[b]:
            cluster[m] = a
        members[a].extend(members.pop(b))
        sources[a] |= sources.pop(b)
    return members, sources, days


def _place_compounds(
    g: _Nodes, members: dict, sources: dict, days: dict, groups: dict[int, list[int]]
) -> None:
    """Let each claim of one node that covers other claims' signatures (a compound sentence)
    join them, with each of its sources they do not cite yet; groups is changed in place."""
    targets = sorted(c for c in groups if len(groups[c]) >= 2)
    singles = sorted(k for k in members if len(members[k]) == 1)
    near = _cover_candidates(
        [members[k][0] for k in singles],
        [members[c][0] for c in targets],
        g.sig,
        g.weights,
        g.informative,
        g.topics,
        ([g.day[members[k][0]] for k in singles], [days[c] for c in targets]),
    )
    for a, k in enumerate(singles):
        n = members[k][0]
        placed: set[int] = set()
        for c in (targets[b] for b in near.get(a, ())):
            r = members[c][0]
            if (
                c == k
                or len(groups[c]) < 2
                or not _close(days[k], days[c])
                or not compatible(g.sig[n], g.sig[r])
                or not g.covers(n, r)
            ):
                continue
            for i in g.nodes[n]:
                if g.items[i].source not in sources[c]:
                    groups[c].append(i)
                    sources[c].add(g.items[i].source)
                    placed.add(i)
        if placed:
            groups[k] = [i for i in groups[k] if i not in placed]


@dataclass
class Clusters:
    """Which sentences state the same thing (cluster_claims): the claims before they are written.

    groups: {cluster: [item]} (an empty group was all compound sentences placed elsewhere);
    members: {cluster: [node]}; nodes: [[item]], one signature each. Stories need only each
    claim's sources; the claims themselves are written out when asked for.
    """

    articles: tuple[Article, ...]
    config: Config
    items: list[_Item]
    groups: dict[int, list[int]]
    members: dict[int, list[int]]
    nodes: list[list[int]]

    def sources(self) -> list[set[str]]:
        """Return the sources of each claim, in no particular order."""
        return [{self.items[i].source for i in group} for group in self.groups.values() if group]

    def claims(self) -> tuple[Claim, ...]:
        items, groups, members, nodes, config = self.items, self.groups, self.members, self.nodes, self.config
        by_id = {a.id: a for a in self.articles}
        order = {a.id: i for i, a in enumerate(self.articles)}
        rank = [(order[it.source], it.sentence.index) for it in items].__getitem__

        topic_slugs = {t.slug for t in config.topics}
        # Reprinted articles repeat sentences: one string per distinct quote (11,226 for 55,018
        # citations at 10,000 articles) halves the claims' pickle, which a child sends back.
        texts: dict[str, str] = {}
        claims = []
        for c, group in groups.items():
            if not group:
                continue
            group = sorted(group, key=rank)
            lead = group[0]
            # The id comes from the claim's own first sentence, never from a compound
            # sentence that joined it (that one may join several claims).
            kept = set(group)
            own = min((i for n in members[c] for i in nodes[n] if i in kept), key=rank, default=None)
            if own is None:  # only compound sentences are left in it: name it after all of them
                cid = (
                    "c-"
                    + hashlib.sha1(
                        "|".join(
                            f"{items[i].source}/{items[i].sentence.paragraph}/{items[i].sentence.start}"
                            for i in group
                        ).encode()
                    ).hexdigest()[:10]
                )
            else:
                cid = _claim_id(items[own].source, items[own].sentence)
            sentences = [items[i].sentence for i in group]
            cites = tuple(
                _citation(by_id[items[i].source], s, texts) for i, s in zip(group, sentences, strict=True)
            )
            topics = sorted(
                set(items[lead].topics).intersection(*(items[i].topics for i in group)) & topic_slugs
            )
            topics = topics or sorted(set(items[lead].topics) & topic_slugs)
            text_i = next((i for i in group if by_id[items[i].source].language == config.language), lead)
            claims.append(
                Claim(
                    id=cid,
                    topics=tuple(topics),
                    text=texts.setdefault(items[text_i].sentence.text, items[text_i].sentence.text),
                    citations=cites,
                    entities=tuple(sorted(set().union(*(s.entities for s in sentences)))),
                    concepts=tuple(sorted(set().union(*(s.concepts for s in sentences)))),
                )
            )
        claims.sort(
            key=lambda c: (-c.corroboration, order[c.citations[0].source], c.citations[0].start, c.id)
        )
        return tuple(claims)


# ---------------------------------------------------------------- stories

STORY_MIN_SHARED = 2  # claims an undated telling shares with its story
STORY_SPAN_DAYS = 31  # the publication dates of one story's tellings lie within this many days (bound)


def _day(value: str | None) -> date | None:
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


# ---------------------------------------------------------------- inferred dates


def _weekdays_named(art: Article, days: list[str], find_dates) -> Iterator[tuple[str, DateMention]]:
    """Yield (day, its mention) for each of the days, in order, that a relative day in the
    article ("в пятницу", "on Friday") falls on.

    Paragraphs are scanned once; only those with a relative day are resolved
    again against each candidate day.
    """
    if not days:
        return
    from builder.nlp.dates import may_name_day

    relative = [
        p
        for p in art.paragraphs
        if may_name_day(p.text, art.language)
        and any(
            m.relative and m.precision == "day" for m in find_dates(p.text, art.language, anchor=days[-1])
        )
    ]
    for day in days:
        for p in relative:
            named = [
                m
                for m in find_dates(p.text, art.language, anchor=day, paragraph=p.id)
                if m.relative and m.precision == "day" and m.value == day
            ]
            if named:
                yield day, named[0]
                break


# ---------------------------------------------------------------- timeline


class _SentenceIndex:
    """The sentences a citation quotes, by (source, paragraph, start); a source is indexed when first cited."""

    def __init__(self, annotations: dict[str, Annotations]) -> None:
        self.annotations, self.by_source = annotations, {}

    def get(self, key: tuple[str, str, int]) -> Sentence | None:
        sid, paragraph, start = key
        index = self.by_source.get(sid)
        if index is None:
            ann = self.annotations.get(sid)
            index = self.by_source[sid] = {(s.paragraph, s.start): s for s in ann.sentences} if ann else {}
        return index.get((paragraph, start))


def _contains(outer: str, inner: str) -> bool:
    return inner.startswith(outer) or outer.startswith(inner)


# ---------------------------------------------------------------- discrepancies


def _holder_on(role: Role, day: str) -> str | None:
    for h in role.holders:
        if (h.start is None or h.start <= day) and (h.end is None or day <= h.end):
            return h.entity
    return None


def build_discrepancies(
    articles: tuple[Article, ...],
    annotations: dict[str, Annotations],
    stories: tuple[Story, ...],
    config: Config,
    published: dict[str, str | None],
) -> tuple[Discrepancy, ...]:
    """Find sources of one story that disagree on who holds a role, and tenure conflicts."""
    by_id = {a.id: a for a in articles}
    persons = {e.id for e in config.entities if e.type == "person"}
    out: list[Discrepancy] = []
    for story in stories:
        for role in config.roles:
            said: dict[str, list[Citation]] = defaultdict(list)
            for sid in story.sources:
                ann = annotations.get(sid)
                if not ann:
                    continue
                for s in ann.sentences:
                    if role.id not in s.entities:
                        continue
                    person = _person_for_role(ann, s, role.id, persons)
                    if person:
                        cite = _citation(by_id[sid], s)
                        if cite not in said[person]:
                            said[person].append(cite)
            if not said:
                continue
            day = story.date or next((published[s] for s in story.sources if published.get(s)), None)
            holder = _holder_on(role, day) if day and len(day) == 10 else None
            wrong = sorted(p for p in said if holder and p != holder and _knows_tenure(role, p))
            if len(said) < 2 and not wrong:
                continue
            names = {e.id: e.name for e in config.entities}
            notes = []
            if len(said) >= 2:
                notes.append(
                    f"Sources on this story name different people as {role.title}: "
                    + ", ".join(names.get(p, p) for p in sorted(said))
                    + "."
                )
            for p in wrong:
                h = next(h for h in role.holders if h.entity == p)
                span = f"{h.start or '…'} – {h.end or 'present'}"
                notes.append(
                    f"{names.get(p, p)} held the post {span}; on {day} it was held by "
                    f"{names.get(holder, holder)} (research.yml)."
                )
            values = tuple(
                Version(names.get(p, p), tuple(said[p]))
                for p in sorted(said, key=lambda p: (-len(said[p]), names.get(p, p)))
            )
            did = "d-" + hashlib.sha1(f"{story.id}/{role.id}".encode()).hexdigest()[:8]
            topics = sorted(
                {
                    t
                    for v in values
                    for c in v.citations
                    for s in annotations[c.source].sentences
                    if s.paragraph == c.paragraph and s.start == c.start
                    for t in s.topics
                }
            )
            out.append(Discrepancy(did, role.title, values, " ".join(notes), tuple(topics), story.id))
    out.sort(key=lambda d: (d.subject, d.id))
    return tuple(out)


def _knows_tenure(role: Role, person: str) -> bool:
    return any(h.entity == person and (h.start or h.end) for h in role.holders)


def _person_for_role(ann: Annotations, s: Sentence, role_id: str, persons: set[str]) -> str | None:
    """Return the person named nearest after (or else before) the role in the sentence."""
    in_sent = [
        m for m in ann.mentions if m.paragraph == s.paragraph and s.start <= m.start and m.end <= s.end
    ]
    roles = [m for m in in_sent if m.entity == role_id]
    people = [m for m in in_sent if m.entity in persons]
    if not people:
        return None
    if not roles:
        return None
    r = roles[0]
    after = [p for p in people if p.start >= r.end]
    if after:
        nearest = min(after, key=lambda p: p.start - r.end)
        if nearest.start - r.end <= 40:
            return nearest.entity
    before = [p for p in people if p.end <= r.start]
    if before:
        nearest = max(before, key=lambda p: p.end)
        if r.start - nearest.end <= 40:
            return nearest.entity
    return None


# ---------------------------------------------------------------- precision first
# The evidence layer as link_corpus derives it: claims only from statements, joined only when
# they state the same fact; stories keyed on the event's date and actors; publication dates
# inferred only on a weekday that matches one telling; timeline entries that quote the sentence
# giving the event's date; discrepancies between tellings of one event.

STATEMENTS = Path(__file__).resolve().parent.parent / "tables" / "statements.yml"
LEAD_SENTENCES = 3  # the sentences of an article that state its event
NEWS_LAG_DAYS = 31  # a lead's date further before the publication recalls an older event
STORY_CLOSE_DAYS = 2  # tellings whose event dates lie this close join on one shared statement
STORY_FAR_DAYS = 7  # further apart (up to this) they need STORY_MIN_SHARED shared statements
STORY_SAME_ACTORS = 3  # or one shared statement and this many actors named in both leads
BACKGROUND_SPAN_DAYS = 7  # a statement told of events further apart than this is background
COMMON_CLAIM = 50  # a statement cited by more sources than this is boilerplate-like


@dataclass(frozen=True)
class _StatementRules:
    min_words: int
    min_letter_share: float
    ending: re.Pattern
    chrome: re.Pattern  # any of the table's patterns
    reporting: re.Pattern
    ordinals: dict[str, str]  # word -> its number


@lru_cache(maxsize=1)
def _statement_rules() -> _StatementRules:
    from builder.config import read_yaml

    raw = read_yaml(STATEMENTS.read_text("utf-8")) or {}
    words = sorted((str(w) for w in raw.get("reporting") or ()), key=len, reverse=True)
    return _StatementRules(
        int(raw.get("min_words", 6)),
        float(raw.get("min_letter_share", 0.6)),
        re.compile(str(raw.get("ending", r"[.!?…]$"))),
        re.compile("|".join(f"(?:{p})" for p in raw.get("chrome") or ["(?!)"]), re.IGNORECASE),
        re.compile(rf"(?<!\w)(?:{'|'.join(map(re.escape, words)) or '(?!)'})(?!\w)", re.IGNORECASE),
        {str(w).lower(): str(n) for n, ws in (raw.get("ordinals") or {}).items() for w in ws},
    )


@lru_cache(maxsize=65536)
def _ordinals(text: str) -> frozenset[str]:
    """Return the ordinal words of a sentence as "o:N" features ("the second round" -> "o:2")."""
    table = _statement_rules().ordinals
    return frozenset(f"o:{table[w]}" for w in _LETTERS.findall(text.lower()) if w in table)


def _reports(text: str) -> bool:
    """Return whether a sentence says who reported the news ("Об этом сообщили", "Trend reports")."""
    return _statement_rules().reporting.search(text or "") is not None


_LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)
def is_statement(text: str) -> bool:
    """Return whether a sentence reads as a statement: enough words, mostly letters, ended like a
    sentence, with lowercase words (not a heading), and no page chrome (tickers, captions, widgets)."""
    rules = _statement_rules()
    text = (text or "").strip()
    words = _LETTERS.findall(text)
    if len(words) < rules.min_words or not rules.ending.search(text):
        return False
    visible = [c for c in text if not c.isspace()]
    if sum(c.isalpha() for c in visible) < rules.min_letter_share * len(visible):
        return False
    if sum(w[0].islower() for w in words) < len(words) / 5:  # a title-cased heading
        return False
    return rules.chrome.search(text) is None


def statement_topics(art_topics: tuple[str, ...], s: Sentence) -> tuple[str, ...]:
    """Return the topics a statement is about: its own evidence, or the article's topics when the
    sentence names an actor and an action (a concept), or two actors."""
    if s.topics:
        return s.topics
    if s.entities and (s.concepts or len(s.entities) >= 2):
        return art_topics
    if len(art_topics) == 1 and len(s.concepts) >= 2:  # "the agreement was signed last year"
        return art_topics
    return ()


def statement_items(articles: Sequence[Article], annotations: Mapping[str, Annotations]) -> list[_Item]:
    """Return the sentences that can make claims: statements with topic content."""
    return [it for art in articles for it in _statements(art, annotations.get(art.id))]


def _statements(art: Article, ann: Annotations | None) -> list[_Item]:
    """Return one article's statement_items."""
    if not ann or not ann.on_topic:
        return []
    art_topics = tuple(sorted({t for s in ann.sentences for t in s.topics}))
    if not art_topics:
        return []
    people: dict[tuple[str, int], set[str]] = defaultdict(set)  # unlisted people, by sentence
    for u in ann.unlisted:
        if u.type == "person":
            people[u.paragraph, u.start].add(f"p:{_skeleton(u.name)}")
    starts = sorted(people)
    out = []
    for s in ann.sentences:
        topics = statement_topics(art_topics, s)
        if topics and is_statement(s.text) and not is_reporting(s, art.published):
            sig = features(s, topics) | _ordinals(s.text) | _weekdays(s)
            for key in starts:
                if key[0] == s.paragraph and s.start <= key[1] < s.end:
                    sig |= people[key]
            if not art.published:
                sig |= _month_days(s.text, art.language)
            out.append(_Item(art.id, s, sig, topics))
    return out


@lru_cache(maxsize=65536)
def _month_days(text: str, language: str) -> frozenset[str]:
    """Return the days and months an undated sentence names without a year ("18 апреля") as
    "m:MM-DD" features, and the weekdays it names ("в среду") as "w:N": what can tell two of its
    statements apart when no date is known."""
    from builder.nlp.dates import find_dates

    found = find_dates(text, language, anchor="2000-07-01")
    out = {
        f"m:{d.value[5:]}"
        for d in found
        if d.precision == "day" and not d.weekday and any(c.isdigit() for c in d.text)
    }
    out |= {f"w:{date.fromisoformat(d.value).weekday()}" for d in found if d.weekday}
    return frozenset(out)


def _weekdays(s: Sentence) -> frozenset[str]:
    """Return the weekdays of the days a dated sentence names, as "w:N" features."""
    return frozenset(
        f"w:{day.weekday()}"
        for d in s.dates
        if d.precision == "day" and d.kind == "point" and (day := _day(d.value)) is not None
    )


@lru_cache(maxsize=1 << 16)
def _facts(sig: frozenset[str]) -> tuple[frozenset[str], ...]:
    """Return what a signature states: days, numbers, concepts (actions), entities and unlisted
    people (actors)."""
    days = frozenset(f[-5:] for f in sig if f[:2] == "d:" and len(f) == 12) | frozenset(
        f[2:] for f in sig if f[:2] == "m:"
    )
    return (
        days,
        frozenset(f for f in sig if f[:2] == "n:"),
        frozenset(f for f in sig if f[:2] == "c:"),
        frozenset(f for f in sig if f[:2] == "e:"),
        frozenset(f for f in sig if f[:2] == "p:"),  # people research.yml does not list
        frozenset(f for f in sig if f[:2] == "o:"),  # ordinals: "the first round", "the second round"
        frozenset(f for f in sig if f[:2] == "w:"),  # weekdays: "в среду" is not a Thursday's date
    )


def compatible(a: frozenset[str], b: frozenset[str]) -> bool:
    """Return whether two signatures can state the same fact: where both give days, numbers,
    actions or actors, they share one of each."""
    return all(not x or not y or x & y for x, y in zip(_facts(a), _facts(b), strict=True))


def state_claims(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    config: Config,
    told: Mapping[str, Telling] | None = None,
    items: list[_Item] | None = None,
) -> tuple[Claim, ...]:
    """Return the claims: statements grouped with those of other sources that state the same fact.

    A statement that names no year is about its article's event: it joins only statements of
    tellings whose event days lie within BACKGROUND_SPAN_DAYS ("the first round was held" in
    October and "the round was held" in February are two facts); one that names a year or a
    "since" date is background and joins across events.
    """
    items = items if items is not None else statement_items(articles, annotations)
    told = told if told is not None else tellings(articles, annotations)
    days = {k: t.day for k, t in told.items()}
    clusters = cluster_claims(tuple(articles), config, items, days)
    return clusters.claims()


def _when(it: _Item, context: Mapping[str, date | None]) -> date | None:
    """Return the day a statement is about: its own day, else (naming no year) its article's event day."""
    days = [_day(d.value) for d in it.sentence.dates if d.precision == "day" and d.kind == "point"]
    if days and days[0] is not None:
        return days[0]
    if any(
        d.kind in ("since", "mention") or (d.precision != "day" and not d.relative) for d in it.sentence.dates
    ):
        return None  # background: a year, a month, "since" ("this year" is the article's own time)
    return context.get(it.source)


def _close(a: tuple[date, date] | None, b: tuple[date, date] | None) -> bool:
    """Return whether every day of one (first, last) span lies within BACKGROUND_SPAN_DAYS of every
    day of the other: two clusters' statements can be about one moment (see state_claims)."""
    return a is None or b is None or max((b[1] - a[0]).days, (a[1] - b[0]).days) <= BACKGROUND_SPAN_DAYS


def _span(a: tuple[date, date] | None, b: tuple[date, date] | None) -> tuple[date, date] | None:
    """Return the first and last of two (first, last) day spans, either of which may be None."""
    if a is None or b is None:
        return a or b
    return min(a[0], b[0]), max(a[1], b[1])


# ---------------------------------------------------------------- stories, keyed on the event


@dataclass(frozen=True)
class Telling:
    """What an article says of its event: the day it gives, where, and who acts in it."""

    source: str
    day: date | None  # the event's day stated in its lead, else its publication day
    stated: Sentence | None  # the lead sentence that states the day (None: publication date)
    actors: frozenset[str]
    lead: tuple[Sentence, ...] = ()  # its first sentences, bylines left out
    action: Sentence | None = None  # the first of them that states an action (a concept)


def _event_date(s: Sentence, published: str | None, past: bool = False) -> DateMention | None:
    """Return the date a sentence gives for its event: the finest point date it states, or the
    day something starts (not a "since" year or month, a year named as an attribute, an
    anniversary, or the date it was reported on). past: only a date up to its publication
    (what a telling reports has happened; the timeline also shows what is planned)."""
    from builder.nlp.dates import is_anniversary

    if is_anniversary(s.text):
        return None
    # a point, or the day something starts ("с 1 июля 2024 года"); never "since 2009"
    found = [d for d in s.dates if d.kind == "point" or (d.kind == "since" and d.precision == "day")]
    said = _statement_rules().reporting.search(s.text)
    if said is not None:  # "…, – сообщили в пресс-службе в пятницу": when it was reported
        found = [d for d in found if d.start - s.start < said.start()]
    if published:
        if past:
            found = [d for d in found if d.value[: len(published)] <= published]
        else:  # a year ahead is a forecast ("nicht vor 2027"); a month or a day ahead, a plan
            found = [d for d in found if d.precision != "year" or d.value <= published[:4]]
        # "this year", "this month": the time the article speaks in, not an event's date
        found = [
            d for d in found if not (d.relative and d.precision != "day" and published.startswith(d.value))
        ]
    if not found:
        return None
    rank = {"day": 0, "month": 1, "year": 2}
    best = min(rank.get(d.precision, 3) for d in found)
    finest = [d for d in found if rank.get(d.precision, 3) == best]
    if best == 2 and len({d.value for d in finest}) > 1:
        return None  # several years named: none is the event's
    return finest[0]


def is_byline(s: Sentence) -> bool:
    """Return True for a line that is mostly a date or a timestamp ("08:47, 15 May 2024 | GMT +6")."""
    rest = s.text
    for d in sorted(s.dates, key=lambda d: -d.start):
        a, b = d.start - s.start, d.end - s.start
        rest = rest[: max(0, a)] + rest[max(0, b) :]
    return len(_LETTERS.findall(rest)) < 4 and not s.concepts


def tellings(articles: Sequence[Article], annotations: Mapping[str, Annotations]) -> dict[str, Telling]:
    """Return each article's telling: the event day its lead states, and its actors."""
    out = {}
    for art in articles:
        ann = annotations.get(art.id)
        lead = [s for s in (ann.sentences if ann else ()) if not is_byline(s)][:LEAD_SENTENCES]
        day, stated = None, None
        for s in lead:
            if not s.concepts and _reports(s.text):  # "Об этом 18 апреля сообщили": when it was reported
                continue
            d = _event_date(s, art.published, past=True)
            if d is None or d.precision != "day":
                continue
            when, published = _day(d.value), _day(art.published)
            if published is not None and when is not None and (published - when).days > NEWS_LAG_DAYS:
                continue  # the lead recalls an older event ("on 24 October 2024 ... signed"): not its own
            day, stated = when, s
            break
        if day is None:
            day = _day(art.published)
        actors = frozenset(e for s in lead for e in s.entities)
        action = stated or next((s for s in lead if s.concepts and is_statement(s.text)), None)
        out[art.id] = Telling(art.id, day, stated, actors, tuple(lead), action)
    return out


def _background(claim: Claim, told: Mapping[str, Telling], at: _SentenceIndex) -> bool:
    """Return whether a claim is background: cited by tellings of events days apart, stating a
    "since" date, naming no actor (a general fact), or cited so widely it is boilerplate."""
    if claim.corroboration > COMMON_CLAIM:
        return True
    days = sorted(d for d in (told[c.source].day for c in claim.citations if c.source in told) if d)
    if days and (days[-1] - days[0]).days > BACKGROUND_SPAN_DAYS:
        return True
    sentences = [s for c in claim.citations if (s := at.get((c.source, c.paragraph, c.start))) is not None]
    if any(d.kind == "since" for s in sentences for d in s.dates):
        return True
    return not all(s.entities for s in sentences)  # a general fact: nobody acts in it


REPORT_LAG_DAYS = 3  # a telling dated only by its publication may report an event this many days old


def _gap(a: Telling, b: Telling) -> int:
    """Return the days between two tellings' events; a telling dated only by its publication
    day may tell of an event up to REPORT_LAG_DAYS before it."""
    gap = abs((a.day - b.day).days)
    for x, y in ((a, b), (b, a)):
        if x.stated is None and y.day <= x.day:
            gap = min(gap, max(0, (x.day - y.day).days - REPORT_LAG_DAYS))
    return gap


def _tells(t: Telling, c: Citation) -> bool:
    """Return whether a citation quotes the sentence a telling gives its event in."""
    return t.action is not None and (t.action.paragraph, t.action.start) == (c.paragraph, c.start)


def _lead_pairs(told: Mapping[str, Telling]) -> list[tuple[str, str]]:
    """Return the pairs of tellings whose leads state the same action by the same actors on days
    at most STORY_FAR_DAYS apart: one event, told with the same or with different dates (a
    discrepancy, see telling_conflicts)."""
    stating = sorted((t.day, sid) for sid, t in told.items() if t.action is not None and t.day is not None)
    out = []
    for k, (day_a, a) in enumerate(stating):
        for day_b, b in stating[k + 1 :]:
            if (day_b - day_a).days > STORY_FAR_DAYS + REPORT_LAG_DAYS:
                break
            if _gap(told[a], told[b]) <= STORY_FAR_DAYS and _same_action(told[a].action, told[b].action):
                out.append((a, b))
    return out


def _same_action(x: Sentence, y: Sentence) -> bool:
    """Return whether two lead sentences state one action (a shared concept) by the same actors
    (at least two entities in common, half of all they name) with no other numbers."""
    ex, ey = set(x.entities), set(y.entities)
    shared = ex & ey
    if not (set(x.concepts) & set(y.concepts)) or len(shared) < 2 or 2 * len(shared) < len(ex | ey):
        return False
    return not (x.numbers and y.numbers and not set(x.numbers) & set(y.numbers))


def _best_title(arts: list[Article], language: str) -> str:
    """Return the best headline of a story's tellings: a real headline (not a byline or a
    first sentence standing in), in the site's language where one is, the earliest."""

    def byline(a: Article) -> bool:
        title = a.title.strip()
        return (
            bool(re.search(r"\d{1,2}:\d\d|\bGMT\b|\bUTC\b|\s\|\s|^<", title))
            or len(_LETTERS.findall(title)) < 3
            or title.casefold() == (a.outlet or "").casefold()
        )

    def first_sentence(a: Article) -> bool:
        return bool(a.paragraphs) and a.paragraphs[0].text.startswith(a.title.rstrip("."))

    ranked = sorted(
        arts,
        key=lambda a: (
            byline(a),
            first_sentence(a),
            len(a.title) > 120,
            a.language != language,
            a.published or "9999",
            a.id,
        ),
    )
    return ranked[0].title


def tell_stories(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    claims: Sequence[Claim],
    config: Config,
    told: Mapping[str, Telling] | None = None,
) -> tuple[Story, ...]:
    """Group the tellings of one event, across languages.

    Two tellings are one story when they share a statement that is not background and their
    event days (stated in the text, else their publication days) lie within STORY_CLOSE_DAYS,
    or within STORY_FAR_DAYS when they share STORY_MIN_SHARED statements; a story's tellings
    stay within STORY_FAR_DAYS of each other. Tellings whose leads state one action by the same
    actors on such days are one story too (with different dates: a discrepancy). A telling with
    no day joins the one story that states what its lead states, else the one it shares the
    most statements with (at least STORY_MIN_SHARED, and no other as many). A background
    statement (see _background) links nothing.
    """
    ids = [a.id for a in articles]
    by_id = {a.id: a for a in articles}
    told = told if told is not None else tellings(articles, annotations)
    at = _SentenceIndex(dict(annotations))
    eventful_cites = [claim.citations for claim in claims if not _background(claim, told, at)]
    eventful = [{c.source for c in cites if c.source in by_id} for cites in eventful_cites]
    stories = _Stories(ids, told)
    for _, _, a, b in sorted(_story_links(ids, told, eventful)):
        stories.join(a, b)
    citing: dict[str, list[int]] = defaultdict(list)  # source -> the eventful statements it cites
    for k, srcs in enumerate(eventful):
        for src in srcs:
            citing[src].append(k)
    for u in ids:
        if told[u].day is None:
            stories.place_undated(u, [(eventful[k], eventful_cites[k]) for k in citing.get(u, ())])
    out = [_story(by_id, told, members, config.language) for members in stories.groups()]
    out.sort(key=lambda s: (s.date or "9999", s.id))
    return tuple(out)


def _story_links(
    ids: list[str], told: Mapping[str, Telling], eventful: list[set[str]]
) -> list[tuple[int, int, str, str]]:
    """Return the pairs of dated tellings that may be one story, as (days apart, -statements
    shared, a, b): sharing statements on close days, stating one action in their leads
    (_lead_pairs), or stating one day for their events in their leads with the same actors."""
    shared: Counter[tuple[str, str]] = Counter()
    for srcs in eventful:
        shared.update(combinations(sorted(srcs), 2))
    close = []
    for (a, b), n in shared.items():
        if told[a].day is None or told[b].day is None:
            continue
        gap = _gap(told[a], told[b])
        actors = len(told[a].actors & told[b].actors)
        if (
            gap <= STORY_CLOSE_DAYS
            or (gap <= STORY_FAR_DAYS and n >= STORY_MIN_SHARED)
            or (gap <= STORY_FAR_DAYS and actors >= STORY_SAME_ACTORS)
        ):
            close.append((gap, -n, a, b))
    close += [(abs((told[a].day - told[b].day).days), 0, a, b) for a, b in _lead_pairs(told)]
    # tellings that state the same day for their event in their leads, with the same actors,
    # are one story even where no statement of theirs is a claim (an off-topic event)
    same_day: dict[date, list[str]] = defaultdict(list)
    for i in ids:
        if told[i].stated is not None and told[i].day is not None:
            same_day[told[i].day].append(i)
    for group in same_day.values():
        for a, b in combinations(sorted(group), 2):
            if (a, b) not in shared and len(told[a].actors & told[b].actors) >= STORY_SAME_ACTORS - 1:
                close.append((0, 0, a, b))
    return close


class _Stories:
    """The tellings' stories as a union-find, each root with its first and last day."""

    def __init__(self, ids: list[str], told: Mapping[str, Telling]) -> None:
        self.ids, self.told = ids, told
        self.parent = {i: i for i in ids}
        self.span = {i: (told[i].day, told[i].day) for i in ids if told[i].day is not None}
        self.lead_of = {i: {(s.paragraph, s.start) for s in told[i].lead} for i in ids}

    def find(self, x: str) -> str:
        parent = self.parent
        while parent[x] != x:
            parent[x] = parent[parent[x]]
            x = parent[x]
        return x

    def join(self, a: str, b: str) -> None:
        """Join two dated tellings' stories unless their days would then lie over STORY_FAR_DAYS apart."""
        ra, rb = self.find(a), self.find(b)
        if ra == rb:
            return
        first, last = min(self.span[ra][0], self.span[rb][0]), max(self.span[ra][1], self.span[rb][1])
        if (last - first).days <= STORY_FAR_DAYS:
            self.parent[rb] = ra
            self.span[ra] = (first, last)

    def place_undated(self, u: str, cited: list[tuple[set[str], tuple[Citation, ...]]]) -> None:
        """Put a telling with no day into the one story that states what its lead states (by how
        many dated tellings; the sentence a telling gives its event in counts for two), else the
        one story it shares at least STORY_MIN_SHARED statements with. cited: the sources and
        citations of each eventful statement it cites, in claim order."""
        told, lead_of = self.told, self.lead_of
        with_root: Counter[str] = Counter()  # the statements it shares with each story
        by_lead: Counter[str] = Counter()
        for srcs, cites in cited:
            with_root.update({self.find(o) for o in srcs if o != u and told[o].day is not None})
            if any((c.paragraph, c.start) in lead_of[c.source] for c in cites if c.source == u):
                for c in cites:
                    t = told[c.source]
                    if c.source != u and t.day is not None and (c.paragraph, c.start) in lead_of[c.source]:
                        by_lead[self.find(c.source)] += 2 if _tells(t, c) else 1
        ranked = with_root.most_common()
        if len(by_lead) == 1 and max(by_lead.values()) >= STORY_MIN_SHARED:
            self.parent[u] = next(iter(by_lead))
        elif not by_lead and len(ranked) == 1 and ranked[0][1] >= STORY_MIN_SHARED:
            self.parent[u] = ranked[0][0]  # it shares statements with one story only

    def groups(self) -> list[list[str]]:
        """Return each story's tellings, in corpus order."""
        out: dict[str, list[str]] = defaultdict(list)
        for i in self.ids:
            out[self.find(i)].append(i)
        return list(out.values())


def _story(
    by_id: Mapping[str, Article], told: Mapping[str, Telling], members: list[str], language: str
) -> Story:
    """Return one story of its tellings: dated by the event day most of them state, else by the
    first publication date."""
    arts = [by_id[m] for m in members]
    stated = Counter(told[m].day.isoformat() for m in members if told[m].stated and told[m].day)
    if stated:
        top = max(stated.values())
        when = min(d for d, n in stated.items() if n == top)
    else:
        dated = sorted(a.published for a in arts if _day(a.published))
        when = dated[0] if dated else None
    story_id = "story-" + hashlib.sha1(" ".join(sorted(members)).encode()).hexdigest()[:8]
    return Story(story_id, _best_title(arts, language), tuple(members), when)


# ---------------------------------------------------------------- publication dates inferred


def infer_published(articles: Sequence[Article], stories: Sequence[Story]) -> dict[str, tuple[str, str, str]]:
    """Return {source id: (date, "day", reason)} for undated tellings whose text names the weekday
    of exactly one dated telling's publication date in their story; no other evidence is taken."""
    from builder.nlp.dates import find_dates

    by_id = {a.id: a for a in articles}
    out: dict[str, tuple[str, str, str]] = {}
    for story in stories:
        days = sorted({by_id[s].published for s in story.sources if _day(by_id[s].published)})
        for sid in story.sources:
            art = by_id[sid]
            if art.published or not days:
                continue
            named = [(d, m) for d, m in _weekdays_named(art, days, find_dates) if m.weekday]
            if len({d for d, _ in named}) != 1:
                continue
            day, m = named[0]
            out[sid] = (
                day,
                "day",
                f"'{m.text}' in {m.paragraph} names the weekday of {day}, the publication date "
                f"of another telling of the same story, and of no other",
            )
    return out


def on_inferred_date(art: Article, ann: Annotations, inferred: tuple, config: Config) -> Annotations:
    """Return an undated article's annotations with its relative dates resolved on the date
    inferred for it, (date, precision, reason); a year-less date takes no year from it."""
    from builder.annotate import redate

    day, precision, _ = inferred
    on = dataclasses.replace(art, published=day, published_precision=precision)
    return dataclasses.replace(redate(on, ann, config, own_date=False), source=art.id)


def _redated(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    inferred: Mapping[str, tuple],
    config: Config,
) -> dict[str, Annotations]:
    """Return the annotations with each undated article re-annotated on its inferred date."""
    out = dict(annotations)
    for art in articles:
        if not art.published and art.id in inferred and art.id in annotations:
            out[art.id] = on_inferred_date(art, annotations[art.id], inferred[art.id], config)
    return out


# ---------------------------------------------------------------- timeline


def chart_events(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    claims: Sequence[Claim],
    stories: Sequence[Story],
    published: Mapping[str, str | None],
    told: Mapping[str, Telling] | None = None,
) -> tuple[Event, ...]:
    """Return the dated events: for each claim, the date each citation's sentence gives for its
    event; the entry quotes the sentence of the source it cites first. A story whose tellings
    state its day and no claim dates it gets an entry quoting those sentences."""
    by_id = {a.id: a for a in articles}
    at = _SentenceIndex(dict(annotations))
    rank = {"day": 0, "month": 1, "year": 2}
    events: list[Event] = []
    for claim in claims:
        found: list[tuple[DateMention, Citation, Sentence]] = []
        for cite in claim.citations:
            s = at.get((cite.source, cite.paragraph, cite.start))
            if s is None or is_byline(s) or is_reporting(s, published.get(cite.source)):
                continue
            d = _event_date(s, published.get(cite.source))
            if d is not None:
                found.append((d, cite, s))
        groups: list[list[tuple[DateMention, Citation, Sentence]]] = []
        for d, cite, s in sorted(found, key=lambda x: (rank[x[0].precision], x[0].value, x[1].source)):
            for g in groups:
                if _contains(g[0][0].value, d.value):
                    g.append((d, cite, s))
                    break
            else:
                groups.append([(d, cite, s)])
        for g in groups:
            best, cite, s = g[0]
            cites = tuple(dict.fromkeys([cite, *(c for _, c, _ in g)]))
            events.append(Event(best.value, best.precision, s.text, claim.topics, cites, "point"))
    dated = {(e.date, c.source) for e in events for c in e.citations}
    told = told if told is not None else tellings(articles, annotations)
    for story in stories:
        if not story.date:
            continue
        cites, topics, text = [], set(), None
        for sid in story.sources:
            t = told.get(sid)
            if t is None or t.stated is None or t.day is None or t.day.isoformat() != story.date:
                continue
            if (story.date, sid) in dated or not annotations[sid].on_topic:
                continue
            ann = annotations[sid]
            topics.update(x for s in ann.sentences for x in s.topics)
            cites.append(_citation(by_id[sid], t.stated))
            text = text or t.stated.text
        if cites and topics:
            events.append(Event(story.date, "day", text, tuple(sorted(topics)), tuple(cites), "report"))
    events.sort(key=lambda e: (e.date, rank.get(e.precision, 3), e.text))
    return tuple(events)


# ---------------------------------------------------------------- discrepancies between tellings


def telling_conflicts(
    articles: Sequence[Article],
    annotations: Mapping[str, Annotations],
    stories: Sequence[Story],
    config: Config | None = None,
    told: Mapping[str, Telling] | None = None,
) -> tuple[Discrepancy, ...]:
    """Return the points where tellings of one event differ: the day they state for it, the
    number they give in statements of the same action by the same actors, and who they say led
    a side."""
    by_id = {a.id: a for a in articles}
    told = told if told is not None else tellings(articles, annotations)
    out = []
    for story in stories:
        if len(story.sources) < 2:
            continue
        days: dict[str, list[Citation]] = defaultdict(list)
        for sid in story.sources:
            t = told[sid]
            if t.stated is not None and t.day is not None:
                days[t.day.isoformat()].append(_citation(by_id[sid], t.stated))
        topics = tuple(
            sorted({x for sid in story.sources for s in annotations[sid].sentences for x in s.topics})
        )
        if len(days) >= 2:
            out.append(_conflict(story, "Date", days, topics))
        said: dict[tuple, dict[str, list[Citation]]] = defaultdict(lambda: defaultdict(list))
        for sid in story.sources:
            for s in annotations[sid].sentences:
                if len(set(s.numbers)) == 1 and s.concepts and s.entities and is_statement(s.text):
                    said[(s.concepts, s.entities)][s.numbers[0]].append(_citation(by_id[sid], s))
        for _key, values in sorted(said.items()):
            sources = {c.source for cs in values.values() for c in cs}
            if len(values) >= 2 and len(sources) >= 2:
                out.append(_conflict(story, "Number", values, topics))
        for _side, values in sorted(_leaders(story, by_id, annotations, config).items()):
            sources = {c.source for cs in values.values() for c in cs}
            if len(values) >= 2 and len(sources) >= 2:
                out.append(_conflict(story, "Participants", values, topics))
    return tuple(out)


LEAD_CONCEPT = "lead"  # research.yml concept of leading a delegation, chairing a meeting


def _leaders(
    story: Story, by_id: Mapping[str, Article], annotations: Mapping[str, Annotations], config: Config | None
) -> dict[str, dict[str, list[Citation]]]:
    """Return {side: {person: citations}}: who each telling says led one side ("home" or
    "partners", research.yml actors), from statements of leading that name one person."""
    if config is None or not config.actors:
        return {}
    country = {e.id: e.country for e in config.entities if e.country}
    persons = {e.id: e.name for e in config.entities if e.type == "person"}
    sides = {side: set(config.actors.get(side, ())) for side in ("home", "partners")}
    out: dict[str, dict[str, list[Citation]]] = defaultdict(dict)
    names: dict[tuple[str, str], str] = {}
    for sid in story.sources:
        ann = annotations[sid]
        for s in ann.sentences:
            if LEAD_CONCEPT not in s.concepts or not is_statement(s.text):
                continue
            named = {country.get(e) for e in s.entities if e not in persons}
            side = [k for k, v in sides.items() if named & v]
            people = {persons[m.entity] for m in ann.mentions if m.entity in persons and _inside(m, s)}
            people |= {u.name for u in ann.unlisted if u.type == "person" and _inside(u, s)}
            if len(side) != 1 or len(people) != 1:
                continue
            (person,) = people
            key = _skeleton(person)
            shown = names.setdefault((side[0], key), person)
            out[side[0]].setdefault(shown, []).append(_citation(by_id[sid], s))
    return out


def _inside(m, s: Sentence) -> bool:
    return m.paragraph == s.paragraph and s.start <= m.start and m.end <= s.end


def _skeleton(name: str) -> str:
    """Return a surname's consonants in Latin letters ("Сейітқали", "Seitkali" -> "stkl"): the same
    person however the name is transliterated."""
    import unicodedata

    from builder.nlp.translit import transliterate

    last = (name.split() or [""])[-1]
    latin = unicodedata.normalize("NFKD", transliterate(last)).lower()
    latin = latin.replace("q", "k").replace("kh", "h").replace("zh", "j")
    consonants = [c for c in latin if c.isascii() and c.isalpha() and c not in "aeiouyjwh"]
    return "".join(c for k, c in enumerate(consonants) if k == 0 or consonants[k - 1] != c)


def _conflict(story: Story, what: str, values: Mapping[str, list[Citation]], topics) -> Discrepancy:
    versions = tuple(
        Version(v, tuple(dict.fromkeys(values[v])))
        for v in sorted(values, key=lambda v: (-len(values[v]), v))
    )
    first = versions[0].citations[0]
    did = "d-" + hashlib.sha1(f"{story.id}/{what}/{first.source}/{first.start}".encode()).hexdigest()[:8]
    note = f"Tellings of this event give different {what.lower()}s: " + ", ".join(sorted(values)) + "."
    return Discrepancy(did, f"{what}: {story.title[:120]}", versions, note, topics, story.id)


# ---------------------------------------------------------------- names research.yml does not list


def _person_key(u) -> str:
    """Return what identifies an unlisted name across scripts and inflection: a person by the
    consonants of each of its words ("Данияр Сейткали", "Daniyar Seitkali"), others by their id."""
    if u.type != "person":
        return u.id
    return "person:" + " ".join(_skeleton(w) for w in u.name.split())


def unconfirmed_entities(
    articles: Sequence[Article], annotations: Mapping[str, Annotations], config: Config | None = None
) -> tuple[UnconfirmedEntity, ...]:
    """Return the people and organisations articles name that research.yml does not list, with
    the statements that name them (a name in page chrome, or an outlet's, is not taken)."""
    by_id = {a.id: a for a in articles}
    outlets = {x.casefold() for o in (config.outlets if config else ()) for x in (o.name, *o.aliases)}
    outlets |= {a.outlet.casefold() for a in articles if a.outlet}
    outlets |= {x.casefold() for e in (config.entities if config else ()) for x in e.all_aliases()}
    found: dict[str, list] = defaultdict(list)
    for art in articles:
        ann = annotations.get(art.id)
        if not ann:
            continue
        for u in ann.unlisted:
            if u.name.casefold().rstrip(".") not in outlets and u.text.casefold().rstrip(".") not in outlets:
                found[_person_key(u)].append((art.id, u))
    out = []
    for _key, seen in sorted(found.items()):
        cites = []
        for sid, u in seen:
            s = next(
                (
                    s
                    for s in annotations[sid].sentences
                    if s.paragraph == u.paragraph and s.start <= u.start and u.end <= s.end
                ),
                None,
            )
            if s is not None and is_statement(s.text):
                cites.append(_citation(by_id[sid], s))
        if not cites:
            continue
        cited = {c.source for c in cites}
        seen = [(sid, u) for sid, u in seen if sid in cited]
        # named after its most frequent spelling, Latin first (the site's pages are in English)
        spellings = Counter(u.name for _, u in seen)
        first = next(
            u
            for name, _ in sorted(spellings.items(), key=lambda x: (not x[0].isascii(), -x[1], x[0]))
            for _, u in seen
            if u.name == name
        )
        out.append(
            UnconfirmedEntity(
                first.id,
                first.name,
                first.type,
                tuple(sorted({u.text for _, u in seen})),
                tuple(sorted({sid for sid, _ in seen})),
                tuple(dict.fromkeys(cites)),
            )
        )
    return tuple(out)


# ---------------------------------------------------------------- the whole layer


def link_corpus(
    articles: Sequence[Article], annotations: Mapping[str, Annotations], config: Config
) -> Linked:
    """Return the evidence layer of the kept (non-duplicate) articles, in corpus order.

    Claims, then stories of them, then publication dates inferred from stories; undated
    articles are re-dated on those, their claims stated again; then role and telling
    discrepancies, the timeline and the names research.yml does not list.
    """
    kept = tuple(articles)
    annotations = {a.id: annotations[a.id] for a in kept if a.id in annotations}
    told = tellings(kept, annotations)
    statements = {a.id: _statements(a, annotations.get(a.id)) for a in kept}
    claims = state_claims(kept, annotations, config, told, [it for a in kept for it in statements[a.id]])
    stories = tell_stories(kept, annotations, claims, config, told)
    inferred = infer_published(kept, stories)
    dated = _redated(kept, annotations, inferred, config) if inferred else annotations
    if dated != annotations:  # the articles re-dated are told and state again; the others as they were
        again = [a for a in kept if dated.get(a.id) is not annotations.get(a.id)]
        told = {**told, **tellings(again, dated)}
        statements.update((a.id, _statements(a, dated.get(a.id))) for a in again)
        claims = state_claims(kept, dated, config, told, [it for a in kept for it in statements[a.id]])
    published = {a.id: a.published or inferred.get(a.id, (None,))[0] for a in kept}
    discrepancies = build_discrepancies(kept, dated, stories, config, published)
    discrepancies += telling_conflicts(kept, dated, stories, config, told)
    events = chart_events(kept, dated, claims, stories, published, told)
    return Linked(
        claims=claims,
        stories=stories,
        inferred=inferred,
        annotations=dated,
        discrepancies=discrepancies,
        events=events,
        unconfirmed=unconfirmed_entities(kept, dated, config),
    )
