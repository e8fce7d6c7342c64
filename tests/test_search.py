"""Pagefind shards started while MkDocs still renders (builder/search.py Shards), on a tiny site.

Runs the real Pagefind binary over a handful of pages, announced and written in
the order MkDocs uses: on_post_page first, the file right after.
"""

from __future__ import annotations

import gzip
import json
import tempfile
from pathlib import Path

import pytest

from builder.mkdocs.search import Shards

pytestmark = pytest.mark.site


@pytest.fixture(autouse=True)
def _own_tmp(tmp_path, monkeypatch):
    """Each shard's config folder goes to tmp_path/tmp, where the tests look for leftovers."""
    (tmp_path / "tmp").mkdir()
    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "tmp"))


def _leftovers(tmp_path: Path) -> list[Path]:
    return [*tmp_path.glob("tmp/pagefind-shard-*"), *tmp_path.glob("site/.pagefind-shard-*")]


PAGE = '<!doctype html><html lang="ru"><head><title>{0}</title></head><body><article><h1>{0}</h1><p>{1}</p></article></body></html>'
RENDER_ORDER = ["zeta/index.html", "index.html", "alpha/index.html", "mid/page/index.html", "beta/index.html"]


def _urls(bundle: Path) -> set[str]:
    out = set()
    for frag in (bundle / "fragment").iterdir():
        out.add(json.loads(gzip.decompress(frag.read_bytes()).removeprefix(b"pagefind_dcd"))["url"])
    return out


def _url(rel: str) -> str:
    return "/" + rel.removesuffix("index.html")


def _render(site: Path, shards: Shards, pages: list[str]) -> None:
    for n, rel in enumerate(pages):
        shards.rendered(rel)  # MkDocs calls on_post_page, then writes the page
        (site / rel).parent.mkdir(parents=True, exist_ok=True)
        (site / rel).write_text(PAGE.format(f"Страница {n}", "Казахстан и реадмиссия"), "utf-8")


def test_shards_start_while_pages_are_still_rendered_and_follow_render_order(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    (site / "404.html").write_text(PAGE.format("404", "нет такой страницы"), "utf-8")  # never announced
    shards = Shards(site, size=2)
    _render(site, shards, RENDER_ORDER[:3])
    assert shards.started == 1, "the first two pages were on disk: their shard started before finish()"
    _render(site, shards, RENDER_ORDER[3:])
    extra = shards.finish()

    assert extra == ["shards/1/", "shards/2/"]
    bundles = [site / "pagefind", *(site / "pagefind" / e for e in extra)]
    got = [_urls(b) for b in bundles]
    # pages in render order, two at a time, then the pages never announced, whatever the timing
    assert got == [
        {_url(p) for p in RENDER_ORDER[0:2]},
        {_url(p) for p in RENDER_ORDER[2:4]},
        {_url(RENDER_ORDER[4]), "/404.html"},
    ]
    assert json.loads((site / "pagefind" / "shards.json").read_text("utf-8")) == extra
    assert not _leftovers(tmp_path), "each shard's config folder is removed"


def test_one_shard_when_the_site_is_small(tmp_path):
    site = tmp_path / "site"
    site.mkdir()
    shards = Shards(site, size=100)
    _render(site, shards, RENDER_ORDER)
    assert shards.started == 0
    assert shards.finish() == []
    assert _urls(site / "pagefind") == {_url(p) for p in RENDER_ORDER}


def test_a_failing_pagefind_is_reported_and_cleaned_up(tmp_path, monkeypatch):
    from mkdocs.exceptions import PluginError

    monkeypatch.setenv("PAGEFIND_BINARY_PATH", "/bin/false")  # pagefind's own override of its binary
    site = tmp_path / "site"
    site.mkdir()
    shards = Shards(site, size=2)
    _render(site, shards, RENDER_ORDER[:2])
    with pytest.raises(PluginError, match="pagefind failed"):
        shards.finish()
    assert not _leftovers(tmp_path)


def test_cancel_stops_a_running_shard(tmp_path, monkeypatch):
    forever = tmp_path / "pagefind"
    forever.write_text("#!/bin/sh\nexec sleep 600\n")
    forever.chmod(0o755)
    monkeypatch.setenv("PAGEFIND_BINARY_PATH", str(forever))  # a shard that never ends by itself
    site = tmp_path / "site"
    site.mkdir()
    shards = Shards(site, size=1)
    _render(site, shards, RENDER_ORDER[:2])
    proc = shards.running[0]
    shards.cancel()
    assert proc.returncode is not None and shards.running is None
    assert not _leftovers(tmp_path)


def test_a_shard_indexes_exactly_its_pages_whatever_their_names(tmp_path):
    """Pagefind gets a shard's pages as a glob: characters a glob gives a meaning match only themselves."""
    site = tmp_path / "site"
    site.mkdir()
    odd = ["q[1]/index.html", "x{a,b}/index.html", "тема/index.html", "a b/index.html", "star*/index.html"]
    shards = Shards(site, size=2)
    _render(site, shards, odd)
    for decoy in ["q1/index.html", "xa/index.html", "xb/index.html", "stars/index.html"]:
        (site / decoy).parent.mkdir(parents=True)
        (site / decoy).write_text(PAGE.format(decoy, "Казахстан"), "utf-8")  # on disk, in no shard
    shards.indexed.update(["q1/index.html", "xa/index.html", "xb/index.html", "stars/index.html"])
    extra = shards.finish()
    got = [_urls(b) for b in [site / "pagefind", *(site / "pagefind" / e for e in extra)]]
    assert got[:2] == [{_url(p) for p in odd[0:2]}, {_url(p) for p in odd[2:4]}]
    assert got[2] == {_url(odd[4])}


# ------------------------------------------------------------------ the words a topic is found by


def _topic(keywords: dict, title: str = "Topic"):
    from builder.config import Topic

    return Topic(slug="t", title=title, summary="", keywords={k: tuple(v) for k, v in keywords.items()})


@pytest.mark.parametrize(
    ("keywords", "found", "not_found"),
    [
        ({"ru": ["виза"]}, ["визы", "визами", "виза"], ["визит", "вызов"]),
        ({"ru": ["визовый"]}, ["визового", "визовыми"], ["виза"]),
        ({"ru": ["реадмиссия"]}, ["реадмиссии", "реадмиссиях", "реадмиссией"], ["миссия"]),
        ({"any": ["интерпол", "interpol"]}, ["интерпола", "интерполом", "interpols"], ["интерпретация"]),
        ({"kk": ["виза"]}, ["визалар", "визаның", "визаларды", "визасыз"], ["визы"]),
        ({"kk": ["шенген"]}, ["шенгенге", "шенгендер", "шенгеннің"], ["шенгенға"]),
        ({"en": ["visa"]}, ["visa", "visas"], ["visit"]),
        ({"de": ["rückübernahme"]}, ["rückübernahme"], ["rückübernahmes"]),
    ],
)
def test_topic_forms_cover_the_inflections_readers_type(keywords, found, not_found):
    from builder.mkdocs.search import topic_forms

    forms = set(topic_forms(_topic(keywords)))
    assert [w for w in found if w not in forms] == []
    assert [w for w in not_found if w in forms] == []


def test_topic_forms_include_the_title_and_are_sorted_lower_case():
    from builder.mkdocs.search import topic_forms

    forms = topic_forms(_topic({"ru": ["Европол"]}, title="Europol"))
    assert list(forms) == sorted(forms) and all(w == w.lower() for w in forms)
    assert {"europol", "europols", "европола"} <= set(forms)
