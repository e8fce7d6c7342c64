"""The executor on a Dask cluster: batches of jobs as tasks, for corpora past one machine.

DaskExecutor() starts a LocalCluster of worker processes on this machine;
DaskExecutor("tcp://HOST:8786") joins a running scheduler (see docs/dev/DASK.md). With
seeds_url, every input a job holds is read by the worker from that folder (a URL through
fsspec, or a path there) rather than from the driver's path (builder.execution.files.relocated). Each
task maps fn over a batch of jobs (builder.execution.batch.run_batch); a batch whose
worker dies is run again on another one, so no job is lost or counted twice. Workers
import the builder themselves: it must be installed where they run, at the same commit
and with the same packages; a worker where it differs refuses every batch (a ConfigError).
"""

from __future__ import annotations

import asyncio
import gc
import importlib.util
import logging
import math
import threading
import uuid
from collections.abc import Callable, Sequence

from distributed import Client, LocalCluster, as_completed
from distributed.comm import connect
from distributed.comm.addressing import parse_address, parse_host_port
from distributed.comm.registry import backends

from builder.errors import ConfigError, ExecutionError
from builder.execution.base import STAGE, Progress
from builder.execution.batch import Elsewhere, check, code_digest, run_checked
from builder.execution.files import check_seeds_url, relocated

log = logging.getLogger(__name__)  # builder.execution.dask: its records reach the "builder" logger's handlers

RETRIES = 2  # a task that fails is run up to this many more times
MAX_BATCH = 64  # jobs per task: at a few ms a job, a task takes well past the scheduler's ~1 ms per task
BATCHES_PER_THREAD = 8  # at least this many tasks for each worker thread, so all stay busy to the end


def _reach(address: str, timeout: float) -> None:
    """Raise ConfigError unless a Dask scheduler at address answers a handshake within timeout.

    distributed's own connect waits for the handshake with no deadline, so a port where
    something accepts connections and never answers would hang the build.
    """
    try:
        scheme, where = parse_address(address)
        if scheme in ("tcp", "tls"):
            parse_host_port(where)
    except ValueError as exc:
        raise ConfigError(
            f"--scheduler {address}: not a Dask scheduler address, such as tcp://HOST:8786 ({exc})"
        ) from None
    if scheme not in backends:
        raise ConfigError(
            f"--scheduler {address}: not a Dask scheduler address, such as tcp://HOST:8786 "
            f"(unknown scheme {scheme!r}; known: {', '.join(sorted(backends))})"
        )

    async def handshake() -> None:
        comm = await connect(address, timeout=timeout)  # retries a refused connection until then
        await comm.close()

    failed: list[BaseException | None] = []

    def run() -> None:  # on a thread of its own: the caller may be inside an event loop
        try:
            asyncio.run(asyncio.wait_for(handshake(), timeout))
        except BaseException as exc:  # noqa: BLE001 - handed to the caller
            failed.append(exc)
        else:
            failed.append(None)

    probe = threading.Thread(target=run, name="dask scheduler probe", daemon=True)
    probe.start()
    probe.join(timeout + 5)
    exc = failed[0] if failed else TimeoutError()
    if exc is not None:
        why = f"{type(exc).__name__}: {exc}" if str(exc) else "no answer"
        raise ConfigError(
            f"--scheduler {address}: cannot reach a Dask scheduler there within {timeout:g} s ({why})"
        )


