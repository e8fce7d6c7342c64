"""Work bounded by the input for any text: sentence splitting, claim pairing and the size limit.

Growth is checked by counting operations at two sizes (never by the clock): the characters razdel
is given, squared per call (razdel builds each sentence by adding to a string), the signatures
the claim pairing screens and the pairs it returns, and the Python calls of a whole annotation.
"""

from __future__ import annotations

import cProfile
import dataclasses
import pstats
import random
from pathlib import Path

import pytest
import razdel

from builder import link
from builder.annotate import annotate
from builder.config import Limits, load_config
from builder.ingest.bounds import count_tokens, too_large
from builder.ingest.load import load_bytes
from builder.link import claims as link_claims
from builder.nlp import sentences
from builder.records import Annotations, Article, Paragraph, Sentence

ROOT = Path(__file__).resolve().parent.parent
CONFIG = load_config(ROOT / "research.yml")

# Units repeated on one line; the last two must NOT be cut anywhere but at their sentence ends.
UNITS = [
    ("dots", "."),
    ("ones", "1. "),
    ("ones-no-space", "1."),
    ("bangs", "! "),
    ("words-no-end", "Visa "),
    ("short-sentences", "Visa. "),
    ("ru-ordinals", "3. марта 2025 г. визы. "),
]


def _razdel_work(monkeypatch) -> list[int]:
    """Record, for every razdel call, the square of the length of the text it was given."""
    calls: list[int] = []
    real = razdel.sentenize

    def counted(text):
        calls.append(len(text) ** 2)
        return real(text)

    monkeypatch.setattr(razdel, "sentenize", counted)
    return calls


