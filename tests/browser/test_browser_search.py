"""Material's search in a real browser finds the topic pages, in Russian, Kazakh and English, inflected."""

from __future__ import annotations

import pytest

from tests.browser.helpers import search

pytestmark = pytest.mark.browser

# (query, topic): what a reader types, in several inflections, and the page it must bring up.
TOPIC_QUERIES = [
    ("виза", "visas"),
    ("визы", "visas"),
    ("визовый", "visas"),
    ("визового", "visas"),
    ("визасыз", "visas"),
    ("visa", "visas"),
    ("visas", "visas"),
    ("реадмиссия", "readmission"),
    ("реадмиссии", "readmission"),
    ("реадмиссиях", "readmission"),
    ("readmission", "readmission"),
    ("Европол", "europol"),
    ("Европола", "europol"),
    ("Europol", "europol"),
    ("Интерпол", "interpol"),
    ("Интерпола", "interpol"),
    ("Interpol", "interpol"),
]


@pytest.mark.parametrize(("query", "topic"), TOPIC_QUERIES)
def test_search_puts_the_topic_page_in_the_top_three(page, base_url, query, topic):
    page.goto(base_url)
    results = search(page, query)
    assert f"/topics/{topic}/" in results[:3], results[:5]


def test_search_for_nonsense_finds_nothing(page, base_url):
    page.goto(base_url)
    assert search(page, "qzxjvwk") == []


def test_search_results_show_the_page_text_not_the_added_words(page, base_url):
    """The inflected words a topic page is found by are searched, never shown."""
    page.goto(base_url)
    assert "/topics/visas/" in search(page, "визы")[:3]
    shown = page.inner_text(".md-search-result")
    assert "визалардан" not in shown and "визами визах" not in shown, shown[:500]
