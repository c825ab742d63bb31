"""The index under faults: rebuilds that readers never see half-done, kill -9 in the
middle of one, damaged or incomplete or read-only indexes, bad `--today` dates, and
worker processes whose parent dies.

Everything here is real: the CLI runs in subprocesses, kills are SIGKILL, damage is
bytes overwritten in the SQLite file, read-only means a process without the rights
(run as `nobody` through setpriv, since root can write any file). Waits poll against
deadlines; no sleep decides an outcome.
"""

from __future__ import annotations

import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
ENV = {**os.environ, "PYTHONPATH": str(REPO)}
ENV.pop("VAULTKIT_DEBUG", None)
VAULT_NOTES = 3000  # enough for the index's and the site's worker pools (over 256 files)


def vaultkit(*args, user: list[str] | None = None, **kwargs) -> subprocess.Popen:
    return subprocess.Popen(
        [*(user or []), sys.executable, "-m", "vaultkit", *map(str, args)],
        env=ENV, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, cwd="/", **kwargs,
    )


def run(*args, user: list[str] | None = None, timeout: float = 120) -> subprocess.CompletedProcess:
    process = vaultkit(*args, user=user)
    out, err = process.communicate(timeout=timeout)
    return subprocess.CompletedProcess(process.args, process.returncode, out, err)


def until(condition, deadline: float, what: str, step: float = 0.002):
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        found = condition()
        if found:
            return found
        time.sleep(step)
    raise AssertionError(f"timed out after {deadline} s waiting for {what}")


@pytest.fixture(scope="module")
def big_vault_source():
    """A generated vault, made once; tests copy it."""
    where = Path(tempfile.mkdtemp(prefix="vk-faults-src-"))
    subprocess.run(
        [sys.executable, str(REPO / "benchmarks" / "generate.py"), str(where / "v"), "--notes", str(VAULT_NOTES)],
        check=True, stdout=subprocess.DEVNULL,
    )
    yield where / "v"
    shutil.rmtree(where, ignore_errors=True)


@pytest.fixture
def big_vault(big_vault_source, tmp_path):
    vault = tmp_path / "vault"
    shutil.copytree(big_vault_source, vault, ignore=shutil.ignore_patterns(".vaultkit", "_site"))
    return vault


def index_file(vault: Path) -> Path:
    return vault / ".vaultkit" / "index.sqlite"


def note_count(vault: Path, db: sqlite3.Connection | None = None) -> int:
    own = db is None
    if own:
        db = sqlite3.connect(index_file(vault), timeout=30)
    try:
        return db.execute("SELECT count(*) FROM notes").fetchone()[0]
    finally:
        if own:
            db.close()


def descendants(pid: int) -> set[int]:
    """Every living process below `pid`, from /proc."""
    found, todo = set(), [pid]
    while todo:
        parent = todo.pop()
        try:
            tasks = os.listdir(f"/proc/{parent}/task")
        except OSError:
            continue
        for task in tasks:
            try:
                children = Path(f"/proc/{parent}/task/{task}/children").read_text().split()
            except OSError:
                continue
            for child in map(int, children):
                if child not in found:
                    found.add(child)
                    todo.append(child)
    return found


def alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return False
    return state != "Z"


def indexed_count(vault: Path) -> int:
    done = run("index", vault)
    assert done.returncode == 0, done.stderr
    return note_count(vault)


