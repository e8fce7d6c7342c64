"""Find dates in text: absolute, "since" and relative ones, with character spans.

Pure and fast: regular expressions built once from ``tables/months.yml``; no
dateparser. ``find_dates`` never raises and returns [] when it finds nothing.

Surfaces: an absolute date's surface is the date itself with its year word
("18 апреля 2025 года", "2009 жылы") but without a point preposition ("in",
"в", "im"); a "since" date includes its preposition ("с 2009 года", "since
2009"); a relative date is the whole phrase ("в прошлом году", "on Friday",
"in December").

Reading order: _find calls one step a family of date expression (numeric dates, a day and
month in words with a year, a month and year, a day and month without a year, a month after
a preposition, "since" years, years, relative phrases); an earlier step claims its characters
first. A new kind of absolute date is a named pattern in _absolute_patterns, its name in the
NEED_DIGIT / NEED_MONTH / DIGIT_FIRST / MONTH_FIRST tables where it belongs, and its name in
the step that reads its family (or a new step in _find); its words go in tables/months.yml.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterator
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

from builder.config import read_yaml
from builder.records import DateMention

TABLE = Path(__file__).resolve().parent.parent / "tables" / "months.yml"
YEAR_MIN, YEAR_MAX = 1900, 2100
# Which absolute patterns (below) cannot match a text without a digit, or without a month word:
# a quick test of the whole text skips them (most paragraphs have no date at all).
NEED_DIGIT = frozenset(
    {
        "iso",
        "num",
        "kk_ymd",
        "dmy",
        "mdy",
        "kk_ym",
        "my",
        "dm",
        "md",
        "since",
        "since_kk",
        "yw",
        "prep_y",
        "the_y",
    }
)
NEED_MONTH = frozenset({"kk_ymd", "dmy", "mdy", "kk_ym", "my", "dm", "md", "m"})
# Which of them start with a month word: they are tried only where one starts (see _from).
MONTH_FIRST = frozenset({"mdy", "my", "md"})
# Which start with a day or a year, which no digit comes before: tried only where a run of digits starts.
DIGIT_FIRST = frozenset({"iso", "num", "kk_ymd", "dmy", "kk_ym", "dm", "since_kk", "yw"})
_DIGITS = re.compile(r"\d+")
# What the text needs (lowercased) before a span other than a phone number or a time can be
# blanked out (see _mask): most paragraphs hold none of these.
MASK_NEEDS = ("://", "www.", "@", "№", "#", "no.", "nr.", "=")
MASK = "\x01"
W = r"[^\W\d_]"  # a letter


def _alt(words) -> str:
    """Return a regex alternation of words, longest first, spaces as \\s+."""
    uniq = sorted({str(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+").replace(" ", r"\s+") for w in uniq)


@dataclass(frozen=True)
class _Tables:
    month_of: dict[str, int]
    stems: tuple[tuple[str, int], ...]
    ambiguous: frozenset[str]
    patterns: tuple[tuple[str, re.Pattern], ...]  # the absolute patterns by name, in the order tried
    pattern_of: dict[str, re.Pattern]  # the same by name
    relative: dict[str, tuple[tuple[str, re.Pattern], ...]]
    rel_values: dict[str, dict[str, int]]  # language -> lowercased phrase -> offset
    weekday_of: dict[str, dict[str, int]]
    month_year_after: dict[str, dict[str, int]]
    currencies: re.Pattern
    masks: re.Pattern
    masks_from_digits: re.Pattern  # the phone numbers and times of masks, the spans that need no MASK_NEEDS
    since_before: re.Pattern
    since_words: frozenset[str]  # "since" prepositions: "с апреля" is a "since" month
    month_word: re.Pattern  # any month word (see NEED_MONTH), only tried where its first letter is
    one_word_months: bool  # no month word holds a space or a sign: its matches never overlap
    point_year_words: frozenset[str]  # year words that place an event in the year
    year_prep_before: re.Pattern  # a year preposition right before a year
    anniversary: re.Pattern  # words that make a sentence's dates an anniversary or a duration


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower().replace("’", "'"))


@dataclass(frozen=True)
class _Pieces:
    """The regex pieces the absolute patterns are built from (see _absolute_patterns)."""

    month: str  # M: a month word, as the group "mon"
    month2: str  # the same as the group "mon2" (in the pattern "m" only)
    day: str  # D: a day number, no digit, point or comma before it
    year: str  # Y: a year from 1900 to 2100, not part of a longer number, a date or an id
    year_word: str  # YW: a year word after a year ("года", "жылы", "year")
    ordinal: str  # an ordinal ending after a day ("5th", "1er", "5-го")
    year_after: str  # an optional "next year"-like phrase after a month ("в мае следующего года")


def _month_words(raw: dict) -> tuple[dict[str, int], tuple[tuple[str, int], ...], str]:
    """Return the table's month words (word -> number), its Kazakh stems and a regex for either."""
    month_of: dict[str, int] = {}
    for num, forms in raw["months"].items():
        for f in forms:
            month_of[str(f).lower()] = int(num)
    stems = tuple((str(s).lower(), int(n)) for n, ss in raw["month_stems"].items() for s in ss)
    month_re = "(?:" + _alt(month_of) + "|" + "|".join(re.escape(s) + W + "*" for s, _ in stems) + ")"
    return month_of, stems, month_re


