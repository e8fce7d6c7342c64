"""MkDocs hook: run the builder (in a child process) and hand its pages to MkDocs as generated files.

mkdocs.yml names this file under `hooks:`; `extra.research` gives the seeds
folder and research definition relative to mkdocs.yml (RESEARCH_SEEDS and
RESEARCH_CONFIG override them). Nothing is written into docs/, so `mkdocs
serve` never sees its own output as a change.

The nav's Topics section lists the topics of research.yml (on_config). A rejected
input is logged as a warning, which a plain `mkdocs build` and `mkdocs serve`
go past and `mkdocs build --strict` fails on; a remark on a file that was read
(a legacy encoding, an ignored front matter key) is logged as information.

`mkdocs serve --dirty` with Pagefind (a large corpus): MkDocs renders again
only the pages whose file is newer than its HTML, and a generated page is
always new to it. So the pages are written into the cache (`SERVE_DOCS`, only
the changed ones) and handed over as files there: an edit renders its few
pages again, and the pages of the nav (a dozen), instead of all of them. The
search index stays the first build's.
"""

from __future__ import annotations

import logging
import os
from pathlib import Path

from mkdocs.exceptions import PluginError
from mkdocs.structure.files import File, Files

from builder.config import load_config
from builder.errors import BuilderError
from builder.execution import make_executor
from builder.incremental.engine import build_apart
from builder.messages import CleanFilter, clean, problem_lines
from builder.mkdocs import passthrough, search
from builder.mkdocs.paths import research_executor
from builder.mkdocs.paths import research_paths as _paths

log = logging.getLogger("mkdocs.hooks.research")
log.addFilter(CleanFilter())  # control characters in file names never reach the terminal raw

SERVE_DOCS = "serve-docs"  # in the cache: the pages `mkdocs serve --dirty` reads from disk
_serving = {"dirty": False}  # set by on_startup


def on_startup(command: str, dirty: bool) -> None:
    _serving["dirty"] = command == "serve" and dirty


def _dirty_serve(config) -> bool:
    """Tell whether this build renders only changed pages: `serve --dirty`, with Pagefind."""
    return _serving["dirty"] and bool(config["extra"].get("research_pagefind"))


def on_files(files: Files, config) -> Files:
    seeds, cfg, cache = _paths(config)
    docs = cache / SERVE_DOCS if _dirty_serve(config) else None
    try:
        executor = make_executor(**research_executor(config))
        try:
            result = build_apart(seeds, load_config(cfg), cache, out=docs, executor=executor)
        finally:
            executor.close()
    except BuilderError as exc:
        raise PluginError(f"research builder: {clean(str(exc))}") from None
    log.info("research builder: %s", result.how)
    for line in problem_lines(result.report):  # a plain build goes on and shows them, --strict stops
        log.warning(line)
    in_nav = _nav_pages(config.nav) if docs is not None else set()
    for path in result.files:
        old = files.get_file_from_path(path)
        if old is not None:
            files.remove(old)
        if docs is None:
            files.append(File.generated(config, path, content=result.files[path]))
        elif path not in in_nav:  # written into docs: MkDocs renders it again only if it changed
            files.append(File.generated(config, path, abs_src_path=str(docs / path)))
        else:  # always rendered: a nav page left alone would show no title in the others' nav
            files.append(File.generated(config, path, content=(docs / path).read_text("utf-8")))
    return files


def _nav_pages(nav) -> set[str]:
    """Return the pages mkdocs.yml's nav names (a nested list of titles and paths)."""
    if isinstance(nav, str):
        return {nav}
    if isinstance(nav, dict):
        return set().union(*(_nav_pages(v) for v in nav.values()))
    if isinstance(nav, list):
        return set().union(*(_nav_pages(v) for v in nav))
    return set()


TOPICS = "Topics"  # the nav section the hook fills from research.yml


