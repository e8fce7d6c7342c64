"""Run a function in a forked child process and take its result back."""

from __future__ import annotations

import logging
from collections.abc import Callable

from builder.errors import BuilderError
from builder.execution.local import die_with_parent

log = logging.getLogger(__name__)


def _child(send, fn: Callable, args: tuple) -> None:
    die_with_parent()
    try:
        value = (True, fn(*args))
    except BaseException as exc:  # handed to the parent, which raises it
        value = (False, exc)
    try:
        send.send(value)
    except Exception as exc:  # an unpicklable result or error: say what it was
        send.send((False, BuilderError(f"{fn.__name__} in a child process: {exc!r}")))
    send.close()


def forked(fn: Callable, *args):
    """Return fn(*args), run in a forked child; raise what it raised.

    Fork shares the parent's memory as it is, so the arguments are not copied;
    the result comes back pickled, and what fn allocated is gone with the
    child. Where fork is missing or fails, or the child dies, fn runs here.
    """
    import multiprocessing

    if "fork" not in multiprocessing.get_all_start_methods():
        return fn(*args)
    ctx = multiprocessing.get_context("fork")
    recv, send = ctx.Pipe(duplex=False)
    child = ctx.Process(target=_child, args=(send, fn, args))  # not daemonic: it starts a pool
    try:
        child.start()
    except (AssertionError, OSError) as exc:  # in a daemonic process, or no process left
        log.debug("cannot fork for %s: %s", fn.__name__, exc)
        recv.close()
        send.close()
        return fn(*args)
    send.close()
    try:
        ok, value = recv.recv()
    except EOFError:  # the child died before it answered
        log.debug("%s in a child process died", fn.__name__)
        ok, value = None, None
    finally:
        recv.close()
        child.join()
    if ok is None:
        return fn(*args)
    if not ok:
        raise value
    return value
