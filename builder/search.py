"""Chunked search with Pagefind once the corpus outgrows one lunr index.

Material's search plugin ships the whole site as one `search_index.json`
(11 MB at 2,000 pages, 42 MB at 5,222) that a reader downloads before the
first result. Past `search.pagefind_threshold` sources (research.yml, default
1,000) this module turns that plugin off, runs Pagefind over the built site in
`on_post_build` and puts Pagefind's UI in the header instead: a reader then
loads a few hundred kilobytes (loader, WebAssembly, metadata, one index chunk
per query word). Past SHARD_PAGES pages the index is built in shards that the
search box merges, because Pagefind's memory grows with the pages of an index.

RESEARCH_PAGEFIND=always|never overrides the threshold (tests, benchmarks).
An OFFLINE=true build keeps lunr: Pagefind fetches its chunks, which a browser
refuses for file:// pages.

Stemming: Pagefind picks one stemmer per index from <html lang>, and pages
with different languages go to separate indexes that a query never crosses.
The site is lang "en" but most articles are Russian, so the index is built
with `--force-language ru`: "реадмиссия" finds "реадмиссии"; English words
match exactly or by prefix ("visa" finds "visas", "visas" does not find
"visa"). See the README, "Search at scale".

The functions below are MkDocs hook events; builder/hook.py calls them, and
this file also works alone under `hooks:` (the benchmark does that).
"""

from __future__ import annotations

import json
import logging
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

log = logging.getLogger("mkdocs.hooks.research.search")

SCRIPT = "assets/pagefind-search.js"  # static, in docs/assets/
STYLE = "assets/pagefind-search.css"
FORCE_LANGUAGE = "ru"
DEFAULT_THRESHOLD = 1000
SHARD_PAGES = 5000  # pages per Pagefind index (see run_pagefind); RESEARCH_PAGEFIND_SHARD_PAGES overrides


def mode() -> str:
    """Return RESEARCH_PAGEFIND (always, never) or 'auto'."""
    value = os.environ.get("RESEARCH_PAGEFIND", "auto").strip().lower()
    return value if value in {"always", "never"} else "auto"


def _count_inputs(seeds: Path) -> int:
    n = 0
    for _, _, files in os.walk(seeds):
        n += len(files)
    return n


def _paths(config) -> tuple[Path, Path]:
    """Return the seeds folder and research.yml, as builder/hook.py finds them."""
    root = Path(config.config_file_path).resolve().parent
    extra = (config.extra or {}).get("research", {}) or {}
    seeds = Path(os.environ.get("RESEARCH_SEEDS") or root / extra.get("seeds", "seeds"))
    cfg = Path(os.environ.get("RESEARCH_CONFIG") or root / extra.get("config", "research.yml"))
    return seeds, cfg


def _threshold(config) -> int:
    """Read search.pagefind_threshold from research.yml without loading the whole definition."""
    try:
        from builder.config import load_config
        from builder.hook import _paths

        value = getattr(load_config(_paths(config)[1]), "pagefind_threshold", None)
        return int(value) if value else DEFAULT_THRESHOLD
    except Exception:  # a broken research.yml is reported by the builder, not here
        return DEFAULT_THRESHOLD


def wanted(config) -> bool:
    """Tell whether this build should use Pagefind."""
    m = mode()
    if m != "auto":
        return m == "always"
    if str(os.environ.get("OFFLINE", "")).lower() in {"1", "true", "yes"}:
        return False
    return _count_inputs(_paths(config)[0]) >= _threshold(config)


def on_config(config):
    """Switch Material's lunr search off and add the Pagefind box when Pagefind is wanted."""
    enabled = wanted(config)
    config["extra"]["research_pagefind"] = enabled
    if not enabled:
        return config
    search = config.plugins.get("material/search") or config.plugins.get("search")
    if search is not None:
        search.config.enabled = False  # no search_index.json, no Material search box
    if SCRIPT not in [str(s) for s in config.extra_javascript]:
        config.extra_javascript.append(SCRIPT)
    if STYLE not in [str(s) for s in config.extra_css]:
        config.extra_css.append(STYLE)
    return config


def _topic_terms(config) -> dict[str, str]:
    """Return {topic page path: its title and keywords in every language}, for ranking."""
    try:
        from builder.config import load_config

        research = load_config(_paths(config)[1])
    except Exception:
        return {}
    out = {}
    for topic in research.topics:
        words = [topic.title]
        for terms in topic.keywords.values():
            words.extend(terms)
        out[f"topics/{topic.slug}.md"] = " ".join(dict.fromkeys(words))
    return out


