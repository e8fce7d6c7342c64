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


def split(text: str) -> list[tuple[int, int]]:
    """Return (start, end) spans of the sentences of text, stripped of surrounding whitespace."""
    from razdel import sentenize

    spans = []
    for line in LINE.finditer(text):
        base = line.start()
        try:
            parts = [(base + s.start, base + s.stop) for s in sentenize(line.group())]
        except Exception:  # razdel failed on odd input: keep the line whole
            parts = [(line.start(), line.end())]
        merged: list[tuple[int, int]] = []
        for start, end in parts:
            start, end = _strip(text, start, end)
            if end <= start:
                continue
            if merged and (_ordinal_end(text, *merged[-1]) or text[start].islower()):
                merged[-1] = (merged[-1][0], end)
            else:
                merged.append((start, end))
        spans.extend(merged)
    return spans
