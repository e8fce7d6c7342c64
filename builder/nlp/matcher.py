"""Find the research definition's terms (aliases, keywords, concepts, roles) in tokenised text.

Every term is tokenised and lemmatised like the text, per language. A term token
matches a text token when their keys (lemmas and folded surface) meet; short
all-caps aliases ("ЕС", "EU", "МВД") match only the exact surface; in
agglutinative languages a text token may also extend the whole term token with
a suffix ("Интерполдың", "Францияға"), never the other way round, so "визит"
cannot match "виза".
"""

from __future__ import annotations

import threading
from dataclasses import dataclass

from builder.config import Config
from builder.nlp.lemmas import clean, fold, keys
from builder.nlp.tokens import Token, tokenize

ANY = "any"
# Languages where a text word may carry suffixes after a whole term word, and how long
# the suffix may be (None: any length).
SUFFIXING = {"kk": None, "ky": None, "uz": None, "tr": None, "tt": None, "az": None, "de": 2}
# Languages that also use the terms of another language (Kazakh news borrow Russian words).
ALSO = {"kk": ("ru",), "ky": ("ru",), "tt": ("ru",), "be": ("ru",), "uk": ("ru",)}
STEM_MIN = 4  # a term word needs this many letters to take suffixes
LAST_STEM_MIN = 3  # ... or this many when it ends a phrase of several words
# Verb endings of the dictionary form that inflected forms drop (Kazakh "кездесу" -> "кездесті",
# "кездесіп"); the stem left must be at least VERB_STEM_MIN letters long.
VERB_ENDINGS = {"kk": ("у", "ю")}
VERB_STEM_MIN = 6
CAPS_MAX = 4  # all-caps term words up to this length match case-sensitively
PREFIX_MAX = 40  # longest text word prefix looked up
FIRST_MAX = 262_144  # words whose candidate terms an index keeps (as tokens.py keeps their keys)


@dataclass(frozen=True, slots=True)
class Target:
    """What a term stands for."""

    kind: str  # "entity", "role", "topic", "concept"
    id: str


@dataclass(frozen=True, slots=True)
class TermWord:
    keys: frozenset[str]
    exact: str | None  # case-sensitive surface for short all-caps words
    stems: tuple[str, ...]  # forms a suffixed text word may start with


@dataclass(frozen=True, slots=True)
class Match:
    """A run of tokens [first, last) that is a term for target."""

    first: int
    last: int
    target: Target


def _caps(word: str) -> bool:
    letters = [c for c in word if c.isalpha()]
    return 2 <= len(letters) <= CAPS_MAX and all(c.isupper() for c in letters)


