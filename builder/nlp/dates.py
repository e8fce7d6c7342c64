"""Find dates in text: absolute, "since" and relative ones, with character spans.

Pure and fast: regular expressions built once from ``tables/months.yml``; no
dateparser. ``find_dates`` never raises and returns [] when it finds nothing.

Surfaces: an absolute date's surface is the date itself with its year word
("18 апреля 2025 года", "2009 жылы") but without a point preposition ("in",
"в", "im"); a "since" date includes its preposition ("с 2009 года", "since
2009"); a relative date is the whole phrase ("в прошлом году", "on Friday",
"in December").
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
    patterns: tuple[tuple[str, re.Pattern], ...]
    relative: dict[str, tuple[tuple[str, re.Pattern], ...]]
    rel_values: dict[str, dict[str, int]]  # language -> lowercased phrase -> offset
    weekday_of: dict[str, dict[str, int]]
    month_year_after: dict[str, dict[str, int]]
    currencies: re.Pattern
    masks: re.Pattern
    masks_from_digits: re.Pattern  # the phone numbers and times of masks, the spans that need no MASK_NEEDS
    since_before: re.Pattern
    month_word: re.Pattern  # any month word (see NEED_MONTH), only tried where its first letter is
    one_word_months: bool  # no month word holds a space or a sign: its matches never overlap
    point_year_words: frozenset[str]  # year words that place an event in the year
    year_prep_before: re.Pattern  # a year preposition right before a year
    anniversary: re.Pattern  # words that make a sentence's dates an anniversary or a duration


def _norm(s: str) -> str:
    return re.sub(r"\s+", " ", s.strip().lower().replace("’", "'"))


@lru_cache(maxsize=1)
def _tables() -> _Tables:
    raw = read_yaml(TABLE.read_text("utf-8"))
    month_of: dict[str, int] = {}
    for num, forms in raw["months"].items():
        for f in forms:
            month_of[str(f).lower()] = int(num)
    stems = tuple((str(s).lower(), int(n)) for n, ss in raw["month_stems"].items() for s in ss)
    month_re = "(?:" + _alt(month_of) + "|" + "|".join(re.escape(s) + W + "*" for s, _ in stems) + ")"
    M = rf"(?<!\w)(?P<mon>{month_re})(?!\w)"
    M2 = M.replace("?P<mon>", "?P<mon2>")
    D = r"(?<![\d.,])(?P<day>[0-3]?\d)(?!\d)"
    Y = r"(?<![\d.,/№#=-])(?P<year>(?:19|20)\d\d|2100)(?![\d])"
    YW = rf"(?:\s*(?:{_alt(raw['year_words'])})(?!\w))"
    since = _alt(raw["since_prepositions"])
    since_post = _alt(raw["since_postpositions"])
    yprep = _alt(raw["year_prepositions"])
    mprep = _alt(raw["month_prepositions"])
    rel = raw.get("relative") or {}
    mya_all: dict[str, dict[str, int]] = {}
    for lang, t in rel.items():
        mya_all[lang] = {_norm(p): int(k) for k, ps in (t.get("month_year_after") or {}).items() for p in ps}
    mya_words = [p for d in mya_all.values() for p in d]
    mya = rf"(?:\s+(?P<yrel>{_alt(mya_words)})(?!\w))?" if mya_words else ""
    ordsuf = r"(?:\.|st|nd|rd|th|er|-?го|-?е)?"
    pats = [
        ("iso", rf"{Y}-(?P<month>[01]\d)-(?P<day>[0-3]\d)(?![\d-]|\.\d)"),
        (
            "num",
            rf"(?<![\d.,/-])(?P<day>[0-3]?\d)\.(?P<month>[01]?\d)\.(?P<year>(?:19|20)\d\d)(?!\d|\.\d){YW}?",
        ),
        ("kk_ymd", rf"{Y}\s*(?:жылғы|ж\.)\s+{D}\s+{M}"),
        ("dmy", rf"{D}{ordsuf}(?:\s+of)?\s+{M}\.?,?\s+{Y}{YW}?"),
        ("mdy", rf"{M}\.?\s+{D}(?:st|nd|rd|th)?,?\s+{Y}"),
        ("kk_ym", rf"{Y}\s+(?:жылдың|жылғы|жылы)\s+{M}"),
        ("my", rf"{M}\.?,?\s+{Y}{YW}?"),
        ("dm", rf"{D}{ordsuf}(?:\s+of)?\s+{M}"),
        ("md", rf"{M}\.?\s+{D}(?:st|nd|rd|th)?(?![\d.,]\d)"),
        ("m", rf"(?<!\w)(?P<prep>{mprep})\s+{M2}{mya}(?!\s*\d)"),
        ("since", rf"(?<!\w)(?P<prep>{since})\s+{Y}{YW}?"),
        ("since_kk", rf"{Y}\s+(?:жылдан|жылдардан)\s+(?:{since_post})(?!\w)"),
        ("yw", rf"{Y}{YW}"),
        ("prep_y", rf"(?<!\w)(?:{yprep})\s+{Y}"),
        ("the_y", r"(?<!\w)(?:the|The)\s+(?P<year>(?:19|20)\d\d)\s+(?=[A-Z])"),
    ]
    patterns = tuple((name, re.compile(p, re.IGNORECASE)) for name, p in pats)

    relative: dict[str, tuple[tuple[str, re.Pattern], ...]] = {}
    rel_values: dict[str, dict[str, int]] = {}
    weekday_of: dict[str, dict[str, int]] = {}
    for lang, t in rel.items():
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
            days = _alt(wd)
            if t.get("weekday_before"):
                compiled.append(
                    (
                        "weekday",
                        re.compile(
                            rf"(?<!\w)(?:{_alt(t['weekday_before'])})\s+(?P<wd>{days})(?!\w)", re.IGNORECASE
                        ),
                    )
                )
            if t.get("weekday_bare"):  # "a rencontré jeudi à Lyon": a weekday alone names a day
                compiled.append(("weekday", re.compile(rf"(?<!\w)(?P<wd>{days})(?!\w)", re.IGNORECASE)))
            if t.get("weekday_after"):
                compiled.append(
                    (
                        "weekday",
                        re.compile(
                            rf"(?<!\w)(?P<wd>{days})\s+(?:{_alt(t['weekday_after'])})(?!\w)", re.IGNORECASE
                        ),
                    )
                )
        relative[lang] = tuple(compiled)
        rel_values[lang] = values
        weekday_of[lang] = wd
    from_digits = (
        r"\+?\(?\d[\d\s()\-]{8,}\d(?!\d)"  # phone-like runs, checked for >= 10 digits below
        r"|\b\d{1,2}:\d\d(?::\d\d)?\b"  # times
    )
    masks = re.compile(
        r"(?:https?://|www\.)\S+"  # URLs
        r"|(?<!\S)[^\s@]+@[^\s@]+\.\w+"  # e-mail addresses
        r"|(?:№|#|\bNo\.|\bNr\.)\s*[\w/.\-]+"  # numbers of documents and articles
        r"|\b\w+=\S+"  # query parameters, ids
        rf"|{from_digits}",
        re.IGNORECASE,
    )
    first_letters = "".join(re.escape(c) for c in sorted({w[0] for w in month_of} | {s[0] for s, _ in stems}))
    return _Tables(
        month_of=month_of,
        stems=stems,
        ambiguous=frozenset(str(a).lower() for a in raw.get("ambiguous") or ()),
        patterns=patterns,
        relative=relative,
        rel_values=rel_values,
        weekday_of=weekday_of,
        month_year_after=mya_all,
        currencies=re.compile(rf"\s*(?:{_alt(raw['currencies'])}|[$€₸£₽%])(?!\w)", re.IGNORECASE),
        masks=masks,
        masks_from_digits=re.compile(from_digits, re.IGNORECASE),
        since_before=re.compile(rf"(?<!\w)(?:{since})\s+$", re.IGNORECASE),
        month_word=re.compile(rf"(?=[{first_letters}]){M}", re.IGNORECASE),
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


def _find(
    text: str,
    language: str,
    anchor: dt.date | None,
    paragraph: str,
    years: bool = True,
    before: dt.date | None = None,
) -> list[DateMention]:
    t = _tables()
    if not text or not any(c.isdigit() or c.isalpha() for c in text):
        return []
    work = _mask(text, t)
    taken = bytearray(len(text) + 1)  # 1 where a found date already lies
    out: list[DateMention] = []

    def free(a: int, b: int) -> bool:
        return not any(taken[a:b])

    def add(
        a: int,
        b: int,
        value: str,
        precision: str,
        relative: bool = False,
        kind: str = "point",
        wd: bool = False,
    ) -> None:
        taken[a:b] = b"\x01" * (b - a)
        out.append(DateMention(paragraph, a, b, text[a:b], value, precision, relative, kind, wd))

    digits = [m.start() for m in _DIGITS.finditer(work)]  # where runs of digits start
    months = None  # where month words start: searched for only when a pattern needs one
    for name, pat in t.patterns:
        if name in NEED_DIGIT and not digits:
            continue
        if name in NEED_MONTH:
            if months is None:
                months = [m.start() for m in t.month_word.finditer(work)]
            if not months:
                continue
        if name in DIGIT_FIRST:
            found = _from(pat, work, digits)
        elif months is not None and name in MONTH_FIRST and t.one_word_months:
            found = _from(pat, work, months)
        else:
            found = pat.finditer(work)
        for m in found:
            a, b = m.span()
            # trim trailing whitespace the pattern may have consumed (the_y lookahead)
            while b > a and text[b - 1].isspace():
                b -= 1
            if name in ("the_y", "prep_y"):
                a, b = m.span("year")
                if name == "the_y" and not work[m.end() : m.end() + 1].isupper():
                    continue
            if not free(a, b):
                continue
            gd = m.groupdict()
            year = int(gd["year"]) if gd.get("year") else None
            day = int(gd["day"]) if gd.get("day") else None
            if gd.get("mon") or gd.get("mon2"):
                month = _month_ok(gd.get("mon") or gd.get("mon2"), t)
                if month is None:
                    continue
            elif gd.get("month"):
                month = int(gd["month"])
            else:
                month = None
            if (
                year is not None
                and t.currencies.match(work, m.end("year"))
                and name in ("yw", "prep_y", "the_y")
            ):
                continue
            if name in ("md",) and not re.match(r"[A-Za-zÀ-ÿ]", gd["mon"]):
                continue  # "декабре 20 стран": month-day order is English/French only
            kind = "point"
            if name in ("since", "since_kk"):
                kind = "since"
            elif name == "the_y" or (name == "yw" and not _places_year(work, m, a, t)):
                kind = "mention"
            elif year is not None and name != "m":
                before = work[max(0, a - 12) : a]
                sm = t.since_before.search(before)
                if sm:
                    a = a - len(before) + sm.start()
                    kind = "since"
                    if not free(a, b):
                        continue
            if name in ("dm", "md"):
                if anchor is None or not years or month is None or day is None:
                    continue
                year = _year_for(month, day, anchor)
                if not _valid(year, month, day):
                    continue
                add(a, b, f"{year:04d}-{month:02d}-{day:02d}", "day", True, kind)
                continue
            if name == "m":
                if anchor is None or month is None:
                    continue
                yrel = gd.get("yrel")
                if yrel:
                    off = next((d[_norm(yrel)] for d in t.month_year_after.values() if _norm(yrel) in d), 0)
                    year = anchor.year + off
                elif not years:
                    continue
                else:
                    year = _year_for(month, None, anchor)
                prep = gd["prep"].lower()
                if prep in ("since", "с", "seit", "depuis"):
                    kind = "since"
                if _valid(year, month):
                    add(a, b, f"{year:04d}-{month:02d}", "month", True, kind)
                continue
            if year is None or not _valid(year, month or 1, day):
                continue
            if month is None:
                add(a, b, f"{year:04d}", "year", False, kind)
            elif day is None:
                add(a, b, f"{year:04d}-{month:02d}", "month", False, kind)
            else:
                add(a, b, f"{year:04d}-{month:02d}-{day:02d}", "day", False, kind)

    langs = [language] if language in t.relative else sorted(t.relative)
    for lang in langs:
        values = t.rel_values[lang]
        for unit, pat in t.relative[lang]:
            if anchor is None and unit != "days_after_date":
                continue
            for m in pat.finditer(work):
                a, b = m.span()
                if not free(a, b):
                    continue
                if unit == "weekday":
                    wd = t.weekday_of[lang].get(_norm(m.group("wd")))
                    if wd is None:
                        continue
                    d = anchor - dt.timedelta(days=(anchor.weekday() - wd) % 7)
                    add(a, b, d.isoformat(), "day", True, wd=True)
                    continue
                off = values.get(unit + ":" + _norm(m.group(0)))
                if off is None:
                    continue
                if unit == "years":
                    y = anchor.year + off
                    if YEAR_MIN <= y <= YEAR_MAX:
                        add(a, b, f"{y:04d}", "year", True)
                elif unit == "months":
                    y, mo = _shift_month(anchor, off)
                    add(a, b, f"{y:04d}-{mo:02d}", "month", True)
                elif unit == "days_after_date":
                    # "накануне", "a day earlier": from the last day the text named before it
                    base = _day_before(out, a) or before or anchor
                    if base is not None:
                        add(a, b, (base + dt.timedelta(days=off)).isoformat(), "day", True)
                else:
                    add(a, b, (anchor + dt.timedelta(days=off)).isoformat(), "day", True)

    out.sort(key=lambda d: (d.start, d.end))
    return [_dateline(d, text) for d in out]


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
