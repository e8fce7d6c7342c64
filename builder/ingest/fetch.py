"""Add an article by its URL: fetch the page, keep its HTML snapshot in seeds/, say what it holds.

`research-site add URL [URL...]` fetches each page (standard library only) with a
timeout, a size limit and a user agent that names the project, following redirects.
The page is read as the build will read it (builder.ingest.readers.html); only an
article is kept. The snapshot is the page's bytes as served, after one first line, an
HTML comment the reader reads back:

    <!-- research-site snapshot url=https://... retrieved=2026-01-16T07:30:00Z -->

It is written to a temporary file in the seeds folder and renamed into place, so no
half-written page is ever in seeds/. A URL already saved (the same URL in a snapshot
comment or in the front matter of a .md/.txt article, or the same page bytes) is refused. Every failure is one line naming the URL
and the reason; the exit code is 1 when any URL failed.
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import socket
import sys
import tempfile
import time
import urllib.error
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import urlsplit

from builder.config import Config
from builder.ingest.readers.html import provenance, read, snapshot_comment
from builder.records import Article, Rejected

USER_AGENT = "research-site/0.1 (+builder add; a research-site generator saving one article for citation)"
TIMEOUT = 20.0  # seconds, for the connection and for each read
MAX_BYTES = 5_000_000  # a news page is far smaller; past this it is refused
MAX_REDIRECTS = 5
CHUNK = 65536
FRONT_MATTER_URL = re.compile(rb"^url:\s*[\"']?(https?://[^\s\"']+)", re.MULTILINE)


@dataclass(frozen=True)
class Added:
    """A page saved into the seeds folder."""

    url: str
    file: str  # name in the seeds folder
    article: Article
    topics: tuple[str, ...] = ()


@dataclass(frozen=True)
class Failed:
    """A URL that was not saved, and why."""

    url: str
    reason: str


class _Redirects(urllib.request.HTTPRedirectHandler):
    """Follow at most MAX_REDIRECTS redirects, and only to http(s) addresses."""

    max_redirections = MAX_REDIRECTS

    def redirect_request(self, req, fp, code, msg, headers, newurl):
        if urlsplit(newurl).scheme.lower() not in ("http", "https"):
            raise ValueError(f"redirected to a non-http(s) address ({newurl[:80]})")
        return super().redirect_request(req, fp, code, msg, headers, newurl)


def _opener():
    return urllib.request.build_opener(_Redirects())


def download(url: str, timeout: float = TIMEOUT, max_bytes: int = MAX_BYTES) -> tuple[str, bytes]:
    """Return (final URL after redirects, body bytes); raise OSError or ValueError saying why not."""
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise ValueError("not an http(s) address")
    req = urllib.request.Request(url, headers={"User-Agent": USER_AGENT, "Accept": "text/html,*/*;q=0.5"})
    with _opener().open(req, timeout=timeout) as resp:
        ctype = resp.headers.get("Content-Type", "")
        if ctype and not re.match(r"\s*(?:text/html|application/xhtml\+xml)", ctype, re.I):
            raise ValueError(f"not a web page (Content-Type {ctype.split(';')[0].strip()})")
        length = resp.headers.get("Content-Length")
        if length and length.isdigit() and int(length) > max_bytes:
            raise ValueError(f"too large ({int(length)} bytes, the limit is {max_bytes})")
        body = bytearray()
        deadline = time.monotonic() + 3 * timeout  # a server that trickles bytes is cut off too
        while True:
            chunk = resp.read(CHUNK)
            if not chunk:
                break
            body += chunk
            if len(body) > max_bytes:
                raise ValueError(f"too large (over {max_bytes} bytes)")
            if time.monotonic() > deadline:
                raise TimeoutError("timed out")
        return resp.geturl(), bytes(body)


def _slug(url: str) -> str:
    """Return a file name for a URL: host and last path words, ASCII, with a short hash."""
    parts = urlsplit(url)
    host = (parts.hostname or "page").removeprefix("www.")
    words = [w for w in re.split(r"[^A-Za-z0-9]+", parts.path) if w][-6:]
    stem = re.sub(r"-{2,}", "-", "-".join([host.replace(".", "-"), *words]).lower())[:80].strip("-")
    return f"{stem}-{hashlib.sha256(url.encode()).hexdigest()[:8]}.html"


def _present(seeds: Path) -> tuple[dict[str, str], dict[str, str]]:
    """Return {saved URL: file} and {sha256 of page bytes: file} of the pages already in seeds."""
    urls: dict[str, str] = {}
    digests: dict[str, str] = {}
    for path in sorted(seeds.rglob("*")):
        suffix = path.suffix.lower()
        if suffix not in (".html", ".htm", ".md", ".txt") or not path.is_file():
            continue
        try:
            data = path.read_bytes()
        except OSError:
            continue
        name = path.relative_to(seeds).as_posix()
        if suffix in (".md", ".txt"):  # an article typed or pasted with its URL in the front matter
            m = FRONT_MATTER_URL.search(data[:4096]) if data.startswith(b"---") else None
            if m:
                urls.setdefault(_norm(m.group(1).decode("utf-8", "replace")), name)
            continue
        url, _ = provenance(data)
        if url:
            urls.setdefault(_norm(url), name)
        digests.setdefault(hashlib.sha256(_page_bytes(data)).hexdigest(), name)
    return urls, digests


def _page_bytes(data: bytes) -> bytes:
    """Return a snapshot's bytes without the snapshot comment line (the page as served)."""
    if data.startswith(b"<!-- research-site snapshot "):
        return data.split(b"\n", 1)[1] if b"\n" in data else b""
    return data


