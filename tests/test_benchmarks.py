"""The benchmark's own tools: the seeded corpus generator and the runner's JSON lines.

The numbers they print are measured, not tested (machines here are noisy); what is tested
is that the corpus is the same for a seed and realistic as the builder reads it (with the
shapes of real reporting at their stated rates, each shape really in the text of the files
said to have it), that it builds, and that the runner prints every step it promises, each
with what the README's table reads.
"""

from __future__ import annotations

import collections
import datetime as dt
import html
import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from benchmarks.corpus import (
    CHROME_RATES,
    DUPLICATE_RATE,
    LANG_WEIGHTS,
    LANGS,
    RATES,
    TABLES,
    Generator,
    _parts,
    shape_record,
    write_corpus,
)
from builder.config import load_config
from builder.execution.local import LocalExecutor
from builder.ingest.discover import discover
from builder.link.stories import STORY_SPAN_DAYS
from builder.pipeline import analyse, plain_stages
from tests.conftest import build_docs

ROOT = Path(__file__).resolve().parent.parent


def test_corpus_is_the_same_for_a_seed_and_another_for_another_seed():
    first = list(Generator(7).corpus(120))
    assert first == list(Generator(7).corpus(120))
    other = list(Generator(8).corpus(120))
    assert [data for _, data in first] != [data for _, data in other]
    names = [name for name, _ in first]
    assert names == sorted(names) and len(set(names)) == len(names)  # sorted, no collisions


def test_write_corpus_writes_what_the_generator_yields(tmp_path):
    paths = write_corpus(40, 3, tmp_path / "c", tmp_path / "manifest.jsonl")
    gen = Generator(3)
    assert [(p.name, p.read_bytes()) for p in paths] == list(gen.corpus(40))
    assert sorted(p.name for p in (tmp_path / "c").iterdir()) == [p.name for p in paths]
    lines = [json.loads(x) for x in (tmp_path / "manifest.jsonl").read_text("utf-8").splitlines()]
    assert [x["name"] for x in lines] == [p.name for p in paths]
    assert lines == [shape_record(s) for s in gen.manifest]
    assert {x["kind"] for x in lines} <= {"event", "undated", "trap", "visit", "duplicate"}
    dated = [x for x in lines if x["published"]]
    assert dated and all(
        dt.date.fromisoformat(x["published"]) >= dt.date.fromisoformat(x["day"]) for x in dated
    )


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


@pytest.fixture(scope="module")
def generated():
    """A 3,000-article corpus in memory: {file name: its text} and the generator's manifest."""
    gen = Generator(5)
    files = {}
    for name, data in gen.corpus(3000):
        try:
            files[name] = data.decode("utf-8-sig")
        except UnicodeDecodeError:
            files[name] = data.decode("cp1251")
    return files, gen.manifest


# (shape, the files it is counted among, its rate there). "new": not a near-duplicate;
# "told": telling an event (not a copy, trap or visit); "dated": new and stating its date;
# "pasted": new pages pasted with their chrome; "all": every file.
SHAPE_RATES = [
    ("html", "saved", RATES["html"]),
    ("chrome", "new", RATES["chrome"]),
    ("trap", "new", RATES["trap"]),
    ("visit", "new", RATES["visit"]),
    ("undated", "new", RATES["undated"]),
    ("duplicate", "all", DUPLICATE_RATE),
    ("signature", "dated", RATES["signature"]),
    ("background", "told", RATES["background"]),
    ("anniversary", "told", RATES["anniversary"]),
    ("full_date", "told", RATES["full_date"]),
    ("yearless", "told", RATES["yearless"]),
    ("relative", "told", RATES["relative"]),
    ("weekday", "told", RATES["weekday"]),
    ("no_date", "told", RATES["no_date"]),
    *[(piece, "pasted", rate) for piece, rate in CHROME_RATES.items()],
]

