"""Behaviour of builder.annotate on the seeds and on small fixture articles in four languages."""

from __future__ import annotations

import dataclasses
import pickle
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import annotate as stage
from builder.annotate import annotate, annotate_all, annotate_cached, cache_key
from builder.config import load_config
from builder.nlp.sentences import split
from builder.records import Annotations, Article, Paragraph

ROOT = Path(__file__).resolve().parents[1]
CONFIG = load_config(ROOT / "research.yml")
FIXTURES = ROOT / "tests" / "fixtures" / "annotate"
TOPICS = {"visas", "readmission", "interpol", "europol"}
KNOWN_IDS = {e.id for e in CONFIG.entities} | {r.id for r in CONFIG.roles}


def seed(prefix: str, language: str) -> Article:
    """Return a seed as an article: every non-empty line is a paragraph."""
    folder = ROOT / "seeds" if (ROOT / "seeds").is_dir() else ROOT.parent / "shared" / "seeds"
    path = next(folder.glob(f"{prefix}_*"))
    lines = [line.strip() for line in path.read_text("utf-8").splitlines() if line.strip()]
    return Article(
        id=path.stem,
        file=path.name,
        sha256="",
        title=lines[0],
        language=language,
        paragraphs=tuple(Paragraph(f"p{i}", text) for i, text in enumerate(lines, 1)),
    )


def fixture(path: Path) -> tuple[Article, dict]:
    raw = yaml.safe_load(path.read_text("utf-8"))
    article = Article(
        id=raw["id"],
        file=path.name,
        sha256="",
        title=raw["paragraphs"][0],
        language=raw["language"],
        published=raw.get("published"),
        paragraphs=tuple(Paragraph(f"p{i}", text) for i, text in enumerate(raw["paragraphs"], 1)),
    )
    return article, raw


def union(a: Annotations, attr: str) -> set[str]:
    return {x for s in a.sentences for x in getattr(s, attr)}


SEEDS = [
    # (seed, language, topics with evidence)
    ("000", "ru", TOPICS),
    ("001", "ru", TOPICS),
    ("002", "en", TOPICS),
    ("003", "en", TOPICS),
    ("004", "ru", {"readmission"}),  # "официального визита" is not visas
]


@pytest.mark.parametrize(("prefix", "language", "topics"), SEEDS)
def test_seed_topics(prefix, language, topics):
    assert union(annotate(seed(prefix, language), CONFIG), "topics") == topics


SEED_SENTENCES = [
    # (seed, language, a sentence start, entities, topics, concepts it must have)
    (
        "000",
        "ru",
        "В рамках визита в город Лион",
        {"interpol", "interpol-secretary-general", "lyon", "valdecy-urquiza"},
        {"interpol"},
        {"meet"},
    ),
    ("000", "ru", "Подтверждена взаимная готовность", set(), {"readmission"}, {"agreement", "sign"}),
    (
        "000",
        "ru",
        "Французская сторона выразила",
        {"european-union", "france", "kazakhstan"},
        {"visas"},
        {"simplify", "support"},
    ),
    (
        "002",
        "en",
        "The French side also expressed",
        {"european-union", "france", "kazakhstan"},
        {"visas"},
        {"simplify", "support"},
    ),
    (
        "003",
        "en",
        "Earlier, the European Union",
        {"european-union", "kassym-jomart-tokayev", "kaja-kallas", "almaty"},
        {"visas"},
        {"simplify"},
    ),
    ("004", "ru", "Соглашение было подписано", {"france", "president-kazakhstan"}, set(), {"sign"}),
]


@pytest.mark.parametrize(("prefix", "language", "start", "entities", "topics", "concepts"), SEED_SENTENCES)
def test_seed_sentence(prefix, language, start, entities, topics, concepts):
    found = [s for s in annotate(seed(prefix, language), CONFIG).sentences if s.text.startswith(start)]
    assert len(found) == 1, start
    s = found[0]
    assert entities <= set(s.entities), s.entities
    assert set(s.topics) == topics, s.topics
    assert concepts <= set(s.concepts), s.concepts


