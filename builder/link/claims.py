"""Claims: statements of different sources grouped when they state the same fact.

Nothing compares all pairs in Python: signatures are scored by sparse matrix products, a block
of rows at a time.
"""

from __future__ import annotations

import hashlib
import logging
import math
from collections import defaultdict
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from datetime import date
from fractions import Fraction

from builder.config import Config
from builder.link.statements import Statement, citation_of, compatible, fact_sets, parse_day
from builder.records import Article, Claim, Sentence

log = logging.getLogger(__name__)

SAME_THRESHOLD = 0.5  # weighted Jaccard of two signatures that state the same thing
LINK_THRESHOLD = 0.3  # least similarity to every representative of the claim joined
COVER_THRESHOLD = 0.65  # share of a claim's signature a compound sentence must cover
MIN_SHARED_WEIGHT = 2.0  # shared non-topic features must carry this much information
INFORMATIVE = 2.0  # weight of a feature found in fewer than ~15% of sentences
COVER_INFORMATIVE = 2  # informative features a compound sentence must share with a claim
REPRESENTATIVES = 5  # members of a claim a newcomer is compared with
BACKGROUND_SPAN_DAYS = 7  # a statement told of events further apart than this is background
COMMON_CLAIM = 50  # a statement cited by more sources than this is boilerplate-like


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


def _claim_id(source: str, s: Sentence) -> str:
    return "c-" + hashlib.sha1(f"{source}/{s.paragraph}/{s.start}".encode()).hexdigest()[:10]


def cluster_claims(
    articles: tuple[Article, ...],
    config: Config,
    items: list[Statement],
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


def _nodes(items: list[Statement], when: list[date | None]) -> tuple[list[list[int]], list[int]]:
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
        self,
        items: list[Statement],
        nodes: list[list[int]],
        when: list[date | None],
        weights: dict[str, float],
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
    BACKGROUND_SPAN_DAYS, every pair of their statements' facts compatible (fact_sets: the distinct
    non-empty sets of each kind) and their representatives alike (LINK_THRESHOLD)."""
    cluster = list(range(len(g.nodes)))
    members: dict[int, list[int]] = {n: [n] for n in range(len(g.nodes))}
    sources: dict[int, set[str]] = {n: set(g.sources[n]) for n in range(len(g.nodes))}
    facts: dict[int, tuple[set[frozenset[str]], ...]] = {}
    days: dict[int, tuple[date, date] | None] = {}
    for n in range(len(g.nodes)):
        facts[n] = tuple({f} if f else set() for f in fact_sets(g.sig[n]))
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
    items: list[Statement]
    groups: dict[int, list[int]]
    members: dict[int, list[int]]
    nodes: list[list[int]]

    def sources(self) -> list[set[str]]:
        """Return the sources of each claim, in no particular order."""
        return [{self.items[i].source for i in group} for group in self.groups.values() if group]

    def _id_of(self, group: list[int], members: list[int], rank) -> str:
        """Return a claim's id: from its own first sentence, never from a compound sentence that
        joined it (that one may join several claims); from all of them when only those are left."""
        items, kept = self.items, set(group)
        own = min((i for n in members for i in self.nodes[n] if i in kept), key=rank, default=None)
        if own is not None:
            return _claim_id(items[own].source, items[own].sentence)
        named = "|".join(
            f"{items[i].source}/{items[i].sentence.paragraph}/{items[i].sentence.start}" for i in group
        )
        return "c-" + hashlib.sha1(named.encode()).hexdigest()[:10]

    def claims(self) -> tuple[Claim, ...]:
        items, groups, members, config = self.items, self.groups, self.members, self.config
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
            cid = self._id_of(group, members[c], rank)
            sentences = [items[i].sentence for i in group]
            cites = tuple(
                citation_of(by_id[items[i].source], s, texts) for i, s in zip(group, sentences, strict=True)
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


def _when(it: Statement, context: Mapping[str, date | None]) -> date | None:
    """Return the day a statement is about: its own day, else (naming no year) its article's event day."""
    days = [parse_day(d.value) for d in it.sentence.dates if d.precision == "day" and d.kind == "point"]
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
