"""Read a saved web page (.html, .htm) into an Article, or a Rejected saying why not.

trafilatura finds the main text (menus, sidebars, comments and footers are left out)
and the page's metadata: title, author, site name and canonical URL; htmldate reads
the publication date from the page's metadata only (meta tags, JSON-LD, a full date in
the URL), then a date ending the page's <title> counts; never a date elsewhere in the
markup or the text, which may belong to another article. The
paragraphs then go through the same cleaning as pasted text (builder.ingest.load.assemble),
which also drops chrome that trafilatura kept.

A page saved by ``research-site add`` starts with a comment naming where and when it
was fetched (see ``snapshot_comment``); a page saved by a browser may carry its
"saved from url=" comment. Either gives the URL when the page names no canonical one.

Pure over (bytes, file name, config); never raises.
"""

from __future__ import annotations

import re
from functools import lru_cache
from html import unescape as html_unescape
from pathlib import Path
from urllib.parse import urlsplit

import yaml

from builder.config import Config
from builder.records import Article, Rejected

TABLES = Path(__file__).resolve().parent.parent.parent / "tables"
SNAPSHOT = re.compile(
    rb"<!--\s*research-site snapshot\s+url=(?P<url>\S+)\s+retrieved=(?P<at>\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ)\s*-->"
)
BROWSER_SAVED = re.compile(rb"<!--\s*saved from url=\(\d+\)(?P<url>https?://[^\s>]+)\s*-->", re.IGNORECASE)
OG_TITLE = re.compile(r"<meta\s[^>]*?property=[\"']og:title[\"'][^>]*>", re.IGNORECASE)
CONTENT = re.compile(r"\scontent=(?P<q>[\"'])(?P<v>.{1,300}?)(?P=q)", re.IGNORECASE | re.DOTALL)
RAW_TITLE = re.compile(r"<title[^>]*>([^<]{1,300})</title>", re.IGNORECASE)
HTTP_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
BLOCKS = ("p", "head", "item", "quote")
MIN_CHARS = 200  # an article has at least this much text (two short sentences of a wire flash)
MIN_SENTENCE_SHARE = 0.4  # a page whose paragraphs are mostly headlines is a list of links
TITLE_SEPARATORS = re.compile(r"\s+[|–—:-]\s+|\s+[|]\s*")


@lru_cache(maxsize=1)
def _company_words() -> re.Pattern:
    raw = yaml.safe_load((TABLES / "pages.yml").read_text("utf-8")) or {}
    words = sorted({str(w) for w in raw.get("not_author_words") or []}, key=lambda w: (-len(w), w))
    alt = "|".join(re.escape(w) for w in words) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.IGNORECASE)


@lru_cache(maxsize=1)
def _error_title() -> re.Pattern:
    raw = yaml.safe_load((TABLES / "pages.yml").read_text("utf-8")) or {}
    words = sorted({str(w) for w in raw.get("error_titles") or []}, key=lambda w: (-len(w), w))
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) or r"(?!x)x"
    codes = "|".join(re.escape(str(c)) for c in raw.get("error_codes") or []) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)|^\s*(?:{codes})\s*(?:[–—|:.-]|$)", re.IGNORECASE)


def snapshot_comment(url: str, retrieved: str) -> str:
    """Return the first line `add` writes into a saved page: its URL and retrieval time (UTC)."""
    safe = url.replace("--", "%2D%2D").replace(" ", "%20")
    return f"<!-- research-site snapshot url={safe} retrieved={retrieved} -->\n"


def provenance(data: bytes) -> tuple[str | None, str | None]:
    """Return (URL, retrieval time) a saved page records about itself in its first bytes."""
    head = data[:4096]
    m = SNAPSHOT.search(head)
    if m:
        return m.group("url").decode("ascii", "replace"), m.group("at").decode("ascii")
    m = BROWSER_SAVED.search(head)
    if m:
        return m.group("url").decode("ascii", "replace"), None
    return None, None


def _paragraphs(body) -> list[str]:
    """Return the text of each block of trafilatura's body tree, outermost blocks only."""
    out = []
    for el in body.iter(*BLOCKS):
        if any(a.tag in BLOCKS for a in el.iterancestors()):
            continue
        text = " ".join("".join(el.itertext()).split())
        if text:
            out.append(text)
    return out


