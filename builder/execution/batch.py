"""Run fn over a batch of jobs in a worker; what both executors send to their workers."""

from __future__ import annotations

import hashlib
import importlib.metadata
import platform
import re
import socket
import traceback
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path, PurePath

from builder.errors import ExecutionError

DISTRIBUTION = "kz-eu-research-site"  # pyproject's project name: its requirements' versions count too


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


@dataclass(frozen=True)
class Elsewhere:
    """A batch a worker refused: its builder or packages differ from the driver's (see code_digest)."""

    host: str
    digest: str


@lru_cache(maxsize=1)
def code_digest() -> str:
    """Return a digest of this process's builder: its source and tables, Python, its packages' versions.

    Workers whose digest differs from the driver's would make other records from the same
    article, so a batch is only run where they are equal (run_checked).
    """
    pkg = Path(__file__).resolve().parent.parent
    h = hashlib.sha256(f"python {platform.python_version()}\0".encode())
    for p in sorted(f for pattern in ("*.py", "*.yml", "*.j2") for f in pkg.rglob(pattern)):
        h.update(p.relative_to(pkg).as_posix().encode() + b"\0" + p.read_bytes() + b"\0")
    try:
        wanted = importlib.metadata.requires(DISTRIBUTION) or []
    except importlib.metadata.PackageNotFoundError:  # run from a source folder that is not installed
        wanted = []
    for req in sorted(r for r in wanted if "extra ==" not in r):
        name = re.match(r"[A-Za-z0-9][A-Za-z0-9._-]*", req)
        if name:
            try:
                version = importlib.metadata.version(name.group(0))
            except importlib.metadata.PackageNotFoundError:
                version = "missing"
            h.update(f"{name.group(0)}=={version}\0".encode())
    return h.hexdigest()


def run_checked(digest: str, fn: Callable, jobs: Sequence, start: int = 0) -> list | Elsewhere:
    """Return run_batch(fn, jobs, start) where this process's code_digest() is digest, else Elsewhere."""
    here = code_digest()
    if here != digest:
        return Elsewhere(socket.gethostname(), here)
    return run_batch(fn, jobs, start)
