"""Material's search in a real browser finds the topic pages, in Russian and in English."""

from __future__ import annotations

import pytest

from tests.browser.helpers import search

pytestmark = pytest.mark.browser


@pytest.mark.parametrize(
    "query, topic",
    [
        ("реадмиссия", "readmission"),
        ("Европол", "europol"),
        ("readmission", "readmission"),
        ("Interpol", "interpol"),
    ],
)
def test_search_finds_the_topic_page_first_or_second(page, base_url, query, topic):
    page.goto(base_url)
    results = search(page, query)
    want = f"/topics/{topic}/"
    assert want in results[:2], results[:5]


def test_search_for_nonsense_finds_nothing(page, base_url):
    page.goto(base_url)
    assert search(page, "qzxjvwk") == []