def _clean_title(title: str, names: tuple[str, ...]) -> str:
    """Drop the tails a page title carries after the headline: " | Site name", " - site.kz", " | 19.01.2020"."""
    from builder.ingest.chrome import timestamp

    title = " ".join(title.split())
    lowered = {n.lower() for n in names if n}
    while True:
        parts = TITLE_SEPARATORS.split(title)
        if len(parts) < 2:
            return title
        tail = parts[-1].strip()
        low = tail.lower()
        # the site's name, or a tail that holds it ("Tengrinews.kz - Новости Казахстана"), or a date
        if not (low in lowered or any(len(n) > 3 and n in low for n in lowered) or timestamp(tail)):
            return title
        title = title[: title.lower().rfind(low)].rstrip(" |–—:-")


def _clean_author(author: str | None, names: tuple[str, ...]) -> str | None:
    """Return the people a page names as its author: no publisher, company or place.

    Pages often put the site ("Deutsche Welle"), a company ("Süddeutsche de GmbH") or a
    place ("Hamburg; Germany") in the author field; a part is kept only when it names a
    person: two to four words, not a known outlet, no company word.
    """
    if not author:
        return None
    lowered = {n.lower() for n in names if n}
    kept = []
    for part in re.split(r"\s*[;|/]\s*|\s+(?:and|und|et|и)\s+", author):
        part = " ".join(part.split()).strip(" ,.")
        words = part.split()
        if not 2 <= len(words) <= 4 or part.lower() in lowered or _company_words().search(part):
            continue
        if any(n in part.lower() for n in lowered if len(n) > 3):
            continue
        kept.append(part)
    return ", ".join(dict.fromkeys(kept)) or None


def _outlet(url: str | None, site: str | None, config: Config) -> tuple[str | None, str | None]:
    """Return (outlet, fallback): the known outlet of the URL's host, else the page's site name;
    the bare host as the fallback when the text names no publisher either."""
    from builder.ingest.outlets import known_outlet, outlet_for_host

    outlets = tuple((o.name, tuple(o.aliases)) for o in config.outlets)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
    by_host = outlet_for_host(url, outlets)
    if by_host:
        return by_host, None
    site = " ".join((site or "").split())
    if site and len(site) <= 60 and not HTTP_URL.match(site):
        return known_outlet(site, outlets) or site, None
    return None, host or None


def _page_date(data: bytes, url: str | None) -> str | None:
    """Return the publication date the page states in its metadata (meta tags, JSON-LD) or in
    a full date in its URL, through htmldate; None otherwise.

    htmldate's later stages (date-like elements, text patterns) are left out: they take the
    date of a related article or an image as readily as the page's own (a "class=date" span
    in a sidebar gave a 2013 article the date 2019-08-01).
    """
    from htmldate.core import examine_header, extract_url_date, json_search
    from htmldate.utils import Extractor, load_html
    from htmldate.validators import get_max_date, get_min_date

    tree = load_html(data)
    if tree is None:
        return None
    options = Extractor(False, get_max_date("2099-12-31"), get_min_date("1990-01-01"), True, "%Y-%m-%d")
    return examine_header(tree, options) or json_search(tree, options) or extract_url_date(url, options)


def _title_date(title: str) -> str | None:
    """Return the date a page title ends with ("... | DW | 10.06.2013"), or None."""
    from builder.ingest.chrome import timestamp

    parts = TITLE_SEPARATORS.split(title)
    found = timestamp(parts[-1]) if len(parts) > 1 else None
    return found[0] if isinstance(found, tuple) and found[1] == "day" else None


def _aliases(outlet: str | None, config: Config) -> tuple[str, ...]:
    """Return every name the builder knows for this outlet ("DW" for Deutsche Welle)."""
    from builder.ingest.outlets import outlet_aliases

    return outlet_aliases(outlet, tuple((o.name, tuple(o.aliases)) for o in config.outlets))


def read(data: bytes, file: str, config: Config) -> Article | Rejected:
    """Return the Article in this saved web page, or Rejected with the reason; never raise."""
    try:
        return _read(data, file, config)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the build
        return Rejected(file, f"could not be read as a web page ({type(exc).__name__}: {exc})")