def on_post_page(output: str, page, config) -> str:
    """Weight a topic page by its keywords, so "реадмиссия" ranks the topic above sources.

    The site language is English, so topic titles are English; without this a
    Russian query ranks the topic page below dozens of short source pages.
    """
    if not config["extra"].get("research_pagefind"):
        return output
    terms = config["extra"].setdefault("research_topic_terms", None)
    if terms is None:
        terms = config["extra"]["research_topic_terms"] = _topic_terms(config)
    words = terms.get(page.file.src_uri)
    if not words:
        return output
    from html import escape

    marker = '<article class="md-content__inner md-typeset">'
    tag = f'<p hidden data-pagefind-weight="10">{escape(words)}</p>'
    return output.replace(marker, marker + tag, 1)


def _pagefind(site: Path, output: Path, language: str) -> None:
    cmd = [
        sys.executable,
        "-m",
        "pagefind",
        "--site",
        str(site),
        "--output-path",
        str(output),
        "--force-language",
        language,
        "--root-selector",
        "article",
        "--silent",
    ]
    proc = subprocess.run(cmd, capture_output=True, text=True)
    if proc.returncode:
        from mkdocs.exceptions import PluginError

        raise PluginError(f"pagefind failed ({proc.returncode}): {proc.stderr.strip()[-500:]}")


def _pages(site_dir: Path) -> list[str]:
    """Return the site's HTML pages, relative and sorted, outside any earlier Pagefind output."""
    pages = []
    for root, dirs, files in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if d != "pagefind" and not d.startswith("."))
        rel = os.path.relpath(root, site_dir)
        pages += [os.path.normpath(os.path.join(rel, f)) for f in files if f.endswith(".html")]
    return sorted(pages)


def _link(src: Path, dest: Path) -> None:
    dest.parent.mkdir(parents=True, exist_ok=True)
    try:
        os.link(src, dest)
    except OSError:  # another file system, or no hard links: copy
        shutil.copyfile(src, dest)


def run_pagefind(site_dir: Path, language: str = FORCE_LANGUAGE, shard_pages: int = SHARD_PAGES) -> list[str]:
    """Index site_dir with Pagefind into site_dir/pagefind; return the extra shard bundles.

    Pagefind holds every page of an index in memory while it builds (about
    150 KB a page: 1.5 GB at 10,000 pages). Past `shard_pages` pages the site
    is indexed in shards of that many pages, one Pagefind run after the other,
    each over a folder of hard links to its pages (so URLs stay the same); the
    first shard is the main bundle, the others go to pagefind/shards/N/ and
    pagefind/shards.json lists them for the search box to merge.
    """
    out = site_dir / "pagefind"
    shutil.rmtree(out, ignore_errors=True)
    pages = _pages(site_dir)
    extra: list[str] = []
    if len(pages) <= shard_pages:
        _pagefind(site_dir, out, language)
        (out / "shards.json").write_text("[]\n", "utf-8")
        return extra
    for n, start in enumerate(range(0, len(pages), shard_pages)):
        with tempfile.TemporaryDirectory(prefix=".pagefind-shard-", dir=site_dir) as tmp:
            for rel in pages[start : start + shard_pages]:
                _link(site_dir / rel, Path(tmp) / rel)
            bundle = out if n == 0 else out / "shards" / str(n)
            _pagefind(Path(tmp), bundle, language)
        if n:
            extra.append(f"shards/{n}/")
    (out / "shards.json").write_text(json.dumps(extra) + "\n", "utf-8")
    return extra


def shard_pages() -> int:
    raw = os.environ.get("RESEARCH_PAGEFIND_SHARD_PAGES", "")
    return int(raw) if raw.isdigit() and int(raw) > 0 else SHARD_PAGES


def _release_memory() -> None:
    """Hand memory freed by the build back to the system before Pagefind starts (glibc only)."""
    import contextlib
    import ctypes
    import ctypes.util
    import gc

    gc.collect()
    with contextlib.suppress(OSError, AttributeError):  # not glibc: reused, just not returned
        ctypes.CDLL(ctypes.util.find_library("c") or "libc.so.6").malloc_trim(0)


def on_post_build(config):
    """Build the Pagefind index over the finished site."""
    if config["extra"].get("research_pagefind"):
        _release_memory()
        run_pagefind(Path(config.site_dir), shard_pages=shard_pages())
