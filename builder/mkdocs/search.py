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
"visa").

Topic pages: readers type a topic's word in Russian, Kazakh or English, inflected.
topic_forms() spells those words out (pymorphy3 for Russian, the endings of
tables/inflections.yml for Kazakh and English). Material's search gets them in a
field of its index that results never show (on_page_context); Pagefind gets
them as metadata fields that the search box weighs as the title
(pagefind_markup). A topic page is indexed by Pagefind for its overview only
(templates/topic.md.j2), so a source page whose title has the word does not
outrank it.

The functions below are MkDocs hook events; builder/hook.py calls them, and
this file also works alone under `hooks:` (the benchmark does that).
"""

from __future__ import annotations

import functools
import json
import logging
import os
import re
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import IO

from builder.mkdocs.paths import research_paths as _paths

log = logging.getLogger("mkdocs.hooks.research.search")

SCRIPT = "assets/pagefind-search.js"  # static, in docs/assets/
STYLE = "assets/pagefind-search.css"
FORCE_LANGUAGE = "ru"
DEFAULT_THRESHOLD = 1000
SHARD_PAGES = 2500  # pages per Pagefind index (see Shards); RESEARCH_PAGEFIND_SHARD_PAGES overrides


def mode() -> str:
    """Return RESEARCH_PAGEFIND (always, never) or 'auto'."""
    value = os.environ.get("RESEARCH_PAGEFIND", "auto").strip().lower()
    return value if value in {"always", "never"} else "auto"


def _count_inputs(seeds: Path) -> int:
    n = 0
    for _, _, files in os.walk(seeds):
        n += len(files)
    return n


def _threshold(config) -> int:
    """Read search.pagefind_threshold from research.yml without loading the whole definition."""
    try:
        from builder.config import load_config

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


INFLECTIONS = Path(__file__).resolve().parent.parent / "tables" / "inflections.yml"
_CYRILLIC = re.compile("[\u0400-\u04ff]")
_KAZAKH = re.compile("[әғқңөұүһі]")


@functools.lru_cache(maxsize=1)
def _inflections() -> dict:
    import yaml

    return yaml.safe_load(INFLECTIONS.read_text("utf-8"))


@functools.lru_cache(maxsize=1)
def _morph():
    import pymorphy3

    return pymorphy3.MorphAnalyzer(lang="ru")


@functools.lru_cache(maxsize=4096)
def _russian_forms(word: str) -> tuple[str, ...]:
    """Return every form pymorphy3 knows of a Russian word's dictionary entries (the word alone if none)."""
    forms = {word}
    try:
        parses = _morph().parse(word)
        # A word the dictionary lacks ("реадмиссия"): the guess that takes it as its own lemma.
        chosen = [p for p in parses if p.is_known] or [p for p in parses if p.normal_form == word][:1]
        for parse in chosen:
            forms.update(f.word for f in parse.lexeme)
    except Exception:  # no dictionary: the word as written
        return (word,)
    return tuple(sorted(forms))


def _kazakh_forms(word: str) -> list[str]:
    """Return a Kazakh word with its plural and case endings (inflections.yml)."""
    table = _inflections()["kk"]

    def kind(stem: str) -> str:
        last = stem[-1:] or "а"
        return next((k for k, letters in table["classes"].items() if last in letters), "voiced")

    vowels = [c for c in word if c in table["classes"]["vowel"]]
    front = bool(vowels) and vowels[-1] in table["front"]
    swap = str.maketrans(table["to_front"]) if front else {}
    plural = word + table["plural"][kind(word)].translate(swap)
    return [
        stem + ending.translate(swap)
        for stem in (word, plural)
        for ending in ["", *table["cases"][kind(stem)]]
    ]


def _english_forms(word: str) -> list[str]:
    return [word + e for e in _inflections()["en"]["endings"]] + ([word[:-1]] if word.endswith("s") else [])


