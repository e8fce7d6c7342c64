"""Hostile article text and front matter stay inert on every page their words reach.

One real MkDocs site is built (module fixture) from the seeds plus the articles in
tests/fixtures/hostile/, and two seeds get hostile text spliced into the paragraph
that feeds a discrepancy. The built HTML is parsed (html.parser, no browser) and
every page must be free of active content that came from an article, while the
literal hostile text stays visible as text and the JSON exports keep it verbatim.
"""

from __future__ import annotations

import json
import re
import shutil
import subprocess
import sys
import xml.etree.ElementTree as ET
from html.parser import HTMLParser
from pathlib import Path

import pytest

from builder.incremental.engine import build
from builder.output.write import write_tree

ROOT = Path(__file__).resolve().parent.parent
HOSTILE = Path(__file__).resolve().parent / "fixtures" / "hostile"
SEEDS = ROOT / "seeds"

# Spliced into the seed paragraphs that name the Minister of Internal Affairs, so the
# hostile text reaches the discrepancies page and the entity pages of real entities.
SEED_MARK = "Кроме того, "
SEED_INJECT = "<script>alert('seed')</script> <img src=x onerror=alert(8)> "

# ------------------------------------------------------------------ the HTML checker

URL_ATTRS = {"href", "src", "action", "formaction", "data", "xlink:href", "poster", "background", "srcset"}
BAD_SCHEME = re.compile(r"^(?:javascript|data|vbscript|file):", re.IGNORECASE)
# Elements an article can never legitimately put into the content area.
ACTIVE_TAGS = {
    "script",
    "iframe",
    "frame",
    "frameset",
    "object",
    "embed",
    "applet",
    "style",
    "svg",
    "math",
    "img",
    "form",
    "input",
    "button",
    "textarea",
    "select",
    "link",
    "meta",
    "base",
    "template",
}


class _Scan(HTMLParser):
    """Collect active content: event handlers, script-scheme URLs, scripts, active tags."""

    def __init__(self, content_only: bool):
        super().__init__(convert_charrefs=True)
        self.content_only = content_only
        self.problems: list[str] = []
        self.text: list[str] = []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name.lower().startswith("on"):
                self.problems.append(f"<{tag} {name}=...> event handler")
            v = re.sub(r"[\x00-\x20]+", "", value or "")
            if name.lower() in URL_ATTRS and BAD_SCHEME.match(v):
                self.problems.append(f"<{tag} {name}={value[:60]!r}> script-capable URL")
            if name.lower() == "srcdoc":
                self.problems.append(f"<{tag} srcdoc> inline document")
        if tag == "meta" and any(n == "http-equiv" and (v or "").lower() == "refresh" for n, v in attrs):
            self.problems.append("<meta http-equiv=refresh>")
        if tag == "script":
            src = dict(attrs).get("src") or ""
            if re.match(r"^(?:[a-z]+:)?//", src, re.IGNORECASE):
                self.problems.append(f"<script src={src!r}> from another host")
            self._in_script = True
        if self.content_only and tag in ACTIVE_TAGS:
            self.problems.append(f"<{tag}> element in article content")

    handle_startendtag = handle_starttag

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and re.search(r"alert\s*\(|evil\.example", data):
            self.problems.append(f"<script> whose text came from an article: {data[:60]!r}")
        self.text.append(data)


def active_content(html: str, content_only: bool = False) -> list[str]:
    """Return what in this HTML could run in a reader's browser (empty when inert)."""
    scan = _Scan(content_only)
    scan.feed(html)
    scan.close()
    return scan.problems


def visible_text(html: str) -> str:
    """Return the text a reader sees in this HTML, whitespace collapsed."""
    scan = _Scan(False)
    scan.feed(html)
    scan.close()
    return " ".join("".join(scan.text).split())


def content_of(page: str) -> str:
    """Return the <article> of a Material page: the part generated from Markdown."""
    start = page.index('<article class="md-content__inner')
    return page[start : page.index("</article>", start)]


# The checker itself must be able to fail: each of these is flagged.
@pytest.mark.parametrize(
    "html",
    [
        "<script>alert(1)</script>",
        '<img src="x" onerror="alert(1)">',
        '<a href=" JaVaScRiPt:alert(1)">x</a>',
        '<a href="java&#x09;script:alert(1)">x</a>',
        '<iframe src="data:text/html;base64,AAAA"></iframe>',
        '<svg onload="alert(1)"/>',
        '<div onclick="alert(1)">x</div>',
        "<style>body{display:none}</style>",
        '<script src="https://evil.example/x.js"></script>',
    ],
)
def test_checker_flags_active_content(html):
    assert active_content(html, content_only=True)


