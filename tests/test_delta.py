"""A rebuild that patches the last result (builder/incremental/delta.py) gives the files a full build gives.

Each edit runs on a built corpus with a cache: the rebuild must equal a build
without any cache, file for file, and patch exactly when the edit changes
nothing the corpus-level stages read.
"""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from builder.incremental.engine import build
from builder.output.write import digest, write_tree
from tests.conftest import FIXTURES, UNDATED_TELLING

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def corpus(tmp_path) -> Path:
    """The link fixtures and seeds, two undated tellings on two topics, a copy of EN, RU with much more text."""
    seeds = tmp_path / "seeds"
    shutil.copytree(FIXTURES / "link", seeds)
    for path in sorted(SEEDS.iterdir()):
        shutil.copy(path, seeds / path.name)
    (seeds / INFERRED).write_text(f"{UNDATED_TELLING}\n{VISAS}\n", encoding="utf-8")
    (seeds / NOT_INFERRED).write_text(REWORDED, encoding="utf-8")
    shutil.copy(seeds / EN, seeds / "z_copy.txt")  # an exact copy: EN is its original
    ru = (seeds / RU).read_text("utf-8")
    (seeds / "y_near_ru.txt").write_text(
        f"{ru}\n\n{FILLER}\n\n{NEUTRAL_EN}\n", "utf-8"
    )  # not a copy: too long
    return seeds


def _append(name: str, line: str):
    def edit(seeds: Path) -> None:
        path = seeds / name
        path.write_text(path.read_text("utf-8") + f"\n\n{line}\n", "utf-8")

    return edit


def _replace(name: str, old: str, new: str):
    def edit(seeds: Path) -> None:
        path = seeds / name
        text = path.read_text("utf-8")
        assert old in text, (name, old)
        path.write_text(text.replace(old, new, 1), "utf-8")

    return edit


def _touch(seeds: Path) -> None:
    path = seeds / "a_en_europol.md"
    st = path.stat()
    os.utime(path, ns=(st.st_atime_ns, st.st_mtime_ns + 10**9))


def _both(*edits):
    def edit(seeds: Path) -> None:
        for e in edits:
            e(seeds)

    return edit


NEUTRAL_EN = "The ministry later thanked the staff of both sides."
NEUTRAL_RU = "Позже в ведомстве поблагодарили сотрудников обеих сторон."
WORDS = "amber quiet lantern meadow pebble willow silver velvet orchard candle thistle marble sparrow ember"


def _filler(step: int) -> str:
    """Return paragraphs of words that name nothing: many new shingles, no signal."""
    words = WORDS.split()
    return "\n\n".join(
        " ".join(words[(k * 5 + j * step) % 14] for j in range(9)).capitalize() + "." for k in range(14)
    )


FILLER = _filler(3)
EN = "002_88a5829ba9d6ecc7.txt"  # dated, on several topics (a sentence inherits none)
RU = "000_1e971d3c7f808dd8.txt"
INFERRED = "h_en_undated_tuesday.txt"  # dated by its weekday and its story (3 March 2026, a Tuesday)
VISAS = "The sides also discussed visa facilitation for citizens of Kazakhstan."  # a second topic
NOT_INFERRED = "k_en_undated_reworded.txt"  # in the same story, whose tellings span months: no date
REWORDED = f"""Astana and Europol agree on data exchange

The interior ministry of Kazakhstan concluded an operational agreement with Europol in The Hague.

Under the deal, information on cybercrime and illegal migration will be exchanged through Europol channels.

{VISAS}
"""
SHARE = "001_05b42609ed9f05d6.txt"  # undated, dated by "в пятницу"; ends with share buttons
UNDATED = "003_556157e8fb73bfad.txt"  # undated, on several topics, and no date inferred