def _month_year_after(rel: dict) -> dict[str, dict[str, int]]:
    """Return language -> "next year"-like phrase (normalised) -> year offset, for "в мае прошлого года"."""
    return {
        lang: {_norm(p): int(k) for k, ps in (t.get("month_year_after") or {}).items() for p in ps}
        for lang, t in rel.items()
    }


def _pieces(raw: dict, month_re: str, month_year_after: dict[str, dict[str, int]]) -> _Pieces:
    """Return the regex pieces of a month word, a day, a year and the words around them."""
    M = rf"(?<!\w)(?P<mon>{month_re})(?!\w)"
    mya_words = [p for d in month_year_after.values() for p in d]
    return _Pieces(
        month=M,
        month2=M.replace("?P<mon>", "?P<mon2>"),
        day=r"(?<![\d.,])(?P<day>[0-3]?\d)(?!\d)",
        year=r"(?<![\d.,/№#=-])(?P<year>(?:19|20)\d\d|2100)(?![\d])",
        year_word=rf"(?:\s*(?:{_alt(raw['year_words'])})(?!\w))",
        ordinal=r"(?:\.|st|nd|rd|th|er|-?го|-?е)?",
        year_after=rf"(?:\s+(?P<yrel>{_alt(mya_words)})(?!\w))?" if mya_words else "",
    )