@pytest.mark.parametrize(
    "html",
    [
        "<p>&lt;script&gt;alert(1)&lt;/script&gt;</p>",
        '<p><a href="../topics/visas/">onclick=alert(1)</a></p>',
        '<meta name="description" content="‹img src=x onerror=alert(1)›">',
        "<p>javascript:alert(1)</p>",
    ],
)
def test_checker_passes_inert_text(html):
    assert active_content(html) == []


# ------------------------------------------------------------------ the hostile site


def _mkdocs(dest: Path, seeds: Path) -> subprocess.CompletedProcess:
    """Build the real site without --strict (the hostile inputs warn by design)."""
    import os

    env = {
        **os.environ,
        "RESEARCH_SEEDS": str(seeds),
        "RESEARCH_CACHE": str(dest.parent / "cache"),
        "NO_MKDOCS_2_WARNING": "1",
    }
    cmd = [sys.executable, "-m", "mkdocs", "build", "--no-strict", "-d", str(dest)]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> Path:
    seeds = tmp_path_factory.mktemp("hostile") / "seeds"
    shutil.copytree(SEEDS, seeds)
    spliced = 0
    for p in sorted(seeds.iterdir()):
        text = p.read_text("utf-8")
        if SEED_MARK in text:
            p.write_text(text.replace(SEED_MARK, SEED_MARK + SEED_INJECT), "utf-8")
            spliced += 1
    assert spliced >= 2, "the seeds changed: pick another splice point"
    for p in sorted(HOSTILE.iterdir()):
        shutil.copy(p, seeds / p.name)
    return seeds


@pytest.fixture(scope="module")
def site(corpus) -> tuple[Path, str]:
    dest = corpus.parent / "site"
    proc = _mkdocs(dest, corpus)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dest, proc.stdout + proc.stderr


def _pages(site_dir: Path) -> list[Path]:
    return sorted(p for p in site_dir.rglob("*.html") if p.name != "404.html")


def test_every_page_is_inert(site):
    site_dir, _ = site
    problems = []
    for page in _pages(site_dir):
        html = page.read_text("utf-8")
        rel = page.relative_to(site_dir)
        problems += [f"{rel}: {p}" for p in active_content(html)]
        problems += [f"{rel}: {p}" for p in active_content(content_of(html), content_only=True)]
    assert problems == []


def test_no_invisible_bidi_controls_reach_a_page(site):
    site_dir, _ = site
    bad = re.compile("[\u202a-\u202e\u2066-\u2069]")
    hits = [str(p.relative_to(site_dir)) for p in _pages(site_dir) if bad.search(p.read_text("utf-8"))]
    assert hits == []


