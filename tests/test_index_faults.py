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


# -- point 10: damaged, incomplete and read-only indexes; bad dates ---------------------------


def damage(path: Path) -> None:
    size = path.stat().st_size
    with open(path, "r+b") as handle:
        handle.seek(size // 2)
        handle.write(b"\xff" * 8192)


def assert_clean_error(result: subprocess.CompletedProcess, *words: str) -> None:
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


@pytest.mark.parametrize("command", [["check", "--no-sync"], ["check"], ["agenda", "--no-sync", "--today", "2026-05-01"]])
def test_an_index_damaged_past_its_first_page_is_rebuilt_with_a_warning(big_vault, command):
    indexed_count(big_vault)
    good = run(*command, big_vault)
    damage(index_file(big_vault))
    again = run(*command, big_vault)
    assert_clean_error(again, "damaged", str(index_file(big_vault)))
    assert again.returncode == good.returncode
    assert again.stdout == good.stdout
    # The warning was once: the index is whole again.
    third = run(*command, big_vault)
    assert "damaged" not in third.stderr and third.stdout == good.stdout


@pytest.mark.parametrize("full", [False, True])
def test_an_index_missing_tables_is_rebuilt(make_vault, full):
    vault = make_vault({"Ana.md": "# Ana\n[[Bob]]\n", "Bob.md": "# Bob\n"})
    assert run("index", vault).returncode == 0
    db = sqlite3.connect(index_file(vault))
    db.execute("DROP TABLE links")
    db.commit()
    db.close()
    done = run("index", *(["--full"] if full else []), vault)
    assert_clean_error(done, str(index_file(vault)))
    assert done.returncode == 0
    assert "2 notes, 1 links" in done.stdout
    check = run("check", "--no-sync", vault)
    assert check.returncode == 0 and "internal error" not in check.stderr


def as_nobody() -> list[str]:
    """The prefix that runs a command without root's rights, or a skip saying why not."""
    if os.geteuid() != 0:
        return []
    setpriv = shutil.which("setpriv")
    if setpriv is None:
        pytest.skip("needs setpriv to run a command as nobody: root can write a read-only file")
    prefix = [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
    probe = subprocess.run([*prefix, sys.executable, "-c", "import vaultkit"], env=ENV, cwd="/",
                           capture_output=True)
    if probe.returncode != 0:
        pytest.skip(f"cannot run python as nobody here: {probe.stderr[-200:]!r}")
    return prefix


@pytest.fixture
def shared_dir():
    """A folder that `nobody` can reach (pytest's tmp_path is root's alone)."""
    where = Path(tempfile.mkdtemp(prefix="vk-faults-"))
    where.chmod(0o755)
    yield where
    shutil.rmtree(where, ignore_errors=True)


def small_vault(where: Path) -> Path:
    vault = where / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    (vault / "Ana.md").write_text("---\ntype: contact\n---\n# Ana\n[[Bob]]\n", encoding="utf-8")
    (vault / "Bob.md").write_text("# Bob\n", encoding="utf-8")
    return vault


def give_to_nobody(path: Path) -> None:
    for place in [path, *path.rglob("*")]:
        shutil.chown(place, "nobody")


def test_a_read_only_index_file(shared_dir):
    nobody = as_nobody()
    vault = small_vault(shared_dir)
    assert run("index", vault).returncode == 0
    (vault / "Carla.md").write_text("# Carla\n", encoding="utf-8")  # the index is behind
    give_to_nobody(vault)
    index_file(vault).chmod(0o444)
    # A read command answers from a copy in memory, and says why.
    check = run("check", vault, "--json", user=nobody)
    assert_clean_error(check, str(index_file(vault)))
    assert check.returncode == 0
    graph = run("graph", vault, user=nobody)
    assert graph.returncode == 0 and "Carla.md" in graph.stdout
    # `index` exists to write the index: it cannot, and says where.
    index = run("index", vault, user=nobody)
    assert_clean_error(index, str(index_file(vault)))
    assert index.returncode == 2


def test_a_read_only_vault(shared_dir):
    nobody = as_nobody()
    vault = small_vault(shared_dir)
    for place in [vault, *vault.rglob("*")]:
        place.chmod(0o755 if place.is_dir() else 0o644)
    out = shared_dir / "site"
    out.mkdir()
    give_to_nobody(out)
    check = run("check", vault, user=nobody)
    assert_clean_error(check, str(vault / ".vaultkit"))
    assert check.returncode == 0
    built = run("build", vault, "-o", out, "--today", "2026-05-01", user=nobody)
    assert_clean_error(built)
    assert built.returncode == 0, built.stderr
    assert (out / "index.html").exists()
    default = run("build", vault, "--today", "2026-05-01", user=nobody)
    assert_clean_error(default, str(vault / "_site"))
    assert default.returncode != 0
    assert not (vault / ".vaultkit").exists()


@pytest.mark.parametrize("command", [["build", "-o", "{site}"], ["agenda"], ["stats"], ["path", "Ana"]])
@pytest.mark.parametrize("day", ["garbage", "9999-12-31", "2026-02-30", "0001-01-01"])
def test_today_is_validated_with_a_clear_message(shared_dir, command, day):
    vault = small_vault(shared_dir)
    args = [part.format(site=shared_dir / "site") for part in command]
    done = run("--vault", vault, *args, "--today", day)
    assert_clean_error(done, "--today", day)
    assert done.returncode == 2


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
