"""Where the per-article map runs: serially, on a process pool, or on a Dask cluster.

Every executor returns [fn(job) for job in jobs] in order. fn is a picklable top-level
function that returns a record for bad input (a Rejected) rather than raise; an
exception escaping it is a bug in the builder, raised as ExecutionError naming the job.
Dask is imported only when the "dask" executor is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from builder.errors import ConfigError, ExecutionError
from builder.execution.base import EXECUTORS, STAGE, Executor, J, Progress, R

__all__ = [
    "EXECUTORS",
    "STAGE",
    "ExecutionError",
    "Executor",
    "Progress",
    "check_choice",
    "make_executor",
    "run_map",
]


def make_executor(name: str = "local", scheduler: str | None = None, workers: int | None = None) -> Executor:
    """Return the executor called name; a ConfigError for an unknown one or a missing extra."""
    check_choice(name, scheduler)
    if name == "local":
        from builder.execution.local import LocalExecutor

        return LocalExecutor(workers)
    if name == "dask":
        try:
            from builder.execution.dask import DaskExecutor
        except ImportError as exc:
            raise ConfigError(
                f"--executor dask needs Dask: pip install -e '.[dask]' ({type(exc).__name__}: {exc})"
            ) from None
        return DaskExecutor(scheduler, workers or 2)
    raise AssertionError(name)  # check_choice knows every name


def check_choice(name: str, scheduler: str | None = None) -> None:
    """Raise ConfigError for an unknown executor, or a scheduler given to the local one."""
    if name not in EXECUTORS:
        raise ConfigError(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
    if name == "local" and scheduler:
        raise ConfigError(f"--scheduler {scheduler} needs --executor dask")


def run_map(
    fn: Callable[[J], R],
    jobs: Sequence[J],
    name: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    progress: Progress | None = None,
) -> list[R]:
    """Return [fn(job) for job in jobs] on an executor made for them and closed after; none for no jobs.

    Closed before the caller goes on, so that no cluster client (threads, sockets) is alive
    when the build forks its children; and a build with nothing to read starts nothing
    (and so does not notice an unreachable scheduler).
    """
    check_choice(name, scheduler)
    if not jobs:
        return []
    executor = make_executor(name, scheduler, workers)
    try:
        return executor.map(fn, jobs, progress)
    finally:
        executor.close()