def _absolute_patterns(raw: dict, p: _Pieces) -> tuple[tuple[str, re.Pattern], ...]:
    """Return the named patterns of dates written out, grouped by the step of _find that reads
    them (the comments), in the order _find tries them.

    One table of rules rather than a function a family: the patterns share their pieces, and
    this order is the one tests and the NEED_DIGIT, NEED_MONTH, DIGIT_FIRST and MONTH_FIRST
    tables are checked against.
    """
    M, M2, D, Y, YW, ordsuf = p.month, p.month2, p.day, p.year, p.year_word, p.ordinal
    since, since_post = _alt(raw["since_prepositions"]), _alt(raw["since_postpositions"])
    yprep, mprep = _alt(raw["year_prepositions"]), _alt(raw["month_prepositions"])
    pats = [
        # _with_years: numeric
        ("iso", rf"{Y}-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-]|\.\d)"),
        (
            "num",
            rf"(?<![\d.,/-])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d|\.\d){YW}?",
        ),
        # _with_years: a day, a month word and a year
        ("kk_ymd", rf"{Y}\s*(?:жылғы|ж\.)\s+{D}\s+{M}"),
        ("dmy", rf"{D}{ordsuf}(?:\s+of)?\s+{M}\.?,?\s+{Y}{YW}?"),
        ("mdy", rf"{M}\.?\s+{D}(?:st|nd|rd|th)?,?\s+{Y}"),
        # _with_years: a month word and a year
        ("kk_ym", rf"{Y}\s+(?:жылдың|жылғы|жылы)\s+{M}"),
        ("my", rf"{M}\.?,?\s+{Y}{YW}?"),
        # _days_without_year
        ("dm", rf"{D}{ordsuf}(?:\s+of)?\s+{M}"),
        ("md", rf"{M}\.?\s+{D}(?:st|nd|rd|th)?(?![\d.,]\d)"),
        # _months_after_preposition
        ("m", rf"(?<!\w)(?P<prep>{mprep})\s+{M2}{p.year_after}(?!\s*\d)"),
        # _since_years
        ("since", rf"(?<!\w)(?P<prep>{since})\s+{Y}{YW}?"),
        ("since_kk", rf"{Y}\s+(?:жылдан|жылдардан)\s+(?:{since_post})(?!\w)"),
        # _years
        ("yw", rf"{Y}{YW}"),
        ("prep_y", rf"(?<!\w)(?:{yprep})\s+{Y}"),
        ("the_y", r"(?<!\w)(?:the|The)\s+(?P<year>(?:19|20)\d\d)\s+(?=[A-Z])"),
    ]
    return tuple((name, re.compile(pat, re.IGNORECASE)) for name, pat in pats)


def _weekday_patterns(t: dict, days: str) -> list[tuple[str, re.Pattern]]:
    """Return a language's weekday patterns: after a preposition ("в пятницу"), bare
    ("jeudi", where the table says a weekday alone names a day), before a word ("жұма күні")."""
    compiled = []
    if t.get("weekday_before"):
        before = _alt(t["weekday_before"])
        compiled.append(
            ("weekday", re.compile(rf"(?<!\w)(?:{before})\s+(?P<wd>{days})(?!\w)", re.IGNORECASE))
        )
    if t.get("weekday_bare"):  # "a rencontré jeudi à Lyon": a weekday alone names a day
        compiled.append(("weekday", re.compile(rf"(?<!\w)(?P<wd>{days})(?!\w)", re.IGNORECASE)))
    if t.get("weekday_after"):
        after = _alt(t["weekday_after"])
        compiled.append(("weekday", re.compile(rf"(?<!\w)(?P<wd>{days})\s+(?:{after})(?!\w)", re.IGNORECASE)))
    return compiled


def _relative_language(t: dict) -> tuple[tuple[tuple[str, re.Pattern], ...], dict[str, int], dict[str, int]]:
    """Return one language's relative patterns (by unit, then weekdays), its phrase offsets
    ("unit:phrase" -> offset) and its weekday numbers (weekday -> 0 for Monday .. 6)."""
    compiled = []
    values: dict[str, int] = {}
    for unit in ("years", "months", "days", "days_after_date"):
        phrases = [p for ps in (t.get(unit) or {}).values() for p in ps]
        for k, ps in (t.get(unit) or {}).items():
            for p in ps:
                values[unit + ":" + _norm(p)] = int(k)
        if phrases:
            compiled.append((unit, re.compile(rf"(?<!\w)(?:{_alt(phrases)})(?!\w)", re.IGNORECASE)))
    wd = {_norm(w): int(n) for n, ws in (t.get("weekdays") or {}).items() for w in ws}
    if wd:
        compiled += _weekday_patterns(t, _alt(wd))
    return tuple(compiled), values, wd


# Phone-like runs (checked for >= 10 digits in _mask) and times: the spans _mask blanks out
# in any text with a digit.
_FROM_DIGITS = r"\+?\(?\d[\d\s()\-]{8,}\d(?!\d)|\b\d{1,2}:\d\d(?::\d\d)?\b"
_MASKS = (
    r"(?:https?://|www\.)\S+"  # URLs
    r"|(?<!\S)[^\s@]+@[^\s@]+\.\w+"  # e-mail addresses
    r"|(?:№|#|\bNo\.|\bNr\.)\s*[\w/.\-]+"  # numbers of documents and articles
    r"|\b\w+=\S+"  # query parameters, ids
    rf"|{_FROM_DIGITS}"
)