@pytest.mark.parametrize("path", sorted(FIXTURES.glob("*.yml")), ids=lambda p: p.stem)
def test_fixture(path):
    article, expected = fixture(path)
    a = annotate(article, CONFIG)
    assert sorted(union(a, "topics")) == sorted(expected["topics"])
    assert sorted(union(a, "entities")) == sorted(expected["entities"])
    assert sorted(union(a, "concepts")) == sorted(expected["concepts"])
    assert sorted(union(a, "numbers")) == sorted(expected.get("numbers", []))


def all_articles() -> list[Article]:
    return [seed(p, lang) for p, lang, _ in SEEDS] + [fixture(p)[0] for p in sorted(FIXTURES.glob("*.yml"))]


@pytest.mark.parametrize("article", all_articles(), ids=lambda a: a.id)
def test_offsets_point_into_paragraphs(article):
    a = annotate(article, CONFIG)
    assert a.source == article.id
    assert [s.index for s in a.sentences] == list(range(len(a.sentences)))
    for s in a.sentences:
        text = article.paragraph(s.paragraph).text
        assert text[s.start : s.end] == s.text
        assert s.text == s.text.strip() and s.text
        assert list(s.entities) == sorted(set(s.entities))
        for d in s.dates:
            assert d.paragraph == s.paragraph and s.start <= d.start < s.end
            assert text[d.start : d.end] == d.text
    for m in a.mentions:
        assert article.paragraph(m.paragraph).text[m.start : m.end] == m.text
        assert m.entity in KNOWN_IDS  # an entity, or a role (its span pairs a post with its holder)


def test_mentions_of_one_seed():
    a = annotate(seed("000", "ru"), CONFIG)
    found = {(m.entity, m.text) for m in a.mentions}
    assert ("valdecy-urquiza", "Вальдесом Уркизой") in found
    assert ("andrei-linta", "Андреем Линтой") in found
    assert ("europol", "Европолом") in found
    assert ("european-union", "Европейского союза") in found
    assert ("france", "Францию") in found
    assert ("interpol-secretary-general", "генеральным секретарем Интерпола") in found
    assert ("interpol", "Интерпола") in found


SENTENCES = [
    # (paragraph text, the sentences it splits into)
    (
        "«Министр посетил Францию. В г. Париже глава МВД провел переговоры», – сообщили в МВД.",
        ["«Министр посетил Францию.", "В г. Париже глава МВД провел переговоры», – сообщили в МВД."],
    ),
    (
        '"Special attention was given. Both parties confirmed," the press service stated.',
        ['"Special attention was given.', 'Both parties confirmed," the press service stated.'],
    ),
    ("  Одно предложение – с тире.  ", ["Одно предложение – с тире."]),
    ("Первая строка\nвторая строка", ["Первая строка", "вторая строка"]),
    ("Тоқаев Парижге барды. Ол Макронмен кездесті.", ["Тоқаев Парижге барды.", "Ол Макронмен кездесті."]),
    (
        "Das Treffen fand am 3. März statt. Es ging um Visa.",
        ["Das Treffen fand am 3. März statt.", "Es ging um Visa."],
    ),
    ("", []),
    ("   \n  ", []),
]


@pytest.mark.parametrize(("text", "expected"), SENTENCES)
def test_sentence_split(text, expected):
    assert [text[s:e] for s, e in split(text)] == expected


HOSTILE = [
    "",
    "   ",
    "\x00\x01\x02 binary \ufffd\ufffd",
    "<script>alert('Интерпол')</script> [x](javascript:alert(1)) {{ config }}",
    "а" * 10_000,
    "Интерпол " * 5_000,
    "1" * 5_000 + " 2,3,4,5,6,7,8,9 1.2.3.4 ,,, ...",
    "\u200f\u202eEuropol\u202c ‏عربى 😀 ЕС",
    "е\u0301сли ЕС визит\u0301ом",
]


