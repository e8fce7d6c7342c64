"""Behaviour of builder.nlp.dates.find_dates, pinned as a table of (text, language, anchor, expected)."""

from __future__ import annotations

import re

import pytest

from builder.nlp.dates import find_dates, is_anniversary, may_name_day, month_number

P, S, M = "point", "since", "mention"
R = "relative"

# expected: (surface, value, precision, flag) where flag is "point", "since" or "relative"
CASES = [
    # Russian, absolute
    (
        "Об этом 18 апреля 2025 года проинформировали",
        "ru",
        None,
        [("18 апреля 2025 года", "2025-04-18", "day", P)],
    ),
    (
        "подписано 5 ноября 2024 года в ходе визита",
        "ru",
        None,
        [("5 ноября 2024 года", "2024-11-05", "day", P)],
    ),
    ("В декабре 2025 года Казахстан и Франция", "ru", None, [("декабре 2025 года", "2025-12", "month", P)]),
    ("действующего с 2009 года соглашения", "ru", None, [("с 2009 года", "2009", "year", S)]),
    ("в 2025 году", "ru", None, [("2025 году", "2025", "year", P)]),
    ("от 22.01.2026 10:23 Фото", "ru", None, [("22.01.2026", "2026-01-22", "day", P)]),
    (
        "Депутаты Сената 22 января 2026 года ратифицировали",
        "ru",
        None,
        [("22 января 2026 года", "2026-01-22", "day", P)],
    ),
    ("с 1 марта 2025 г. действует", "ru", None, [("с 1 марта 2025 г.", "2025-03-01", "day", S)]),
    # English
    ("in force since 2009.", "en", None, [("since 2009", "2009", "year", S)]),
    # a year named as an attribute is a mention, never an event's date
    ("under the 2009 Agreement on Combating Crime", "en", None, [("2009", "2009", "year", M)]),
    ("To recall, in December 2024, the bureau", "en", None, [("December 2024", "2024-12", "month", P)]),
    ("On April 19, 2025 they met", "en", None, [("April 19, 2025", "2025-04-19", "day", P)]),
    ("on 19 April 2025 they met", "en", None, [("19 April 2025", "2025-04-19", "day", P)]),
    ("published 2025-04-19.", "en", None, [("2025-04-19", "2025-04-19", "day", P)]),
    ("the 2024 year budget", "en", None, [("2024 year", "2024", "year", M)]),
    ("бюджет 2025 года утвердили", "ru", None, [("2025 года", "2025", "year", M)]),
    ("с бюджетом на 2026 год", "ru", None, [("2026 год", "2026", "year", M)]),
    ("2024 жылғы келісім", "kk", None, [("2024 жылғы", "2024", "year", M)]),
    ("talks held in 2024", "en", None, [("2024", "2024", "year", P)]),
    (
        "ASTANA, Kazakhstan, April 19. The minister",
        "en",
        "2025-04-20",
        [("April 19", "2025-04-19", "day", R)],
    ),
    ("ASTANA, Kazakhstan, April 19. The minister", "en", None, []),
    # Kazakh
    ("2025 жылғы 18 сәуір күні", "kk", None, [("2025 жылғы 18 сәуір", "2025-04-18", "day", P)]),
    ("2024 жылдың желтоқсанында келісім", "kk", None, [("2024 жылдың желтоқсанында", "2024-12", "month", P)]),
    ("2009 жылдан бері күшінде", "kk", None, [("2009 жылдан бері", "2009", "year", S)]),
    ("2025 жылы қол қойылды", "kk", None, [("2025 жылы", "2025", "year", P)]),
    # German
    ("am 18. April 2025 in Paris", "de", None, [("18. April 2025", "2025-04-18", "day", P)]),
    ("im Dezember 2024 unterzeichnet", "de", None, [("Dezember 2024", "2024-12", "month", P)]),
    ("seit 2009 in Kraft", "de", None, [("seit 2009", "2009", "year", S)]),
    # French
    (
        "le 18 avril 2025, depuis 2009",
        "fr",
        None,
        [("18 avril 2025", "2025-04-18", "day", P), ("depuis 2009", "2009", "year", S)],
    ),
    # relative, resolved against the anchor
    ("подписанного в прошлом году", "ru", "2025-04-18", [("в прошлом году", "2024", "year", R)]),
    ("подписанного в прошлом году", "ru", "2026-01-02", [("в прошлом году", "2025", "year", R)]),
    ("подписанного в прошлом году", "ru", None, []),
    ("the Readmission Agreement signed last year", "en", "2025-04-19", [("last year", "2024", "year", R)]),
    ("былтыр қол қойылған", "kk", "2025-04-19", [("былтыр", "2024", "year", R)]),
    ("im vergangenen Jahr unterzeichnet", "de", "2025-04-19", [("im vergangenen Jahr", "2024", "year", R)]),
    ("letztes Jahr", "de", "2025-04-19", [("letztes Jahr", "2024", "year", R)]),
    ("в этом году", "ru", "2025-04-19", [("в этом году", "2025", "year", R)]),
    ("this year", "en", "2025-04-19", [("this year", "2025", "year", R)]),
    ("в пятницу", "ru", "2026-01-05", [("в пятницу", "2026-01-02", "day", R)]),
    ("в пятницу", "ru", "2026-01-02", [("в пятницу", "2026-01-02", "day", R)]),
    ("on Friday", "en", "2026-01-05", [("on Friday", "2026-01-02", "day", R)]),
    ("am Freitag", "de", "2026-01-05", [("am Freitag", "2026-01-02", "day", R)]),
    ("жұма күні", "kk", "2026-01-05", [("жұма күні", "2026-01-02", "day", R)]),
    ("вчера", "ru", "2026-01-01", [("вчера", "2025-12-31", "day", R)]),
    ("yesterday", "en", "2026-01-01", [("yesterday", "2025-12-31", "day", R)]),
    ("gestern", "de", "2026-01-01", [("gestern", "2025-12-31", "day", R)]),
    ("кеше", "kk", "2026-01-01", [("кеше", "2025-12-31", "day", R)]),
    ("сегодня", "ru", "2026-01-01", [("сегодня", "2026-01-01", "day", R)]),
    ("today", "en", "2026-01-01", [("today", "2026-01-01", "day", R)]),
    ("in December", "en", "2026-01-10", [("in December", "2025-12", "month", R)]),
    ("в декабре", "ru", "2025-12-20", [("в декабре", "2025-12", "month", R)]),
    ("в декабре прошлого года", "ru", "2026-01-10", [("в декабре прошлого года", "2025-12", "month", R)]),
    ("on April 19 the talks", "en", "2026-01-10", [("April 19", "2025-04-19", "day", R)]),
    ("18 апреля", "ru", "2025-05-01", [("18 апреля", "2025-04-18", "day", R)]),
    # counted from the day named before them in the text, else from the publication date
    (
        "Сенат 22 января 2026 года одобрил закон, накануне его обсудили",
        "ru",
        None,
        [("22 января 2026 года", "2026-01-22", "day", P), ("накануне", "2026-01-21", "day", R)],
    ),
    ("накануне стороны встретились", "ru", "2025-04-19", [("накануне", "2025-04-18", "day", R)]),
    ("накануне стороны встретились", "ru", None, []),
    (
        "On 4 November 2024 the visit began; a day earlier the ministers met",
        "en",
        "2024-11-06",
        [("4 November 2024", "2024-11-04", "day", P), ("a day earlier", "2024-11-03", "day", R)],
    ),
    (
        "Am 3. März 2026 tagte der Rat, am Vortag reiste sie an",
        "de",
        None,
        [("3. März 2026", "2026-03-03", "day", P), ("am Vortag", "2026-03-02", "day", R)],
    ),
    ("la veille, les ministres", "fr", "2025-04-19", [("la veille", "2025-04-18", "day", R)]),
    ("бүгін кездесу өтті", "kk", "2025-04-19", [("бүгін", "2025-04-19", "day", R)]),
    ("a rencontré jeudi à Lyon", "fr", "2024-04-19", [("jeudi", "2024-04-18", "day", R)]),
    ("held talks on Feb. 24 in Brussels", "en", "2026-02-25", [("Feb. 24", "2026-02-24", "day", R)]),
    ("rose by Feb. 2.5 percent", "en", "2026-02-25", []),
    # traps: nothing to return
    ("Звоните +7 (727) 123-45-67", "ru", "2025-01-01", []),
    ("или 8 800 2025 2026", "ru", "2025-01-01", []),
    ("Приказ № 2025/123 и id=20250419", "ru", None, []),
    ("https://x.kz/2025/04/19/news", "en", None, []),
    ("в 2025 тенге", "ru", None, []),
    ("1500 euros", "en", None, []),
    ("at 10:23", "en", None, []),
    ("31.02.2025", "ru", None, []),
    ("There were 2025 people", "en", None, []),
    ("you may 2025", "en", None, []),
    ("в декабре 20 стран", "ru", None, []),
    ("", "ru", "2025-01-01", []),
    ("\x00\x01 ]]] ((( 9999 99.99.9999", "xx", "not-a-date", []),
]


