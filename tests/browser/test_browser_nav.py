"""The navigation as a reader (and a screen reader) meets it, on every page type, desktop and phone."""

from __future__ import annotations

import json

import pytest

pytestmark = pytest.mark.browser

PHONE = {"width": 375, "height": 740}


def _page_types(site) -> list[str]:
    """One URL path of each page type: home, topics, timeline, discrepancies, entities, sources, about."""
    sources = json.loads((site / "data" / "sources.json").read_text("utf-8"))
    entities = json.loads((site / "data" / "entities.json").read_text("utf-8"))
    return [
        "",
        "topics/visas/",
        "topics/europol/",
        "timeline/",
        "discrepancies/",
        "entities/",
        f"entities/{entities[0]['id']}/",
        "sources/",
        f"sources/{sources[-1]['id']}/",
        "about/",
    ]


def _labels(page) -> list[str]:
    """Return the primary navigation's labels as the accessibility tree gives them."""
    return page.eval_on_selector_all(
        "nav.md-nav--primary .md-nav__link",
        "links => links.map(a => (a.getAttribute('aria-label') || a.innerText).trim()).filter(Boolean)",
    )


@pytest.mark.parametrize("viewport", [{"width": 1280, "height": 800}, PHONE], ids=["desktop", "phone"])
def test_every_navigation_label_is_a_real_title(browser, base_url, seeds_site, config, viewport):
    context = browser.new_context(viewport=viewport)
    page = context.new_page()
    topics = [t.title for t in config.topics]
    try:
        for path in _page_types(seeds_site):
            page.goto(base_url + path)
            if viewport == PHONE:
                page.locator("header label[for=__drawer]").click()  # the phone menu
            labels = _labels(page)
            bad = [label for label in labels if label in {"None", "null", "undefined", ""}]
            assert not bad, (path, labels)
            assert [label for label in dict.fromkeys(labels) if label in topics] == topics, (path, labels)
            for name in ("Home", "Timeline", "Discrepancies", "Entities", "Sources", "About"):
                assert name in labels, (path, name, labels)
    finally:
        context.close()


def test_a_source_page_metadata_table_fits_a_phone(browser, base_url, seeds_site):
    context = browser.new_context(viewport=PHONE)
    page = context.new_page()
    try:
        sources = json.loads((seeds_site / "data" / "sources.json").read_text("utf-8"))
        for src in sources:
            page.goto(f"{base_url}sources/{src['id']}/")
            table = page.locator("article table").first
            box, view = table.bounding_box(), page.viewport_size
            assert box["x"] >= 0 and box["x"] + box["width"] <= view["width"] + 1, (src["id"], box)
    finally:
        context.close()