def topic_forms(topic) -> tuple[str, ...]:
    """Return the words a reader may type for a topic: its title and keywords, inflected, lower-case, sorted.

    Russian keywords (and Cyrillic ones under "any") get every dictionary form; Kazakh ones
    (and Cyrillic ones under "any": Kazakh writes "Интерполмен") the endings of
    inflections.yml; Latin ones English endings.
    """
    words: set[str] = set()
    for lang, terms in topic.keywords.items():
        for term in terms:
            for word in str(term).lower().split():
                words.add(word)
                if lang == "kk" or (lang == "any" and _CYRILLIC.search(word)):
                    words.update(_kazakh_forms(word))
                if _CYRILLIC.search(word) and lang in ("ru", "any"):
                    words.update(_russian_forms(word))
                elif lang in ("en", "any") and not _CYRILLIC.search(word):
                    words.update(_english_forms(word))
    for word in topic.title.lower().split():
        words.update(_english_forms(word))
    return tuple(sorted(words))


def topic_names(topic) -> tuple[str, ...]:
    """Return a topic's title and keywords as research.yml writes them, lower-case, in order, once each."""
    words = [topic.title, *(term for terms in topic.keywords.values() for term in terms)]
    return tuple(dict.fromkeys(str(w).lower() for w in words))


def topic_words(config) -> dict[str, tuple[str, str]]:
    """Return {topic page path: (its names, the other words a reader may type for it)}, read once per build."""
    terms = config["extra"].get("research_topic_terms")
    if terms is None:
        try:
            from builder.config import load_config

            research = load_config(_paths(config)[1])
        except Exception:  # a broken research.yml is reported by the builder
            research = None
        terms = {}
        for t in research.topics if research else ():
            names = topic_names(t)
            forms = [w for w in topic_forms(t) if w not in names]
            terms[f"topics/{t.slug}.md"] = (" ".join(names), " ".join(forms))
        config["extra"]["research_topic_terms"] = terms
    return terms


# The Pagefind metadata fields of a topic's names and of their other forms: the search box
# (docs/assets/pagefind-search.js) weighs them as the title. Two fields, as a field's match
# counts less the more words it holds: the names stay as strong as a short title.
NAMES_META, FORMS_META = "names", "forms"
ARTICLE = '<article class="md-content__inner md-typeset">'
_HEADERLINK = 'class="headerlink"'
_FOOTNOTES = '<div class="footnote">'  # the quotes: found on their source pages


def page_title(page, config) -> str:
    """Return the title a search result shows: the page's own, or the site's for the home page."""
    title = (page.meta or {}).get("title") or page.title or config.site_name
    return config.site_name if page.is_homepage else str(title)


def pagefind_markup(output: str, title: str, words: tuple[str, str] | None) -> str:
    """Return a page's HTML marked up for Pagefind.

    The result title is the page's title, given as metadata (the heading would bring its
    "¶" link along); permanent links and footnotes are not indexed. A topic page gets the words
    readers type for it as metadata, never shown: a query that matches a metadata field
    lifts the page as one matching its title does (docs/assets/pagefind-search.js gives the
    field the title's weight), and its excerpt still comes from the page's visible overview.
    """
    from html import escape

    tags = f'<span hidden data-pagefind-meta="title[data-title]" data-title="{escape(title)}"></span>'
    for field, value in zip((NAMES_META, FORMS_META), words or (), strict=False):
        tags += f'<span hidden data-pagefind-meta="{field}[data-v]" data-v="{escape(value)}"></span>'
    output = output.replace(_HEADERLINK, _HEADERLINK + " data-pagefind-ignore")
    output = output.replace(_FOOTNOTES, _FOOTNOTES[:-1] + " data-pagefind-ignore>", 1)
    return output.replace(ARTICLE, ARTICLE + tags, 1)


def on_post_page(output: str, page, config) -> str:
    """Hand the page to Pagefind's shards, marked up for it (see pagefind_markup).

    The site language is English, so topic titles are English; without the added words a
    Russian query ranks the topic page below hundreds of short source pages whose title
    has the word.
    """
    if not config["extra"].get("research_pagefind"):
        return output
    if not config["extra"].get("research_keep_index"):  # a `serve --dirty` rebuild keeps the index
        _shards(config).rendered(page.file.dest_uri)
    words = topic_words(config).get(page.file.src_uri)
    return pagefind_markup(output, page_title(page, config), words)