@pytest.mark.parametrize(("text", "language", "anchor", "expected"), CASES)
def test_find_dates(text, language, anchor, expected):
    found = find_dates(text, language, anchor, paragraph="p1")
    got = [(d.text, d.value, d.precision, R if d.relative else d.kind) for d in found]
    assert got == expected
    for d in found:
        assert text[d.start : d.end] == d.text
        assert d.paragraph == "p1"


@pytest.mark.parametrize(
    ("word", "number"),
    [
        ("апреля", 4),
        ("декабре", 12),
        ("April", 4),
        ("Dezember", 12),
        ("желтоқсанында", 12),
        ("avril", 4),
        ("foo", None),
    ],
)
def test_month_number(word, number):
    assert month_number(word) == number


def test_never_raises_on_odd_input():
    for text in ["\ud800", "9" * 10_000, "в " * 5000, None]:
        assert isinstance(find_dates(text, "ru", "2025-01-01"), list)


@pytest.mark.parametrize(("text", "language", "anchor", "expected"), CASES)
def test_may_name_day_never_misses_a_relative_day(text, language, anchor, expected):
    """The quick test may say yes wrongly, never no: infer_dates skips paragraphs it rejects."""
    days = [
        d for d in find_dates(text, language, anchor or "2025-04-18") if d.relative and d.precision == "day"
    ]
    if days:
        assert may_name_day(text, language)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("Вчера в Астане подписали соглашение.", "ru", True),
        ("Министр выступил в пятницу.", "ru", True),
        ("The talks ended on Friday in Brussels.", "en", True),
        ("Ministers met yesterday.", "en", True),
        ("Визит министра прошёл в апреле 2025 года.", "ru", False),
        ("The visa regime was eased in 2025.", "en", False),
        ("Friday-Brussels https://x.kz/yesterday", "en", False),
        ("", "ru", False),
    ],
)
def test_may_name_day(text, language, expected):
    assert may_name_day(text, language) is expected


