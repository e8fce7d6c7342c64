"""Statements: the sentences that can make claims, their signatures, and the helpers the
other linking stages share (days, citations, sentence lookup).
"""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path

from builder.records import Annotations, Article, Citation, Sentence


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


def is_reporting(s: Sentence, published: str | None) -> bool:
    """Return True for a line that only says when the news was reported."""
    return bool(published) and not s.topics and not s.concepts and all(d.value == published for d in s.dates)


def citation_of(art: Article, s: Sentence, texts: dict[str, str] | None = None) -> Citation:
    """Cite a sentence; texts, where given, shares one string per distinct quote."""
    quote = s.text if texts is None else texts.setdefault(s.text, s.text)
    return Citation(art.id, s.paragraph, s.start, s.end, quote, art.language)


@dataclass
class Statement:
    source: str
    sentence: Sentence
    sig: frozenset[str]
    topics: tuple[str, ...]


def parse_day(value: str | None) -> date | None:
    if not value or len(value) != 10:
        return None
    try:
        return date.fromisoformat(value)
    except ValueError:
        return None


class SentenceIndex:
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


def contains(outer: str, inner: str) -> bool:
    return inner.startswith(outer) or outer.startswith(inner)


STATEMENTS = Path(__file__).resolve().parent.parent / "tables" / "statements.yml"


@dataclass(frozen=True)
class _StatementRules:
    min_words: int
    min_letter_share: float
    ending: re.Pattern
    chrome: re.Pattern  # any of the table's patterns
    reporting: re.Pattern
    ordinals: dict[str, str]  # word -> its number


@lru_cache(maxsize=1)
def statement_rules() -> _StatementRules:
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
    table = statement_rules().ordinals
    return frozenset(f"o:{table[w]}" for w in LETTERS.findall(text.lower()) if w in table)


def reports(text: str) -> bool:
    """Return whether a sentence says who reported the news ("Об этом сообщили", "Trend reports")."""
    return statement_rules().reporting.search(text or "") is not None


LETTERS = re.compile(r"[^\W\d_]+")


@lru_cache(maxsize=65536)
def is_statement(text: str) -> bool:
    """Return whether a sentence reads as a statement: enough words, mostly letters, ended like a
    sentence, with lowercase words (not a heading), and no page chrome (tickers, captions, widgets)."""
    rules = statement_rules()
    text = (text or "").strip()
    words = LETTERS.findall(text)
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


def statement_items(articles: Sequence[Article], annotations: Mapping[str, Annotations]) -> list[Statement]:
    """Return the sentences that can make claims: statements with topic content."""
    return [it for art in articles for it in article_statements(art, annotations.get(art.id))]


def article_statements(art: Article, ann: Annotations | None) -> list[Statement]:
    """Return one article's statement_items."""
    if not ann or not ann.on_topic:
        return []
    art_topics = tuple(sorted({t for s in ann.sentences for t in s.topics}))
    if not art_topics:
        return []
    people: dict[tuple[str, int], set[str]] = defaultdict(set)  # unlisted people, by sentence
    for u in ann.unlisted:
        if u.type == "person":
            people[u.paragraph, u.start].add(f"p:{skeleton(u.name)}")
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
            out.append(Statement(art.id, s, sig, topics))
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
        if d.precision == "day" and d.kind == "point" and (day := parse_day(d.value)) is not None
    )


@lru_cache(maxsize=1 << 16)
def fact_sets(sig: frozenset[str]) -> tuple[frozenset[str], ...]:
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
    return all(not x or not y or x & y for x, y in zip(fact_sets(a), fact_sets(b), strict=True))


def skeleton(name: str) -> str:
    """Return a surname's consonants in Latin letters ("Сейітқали", "Seitkali" -> "stkl"): the same
    person however the name is transliterated."""
    import unicodedata

    from builder.nlp.translit import transliterate

    last = (name.split() or [""])[-1]
    latin = unicodedata.normalize("NFKD", transliterate(last)).lower()
    latin = latin.replace("q", "k").replace("kh", "h").replace("zh", "j")
    consonants = [c for c in latin if c.isascii() and c.isalpha() and c not in "aeiouyjwh"]
    return "".join(c for k, c in enumerate(consonants) if k == 0 or consonants[k - 1] != c)
