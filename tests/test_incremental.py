"""Incremental builds: nothing changed writes nothing, one changed article rewrites its pages only,
and a second build reads its inputs from the cache instead of loading and annotating them again."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from builder import build as build_mod
from builder.build import build
from builder.output.write import write_tree

SEEDS = Path(__file__).resolve().parent.parent / "seeds"


@pytest.fixture
def corpus(tmp_path) -> Path:
    seeds = tmp_path / "seeds"
    shutil.copytree(SEEDS, seeds)
    return seeds


def _build(seeds: Path, config, cache: Path, out: Path) -> list[str]:
    result = build(seeds, config, cache, workers=1)
    written, removed = write_tree(out, result.files)
    return written + removed


def test_noop_rebuild_writes_nothing(corpus, config, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    assert _build(corpus, config, cache, out)
    assert _build(corpus, config, cache, out) == []


def test_noop_rebuild_reads_no_page_from_the_cache(corpus, config, tmp_path, monkeypatch):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    first = build(corpus, config, cache, workers=1)
    write_tree(out, first.files, first.digests)
    monkeypatch.setattr(build_mod.StoredFiles, "_load", lambda self, k: pytest.fail("pages were loaded"))
    again = build(corpus, config, cache, workers=1)
    assert isinstance(again.files, build_mod.StoredFiles)
    assert (again.report, again.problems, again.digests) == (first.report, first.problems, first.digests)
    assert write_tree(out, again.files, again.digests) == ([], [])


def test_memoized_pages_are_the_built_ones(corpus, config, tmp_path):
    cache = tmp_path / "cache"
    first = build(corpus, config, cache, workers=1)
    assert dict(build(corpus, config, cache, workers=1).files) == dict(first.files)
    for k in range(build_mod.SHARDS):
        (cache / build_mod.RESULT_FILES.format(k)).write_bytes(b"damaged")
    assert dict(build(corpus, config, cache, workers=1).files) == dict(first.files), "rebuilt, not trusted"


def test_result_shards_are_rewritten_only_where_their_pages_changed(corpus, config, tmp_path):
    # A shard's key is a digest of its pages: a full build that renders the same pages leaves
    # it alone, and an edit rewrites the shards of the pages it changed, no other.
    cache = tmp_path / "cache"
    first = build(corpus, config, cache, workers=1)
    shard_files = [cache / build_mod.RESULT_FILES.format(k) for k in range(build_mod.SHARDS)]

    def stored() -> list[tuple[int, bytes]]:
        return [(p.stat().st_mtime_ns, p.read_bytes()) for p in shard_files]

    before = stored()
    (cache / build_mod.RESULT).unlink()  # the result memo gone: built in full, same pages
    assert build(corpus, config, cache, workers=1).how == "built in full"
    assert stored() == before
    path = sorted(corpus.iterdir())[0]
    path.write_text(path.read_text("utf-8") + "\n\nThe ministry later confirmed the figures.\n", "utf-8")
    again = build(corpus, config, cache, workers=1)
    changed = {n for n in again.files if again.files[n] != first.files.get(n)}
    assert changed and {build_mod._shard(n) for n in changed} == {
        k for k, (old, new) in enumerate(zip(before, stored(), strict=True)) if old != new
    }
    assert dict(build(corpus, config, cache, workers=1).files) == dict(again.files)


@pytest.mark.parametrize(
    "env", [{"OFFLINE": "true"}, {"SITE_URL": "https://example.org/r/"}, {"USE_DIRECTORY_URLS": "false"}]
)
def test_a_rebuild_under_other_url_settings_renders_the_feed_again(
    corpus, config, tmp_path, monkeypatch, env
):
    # The feed's links follow OFFLINE, SITE_URL and USE_DIRECTORY_URLS: an offline build after an
    # online one, with the same cache, must not take the online build's feed.
    cache = tmp_path / "cache"
    first = build(corpus, config, cache, workers=1)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    again = build(corpus, config, cache, workers=1)
    assert again.files["feed.xml"] == build(corpus, config, None, workers=1).files["feed.xml"]
    assert again.files["feed.xml"] != first.files["feed.xml"]
    article = sorted(corpus.iterdir())[0]  # and a patch after it keeps the settings
    article.write_text(article.read_text("utf-8") + "\n\nПогода в этот день была ясной.\n", "utf-8")
    assert dict(build(corpus, config, cache, workers=1).files) == dict(
        build(corpus, config, None, workers=1).files
    )


def test_noop_rebuild_without_result_memo_writes_nothing(corpus, config, tmp_path):
    cache, out = tmp_path / "cache", tmp_path / "docs"
    _build(corpus, config, cache, out)
    (cache / build_mod.RESULT).unlink()
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
    first = build(corpus, config, cache, workers=1)
    (cache / build_mod.RESULT).unlink()
    calls = []
    real = build_mod.load_file
    monkeypatch.setattr(build_mod, "load_file", lambda *a: calls.append(a[1]) or real(*a))
    second = build(corpus, config, cache, workers=1)
    assert calls == []
    assert second.files == first.files


def test_touched_file_is_loaded_again(corpus, config, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    build(corpus, config, cache, workers=1)
    article = sorted(corpus.iterdir())[1]
    article.write_bytes(article.read_bytes() + b"\n")
    calls = []
    real = build_mod.load_file
    monkeypatch.setattr(build_mod, "load_file", lambda *a: calls.append(a[1]) or real(*a))
    build(corpus, config, cache, workers=1)
    assert calls == [article.name]


def test_files_touched_but_not_changed_are_not_loaded_again(corpus, config, tmp_path, monkeypatch):
    # A fresh checkout or a restored CI cache gives every file a new mtime: the cache
    # then checks the bytes (SHA-256) before reading and annotating a file again.
    import os

    cache = tmp_path / "cache"
    first = build(corpus, config, cache, workers=1)
    paths = sorted(corpus.iterdir())
    for n, path in enumerate(paths):
        os.utime(path, ns=(10**18 + n, 10**18 + n))
    same_size = paths[2]
    data = same_size.read_bytes()
    i = max(data.rfind(b"."), data.rfind(b","))  # punctuation: same bytes count, new content
    same_size.write_bytes(data[:i] + (b"," if data[i : i + 1] == b"." else b".") + data[i + 1 :])
    calls = []
    real = build_mod.load_file
    monkeypatch.setattr(build_mod, "load_file", lambda *a: calls.append(a[1]) or real(*a))
    second = build(corpus, config, cache, workers=1)
    # (maybe twice: by the patch, which declines this edit, then by the full build)
    assert set(calls) == {same_size.name}, "only the file whose bytes changed (its size did not)"
    monkeypatch.setattr(build_mod, "load_file", real)
    assert dict(second.files) == dict(build(corpus, config, None, workers=1).files)
    calls.clear()
    monkeypatch.setattr(build_mod, "load_file", lambda *a: calls.append(a[1]) or real(*a))
    (cache / build_mod.RESULT).unlink()
    assert dict(build(corpus, config, cache, workers=1).files) == dict(second.files)
    assert calls == [], "the new mtimes were kept"
    assert first.files != second.files


def test_unchanged_result_is_not_recomputed(corpus, config, tmp_path, monkeypatch):
    cache = tmp_path / "cache"
    first = build(corpus, config, cache, workers=1)
    monkeypatch.setattr(build_mod, "analyse", lambda *a, **k: pytest.fail("analysed again"))
    assert build(corpus, config, cache, workers=1).files == first.files


def test_source_pages_from_the_memo_equal_a_fresh_render(corpus, config, tmp_path, monkeypatch):
    import jinja2

    cache = tmp_path / "cache"
    build(corpus, config, cache, workers=1)
    article = sorted(corpus.iterdir())[-1]
    article.write_bytes(article.read_bytes() + b"\n\nEuropol confirmed the visit in a statement.\n")
    rendered = []
    real = jinja2.Template.render

    def counting(self, *args, **kwargs):
        if self.name == "source.md.j2":
            rendered.append(kwargs["art"].id)
        return real(self, *args, **kwargs)

    monkeypatch.setattr(jinja2.Template, "render", counting)
    warm = build(corpus, config, cache, workers=1)
    assert article.stem in rendered
    sources = [p for p in warm.files if p.startswith("sources/") and p != "sources/index.md"]
    assert len(rendered) < len(sources), "unchanged source pages come from the memo"
    monkeypatch.setattr(jinja2.Template, "render", real)
    assert dict(warm.files) == dict(build(corpus, config, None, workers=1).files)


def test_build_apart_leaves_the_result_in_the_cache(corpus, config, tmp_path):
    # The MkDocs hook builds in a child process and takes the pages from the cache it left,
    # so its own process never holds the corpus.
    from builder.build import build_apart

    apart = build_apart(corpus, config, tmp_path / "cache")
    assert isinstance(apart.files, build_mod.StoredFiles), "the pages come from the cache"
    fresh = build(corpus, config, None, workers=1)
    assert dict(apart.files) == dict(fresh.files)
    assert apart.problems == fresh.problems and apart.report == fresh.report
    assert apart.how == "built in full", "how the child built it, for mkdocs serve's log"
    assert build_apart(corpus, config, tmp_path / "cache").how == "nothing changed"


def test_build_apart_reports_a_failed_build(config, tmp_path):
    from builder.build import build_apart
    from builder.errors import ConfigError

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

    pid, value = build_mod.Forked(_pid_and, {"corpus": [1, 2]}).result()
    assert value == {"corpus": [1, 2]} and pid != os.getpid()


def _nested(levels: int):
    import os

    inner = build_mod.Forked(_nested, levels - 1).result() if levels else []
    return [os.getpid(), *inner]


def test_forked_child_may_fork_again():
    # The hook builds in a child, and the build forks again (annotation pool, pages, claims).
    import os

    pids = build_mod.Forked(_nested, 2).result()
    assert len(set(pids)) == 3 and os.getpid() not in pids


def test_forked_child_is_stopped_when_cancelled():
    import time

    job = build_mod.Forked(time.sleep, 60)
    child = job.child
    started = time.monotonic()
    job.cancel()
    assert time.monotonic() - started < 30 and child.exitcode is not None


def test_forked_raises_what_the_child_raised():
    from builder.errors import ConfigError

    with pytest.raises(ConfigError, match="broken on purpose"):
        build_mod.Forked(_fails).result()


def test_forked_runs_here_when_the_child_dies():
    import os

    assert build_mod.Forked(_dies_in_a_child, os.getpid()).result() == "computed here instead"


@pytest.mark.parametrize("into_folder", [False, True])
def test_aggregate_pages_rendered_in_a_child_are_the_same(
    weekday_corpus, config, tmp_path, monkeypatch, into_folder
):
    # From FORK_FROM articles on, a forked child renders the aggregate pages while this
    # process renders the source pages and exports (and stages them, given a folder).
    import os

    from builder.render import pages as render

    forks, pids = [], []
    real_fork, real_render = build_mod.Forked, render.render_aggregates
    monkeypatch.setattr(build_mod, "Forked", lambda fn, *a: forks.append(fn.__name__) or real_fork(fn, *a))

    def render_aggregates(site):
        pids.append(os.getpid())
        return real_render(site)

    monkeypatch.setattr(render, "render_aggregates", render_aggregates)
    alone = build(weekday_corpus, config, None, workers=1)
    assert not forks and pids == [os.getpid()]
    pids.clear()
    monkeypatch.setattr(build_mod, "FORK_FROM", 1)
    out = tmp_path / "docs" if into_folder else None
    both = build(weekday_corpus, config, tmp_path / "cache", workers=2, out=out)
    assert "_gathered" in forks and not pids, "rendered in the child (its own list)"
    assert dict(both.files) == dict(alone.files) and both.digests == alone.digests
    if into_folder:
        written = {p.relative_to(out).as_posix(): p.read_text("utf-8") for p in out.rglob("*.md")}
        assert written == {k: v for k, v in alone.files.items() if k.endswith(".md")}
    assert build(weekday_corpus, config, None, workers=1).files == alone.files  # nothing left behind


@pytest.mark.parametrize("two_cores", [False, True])
def test_a_quote_that_is_not_verbatim_stops_the_build_before_anything_is_written(
    weekday_corpus, config, tmp_path, monkeypatch, two_cores
):
    # On two cores a child is rendering the aggregate pages when the check fails: the build
    # stops it, and leaves the folder and the cache's result alone.
    from builder import link
    from builder.errors import CheckError
    from builder.records import Citation

    out, cache = tmp_path / "docs", tmp_path / "cache"
    out.mkdir()
    (out / "methodology.md").write_text("# Method\n", "utf-8")
    monkeypatch.setattr(
        link,
        "_citation",
        lambda art, s, texts=None: Citation(art.id, s.paragraph, s.start, s.end, s.text + "!", art.language),
    )
    if two_cores:
        monkeypatch.setattr(build_mod, "FORK_FROM", 1)
    forks = []
    real_fork = build_mod.Forked
    monkeypatch.setattr(build_mod, "Forked", lambda fn, *a: forks.append(real_fork(fn, *a)) or forks[-1])
    with pytest.raises(CheckError, match="not verbatim"):
        build(weekday_corpus, config, cache, workers=2 if two_cores else 1, out=out)
    assert bool(forks) == two_cores and all(f.child is None for f in forks), "children stopped"
    assert {p.name for p in out.iterdir()} - {".generated.lock"} == {"methodology.md"}  # no staging left
    assert not (cache / build_mod.RESULT).exists()


def test_second_claims_run_starts_early_on_the_last_builds_inferred_dates(
    weekday_corpus, config, tmp_path, monkeypatch
):
    # The undated telling is dated by its story (its "Tuesday" falls on a sibling's date), and
    # its "on Tuesday" then resolves, which changes its annotations, so analyse() builds the
    # claims a second time. From the second build on, that run starts in a child on the dates
    # the last build inferred.
    from builder import link

    corpus = weekday_corpus
    cache = tmp_path / "cache"
    build(corpus, config, cache, workers=2)
    key = build_mod._code_key(config)
    inferred, weekdays = build_mod._read_pickle(cache / build_mod.INFERRED, key)
    assert inferred["h_en_undated_tuesday"][:2] == ("2026-03-03", "day")

    forks, here = [], []
    real_fork, real_claims = build_mod.Forked, link.cluster_claims
    monkeypatch.setattr(build_mod, "Forked", lambda fn, *a: forks.append(fn.__name__) or real_fork(fn, *a))

    def cluster_claims(*args):  # counts the runs in this process (build_claims too); the child's are its own
        here.append(1)
        return real_claims(*args)

    monkeypatch.setattr(link, "cluster_claims", cluster_claims)

    def rebuild(line: bytes) -> None:
        forks.clear(), here.clear()
        article = sorted(corpus.iterdir())[-1]
        article.write_bytes(article.read_bytes() + b"\n\n" + line + b"\n")
        warm = build(corpus, config, cache, workers=2)
        monkeypatch.setattr(link, "cluster_claims", real_claims)
        assert dict(warm.files) == dict(build(corpus, config, None, workers=1).files)
        monkeypatch.setattr(link, "cluster_claims", cluster_claims)

    rebuild(b"Europol confirmed the visit in a statement.")
    assert "build_claims" in forks and len(here) == 1, "the guess held: one run here, one in the child"

    wrong = {sid: ("2025-04-25", "day", "a wrong guess") for sid in inferred}
    build_mod._write_pickle(cache / build_mod.INFERRED, key, (wrong, weekdays))
    rebuild(b"Interpol confirmed it too.")
    assert "build_claims" in forks and len(here) == 2, "a wrong guess: both runs here, same result"


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
    from builder.build import analyse
    from builder.render.pages import Site, render_sources

    before = analyse(weekday_corpus, config, None, 1)
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
    from builder.build import analyse
    from builder.render.pages import SOURCES_INDEX, Site, render_sources

    corpus = analyse(weekday_corpus, config, None, 1)
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


def _add_article(seeds: Path) -> None:
    (seeds / "i_fr_europol.txt").write_text(
        "Le Kazakhstan et Europol signent un accord\n\n"
        "Le Kazakhstan et Europol ont signé un accord opérationnel à La Haye le 3 mars 2026.\n",
        "utf-8",
    )


# (edit, whether build_claims may come from the memo: it reads none of what changed)
CLAIMS_EDITS = [
    (_append("The ministry later thanked the staff of both sides."), True),  # no topic, no date
    (_replace("operational agreement in The Hague", "operational agreement in The Hague"), True),  # touch
    (_replace("title: Kazakhstan and Europol sign", "title: Kazakhstan and Europol sign a new"), True),
    (_replace("Interpol Secretary General", "Interpol's Secretary General"), False),  # a claim sentence
    (_append("Europol and Kazakhstan agreed on a readmission protocol on 12 March 2026."), False),
    (_replace("date: 2026-03-04", "date: 2026-03-05"), True),  # no sentence is dated either day
    (_replace("Published 2026-01-05", "Published 2026-02-05", "f_en_relative.txt"), False),  # "last year"
    (_add_article, False),
    (lambda seeds: (seeds / "c_de_europol.txt").unlink(), False),
]


@pytest.mark.parametrize(("edit", "memoized"), CLAIMS_EDITS)
def test_claims_memo_serves_only_unchanged_inputs(
    weekday_corpus, config, tmp_path, monkeypatch, edit, memoized
):
    # Whatever the edit, the claims (and every page) equal a build without any cache; the
    # memo answers exactly when build_claims' inputs are the same, in this process and the child.
    from builder import link

    cache = tmp_path / "cache"
    build(weekday_corpus, config, cache, workers=2)
    edit(weekday_corpus)
    runs, forks = [], []
    real_claims, real_fork = link.cluster_claims, build_mod.Forked
    monkeypatch.setattr(link, "cluster_claims", lambda *a: runs.append(1) or real_claims(*a))
    monkeypatch.setattr(build_mod, "Forked", lambda fn, *a: forks.append(fn.__name__) or real_fork(fn, *a))
    warm = build(weekday_corpus, config, cache, workers=2)
    ran = bool(runs) or "build_claims" in forks
    monkeypatch.setattr(link, "cluster_claims", real_claims)
    assert dict(warm.files) == dict(build(weekday_corpus, config, None, workers=1).files)
    assert ran != memoized
    if memoized:  # and the memo is still there for the next build
        runs.clear()
        monkeypatch.setattr(link, "cluster_claims", lambda *a: runs.append(1) or real_claims(*a))
        (cache / build_mod.RESULT).unlink()
        build(weekday_corpus, config, cache, workers=2)
        assert not runs


def test_a_broken_claims_memo_is_ignored(weekday_corpus, config, tmp_path):
    cache = tmp_path / "cache"
    first = build(weekday_corpus, config, cache, workers=1)
    (cache / build_mod.CLAIMS).write_bytes(b"not a pickle")
    (cache / build_mod.RESULT).unlink()
    assert dict(build(weekday_corpus, config, cache, workers=1).files) == dict(first.files)