POPULATIONS = {
    "all": lambda s: True,
    "new": lambda s: s.kind != "duplicate",
    "saved": lambda s: s.kind in ("event", "trap", "visit"),  # an undated copy is pasted, never saved
    "told": lambda s: s.kind == "event",
    "dated": lambda s: s.kind != "duplicate" and s.published is not None,
    "pasted": lambda s: s.kind != "duplicate" and "chrome" in s.shapes,
}


@pytest.mark.parametrize(("shape", "among", "rate"), SHAPE_RATES, ids=[row[0] for row in SHAPE_RATES])
def test_each_shape_appears_at_about_its_rate(generated, shape, among, rate):
    _, manifest = generated
    files = [s for s in manifest if POPULATIONS[among](s)]
    share = sum(shape == s.kind or shape in s.shapes for s in files) / len(files)
    assert 0.7 * rate <= share <= 1.35 * rate, (shape, among, len(files), round(share, 4), rate)


# What a format field of the tables stands for in a regex; any other field is any text.
FIELDS = {
    **dict.fromkeys(("d", "dd", "mm", "H", "M", "S", "num", "k"), r"\d+"),
    "Y": r"20\d\d",
    **dict.fromkeys(("month", "month_nom", "month_loc", "mon"), r"[^\W\d_]+\.?"),
    **dict.fromkeys(("usd", "eur", "rub", "du", "de"), r"[+-]?\d+\.\d+"),
}


def _line_re(formats: list[str]) -> re.Pattern:
    """A regex matching a whole line (or <p> element) made from one of these formats."""
    alts = [
        re.sub(
            r"\\\{(\w+)\\\}",
            lambda m: FIELDS.get(m.group(1), ".+?"),
            re.escape(f.strip()),
        )
        for f in formats
    ]
    return re.compile(r"^(?:<p>)?(?:" + "|".join(alts) + r")(?:</p>)?$", re.M)


# (piece of chrome, its table, whether no file without the piece has such a line). Share and
# related lines are also the old boilerplate of plain articles, so only their presence is checked.
CHROME_LINES = [
    ("menu", "menus", True),
    ("switcher", "switchers", True),
    ("ticker", "tickers", True),
    ("timestamp", "timestamps", True),
    ("cookie", "cookie", True),
    ("author", "authors", True),
    ("views", "views", True),
    ("photo", "photo", True),
    ("footer", "footer", True),
    ("share", "share", False),
    ("related", "related", False),
]


@pytest.mark.parametrize(("piece", "table", "exclusive"), CHROME_LINES, ids=[row[0] for row in CHROME_LINES])
def test_each_piece_of_chrome_is_a_line_of_the_pages_said_to_have_it(generated, piece, table, exclusive):
    files, manifest = generated
    missing, stray = [], []
    for s in manifest:
        if s.kind == "duplicate" or "html" in s.shapes:
            continue
        found = _line_re(TABLES[s.lang]["chrome"][table]).search(files[s.name])
        if piece in s.shapes and not found:
            missing.append(s.name)
        elif piece not in s.shapes and found and exclusive:
            stray.append((s.name, found.group(0)))
    assert sum(piece in s.shapes for s in manifest) >= 20
    assert not missing, missing[:5]
    assert not stray, stray[:5]


HTML_PARTS = [
    r"\A<!DOCTYPE html>\n<html lang=\"(ru|en|kk|de)\">",
    r'<meta property="og:site_name" content="[^"]+">',
    r'<meta property="article:published_time" content="20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d\+05:00">',
    r'<script type="application/ld\+json">\{[^<]*"@type": "NewsArticle"',
    r"<nav class=\"[^\"]+\"><ul>(<li><a href=\"[^\"]+\">[^<]+</a></li>){2,}</ul></nav>",
    r"<article class=\"[^\"]+\">\n<h1>[^<]+</h1>",
    r'<time datetime="20[^"]+">[^<]+</time>',
    r"<aside class=\"[^\"]+\"><h2>[^<]+</h2><ul>(<li>.+?</li>){3,}</ul></aside>",
    r"<footer class=\"[^\"]+\">",
    r'role="dialog"><p>[^<]*cookie',
]


