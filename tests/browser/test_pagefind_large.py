"""Pagefind on a site of 1,200+ articles, as a reader meets it: the search box in the header.

The corpus (benchmarks/corpus.py plus the seeds) passes the Pagefind threshold by itself,
so the site is built as a large corpus is, with no override. Each topic's words in Russian,
Kazakh and English, in several inflections, must bring the topic page into the first three
results; result titles and excerpts are the page's own text, never the "¶" of a permanent
link, the metadata table, or the words added for the search.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.browser.helpers import serve

pytestmark = [pytest.mark.browser, pytest.mark.site]

ROOT = Path(__file__).resolve().parents[2]
ARTICLES = 1200

QUERIES = [
    ("виза", "visas"),
    ("визы", "visas"),
    ("визовый", "visas"),
    ("визалар", "visas"),  # Kazakh plural
    ("визасыз", "visas"),
    ("visa", "visas"),
    ("visas", "visas"),
    ("реадмиссия", "readmission"),
    ("реадмиссии", "readmission"),
    ("реадмиссиялар", "readmission"),
    ("readmission", "readmission"),
    ("Европол", "europol"),
    ("Европола", "europol"),
    ("Europol", "europol"),
    ("Интерпол", "interpol"),
    ("Интерпола", "interpol"),
    ("Интерполмен", "interpol"),  # Kazakh instrumental
    ("Interpol", "interpol"),
]


@pytest.fixture(scope="module")
def large_site(tmp_path_factory) -> Path:
    from benchmarks.corpus import write_corpus

    work = tmp_path_factory.mktemp("pagefind-large")
    seeds = work / "seeds"
    write_corpus(ARTICLES, 11, seeds)
    for p in sorted((ROOT / "seeds").iterdir()):
        shutil.copy(p, seeds / p.name)
    site = work / "site"
    env = {**os.environ, "RESEARCH_SEEDS": str(seeds), "RESEARCH_CACHE": str(work / "cache")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    for var in ("RESEARCH_PAGEFIND", "RESEARCH_PAGEFIND_SHARD_PAGES", "OFFLINE", "RESEARCH_CONFIG"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(site)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=1800)
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert (site / "pagefind" / "pagefind-entry.json").is_file(), "a large site is searched with Pagefind"
    return site


@pytest.fixture(scope="module")
def search_page(large_site, browser):
    server, url = serve(large_site)
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="ru-RU")
    pg = context.new_page()
    pg.set_default_timeout(20_000)
    pg.goto(url)
    pg.locator("#rs-pagefind input").wait_for()
    yield pg
    context.close()
    server.shutdown()
    server.server_close()


def _results(page, query: str) -> list[dict]:
    """Type a query into the header's search box; return its results (url, title, excerpt) in order."""
    box = page.locator("#rs-pagefind input")
    box.fill("")
    box.fill(query)
    box.press("End")
    page.wait_for_function(
        "(q) => { const m = document.querySelector('#rs-pagefind .pagefind-ui__message');"
        " return m && document.querySelector('#rs-pagefind input').value === q"
        " && /result|No results/i.test(m.textContent) && !/Searching/i.test(m.textContent); }",
        arg=query,
    )
    page.wait_for_timeout(300)  # the UI fills the results after the message
    return page.eval_on_selector_all(
        "#rs-pagefind .pagefind-ui__result",
        """items => items.map(li => ({
            url: new URL(li.querySelector('.pagefind-ui__result-link').href).pathname,
            title: li.querySelector('.pagefind-ui__result-link').textContent.trim(),
            excerpt: (li.querySelector('.pagefind-ui__result-excerpt') || {}).textContent || '',
        }))""",
    )


@pytest.mark.parametrize(("query", "topic"), QUERIES)
def test_topic_page_is_in_the_top_three(search_page, query, topic):
    results = _results(search_page, query)
    urls = [r["url"] for r in results[:3]]
    assert f"/topics/{topic}/" in urls, [(r["url"], r["title"]) for r in results[:5]]


@pytest.mark.parametrize("query", ["визы", "Европол", "readmission", "Kazakhstan", "Астана"])
def test_result_titles_and_excerpts_are_clean(search_page, query):
    results = _results(search_page, query)
    assert results, query
    for r in results:
        assert r["title"] and "¶" not in r["title"], r
        assert "¶" not in r["excerpt"][:3], r
        for chrome in ("FieldValue", "Field Value", "SHA-256", "Outlet ", "Permanent link"):
            assert chrome not in r["excerpt"], r
        # the words added to a topic page for the search are never shown
        assert "визалардан" not in r["excerpt"] and "интерполмен" not in r["excerpt"].lower(), r
