"""Browser fixtures: the seeds site served on 127.0.0.1, Debian's Chromium driven by Playwright."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.browser.helpers import CHROMIUM, CHROMIUM_ARGS, serve, watch


@pytest.fixture(scope="session")
def base_url(seeds_site: Path) -> Iterator[str]:
    """The seeds site (built once with MkDocs --strict) served over HTTP on 127.0.0.1."""
    server, url = serve(seeds_site)
    yield url
    server.shutdown()
    server.server_close()


@pytest.fixture(scope="module")
def browser():
    """Chromium for one test module (a sync Playwright per module, so modules with their own can run)."""
    from playwright.sync_api import sync_playwright

    assert CHROMIUM.exists(), "Debian's chromium is missing: scripts/test installs it with apt-get"
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture
def page(browser):
    """A fresh page (desktop viewport) whose requests and errors are recorded in page.recorder."""
    context = browser.new_context(viewport={"width": 1280, "height": 800}, locale="en-US")
    pg = context.new_page()
    pg.set_default_timeout(15_000)
    pg.recorder = watch(pg)
    yield pg
    context.close()
