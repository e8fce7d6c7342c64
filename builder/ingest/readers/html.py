"""Read a saved web page (.html, .htm) into an Article, or a Rejected saying why not.

trafilatura finds the main text (menus, sidebars, comments and footers are left out)
and the page's metadata: title, author, site name and canonical URL; htmldate reads
the publication date from the page's markup only (meta tags, JSON-LD, <time>), never
from dates in the text or the URL, so a date is the one the page states. The
paragraphs then go through the same cleaning as pasted text (builder.load.assemble),
which also drops chrome that trafilatura kept.

A page saved by ``research-site add`` starts with a comment naming where and when it
was fetched (see ``snapshot_comment``); a page saved by a browser may carry its
"saved from url=" comment. Either gives the URL when the page names no canonical one.

Pure over (bytes, file name, config); never raises.
"""

from __future__ import annotations

import re
from functools import lru_cache
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
RAW_TITLE = re.compile(rb"<title[^>]*>([^<]{1,300})</title>", re.IGNORECASE)
HTTP_URL = re.compile(r"https?://[^\s<>\"'`]+", re.IGNORECASE)
BLOCKS = ("p", "head", "item", "quote")
MIN_CHARS = 300  # an article has at least this much text after cleaning
MIN_SENTENCE_SHARE = 0.4  # a page whose paragraphs are mostly headlines is a list of links
TITLE_SEPARATORS = re.compile(r"\s+[|–—:-]\s+|\s+[|]\s*")


@lru_cache(maxsize=1)
def _error_title() -> re.Pattern:
    raw = yaml.safe_load((TABLES / "pages.yml").read_text("utf-8")) or {}
    words = sorted({str(w) for w in raw.get("error_titles") or []}, key=lambda w: (-len(w), w))
    alt = "|".join(re.escape(w).replace(r"\ ", r"\s+") for w in words) or r"(?!x)x"
    return re.compile(rf"(?<!\w)(?:{alt})(?!\w)", re.IGNORECASE)


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


def _clean_title(title: str, site: str | None, host: str | None) -> str:
    """Drop a " | Site name" or " - site.kz" tail from a page title."""
    title = " ".join(title.split())
    parts = TITLE_SEPARATORS.split(title)
    if len(parts) > 1:
        tail = parts[-1].strip().lower()
        names = {n.lower() for n in (site, host) if n}
        if tail in names or any(n and (n in tail or tail in n) for n in names):
            title = title[: title.lower().rfind(tail)].rstrip(" |–—:-")
    return title


def _outlet(url: str | None, site: str | None, config: Config) -> tuple[str | None, str | None]:
    """Return (outlet, fallback): the known outlet of the URL's host, else the page's site name;
    the bare host as the fallback when the text names no publisher either."""
    from builder.load import known_outlet, outlet_for_host

    outlets = tuple((o.name, tuple(o.aliases)) for o in config.outlets)
    host = (urlsplit(url).hostname or "").lower().removeprefix("www.") if url else ""
    by_host = outlet_for_host(url, outlets)
    if by_host:
        return by_host, None
    site = " ".join((site or "").split())
    if site and len(site) <= 60 and not HTTP_URL.match(site):
        return known_outlet(site, outlets) or site, None
    return None, host or None


def read(data: bytes, file: str, config: Config) -> Article | Rejected:
    """Return the Article in this saved web page, or Rejected with the reason; never raise."""
    try:
        return _read(data, file, config)
    except Exception as exc:  # noqa: BLE001 - one bad page must not stop the build
        return Rejected(file, f"could not be read as a web page ({type(exc).__name__}: {exc})")


def _read(data: bytes, file: str, config: Config) -> Article | Rejected:
    import trafilatura
    from htmldate import find_date

    from builder.load import assemble

    limit = config.limits.max_file_bytes
    if len(data) > limit:
        return Rejected(file, f"file is {len(data)} bytes, over the limit of {limit}")
    if not data.strip():
        return Rejected(file, "empty file")
    saved_url, retrieved = provenance(data)
    doc = trafilatura.bare_extraction(
        data,
        url=saved_url,
        with_metadata=True,
        include_comments=False,
        include_tables=False,
        include_images=False,
        favor_precision=True,
        deduplicate=False,
        date_extraction_params={"extensive_search": False, "original_date": True, "max_date": "2099-12-31"},
    )
    if doc is None or doc.body is None:
        return Rejected(file, "not an article: no main text found in the page")
    title = " ".join((doc.title or "").split())
    m = RAW_TITLE.search(data[:65536])
    raw_title = " ".join(m.group(1).decode("utf-8", "replace").split()) if m else ""
    for t in (raw_title, title):
        if _error_title().search(t):
            return Rejected(file, f"not an article: an error page ({t[:80]!r})")
    paragraphs = _paragraphs(doc.body)
    chars = sum(len(p) for p in paragraphs)
    if chars < MIN_CHARS:
        return Rejected(file, f"not an article: too little text ({chars} characters)")
    sentences = sum(1 for p in paragraphs if p.rstrip()[-1:] in '.!?…»"”' and len(p.split()) >= 6)
    if sentences / len(paragraphs) < MIN_SENTENCE_SHARE or sentences < 2:
        return Rejected(
            file,
            f"not an article: a list of headlines or links ({sentences} of {len(paragraphs)} "
            "paragraphs are sentences), such as a tag, section or search page",
        )

    url = doc.url if doc.url and HTTP_URL.fullmatch(doc.url) else saved_url
    outlet, fallback = _outlet(url, doc.sitename, config)
    host = (urlsplit(url).hostname or "").removeprefix("www.") if url else None
    date = find_date(
        data,
        extensive_search=False,
        original_date=True,
        min_date="1990-01-01",
        max_date="2099-12-31",
    )
    meta: dict[str, object] = {
        "title": _clean_title(title, doc.sitename, host) if title else "",
        "author": " ".join(doc.author.split()) if doc.author else None,
        "date": date or None,
        "outlet": outlet,
        "url": url,
    }
    meta = {k: v for k, v in meta.items() if v}
    got = assemble(
        data, file, config, meta, "\n\n".join(paragraphs), fallback_outlet=fallback, retrieved=retrieved
    )
    if isinstance(got, Rejected) and got.reason.startswith("no article text"):
        return Rejected(file, "not an article: no article text after removing page chrome")
    return got