@pytest.mark.parametrize("part", HTML_PARTS)
def test_saved_pages_have_the_markup_of_a_news_site_and_text_files_do_not(generated, part):
    files, manifest = generated
    pages = [s.name for s in manifest if "html" in s.shapes]
    assert pages and all(name.endswith(".html") for name in pages)
    assert [n for n in pages if not re.search(part, files[n], re.I)] == []
    assert [n for n in files if n.endswith(".txt") and re.search(part, files[n], re.I)] == []


def test_saved_pages_state_the_date_and_headline_of_their_article(generated):
    files, manifest = generated
    for s in manifest:
        if "html" in s.shapes:
            text = files[s.name]
            (h1,) = re.findall(r"<h1>([^<]+)</h1>", text)
            ld = json.loads(re.search(r'<script type="application/ld\+json">(.+?)</script>', text).group(1))
            assert ld["headline"] == html.unescape(h1), s.name
            assert ld["datePublished"][:10] == s.published.isoformat(), s.name


# Words that name a neighbouring country or its capital, in the four languages.
NEIGHBOURS = re.compile(
    r"Узбекистан|Uzbekistan|Usbekistan|Өзбекстан|Кыргызстан|Kyrgyz|Қырғызстан|Таджикистан|Tajikistan|"
    r"Tadschikistan|Ташкент|Tashkent|Taschkent|Бишкек|Бішкек|Bishkek|Душанбе|Dushanbe|Duschanbe",
    re.I,
)
VISA_WORDS = re.compile(r"\bviz|\bвиз(?!ит)|\bvisa|\bvisum|\bвиза|визалық", re.I)
VISIT_WORDS = re.compile(r"визит|visit|сапар|Besuch", re.I)


@pytest.mark.parametrize(
    ("kind", "must", "must_not"),
    [
        ("trap", NEIGHBOURS, None),
        ("visit", VISIT_WORDS, VISA_WORDS),
    ],
    ids=["trap", "visit"],
)
def test_traps_name_a_neighbour_and_visits_name_no_visa(generated, kind, must, must_not):
    files, manifest = generated
    names = [s.name for s in manifest if s.kind == kind]
    assert [n for n in names if not must.search(files[n])] == []
    if must_not is not None:
        assert [(n, must_not.search(files[n]).group(0)) for n in names if must_not.search(files[n])] == []
    # the trap words are nowhere else: an article about Kazakhstan never names the neighbours
    others = [s.name for s in manifest if s.kind in ("event", "undated")]
    if kind == "trap":
        assert [n for n in others if must.search(files[n])] == []


def test_trap_stories_are_told_in_several_languages_and_mention_kazakhstan(generated):
    files, manifest = generated
    traps = [s for s in manifest if s.kind == "trap"]
    by_story = collections.defaultdict(set)
    for s in traps:
        by_story[s.event].add(s.lang)
    assert sum(len(langs) >= 2 for langs in by_story.values()) >= 5, by_story
    kazakhstan = re.compile(r"Казахстан|Kazakhstan|Қазақстан|Kasachstan")
    assert sum(bool(kazakhstan.search(files[s.name])) for s in traps) >= len(traps) / 2


def test_agency_signatures_open_the_lead_and_name_the_publisher(generated):
    files, manifest = generated
    signed = [s for s in manifest if "signature" in s.shapes]
    assert signed
    for s in signed:
        formats = [f.replace("{outlet}", s.outlet) + "{rest}" for f in TABLES[s.lang]["signatures"]["before"]]
        sig = _line_re(formats)
        assert sig.search(html.unescape(files[s.name])), s.name
    # "/ТАСС/"-style datelines carry the publication day, not the event's
    tass = [s for s in signed if re.search(r"^[А-Я]+, \d+ [а-я]+\. /[^/]+/\. ", files[s.name], re.M)]
    assert tass
    for s in tass:
        day = re.search(r"^[А-Я]+, (\d+) ([а-я]+)\. /", files[s.name], re.M)
        assert (int(day.group(1)), day.group(2)) == (
            s.published.day,
            TABLES["ru"]["months"][s.published.month - 1],
        )