# -- point 7: `index --full` is atomic for readers -----------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_readers_never_see_a_partial_index_during_full_rebuilds(big_vault):
    expected = indexed_count(big_vault)
    assert expected >= VAULT_NOTES
    seen: list[int] = []
    errors: list[BaseException] = []
    stop = threading.Event()

    def reader() -> None:
        # A reader that keeps its connection (a running `serve`) and one that opens the
        # index afresh for each read (`--no-sync` commands), in turn.
        kept = sqlite3.connect(index_file(big_vault), timeout=30)
        try:
            while not stop.is_set():
                seen.append(note_count(big_vault, kept))
                seen.append(note_count(big_vault))
        except BaseException as error:  # noqa: BLE001 - reported by the test thread
            errors.append(error)
        finally:
            kept.close()

    thread = threading.Thread(target=reader)
    thread.start()
    try:
        for _ in range(3):
            done = run("index", "--full", big_vault)
            assert done.returncode == 0, done.stderr
    finally:
        stop.set()
        thread.join(60)
    assert not errors, errors
    assert len(seen) > 20
    wrong = [count for count in seen if count != expected]
    assert not wrong, f"{len(wrong)} of {len(seen)} reads saw {sorted(set(wrong))} notes, not {expected}"


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_kill_during_full_rebuild_leaves_the_index_and_a_watcher_exact(big_vault):
    expected = indexed_count(big_vault)
    watcher = vaultkit("watch", big_vault)
    lines: list[str] = []
    reading = threading.Thread(target=lambda: lines.extend(iter(watcher.stderr.readline, "")), daemon=True)
    out_lines: list[str] = []
    reading_out = threading.Thread(target=lambda: out_lines.extend(iter(watcher.stdout.readline, "")), daemon=True)
    reading.start()
    reading_out.start()
    try:
        until(lambda: any("watching" in line for line in lines + out_lines), 60, "the watcher to start")
        full = vaultkit("index", "--full", big_vault)
        # Killed while it parses: once its workers exist, the old rows are what it is replacing.
        until(lambda: descendants(full.pid) or full.poll() is not None, 60, "workers of index --full", 0.001)
        full.kill()
        full.wait(30)
        assert note_count(big_vault) == expected
        # The watcher's next batch: one note edited; afterwards the index is exact.
        note = sorted(big_vault.glob("*.md"))[0]
        note.write_text(note.read_text(encoding="utf-8") + "\nedited after the kill\n", encoding="utf-8")
        updates = len(out_lines + lines)
        until(lambda: len(out_lines + lines) > updates, 30, "the watcher's update")
        assert note_count(big_vault) == expected
        fresh = big_vault.parent / "fresh"
        shutil.copytree(big_vault, fresh, ignore=shutil.ignore_patterns(".vaultkit"))
        assert indexed_count(fresh) == expected
        assert run("graph", "--no-sync", big_vault).stdout == run("graph", "--no-sync", fresh).stdout
    finally:
        watcher.send_signal(signal.SIGINT)
        try:
            watcher.wait(30)
        except subprocess.TimeoutExpired:
            watcher.kill()
            watcher.wait()


# -- point 12: workers die with their parent -----------------------------------------------


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
@pytest.mark.parametrize("command, least", [
    (["index", "--full"], 2),  # the parsers
    (["build", "-o", "{site}", "--today", "2026-05-01"], 3),  # the page renderers, beside the child working ahead
])
def test_workers_die_with_their_parent(big_vault, tmp_path, command, least):
    if command[0] == "build":
        assert run("index", big_vault).returncode == 0  # the build's own pools are what is watched
    args = [part.format(site=tmp_path / "site") for part in command]
    parent = vaultkit(*args, big_vault)
    workers: set[int] | None = None
    try:
        workers = until(lambda: len(descendants(parent.pid)) >= least and descendants(parent.pid)
                        or parent.poll() is not None and {-1}, 120, "the worker processes", 0.001)
        assert workers != {-1}, "the command ended before its workers were seen"
        workers = descendants(parent.pid) | workers
        parent.kill()
        parent.wait(30)
        until(lambda: not any(alive(pid) for pid in workers), 15, f"workers {sorted(workers)} to end")
    finally:
        if parent.poll() is None:
            parent.kill()
            parent.wait()
        for pid in workers if isinstance(workers, set) else ():
            if alive(pid):
                os.kill(pid, signal.SIGKILL)  # left by a failure: not for the next test to meet
