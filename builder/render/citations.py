"""Render the exports for reference managers and feed readers: BibTeX, CSL-JSON, RSS.

Every function takes source records shaped like the entries of ``data/sources.json``
(``id, file, title, outlet, author, language, published, published_precision,
published_inferred, topics, url``) and returns text. Output depends only on the
records: entries in a stable order, no build timestamps, every value escaped for
its format.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Mapping
from datetime import date, datetime, timezone
from email.utils import format_datetime
from html import escape as html_escape
from urllib.parse import quote
from xml.sax.saxutils import escape as xml_escape

from builder.render.exports import dump
from builder.render.markup import safe_url

Source = Mapping[str, object]

LANGUAGE_NAMES = {
    "ru": "russian",
    "en": "english",
    "kk": "kazakh",
    "de": "german",
    "fr": "french",
    "uk": "ukrainian",
    "ky": "kyrgyz",
    "uz": "uzbek",
}

# ------------------------------------------------------------------ helpers

_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\ufffe\uffff\ud800-\udfff]")
_WS = re.compile(r"\s+")


def _clean(value: object) -> str:
    """Return one line of text with control characters removed and spaces collapsed."""
    text = str(value)
    # Printable text has no control character and no whitespace but plain spaces
    # (str.isprintable, in C): most values need neither substitution.
    if text.isprintable() and "  " not in text and text[:1] != " " and text[-1:] != " ":
        return text
    return _WS.sub(" ", _CONTROL.sub("", text)).strip()


_ISO_DATE = re.compile(r"(\d{4})(?:-(\d{2})(?:-(\d{2}))?)?")


def _date_parts(published: object) -> list[int]:
    """Return [year], [year, month] or [year, month, day] from an ISO date, or []."""
    if not isinstance(published, str):
        return []
    m = _ISO_DATE.fullmatch(published.strip())
    if not m:
        return []
    parts = [int(g) for g in m.groups() if g is not None]
    if len(parts) > 1 and not 1 <= parts[1] <= 12:
        return parts[:1]  # no such month: the year alone
    if len(parts) > 2 and parts[2] > calendar.monthrange(parts[0], parts[1])[1] or parts[2:] == [0]:
        return parts[:2]  # no such day: the month alone
    return parts


def _sorted(sources: Iterable[Source]) -> list[Source]:
    return sorted(sources, key=lambda s: str(s.get("id", "")))


def _link(base: str, sid: str, directory_urls: bool) -> str:
    path = f"sources/{quote(sid, safe='')}/" if directory_urls else f"sources/{quote(sid, safe='')}.html"
    return base + path


# ------------------------------------------------------------------ BibTeX

_TEX = {
    "\\": r"\textbackslash{}",
    "{": r"\{",
    "}": r"\}",
    "%": r"\%",
    "$": r"\$",
    "&": r"\&",
    "#": r"\#",
    "_": r"\_",
    "^": r"\^{}",
    "~": r"\~{}",
}
_TEX_RE = re.compile("|".join(re.escape(c) for c in _TEX))
_SIMPLE_NAME = re.compile(r"[^\W\d_][\w.'’-]*(?: [^\W\d_][\w.'’-]*)*")


def tex(value: object) -> str:
    """Return text safe inside a braced BibTeX field: TeX specials escaped."""
    return _TEX_RE.sub(lambda m: _TEX[m.group()], _clean(value))


def bibtex_key(sid: str) -> str:
    """Return a BibTeX key made of the characters every parser accepts."""
    return re.sub(r"[^A-Za-z0-9_:.-]", "-", sid) or "source"


def _bib_url(url: object) -> str | None:
    ok = safe_url(url if isinstance(url, str) else None)
    if not ok:
        return None
    # Braces would unbalance the field; percent-encoding keeps the address the same.
    return ok.replace("{", "%7B").replace("}", "%7D")


_WORD = re.compile(r"\S+")
MONTH_MACROS = ("jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec")


def protect_case(title: str) -> str:
    """Return an escaped BibTeX title with every word that has a capital letter in braces.

    Bibliography styles lower-case titles ("Kazakhstan" would print "kazakhstan"); a braced
    word keeps its case. The title is escaped first (tex), so its own braces are escaped.
    """
    return _WORD.sub(
        lambda m: "{" + m.group() + "}" if any(c.isupper() for c in m.group()) else m.group(), title
    )


def _names(author: object) -> str | None:
    """Return the author field: a name BibTeX splits into given and family names, or one literal name.

    A name BibTeX could split wrongly ("A and B", "Last, First", an organisation of one
    word) stays one literal name, in braces.
    """
    name = _clean(author)
    if not name:
        return None
    simple = _SIMPLE_NAME.fullmatch(name) and " and " not in f" {name} " and " " in name
    return tex(name) if simple else "{" + tex(name) + "}"


def _note(src: Source) -> str | None:
    inferred = src.get("published_inferred")
    return f"Publication date inferred: {_clean(inferred)}" if inferred else None


def _bib_outlet(outlet: object, article: bool) -> list[tuple[str, str]]:
    """Return the outlet fields: journal of an @article, howpublished of a @misc, and publisher."""
    if not outlet:
        return []
    return [("journal" if article else "howpublished", tex(outlet)), ("publisher", tex(outlet))]


def _bib_date(parts: list[int]) -> list[tuple[str, str]]:
    """Return the date fields: the ISO date as precise as the source gives it, and its year."""
    if not parts:
        return []
    return [
        ("date", "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts))),
        ("year", str(parts[0])),
    ]


def _bib_language(lang: object) -> list[tuple[str, str]]:
    """Return the language fields: the code as given, and biblatex's langid for the languages it knows."""
    if not lang:
        return []
    fields = [("language", tex(lang))]
    if str(lang) in LANGUAGE_NAMES:
        fields.append(("langid", LANGUAGE_NAMES[str(lang)]))
    return fields


