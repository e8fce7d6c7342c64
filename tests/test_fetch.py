"""`add URL`: end to end against a local HTTP server on 127.0.0.1 (no network)."""

from __future__ import annotations

import contextlib
import datetime as dt
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from builder.cli import main
from builder.ingest import read_path
from builder.ingest.fetch import Added, Failed, add
from builder.ingest.readers.html import provenance
from builder.records import Article

PAGES = Path(__file__).resolve().parent / "fixtures" / "html"
CLOCK = dt.datetime(2026, 1, 16, 7, 30, tzinfo=dt.timezone.utc)


class _Site(BaseHTTPRequestHandler):
    """Routes: an article, a second article behind a redirect, a tag page, a slow page, a big page."""

    def do_GET(self):  # noqa: N802 - the http.server name
        path = self.path.split("?")[0]
        if path == "/article":
            return self._send(200, (PAGES / "en_news.html").read_bytes())
        if path == "/moved":
            self.send_response(302)
            self.send_header("Location", "/ru-article")
            self.end_headers()
            return None
        if path == "/to-ftp":
            self.send_response(302)
            self.send_header("Location", "ftp://127.0.0.1/secret")
            self.end_headers()
            return None
        if path == "/ru-article":
            return self._send(200, (PAGES / "ru_news.html").read_bytes())
        if path == "/tag":
            return self._send(200, (PAGES / "tag_page.html").read_bytes())
        if path == "/slow":
            time.sleep(2.0)
            return self._send(200, (PAGES / "en_news.html").read_bytes())
        if path == "/big":
            return self._send(200, b"<html><body><p>" + b"visa " * 60_000 + b"</p></body></html>")
        if path == "/stream":
            self.send_response(200)
            self.send_header("Content-Type", "text/html")
            self.end_headers()
            self.wfile.write(b"<html><body><p>" + b"visa " * 60_000 + b"</p></body></html>")
            return None
        if path == "/image":
            return self._send(200, b"\x89PNG\r\n", "image/png")
        return self._send(404, b"<html><title>404 Not Found</title></html>")

    def _send(self, status: int, body: bytes, ctype: str = "text/html; charset=utf-8"):
        self.send_response(status)
        self.send_header("Content-Type", ctype)
        self.send_header("Content-Length", str(len(body)))
        self.end_headers()
        with contextlib.suppress(BrokenPipeError, ConnectionResetError):  # the client gave up (timeout)
            self.wfile.write(body)

    def log_message(self, *args):  # keep pytest's output clean
        pass


@pytest.fixture(scope="module")
def site():
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Site)
    server.daemon_threads = True
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}"
    server.shutdown()
    server.server_close()


def _add(site, seeds, config, *paths, **kw):
    return add([site + p for p in paths], seeds, config, now=lambda: CLOCK, **kw)


# (path, the reason the URL fails, or None when the page is saved)
CASES = [
    ("/article", None),
    ("/moved", None),
    ("/missing", "HTTP 404 Not Found"),
    ("/to-ftp", "redirected to a non-http(s) address (ftp://127.0.0.1/secret)"),
    ("/tag", "not an article: too little text"),
    ("/image", "not a web page (Content-Type image/png)"),
    ("/big", "too large (300033 bytes, the limit is 100000)"),
    ("/stream", "too large (over 100000 bytes)"),  # no Content-Length: counted while reading
    ("/slow", "timed out"),
]


@pytest.mark.parametrize(("path", "reason"), CASES)
def test_add(site, tmp_path, config, path, reason):
    [got] = _add(site, tmp_path, config, path, timeout=0.5, max_bytes=100_000)
    if reason is None:
        assert isinstance(got, Added), got
        assert sorted(p.name for p in tmp_path.iterdir()) == [got.file]
    else:
        assert isinstance(got, Failed), got
        assert got.reason.startswith(reason), got.reason
        assert list(tmp_path.iterdir()) == []  # nothing written, not even a temporary file


def test_saved_page_reads_back_with_url_and_time(site, tmp_path, config):
    [got] = _add(site, tmp_path, config, "/moved")
    data = (tmp_path / got.file).read_bytes()
    assert provenance(data) == (site + "/ru-article", "2026-01-16T07:30:00Z")  # the URL after the redirect
    art = read_path(tmp_path / got.file, got.file, config)
    assert isinstance(art, Article), art
    assert art.retrieved == "2026-01-16T07:30:00Z"
    assert art.title == "МВД Казахстана и Франции договорились об обмене данными о мигрантах"
    assert art.published == "2025-11-03"
    assert art == got.article


@pytest.mark.parametrize("second", ["/article", "/article/"])
def test_refuses_a_page_already_present(site, tmp_path, config, second):
    [first] = _add(site, tmp_path, config, "/article")
    [again] = _add(site, tmp_path, config, second)
    assert isinstance(again, Failed) and again.reason == f"already in seeds as {first.file}"
    assert [p.name for p in tmp_path.iterdir()] == [first.file]


def test_refuses_the_same_page_under_another_url(site, tmp_path, config):
    [first] = _add(site, tmp_path, config, "/moved")
    [again] = _add(site, tmp_path, config, "/ru-article?from=feed")
    assert isinstance(again, Failed) and again.reason == f"already in seeds as {first.file}"


def test_cli_add(site, tmp_path, capsys):
    config = Path(__file__).resolve().parent.parent / "research.yml"
    argv = ["add", site + "/article", site + "/missing", "--seeds", str(tmp_path), "--config", str(config)]
    assert main(argv) == 1  # one of the two failed
    out, err = capsys.readouterr()
    assert f"{site}/missing: failed: HTTP 404 Not Found" in err
    for line in (
        "  title: Kazakhstan and France agree on faster visa processing",
        "  outlet: The Astana Times",
        "  date: 2025-12-02 (day)",
        "  language: en",
        "  paragraphs: 5",
    ):
        assert line in out.splitlines(), out
    assert any(line.startswith("  topics: ") and "visas" in line for line in out.splitlines()), out
    assert main(["add", site + "/moved", "--seeds", str(tmp_path), "--config", str(config)]) == 0
    assert len(list(tmp_path.iterdir())) == 2


def test_cli_add_not_http(tmp_path, capsys):
    config = Path(__file__).resolve().parent.parent / "research.yml"
    assert main(["add", "ftp://example.org/a", "--seeds", str(tmp_path), "--config", str(config)]) == 1
    assert "ftp://example.org/a: failed: not an http(s) address" in capsys.readouterr().err


def test_refuses_a_url_a_typed_article_names(site, tmp_path, config):
    (tmp_path / "typed.md").write_text(f"---\nurl: {site}/article\n---\nTitle\n\nText.\n", "utf-8")
    [again] = _add(site, tmp_path, config, "/article")
    assert isinstance(again, Failed) and again.reason == "already in seeds as typed.md"
