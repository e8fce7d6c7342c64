"""Page text that is not the article (share bars, captions, teasers, bylines, tails), dropped
line by line; what it notices on the way (author, outlet, dates) is kept for the metadata.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass, field

from builder.ingest import chrome as page_chrome
from builder.ingest.decode import collapse
from builder.ingest.outlets import DOMAIN
from builder.ingest.tables import LOWER, UPPER, TableRules, table_rules
from builder.nlp.dates import find_dates, month_number

NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}]?[{LOWER}]+)?"
PERSON = re.compile(rf"{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}}")
BY_LINE = re.compile(rf"(?:By|Von|Par|Автор)\s+(?P<name>{PERSON.pattern})")
# "By Klavdiya Romakayeva - Trend:": an author and the agency, on one line
BY_AGENCY = re.compile(
    rf"(?:By|От|Von|Par)\s+(?P<name>{PERSON.pattern})\s*[-–—]\s*(?P<outlet>[^:\s][^:]{{0,40}}?)\s*:?"
)
BY_OUTLET = re.compile(r"(?:By|От|Von|Par)\s+(?P<outlet>\S.{0,40}?)\s*:?")
# "Мәулен Әшімбаев, ҚР Парламенті Сенатының төрағасы:": a speaker's name and post introducing a quote
SPEAKER_LINE = re.compile(rf"{PERSON.pattern},\s[^.!?]{{2,120}}:")
# "February 19. Interfax. Astana": a date, an agency and a city on one line
DOTTED_SIGNATURE = re.compile(r"[^.\n]{2,30}\.\s*[^.\n]{2,30}\.\s*[^.\n]{2,30}\.?")


def _full(pattern: re.Pattern, line: str) -> re.Match | None:
    return pattern.fullmatch(line.strip())


def _is_headline(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= 200 and (bool(table_rules().bullet.match(line)) or s[-1] not in '.!?…:;»"”')


@dataclass
class Noticed:
    """What cleaning noticed on the way: hints for the metadata."""

    author: str | None = None
    outlet: str | None = None
    captions: tuple[str, ...] = ()
    prefix_date: str | None = None
    labels: tuple[str, ...] = ()
    label_date: tuple[str, str] | None = None
    stamp_date: tuple[str, str] | None = None  # a timestamp line at the top: "08:47, 15 May 2024 | GMT +6"
    dateline: str | None = None  # a dateline alone on its line: "BAKU, Azerbaijan, May 15"


def clean_lines(lines: list[str], alias_of: dict[str, str], found: Noticed) -> list[str]:
    """Drop boilerplate lines; return the remaining lines with bullets stripped, not yet collapsed.

    Readers' comments after the article go first, then page chrome (builder/ingest/chrome.py);
    each line left is then tried against LINE_RULES in their order: the first that takes it
    drops it (an earlier rule wins), a line no rule takes stays.
    """
    tail = _tail_start(lines)
    if tail is not None:
        lines = lines[:tail]
    stripped = page_chrome.strip(lines, keep=lambda line: _metadata_line(line, alias_of), reserve=_labelled)
    found.stamp_date = found.stamp_date or stripped.timestamp
    at = _Cleaning(list(stripped.lines), alias_of, found, table_rules())
    out: list[str] = []
    while at.i < len(at.lines):
        line = at.lines[at.i]
        at.i += 1
        s = line.strip()
        if not s:
            out.append("")
        elif not any(rule(s, at) for rule in LINE_RULES):
            out.append(line)
    found.captions = tuple(at.captions)
    return out


@dataclass
class _Cleaning:
    """The state of one pass of clean_lines: its lines (a rule may blank a later one), the index
    of the next line (a rule may skip lines), what it noticed, and the captions seen."""

    lines: list[str]
    alias_of: dict[str, str]
    found: Noticed
    rules: TableRules
    i: int = 0
    captions: list[str] = field(default_factory=list)


def _shared_or_promo(s: str, at: _Cleaning) -> bool:
    """A share bar, a call to subscribe or follow, an inline list ("Read also: ..."): dropped."""
    r = at.rules
    return bool(_full(r.share, s) or _full(r.promo, s) or _full(r.list_inline, s))


def _author_under_label(s: str, at: _Cleaning) -> bool:
    """ "Автор" alone, the name on the next non-empty line: the author; both lines dropped."""
    if not _full(at.rules.author_label, s):
        return False
    nxt = next((j for j in range(at.i, len(at.lines)) if at.lines[j].strip()), None)
    if nxt is None or not PERSON.fullmatch(collapse(at.lines[nxt]).rstrip(".")):
        return False
    at.found.author = at.found.author or collapse(at.lines[nxt]).rstrip(".")
    at.lines[nxt] = ""
    return True


def _dotted_signature(s: str, at: _Cleaning) -> bool:
    """ "February 19. Interfax. Astana": a date and a known agency; the outlet, if none yet."""
    if not (DOTTED_SIGNATURE.fullmatch(s) and at.found.outlet is None):
        return False
    parts = [p.strip() for p in s.rstrip(".").split(".")]
    names = [at.alias_of[p.lower()] for p in parts if p.lower() in at.alias_of]
    dated = any(
        re.search(r"\d", p) and any(month_number(w) for w in re.findall(r"[^\W\d_]+", p)) for p in parts
    )
    if names and dated:
        at.found.outlet = names[0]
        return True
    return False


def _speaker(s: str, at: _Cleaning) -> bool:
    """A speaker's name and post introducing a quote: dropped; the quote that follows stays."""
    return bool(SPEAKER_LINE.fullmatch(s)) and len(s.split()) <= 14


