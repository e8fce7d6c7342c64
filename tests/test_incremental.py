"""Incremental builds: nothing changed writes nothing, one changed article rewrites its pages only,
and a second build reads its inputs from the cache instead of loading and annotating them again
(builder/incremental/)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import pipeline
from builder.execution.forked import forked
from builder.incremental import results
from builder.incremental.cache import SHARDS, shard_of
from builder.incremental.engine import build
from builder.output.write import write_tree

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def corpus(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def _analysed(seeds: Path, config):
    """The linked corpus of a seeds folder, without caches."""
    from builder.ingest.discover import discover

    return pipeline.analyse(discover(seeds, config), config, pipeline.plain_stages()).corpus


def _build(seeds: Path, config, cache: Path, out: Path) -> list[str]:
    result = build(seeds, config, cache)
    written, removed = write_tree(out, result.files)
    return written + removed


def test_noop_rebuild_writes_nothing(corpus, config, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    assert _build(corpus, config, cache, out)
    assert _build(corpus, config, cache, out) == []


def test_noop_rebuild_reads_no_page_from_the_cache(corpus, config, tmp_path, monkeypatch):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    first = build(corpus, config, cache, out=out)
    monkeypatch.setattr(results.StoredFiles, "shard", lambda self, k: pytest.fail("pages were loaded"))
    again = build(corpus, config, cache, out=out)
    assert isinstance(again.files, results.StoredFiles)
    assert (again.report, again.problems, again.digests) == (first.report, first.problems, first.digests)
    assert (again.how, again.written, again.removed) == ("nothing changed", (), ())


def test_memoized_pages_are_the_built_ones(corpus, config, tmp_path):
    cache = tmp_path / "cache"
    first = build(corpus, config, cache)
    assert dict(build(corpus, config, cache).files) == dict(first.files)
    for k in range(SHARDS):
        (cache / results.RESULT_FILES.format(k)).write_bytes(b"damaged")
    assert dict(build(corpus, config, cache).files) == dict(first.files), "rebuilt, not trusted"


# every kind of file in the cache folder, by name
CACHE_FILES = ["result.pickle", "result-files-*.pickle", "loaded-*.pickle", "pages-*.pickle", "delta.pickle"]


@pytest.mark.parametrize("damage", [b"damaged", b""], ids=["garbage", "empty"])
@pytest.mark.parametrize("pattern", CACHE_FILES)
def test_a_damaged_cache_file_is_a_miss_and_written_again(corpus, config, tmp_path, pattern, damage):
    cache = tmp_path / "cache"
    build(corpus, config, cache)
    damaged = sorted(cache.glob(pattern))
    assert damaged, f"the first build wrote no {pattern}"
    for path in damaged:
        path.write_bytes(damage)
    article = sorted(corpus.iterdir())[0]
    article.write_bytes(article.read_bytes() + b"\n\nThe ministry later thanked the staff.\n")
    warm = build(corpus, config, cache)
    assert dict(warm.files) == dict(build(corpus, config, None).files)
    assert [p.name for p in damaged if p.read_bytes() == damage] == [], "left damaged"
    again = build(corpus, config, cache)
    assert (again.how, dict(again.files)) == ("nothing changed", dict(warm.files))


def test_result_shards_are_rewritten_only_where_their_pages_changed(corpus, config, tmp_path):
    # A shard's key is a digest of its pages: a full build that renders the same pages leaves
    # it alone, and an edit rewrites the shards of the pages it changed, no other.
    cache = tmp_path / "cache"
    first = build(corpus, config, cache)
    shard_files = [cache / results.RESULT_FILES.format(k) for k in range(SHARDS)]

    def stored() -> list[tuple[int, bytes]]:
        return [(p.stat().st_mtime_ns, p.read_bytes()) for p in shard_files]

    before = stored()
    (cache / results.RESULT).unlink()  # the result memo gone: built in full, same pages
    assert build(corpus, config, cache).how == "built in full"
    assert stored() == before
    path = sorted(corpus.iterdir())[0]
    path.write_text(path.read_text("utf-8") + "\n\nThe ministry later confirmed the figures.\n", "utf-8")
    again = build(corpus, config, cache)
    changed = {n for n in again.files if again.files[n] != first.files.get(n)}
    assert changed and {shard_of(n) for n in changed} == {
        k for k, (old, new) in enumerate(zip(before, stored(), strict=True)) if old != new
    }
    assert dict(build(corpus, config, cache).files) == dict(again.files)


@pytest.mark.parametrize(
    "env", [{"OFFLINE": "true"}, {"SITE_URL": "https://example.org/r/"}, {"USE_DIRECTORY_URLS": "false"}]
)
def test_a_rebuild_under_other_url_settings_renders_the_feed_again(
    corpus, config, tmp_path, monkeypatch, env
):
    # The feed's links follow OFFLINE, SITE_URL and USE_DIRECTORY_URLS: an offline build after an
    # online one, with the same cache, must not take the online build's feed.
    cache = tmp_path / "cache"
    first = build(corpus, config, cache)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    again = build(corpus, config, cache)
    assert again.files["feed.xml"] == build(corpus, config, None).files["feed.xml"]
    assert again.files["feed.xml"] != first.files["feed.xml"]
    article = sorted(corpus.iterdir())[0]  # and a patch after it keeps the settings
    article.write_text(article.read_text("utf-8") + "\n\nПогода в этот день была ясной.\n", "utf-8")
    assert dict(build(corpus, config, cache).files) == dict(build(corpus, config, None).files)


def test_noop_rebuild_without_result_memo_writes_nothing(corpus, config, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    _build(corpus, config, cache, out)
    (cache / results.RESULT).unlink()
    assert _build(corpus, config, cache, out) == []


def test_one_changed_article_rewrites_only_its_pages(corpus, config, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    _build(corpus, config, cache, out)
    article = sorted(corpus.iterdir())[0]
    article.write_bytes(article.read_bytes() + "\n\nПогода в этот день была ясной.\n".encode())
    written = _build(corpus, config, cache, out)
    other_sources = [
        p
        for p in written
        if p.startswith("sources/") and p not in ("sources/index.md", f"sources/{article.stem}.md")
    ]
    assert f"sources/{article.stem}.md" in written
    assert other_sources == []


def test_second_build_reads_from_cache(corpus, config, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = build(corpus, config, cache)
    (cache / results.RESULT).unlink()
    calls = []
    real = pipeline.read_file
    monkeypatch.setattr(pipeline, "read_file", lambda inp, cfg: calls.append(inp.rel) or real(inp, cfg))
    second = build(corpus, config, cache)
    assert calls == []
    assert second.files == first.files


def test_touched_file_is_loaded_again(corpus, config, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    build(corpus, config, cache)
    article = sorted(corpus.iterdir())[1]
    article.write_bytes(article.read_bytes() + b"\n")
    calls = []
    real = pipeline.read_file
    monkeypatch.setattr(pipeline, "read_file", lambda inp, cfg: calls.append(inp.rel) or real(inp, cfg))
    build(corpus, config, cache)
    assert calls == [article.name]


def test_files_touched_but_not_changed_are_not_loaded_again(corpus, config, tmp_path, monkeypatch):
    # A fresh checkout or a restored CI cache gives every file a new mtime: the cache
    # then checks the bytes (SHA-256) before reading and annotating a file again.
    import os

    cache = tmp_path / "cache"
    first = build(corpus, config, cache)
    paths = sorted(corpus.iterdir())
    for n, path in enumerate(paths):
        os.utime(path, ns=(10**18 + n, 10**18 + n))
    same_size = paths[2]
    data = same_size.read_bytes()
    i = max(data.rfind(b"."), data.rfind(b","))  # punctuation: same bytes count, new content
    same_size.write_bytes(data[:i] + (b"," if data[i : i + 1] == b"." else b".") + data[i + 1 :])
    calls = []
    real = pipeline.read_file
    monkeypatch.setattr(pipeline, "read_file", lambda inp, cfg: calls.append(inp.rel) or real(inp, cfg))
    second = build(corpus, config, cache)
    # (maybe twice: by the patch, which declines this edit, then by the full build)
    assert set(calls) == {same_size.name}, "only the file whose bytes changed (its size did not)"
    monkeypatch.setattr(pipeline, "read_file", real)
    assert dict(second.files) == dict(build(corpus, config, None).files)
    calls.clear()
    monkeypatch.setattr(pipeline, "read_file", lambda inp, cfg: calls.append(inp.rel) or real(inp, cfg))
    (cache / results.RESULT).unlink()
    assert dict(build(corpus, config, cache).files) == dict(second.files)
    assert calls == [], "the new mtimes were kept"
    assert first.files != second.files


def test_unchanged_result_is_not_recomputed(corpus, config, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = build(corpus, config, cache)
    monkeypatch.setattr(pipeline, "analyse", lambda *a, **k: pytest.fail("analysed again"))
    assert build(corpus, config, cache).files == first.files


def test_source_pages_from_the_memo_equal_a_fresh_render(corpus, config, tmp_path, monkeypatch):
    import jinja2

    cache = tmp_path / "cache"
    build(corpus, config, cache)
    article = sorted(corpus.iterdir())[-1]
    article.write_bytes(article.read_bytes() + b"\n\nEuropol confirmed the visit in a statement.\n")
    rendered = []
    real = jinja2.Template.render

    def counting(self, *args, **kwargs):
        if self.name == "source.md.j2":
            rendered.append(kwargs["art"].id)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    warm = build(corpus, config, cache)
    assert article.stem in rendered
    sources = [p for p in warm.files if p.startswith("sources/") and p != "sources/index.md"]
    assert len(rendered) < len(sources), "unchanged source pages come from the memo"
    monkeypatch.setattr(jinja2.Template, "render", real)
    assert dict(warm.files) == dict(build(corpus, config, None).files)


def test_build_apart_leaves_the_result_in_the_cache(corpus, config, tmp_path, monkeypatch):
    # The MkDocs hook builds in a child process and takes the pages from the cache it left,
    # so its own process never holds the corpus.
    import os

    from builder.incremental.engine import build_apart

    here, real = os.getpid(), pipeline.analyse

    def analyse(*args):
        assert os.getpid() != here, "analysed in the hook's own process"
        return real(*args)

    monkeypatch.setattr(pipeline, "analyse", analyse)
    apart = build_apart(corpus, config, tmp_path / "cache")
    monkeypatch.setattr(pipeline, "analyse", real)
    fresh = build(corpus, config, None)
    assert dict(apart.files) == dict(fresh.files)
    assert apart.problems == fresh.problems and apart.report == fresh.report
    assert apart.how == "built in full", "how the child built it, for mkdocs serve's log"
    assert build_apart(corpus, config, tmp_path / "cache").how == "nothing changed"


def test_build_apart_reports_a_failed_build(config, tmp_path):
    from builder.errors import ConfigError
    from builder.incremental.engine import build_apart

    with pytest.raises(ConfigError, match="seeds folder not found"):
        build_apart(tmp_path / "missing", config, tmp_path / "cache")


# ---------------------------------------------------------------- work in a forked child


def _pid_and(value):
    import os

    return os.getpid(), value


def _fails():
    from builder.errors import ConfigError

    raise ConfigError("research.yml: broken on purpose")


def _dies_in_a_child(parent: int):
    import os

    if os.getpid() != parent:
        os._exit(3)  # as if killed for memory
    return "computed here instead"


def test_forked_returns_the_childs_result():
    import os

    pid, value = forked(_pid_and, {"corpus": [1, 2]})
    assert value == {"corpus": [1, 2]} and pid != os.getpid()


def _nested(levels: int):
    import os

    inner = forked(_nested, levels - 1) if levels else []
    return [os.getpid(), *inner]


def test_forked_child_may_fork_again():
    # The hook builds in a child, and the build may start a pool of processes there.
    import os

    pids = forked(_nested, 2)
    assert len(set(pids)) == 3 and os.getpid() not in pids


def test_forked_raises_what_the_child_raised():
    from builder.errors import ConfigError

    with pytest.raises(ConfigError, match="broken on purpose"):
        forked(_fails)


def test_forked_runs_here_when_the_child_dies():
    import os

    assert forked(_dies_in_a_child, os.getpid()) == "computed here instead"


def test_a_quote_that_is_not_verbatim_stops_the_build_before_anything_is_written(
    weekday_corpus, config, tmp_path, monkeypatch
):
    # The check fails: the build leaves the folder and the cache's result alone.
    from builder.errors import CheckError
    from builder.link import claims
    from builder.records import Citation

    out, cache = tmp_path / "docs", tmp_path / "cache"
    out.mkdir()
    (out / "methodology.md").write_text("# Method\n", "utf-8")
    monkeypatch.setattr(
        claims,
        "citation_of",
        lambda art, s, texts=None: Citation(art.id, s.paragraph, s.start, s.end, s.text + "!", art.language),
    )
    with pytest.raises(CheckError, match="not verbatim"):
        build(weekday_corpus, config, cache, out=out)
    assert {p.name for p in out.iterdir()} - {".generated.lock"} == {"methodology.md"}  # no staging left
    assert not (cache / results.RESULT).exists()


def _retitle_sibling(corpus):
    # as an edit of the file would (an article's own page is keyed by its file's digest)
    import dataclasses

    story = next(st for st in corpus.stories if len(st.sources) > 1)
    arts = tuple(
        dataclasses.replace(a, title=a.title + " (updated)", sha256="0" * 64)
        if a.id == story.sources[-1]
        else a
        for a in corpus.articles
    )
    return dataclasses.replace(corpus, articles=arts)


def _reword_claim(corpus):
    import dataclasses

    claims = list(corpus.claims)
    claims[0] = dataclasses.replace(claims[0], text="Another wording of the claim.")
    return dataclasses.replace(corpus, claims=tuple(claims))


def _new_inference(corpus):
    import dataclasses

    sid, (day, precision, _) = next(iter(corpus.inferred.items()))
    return dataclasses.replace(corpus, inferred={**corpus.inferred, sid: (day, precision, "another reason")})


def _renamed_discrepancy(corpus):
    import dataclasses

    from builder.records import Citation, Discrepancy, Version

    art = corpus.articles[0]
    cite = Citation(art.id, art.paragraphs[0].id, 0, 1, art.paragraphs[0].text[:1], art.language)
    extra = Discrepancy("d-test", "Who said it", (Version("A", (cite,)), Version("B", (cite,))), "note", ())
    return dataclasses.replace(corpus, discrepancies=(*corpus.discrepancies, extra))


def _article_changed(**fields):
    # one article's metadata, as an edit of its file would change it
    def change(corpus):
        import dataclasses

        last = corpus.articles[-1]
        arts = (*corpus.articles[:-1], dataclasses.replace(last, sha256="1" * 64, **fields))
        return dataclasses.replace(corpus, articles=arts)

    change.__name__ = "_" + "_".join(fields)
    return change


@pytest.mark.parametrize(
    "change",
    [
        _retitle_sibling,
        _reword_claim,
        _new_inference,
        _renamed_discrepancy,
        # what the sources index shows, and nothing else of the article
        _article_changed(outlet="Another Outlet"),
        _article_changed(language="kk"),
        _article_changed(published="1999-12-31", published_precision="day"),
        _article_changed(published="1999", published_precision="year"),
    ],
)
def test_source_page_memo_notices_what_the_page_shows(weekday_corpus, config, change):
    # The memo key is built from the page's inputs, not its rendered context: each of
    # them changing must render the page again, equal to a render without the memo.
    from builder.render.pages import Site, render_sources

    before = _analysed(weekday_corpus, config)
    site = Site(before, config)
    pages = render_sources(site)
    after = change(before)
    warm = Site(after, config, memo=site.memo_next)
    fresh = render_sources(Site(after, config))
    assert render_sources(warm) == fresh
    assert fresh != pages, "the change shows on some source page"


INDEX_CHANGES = [
    _retitle_sibling,
    _article_changed(outlet="Another Outlet"),
    _article_changed(language="kk"),
    _article_changed(published="1999-12-31", published_precision="day"),
    _article_changed(published="1999", published_precision="year"),
]


@pytest.mark.parametrize("change", [None, *INDEX_CHANGES])
def test_sources_index_comes_from_the_memo_only_when_it_shows_the_same(weekday_corpus, config, change):
    from builder.render.pages import SOURCES_INDEX, Site, render_sources

    corpus = _analysed(weekday_corpus, config)
    site = Site(corpus, config)
    index = render_sources(site)[SOURCES_INDEX]
    after = change(corpus) if change else corpus
    warm = render_sources(Site(after, config, memo=site.memo_next))[SOURCES_INDEX]
    if change is None:
        assert warm is index, "taken from the memo, not rendered again"
    else:
        assert warm == render_sources(Site(after, config))[SOURCES_INDEX] != index


def _append(line: str):
    def edit(seeds: Path) -> None:
        path = seeds / "a_en_europol.md"
        path.write_text(path.read_text("utf-8") + f"\n{line}\n", "utf-8")

    return edit


def _replace(old: str, new: str, name: str = "a_en_europol.md"):
    def edit(seeds: Path) -> None:
        path = seeds / name
        text = path.read_text("utf-8")
        assert old in text
        path.write_text(text.replace(old, new, 1), "utf-8")

    return edit


def _remove_article(seeds: Path) -> None:
    (seeds / "c_de_europol.txt").unlink()


def _add_article(seeds: Path) -> None:
    (seeds / "i_fr_europol.txt").write_text(
        "Le Kazakhstan et Europol signent un accord\n\n"
        "Le Kazakhstan et Europol ont signé un accord opérationnel à La Haye le 3 mars 2026.\n",
        "utf-8",
    )


# edits of the weekday corpus: text, a touch, metadata, a claim sentence, dates, added and removed files
WARM_EDITS = [
    _append("The ministry later thanked the staff of both sides."),  # no topic, no date
    _replace("operational agreement in The Hague", "operational agreement in The Hague"),  # a touch
    _replace("title: Kazakhstan and Europol sign", "title: Kazakhstan and Europol sign a new"),
    _replace("Interpol Secretary General", "Interpol's Secretary General"),  # a claim sentence
    _append("Europol and Kazakhstan agreed on a readmission protocol on 12 March 2026."),
    _replace("date: 2026-03-04", "date: 2026-03-05"),
    _replace("Published 2026-01-05", "Published 2026-02-05", "f_en_relative.txt"),  # "last year"
    _add_article,
    _remove_article,
]


@pytest.mark.parametrize("edit", WARM_EDITS)
def test_a_warm_build_after_any_edit_equals_a_build_without_cache(weekday_corpus, config, tmp_path, edit):
    cache = tmp_path / "cache"
    build(weekday_corpus, config, cache)
    edit(weekday_corpus)
    warm = build(weekday_corpus, config, cache)
    assert dict(warm.files) == dict(build(weekday_corpus, config, None).files)
    (cache / results.RESULT).unlink()  # and the memos it left serve a full build as well
    assert dict(build(weekday_corpus, config, cache).files) == dict(warm.files)


def test_a_file_that_could_not_be_read_is_read_again_by_the_next_build(corpus, config, tmp_path, monkeypatch):
    """A read that fails (a network store, a file being written) is not remembered: the next build,
    with nothing changed here, neither serves the last result nor patches it, and reads the file."""
    import builder.ingest as ingest

    cache = tmp_path / "cache"
    victim = sorted(p.name for p in corpus.iterdir() if p.suffix in (".txt", ".md"))[0]
    real = ingest.read_bytes
    monkeypatch.setattr(
        ingest,
        "read_bytes",
        lambda inp, limit: "cannot read file: timed out" if inp.rel == victim else real(inp, limit),
    )
    first = build(corpus, config, cache)
    assert [(r.status, r.reason) for r in first.report if r.file == victim] == [
        ("rejected", "cannot read file: timed out")
    ]
    monkeypatch.setattr(ingest, "read_bytes", real)
    again = build(corpus, config, cache)
    assert again.how == "built in full"
    assert [r.status for r in again.report if r.file == victim] == ["rendered"]
    assert build(corpus, config, cache).how == "nothing changed"


def test_a_file_over_the_size_limit_is_remembered_like_any_rejection(corpus, config, tmp_path, monkeypatch):
    import dataclasses

    import builder.ingest as ingest

    big = corpus / "zz-big.txt"
    big.write_text("Kazakhstan visa. " * 200, encoding="utf-8")
    small = dataclasses.replace(config, limits=dataclasses.replace(config.limits, max_file_bytes=2000))
    cache = tmp_path / "cache"
    first = build(corpus, small, cache)
    assert [r.reason for r in first.report if r.file == big.name] == [
        "file is 3400 bytes, over the limit of 2000"
    ]
    monkeypatch.setattr(ingest, "read_bytes", lambda inp, limit: pytest.fail(f"{inp.rel} read again"))
    assert build(corpus, small, cache).how == "nothing changed"
