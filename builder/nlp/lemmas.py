"""Lemmatise words per language: pymorphy3 for Cyrillic, simplemma for the rest.

simplemma reads its dictionaries from MARISA tries (its TrieDictionaryFactory), built once per
machine and simplemma version in the user's cache folder (``~/.cache/simplemma``): a process
then opens one in milliseconds, where decoding the shipped file takes 2 s for German, in every
worker of a build and in a rebuild that patches one German article. The tries hold the same
entries, so the lemmas are the same. Where that folder cannot be written and holds no tries,
the shipped dictionaries are decoded as before.

A word's *keys* are the set of forms it can be matched by: its lemma (or, for
words the dictionary does not know, every lemma the analyser guesses) and its
own folded surface. A term token matches a text token when their keys meet.
"""

from __future__ import annotations

import contextlib
import os
import re
import threading
import unicodedata
from functools import lru_cache
from pathlib import Path

# Characters that may sit inside a word without being part of it.
INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
STRESS = re.compile("[\u0300\u0301]")
CYRILLIC = re.compile("[\u0400-\u04ff]")
LATIN = re.compile("[A-Za-z\u00c0-\u024f]")

# Languages whose Cyrillic words pymorphy3 analyses in full (guesses included).
PYMORPHY_FULL = frozenset({"ru"})
WORD_MAX = 60  # longer "words" (garbage, URLs without spaces) are not analysed
# Share of the best parse's score a parse of a known word needs to count.
KNOWN_SCORE_SHARE = 0.3

_lock = threading.Lock()
_morph = None
_simplemma_bad: set[str] = set()


def clean(word: str) -> str:
    """Return the word without soft hyphens, zero-width marks and stress accents."""
    word = unicodedata.normalize("NFC", INVISIBLE.sub("", word))
    return STRESS.sub("", word)


def fold(word: str) -> str:
    """Return the cleaned, lowercased word with ё folded to е."""
    return clean(word).lower().replace("ё", "е")


def _analyser():
    global _morph
    if _morph is None:
        with _lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


def _pymorphy(word: str, guesses: bool) -> set[str]:
    parses = _analyser().parse(word)
    if not parses:
        return set()
    known = [p for p in parses if p.is_known]
    if known:
        best = known[0].score or 1.0
        return {p.normal_form for p in known if p.score >= best * KNOWN_SCORE_SHARE} | {known[0].normal_form}
    if guesses:
        return {p.normal_form for p in parses}
    return set()


def tries(cache_dir: str | None = None):
    """Return simplemma's TrieDictionaryFactory (its user cache folder unless cache_dir), writing
    each trie under a name of this process's and then renaming it, so that two workers building
    one at once never open a half-written file."""
    from simplemma.strategies.dictionaries import TrieDictionaryFactory

    class Tries(TrieDictionaryFactory):
        def _write_trie_to_disk(self, lang: str, trie) -> None:
            target = Path(self._cache_dir) / f"{lang}.dic"
            target.parent.mkdir(parents=True, exist_ok=True)
            part = target.with_name(f"{target.name}.{os.getpid()}.part")
            try:
                trie.save(str(part))
                os.replace(part, target)
            finally:
                part.unlink(missing_ok=True)

    return Tries(disk_cache_dir=cache_dir)


def _factory():
    """Return tries() where its folder holds tries or can, else None: without a folder to keep them
    in, each process would build its tries again, slower than decoding the shipped dictionaries."""
    factory = tries()
    folder = Path(factory._cache_dir)
    with contextlib.suppress(OSError):
        folder.mkdir(parents=True, exist_ok=True)
    if os.access(folder, os.W_OK) or any(folder.glob("*.dic")):
        return factory
    return None


@lru_cache(maxsize=1)
def _lemmatizer():
    import simplemma
    from simplemma.strategies import DefaultStrategy

    factory = _factory()
    if factory is None:
        return simplemma.Lemmatizer()
    return simplemma.Lemmatizer(lemmatization_strategy=DefaultStrategy(dictionary_factory=factory))


def _simplemma(word: str, language: str) -> set[str]:
    if language in _simplemma_bad:
        return set()
    try:
        return {_lemmatizer().lemmatize(word, lang=language)}
    except ValueError as exc:  # "Unsupported language: kk": remember, fall back to the surface
        if "language" in str(exc).lower():
            _simplemma_bad.add(language)
        return set()


@lru_cache(maxsize=262_144)
def keys(word: str, language: str) -> frozenset[str]:
    """Return the folded forms (lemmas and surface) the word can be matched by."""
    surface = fold(word)
    if not surface:
        return frozenset()
    if len(surface) > WORD_MAX:
        return frozenset({surface})
    try:
        if CYRILLIC.search(surface):
            if language in PYMORPHY_FULL or language not in ("kk", "uk", "be", "bg", "sr", "mk", "ky", "tt"):
                found = _pymorphy(surface, guesses=True)
            elif language in ("uk", "bg"):
                found = _simplemma(clean(word), language) or _pymorphy(surface, guesses=False)
            else:  # Kazakh and other Cyrillic languages: only words the Russian dictionary knows
                found = _pymorphy(surface, guesses=False)
        elif LATIN.search(surface):
            lang = language if language not in ("ru", "kk", "uk", "be", "ky", "tt") else "en"
            found = _simplemma(clean(word), lang)
        else:
            found = set()
    except Exception:  # a lemmatiser failure never stops annotation
        found = set()
    return frozenset({fold(f) for f in found if f} | {surface})


def versions() -> str:
    """Return the versions of the lemmatisers, part of the annotate cache key."""
    from importlib.metadata import PackageNotFoundError, version

    out = []
    for name in ("pymorphy3", "pymorphy3-dicts-ru", "simplemma", "razdel"):
        try:
            out.append(f"{name}={version(name)}")
        except PackageNotFoundError:
            out.append(f"{name}=?")
    return " ".join(out)


def lemma(word: str, language: str) -> str:
    """Return one lemma for the word (the first guess), lowercased."""
    ks = sorted(keys(word, language) - {fold(word)})
    return ks[0] if ks else fold(word)