class Index:
    """All terms of one config compiled for one text language."""

    def __init__(self, config: Config, language: str):
        self.language = language
        self.suffix_max = SUFFIXING.get(language, -1)
        self.terms: dict[tuple[TermWord, ...], set[Target]] = {}
        langs = self._languages(config, language)
        for target, table in self._tables(config):
            # Names are names in any script: an entity's aliases in every language apply.
            for lang in sorted(table) if target.kind == "entity" else langs:
                for term in table.get(lang, ()):
                    words = self._compile(term, lang)
                    if words:
                        self.terms.setdefault(words, set()).add(target)
        self._first: dict[tuple[str, frozenset[str]], tuple[tuple[TermWord, ...], ...]] = {}
        self.by_key: dict[str, list[tuple[TermWord, ...]]] = {}
        self.by_stem: dict[str, list[tuple[TermWord, ...]]] = {}
        for words in self.terms:
            first = words[0]
            if first.exact is not None:
                self.by_key.setdefault("=" + first.exact, []).append(words)
                continue
            for k in first.keys:
                self.by_key.setdefault(k, []).append(words)
            for s in first.stems:
                self.by_stem.setdefault(s, []).append(words)

    @staticmethod
    def _languages(config: Config, language: str) -> tuple[str, ...]:
        known = set()
        for _target, table in Index._tables(config):
            known.update(table)
        if language not in known:
            return tuple(sorted(known))  # a language with no terms of its own: try them all
        return (language, ANY, *ALSO.get(language, ()))

    @staticmethod
    def _tables(config: Config):
        for e in config.entities:
            yield Target("entity", e.id), {**e.aliases, "en": (*e.aliases.get("en", ()), e.name)}
        for r in config.roles:
            yield Target("role", r.id), r.terms
        for t in config.topics:
            yield Target("topic", t.slug), t.keywords
        for cid, table in config.concepts.items():
            yield Target("concept", cid), table

    def _compile(self, term: str, lang: str) -> tuple[TermWord, ...]:
        """Tokenise and lemmatise a term like the text it is looked for in."""
        words = []
        toks = tokenize(term, self.language)
        for n, tok in enumerate(toks, 1):
            if _caps(tok.surface):
                words.append(TermWord(frozenset(), clean(tok.surface), ()))
                continue
            forms = tok.keys
            if lang in ALSO.get(self.language, ()):  # a borrowed language's own lemmas too
                forms = forms | keys(tok.surface, lang)
            stems = ()
            if self.suffix_max != -1:
                # the last word of a phrase carries the phrase's suffixes ("көші-қонға")
                least = LAST_STEM_MIN if n == len(toks) > 1 else STEM_MIN
                found = {k for k in forms if len(k) >= least}
                for end in VERB_ENDINGS.get(self.language, ()):
                    if tok.fold.endswith(end) and len(tok.fold) - len(end) >= VERB_STEM_MIN:
                        found.add(tok.fold[: -len(end)])
                stems = tuple(sorted(found))
            words.append(TermWord(forms, None, stems))
        return tuple(words)

    def _word(self, word: TermWord, tok: Token) -> bool:
        if word.exact is not None:
            return tok.surface == word.exact
        if word.keys & tok.keys:
            return True
        return any(self._extends(tok.fold, s) for s in word.stems)

    def _extends(self, text: str, stem: str) -> bool:
        if not text.startswith(stem):
            return False
        return self.suffix_max is None or len(text) - len(stem) <= self.suffix_max

    def _candidates(self, tok: Token) -> tuple[tuple[TermWord, ...], ...]:
        """Return the terms whose first word tok may be (a function of the word: kept per index)."""
        key = (tok.surface, tok.keys)
        found = self._first.get(key)
        if found is None:
            if len(self._first) >= FIRST_MAX:
                self._first.clear()
            found = self._first[key] = tuple(self._lookup(tok))
        return found

    def _lookup(self, tok: Token) -> set[tuple[TermWord, ...]]:
        found: set[tuple[TermWord, ...]] = set()
        for k in tok.keys:
            found.update(self.by_key.get(k, ()))
        found.update(self.by_key.get("=" + tok.surface, ()))
        if self.by_stem:
            text = tok.fold
            for n in range(STEM_MIN, min(len(text), PREFIX_MAX) + 1):
                for words in self.by_stem.get(text[:n], ()):
                    if self._extends(text, text[:n]):
                        found.add(words)
        return found

    def find(self, tokens: list[Token]) -> list[Match]:
        """Return every term occurrence, dropping those inside a longer one for the same target."""
        raw: list[Match] = []
        for i, tok in enumerate(tokens):
            for words in self._candidates(tok):
                n = len(words)
                if i + n > len(tokens):
                    continue
                if all(self._word(words[j], tokens[i + j]) for j in range(n)):
                    for target in self.terms[words]:
                        raw.append(Match(i, i + n, target))
        return _outermost(raw)


def _outermost(raw: list[Match]) -> list[Match]:
    """Return the matches not inside a longer match for the same target, in text order."""
    keep = []
    by_target: dict[Target, list[Match]] = {}
    for m in set(raw):
        by_target.setdefault(m.target, []).append(m)
    for matches in by_target.values():
        reach = -1
        for m in sorted(matches, key=lambda m: (m.first, -m.last)):
            if m.last > reach:
                keep.append(m)
                reach = m.last
    return sorted(keep, key=lambda m: (m.first, -m.last, m.target.kind, m.target.id))


class Matcher:
    """The term indexes of one config, compiled lazily per language."""

    def __init__(self, config: Config):
        self.config = config
        self._indexes: dict[str, Index] = {}
        self._lock = threading.Lock()

    def index(self, language: str) -> Index:
        language = (language or "").lower() or "und"
        idx = self._indexes.get(language)
        if idx is None:
            with self._lock:
                idx = self._indexes.get(language)
                if idx is None:
                    idx = self._indexes[language] = Index(self.config, language)
        return idx

    def find(self, tokens: list[Token], language: str) -> list[Match]:
        """Return the term matches in tokens (one sentence) for a text in language."""
        return self.index(language).find(tokens)


_matchers: dict[str, Matcher] = {}


def matcher_for(config: Config) -> Matcher:
    """Return the matcher for this config, compiled once per config digest."""
    key = config.digest or str(id(config))
    m = _matchers.get(key)
    if m is None:
        m = _matchers[key] = Matcher(config)
    return m


def match_text(text: str, language: str, config: Config) -> list[tuple[str, Target]]:
    """Return (surface, target) for every term in text; a convenience for tests and tools."""
    tokens = tokenize(text, language)
    return [
        (text[tokens[m.first].start : tokens[m.last - 1].end], m.target)
        for m in matcher_for(config).find(tokens, language)
    ]


__all__ = ["Match", "Matcher", "Target", "fold", "match_text", "matcher_for"]
