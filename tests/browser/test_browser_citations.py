"""Footnote tooltips, citation links, console errors and requests, in a real browser."""

from __future__ import annotations

import json
import re
from pathlib import Path
from urllib.parse import urlsplit

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.browser


def topic_with_footnotes(seeds_site: Path) -> str:
    claims = json.loads((seeds_site / "data" / "claims.json").read_text("utf-8"))
    slugs = sorted({t for c in claims for t in c["topics"]})
    assert slugs, "no claims: nothing to cite"
    return slugs[0]


def test_footnote_tooltip_shows_the_quote(page, base_url, seeds_site):
    page.goto(f"{base_url}topics/{topic_with_footnotes(seeds_site)}/")
    ref = page.locator("a.footnote-ref").first
    note_id = ref.get_attribute("href").lstrip("#")
    note = page.locator(f"li[id='{note_id}']").inner_text()
    quote = re.search(r"«(.+)»", note, re.S)
    assert quote, note
    ref.hover()
    tooltip = page.locator(".md-tooltip2--active")
    expect(tooltip).to_be_visible()
    assert quote.group(1).strip() in tooltip.inner_text()


def test_citation_link_lands_on_the_source_paragraph(page, base_url, seeds_site):
    page.goto(f"{base_url}topics/{topic_with_footnotes(seeds_site)}/")
    link = page.locator(".footnote a[href*='sources/']").last
    href = link.get_attribute("href")
    fragment = href.rsplit("#", 1)[1]
    assert re.fullmatch(r"p\d+", fragment), href
    link.click()
    page.wait_for_url(re.compile(r"/sources/[^/]+/#p\d+$"))
    assert urlsplit(page.url).fragment == fragment
    target = page.locator(f"[id='{fragment}']")
    expect(target).to_be_in_viewport()
    assert target.inner_text().strip()


def test_no_console_errors_and_no_request_leaves_127_0_0_1(page, base_url, seeds_site):
    sources = json.loads((seeds_site / "data" / "sources.json").read_text("utf-8"))
    paths = ["", "timeline/", "discrepancies/", "about/", "entities/", "sources/"]
    paths += [f"topics/{t}/" for t in ("visas", "readmission", "interpol", "europol")]
    paths += [f"sources/{sources[0]['id']}/"]
    for path in paths:
        page.goto(base_url + path, wait_until="networkidle")
    from tests.browser.helpers import search

    search(page, "Interpol")
    page.wait_for_load_state("networkidle")
    rec = page.recorder
    assert len(rec.requests) > len(paths)  # the recorder saw the pages and their assets
    assert rec.outside() == []
    assert rec.errors == []


def test_recorder_flags_a_request_to_another_host(page, base_url):
    """The check above can fail: a page that asks another host is caught."""
    page.route("http://example.invalid/**", lambda route: route.abort())
    page.goto(base_url)
    page.evaluate("() => { const i = new Image(); i.src = 'http://example.invalid/pixel.png'; }")
    page.wait_for_timeout(300)
    assert page.recorder.outside() == ["http://example.invalid/pixel.png"]
