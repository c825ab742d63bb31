"""Keep the index exact while files change: `vaultkit watch`, and `serve` after it.

The design, after mkdocs' livereload: the watchdog observer's thread only records
which vault-relative paths were touched, into a set under a lock. One consumer
thread waits for a short quiet period (so that a save, a `git checkout` or a sync
tool's burst arrives as one batch, but never longer than `max_delay`, so that a
constant stream is still applied), then runs the index's incremental sync for
exactly those paths, and logs one line. An update that fails is logged and the
loop goes on.

The watcher only makes syncing faster; it is never the only way the index learns.
Start-up runs a full sync (changes made while nothing was watching are picked up),
and when the kernel's event queue overflows, the next update is a full sync too.

    watcher = Watcher(root, on_update=lambda report, paths: ...)
    watcher.start()      # full sync, then watch in the background
    ...
    watcher.stop()       # finish (or roll back) the update in progress, stop
"""

from __future__ import annotations

import itertools
import logging
import os
import threading
import time
import warnings
from collections.abc import Callable
from pathlib import Path

from watchdog.events import (
    DirCreatedEvent,
    DirDeletedEvent,
    DirMovedEvent,
    FileAttribEvent,
    FileClosedEvent,
    FileCreatedEvent,
    FileDeletedEvent,
    FileModifiedEvent,
    FileMovedEvent,
    FileSystemEvent,
    FileSystemEventHandler,
)
from watchdog.observers import Observer

from .errors import VaultError, VaultkitError
from .index import Index, SyncReport
from .vault import CONFIG_FILE, Config, in_vault, is_text, load_config

logger = logging.getLogger("vaultkit.watch")

# watchdog 7 warns, with a page-long repr, when a new folder is registered twice (from
# its create event and from the walk that catches files made before the watch): harmless.
warnings.filterwarnings("ignore", message="Callback with id", category=RuntimeWarning, module="watchdog")

QUIET_SECONDS = 0.05  # a save is a few events within a millisecond or two; 50 ms is plenty
# When every file touched was closed after writing (or renamed, deleted), the write is
# over: only the events that follow at once (a backup file removed, a rename's other
# half) are waited for. Where the kernel reports no closes (macOS), `QUIET_SECONDS` holds.
SETTLE_SECONDS = 0.005
MAX_DELAY_SECONDS = 1.0  # under a constant stream of events, apply what came at least this often
RETRY_SECONDS = (0.5, 30.0)  # after a failed update: first and longest wait before retrying

# What we ask the kernel for. Not opens, reads or closes without a write: syncing reads
# files, and a watcher woken by its own reads would never rest. Directory "modified"
# events (a child came or went) are dropped too: the child's own event names it.
EVENTS = [
    FileCreatedEvent, FileModifiedEvent, FileAttribEvent, FileClosedEvent, FileDeletedEvent, FileMovedEvent,
    DirCreatedEvent, DirDeletedEvent, DirMovedEvent,
]
WANTED = frozenset(EVENTS)
# Events after which a file is whole; a write still open is waited for.
FINISHED = frozenset({FileClosedEvent, FileDeletedEvent, FileMovedEvent, FileAttribEvent, DirDeletedEvent, DirMovedEvent})

# watchdog (inotify) reports a kernel queue overflow only as this log record.
OVERFLOW_LOGGER = "watchdog.observers.inotify_c"

UpdateCallback = Callable[[SyncReport, "frozenset[str] | None"], None]


class Stopped(Exception):
    """Raised inside a sync when the watcher is asked to stop: nothing is committed."""


def format_update(report: SyncReport) -> str:
    """The one log line per update: `+2 ~1 -0 files, 3 links re-resolved, 14 ms`."""
    return (
        f"+{report.added} ~{report.changed} -{report.removed} files, "
        f"{report.rerouted} links re-resolved, {report.seconds * 1000:.0f} ms"
    )


