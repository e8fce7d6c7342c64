"""Render: the linked corpus -> {relative path: text} of Markdown pages and data files.

Renderers return strings and escape every piece of article text; nothing is
written here (builder/output/ writes, the MkDocs hook hands the same mapping
to MkDocs).
"""

from __future__ import annotations

import os

from builder.config import Config
from builder.records import Corpus


def render_site(corpus: Corpus, config: Config, memo: dict | None = None) -> dict[str, str]:
    """Return every generated file: Markdown pages and data exports, sorted by path.

    memo: the source pages of an earlier build with the same code and research
    definition, by page (see pages.Site.memo); refilled with this build's.
    """
    from builder.render.citations import render_citations, site_settings
    from builder.render.exports import claims_json, dump, render_linked, sources_json
    from builder.render.pages import Site, render_aggregates, render_entities, render_sources

    site = Site(corpus, config, memo=memo if memo is not None else {})
    sources = sources_json(corpus, site.source_topics, site.story_of)
    files = {"data/sources.json": dump(sources), "data/claims.json": claims_json(corpus)}
    files.update(render_sources(site))
    files.update(render_entities(site))
    files.update(render_citations(sources, config.title, config.description, **site_settings(os.environ)))
    files.update(render_aggregates(site))
    files.update(render_linked(corpus, config))
    if memo is not None:
        memo.clear()
        memo.update(site.memo_next)
    return dict(sorted(files.items()))
