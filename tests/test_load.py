"""Behaviour of builder.ingest.load, pinned as tables: seeds, own fixtures, bad input."""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.ingest import read_path
from builder.ingest.load import load_bytes
from builder.records import Article, Rejected

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures" / "load"

S0, S1, S2, S3, S4 = (
    "000_1e971d3c7f808dd8.txt",
    "001_05b42609ed9f05d6.txt",
    "002_88a5829ba9d6ecc7.txt",
    "003_556157e8fb73bfad.txt",
    "004_93a37c2117e5a708.txt",
)

T2 = (
    "Kazakhstan’s Minister of Internal Affairs, Yerzhan Sadenov, took a working trip to the French "
    "Republic and the Kingdom of the Netherlands, where he…"
)


def _load(folder: Path, name: str, config) -> Article:
    art = read_path(folder / name, name, config)
    assert isinstance(art, Article), art
    return art


# (seed, field, expected)
SEED_FIELDS = [
    (S0, "language", "ru"),
    (S1, "language", "ru"),
    (S2, "language", "en"),
    (S3, "language", "en"),
    (S4, "language", "ru"),
    (S0, "outlet", "RasDaily.kz"),
    (S1, "outlet", "КазТАГ"),
    (S2, "outlet", "Trend"),
    (S3, "outlet", "Orda.kz"),
    (S4, "outlet", "Zakon.kz"),
    (S0, "published", "2025-04-18"),
    (S1, "published", None),
    (S2, "published", "2025-04-19"),
    (S3, "published", None),
    (S4, "published", "2026-01-22"),
    (S0, "published_precision", "day"),
    (S4, "published_precision", "day"),
    (S0, "author", None),
    (S1, "author", None),
    (S2, "author", None),
    (S3, "author", "Nikita Drobny"),
    (S4, "author", "Азамат Сыздыкбаев"),
    (S0, "title", "Франция готова поддержать упрощение визового режима для казахстанцев в Евросоюз"),
    (S1, "title", "Силовики Казахстана и Франции провели переговоры в Париже"),
    (S2, "title", T2),
    (S3, "title", "France Signals Willingness to Ease Visa Rules for Kazakhstanis"),
    (S4, "title", "Казахстан и Франция будут совместно бороться с незаконной миграцией"),
    (S0, "id", "000_1e971d3c7f808dd8"),
    (S0, "encoding", "utf-8"),
    (S0, "warnings", ()),
]


@pytest.mark.parametrize(("seed", "field", "expected"), SEED_FIELDS)
def test_seed_fields(config, seed, field, expected):
    assert getattr(_load(SEEDS, seed, config), field) == expected


# (seed, text that must not appear in any paragraph)
SEED_BOILERPLATE = [
    (S1, "Поделиться"),
    (S1, "Твитнуть"),
    (S1, "Класснуть"),
    (S3, "Latest news"),
    (S3, "Kazakh President Meets Armenian Parliament Speaker"),
    (S3, "Ecology Ministry Forecasts Hot and Dry Summer"),
    (S3, "Original Author"),
    (S3, "Nikita Drobny"),
    (S2, "Stay up-to-date"),
    (S2, " date "),
    (S4, " date "),
    (S4, "Фото:"),
    (S4, "#Казахстан"),
    (S4, "Общество"),
    (S4, "Азамат Сыздыкбаев"),
    (S4, "•"),
]


@pytest.mark.parametrize(("seed", "text"), SEED_BOILERPLATE)
def test_seed_boilerplate_removed(config, seed, text):
    art = _load(SEEDS, seed, config)
    assert [p.id for p in art.paragraphs if text in p.text] == []


# (seed, paragraph id, exact text) - what the cleaned body keeps
SEED_PARAGRAPHS = [
    (S0, "p2", "Об этом 18 апреля 2025 года проинформировали в пресс-службе МВД РК."),
    (
        S1,
        "p1",
        "Силовики Казахстана и Франции провели переговоры в Париже, передает корреспондент агентства.",
    ),
    (S3, "p7", None),  # checked below: the last paragraph is the article's, not a headline
    (S4, "p11", "закрепляется механизм распределения транспортных и транзитных расходов."),
    (S4, "p13", "В декабре 2025 года Казахстан и Франция договорились о возвращении нелегальных мигрантов."),
]


@pytest.mark.parametrize(("seed", "pid", "text"), [c for c in SEED_PARAGRAPHS if c[2]])
def test_seed_paragraphs(config, seed, pid, text):
    assert _load(SEEDS, seed, config).paragraph(pid).text == text