@pytest.mark.parametrize("text", HOSTILE, ids=range(len(HOSTILE)))
def test_never_raises(text):
    article = Article(
        id="x", file="x.txt", sha256="", title="", language="ru", paragraphs=(Paragraph("p1", text),)
    )
    a = annotate(article, CONFIG)
    for s in a.sentences:
        assert text[s.start : s.end] == s.text


@settings(max_examples=150, deadline=None)
@given(
    text=st.text(
        alphabet=st.sampled_from(list("аяЕСвизаVisa.!?«»\"'–- \n\u00ad\u0301ҚқIinterpol19,")), max_size=200
    ),
    language=st.sampled_from(["ru", "kk", "en", "de"]),
)
def test_offsets_on_any_text(text, language):
    article = Article(
        id="x", file="x", sha256="", title="", language=language, paragraphs=(Paragraph("p1", text),)
    )
    a = annotate(article, CONFIG)
    for s in a.sentences:
        assert text[s.start : s.end] == s.text == s.text.strip() != ""
    for m in a.mentions:
        assert text[m.start : m.end] == m.text != ""


@pytest.mark.parametrize("language", ["", "xx", "kk", "uk", "fr", "zh"])
def test_any_language(language):
    article = dataclasses.replace(seed("002", "en"), language=language)
    assert union(annotate(article, CONFIG), "entities") >= {"interpol", "europol"}


# ---------------------------------------------------------------- cache


@pytest.fixture
def counted(monkeypatch):
    calls = []
    real = stage.annotate

    def counting(article, config):
        calls.append(article.id)
        return real(article, config)

    monkeypatch.setattr(stage, "annotate", counting)
    return calls


def test_cache_hit(tmp_path, counted):
    article = seed("000", "ru")
    first = annotate_cached(article, CONFIG, tmp_path)
    second = annotate_cached(article, CONFIG, tmp_path)
    assert counted == [article.id]
    assert first == second == annotate(article, CONFIG)
    stage.store(tmp_path).save()
    stage._stores.clear()  # another process: only the disk holds it
    assert annotate_cached(article, CONFIG, tmp_path) == first
    assert counted == [article.id]
    assert len(list((tmp_path / stage.STORE).iterdir())) == 1  # one shard, not a file per article


def test_cache_store_merges_what_another_process_saved(tmp_path, counted):
    # Two processes that annotated different articles of one shard: both sets survive.
    a, b = seed("000", "ru"), seed("004", "ru")
    keys = cache_key(a, CONFIG), cache_key(b, CONFIG)
    mine, theirs = stage.Store(tmp_path / stage.STORE), stage.Store(tmp_path / stage.STORE)
    mine.add(keys[0], annotate(a, CONFIG))
    theirs.add(keys[1], annotate(b, CONFIG))
    theirs.save()
    mine.save()
    fresh = stage.Store(tmp_path / stage.STORE)
    assert fresh.get(keys[0]) == annotate(a, CONFIG) and fresh.get(keys[1]) == annotate(b, CONFIG)
    assert mine.take() == [] and theirs.take() == []  # saved entries are not saved again


def test_cache_misses_on_new_config(tmp_path, counted):
    article = seed("000", "ru")
    annotate_cached(article, CONFIG, tmp_path)
    annotate_cached(article, dataclasses.replace(CONFIG, digest="changed"), tmp_path)
    assert counted == [article.id, article.id]


def test_cache_misses_on_new_text(tmp_path, counted):
    article = seed("000", "ru")
    annotate_cached(article, CONFIG, tmp_path)
    edited = dataclasses.replace(article, paragraphs=(*article.paragraphs[:-1], Paragraph("p99", "Европол.")))
    assert cache_key(edited, CONFIG) != cache_key(article, CONFIG)
    annotate_cached(edited, CONFIG, tmp_path)
    assert counted == [article.id, article.id]


