"""The OFFLINE=true build opens from disk (file://) with search and navigation working."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.helpers import search
from tests.conftest import mkdocs_build

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def offline_site(tmp_path_factory) -> Path:
    dest = tmp_path_factory.mktemp("offline") / "site"
    proc = mkdocs_build(dest, env={"OFFLINE": "true"})
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dest


def test_offline_build_writes_a_file_url_site(offline_site):
    assert (offline_site / "search" / "search_index.js").read_text("utf-8").startswith("var __index =")
    assert (offline_site / "topics" / "interpol.html").is_file()
    home = (offline_site / "index.html").read_text("utf-8")
    assert 'href="topics/interpol.html"' in home
    assert "unpkg.com" not in home  # the Web Worker shim for file:// is vendored, not fetched
    feed = ET.parse(offline_site / "feed.xml")
    links = [i.findtext("link") for i in feed.iter("item")]
    assert links and all((offline_site / link).is_file() for link in links), links


def test_offline_site_opens_from_disk_with_search(page, offline_site):
    page.goto((offline_site / "index.html").as_uri())
    results = search(page, "Interpol")
    assert any(r.endswith(("/topics/interpol.html", "/topics/interpol/index.html")) for r in results[:2]), (
        results
    )
    assert page.recorder.outside(also_local=("file",)) == []
    assert page.recorder.errors == []


def test_offline_navigation_reaches_a_topic_page(page, offline_site):
    page.goto((offline_site / "index.html").as_uri())
    page.locator("article a[href*='topics/readmission']").first.click()
    page.wait_for_load_state()
    assert page.url.startswith("file://")
    assert page.url.endswith("topics/readmission.html")
    expect(page.locator("article h1")).to_contain_text("Readmission")
    assert page.recorder.outside(also_local=("file",)) == []
    assert page.recorder.errors == []
