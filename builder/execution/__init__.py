"""Where the per-article map runs: serially, on a process pool, or on a Dask cluster.

Every executor returns [fn(job) for job in jobs] in order. fn is a picklable top-level
function that returns a record for bad input (a Rejected) rather than raise; an
exception escaping it is a bug in the builder, raised as ExecutionError naming the job.
Dask is imported only when the "dask" executor is asked for.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from builder.errors import ConfigError, ExecutionError

__all__ = ["EXECUTORS", "STAGE", "ExecutionError", "Executor", "Progress", "make_executor"]

J = TypeVar("J")
R = TypeVar("R")
Progress = Callable[[str, int, int], None]  # (stage, done, total)
STAGE = "reading and annotating"  # what progress calls the map (the only one the builder runs)
EXECUTORS = ("local", "dask")


class Executor(Protocol):
    def map(self, fn: Callable[[J], R], jobs: Sequence[J], progress: Progress | None = None) -> list[R]:
        """Return [fn(job) for job in jobs], in order."""
        ...

    def close(self) -> None:
        """Release the workers (and a cluster the executor started)."""
        ...


def make_executor(name: str = "local", scheduler: str | None = None, workers: int | None = None) -> Executor:
    """Return the executor called name; a ConfigError for an unknown one or a missing extra."""
    if name == "local":
        if scheduler:
            raise ConfigError(f"--scheduler {scheduler} needs --executor dask")
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
    raise ConfigError(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
