"""The Dask executor on a LocalCluster of two worker processes (builder/execution/dask.py)."""

from __future__ import annotations

import hashlib
import importlib.util
import json
import logging
import os
import shutil
import signal
import socket
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

pytest.importorskip("distributed")

from builder.errors import ConfigError, ExecutionError  # noqa: E402
from builder.execution import STAGE  # noqa: E402
from builder.execution.dask import DaskExecutor  # noqa: E402
from builder.execution.local import LocalExecutor  # noqa: E402
from tests.conftest import build_docs  # noqa: E402

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
    # each job counted once, in order, a batch at a time
    assert seen == [(STAGE, k, len(TEXTS)) for k in range(1, len(TEXTS) + 1)]


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
    with pytest.raises(
        ConfigError, match=f"tcp://127.0.0.1:{port}: cannot reach a Dask scheduler there within 2 s"
    ):
        DaskExecutor(f"tcp://127.0.0.1:{port}", connect_timeout=2)
    assert time.monotonic() - start < 2 + 3  # the timeout, and the time to give up


@pytest.mark.parametrize("address", ["http://127.0.0.1:8786", "localhost", "tcp://"])
def test_a_malformed_scheduler_address_is_a_config_error(address):
    with pytest.raises(ConfigError, match=f"--scheduler {address}: not a Dask scheduler address"):
        DaskExecutor(address, connect_timeout=1)


def test_a_port_where_no_scheduler_answers_is_a_config_error_and_the_next_client_starts(cluster):
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        s.listen()  # connections are accepted, and nothing answers them
        start = time.monotonic()
        with pytest.raises(ConfigError, match="cannot reach a Dask scheduler there within 1 s"):
            DaskExecutor(f"tcp://127.0.0.1:{s.getsockname()[1]}", connect_timeout=1)
        assert time.monotonic() - start < 1 + 3  # distributed alone waited for the handshake forever
    joined = DaskExecutor(cluster.cluster.scheduler_address)  # a failed connection leaves nothing behind
    try:
        assert joined.map(_digest, TEXTS[:3]) == [_digest(t) for t in TEXTS[:3]]
    finally:
        joined.close()


def test_a_running_scheduler_is_joined_and_left_running(cluster):
    address = cluster.cluster.scheduler_address
    assert address.startswith("tcp://127.0.0.1:"), address  # the LocalCluster listens on this machine only
    joined = DaskExecutor(address)
    try:
        assert joined.cluster is None
        assert joined.map(_digest, TEXTS[:300]) == [_digest(t) for t in TEXTS[:300]]
    finally:
        joined.close()
    assert cluster.map(_digest, TEXTS[:5]) == [_digest(t) for t in TEXTS[:5]]  # still running


def test_a_map_waits_for_workers_that_join_later(caplog):
    from distributed import LocalCluster

    with LocalCluster(
        n_workers=0, threads_per_worker=1, processes=True, host="127.0.0.1", dashboard_address=None
    ) as empty:
        joined = DaskExecutor(empty.scheduler_address)
        try:
            with caplog.at_level(logging.INFO, logger="builder"), ThreadPoolExecutor(1) as thread:
                pending = thread.submit(joined.map, _digest, TEXTS[:40])
                while "has no workers yet" not in caplog.text and not pending.done():
                    time.sleep(0.05)
                empty.scale(1)
                assert pending.result(timeout=60) == [_digest(t) for t in TEXTS[:40]]
        finally:
            joined.close()
    assert f"the Dask scheduler at {empty.scheduler_address} has no workers yet" in caplog.text


def test_the_dashboard_is_on_this_machine_or_not_announced(cluster):
    assert cluster.client.dashboard_link.startswith("http://127.0.0.1:"), cluster.client.dashboard_link
    link = cluster.dashboard()
    if importlib.util.find_spec("bokeh") is None:
        assert link is None  # the page there would only ask for bokeh
    else:
        assert link == cluster.client.dashboard_link