def _month_word(month_of: dict[str, int], stems: tuple[tuple[str, int], ...], month: str) -> re.Pattern:
    """Return the month-word pattern behind a lookahead for the first letters month words have,
    so a search skips every other character quickly (see _Scan.matches)."""
    first_letters = "".join(re.escape(c) for c in sorted({w[0] for w in month_of} | {s[0] for s, _ in stems}))
    return re.compile(rf"(?=[{first_letters}]){month}", re.IGNORECASE)


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    """Read tables/months.yml once and compile every pattern the finder uses."""
    raw = read_yaml(TABLE.read_text("utf-8"))
    month_of, stems, month_re = _month_words(raw)
    rel = raw.get("relative") or {}
    mya_all = _month_year_after(rel)
    pieces = _pieces(raw, month_re, mya_all)
    patterns = _absolute_patterns(raw, pieces)
    by_language = {lang: _relative_language(t) for lang, t in rel.items()}
    since = _alt(raw["since_prepositions"])
    yprep = _alt(raw["year_prepositions"])
    return _Tables(
        month_of=month_of,
        stems=stems,
        ambiguous=frozenset(str(a).lower() for a in raw.get("ambiguous") or ()),
        patterns=patterns,
        pattern_of=dict(patterns),
        relative={lang: r[0] for lang, r in by_language.items()},
        rel_values={lang: r[1] for lang, r in by_language.items()},
        weekday_of={lang: r[2] for lang, r in by_language.items()},
        month_year_after=mya_all,
        currencies=re.compile(rf"\s*(?:{_alt(raw['currencies'])}|[$€₸£₽%])(?!\w)", re.IGNORECASE),
        masks=re.compile(_MASKS, re.IGNORECASE),
        masks_from_digits=re.compile(_FROM_DIGITS, re.IGNORECASE),
        since_before=re.compile(rf"(?<!\w)(?:{since})\s+$", re.IGNORECASE),
        since_words=frozenset(str(w).lower() for w in raw["since_prepositions"]),
        month_word=_month_word(month_of, stems, pieces.month),
        one_word_months=not any(re.search(r"\W", w) for w in [*month_of, *(s for s, _ in stems)]),
        point_year_words=frozenset(_norm(w) for w in raw.get("year_words_point") or ()),
        year_prep_before=re.compile(rf"(?<!\w)(?:{yprep})\s+$", re.IGNORECASE),
        anniversary=re.compile(rf"(?<!\w)(?:{_alt(raw.get('anniversary') or ['(?!)'])})", re.IGNORECASE),
    )


def is_anniversary(text: str) -> bool:
    """Return True when a sentence's dates mark an anniversary or a duration, not an event."""
    return bool(text) and _tables().anniversary.search(text) is not None


def month_number(word: str) -> int | None:
    """Return the month number of a month word in any known language and case, or None."""
    t = _tables()
    w = word.lower().rstrip(".")
    if w in t.month_of:
        return t.month_of[w]
    for stem, n in t.stems:
        if w.startswith(stem):
            return n
    return None


def _mask(text: str, t: _Tables) -> str:
    """Blank out URLs, phone numbers, document numbers and times so no date is read inside them."""

    def repl(m: re.Match) -> str:
        s = m.group(0)
        if s[:1] in "+(0123456789" and ":" not in s:
            digits = sum(c.isdigit() for c in s)
            if digits < 10:
                return s
        return MASK * len(s)

    low = text.lower()
    if any(s in low for s in MASK_NEEDS):
        return t.masks.sub(repl, text)
    return t.masks_from_digits.sub(repl, text) if _DIGITS.search(text) else text


def _month_ok(surface: str, t: _Tables) -> int | None:
    """Return the month number of a matched month word, refusing lowercase ambiguous words."""
    if surface.lower() in t.ambiguous and surface[:1].islower():
        return None
    return month_number(surface)