def _bib_link(src: Source) -> list[tuple[str, str]]:
    """Return the url field of a safe address and, with a full retrieval date, its urldate."""
    url = _bib_url(src.get("url"))
    if not url:
        return []
    fields = [("url", url)]
    accessed = _date_parts(str(src.get("retrieved") or "")[:10])
    if len(accessed) == 3:
        fields.append(("urldate", "{:04d}-{:02d}-{:02d}".format(*accessed)))
    return fields


def _bib_month(parts: list[int]) -> str:
    """Return the month line as the standard macro (jan, feb, ...), which every style prints by name."""
    return f",\n  month = {MONTH_MACROS[parts[1] - 1]}" if len(parts) > 1 else ""


def bibtex_entry(src: Source) -> str:
    """Return one BibTeX entry: @article when author, outlet and year are known (what the
    standard styles require of an article), @misc otherwise, with the outlet as howpublished.

    Fields in this order: title, author, outlet, date, language, link, note; the month macro last."""
    sid = str(src["id"])
    author = _names(src.get("author")) if src.get("author") else None
    outlet = src.get("outlet")
    parts = _date_parts(src.get("published"))
    article = bool(author and outlet and parts)
    note = _note(src)
    fields = [
        ("title", protect_case(tex(src.get("title") or sid))),
        *([("author", author)] if author else []),
        *_bib_outlet(outlet, article),
        *_bib_date(parts),
        *_bib_language(src.get("language")),
        *_bib_link(src),
        *([("note", tex(note))] if note else []),
    ]
    body = ",\n".join(f"  {name} = {{{value}}}" for name, value in fields)
    return f"@{'article' if article else 'misc'}{{{bibtex_key(sid)},\n{body}{_bib_month(parts)}\n}}\n"


def bibtex(sources: Iterable[Source]) -> str:
    """Return a BibTeX file with one entry per source, ordered by id."""
    header = "% Sources of the research site, one entry per article (key = source id).\n\n"
    return header + "\n".join(bibtex_entry(s) for s in _sorted(sources))