@pytest.mark.parametrize(("seed", "count"), [(S0, 8), (S1, 8), (S2, 9), (S3, 7), (S4, 13)])
def test_seed_paragraph_counts(config, seed, count):
    art = _load(SEEDS, seed, config)
    assert [p.id for p in art.paragraphs] == [f"p{i}" for i in range(1, count + 1)]
    assert all(p.text == " ".join(p.text.split()) for p in art.paragraphs)
    assert all(p.text != art.title for p in art.paragraphs)


def test_seed_002_keeps_lead_without_prefix(config):
    p1 = _load(SEEDS, S2, config).paragraph("p1").text
    assert p1.startswith("ASTANA, Kazakhstan, April 19. Kazakhstan’s Minister")
    assert p1.endswith("Trend reports.")


# (fixture, field, expected)
FIXTURE_FIELDS = [
    ("kk_kazinform.txt", "language", "kk"),
    ("kk_kazinform.txt", "outlet", "Kazinform"),
    ("kk_kazinform.txt", "published", "2025-04-18"),
    ("kk_kazinform.txt", "title", "Қазақстан мен Франция визалық режимді жеңілдетуді талқылады"),
    ("de_dw.txt", "language", "de"),
    ("de_dw.txt", "outlet", "Deutsche Welle"),
    ("de_dw.txt", "author", "Max Mustermann"),
    ("de_dw.txt", "published", "2025-04-18"),
    ("de_dw.txt", "title", "Kasachstan und Frankreich vereinbaren engere Zusammenarbeit bei Visa"),
    ("en_kazinform.txt", "language", "en"),
    ("en_kazinform.txt", "outlet", None),  # "according to Kazinform" cites a source; it signs nothing
    ("en_kazinform.txt", "author", "Aigerim Sadykova"),
    ("en_kazinform.txt", "published", "2025-04-18"),
    ("en_kazinform.txt", "title", "Kazakhstan, France discuss easier visas for citizens"),
    ("ru_tengri.txt", "language", "ru"),
    ("ru_tengri.txt", "outlet", "Tengrinews.kz"),
    ("ru_tengri.txt", "published", "2025-04-17"),
    ("ru_tengri.txt", "title", "Казахстан и Франция обсудили упрощение визового режима"),
    ("fr_article.txt", "language", "fr"),
    ("fr_article.txt", "outlet", "Le Monde"),
    ("en_no_byline.txt", "outlet", None),
    ("en_no_byline.txt", "published", None),
    ("en_no_byline.txt", "author", None),
    ("front_matter.md", "id", "astana-times-visa-talks"),
    ("front_matter.md", "title", "Kazakhstan and France: visa talks"),
    ("front_matter.md", "outlet", "The Astana Times"),
    ("front_matter.md", "author", "Dana Omarova"),
    ("front_matter.md", "published", "2025-04-18"),
    ("front_matter.md", "published_precision", "day"),
    ("front_matter.md", "language", "en"),
    ("front_matter.md", "url", "https://astanatimes.com/2025/04/visa-talks/"),
    ("front_matter.md", "warnings", ("unknown front matter key 'tags' ignored",)),
    ("bad_values.md", "title", "12345"),
    ("bad_values.md", "url", None),
    ("bad_values.md", "id", "bad_values"),
    ("bad_values.md", "published", None),
    ("bad_values.md", "language", "ru"),
]


@pytest.mark.parametrize(("name", "field", "expected"), FIXTURE_FIELDS)
def test_fixture_fields(config, name, field, expected):
    assert getattr(_load(FIXTURES, name, config), field) == expected


# (fixture, text, kept?) - boilerplate goes, article text that merely looks like it stays
FIXTURE_TEXT = [
    ("en_kazinform.txt", "Share your thoughts on visas", True),
    ("en_kazinform.txt", "Visa facilitation for Kazakh citizens", True),
    ("en_kazinform.txt", "Published:", False),
    ("en_kazinform.txt", "Kazakhstan opens new visa centre", False),
    ("en_kazinform.txt", "Subscribe to our", False),
    ("en_kazinform.txt", "Society", False),
    ("en_kazinform.txt", "Tweet", False),
    ("ru_tengri.txt", "Фото:", False),
    ("ru_tengri.txt", "Читайте также", False),
    ("ru_tengri.txt", "Подписывайтесь", False),
    ("ru_tengri.txt", "Последние новости", False),
    ("ru_tengri.txt", "Токаев провел совещание", False),
    ("ru_tengri.txt", "Политика", False),
    ("ru_tengri.txt", "В декабре прошлого года стороны подписали дорожную карту.", True),
    ("de_dw.txt", "Teilen", False),
    ("de_dw.txt", "Autor:", False),
    ("de_dw.txt", "Interpol wählt", False),
    ("de_dw.txt", "seit 2009 geltende", True),
    ("kk_kazinform.txt", "Бөлісу", False),
    ("kk_kazinform.txt", "Саясат", False),
    ("front_matter.md", "---", False),
    ("front_matter.md", "Trend reports.", True),
]


