"""Find numbers in text and normalise them ("1 000" -> "1000", "4,9" -> "4.9", "862 млрд" -> "862000000000")."""

from __future__ import annotations

import re
from bisect import bisect_right
from decimal import Decimal, InvalidOperation
from functools import lru_cache
from pathlib import Path

import yaml

from builder.config import read_yaml

TABLE = Path(__file__).resolve().parent.parent / "tables" / "nlp_numbers.yml"
SPACES = " \u00a0\u202f\u2009"
NUMBER = re.compile(
    rf"(?<![\w:.,/-])(?:\d{{1,3}}(?:[{SPACES}]\d{{3}})+(?:[.,]\d+)?|\d+(?:[.,]\d+)*)(?![\w/]|[:.,/-]\d)"
)
WORD = re.compile(r"[^\W\d_]+\.?")
# Digits that are not quantities: web and mail addresses, phone numbers ("+7 (727) 250-20-25").
NOT_QUANTITIES = re.compile(
    r"(?:https?://|www\.)\S+|(?<!\S)[^\s@]+@[^\s@]+\.\w+"
    r"|(?:(?:\+\d{1,3}|(?<!\d)8)[\s\u00a0]*)?\(\d{2,5}\)[\s\u00a0]*\d[\d\s\u00a0-]{4,}\d"
    r"|\+\d{1,3}[\s\u00a0-]*\d[\d\s\u00a0()-]{6,}\d"
)
COMMA_DECIMAL = frozenset({"ru", "kk", "de", "fr", "uk", "es", "it", "pt", "nl", "pl", "tr", "ky", "uz"})


@lru_cache(maxsize=1)
def _tables() -> tuple[tuple[tuple[str, int], ...], tuple[str, ...], tuple[str, ...]]:
    try:
        raw = read_yaml(TABLE.read_text("utf-8")) or {}
    except (OSError, yaml.YAMLError):
        raw = {}
    mult = tuple(
        sorted(
            ((str(w).lower(), int(k)) for k, words in (raw.get("multipliers") or {}).items() for w in words),
            key=lambda p: -len(p[0]),
        )
    )
    months = tuple(str(m).lower() for m in raw.get("months") or ())
    years = tuple(str(y).lower() for y in raw.get("year_words") or ())
    return mult, months, years


def _like(word: str, entries: tuple[str, ...]) -> bool:
    word = word.lower().rstrip(".")
    return any(word == e or (len(e) >= 4 and word.startswith(e) and len(word) <= len(e) + 3) for e in entries)


def _value(raw: str, language: str) -> Decimal | None:
    """Return the number a digit string stands for, or None when it is not a plain number."""
    s = raw
    for sp in SPACES:
        s = s.replace(sp, "")
    seps = [c for c in s if c in ".,"]
    groups = re.split(r"[.,]", s)
    if len(set(seps)) == 2:
        dec = seps[-1]
        if seps.count(dec) != 1 or not s.endswith(groups[-1]) or any(len(g) != 3 for g in groups[1:-1]):
            return None
        s = s.replace("," if dec == "." else ".", "").replace(",", ".")
    elif len(seps) > 1:
        if len(groups[0]) > 3 or any(len(g) != 3 for g in groups[1:]):
            return None  # "22.01.2026", "1.2.3": dates and versions, not numbers
        s = "".join(groups)
    elif len(seps) == 1:
        sep = seps[0]
        thousands = len(groups[1]) == 3 and len(groups[0]) <= 3 and groups[0] != "0"
        thousands = thousands and (
            (sep == "," and language not in COMMA_DECIMAL) or (sep == "." and language in COMMA_DECIMAL)
        )
        s = "".join(groups) if thousands else groups[0] + "." + groups[1]
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _format(value: Decimal) -> str:
    if value == value.to_integral_value():
        return format(value.to_integral_value(), "f")  # int() refuses over 4300 digits
    return format(value.normalize(), "f")


def _merge(spans: list[tuple[int, int]]) -> tuple[list[int], list[int]]:
    """Return the starts and ends of the union of spans, as disjoint sorted intervals."""
    starts: list[int] = []
    ends: list[int] = []
    for s, e in sorted(spans):
        if ends and s <= ends[-1]:
            ends[-1] = max(ends[-1], e)
        else:
            starts.append(s)
            ends.append(e)
    return starts, ends


def find_numbers(
    text: str, language: str, skip: tuple[tuple[int, int], ...] = ()
) -> list[tuple[int, int, str]]:
    """Return (start, end, normalised value) for numbers in text that are not dates or years."""
    mult, months, years = _tables()
    starts, ends = _merge([*skip, *(m.span() for m in NOT_QUANTITIES.finditer(text))])
    out = []
    for m in NUMBER.finditer(text):
        start, end = m.span()
        i = bisect_right(starts, end - 1) - 1
        if i >= 0 and ends[i] > start:
            continue  # inside a date, a phone number or an address
        gap = re.compile(rf"\.?[{SPACES}]{{1,3}}").match(text, end)
        after = WORD.match(text, gap.end()) if gap else None
        before = None
        for w in WORD.finditer(text, max(0, start - 20), start):
            before = w
        next_word = after.group() if after else ""
        prev_word = before.group() if before and text[before.end() : start].strip(SPACES + ",") == "" else ""
        if _like(next_word, months) or _like(prev_word, months) or _like(next_word, years):
            continue
        value = _value(m.group(), language)
        if value is None:
            continue
        digits = m.group()
        if re.fullmatch(r"\d{4}", digits) and 1000 <= value <= 2199:
            continue  # a year
        for word, factor in mult:
            if next_word.lower().startswith(word):
                value *= factor
                end = after.end()
                break
        out.append((start, end, _format(value)))
    return out
