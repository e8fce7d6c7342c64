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


# ------------------------------------------------------------------ the Pages workflow

WORKFLOW = ROOT / ".github" / "workflows" / "pages.yml"


@pytest.fixture(scope="module")
def workflow() -> dict:
    import yaml

    return yaml.safe_load(WORKFLOW.read_text("utf-8"))


def _steps(job: dict) -> list[dict]:
    return job.get("steps", [])


def test_configure_pages_feeds_site_url_before_the_build(workflow):
    steps = _steps(workflow["jobs"]["build"])
    names = [s.get("uses", "").split("@")[0] or s.get("name") for s in steps]
    configure = names.index("actions/configure-pages")
    pages_id = steps[configure]["id"]
    feeding = [
        i
        for i, s in enumerate(steps)
        if f"steps.{pages_id}.outputs.base_url" in str(s) and "SITE_URL" in str(s)
    ]
    build = next(i for i, s in enumerate(steps) if "mkdocs build --strict" in s.get("run", ""))
    assert feeding and configure < feeding[0] < build, names
    assert "SITE_URL" not in workflow.get("env", {}), "a fixed SITE_URL would override configure-pages"


def _grants(permissions) -> set[str]:
    if permissions in ("write-all",):
        return {"pages: write", "id-token: write"}
    return {f"{k}: {v}" for k, v in (permissions or {}).items()}


def test_pull_request_builds_hold_no_deploy_permissions(workflow):
    deploy_grants = {"pages: write", "id-token: write"}
    assert not _grants(workflow.get("permissions")) & deploy_grants, "granted to every job"
    build = workflow["jobs"]["build"]
    assert "if" not in build, "the build runs for pull requests"
    assert not _grants(build.get("permissions")) & deploy_grants
    deploy = workflow["jobs"]["deploy"]
    assert "pull_request" in deploy["if"] and "!=" in deploy["if"], deploy["if"]
    assert _grants(deploy.get("permissions")) >= deploy_grants


def test_pull_request_builds_run_outside_the_deploy_concurrency_group(workflow):
    assert "concurrency" not in workflow, "a workflow-wide group would hold pull requests and deploys alike"
    deploy_group = workflow["jobs"]["deploy"]["concurrency"]["group"]
    assert workflow["jobs"]["deploy"]["concurrency"].get("cancel-in-progress") is False
    build_group = str(workflow["jobs"]["build"]["concurrency"]["group"])
    assert deploy_group == "pages" and not build_group.startswith(deploy_group), build_group


@pytest.mark.parametrize(
    ("environ", "expected"),
    [
        ({}, None),
        ({"GITHUB_REPOSITORY": "owner/repo"}, ("https://github.com/owner/repo", "owner/repo")),
        (
            {"GITHUB_REPOSITORY": "team/site", "GITHUB_SERVER_URL": "https://git.example.org"},
            ("https://git.example.org/team/site", "team/site"),
        ),
        ({"GITHUB_REPOSITORY": "not-a-repository"}, None),
        ({"GITHUB_REPOSITORY": "o/r", "GITHUB_SERVER_URL": "javascript:alert(1)"}, None),
    ],
)
def test_the_header_repository_link_comes_from_the_environment(environ, expected):
    from builder.mkdocs.hook import repo_link

    assert repo_link(environ) == expected


def test_no_placeholder_repository_link_in_the_config():
    text = (ROOT / "mkdocs.yml").read_text("utf-8")
    assert "example" not in text.split("repo_url:")[1].splitlines()[0]
    assert "example" not in text.split("site_url:")[1].splitlines()[0]