def test_cache_store_release_keeps_what_is_not_saved(tmp_path):
    # release() drops the shards read (a build forks after reading them), never an unsaved entry.
    a, b = seed("000", "ru"), seed("004", "ru")
    keys = cache_key(a, CONFIG), cache_key(b, CONFIG)
    saved = stage.Store(tmp_path / stage.STORE)
    saved.add(keys[0], annotate(a, CONFIG))
    saved.save()
    s = stage.Store(tmp_path / stage.STORE)
    assert s.get(keys[0]) == annotate(a, CONFIG)
    s.add(keys[1], annotate(b, CONFIG))
    s.release()
    assert s._shards == {}
    assert s.get(keys[0]) == annotate(a, CONFIG) and s.get(keys[1]) == annotate(b, CONFIG)
    s.save()
    assert stage.Store(tmp_path / stage.STORE).get(keys[1]) == annotate(b, CONFIG)


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"{not a pickle",
        pickle.dumps("a string"),
        pickle.dumps({}),
        b"\xff\xfe\x00",
        "entry",
        "other",
        "stale",
    ],
)
def test_cache_corrupt_entry_is_recomputed(tmp_path, counted, garbage):
    article = seed("004", "ru")
    expected = annotate_cached(article, CONFIG, tmp_path)
    stage.store(tmp_path).save()
    key = cache_key(article, CONFIG)
    (shard,) = (tmp_path / stage.STORE).iterdir()
    if garbage == "stale":  # a good shard under another version's key
        garbage = pickle.dumps("annotate-store-0") + shard.read_bytes()[len(pickle.dumps(stage.STORE_KEY)) :]
    if garbage == "entry":  # a well-formed shard whose entry is not a pickle of annotations
        garbage = pickle.dumps(stage.STORE_KEY) + pickle.dumps({key: b"\x80\x05garbage", "x": 1})
    if garbage == "other":  # a well-formed entry whose spans do not fit this article's text
        other = dataclasses.replace(annotate(seed("000", "ru"), CONFIG), source=article.id)
        garbage = pickle.dumps(stage.STORE_KEY) + pickle.dumps(
            {key: pickle.dumps(other), "x": pickle.dumps(1)}
        )
    shard.write_bytes(garbage)
    stage._stores.clear()
    assert annotate_cached(article, CONFIG, tmp_path) == expected
    assert counted == [article.id, article.id]
    stage.store(tmp_path).save()
    stage._stores.clear()
    assert annotate_cached(article, CONFIG, tmp_path) == expected  # rewritten, hit again
    assert len(counted) == 2


def test_cache_none_and_unwritable(tmp_path, counted):
    article = seed("004", "ru")
    assert annotate_cached(article, CONFIG, None) == annotate(article, CONFIG)
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert annotate_cached(article, CONFIG, blocked) == annotate(article, CONFIG)
    stage.store(blocked).save()  # says nothing, raises nothing
    assert blocked.read_text() == "not a folder"


# Undated articles whose dates are relative: what redate must resolve on each date given.
RELATIVE = [
    (
        "ru",
        [
            "Вчера министры обсудили визы; в прошлую пятницу 120 человек вернулись по реадмиссии.",
            "В прошлом году Европол передал 35 запросов, а 3 марта — ещё 12.",
        ],
    ),
    (
        "en",
        [
            "Last Friday Europol and Kazakhstan signed the deal; 74 people were returned on Tuesday.",
            "Next month, on the 5th, the visa rules change for 2 categories.",
        ],
    ),
    ("kk", ["Кеше министрлер визаларды талқылады, 2024 жылы 15 наурызда 40 адам қайтарылды."]),
    (
        "de",
        ["Am vergangenen Montag sprachen die Minister über Visa; 12 Personen wurden im Mai zurückgeführt."],
    ),
]
UNDATED = [
    Article(
        id=f"rel-{lang}",
        file=f"rel-{lang}.txt",
        sha256="",
        title="t",
        language=lang,
        paragraphs=tuple(Paragraph(f"p{i}", text) for i, text in enumerate(texts, 1)),
    )
    for lang, texts in RELATIVE
] + [dataclasses.replace(a, published=None) for a in all_articles()]
DATES = [("2025-04-18", "day"), ("2024-01-01", "day"), ("2026-03", "month"), ("2023", "year")]


