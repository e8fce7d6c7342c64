"""The benchmark's own tools: the seeded corpus generator and the runner's JSON lines.

The numbers they print are measured, not tested (machines here are noisy); what is tested
is that the corpus is the same for a seed and realistic as the builder reads it, and that
the runner prints every step it promises, each with what the README's table reads.
"""

from __future__ import annotations

import collections
import datetime as dt
import json
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import DUPLICATE_RATE, LANG_WEIGHTS, LANGS, Generator, write_corpus
from builder.config import load_config
from builder.execution.local import LocalExecutor
from builder.ingest.discover import discover
from builder.link import STORY_SPAN_DAYS
from builder.pipeline import analyse, plain_stages

ROOT = Path(__file__).resolve().parent.parent


def test_corpus_is_the_same_for_a_seed_and_another_for_another_seed():
    first = list(Generator(7).corpus(120))
    assert first == list(Generator(7).corpus(120))
    other = list(Generator(8).corpus(120))
    assert [data for _, data in first] != [data for _, data in other]
    names = [name for name, _ in first]
    assert names == sorted(names) and len(set(names)) == len(names)  # sorted, no collisions


def test_write_corpus_writes_what_the_generator_yields(tmp_path):
    paths = write_corpus(40, 3, tmp_path / "c")
    assert [(p.name, p.read_bytes()) for p in paths] == list(Generator(3).corpus(40))
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [p.name for p in paths]


@pytest.fixture(scope="module")
def analysis(tmp_path_factory):
    """A 400-article corpus as the builder analyses it (no cache, one process)."""
    seeds = tmp_path_factory.mktemp("bench-corpus")
    write_corpus(400, 1, seeds)
    config = load_config(ROOT / "research.yml")
    return analyse(discover(seeds, config), config, plain_stages(LocalExecutor(1)))


@pytest.fixture(scope="module")
def corpus(analysis):
    return analysis.corpus


def test_corpus_is_read_in_its_four_languages_at_about_their_weights(corpus):
    langs = collections.Counter(a.language for a in corpus.articles)
    assert set(langs) == set(LANGS), langs
    for lang, weight in zip(LANGS, LANG_WEIGHTS, strict=True):
        share = langs[lang] / len(corpus.articles)
        assert weight / 2 <= share <= weight * 1.6, (lang, share)


def test_corpus_has_near_duplicates_that_the_builder_finds(corpus, analysis):
    statuses = collections.Counter(r.status for r in corpus.report)
    assert statuses["rejected"] == 0, [r for r in corpus.report if r.status == "rejected"]
    share = statuses["duplicate"] / len(corpus.report)
    assert DUPLICATE_RATE / 3 <= share <= DUPLICATE_RATE * 2, statuses
    # the copies in cp1251 are read as such, and found to be copies all the same
    duplicates = {it.id for it in analysis.items if getattr(it, "id", None) in analysis.duplicates}
    assert any(it.encoding == "cp1251" for it in analysis.items if getattr(it, "id", None) in duplicates)


def test_corpus_has_stories_and_corroborated_claims_on_every_topic(corpus):
    sizes = sorted(len(st.sources) for st in corpus.stories)
    assert sum(s >= 2 for s in sizes) >= 20 and sizes[-1] >= 4, sizes[-10:]
    # events, not topics: no story gathers a tenth of the corpus or tellings months apart
    assert sizes[-1] <= len(corpus.articles) / 10, sizes[-10:]
    published = {a.id: a.published for a in corpus.articles}
    for st in corpus.stories:
        days = sorted(dt.date.fromisoformat(d) for s in st.sources if len(d := published[s] or "") == 10)
        assert not days or (days[-1] - days[0]).days <= STORY_SPAN_DAYS, (st.id, days[0], days[-1])
    corroborated = [c for c in corpus.claims if len({q.source for q in c.citations}) >= 2]
    topics = {t for c in corroborated for t in c.topics}
    assert topics >= {"visas", "readmission", "interpol", "europol"}, topics
    cross = [c for c in corroborated if len({q.language for q in c.citations}) >= 2]
    assert cross, "no claim cited in two languages"
    assert any(s.dates for ann in corpus.annotations.values() for s in ann.sentences)


STEPS = (
    "builder_cold",
    "builder_warm",
    "builder_noop",
    "builder_one",
    "builder_add",
    "mkdocs_only",
    "site_cold",
)


@pytest.mark.site
def test_runner_prints_a_json_line_for_every_step_and_a_summary(tmp_path):
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.run", "--n", "80", "--pairs", "2", "--work", str(tmp_path)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    lines = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    by_step = collections.defaultdict(list)
    for line in lines:
        assert line["n"] == 80
        by_step[line["step"]].append(line)
    for step in STEPS:
        (line,) = by_step[step]
        assert line["rc"] == 0, line
        assert line["seconds"] > 0 and line["peak_rss_mb"] > 0, line
    assert by_step["builder_cold"][0]["how"] == "built in full"
    assert by_step["builder_noop"][0]["how"] == "nothing changed"
    assert by_step["builder_one"][0]["how"] == "patched 1 edited article"
    assert by_step["builder_add"][0]["how"] == "built in full"
    assert [p["pair"] for p in by_step["pair_builder_warm"]] == [1, 2]
    assert [p["pair"] for p in by_step["pair_mkdocs_only"]] == [1, 2]
    (summary,) = by_step["summary"]
    mk = by_step["mkdocs_only"][0]["seconds"]
    assert summary["ratio_builder_warm_mkdocs"] == round(by_step["builder_warm"][0]["seconds"] / mk, 3)
    assert summary["ratio_builder_cold_mkdocs"] == round(by_step["builder_cold"][0]["seconds"] / mk, 3)
    assert len(summary["ratio_builder_warm_mkdocs_pairs"]) == 2
    assert summary["site_mb"] > 0 and summary["search_payload_kb"] > 0, summary
    assert (tmp_path / "80" / "site" / "index.html").is_file()