# (page in the built site, literal text a reader must see there)
VISIBLE = [
    ("sources/body/index.html", "Europol heading <script>alert(1)</script>"),
    ("sources/body/index.html", "signed a readmission agreement <script>alert(1)</script> in The Hague"),
    ("sources/body/index.html", "Interpol visa talks <img src=x onerror=alert(1)> continued"),
    ("sources/body/index.html", "| Europol | visa <iframe src=javascript:alert(1)></iframe> |"),
    ("sources/body/index.html", "[^1]: Europol readmission footnote definition"),
    ("sources/body/index.html", "<svg onload=alert(1)>"),
    ("sources/body/index.html", "[x]: javascript:alert(1)"),
    ("sources/body/index.html", "Click [Europol](javascript:alert(1)) or [Interpol](data:text/html;base64,"),
    ("sources/body/index.html", '<a href="javascript:alert(2)">visa link</a> [ref link][x]'),
    ("sources/body/index.html", "visa facilitation {: onclick=alert(1) } and {#evil .evil} in Astana"),
    ("sources/body/index.html", '{{ config }} and {% include "base.html" %} and {# comment #}'),
    ("sources/body/index.html", "<!-- hidden --> <style>body{display:none}</style>"),
    ("sources/body/index.html", "Bidi override ⟨U+202E⟩loporuE⟨U+202C⟩"),
    ("sources/body/index.html", "&lt;script&gt;alert(4)&lt;/script&gt; &#60;b&#62;"),
    ("sources/body/index.html", '<script src="https://evil.example/x.js"></script>'),
    (
        "sources/frontmatter/index.html",
        "<script>alert('title')</script> Europol visa [x](javascript:alert(1)) {{ config }}",
    ),
    ("sources/frontmatter/index.html", "<b onmouseover=alert(1)>Evil</b> Wire"),
    ("sources/frontmatter/index.html", "<img src=x onerror=alert('author')>"),
    ("sources/abs_slug/index.html", 'Absolute slug "quoted" \' & <b>bold</b>'),
    ("sources/abs_slug/index.html", "\\input{/etc/passwd} \\write18{id} 100%"),
    ("sources/plain/index.html", '<script>alert("plain")</script> Interpol and Kazakhstan discuss visas'),
    ("sources/plain/index.html", "Europol <svg/onload=alert(1)> and Interpol ${7*7} %(x)s {0} met in Lyon."),
    ("sources/homoglyph/index.html", "\u0415ur\u043ep\u043el and Kazakhstan"),
    ("topics/europol/index.html", "signed a readmission agreement <script>alert(1)</script> in The Hague"),
    ("topics/interpol/index.html", "Interpol visa talks <img src=x onerror=alert(1)> continued"),
    ("entities/europol/index.html", "signed a readmission agreement <script>alert(1)</script>"),
    ("entities/lyon/index.html", "<img src=x onerror=alert(1)>"),
    ("entities/andrei-linta/index.html", SEED_INJECT.strip()),
    ("timeline/index.html", "Kazakhstan and Interpol <img src=x onerror=alert('plain')> discussed"),
    ("sources/index.html", "<script>alert('title')</script> Europol visa [x](javascript:alert(1))"),
    ("sources/index.html", "<b onmouseover=alert(1)>Evil</b> Wire"),
    ("about/index.html", "front matter url 'javascript:alert('url')' is not an http(s) address; dropped"),
    ("about/index.html", "front matter id '../../../etc/passwd' is not a safe slug"),
    ("index.html", "<img src=x onerror=alert"),
]


@pytest.mark.parametrize(("page", "literal"), VISIBLE, ids=[f"{p}:{t[:30]}" for p, t in VISIBLE])
def test_hostile_text_is_visible_as_text(site, page, literal):
    site_dir, _ = site
    text = visible_text(content_of((site_dir / page).read_text("utf-8")))
    assert literal in text


# (page, text that is in a footnote: the verbatim quote Material shows as a tooltip)
FOOTNOTES = [
    (
        "topics/europol/index.html",
        "«On 18 April 2025 Europol and Kazakhstan signed a readmission agreement <script>",
    ),
    ("topics/europol/index.html", "<b onmouseover=alert(1)>Evil</b> Wire · 18 April 2025"),
    ("timeline/index.html", "«Kazakhstan and Interpol <img src=x onerror=alert('plain')> discussed"),
]


@pytest.mark.parametrize(("page", "literal"), FOOTNOTES, ids=[p for p, _ in FOOTNOTES])
def test_hostile_text_in_footnote_tooltips_is_text(site, page, literal):
    site_dir, _ = site
    html = content_of((site_dir / page).read_text("utf-8"))
    notes = html[html.index('<div class="footnote">') :]
    assert active_content(notes, content_only=True) == []
    assert literal in visible_text(notes)


def test_source_page_structure_is_not_changed_by_markdown_in_the_text(site):
    """Headings, tables, footnotes, attr lists in article text add no elements or ids."""
    site_dir, _ = site
    html = content_of((site_dir / "sources/body/index.html").read_text("utf-8"))
    assert len(re.findall(r"<h1[ >]", html)) == 1
    assert re.findall(r'<h2 id="([^"]+)"', html) == ["text"]
    assert len(re.findall(r"<table[ >]", html)) == 1  # the metadata table only
    assert 'class="footnote"' not in html
    ids = re.findall(r'\bid="([^"]+)"', html)
    assert "evil" not in ids
    assert len(ids) == len(set(ids)), "duplicate ids: an article set its own"
    assert 'class="evil"' not in html
    hrefs = re.findall(r'href="([^"]*)"', html)
    assert all(h.startswith(("#", "../", "https://example.org/")) for h in hrefs), hrefs


def test_front_matter_cannot_choose_paths_or_links(site):
    site_dir, _ = site
    assert (site_dir / "sources/frontmatter/index.html").exists()
    assert (site_dir / "sources/abs_slug/index.html").exists()
    html = (site_dir / "sources/abs_slug/index.html").read_text("utf-8")
    assert "evil" not in " ".join(re.findall(r'href="([^"]*)"', html))
    assert not list(site_dir.parent.rglob("passwd")) and not list(site_dir.parent.rglob("cron.d"))


