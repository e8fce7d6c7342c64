"""MkDocs hook events: pass the builder's pre-rendered HTML around Markdown.

A generated page may end in raw HTML after a line `<!-- research:html -->`
(source pages do: templates/source.md.j2). Markdown would pass that HTML
through unchanged anyway, but only after parsing it tag by tag, which was most
of a 10,000-article MkDocs build. So `on_page_markdown` hands Markdown only
the part before the marker and `on_page_content` appends the rest, after:

- resolving its links, written relative to the page's own .md file
  ("../topics/visas.md#c-1", "../data/sources.json"), to the URL of their
  target under the site's settings, as MkDocs does for Markdown links, with a
  warning for a target that is not in the site;
- adding its element ids to the anchors MkDocs validates links against, and
  its headings to the page's table of contents.

Without this hook the page still renders the same, only slower and with .md links.
builder/hook.py calls these; this file also works alone under `hooks:` (the benchmark does that).
"""

from __future__ import annotations

import logging
import posixpath
import re

from mkdocs.structure.toc import AnchorLink

log = logging.getLogger("mkdocs.hooks.research.passthrough")

MARKER = "<!-- research:html -->"
_SPLIT = f"\n{MARKER}\n"
_ATTR = "_research_html"
# href="relative/path#anchor": no scheme, no leading slash, not a same-page anchor.
_HREF = re.compile(r'href="(?![A-Za-z][A-Za-z0-9+.-]*:|/|#)([^"#?]+)(#[^"]*)?"')
_ID = re.compile(r'\sid="([^"]+)"')
_HEADING = re.compile(r'<h([2-6]) id="([^"]+)"[^>]*>([^<]*)')


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Keep the raw HTML after the marker away from Markdown."""
    head, sep, body = markdown.partition(_SPLIT)
    if sep:
        setattr(page, _ATTR, body)
    return head if sep else markdown


def resolve_links(html: str, page, files) -> str:
    """Return html with every relative link to a site file pointing at its URL."""
    folder = posixpath.dirname(page.file.src_uri)

    def resolve(m: re.Match) -> str:
        path, anchor = m.group(1), m.group(2) or ""
        target = files.get_file_from_path(posixpath.normpath(posixpath.join(folder, path)))
        if target is None:
            log.warning("%s: link to %s, which is not in the site", page.file.src_uri, path)
            return m.group(0)
        return f'href="{target.url_relative_to(page.file)}{anchor}"'

    return _HREF.sub(resolve, html)


def on_page_content(html: str, page, config, files) -> str:
    """Append the page's raw HTML, links resolved, anchors and headings registered."""
    body = page.__dict__.pop(_ATTR, None)
    if body is None:
        return html
    body = resolve_links(body, page, files)
    if page.present_anchor_ids is not None:
        page.present_anchor_ids |= set(_ID.findall(body))
    for level, anchor, title in _HEADING.findall(body):
        page.toc.items.append(AnchorLink(title.strip(), anchor, int(level)))
    return html + body
