"""builder.ingest.ids.assign_ids: no article takes another's address through its front matter."""

from __future__ import annotations

import hashlib

import pytest

from builder.ingest.ids import assign_ids
from builder.records import Article, Rejected


def _suffix(file: str) -> str:
    return hashlib.sha1(file.encode()).hexdigest()[:6]


def _item(file: str, fm: str | None = None):
    """An article from file ("x.md" gives the id x), its front matter giving fm; "!" = rejected."""
    if fm == "!":
        return Rejected(file, "empty file")
    own = file.rsplit("/", 1)[-1].split(".")[0].lower()
    return Article(
        id=fm or own, file=file, sha256="0" * 64, title="t", language="en", paragraphs=(), file_id=own
    )


# (case, [(file, front-matter id or None, "!" for rejected)], [(id, warning that must appear or None)])
CASES = [
    ("plain", [("a.md", None), ("b.md", None)], [("a", None), ("b", None)]),
    ("front-matter-id-kept", [("a.md", "visa-2024"), ("b.md", None)], [("visa-2024", None), ("b", None)]),
    ("same-as-own-name", [("a.md", "a")], [("a", None)]),
    (
        "takes-later-file",
        [("a.md", "b"), ("b.md", None)],
        [
            ("a", "front matter id 'b' collides with b.md, whose file name gives it; ignored, the id is a"),
            ("b", None),
        ],
    ),
    (
        "takes-earlier-file",
        [("a.md", None), ("z.md", "a")],
        [("a", None), ("z", "front matter id 'a' collides with a.md, whose file name gives it")],
    ),
    (
        "takes-file-in-folder",
        [("news/x.md", None), ("y.md", "x")],
        [("x", None), ("y", "collides with news/x.md")],
    ),
    (
        "two-front-matters",
        [("a.md", "story"), ("b.md", "story")],
        [("story", None), ("b", "front matter id 'story' collides with a.md, whose front matter gives it")],
    ),
    (
        "reserved-front-matter",
        [("a.md", "index")],
        [("a", "front matter id 'index' is reserved for the sources index; ignored, the id is a")],
    ),
    (
        "reserved-file-name",
        [("index.md", None)],
        [(f"index-{_suffix('index.md')}", "reserved for the sources index")],
    ),
    (
        "same-file-names",
        [("A.md", None), ("a.txt", None)],
        [
            ("a", None),
            (f"a-{_suffix('a.txt')}", "id renamed to a-" + _suffix("a.txt") + ": A.md gives the same id"),
        ],
    ),
    (
        "refused-then-own-name-taken",
        [("a.md", None), ("b/a.md", "b"), ("b.md", None)],
        [("a", None), (f"a-{_suffix('b/a.md')}", "front matter id 'b' collides with b.md"), ("b", None)],
    ),
    (
        "suffix-never-takes-a-file-name",
        [("A.md", None), ("a.txt", None), (f"a-{_suffix('a.txt')}.md", None)],
        [
            ("a", None),
            (f"a-{hashlib.sha1(b'a.txt').hexdigest()[:8]}", "A.md gives the same id"),
            (f"a-{_suffix('a.txt')}", None),
        ],
    ),
    (
        "swap-by-front-matter",
        [("a.md", "c"), ("c.md", "a")],
        [("a", "collides with c.md"), ("c", "collides with a.md")],
    ),
    ("rejected-left-alone", [("a.md", "!"), ("b.md", "a")], [(None, None), ("a", None)]),
]


@pytest.mark.parametrize(("case", "files", "want"), CASES, ids=[c[0] for c in CASES])
def test_assign_ids(case, files, want):
    got = assign_ids([_item(f, fm) for f, fm in files])
    assert [getattr(it, "file", None) for it in got] == [f for f, _ in files]  # order kept
    ids = [it.id if isinstance(it, Article) else None for it in got]
    assert ids == [i for i, _ in want], ids
    real = [i for i in ids if i is not None]
    assert len(real) == len(set(real)), ids
    for it, (_, warning) in zip(got, want, strict=True):
        warnings = getattr(it, "warnings", ())
        if warning is None:
            assert warnings == (), warnings
        else:
            assert any(warning in w for w in warnings), warnings


def test_no_front_matter_id_ever_takes_a_file_names_id():
    names = [f"{c}.md" for c in "abcdef"]
    items = [_item(f, fm) for f, fm in zip(names, [None, "a", "c", None, "f", "x"], strict=True)]
    got = assign_ids(items)
    by_name = {it.file: it.id for it in got}
    for f in names:
        own = f.split(".")[0]
        owner = [g for g, i in by_name.items() if i == own]
        assert owner in ([f], []), (own, owner)  # a file name's id belongs to that file or to no one