@pytest.mark.parametrize("article", UNDATED, ids=lambda a: a.id)
def test_redate_equals_annotating_on_the_date(article):
    undated = annotate(article, CONFIG)
    for day, precision in DATES:
        dated = dataclasses.replace(article, published=day, published_precision=precision)
        assert stage.redate(dated, undated, CONFIG) == annotate(dated, CONFIG), day


def test_redate_resolves_relative_dates():
    article = UNDATED[0]
    dated = dataclasses.replace(article, published="2025-04-18", published_precision="day")
    before = {d.value for s in annotate(article, CONFIG).sentences for d in s.dates}
    after = {
        d.value for s in stage.redate(dated, annotate(article, CONFIG), CONFIG).sentences for d in s.dates
    }
    assert "2025-04-17" in after and "2025-04-17" not in before  # "вчера" on 18 April 2025


def test_redate_skips_the_lemmatiser_and_caches_like_annotate(tmp_path, counted, monkeypatch):
    article = UNDATED[1]
    undated = annotate(article, CONFIG)
    counted.clear()
    monkeypatch.setattr(stage, "tokenize", lambda *a, **k: pytest.fail("tokenised again"))
    dated = dataclasses.replace(article, published="2025-04-18", published_precision="day")
    got = annotate_cached(dated, CONFIG, tmp_path, undated)
    assert counted == []
    monkeypatch.undo()
    assert got == annotate(dated, CONFIG) == annotate_cached(dated, CONFIG, tmp_path)  # the same entry


def test_redate_falls_back_to_annotate_when_dates_fail(monkeypatch):
    article = UNDATED[0]
    undated = annotate(article, CONFIG)

    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(stage, "find_numbers", broken)
    dated = dataclasses.replace(article, published="2025-04-18", published_precision="day")
    got = stage.redate(dated, undated, CONFIG)
    assert got == annotate(dated, CONFIG)
    assert got.warnings


def test_annotate_all_in_parallel_matches_serial():
    articles = [seed(p, lang) for p, lang, _ in SEEDS]
    assert annotate_all(articles, CONFIG, jobs=2) == annotate_all(articles, CONFIG, jobs=1)