def _valid(y: int, m: int, d: int | None = None) -> bool:
    if not (YEAR_MIN <= y <= YEAR_MAX and 1 <= m <= 12):
        return False
    if d is None:
        return True
    try:
        dt.date(y, m, d)
    except ValueError:
        return False
    return True


def _anchor(anchor: str | None) -> dt.date | None:
    if not anchor:
        return None
    try:
        parts = [int(p) for p in str(anchor)[:10].split("-")]
        while len(parts) < 3:
            parts.append(1)
        return dt.date(*parts[:3])
    except (ValueError, TypeError):
        return None


def _year_for(month: int, day: int | None, anchor: dt.date) -> int:
    """Return the year of a month (and day) written without one, seen from the anchor."""
    y = anchor.year
    try:
        probe = dt.date(y, month, min(day or 1, 28))
    except ValueError:
        return y
    return y - 1 if (probe - anchor).days > 62 else y


def _shift_month(d: dt.date, n: int) -> tuple[int, int]:
    k = d.year * 12 + d.month - 1 + n
    return k // 12, k % 12 + 1


def find_dates(
    text: str,
    language: str,
    anchor: str | None = None,
    paragraph: str = "",
    years: bool = True,
    before: str | None = None,
) -> list[DateMention]:
    """Return every date in the text, in order, with spans, ISO values and precision.

    anchor: the publication date relative dates count from. years: whether a day and month
    without a year ("on 22 January") take the anchor's year; only when the anchor is the
    article's own stated date, never one inferred for it. before: the last day the text named
    before this one (in an earlier paragraph), which "a day earlier" counts from when this text
    names none before it.
    """
    try:
        language = (language or "").lower()[:2]
        return _find(text or "", language, _anchor(anchor), paragraph, years, _anchor(before))
    except Exception:  # noqa: BLE001 - an extractor must never stop the build
        return []


def may_name_day(text: str, language: str) -> bool:
    """Return False when the text surely names no relative day ("вчера", "on Friday", "19 April").

    A quick test before find_dates with an anchor: only the patterns that can
    yield a relative day run (a day and month without a year, relative days),
    over the same masked text.
    """
    t = _tables()
    if not text:
        return False
    language = (language or "").lower()[:2]
    work = _mask(text, t)
    langs = [language] if language in t.relative else sorted(t.relative)
    return any(pat.search(work) for name, pat in t.patterns if name in ("dm", "md")) or any(
        pat.search(work)
        for lang in langs
        for unit, pat in t.relative[lang]
        if unit in ("days", "weekday", "days_after_date")
    )


def _from(pat: re.Pattern, text: str, starts: list[int]) -> Iterator[re.Match]:
    """Yield what pat.finditer(text) would, where no match of pat can begin outside starts (sorted).

    A pattern that opens with a month word, a day or a year is tried only where one
    can begin, not at every character of the text.
    """
    end = 0
    for start in starts:
        if start >= end:
            m = pat.match(text, start)
            if m:
                yield m
                end = m.end()