def test_search_index_is_inert(site):
    """Material renders search results as HTML: the index must keep the text escaped."""
    site_dir, _ = site
    index = json.loads((site_dir / "search/search_index.json").read_text("utf-8"))
    problems = []
    for doc in index["docs"]:
        for key in ("title", "text"):
            problems += [f"{doc['location']} {key}: {p}" for p in active_content(doc[key], True)]
    assert problems == []
    texts = " ".join(visible_text(d["text"]) for d in index["docs"])
    assert "signed a readmission agreement <script>alert(1)</script> in The Hague" in texts


def test_only_the_builder_warns(site):
    """Hostile ids, anchors and links break nothing MkDocs validates (links, anchors, nav)."""
    _, log = site
    # A rejected file and a warning about a file that was read both name the file.
    remarks = [
        line for line in log.splitlines() if re.search(r"^WARNING +- +[^:]+: (warning|rejected): ", line)
    ]
    assert remarks, "the hostile inputs should produce the builder's remarks"
    warnings = [line for line in log.splitlines() if line.startswith("WARNING")]
    names = {p.name for p in HOSTILE.iterdir()} | {p.name for p in SEEDS.iterdir()}
    foreign = [w for w in warnings if w.split("-", 1)[1].strip().split(":", 1)[0] not in names]
    assert foreign == []


# ------------------------------------------------------------------ exports keep the text


def _data(site_dir: Path, name: str):
    return json.loads((site_dir / "data" / name).read_text("utf-8"))


def test_json_exports_keep_the_exact_text(site):
    site_dir, _ = site
    sources = {s["id"]: s for s in _data(site_dir, "sources.json")}
    fm = sources["frontmatter"]
    assert fm["title"] == "<script>alert('title')</script> Europol visa [x](javascript:alert(1)) {{ config }}"
    assert fm["outlet"] == "<b onmouseover=alert(1)>Evil</b> Wire"
    assert fm["author"] == "<img src=x onerror=alert('author')>"
    assert fm["url"] is None
    assert sources["abs_slug"]["url"] is None
    body = [p["text"] for p in sources["body"]["paragraphs"]]
    assert (
        "On 18 April 2025 Europol and Kazakhstan signed a readmission agreement <script>alert(1)</script> "
        "in The Hague, said Kassym-Jomart Tokayev."
    ) in body
    assert any("\u202e" in t for t in body), "JSON keeps even the bidi override verbatim"
    quotes = [c["quote"] for cl in _data(site_dir, "claims.json") for c in cl["citations"]]
    assert any("<script>alert(1)</script>" in q for q in quotes)
    report = {r["file"]: r for r in _data(site_dir, "report.json")["inputs"]}
    assert any("javascript:alert('url')" in w for w in report["frontmatter.md"]["warnings"])


def test_hostile_quotes_in_discrepancies_are_text(site):
    """Whichever discrepancy quotes hostile text, the page shows that text, inert."""
    site_dir, _ = site
    quotes = [
        c["quote"]
        for d in _data(site_dir, "discrepancies.json")
        for v in d["values"]
        for c in v["citations"]
        if "<" in c["quote"]
    ]
    assert quotes, "no discrepancy quotes hostile text: change the fixtures so one does"
    html = content_of((site_dir / "discrepancies/index.html").read_text("utf-8"))
    assert active_content(html, content_only=True) == []
    text = visible_text(html)
    assert [q for q in quotes if " ".join(q.split()) not in text] == []


def test_homoglyph_is_not_europol(site):
    site_dir, _ = site
    entities = {e["id"]: e for e in _data(site_dir, "entities.json")}
    assert "homoglyph" not in entities["europol"]["sources"]
    assert "homoglyph" not in entities.get("interpol", {"sources": []})["sources"]


def test_feed_is_well_formed_and_inert(site):
    site_dir, _ = site
    feed = site_dir / "feed.xml"
    if not feed.exists():
        pytest.skip("no feed.xml yet")
    root = ET.fromstring(feed.read_bytes())
    titles = [t.text for t in root.iter("title")]
    assert "<script>alert('title')</script> Europol visa [x](javascript:alert(1)) {{ config }}" in titles
    # RSS readers render <description> as HTML (<title> is plain text by the spec):
    # once the XML is decoded, the HTML must be inert and show the original text.
    descriptions = [el.text or "" for el in root.iter("description")]
    problems = [f"{d[:50]}: {p}" for d in descriptions for p in active_content(d, True)]
    assert problems == []
    assert any("<b onmouseover=alert(1)>Evil</b> Wire" in visible_text(d) for d in descriptions)


