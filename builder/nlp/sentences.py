"""Split a paragraph into sentences with character offsets.

razdel cuts the text (it knows Russian abbreviations and initials, and handles
quotes and dashes); a cut it makes after an abbreviation from
``tables/abbreviations.yml`` in the paragraph's language ("Dec. 2", "дек. 2025",
"Gen. Sec.", "z. B.", "M. Dupont"), after an ordinal ("am 2. Dezember") or before a
lower-case word is undone. razdel is linear in the text (pysbd, tried first, took
0.24 s on 3,000 characters of "1. 1. 1." and kept whole quoted passages as one sentence).
"""

from __future__ import annotations

import re
from functools import lru_cache
from pathlib import Path

import yaml

TABLES = Path(__file__).resolve().parent.parent / "tables"
LINE = re.compile(r"[^\n]+")
# "am 3. März", "the 2. item": a one- or two-digit ordinal does not end a sentence,
# and neither does a full stop followed by a lower-case word.
ORDINAL_END = re.compile(r"(?<![\d.])\d{1,2}\.$")
# "ASTANA. The minister...": a city in capitals opening a paragraph is a dateline, not a sentence
CITY_OPENING = re.compile(r"[A-ZА-ЯЁӘҒҚҢӨҰҮҺІ][A-ZА-ЯЁӘҒҚҢӨҰҮҺІ'’ -]{1,30}\.")
LAST_WORD = re.compile(r"(?<![^\s(«\"“'])([^\s(«\"“']{1,12})\.$")


@lru_cache(maxsize=1)
def _table() -> dict[str, dict[str, frozenset[str]]]:
    raw = yaml.safe_load((TABLES / "abbreviations.yml").read_text("utf-8")) or {}
    out: dict[str, dict[str, frozenset[str]]] = {}
    for kind in ("never_end", "before_number"):
        per = {
            lang: frozenset(str(w).lower() for w in words) for lang, words in (raw.get(kind) or {}).items()
        }
        # With no language known, every list applies except one-letter words ("B", "a").
        per[""] = frozenset(w for words in per.values() for w in words if len(w) > 1)
        out[kind] = per
    return out


def _ordinal_end(text: str, start: int, end: int) -> bool:
    """Tell whether text[start:end] ends in an ordinal ("3."), looking at its tail only."""
    return ORDINAL_END.search(text, max(start, end - 4), end) is not None


def _abbreviation_end(text: str, start: int, end: int, nxt: int, language: str) -> bool:
    """Tell whether text[start:end] ends in an abbreviation that does not end a sentence here."""
    m = LAST_WORD.search(text, max(start, end - 14), end)
    if not m:
        return False
    word = m.group(1).lower()
    table = _table()
    lang = language if language in table["never_end"] else ""
    if word in table["never_end"][lang]:
        return True
    return word in table["before_number"].get(lang, frozenset()) and text[nxt : nxt + 1].isdigit()


def _strip(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start].isspace():
        start += 1
    while end > start and text[end - 1].isspace():
        end -= 1
    return start, end


# razdel builds each sentence by adding to a string, so its time grows with the square of the
# longest run without a boundary (400,000 dots took 15 s): it reads a long line CHUNK characters at
# a time, and a run with no boundary is cut after MAX_SENTENCE characters.
CHUNK = 4000
MARGIN = 400  # a boundary this close to a chunk's end may depend on what follows: read it again
MAX_SENTENCE = 4000  # longest sentence: past it, a run without a boundary is cut at a space
SPACE = re.compile(r"\s")


def _razdel(line: str) -> list[tuple[int, int]]:
    from razdel import sentenize

    try:
        return [(s.start, s.stop) for s in sentenize(line)]
    except Exception:  # razdel failed on odd input: keep the line whole
        return [(0, len(line))]


def _pieces(line: str) -> list[tuple[int, int]]:
    """Return razdel's sentences of one line, read at most CHUNK characters at a time: each
    chunk's sentences are kept up to the last boundary at least MARGIN before its end, and the
    next chunk starts at that boundary, so razdel sees what it would see reading the whole line."""
    out: list[tuple[int, int]] = []
    pos = 0
    while len(line) - pos > CHUNK:
        spans = _razdel(line[pos : pos + CHUNK])
        starts = [s for s, _ in spans[1:] if s <= CHUNK - MARGIN]
        if starts:
            cut = starts[-1]
            out.extend((pos + s, pos + e) for s, e in spans if s < cut)
        else:  # no boundary: cut after the last space within MAX_SENTENCE, or at it
            limit = min(MAX_SENTENCE, CHUNK - MARGIN)
            spaces = [m.end() for m in SPACE.finditer(line, pos + limit // 2, pos + limit)]
            cut = spaces[-1] - pos if spaces else limit
            out.append((pos, pos + cut))
        pos += cut
    out.extend((pos + s, pos + e) for s, e in _razdel(line[pos:]))
    return out


def split(text: str, language: str = "") -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of text, stripped of surrounding whitespace.

    language (ISO 639-1, may be empty) picks the abbreviation lists; with none, all apply.
    Time and memory are linear in the length of text: razdel reads bounded chunks (see _pieces)
    and no sentence grows past MAX_SENTENCE characters."""
    spans = []
    for line in LINE.finditer(text):
        base = line.start()
        parts = [(base + s, base + e) for s, e in _pieces(line.group())]
        merged: list[tuple[int, int]] = []
        for start, end in parts:
            start, end = _strip(text, start, end)
            if end <= start:
                continue
            if (
                merged
                and end - merged[-1][0] <= MAX_SENTENCE
                and (
                    (
                        len(merged) == 1
                        and merged[0][0] == line.start()
                        and CITY_OPENING.fullmatch(text, *merged[0])
                    )
                    or _ordinal_end(text, *merged[-1])
                    or text[start].islower()
                    or _abbreviation_end(text, *merged[-1], start, language)
                )
            ):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        spans.extend(merged)
    return spans
