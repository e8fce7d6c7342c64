"""Recognise page chrome in the lines of a pasted or extracted page.

Chrome is what a news site prints around an article: language switchers, currency
tickers, weather widgets, menus and footers, breadcrumbs, timestamps and bylines,
view counters, photo credits, and runs of short lines (menus, tag lists). It is
never article text. The words live in ``tables/chrome.yml``; this module holds the
shapes. Pure functions over lists of lines; nothing here raises on odd text.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import yaml

from builder.ingest.tables import alternation
from builder.nlp.dates import find_dates

TABLES = Path(__file__).resolve().parent.parent / "tables"
SEPARATORS = r"[\s|/•·,;:()\[\]\-–—]"
TIME = re.compile(r"(?<!\d)(?:[01]?\d|2[0-3])[:.][0-5]\d(?:[:.][0-5]\d)?(?!\d)(?:\s*[ap]\.?m\.?)?", re.I)
ZONE = re.compile(r"(?:GMT|UTC)\s*[+\-−–]\s*\d{1,2}(?::?\d{2})?", re.I)
NUMBERS = re.compile(r"[\d\s.,:%+\-−–—▲▼↑↓/()=*#№|]+")
TEMPERATURE = re.compile(r"[+\-−]?\d{1,2}\s*°\s*[CСF]?")
BREADCRUMB = re.compile(r"\s+(?:/|>|»|›|→|\\)\s+")
ARROW_CRUMB = re.compile(r"\s+(?:>|»|›|→)\s+")
PIPES = re.compile(r"\s*[|•·]\s*")
LETTER = re.compile(r"[^\W\d_]")
BULLET = re.compile(r"^[•·▪●◦►✓■*–—-]\s+")
HEX_TOKEN = re.compile(r"(?<![\w])[0-9a-f]{16,}(?![\w])")  # an image or file id: "3a0d491f4872b255e8495f1"
SENTENCE_END = '.!?…;:»"”)'


@dataclass(frozen=True)
class _Rules:
    language_line: re.Pattern
    currency: re.Pattern
    menu_line: re.Pattern
    stamp_word: re.Pattern
    relative: re.Pattern
    counter: re.Pattern
    credit: re.Pattern
    credit_label: re.Pattern
    source_line: re.Pattern
    placeholder: re.Pattern
    short_run: int
    short_words: int
    short_chars: int


@lru_cache(maxsize=1)
def _rules() -> _Rules:
    t = yaml.safe_load((TABLES / "chrome.yml").read_text("utf-8")) or {}
    i = re.IGNORECASE
    sep = r"(?:\s*[|/•·,]\s*|\s+)"
    lang = alternation(t["language_codes"])
    menu = alternation(t["menu_words"])
    units = alternation(t["time_units"])
    ago = alternation(t["ago_words"])
    return _Rules(
        language_line=re.compile(rf"(?:{lang})(?:{sep}(?:{lang}))*", i),
        currency=re.compile(
            rf"(?<!\w)(?:{alternation(t['currency_codes'])})(?!\w)|{alternation(t['currency_signs'])}"
        ),
        menu_line=re.compile(rf"(?:{menu})(?:{sep}(?:{menu}))*", i),
        stamp_word=re.compile(rf"(?<!\w)(?:{alternation(t['timestamp_words'])})(?!\w)", i),
        relative=re.compile(rf"(?:(?:{ago})\s+)?\d+\s*(?:{units})\.?(?:\s+(?:{ago}))?", i),
        counter=re.compile(rf"(?:{alternation(t['counter_words'])})\s*[:(]?\s*[\d\s.,kKмМ]*\)?", i),
        credit=re.compile(rf"(?<!\w)(?:{alternation(t['credit_words'])})(?!\w)", i),
        credit_label=re.compile(rf"(?:©\s*)?(?:{alternation(t['credit_labels'])})\s*[:.–—-]?", i),
        source_line=re.compile(rf"(?:{alternation(t['source_labels'])})\s*:\s*\S(?:\S|\s(?!\s)){{0,60}}", i),
        placeholder=re.compile(rf"(?:(?:{alternation(t['placeholders'])})\s*)+", i),
        short_run=int(t.get("short_run", 4)),
        short_words=int(t.get("short_words", 3)),
        short_chars=int(t.get("short_chars", 32)),
    )


@dataclass(frozen=True)
class Stripped:
    """Lines with the chrome blanked out, what was dropped, and a timestamp found at the top."""

    lines: tuple[str, ...]  # same length as the input; a dropped line is ""
    dropped: tuple[tuple[int, str, str], ...] = ()  # (line index, kind, the line)
    timestamp: tuple[str, str] | None = None  # (ISO date, precision) of the first top timestamp


def timestamp(line: str) -> tuple[str, str] | None | bool:
    """Return (ISO date, precision) when the line is only a timestamp with a date, True when it is
    only a time or a relative time ("20:56", "38 минут назад"), else None."""
    r = _rules()
    s = line.strip()
    if not s or len(s) > 80:
        return None
    if r.relative.fullmatch(s.rstrip(".")):
        return True
    dates = [d for d in find_dates(s, "") if not d.relative]
    rest = s
    for d in sorted(dates, key=lambda d: -d.start):
        rest = rest[: d.start] + " " + rest[d.start + len(d.text) :]
    rest = ZONE.sub(" ", rest)
    had_time = bool(TIME.search(rest))
    rest = TIME.sub(" ", rest)
    had_word = bool(r.stamp_word.search(rest))
    rest = r.stamp_word.sub(" ", rest)
    if re.sub(rf"{SEPARATORS}|[.]", "", rest):
        return None
    if dates:
        d = dates[0]
        return d.value, d.precision
    return True if had_time or had_word else None  # "20:56", or a label with its date gone: "Created on ."


def kind(line: str) -> str | None:
    """Return the kind of chrome this one line is ("language", "ticker", ...), or None.

    The shapes are tried in the order of LINE_KINDS: the first that fits names the kind.
    """
    r = _rules()
    s = BULLET.sub("", line.strip())
    if not s:
        return None
    for name, fits in LINE_KINDS:
        if fits(s, r):
            return name
    return None


def _language_line(s: str, r: _Rules) -> bool:
    """ "EN | RU | KZ": a language switcher."""
    return len(s) <= 60 and bool(r.language_line.fullmatch(s))


def _timestamp_line(s: str, r: _Rules) -> bool:
    """Only a timestamp: a date, a time, or a relative time."""
    return bool(timestamp(s))


def _ticker(s: str, r: _Rules) -> bool:
    """Numbers and currency codes with no word: a currency or stock ticker."""
    return len(s) <= 120 and not LETTER.search(r.currency.sub(" ", s))


def _weather(s: str, r: _Rules) -> bool:
    """ "Astana +12°C": a weather widget."""
    return len(s) <= 40 and bool(TEMPERATURE.search(s)) and len(s.split()) <= 4


def _menu_words(s: str, r: _Rules) -> bool:
    """Menu words only (tables/chrome.yml)."""
    return len(s) <= 200 and bool(r.menu_line.fullmatch(s.rstrip(".")))


def _placeholder(s: str, r: _Rules) -> bool:
    """A placeholder ("Loading...") or a short line with a file id in it."""
    return bool(r.placeholder.fullmatch(s) or (HEX_TOKEN.search(s) and len(s.split()) <= 3))


def _source(s: str, r: _Rules) -> bool:
    """ "Source: the ministry": a short source label, no sentence."""
    return bool(r.source_line.fullmatch(s)) and len(s.split()) <= 6 and s[-1] not in ".!?"


def _counter(s: str, r: _Rules) -> bool:
    """ "Views: 1 234": a counter with its number."""
    return bool(r.counter.fullmatch(s)) and any(c.isdigit() for c in s)


def _copyright(s: str, r: _Rules) -> bool:
    """ "© 2026 The Site": a short copyright line."""
    return s.startswith("©") and len(s.split()) <= 12


def _credit(s: str, r: _Rules) -> bool:
    """A short line with a credit word, no sentence."""
    return len(s.split()) <= 6 and bool(r.credit.search(s)) and s[-1] not in ".!?"


def _breadcrumb(s: str, r: _Rules) -> bool:
    """ "Home › Politics", "A / B / C": no sentence; two crumbs suffice after an arrow, a slash
    needs three ("A / B" may be a title)."""
    if s[-1] in SENTENCE_END:
        return False
    crumbs = BREADCRUMB.split(s)
    arrows = len(ARROW_CRUMB.split(s))
    return len(crumbs) >= 3 or (arrows == 2 and all(len(c.split()) <= 3 for c in crumbs))


def _pipe_menu(s: str, r: _Rules) -> bool:
    """ "World | Economy | Sport": three or more short items between pipes or dots, no sentence."""
    if s[-1] in SENTENCE_END:
        return False
    items = [x for x in PIPES.split(s) if x]
    return len(items) >= 3 and all(len(x.split()) <= 3 for x in items)


# The shapes of one chrome line, in the order kind tries them: the first that fits names it.
LINE_KINDS: tuple[tuple[str, Callable[[str, _Rules], bool]], ...] = (
    ("language", _language_line),
    ("timestamp", _timestamp_line),
    ("ticker", _ticker),
    ("weather", _weather),
    ("menu", _menu_words),
    ("placeholder", _placeholder),
    ("source", _source),
    ("counter", _counter),
    ("credit", _copyright),
    ("credit", _credit),
    ("breadcrumb", _breadcrumb),
    ("menu", _pipe_menu),
)


def _prose(line: str) -> bool:
    """Tell whether a line reads as a paragraph of text: several words ending a sentence."""
    s = line.strip()
    return len(s.split()) >= 5 and s[-1] in SENTENCE_END


def _short(line: str) -> bool:
    r = _rules()
    s = line.strip()
    return bool(s) and len(s) <= r.short_chars and len(s.split()) <= r.short_words and s[-1] not in ".!?…;"


def strip(
    lines: list[str] | tuple[str, ...],
    top: int = 12,
    keep: Callable[[str], bool] | None = None,
    reserve: Callable[[str], bool] | None = None,
) -> Stripped:
    """Blank out the chrome lines; the first timestamp with a date among the first `top`
    non-empty lines is kept as a publication date candidate.

    keep(line) True marks a short line the caller reads itself (an outlet or author line, a
    list header): the run-of-short-lines rule neither drops it nor lets it break a run.
    reserve(line) True marks a line no rule here drops ("Published: 5 January 2026").
    Chrome lines go first (_drop_kinds), then runs of short lines (_drop_short_runs).
    """
    out = list(lines)
    dropped: list[tuple[int, str, str]] = []
    stamp = _drop_kinds(out, dropped, top, reserve)
    _drop_short_runs(out, dropped, keep)
    return Stripped(tuple(out), tuple(sorted(dropped)), stamp)


def _drop_kinds(
    out: list[str],
    dropped: list[tuple[int, str, str]],
    top: int,
    reserve: Callable[[str], bool] | None,
) -> tuple[str, str] | None:
    """Blank each chrome line of out in place (noted in dropped); return the date of the first
    timestamp with a day among the first `top` non-empty lines, above any paragraph of text."""
    stamp: tuple[str, str] | None = None
    seen = 0
    prose = False  # a timestamp below the first paragraph of text belongs to something else
    for k, line in enumerate(out):
        if not line.strip():
            continue
        seen += 1
        if reserve is not None and reserve(line):
            continue
        what = kind(line) or _credit_label(out, k, dropped)
        if what is None:
            prose = prose or _prose(line)
            continue
        if what == "timestamp" and stamp is None and seen <= top and not prose:
            stamp = _day_stamp(line)
        dropped.append((k, what, line))
        out[k] = ""
    return stamp


def _credit_label(out: list[str], k: int, dropped: list[tuple[int, str, str]]) -> str | None:
    """Return "credit" when line k is a credit label ("Photo:") with the credit on the next
    non-empty line (a few words, no sentence), which is blanked (noted in dropped); else None."""
    if not _rules().credit_label.fullmatch(out[k].strip()):
        return None
    nxt = next((j for j in range(k + 1, len(out)) if out[j].strip()), None)
    if nxt is None or not (len(out[nxt].split()) <= 5 and out[nxt].strip()[-1] not in ".!?"):
        return None
    dropped.append((nxt, "credit", out[nxt]))
    out[nxt] = ""
    return "credit"


def _day_stamp(line: str) -> tuple[str, str] | None:
    """Return (ISO date, "day") of a timestamp line with a full date, else None."""
    found = timestamp(line)
    return found if isinstance(found, tuple) and found[1] == "day" else None


def _drop_short_runs(
    out: list[str], dropped: list[tuple[int, str, str]], keep: Callable[[str], bool] | None
) -> None:
    """Blank runs of short_run or more short lines in place (noted in dropped): chrome already
    dropped and blank lines do not break a run. A run at the top of the page, right before the
    text, may end in a short headline ("Politics / Economy / World / Visa talks"): its last
    line is left to the caller."""
    r = _rules()
    run: list[int] = []
    text_seen = False
    for k in range(len(out) + 1):
        line = out[k] if k < len(out) else ""
        if k < len(out) and (not line.strip() or (keep is not None and keep(line))):
            continue
        if k < len(out) and _short(line):
            run.append(k)
            continue
        if len(run) >= r.short_run:
            spare = run[-1] if not text_seen and k < len(out) and _prose(line) else None
            for j in run:
                if j != spare:
                    dropped.append((j, "short lines", out[j]))
                    out[j] = ""
        text_seen = text_seen or k < len(out)
        run = []