def _norm(url: str) -> str:
    parts = urlsplit(url.strip())
    host = (parts.hostname or "").lower().removeprefix("www.")
    return f"{host}{parts.path.rstrip('/')}{'?' + parts.query if parts.query else ''}"


def _write(seeds: Path, name: str, data: bytes) -> None:
    """Write data to seeds/name through a temporary file and a rename: all or nothing."""
    fd, tmp = tempfile.mkstemp(prefix=".add-", suffix=".tmp", dir=seeds)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, seeds / name)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _reason(exc: BaseException) -> str:
    if isinstance(exc, urllib.error.HTTPError):
        return f"HTTP {exc.code} {exc.reason}"
    if isinstance(exc, urllib.error.URLError):
        inner = exc.reason
        if isinstance(inner, (TimeoutError, socket.timeout)):
            return "timed out"
        return f"network error: {inner}"
    if isinstance(exc, (TimeoutError, socket.timeout)):
        return "timed out"
    if isinstance(exc, ValueError):
        return str(exc)
    return f"{type(exc).__name__}: {exc}"


def add(
    urls: list[str],
    seeds: Path,
    config: Config,
    *,
    now: Callable[[], dt.datetime] | None = None,
    timeout: float = TIMEOUT,
    max_bytes: int = MAX_BYTES,
    topics: Callable[[Article], tuple[str, ...]] | None = None,
) -> list[Added | Failed]:
    """Fetch each URL and save the article pages into seeds; return one result per URL, in order."""
    clock = now or (lambda: dt.datetime.now(dt.timezone.utc))
    seeds.mkdir(parents=True, exist_ok=True)
    known_urls, known_digests = _present(seeds)
    results: list[Added | Failed] = []
    for url in urls:
        if _norm(url) in known_urls:
            results.append(Failed(url, f"already in seeds as {known_urls[_norm(url)]}"))
            continue
        try:
            final, body = download(url, timeout, max_bytes)
        except Exception as exc:  # noqa: BLE001 - every failure is reported, none stops the others
            results.append(Failed(url, _reason(exc)))
            continue
        digest = hashlib.sha256(body).hexdigest()
        if _norm(final) in known_urls or digest in known_digests:
            other = known_urls.get(_norm(final)) or known_digests[digest]
            results.append(Failed(url, f"already in seeds as {other}"))
            continue
        retrieved = clock().astimezone(dt.timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
        data = snapshot_comment(final, retrieved).encode("ascii") + body
        name = _slug(final)
        got = read(data, name, config)
        if isinstance(got, Rejected):
            results.append(Failed(url, got.reason))
            continue
        try:
            _write(seeds, name, data)
        except OSError as exc:
            results.append(Failed(url, f"cannot write {name}: {exc.strerror or exc}"))
            continue
        known_urls[_norm(final)] = known_urls[_norm(url)] = name
        known_digests[digest] = name
        results.append(Added(url, name, got, topics(got) if topics else ()))
    return results


def topics_of(config: Config) -> Callable[[Article], tuple[str, ...]]:
    """Return a function giving the topics an article has evidence for (through annotate)."""

    def find(article: Article) -> tuple[str, ...]:
        try:
            from builder.annotate import annotate

            ann = annotate(article, config)
        except Exception:  # noqa: BLE001 - the summary line only; the build reports analysis failures
            return ()
        return tuple(sorted({t for s in ann.sentences for t in s.topics}))

    return find


def report(results: list[Added | Failed], out=None) -> int:
    """Print one block per result; return 1 if any URL failed, else 0."""
    out = out or sys.stdout
    failed = 0
    for r in results:
        if isinstance(r, Failed):
            failed += 1
            print(f"{r.url}: failed: {r.reason}", file=sys.stderr)
            continue
        a = r.article
        date = f"{a.published} ({a.published_precision})" if a.published else "unknown"
        print(f"{r.url}: saved as {r.file}", file=out)
        print(f"  title: {a.title}", file=out)
        print(f"  outlet: {a.outlet or 'unknown'}", file=out)
        print(f"  date: {date}", file=out)
        print(f"  language: {a.language}", file=out)
        print(f"  paragraphs: {len(a.paragraphs)}", file=out)
        print(f"  topics: {', '.join(r.topics) if r.topics else 'none found'}", file=out)
    return 1 if failed else 0