@pytest.mark.parametrize(("name", "text", "kept"), FIXTURE_TEXT)
def test_fixture_text(config, name, text, kept):
    art = _load(FIXTURES, name, config)
    assert any(text in p.text for p in art.paragraphs) is kept


def test_bullets_become_own_paragraphs(config):
    art = _load(FIXTURES, "en_kazinform.txt", config)
    texts = [p.text for p in art.paragraphs]
    assert "Visa facilitation for Kazakh citizens" in texts
    assert "Cooperation with Europol on cybercrime" in texts


def test_bad_front_matter_values_warn(config):
    art = _load(FIXTURES, "bad_values.md", config)
    assert len(art.warnings) == 4
    assert any("url" in w and "dropped" in w for w in art.warnings)
    assert any("not a safe slug" in w for w in art.warnings)


@pytest.mark.parametrize(
    ("escaped", "title"),
    [
        (r"Visa \ud83d\ude00 talks", "Visa \U0001f600 talks"),  # a pair spelled as two escapes
        (r"Visa \ud800 talks", "Visa \ufffd talks"),  # a lone surrogate cannot be written as UTF-8
    ],
)
def test_front_matter_surrogate_escapes(config, escaped, title):
    data = f'---\ntitle: "{escaped}"\n---\n\nEuropol and Kazakhstan discussed visas.\n'.encode()
    art = load_bytes(data, "s.md", config)
    assert art.title == title
    art.title.encode("utf-8")


# ---------------------------------------------------------------- encodings and bad input

RU = "Визовый режим\n\nФранция готова поддержать упрощение визового режима для граждан Казахстана, сообщает Zakon.kz.\n"


@pytest.mark.parametrize(
    ("data", "encoding"),
    [
        (RU.encode("utf-8"), "utf-8"),
        (b"\xef\xbb\xbf" + RU.replace("\n", "\r\n").encode("utf-8"), "utf-8"),
        (RU.replace("\n", "\r").encode("utf-8"), "utf-8"),
        (RU.encode("cp1251"), "cp1251"),
        (RU.encode("koi8_r"), "koi8-r"),
        (RU.encode("utf-16"), "utf-16"),
    ],
)
def test_encodings(config, data, encoding):
    """A legacy encoding that decodes cleanly is recorded (Article.encoding), not warned about."""
    art = load_bytes(data, "x.txt", config)
    assert isinstance(art, Article), art
    assert art.encoding == encoding
    assert art.title == "Визовый режим"
    assert art.outlet == "Zakon.kz"
    assert art.paragraphs[0].text.startswith("Франция готова поддержать упрощение визового режима")
    assert all("\r" not in p.text and "\ufeff" not in p.text for p in art.paragraphs)
    assert list(art.warnings) == []


def test_cp1251_file_on_disk(config, tmp_path):
    path = tmp_path / "legacy.txt"
    path.write_bytes(RU.encode("cp1251"))
    art = read_path(path, "legacy.txt", config)
    assert isinstance(art, Article) and art.encoding == "cp1251" and art.language == "ru"


def test_nfc_and_controls(config):
    art = load_bytes("Title\n\nCafe\u0301 vi\x07sa\x00 talks\ttoday".encode(), "n.txt", config)
    assert isinstance(art, Rejected)  # a NUL byte means binary
    art = load_bytes("Title\n\nCafe\u0301 vi\x07sa  talks\ttoday".encode(), "n.txt", config)
    assert art.paragraphs[0].text == "Café visa talks today"


