"""Run fn over a batch of jobs in a worker; what both executors send to their workers."""

from __future__ import annotations

import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import PurePath

from builder.errors import ExecutionError


@dataclass(frozen=True)
class Failed:
    """A job whose fn raised: where it is in the map, and the worker's traceback."""

    index: int
    job: str  # a short description of the job (see describe)
    error: str  # "TypeError: ..."
    trace: str


def describe(job: object, limit: int = 160) -> str:
    """Return a short name for a job: its leading strings and paths when it is a tuple, else its repr."""
    if isinstance(job, tuple | list):
        named = [
            repr(str(x) if isinstance(x, PurePath) else x)
            for x in job[:2]
            if isinstance(x, str | PurePath | int)
        ]
        if named:
            return "(" + ", ".join(named) + ")"
    text = repr(job)
    return text if len(text) <= limit else text[: limit - 1] + "…"


def run_batch(fn: Callable, jobs: Sequence, start: int = 0) -> list:
    """Return [fn(job) for job in jobs], with a Failed record in place of a job that raised."""
    out: list = []
    for n, job in enumerate(jobs, start):
        try:
            out.append(fn(job))
        except Exception as exc:  # noqa: BLE001 - reported to the driver, which raises it there
            out.append(Failed(n, describe(job), f"{type(exc).__name__}: {exc}", traceback.format_exc()))
    return out


def check(results: list) -> list:
    """Return results, or raise ExecutionError for the first Failed among them."""
    for r in results:
        if isinstance(r, Failed):
            raise ExecutionError(
                f"job {r.index} {r.job} raised {r.error} (a bug in the builder, not in the input)\n{r.trace}"
            )
    return results