def topic_nav(nav: list | None, topics) -> list:
    """Return mkdocs.yml's nav with its Topics section listing these topics, each by its title.

    The section replaces an entry named Topics, or goes after the first entry (the home
    page). Every entry has a title: MkDocs takes a page's title from its Markdown, which is
    gone once the page is written (see on_post_page), so an untitled entry would read "None"
    in the navigation of the pages rendered after it.
    """
    section = {TOPICS: [{t.title: f"topics/{t.slug}.md"} for t in topics]}
    nav = list(nav or [])
    at = next((i for i, e in enumerate(nav) if isinstance(e, dict) and TOPICS in e), None)
    if at is None:
        nav.insert(min(1, len(nav)), section)
    else:
        nav[at] = section
    return nav


def repo_link(environ) -> tuple[str, str] | None:
    """Return (repo_url, repo_name) from GitHub Actions' variables, or None outside a workflow."""
    repo = environ.get("GITHUB_REPOSITORY", "").strip()
    server = environ.get("GITHUB_SERVER_URL", "https://github.com").strip().rstrip("/")
    if not repo or repo.count("/") != 1 or not server.startswith("https://"):
        return None
    return f"{server}/{repo}", repo


def _pin_repo_url(config) -> None:
    """Give the header its repository link from the environment when mkdocs.yml's REPO_URL is unset.

    Outside GitHub Actions and without REPO_URL the header has no repository link at all.
    """
    if config.repo_url:
        return
    found = repo_link(os.environ)
    if found is not None:
        config.repo_url, config.repo_name = found


def on_config(config):
    """Choose the search (Material's lunr index, or Pagefind past the threshold) and fill the
    nav's Topics section from research.yml.

    A `serve --dirty` rebuild keeps the index of the first build: Pagefind would
    see only the pages rendered again.
    """
    config = search.on_config(config)
    try:
        topics = load_config(_paths(config)[1]).topics
    except (BuilderError, TypeError, ValueError, AttributeError, KeyError) as exc:
        raise PluginError(f"research builder: {exc}") from None
    if config.nav is not None:
        config.nav = topic_nav(config.nav, topics)
    _pin_repo_url(config)
    # `mkdocs serve` reloads on the seeds and research definition it builds from, also when
    # RESEARCH_SEEDS or RESEARCH_CONFIG point elsewhere than mkdocs.yml's `watch`
    watched = {Path(w).resolve() for w in config.watch}
    for path in _paths(config)[:2]:
        if path.resolve() not in watched:
            config.watch.append(str(path))
    config["extra"]["research_keep_index"] = (
        _dirty_serve(config) and (Path(config.site_dir) / "pagefind").is_dir()
    )
    return config


def on_post_build(config) -> None:
    """Index the finished site with Pagefind when it is the chosen search."""
    search.on_post_build(config)


def on_build_error(error) -> None:
    """Stop Pagefind if it is still indexing the pages of a build that failed."""
    search.on_build_error(error)


def on_page_context(context, page, config, nav):
    """Give topic pages the inflected words readers type, in Material's search index."""
    return search.on_page_context(context, page=page, config=config, nav=nav)


def on_post_page(output: str, page, config) -> str:
    """Hand the page to Pagefind's shards, which rank topic pages by their keywords in every language."""
    output = search.on_post_page(output, page=page, config=config)
    # The page is written once this returns and nothing reads its Markdown or HTML again:
    # 10,000 pages of both would stay in memory while Pagefind runs. Its title is kept:
    # MkDocs derives it from the Markdown, and the pages rendered later show it in their nav.
    page.title = page.title
    page.markdown = page.content = None
    return output


def on_page_markdown(markdown: str, page, config, files) -> str:
    """Keep the raw HTML of generated pages away from Markdown (see builder/passthrough.py)."""
    if page.file.generated_by:  # read into page.markdown: the file's copy is not needed again
        page.file.content_string = ""
    return passthrough.on_page_markdown(markdown, page=page, config=config, files=files)


def on_page_content(html: str, page, config, files) -> str:
    """Append that raw HTML again, its links resolved."""
    return passthrough.on_page_content(html, page=page, config=config, files=files)


def on_env(env, config, files):
    """Give the theme its cache of the parts shared by the pages of a folder (see builder/passthrough.py)."""
    return passthrough.on_env(env, config=config, files=files)
