"""Measure in Chromium the bytes a reader downloads before the first search result.

    python -m benchmarks.payload SITE_DIR [--query WORD ...]

Serves SITE_DIR on 127.0.0.1, opens the home page in Debian's Chromium
(Playwright), types each query into the Pagefind search box and waits for the
first result; prints one JSON line per query with the bytes of every search
request made from page load to that result (loader, UI, WebAssembly, entry,
metadata and index chunks of every merged shard, the excerpts shown). The
static estimate in benchmarks/run.py is an upper bound; this is what a browser
actually fetches. Needs a Pagefind site (RESEARCH_PAGEFIND=always or past the threshold).
"""

from __future__ import annotations

import argparse
import contextlib
import functools
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path

CHROMIUM = "/usr/bin/chromium"
QUERIES = ("Казахстан", "реадмиссия", "visa", "Europol")


@contextlib.contextmanager
def serve(site: Path) -> Iterator[str]:
    class Quiet(http.server.SimpleHTTPRequestHandler):
        def log_message(self, *args) -> None:
            pass

    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), functools.partial(Quiet, directory=str(site)))
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/"
    finally:
        server.shutdown()


def measure_with(browser, url: str, queries: tuple[str, ...] = QUERIES) -> list[dict]:
    """Search each query on the site at url in a fresh browser context; return the bytes fetched."""
    lines = []
    for query in queries:
        context = browser.new_context()  # an empty cache for every query
        page = context.new_page()
        sizes: dict[str, int] = {}

        def on_response(response, sizes=sizes) -> None:
            if "/pagefind/" in response.url and response.ok:
                with contextlib.suppress(Exception):
                    sizes[response.url] = len(response.body())

        page.on("response", on_response)
        page.goto(url)
        box = page.locator("#rs-pagefind input")
        box.wait_for(timeout=30000)
        box.fill(query)
        page.locator("#rs-pagefind .pagefind-ui__result-link").first.wait_for(timeout=60000)
        page.wait_for_load_state("networkidle")
        total = sum(sizes.values())
        lines.append({"query": query, "requests": len(sizes), "bytes": total, "kb": round(total / 1024, 1)})
        context.close()
    return lines


def measure(site: Path, queries: tuple[str, ...] = QUERIES) -> list[dict]:
    """Serve site and measure it in Debian's Chromium."""
    from playwright.sync_api import sync_playwright

    with serve(site) as url, sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox", "--disable-gpu"])
        try:
            return measure_with(browser, url, queries)
        finally:
            browser.close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("site", type=Path)
    ap.add_argument("--query", action="append", help="repeat for several (default: a ru/en set)")
    args = ap.parse_args(argv)
    for line in measure(args.site, tuple(args.query or QUERIES)):
        print(json.dumps(line, ensure_ascii=False), flush=True)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