def _lone_dateline(s: str, at: _Cleaning) -> bool:
    """The first dateline alone on its line: metadata, not text."""
    m = find_dateline(s + " ")
    if m and m.end() >= len(s) and at.found.dateline is None:
        at.found.dateline = s
        return True
    return False


def _by_agency(s: str, at: _Cleaning) -> bool:
    """ "By Klavdiya Romakayeva - Trend:": the author and the agency, each if none yet."""
    m = BY_AGENCY.fullmatch(s)
    if not (m and signature_name(m.group("outlet"), at.alias_of)):
        return False
    at.found.author = at.found.author or m.group("name")
    at.found.outlet = at.found.outlet or signature_name(m.group("outlet"), at.alias_of)
    return True


def _by_outlet(s: str, at: _Cleaning) -> bool:
    """ "By Trend", "От Kazinform": a known outlet, if none yet."""
    m = BY_OUTLET.fullmatch(s)
    if not (m and m.group("outlet").lower() in at.alias_of):
        return False
    at.found.outlet = at.found.outlet or at.alias_of[m.group("outlet").lower()]
    return True


def _author_line(s: str, at: _Cleaning) -> bool:
    """An author line ("Author: Jane Roe"): dropped; its name is the author, if none yet."""
    m = _full(at.rules.author_line, s)
    if not m:
        return False
    name = collapse(m.group("name")).rstrip(".")
    if name and at.found.author is None:
        at.found.author = name
    return True


def _outlet_label(s: str, at: _Cleaning) -> bool:
    """A known outlet after a news word ("Новости Zakon.kz"): the outlet, if none yet."""
    m = at.rules.outlet_label.fullmatch(s)
    if not (m and m.group("name").lower() in at.alias_of):
        return False
    at.found.outlet = at.found.outlet or at.alias_of[m.group("name").lower()]
    return True


def _by_line(s: str, at: _Cleaning) -> bool:
    """ "By Jane Roe": the author, if none yet."""
    m = BY_LINE.fullmatch(s)
    if not m:
        return False
    at.found.author = at.found.author or m.group("name")
    return True


def _caption(s: str, at: _Cleaning) -> bool:
    """A photo caption: dropped, kept among the captions (a site credits its own photos)."""
    if _full(at.rules.caption, s) or (_full(at.rules.caption_in, s) and s[-1] not in ".!?"):
        at.captions.append(s)
        return True
    return False


def _published_label(s: str, at: _Cleaning) -> bool:
    """The first labelled date with nothing else on its line ("Published: 5 January 2026",
    "Published: 08:47, 15 May 2024 | GMT +6"): the publication date."""
    label = at.rules.published_label.match(s)
    if not (label and label.group(0).strip() and not at.found.label_date):
        return False
    rest = s[label.end() :]
    dates = [d for d in find_dates(rest, "") if not d.relative]
    if dates and not re.sub(r"[\s,.:\d]", "", rest.replace(dates[0].text, "", 1)):
        at.found.label_date = (dates[0].value, dates[0].precision)
        return True
    stamp = page_chrome.timestamp(rest)
    if isinstance(stamp, tuple):
        at.found.label_date = stamp
        return True
    return False


def _list_header(s: str, at: _Cleaning) -> bool:
    """A "Latest news" header: dropped with the headline list after it, its timestamps and teasers."""
    if not _full(at.rules.list_header, s):
        return False
    lines = at.lines
    while at.i < len(lines) and (
        not lines[at.i].strip() or _is_headline(lines[at.i]) or _is_teaser(lines[at.i])
    ):
        at.i += 1
    return True


# The rules of clean_lines, in the order they are tried: the first that takes a line drops it.
LINE_RULES: tuple[Callable[[str, _Cleaning], bool], ...] = (
    _shared_or_promo,
    _author_under_label,
    _dotted_signature,
    _speaker,
    _lone_dateline,
    _by_agency,
    _by_outlet,
    _author_line,
    _outlet_label,
    _by_line,
    _caption,
    _published_label,
    _list_header,
)


