"""The local executor: serially for a few jobs, else on a pool of processes that die with the build."""

from __future__ import annotations

import gc
import os
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor

from builder.errors import BuilderError

PARALLEL_FROM = 64  # jobs; below this a process pool costs more than it saves
CHUNK = 32  # jobs a worker takes at a time: small, so both cores stay busy to the end


class ExecutionError(BuilderError):
    """A job's function raised: a bug in the builder, not bad input."""


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
    gc.enable()  # the build pauses the collector (see collector_paused); workers run with it


class LocalExecutor:
    """Map over jobs in this process, or on a process pool past PARALLEL_FROM jobs."""

    def __init__(self, workers: int | None = None) -> None:
        self.workers = workers or os.cpu_count() or 1

    def map(self, fn: Callable, jobs: Sequence, progress=None) -> list:
        out: list = []
        if self.workers > 1 and len(jobs) >= PARALLEL_FROM:
            chunk = max(1, min(CHUNK, len(jobs) // (self.workers * 8)))
            with ProcessPoolExecutor(
                self.workers, initializer=_worker_start, initargs=(os.getpid(),)
            ) as pool:
                for r in pool.map(_Guarded(fn), jobs, chunksize=chunk):
                    out.append(_unwrap(r, jobs, len(out)))
                    if progress:
                        progress("reading and annotating", len(out), len(jobs))
            return out
        guarded = _Guarded(fn)
        for j in jobs:
            out.append(_unwrap(guarded(j), jobs, len(out)))
            if progress:
                progress("reading and annotating", len(out), len(jobs))
        return out

    def close(self) -> None:
        pass


class _Guarded:
    """fn, with an exception it raises returned as a value (so one job names itself)."""

    def __init__(self, fn: Callable) -> None:
        self.fn = fn

    def __call__(self, job):
        try:
            return True, self.fn(job)
        except Exception as exc:  # noqa: BLE001 - raised again in the build, naming the job
            return False, f"{type(exc).__name__}: {exc}"


def _unwrap(result: tuple, jobs: Sequence, n: int):
    ok, value = result
    if not ok:
        raise ExecutionError(f"{_name(jobs[n])}: analysis failed: {value}")
    return value


def _name(job) -> str:
    """Return what a job is about: the file of a (Input, Config) job, else its repr, cut short."""
    first = job[0] if isinstance(job, tuple) and job else job
    return str(getattr(first, "rel", None) or repr(first)[:80])
