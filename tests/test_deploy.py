"""`mkdocs gh-deploy` publishes the site to the gh-pages branch (of a local bare repository)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import ROOT

pytestmark = pytest.mark.site

PROJECT_PATHS = ["mkdocs.yml", "research.yml", "seeds", "docs", "overrides", "builder"]
GIT_ENV = {
    "GIT_AUTHOR_NAME": "Test",
    "GIT_AUTHOR_EMAIL": "test@example.invalid",
    "GIT_COMMITTER_NAME": "Test",
    "GIT_COMMITTER_EMAIL": "test@example.invalid",
    "GIT_CONFIG_NOSYSTEM": "1",
}


def git(*args: str, cwd: Path, env: dict | None = None) -> str:
    proc = subprocess.run(
        ["git", *args], cwd=cwd, capture_output=True, text=True, env=env, timeout=120, check=False
    )
    assert proc.returncode == 0, f"git {' '.join(args)}: {proc.stderr}"
    return proc.stdout


@pytest.fixture(scope="module")
def deployed(tmp_path_factory) -> Path:
    """Copy the project's tracked files into a fresh repo, gh-deploy to a bare remote; return the remote."""
    work = tmp_path_factory.mktemp("deploy")
    env = {**os.environ, **GIT_ENV, "HOME": str(work), "NO_MKDOCS_2_WARNING": "1"}
    env["RESEARCH_CACHE"] = str(work / "cache")
    for var in ("RESEARCH_SEEDS", "RESEARCH_CONFIG", "OFFLINE", "GIT_DIR", "GIT_WORK_TREE"):
        env.pop(var, None)
    tracked = git("ls-files", "-z", "--", *PROJECT_PATHS, cwd=ROOT).split("\0")
    project = work / "project"
    for rel in filter(None, tracked):
        if (ROOT / rel).is_file():
            (project / rel).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(ROOT / rel, project / rel)
    remote = work / "remote.git"
    git("init", "-q", "--bare", str(remote), cwd=work, env=env)
    git("init", "-q", "-b", "main", cwd=project, env=env)
    git("add", "-A", cwd=project, env=env)
    git("commit", "-q", "-m", "project", cwd=project, env=env)
    git("remote", "add", "origin", str(remote), cwd=project, env=env)
    cmd = [sys.executable, "-m", "mkdocs", "gh-deploy", "--force", "--remote-branch", "gh-pages"]
    proc = subprocess.run(cmd, cwd=project, capture_output=True, text=True, env=env, timeout=900)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    return remote


def test_gh_pages_branch_holds_the_site(deployed):
    files = set(git("ls-tree", "-r", "--name-only", "gh-pages", cwd=deployed).splitlines())
    for path in ("index.html", ".nojekyll", "data/sources.json", "data/sources.bib", "feed.xml"):
        assert path in files, path
    assert "topics/readmission/index.html" in files
    assert not any(p.endswith(".md") for p in files)


def test_gh_pages_data_matches_the_seeds(deployed):
    sources = json.loads(git("show", "gh-pages:data/sources.json", cwd=deployed))
    files = {s["file"] for s in sources}
    report = json.loads(git("show", "gh-pages:data/report.json", cwd=deployed))["inputs"]
    seeds = sorted(p.name for p in (ROOT / "seeds").iterdir() if p.is_file())
    assert sorted(r["file"] for r in report) == seeds
    assert files == {r["file"] for r in report if r["status"] == "rendered"}
    tree = git("ls-tree", "-r", "--name-only", "gh-pages", cwd=deployed)
    for s in sources:
        assert f"sources/{s['id']}/index.html" in tree
