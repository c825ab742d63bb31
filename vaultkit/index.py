"""The index: a SQLite cache of the vault's notes, properties, links, tags and aliases.

It lives in `<vault>/.vaultkit/index.sqlite` and is always safe to delete. Sync is
incremental, in the style of zk: a diff of (path, mtime, size) between the disk and
the index, a content hash to skip files touched but not changed, one transaction
per sync, and re-resolution of exactly the links whose target can change when a
file appears or disappears. The result is the same as a fresh full index; a
hypothesis property test holds us to that.
"""

from __future__ import annotations

import errno
import gc
import hashlib
import json
import marshal
import os
import sqlite3
import sys
import time
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from multiprocessing import get_context
from pathlib import Path
from typing import Any, NamedTuple

from .errors import VaultError
from .model import Heading, Link, Note, Problem
from .resolve import Resolver, file_keys, name_key
from .vault import STATE_DIR, Config, Stat, conflict_copy_problems, is_note_path, load_config, scan
from .workers import die_with_parent

SCHEMA_VERSION = 5  # 2: properties.line, for schema problems at `path:line`; 3: meta; 4: links.low_confidence;
# 5: no index on properties.key (slower than a scan for the one query by key) nor on tags.tag (unused)
PARSER_VERSION = 6  # bump when parsing changes what it extracts: forces a re-parse
USER_VERSION = SCHEMA_VERSION * 1000 + PARSER_VERSION
APPLICATION_ID = 0x564B4954  # "VKIT": tells our database from a foreign one
MAX_NOTE_BYTES = 16 * 1024 * 1024
INDEX_FILE = "index.sqlite"
ABANDONED_SECONDS = 3600  # a first index still unpublished after an hour was left by a crash
PARALLEL_THRESHOLD = 256  # below this many files, a process pool costs more than it saves

# The index files this process opened: where a damaged page met by a read is to be
# blamed (the CLI removes them and runs the command again, see `cli.Group`).
OPENED: set[Path] = set()

SCHEMA = """
CREATE TABLE files(path TEXT PRIMARY KEY, mtime_ns INTEGER NOT NULL, size INTEGER NOT NULL,
                   hash TEXT NOT NULL, is_note INTEGER NOT NULL) WITHOUT ROWID;
CREATE TABLE notes(path TEXT PRIMARY KEY, title TEXT NOT NULL, type TEXT,
                   headings TEXT NOT NULL, block_ids TEXT NOT NULL) WITHOUT ROWID;
CREATE TABLE properties(path TEXT NOT NULL, ordinal INTEGER NOT NULL, key TEXT NOT NULL,
                        value TEXT NOT NULL, line INTEGER NOT NULL, PRIMARY KEY(path, ordinal)) WITHOUT ROWID;
CREATE TABLE links(source TEXT NOT NULL, ordinal INTEGER NOT NULL, line INTEGER NOT NULL,
                   kind TEXT NOT NULL, syntax TEXT NOT NULL, field TEXT, linkpath TEXT NOT NULL,
                   subpath TEXT NOT NULL, display TEXT, raw TEXT NOT NULL, name_key TEXT NOT NULL,
                   target TEXT, ambiguous INTEGER NOT NULL, via_alias INTEGER NOT NULL,
                   low_confidence INTEGER NOT NULL, PRIMARY KEY(source, ordinal)) WITHOUT ROWID;
CREATE INDEX links_target ON links(target);
CREATE INDEX links_name_key ON links(name_key);
CREATE TABLE tags(path TEXT NOT NULL, tag TEXT NOT NULL, PRIMARY KEY(path, tag)) WITHOUT ROWID;
CREATE TABLE aliases(path TEXT NOT NULL, alias TEXT NOT NULL, PRIMARY KEY(path, alias)) WITHOUT ROWID;
CREATE TABLE problems(path TEXT NOT NULL, line INTEGER NOT NULL, severity TEXT NOT NULL,
                      code TEXT NOT NULL, message TEXT NOT NULL, from_scan INTEGER NOT NULL);
CREATE INDEX problems_path ON problems(path);
CREATE TABLE meta(key TEXT PRIMARY KEY, value TEXT NOT NULL) WITHOUT ROWID;
"""
NOTE_TABLES = ("notes", "properties", "tags", "aliases")
SECONDARY_INDEXES = {
    statement.split()[2]: statement.strip()
    for statement in SCHEMA.split(";")
    if statement.strip().startswith("CREATE INDEX")
}


@dataclass
class SyncReport:
    added: int = 0
    changed: int = 0
    removed: int = 0
    parsed: int = 0
    rerouted: int = 0  # links of unchanged notes re-resolved because a target appeared or went
    # Totals, filled by syncs of the whole vault (a sync of named paths leaves them 0):
    notes: int = 0
    links: int = 0
    unresolved: int = 0
    problems: int = 0
    seconds: float = 0.0
    warnings: list[str] = field(default_factory=list)

    def summary(self) -> str:
        return (
            f"{self.notes:,} notes, {self.links:,} links, {self.unresolved:,} unresolved, "
            f"{self.problems:,} problems (+{self.added} ~{self.changed} -{self.removed} files, "
            f"{self.rerouted} links re-resolved) in {self.seconds:.2f} s"
        )


# json.dumps(value, ensure_ascii=False), without making a new encoder for each value:
# that was 1.5 µs of the 1.7 a property's JSON cost (75,000 properties at 10k notes).
_json = json.JSONEncoder(ensure_ascii=False).encode