class Watcher:
    """Keeps one vault's index in step with its files, on a background thread.

    `on_update(report, paths)` is called on the watcher's thread after each applied
    update, with the sync's report and the vault-relative paths it looked at (None
    after a full sync: anything may have changed). An exception in it is logged.
    """

    def __init__(
        self,
        root: Path | str,
        on_update: UpdateCallback | None = None,
        quiet: float = QUIET_SECONDS,
        max_delay: float = MAX_DELAY_SECONDS,
    ):
        self.root = Path(root).resolve()
        self.on_update = on_update
        self.quiet = quiet
        self.max_delay = max_delay
        self.config: Config = load_config(self.root)
        self.index = Index.open(self.root, self.config)
        self._prefix = str(self.root) + os.sep
        self._lock = threading.Condition()
        self._pending: set[str] = set()  # vault-relative paths touched since the last update
        self._writing: set[str] = set()  # those of them written to and not closed yet
        self._full_sync_due = False
        self._last_event = 0.0
        self._busy = False
        self._stopping = False
        self._observer = None
        self._thread: threading.Thread | None = None
        self._overflow_handler = _OverflowHandler(self)
        # Counters, for logs, tests and benchmarks.
        self.updates = 0
        self.failures = 0
        self.overflows = 0

    # -- life cycle ----------------------------------------------------------------
    def start(self) -> SyncReport:
        """Watch, then run the full start-up sync (in the caller's thread), then apply
        changes in the background. Returns the start-up sync's report."""
        logging.getLogger(OVERFLOW_LOGGER).addHandler(self._overflow_handler)
        # The observer starts first, so that a change made during the full sync is
        # recorded and applied after it rather than lost between the two.
        self._observer = Observer()
        try:
            self._observer.schedule(_Recorder(self), str(self.root), recursive=True, event_filter=EVENTS)
            self._observer.start()
        except OSError as error:
            self._observer = None
            self.close()
            raise VaultError(_watch_error(self.root, error)) from None
        try:
            report = self.index.sync(progress=self._check_stop)
        except BaseException:
            self.stop()
            raise
        self._thread = threading.Thread(target=self._run, name="vaultkit-watch", daemon=True)
        self._thread.start()
        return report

    def stop(self) -> None:
        """Stop watching. An update in progress commits, or rolls back if it is still
        reading files; recorded but unapplied changes are left for the next start."""
        with self._lock:
            self._stopping = True
            self._lock.notify_all()
        if self._observer is not None:
            self._observer.stop()
            if self._observer.is_alive():
                self._observer.join()
            self._observer = None
        if self._thread is not None and self._thread is not threading.current_thread():
            self._thread.join()
        self._thread = None
        self.close()

    def close(self) -> None:
        logging.getLogger(OVERFLOW_LOGGER).removeHandler(self._overflow_handler)
        self.index.close()

    def __enter__(self) -> "Watcher":
        self.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.stop()

    def settled(self) -> bool:
        """No change recorded and none being applied: the index matches the last events seen.

        (An event the kernel has not delivered yet is not seen: poll the index for the
        state you expect rather than trusting this alone right after a change.)"""
        with self._lock:
            return not self._pending and not self._full_sync_due and not self._busy

    def wait_settled(self, timeout: float) -> bool:
        deadline = time.monotonic() + timeout
        with self._lock:
            while self._pending or self._full_sync_due or self._busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._lock.wait(left)
            return True

    # -- the event thread: record, nothing more --------------------------------------
    def record(self, *absolute_paths: str, finished: bool = False) -> None:
        """`finished`: the event says these files are whole (see `FINISHED`)."""
        wanted = []
        for path in (self._relative(path) for path in absolute_paths if path):
            if path is not None and not is_text(path):
                # A name that is not UTF-8: sync the folder that holds it, whose scan
                # reports it (the whole vault when it is at the top).
                path = "/".join(itertools.takewhile(is_text, path.split("/")))
                if not path:
                    self.request_full_sync(overflowed=False)
                    continue
            if path is not None and in_vault(path, self.config):
                wanted.append(path)
        if not wanted:
            return
        with self._lock:
            self._pending.update(wanted)
            if finished:
                self._writing.difference_update(wanted)
            else:
                self._writing.update(wanted)
            self._last_event = time.monotonic()
            self._lock.notify_all()

    def request_full_sync(self, overflowed: bool = True) -> None:
        """Compare every file next time: events were lost (the kernel's queue overflowed), or
        name a file whose folder cannot be named alone."""
        with self._lock:
            self.overflows += overflowed
            self._full_sync_due = True
            self._last_event = time.monotonic()
            self._lock.notify_all()

    def _relative(self, path: str) -> str | None:
        if not path.startswith(self._prefix):
            return None  # the vault folder itself, or a move from outside it
        relative = path[len(self._prefix):]
        return relative.replace(os.sep, "/") if os.sep != "/" else relative

    # -- the consumer thread ---------------------------------------------------------
    def _run(self) -> None:
        retry = 0.0
        while True:
            batch = self._next_batch(retry)
            if batch is None:
                return
            paths, full = batch
            try:
                self._apply(paths, full)
                retry = 0.0
            except Stopped:
                return
            except Exception as error:  # noqa: BLE001 - the loop must outlive any one update
                self.failures += 1
                retry = min(max(retry * 2, RETRY_SECONDS[0]), RETRY_SECONDS[1])
                logger.error(
                    "update failed: %s: %s; retrying in %.1f s", type(error).__name__, error, retry,
                    exc_info=bool(os.environ.get("VAULTKIT_DEBUG")),
                )
                with self._lock:  # try again: a lock held too long, a file being swapped
                    self._pending.update(paths)
                    self._full_sync_due |= full
            finally:
                with self._lock:
                    self._busy = False
                    self._lock.notify_all()

    def _next_batch(self, retry: float) -> tuple[set[str], bool] | None:
        """Wait for events, then for quiet (at most `max_delay`); take what was recorded."""
        with self._lock:
            while not (self._pending or self._full_sync_due or self._stopping):
                self._lock.wait()
            first = time.monotonic()
            while not self._stopping:
                now = time.monotonic()
                quiet = self.quiet if self._writing or self._full_sync_due else min(self.quiet, SETTLE_SECONDS)
                due = min(max(self._last_event, first) + quiet, first + self.max_delay)
                due = max(due, first + retry)
                if now >= due:
                    break
                self._lock.wait(due - now)
            if self._stopping:
                return None
            paths, self._pending = self._pending, set()
            self._writing.clear()  # (a write still open sends its close later: applied again then)
            full, self._full_sync_due = self._full_sync_due, False
            self._busy = True
            return paths, full

    def _apply(self, paths: set[str], full: bool) -> None:
        rebuild = False
        if CONFIG_FILE in paths:
            rebuild = self._reload_config()
        if full or rebuild:
            logger.info("full sync (%s)", "vaultkit.yml changed" if rebuild else "event queue overflowed")
            report = self.index.sync(full=rebuild, progress=self._check_stop)
            changed: frozenset[str] | None = None
        else:
            report = self.index.sync(paths=sorted(paths), progress=self._check_stop)
            changed = frozenset(paths)
        self.updates += 1
        for warning in report.warnings:
            logger.warning("%s", warning)
        if report.added or report.changed or report.removed or report.rerouted:
            logger.info("%s", format_update(report))
        else:
            logger.debug("%s", format_update(report))
        if self.on_update is not None:
            try:
                self.on_update(report, changed)
            except Exception as error:  # noqa: BLE001 - someone else's code must not stop the loop
                self.failures += 1
                logger.error("update callback failed: %s: %s", type(error).__name__, error,
                             exc_info=bool(os.environ.get("VAULTKIT_DEBUG")))

    def _reload_config(self) -> bool:
        """A changed vaultkit.yml may change what is indexed: rebuild with the new one."""
        try:
            config = load_config(self.root)
        except VaultkitError as error:
            logger.error("%s; keeping the previous settings", error)
            return False
        if config == self.config:
            return False
        self.config = config
        self.index.config = config
        return True

    def _check_stop(self, done: int, total: int) -> None:
        if self._stopping:
            raise Stopped()


