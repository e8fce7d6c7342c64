"""Split a paragraph into sentences with character offsets."""

from __future__ import annotations

import re

LINE = re.compile(r"[^\n]+")
# "am 3. März", "the 2. item": a one- or two-digit ordinal does not end a sentence,
# and neither does a full stop followed by a lower-case word.
ORDINAL_END = re.compile(r"(?<![\d.])\d{1,2}\.$")


def _ordinal_end(text: str, start: int, end: int) -> bool:
    """Tell whether text[start:end] ends in an ordinal ("3."), looking at its tail only."""
    return ORDINAL_END.search(text, max(start, end - 4), end) is not None


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


def split(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of text, stripped of surrounding whitespace.

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
                and (_ordinal_end(text, *merged[-1]) or text[start].islower())
                and end - merged[-1][0] <= MAX_SENTENCE
            ):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        spans.extend(merged)
    return spans
