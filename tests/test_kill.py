"""A killed build leaves nothing behind that stops the next one: no live worker, no held lock."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import psutil
import pytest

from benchmarks.corpus import write_corpus

ROOT = Path(__file__).resolve().parent.parent


def _cmd(seeds: Path, out: Path, cache: Path) -> list[str]:
    return [
        sys.executable, "-m", "builder", "build", "-q",
        "--seeds", str(seeds), "--out", str(out), "--cache", str(cache),
        "--config", str(ROOT / "research.yml"), "--jobs", "2",
    ]  # fmt: skip


def _tree(out: Path) -> dict[str, bytes]:
    return {
        p.relative_to(out).as_posix(): p.read_bytes()
        for p in sorted(out.rglob("*"))
        if p.is_file() and not p.name.startswith(".generated")
    }


@pytest.fixture(scope="module")
def corpus(tmp_path_factory) -> tuple[Path, dict[str, bytes]]:
    """A corpus big enough for the process pool, and its clean build."""
    seeds = tmp_path_factory.mktemp("kill-seeds")
    write_corpus(240, 7, seeds)
    clean = tmp_path_factory.mktemp("kill-clean")
    proc = subprocess.run(
        _cmd(seeds, clean / "docs", clean / "cache"), cwd=ROOT, capture_output=True, text=True, timeout=300
    )
    assert proc.returncode == 0, proc.stderr
    return seeds, _tree(clean / "docs")


@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
@pytest.mark.parametrize("after", [0.8, 2.5])
def test_the_build_after_a_killed_one_finishes_and_equals_a_clean_build(tmp_path, corpus, sig, after):
    seeds, clean = corpus
    out, cache = tmp_path / "docs", tmp_path / "cache"
    proc = subprocess.Popen(
        _cmd(seeds, out, cache), cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    family: set[psutil.Process] = set()
    deadline = time.monotonic() + after
    while time.monotonic() < deadline and proc.poll() is None:
        try:
            family |= set(psutil.Process(proc.pid).children(recursive=True))
        except psutil.NoSuchProcess:
            break
        time.sleep(0.05)
    os.kill(proc.pid, sig) if proc.poll() is None else None
    proc.wait(timeout=30)
    gone, alive = psutil.wait_procs(list(family), timeout=10)
    assert [p.pid for p in alive] == []  # no process of the killed build outlives it
    again = subprocess.run(
        _cmd(seeds, out, cache), cwd=ROOT, capture_output=True, text=True, timeout=300
    )  # a hang here (a lock still held) fails the test through the timeout
    assert again.returncode == 0, again.stderr
    assert _tree(out) == clean
