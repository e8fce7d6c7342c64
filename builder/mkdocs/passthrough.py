"""MkDocs hook events: pass the builder's pre-rendered HTML around Markdown.

A generated page may end in raw HTML after a line `<!-- research:html -->`
(source, topic, timeline and discrepancies pages are all HTML: the marker is
their first line, see templates/source.md.j2). Markdown would pass that HTML
through unchanged anyway, but only after parsing it tag by tag, which was most
of a 10,000-article MkDocs build. So `on_page_markdown` hands Markdown only
the part before the marker and `on_page_content` appends the rest, after:

- resolving its links, written relative to the page's own .md file
  ("../topics/visas.md#c-1", "../data/sources.json"), to the URL of their
  target under the site's settings, as MkDocs does for Markdown links, with a
  warning for a target that is not in the site;
- adding its element ids to the anchors MkDocs validates links against, and
  its headings to the page's table of contents, nested by level as Markdown's
  would be (Material lists the children of a page's h1).

Without this hook the page still renders the same, only slower and with .md links.
`on_env` gives the theme its cache of the parts shared by the pages of a folder
(overrides/partials/research-shared.html); without it they are rendered per page.
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
_HEADING = re.compile(r'<h([1-6]) id="([^"]+)"[^>]*>([^<]*)')


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Keep the raw HTML after the marker away from Markdown (the whole page, when it starts with it)."""
    head, sep, body = f"\n{markdown}".partition(_SPLIT)
    if sep:
        setattr(page, _ATTR, body)
    return head[1:] if sep else markdown


def _nest(items: list, headings: list[tuple[str, str, str]]) -> None:
    """Add each heading (level, id, title) to the table of contents, under the last one above its level."""
    for level, anchor, title in headings:
        siblings = items
        while siblings and siblings[-1].level < int(level):
            siblings = siblings[-1].children
        siblings.append(AnchorLink(title.strip(), anchor, int(level)))


def resolve_links(html: str, page, files) -> str:
    """Return html with every relative link to a site file pointing at its URL."""
    folder = posixpath.dirname(page.file.src_uri)

    def resolve(m: re.Match) -> str:
        path, anchor = m.group(1), m.group(2) or ""
        # src_uris, not get_file_from_path: the path is already POSIX, and converting it
        # through pathlib again was a third of this function over 150,000 links.
        target = files.src_uris.get(posixpath.normpath(posixpath.join(folder, path)))
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
    _nest(page.toc.items, _HEADING.findall(body))
    return html + body


def on_env(env, config, files):
    """Give the theme an empty cache of the parts shared by the pages of a folder, for this build.

    overrides/partials/research-shared.html renders each such part once per
    folder and reuses it: the header around the page title, the config
    script, and the navigation of pages outside the nav (no item in it is
    active). At 10,000 source pages they were ~2 ms of each.
    """
    env.globals["research_shared"] = {}
    return env
