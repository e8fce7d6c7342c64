"""Real input, as researchers bring it: pasted pages with their chrome, saved web pages.

Every fixture is written in the project's own words and reproduces the shapes of real
news sites (menus, language switchers, tickers, bylines, agency signatures, widgets):
tests/fixtures/pasted/ for text pasted from a browser, tests/fixtures/html/ for saved pages.
The pasted pages are named .text, not .txt: the builder reads any suffix as text, and
benchmarks/corpus.py, which draws its paragraphs from tests/fixtures/**/*.txt, keeps the
corpus its recorded runs were measured on.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.ingest import chrome, read_data, read_path
from builder.records import Article, Rejected

FIXTURES = Path(__file__).resolve().parent / "fixtures"
PASTED = FIXTURES / "pasted"
HTML = FIXTURES / "html"


def _article(folder: Path, name: str, config) -> Article:
    got = read_path(folder / name, name, config)
    assert isinstance(got, Article), got
    return got


# ---------------------------------------------------------------- pasted pages

# (fixture, title, outlet, published, how paragraph 1 starts)
PASTED_CASES = [
    (
        "ru_portal_menu.text",
        "Казахстан и Франция подписали план по реадмиссии",
        "Tengrinews.kz",  # "Tengrinews.kz —" opens the text
        "2025-12-17",  # "11:17, 17 Декабрь 2025 | GMT +5" above the headline
        "Tengrinews.kz — Казахстан и Франция в среду подписали план",
    ),
    (
        "en_agency_byline.text",
        "Kazakhstan, EU discuss visa facilitation in Brussels",
        "Trend",  # "By Aida Nurova - Trend:" and "Trend reports"
        "2024-05-15",  # the " date 2024-05-15" marker after the headline
        "Kazakhstan and the European Union held a round of talks on visa facilitation on Dec. 2 in Brussels",
    ),
    (
        "en_wire_menus.text",
        "Kazakhstan and France to expand police cooperation",
        "Kazinform",  # "ASTANA. KAZINFORM –" and a trailing "Qazinform News Agency"
        "2025-12-25",  # "09:15, 25 December 2025"
        "ASTANA. KAZINFORM – Kazakhstan and France agreed",
    ),
    (
        "ru_wire_slash.text",
        "Франция и Казахстан обсудили безвизовый транзит",
        "ТАСС",  # "/ТАСС/"
        "2025-04-25",  # "25.04.2025 05:24:16"
        "АСТАНА, 25 апреля. /ТАСС/. Министры иностранных дел",
    ),
    (
        "en_paren_signature.text",
        "Uzbekistan and the EU launch talks on visa simplification",
        "UzDaily.com",  # "(UzDaily.com) --"; "Kazinform reported earlier" is a cited source
        None,
        "Tashkent, Uzbekistan (UzDaily.com) -- Uzbekistan and the European Union",
    ),
    (
        "ru_widgets_author.text",
        "Казахстанским студентам упростят получение французских виз",
        "Zakon.kz",
        None,
        "Французские консульства будут рассматривать",
    ),
    (
        "kk_portal.text",
        "Қазақстан мен Франция полиция саласындағы ынтымақтастықты кеңейтеді",
        "Kazinform",  # "деп хабарлайды Kazinform тілшісі"
        "2024-05-15",  # "15 мамыр 2024, 10:15"
        "Қазақстан мен Франция ішкі істер министрліктері",
    ),
    (
        "en_quoted_sources.text",
        "Experts weigh the effect of new Schengen rules on Central Asia",
        None,  # "According to Johansson", "Kazinform reported", "...of the Republic of Kazakhstan reports"
        None,
        "According to Johansson, the new entry system",
    ),
    (
        "en_lead_only.text",
        "Kazakhstan and France signed a readmission protocol on Dec. 2 in Paris.",  # not cut at "Dec."
        None,
        None,
        "Kazakhstan and France signed a readmission protocol on Dec. 2 in Paris.",  # the lead stays p1
    ),
    (
        "en_date_marker_second.text",
        "Europol and Kazakhstan agree on a cooperation roadmap",
        None,
        "2019-03-19",
        "The roadmap covers the exchange",  # the marker is gone from the text
    ),
    (
        "de_abbreviations.text",
        "Kasachstan und Frankreich vereinbaren schnellere Visa",
        "Deutsche Welle",
        None,
        "Die Innenminister haben am 2. Dezember in Paris",
    ),
    (
        "en_wire_nodash.text",
        "Officials of Kazakhstan and Italy discussed closer cooperation between their police academies, including"
        " exchanges of cadets, the press service of…",  # no headline: the first sentence after "ROME. KAZINFORM", shortened
        "Kazinform",  # "ROME. KAZINFORM" with no dash
        None,
        "ROME. KAZINFORM Officials of Kazakhstan and Italy",
    ),
    (
        "en_dotted_signature.text",
        "Kazakhstan revises rules for business visas",
        "Interfax",  # "March 3. Interfax. Almaty"
        None,
        "From April 1 Kazakhstan will issue business visas",
    ),
    (
        "ru_widgets_bullets.text",
        "Казахстан и Франция обсудили обмен данными о мигрантах",
        "Павлодар Таймс",  # "передает корреспондент Павлодар Таймс"; "Photo: tengrinews.kz" is a credit
        None,  # "12.02.2026, 18:40" dates a related article below the text
        "Представители МВД Казахстана и Франции обсудили",
    ),
    (
        "ru_trailing_agency.text",
        "Казахстан и ЕС начали консультации по упрощению виз",
        "КазТАГ",  # the trailing agency line; "По данным Tengrinews.kz" is a cited source
        None,
        "Представители Казахстана и Евросоюза провели",
    ),
]


@pytest.mark.parametrize(("name", "title", "outlet", "published", "p1"), PASTED_CASES)
def test_pasted_metadata(config, name, title, outlet, published, p1):
    art = _article(PASTED, name, config)
    assert (art.title, art.outlet, art.published) == (title, outlet, published)
    assert art.paragraphs[0].text.startswith(p1), art.paragraphs[0].text


# (fixture, text that is chrome and must be in no paragraph)
PASTED_CHROME = [
    ("ru_portal_menu.text", "中文"),
    ("ru_portal_menu.text", "USD 512.3"),
    ("ru_portal_menu.text", "GMT +5"),
    ("ru_portal_menu.text", "Экономика"),
    ("ru_portal_menu.text", "Курс тенге на 17 декабря"),
    ("ru_portal_menu.text", "10.03.2026"),
    ("ru_portal_menu.text", "About agency"),
    ("ru_portal_menu.text", "Фото:"),
    ("en_agency_byline.text", "BAKU, Azerbaijan, May 15"),
    ("en_agency_byline.text", "Aida Nurova"),
    ("en_agency_byline.text", " date "),
    ("en_agency_byline.text", "Stay up-to-date"),
    ("en_wire_menus.text", "Qazinform News Agency"),
    ("en_wire_menus.text", "Tokayev receives credentials"),
    ("en_wire_menus.text", "09:15"),
    ("en_wire_menus.text", "Sport"),
    ("ru_wire_slash.text", "05:24:16"),
    ("ru_wire_slash.text", "Иван Петров"),
    ("ru_wire_slash.text", "Главная"),
    ("en_paren_signature.text", "UZS"),
    ("en_paren_signature.text", "-0.32%"),
    ("en_paren_signature.text", "Tashkent metro"),
    ("ru_widgets_author.text", "−12°"),
    ("ru_widgets_author.text", "Просмотров"),
    ("ru_widgets_author.text", "Новости Казахстана / Политика"),
    ("ru_widgets_author.text", "Айгуль Серикова"),
    ("ru_widgets_author.text", "Отличная новость"),  # a reader's comment
    ("kk_portal.text", "ҚАЗ РУС ENG"),
    ("kk_portal.text", "Алматыда қар жауады"),
    ("kk_portal.text", "Барлығы"),
    ("kk_portal.text", "10:15"),
    ("en_date_marker_second.text", "2019-03-19"),
    ("ru_trailing_agency.text", "Твитнуть"),
    ("en_wire_nodash.text", "top of page"),
    ("en_wire_nodash.text", "Online Payment"),
    ("en_wire_nodash.text", "Kazakh-tv.kz"),
    ("en_dotted_signature.text", "March 3"),
    ("ru_widgets_bullets.text", "Павлодар\n"),
    ("ru_widgets_bullets.text", "Костанай"),
    ("ru_widgets_bullets.text", "пасмурно"),
    ("ru_widgets_bullets.text", "512.30"),
    ("ru_widgets_bullets.text", "Курсы Нацбанка"),
    ("ru_widgets_bullets.text", "свидетелем"),
    ("ru_widgets_bullets.text", "f3c9a1e07b2d"),
    ("ru_widgets_bullets.text", "unsplash"),
    ("ru_widgets_bullets.text", "tengrinews"),
    ("ru_widgets_bullets.text", "визовый центр"),
]


@pytest.mark.parametrize(("name", "text"), PASTED_CHROME)
def test_pasted_chrome_dropped(config, name, text):
    art = _article(PASTED, name, config)
    assert [p.text for p in art.paragraphs if text in p.text] == []
    assert text not in art.title


# (fixture, article text that must stay)
PASTED_KEPT = [
    ("ru_widgets_author.text", "Изменения вступят в силу с 1 марта 2026 г. и коснутся всех учебных виз."),
    ("en_wire_menus.text", "According to Johansson, the head of the visiting delegation"),
    (
        "en_paren_signature.text",
        "Kazinform reported earlier that Kazakhstan had started similar consultations",
    ),
    ("ru_trailing_agency.text", "По данным Tengrinews.kz, следующий раунд пройдет в Астане."),
    ("de_abbreviations.text", "Nach Angaben von Dr. Weber soll die Bearbeitung"),
]


@pytest.mark.parametrize(("name", "text"), PASTED_KEPT)
def test_pasted_text_kept(config, name, text):
    assert any(text in p.text for p in _article(PASTED, name, config).paragraphs)


@pytest.mark.parametrize(
    ("name", "chrome_lines"),
    [
        (
            "ru_portal_menu.text",
            20,
        ),  # 4 languages, 4 menu, 3 tickers, timestamp, credit, 6 "read also", footer
        ("en_wire_menus.text", 13),  # language, 5 menu, timestamp, agency line, 4 "trending", footer
        ("ru_widgets_author.text", 10),  # 3 weather, breadcrumb, counter, author label and name, 3 comments
        ("en_agency_byline.text", 3),  # dateline, byline, "Stay up-to-date"
        ("en_quoted_sources.text", 0),
        ("en_lead_only.text", 0),
    ],
)
def test_chrome_counted(config, name, chrome_lines):
    assert _article(PASTED, name, config).chrome == chrome_lines


@pytest.mark.parametrize("name", sorted(p.name for p in PASTED.iterdir()))
def test_no_paragraph_or_title_is_chrome(config, name):
    art = _article(PASTED, name, config)
    assert chrome.kind(art.title) is None, art.title
    assert [p.text for p in art.paragraphs if chrome.kind(p.text)] == []


# ---------------------------------------------------------------- page chrome, line by line

# (line, the kind of chrome it is, or None for article text)
LINES = [
    ("kz ру EN 中文", "language"),
    ("EN", "language"),
    ("O'zbekcha | Русский | English", "language"),
    ("USD 512.3 +0.2%", "ticker"),
    ("UZS – -0.32%", "ticker"),
    ("$ 443.44 +1.86", "ticker"),
    ("Алматы +18°", "weather"),
    ("About agency Contacts Advertisement", "menu"),
    ("Главная | Новости | Реклама", "menu"),
    ("Politics | Economy | Society | World", "menu"),
    ("11:17, 17 Декабрь 2025 | GMT +5", "timestamp"),
    ("08:47, 15 May 2024 | GMT +6", "timestamp"),
    ("09:15, 25 December 2025", "timestamp"),
    ("25.04.2025 05:24:16", "timestamp"),
    ("Updated: 10.03.2026, 20:56", "timestamp"),
    ("38 минут назад", "timestamp"),
    ("2 hours ago", "timestamp"),
    ("Просмотров: 1 234", "counter"),
    ("Comments (3)", "counter"),
    ("© Reuters", "credit"),
    ("Фото из открытых источников", "credit"),
    ("Новости Казахстана / Политика / Визы", "breadcrumb"),
    # article text that only looks like chrome
    ("The USD rate rose to 512 tenge on Friday.", None),
    ("Kazakhstan and France signed a visa deal on 25 December 2025.", None),
    ("EU and Kazakhstan", None),
    ("Home affairs ministers met in Astana", None),
    ("Contacts between the ministries became regular in 2024.", None),
    ("In Almaty it was +18° when the delegation arrived, the ministry said.", None),
    ("Визы и реадмиссия: что изменится / разбор", None),
    ("Kazakhstan / EU talks", None),
    ("Home › Politics", "breadcrumb"),
]


@pytest.mark.parametrize(("line", "expected"), LINES)
def test_chrome_kind(line, expected):
    assert chrome.kind(line) == expected


@pytest.mark.parametrize(
    ("line", "date"),
    [
        ("11:17, 17 Декабрь 2025 | GMT +5", ("2025-12-17", "day")),
        ("25.04.2025 05:24:16", ("2025-04-25", "day")),
        ("15 мамыр 2024, 10:15", ("2024-05-15", "day")),
        ("20:56", True),
        ("The talks ended at 20:56 on Friday.", None),
    ],
)
def test_timestamp(line, date):
    assert chrome.timestamp(line) == date


@pytest.mark.parametrize(
    ("text", "paragraphs"),
    [
        # a list of other articles after the text, with no header: headlines and cut teasers
        (
            "Title\n\nThe ministers agreed on visas.\nThey will meet again.\nArabic week opens in Almaty\n"
            "On 11-14 November the national university hosts...\nThe flagship of science\n",
            ["The ministers agreed on visas.", "They will meet again."],
        ),
        # a speaker's name and post before a quote: the quote stays
        (
            "Title\n\nThe senate discussed visas.\nАйдар Серіков, Сенат депутаты:\nБұл маңызды қадам.\n",
            ["The senate discussed visas.", "Бұл маңызды қадам."],
        ),
        # an image id glued to the first word
        (
            "Title\n\nABCD20250311_0010709072The president arrived in Brussels.\n",
            ["The president arrived in Brussels."],
        ),
        # a teaser cut short inside the text is text
        ("Title\n\nThe talks went on...\nThey ended late.\n", ["The talks went on...", "They ended late."]),
    ],
)
def test_tails_and_fragments(config, text, paragraphs):
    assert [p.text for p in read_data(text.encode(), "t.text", config).paragraphs] == paragraphs


@pytest.mark.parametrize(
    ("text", "published"),
    [
        ("Title\n\nThe ministers met in Astana and agreed on visas.\n\nPublished 2026-01-05\n", "2026-01-05"),
        (
            "Title\n\nPublished: 08:47, 15 May 2024 | GMT +6\n\nThe ministers met and agreed on visas.\n",
            "2024-05-15",
        ),
        ("Title\n\nThe ministers met and agreed on visas.\n\nOther news\n12.02.2026, 18:40\n", None),
    ],
)
def test_labelled_dates_anywhere_timestamps_only_at_the_top(config, text, published):
    art = read_data(text.encode(), "d.text", config)
    assert art.published == published
    assert [p.text for p in art.paragraphs if any(c.isdigit() for c in p.text)] == []


def test_short_line_runs_are_menus_but_a_short_title_is_not(config):
    menu = "Politics\nEconomy\nSociety\nWorld\nSport\n"
    art = read_data(
        f"{menu}Visa talks\n\nThe ministers met in Paris and agreed on visas.\n".encode(), "m.text", config
    )
    assert art.title == "Visa talks"
    assert [p.text for p in art.paragraphs] == ["The ministers met in Paris and agreed on visas."]


# ---------------------------------------------------------------- outlets


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Title\n\nМОСКВА, 5 декабря. /ТАСС/. Министры встретились.\n", "ТАСС"),
        ("Title\n\nGeorgia, Tbilisi, Feb. 7 /Trend, N. Name/ The ministers met.\n", "Trend"),
        ("Title\n\nTengrinews.kz — Министры встретились в Астане.\n", "Tengrinews.kz"),
        ("Title\n\nTASHKENT (TCA) — The ministers met in Tashkent.\n", "The Times of Central Asia"),
        ("Title\n\nThe talks went well, Qazinform News Agency correspondent reports.\n", "Kazinform"),
        ("Title\n\nМинистры встретились, сообщает Zakon.kz.\n", "Zakon.kz"),
        ("Title\n\nВстреча прошла в Астане.\n\nКазТАГ\n", "КазТАГ"),
        ("Title\n\nThe talks began in Brussels, Qazinform News Agency cites the ministry.\n", "Kazinform"),
        ("Title\n\nThe rates changed, Trend reports with reference to the central bank.\n", "Trend"),
        (
            "Tengrinews.kz\nВизы для студентов\n\nМинистры встретились в Астане и обсудили визы.\n",
            "Tengrinews.kz",
        ),
        (
            "Steppe-post.kz\nVisa talks\n\nThe ministers met in Astana and discussed visas.\n",
            "Steppe-post.kz",
        ),
        # sources the text cites, and words that only look like a signature
        (
            "Title\n\nThe talks began.\n\nThey went on.\n\nThe president spoke, The Astana Times reports.\n",
            None,
        ),
        ("Title\n\nAccording to Johansson, the talks went well.\n", None),
        ("Title\n\nThe talks went well, Kazinform reported.\n", None),
        ("Title\n\nThe Ministry of Foreign Affairs of the Republic of Kazakhstan reports.\n", None),
        ("Title\n\nASTANA – The ministers met on Monday.\n", None),
        ("Title\n\nBRUSSELS (EU) – The ministers met on Monday.\n", None),
        ("Title\n\nКак сообщает Tengrinews.kz, министры встретились в Астане.\n", None),
        ("Title\n\nAs Kazinform reports, the ministers met in Astana.\n", None),
        ("Title\n\nThe bureau of statistics (stat.gov.kz) counted more visitors.\n", None),
        ("Title\n\nGENEVA (UNHCR) – The agency met the ministers on Monday.\n", None),
        ("Title\n\nThe talks (EU – Kazakhstan) went well.\n", None),
        ("Title\n\nSee https://tengrinews.kz/news/ for more.\n", None),
        ("Title\n\nВстреча прошла, передает корреспондент агентства.\n", None),
    ],
)
def test_outlet_signatures(config, text, outlet):
    assert read_data(text.encode(), "o.text", config).outlet == outlet


@pytest.mark.parametrize(
    ("url", "outlet"),
    [
        ("https://en.trend.az/casia/kazakhstan/123.html", "Trend"),
        ("https://www.zakon.kz/politika/1.html", "Zakon.kz"),
        ("https://qazinform.com/news/a", "Kazinform"),
        ("https://tass.ru/politika/1", "ТАСС"),
        ("https://example.org/a", None),
        ("https://zakon.kz.example.org/a", None),
    ],
)
def test_outlet_from_front_matter_url(config, url, outlet):
    text = f"---\nurl: {url}\n---\nTitle\n\nThe ministers met in Astana and discussed visas.\n"
    assert read_data(text.encode(), "u.md", config).outlet == outlet


# ---------------------------------------------------------------- saved web pages

# (page, field, expected)
HTML_FIELDS = [
    ("ru_news.html", "title", "МВД Казахстана и Франции договорились об обмене данными о мигрантах"),
    ("ru_news.html", "outlet", "Вестник Степи"),
    ("ru_news.html", "author", "Дина Арманова"),
    ("ru_news.html", "published", "2025-11-03"),
    ("ru_news.html", "published_precision", "day"),
    ("ru_news.html", "language", "ru"),
    ("ru_news.html", "url", "https://vestnik-stepi.kz/news/politika/mvd-francia-obmen-dannymi-2025-11-03"),
    ("ru_news.html", "retrieved", None),
    ("en_news.html", "title", "Kazakhstan and France agree on faster visa processing"),
    ("en_news.html", "outlet", "The Astana Times"),
    ("en_news.html", "author", "Daniyar Sultanov"),
    ("en_news.html", "published", "2025-12-02"),
    ("en_news.html", "language", "en"),
    (
        "en_news.html",
        "url",
        "https://astanatimes.com/2025/12/kazakhstan-and-france-agree-on-faster-visa-processing/",
    ),
    (
        "de_news.html",
        "title",
        "Kasachstan und EU vereinbaren Gespräche über Visaerleichterungen",
    ),  # no "| DW | date"
    ("de_news.html", "outlet", "Deutsche Welle"),  # the host dw.com, through tables/outlets.yml
    ("de_news.html", "author", None),  # "Deutsche Welle; Bonn; Deutschland" names no person
    ("de_news.html", "published", "2026-01-19"),
    ("de_news.html", "language", "de"),
    ("de_news.html", "chrome", 1),  # the pull quote printed twice
    ("kk_news.html", "title", "Еуроодақ Қазақстан азаматтарына көпжылдық визаларды кеңейтеді"),
    ("kk_news.html", "outlet", "Дала жаңалықтары"),
    ("kk_news.html", "author", "Ерлан Қасымов"),
    ("kk_news.html", "published", "2026-01-15"),
    ("kk_news.html", "language", "kk"),
    (
        "kk_news.html",
        "url",
        "https://dala-news.kz/kz/news/saiasat/eo-vizalar-2026-01-15",
    ),  # from the snapshot line
    ("kk_news.html", "retrieved", "2026-01-16T07:30:00Z"),
]


@pytest.mark.parametrize(("name", "field", "expected"), HTML_FIELDS)
def test_html_fields(config, name, field, expected):
    assert getattr(_article(HTML, name, config), field) == expected


# (page, paragraph 1 starts, number of paragraphs)
HTML_BODIES = [
    ("ru_news.html", "Министерства внутренних дел Казахстана и Франции в понедельник утвердили", 4),
    ("en_news.html", "ASTANA – Kazakhstan and France agreed on Dec. 2 to cut the waiting time", 5),
    ("kk_news.html", "Еуропалық Одақ Қазақстан азаматтарына берілетін", 3),
    ("de_news.html", "Die Europäische Union und Kasachstan haben am 19. Januar in Brüssel vereinbart", 4),
]


@pytest.mark.parametrize(("name", "p1", "count"), HTML_BODIES)
def test_html_body(config, name, p1, count):
    art = _article(HTML, name, config)
    assert art.paragraphs[0].text.startswith(p1), art.paragraphs[0].text
    assert len(art.paragraphs) == count, [p.text[:40] for p in art.paragraphs]


# (page, text of its chrome that must be in no paragraph)
HTML_CHROME = [
    ("ru_news.html", "cookie"),
    ("ru_news.html", "USD"),
    ("ru_news.html", "Просмотров"),
    ("ru_news.html", "Поделиться"),
    ("ru_news.html", "Читайте также"),
    ("ru_news.html", "визовый центр"),
    ("ru_news.html", "Наконец-то"),  # a reader's comment
    ("ru_news.html", "Все права защищены"),
    ("ru_news.html", "Фото:"),
    ("en_news.html", "cookies"),
    ("en_news.html", "中文"),
    ("en_news.html", "What's trending"),
    ("en_news.html", "Tokayev meets EU delegation"),
    ("en_news.html", "Leave a Reply"),
    ("en_news.html", "Share this"),
    ("en_news.html", "Advertising"),
    ("de_news.html", "Cookies"),
    ("de_news.html", "DE | EN"),
    ("de_news.html", "Teilen"),
    ("de_news.html", "Schengen-Visa werden teurer"),
    ("de_news.html", "Impressum"),
    ("kk_news.html", "ҚАЗ"),
    ("kk_news.html", "−12°"),
    ("kk_news.html", "Көрілім"),
    ("kk_news.html", "Бөлісу"),
    ("kk_news.html", "Сондай-ақ оқыңыз"),
    ("kk_news.html", "Барлық құқықтар"),
]


@pytest.mark.parametrize(("name", "text"), HTML_CHROME)
def test_html_chrome_dropped(config, name, text):
    art = _article(HTML, name, config)
    assert [p.text for p in art.paragraphs if text in p.text] == []


@pytest.mark.parametrize(
    ("name", "reason"),
    [
        ("tag_page.html", "not an article: too little text"),
        ("error_404.html", "not an article: an error page ('404 – Page not found | The Astana Times')"),
    ],
)
def test_html_not_an_article(config, name, reason):
    got = read_path(HTML / name, name, config)
    assert isinstance(got, Rejected), got
    assert (got.file, got.reason[: len(reason)]) == (name, reason)


@pytest.mark.parametrize(
    "data",
    [
        b"",
        b"<html></html>",
        b"\x00\x01\x02",
        b"<html><body><p>" + b"a" * 5000,
        "<p>Визы</p>".encode("cp1251"),
    ],
)
def test_html_never_raises(config, data):
    got = read_data(data, "page.html", config)
    assert isinstance(got, Rejected) and got.file == "page.html"


def test_html_same_bytes_same_article(config):
    data = (HTML / "en_news.html").read_bytes()
    assert read_data(data, "a.html", config) == read_data(data, "a.html", config)


@pytest.mark.parametrize(
    ("head", "published"),
    [
        ('<meta property="article:published_time" content="2025-03-04T10:00:00+05:00">', "2025-03-04"),
        (
            '<script type="application/ld+json">{"@type": "NewsArticle", "datePublished": "2025-03-05"}</script>',
            "2025-03-05",
        ),
        ("<title>Visa talks in Astana | Example | 06.03.2025</title>", "2025-03-06"),
        ("<title>Visa talks in Astana</title>", None),  # the only date is a related article's, below
    ],
)
def test_html_date_only_from_metadata(config, head, published):
    one = "The ministers met in Astana and discussed visa facilitation for students and researchers."
    two = "They agreed to meet again in Brussels before the summer and to publish a joint statement."
    page = (
        f"<html><head>{head}</head><body><article><h1>Visa talks in Astana</h1><p>{one} {two}</p>"
        f"<p>{two} {one}</p></article><aside><span class='date'>01.08.2019</span> Other news</aside></body></html>"
    )
    art = read_data(page.encode(), "d.html", config)
    assert isinstance(art, Article), art
    assert art.published == published


@pytest.mark.parametrize("declared", ['<meta charset="windows-1251">', ""])
def test_html_legacy_encoding(config, declared):
    text = (
        (HTML / "ru_news.html")
        .read_text("utf-8")
        .replace("Қаз", "Kaz")
        .replace('<meta charset="utf-8">', declared)
    )
    art = read_data(text.encode("cp1251"), "legacy.html", config)
    assert isinstance(art, Article), art
    assert art.title == "МВД Казахстана и Франции договорились об обмене данными о мигрантах"
    assert art.paragraphs[0].text.startswith("Министерства внутренних дел Казахстана и Франции")


@pytest.mark.parametrize(
    ("title", "error"),
    [
        ("404 – Page not found | Example", True),
        ("404", True),
        ("Страница не найдена", True),
        ("500 migrants returned to Kazakhstan under the readmission deal", False),
        ("Visa centre handled 404 applications in a day", False),
    ],
)
def test_html_error_titles(config, title, error):
    one = "The ministers met in Astana and discussed visa facilitation for students and researchers."
    two = "They agreed to meet again in Brussels before the summer and to publish a joint statement."
    page = f"<html><head><title>{title}</title></head><body><article><p>{one}</p><p>{two}</p>"
    page += f"<p>{two} {one}</p></article></body></html>"
    got = read_data(page.encode(), "e.html", config)
    assert (isinstance(got, Rejected) and "error page" in got.reason) is error, got


@pytest.mark.parametrize(
    ("title", "site", "expected"),
    [
        ("Visa talks resume | Steppe Post", "Steppe Post", "Visa talks resume"),
        ("Visa talks resume | Steppe Post | 19.01.2026", "Steppe Post", "Visa talks resume"),
        ("Visa talks resume - Steppe Post: news of Kazakhstan", "Steppe Post", "Visa talks resume"),
    ],
)
def test_html_title_tails(config, title, site, expected):
    one = "The ministers met in Astana and discussed visa facilitation for students and researchers."
    two = "They agreed to meet again in Brussels before the summer and to publish a joint statement."
    page = (
        f'<html><head><title>{title}</title><meta property="og:site_name" content="{site}">'
        f'<link rel="canonical" href="https://steppe-post.kz/a/1"></head>'
        f"<body><article><p>{one}</p><p>{two}</p><p>{two} {one}</p></article></body></html>"
    )
    art = read_data(page.encode(), "t.html", config)
    assert isinstance(art, Article), art
    assert art.title == expected


def test_html_og_title_is_the_headline(config):
    one = "The ministers met in Astana and discussed visa facilitation for students and researchers."
    two = "They agreed to meet again in Brussels before the summer and to publish a joint statement."
    page = (
        "<html><head><title>France and the EU – Kazakhstan | Kazakhstan Today</title>"
        '<meta property="og:title" content="France and the EU &#8211; Kazakhstan">'
        '<meta property="og:site_name" content="Kazakhstan Today"></head>'
        f"<body><article><p>{one}</p><p>{two}</p><p>{two} {one}</p></article></body></html>"
    )
    assert read_data(page.encode(), "t.html", config).title == "France and the EU – Kazakhstan"
