"""`mkdocs serve --dirty` on a Pagefind-sized site: an edit renders its pages again, not all of them.

MkDocs' serve runs `build(config, dirty=True)` after each change, once the
plugins' (and hooks') on_startup heard command "serve" and dirty: the test
drives those same calls, so it can compare every HTML file's mtime and bytes.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest

from tests.conftest import ROOT, copy_seeds

NEW_PARAGRAPH = "The ministry later confirmed the figures in a separate statement."


def _serve_build(site: Path, dirty: bool = True) -> None:
    from mkdocs.commands.build import build
    from mkdocs.config import load_config

    # MkDocs warns of every dirty build, so serve --dirty runs with --no-strict
    config = load_config(str(ROOT / "mkdocs.yml"), site_dir=str(site), strict=not dirty)
    config.plugins.on_startup(command="serve" if dirty else "build", dirty=dirty)
    try:
        build(config, dirty=dirty)
    finally:
        config.plugins.on_shutdown()


def _html(site: Path) -> dict[Path, tuple[int, bytes]]:
    return {p: (p.stat().st_mtime_ns, p.read_bytes()) for p in site.rglob("*.html")}


def _generated(cache: Path) -> dict[str, str]:
    """Return {page: sha256} of the pages the hook wrote for MkDocs (their manifest)."""
    from builder.mkdocs.hook import SERVE_DOCS
    from builder.output.write import MANIFEST

    manifest = json.loads((cache / SERVE_DOCS / MANIFEST).read_text("utf-8"))
    return {page: sums[0] for page, sums in manifest["sha256"].items() if page.endswith(".md")}


def _html_of(page: str) -> str:
    """Return the HTML file MkDocs renders a page to (directory URLs)."""
    stem = page.removesuffix(".md")
    return "index.html" if stem == "index" else f"{stem.removesuffix('/index')}/index.html"


@pytest.fixture
def served(tmp_path, monkeypatch):
    seeds = copy_seeds(tmp_path / "seeds")
    monkeypatch.setenv("RESEARCH_SEEDS", str(seeds))
    monkeypatch.setenv("RESEARCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("RESEARCH_PAGEFIND", "always")
    monkeypatch.setenv("NO_MKDOCS_2_WARNING", "1")
    site = tmp_path / "site"
    _serve_build(site)
    return seeds, site


def test_a_dirty_serve_rebuild_renders_only_the_edited_pages(served, tmp_path):
    from mkdocs.config import load_config

    from builder.mkdocs.hook import _nav_pages

    seeds, site = served
    entry = site / "pagefind" / "pagefind-entry.json"
    assert entry.exists(), "the first build indexes the site"
    before, indexed = _html(site), entry.stat().st_mtime_ns
    pages_before = _generated(tmp_path / "cache")
    assert len(before) > 10
    edited = sorted(seeds.iterdir())[2]
    time.sleep(0.05)  # past the file system's mtime resolution
    edited.write_text(edited.read_text("utf-8") + f"\n\n{NEW_PARAGRAPH}\n", "utf-8")
    _serve_build(site)

    after = _html(site)
    pages_after = _generated(tmp_path / "cache")
    changed = {_html_of(p) for p in pages_after if pages_after[p] != pages_before.get(p)}
    rendered = {p.relative_to(site).as_posix() for p in before if after[p][0] != before[p][0]}
    config = load_config(str(ROOT / "mkdocs.yml"))
    nav = {
        _html_of(p) for p in _nav_pages(config.plugins.on_config(config).nav)
    }  # the topics come from the hook
    # rendered again: the pages whose Markdown changed, the nav's, and MkDocs' 404 page; no other
    assert rendered == changed | nav | {"404.html"}
    assert len(changed) < len(before) // 4
    page = next(p for p in changed if p.startswith("sources/"))
    assert NEW_PARAGRAPH in (site / page).read_text("utf-8")
    assert entry.stat().st_mtime_ns == indexed, "the search index is the first build's"
    assert NEW_PARAGRAPH in (site / "data" / "sources.json").read_text("utf-8")

    # The edited page is what a full build of the edited seeds renders.
    full = tmp_path / "full"
    _serve_build(full, dirty=False)
    assert (site / page).read_bytes() == (full / page).read_bytes()


def test_a_plain_serve_hands_the_pages_over_in_memory(tmp_path, monkeypatch):
    # Without --dirty (or below the Pagefind threshold) nothing is written into the cache.
    from builder.mkdocs.hook import SERVE_DOCS

    monkeypatch.setenv("RESEARCH_SEEDS", str(copy_seeds(tmp_path / "seeds")))
    monkeypatch.setenv("RESEARCH_CACHE", str(tmp_path / "cache"))
    monkeypatch.setenv("RESEARCH_PAGEFIND", "always")
    _serve_build(tmp_path / "site", dirty=False)
    assert (tmp_path / "site" / "index.html").exists()
    assert not (tmp_path / "cache" / SERVE_DOCS).exists()


def test_serve_watches_the_seeds_it_builds_from(tmp_path, monkeypatch):
    from mkdocs.config import load_config

    seeds, research = tmp_path / "seeds", ROOT / "research.yml"
    monkeypatch.setenv("RESEARCH_SEEDS", str(seeds))
    config = load_config(str(ROOT / "mkdocs.yml"))
    config = config.plugins.on_config(config)
    watched = [Path(w).resolve() for w in config.watch]
    assert seeds.resolve() in watched and watched.count(research.resolve()) == 1


def _free_port() -> int:
    import socket

    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _get(url: str) -> str | None:
    """Return the page's text, or None when the server does not answer within 10 s."""
    import urllib.error
    import urllib.request

    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            return r.read().decode("utf-8")
    except (urllib.error.URLError, OSError):
        return None


