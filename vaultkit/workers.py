"""Forked worker processes that end with the process that forked them.

A worker inherits both ends of its pool's pipes, so when its parent is killed (kill -9,
the out-of-memory killer) it never sees an end of file: it would sleep forever,
holding its copy of the parent's memory. `die_with_parent` runs first in every child
the index and the site fork.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
POLL_SECONDS = 0.5


def die_with_parent(parent: int) -> None:
    """In a child forked by `parent` (its pid, taken before the fork): end when it ends.

    On Linux the kernel sends SIGKILL at the parent's death (PR_SET_PDEATHSIG). That
    signal follows the thread that forked, not the process, so the pools are created and
    shut down by one thread (each sync and build does both). Elsewhere, a daemon thread
    notices the parent has gone when this process is handed to another one."""
    if sys.platform.startswith("linux") and _pdeathsig():
        if os.getppid() != parent:  # the parent died before the signal was asked for
            os._exit(1)
        return
    threading.Thread(target=_watch_parent, args=(parent,), name="vaultkit-orphan-check", daemon=True).start()


def _pdeathsig() -> bool:
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return libc.prctl(PR_SET_PDEATHSIG, int(signal.SIGKILL), 0, 0, 0) == 0
    except (OSError, AttributeError):  # no libc to load, or no prctl in it
        return False


def _watch_parent(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(POLL_SECONDS)
    os._exit(1)
