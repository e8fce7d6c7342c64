"""What every executor is: the interface, and the name of the stage it runs."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol, TypeVar

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