def _metadata_line(line: str, alias_of: dict[str, str]) -> bool:
    """Tell whether a short line is one clean_lines or strip_trailing reads: an outlet, an author, a list header."""
    r = table_rules()
    s = collapse(line).strip(" .")
    return bool(
        s.lower() in alias_of
        or DOMAIN.fullmatch(s)
        or PERSON.fullmatch(s)
        or _full(r.author_line, s)
        or _full(r.author_label, s)
        or _full(r.list_header, s)
        or BY_LINE.fullmatch(s)
    )


def _labelled(line: str) -> bool:
    """Tell whether a line is a labelled publication date ("Published: 5 January 2026")."""
    s = line.strip()
    m = table_rules().published_label.match(s)
    return bool(m and m.group(0).strip() and re.search(r"\d", s[m.end() :]))


def _tail_start(lines: list[str]) -> int | None:
    """Return the index of a readers' comments header ("Комментарии") after the article, or None."""
    r = table_rules()
    seen = 0
    for k, line in enumerate(lines):
        s = line.strip()
        if not s:
            continue
        seen += 1
        if seen > 3 and _full(r.tail_header, s):
            return k
    return None


def _is_teaser(line: str) -> bool:
    """Tell whether a line under a "Latest news" header is a teaser: cut short, or a timestamp."""
    s = line.strip()
    return s.endswith(("…", "...")) or page_chrome.kind(s) is not None


def signature_name(name: str, alias_of: dict[str, str]) -> str | None:
    """Return the outlet a signature names: a known alias or a domain; None for anything else."""
    name = collapse(name).strip(" .,")
    if name.lower() in alias_of:
        return alias_of[name.lower()]
    if DOMAIN.fullmatch(name):
        return name
    return None


def teaser_tail(lines: list[str]) -> list[str]:
    """Remove a list of other articles after the text that has no header: headlines (no final
    full stop) and teasers cut short ("..."), at least one of them cut, at least two lines."""
    idx = [k for k, x in enumerate(lines) if x.strip()]
    tail: list[int] = []
    for k in reversed(idx):
        s = lines[k].strip()
        if s.endswith(("...", "…")) or (len(s) <= 200 and s[-1] not in '.!?:;»"”)'):
            tail.append(k)
            continue
        break
    cut = any(lines[k].strip().endswith(("...", "…")) for k in tail)
    if len(tail) >= 2 and cut and len(tail) < len(idx) - 1:
        for k in tail:
            lines[k] = ""
    return lines


def strip_trailing(lines: list[str], alias_of: dict[str, str], found: Noticed) -> list[str]:
    """Remove a trailing lone outlet line and a trailing author-name line."""
    lines = list(lines)
    changed = True
    while changed:
        changed = False
        while lines and not lines[-1].strip():
            lines.pop()
        if len(lines) < 2:
            break
        last = collapse(lines[-1]).strip(" .")
        if last.lower() in alias_of:
            found.outlet = found.outlet or alias_of[last.lower()]
            lines.pop()
            changed = True
        elif DOMAIN.fullmatch(last):
            found.outlet = found.outlet or last
            lines.pop()
            changed = True
        elif PERSON.fullmatch(last) and last.lower() not in table_rules().not_outlets:
            if found.author is None:
                found.author = last
            lines.pop()
            changed = True
    return lines


def strip_top(lines: list[str], found: Noticed, alias_of: dict[str, str] | None = None) -> list[str]:
    """Remove category labels above the title: hashtag lines, known rubrics, single-word lines,
    and the site's name (a known outlet or a domain: the page's logo, its publisher).

    A label is removed only when a title and a paragraph still follow it, and a
    single unknown word only when the next line looks like a title.
    """
    r = table_rules()
    lines = list(lines)
    labels = []
    while True:
        idx = [k for k, x in enumerate(lines) if x.strip()]
        if len(idx) < 3:
            break
        first, nxt = (r.bullet.sub("", lines[k], count=1).strip() for k in idx[:2])
        hashtag = first.startswith("#") and not first.startswith("# ")
        title_like = len(nxt) <= 200 and nxt[-1] not in ".!?…;:"
        site = signature_name(first, alias_of or {})
        if site and title_like:
            found.outlet = found.outlet or site
            lines[idx[0]] = ""
            continue
        if hashtag or _full(r.category, first) or (re.fullmatch(r"[\w-]{2,30}", first) and title_like):
            labels.append(first)
            lines[idx[0]] = ""
            continue
        break
    found.labels = tuple(labels)
    return lines


DATELINE_RE = re.compile(
    rf"^[{UPPER}][{UPPER}\w .'-]{{1,40}}(?:,\s*[\w .'-]{{2,40}})?,\s*"
    r"(?P<md>(?P<m1>[^\W\d_]+)\.?\s+\d{1,2}|\d{1,2}\.?\s+(?P<m2>[^\W\d_]+))[.,:]?\s"
)


def find_dateline(text: str) -> re.Match | None:
    """Return the match of a "CITY, Country, April 19." dateline at the start of text, or None."""
    m = DATELINE_RE.match(text)
    return m if m and month_number(m.group("m1") or m.group("m2")) else None