@dataclass
class _Scan:
    """One text being read: what each family of date expression reads and claims.

    text is the paragraph, work the same with URLs, phone numbers and the like blanked out
    (see _mask): patterns run over work, surfaces come from text. taken holds 1 where a date
    already found lies: an earlier family claims characters first.
    """

    text: str
    work: str
    paragraph: str
    anchor: dt.date | None
    years: bool
    before: dt.date | None  # the last day named in an earlier paragraph
    t: _Tables
    taken: bytearray
    out: list[DateMention]
    digits: list[int]  # where runs of digits start in work
    months: list[int] | None = None  # where month words start: searched for when a pattern needs one

    def fields(self, m: re.Match, a: int, b: int) -> tuple[int | None, int | None, int | None] | None:
        """Return the match's (year, month, day) (_fields) when its characters a:b are free, else None."""
        return _fields(m, self.t) if self.free(a, b) else None

    def free(self, a: int, b: int) -> bool:
        return not any(self.taken[a:b])

    def add(
        self,
        a: int,
        b: int,
        value: str,
        precision: str,
        relative: bool = False,
        kind: str = "point",
        wd: bool = False,
    ) -> None:
        self.taken[a:b] = b"\x01" * (b - a)
        self.out.append(
            DateMention(self.paragraph, a, b, self.text[a:b], value, precision, relative, kind, wd)
        )

    def matches(self, name: str) -> Iterator[tuple[re.Match, int, int]]:
        """Yield the matches of the absolute pattern name over work, each with its span, less any
        whitespace it ends with; none where the text lacks the digit or month word it needs."""
        if name in NEED_DIGIT and not self.digits:
            return
        if name in NEED_MONTH:
            if self.months is None:
                self.months = [m.start() for m in self.t.month_word.finditer(self.work)]
            if not self.months:
                return
        pat = self.t.pattern_of[name]
        if name in DIGIT_FIRST:
            found = _from(pat, self.work, self.digits)
        elif self.months is not None and name in MONTH_FIRST and self.t.one_word_months:
            found = _from(pat, self.work, self.months)
        else:
            found = pat.finditer(self.work)
        text = self.text
        for m in found:
            a, b = m.span()
            while b > a and text[b - 1].isspace():  # the_y's lookahead consumes the space after it
                b -= 1
            yield m, a, b


def _find(
    text: str,
    language: str,
    anchor: dt.date | None,
    paragraph: str,
    years: bool = True,
    before: dt.date | None = None,
) -> list[DateMention]:
    """Read the text's dates family by family; an earlier family claims its characters first,
    so the order below is the order of precedence ("5 мая 2024 года" is one day, not a day and
    month without a year and then a year)."""
    t = _tables()
    if not text or not any(c.isdigit() or c.isalpha() for c in text):
        return []
    work = _mask(text, t)
    digits = [m.start() for m in _DIGITS.finditer(work)]
    s = _Scan(text, work, paragraph, anchor, years, before, t, bytearray(len(text) + 1), [], digits)
    _with_years(s, ("iso", "num"))  # "2024-03-05", "05.03.2024", "05.03.2024 г."
    _with_years(s, ("kk_ymd", "dmy", "mdy"))  # "18 апреля 2025 года", "April 5, 2024", "2025 жылғы 12 наурыз"
    _with_years(s, ("kk_ym", "my"))  # "апреле 2025 года", "March 2024", "2025 жылдың наурызында"
    _days_without_year(s)  # "5 мая", "April 5": in the anchor's year
    _months_after_preposition(s)  # "в апреле", "in April", "в мае следующего года"
    _since_years(s)  # "с 2009 года", "since 2009", "2009 жылдан бері"
    _years(s)  # "в 2025 году", "2025 жылы", "in 2025", "the 2009 agreement"
    _relative_phrases(s, language)  # "вчера", "в прошлом году", "on Friday", "накануне"
    s.out.sort(key=lambda d: (d.start, d.end))
    return [_dateline(d, text) for d in s.out]


def _fields(m: re.Match, t: _Tables) -> tuple[int | None, int | None, int | None] | None:
    """Return a match's (year, month, day), each None where it names none; None when its month
    word is an ambiguous one written in lowercase ("may")."""
    gd = m.groupdict()
    year = int(gd["year"]) if gd.get("year") else None
    day = int(gd["day"]) if gd.get("day") else None
    word = gd.get("mon") or gd.get("mon2")
    if word:
        month = _month_ok(word, t)
        if month is None:
            return None
    elif gd.get("month"):
        month = int(gd["month"])
    else:
        month = None
    return year, month, day