# ------------------------------------------------------------------ CSL-JSON


def csl_name(author: object) -> dict:
    """Return a CSL name: family and given names for "Given Family", a literal name otherwise."""
    name = _clean(author)
    simple = _SIMPLE_NAME.fullmatch(name) and " and " not in f" {name} " and " " in name
    if not simple:
        return {"literal": name}
    given, _, family = name.rpartition(" ")
    return {"family": family, "given": given}


def csl_item(src: Source) -> dict:
    """Return one CSL-JSON item (type article-newspaper)."""
    sid = str(src["id"])
    item: dict = {"id": sid, "type": "article-newspaper", "title": _clean(src.get("title") or sid)}
    if src.get("outlet"):
        item["container-title"] = _clean(src["outlet"])
        item["publisher"] = _clean(src["outlet"])
    if src.get("author") and _clean(src["author"]):
        item["author"] = [csl_name(src["author"])]
    elif src.get("outlet"):  # an unsigned article: its outlet stands as the author (Chicago)
        item["author"] = [{"literal": item["container-title"]}]
    else:  # nobody named: the title takes the author's place (APA), so styles print it once
        item["author"] = [{"literal": item.pop("title")}]
    parts = _date_parts(src.get("published"))
    if parts:
        item["issued"] = {"date-parts": [parts]}
        if src.get("published_inferred"):
            item["issued"]["circa"] = True
    if src.get("language"):
        item["language"] = _clean(src["language"])
    url = safe_url(src.get("url") if isinstance(src.get("url"), str) else None)
    if url:
        item["URL"] = url
        accessed = _date_parts(str(src.get("retrieved") or "")[:10])
        if accessed:
            item["accessed"] = {"date-parts": [accessed]}
    note = _note(src)
    if note:
        item["note"] = note
    return item


def csl_json(sources: Iterable[Source]) -> str:
    """Return a CSL-JSON list, ordered by id, keys sorted, one item per line (as the other exports)."""
    return dump([csl_item(s) for s in _sorted(sources)])


# ------------------------------------------------------------------ RSS 2.0


def _xml(value: object) -> str:
    return xml_escape(_clean(value), {'"': "&quot;"})


def _rfc822(parts: list[int]) -> str | None:
    """Return the RFC 822 date of an ISO date's parts; a month stands for its 1st, a year for 1 January."""
    if not parts:
        return None
    try:
        day = date(*parts, *[1] * (3 - len(parts)))
    except (TypeError, ValueError):
        return None
    return format_datetime(datetime(day.year, day.month, day.day, tzinfo=timezone.utc))


def _newest_first(sources: Iterable[Source]) -> list[Source]:
    """Return dated sources newest first (ties by id), then undated ones by id."""
    parts = [(_date_parts(s.get("published")), s) for s in sources]
    dated = [(p, s) for p, s in parts if p]
    dated.sort(key=lambda ps: str(ps[1].get("id", "")))
    dated.sort(key=lambda ps: ps[0], reverse=True)
    return [s for _, s in dated] + _sorted(s for p, s in parts if not p)


def guid_line(src: Source) -> str:
    """Return a feed item's guid line: the digest of the article's file, so an edit reads as new."""
    return f'      <guid isPermaLink="false">{_xml(src.get("sha256") or src["id"])}</guid>'


def _channel(title: str, description: str, base: str, items: list[Source]) -> list[str]:
    """Return the feed's opening lines: the channel's title, link, description and newest date."""
    lines = [
        '<?xml version="1.0" encoding="UTF-8"?>',
        '<rss version="2.0" xmlns:dc="http://purl.org/dc/elements/1.1/">',
        "  <channel>",
        f"    <title>{_xml(title)}</title>",
        f"    <link>{_xml(base or './')}</link>",
        f"    <description>{_xml(description or title)}</description>",
    ]
    newest = next((d for d in (_rfc822(_date_parts(s.get("published"))) for s in items) if d), None)
    if newest:
        lines.append(f"    <pubDate>{newest}</pubDate>")
    return lines


