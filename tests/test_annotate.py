"""Behaviour of builder.annotate on the seeds and on small fixture articles in four languages."""

from __future__ import annotations

import dataclasses
import os
import pickle
from pathlib import Path

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from builder import annotate as stage
from builder import pipeline
from builder.annotate import annotate
from builder.config import load_config
from builder.execution.local import LocalExecutor
from builder.incremental import engine
from builder.incremental.cache import Cache, shard_of
from builder.incremental.engine import analyse_files
from builder.incremental.keys import LOADED, code_key
from builder.ingest.discover import discover
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


# ---------------------------------------------------------------- the per-file memo
# builder/incremental/engine.analyse_files: a file whose (size, mtime), or else bytes, are those
# analysed last time is neither read nor annotated again; any damaged shard is a miss, rewritten.

MEMO_FILES = {
    "a_en.txt": "Europol and Kazakhstan\n\nEuropol and Kazakhstan talked visas in Astana on 18 April 2025.\n",
    "b_ru.txt": "Интерпол и Казахстан\n\nИнтерпол и МВД Казахстана обсудили реадмиссию 3 марта 2026 года.\n",
    "c_fr.txt": "La France et le Kazakhstan\n\nLa France et le Kazakhstan ont parlé de visas le 5 mai 2025.\n",
    "d_empty.txt": "",  # rejected, and remembered as rejected
}


@pytest.fixture
def counted(monkeypatch):
    """The files annotate runs on (analyse_file calls builder.pipeline.annotate)."""
    calls = []
    real = pipeline.annotate

    def counting(article, config):
        calls.append(article.file)
        return real(article, config)

    monkeypatch.setattr(pipeline, "annotate", counting)
    return calls


@pytest.fixture
def inputs(tmp_path) -> Path:
    folder = tmp_path / "seeds"
    folder.mkdir()
    for name, text in MEMO_FILES.items():
        (folder / name).write_text(text, "utf-8")
    return folder


def memo_run(folder: Path, cache: Path, config=CONFIG) -> dict[str, pipeline.Analysed]:
    """Analyse every file in folder through the per-file memo in cache; return {file: analysis}."""
    files = discover(folder, config).files
    out = analyse_files(Cache(cache, code_key(config)), files, config, LocalExecutor(1))
    return {f.rel: a for f, a in zip(files, out, strict=True)}


def plain_run(folder: Path, config=CONFIG) -> dict[str, pipeline.Analysed]:
    return {f.rel: pipeline.analyse_file(f, config) for f in discover(folder, config).files}


ARTICLES = sorted(name for name, text in MEMO_FILES.items() if text)


def test_memo_an_unchanged_file_is_not_analysed_again(inputs, tmp_path, counted):
    cache = tmp_path / "cache"
    first = memo_run(inputs, cache)
    assert counted == ARTICLES
    assert memo_run(inputs, cache) == first  # another run: only the folder holds the memo
    assert counted == ARTICLES
    counted.clear()
    assert first == plain_run(inputs)
    shards = {LOADED.format(shard_of(name)) for name in MEMO_FILES}  # sharded by file, not one per file
    assert sorted(p.name for p in cache.iterdir()) == sorted(shards)


def test_memo_a_touched_file_with_the_same_bytes_is_taken_by_its_bytes(
    inputs, tmp_path, counted, monkeypatch
):
    # A fresh checkout or a restored CI cache gives every file a new mtime: its bytes then decide.
    cache = tmp_path / "cache"
    first = memo_run(inputs, cache)
    counted.clear()
    for n, path in enumerate(sorted(inputs.iterdir())):
        os.utime(path, ns=(10**18 + n, 10**18 + n))
    assert memo_run(inputs, cache) == first
    assert counted == []
    monkeypatch.setattr(engine, "file_sha256", lambda inp: pytest.fail(f"{inp.rel} read again"))
    assert memo_run(inputs, cache) == first, "the new mtimes were kept"


def _same_size(path: Path) -> None:
    data = path.read_bytes()
    path.write_bytes(data.replace(b"Astana", b"Almaty"))
    os.utime(path, ns=(10**18, 10**18))


def _append(path: Path) -> None:
    path.write_bytes(path.read_bytes() + b"Europol later confirmed it.\n")


def _replace_empty(path: Path) -> None:
    (path.parent / "d_empty.txt").write_text("Now an article\n\nInterpol met Kazakhstan in Lyon.\n", "utf-8")


def _add(path: Path) -> None:
    (path.parent / "e_de.txt").write_text("Visa\n\nDeutschland und Kasachstan sprachen über Visa.\n", "utf-8")


def _remove(path: Path) -> None:
    path.unlink()


# (edit, given a_en.txt, the files analysed again)
EDITS = [
    (_same_size, ["a_en.txt"]),  # same size, new bytes
    (_append, ["a_en.txt"]),
    (_replace_empty, ["d_empty.txt"]),  # a rejected file that became an article
    (_add, ["e_de.txt"]),
    (_remove, []),
]


