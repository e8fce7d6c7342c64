"""Read an input where a worker finds it: a local path, or a URL through fsspec."""

from __future__ import annotations

import re
from functools import lru_cache

from builder.errors import ConfigError

_PROTOCOL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")  # "s3://", "file://", "memory://"; not "C:\\"
NEEDS_FSSPEC = "reading a URL needs fsspec (pip install -e '.[dask]')"


def has_protocol(location: str) -> bool:
    """Tell whether location is a URL (read through fsspec) rather than a plain path."""
    return bool(_PROTOCOL.match(location))


def read_bytes(location: str) -> bytes:
    """Return the bytes at location; an OSError naming it when they cannot be read.

    A location with a protocol is read through fsspec (installed with the dask extra;
    "s3://" also needs s3fs); anything else is a path on this machine.
    """
    if not has_protocol(location):
        with open(location, "rb") as f:
            return f.read()
    try:
        import fsspec
    except ImportError:
        raise OSError(f"{location}: {NEEDS_FSSPEC}") from None
    try:
        with fsspec.open(location, "rb") as f:
            return f.read()
    except (ImportError, ValueError) as exc:  # no implementation for the protocol, or a malformed URL
        raise OSError(f"{location}: cannot read it ({type(exc).__name__}: {exc})") from None


@lru_cache(maxsize=8)
def _folder(base: str):
    """Return (fsspec file system, its path) of a folder URL: parsed once per process."""
    import fsspec.core

    fs, root = fsspec.core.url_to_fs(base)
    return fs, root.rstrip("/")


def read_under(base: str, rel: str, limit: int) -> bytes:
    """Return up to limit bytes of the file rel ("/"-separated) in the folder at base, through fsspec.

    base is a URL ("s3://bucket/seeds", "file:///shared/seeds") or an absolute path. rel is
    joined to the folder's path as it is: never parsed as a URL or expanded as a pattern.
    Raises ImportError without fsspec (or the protocol's package, such as s3fs), OSError
    for a file that cannot be read, and whatever else the file system's package raises.
    """
    try:
        import fsspec  # noqa: F401
    except ImportError:
        raise ImportError(NEEDS_FSSPEC) from None
    fs, root = _folder(base)
    with fs.open(f"{root}/{rel}", "rb") as f:
        return f.read(limit)


def check_seeds_url(url: str) -> None:
    """Raise ConfigError unless url can name the seeds folder for the workers: a URL of a protocol
    fsspec knows, or an absolute path; and fsspec is installed here."""
    if not has_protocol(url) and not url.startswith("/"):
        raise ConfigError(
            f"--seeds-url {url}: not a URL or an absolute path (such as file:///shared/seeds or "
            "s3://bucket/seeds)"
        )
    try:
        import fsspec
    except ImportError:
        raise ConfigError(f"--seeds-url {url}: {NEEDS_FSSPEC}") from None
    protocol = url.split("://", 1)[0] if has_protocol(url) else "file"
    known = set(fsspec.available_protocols())
    if protocol not in known:
        raise ConfigError(f"--seeds-url {url}: fsspec knows no protocol {protocol!r}")


def relocated(job, url: str):
    """Return job with each part that can be read elsewhere (an `at` method, as ingest's Input has)
    moved to the seeds folder at url; a tuple's parts one level deep; anything else as it is."""
    if hasattr(job, "at"):
        return job.at(url)
    if isinstance(job, tuple):
        return tuple(x.at(url) if hasattr(x, "at") else x for x in job)
    return job