@pytest.mark.parametrize(("case", "unit"), UNITS, ids=[u[0] for u in UNITS])
def test_sentence_splitting_work_grows_linearly(monkeypatch, case, unit):
    work = _razdel_work(monkeypatch)
    totals = []
    for size in (40_000, 160_000):
        work.clear()
        spans = sentences.split(unit * (size // len(unit)))
        totals.append(sum(work))
        assert max(e - s for s, e in spans) <= sentences.MAX_SENTENCE, case
    assert totals[1] <= 4.5 * totals[0], (case, totals)  # four times the text, four times the work


# Long lines in several languages, with abbreviations, initials, ordinals and quotes: read in chunks,
# they split exactly as razdel splits the whole line.
PROSE = [
    "Д-р А. С. Иванов заявил 3. марта: «Визы упростят». Т. е. с 1 мая 2025 г. режим изменится.",
    "Dr. J. Smith met the Minister at 10 a.m. in Astana. The talks, e.g. on visas, went on until 5 p.m.!",
    "Am 3. März traf der Innenminister in Lyon ein. Die Gespräche dauerten bis zum 4. März, sagte er.",
    "Қазақстан мен Франция визалық режимді жеңілдету туралы келісті. Келіссөздер Астанада өтті?",
    "M. Dupont a dit : « La réadmission est signée. » Puis il est parti… Le 2 mai, rien n'a changé.",
]


@pytest.mark.parametrize("seed", range(3))
def test_chunked_splitting_equals_whole_line_splitting(monkeypatch, seed):
    rnd = random.Random(seed)
    line = " ".join(rnd.choice(PROSE) for _ in range(400))  # about 40,000 characters, one line
    chunked = sentences.split(line)
    monkeypatch.setattr(sentences, "CHUNK", 10**9)
    assert chunked == sentences.split(line)
    assert len(chunked) > 800


def _article(aid: str, n: int, sentence: Sentence) -> tuple[Article, Annotations]:
    text = sentence.text
    paragraphs = tuple(Paragraph(f"p{k}", text) for k in range(1, n + 1))
    art = Article(aid, f"{aid}.txt", "0" * 64, "t", "en", paragraphs, published="2025-04-18")
    sents = tuple(dataclasses.replace(sentence, index=k, paragraph=f"p{k + 1}") for k in range(n))
    return art, Annotations(aid, sents)


VISA = Sentence(
    0,
    "p1",
    0,
    40,
    "Kazakhstan and the EU signed visa terms.",
    ("european-union", "kazakhstan"),
    ("visas",),
    ("sign",),
)
VISA_2 = dataclasses.replace(VISA, text="The EU and Kazakhstan signed on visas.", numbers=("2",))

# (case, [(source id, copies, sentence)], screened signatures at most, pairs at most) for 100 and 400 copies
PAIRING = [
    ("one-source-repeats", [("a", None, VISA)], link_claims.MAX_COPIES, 0),
    ("two-sources-repeat-one-sentence", [("a", None, VISA), ("b", None, VISA)], link_claims.MAX_COPIES, 0),
    (
        "two-sources-repeat-alike",
        [("a", None, VISA), ("b", None, VISA_2)],
        2 * link_claims.MAX_COPIES,
        link_claims.MAX_COPIES**2,
    ),
    (
        "many-repeat-one-copy",
        [("a", None, VISA), ("b", 1, VISA_2), ("c", 1, VISA_2)],
        2 * link_claims.MAX_COPIES,
        2 * link_claims.MAX_COPIES,
    ),
]


@pytest.mark.parametrize(("case", "sources", "most_sigs", "most_pairs"), PAIRING, ids=[p[0] for p in PAIRING])
def test_claim_pairing_is_bounded_for_repeated_sentences(monkeypatch, case, sources, most_sigs, most_pairs):
    seen = []
    real = link_claims._candidate_pairs

    def counted(sigs, weights, *rest):
        pairs = real(sigs, weights, *rest)
        seen.append((len(sigs), len(pairs)))
        return pairs

    monkeypatch.setattr(link_claims, "_candidate_pairs", counted)
    runs = []
    for copies in (100, 400):
        built = [_article(aid, n or copies, s) for aid, n, s in sources]
        seen.clear()
        claims = link.state_claims(tuple(a for a, _ in built), {a.id: ann for a, ann in built}, CONFIG)
        cited = sorted((c.source, c.paragraph) for claim in claims for c in claim.citations)
        assert len(cited) == len(set(cited)) == sum(len(ann.sentences) for _, ann in built)  # each once
        runs.append(seen[0])
    for sigs, pairs in runs:
        assert sigs <= most_sigs and pairs <= most_pairs, (case, runs)
    assert runs[0] == runs[1], (case, runs)  # four times the copies, the same work


@pytest.mark.parametrize("seed", range(4))
def test_owners_only_drop_pairs_of_one_owner(seed):
    rnd = random.Random(seed)
    pool = ["t:a", "t:b", *(f"e:{k}" for k in range(8)), *(f"y:{2000 + k}" for k in range(4))]
    sigs = [frozenset(rnd.sample(pool, rnd.randint(1, 5))) for _ in range(link_claims.PAIR_BLOCK + 60)]
    owners = [rnd.randrange(5) if rnd.random() < 0.8 else -1 - k for k in range(len(sigs))]
    fixed = link_claims._fixed(link_claims._weights(sigs))
    every = link_claims._candidate_pairs(sigs, fixed)
    assert every and link_claims._candidate_pairs(sigs, fixed, owners) == [
        (a, b, w) for a, b, w in every if owners[a] != owners[b]
    ]


# (case, text, max_tokens, refused)
SIZES = [
    ("words-under", "Visa talks in Astana ended.", 6, False),  # 5 words and a full stop
    ("words-over", "Visa talks in Astana ended.", 5, True),
    ("punctuation-counts", "." * 11, 10, True),
    ("numbers-count", "1. " * 5, 10, False),
    ("cyrillic-words", "Визовый режим упрощён", 3, False),
    ("spaces-do-not-count", " \n\t" * 1000 + "x", 1, False),
]


@pytest.mark.parametrize(("case", "text", "limit", "refused"), SIZES, ids=[s[0] for s in SIZES])
def test_too_large(case, text, limit, refused):
    why = too_large(text, Limits(max_tokens=limit))
    assert (why is not None) == refused, why
    if refused:
        assert f"more than {limit} words, numbers and punctuation marks" in why


def test_the_size_check_reads_no_more_than_the_limit():
    text = "1. " * 2_000_000  # 6 MB
    assert count_tokens(text, 1001) == 1001
    assert too_large(text, Limits(max_tokens=1000)) is not None


UNLIMITED = dataclasses.replace(CONFIG, limits=dataclasses.replace(CONFIG.limits, max_tokens=10**9))


def _calls(text: str) -> int:
    article = load_bytes(
        text.encode("utf-8"), "x.txt", UNLIMITED
    )  # the limit would reject it: measure past it
    profile = cProfile.Profile()
    profile.enable()
    annotate(article, CONFIG)
    profile.disable()
    return pstats.Stats(profile).total_calls


ANNOTATED = [
    ("ones", "1. "),
    ("dots", "."),
    ("sentences", "Kazakhstan and the EU agreed on visas in Astana on 18 April 2025. "),
    ("paragraphs", "Interpol met the Senate in Lyon on 3 March 2025.\n\n"),
]


@pytest.mark.parametrize(("case", "unit"), ANNOTATED, ids=[a[0] for a in ANNOTATED])
def test_annotation_calls_grow_linearly(case, unit):
    _calls("Warm up\n\n" + unit * (1000 // len(unit)))  # tables and caches loaded once
    small, large = (_calls("Title\n\n" + unit * (size // len(unit))) for size in (10_000, 40_000))
    assert large <= 4.4 * small, (case, small, large)


def test_pathological_benchmark_prints_a_json_line_per_case_and_size():
    import json
    import subprocess
    import sys

    cmd = [sys.executable, "-m", "benchmarks.pathological", "--case", "ones", "dots", "--mb", "0.001", "0.5"]
    run = subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600, check=True)
    rows = [json.loads(line) for line in run.stdout.splitlines()]
    assert [(r["case"], r["mb"]) for r in rows] == [
        ("ones", 0.001),
        ("ones", 0.5),
        ("dots", 0.001),
        ("dots", 0.5),
    ]
    assert [r["outcome"].split(":")[0] for r in rows] == ["analysed", "rejected"] * 2, rows
    assert all(r["peak_rss_mb"] > 0 and r["seconds"] >= 0 for r in rows)