class _Recorder(FileSystemEventHandler):
    """Runs on watchdog's thread: hands the paths to the watcher, does nothing else."""

    def __init__(self, watcher: Watcher):
        self.watcher = watcher

    def dispatch(self, event: FileSystemEvent) -> None:
        if type(event) not in WANTED:
            return
        # A move names both ends (a rename within the vault, or a move in or out of
        # it); a folder's event names the folder, and the sync walks it.
        self.watcher.record(os.fsdecode(event.src_path), os.fsdecode(event.dest_path or b""),
                            finished=type(event) in FINISHED)


class _OverflowHandler(logging.Handler):
    def __init__(self, watcher: Watcher):
        super().__init__(logging.WARNING)
        self.watcher = watcher

    def emit(self, record: logging.LogRecord) -> None:
        if "overflow" in record.getMessage().lower():
            self.watcher.request_full_sync()


def _watch_error(root: Path, error: OSError) -> str:
    if error.errno in (28, 24):  # ENOSPC, EMFILE: inotify's per-user limits
        return (
            f"{root}: cannot watch every folder: the system's inotify limit is reached ({error.strerror}); "
            "raise it with `sudo sysctl fs.inotify.max_user_watches=524288` "
            "(and fs.inotify.max_user_instances)"
        )
    return f"{root}: cannot watch: {error.strerror or error}"


def run_watch(root: Path) -> None:
    """`vaultkit watch`: log to stderr, watch until Ctrl-C or SIGTERM, then stop cleanly."""
    import signal

    handler = logging.StreamHandler()
    handler.setFormatter(logging.Formatter("%(asctime)s %(message)s", "%H:%M:%S"))
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    logger.propagate = False

    def interrupt(signum: int, frame: object) -> None:
        raise KeyboardInterrupt

    # SIGTERM (a service manager, `kill`) stops as cleanly as Ctrl-C: the exception
    # reaches this thread wherever it is, and SQLite rolls back anything uncommitted.
    previous = signal.signal(signal.SIGTERM, interrupt)
    watcher = Watcher(root)
    stopped = threading.Event()
    try:
        logger.info("syncing %s", root)
        report = watcher.start()
        for warning in report.warnings:
            logger.warning("%s", warning)
        logger.info("%s", report.summary())
        logger.info("watching %s (Ctrl-C to stop)", root)
        stopped.wait()  # interruptible: signals are handled in this, the main thread
    except (KeyboardInterrupt, Stopped):
        pass
    finally:
        watcher.stop()
        signal.signal(signal.SIGTERM, previous)
        logger.info("stopped")
        logger.removeHandler(handler)