def _when(form: str, s) -> list[str]:
    """The phrases a lead of this form may open with, for the file's event."""
    w = TABLES[s.lang]["when"]
    if form == "full_date":
        return [w["full"].format(**_parts(s.day, s.lang))]
    if form == "yearless":
        return [w["yearless"].format(**_parts(s.day, s.lang))]
    if form == "relative":
        return w["relative"]
    if form == "weekday":
        return [w["weekdays"][s.day.weekday()]]
    return [w["none"]]


@pytest.mark.parametrize("form", ["full_date", "yearless", "relative", "weekday"])
def test_leads_date_their_event_in_the_form_said_and_truly(generated, form):
    """The lead's phrase names the event's own day (or weekday); "a day earlier" is said the day after."""
    files, manifest = generated
    checked = 0
    for s in manifest:
        if s.kind not in ("event", "undated") or form not in s.shapes:
            continue
        text = html.unescape(files[s.name])
        opening = "|".join(re.escape(p[:1].upper() + p[1:]) for p in _when(form, s))
        assert re.search(r"(?:^|<p>|— |– |\. )(?:" + opening + r")(?!\d)", text, re.M), (s.name, opening)
        if form == "relative":
            assert s.published - s.day == dt.timedelta(days=1), s
        if form == "weekday" and s.published is not None:
            assert 1 <= (s.published - s.day).days <= 5, s
        checked += 1
    assert checked >= 50


def test_background_sentences_are_shared_by_events_years_apart(generated):
    files, manifest = generated
    days = collections.defaultdict(set)  # background sentence -> the days of the events repeating it
    for s in manifest:
        if "background" in s.shapes:
            text = html.unescape(files[s.name])
            found = [b for topic in TABLES[s.lang]["background"] for b in topic if b in text]
            assert found, s.name
            for b in found:
                days[b].add(s.day)
    spread = {b: (max(d) - min(d)).days for b, d in days.items() if len(d) >= 10}
    assert len(spread) >= 10 and min(spread.values()) >= 3 * 365, spread


def test_anniversaries_are_paragraphs_of_their_own(generated):
    files, manifest = generated
    marked = [s for s in manifest if "anniversary" in s.shapes]
    assert len(marked) >= 20
    for s in marked:
        assert _line_re(TABLES[s.lang]["anniversaries"]).search(html.unescape(files[s.name])), s.name


def test_undated_copies_retell_an_event_told_before_and_state_no_date(generated):
    files, manifest = generated
    told: dict[int, int] = {}
    for k, s in enumerate(manifest):
        if s.kind == "event":
            told.setdefault(s.event, k)
        elif s.kind == "undated":
            assert told.get(s.event, k) < k, s  # another telling of that event came first
            assert s.published is None and "timestamp" not in s.shapes and "signature" not in s.shapes, s
            assert not files[s.name].startswith(" date "), s.name
            assert s.name.endswith(".txt")


def test_near_duplicates_copy_an_earlier_file_in_another_dress(generated):
    files, manifest = generated
    index = {s.name: k for k, s in enumerate(manifest)}
    encodings, redressed = collections.Counter(), 0
    for k, s in enumerate(manifest):
        if s.kind == "duplicate":
            assert index[s.of] < k and manifest[index[s.of]].kind != "duplicate", s
            original, copy = files[s.of], files[s.name].replace("\r\n", "\n")
            body = [p for p in original.split("\n\n")[1:] if len(p) > 80]
            assert body and all(p in copy for p in body[:2]), s.name
            encodings[s.shapes[0]] += 1
            redressed += copy.strip() != original.strip()
    assert set(encodings) == {"utf-8", "utf-8-sig", "cp1251"}, encodings
    assert 0.3 <= redressed / sum(encodings.values()) <= 0.7, (
        redressed,
        encodings,
    )  # other chrome or boilerplate


