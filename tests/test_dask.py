"""The Dask executor on a LocalCluster of two worker processes (builder/execution/dask.py)."""

from __future__ import annotations

import hashlib
import os
import signal
import socket
import time
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from builder.errors import ConfigError, ExecutionError  # noqa: E402
from builder.execution import STAGE  # noqa: E402
from builder.execution.dask import DaskExecutor  # noqa: E402
from builder.execution.local import LocalExecutor  # noqa: E402

pytestmark = pytest.mark.dask

ROOT = Path(__file__).resolve().parent.parent
KILL_AT = 137  # the job that kills its worker, the first time it runs


def _digest(text: str) -> tuple[int, str]:
    """A toy job: the words of a text and a digest of them."""
    words = text.lower().split()
    return len(words), hashlib.sha256(" ".join(sorted(words)).encode()).hexdigest()[:16]


def _fragile(job: tuple[int, str]) -> tuple[int, int]:
    """A toy job whose KILL_AT kills its own worker process once (the marker file says it did)."""
    n, marker = job
    if n == KILL_AT:
        try:
            with open(marker, "x") as f:
                f.write(str(os.getpid()))
        except FileExistsError:
            pass
        else:
            os.kill(os.getpid(), signal.SIGKILL)
    return n * n, os.getpid()


def _buggy(job: tuple[str, int]) -> int:
    """A toy job with a bug for one input."""
    name, n = job
    if n == 421:
        raise KeyError(name)
    return n


def _jobs():
    """The builder's own per-article jobs over the seeds: (listed file, config)."""
    from builder.config import load_config
    from builder.ingest.discover import discover

    config = load_config(ROOT / "research.yml")
    return [(f, config) for f in discover(ROOT / "seeds", config).files]


@pytest.fixture(scope="module")
def cluster():
    """A DaskExecutor on a LocalCluster of two single-threaded worker processes."""
    ex = DaskExecutor(workers=2)
    yield ex
    ex.close()


TEXTS = [
    f"Статья {n}: la France et le Kazakhstan, Visa {n % 17} und Rückübernahme {'ж' * (n % 5)}"
    for n in range(1000)
]


def test_map_equals_the_local_executor_in_order(cluster):
    seen = []
    got = cluster.map(_digest, TEXTS, lambda *call: seen.append(call))
    assert got == LocalExecutor(2).map(_digest, TEXTS)
    assert got == [_digest(t) for t in TEXTS]
    done = [d for _, d, _ in seen]
    assert done == sorted(done) and len(seen) > 1, seen  # one call per finished batch
    assert seen[-1] == (STAGE, len(TEXTS), len(TEXTS))


def test_the_builders_work_on_the_seeds_equals_the_local_executor(cluster):
    from builder.pipeline import analyse_job

    jobs = _jobs()
    got = cluster.map(analyse_job, jobs)
    assert len(got) == len(jobs) >= 5
    assert got == LocalExecutor(1).map(analyse_job, jobs)


def test_a_killed_worker_loses_and_duplicates_no_job(tmp_path):
    marker = tmp_path / "killed"
    ex = DaskExecutor(workers=2, batch_size=10)
    try:
        got = ex.map(_fragile, [(n, str(marker)) for n in range(400)])
    finally:
        ex.close()
    assert marker.exists(), "the job that kills its worker never ran"
    assert [r for r, _ in got] == [n * n for n in range(400)]
    assert got[KILL_AT][1] != int(marker.read_text()), "the killed worker cannot have returned a result"


def test_an_exception_escaping_a_job_is_an_execution_error_naming_the_job(cluster):
    jobs = [(f"article-{n:04d}.txt", n) for n in range(600)]
    with pytest.raises(ExecutionError, match=r"job 421 \('article-0421.txt', 421\) raised KeyError"):
        cluster.map(_buggy, jobs)
    assert cluster.map(_buggy, jobs[:400]) == list(range(400))  # the executor is still usable


def test_a_worker_running_another_builder_refuses_every_batch(cluster):
    mine = cluster.digest
    cluster.digest = "0" * 64  # as if this machine ran other code than the workers
    try:
        with pytest.raises(
            ConfigError, match=r"the Dask worker on .+ runs another builder than this machine"
        ):
            cluster.map(_digest, TEXTS[:10])
    finally:
        cluster.digest = mine
    assert cluster.map(_digest, TEXTS[:10]) == [_digest(t) for t in TEXTS[:10]]


def test_an_unreachable_scheduler_is_a_config_error_within_the_timeout():
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]  # free once closed: nothing listens there
    start = time.monotonic()
    with pytest.raises(ConfigError, match=f"tcp://127.0.0.1:{port}: cannot reach a Dask scheduler"):
        DaskExecutor(f"tcp://127.0.0.1:{port}", connect_timeout=2)
    assert time.monotonic() - start < 2 + 3  # the timeout, and the time to give up


def _files(seeds: Path, executor) -> dict[str, str]:
    from builder.config import load_config
    from builder.incremental.engine import build

    return dict(build(seeds, load_config(ROOT / "research.yml"), executor=executor).files)


def test_a_whole_build_on_dask_is_byte_identical_to_the_local_one(cluster, tmp_path):
    from benchmarks.corpus import write_corpus

    corpus = tmp_path / "corpus"
    write_corpus(300, 3, corpus)
    for seeds in (ROOT / "seeds", corpus):
        assert _files(seeds, cluster) == _files(seeds, LocalExecutor(2)), seeds.name
