"""The executor on this machine: serial for a few jobs, else a process pool over chunks."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from builder.errors import ExecutionError
from builder.execution.base import STAGE, Progress
from builder.execution.batch import check, run_batch

PARALLEL_FROM = 64  # jobs; below this a process pool costs more than it saves
CHUNK = 32  # jobs a worker takes at a time: small, so every core stays busy to the end


def die_with_parent() -> None:
    """Have the kernel kill this process when the process that started it dies (Linux only).

    A build killed with SIGKILL cannot stop its workers itself; without this
    they would live on, orphaned, and keep what they hold.
    """
    try:
        import ctypes
        import signal

        ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG
    except (OSError, AttributeError):  # not Linux
        return


def _worker_start(parent: int) -> None:
    die_with_parent()
    if os.getppid() != parent:  # the build died before prctl took effect
        os._exit(1)
    gc.enable()  # workers start with the collector the build may have paused


class LocalExecutor:
    """Run the map in this process, or on a pool of `workers` processes (default: one per core)."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable, jobs: Sequence, progress: Progress | None = None) -> list:
        jobs = list(jobs)
        if self.workers < 2 or len(jobs) < PARALLEL_FROM:
            out: list = []
            for n, job in enumerate(jobs):
                out.extend(check(run_batch(fn, [job], n)))
                if progress:
                    progress(STAGE, len(out), len(jobs))
            return out
        size = max(1, min(CHUNK, len(jobs) // (self.workers * 8)))
        starts = range(0, len(jobs), size)
        out = []
        pool = ProcessPoolExecutor(self.workers, initializer=_worker_start, initargs=(os.getpid(),))
        try:
            for part in pool.map(run_batch, [fn] * len(starts), [jobs[s : s + size] for s in starts], starts):
                for r in check(part):
                    out.append(r)
                    if progress:  # for each job, as the serial map does
                        progress(STAGE, len(out), len(jobs))
        except BrokenProcessPool as exc:
            raise ExecutionError(f"a worker process died during the map: {exc}") from None
        finally:
            pool.shutdown(wait=True, cancel_futures=True)  # after an error: the chunks not started yet
        return out

    def close(self) -> None:
        """Nothing to release: each map's pool ends with it."""