def test_the_benchmark_prints_one_json_line_with_equal_records(capsys):
    from benchmarks.dask_map import main

    assert main(["--n", "12", "--pairs", "1", "--workers", "2"]) == 0
    line = json.loads(capsys.readouterr().out)
    assert (line["bench"], line["n"], line["dask_threads"], line["equal_records"]) == (
        "dask_map",
        12,
        2,
        True,
    ), line
    assert len(line["pool_s"]) == len(line["dask_s"]) == len(line["overhead_pairs"]) == 1, line


def _generated(n: int, out: Path) -> Path:
    from benchmarks.corpus import write_corpus

    write_corpus(n, 7, out)
    return out


@pytest.mark.parametrize(
    "articles", [0, 1000]
)  # 0: the seeds; 1,000: the issue's corpus, past the process pool's and the forks' thresholds
def test_the_built_site_is_byte_identical_on_dask(tmp_path, articles):
    """Every file `python -m builder build --no-cache` writes is the same with --executor dask, and
    with workers that read the articles through file:// URLs of a copy of the seeds folder.

    The builder's output (Markdown pages and data/), not a MkDocs site: MkDocs renders those
    files the same whoever made them. At 1,000 articles the three builds take 20-30 s.
    """
    seeds = ROOT / "seeds" if not articles else _generated(articles, tmp_path / "articles")
    copy = tmp_path / "copy of the seeds"  # a space: joined to the URL as it is, never %-encoded
    shutil.copytree(seeds, copy, symlinks=True)
    runs = {
        "local": ("--executor", "local"),
        "dask": ("--executor", "dask"),
        "dask from URLs": ("--executor", "dask", "--seeds-url", "file://" + copy.as_posix()),
    }
    built = {}
    for name, options in runs.items():
        out = tmp_path / name.replace(" ", "-")
        proc = build_docs(seeds, out, "--no-cache", *options)
        assert proc.returncode == 0, proc.stderr
        built[name] = {p.relative_to(out).as_posix(): p.read_bytes() for p in out.rglob("*") if p.is_file()}
    for name in ("dask", "dask from URLs"):
        assert sorted(built[name]) == sorted(built["local"]), name
        differ = sorted(k for k in built["local"] if built["local"][k] != built[name][k])
        assert not differ, (name, differ[:10])
    assert len(built["local"]) > (articles or 5)  # a page per source at least


def test_a_file_the_seeds_url_lacks_or_holds_otherwise_is_rejected_naming_it(tmp_path):
    """The workers read the copy at --seeds-url: a file missing there, or other bytes there than
    here (another size, or the same size), is rejected with the reason; the others are read."""
    seeds = _generated(40, tmp_path / "articles")
    copy = tmp_path / "copy"
    shutil.copytree(seeds, copy)
    names = sorted(p.relative_to(copy).as_posix() for p in copy.rglob("*") if p.is_file())
    gone, longer, same_size = names[3], names[17], names[29]
    (copy / gone).unlink()
    (copy / longer).write_bytes((copy / longer).read_bytes() + b"\n")
    data = (copy / same_size).read_bytes()
    (copy / same_size).write_bytes(data[:-1] + (b"x" if data[-1:] != b"x" else b"y"))
    proc = build_docs(
        seeds, tmp_path / "out", "--no-cache", "--executor", "dask", "--seeds-url", "file://" + str(copy)
    )
    assert proc.returncode == 0, proc.stderr
    size = (copy / longer).stat().st_size
    expected = {
        gone: "cannot read it at the seeds URL: not found there (--seeds-url, RESEARCH_SEEDS_URL)",
        longer: f"differs at the seeds URL from the file here: {size} bytes there, {size - 1} here; not read",
        same_size: "differs at the seeds URL from the file here: same size, other bytes; not read",
    }
    rejected = {ln.split(": rejected: ")[0]: ln for ln in proc.stderr.splitlines() if ": rejected: " in ln}
    assert sorted(rejected) == sorted(expected), proc.stderr
    for file, reason in expected.items():
        assert rejected[file].startswith(f"{file}: rejected: {reason}"), rejected[file]
    assert ", 3 rejected;" in proc.stderr.splitlines()[-1], proc.stderr
