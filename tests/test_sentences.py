"""Sentence splitting around abbreviations, per language (builder.nlp.sentences)."""

from __future__ import annotations

import pytest

from builder.nlp.sentences import split

# (language, paragraph, the sentences it splits into)
CASES = [
    # a city in capitals opening a paragraph is a dateline, not a sentence of its own
    (
        "en",
        "ASTANA. The minister arrived. He met the press.",
        ["ASTANA. The minister arrived.", "He met the press."],
    ),
    ("ru", "АСТАНА. Министр прибыл. Он выступил.", ["АСТАНА. Министр прибыл.", "Он выступил."]),
    (
        "en",
        "The minister arrived. ASTANA. He met the press.",
        ["The minister arrived.", "ASTANA.", "He met the press."],
    ),
    (
        "en",
        "They signed agreements on Dec. 2 in Brussels. They met again.",
        ["They signed agreements on Dec. 2 in Brussels.", "They met again."],
    ),
    (
        "en",
        "Talks were held in Dec. The next round is planned.",
        ["Talks were held in Dec.", "The next round is planned."],
    ),
    (
        "en",
        "Gen. Sec. Stock spoke in Lyon. Mr. Smith listened.",
        ["Gen. Sec. Stock spoke in Lyon.", "Mr. Smith listened."],
    ),
    (
        "en",
        "The U.S. and the E.U. agreed. Then the U.K. left.",
        ["The U.S. and the E.U. agreed.", "Then the U.K. left."],
    ),
    ("en", "See No. 5 of the list. It is short.", ["See No. 5 of the list.", "It is short."]),
    (
        "de",
        "Die Minister haben am 2. Dezember unterzeichnet. Das gilt ab 1. Januar.",
        ["Die Minister haben am 2. Dezember unterzeichnet.", "Das gilt ab 1. Januar."],
    ),
    (
        "de",
        "Das Treffen fand z. B. in Berlin statt. Dr. Weber war da.",
        ["Das Treffen fand z. B. in Berlin statt.", "Dr. Weber war da."],
    ),
    (
        "ru",
        "Встреча прошла в г. Астане на ул. Абая. Министр прибыл 2 дек. 2025 г. в столицу.",
        ["Встреча прошла в г. Астане на ул. Абая.", "Министр прибыл 2 дек. 2025 г. в столицу."],
    ),
    (
        "ru",
        "Об этом сообщил т.е. пресс-секретарь МВД РК. Т. Иванов подтвердил.",
        ["Об этом сообщил т.е. пресс-секретарь МВД РК.", "Т. Иванов подтвердил."],
    ),
    (
        "kk",
        "Министр 2025 ж. 2 желтоқсанда Астанаға келді. Кездесу өтті.",
        ["Министр 2025 ж. 2 желтоқсанда Астанаға келді.", "Кездесу өтті."],
    ),
    (
        "fr",
        "Le ministre a rencontré M. Dupont le 2 déc. à Paris. Ils ont signé.",
        ["Le ministre a rencontré M. Dupont le 2 déc. à Paris.", "Ils ont signé."],
    ),
    (
        "",
        "They signed on Dec. 2 in Brussels. Gen. Sec. Stock spoke.",
        ["They signed on Dec. 2 in Brussels.", "Gen. Sec. Stock spoke."],
    ),
]


@pytest.mark.parametrize(("language", "text", "expected"), CASES)
def test_split(language, text, expected):
    assert [text[a:b] for a, b in split(text, language)] == expected


@pytest.mark.parametrize("text", ["1. " * 3000, "A. B. " * 2000, "Dec. " * 3000, "x" * 20000, "", " \n "])
def test_offsets_on_odd_input(text):
    for a, b in split(text, "en"):
        assert text[a:b] == text[a:b].strip() != ""