def test_skip_tables_name_real_patterns():
    # find_dates skips patterns by these names when a text has no digit or no month word;
    # a renamed pattern would otherwise run unfiltered, or never be skipped.
    from builder.nlp.dates import NEED_DIGIT, NEED_MONTH, _tables

    names = {name for name, _ in _tables().patterns}
    assert names >= NEED_DIGIT | NEED_MONTH
    assert names - NEED_DIGIT == {"m"}  # the month with a preposition: "в апреле", "in April"


def test_fast_path_patterns_open_as_their_tables_say():
    # find_dates tries these only where a run of digits, or a month word, begins (dates._from):
    # each must open with a day or year that no digit precedes, or with a whole month word.
    from builder.nlp.dates import DIGIT_FIRST, MONTH_FIRST, _tables

    source = {name: pat.pattern for name, pat in _tables().patterns}
    for name in DIGIT_FIRST:
        assert re.match(r"\(\?<!\[\\d[^\]]*\]\)\(\?P<(day|year)>", source[name]), name
    for name in MONTH_FIRST:
        assert source[name].startswith(r"(?<!\w)(?P<mon>"), name


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Соглашение подписано 05.03.2024, а ратифицировано в апреле.", "ru"),
        ("Signed on 2024-03-05 and ratified in April 2025, since 2009 in force.", "en"),
        ("2025 жылғы 12 наурызда келісім күшіне енді.", "kk"),
        ("Am 3. März wurde das Abkommen seit 2019 verlängert.", "de"),
        ("The 12 ministers met; 40 visas were issued.", "en"),
        ("Le 5 mars, depuis mars 2024.", "fr"),
        ("Соглашение ратифицировано в апреле.", "ru"),
        ("Без дат: визит, визы, реадмиссия.", "ru"),
        # patterns that open with a month word, tried only where one begins
        ("From April 5, 2024 to May 2025, then on June 3 and in March, Mayday aside.", "en"),
        ("Signed March 2024 March 5 2025; aprilfools; May, 2023.", "en"),
        ("Im Mai 2024, am 5. Mai und seit Juni 2019 in Kraft.", "de"),
        ("SIGNED APRIL 5, 2024; ШІЛДЕ 2023; 5 МАЯ 2022 ГОДА.", "ru"),
        # patterns that open with a day or a year, tried only where a run of digits begins
        ("v2019 a2019-05-01 12019 2019x 1.2.2020 3,2019 5 мая 2019 года, с 2009 года", "ru"),
        ("2019 жылдан бастап, 2020 жылы 5 наурызда, 2021 жылғы 3 мамыр", "kk"),
        # spans blanked out before any date is read, some needing a sign, some only digits
        ("Tel. 8 (727) 123 45 67, at 10:30 on 5 May 2024; +7 701 2019 2020", "en"),
        ("WWW.GOV.KZ/2019/05/01 and HTTPS://X.KZ/5-May-2019, NO. 2019-5, NR. 12 2020", "en"),
        ("a@b.kz 2019, id=2019 on 1 May 2019, #2019, № 5 от 3 мая 2019 года", "ru"),
    ],
)
def test_skipping_patterns_never_changes_the_dates(text, language, monkeypatch):
    # The digit and month-word tests only skip patterns that could not match, and the fast
    # paths only skip places where they could not begin: with the skip tables emptied, every
    # pattern runs everywhere over a text masked by every kind of span, and the dates are the same.
    from builder.nlp import dates

    anchor = "2025-03-14"
    quick = [dates.find_dates(text, language, anchor=a) for a in (anchor, None)]
    masked = dates._mask(text, dates._tables())
    may = dates.may_name_day(text, language)
    for table in ("NEED_DIGIT", "NEED_MONTH", "DIGIT_FIRST", "MONTH_FIRST"):
        monkeypatch.setattr(dates, table, frozenset())
    monkeypatch.setattr(dates, "MASK_NEEDS", ("",))  # in every text: the full mask
    assert dates._mask(text, dates._tables()) == masked
    assert dates.may_name_day(text, language) == may
    assert [dates.find_dates(text, language, anchor=a) for a in (anchor, None)] == quick