def _claim_absolute(s: _Scan, m: re.Match, a: int, b: int, kind: str) -> None:
    """Add the date a match names with its own year, unless its characters are taken, its month
    word is refused or it is no valid date. A "point" date right after a "since" preposition
    ("с 5 мая 2024 года") becomes a "since" date whose surface takes the preposition."""
    ymd = s.fields(m, a, b)
    if ymd is None:
        return
    year, month, day = ymd
    if kind == "point" and year is not None:
        head = s.work[max(0, a - 12) : a]
        sm = s.t.since_before.search(head)
        if sm:
            a = a - len(head) + sm.start()
            kind = "since"
            if not s.free(a, b):
                return
    if year is None or not _valid(year, month or 1, day):
        return
    if month is None:
        s.add(a, b, f"{year:04d}", "year", False, kind)
    elif day is None:
        s.add(a, b, f"{year:04d}-{month:02d}", "month", False, kind)
    else:
        s.add(a, b, f"{year:04d}-{month:02d}-{day:02d}", "day", False, kind)


def _with_years(s: _Scan, names: tuple[str, ...]) -> None:
    """Dates that name their own year (numeric; a day, a month word and a year; a month word and
    a year), pattern by pattern in the order given."""
    for name in names:
        for m, a, b in s.matches(name):
            _claim_absolute(s, m, a, b, "point")


def _days_without_year(s: _Scan) -> None:
    """A day and a month word without a year ("5 мая", "April 5"): in the anchor's year, or the
    year before when that day lies over two months after the anchor; only when years is set."""
    for name in ("dm", "md"):
        for m, a, b in s.matches(name):
            ymd = s.fields(m, a, b)
            if ymd is None:
                continue
            _, month, day = ymd
            if name == "md" and not re.match(r"[A-Za-zÀ-ÿ]", m.group("mon")):
                continue  # "декабре 20 стран": month-day order is English/French only
            if s.anchor is None or not s.years or month is None or day is None:
                continue
            year = _year_for(month, day, s.anchor)
            if _valid(year, month, day):
                s.add(a, b, f"{year:04d}-{month:02d}-{day:02d}", "day", True)


def _months_after_preposition(s: _Scan) -> None:
    """A month word after a preposition, without a year: "в апреле", "in April", "с апреля" (a
    "since" month), "в мае следующего года" (the year from the phrase after it)."""
    for m, a, b in s.matches("m"):
        ymd = s.fields(m, a, b)
        if ymd is None or s.anchor is None or ymd[1] is None:
            continue
        month = ymd[1]
        yrel = m.groupdict().get("yrel")
        if yrel:
            off = next((d[_norm(yrel)] for d in s.t.month_year_after.values() if _norm(yrel) in d), 0)
            year = s.anchor.year + off
        elif not s.years:
            continue
        else:
            year = _year_for(month, None, s.anchor)
        kind = "since" if m.group("prep").lower() in s.t.since_words else "point"
        if _valid(year, month):
            s.add(a, b, f"{year:04d}-{month:02d}", "month", True, kind)


def _since_years(s: _Scan) -> None:
    """A year after a "since" preposition or before a Kazakh postposition: "с 2009 года",
    "since 2009", "seit 2019", "2009 жылдан бері"; the surface takes the preposition."""
    for name in ("since", "since_kk"):
        for m, a, b in s.matches(name):
            _claim_absolute(s, m, a, b, "since")


def _years(s: _Scan) -> None:
    """A year alone: with a year word ("в 2025 году", "2025 жылы"), after a preposition ("in
    2025", only the year is the surface) or as "the 2009 agreement" (a mention, never an event).
    A year word that names an attribute ("бюджет 2025 года") makes a mention; a currency or a
    percent after the number makes no year ("2025 тенге")."""
    for name in ("yw", "prep_y", "the_y"):
        for m, a, b in s.matches(name):
            if name in ("the_y", "prep_y"):
                a, b = m.span("year")
                if name == "the_y" and not s.work[m.end() : m.end() + 1].isupper():
                    continue
            if not s.free(a, b) or s.t.currencies.match(s.work, m.end("year")):
                continue
            point = name == "prep_y" or (name == "yw" and _places_year(s.work, m, a, s.t))
            _claim_absolute(s, m, a, b, "point" if point else "mention")