def test_bibtex_cannot_run_tex(site):
    site_dir, _ = site
    bib = site_dir / "data/sources.bib"
    if not bib.exists():
        pytest.skip("no sources.bib yet")
    text = bib.read_text("utf-8")
    depth = 0
    for ch in re.sub(r"\\[{}]", "", text):
        depth += {"{": 1, "}": -1}.get(ch, 0)
        assert depth >= 0
    assert depth == 0
    assert not re.search(r"(?<!\\)\\(?:input|include|write|immediate|openout|catcode)\b", text)


def test_csl_json_keeps_the_exact_title(site):
    site_dir, _ = site
    csl = site_dir / "data/sources.csl.json"
    if not csl.exists():
        pytest.skip("no sources.csl.json yet")
    items = {i["id"]: i for i in json.loads(csl.read_text("utf-8"))}
    assert items["frontmatter"]["title"].startswith("<script>alert('title')</script>")


# ------------------------------------------------------------------ in-process cases


@pytest.fixture(scope="module")
def cfg():
    from builder.config import load_config

    return load_config(ROOT / "research.yml")


@pytest.mark.parametrize(
    ("front_matter", "warning"),
    [
        ("id: ../../etc/passwd", "not a safe slug"),
        ("id: /etc/passwd", "not a safe slug"),
        ("slug: ..", "not a safe slug"),
        ("slug: 'a/b'", "not a safe slug"),
        ("slug: 'C:\\\\x'", "not a safe slug"),
        ("url: javascript:alert(1)", "not an http(s) address"),
        ("url: ' JAVASCRIPT:alert(1)'", "not an http(s) address"),
        ("url: data:text/html;base64,PHNjcmlwdD4=", "not an http(s) address"),
        ("url: //evil.example/x", "not an http(s) address"),
        ("url: /etc/passwd", "not an http(s) address"),
        ("url: 'https://x.example/\"><script>alert(1)</script>'", "not an http(s) address"),
    ],
)
def test_front_matter_values_are_dropped_with_a_warning(tmp_path, cfg, front_matter, warning):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "a.md").write_text(
        f"---\ntitle: T\n{front_matter}\n---\n\nEuropol and Kazakhstan discussed visas.\n", "utf-8"
    )
    result = build(seeds, cfg)
    assert [r.status for r in result.report] == ["rendered"]
    assert any(warning in p and p.startswith("a.md:") for p in result.problems), result.problems
    pages = [p for p in result.files if p.startswith("sources/") and p != "sources/index.md"]
    assert pages == ["sources/a.md"]
    source = json.loads(result.files["data/sources.json"])[0]
    assert source["url"] is None or source["url"].startswith(("http://", "https://"))


def test_an_article_named_index_does_not_replace_the_sources_index(tmp_path, cfg):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "index.txt").write_text("Index\n\nEuropol and Kazakhstan discussed visas in Astana.\n", "utf-8")
    (seeds / "b.md").write_text(
        "---\ntitle: B\nid: index\n---\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8"
    )
    result = build(seeds, cfg)
    ids = [s["id"] for s in json.loads(result.files["data/sources.json"])]
    assert "index" not in ids
    assert len(ids) == 2
    assert all(f"sources/{i}.md" in result.files for i in ids)
    assert result.files["sources/index.md"].startswith('---\ntitle: "Sources"')


@pytest.mark.parametrize("rel", ["../escape.md", "/tmp/abs.md", "sources/../../x.md", "a/../../b.md"])
def test_write_tree_refuses_paths_outside_the_folder(tmp_path, rel):
    out = tmp_path / "docs"
    with pytest.raises(ValueError, match="outside"):
        write_tree(out, {"index.md": "x", rel: "evil"})
    assert not (tmp_path / "escape.md").exists() and not (tmp_path / "x.md").exists()
    assert not (tmp_path / "b.md").exists()


def test_write_tree_refuses_a_symlinked_subfolder_leading_out(tmp_path):
    out, elsewhere = tmp_path / "docs", tmp_path / "elsewhere"
    out.mkdir()
    elsewhere.mkdir()
    (out / "sources").symlink_to(elsewhere)
    with pytest.raises(ValueError, match="outside"):
        write_tree(out, {"sources/a.md": "evil"})
    assert list(elsewhere.iterdir()) == []
