"""Pagefind search at scale: the chunked index finds topic pages by Russian and English words.

Builds a small corpus (the seeds plus generated articles) with RESEARCH_PAGEFIND=always,
serves it over HTTP (Pagefind fetches its chunks, which file:// forbids) and queries it
in Chromium through Pagefind's JS API and through the search box in the header.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import os
import shutil
import subprocess
import sys
import threading
from pathlib import Path

import pytest

pytestmark = [pytest.mark.browser, pytest.mark.site]

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking"]
SHARD = 20  # pages per Pagefind index in this site: four shards


@pytest.fixture(scope="module")
def pagefind_site(tmp_path_factory) -> Path:
    """Build seeds + 40 generated articles with Pagefind forced on; return the site folder."""
    from benchmarks.corpus import write_corpus

    work = tmp_path_factory.mktemp("pagefind")
    seeds = work / "seeds"
    write_corpus(40, 7, seeds)
    for p in sorted((ROOT / "seeds").iterdir()):
        shutil.copy(p, seeds / p.name)
    site = work / "site"
    env = {
        **os.environ,
        "RESEARCH_PAGEFIND": "always",
        "RESEARCH_PAGEFIND_SHARD_PAGES": str(SHARD),  # index in shards, as a 10,000-article site is
        "RESEARCH_SEEDS": str(seeds),
        "RESEARCH_CACHE": str(work / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    env.pop("OFFLINE", None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-q", "-d", str(site)]
    proc = subprocess.run(cmd, cwd=ROOT, env=env, capture_output=True, text=True, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return site


@pytest.fixture(scope="module")
def served(pagefind_site):
    """Serve the site on a free local port; yield its base URL."""

    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    handler = functools.partial(Quiet, directory=str(pagefind_site))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()


@pytest.fixture(scope="module")
def page(served):
    playwright = pytest.importorskip("playwright.sync_api")
    if not Path(CHROMIUM).exists():
        pytest.skip("Debian Chromium not installed")
    with playwright.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        pg = browser.new_page()
        pg.goto(served)
        yield pg
        browser.close()


def test_lunr_index_is_not_shipped(pagefind_site):
    assert (pagefind_site / "pagefind" / "pagefind-entry.json").exists()
    assert not (pagefind_site / "search" / "search_index.json").exists()


def _shard_urls(bundle: Path) -> set[str]:
    """Return the URLs of the pages a Pagefind bundle indexed (its fragments are gzipped JSON)."""
    urls = set()
    for frag in (bundle / "fragment").iterdir():
        data = gzip.decompress(frag.read_bytes()).removeprefix(b"pagefind_dcd")
        urls.add(json.loads(data)["url"])
    return urls


def test_site_is_indexed_in_shards_that_search_merges(pagefind_site, page):
    from builder.mkdocs.search import _pages

    extra = json.loads((pagefind_site / "pagefind" / "shards.json").read_text("utf-8"))
    pages = _pages(pagefind_site)
    assert len(extra) == -(-len(pages) // SHARD) - 1 >= 2
    bundles = [pagefind_site / "pagefind", *(pagefind_site / "pagefind" / path for path in extra)]
    shards = [_shard_urls(b) for b in bundles]
    assert all(0 < len(s) <= SHARD for s in shards)
    # every page in exactly one shard, whichever were indexed while MkDocs still rendered
    urls = [u for s in shards for u in s]
    assert len(urls) == len(set(urls)) == len(pages)
    assert set(urls) == {"/" + p.removesuffix("index.html") for p in pages}
    assert not [p for p in pagefind_site.iterdir() if p.name.startswith(".pagefind-shard-")]
    found = set(_search(page, "Казахстан")) | set(_search(page, "Kazakhstan"))
    assert found & shards[-1], "no result from the last shard"


# The ranking the search box asks Pagefind for (docs/assets/pagefind-search.js).
RANKING = "{ metaWeights: { title: 5.0, names: 5.0, forms: 5.0 } }"


def test_the_search_box_ranks_as_these_tests_do():
    assert f"ranking: {RANKING}," in (ROOT / "docs" / "assets" / "pagefind-search.js").read_text("utf-8")


def _search(page, query: str) -> list[str]:
    """Return the URLs of the results for query, best first, through Pagefind's JS API."""
    return page.evaluate(
        """async (q) => {
            const bundle = new URL("pagefind/", document.baseURI);
            const pf = await import(new URL("pagefind.js", bundle).href);
            if (!window.rsMerged) {  // the extra shards and the ranking, as the search box has them
                window.rsMerged = true;
                await pf.options({ ranking: """
        + RANKING
        + """ });
                const shards = await (await fetch(new URL("shards.json", bundle))).json();
                for (const s of shards) await pf.mergeIndex(new URL(s, bundle).pathname);
            }
            const res = await pf.search(q);
            const data = await Promise.all(res.results.map(r => r.data()));
            return data.map(d => d.url);
        }""",
        query,
    )


# (query, topic page, best rank it must reach). Russian words reach the English-titled topic
# page through stemming and the keywords builder/search.py adds; short source pages that
# repeat the word rank above it, so only its presence in the first results is pinned.
@pytest.mark.parametrize(
    ("query", "topic", "rank"),
    [
        ("реадмиссия", "topics/readmission/", 20),  # the pages say "реадмиссии": Russian stemming
        ("реадмиссиях", "topics/readmission/", 20),
        ("визасыз", "topics/visas/", 1),  # a Kazakh keyword of the topic
        ("Europol", "topics/europol/", 3),
        ("readmission", "topics/readmission/", 5),  # top 3 on 1,200 articles: test_pagefind_large.py
    ],
)
def test_query_finds_topic_page(page, query, topic, rank):
    urls = _search(page, query)
    assert any(u.endswith(topic) for u in urls[:rank]), [
        urls[:8],
        [i for i, u in enumerate(urls) if u.endswith(topic)],
    ]


def test_search_box_in_header(page):
    box = page.locator("#rs-pagefind input")
    box.wait_for(timeout=10000)
    box.fill("Интерпол")
    box.press("End")
    result = page.locator("#rs-pagefind .pagefind-ui__result-link").first
    result.wait_for(timeout=10000)
    assert page.locator("#rs-pagefind .pagefind-ui__result-link").count() > 0


def test_a_reader_downloads_under_1_mb_before_the_first_result(page, served):
    from benchmarks.payload import measure_with

    (line,) = measure_with(page.context.browser, served, ("Казахстан",))
    assert line["requests"] >= 2 * 4, "loader, UI and every shard's entry, wasm, meta and chunk"
    assert 0 < line["bytes"] <= 1024 * 1024
