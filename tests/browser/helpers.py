"""Helpers for the browser tests: a local HTTP server, request/console recording, Material search."""

from __future__ import annotations

import functools
import http.server
import threading
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",  # root needs it
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
LOCAL_HOSTS = {"127.0.0.1"}
LOCAL_SCHEMES = {"data", "blob"}


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest output clean
        pass


def serve(directory: Path) -> tuple[http.server.ThreadingHTTPServer, str]:
    """Serve a folder on 127.0.0.1 on a free port in a thread; return the server and its URL."""
    handler = functools.partial(_Quiet, directory=str(directory))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, f"http://127.0.0.1:{server.server_port}/"


@dataclass
class Recorder:
    """Everything a page asked for and complained about."""

    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)

    def outside(self, also_local: tuple[str, ...] = ()) -> list[str]:
        """Return the requested URLs that are neither on 127.0.0.1 nor data:/blob: (nor also_local schemes)."""
        out = []
        for url in self.requests:
            parts = urlsplit(url)
            if parts.scheme in LOCAL_SCHEMES or parts.scheme in also_local:
                continue
            if parts.scheme in ("http", "https") and parts.hostname in LOCAL_HOSTS:
                continue
            out.append(url)
        return out


def watch(page) -> Recorder:
    """Record every request, console error, page error and failed request of a page."""
    rec = Recorder()
    page.on("request", lambda r: rec.requests.append(r.url))
    page.on("console", lambda m: rec.errors.append(f"console: {m.text}") if m.type == "error" else None)
    page.on("pageerror", lambda e: rec.errors.append(f"pageerror: {e}"))
    page.on("requestfailed", lambda r: rec.errors.append(f"requestfailed: {r.url} {r.failure}"))
    return rec


def search(page, query: str) -> list[str]:
    """Type a query into Material's search box; return the result pages' URL paths in order."""
    box = page.locator("input[data-md-component=search-query]")
    box.click()
    box.fill(query)
    box.press("End")  # Material's search runs on key events; fill() alone never queries
    page.wait_for_function(
        "() => /\\d+ matching|^No matching/i.test("
        "document.querySelector('.md-search-result__meta')?.textContent.trim() || '')"
    )
    hrefs = page.eval_on_selector_all(
        "li.md-search-result__item",
        "items => items.map(li => li.querySelector('a')?.href).filter(Boolean)",
    )
    paths: list[str] = []
    for href in hrefs:
        path = urlsplit(href).path
        if path not in paths:
            paths.append(path)
    return paths