def test_a_failing_paragraph_keeps_its_sentences(monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("boom")

    monkeypatch.setattr(stage, "find_numbers", broken)
    article = seed("004", "ru")
    a = annotate(article, CONFIG)
    assert len(a.sentences) == sum(len(stage._bare(p, 0)) for p in article.paragraphs)
    assert [s.index for s in a.sentences] == list(range(len(a.sentences)))
    assert all(not s.topics for s in a.sentences)


@pytest.mark.parametrize("workers", [1, 2])
def test_a_paragraph_that_fails_is_reported_not_lost(tmp_path, monkeypatch, workers):
    """The failure lands in the input report (from a worker process too) and the rest builds."""
    from builder.build import PARALLEL_FROM, build

    real = stage._paragraph

    def flaky(article, paragraph, *rest):
        if "BOOM" in paragraph.text:
            raise RuntimeError("boom")
        return real(article, paragraph, *rest)

    monkeypatch.setattr(stage, "_paragraph", flaky)
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    n = PARALLEL_FROM if workers > 1 else 1
    for i in range(n):
        (seeds / f"a{i:03}.txt").write_text(
            f"Title {i}\n\nEuropol met Kazakhstan.\n\nBOOM {i} here.\n", "utf-8"
        )
    result = build(seeds, CONFIG, cache=None, workers=workers)
    entry = next(r for r in result.report if r.file == "a000.txt")
    assert entry.status == "rendered"
    assert any("p2: not annotated: boom" in w for w in entry.warnings), entry
    assert any(line.startswith("a000.txt: warning: p2: not annotated") for line in result.problems)


# ------------------------------------------------------------------ actors decide topics

# (language, text, topics of the article, whether Kazakhstan acts in it with a partner)
ACTORS = [
    (
        "de",
        "Kasachstan und die EU verhandeln über Visaerleichterungen für kasachische Bürger.",
        {"visas"},
        True,
    ),
    (
        "fr",
        "Le Kazakhstan et la France ont discuté de l'accord de réadmission à Paris.",
        {"readmission"},
        True,
    ),
    (
        "kk",
        "Қазақстан мен Еуропалық одақ визалық режимді жеңілдету туралы келіссөз жүргізді.",
        {"visas"},
        True,
    ),
    ("ru", "Министр внутренних дел Кыргызстана встретился в Лионе с генсеком Интерпола.", set(), False),
    (
        "en",
        "Uzbekistan and the European Union held talks on visa facilitation for Uzbek citizens.",
        set(),
        False,
    ),
    (
        "en",
        "Kazakhstan and China agreed on a visa-free regime for tourist groups.",
        set(),
        False,
    ),  # no partner
]


@pytest.mark.parametrize(("language", "text", "topics", "on_topic"), ACTORS)
def test_actors_decide_topics(language, text, topics, on_topic):
    art = Article("x", "x.txt", "0", "t", language, (Paragraph("p1", text),), published="2025-05-05")
    ann = annotate(art, CONFIG)
    assert ann.on_topic is on_topic
    assert {t for s in ann.sentences for t in s.topics} == topics


def test_a_neighbours_ministry_is_not_kazakhstans():
    text = "МВД Кыргызстана и Интерпол обсудили розыск граждан Кыргызстана."
    art = Article("x", "x.txt", "0", "t", "ru", (Paragraph("p1", text),), published="2025-06-03")
    ann = annotate(art, CONFIG)
    assert "mvd-kazakhstan" not in {m.entity for m in ann.mentions}


# (language, text, names found that research.yml does not list)
NAMES = [
    ("en", "Kazakhstan's Deputy Foreign Minister Roman Vassilenko met the envoy.", ["Roman Vassilenko"]),
    (
        "de",
        "Die Delegation leitete der stellvertretende Außenminister Daniyar Seitkali.",
        ["Daniyar Seitkali"],
    ),
    ("fr", "Le ministre Laurent Dubois a reçu la délégation.", ["Laurent Dubois"]),
    ("kk", "Сыртқы істер министрінің орынбасары Роман Василенко сөз сөйледі.", ["Роман Василенко"]),
    ("en", "The Ministry of Foreign Affairs said the talks would go on.", ["Ministry of Foreign Affairs"]),
    ("en", "On Friday the Minister met them in Astana.", []),  # a title with no name after it
    ("en", "Kazakhstan and the EU met in Brussels on Friday.", []),  # capitals, no cue
    ("de", "Am Dienstag trafen sich die Minister in Brüssel.", []),
]


@pytest.mark.parametrize(("language", "text", "names"), NAMES)
def test_unlisted_names(language, text, names):
    from builder.nlp.names import find_names

    art = Article("x", "x.txt", "0", "t", language, (Paragraph("p1", text),))
    assert [u.name for u in find_names(art, [])] == names


def test_unlisted_russian_names_come_from_natasha():
    pytest.importorskip("natasha")
    from builder.nlp.names import find_names

    text = "Заместитель министра иностранных дел Роман Василенко встретился с Эдуардом Ауэром."
    art = Article("x", "x.txt", "0", "t", "ru", (Paragraph("p1", text),))
    assert {u.name for u in find_names(art, [])} == {"Роман Василенко", "Эдуард Ауэр"}