@pytest.mark.parametrize(
    ("data", "reason"),
    [
        (b"", "empty file"),
        (b"   \n\r\n\t  ", "empty file"),
        (b"\xef\xbb\xbf\r\n", "empty file"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00", "binary file (not text)"),
        (bytes(range(0, 32)) * 20, "binary file (not text)"),
        ("Title\n\nShare\nTweet\nПоделиться\n".encode(), "no article text after removing boilerplate"),
        (b"Title only\n", "no article text after removing boilerplate"),
        (b"---\ntitle: x\ndate: [\n---\nBody\n", "broken front matter at line 3"),
        (
            b"---\ntitle: x\nBody without a closing line\n",
            "broken front matter at line 1: no closing '---' line",
        ),
        ((FIXTURES / "broken_front_matter.md").read_bytes(), "broken front matter at line 4: mapping values"),
    ],
)
def test_rejected(config, data, reason):
    got = load_bytes(data, "bad.txt", config)
    assert isinstance(got, Rejected), got
    assert got.file == "bad.txt"
    assert got.reason.startswith(reason)


def test_too_large(config, tmp_path):
    from dataclasses import replace

    small = replace(config, limits=replace(config.limits, max_file_bytes=10))
    path = tmp_path / "big.txt"
    path.write_bytes(RU.encode())
    size = len(RU.encode())
    assert read_path(path, "big.txt", small) == Rejected(
        "big.txt", f"file is {size} bytes, over the limit of 10"
    )
    assert load_bytes(RU.encode(), "big.txt", small).reason.startswith(f"file is {size} bytes")


def test_unreadable(config, tmp_path):
    got = read_path(tmp_path / "missing.txt", "missing.txt", config)
    assert isinstance(got, Rejected) and got.reason.startswith("cannot read file")


def test_max_paragraphs(config):
    from dataclasses import replace

    small = replace(config, limits=replace(config.limits, max_paragraphs=2))
    art = load_bytes(b"Title\n\none.\ntwo.\nthree.\n", "m.txt", small)
    assert [p.text for p in art.paragraphs] == ["one.", "two."]
    assert art.warnings == ("3 paragraphs, kept the first 2",)


@pytest.mark.parametrize(
    ("file", "expected"),
    [
        ("000_1e971d3c7f808dd8.txt", "000_1e971d3c7f808dd8"),
        ("news/Визы и реадмиссия.txt", "vizy-i-readmissiya"),
        ("Қазақстан жаңалығы.md", "qazaqstan-zhanalygy"),
        ("My Article (2).txt", "my-article-2"),
        ("!!!.txt", "source-"),
    ],
)
def test_ids(config, file, expected):
    art = load_bytes(b"Title\n\nSome text.\n", file, config)
    assert art.id.startswith(expected)
    assert art.id == expected or expected == "source-"


@pytest.mark.parametrize(
    "data",
    [
        b"\xff" * 100,
        b"---\n---\n",
        b"---\n- a\n- b\n---\ntext\n",
        b"<script>alert(1)</script>\n\n{{ x }} [a](javascript:x)",
        b"\x1b[31m" * 10 + b"text",
        "x\n" * 3 + "\u202e" * 5,
    ],
)
def test_never_raises(config, data):
    if isinstance(data, str):
        data = data.encode()
    assert isinstance(load_bytes(data, "odd.txt", config), (Article, Rejected))


@pytest.mark.parametrize(
    ("front", "published", "precision"),
    [
        ("date: 2025-04-18", "2025-04-18", "day"),
        ("date: '2025-04-18'", "2025-04-18", "day"),
        ("date: 2025-04-18T10:23:00", "2025-04-18", "day"),
        ("date: '2025-04'", "2025-04", "month"),
        ("date: 2025", "2025", "year"),
        ("published: 18 апреля 2025 года", "2025-04-18", "day"),
        ("date: 2025-02-31", None, None),
    ],
)
def test_front_matter_dates(config, front, published, precision):
    art = load_bytes(f"---\n{front}\n---\nTitle\n\nText.\n".encode(), "f.md", config)
    assert (art.published, art.published_precision) == (published, precision)


@pytest.mark.parametrize(
    ("text", "author"),
    [
        ("Title\n\nText.\n\nBy Nikita Drobny\n", "Nikita Drobny"),
        ("Title\n\nText.\nАвтор: Азамат Сыздыкбаев\n", "Азамат Сыздыкбаев"),
        ("Title\n\nText.\nАвторы: Иван Петров, Анна Смирнова\n", "Иван Петров, Анна Смирнова"),
        ("Title\n\nText.\n\nАзамат Сыздыкбаев\n", "Азамат Сыздыкбаев"),
        ("Title\n\nText.\n\nOrda.kz\n", None),
        ("Title\n\nText about the Senate of Kazakhstan.\n", None),
    ],
)
def test_author(config, text, author):
    art = load_bytes(text.encode(), "a.txt", config)
    assert art.author == author
    assert all(author not in p.text for p in art.paragraphs if author)


@pytest.mark.parametrize(
    ("text", "outlet"),
    [
        ("Title\n\nВизы обсудили, сообщает RasDaily.kz.\n", "RasDaily.kz"),
        ("Title\n\nВизы обсудили, передает корреспондент Zakon.kz.\n", "Zakon.kz"),
        ("Title\n\nВизы обсудили, передает корреспондент агентства.\n\nКазТАГ\n", "КазТАГ"),
        ("Title\n\nVisas were discussed, Trend reports.\n", "Trend"),
        ("Title\n\nVisas were discussed, reports Inform.kz.\n", "Inform.kz"),
        ("Title\n\nVisas were discussed, according to Kazinform.\n", None),  # a cited source
        ("Title\n\nVisa talks, berichtet Trend.\n", "Trend"),
        ("Title\n\nТалқыланды, деп хабарлайды Kazinform.\n", "Kazinform"),
        ("Title\n\nТекст.\n\nФото: Zakon.kz\n", None),  # a photo credit names who took it, not the publisher
        ("Title\n\nТекст.\n\nФото - Новости Zakon.kz от 22.01.2026\n", "Zakon.kz"),  # the site's own label
        ("Title\n\nТекст статьи.\nНовости Zakon.kz\n", "Zakon.kz"),
        ("Title\n\nТекст статьи.\n\nInform.kz\n", "Inform.kz"),
        ("Title\n\nVisas were discussed, the ministry reports.\n", None),
        ("Title\n\nVisas were discussed, МВД сообщает.\n", None),
        ("Title\n\nThe Trend of visa applications grows in Kazinform data.\n", None),
        ("Title\n\nМинистр сказал Tengrinews.kz, что переговоры прошли хорошо.\n", None),
    ],
)
def test_outlet(config, text, outlet):
    assert load_bytes(text.encode(), "o.txt", config).outlet == outlet


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Визы\n\nФранция готова поддержать упрощение визового режима.\n", "ru"),
        ("Визалар\n\nФранция Қазақстан азаматтары үшін визалық режимді жеңілдетуге дайын.\n", "kk"),
        ("Візи\n\nФранція готова підтримати спрощення візового режиму для громадян, що їдуть.\n", "uk"),
        ("Visa\n\nFrankreich ist bereit, die Vereinfachung der Visa für die Bürger zu unterstützen.\n", "de"),
        ("Visas\n\nLa France est prête à soutenir la simplification des visas pour les citoyens.\n", "fr"),
        ("Visas\n\nFrance is ready to support the simplification of visas for the citizens.\n", "en"),
        ("---\nlanguage: de\n---\nVisas\n\nFrance is ready to support visas.\n", "de"),
        # capitals count as their letters; a Latin name does not outweigh a Cyrillic text
        ("ВИЗАЛАР\n\nФРАНЦИЯ ҚАЗАҚСТАН АЗАМАТТАРЫ ҮШІН ВИЗАЛЫҚ РЕЖИМДІ ЖЕҢІЛДЕТУГЕ ДАЙЫН.\n", "kk"),
        ("Визы\n\nEuropol и Interpol: Франция готова поддержать упрощение визового режима.\n", "ru"),
        ("DIE VISA\n\nFRANKREICH IST BEREIT, DIE VEREINFACHUNG DER VISA ZU UNTERSTÜTZEN.\n", "de"),
    ],
)
def test_language(config, text, language):
    assert load_bytes(text.encode(), "l.txt", config).language == language


@pytest.mark.parametrize(
    ("front", "warning"),
    [
        ("title: [a, b]", "front matter 'title' is not a single value; ignored"),
        ("author: {name: x}", "front matter 'author' is not a single value; ignored"),
        ("colour: red", "unknown front matter key 'colour' ignored"),
        ("url: ftp://x.kz/a", "front matter url 'ftp://x.kz/a' is not an http(s) address; dropped"),
        ("id: Has Spaces", "front matter id 'Has Spaces' is not a safe slug ([a-z0-9_-]); ignored"),
    ],
)
def test_front_matter_warnings(config, front, warning):
    art = load_bytes(f"---\n{front}\n---\nTitle\n\nText.\n".encode(), "w.md", config)
    assert art.warnings == (warning,)
    assert art.title == "Title"