# (text, language, anchor, surfaces of the dates named by their weekday)
WEEKDAYS = [
    ("в пятницу министры встретились", "ru", "2025-04-18", ["в пятницу"]),
    ("on Friday the ministers met", "en", "2025-04-18", ["on Friday"]),
    ("жұма күні кездесті", "kk", "2025-04-18", ["жұма күні"]),
    ("сегодня министры встретились", "ru", "2025-04-18", []),
    ("today the ministers met", "en", "2025-04-18", []),
    ("бүгін министрлер кездесті", "kk", "2025-04-18", []),
    ("heute trafen sich die Minister", "de", "2025-04-18", []),
    ("aujourd'hui les ministres", "fr", "2025-04-18", []),
]


@pytest.mark.parametrize(("text", "language", "anchor", "named"), WEEKDAYS)
def test_only_a_weekday_names_a_weekday(text, language, anchor, named):
    found = find_dates(text, language, anchor)
    assert [d.text for d in found if d.weekday] == named, found


# (text, language, anchor, values found when the anchor is an inferred date, not the article's own)
INFERRED_ANCHOR = [
    ("On January 22 the Senate ratified it", "en", "2025-12-30", []),
    ("в декабре стороны подписали", "ru", "2025-12-30", []),
    ("в пятницу стороны подписали", "ru", "2025-12-30", ["2025-12-26"]),
    ("22 января 2026 года Сенат", "ru", "2025-12-30", ["2026-01-22"]),
    ("в декабре прошлого года", "ru", "2026-01-10", ["2025-12"]),
]


