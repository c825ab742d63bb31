"""Work handed to a forked child while the main process carries on.

Making the plan is serial: one of the two cores most machines give a build waits
meanwhile. Some of its work needs only the notes' text and the pages' addresses,
not the networking model the main process builds next: that work can run beside it.
"""

from __future__ import annotations

import gc
import mmap
import os
import pickle
import select
import signal
from collections.abc import Callable
from multiprocessing import get_all_start_methods, get_context
from typing import TypeVar

from ..workers import die_with_parent

T = TypeVar("T")


def in_child(work: Callable[[], T]) -> Callable[[], T]:
    """Start `work()` in a forked child; returns a function that waits for its result.

    Without fork, or when the child fails, the work is done here when its result is
    asked for: the result is the same either way, only the time differs."""
    if "fork" not in get_all_start_methods():
        return work
    read, write = os.pipe()
    parent = os.getpid()
    pid = os.fork()
    if pid == 0:  # the child: work, send the result, leave without running exit handlers
        code = 1
        try:
            die_with_parent(parent)
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


FREE, AHEAD, READY, TAKEN = 0, 1, 2, 3  # a chunk's state in `ChunksAhead`


class ChunksAhead:
    """Chunks of work that a forked child does ahead, from the last chunk backwards, while
    the main process makes what the rest of the work needs; worker processes forked later
    take the chunks from the front, each with the child's result when it got there first.
    The child runs at a lower priority (it is to use a core that would wait, not to slow
    the main process) and takes no chunk once the workers start (`close_queue`): then the
    cores are theirs.

    The child and the workers share (being forked after they are made) a lock, each
    chunk's state and an anonymous shared mapping that the child appends its pickled
    results to; a chunk is never done twice, and the child stops at the first chunk a
    worker took. A result that does not fit, or a child that fails, leaves its chunk to
    the worker: the output is the same either way, only the time differs."""

    def __init__(self, count: int, room: int, work: Callable[[int], T]):
        context = get_context("fork")
        self.lock = context.Lock()
        self.states = context.RawArray("b", count)
        self.spans = context.RawArray("q", 2 * count)  # each ready chunk's (offset, length) in the mapping
        self.taking = context.RawValue("b", 1)  # whether the child may take another chunk
        self.buffer = mmap.mmap(-1, max(room, mmap.PAGESIZE))  # shared; memory only where written
        read, write = os.pipe()  # the child holds the only write end: at its end, the read end sees EOF
        parent = os.getpid()
        self.pid = os.fork()
        if self.pid == 0:
            code = 1
            try:
                die_with_parent(parent)
                os.close(read)
                os.nice(10)
                gc.freeze()  # what it inherits is for reading: no collection walks it
                gc.enable()
                self._run(work)
                code = 0
            finally:
                os._exit(code)
        os.close(write)
        self.gone = read

    def _run(self, work: Callable[[int], T]) -> None:
        end = 0
        for number in reversed(range(len(self.states))):
            with self.lock:
                if self.states[number] != FREE or not self.taking.value:
                    return
                self.states[number] = AHEAD
            state = FREE
            try:
                data = pickle.dumps(work(number), protocol=pickle.HIGHEST_PROTOCOL)
                if end + len(data) <= len(self.buffer):
                    self.buffer[end : end + len(data)] = data
                    self.spans[2 * number], self.spans[2 * number + 1] = end, len(data)
                    end += len(data)
                    state = READY
            finally:
                with self.lock:
                    self.states[number] = state
            if state != READY:
                return

    def close_queue(self) -> None:
        """No more chunks for the child (it finishes the one it is at)."""
        with self.lock:
            self.taking.value = 0

    def take(self, number: int) -> T | None:
        """In a worker: the child's result for chunk `number`, or None when the chunk is
        the worker's to do (the child did not get to it, or failed on it)."""
        while True:
            with self.lock:
                state = self.states[number]
                if state == FREE or (state == AHEAD and self._ended()):
                    self.states[number] = TAKEN
                    return None
            if state == READY:
                start, length = self.spans[2 * number], self.spans[2 * number + 1]
                return pickle.loads(self.buffer[start : start + length])
            select.select([self.gone], [], [], 0.005)  # the child is at it: wait for it, or its end

    def _ended(self) -> bool:
        return bool(select.select([self.gone], [], [], 0)[0])

    def close(self, stop: bool = False) -> None:
        """In the main process, once the workers are done (then the child has stopped, or
        is about to, at a chunk they took), or with `stop` on the way out of an error."""
        if stop and not self._ended():
            os.kill(self.pid, signal.SIGKILL)
        os.waitpid(self.pid, 0)
        os.close(self.gone)
        self.buffer.close()
