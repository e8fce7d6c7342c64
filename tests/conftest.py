"""Shared fixtures: the config, the seeds, and one built site per test session."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
SEEDS = ROOT / "seeds"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


@pytest.fixture(scope="session")
def config():
    from builder.config import load_config

    return load_config(ROOT / "research.yml")


@pytest.fixture(scope="session")
def seeds_dir() -> Path:
    return SEEDS


def build_docs(seeds: Path, out: Path, *extra: str) -> subprocess.CompletedProcess:
    """Run the CLI on a seeds folder; return the finished process."""
    cmd = [sys.executable, "-m", "builder", "build", "--seeds", str(seeds), "--out", str(out)]
    cmd += ["--config", str(ROOT / "research.yml"), *extra]
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, timeout=600)


def read_data(docs: Path, name: str):
    return json.loads((docs / "data" / name).read_text("utf-8"))


@pytest.fixture(scope="session")
def seeds_docs(tmp_path_factory) -> Path:
    """The generated docs folder for the seeds (CLI, cold cache)."""
    out = tmp_path_factory.mktemp("seeds-docs")
    proc = build_docs(SEEDS, out, "--cache", str(out.parent / "cache"))
    assert proc.returncode == 0, proc.stderr
    return out


def mkdocs_build(dest: Path, seeds: Path = SEEDS, env: dict | None = None, strict: bool = True):
    """Build the real site with MkDocs (the hook runs the builder); return the process."""
    cmd = [sys.executable, "-m", "mkdocs", "build", "-d", str(dest)]  # no -q: it hides warnings from --strict
    if strict:
        cmd.append("--strict")
    full_env = {**os.environ, "RESEARCH_SEEDS": str(seeds), "NO_MKDOCS_2_WARNING": "1", **(env or {})}
    full_env.setdefault("RESEARCH_CACHE", str(dest.parent / "cache"))
    return subprocess.run(cmd, cwd=ROOT, capture_output=True, text=True, env=full_env, timeout=900)


@pytest.fixture(scope="session")
def seeds_site(tmp_path_factory) -> Path:
    """The real MkDocs site built from the seeds with --strict."""
    dest = tmp_path_factory.mktemp("seeds-site") / "site"
    proc = mkdocs_build(dest)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return dest


@pytest.fixture
def corpus_dir(tmp_path) -> Path:
    """An empty seeds folder to fill with test articles."""
    d = tmp_path / "seeds"
    d.mkdir()
    return d


def copy_seeds(dest: Path) -> Path:
    dest.mkdir(parents=True, exist_ok=True)
    for p in sorted(SEEDS.iterdir()):
        shutil.copy(p, dest / p.name)
    return dest


UNDATED_TELLING = """Kazakhstan and Europol sign agreement against cybercrime

Kazakhstan's Ministry of Internal Affairs and Europol signed an operational agreement in The Hague on Tuesday, the ministry said.

The agreement allows the exchange of information on cybercrime and illegal migration through Europol channels.
"""


@pytest.fixture
def weekday_corpus(tmp_path) -> Path:
    """The link fixtures plus an undated telling of their Europol story that names a weekday."""
    seeds = tmp_path / "weekday-seeds"
    shutil.copytree(FIXTURES / "link", seeds)
    (seeds / "h_en_undated_tuesday.txt").write_text(UNDATED_TELLING, encoding="utf-8")
    return seeds