def _relative_phrases(s: _Scan, language: str) -> None:
    """Relative years, months and days ("в прошлом году", "вчера"), days counted from the day
    named before them ("накануне", "a day earlier") and weekdays ("on Friday"): in the text's
    language, or in every language (sorted) when it is not a known one. Without an anchor,
    only the days counted from a named day."""
    t = s.t
    for lang in [language] if language in t.relative else sorted(t.relative):
        for unit, pat in t.relative[lang]:
            if s.anchor is None and unit != "days_after_date":
                continue
            for m in pat.finditer(s.work):
                a, b = m.span()
                if not s.free(a, b):
                    continue
                if unit == "weekday":
                    _claim_weekday(s, lang, m)
                    continue
                off = t.rel_values[lang].get(unit + ":" + _norm(m.group(0)))
                if off is not None:
                    _claim_relative(s, unit, off, a, b)


def _claim_weekday(s: _Scan, lang: str, m: re.Match) -> None:
    """Add the day a weekday names: the last such weekday on or before the anchor."""
    wd = s.t.weekday_of[lang].get(_norm(m.group("wd")))
    if wd is not None:
        d = s.anchor - dt.timedelta(days=(s.anchor.weekday() - wd) % 7)
        s.add(m.start(), m.end(), d.isoformat(), "day", True, wd=True)


def _claim_relative(s: _Scan, unit: str, off: int, a: int, b: int) -> None:
    """Add the year, month or day a relative phrase names, off units from the anchor, or for
    "days_after_date" from the last day named before it in the text, in an earlier paragraph
    (before) or else the anchor."""
    anchor = s.anchor
    if unit == "years":
        y = anchor.year + off
        if YEAR_MIN <= y <= YEAR_MAX:
            s.add(a, b, f"{y:04d}", "year", True)
    elif unit == "months":
        y, mo = _shift_month(anchor, off)
        s.add(a, b, f"{y:04d}-{mo:02d}", "month", True)
    elif unit == "days_after_date":
        base = _day_before(s.out, a) or s.before or anchor
        if base is not None:
            s.add(a, b, (base + dt.timedelta(days=off)).isoformat(), "day", True)
    else:
        s.add(a, b, (anchor + dt.timedelta(days=off)).isoformat(), "day", True)


_DATELINE_BEFORE = re.compile(
    r"^\W*(?:[^\W\d_][\w.'’-]*\s*){1,3}(?:,\s*(?:[^\W\d_][\w.'’-]*\s*){1,3})?[,.]\s*$"
)
_DATELINE_AFTER = re.compile(r"^\s*(?:\d{1,2}:\d\d\s*)?(?:[.—–/|]|-\s)")


def _dateline(d: DateMention, text: str) -> DateMention:
    """Return the mention as a dateline ("ASTANA, Kazakhstan, April 19. ...", "Астана. 18 апреля.
    КазТАГ –"): where the news was filed, and when; the report's date, never its event's."""
    if d.kind != "point" or d.start > 60:
        return d
    before, after = text[: d.start], text[d.end : d.end + 12]
    if _DATELINE_BEFORE.match(before) and before.strip()[:1].isupper() and _DATELINE_AFTER.match(after):
        return DateMention(
            d.paragraph, d.start, d.end, d.text, d.value, d.precision, d.relative, "dateline", d.weekday
        )
    return d


def _day_before(found: list[DateMention], at: int) -> dt.date | None:
    """Return the last day (not a "since" date) named before the offset at, or None."""
    days = [d for d in found if d.end <= at and d.precision == "day" and d.kind == "point"]
    if not days:
        return None
    try:
        return dt.date.fromisoformat(max(days, key=lambda d: d.start).value)
    except ValueError:
        return None


def _places_year(work: str, m: re.Match, a: int, t: _Tables) -> bool:
    """Return whether a year with a year word places an event in it ("в 2025 году", "2025 жылы"),
    rather than naming it as an attribute ("бюджет 2025 года", "2024 жылғы келісім")."""
    word = _norm(work[m.end("year") : m.end()])
    return word in t.point_year_words or t.year_prep_before.search(work[max(0, a - 12) : a]) is not None
