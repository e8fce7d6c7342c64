"""Where the per-article map runs: serially, on a process pool, or on a Dask cluster.

Every executor returns [fn(job) for job in jobs] in order. fn is a picklable top-level
function that returns a record for bad input (a Rejected) rather than raise; an
exception escaping it is a bug in the builder, raised as ExecutionError naming the job.
Dask is imported only when the "dask" executor is asked for.
"""

from __future__ import annotations

from builder.errors import ConfigError, ExecutionError
from builder.execution.base import EXECUTORS, STAGE, Executor, Progress

__all__ = [
    "EXECUTORS",
    "STAGE",
    "ExecutionError",
    "Executor",
    "Progress",
    "check_choice",
    "make_executor",
]


def make_executor(
    name: str = "local",
    scheduler: str | None = None,
    workers: int | None = None,
    seeds_url: str | None = None,
) -> Executor:
    """Return the executor called name; a ConfigError for an unknown one or a missing extra.

    seeds_url (dask only): where the workers read the seeds folder, a URL (fsspec) or a path.
    """
    check_choice(name, scheduler, seeds_url)
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
        return DaskExecutor(scheduler, workers or 2, seeds_url=seeds_url)
    raise AssertionError(name)  # check_choice knows every name


def check_choice(name: str, scheduler: str | None = None, seeds_url: str | None = None) -> None:
    """Raise ConfigError for an unknown executor, or a scheduler or seeds URL given to the local one
    (which reads the seeds folder itself: a URL it would not read must not pass unnoticed)."""
    if name not in EXECUTORS:
        raise ConfigError(f"unknown executor {name!r}: choose one of {', '.join(EXECUTORS)}")
    if name == "local" and scheduler:
        raise ConfigError(f"--scheduler {scheduler} needs --executor dask")
    if name == "local" and seeds_url:
        raise ConfigError(
            f"--seeds-url {seeds_url} needs --executor dask (the local executor reads the --seeds folder)"
        )
