"""Work handed to a forked child while the main process carries on.

Making the plan is serial: one of the two cores most machines give a build waits
meanwhile. Some of its work needs only the notes' text and the pages' addresses,
not the networking model the main process builds next: that work can run beside it.
"""

from __future__ import annotations

import os
import pickle
from collections.abc import Callable
from multiprocessing import get_all_start_methods
from typing import TypeVar

T = TypeVar("T")


def in_child(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work()` in a forked child; returns a function that waits for its result.

    Without fork, or when the child fails, the work is done here when its result is
    asked for: the result is the same either way, only the time differs."""
    if "fork" not in get_all_start_methods():
        return work
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: work, send the result, leave without running exit handlers
        code = 1
        try:
            os.close(read)
            with os.fdopen(write, "wb") as out:
                pickle.dump(work(), out, protocol=pickle.HIGHEST_PROTOCOL)
            code = 0
        finally:
            os._exit(code)
    os.close(write)

    def result() -> T:
        try:
            with os.fdopen(read, "rb") as handle:
                value = pickle.load(handle)
        except (OSError, EOFError, pickle.UnpicklingError):
            value = None
        _, status = os.waitpid(pid, 0)
        return value if status == 0 and value is not None else work()

    return result
