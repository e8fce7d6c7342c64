"""Where the per-article map runs: serially, on a process pool, or on a Dask cluster.

An executor maps a picklable top-level function over jobs and returns the
results in order. The function never raises for bad input (it returns a
Rejected record); an exception that escapes it is a bug, raised as
ExecutionError naming the job.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

from builder.execution.local import LocalExecutor

J = TypeVar("J")
R = TypeVar("R")
Progress = Callable[[str, int, int], None]  # (stage, done, total)

__all__ = ["Executor", "LocalExecutor", "Progress", "make_executor"]


class Executor(Protocol):
    def map(self, fn: Callable[[J], R], jobs: Sequence[J], progress: Progress | None = None) -> list[R]: ...

    def close(self) -> None: ...


def make_executor(name: str = "local", scheduler: str | None = None, workers: int | None = None) -> Executor:
    """Return the executor called name ("local" or "dask"); Dask is imported only for "dask"."""
    if name == "local":
        return LocalExecutor(workers)
    if name == "dask":
        from builder.execution.dask import DaskExecutor

        return DaskExecutor(scheduler, workers or 2)
    from builder.errors import ConfigError

    raise ConfigError(f"unknown executor {name!r}: expected local or dask")
