"""Escape article text for Markdown pages, HTML and URLs.

Every piece of article text passes through ``md`` before it enters a page:
HTML specials and every character Markdown, attr_list, footnotes or Jinja
could read as syntax become numeric character references, which render as
the same characters and are never parsed as markup. Text placed inside a raw
HTML block (which Markdown never parses) goes through ``html`` instead.
"""

from __future__ import annotations

import re
import unicodedata
from urllib.parse import urlsplit

from markupsafe import Markup, escape

# Characters that start or end Markdown/HTML/Jinja syntax anywhere in a line.
_SPECIAL = set("&<>\"'`*_{}[]()#+-.!?|~^=:$%\\@")
_ESCAPE = {ord(c): f"&#{ord(c)};" for c in _SPECIAL}
# Invisible controls that can reorder or hide text (bidi overrides, isolates,
# zero-width characters): shown as a visible marker instead.
_INVISIBLE = re.compile("[\u202a-\u202e\u2066-\u2069\u200b-\u200f\u2060\ufeff\u00ad]")
# C0/C1 controls, surrogates and noncharacters are never text, and YAML (the pages'
# front matter) refuses some of them, which would turn the front matter into body text.
_NONCHARACTERS = "".join(
    chr(plane + low) for plane in range(0, 0x110000, 0x10000) for low in (0xFFFE, 0xFFFF)
)
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f\ud800-\udfff\ufdd0-\ufdef" + _NONCHARACTERS + "]")
_WS = re.compile(r"\s+")
# Anything visible() or _WS would change: controls, invisibles, noncharacters, runs of
# spaces and whitespace other than a plain space.
_UNUSUAL = re.compile(_CONTROL.pattern + "|" + _INVISIBLE.pattern + r"|[^\S ]| {2}")


def _unusual(s: str) -> bool:
    """Return True if visible() or _WS would change s.

    Everything _UNUSUAL finds is unprintable or a double space, so the C-level
    str.isprintable() answers for most text without the regex.
    """
    return not (s.isprintable() and "  " not in s) and _UNUSUAL.search(s) is not None


def visible(text: str) -> str:
    """Return text with invisible and control characters made visible or removed."""
    text = _CONTROL.sub("", text)
    return _INVISIBLE.sub(lambda m: f"⟨U+{ord(m.group()):04X}⟩", text)


def md(text: object) -> Markup:
    """Return article text as inline Markdown that renders as exactly that text."""
    if isinstance(text, Markup):
        return text
    s = str(text)
    if _unusual(s):  # most text has none of these: skip the three substitutions
        s = _WS.sub(" ", visible(s))
    return Markup(s.translate(_ESCAPE))


def html(text: object) -> Markup:
    """Return text escaped for an HTML attribute or element, on one line.

    Used for raw HTML blocks in pages, which Markdown passes through untouched
    (source paragraphs: far cheaper for MkDocs than inline Markdown).
    """
    if isinstance(text, Markup):
        return text
    s = str(text)
    if _unusual(s):
        s = _WS.sub(" ", visible(s))
    return escape(s)  # markupsafe's C escape: 17 times faster than str.translate with a table


def safe_url(url: str | None) -> str | None:
    """Return the URL if it is plain http(s) with a host, else None."""
    if not url:
        return None
    url = url.strip()
    try:
        parts = urlsplit(url)
    except ValueError:
        return None
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return None
    if any(c in url for c in " <>\"'`\\") or _CONTROL.search(url) or _INVISIBLE.search(url):
        return None
    return url


def slugify(text: str, fallback: str = "item") -> str:
    """Return an ASCII slug: transliterated, lowercase, [a-z0-9-]."""
    from builder.nlp.translit import transliterate

    s = unicodedata.normalize("NFKD", transliterate(text))
    s = s.encode("ascii", "ignore").decode("ascii").lower()
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s[:80].strip("-") or fallback