def _item_summary(src: Source) -> list[str]:
    """Return an item's description line: outlet · author · date · language, if any is known."""
    summary = " · ".join(
        _clean(v)
        for v in (src.get("outlet"), src.get("author"), src.get("published"), src.get("language"))
        if v
    )
    if not summary:
        return []
    # RSS readers render <description> as HTML: escape for HTML, then for XML.
    return [f"      <description>{_xml(html_escape(summary, quote=False))}</description>"]


def _item_dublin_core(src: Source) -> list[str]:
    """Return an item's dc:creator and dc:language lines."""
    lines = []
    if src.get("author"):
        lines.append(f"      <dc:creator>{_xml(src['author'])}</dc:creator>")
    if src.get("language"):
        lines.append(f"      <dc:language>{_xml(src['language'])}</dc:language>")
    return lines


def _item_dates(src: Source) -> list[str]:
    """Return an item's pubDate line and, for a month or a year, a dc:date as precise as the source."""
    parts = _date_parts(src.get("published"))
    pub = _rfc822(parts)
    if not pub:
        return []
    lines = [f"      <pubDate>{pub}</pubDate>"]
    if len(parts) < 3:
        lines.append(f"      <dc:date>{'-'.join(f'{p:02d}' for p in parts)}</dc:date>")
    return lines


def _item(src: Source, base: str, directory_urls: bool) -> list[str]:
    """Return one feed item: title, link, guid, then its description, Dublin Core, date and topic lines."""
    sid = str(src["id"])
    return [
        "    <item>",
        f"      <title>{_xml(src.get('title') or sid)}</title>",
        f"      <link>{_xml(_link(base, sid, directory_urls))}</link>",
        guid_line(src),
        *_item_summary(src),
        *_item_dublin_core(src),
        *_item_dates(src),
        *(f"      <category>{_xml(topic)}</category>" for topic in src.get("topics") or ()),
        "    </item>",
    ]


def rss(
    sources: Iterable[Source],
    title: str,
    description: str,
    site_url: str = "",
    directory_urls: bool = True,
    limit: int = 100,
) -> str:
    """Return an RSS 2.0 feed of the newest sources, linking to their pages on the site.

    Links are absolute under ``site_url`` when it is a http(s) address, relative to the
    site root otherwise.
    """
    base = safe_url(site_url) or ""
    if base and not base.endswith("/"):
        base += "/"
    items = _newest_first(list(sources))[:limit]
    lines = _channel(title, description, base, items)
    for src in items:
        lines += _item(src, base, directory_urls)
    lines += ["  </channel>", "</rss>", ""]
    return "\n".join(lines)


# ------------------------------------------------------------------ all of them

_YES = {"1", "true", "yes", "on"}
_NO = {"0", "false", "no", "off"}


def site_settings(environ: Mapping[str, str]) -> dict:
    """Return the feed's site_url and URL style from the variables mkdocs.yml reads.

    SITE_URL gives absolute links, except in an OFFLINE=true build, which is read from
    disk; OFFLINE=true or USE_DIRECTORY_URLS=false mean ``page.html`` URLs, as MkDocs
    then writes them.
    """
    offline = environ.get("OFFLINE", "").strip().lower() in _YES
    flat = environ.get("USE_DIRECTORY_URLS", "").strip().lower() in _NO
    site_url = "" if offline else environ.get("SITE_URL", "").strip()
    return {"site_url": site_url, "directory_urls": not (offline or flat)}


def render_citations(
    sources: list[Source], title: str, description: str, site_url: str = "", directory_urls: bool = True
) -> dict[str, str]:
    """Return the BibTeX, CSL-JSON and RSS files for the records of data/sources.json."""
    return {
        "data/sources.bib": bibtex(sources),
        "data/sources.csl.json": csl_json(sources),
        "feed.xml": rss(sources, title, description, site_url, directory_urls),
    }
