"""Turn the bytes of one seed file into an Article, or a Rejected saying why not.

Decode (UTF-8, BOM, legacy encodings), normalise, read optional YAML front
matter, extract title, outlet, author, date and language, strip boilerplate,
and number the remaining paragraphs. Pure over (bytes, file name, config);
never raises. Patterns live in ``tables/boilerplate.yml`` and
``tables/bylines.yml``; page chrome in ``tables/chrome.yml`` (read by
``builder/ingest/chrome.py``); publishers beyond research.yml, with their hosts, in
``tables/outlets.yml``; languages in ``tables/languages.yml``.

Files of other types have readers of their own (``builder/ingest/readers/``: saved
web pages go to ``readers/html.py``); every reader ends in ``assemble``, so the
same cleaning and metadata rules apply to all of them.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePosixPath
from urllib.parse import urlsplit

import yaml

from builder.config import Config, read_yaml
from builder.ingest import bounds
from builder.ingest import chrome as page_chrome
from builder.nlp.dates import find_dates, month_number
from builder.nlp.sentences import split as split_sentences
from builder.nlp.translit import transliterate
from builder.records import Article, Paragraph, Rejected

TABLES = Path(__file__).resolve().parent.parent / "tables"
FRONT_MATTER_KEYS = (
    "title",
    "date",
    "published",
    "outlet",
    "author",
    "language",
    "lang",
    "url",
    "id",
    "slug",
)
UPPER = "A-ZА-ЯЁӘҒҚҢӨҰҮҺІЇЄҐÀ-ÖØ-Þ"
LOWER = "a-zа-яёәғқңөұүһіїєґß-öø-ÿ"
NAME_WORD = rf"[{UPPER}][{LOWER}]+(?:[-'’][{UPPER}]?[{LOWER}]+)?"
PERSON = re.compile(rf"{NAME_WORD}(?:\s+{NAME_WORD}){{1,2}}")
DOMAIN = re.compile(r"[A-Za-z0-9][\w-]*\.(?:kz|ru|uz|kg|com|org|net|info|media|news|de|fr|eu|uk)")
BY_LINE = re.compile(rf"(?:By|Von|Par|Автор)\s+(?P<name>{PERSON.pattern})")
DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*", re.IGNORECASE)
LEAD_PARAGRAPHS = 2  # where a byline signature ("..., Trend reports.") is looked for
TITLE_MAX = 150  # characters of a title made from a first sentence
DATE_PREFIX_LINES = 5  # the " date 2025-04-19" marker is looked for at the start of this many first lines
# "By Klavdiya Romakayeva - Trend:": an author and the agency, on one line
BY_AGENCY = re.compile(
    rf"(?:By|От|Von|Par)\s+(?P<name>{PERSON.pattern})\s*[-–—]\s*(?P<outlet>[^:\s][^:]{{0,40}}?)\s*:?"
)
BY_OUTLET = re.compile(r"(?:By|От|Von|Par)\s+(?P<outlet>\S.{0,40}?)\s*:?")
# Agency signatures at the start of an article: "/ТАСС/", "/Trend, N. Name/",
# "Tengrinews.kz —", "ASTANA. KAZINFORM –", "(UzDaily.com)", "TASHKENT (TCA) —".
SLASH_SIG = re.compile(r"(?<![\w:/.])/\s*(?P<o>[^/\n,]{2,40}?)\s*(?:,\s*[^/\n]{1,40})?/(?!\w)")
DASH_SIG = re.compile(
    rf"^(?:[{UPPER}][\w'’-]*(?:\s+[\w'’-]+){{0,2}}[.,]\s+)?(?P<o>\S[^—–\n]{{1,40}}?)\s*(?:[—–]|-{{1,2}})\s"
)
PAREN_SIG = re.compile(
    r"\((?P<o>[^()\n]{2,40})\)\s*(?:[—–]|-{1,2})\s"
)  # "(UzDaily.com) --", not "(stat.gov.kz),"
CITY_PAREN_SIG = re.compile(
    rf"^[{UPPER}][{UPPER}'’ -]+(?:,\s*[\w ]{{2,30}})?\s*\((?P<o>[{UPPER}][{UPPER}0-9&/.-]{{1,15}})\)\s*[—–-]"
)
# "Мәулен Әшімбаев, ҚР Парламенті Сенатының төрағасы:": a speaker's name and post introducing a quote
SPEAKER_LINE = re.compile(rf"{PERSON.pattern},\s[^.!?]{{2,120}}:")
# "NISI20150311_0010709072Nursultan ...": an image file id glued to the first word of a paragraph
IMAGE_ID_PREFIX = re.compile(rf"^[A-Z]{{2,12}}\d{{6,}}[_\d]*(?=[{UPPER}])")
ALL_CAPS = re.compile(rf"[{UPPER}][{UPPER}0-9-]{{2,15}}")
# "ASTANA. KAZINFORM – ", "PARIS. KAZINFORM ", "ASTANA – ": a city in capitals, maybe the agency
WIRE_OPENING = re.compile(
    rf"[{UPPER}][{UPPER}'’-]+(?:\s[{UPPER}][{UPPER}'’-]+)?(?:[.,]\s+(?P<o>[{UPPER}][{UPPER}0-9.-]{{2,30}})(?=\s))?"
    r"(?:\s*[—–-]+)?\s+"
)
# "February 19. Interfax. Astana": a date, an agency and a city on one line
DOTTED_SIGNATURE = re.compile(r"[^.\n]{2,30}\.\s*[^.\n]{2,30}\.\s*[^.\n]{2,30}\.?")
SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")
CONTROL = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u200b\u200e\u200f\u2028\u2029\ufeff]")


def _alt(words) -> str:
    """Return a regex alternation of literal words, longest first, spaces as \\s+."""
    uniq = sorted({str(w) for w in words}, key=lambda w: (-len(w), w))
    return "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in uniq)


def _read(name: str) -> dict:
    return read_yaml((TABLES / name).read_text("utf-8")) or {}


@dataclass(frozen=True)
class _Rules:
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
def _rules() -> _Rules:
    bp, bl, lg = _read("boilerplate.yml"), _read("bylines.yml"), _read("languages.yml")
    i = re.IGNORECASE
    share = _alt(bp["share_words"])
    return _Rules(
        share=re.compile(rf"(?:(?:{share})(?:[\s|•·/,]+|$))+", i),
        promo=re.compile(rf"(?:{_alt(bp['promo_starts'])})\b.{{0,200}}", i),
        list_header=re.compile(rf"(?:{_alt(bp['list_headers'])})\s*[:.]?", i),
        list_inline=re.compile(rf"(?:{_alt(bp['list_headers'])})\s*:\s*\S.{{0,250}}", i),
        tail_header=re.compile(rf"(?:{_alt(bp['tail_headers'])})\s*[:.]?\s*(?:\(\d+\))?", i),
        caption=re.compile(rf"(?:{_alt(bp['caption_starts'])})\s*[:–—-]\s*.{{0,200}}", i),
        caption_in=re.compile(rf".{{0,250}}\b(?:{_alt(bp['caption_words'])})\s*[:–—-]\s*\S.{{0,100}}", i),
        category=re.compile(rf"(?:{_alt(bp['category_labels'])})", i),
        outlet_label=re.compile(rf"(?:{_alt(bp['outlet_label_words'])})\s+(?P<name>\S.{{0,60}})", i),
        bullet=re.compile(rf"^\s*(?:{'|'.join(re.escape(b) for b in bp['bullets'])})\s+"),
        author_line=re.compile(rf"(?:{_alt(bl['author_prefixes'])})\s*:\s*(?P<name>\S.{{0,100}})", i),
        author_label=re.compile(rf"(?:{_alt(bl['author_prefixes'])})\s*:?", i),
        byline_word=re.compile(rf"(?<!\w)(?:{_alt(bl['byline_words'])})(?!\w)", i),
        cue=re.compile(rf"(?<!\w)(?:{_alt(bl['published_cues'])})(?!\w)", i),
        citing=re.compile(rf"(?<!\w)(?:{_alt(bl['citing_cues'])})(?!\w)|{bl['citing_as']}", i),
        published_label=re.compile(rf"(?:{_alt(bl['published_labels'])})\s*[:\-–—]?\s*", i),
        not_outlets=frozenset(str(w).lower() for w in bl["not_outlets"]),
        patterns=tuple(bl["outlet_patterns"]),
        kazakh=frozenset(lg["kazakh_letters"]),
        ukrainian=frozenset(lg["ukrainian_letters"]),
        stopwords={k: frozenset(v) for k, v in lg["stopwords"].items()},
    )


@lru_cache(maxsize=1)
def _table_outlets() -> tuple[tuple[str, tuple[str, ...], tuple[str, ...]], ...]:
    """Return (name, aliases, hosts) of the publishers in tables/outlets.yml."""
    raw = _read("outlets.yml").get("outlets") or []
    return tuple(
        (
            str(o["name"]),
            tuple(str(a) for a in o.get("aliases") or ()),
            tuple(str(h) for h in o.get("hosts") or ()),
        )
        for o in raw
    )


@dataclass(frozen=True)
class _Outlets:
    alias_of: dict[str, str]  # lowercased alias -> display name
    host_of: dict[str, str]  # host without "www." -> display name
    patterns: tuple[re.Pattern, ...]
    known: re.Pattern  # any known alias


@lru_cache(maxsize=16)
def _outlet_rules(outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> _Outlets:
    """Return the outlet aliases, hosts and byline patterns for these research.yml outlets.

    research.yml names win: an entry of tables/outlets.yml that shares an alias with one of
    them lends it its other aliases and hosts under the research.yml name.
    """
    alias_of: dict[str, str] = {}
    for name, aliases in outlets:
        for a in (name, *aliases):
            alias_of[a.lower()] = name
    host_of: dict[str, str] = {}
    for name, aliases, hosts in _table_outlets():
        own = next((alias_of[a.lower()] for a in (name, *aliases) if a.lower() in alias_of), name)
        for a in (name, *aliases):
            alias_of.setdefault(a.lower(), own)
        for h in hosts:
            host_of.setdefault(h.lower().removeprefix("www."), own)
    for alias, name in list(alias_of.items()):
        if DOMAIN.fullmatch(alias):
            host_of.setdefault(alias, name)
    known = _alt(alias_of) if alias_of else r"(?!x)x"
    domain = r"[A-Za-z0-9][\w-]*(?:\.[a-z]{2,6})+"  # a domain: Inform.kz, tengrinews.kz
    words = rf"[{UPPER}][\w-]*(?:\s+[{UPPER}][\w-]*){{0,2}}"  # up to three capitalised words
    outlet = rf"(?<![\w.])(?P<outlet>(?i:{known})|{domain})(?![\w])"  # aliases are stored lowercased
    media = rf"(?<![\w.])(?P<outlet>(?i:{known})|{domain}|{words})(?![\w])"
    pats = tuple(
        re.compile(
            rf"(?:^|(?<=[\s,.;:—–(«\"]))(?:{p.replace('{outlet}', outlet).replace('{media}', media)})"
            rf"(?=\s*(?:[.,;:!»\")]|$))"
        )
        for p in _rules().patterns
    )
    known_re = re.compile(rf"(?<![\w.])(?:{known})(?![\w])", re.IGNORECASE)
    return _Outlets(alias_of, host_of, pats, known_re)


def outlet_for_host(url: str | None, outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """Return the known outlet whose site this http(s) URL is on ("en.trend.az" -> Trend), or None."""
    if not url:
        return None
    try:
        host = (urlsplit(url).hostname or "").lower().removeprefix("www.")
    except ValueError:
        return None
    host_of = _outlet_rules(outlets).host_of
    parts = host.split(".")
    for k in range(len(parts) - 1):
        name = host_of.get(".".join(parts[k:]))
        if name:
            return name
    return None


def outlet_aliases(name: str | None, outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> tuple[str, ...]:
    """Return the aliases of the known outlet with this display name, or ()."""
    if not name:
        return ()
    return tuple(sorted(a for a, n in _outlet_rules(outlets).alias_of.items() if n == name))


def known_outlet(name: str | None, outlets: tuple[tuple[str, tuple[str, ...]], ...]) -> str | None:
    """Return the display name of a known outlet named this way, or None."""
    if not name:
        return None
    return _outlet_rules(outlets).alias_of.get(_collapse(name).lower())


# ---------------------------------------------------------------- decoding


def _decode(data: bytes) -> tuple[str | None, str, str | None]:
    """Return (text, encoding, problem): UTF-8 first, then the best legacy guess."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "utf-16", None
        except UnicodeDecodeError:
            return None, "", "not valid UTF-16 despite its byte-order mark"
    try:
        return data.decode("utf-8-sig"), "utf-8", None
    except UnicodeDecodeError:
        pass
    candidates: list[str] = []
    try:
        from charset_normalizer import from_bytes

        best = from_bytes(data).best()
        if best is not None:
            candidates.append(best.encoding)
    except Exception:  # noqa: BLE001 - detection is best effort
        pass
    candidates += ["cp1251", "koi8_r", "cp1252"]
    best_text, best_enc, best_score = None, "", -1.0
    for enc in dict.fromkeys(candidates):
        try:
            text = data.decode(enc)
        except (UnicodeDecodeError, LookupError):
            continue
        score = _plausibility(text)
        if score > best_score:
            best_text, best_enc, best_score = text, enc, score
    if best_text is None or best_score < 0.5:
        return None, "", "cannot decode: not UTF-8, and no legacy encoding gives readable text"
    return best_text, best_enc.lower().replace("_", "-").replace("windows-", "cp"), None


