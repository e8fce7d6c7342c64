"""Process-level settings a build runs under."""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def collector_paused() -> Iterator[None]:
    """Pause Python's cyclic garbage collector for the duration of a build.

    A build makes millions of small objects (sentences, mentions, citations)
    that live until it ends, and each full collection walks all of them again.
    They form no cycles worth collecting; reference counting still frees
    everything as usual. Worker processes run with the collector on.
    """
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()
