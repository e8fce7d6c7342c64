"""builder/passthrough.py: the raw HTML of a generated page skips Markdown, and its links,
anchors and headings reach MkDocs as those of Markdown would, under either URL style."""

from __future__ import annotations

import logging

import pytest
from mkdocs.config.defaults import MkDocsConfig
from mkdocs.structure.files import File, Files
from mkdocs.structure.pages import Page

from builder.mkdocs import passthrough

BODY = """<table><tr><td><a href="../topics/visas.md">Visas</a></td></tr></table>
<h2 id="text">Text<a class="headerlink" href="#text">&para;</a></h2>
<p id="p1" class="rs-para"><a class="rs-pilcrow" href="#p1">¶1</a> *not emphasis* [not](a.md)</p>
<p class="rs-backlinks">Cited in: <a href="../topics/visas.md#c-1">claim</a> ·
<a href="b.md">sibling</a> · <a href="../data/sources.json">data</a> ·
<a href="https://example.org/README.md">elsewhere</a> · <a href="../gone.md#x">gone</a></p>
"""
PAGE = f"# Title\n\n{passthrough.MARKER}\n{BODY}"


def _site(tmp_path, directory_urls: bool):
    cfg = MkDocsConfig()
    cfg.load_dict({"site_name": "t", "docs_dir": str(tmp_path), "use_directory_urls": directory_urls})
    errors, _ = cfg.validate()
    assert not errors
    names = ["sources/a.md", "sources/b.md", "topics/visas.md", "data/sources.json"]
    files = Files([File(n, None, cfg.site_dir, directory_urls) for n in names])
    page = Page(None, files.get_file_from_path("sources/a.md"), cfg)
    return cfg, files, page


# A source page: all HTML, title included, so Markdown converts nothing.
HTML_PAGE = f'{passthrough.MARKER}\n<h1 id="title">A &amp; B<a class="headerlink" href="#title">&para;</a></h1>\n{BODY}'


def _render(tmp_path, directory_urls: bool, caplog, text: str = PAGE) -> Page:
    cfg, files, page = _site(tmp_path, directory_urls)
    page.markdown = passthrough.on_page_markdown(text, page=page, config=cfg, files=files)
    page.render(cfg, files)
    with caplog.at_level(logging.WARNING, logger="mkdocs.hooks.research.passthrough"):
        page.content = passthrough.on_page_content(page.content, page=page, config=cfg, files=files)
    return page


def test_markdown_sees_only_the_part_before_the_marker(tmp_path):
    cfg, files, page = _site(tmp_path, True)
    assert passthrough.on_page_markdown(PAGE, page=page, config=cfg, files=files) == "# Title\n"
    assert passthrough.on_page_markdown("# Plain\n", page=page, config=cfg, files=files) == "# Plain\n"
    assert passthrough.on_page_markdown(HTML_PAGE, page=page, config=cfg, files=files) == ""


@pytest.mark.parametrize(
    ("directory_urls", "written", "resolved"),
    [
        (True, "../topics/visas.md#c-1", "../../topics/visas/#c-1"),
        (True, "b.md", "../b/"),
        (True, "../data/sources.json", "../../data/sources.json"),
        (False, "../topics/visas.md#c-1", "../topics/visas.html#c-1"),
        (False, "b.md", "b.html"),
        (False, "../data/sources.json", "../data/sources.json"),
        (True, "https://example.org/README.md", "https://example.org/README.md"),
        (True, "#p1", "#p1"),
    ],
)
def test_links_resolve_like_markdown_links(tmp_path, caplog, directory_urls, written, resolved):
    page = _render(tmp_path, directory_urls, caplog)
    assert f'href="{resolved}"' in page.content
    if written != resolved:
        assert f'href="{written}"' not in page.content


def test_raw_html_is_passed_through_and_a_missing_target_is_reported(tmp_path, caplog):
    page = _render(tmp_path, True, caplog)
    assert "*not emphasis* [not](a.md)" in page.content, "Markdown never parsed the raw HTML"
    assert page.content.startswith('<h1 id="title">Title')
    assert 'href="../gone.md#x"' in page.content
    assert any("../gone.md" in r.getMessage() for r in caplog.records)


@pytest.mark.parametrize("text", [PAGE, HTML_PAGE], ids=["markdown title", "html title"])
def test_anchors_and_headings_are_registered(tmp_path, caplog, text):
    page = _render(tmp_path, True, caplog, text)
    assert {"text", "p1", "title"} <= page.present_anchor_ids
    # Nested as Markdown's own headings: Material's sidebar lists the h1's children.
    [top] = page.toc
    assert (top.id, top.level) == ("title", 1)
    assert [(t.title, t.id, t.level) for t in top.children] == [("Text", "text", 2)]


def test_an_all_html_page_is_its_own_content(tmp_path, caplog):
    page = _render(tmp_path, False, caplog, HTML_PAGE)
    assert page.content.startswith('<h1 id="title">A &amp; B<a class="headerlink"')
    assert page.content.count("<h1") == 1
    assert "*not emphasis*" in page.content
    assert [t.title for t in page.toc] == ["A &amp; B"]
