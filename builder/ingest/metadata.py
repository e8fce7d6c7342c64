"""An article's language, outlet, publication date, title and slug, found in its text."""

from __future__ import annotations

import hashlib
import re
import unicodedata
from collections.abc import Callable

from builder.ingest.boilerplate import Noticed, find_dateline, signature_name
from builder.ingest.decode import collapse
from builder.ingest.frontmatter import iso_date
from builder.ingest.outlets import outlet_rules
from builder.ingest.tables import UPPER, table_rules
from builder.nlp.dates import find_dates
from builder.nlp.sentences import split as split_sentences
from builder.nlp.translit import transliterate

LEAD_PARAGRAPHS = 2  # where a byline signature ("..., Trend reports.") is looked for
TITLE_MAX = 150  # characters of a title made from a first sentence
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
ALL_CAPS = re.compile(rf"[{UPPER}][{UPPER}0-9-]{{2,15}}")
# "ASTANA. KAZINFORM – ", "PARIS. KAZINFORM ", "ASTANA – ": a city in capitals, maybe the agency
WIRE_OPENING = re.compile(
    rf"[{UPPER}][{UPPER}'’-]+(?:\s[{UPPER}][{UPPER}'’-]+)?(?:[.,]\s+(?P<o>[{UPPER}][{UPPER}0-9.-]{{2,30}})(?=\s))?"
    r"(?:\s*[—–-]+)?\s+"
)
# The letters detect_language counts (str.isalpha within these blocks).
CYRILLIC_LETTER = re.compile("[\u0400-\u0481\u048a-\u04ff]")
LATIN_LETTER = re.compile("[A-Za-z\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u024f]")


def detect_language(text: str, default: str = "en") -> str:
    """Return the ISO 639-1 code of the text from its script and stop words."""
    r = table_rules()
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
            name = signature_name(m.group("o"), alias_of)
            if name:
                return name
            o = m.group("o").strip()
            if ALL_CAPS.fullmatch(o) and o.lower() not in table_rules().not_outlets:
                return o
        m = DASH_SIG.match(head)
        if m and signature_name(m.group("o"), alias_of):
            return signature_name(m.group("o"), alias_of)
        for m in PAREN_SIG.finditer(head[:200]):
            name = signature_name(m.group("o"), alias_of)
            if name:
                return name
    return None


def find_outlet(paragraphs: list[str], found: Noticed, outlets) -> str | None:
    """Return the publisher the text signs with, or None: a source it cites is not one."""
    rules = outlet_rules(outlets)
    alias_of, known_re = rules.alias_of, rules.known
    r = table_rules()
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


def find_published(
    paragraphs: list[str], title: str, found: Noticed, language: str
) -> tuple[str | None, str | None, str | None]:
    """Return (published, precision, how) from the text, or (None, None, None).

    The sources of a date are tried in the order of DATE_SOURCES: the first that gives one wins.
    """
    for source in DATE_SOURCES:
        got = source(paragraphs, found, language)
        if got:
            return got
    return None, None, None


Dated = tuple[str, str, str]  # (published, precision, how)


def _prefix_date(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """The " date 2025-04-19" marker at the top of the file, when it is a date."""
    iso = iso_date(found.prefix_date) if found.prefix_date else None
    return (iso[0], iso[1], "date prefix") if iso else None


def _label_date(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """A labelled date line cleaning dropped ("Published: 5 January 2026")."""
    return (found.label_date[0], found.label_date[1], "label") if found.label_date else None


def _stamp_date(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """A timestamp line at the top of the page ("08:47, 15 May 2024 | GMT +6")."""
    return (found.stamp_date[0], found.stamp_date[1], "timestamp") if found.stamp_date else None


def _dateline(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """ "PARIS, April 19.": a dateline alone on its line, or opening the text; the year is the
    latest one the text names."""
    m = find_dateline(found.dateline + " ") if found.dateline else None
    m = m or (find_dateline(paragraphs[0]) if paragraphs else None)
    if not m:
        return None
    years = [int(d.value[:4]) for p in paragraphs for d in find_dates(p, language) if not d.relative]
    for d in find_dates(m.group("md"), language, anchor=f"{max(years)}-12-31") if years else ():
        if d.precision == "day":
            return d.value, "day", "dateline"
    return None


def _full_dateline(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """ "Астана, 2026 жылғы 5 қаңтар." / "PARIS, 3 March 2026 –": a place and a full date opening
    the text."""
    if not paragraphs:
        return None
    head = [d for d in find_dates(paragraphs[0][:80], language) if d.precision == "day" and not d.relative]
    if head and re.fullmatch(rf"[{UPPER}][\w .'-]{{1,40}},\s*", paragraphs[0][: head[0].start]):
        return head[0].value, "day", "dateline"
    return None


def _labelled_paragraph(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """A paragraph among the first or last three that opens with a date label and its date."""
    r = table_rules()
    for para in paragraphs[:3] + paragraphs[-3:]:
        m = r.published_label.match(para)
        if m and m.group(0).strip():
            ds = [d for d in find_dates(para[m.end() :], language) if not d.relative]
            if ds and ds[0].start < 5:
                return ds[0].value, ds[0].precision, "label"
    return None


def _caption_date(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """The first full date in a photo caption cleaning dropped."""
    for cap in found.captions:
        ds = [d for d in find_dates(cap, language) if d.precision == "day" and not d.relative]
        if ds:
            return ds[0].value, "day", "caption"
    return None


def _reported_date(paragraphs: list[str], found: Noticed, language: str) -> Dated | None:
    """A full date in a sentence of the first four paragraphs with a reporting cue ("сообщили")."""
    r = table_rules()
    for para in paragraphs[:4]:
        for sent in _sentences(para):
            if r.cue.search(sent):
                ds = [d for d in find_dates(sent, language) if d.precision == "day" and not d.relative]
                if ds:
                    return ds[0].value, "day", "reported date"
    return None


# The sources of a publication date in the text, in the order find_published tries them.
DATE_SOURCES: tuple[Callable[[list[str], Noticed, str], Dated | None], ...] = (
    _prefix_date,
    _label_date,
    _stamp_date,
    _dateline,
    _full_dateline,
    _labelled_paragraph,
    _caption_date,
    _reported_date,
)


def slug_for(stem: str, data: bytes) -> str:
    s = unicodedata.normalize("NFKD", transliterate(stem)).encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9_-]+", "-", s).strip("-_")
    s = re.sub(r"-{2,}", "-", s)[:80].strip("-_")
    return s or "source-" + hashlib.sha256(data).hexdigest()[:8]


def title_from(line: str) -> str:
    """Return a title made from a long first line: its first sentence, shortened."""
    text = collapse(line)
    m = find_dateline(text)
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