KEYWORDS_FIELD = "keywords"  # a field of Material's index (mkdocs.yml, search: fields), never shown
TOPIC_BOOST = 10  # Material's document boost for a topic page's sections


def on_page_context(context, page, config, nav):
    """Give a topic page's entries in Material's search index the words a reader may type for it.

    Material's search matches a query word as the start of an indexed word and does not stem
    Russian, so "визы" would miss a page that says "виза". The words go into a field of the
    index that the results never show (mkdocs.yml gives it its weight), on the page's first
    entry; every entry of the page is boosted above the source pages that repeat a word.
    """
    if config["extra"].get("research_pagefind"):
        return context
    words = topic_words(config).get(page.file.src_uri)
    plugin = config.plugins.get("material/search") or config.plugins.get("search")
    index = getattr(plugin, "search_index", None)
    if not words or index is None:
        return context
    words = " ".join(words)
    url = page.url
    entries = [e for e in index.entries if e.get("location", "").partition("#")[0] == url]
    for i, entry in enumerate(entries):
        entry["boost"] = TOPIC_BOOST
        if i == 0:
            entry[KEYWORDS_FIELD] = words
    return context


GLOB_SPECIAL = re.compile(r"([\\*?\[\]{}<>!:,$])")  # escaped in a glob of literal paths


def _glob(pages: list[str]) -> str:
    """A Pagefind glob that matches exactly these site-relative paths."""
    return "{" + ",".join(GLOB_SPECIAL.sub(r"\\\1", p) for p in pages) + "}"


def _pagefind(
    site: Path, pages: list[str], output: Path, language: str, cwd: str
) -> tuple[subprocess.Popen, IO[bytes]]:
    """Start Pagefind over these pages of site into output; return the process and the file taking its messages.

    The pages go to Pagefind as a glob in the pagefind.json it reads from its
    working folder cwd (a glob of 2,500 paths is longer than one command-line
    argument may be), so Pagefind reads each page where MkDocs wrote it: no
    folder of links to make and remove for each shard.
    """
    config = {
        "site": str(site.resolve()),
        "glob": _glob(pages),
        "output_path": str(output.resolve()),
        "force_language": language,
        "root_selector": "article",
    }
    (Path(cwd) / "pagefind.json").write_text(json.dumps(config), "utf-8")
    errors = tempfile.TemporaryFile()  # noqa: SIM115 (closed by Shards._wait) not a pipe: nobody reads it meanwhile
    try:
        cmd = [sys.executable, "-m", "pagefind", "--silent"]
        return subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=errors), errors
    except BaseException:
        errors.close()
        raise


def _pages(site_dir: Path) -> list[str]:
    """Return the site's HTML pages, relative and sorted, outside any earlier Pagefind output."""
    pages = []
    for root, dirs, files in os.walk(site_dir):
        dirs[:] = sorted(d for d in dirs if d != "pagefind" and not d.startswith("."))
        rel = os.path.relpath(root, site_dir)
        pages += [os.path.normpath(os.path.join(rel, f)) for f in files if f.endswith(".html")]
    return sorted(pages)


_RUNNING: set[Shards] = set()  # the builds' Shards until they finish (on_build_error stops them)


