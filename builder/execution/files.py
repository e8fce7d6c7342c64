"""Read an input where a worker finds it: a local path, or a URL through fsspec."""

from __future__ import annotations

import re

_PROTOCOL = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*://")  # "s3://", "file://", "memory://"; not "C:\\"


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
        raise OSError(f"{location}: reading a URL needs fsspec (pip install -e '.[dask]')") from None
    try:
        with fsspec.open(location, "rb") as f:
            return f.read()
    except (ImportError, ValueError) as exc:  # no implementation for the protocol, or a malformed URL
        raise OSError(f"{location}: cannot read it ({type(exc).__name__}: {exc})") from None