def test_the_corpus_builds(tmp_path):
    """`python -m builder build` on 400 generated articles (pages, traps, chrome and all) exits 0."""
    seeds = tmp_path / "seeds"
    paths = write_corpus(400, 2, seeds)
    assert any(p.suffix == ".html" for p in paths)
    proc = build_docs(seeds, tmp_path / "docs", "--no-cache", "--jobs", "1", "-q")
    assert proc.returncode == 0, proc.stderr[-3000:]
    assert "Traceback" not in proc.stderr, proc.stderr[-3000:]
    assert (tmp_path / "docs" / "index.md").is_file()


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


def _corpus_stages(work: Path) -> dict:
    proc = subprocess.run(
        [sys.executable, "-m", "benchmarks.corpus_stages", "--n", "24", "--work", str(work)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    (line,) = [json.loads(x) for x in proc.stdout.splitlines() if x.strip()]
    return line


def test_corpus_stages_prints_the_warm_build_with_its_stages_and_reuses_its_corpus(tmp_path):
    """benchmarks/corpus_stages.py: the warm step of benchmarks/run.py (link and render run), each
    stage the engine calls timed; a second run on the same --work reuses the corpus and cache."""
    from benchmarks.corpus_stages import STAGES

    first = _corpus_stages(tmp_path)
    assert (first["bench"], first["n"], first["step"], first["rc"]) == (
        "corpus_stages",
        24,
        "builder_warm",
        0,
    )
    assert (first["how"], first["fill_how"], first["corpus_reused"]) == (
        "built in full",
        "built in full",
        False,
    )
    assert first["stages_missing"] == [], first  # every stage function found under its name
    assert list(first["stages_s"]) == [stage for _, _, stage in STAGES], first
    assert first["stages_s"]["link"] > 0 and first["stages_s"]["render"] > 0, first
    assert sum(first["stages_s"].values()) <= first["seconds"], first
    assert first["peak_rss_mb"] > 0 and first["startup_s"] > 0, first
    assert (tmp_path / "24" / "out-warm" / "index.md").is_file()
    again = _corpus_stages(tmp_path)
    assert (again["corpus_reused"], again["fill_how"], again["how"]) == (
        True,
        "nothing changed",
        "built in full",
    )


def test_link_stages_splits_linking_by_stage_and_leaves_the_linker_as_it_was(tmp_path):
    """benchmarks/link_stages.py: link_corpus of the cached corpus, each stage it calls timed, the
    graph of claim candidates described; the stage functions are the linker's own again after."""
    import importlib

    from benchmarks.link_stages import LINK_STAGES, link_stages

    before = {(m, n): getattr(importlib.import_module(m), n) for m, n, _ in LINK_STAGES}
    line = link_stages(30, 1, tmp_path, runs=2)
    assert {(m, n): getattr(importlib.import_module(m), n) for m, n, _ in LINK_STAGES} == before
    assert (line["bench"], line["n"], line["runs"]) == ("link_stages", 30, 2)
    assert 0 < line["articles_linked"] <= 30 and line["fill_s"] > 0, line
    assert list(line["stages_s"]) == [stage for _, _, stage in LINK_STAGES], line
    # every stage ran; the claims are grouped twice only when an undated article was re-dated
    assert set(line["calls"]) == {stage for _, _, stage in LINK_STAGES}, line
    assert line["calls"]["claim grouping"] in (1, 2), line
    assert line["stages_s"]["claim grouping"] <= line["stages_s"]["claims (grouping and records)"], line
    assert sum(line["stages_s"][s] for s in ("tellings", "stories", "timeline")) <= line["link_s"] * 1.5
    graphs = line["candidate_graph"]
    assert len(graphs) == line["calls"]["claim grouping"], line
    for g in graphs:
        assert g["largest_part_nodes"] <= g["nodes"] <= g["statements"], g
        assert g["pairs"] >= g["parts_of_two_or_more"], g