def _wait_for(check, seconds: float) -> bool:
    end = time.monotonic() + seconds
    while time.monotonic() < end:
        if check():
            return True
        time.sleep(0.5)
    return False


def test_serve_goes_on_when_a_bad_file_lands_in_the_seeds(tmp_path):
    """An empty and a binary file dropped into the watched seeds: the server keeps answering and
    the About page lists both as rejected."""
    import os
    import subprocess
    import sys

    seeds = copy_seeds(tmp_path / "seeds")
    port = _free_port()
    env = {**os.environ, "RESEARCH_SEEDS": str(seeds), "RESEARCH_CACHE": str(tmp_path / "cache")}
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.pop("OFFLINE", None)
    env.pop("RESEARCH_PAGEFIND", None)
    cmd = [sys.executable, "-m", "mkdocs", "serve", "-a", f"127.0.0.1:{port}"]
    log = (tmp_path / "serve.log").open("w")
    proc = subprocess.Popen(cmd, cwd=ROOT, env=env, stdout=log, stderr=subprocess.STDOUT)
    base = f"http://127.0.0.1:{port}/"
    try:
        assert _wait_for(lambda: _get(base) is not None, 300), (tmp_path / "serve.log").read_text()
        (seeds / "empty.txt").write_bytes(b"")
        (seeds / "scan.txt").write_bytes(b"\x00\x01\x02GIF89a" + bytes(range(256)) * 8)

        def listed() -> bool:
            about = _get(base + "about/") or ""
            return "empty.txt" in about and "scan.txt" in about

        assert _wait_for(listed, 120), (tmp_path / "serve.log").read_text()
        about = _get(base + "about/") or ""
        for name in ("empty.txt", "scan.txt"):
            row = about[about.index(f"<td>{name}</td>") :].split("</tr>")[0]
            assert "<td>rejected</td>" in row, row
        assert "Visas" in (_get(base + "topics/visas/") or ""), "the server stopped answering"
        text = (tmp_path / "serve.log").read_text()
        assert "empty.txt: rejected" in text and "scan.txt: rejected" in text
    finally:
        proc.terminate()
        proc.wait(timeout=30)
        log.close()
