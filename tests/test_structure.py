"""The shape of the code: stages apart from the speed machinery, no cycles, readers that plug in."""

from __future__ import annotations

import ast
import dataclasses
import importlib.util
import json
import shutil
from pathlib import Path

import pytest

from builder.config import load_config
from builder.incremental.engine import build
from builder.ingest import readers

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = ROOT / "builder"
CONFIG = load_config(ROOT / "research.yml")


def _modules() -> dict[str, Path]:
    out = {}
    for path in PACKAGE.rglob("*.py"):
        parts = list(path.relative_to(ROOT).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def _imports(path: Path, known: dict[str, Path]) -> set[str]:
    """Return the builder modules a file imports, at any depth of its code."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        names = []
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            subs = [f"{node.module}.{a.name}" for a in node.names]
            # `from package import module` needs the module; the package only for other names
            names = [*subs, *([node.module] if any(n not in known for n in subs) else [])]
        found |= {n for n in names if n in known}
    return found


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    state: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(u: str) -> None:
        state[u] = 1
        stack.append(u)
        for v in sorted(graph[u]):
            if state.get(v) == 1:
                cycles.append([*stack[stack.index(v) :], v])
            elif v not in state:
                visit(v)
        stack.pop()
        state[u] = 2

    for u in sorted(graph):
        if u not in state:
            visit(u)
    return cycles


@pytest.mark.parametrize(
    ("graph", "expected"),
    [
        ({"a": {"b"}, "b": set()}, []),
        ({"a": {"b"}, "b": {"a"}}, [["a", "b", "a"]]),
        ({"a": {"b"}, "b": {"c"}, "c": {"a"}}, [["a", "b", "c", "a"]]),
    ],
)
def test_cycle_finder(graph, expected):
    assert _cycles(graph) == expected


def test_no_import_cycle_in_builder():
    known = _modules()
    graph = {m: _imports(p, known) - {m} for m, p in known.items()}
    # a package imports what it re-exports; a module of a package does not import the package back
    assert _cycles(graph) == []


def test_no_module_uses_another_modules_private_names():
    bad = []
    for path in sorted(PACKAGE.rglob("*.py")):
        tree = ast.parse(path.read_text("utf-8"))
        modules = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").startswith("builder"):
                bad += [f"{path.name}: {node.module}.{a.name}" for a in node.names if _private(a.name)]
                modules |= {a.asname or a.name for a in node.names}
            elif isinstance(node, ast.Import):
                modules |= {
                    a.asname or a.name.split(".")[0] for a in node.names if a.name.startswith("builder")
                }
        for node in ast.walk(tree):
            if (
                isinstance(node, ast.Attribute)
                and _private(node.attr)
                and isinstance(node.value, ast.Name)
                and node.value.id in modules
            ):
                bad.append(f"{path.name}: {node.value.id}.{node.attr}")
    assert bad == []


def _private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def test_the_pipeline_reads_in_one_screen():
    text = (PACKAGE / "pipeline.py").read_text("utf-8")
    assert len(text.splitlines()) < 200
    imported = _imports(PACKAGE / "pipeline.py", _modules())
    assert not {m for m in imported if m.startswith(("builder.incremental", "builder.mkdocs"))}
    for word in ("pickle", "fork", "cache", "memo"):
        code = [line for line in text.splitlines() if not line.lstrip().startswith(("#", '"'))]
        assert not [line for line in code if word in line.lower() and "import" in line], word


def _load_toy_reader() -> None:
    spec = importlib.util.spec_from_file_location(
        "toy_reader", Path(__file__).parent / "fixtures/toy/toy_reader.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)


def test_a_new_reader_plugs_in_by_suffix(tmp_path, monkeypatch):
    monkeypatch.setattr(readers, "READERS", dict(readers.READERS))  # the registration stays in this test
    _load_toy_reader()
    seeds = tmp_path / "seeds"
    seeds.mkdir()
    (seeds / "note.toy").write_text(
        "TITLE: Astana and Brussels sign a readmission protocol\nLANG: en\nDATE: 2025-03-04\n\n"
        "Kazakhstan and the European Union signed a readmission protocol in Brussels on 4 March 2025.\n\n"
        "The protocol sets deadlines for the return of people without a right to stay.",
        "utf-8",
    )
    (seeds / "empty.toy").write_text("LANG: en\n\nno title here", "utf-8")
    result = build(seeds, CONFIG, None, out=tmp_path / "docs")
    report = {r.file: r for r in result.report}
    assert report["note.toy"].status == "rendered"
    assert report["empty.toy"].status == "rejected" and "TITLE" in report["empty.toy"].reason
    sources = json.loads((tmp_path / "docs/data/sources.json").read_text("utf-8"))
    assert [(s["id"], s["title"], s["published"]) for s in sources] == [
        ("note", "Astana and Brussels sign a readmission protocol", "2025-03-04")
    ]
    assert readers.reader_for("x.TOY") is readers.READERS[".toy"]


def test_text_and_unknown_suffixes_are_read_as_text_and_saved_pages_as_html():
    from builder.ingest.readers import html

    assert readers.reader_for("article.txt") is readers.reader_for("notes.rst") is None
    assert readers.reader_for("page.HTM") is readers.reader_for("page.html") is html.read


def test_warm_claims_follow_a_new_field_that_claim_grouping_reads(tmp_path, monkeypatch):
    """Claim grouping that starts reading another field (a sentence's paragraph) is followed by a warm build."""
    from builder.link import statements

    seeds = tmp_path / "seeds"
    shutil.copytree(ROOT / "seeds", seeds)
    cache = tmp_path / "cache"
    before = build(seeds, CONFIG, cache).files["data/claims.json"]  # the caches filled as it reads now

    real = statements.features
    monkeypatch.setattr(
        statements, "features", lambda s, topics=None: real(s, topics) | {f"paragraph:{s.paragraph}"}
    )
    (seeds / "extra.txt").write_text("A note on the weather in Almaty.\n\nIt rained all week.", "utf-8")
    warm = build(seeds, CONFIG, cache)
    cold = build(seeds, CONFIG, None)
    assert warm.how == "built in full"
    assert warm.files["data/claims.json"] == cold.files["data/claims.json"] != before


def test_stages_are_swappable_records():
    from builder.pipeline import Stages, plain_stages

    stages = plain_stages()
    assert {f.name for f in dataclasses.fields(Stages)} == {"analyse", "link", "render"}
    assert callable(stages.link) and callable(stages.render)
