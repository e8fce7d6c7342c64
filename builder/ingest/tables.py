"""The rule tables of ingest (tables/boilerplate.yml, bylines.yml, languages.yml), compiled once."""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from builder.config import read_yaml

# letter classes of the name patterns (Latin, Cyrillic with Kazakh and Ukrainian letters, Latin-1)
UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІЇЄҐÀ-ÖØ-Þ"
LOWER = "a-zа-яёәғқңөұүһіїєґß-öø-ÿ"
TABLES = Path(__file__).resolve().parent.parent / "tables"


def alternation(words) -> str:
    """Return a regex alternation of literal words, longest first, spaces as \\s+."""
    uniq = sorted({str(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)


def read_table(name: str) -> dict:
    return read_yaml((TABLES / name).read_text("utf-8")) or {}


@dataclass(frozen=True)
class TableRules:
    """The compiled patterns and word sets of tables/boilerplate.yml, bylines.yml and languages.yml."""

    share: re.Pattern
    promo: re.Pattern
    list_header: re.Pattern
    list_inline: re.Pattern
    tail_header: re.Pattern
    caption: re.Pattern
    caption_in: re.Pattern
    category: re.Pattern
    outlet_label: re.Pattern
    bullet: re.Pattern
    author_line: re.Pattern
    author_label: re.Pattern
    byline_word: re.Pattern
    cue: re.Pattern
    citing: re.Pattern
    published_label: re.Pattern
    not_outlets: frozenset[str]
    patterns: tuple[str, ...]
    kazakh: frozenset[str]
    ukrainian: frozenset[str]
    stopwords: dict[str, frozenset[str]]


@lru_cache(maxsize=1)
def table_rules() -> TableRules:
    bp, bl, lg = read_table("boilerplate.yml"), read_table("bylines.yml"), read_table("languages.yml")
    i = re.IGNORECASE
    share = alternation(bp["share_words"])
    return TableRules(
        share=re.compile(rf"(?:(?:{share})(?:[\s|•·/,]+|$))+", i),
        promo=re.compile(rf"(?:{alternation(bp['promo_starts'])})\b.{{0,200}}", i),
        list_header=re.compile(rf"(?:{alternation(bp['list_headers'])})\s*[:.]?", i),
        list_inline=re.compile(rf"(?:{alternation(bp['list_headers'])})\s*:\s*\S.{{0,250}}", i),
        tail_header=re.compile(rf"(?:{alternation(bp['tail_headers'])})\s*[:.]?\s*(?:\(\d+\))?", i),
        caption=re.compile(rf"(?:{alternation(bp['caption_starts'])})\s*[:–—-]\s*.{{0,200}}", i),
        caption_in=re.compile(
            rf".{{0,250}}\b(?:{alternation(bp['caption_words'])})\s*[:–—-]\s*\S.{{0,100}}", i
        ),
        category=re.compile(rf"(?:{alternation(bp['category_labels'])})", i),
        outlet_label=re.compile(rf"(?:{alternation(bp['outlet_label_words'])})\s+(?P<name>\S.{{0,60}})", i),
        bullet=re.compile(rf"^\s*(?:{'|'.join(re.escape(b) for b in bp['bullets'])})\s+"),
        author_line=re.compile(rf"(?:{alternation(bl['author_prefixes'])})\s*:\s*(?P<name>\S.{{0,100}})", i),
        author_label=re.compile(rf"(?:{alternation(bl['author_prefixes'])})\s*:?", i),
        byline_word=re.compile(rf"(?<!\w)(?:{alternation(bl['byline_words'])})(?!\w)", i),
        cue=re.compile(rf"(?<!\w)(?:{alternation(bl['published_cues'])})(?!\w)", i),
        citing=re.compile(rf"(?<!\w)(?:{alternation(bl['citing_cues'])})(?!\w)|{bl['citing_as']}", i),
        published_label=re.compile(rf"(?:{alternation(bl['published_labels'])})\s*[:\-–—]?\s*", i),
        not_outlets=frozenset(str(w).lower() for w in bl["not_outlets"]),
        patterns=tuple(bl["outlet_patterns"]),
        kazakh=frozenset(lg["kazakh_letters"]),
        ukrainian=frozenset(lg["ukrainian_letters"]),
        stopwords={k: frozenset(v) for k, v in lg["stopwords"].items()},
    )