def _add_note_rows(batch: Batch, note: Note, resolver: Resolver | None, memo: dict | None) -> None:
    """Add the note's rows to `batch`, its links resolved by `resolver` (None: left for
    later, with the alias fallback, see `_resolved`).

    `memo` caches resolutions by link path and source folder, on which they depend
    (R3, R6): only for a resolver that does not change while it is used.
    """
    links = batch.links
    path = note.path
    folder = path.rsplit("/", 1)[0] if "/" in path else ""
    # What a link path resolves to, as the row's (name key, target, ambiguous, via alias):
    # notes name the same few people and companies again and again.
    looked_up: dict[str, tuple[str, str | None, int, int]] = {}
    for ordinal, (linkpath, subpath, display, kind, syntax, field_name, line, raw, low) in enumerate(note.links):
        found = looked_up.get(linkpath)
        if found is None:
            if resolver is None:
                resolution = None
            elif memo is None or not linkpath:
                resolution = resolver.resolve(linkpath, path)
            else:
                resolution = memo.get((linkpath, folder))
                if resolution is None:
                    resolution = memo[(linkpath, folder)] = resolver.resolve(linkpath, path)
            if resolution is None:
                found = (name_key(linkpath), None, 0, 0)
            else:
                found = (name_key(linkpath), resolution.target, int(resolution.ambiguous), int(resolution.via_alias))
            looked_up[linkpath] = found
        links.append(
            (path, ordinal, line, kind, syntax, field_name, linkpath, subpath, display, raw, *found, 1 if low else 0)
        )
    batch.notes.append((
        path, note.title, note.type,
        _json([[h.level, h.text, h.line] for h in note.headings]), _json(list(note.block_ids)),
    ))
    lines = note.property_lines
    batch.properties.extend(
        (path, ordinal, key, _json(value), lines.get(key, 0))
        for ordinal, (key, value) in enumerate(note.properties.items())
    )
    batch.tags.extend((path, tag) for tag in note.tags)
    batch.aliases.extend((path, alias) for alias in note.aliases)
    batch.problems.extend((p.path, p.line, p.severity, p.code, p.message, 0) for p in note.problems)


@dataclass(frozen=True, slots=True)
class ParsedFile:
    """What reading one file yields: its hash and, for a note that changed, the Note."""

    path: str
    stat: Stat
    hash: str
    note: Note | None
    unchanged: bool = False


# Batch.files' last field: what reading the file found.
UNCHANGED, READ, PARSED = 0, 1, 2  # same hash as indexed; read (not a note); a note parsed


class Batch(NamedTuple):
    """Files read together, as the rows the index stores: what a worker sends back
    (plain tuples marshal fast) and what a sync writes, one executemany per table."""

    files: list[tuple[str, int, int, str, int, int]]  # (path, mtime_ns, size, hash, is_note, state)
    notes: list[tuple[Any, ...]]
    properties: list[tuple[Any, ...]]
    links: list[tuple[Any, ...]]
    tags: list[tuple[str, str]]
    aliases: list[tuple[str, str]]
    problems: list[tuple[Any, ...]]
    resolved: bool  # links resolved (else their targets are left for the main process)


def read_batch(
    root: str, items: list[tuple[str, Stat, str | None]], resolver: Resolver | None, memo: dict | None
) -> Batch:
    """Read, parse and (with a resolver) resolve some files: the rows they become."""
    batch = Batch([], [], [], [], [], [], [], resolver is not None)
    for path, stat, old in items:
        item = read_file(root, path, stat, old)
        state = UNCHANGED if item.unchanged else READ if item.note is None else PARSED
        batch.files.append((path, stat[0], stat[1], item.hash, int(is_note_path(path)), state))
        if item.note is not None:
            _add_note_rows(batch, item.note, resolver, memo)
    return batch


def read_file(root: str, path: str, stat: Stat, old_hash: str | None) -> ParsedFile:
    """Read, hash and parse one vault file. Every failure becomes a Problem."""
    if not is_note_path(path):
        return ParsedFile(path, stat, "", None)
    title = path.rsplit("/", 1)[-1][:-3]

    def failed(code: str, message: str, line: int = 0) -> ParsedFile:
        problem = Problem(path, line, "error", code, message)
        return ParsedFile(path, stat, "", Note(path=path, title=title, problems=(problem,)))

    if stat[1] > MAX_NOTE_BYTES:
        return failed("too-large", f"note is {stat[1] / 2**20:.0f} MiB, over the 16 MiB limit; not parsed")
    try:
        with open(os.path.join(root, path), "rb") as handle:
            data = handle.read()
    except OSError as error:
        return failed("unreadable", f"cannot read: {error.strerror or error}")
    digest = hashlib.blake2b(data, digest_size=16).hexdigest()
    if digest == old_hash:
        return ParsedFile(path, stat, digest, None, unchanged=True)
    if b"\x00" in data[:8192]:
        return ParsedFile(
            path, stat, digest, failed("binary", "binary file with a .md name; not a note").note
        )
    try:
        text = data.decode("utf-8")
        encoding_problem = None
    except UnicodeDecodeError as error:
        text = data.decode("utf-8", "replace")
        line = data.count(b"\n", 0, error.start) + 1
        encoding_problem = Problem(
            path, line, "warning", "encoding",
            f"not valid UTF-8 (byte 0x{data[error.start]:02x}); bad bytes shown as \ufffd",
        )
    from .parse import parse_note  # here: a sync with nothing to parse need not load the parser

    note = parse_note(path, text)
    if encoding_problem is not None:
        note = _with_problem(note, encoding_problem)
    return ParsedFile(path, stat, digest, note)


def _with_problem(note: Note, problem: Problem) -> Note:
    return replace(note, problems=(problem, *note.problems))


# The resolver of the file set a parallel sync ends with, set before the worker
# processes fork, so that they resolve links too and send back finished rows.
_worker_resolver: Resolver | None = None
_worker_memo: dict = {}  # resolutions by (link path, source folder), fresh for each sync