def _read(data: bytes, file: str, config: Config) -> Article | Rejected:
    """The steps of read: the page's main text and metadata (_extract), its titles (_titles),
    refused when it is an error page or no article (_error_page, _not_text), the metadata as
    front matter (_meta), then the same cleaning as pasted text (assemble)."""
    from builder.ingest.load import assemble

    limit = config.limits.max_file_bytes
    if len(data) > limit:
        return Rejected(file, f"file is {len(data)} bytes, over the limit of {limit}")
    if not data.strip():
        return Rejected(file, "empty file")
    saved_url, retrieved = provenance(data)
    doc = _extract(data, saved_url)
    if doc is None:
        return Rejected(file, "not an article: no main text found in the page")
    title, raw_title = _titles(data, doc)
    problem = _error_page(raw_title, title)
    if problem:
        return Rejected(file, problem)
    paragraphs = _paragraphs(doc.body)
    problem = _not_text(paragraphs)
    if problem:
        return Rejected(file, problem)
    meta, fallback = _meta(data, doc, saved_url, title, raw_title, config)
    got = assemble(
        data, file, config, meta, "\n\n".join(paragraphs), fallback_outlet=fallback, retrieved=retrieved
    )
    if isinstance(got, Rejected) and got.reason.startswith("no article text"):
        return Rejected(file, "not an article: no article text after removing page chrome")
    return got


def _extract(data: bytes, saved_url: str | None):
    """Return trafilatura's document of the page (its main text in .body), or None when it finds none.

    Precision first; a page where that finds nothing gets the default extraction, and the
    chrome rules of assemble clean what it keeps.
    """
    import trafilatura

    options = {
        "url": saved_url,
        "with_metadata": True,
        "include_comments": False,
        "include_tables": False,
        "include_images": False,
        "deduplicate": False,
        "date_extraction_params": {
            "extensive_search": False,
            "original_date": True,
            "max_date": "2099-12-31",
        },
    }
    doc = trafilatura.bare_extraction(data, favor_precision=True, **options)
    if doc is None or doc.body is None:
        doc = trafilatura.bare_extraction(data, **options)
    if doc is None or doc.body is None:
        return None
    return doc


def _titles(data: bytes, doc) -> tuple[str, str]:
    """Return (title, raw title): the headline as the site gives it, and the page's <title>.

    og:title is the headline as the site gives it; trafilatura's title splits <title> at a dash
    when there is none ("France and the EU – Kazakhstan" would lose its end).
    """
    from trafilatura.utils import decode_file

    head = decode_file(data[:65536])  # the page's own encoding, as trafilatura reads it
    m = OG_TITLE.search(head)
    m = CONTENT.search(m.group(0)) if m else None
    og = " ".join(html_unescape(m.group("v")).split()) if m else ""
    title = og or " ".join((doc.title or "").split())
    m = RAW_TITLE.search(head)
    raw_title = " ".join(html_unescape(m.group(1)).split()) if m else ""
    return title, raw_title


def _error_page(raw_title: str, title: str) -> str | None:
    """Return why a page whose title says it is an error ("404 Not Found") is refused, or None."""
    for t in (raw_title, title):
        if _error_title().search(t):
            return f"not an article: an error page ({t[:80]!r})"
    return None


def _not_text(paragraphs: list[str]) -> str | None:
    """Return why these paragraphs are no article (too little text, mostly headlines), or None."""
    chars = sum(len(p) for p in paragraphs)
    if chars < MIN_CHARS:
        return f"not an article: too little text ({chars} characters)"
    sentences = sum(1 for p in paragraphs if p.rstrip()[-1:] in '.!?…»"”' and len(p.split()) >= 6)
    if sentences == 0 or (len(paragraphs) >= 4 and sentences / len(paragraphs) < MIN_SENTENCE_SHARE):
        return (
            f"not an article: a list of headlines or links ({sentences} of {len(paragraphs)} "
            "paragraphs are sentences), such as a tag, section or search page"
        )
    return None


def _meta(
    data: bytes, doc, saved_url: str | None, title: str, raw_title: str, config: Config
) -> tuple[dict[str, object], str | None]:
    """Return the page's metadata as front matter for assemble (title, author, date, outlet,
    url; empty values left out) and the fallback outlet (the bare host)."""
    url = doc.url if doc.url and HTTP_URL.fullmatch(doc.url) else saved_url
    outlet, fallback = _outlet(url, doc.sitename, config)
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else None
    names = tuple(n for n in (outlet, doc.sitename, host, *_aliases(outlet, config)) if n)
    date = _page_date(data, url) or _title_date(raw_title or title)
    meta: dict[str, object] = {
        "title": _clean_title(title, names) if title else "",
        "author": _clean_author(doc.author, names),
        "date": date or None,
        "outlet": outlet,
        "url": url,
    }
    return {k: v for k, v in meta.items() if v}, fallback
