"""Near-duplicate articles: MinHash signatures of word shingles, candidates by LSH bands."""

from __future__ import annotations

import hashlib
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache

from builder.records import Article, Fingerprint

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
