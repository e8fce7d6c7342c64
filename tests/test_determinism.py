"""Two builds of the same input give byte-identical generated files.

The same corpus (the seeds, the hostile fixtures and a few odd files) is built
several ways that must not matter: files created in sorted, reversed or shuffled
order, another seeds path, another working directory, another PYTHONHASHSEED
(set order), time zone and locale, a cold then a warm cache, one worker or a
process pool. Whole generated trees are compared byte for byte, and no
generated file may hold an absolute path or a build timestamp.
"""

from __future__ import annotations

import datetime as dt
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import pytest

from builder.config import load_config
from builder.execution import local
from builder.execution.local import LocalExecutor
from builder.incremental.engine import build

ROOT = Path(__file__).resolve().parent.parent
FIXTURES = Path(__file__).resolve().parent / "fixtures"
CONFIG = load_config(ROOT / "research.yml")


def _corpus() -> dict[str, bytes]:
    files = {p.name: p.read_bytes() for p in sorted((ROOT / "seeds").iterdir())}
    files.update({f"hostile/{p.name}": p.read_bytes() for p in sorted((FIXTURES / "hostile").iterdir())})
    first = sorted(files)[0]
    files["copy-of-first.txt"] = files[first]  # a duplicate
    files["empty.txt"] = b""  # a rejection
    files["cp1251.txt"] = "Интерпол и Казахстан обсудили визовые вопросы в Астане.\n".encode("cp1251")
    files["index.md"] = b"---\ntitle: Index\n---\n\nEuropol met Kazakhstan in Astana.\n"  # a reserved id
    return files


def _make(seeds: Path, files: dict[str, bytes], order: list[str]) -> Path:
    """Create the files in this order (directory order follows creation on most file systems)."""
    for name in order:
        path = seeds / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(files[name])
    return seeds


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and p.name != ".generated.lock"
    }


def _cli(seeds: Path, out: Path, cache: Path, cwd: Path, env: dict[str, str]) -> dict[str, bytes]:
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--out", str(out)]
    cmd += ["--config", str(ROOT / "research.yml"), "--cache", str(cache), "-q"]
    full = {**os.environ, "PYTHONPATH": str(ROOT), **env}
    proc = subprocess.run(cmd, cwd=cwd, env=full, capture_output=True, text=True, timeout=600)
    assert proc.returncode == 0, proc.stderr
    return _tree(out)


def _diff(a: dict[str, bytes], b: dict[str, bytes]) -> list[str]:
    """Return a short description of how two trees differ (empty when identical)."""
    out = [f"only in first: {p}" for p in sorted(set(a) - set(b))]
    out += [f"only in second: {p}" for p in sorted(set(b) - set(a))]
    for p in sorted(set(a) & set(b)):
        if a[p] != b[p]:
            x, y = a[p].decode("utf-8", "replace"), b[p].decode("utf-8", "replace")
            i = next((k for k in range(min(len(x), len(y))) if x[k] != y[k]), min(len(x), len(y)))
            out.append(
                f"{p}: differs at {i}: {x[max(0, i - 40) : i + 40]!r} vs {y[max(0, i - 40) : i + 40]!r}"
            )
    return out


@pytest.fixture(scope="module")
def reference(tmp_path_factory) -> tuple[dict[str, bytes], Path]:
    """The reference build: CLI, sorted creation order, cold cache, hash seed 0, UTC."""
    base = tmp_path_factory.mktemp("det-a")
    files = _corpus()
    seeds = _make(base / "seeds", files, sorted(files))
    env = {"PYTHONHASHSEED": "0", "TZ": "UTC", "LC_ALL": "C.UTF-8"}
    return _cli(seeds, base / "docs", base / "cache", ROOT, env), base


def test_reference_build_covers_the_odd_inputs(reference):
    tree, _ = reference
    report = tree["data/report.json"].decode()
    for status in ('"rendered"', '"duplicate"', '"rejected"'):
        assert status in report


def test_other_order_path_cwd_hashseed_timezone_and_warm_cache(reference, tmp_path):
    tree, base = reference
    files = _corpus()
    seeds = _make(tmp_path / "elsewhere" / "another name" / "seeds", files, sorted(files, reverse=True))
    env = {"PYTHONHASHSEED": "12345", "TZ": "Asia/Almaty", "LC_ALL": "ru_RU.UTF-8", "LANG": "ru_RU.UTF-8"}
    other = _cli(seeds, tmp_path / "docs", base / "cache", tmp_path, env)  # warm: the reference's cache
    assert _diff(tree, other) == []


def test_warm_rebuild_of_the_same_folder(reference, tmp_path):
    """The second build of the very same folder may take every cache shortcut; same bytes."""
    tree, base = reference
    again = _cli(base / "seeds", tmp_path / "docs", base / "cache", ROOT, {"PYTHONHASHSEED": "7"})
    assert _diff(tree, again) == []


@pytest.mark.parametrize("seed", [1, 2])
def test_shuffled_order_in_process_one_worker_or_a_pool(reference, tmp_path, monkeypatch, seed):
    tree, _ = reference
    files = _corpus()
    order = sorted(files)
    random.Random(seed).shuffle(order)
    seeds = _make(tmp_path / "seeds", files, order)
    if seed == 2:
        monkeypatch.setattr(local, "PARALLEL_FROM", 1)  # use the process pool even for a few files
    result = build(seeds, CONFIG, executor=LocalExecutor(1 if seed == 1 else 2))
    generated = {p: t.encode("utf-8") for p, t in result.files.items()}
    reference_files = {p: b for p, b in tree.items() if not p.startswith(".")}
    assert _diff(reference_files, generated) == []


def test_no_absolute_paths_or_timestamps(reference):
    tree, base = reference
    today = dt.date.today().isoformat()
    leaks = [str(base), str(ROOT), str(Path.home()), "/tmp/", today]
    found = []
    for rel, data in tree.items():
        text = data.decode("utf-8")
        found += [f"{rel}: {leak}" for leak in leaks if leak in text]
        found += [f"{rel}: timestamp {m}" for m in re.findall(r"\d{4}-\d\d-\d\dT\d\d:\d\d", text)]
    assert found == []