class DaskExecutor:
    """Run the map on a Dask cluster: a running scheduler at `scheduler`, or a LocalCluster."""

    def __init__(
        self,
        scheduler: str | None = None,
        workers: int = 2,
        batch_size: int | None = None,
        connect_timeout: float = 10,
        seeds_url: str | None = None,
    ) -> None:
        if seeds_url:
            check_seeds_url(seeds_url)
        self.seeds_url = seeds_url or None
        self.batch_size = batch_size
        self.digest = code_digest()  # what the workers' builder must equal
        self.cluster: LocalCluster | None = None
        self.address = scheduler or "a local cluster"
        if scheduler is None:
            try:
                self.cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    host="127.0.0.1",
                    # its web server (the dashboard where bokeh is installed): on this machine only
                    dashboard_address="127.0.0.1:0",
                )
                self.client = Client(self.cluster)
            except Exception as exc:  # noqa: BLE001 - no processes, no ports: said in one line
                if self.cluster is not None:
                    self.cluster.close()
                raise ExecutionError(
                    f"cannot start a local Dask cluster: {type(exc).__name__}: {exc}"
                ) from None
        else:
            _reach(scheduler, connect_timeout)
            failure = None
            try:
                self.client = Client(scheduler, timeout=connect_timeout)
            except (OSError, TimeoutError, ValueError) as exc:
                failure = f"--scheduler {scheduler}: cannot connect to a Dask scheduler there ({type(exc).__name__}: {exc})"
            if failure:
                # the half-made Client must close now: left to the collector, it closed inside the
                # next Client's start and deadlocked on distributed's loop lock
                gc.collect()
                raise ConfigError(failure)
        link = self.dashboard()
        if link:
            log.info("Dask dashboard: %s", link)

    def dashboard(self) -> str | None:
        """Return the link to the cluster's dashboard, or None when it has none."""
        if "dashboard" not in self.client.scheduler_info().get("services", {}):
            return None
        if self.cluster is not None and importlib.util.find_spec("bokeh") is None:
            return None  # the page there only says to install bokeh
        return self.client.dashboard_link

    def threads(self) -> int:
        """Return how many worker threads the cluster has now."""
        return sum(w.get("nthreads", 1) for w in self.client.scheduler_info()["workers"].values())

    def map(self, fn: Callable, jobs: Sequence, progress: Progress | None = None) -> list:
        jobs = list(jobs)
        if not jobs:
            return []
        if self.seeds_url:  # the workers read each article there, checked against the file here
            jobs = [relocated(j, self.seeds_url) for j in jobs]
        threads = self.threads()
        if not threads:
            log.info("the Dask scheduler at %s has no workers yet: the build waits for one", self.address)
        size = self.batch_size or max(
            1, min(MAX_BATCH, math.ceil(len(jobs) / (max(1, threads) * BATCHES_PER_THREAD)))
        )
        starts = range(0, len(jobs), size)
        run = uuid.uuid4().hex  # explicit keys: Dask need not hash the jobs, and two maps never share one
        futures = [
            self.client.submit(
                run_checked,
                self.digest,
                fn,
                jobs[s : s + size],
                s,
                key=f"builder-batch-{run}-{s}",
                pure=False,
                retries=RETRIES,
            )
            for s in starts
        ]
        where = {f.key: s for f, s in zip(futures, starts, strict=True)}
        parts: dict[int, list] = {}
        done = 0
        try:
            for future, part in as_completed(futures, with_results=True):
                if isinstance(part, Elsewhere):
                    raise ConfigError(
                        f"the Dask worker on {part.host} runs another builder than this machine (its code, "
                        f"Python or packages differ: {part.digest[:12]} against {self.digest[:12]}): install "
                        "the same commit there with pip install -e '.[dask]'"
                    )
                check(part)
                parts[where[future.key]] = part
                if progress:  # for each job of the batch: a printer that shows every 50th sees them
                    for k in range(done + 1, done + len(part) + 1):
                        progress(STAGE, k, len(jobs))
                done += len(part)
        except (ExecutionError, ConfigError):
            self.client.cancel(futures)
            raise
        except Exception as exc:  # the cluster lost a batch past its retries (KilledWorker, ...)
            self.client.cancel(futures)
            raise ExecutionError(f"the Dask cluster failed a batch: {type(exc).__name__}: {exc}") from None
        return [r for s in starts for r in parts[s]]

    def close(self) -> None:
        """Disconnect; stop the LocalCluster if this executor started one."""
        self.client.close()
        if self.cluster is not None:
            self.cluster.close()
            self.cluster = None