# (edit, how the rebuild goes: it patches when the edit changes only what the article's own outputs show)
EDITS = [
    pytest.param(_append("a_en_europol.md", NEUTRAL_EN), "patched", id="neutral paragraph (en)"),
    pytest.param(_append(RU, NEUTRAL_RU), "patched", id="neutral paragraph (ru)"),
    pytest.param(
        _append("b_ru_europol.txt", "Визит прошёл в дружеской атмосфере."), "patched", id="a visit is no visa"
    ),
    # a sentence with no actor, action or topic is no statement, even in an article on one topic
    pytest.param(
        _append("d_kk_readmission.txt", "Ауа райы ашық болды."), "patched", id="one-topic article (kk)"
    ),
    pytest.param(
        _append("d_kk_readmission.txt", "Кездесу жылы өтті."), "built in full", id="concept (kk: a meeting)"
    ),
    pytest.param(_touch, "nothing changed", id="touched, not changed"),
    pytest.param(
        _both(_append("a_en_europol.md", NEUTRAL_EN), _append(RU, NEUTRAL_RU)),
        "patched",
        id="two articles",
    ),
    pytest.param(
        _replace("a_en_europol.md", "the ministry said.", "the ministry said in Astana."),
        "built in full",
        id="entity",
    ),
    pytest.param(
        _append("a_en_europol.md", "Visa facilitation for Kazakh citizens was discussed."),
        "built in full",
        id="topic",
    ),
    pytest.param(
        _append("a_en_europol.md", "The talks resumed on 14 April 2026."), "built in full", id="date"
    ),
    pytest.param(_append("a_en_europol.md", "Some 1,250 officers took part."), "built in full", id="number"),
    pytest.param(
        _replace("a_en_europol.md", "title: Kazakhstan and Europol sign", "title: Kazakhstan, Europol sign"),
        "built in full",
        id="title",
    ),
    pytest.param(
        _replace("a_en_europol.md", "date: 2026-03-04", "date: 2026-03-05"), "built in full", id="date line"
    ),
    pytest.param(
        _replace("a_en_europol.md", "THE HAGUE –", f"{NEUTRAL_EN}\n\nTHE HAGUE –"),
        "built in full",
        id="paragraphs renumbered",
    ),
    pytest.param(  # so far apart that their fingerprints share no LSH band
        _append(EN, "\n\n".join(_filler(step) for step in (1, 3, 5, 9))),
        "built in full",
        id="an original left by its copy",
    ),
    pytest.param(_append("z_copy.txt", NEUTRAL_EN), "built in full", id="a duplicate"),
    pytest.param(_append(RU, _filler(11)), "patched", id="much more text"),
    pytest.param(_append(RU, f"{FILLER}\n\n{NEUTRAL_EN}"), "built in full", id="becomes a copy"),
    pytest.param(_append(RU, f"{FILLER}\n\n{NEUTRAL_RU}"), "built in full", id="becomes a near copy"),
    pytest.param(_append(INFERRED, NEUTRAL_EN), "patched", id="undated, its date inferred"),
    pytest.param(  # a date only once the article is dated: link reads its annotations on that date
        _append(INFERRED, "It was announced last month."), "built in full", id="undated, last month"
    ),
    pytest.param(
        _append(INFERRED, "The delegation left on Monday."), "built in full", id="undated, a weekday"
    ),
    # text after the share buttons makes them part of the article: its last lines, and outlet, change
    pytest.param(_append(SHARE, NEUTRAL_RU), "built in full", id="undated, after the share buttons"),
    pytest.param(_append(UNDATED, NEUTRAL_EN), "patched", id="undated, no date inferred"),
    pytest.param(_append(NOT_INFERRED, NEUTRAL_EN), "patched", id="undated, no date inferred from its story"),
    pytest.param(  # the weekday of a telling's date: now its date is inferred
        _append(NOT_INFERRED, "It happened on Tuesday."), "built in full", id="undated, a weekday dates it"
    ),
    pytest.param(_append("e_ru_visit_trap.txt", NEUTRAL_RU), "patched", id="undated, no story"),
    pytest.param(
        lambda seeds: shutil.copy(seeds / "d_kk_readmission.txt", seeds / "a_en_europol.md"),
        "built in full",
        id="replaced by another",
    ),
    pytest.param(
        lambda seeds: (seeds / "a_en_europol.md").write_bytes(b"\x00\x01\x02" * 100),
        "built in full",
        id="rejected",
    ),
    pytest.param(lambda seeds: (seeds / "a_en_europol.md").unlink(), "built in full", id="removed"),
    pytest.param(
        lambda seeds: (seeds / "new.txt").write_text("Kazakhstan and France discussed visas.\n", "utf-8"),
        "built in full",
        id="added",
    ),
]


def _same(got, want) -> None:
    assert (got.report, got.problems) == (want.report, want.problems)
    assert dict(got.digests) == {name: digest(text.encode("utf-8")) for name, text in want.files.items()}
    assert sorted(got.files) == sorted(want.files)
    for name in want.files:
        assert got.files[name] == want.files[name], name


@pytest.mark.parametrize(("edit", "how"), EDITS)
def test_a_patched_rebuild_equals_a_full_build(corpus, config, tmp_path, edit, how):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    first = build(corpus, config, cache)
    write_tree(out, first.files, first.digests)
    edit(corpus)
    warm = build(corpus, config, cache)
    fresh = build(corpus, config, None)
    _same(warm, fresh)
    assert warm.how.split(" ")[0] == how.split(" ")[0], warm.how
    written, _ = write_tree(out, warm.files, warm.digests)
    assert {p: (out / p).read_text("utf-8") for p in written} == {p: fresh.files[p] for p in written}
    # and the caches it left serve the next builds
    again = build(corpus, config, cache)
    assert (again.how, again.digests) == ("nothing changed", warm.digests)
    _append(RU, "Officials thanked the hosts once more.")(corpus)
    _same(build(corpus, config, cache), build(corpus, config, None))