@pytest.mark.parametrize(("edit", "again"), EDITS, ids=lambda v: getattr(v, "__name__", None))
def test_memo_a_changed_file_is_analysed_again(inputs, tmp_path, counted, edit, again):
    cache = tmp_path / "cache"
    memo_run(inputs, cache)
    counted.clear()
    edit(inputs / "a_en.txt")
    got = memo_run(inputs, cache)
    assert counted == again
    assert got == plain_run(inputs)
    counted.clear()
    assert memo_run(inputs, cache) == got and counted == []  # and kept
    names = set(Cache(cache, code_key(CONFIG)).read_shards(LOADED))
    assert names == set(got), "an entry of a removed file is dropped"


def test_memo_misses_on_another_config(inputs, tmp_path, counted):
    cache = tmp_path / "cache"
    memo_run(inputs, cache)
    memo_run(inputs, cache, dataclasses.replace(CONFIG, digest="changed"))
    assert counted == ARTICLES + ARTICLES


@pytest.mark.parametrize(
    "garbage",
    [
        b"",
        b"{not a pickle",
        pickle.dumps("a string"),
        pickle.dumps({}),
        b"\xff\xfe\x00",
        "cut",  # a good shard cut short
        "stale",  # a good shard under another version's key
        "entry",  # a well-formed shard whose entry is not (size, mtime, analysis)
        "not-analysed",  # a well-formed entry whose analysis is something else
        "folder",  # a folder where the shard should be
    ],
)
def test_memo_a_damaged_shard_is_a_miss_and_rewritten(inputs, tmp_path, counted, garbage):
    cache = tmp_path / "cache"
    expected = memo_run(inputs, cache)
    victim = "b_ru.txt"
    shard = cache / LOADED.format(shard_of(victim))
    key = pickle.dumps(code_key(CONFIG))
    stat = (inputs / victim).stat()
    if garbage == "cut":
        garbage = shard.read_bytes()[: len(key) + 40]
    elif garbage == "stale":
        garbage = pickle.dumps("another version") + shard.read_bytes()[len(key) :]
    elif garbage == "entry":
        garbage = key + pickle.dumps({victim: b"\x80\x05garbage"})
    elif garbage == "not-analysed":
        garbage = key + pickle.dumps({victim: (stat.st_size, stat.st_mtime_ns, "an annotation")})
    shard.unlink()
    if garbage == "folder":
        (shard / "inside").mkdir(parents=True)
    else:
        shard.write_bytes(garbage)
    counted.clear()
    assert memo_run(inputs, cache) == expected
    assert counted == sorted(n for n in ARTICLES if shard_of(n) == shard_of(victim))
    counted.clear()
    assert memo_run(inputs, cache) == expected  # rewritten, a hit again
    assert counted == []


def test_memo_in_an_unwritable_cache_analyses_and_says_nothing(inputs, tmp_path, counted):
    blocked = tmp_path / "file"
    blocked.write_text("not a folder")
    assert memo_run(inputs, blocked) == plain_run(inputs)
    assert memo_run(inputs, blocked) == plain_run(inputs)
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


def test_redate_skips_the_tokeniser(monkeypatch):
    article = UNDATED[1]
    undated = annotate(article, CONFIG)
    monkeypatch.setattr(stage, "tokenize", lambda *a, **k: pytest.fail("tokenised again"))
    dated = dataclasses.replace(article, published="2025-04-18", published_precision="day")
    got = stage.redate(dated, undated, CONFIG)
    monkeypatch.undo()
    assert got == annotate(dated, CONFIG)


@pytest.mark.parametrize("other", ["000", "004"])
def test_redate_given_another_articles_annotations_annotates_afresh(other):
    # annotations whose spans do not point into this article's text are not reused
    article = dataclasses.replace(seed("002" if other == "000" else "000", "ru"), published=None)
    theirs = dataclasses.replace(annotate(seed(other, "ru"), CONFIG), source=article.id)
    assert not stage._valid(theirs, article), "their spans do not fit this text"
    dated = dataclasses.replace(article, published="2025-04-18", published_precision="day")
    assert stage.redate(dated, theirs, CONFIG) == annotate(dated, CONFIG)


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


def test_analysis_on_a_process_pool_matches_serial(inputs, monkeypatch):
    from builder.execution import local

    files = discover(inputs, CONFIG).files
    serial = pipeline.plain_stages(LocalExecutor(1)).analyse(files, CONFIG)
    monkeypatch.setattr(local, "PARALLEL_FROM", 1)  # the pool even for a few files
    assert pipeline.plain_stages(LocalExecutor(2)).analyse(files, CONFIG) == serial


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
    from builder.execution.local import PARALLEL_FROM
    from builder.incremental.engine import build

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
    result = build(seeds, CONFIG, executor=LocalExecutor(workers))
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
