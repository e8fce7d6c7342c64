"""Turn the bytes of one seed file into an Article, or a Rejected saying why not.

Decode (decode.py), read optional YAML front matter (frontmatter.py), strip
boilerplate (boilerplate.py), find title, outlet, author, date and language
(metadata.py), and number the remaining paragraphs. Pure over (bytes, file
name, config); never raises. Patterns live in ``tables/boilerplate.yml`` and
``tables/bylines.yml``; page chrome in ``tables/chrome.yml`` (read by
``builder/ingest/chrome.py``); publishers beyond research.yml, with their hosts, in
``tables/outlets.yml``; languages in ``tables/languages.yml``.

Files of other types have readers of their own (``builder/ingest/readers/``: saved
web pages go to ``readers/html.py``); every reader ends in ``assemble``, so the
same cleaning and metadata rules apply to all of them.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import PurePosixPath

from builder.config import Config
from builder.ingest import bounds
from builder.ingest.boilerplate import (
    Noticed,
    clean_lines,
    find_dateline,
    strip_top,
    strip_trailing,
    teaser_tail,
)
from builder.ingest.decode import collapse, decode_bytes, is_binary, normalise
from builder.ingest.frontmatter import front_matter, iso_date, whole_characters
from builder.ingest.metadata import detect_language, find_outlet, find_published, slug_for, title_from
from builder.ingest.outlets import UPPER, outlet_for_host, outlet_rules
from builder.ingest.tables import table_rules
from builder.records import Article, Paragraph, Rejected

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
DATE_PREFIX = re.compile(r"^\s*date\s+(\d{4}-\d{2}-\d{2})\b\s*", re.IGNORECASE)
DATE_PREFIX_LINES = 5  # the " date 2025-04-19" marker is looked for at the start of this many first lines
# "NISI20150311_0010709072Nursultan ...": an image file id glued to the first word of a paragraph
IMAGE_ID_PREFIX = re.compile(rf"^[A-Z]{{2,12}}\d{{6,}}[_\d]*(?=[{UPPER}])")
SAFE_SLUG = re.compile(r"[a-z0-9][a-z0-9_-]{0,79}")


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
    if is_binary(data):
        return Rejected(file, "binary file (not text)")
    raw, encoding, problem = decode_bytes(data)
    if raw is None:
        return Rejected(file, problem or "cannot decode")
    warnings: list[str] = []  # a legacy encoding that decoded cleanly is no warning: Article.encoding says it
    text = normalise(raw)
    if not text.strip():
        return Rejected(file, "empty file")

    meta, body, _, problem = front_matter(text)
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
            clean_meta[str(key)] = whole_characters(value) if isinstance(value, str) else value
    return assemble(data, file, config, clean_meta, body, encoding=encoding, warnings=tuple(warnings))


def _items(lines: list[str]) -> list[str]:
    """Return the non-empty lines as paragraph texts: bullets and Markdown heading marks gone."""
    r = table_rules()
    items = []
    for line in lines:
        if not line.strip():
            continue
        s = r.bullet.sub("", line, count=1)
        s = re.sub(r"^#{1,6}\s+", "", s.strip())
        s = IMAGE_ID_PREFIX.sub("", collapse(s))
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
    return len(line) <= 200 and not find_dateline(line) and not line.rstrip().endswith((".", "…"))


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
    alias_of = outlet_rules(outlets).alias_of
    found = Noticed()
    lines = body.split("\n")
    nonempty = [k for k, x in enumerate(lines) if x.strip()][:DATE_PREFIX_LINES]
    for k in nonempty:
        m = DATE_PREFIX.match(lines[k])
        if m:
            found.prefix_date = m.group(1)
            lines[k] = lines[k][m.end() :]
            break
    before = sum(1 for x in lines if x.strip())
    lines = clean_lines(lines, alias_of, found)
    lines = strip_top(lines, found, alias_of)
    lines = strip_trailing(lines, alias_of, found)
    lines = teaser_tail(lines)
    items = _items(lines)
    dropped = before - len(items)  # page chrome, bylines, labels: every line that left the text

    title = collapse(str(meta["title"])) if meta.get("title") not in (None, "") else ""
    if not title and items:
        # Wire copy often has no headline: its first sentence stands in, and the paragraph
        # stays. That is normal input, not a problem, so it is no warning (--strict stays clean).
        title = items[0].rstrip() if _headline(items[0]) else title_from(items[0])
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
        language = detect_language(title + "\n" + "\n".join(items[:50]), config.language)

    url = None
    if meta.get("url") not in (None, ""):
        u = str(meta["url"]).strip()
        if re.match(r"https?://[^\s<>\"'`]+$", u, re.IGNORECASE):
            url = u
        else:
            warnings_.append(f"front matter url '{u[:80]}' is not an http(s) address; dropped")

    outlet = collapse(str(meta.get("outlet"))) if meta.get("outlet") not in (None, "") else None
    if outlet is not None:
        outlet = alias_of.get(outlet.lower(), outlet)
    else:
        outlet = outlet_for_host(url, outlets) or find_outlet(items, found, outlets) or fallback_outlet
    author = collapse(str(meta["author"])) if meta.get("author") not in (None, "") else found.author

    published = precision = None
    raw_date = meta.get("date", meta.get("published"))
    if raw_date not in (None, ""):
        iso = iso_date(raw_date)
        if iso:
            published, precision = iso
        else:
            warnings_.append(f"front matter date '{raw_date}' is not a date; ignored")
    if published is None:
        published, precision, _ = find_published(items, title, found, language)

    sid = slug_for(PurePosixPath(file).stem, data)
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
        file_id=slug_for(PurePosixPath(file).stem, data),
    )