@contextmanager
def _collector_paused():
    """No garbage collection while a sync runs: it makes and drops millions of small
    tuples (rows) and no cycles (parsing 1,000 notes with the collector off leaves
    nothing unreachable), and collecting among them cost a tenth of a cold sync."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def _read_chunk(args: tuple[str, list[tuple[str, Stat, str | None]]]) -> bytes:
    """Read, parse and (when the resolver is known) resolve one chunk, in a worker.

    The result goes back marshalled: plain tuples of strings and numbers marshal in a
    quarter of the time pickle takes for them, on both sides.
    """
    root, items = args
    return marshal.dumps(tuple(read_batch(root, items, _worker_resolver, _worker_memo)))


def sync_progress(say: Callable[[str], None]) -> Callable[[int, int], None]:
    """A `sync(progress=...)` that tells `say` how far the reading is."""
    return lambda done, total: say(f"indexing {done:,}/{total:,} files")


def _chunk_bounds(total: int, workers: int) -> list[tuple[int, int]]:
    """(start, end) of each worker chunk: up to 256 files (fewer for small syncs), but
    small first and last. The first results then come back within milliseconds, so this
    process starts writing at once rather than after a whole chunk's parse; and the
    workers finish together rather than one idling while another parses a last big chunk."""
    size = max(16, min(256, total // (workers * 8) or 1))
    sizes = [16 << step for step in range(5) if 16 << step < size]
    head, tail = sizes, sizes[::-1]
    bounds, start = [], 0
    for step in head:
        bounds.append((start, min(start + step, total)))
        start += step
    end = max(start, total - sum(tail))
    for middle in range(start, end, size):
        bounds.append((middle, min(middle + size, end)))
    start = end
    for step in tail:
        bounds.append((start, min(start + step, total)))
        start += step
    return [(a, b) for a, b in bounds if a < b]


def _set_aliases(resolver: Resolver, batch: Batch) -> None:
    """Tell the resolver the aliases of each note parsed in the batch (none: none)."""
    found: dict[str, list[str]] = {}
    for path, alias in batch.aliases:
        found.setdefault(path, []).append(alias)
    for file in batch.files:
        if file[5] == PARSED:
            resolver.set_aliases(file[0], tuple(found.get(file[0], ())))


def _resolved(links: list[tuple[Any, ...]], resolver: Resolver, alias_fallback: bool) -> list[tuple[Any, ...]]:
    """Link rows read before the final resolver existed: resolved here."""
    resolved = []
    for row in links:
        found = resolver.resolve(row[6], row[0], alias_fallback)
        resolved.append((*row[:11], found.target, int(found.ambiguous), int(found.via_alias), *row[14:]))
    return resolved


class Index:
    """The vault's index. Open with `Index.open(root)`; `sync()` brings it up to date."""

    def __init__(self, root: Path, config: Config, db: sqlite3.Connection, warnings: list[str],
                 fresh: Path | None = None):
        self.root = root
        self.config = config
        self.db = db
        self.warnings = warnings
        self._fresh = fresh  # the private file a first index is built in, until `_publish`
        self._resolver: Resolver | None = None
        self.workers: int | None = None  # processes for large syncs; None: one per core
        self._resolver_version = -1  # data_version when the resolver was built
        # Set by a caller that reads the whole index right after a first sync (the site):
        # that sync keeps the rows it wrote, for `take_rows`.
        self.keep_rows = False
        self._rows: list[Batch] | None = None
        self._rows_version = -1
        self.in_memory = False  # whether an index that cannot be written may go on in memory (`open`)

    # -- opening ---------------------------------------------------------------
    @classmethod
    def open(cls, root: Path | str, config: Config | None = None, in_memory: bool = True) -> "Index":
        """The vault's index. When it cannot be written (a read-only vault or index file),
        `in_memory` works on a copy in this process's memory, with a warning: a read
        command still answers, from a sync of its own; without it, a VaultError."""
        root = Path(root)
        config = config or load_config(root)
        state = root / STATE_DIR
        path = state / INDEX_FILE
        warnings: list[str] = []
        fresh = None
        try:
            state.mkdir(exist_ok=True)
            gitignore = state / ".gitignore"
            if not gitignore.exists():
                gitignore.write_text("*\n")
            try:
                if not path.exists() and not Path(f"{path}-wal").exists():
                    fresh, db = _connect_fresh(state)
                else:
                    db = _connect(path)
            except sqlite3.OperationalError:
                raise  # locked or unwritable, not damaged: never delete an index another process uses
            except sqlite3.DatabaseError as error:
                warnings.append(f"{path}: damaged index ({error}); rebuilding it")
                db = _connect_afresh(path)
        except (OSError, sqlite3.Error) as error:
            reason = getattr(error, "strerror", None) or error
            if not (in_memory and _unwritable(error)):
                # `.vaultkit` is a file, `index.sqlite` a folder, the vault read-only: say so, no traceback.
                raise VaultError(
                    f"{state}: cannot keep the index there ({reason}); "
                    f"it is only a cache: remove {state} or make the vault writable"
                ) from None
            warnings.append(f"{state}: cannot write the index there ({reason}); using one in memory")
            db = _connect_memory(path)
        else:
            OPENED.add(path)
        index = cls(root, config, db, warnings, fresh)
        index.in_memory = in_memory
        return index

    def is_empty(self) -> bool:
        """Whether the index holds no file: new, rebuilt, or of an empty vault."""
        return self.db.execute("SELECT NOT EXISTS (SELECT 1 FROM files)").fetchone()[0] == 1

    def close(self) -> None:
        self.db.close()
        if self._fresh is not None:  # never synced: there is nothing worth keeping
            self._fresh.unlink(missing_ok=True)

    def _publish(self) -> None:
        """Put a first index, built in a private file, where every process looks for it.

        Built there without a write-ahead log, every page is written once, not to the
        log and then again by the checkpoint (a tenth of a cold index of 10k notes), and
        no other process can see it half-made. It becomes the vault's index only if there
        is none yet: a hard link never replaces a file. Renaming over an index that
        another process has open would pair our file with that process's `-wal` file.
        If another process got there first, its index is ours too: the sync that
        follows brings it up to date."""
        fresh, self._fresh = self._fresh, None
        final = fresh.with_name(INDEX_FILE)
        self.db.execute("PRAGMA journal_mode = WAL")  # kept in the file, for every later connection
        self.db.close()
        try:
            os.link(fresh, final)
            published = True
        except OSError:  # there first (FileExistsError), or no hard links here (FAT): theirs, or the slow way
            published = False
        finally:
            fresh.unlink(missing_ok=True)
        self.db = _connect(final)
        self._resolver_version = self._data_version()  # the resolver describes these rows
        if not published:
            self._resolver = None
            self._sync_once(None, False, None)

    def __enter__(self) -> "Index":
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- syncing ---------------------------------------------------------------
    @property
    def resolver(self) -> Resolver:
        if self._resolver is None:
            self._resolver_version = self._data_version()
            paths = [row[0] for row in self.db.execute("SELECT path FROM files")]
            aliases: dict[str, list[str]] = {}
            for path, alias in self.db.execute("SELECT path, alias FROM aliases"):
                aliases.setdefault(path, []).append(alias)
            self._resolver = Resolver(paths, aliases)
        return self._resolver

    def sync(
        self,
        paths: Iterable[str] | None = None,
        full: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> SyncReport:
        """Bring the index up to date with the disk.

        `paths` (vault-relative files or folders) limits the work to them: the
        watcher knows what changed. `full` throws the index away and rebuilds it.
        """
        paths = None if paths is None else list(paths)
        try:
            with _collector_paused():
                report = self._sync_once(paths, full, progress)
                if self._fresh is not None:
                    self._publish()  # (which may sync again: then no rows are kept)
                if self._rows is not None:
                    self._rows_version = self._data_version()
                return report
        except sqlite3.OperationalError as error:
            if not _unwritable(error):
                raise
            # A read-only index file: readable, so this process goes on with a copy in memory.
            path = self.root / STATE_DIR / INDEX_FILE
            if not self.in_memory:
                raise VaultError(
                    f"{path}: cannot write the index ({error}); make it writable, or remove "
                    f"{path.parent}: it is only a cache"
                ) from None
            self.warnings.append(f"{path}: cannot write the index ({error}); using a copy in memory")
            memory = _memory_db()
            self.db.backup(memory)
            self.db.close()
            self.db = memory
            self._resolver = None
            with _collector_paused():
                return self._sync_once(paths, full, progress)
        except sqlite3.DatabaseError as error:
            # Damage past the first page (SQLITE_CORRUPT, exactly DatabaseError) shows only
            # when a query reads it. The index is a cache: start it over. Locked, read-only
            # or full disks are OperationalError, and the user must hear of those.
            if type(error) is not sqlite3.DatabaseError:
                raise
            path = self.root / STATE_DIR / INDEX_FILE
            self.warnings.append(f"{path}: damaged index ({error}); rebuilding it")
            self.db.close()
            if self._fresh is not None:
                self._fresh.unlink(missing_ok=True)
                self._fresh = None
            self.db = _connect_afresh(path)
            self._resolver = None
            return self._sync_once(None, True, progress)

    def _sync_once(
        self,
        paths: Iterable[str] | None,
        full: bool,
        progress: Callable[[int, int], None] | None,
    ) -> SyncReport:
        started = time.perf_counter()
        self._rows, self._rows_version = None, -1  # any sync makes the rows of an earlier one stale
        report = SyncReport(warnings=list(self.warnings))
        self.warnings.clear()
        # A full rebuild empties the tables inside the transaction that fills them again:
        # readers (`--no-sync`, `serve`, a watcher) see the old index or the new one, never
        # an empty or half-filled one, and a rebuild killed midway leaves the old one whole.
        # Another process (a second watcher, `vaultkit index`) may write the index while
        # we read the disk. Its commits bump `data_version`; if that happened, the diff
        # is redone under the write lock, so that an older view never overwrites a newer.
        paths = None if paths is None or full else list(paths)
        version = self._data_version()
        on_disk, scan_problems, scope, indexed, removed, parsed = self._diff(paths, progress, lazy=True, full=full)
        # A cold sync of the whole vault writes rows as the workers send them, inside the
        # transaction (the parse overlaps the writes, and no process holds every row);
        # any other sync reads everything first, outside the write lock.
        stream = scope is None and not indexed and not self.config.alias_fallback
        if not stream:
            parsed = list(parsed)

        try:
            with self._transaction():
                if self._data_version() != version:
                    on_disk, scan_problems, scope, indexed, removed, parsed = self._diff(paths, progress, full=full)
                    stream = False
                if self._data_version() != self._resolver_version:
                    self._resolver = None  # built before another process's commit
                if full:
                    self._clear()
                if stream:
                    self._apply_stream(sorted(on_disk), parsed, report)
                else:
                    self._apply(parsed, removed, indexed, report, cold=scope is None and not indexed)
                self._apply_settings(report)
                if scope is None:
                    self.db.execute("DELETE FROM problems WHERE from_scan = 1")
                else:
                    for prefix in scope:
                        self.db.execute(
                            f"DELETE FROM problems WHERE from_scan = 1 AND {IN_SUBTREE}", _subtree(prefix),
                        )
                self.db.executemany(
                    "INSERT INTO problems VALUES (?, ?, ?, ?, ?, 1)",
                    [(p.path, p.line, p.severity, p.code, p.message) for p in scan_problems],
                )
        except BaseException:
            self._resolver = None  # rolled back: the in-memory table may be ahead of the index
            self._rows = None
            raise
        if paths is None:
            # Totals cost a pass over the links table: worth it for `vaultkit index`, not
            # for the watcher's syncs of a few paths, which leave them at 0.
            self._count(report)
        report.seconds = time.perf_counter() - started
        return report

    def _diff(self, paths: Iterable[str] | None, progress: Callable[[int, int], None] | None, lazy: bool = False,
              full: bool = False):
        """What changed between the disk and the index, with the changed files read
        (with `lazy`: to be read, as a stream of chunks, when the caller asks; with
        `full`: everything, as if the index were empty)."""
        recheck = paths is not None  # see below
        on_disk, scan_problems, scope = self._scan(paths)
        indexed = {} if full else self._indexed(scope)
        todo: list[tuple[str, Stat, str | None]] = []
        for path, stat in on_disk.items():
            old = indexed.get(path)
            if old is None:
                todo.append((path, stat, None))
            elif (old[0], old[1]) != stat or recheck:
                # Named paths are re-hashed even when their stat looks unchanged: a save
                # within the file system's timestamp tick, at the same size, keeps the
                # stat ("racily clean" in git's words). The hash decides; no re-parse.
                todo.append((path, stat, old[2] or None))
        removed = sorted(set(indexed) - set(on_disk))

        def final_paths() -> list[str]:
            if scope is None:
                return list(on_disk)
            gone = set(removed)
            kept = [row[0] for row in self.db.execute("SELECT path FROM files") if row[0] not in gone]
            return sorted(set(kept) | set(on_disk))

        read = self._read_stream if lazy else self._read_all
        parsed = read(todo, progress, final_paths)
        return on_disk, scan_problems, scope, indexed, removed, parsed

    def take_rows(self) -> list[Batch] | None:
        """The rows the last sync wrote, once, when it was the first sync of the whole vault
        (with `keep_rows`) and no other process has written since: every row of the index,
        in path order, resolved (the batches, as the workers sent them). None otherwise.

        Reading them back from SQLite costs a third of a second at 10k notes, in the
        middle of a site build's one serial stretch; these rows are in memory already."""
        rows, self._rows = self._rows, None
        if rows is None or self._rows_version != self._data_version():
            return None
        return rows

    def _data_version(self) -> int:
        return self.db.execute("PRAGMA data_version").fetchone()[0]

    def _scan(self, paths: Iterable[str] | None) -> tuple[dict[str, Stat], list[Problem], list[str] | None]:
        if paths is None:
            files, problems = scan(self.root, self.config)
            return files, problems, None
        scope = sorted({p.strip("/") for p in paths if p.strip("/")})
        # Drop paths inside another listed path: the walk of the parent covers them.
        scope = [p for i, p in enumerate(scope) if not any(p.startswith(q + "/") for q in scope[:i])]
        files: dict[str, Stat] = {}
        problems: list[Problem] = []
        for path in scope:
            sub_files, sub_problems = scan(self.root, self.config, path)
            files.update(sub_files)
            problems.extend(sub_problems)
        return files, problems, scope

    def _indexed(self, scope: list[str] | None) -> dict[str, tuple[int, int, str]]:
        query = "SELECT path, mtime_ns, size, hash FROM files"
        if scope is None:
            return {row[0]: row[1:] for row in self.db.execute(query)}
        found: dict[str, tuple[int, int, str]] = {}
        for prefix in scope:
            rows = self.db.execute(
                f"{query} WHERE {IN_SUBTREE}", _subtree(prefix)
            )
            found.update((row[0], row[1:]) for row in rows)
        return found

    def _read_all(
        self,
        todo: list[tuple[str, Stat, str | None]],
        progress: Callable[[int, int], None] | None,
        final_paths: Callable[[], list[str]],
    ) -> list[Batch]:
        return list(self._read_stream(todo, progress, final_paths))

    def _read_stream(
        self,
        todo: list[tuple[str, Stat, str | None]],
        progress: Callable[[int, int], None] | None,
        final_paths: Callable[[], list[str]],
    ) -> Iterator[Batch]:
        """Read and parse `todo` in order, a batch at a time: in worker processes (which
        also resolve links) when there is enough to do."""
        root = str(self.root)
        todo.sort()
        workers = self.workers or min(os.cpu_count() or 1, 8)
        notes = sum(1 for item in todo if is_note_path(item[0]))
        if notes:
            from . import parse  # noqa: F401 - loaded once, before any worker forks
        if notes < PARALLEL_THRESHOLD or workers < 2 or sys.platform == "win32":
            for start in range(0, len(todo), 100):
                yield read_batch(root, todo[start : start + 100], None, None)  # resolved once written
                if progress:
                    progress(min(start + 100, len(todo)), len(todo))
            return
        chunks = [(root, todo[start:end]) for start, end in _chunk_bounds(len(todo), workers)]
        global _worker_resolver, _worker_memo
        _worker_memo = {}
        # With the alias fallback a link's target depends on every note's aliases, known
        # only after parsing: then the links are resolved afterwards, in this process.
        _worker_resolver = None if self.config.alias_fallback else Resolver(final_paths())
        # The workers fork inside the sync, so that their collector is paused too.
        pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=die_with_parent,
                                   initargs=(os.getpid(),))
        try:
            done = 0
            for data in pool.map(_read_chunk, chunks):
                batch = Batch(*marshal.loads(data))
                done += len(batch.files)
                yield batch
                if progress:
                    progress(done, len(todo))
        finally:
            _worker_resolver = None
            pool.shutdown(wait=True, cancel_futures=True)  # a stop or an error: no more chunks

    def _apply(
        self,
        batches: list[Batch],
        removed: list[str],
        indexed: dict[str, tuple[int, int, str]],
        report: SyncReport,
        cold: bool = False,
    ) -> None:
        """Write the parsed files and re-resolve the links they can affect.

        `cold`: the index was empty and the whole vault is being written. Then the
        secondary indexes are built once at the end (cheaper than maintaining them
        row by row), and no link outside this sync exists to re-resolve.
        """
        db = self.db
        if cold:
            for name in SECONDARY_INDEXES:
                db.execute(f"DROP INDEX IF EXISTS {name}")
        resolver = self.resolver
        files = [file for batch in batches for file in batch.files]
        replaced = [file[0] for file in files if file[5] != UNCHANGED]
        new_paths = [file[0] for file in files if file[0] not in indexed]
        report.added = len(new_paths)
        report.removed = len(removed)
        report.changed = sum(1 for file in files if file[0] in indexed and file[5] != UNCHANGED)
        report.parsed = sum(1 for file in files if file[5] == PARSED)

        stale = [(path,) for path in (*removed, *replaced)]
        for table in NOTE_TABLES:
            db.executemany(f"DELETE FROM {table} WHERE path = ?", stale)
        db.executemany("DELETE FROM links WHERE source = ?", stale)
        db.executemany("DELETE FROM problems WHERE path = ? AND from_scan = 0", stale)
        db.executemany("DELETE FROM files WHERE path = ?", [(path,) for path in removed])

        for path in removed:
            resolver.remove(path)
        for path in new_paths:
            resolver.add(path)
        # Aliases are kept even without the fallback: `check` suggests `[[Name|alias]]`.
        for path in removed:
            resolver.set_aliases(path, ())
        for batch in batches:
            _set_aliases(resolver, batch)
        aliases_changed = self.config.alias_fallback and (bool(removed) or report.parsed > 0)

        for batch in batches:
            self._write(batch)
        alias_fallback = self.config.alias_fallback

        if cold:
            for statement in SECONDARY_INDEXES.values():
                db.execute(statement)
            return
        # Links in other notes whose target may now differ: those looked up by the name of
        # a file that appeared or went (or, with the alias fallback, any unresolved link).
        keys = sorted({key for path in (*removed, *new_paths) for key in file_keys(path)})
        fresh = set(replaced)
        candidates: list[tuple[Any, ...]] = []
        for start in range(0, len(keys), 500):
            batch = keys[start : start + 500]
            candidates.extend(
                db.execute(
                    "SELECT source, ordinal, linkpath, target, ambiguous, via_alias FROM links "
                    f"WHERE name_key IN ({','.join('?' * len(batch))})",
                    batch,
                )
            )
        if aliases_changed:
            candidates.extend(
                db.execute(
                    "SELECT source, ordinal, linkpath, target, ambiguous, via_alias FROM links "
                    "WHERE target IS NULL OR via_alias = 1"
                )
            )
        updates = {}
        for source, ordinal, linkpath, target, ambiguous, via_alias in candidates:
            if source in fresh:
                continue
            found = resolver.resolve(linkpath, source, alias_fallback)
            if (found.target, int(found.ambiguous), int(found.via_alias)) != (target, ambiguous, via_alias):
                updates[(source, ordinal)] = (found.target, int(found.ambiguous), int(found.via_alias))
        db.executemany(
            "UPDATE links SET target = ?, ambiguous = ?, via_alias = ? WHERE source = ? AND ordinal = ?",
            [(*value, *key) for key, value in updates.items()],
        )
        report.rerouted = len(updates)

    def _write(self, batch: Batch) -> Batch:
        """Insert a batch's rows (their old rows are gone already): the batch, resolved."""
        db = self.db
        if not batch.resolved:
            batch = batch._replace(links=_resolved(batch.links, self.resolver, self.config.alias_fallback),
                                   resolved=True)
        links = batch.links
        db.executemany("INSERT OR REPLACE INTO files VALUES (?, ?, ?, ?, ?)", [file[:5] for file in batch.files])
        db.executemany("INSERT INTO notes VALUES (?, ?, ?, ?, ?)", batch.notes)
        db.executemany("INSERT INTO properties VALUES (?, ?, ?, ?, ?)", batch.properties)
        db.executemany("INSERT INTO links VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", links)
        db.executemany("INSERT OR IGNORE INTO tags VALUES (?, ?)", batch.tags)
        db.executemany("INSERT OR IGNORE INTO aliases VALUES (?, ?)", batch.aliases)
        db.executemany("INSERT INTO problems VALUES (?, ?, ?, ?, ?, ?)", batch.problems)
        return batch

    def _apply_stream(self, paths: list[str], batches: Iterable[Batch], report: SyncReport) -> None:
        """A cold sync of the whole vault without the alias fallback: every file is new,
        nothing is stale, no link outside this sync exists; rows are written as they come."""
        db, resolver = self.db, self.resolver
        for name in SECONDARY_INDEXES:
            db.execute(f"DROP INDEX IF EXISTS {name}")
        for path in paths:
            resolver.add(path)
        report.added = len(paths)
        kept: list[Batch] | None = [] if self.keep_rows else None
        for batch in batches:
            report.parsed += len(batch.notes)
            _set_aliases(resolver, batch)
            written = self._write(batch)
            if kept is not None:
                kept.append(written)
        for statement in SECONDARY_INDEXES.values():
            db.execute(statement)
        self._rows = kept

    def _apply_settings(self, report: SyncReport) -> None:
        """Re-resolve every link when the settings resolution depends on have changed.

        Turning `alias_fallback` on or off in vaultkit.yml changes targets without any
        note changing, so the settings the links were resolved with are kept in `meta`.
        """
        settings = json.dumps({"alias_fallback": self.config.alias_fallback})
        stored = self.db.execute("SELECT value FROM meta WHERE key = 'resolution'").fetchone()
        if stored is not None and stored[0] == settings:
            return
        if stored is not None:
            resolver, fallback = self.resolver, self.config.alias_fallback
            updates = []
            for source, ordinal, linkpath, target, ambiguous, via_alias in self.db.execute(
                "SELECT source, ordinal, linkpath, target, ambiguous, via_alias FROM links"
            ).fetchall():
                found = resolver.resolve(linkpath, source, fallback)
                if (found.target, int(found.ambiguous), int(found.via_alias)) != (target, ambiguous, via_alias):
                    updates.append((found.target, int(found.ambiguous), int(found.via_alias), source, ordinal))
            self.db.executemany(
                "UPDATE links SET target = ?, ambiguous = ?, via_alias = ? WHERE source = ? AND ordinal = ?",
                updates,
            )
            report.rerouted += len(updates)
        self.db.execute("INSERT OR REPLACE INTO meta VALUES ('resolution', ?)", (settings,))

    def _count(self, report: SyncReport) -> None:
        db = self.db
        report.notes = db.execute("SELECT count(*) FROM notes").fetchone()[0]
        report.links = db.execute("SELECT count(*) FROM links").fetchone()[0]
        report.unresolved = db.execute("SELECT count(*) FROM links WHERE target IS NULL").fetchone()[0]
        report.problems = db.execute("SELECT count(*) FROM problems").fetchone()[0]

    def _clear(self) -> None:
        """Every row gone, inside the caller's transaction."""
        for table in (*NOTE_TABLES, "links", "files", "problems"):
            self.db.execute(f"DELETE FROM {table}")
        self._resolver = None

    def _transaction(self):
        return _Transaction(self.db)

    # -- reading -----------------------------------------------------------------
    def note_paths(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT path FROM notes ORDER BY path")]

    def file_paths(self) -> list[str]:
        return [row[0] for row in self.db.execute("SELECT path FROM files ORDER BY path")]

    def note(self, path: str) -> Note | None:
        row = self.db.execute(
            "SELECT path, title, headings, block_ids FROM notes WHERE path = ?", (path,)
        ).fetchone()
        if row is None:
            return None
        return Note(
            path=row[0],
            title=row[1],
            properties=self.properties(path),
            aliases=tuple(r[0] for r in self.db.execute("SELECT alias FROM aliases WHERE path = ? ORDER BY alias", (path,))),
            tags=tuple(r[0] for r in self.db.execute("SELECT tag FROM tags WHERE path = ? ORDER BY tag", (path,))),
            headings=tuple(Heading(*h) for h in json.loads(row[2])),
            block_ids=tuple(json.loads(row[3])),
            links=tuple(link for link, _ in self.links(source=path)),
            problems=tuple(
                Problem(*row)
                for row in self.db.execute(
                    "SELECT path, line, severity, code, message FROM problems WHERE path = ? AND from_scan = 0 "
                    "ORDER BY line, code, message",
                    (path,),
                )
            ),
            property_lines=self.property_lines(path),
        )

    def properties(self, path: str) -> dict[str, Any]:
        rows = self.db.execute("SELECT key, value FROM properties WHERE path = ? ORDER BY ordinal", (path,))
        return {key: json.loads(value) for key, value in rows}

    def property_lines(self, path: str) -> dict[str, int]:
        rows = self.db.execute("SELECT key, line FROM properties WHERE path = ? ORDER BY ordinal", (path,))
        return {key: line for key, line in rows}

    def nodes(self) -> list[dict[str, Any]]:
        """Every note (and attachment) as a graph node, in path order."""
        nodes = []
        for path, title, note_type in self.db.execute(
            "SELECT f.path, n.title, n.type FROM files f LEFT JOIN notes n USING (path) ORDER BY f.path"
        ):
            is_note = title is not None or is_note_path(path)
            nodes.append(
                {
                    "path": path,
                    "title": title if title is not None else path.rsplit("/", 1)[-1],
                    "type": note_type,
                    "kind": "note" if is_note else "attachment",
                }
            )
        return nodes

    def links(self, source: str | None = None, target: str | None = None,
              troubled: bool = False) -> list[tuple[Link, "Target"]]:
        return [
            (
                Link(linkpath=row[1], subpath=row[2], display=row[3], kind=row[4], syntax=row[5],
                     field=row[6], line=row[7], raw=row[8], low_confidence=bool(row[12])),
                Target(source=row[0], target=row[9], ambiguous=bool(row[10]), via_alias=bool(row[11])),
            )
            for row in self.link_rows(source, target, troubled)
        ]

    def link_rows(self, source: str | None = None, target: str | None = None,
                  troubled: bool = False) -> Iterator[tuple[Any, ...]]:
        """The links as rows, one at a time (a whole vault's in constant memory): (source,
        linkpath, subpath, display, kind, syntax, field, line, raw, target, ambiguous,
        via_alias, low_confidence), in source path order, then as they stand in the note.
        Those written in `source`, those leading to `target`, or (`troubled`) those that
        are unresolved or ambiguous."""
        query = (
            "SELECT source, linkpath, subpath, display, kind, syntax, field, line, raw, target, ambiguous, "
            "via_alias, low_confidence FROM links"
        )
        args: tuple[Any, ...] = ()
        if source is not None:
            query += " WHERE source = ?"
            args = (source,)
        elif target is not None:
            query += " WHERE target = ?"
            args = (target,)
        elif troubled:
            query += " WHERE target IS NULL OR ambiguous = 1"
        return self.db.execute(query + " ORDER BY source, ordinal", args)

    def problems(self) -> list[Problem]:
        """Stored problems (parse, scan) and link problems derived from the current resolution."""
        found = [
            Problem(*row)
            for row in self.db.execute("SELECT path, line, severity, code, message FROM problems")
        ]
        resolver = self.resolver
        # Only the links a problem can be about: unresolved or ambiguous (a few of the
        # 150,000 links of a 10,000-note vault), found through the target index.
        troubled = self.links(troubled=True)
        # A name given in an interview's referrals is a prospect wherever it is linked:
        # the prospect inbox, not a broken link (PRODUCT.md, "Next names").
        prospects = {
            link.linkpath.lower()
            for link, where in troubled
            if where.target is None and link.field in self.prospect_fields
        }
        for link, where in troubled:
            if where.target is None and link.linkpath.lower() in prospects:
                continue
            if where.target is None:
                aliased = resolver.alias_targets(link.linkpath) if link.syntax == "wiki" else []
                if aliased:
                    stem = aliased[0].rsplit("/", 1)[-1].removesuffix(".md")
                    found.append(
                        Problem(
                            where.source, link.line, "warning", "alias-link",
                            f"{link.raw} names an alias of {aliased[0]}, and aliases do not resolve links in "
                            f"Obsidian; write [[{stem}|{link.linkpath}]]",
                        )
                    )
                elif link.field is None or link.field not in self.prospect_fields:
                    found.append(
                        Problem(where.source, link.line, "warning", "unresolved-link", f"unresolved link {link.raw}")
                    )
            elif where.ambiguous:
                found.append(
                    Problem(
                        where.source, link.line, "warning", "ambiguous-link",
                        f"ambiguous link {link.raw}: several files match; took {where.target} (path order)",
                    )
                )
        found.extend(conflict_copy_problems(self.file_paths()))
        from .schema import schema_problems  # here, not at the top: snapshot imports this module
        from .snapshot import load_snapshot

        found.extend(schema_problems(load_snapshot(self, body_links=False), self.config.schema))
        found.sort(key=lambda p: (p.path, p.line, p.code, p.message))
        return found

    @property
    def prospect_fields(self) -> frozenset[str]:
        """Fields whose unresolved links name people not yet in the vault: prospects, not errors."""
        return self.config.schema.prospect_keys()

    def dump(self) -> dict[str, list[tuple[Any, ...]]]:
        """Every row that depends on the vault's content, in a stable order (for tests)."""
        out = {}
        for table, order in (
            ("files", "path"),
            ("notes", "path"),
            ("properties", "path, ordinal"),
            ("links", "source, ordinal"),
            ("tags", "path, tag"),
            ("aliases", "path, alias"),
            ("problems", "path, line, code, message"),
        ):
            rows = self.db.execute(f"SELECT * FROM {table} ORDER BY {order}").fetchall()
            if table == "files":
                rows = [(row[0], row[3], row[4]) for row in rows]  # stat is not content
            out[table] = rows
        return out


@dataclass(frozen=True, slots=True)
class Target:
    source: str
    target: str | None
    ambiguous: bool
    via_alias: bool


class _Transaction:
    def __init__(self, db: sqlite3.Connection):
        self.db = db

    def __enter__(self) -> None:
        self.db.execute("BEGIN IMMEDIATE")

    def __exit__(self, exc_type, exc, tb) -> None:
        if exc_type is None:
            self.db.execute("COMMIT")
        else:
            self.db.execute("ROLLBACK")


# A path and everything below it, as a range on the (binary-collated) path index.
# Not LIKE: it ignores case, so `Notes/%` would also take in `notes/`, and it cannot
# use the index, which made a sync of thousands of paths quadratic.
IN_SUBTREE = "(path = ? OR (path > ? AND path < ?))"


def _subtree(prefix: str) -> tuple[str, str, str]:
    return prefix, prefix + "/", prefix + "0"  # "0" sorts right after "/"


def _connect_fresh(state: Path) -> tuple[Path, sqlite3.Connection]:
    """A new, empty index in a file of this process's own (see `Index._publish`)."""
    _remove_abandoned(state)
    path = state / f"{INDEX_FILE}.new-{os.getpid()}-{os.urandom(4).hex()}"
    db = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
    try:
        # No other process opens this file: a journal in memory (for ROLLBACK), no syncs
        # (a crash leaves only a file that `_remove_abandoned` deletes).
        db.execute("PRAGMA journal_mode = MEMORY")
        db.execute("PRAGMA synchronous = OFF")
        db.execute("PRAGMA foreign_keys = OFF")
        _create(db)
    except BaseException:
        db.close()
        path.unlink(missing_ok=True)
        raise
    return path, db


def _remove_abandoned(state: Path) -> None:
    """First indexes whose process died before publishing them."""
    for path in state.glob(f"{INDEX_FILE}.new-*"):
        try:
            if time.time() - path.stat().st_mtime > ABANDONED_SECONDS:
                path.unlink()
        except OSError:
            pass  # gone already, or not ours to delete: harmless either way


def _connect_afresh(path: Path) -> sqlite3.Connection:
    """Delete an index that cannot be read (with its WAL files) and start a new one."""
    remove_index(path)
    return _connect(path)


def remove_index(path: Path) -> None:
    """Delete the index at `path` with its WAL files: found damaged. The next open starts a new one."""
    for suffix in ("", "-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)


def is_damage(error: BaseException) -> bool:
    """Whether a database error says the index file is damaged (SQLITE_CORRUPT, SQLITE_NOTADB:
    exactly DatabaseError), not locked, read-only or out of room (OperationalError)."""
    return type(error) is sqlite3.DatabaseError


# SQLite's primary result codes for "cannot write here": a read-only file or file system,
# a file it may not create or open for writing.
_UNWRITABLE_CODES = {sqlite3.SQLITE_READONLY, sqlite3.SQLITE_CANTOPEN, sqlite3.SQLITE_PERM, sqlite3.SQLITE_AUTH}


def _unwritable(error: BaseException) -> bool:
    """Whether an error means the index's place cannot be written (rather than a bug or a busy index)."""
    if isinstance(error, sqlite3.Error):
        return (getattr(error, "sqlite_errorcode", 0) & 0xFF) in _UNWRITABLE_CODES
    return isinstance(error, OSError) and error.errno in (errno.EACCES, errno.EPERM, errno.EROFS)


def _memory_db() -> sqlite3.Connection:
    return sqlite3.connect(":memory:", isolation_level=None, check_same_thread=False)


def _connect_memory(path: Path) -> sqlite3.Connection:
    """An index in this process's memory: a copy of the one at `path` when it can be read
    (read-only, or as an immutable file when even its `-shm` cannot be made), else empty."""
    uri = path.resolve().as_uri()
    for mode in ("mode=ro", "immutable=1"):
        db = _memory_db()
        try:
            source = sqlite3.connect(f"{uri}?{mode}", uri=True)
            try:
                source.backup(db)
            finally:
                source.close()
            _check_schema(db)
            return db
        except sqlite3.Error:
            db.close()
    db = _memory_db()
    _create(db)
    return db


def _connect(path: Path) -> sqlite3.Connection:
    db = sqlite3.connect(path, isolation_level=None, timeout=30, check_same_thread=False)
    try:
        db.execute("PRAGMA busy_timeout = 30000")
        _check_schema(db)
        db.execute("PRAGMA journal_mode = WAL")
        db.execute("PRAGMA synchronous = NORMAL")
        db.execute("PRAGMA foreign_keys = OFF")
    except sqlite3.DatabaseError:
        db.close()
        raise
    return db


TABLES = frozenset(
    statement.split()[2].split("(")[0] for statement in SCHEMA.split(";") if statement.strip().startswith("CREATE TABLE")
)


def _check_schema(db: sqlite3.Connection) -> None:
    """Make the schema current (an older version: re-created empty); a foreign database,
    or ours with tables missing (damaged, or edited by hand), raises DatabaseError."""
    app_id = db.execute("PRAGMA application_id").fetchone()[0]
    version = db.execute("PRAGMA user_version").fetchone()[0]
    names = {row[0] for row in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    if app_id != APPLICATION_ID or version != USER_VERSION:
        if names and app_id != APPLICATION_ID:
            raise sqlite3.DatabaseError("not a vaultkit index")
        _create(db)
    elif not TABLES <= names:
        raise sqlite3.DatabaseError(f"incomplete index: no table {', '.join(sorted(TABLES - names))}")


def _create(db: sqlite3.Connection) -> None:
    """(Re)create the schema: an old schema or parser version means a full re-parse."""
    db.execute("BEGIN IMMEDIATE")
    try:
        for (name,) in db.execute("SELECT name FROM sqlite_master WHERE type = 'table'").fetchall():
            db.execute(f'DROP TABLE IF EXISTS "{name}"')
        for statement in SCHEMA.split(";"):
            if statement.strip():
                db.execute(statement)
        db.execute(f"PRAGMA application_id = {APPLICATION_ID}")
        db.execute(f"PRAGMA user_version = {USER_VERSION}")
        db.execute("COMMIT")
    except BaseException:
        if db.in_transaction:  # (not when BEGIN itself failed: the first error is the one to tell)
            db.execute("ROLLBACK")
        raise
