"""Quality on the gold corpus (tests/gold/): floors per layer, and the yardstick's own scoring rules.

The floors are the targets of issue 27; the builder meets every one of them.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from builder.cli import main
from builder.evaluate import (
    TARGETS,
    Gold,
    GoldError,
    Snippet,
    format_table,
    load_gold,
    matches,
    meets,
    norm,
    score,
)

GOLD = Path(__file__).resolve().parent / "gold" / "gold.yml"


@pytest.fixture(scope="module")
def result() -> dict:
    from builder.evaluate import evaluate

    return evaluate(GOLD)


# ---------------------------------------------------------------- floors on the gold corpus


@pytest.mark.parametrize(
    ("layer", "metric", "op", "bound"), [pytest.param(*t, id=f"{t[0]}.{t[1]}") for t in TARGETS]
)
def test_floor(result: dict, layer: str, metric: str, op: str, bound: float) -> None:
    value = result[layer][metric]
    assert meets(value, op, bound), f"{layer}.{metric} = {value}, target {op} {bound}\n{format_table(result)}"


def test_the_gold_corpus_builds_and_no_article_is_lost(result: dict) -> None:
    assert result["build"]["exit"] == 0, result["build"]["messages"]
    assert result["articles"] >= 40 and result["metadata"]["missing"] == [], result["metadata"]["missing"]


def test_the_language_of_every_article_is_right(result: dict) -> None:
    assert result["metadata"]["language_rate"] == 1.0, result["metadata"]["wrong"]["language"]


def test_the_table_shows_every_target(result: dict) -> None:
    table = format_table(result)
    for layer, metric, _, _ in TARGETS:
        assert any(line.split()[:2] == [layer, metric] for line in table.splitlines()), (layer, metric, table)


# ---------------------------------------------------------------- the yardstick itself


def _gold(articles: dict, **parts) -> Gold:
    defaults = {
        "events": (),
        "claims_same": (),
        "claims_apart": (),
        "junk": (),
        "discrepancies": (),
        "inferred": {},
    }
    return Gold(path=Path("gold.yml"), articles=articles, **{**defaults, **parts})


def _src(file: str, **fields) -> dict:
    record = {
        "id": file.split(".")[0],
        "file": file,
        "language": "ru",
        "published": None,
        "published_precision": None,
        "published_inferred": None,
        "outlet": None,
        "topics": [],
        "story": None,
    }
    return {**record, **fields}


def _cite(file: str, quote: str) -> dict:
    return {"source": file.split(".")[0], "paragraph": "p1", "quote": quote, "language": "ru"}


@pytest.mark.parametrize(
    ("snippet", "quote", "expected"),
    [
        ("Сенат  ратифицировал", "Сенат ратифицировал соглашение", True),
        ("SENATE RATIFIED", "the senate ratified the deal", True),
        ("France’s minister", "France's minister met", True),
        ("«Интерпол»", '"интерпол" сообщил', True),
        ("the whole sentence here", "whole sentence", True),
        ("Astana", "Brussels", False),
        ("", "anything", False),
        ("ab", "a", False),
    ],
)
def test_snippets_match_quotes_whatever_the_case_spacing_and_quotes(snippet, quote, expected) -> None:
    assert matches(snippet, quote) is expected, (norm(snippet), norm(quote))


# Stories: gold stories of a, b, c, d and the stories the build gave them -> (precision, recall).
@pytest.mark.parametrize(
    ("gold_stories", "built", "precision", "recall"),
    [
        (("s1", "s1", "s2", "s2"), ("x", "x", "y", "y"), 1.0, 1.0),
        (("s1", "s1", "s2", "s2"), ("x", "x", "x", "x"), 0.3333, 1.0),
        (("s1", "s1", "s2", "s2"), ("x", None, "y", None), 1.0, 0.0),
        (("s1", "s1", "s1", None), ("x", "x", None, "x"), 0.3333, 0.3333),
        ((None, None, None, None), (None, None, None, None), 1.0, 1.0),
    ],
)
def test_story_pairs(gold_stories, built, precision, recall) -> None:
    files = ["a.txt", "b.txt", "c.txt", "d.txt"]
    gold = _gold({f: {"story": s} for f, s in zip(files, gold_stories, strict=True)})
    data = {"sources": [_src(f, story=s) for f, s in zip(files, built, strict=True)]}
    got = score(gold, data)["stories"]
    assert (got["precision"], got["recall"]) == (precision, recall), got


EVENTS = (
    {"date": "2025-10-14", "precision": "day", "articles": ["a.txt", "b.txt"], "optional": ["c.txt"]},
    {"date": "2017", "precision": "year", "articles": [], "optional": ["a.txt"], "optional_event": True},
)


# Timeline entries as (date, precision, cited files) -> (precision, recall).
@pytest.mark.parametrize(
    ("entries", "precision", "recall"),
    [
        ([("2025-10-14", "day", ["a.txt", "b.txt"])], 1.0, 1.0),
        ([("2025-10-14", "day", ["a.txt"])], 1.0, 0.5),
        ([("2025-10-14", "day", ["a.txt", "c.txt"]), ("2017", "year", ["a.txt"])], 1.0, 0.5),
        ([("2025-10", "month", ["a.txt"]), ("2025-10-14", "day", ["b.txt"])], 0.5, 0.5),
        ([("2009", "year", ["a.txt"]), ("2025-12", "month", ["b.txt"])], 0.0, 0.0),
        ([("2025-10-14", "day", ["d.txt"])], 0.0, 0.0),
        ([], 1.0, 0.0),
    ],
)
def test_timeline_units(entries, precision, recall) -> None:
    gold = _gold({f: {} for f in ("a.txt", "b.txt", "c.txt", "d.txt")}, events=EVENTS)
    timeline = [
        {"date": d, "precision": p, "text": "x", "citations": [_cite(f, "x") for f in files]}
        for d, p, files in entries
    ]
    data = {"sources": [_src(f) for f in ("a.txt", "b.txt", "c.txt", "d.txt")], "timeline": timeline}
    got = score(gold, data)["events"]
    assert (got["precision"], got["recall"]) == (precision, recall), got


def test_a_timeline_entry_whose_text_is_not_a_cited_quote_is_counted() -> None:
    gold = _gold({"a.txt": {}, "b.txt": {}}, events=EVENTS)
    timeline = [
        {
            "date": "2025-10-14",
            "precision": "day",
            "text": "Sentence of b.",
            "citations": [_cite("a.txt", "Sentence of a.")],
        },
        {
            "date": "2025-10-14",
            "precision": "day",
            "text": "Sentence of b.",
            "citations": [_cite("b.txt", "Sentence of b.")],
        },
    ]
    got = score(gold, {"sources": [_src("a.txt"), _src("b.txt")], "timeline": timeline})["events"]
    assert got["text_from_citation"] == 0.5, got


# Inferred dates: (gold accept list or None for a dated article, gold published, built record) -> verdict.
@pytest.mark.parametrize(
    ("accept", "stated", "built", "verdict"),
    [
        (["2025-10-14"], None, {"published": "2025-10-14", "published_inferred": "weekday"}, "right"),
        (["2025-10-14"], None, {"published": "2025-10", "published_inferred": "story"}, "wrong"),
        ([], None, {"published": "2025-10-14", "published_inferred": "story"}, "wrong"),
        ([], None, {"published": None}, "abstained"),
        (["2025-10-14"], None, {"published": None}, "abstained"),
        ([], None, {"published": "2023-05-17", "published_precision": "day"}, "wrong"),
        (None, "2024-04-19", {"published": "2024-04", "published_inferred": "story"}, "wrong"),
        (None, "2024-04-19", {"published": "2024-04-19", "published_inferred": "weekday"}, "right"),
        (None, "2024-04-19", {"published": "2024-04-19", "published_precision": "day"}, "none"),
    ],
)
def test_inferred_dates(accept, stated, built, verdict) -> None:
    inferred = {} if accept is None else {"a.txt": tuple(accept)}
    gold = _gold({"a.txt": {"published": stated}}, inferred=inferred)
    got = score(gold, {"sources": [_src("a.txt", **built)]})["inferred_dates"]
    counts = {"right": got["right"], "wrong": got["wrong"], "abstained": got["abstained"]}
    expected = {k: int(k == verdict) for k in counts}
    assert counts == expected, got


DISCREPANCY = {
    "subject": "date",
    "values": [{"value": "18", "files": ["a.txt", "b.txt"]}, {"value": "22", "files": ["c.txt"]}],
}


# Discrepancies listed by the build, as lists of cited files per value -> (found, unmatched).
@pytest.mark.parametrize(
    ("listed", "found", "unmatched"),
    [
        ([[["a.txt"], ["c.txt"]]], 1, 0),
        ([[["c.txt"], ["b.txt", "a.txt"]]], 1, 0),
        ([[["a.txt"], ["b.txt"]]], 0, 1),
        ([[["a.txt", "c.txt"]]], 0, 1),
        ([], 0, 0),
    ],
)
def test_discrepancies(listed, found, unmatched) -> None:
    gold = _gold({f: {} for f in ("a.txt", "b.txt", "c.txt")}, discrepancies=(DISCREPANCY,))
    data = {
        "sources": [_src(f) for f in ("a.txt", "b.txt", "c.txt")],
        "discrepancies": [
            {
                "subject": "s",
                "values": [
                    {"value": str(i), "citations": [_cite(f, "q") for f in fs]} for i, fs in enumerate(d)
                ],
            }
            for d in listed
        ],
    }
    got = score(gold, data)["discrepancies"]
    assert (got["found"], got["unmatched"]) == (found, unmatched), got


CLAIM_GOLD = {
    "claims_same": (
        (Snippet("a.txt", "first round held in Astana"), Snippet("b.txt", "первый раунд прошел в Астане")),
        (Snippet("a.txt", "visa-free since 2017"), Snippet("c.txt", "безвизовый режим с 2017 года")),
    ),
    "claims_apart": (
        (Snippet("a.txt", "first round held in Astana"), Snippet("c.txt", "second round held in Brussels")),
    ),
    "junk": (Snippet("a.txt", "Share this article"), Snippet("b.txt", "11:17, 14 Октябрь 2025 | GMT +5")),
}
QUOTES = {
    "A1": ("a.txt", "The first round held in Astana on Tuesday."),
    "B1": ("b.txt", "Первый раунд прошел в Астане 14 октября."),
    "A2": ("a.txt", "Kazakhstan has been visa-free since 2017 for EU citizens."),
    "C2": ("c.txt", "Казахстан ввел безвизовый режим с 2017 года."),
    "C3": ("c.txt", "The second round held in Brussels."),
    "T1": ("t.txt", "Uzbekistan held its first round in Tashkent."),
    "J1": ("a.txt", "Share this article"),
    "J2": ("b.txt", "11:17, 14 Октябрь 2025 | GMT +5"),
    "H1": ("b.txt", "<p>Первый раунд прошел в Астане 14 октября.</p>"),
}


# Claims as lists of quote keys -> (junk, incoherent, must-join recall, must-not-join violations).
@pytest.mark.parametrize(
    ("claims", "junk", "incoherent", "join_recall", "violations"),
    [
        ([["A1", "B1"], ["A2", "C2"]], 0, 0, 1.0, 0),
        ([["A1"], ["B1"], ["A2"], ["C2"]], 0, 0, 0.0, 0),
        ([["A1", "B1", "A2", "C2"]], 0, 1, 1.0, 0),
        ([["A1", "C3"]], 0, 1, 0.0, 1),
        ([["A1", "B1"], ["J1"], ["J2", "C2"]], 2, 1, 0.5, 0),
        ([["H1", "A1"]], 1, 1, 0.5, 0),
        ([["A1", "T1"]], 0, 1, 0.0, 0),
    ],
)
def test_claims(claims, junk, incoherent, join_recall, violations) -> None:
    articles = {f: {} for f in ("a.txt", "b.txt", "c.txt")} | {"t.txt": {"trap": True}}
    gold = _gold(articles, **CLAIM_GOLD)
    data = {
        "sources": [_src(f) for f in articles],
        "claims": [
            {"id": f"c{i}", "citations": [_cite(*QUOTES[k]) for k in keys]} for i, keys in enumerate(claims)
        ],
    }
    got = score(gold, data)["claims"]
    measured = (got["junk"], got["incoherent"], got["must_join_recall"], got["must_not_join_violations"])
    assert measured == (junk, incoherent, join_recall, violations), got


# Topics: (gold topics, trap, built topics) per article -> (precision, recall, traps on a topic).
@pytest.mark.parametrize(
    ("rows", "precision", "recall", "traps"),
    [
        ([(["visas"], False, ["visas"]), ([], True, [])], 1.0, 1.0, 0),
        ([(["visas", "readmission"], False, ["visas"]), ([], True, ["interpol"])], 0.5, 0.5, 1),
        ([([], True, ["visas"]), ([], True, ["europol"])], 0.0, 1.0, 2),
    ],
)
def test_topics(rows, precision, recall, traps) -> None:
    files = [f"{i}.txt" for i in range(len(rows))]
    gold = _gold({f: {"topics": g, "trap": t} for f, (g, t, _) in zip(files, rows, strict=True)})
    data = {"sources": [_src(f, topics=b) for f, (_, _, b) in zip(files, rows, strict=True)]}
    got = score(gold, data)["topics"]
    assert (got["precision"], got["recall"], got["traps_on_topic"]) == (precision, recall, traps), got


# Metadata: (gold fields, built fields) -> which of language, published, outlet are right.
@pytest.mark.parametrize(
    ("want", "built", "right"),
    [
        (
            {"language": "ru", "published": "2025-10-14", "outlet": "Kazinform"},
            {
                "language": "ru",
                "published": "2025-10-14",
                "published_precision": "day",
                "outlet": "KAZINFORM",
            },
            (1, 1, 1),
        ),
        (
            {"language": "kk", "published": "2025-10", "outlet": ["Qazaq Únі", "Qazaq Uni"]},
            {"language": "ru", "published": "2025-10", "published_precision": "month", "outlet": "Qazaq Uni"},
            (0, 1, 1),
        ),
        (
            {"language": "en", "published": "2025-10-14", "outlet": None},
            {"language": "en", "published": "2025-10", "published_precision": "month", "outlet": "According"},
            (1, 0, 0),
        ),
        (
            {"language": "en", "published": None, "outlet": None},
            {"language": "en", "published": "2025-10-14", "published_inferred": "weekday", "outlet": None},
            (1, 1, 1),
        ),
        (
            {"language": "en", "published": None, "outlet": "Trend"},
            {"language": "en", "published": "2025-10-14", "published_precision": "day", "outlet": None},
            (1, 0, 0),
        ),
    ],
)
def test_metadata(want, built, right) -> None:
    gold = _gold({"a.txt": want})
    got = score(gold, {"sources": [_src("a.txt", **built)]})["metadata"]
    assert (got["language_rate"], got["published_rate"], got["outlet_rate"]) == right, got


# Duplicates: report lines (file, duplicate_of id) -> (reprints folded, false folds).
@pytest.mark.parametrize(
    ("folds", "folded", "false_folds"),
    [
        ([("r.txt", "a")], 1, 0),
        ([("a.txt", "r")], 1, 0),
        ([], 0, 0),
        ([("b.txt", "a")], 0, 1),
    ],
)
def test_duplicates(folds, folded, false_folds) -> None:
    gold = _gold({"a.txt": {}, "b.txt": {}, "r.txt": {"reprint_of": "a.txt"}})
    kept = [f for f in ("a.txt", "b.txt", "r.txt") if f not in {x for x, _ in folds}]
    data = {
        "sources": [_src(f) for f in kept],
        "report": {"inputs": [{"file": f, "status": "duplicate", "duplicate_of": d} for f, d in folds]},
    }
    got = score(gold, data)["duplicates"]
    assert (got["folded"], got["false_folds"]) == (folded, false_folds), got


def test_a_claim_citing_a_folded_reprint_counts_for_its_original() -> None:
    gold = _gold(
        {"a.txt": {}, "r.txt": {"reprint_of": "a.txt"}, "b.txt": {}},
        claims_same=((Snippet("r.txt", "first round"), Snippet("b.txt", "первый раунд")),),
    )
    data = {
        "sources": [_src("a.txt"), _src("b.txt")],
        "report": {"inputs": [{"file": "r.txt", "status": "duplicate", "duplicate_of": "a"}]},
        "claims": [
            {"id": "c", "citations": [_cite("a.txt", "The first round."), _cite("b.txt", "Первый раунд.")]}
        ],
    }
    assert score(gold, data)["claims"]["must_join_recall"] == 1.0


@pytest.mark.parametrize(
    ("value", "op", "bound", "expected"),
    [
        (0.9, ">=", 0.9, True),
        (0.89, ">=", 0.9, False),
        (0.03, "<=", 0.03, True),
        (1, "<=", 0, False),
        (None, ">=", 0.0, False),
    ],
)
def test_meets(value, op, bound, expected) -> None:
    assert meets(value, op, bound) is expected


# ---------------------------------------------------------------- the gold file and the command

TINY_ARTICLE = (
    "Сенат ратифицировал соглашение о реадмиссии\n\n"
    "Сенат Казахстана в четверг ратифицировал соглашение с Францией о реадмиссии лиц.\n\n"
    "Документ устанавливает порядок возвращения граждан, незаконно находящихся на территории другой стороны.\n"
)


def _tiny(tmp_path: Path, gold_text: str) -> Path:
    (tmp_path / "articles").mkdir()
    (tmp_path / "articles" / "a.txt").write_text(TINY_ARTICLE, encoding="utf-8")
    gold = tmp_path / "gold.yml"
    gold.write_text(gold_text, encoding="utf-8")
    return gold


GOOD = (
    "articles:\n  a.txt: {language: ru, published: null, outlet: null, topics: [readmission], story: null}\n"
)


@pytest.mark.parametrize(
    ("gold_text", "reason"),
    [
        ("articles: [1, 2]\n", "expected a mapping"),
        ("articles: {a.txt: {language: ru\n", "cannot read"),
        ("articles: {}\n", "a.txt: in the articles folder but not annotated"),
        (GOOD + "  b.txt: {language: en}\n", "b.txt: annotated but not in the articles folder"),
        (GOOD + "junk: {a.txt: [Поделиться]}\n", "snippet not found"),
        (GOOD + "claims_same: [[[a.txt]]]\n", "expected [file, snippet]"),
        (GOOD + "events: [{date: '2026-01-22', precision: month, articles: [a.txt]}]\n", "precision month"),
        (GOOD.replace("[readmission]", "[migration]"), "unknown topic"),
        (GOOD + "inferred_dates: {a.txt: {accept: [yesterday]}}\n", "not an ISO date"),
        (GOOD + "inferred_dates: {a.txt: {accept: ['2020-13']}}\n", "not an ISO date"),
        (GOOD + "events: [{date: '2026-02-30', precision: day, articles: [a.txt]}]\n", "2026-02-30"),
        (
            GOOD + "events: [{precision: day, articles: [a.txt]}]\n",
            "events[0]: expected a mapping with a date",
        ),
        (GOOD + "claims_apart: [[[a.txt, Сенат]]]\n", "claims_apart[0]: expected two [file, snippet] items"),
    ],
)
def test_a_bad_gold_file_is_named_with_the_reason(tmp_path: Path, gold_text: str, reason: str) -> None:
    gold = _tiny(tmp_path, gold_text)
    with pytest.raises(GoldError) as err:
        load_gold(gold)
    assert str(gold) in str(err.value) and reason in str(err.value), str(err.value)
    assert str(err.value).count(str(gold)) == 1, str(err.value)  # named once, not wrapped again


def test_the_command_exits_2_on_a_bad_gold_file(tmp_path: Path, capsys) -> None:
    gold = _tiny(tmp_path, "articles: {}\n")
    assert main(["evaluate", "--gold", str(gold)]) == 2
    assert "not annotated" in capsys.readouterr().err


def test_the_command_prints_the_table_or_json_and_exits_0(tmp_path: Path, capsys) -> None:
    gold = _tiny(tmp_path, GOOD)
    assert main(["evaluate", "--gold", str(gold)]) == 0
    table = capsys.readouterr().out
    assert "stories" in table and "1 gold articles; build exit 0" in table, table
    assert main(["evaluate", "--gold", str(gold), "--json"]) == 0
    import json

    data = json.loads(capsys.readouterr().out)
    assert data["articles"] == 1 and data["metadata"]["language_rate"] == 1.0, data