@pytest.mark.parametrize(("text", "language", "anchor", "values"), INFERRED_ANCHOR)
def test_a_yearless_date_never_takes_an_inferred_year(text, language, anchor, values):
    assert [d.value for d in find_dates(text, language, anchor, years=False)] == values


ANNIVERSARIES = [
    ("в декабре исполняется 10 лет со дня подписания", True),
    ("The agreement marks its 10th anniversary in December", True),
    ("Das Abkommen jährt sich im Dezember zum zehnten Mal", True),
    ("Келісімге желтоқсанда 10 жыл толады", True),
    ("В декабре стороны подписали соглашение", False),
    ("The ministers met in December", False),
    ("", False),
]


@pytest.mark.parametrize(("text", "expected"), ANNIVERSARIES)
def test_is_anniversary(text, expected):
    assert is_anniversary(text) is expected


# (text, language, anchor, the kinds of the dates found)
DATELINES = [
    ("ASTANA, Kazakhstan, April 19. The minister met", "en", "2025-04-19", ["dateline"]),
    ("Астана. 18 апреля. КазТАГ – Министр провел встречу", "ru", "2025-04-18", ["dateline"]),
    ("PARIS, 3 mars 2026 — Les ministres", "fr", None, ["dateline"]),
    ("On April 19 the minister met", "en", "2025-04-19", ["point"]),
    ("Министр 18 апреля провел встречу.", "ru", "2025-04-18", ["point"]),
    ("Депутаты Сената 22 января 2026 года ратифицировали", "ru", None, ["point"]),
]


@pytest.mark.parametrize(("text", "language", "anchor", "kinds"), DATELINES)
def test_datelines_are_not_events(text, language, anchor, kinds):
    assert [d.kind for d in find_dates(text, language, anchor)] == kinds


# (text, language, anchor, the last day named in an earlier paragraph, the values found)
BEFORE = [
    ("A day earlier the council agreed on it.", "en", "2025-10-15", "2025-10-14", ["2025-10-13"]),
    ("A day earlier the council agreed on it.", "en", "2025-10-15", None, ["2025-10-14"]),
    ("Накануне стороны договорились.", "ru", None, "2025-10-14", ["2025-10-13"]),
    ("Вчера стороны договорились.", "ru", "2025-10-15", "2025-10-10", ["2025-10-14"]),  # from publication
    # a year or a month named first is no day: "the day before" still counts from the earlier one
    (
        "В 2025 году начались переговоры. Накануне министры встретились.",
        "ru",
        "2025-03-14",
        "2025-01-10",
        ["2025", "2025-01-09"],
    ),
    (
        "2025 жылы келіссөздер басталды. Бір күн бұрын министрлер кездесті.",
        "kk",
        "2025-03-14",
        "2025-01-10",
        ["2025", "2025-01-09"],
    ),
    (
        "2025 жылы келіссөздер басталды. Бір күн бұрын министрлер кездесті.",
        "kk",
        "2025-03-14",
        None,
        ["2025", "2025-03-13"],
    ),
    (
        "In March 2025 the talks began. A day earlier the ministers met.",
        "en",
        "2025-03-14",
        "2025-01-10",
        ["2025-03", "2025-01-09"],
    ),
]


@pytest.mark.parametrize(("text", "language", "anchor", "before", "values"), BEFORE)
def test_a_day_earlier_counts_from_the_day_named_before(text, language, anchor, before, values):
    assert [d.value for d in find_dates(text, language, anchor, before=before)] == values