class Shards:
    """Index a site with Pagefind in shards of `size` pages, the first ones while MkDocs still renders.

    Pagefind holds every page of an index in memory while it builds (about
    150 KB a page: 1.5 GB at 10,000 pages), so the site is indexed in shards
    of `size` pages, each given to Pagefind as a glob of their paths (see
    _pagefind). The first shard is the main bundle, the others go to
    pagefind/shards/N/ and pagefind/shards.json lists them for the search box
    to merge. Pagefind runs on one core and MkDocs renders on one:
    rendered() takes the pages in the order MkDocs renders them (a page is
    written once its on_post_page returns, so the one before it is on disk)
    and starts a shard as soon as `size` of them are on disk, one Pagefind at
    a time; finish() indexes the rest (pages never announced, such as
    404.html, included), waits, and returns the extra bundles. A shard holds
    the same pages whatever the timing: the pages in render order, `size` at a
    time, then the others in sorted order.
    """

    def __init__(self, site_dir: Path, language: str = FORCE_LANGUAGE, size: int = SHARD_PAGES) -> None:
        self.site, self.language, self.size = Path(site_dir), language, max(1, size)
        self.out = self.site / "pagefind"
        shutil.rmtree(self.out, ignore_errors=True)
        self.pending: str | None = None  # rendered, written once the next page is rendered
        self.queue: list[str] = []  # written, in no shard yet
        self.indexed: set[str] = set()
        self.extra: list[str] = []
        self.started = 0  # shards started
        self.running: tuple[subprocess.Popen, IO[bytes], str] | None = None
        _RUNNING.add(self)

    def rendered(self, page: str) -> None:
        """Take the page MkDocs is about to write (site-relative path); the one before it is written."""
        if self.pending is not None:
            self.queue.append(self.pending)
        self.pending = os.path.normpath(page)
        if len(self.queue) >= self.size and (self.running is None or self.running[0].poll() is not None):
            self._wait()
            self._start(self.queue[: self.size])
            del self.queue[: self.size]

    def finish(self) -> list[str]:
        """Index every page not indexed yet, wait for Pagefind, write shards.json; return the extra bundles."""
        if self.pending is not None:
            self.queue.append(self.pending)
            self.pending = None
        waiting = set(self.queue)
        rest = self.queue + [p for p in _pages(self.site) if p not in self.indexed and p not in waiting]
        self.queue = []
        if not rest and not self.started:
            rest = [""]  # an empty site still gets an (empty) index
        for start in range(0, len(rest), self.size):
            self._wait()
            self._start(rest[start : start + self.size])
        self._wait()
        _RUNNING.discard(self)
        (self.out / "shards.json").write_text(json.dumps(self.extra) + "\n", "utf-8")
        return self.extra

    def cancel(self) -> None:
        """Stop a running Pagefind and remove its config folder (a failed build)."""
        if self.running is not None:
            self.running[0].kill()
            self._wait(check=False)
        _RUNNING.discard(self)

    def _start(self, pages: list[str]) -> None:
        n = self.started
        self.started += 1
        pages = [rel for rel in pages if rel and (self.site / rel).is_file()]  # no file for an empty page
        self.indexed.update(pages)
        bundle = self.out if n == 0 else self.out / "shards" / str(n)
        if n:
            self.extra.append(f"shards/{n}/")
        tmp = tempfile.mkdtemp(prefix="pagefind-shard-")  # its config, removed once it is done
        try:
            proc, errors = _pagefind(self.site, pages, bundle, self.language, tmp)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
        self.running = (proc, errors, tmp)

    def _wait(self, check: bool = True) -> None:
        if self.running is None:
            return
        proc, errors, tmp = self.running
        self.running = None
        code = proc.wait()
        errors.seek(0)
        message = errors.read().decode("utf-8", "replace").strip()[-500:]
        errors.close()
        shutil.rmtree(tmp, ignore_errors=True)
        if code and check:
            from mkdocs.exceptions import PluginError

            raise PluginError(f"pagefind failed ({code}): {message}")


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


def _shards(config) -> Shards:
    """Return this build's Shards, made at its first page (on_config runs again for each build)."""
    shards = config["extra"].get("research_shards")
    if shards is None:
        shards = config["extra"]["research_shards"] = Shards(Path(config.site_dir), size=shard_pages())
    return shards


def on_post_build(config):
    """Index the pages Pagefind has not had yet, and wait for it."""
    if config["extra"].get("research_pagefind") and not config["extra"].get("research_keep_index"):
        _release_memory()
        _shards(config).finish()
        config["extra"]["research_shards"] = None


def on_build_error(error) -> None:
    """Stop a Pagefind still running for a build that failed."""
    for shards in list(_RUNNING):
        shards.cancel()