def _plausibility(text: str) -> float:
    """Score how readable a decoding is: letters mostly lowercase, few symbols and controls."""
    letters = [c for c in text if c.isalpha()]
    if not letters:
        return 0.0
    lower = sum(c.islower() for c in letters) / len(letters)
    odd = sum(
        1 for c in text if not (c.isalnum() or c.isspace() or c in ".,;:!?-–—\"'«»()%/№+&@#*’“”…")
    ) / len(text)
    controls = sum(1 for c in text if unicodedata.category(c) == "Cc" and c not in "\n\r\t") / len(text)
    accented = sum(1 for c in letters if "\u00c0" <= c <= "\u00ff") / len(letters)
    scripts = {("cyr" if "\u0400" <= c <= "\u04ff" else "lat" if c < "\u0250" else "other") for c in letters}
    return lower - 2 * odd - 5 * controls - accented - 0.2 * (len(scripts) - 1)


def _is_binary(data: bytes) -> bool:
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return False  # UTF-16 with a byte-order mark
    if b"\x00" in data[:65536]:
        return True
    head = data[:4096]
    ctrl = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    return ctrl > max(2, len(head) // 20)


def _normalise(text: str) -> str:
    text = unicodedata.normalize("NFC", text.replace("\r\n", "\n").replace("\r", "\n"))
    return CONTROL.sub("", text.replace("\u00a0", " "))


# ---------------------------------------------------------------- front matter


class _FrontMatterLoader(yaml.SafeLoader):
    """A safe YAML loader that leaves dates as strings (validated by _iso, never raising)."""


_FrontMatterLoader.yaml_implicit_resolvers = {
    k: [(tag, rx) for tag, rx in v if tag != "tag:yaml.org,2002:timestamp"]
    for k, v in yaml.SafeLoader.yaml_implicit_resolvers.items()
}


def _whole_characters(value: str) -> str:
    """Join the surrogate pairs a YAML escape spells ("\\ud800\\udc00"); a lone one becomes U+FFFD.

    Text with a lone surrogate cannot be written as UTF-8, so it must not reach a page or an export.
    """
    return value.encode("utf-16", "surrogatepass").decode("utf-16", "replace")


def _front_matter(text: str) -> tuple[dict | None, str, int, str | None]:
    """Return (meta, body, lines used, problem) for text that may start with YAML front matter."""
    if not text.startswith("---\n"):
        return None, text, 0, None
    lines = text.split("\n")
    end = next((i for i in range(1, len(lines)) if lines[i].rstrip() in ("---", "...")), None)
    if end is None:
        return None, text, 0, "broken front matter at line 1: no closing '---' line"
    block = "\n".join(lines[1:end])
    try:
        meta = yaml.load(block, Loader=_FrontMatterLoader) if block.strip() else {}  # noqa: S506
    except (yaml.YAMLError, ValueError, TypeError, RecursionError) as exc:
        mark = getattr(exc, "problem_mark", None)
        line = mark.line + 2 if mark is not None else 1
        problem = getattr(exc, "problem", None) or str(exc).splitlines()[0]
        return None, text, 0, f"broken front matter at line {line}: {problem}"
    if meta is None:
        meta = {}
    if not isinstance(meta, dict):
        return (
            None,
            text,
            0,
            "broken front matter at line 2: expected 'key: value' lines, not a list or a value",
        )
    return meta, "\n".join(lines[end + 1 :]), end + 1, None


def _iso(value: object) -> tuple[str, str] | None:
    """Return (ISO date, precision) for a front-matter date, or None."""
    if isinstance(value, dt.datetime):
        value = value.date()
    if isinstance(value, dt.date):
        return value.isoformat(), "day"
    if isinstance(value, int) and 1900 <= value <= 2100:
        return f"{value:04d}", "year"
    s = str(value).strip()
    for fmt, precision, n in (("%Y-%m-%d", "day", 10), ("%Y-%m", "month", 7), ("%Y", "year", 4)):
        try:
            d = dt.datetime.strptime(s[:n], fmt)
        except ValueError:
            continue
        if n == 10 and len(s) > 10 and s[10] not in "T ":
            continue
        if n < 10 and len(s) != n:
            continue
        if 1900 <= d.year <= 2100:
            return d.strftime(fmt), precision
    found = [m for m in find_dates(s, "en") + find_dates(s, "ru") if not m.relative]
    if found:
        return found[0].value, found[0].precision
    return None


# ---------------------------------------------------------------- cleaning


def _collapse(s: str) -> str:
    return re.sub(r"\s+", " ", s).strip()


def _full(pattern: re.Pattern, line: str) -> re.Match | None:
    return pattern.fullmatch(line.strip())


def _is_headline(line: str) -> bool:
    s = line.strip()
    return bool(s) and len(s) <= 200 and (bool(_rules().bullet.match(line)) or s[-1] not in '.!?…:;»"”')


@dataclass
class _Found:
    """What cleaning noticed on the way: hints for the metadata."""

    author: str | None = None
    outlet: str | None = None
    captions: tuple[str, ...] = ()
    prefix_date: str | None = None
    labels: tuple[str, ...] = ()
    label_date: tuple[str, str] | None = None
    stamp_date: tuple[str, str] | None = None  # a timestamp line at the top: "08:47, 15 May 2024 | GMT +6"
    dateline: str | None = None  # a dateline alone on its line: "BAKU, Azerbaijan, May 15"


def _clean(lines: list[str], alias_of: dict[str, str], found: _Found) -> list[str]:
    """Drop boilerplate lines; return the remaining lines with bullets stripped, not yet collapsed."""
    r = _rules()
    tail = _tail_start(lines)
    if tail is not None:
        lines = lines[:tail]
    stripped = page_chrome.strip(lines, keep=lambda line: _metadata_line(line, alias_of), reserve=_labelled)
    found.stamp_date = found.stamp_date or stripped.timestamp
    lines = list(stripped.lines)
    out: list[str] = []
    captions: list[str] = []
    i = 0
    while i < len(lines):
        line = lines[i]
        s = line.strip()
        i += 1
        if not s:
            out.append("")
            continue
        if _full(r.share, s) or _full(r.promo, s) or _full(r.list_inline, s):
            continue
        if _full(r.author_label, s):  # "Автор" alone, the name on the next line
            nxt = next((j for j in range(i, len(lines)) if lines[j].strip()), None)
            if nxt is not None and PERSON.fullmatch(_collapse(lines[nxt]).rstrip(".")):
                found.author = found.author or _collapse(lines[nxt]).rstrip(".")
                lines[nxt] = ""
                continue
        if DOTTED_SIGNATURE.fullmatch(s) and found.outlet is None:
            parts = [p.strip() for p in s.rstrip(".").split(".")]
            names = [alias_of[p.lower()] for p in parts if p.lower() in alias_of]
            dated = any(
                re.search(r"\d", p) and any(month_number(w) for w in re.findall(r"[^\W\d_]+", p))
                for p in parts
            )
            if names and dated:
                found.outlet = names[0]
                continue
        if SPEAKER_LINE.fullmatch(s) and len(s.split()) <= 14:  # the quote that follows stays
            continue
        m = _dateline(s + " ")
        if m and m.end() >= len(s) and found.dateline is None:  # the dateline alone: metadata, not text
            found.dateline = s
            continue
        m = BY_AGENCY.fullmatch(s)
        if m and _signature_name(m.group("outlet"), alias_of):
            found.author = found.author or m.group("name")
            found.outlet = found.outlet or _signature_name(m.group("outlet"), alias_of)
            continue
        m = BY_OUTLET.fullmatch(s)
        if m and m.group("outlet").lower() in alias_of:
            found.outlet = found.outlet or alias_of[m.group("outlet").lower()]
            continue
        m = _full(r.author_line, s)
        if m:
            name = _collapse(m.group("name")).rstrip(".")
            if name and found.author is None:
                found.author = name
            continue
        m = r.outlet_label.fullmatch(s)
        if m and m.group("name").lower() in alias_of:
            found.outlet = found.outlet or alias_of[m.group("name").lower()]
            continue
        m = BY_LINE.fullmatch(s)
        if m:
            found.author = found.author or m.group("name")
            continue
        if _full(r.caption, s) or (_full(r.caption_in, s) and s[-1] not in ".!?"):
            captions.append(s)
            continue
        label = r.published_label.match(s)
        if label and label.group(0).strip() and not found.label_date:
            dates = [d for d in find_dates(s[label.end() :], "") if not d.relative]
            rest = s[label.end() :]
            if dates and not re.sub(r"[\s,.:\d]", "", rest.replace(dates[0].text, "", 1)):
                found.label_date = (dates[0].value, dates[0].precision)
                continue
            stamp = page_chrome.timestamp(rest)  # "Published: 08:47, 15 May 2024 | GMT +6"
            if isinstance(stamp, tuple):
                found.label_date = stamp
                continue
        if _full(r.list_header, s):
            # the header and the headline list after it, with its timestamps and teasers
            while i < len(lines) and (not lines[i].strip() or _is_headline(lines[i]) or _is_teaser(lines[i])):
                i += 1
            continue
        out.append(line)
    found.captions = tuple(captions)
    return out


def _metadata_line(line: str, alias_of: dict[str, str]) -> bool:
    """Tell whether a short line is one _clean or _trailing reads: an outlet, an author, a list header."""
    r = _rules()
    s = _collapse(line).strip(" .")
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
    m = _rules().published_label.match(s)
    return bool(m and m.group(0).strip() and re.search(r"\d", s[m.end() :]))


def _tail_start(lines: list[str]) -> int | None:
    """Return the index of a readers' comments header ("Комментарии") after the article, or None."""
    r = _rules()
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


def _signature_name(name: str, alias_of: dict[str, str]) -> str | None:
    """Return the outlet a signature names: a known alias or a domain; None for anything else."""
    name = _collapse(name).strip(" .,")
    if name.lower() in alias_of:
        return alias_of[name.lower()]
    if DOMAIN.fullmatch(name):
        return name
    return None


def _teaser_tail(lines: list[str]) -> list[str]:
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


def _trailing(lines: list[str], alias_of: dict[str, str], found: _Found) -> list[str]:
    """Remove a trailing lone outlet line and a trailing author-name line."""
    lines = list(lines)
    changed = True
    while changed:
        changed = False
        while lines and not lines[-1].strip():
            lines.pop()
        if len(lines) < 2:
            break
        last = _collapse(lines[-1]).strip(" .")
        if last.lower() in alias_of:
            found.outlet = found.outlet or alias_of[last.lower()]
            lines.pop()
            changed = True
        elif DOMAIN.fullmatch(last):
            found.outlet = found.outlet or last
            lines.pop()
            changed = True
        elif PERSON.fullmatch(last) and last.lower() not in _rules().not_outlets:
            if found.author is None:
                found.author = last
            lines.pop()
            changed = True
    return lines


def _top(lines: list[str], found: _Found, alias_of: dict[str, str] | None = None) -> list[str]:
    """Remove category labels above the title: hashtag lines, known rubrics, single-word lines,
    and the site's name (a known outlet or a domain: the page's logo, its publisher).

    A label is removed only when a title and a paragraph still follow it, and a
    single unknown word only when the next line looks like a title.
    """
    r = _rules()
    lines = list(lines)
    labels = []
    while True:
        idx = [k for k, x in enumerate(lines) if x.strip()]
        if len(idx) < 3:
            break
        first, nxt = (r.bullet.sub("", lines[k], count=1).strip() for k in idx[:2])
        hashtag = first.startswith("#") and not first.startswith("# ")
        title_like = len(nxt) <= 200 and nxt[-1] not in ".!?…;:"
        site = _signature_name(first, alias_of or {})
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


# ---------------------------------------------------------------- metadata


# The letters _detect_language counts (str.isalpha within these blocks).
CYRILLIC_LETTER = re.compile("[\u0400-\u0481\u048a-\u04ff]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def _detect_language(text: str, default: str = "en") -> str:
    """Return the ISO 639-1 code of the text from its script and stop words."""
    r = _rules()
    if not any(map(str.isalpha, text)):
        return default
    low = text.lower()
    cyr = len(CYRILLIC_LETTER.findall(low))
    lat = len(LATIN_LETTER.findall(low))
    words = re.findall(r"[^\W\d_]+", low)
    if cyr >= lat:
        kk = sum(map(low.count, r.kazakh))
        if kk >= 3 and kk / cyr > 0.01:
            return "kk"
        uk_letters = sum(map(low.count, r.ukrainian))
        uk = sum(map(r.stopwords["uk"].__contains__, words)) + 3 * uk_letters
        ru = sum(map(r.stopwords["ru"].__contains__, words))
        if "і" in low and uk > ru:
            return "uk"
        return "ru"
    counts = {lang: sum(map(r.stopwords[lang].__contains__, words)) for lang in ("en", "de", "fr")}
    best = max(counts, key=lambda k: (counts[k], k == "en"))
    return best if counts[best] else default


def _sentences(text: str) -> list[str]:
    """Return the sentences of text, split where builder.nlp.sentences splits (abbreviations known)."""
    return [text[a:b] for a, b in split_sentences(text)]


def _signature(paragraphs: list[str], alias_of: dict[str, str]) -> str | None:
    """Return the agency a signature at the start of the article names ("/ТАСС/",
    "Tengrinews.kz —", "(UzDaily.com)", "TASHKENT (TCA) —"), or None."""
    for para in paragraphs[:3]:
        head = para[:300]
        m = WIRE_OPENING.match(head)
        if m and m.group("o") and m.group("o").lower() in alias_of:
            return alias_of[m.group("o").lower()]
        m = CITY_PAREN_SIG.match(head)  # "TASHKENT (TCA) —", known agencies only: not "BRUSSELS (EU) –"
        if m and m.group("o").lower() in alias_of:
            return alias_of[m.group("o").lower()]
        for m in SLASH_SIG.finditer(head):
            name = _signature_name(m.group("o"), alias_of)
            if name:
                return name
            o = m.group("o").strip()
            if ALL_CAPS.fullmatch(o) and o.lower() not in _rules().not_outlets:
                return o
        m = DASH_SIG.match(head)
        if m and _signature_name(m.group("o"), alias_of):
            return _signature_name(m.group("o"), alias_of)
        for m in PAREN_SIG.finditer(head[:200]):
            name = _signature_name(m.group("o"), alias_of)
            if name:
                return name
    return None


def _find_outlet(paragraphs: list[str], found: _Found, outlets) -> str | None:
    """Return the publisher the text signs with, or None: a source it cites is not one."""
    rules = _outlet_rules(outlets)
    alias_of, known_re = rules.alias_of, rules.known
    r = _rules()
    name = _signature(paragraphs, alias_of)
    if name:
        return name
    region = paragraphs[:LEAD_PARAGRAPHS]  # a signature signs the lead; further down, "X reports" quotes X
    for para in region:
        for sent in _sentences(para):
            for pat in rules.patterns:
                for m in pat.finditer(sent):
                    name = m.group("outlet").strip()
                    canon = alias_of.get(name.lower())
                    if canon:
                        return canon
                    if name.lower() in r.not_outlets or name.split()[0].lower() in r.not_outlets:
                        continue
                    return name
    for para in region:
        for sent in _sentences(para):
            if r.byline_word.search(sent) and not r.citing.search(sent):
                m = known_re.search(sent)
                if m:
                    return alias_of[m.group(0).lower()]
    if found.outlet:
        return found.outlet
    for cap in found.captions:  # "фото - Новости Zakon.kz": the site labels its own photo; a bare
        for m in r.outlet_label.finditer(cap):  # "Photo: tengrinews.kz" credits another outlet
            m2 = known_re.match(m.group("name"))
            if m2:
                return alias_of[m2.group(0).lower()]
    return None


DATELINE_RE = re.compile(
    rf"^[{UPPER}][{UPPER}\w .'-]{{1,40}}(?:,\s*[\w .'-]{{2,40}})?,\s*"
    r"(?P<md>(?P<m1>[^\W\d_]+)\.?\s+\d{1,2}|\d{1,2}\.?\s+(?P<m2>[^\W\d_]+))[.,:]?\s"
)


def _dateline(text: str) -> re.Match | None:
    """Return the match of a "CITY, Country, April 19." dateline at the start of text, or None."""
    m = DATELINE_RE.match(text)
    return m if m and month_number(m.group("m1") or m.group("m2")) else None


def _find_published(
    paragraphs: list[str], title: str, found: _Found, language: str
) -> tuple[str | None, str | None, str | None]:
    """Return (published, precision, how) from the text, or (None, None, None)."""
    if found.prefix_date:
        iso = _iso(found.prefix_date)
        if iso:
            return iso[0], iso[1], "date prefix"
    if found.label_date:
        return found.label_date[0], found.label_date[1], "label"
    if found.stamp_date:
        return found.stamp_date[0], found.stamp_date[1], "timestamp"
    r = _rules()
    m = _dateline(found.dateline + " ") if found.dateline else None
    m = m or (_dateline(paragraphs[0]) if paragraphs else None)
    if m:  # "PARIS, April 19.": the year is the latest one the text names
        years = [int(d.value[:4]) for p in paragraphs for d in find_dates(p, language) if not d.relative]
        for d in find_dates(m.group("md"), language, anchor=f"{max(years)}-12-31") if years else ():
            if d.precision == "day":
                return d.value, "day", "dateline"
    if paragraphs:  # "Астана, 2026 жылғы 5 қаңтар." / "PARIS, 3 March 2026 –": a full-date dateline
        head = [
            d for d in find_dates(paragraphs[0][:80], language) if d.precision == "day" and not d.relative
        ]
        if head and re.fullmatch(rf"[{UPPER}][\w .'-]{{1,40}},\s*", paragraphs[0][: head[0].start]):
            return head[0].value, "day", "dateline"
    for para in paragraphs[:3] + paragraphs[-3:]:
        m = r.published_label.match(para)
        if m and m.group(0).strip():
            ds = [d for d in find_dates(para[m.end() :], language) if not d.relative]
            if ds and ds[0].start < 5:
                return ds[0].value, ds[0].precision, "label"
    for cap in found.captions:
        ds = [d for d in find_dates(cap, language) if d.precision == "day" and not d.relative]
        if ds:
            return ds[0].value, "day", "caption"
    for para in paragraphs[:4]:
        for sent in _sentences(para):
            if r.cue.search(sent):
                ds = [d for d in find_dates(sent, language) if d.precision == "day" and not d.relative]
                if ds:
                    return ds[0].value, "day", "reported date"
    return None, None, None


def _slug(stem: str, data: bytes) -> str:
    s = unicodedata.normalize("NFKD", transliterate(stem)).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9_-]+", "-", s).strip("-_")
    s = re.sub(r"-{2,}", "-", s)[:80].strip("-_")
    return s or "source-" + hashlib.sha256(data).hexdigest()[:8]


def _title_from(line: str) -> str:
    """Return a title made from a long first line: its first sentence, shortened."""
    text = _collapse(line)
    m = _dateline(text)
    if m:
        text = text[m.end() :]
    m = WIRE_OPENING.match(text)  # "ASTANA. KAZINFORM – ", "PARIS. KAZINFORM ", "ASTANA – "
    if m and m.end() < len(text):
        text = text[m.end() :]
    first = _sentences(text)[0] if _sentences(text) else text
    if len(first) > TITLE_MAX:  # shortened at a word, and marked "…"
        cut = first[:TITLE_MAX].rsplit(" ", 1)[0].rstrip(",;:—– ")
        first = cut + "…"
    return first


# ---------------------------------------------------------------- entry points


def load_bytes(data: bytes, file: str, config: Config) -> Article | Rejected:
    """Return the Article in the bytes of a text or Markdown file, or Rejected with the reason; never raise."""
    try:
        return _load(data, file, config)
    except Exception as exc:  # noqa: BLE001 - one bad file must not stop the build
        return Rejected(file, f"could not be loaded ({type(exc).__name__}: {exc})")


def _load(data: bytes, file: str, config: Config) -> Article | Rejected:
    limit = config.limits.max_file_bytes
    if len(data) > limit:
        return Rejected(file, f"file is {len(data)} bytes, over the limit of {limit}")
    if not data.strip(b" \t\r\n\x0b\x0c\xef\xbb\xbf"):
        return Rejected(file, "empty file")
    if _is_binary(data):
        return Rejected(file, "binary file (not text)")
    raw, encoding, problem = _decode(data)
    if raw is None:
        return Rejected(file, problem or "cannot decode")
    warnings: list[str] = []  # a legacy encoding that decoded cleanly is no warning: Article.encoding says it
    text = _normalise(raw)
    if not text.strip():
        return Rejected(file, "empty file")

    meta, body, _, problem = _front_matter(text)
    if problem:
        return Rejected(file, problem)
    meta = meta or {}
    clean_meta: dict[str, object] = {}
    for key in sorted(meta, key=str):
        value = meta[key]
        if key not in FRONT_MATTER_KEYS:
            warnings.append(f"unknown front matter key '{key}' ignored")
        elif isinstance(value, (list, dict, set, tuple)):
            warnings.append(f"front matter '{key}' is not a single value; ignored")
        else:
            clean_meta[str(key)] = _whole_characters(value) if isinstance(value, str) else value
    return assemble(data, file, config, clean_meta, body, encoding=encoding, warnings=tuple(warnings))


def _items(lines: list[str]) -> list[str]:
    """Return the non-empty lines as paragraph texts: bullets and Markdown heading marks gone."""
    r = _rules()
    items = []
    for line in lines:
        if not line.strip():
            continue
        s = r.bullet.sub("", line, count=1)
        s = re.sub(r"^#{1,6}\s+", "", s.strip())
        s = IMAGE_ID_PREFIX.sub("", _collapse(s))
        if s:
            items.append(s)
    return items


def _unrepeated(items: list[str]) -> list[str]:
    """Drop a paragraph that repeats an earlier one word for word (a pull quote, a repeated teaser)."""
    seen: set[str] = set()
    out = []
    for x in items:
        key = x.casefold()
        if key in seen and len(x) >= 20:
            continue
        seen.add(key)
        out.append(x)
    return out


def _headline(line: str) -> bool:
    """Tell whether a first line is a headline: short, no dateline, not a sentence that ends in a
    full stop (a one-sentence lead stays a paragraph)."""
    return len(line) <= 200 and not _dateline(line) and not line.rstrip().endswith((".", "…"))


def assemble(
    data: bytes,
    file: str,
    config: Config,
    meta: dict[str, object],
    body: str,
    *,
    encoding: str = "utf-8",
    warnings: tuple[str, ...] = (),
    fallback_outlet: str | None = None,
    retrieved: str | None = None,
) -> Article | Rejected:
    """Return the Article of this decoded body and its metadata (front matter or a page's own).

    meta holds front-matter keys (title, date, outlet, author, language, url, id); what it
    gives wins over what the text says. fallback_outlet is used only when neither meta, the
    URL's host nor a signature in the text names the publisher.
    """
    too_large = bounds.too_large(body, config.limits)
    if too_large:
        return Rejected(file, too_large)
    warnings_: list[str] = list(warnings)
    outlets = tuple((o.name, tuple(o.aliases)) for o in config.outlets)
    alias_of = _outlet_rules(outlets).alias_of
    found = _Found()
    lines = body.split("\n")
    nonempty = [k for k, x in enumerate(lines) if x.strip()][:DATE_PREFIX_LINES]
    for k in nonempty:
        m = DATE_PREFIX.match(lines[k])
        if m:
            found.prefix_date = m.group(1)
            lines[k] = lines[k][m.end() :]
            break
    before = sum(1 for x in lines if x.strip())
    lines = _clean(lines, alias_of, found)
    lines = _top(lines, found, alias_of)
    lines = _trailing(lines, alias_of, found)
    lines = _teaser_tail(lines)
    items = _items(lines)
    dropped = before - len(items)  # page chrome, bylines, labels: every line that left the text

    title = _collapse(str(meta["title"])) if meta.get("title") not in (None, "") else ""
    if not title and items:
        # Wire copy often has no headline: its first sentence stands in, and the paragraph
        # stays. That is normal input, not a problem, so it is no warning (--strict stays clean).
        title = items[0].rstrip() if _headline(items[0]) else _title_from(items[0])
    if title and (meta.get("title") not in (None, "") or _headline(items[0])):
        items = [x for x in items if x.casefold() != title.casefold()]
    repeated = len(items)
    items = _unrepeated(items)
    dropped += repeated - len(items)
    if not items:
        return Rejected(file, "no article text after removing boilerplate")
    if not title:
        title = PurePosixPath(file).stem

    max_p = config.limits.max_paragraphs
    if len(items) > max_p:
        warnings_.append(f"{len(items)} paragraphs, kept the first {max_p}")
        items = items[:max_p]
    paragraphs = tuple(Paragraph(f"p{k}", t) for k, t in enumerate(items, 1))

    language = None
    if meta.get("language") or meta.get("lang"):
        lv = str(meta.get("language") or meta.get("lang")).strip().lower()
        if re.fullmatch(r"[a-z]{2}", lv):
            language = lv
        else:
            warnings_.append(f"front matter language '{lv}' is not an ISO 639-1 code; detected instead")
    if language is None:
        language = _detect_language(title + "\n" + "\n".join(items[:50]), config.language)

    url = None
    if meta.get("url") not in (None, ""):
        u = str(meta["url"]).strip()
        if re.match(r"https?://[^\s<>\"'`]+$", u, re.IGNORECASE):
            url = u
        else:
            warnings_.append(f"front matter url '{u[:80]}' is not an http(s) address; dropped")

    outlet = _collapse(str(meta.get("outlet"))) if meta.get("outlet") not in (None, "") else None
    if outlet is not None:
        outlet = alias_of.get(outlet.lower(), outlet)
    else:
        outlet = outlet_for_host(url, outlets) or _find_outlet(items, found, outlets) or fallback_outlet
    author = _collapse(str(meta["author"])) if meta.get("author") not in (None, "") else found.author

    published = precision = None
    raw_date = meta.get("date", meta.get("published"))
    if raw_date not in (None, ""):
        iso = _iso(raw_date)
        if iso:
            published, precision = iso
        else:
            warnings_.append(f"front matter date '{raw_date}' is not a date; ignored")
    if published is None:
        published, precision, _ = _find_published(items, title, found, language)

    sid = _slug(PurePosixPath(file).stem, data)
    want = meta.get("id", meta.get("slug"))
    if want not in (None, ""):
        w = str(want).strip()
        if SAFE_SLUG.fullmatch(w):
            sid = w
        else:
            warnings_.append(f"front matter id '{w[:80]}' is not a safe slug ([a-z0-9_-]); ignored")

    return Article(
        id=sid,
        file=file,
        sha256=hashlib.sha256(data).hexdigest(),
        title=title,
        language=language,
        paragraphs=paragraphs,
        outlet=outlet,
        author=author,
        published=published,
        published_precision=precision,
        url=url,
        encoding=encoding,
        warnings=tuple(warnings_),
        chrome=dropped,
        retrieved=retrieved,
        file_id=_slug(PurePosixPath(file).stem, data),
    )
