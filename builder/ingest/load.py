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

    What meta gives (title, date, outlet, author, language, url, id) wins over what the text
    says; fallback_outlet counts only when neither meta, the URL's host nor a signature in the
    text names the publisher. In order: boilerplate dropped (_text), the title (_titled), the
    paragraphs numbered (_numbered), then language, url, outlet, author, date and id, each from
    meta or the text (a meta value that cannot be used is warned about, in that order).
    """
    too_large = bounds.too_large(body, config.limits)
    if too_large:
        return Rejected(file, too_large)
    warns: list[str] = list(warnings)
    outlets = tuple((o.name, tuple(o.aliases)) for o in config.outlets)
    alias_of = outlet_rules(outlets).alias_of
    found = Noticed()
    items, dropped = _text(body, alias_of, found)
    title, items = _titled(meta, items)
    repeated = len(items)
    items = _unrepeated(items)
    dropped += repeated - len(items)  # the title's copy is not counted: it is the title
    if not items:
        return Rejected(file, "no article text after removing boilerplate")
    title = title or PurePosixPath(file).stem
    paragraphs = _numbered(items, config.limits.max_paragraphs, warns)
    items = [p.text for p in paragraphs]
    language = _language(meta, warns) or detect_language(
        title + "\n" + "\n".join(items[:50]), config.language
    )
    url = _url(meta, warns)
    outlet = _outlet(meta, alias_of)
    if outlet is None:
        outlet = outlet_for_host(url, outlets) or find_outlet(items, found, outlets) or fallback_outlet
    author = collapse(str(meta["author"])) if _given(meta, "author") else found.author
    published, precision = _date(meta, warns) or find_published(items, title, found, language)[:2]
    file_id = slug_for(PurePosixPath(file).stem, data)
    return Article(
        id=_id(meta, warns) or file_id,
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
        warnings=tuple(warns),
        chrome=dropped,
        retrieved=retrieved,
        file_id=file_id,
    )


def _given(meta: dict[str, object], key: str) -> bool:
    """Tell whether meta gives a value for key (None and "" give none)."""
    return meta.get(key) not in (None, "")


def _text(body: str, alias_of: dict[str, str], found: Noticed) -> tuple[list[str], int]:
    """Return the paragraph texts of a body with its boilerplate dropped, and how many non-empty
    lines left the text (page chrome, bylines, labels); what the cleaning notices goes to found."""
    lines = body.split("\n")
    _take_date_prefix(lines, found)
    before = sum(1 for x in lines if x.strip())
    lines = clean_lines(lines, alias_of, found)
    lines = strip_top(lines, found, alias_of)
    lines = strip_trailing(lines, alias_of, found)
    lines = teaser_tail(lines)
    items = _items(lines)
    return items, before - len(items)


def _take_date_prefix(lines: list[str], found: Noticed) -> None:
    """Cut a " date 2025-04-19" marker from the start of one of the first non-empty lines (in
    place) and keep its date in found."""
    nonempty = [k for k, x in enumerate(lines) if x.strip()][:DATE_PREFIX_LINES]
    for k in nonempty:
        m = DATE_PREFIX.match(lines[k])
        if m:
            found.prefix_date = m.group(1)
            lines[k] = lines[k][m.end() :]
            return


def _titled(meta: dict[str, object], items: list[str]) -> tuple[str, list[str]]:
    """Return the title ("" when there is none) and the paragraphs without the title's copy.

    meta's title wins. Wire copy often has no headline: its first paragraph stands in (a
    headline as it is, a longer lead by its first sentence), and that paragraph stays. That is
    normal input, not a problem, so it is no warning (--strict stays clean).
    """
    title = collapse(str(meta["title"])) if _given(meta, "title") else ""
    if not title and items:
        title = items[0].rstrip() if _headline(items[0]) else title_from(items[0])
    if title and (_given(meta, "title") or _headline(items[0])):
        items = [x for x in items if x.casefold() != title.casefold()]
    return title, items


def _numbered(items: list[str], max_p: int, warns: list[str]) -> tuple[Paragraph, ...]:
    """Return the paragraphs p1, p2, ... of the first max_p texts, warning when more were cut."""
    if len(items) > max_p:
        warns.append(f"{len(items)} paragraphs, kept the first {max_p}")
        items = items[:max_p]
    return tuple(Paragraph(f"p{k}", t) for k, t in enumerate(items, 1))


def _language(meta: dict[str, object], warns: list[str]) -> str | None:
    """Return the ISO 639-1 code meta gives (language, or lang); None when it gives none or
    another value (that one with a warning: the language is detected instead)."""
    if not (meta.get("language") or meta.get("lang")):
        return None
    lv = str(meta.get("language") or meta.get("lang")).strip().lower()
    if re.fullmatch(r"[a-z]{2}", lv):
        return lv
    warns.append(f"front matter language '{lv}' is not an ISO 639-1 code; detected instead")
    return None


def _url(meta: dict[str, object], warns: list[str]) -> str | None:
    """Return the http(s) address meta gives; None when it gives none or another value (warned)."""
    if not _given(meta, "url"):
        return None
    u = str(meta["url"]).strip()
    if re.match(r"https?://[^\s<>\"'`]+$", u, re.IGNORECASE):
        return u
    warns.append(f"front matter url '{u[:80]}' is not an http(s) address; dropped")
    return None


def _outlet(meta: dict[str, object], alias_of: dict[str, str]) -> str | None:
    """Return the outlet meta gives, by its canonical name when it is a known alias; None when
    it gives none ("" when its value collapses to nothing: the text is not asked then)."""
    if not _given(meta, "outlet"):
        return None
    outlet = collapse(str(meta.get("outlet")))
    return alias_of.get(outlet.lower(), outlet)


def _date(meta: dict[str, object], warns: list[str]) -> tuple[str, str] | None:
    """Return (published, precision) of meta's date (or published); None when it gives none or
    a value that is not a date (warned)."""
    raw_date = meta.get("date", meta.get("published"))
    if raw_date in (None, ""):
        return None
    iso = iso_date(raw_date)
    if not iso:
        warns.append(f"front matter date '{raw_date}' is not a date; ignored")
    return iso or None


def _id(meta: dict[str, object], warns: list[str]) -> str | None:
    """Return the safe slug meta gives as id (or slug); None when it gives none or another
    value (warned)."""
    want = meta.get("id", meta.get("slug"))
    if want in (None, ""):
        return None
    w = str(want).strip()
    if SAFE_SLUG.fullmatch(w):
        return w
    warns.append(f"front matter id '{w[:80]}' is not a safe slug ([a-z0-9_-]); ignored")
    return None
