"""`vaultkit watch` on the real watchdog observer and the real file system.

Every test changes files the way an editor, Obsidian, git or a sync tool does, then
POLLS the index until it equals a fresh full index of the same files (built from a
copy, so the watcher's index is never touched). Nothing sleeps in place of an
assertion; the deadline is generous because the machine may be busy.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import write_vault
from vaultkit.index import Index
from vaultkit.vault import Config, conflict_copy_problems, in_vault, scan
from vaultkit.watch import Watcher, format_update

DEADLINE = 60.0
VAULTKIT = Path(sys.executable).with_name("vaultkit")


# -- helpers -------------------------------------------------------------------------
def fresh_dump(vault: Path) -> dict:
    """The index a clean full run makes of the vault's files as they are now."""
    with tempfile.TemporaryDirectory() as tmp:
        copy = Path(tmp) / "copy"
        shutil.copytree(vault, copy, symlinks=True, ignore=shutil.ignore_patterns(".vaultkit"))
        with Index.open(copy) as index:
            index.sync()
            return index.dump()


def index_dump(vault: Path) -> dict:
    """What the index holds right now, read in one snapshot through another connection."""
    with Index.open(vault) as index:
        index.db.execute("BEGIN")
        try:
            return index.dump()
        finally:
            index.db.execute("COMMIT")


def wait_until(predicate, what: str, timeout: float = DEADLINE):
    deadline = time.monotonic() + timeout
    while True:
        value = predicate()
        if value:
            return value
        if time.monotonic() > deadline:
            pytest.fail(f"timed out after {timeout:.0f} s waiting for {what}")
        time.sleep(0.02)


def assert_exact(vault: Path, timeout: float = DEADLINE) -> dict:
    """Poll until the watched index equals a fresh full index; show the difference if not."""
    expected = fresh_dump(vault)
    deadline = time.monotonic() + timeout
    while True:
        got = index_dump(vault)
        if got == expected:
            return got
        if time.monotonic() > deadline:
            diff = {
                table: {"extra": sorted(set(got[table]) - set(expected[table]))[:10],
                        "missing": sorted(set(expected[table]) - set(got[table]))[:10]}
                for table in expected if got[table] != expected[table]
            }
            pytest.fail(f"index never matched a fresh full index: {diff}")
        time.sleep(0.02)


def note_paths(vault: Path) -> set[str]:
    return {row[0] for row in index_dump(vault)["notes"]}


class Log:
    """Collects what the watcher's callback was given, for asserting what it looked at."""

    def __init__(self):
        self.lock = threading.Lock()
        self.paths: list[str] = []
        self.reports = []

    def __call__(self, report, paths):
        with self.lock:
            self.reports.append(report)
            self.paths.extend(paths or ())


@pytest.fixture
def watch():
    started: list[Watcher] = []

    def start(vault: Path, **options) -> Watcher:
        watcher = Watcher(vault, **options)
        watcher.start()
        started.append(watcher)
        return watcher

    yield start
    for watcher in started:
        watcher.stop()


VAULT = {
    "people/Ana Lopez.md": '---\ntype: contact\ncompany: "[[Acme]]"\nreferred_by: "[[Bob]]"\n---\nMet at [[Meetup]].\n',
    "people/Bob.md": "---\ntype: contact\n---\nKnows [[Ana Lopez]] and [[Carla]].\n",
    "companies/Acme.md": "---\ntype: company\n---\nA company.\n",
    "events/Meetup.md": "A meetup with [[Bob]].\n",
    "interviews/2026-11-01 Ana.md": '---\ntype: interview\nwith: "[[Ana Lopez]]"\ndate: 2026-11-01\n---\n',
}


# -- start-up ------------------------------------------------------------------------
def test_startup_picks_up_changes_made_while_stopped(make_vault, watch, vk):
    vault = make_vault(VAULT)
    assert vk("index", vault).exit_code == 0
    (vault / "people/Carla.md").write_text("[[Bob]]\n")
    (vault / "events/Meetup.md").unlink()
    watch(vault)
    # The start-up sync ran before start() returned: no polling needed.
    assert index_dump(vault) == fresh_dump(vault)
    backlinks = vk("--vault", vault, "backlinks", "Carla", "--no-sync")
    assert "people/Bob.md" in backlinks.stdout


# -- editors -------------------------------------------------------------------------
def test_a_plain_save_is_applied_and_seen_by_no_sync_readers(make_vault, watch, vk):
    vault = make_vault(VAULT)
    watch(vault)
    (vault / "people/Carla.md").write_text("---\ntype: contact\n---\n")
    assert_exact(vault)
    links = vk("--vault", vault, "links", "Bob", "--no-sync")
    assert "people/Carla.md" in links.stdout


def test_a_closed_write_is_applied_at_once_an_open_one_waits(make_vault, watch):
    """A quiet period coalesces a save's events, but a file closed after writing is
    whole: it is applied without waiting out the quiet period, while a write still
    open waits for its close (or the quiet period). Here the quiet period is a minute,
    so which of the two happened is plain."""
    vault = make_vault(VAULT)
    watcher = watch(vault, quiet=60.0, max_delay=60.0)
    (vault / "people/Carla.md").write_text("---\ntype: contact\n---\nKnows [[Bob]].\n")
    assert_exact(vault, timeout=20)
    with open(vault / "people/Dana.md", "w", encoding="utf-8") as handle:
        handle.write("---\ntype: contact\n---\nHalf")
        handle.flush()
        time.sleep(2)
        assert not watcher.settled()  # recorded, waiting for the close
        assert "people/Dana.md" not in {row[0] for row in index_dump(vault)["files"]}
        handle.write(" written, knows [[Carla]].\n")
    assert_exact(vault, timeout=20)


def test_atomic_save_temp_file_renamed_over(make_vault, watch):
    vault = make_vault(VAULT)
    watch(vault)
    for temp in ("people/Bob.md.tmp-4242", "people/.Bob.md.swx-atomic"):
        (vault / temp).write_text(f"---\ntype: contact\n---\nNow knows [[Acme]] ({temp}).\n")
        os.replace(vault / temp, vault / "people/Bob.md")
        dump = assert_exact(vault)
        assert not any(row[0].startswith("people/Bob.md.") for row in dump["files"])
        assert ("people/Bob.md", 0) in {(row[0], row[1]) for row in dump["links"]}


def test_vim_save_with_backup_swap_and_probe_files(make_vault, watch):
    vault = make_vault(VAULT)
    log = Log()
    watch(vault, on_update=log)
    note = vault / "people/Bob.md"
    swap = vault / "people/.Bob.md.swp"
    swap.write_bytes(b"b0VIM 9.0\x00" * 50)  # vim opens the file
    probe = vault / "people/4913"  # vim checks it may create files in the folder
    probe.write_text("")
    probe.unlink()
    os.rename(note, vault / "people/Bob.md~")  # :w with backupcopy=no
    note.write_text("---\ntype: contact\n---\nNow knows [[Meetup]] only.\n")
    (vault / "people/Bob.md~").unlink()
    swap.unlink()  # vim quits
    dump = assert_exact(vault)
    assert [row for row in dump["links"] if row[0] == "people/Bob.md"][0][6] == "Meetup"
    assert not {"people/Bob.md~", "people/4913", "people/.Bob.md.swp"} & set(log.paths)


def test_a_file_written_in_chunks_ends_exact(make_vault, watch):
    vault = make_vault(VAULT)
    watcher = watch(vault)
    chunks = [
        "---\ntype: contact\ncompany: \"[[Ac",  # front matter cut in the middle
        "me]]\"\nreferred_by: \"[[Ana Lopez]]\"\n---\n",
        "Talked about [[Meetup]]",
        " and [[Bob]].\n",
    ]
    path = vault / "people/Dana.md"
    with open(path, "w", encoding="utf-8") as handle:
        for chunk in chunks:
            before = watcher.updates
            handle.write(chunk)
            handle.flush()
            # Let the watcher index each half-written state, to prove the last one wins.
            wait_until(lambda: watcher.updates > before, "an update for the chunk")
    assert_exact(vault)
    dump = index_dump(vault)
    dana = [row for row in dump["links"] if row[0] == "people/Dana.md"]
    assert [(row[6], row[11]) for row in dana] == [
        ("Acme", "companies/Acme.md"), ("Ana Lopez", "people/Ana Lopez.md"),
        ("Meetup", "events/Meetup.md"), ("Bob", "people/Bob.md"),
    ]
    assert not [row for row in dump["problems"] if row[0] == "people/Dana.md"]


def test_same_size_rewrite_within_one_timestamp_tick(make_vault, watch):
    """The stat cannot tell these saves apart; the watcher must still read the file."""
    vault = make_vault({**VAULT, "people/Bob.md": "[[Ana Lopez]]\n"})
    watcher = watch(vault)
    path = vault / "people/Bob.md"
    for text in ("[[Acme]] 1234\n", "[[Meetup]] 12\n", "[[Carla]] 123\n"):
        stat = path.stat()
        assert len(text) == stat.st_size
        before = watcher.updates
        path.write_text(text)
        os.utime(path, ns=(stat.st_atime_ns, stat.st_mtime_ns))
        wait_until(lambda: watcher.updates > before, "an update")
        assert_exact(vault)


# -- Obsidian ------------------------------------------------------------------------
def test_obsidian_renames_a_note_and_rewrites_links(make_vault, watch, vk):
    vault = make_vault(VAULT)
    watch(vault)
    os.rename(vault / "people/Bob.md", vault / "people/Bob Smith.md")
    for rel in ("people/Ana Lopez.md", "events/Meetup.md"):
        path = vault / rel
        path.write_text(path.read_text().replace("[[Bob]]", "[[Bob Smith]]"))
    assert_exact(vault)
    backlinks = vk("--vault", vault, "backlinks", "Bob Smith", "--no-sync")
    assert backlinks.exit_code == 0, backlinks
    assert "people/Ana Lopez.md" in backlinks.stdout and "events/Meetup.md" in backlinks.stdout


def test_obsidian_renames_a_folder(make_vault, watch):
    vault = make_vault(VAULT)
    watch(vault)
    os.rename(vault / "people", vault / "contacts")
    dump = assert_exact(vault)
    assert {"contacts/Bob.md", "contacts/Ana Lopez.md"} <= {row[0] for row in dump["notes"]}
    assert not any(row[0].startswith("people/") for row in dump["files"])


def test_deletes_of_notes_and_folders(make_vault, watch):
    vault = make_vault(VAULT)
    watch(vault)
    (vault / "companies/Acme.md").unlink()
    shutil.rmtree(vault / "events")
    dump = assert_exact(vault)
    assert {row[0] for row in dump["notes"]} == {"people/Ana Lopez.md", "people/Bob.md", "interviews/2026-11-01 Ana.md"}
    ana_company = [row for row in dump["links"] if row[0] == "people/Ana Lopez.md" and row[6] == "Acme"]
    assert ana_company[0][11] is None  # the link is unresolved now


def test_case_only_renames_of_a_note_and_a_folder(make_vault, watch):
    vault = make_vault(VAULT)
    watch(vault)
    os.rename(vault / "people/Bob.md", vault / "people/bob.md")
    os.rename(vault / "companies", vault / "Companies")
    dump = assert_exact(vault)
    assert {"people/bob.md", "Companies/Acme.md"} <= {row[0] for row in dump["notes"]}
    assert not {"people/Bob.md", "companies/Acme.md"} & {row[0] for row in dump["files"]}


def test_folders_differing_only_in_case_are_kept_apart(make_vault, watch):
    vault = make_vault({**VAULT, "notes/a.md": "[[Bob]]", "Notes/b.md": "[[Acme]]"})
    watch(vault)
    (vault / "Notes/c.md").write_text("[[Ana Lopez]]")  # must not touch notes/ (lowercase)
    dump = assert_exact(vault)
    assert {"notes/a.md", "Notes/b.md", "Notes/c.md"} <= {row[0] for row in dump["notes"]}


# -- sync tools, git, moving in and out -----------------------------------------------
def test_moving_files_and_folders_in_and_out_of_the_vault(make_vault, watch, tmp_path):
    vault = make_vault(VAULT)
    outside = tmp_path / "outside"
    write_vault(outside, {"Eve.md": "[[Bob]]", "archive/Old.md": "[[Acme]]", "archive/deep/Older.md": ""}, marker=False)
    watch(vault)
    shutil.move(outside / "Eve.md", vault / "people/Eve.md")
    shutil.move(outside / "archive", vault / "archive")
    shutil.move(vault / "events/Meetup.md", outside / "Meetup.md")
    shutil.move(vault / "companies", outside / "companies")
    dump = assert_exact(vault)
    notes = {row[0] for row in dump["notes"]}
    assert {"people/Eve.md", "archive/Old.md", "archive/deep/Older.md"} <= notes
    assert not {"events/Meetup.md", "companies/Acme.md"} & notes


def test_a_burst_of_2000_files_like_a_checkout(make_vault, watch):
    vault = make_vault(VAULT)
    watch(vault)
    for i in range(2000):
        path = vault / f"branch/{i % 20:02d}/Person {i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\ntype: contact\nreferred_by: \"[[Person {i // 2}]]\"\n---\n[[Acme]] [[Bob]]\n")
    (vault / "people/Bob.md").unlink()
    dump = assert_exact(vault, timeout=120)
    assert len(dump["notes"]) == len(VAULT) - 1 + 2000


def test_git_checkout_of_another_branch(make_vault, watch, tmp_path):
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    vault = make_vault(VAULT)

    def git(*args):
        subprocess.run(["git", "-c", "user.name=t", "-c", "user.email=t@t", *args], cwd=vault, check=True,
                       capture_output=True)

    git("init", "-q", "-b", "main")
    git("add", "-A")
    git("commit", "-qm", "main")
    git("checkout", "-qb", "other")
    shutil.rmtree(vault / "people")
    for i in range(2000):
        path = vault / f"people/{i % 10}/Contact {i}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"[[Contact {(i * 7) % 2000}]] [[Acme]]\n")
    git("add", "-A")
    git("commit", "-qm", "other")
    git("checkout", "-q", "main")
    watch(vault)
    git("checkout", "-q", "other")
    dump = assert_exact(vault, timeout=120)
    assert len([row for row in dump["notes"] if row[0].startswith("people/")]) == 2000
    git("checkout", "-q", "main")
    dump = assert_exact(vault, timeout=120)
    assert {"people/Bob.md", "people/Ana Lopez.md"} <= {row[0] for row in dump["notes"]}


def test_sync_conflict_copies_are_reported_by_check(make_vault, watch, vk):
    vault = make_vault(VAULT)
    watch(vault)
    (vault / "people/Bob.sync-conflict-20261125-123456-ABCDEF.md").write_text("Knows [[Ana Lopez]].\n")
    (vault / "companies/Acme (conflicted copy 2026-11-25).md").write_text("A company!\n")
    assert_exact(vault)
    check = vk("check", vault, "--no-sync", "--json")
    found = {(p["path"], p["code"]) for p in check.json()}
    assert ("people/Bob.sync-conflict-20261125-123456-ABCDEF.md", "conflict-copy") in found
    assert ("companies/Acme (conflicted copy 2026-11-25).md", "conflict-copy") in found
    text = vk("check", vault, "--no-sync").stdout
    assert "people/Bob.sync-conflict-20261125-123456-ABCDEF.md: warning: sync conflict copy of people/Bob.md" in text


@pytest.mark.parametrize(
    "name, original",
    [
        ("Note.sync-conflict-20261125-123456-ABCDEF.md", "Note.md"),
        ("a/Note.sync-conflict-20261125-123456-ABCDEFG.md", "a/Note.md"),
        ("Note (conflicted copy 2026-11-25).md", "Note.md"),
        ("Note (Ana's conflicted copy 2026-11-25).md", "Note.md"),
        ("Note (Ana's MacBook's conflicted copy 2026-11-25 1).md", "Note.md"),
        ("Note (Conflicted copy Laptop 202611251234).md", "Note.md"),
        ("photo.sync-conflict-20261125-123456-ABCDEFG.png", "photo.png"),
        ("Note (copy).md", None),
        ("Note sync-conflict.md", None),
        ("conflicted copy.md", None),
    ],
)
def test_conflict_copy_names(name, original):
    problems = conflict_copy_problems([name, "Note.md"])
    if original is None:
        assert problems == []
    else:
        [problem] = problems
        assert (problem.path, problem.code, problem.severity) == (name, "conflict-copy", "warning")
        assert f"conflict copy of {original}" in problem.message


def test_dot_folders_editor_files_and_the_output_folder_are_ignored(make_vault, watch):
    vault = make_vault({**VAULT, "vaultkit.yml": "output: public\nignore: [templates]\n"})
    log = Log()
    watcher = watch(vault, on_update=log)
    ignored = [".obsidian/workspace.json", ".git/HEAD", ".trash/Old.md", ".vaultkit/x.md", "public/index.md",
               "public/people/Bob.md", "templates/Contact.md", "people/Bob.md~", "people/#Bob.md#", "4913",
               "people/.Bob.md.swp"]
    for rel in ignored:
        (vault / rel).parent.mkdir(parents=True, exist_ok=True)
        (vault / rel).write_text("[[Bob]]\n")
    (vault / "people/Carla.md").write_text("the sentinel\n")  # written last: its update ends the test
    wait_until(lambda: "people/Carla.md" in note_paths(vault), "the sentinel note")
    assert_exact(vault)
    assert log.paths and not set(ignored) & set(log.paths)
    assert not {row[0] for row in index_dump(vault)["files"]} & set(ignored)
    assert watcher.failures == 0


@pytest.mark.parametrize(
    "path, wanted",
    [("people/Bob.md", True), ("Bob.md~", False), ("a/4913", False), ("a/#x.md#", False), (".obsidian/a", False),
     ("a/.trash/b.md", False), ("_site/index.html", False), ("_site2/x.md", True), ("notes/x.swp", False),
     ("notes/x.md.tmp", True), ("", False)],
)
def test_which_paths_are_in_the_vault(path, wanted):
    assert in_vault(path, Config()) is wanted


def test_full_scan_leaves_out_editor_scratch_files(make_vault):
    vault = make_vault({"a.md": "", "a.md~": "", "4913": "", "#a.md#": "", "b/.a.md.swp": "", "b/c.md": ""})
    files, _ = scan(vault, Config())
    assert set(files) == {"a.md", "b/c.md"}


def test_symlinks_inside_the_vault_are_not_followed_while_watching(make_vault, watch):
    """As Obsidian does: no note is there twice, so none can go stale under a second path
    (the kernel reports a change under the real path only)."""
    vault = make_vault({**VAULT, "shared/Dana.md": "---\ntype: contact\n---\n"})
    (vault / "team").symlink_to("shared", target_is_directory=True)
    (vault / "people/Bob again.md").symlink_to("Bob.md")
    watch(vault)
    (vault / "shared/Dana.md").write_text("---\ntype: contact\n---\nKnows [[Bob]].\n")
    (vault / "shared/Eve.md").write_text("New [[Acme]].\n")
    (vault / "people/Bob.md").write_text("---\ntype: contact\n---\nNow knows [[Eve]].\n")
    dump = assert_exact(vault)
    notes = {row[0] for row in dump["notes"]}
    assert {"shared/Dana.md", "shared/Eve.md"} <= notes
    assert not any(path.startswith("team/") for path in notes) and "people/Bob again.md" not in notes
    warned = {row[0] for row in dump["problems"] if row[3] == "symlink"}
    assert warned == {"team", "people/Bob again.md"}
    (vault / "crew").symlink_to("shared", target_is_directory=True)  # made while watching
    dump = assert_exact(vault)
    assert {row[0] for row in dump["problems"] if row[3] == "symlink"} == {"team", "crew", "people/Bob again.md"}
    (vault / "team").unlink()
    assert_exact(vault)


def test_a_changed_config_rebuilds_with_the_new_settings(make_vault, watch):
    vault = make_vault({**VAULT, "archive/Old.md": "[[Bob]]"})
    watch(vault)
    assert "archive/Old.md" in note_paths(vault)
    (vault / "vaultkit.yml").write_text("ignore: [archive]\n")
    assert_exact(vault)
    assert "archive/Old.md" not in note_paths(vault)


# -- the loop keeps going ---------------------------------------------------------------
def test_a_failing_update_callback_is_logged_and_the_loop_goes_on(make_vault, watch, caplog):
    vault = make_vault(VAULT)
    calls = []

    def explode(report, paths):
        calls.append(paths)
        if len(calls) == 1:
            raise RuntimeError("boom")

    watcher = watch(vault, on_update=explode)
    (vault / "people/Carla.md").write_text("first\n")
    wait_until(lambda: len(calls) >= 1, "the first update")
    (vault / "people/Dan.md").write_text("second\n")
    assert_exact(vault)
    wait_until(lambda: any(p and "people/Dan.md" in p for p in calls), "the second update")
    assert watcher.failures == 1
    assert "update callback failed: RuntimeError: boom" in caplog.text


def test_format_of_the_update_line(make_vault):
    vault = make_vault({"a.md": "[[b]]"})
    with Index.open(vault) as index:
        index.sync()
        (vault / "b.md").write_text("")
        report = index.sync(paths=["b.md"])
    line = format_update(report)
    assert line.startswith("+1 ~0 -0 files, 1 links re-resolved, ") and line.endswith(" ms")


# -- concurrency: readers, a second watcher, `vaultkit index` -----------------------------
def test_readers_run_while_the_watcher_writes(make_vault, watch, vk):
    vault = make_vault(VAULT)
    watcher = watch(vault)
    done = threading.Event()

    def writer():
        for i in range(400):
            (vault / f"burst/N{i}.md").write_text(f"[[N{i + 1}]] [[Bob]]\n")
        done.set()

    (vault / "burst").mkdir()
    thread = threading.Thread(target=writer)
    thread.start()
    reads = 0
    while not done.is_set() or not watcher.settled() or reads < 5:
        result = vk("check", vault, "--no-sync")
        assert "locked" not in result.stderr and result.exit_code in (0, 1), result
        reads += 1
    thread.join()
    assert vk("index", vault).exit_code == 0  # a writer alongside the watcher, too
    assert_exact(vault)


def test_two_watchers_on_one_vault_keep_it_exact(make_vault, watch):
    vault = make_vault(VAULT)
    first, second = watch(vault), watch(vault)
    for i in range(300):
        (vault / f"people/P{i}.md").write_text(f"[[P{(i + 1) % 300}]] [[Acme]]\n")
    os.rename(vault / "companies/Acme.md", vault / "companies/Acme Corp.md")
    (vault / "people/P7.md").write_text("[[Acme Corp]]\n")
    shutil.rmtree(vault / "events")
    assert_exact(vault, timeout=120)
    wait_until(lambda: first.settled() and second.settled(), "both watchers settled")
    assert first.failures == second.failures == 0
    assert_exact(vault)


def test_syncing_a_folder_leaves_a_folder_differing_in_case_alone(make_vault):
    vault = make_vault({"notes/a.md": "", "Notes/b.md": "", "notes/sub/c.md": ""})
    with Index.open(vault) as index:
        index.sync()
        index.sync(paths=["Notes"])  # as after a folder event
        assert index.note_paths() == ["Notes/b.md", "notes/a.md", "notes/sub/c.md"]


def test_an_index_written_by_another_process_does_not_leave_a_stale_resolver(make_vault):
    """Each Index keeps a name table in memory; another process's commit must refresh it."""
    vault = make_vault({"a.md": "x"})
    with Index.open(vault) as mine, Index.open(vault) as theirs:
        mine.sync()
        assert mine.resolver.resolve("b", "a.md").target is None  # built now, b.md absent
        (vault / "b.md").write_text("")
        theirs.sync(paths=["b.md"])  # another process indexes b.md
        (vault / "a.md").write_text("[[b]]")
        mine.sync(paths=["a.md"])
        [(link, where)] = mine.links(source="a.md")
        assert where.target == "b.md"


# -- the kernel's queue overflows ---------------------------------------------------------
def start_cli_watch(vault: Path, log_path: Path) -> subprocess.Popen:
    log = open(log_path, "w")
    # Ctrl-C as from a terminal: a shell's background job (a CI runner's, say) starts with
    # SIGINT ignored, and Python then leaves it ignored in the child too.
    process = subprocess.Popen([str(VAULTKIT), "watch", str(vault)], stdout=log, stderr=subprocess.STDOUT,
                               preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL))
    log.close()
    wait_until(lambda: "watching" in log_path.read_text() or process.poll() is not None, "the watcher to start")
    assert process.poll() is None, log_path.read_text()
    return process


def test_an_overflowed_event_queue_falls_back_to_a_full_sync(make_vault, tmp_path):
    limit = int(Path("/proc/sys/fs/inotify/max_queued_events").read_text())
    if limit > 100_000:
        pytest.skip(f"fs.inotify.max_queued_events is {limit}: too many files to overflow it")
    vault = make_vault(VAULT)
    (vault / "many").mkdir()  # watched already: a new folder's files make no events until it is
    log_path = tmp_path / "watch.log"
    process = start_cli_watch(vault, log_path)
    try:
        # While the watcher is frozen the kernel queues events, up to its limit, and
        # then drops them: each new file here makes at least two (create, close).
        process.send_signal(signal.SIGSTOP)
        for i in range(limit // 2 + 500):
            (vault / f"many/N{i}.md").write_text(f"[[N{i // 2}]]\n")
        (vault / "people/Bob.md").unlink()
        process.send_signal(signal.SIGCONT)
        assert_exact(vault, timeout=180)
        assert "full sync (event queue overflowed)" in log_path.read_text()
    finally:
        process.send_signal(signal.SIGCONT)
        process.terminate()
        process.wait(timeout=60)


# -- stopping ------------------------------------------------------------------------------
@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_clean_stop_on_ctrl_c_and_sigterm(make_vault, tmp_path, stop):
    vault = make_vault(VAULT)
    log_path = tmp_path / "watch.log"
    process = start_cli_watch(vault, log_path)
    (vault / "people/Carla.md").write_text("[[Bob]]\n")
    wait_until(lambda: "people/Carla.md" in note_paths(vault), "the new note")
    process.send_signal(stop)
    assert process.wait(timeout=60) == 0, log_path.read_text()
    assert "stopped" in log_path.read_text() and "Traceback" not in log_path.read_text()
    after = subprocess.run([str(VAULTKIT), "index", str(vault), "--json"], capture_output=True, text=True)
    assert after.returncode == 0
    assert '"added": 0' in after.stdout and '"changed": 0' in after.stdout and '"removed": 0' in after.stdout
    assert index_dump(vault) == fresh_dump(vault)


@pytest.mark.parametrize("stop", [signal.SIGINT, signal.SIGTERM])
def test_a_stop_in_the_middle_of_a_burst_leaves_a_consistent_index(make_vault, tmp_path, stop):
    vault = make_vault(VAULT)
    log_path = tmp_path / "watch.log"
    process = start_cli_watch(vault, log_path)
    (vault / "burst").mkdir()
    for i in range(1500):
        (vault / f"burst/N{i}.md").write_text(f"[[N{i + 1}]] [[Bob]]\n")
        if i == 700:
            process.send_signal(stop)
    assert process.wait(timeout=60) == 0, log_path.read_text()
    # Whatever was applied was applied whole; the next run completes the rest.
    with Index.open(vault) as index:
        index.sync()
    assert index_dump(vault) == fresh_dump(vault)


# -- the property: any sequence of operations ends in an exact index ----------------------
FILES = ["a.md", "A.md", "b.md", "d/c.md", "d/a.md", "D/c.md", "e/f/g.md", "e/x.png", "d/a.md~"]
FOLDERS = ["d", "D", "e", "e/f", "n"]
CONTENTS = st.lists(st.sampled_from(["[[a]]", "[[b]]", "[[c]]", "[[d/a]]", "[[g]]", "[[x.png]]", "plain"]),
                    max_size=3).map(lambda links: " ".join(links) + "\n")
FRONT = st.sampled_from(["", "---\naliases: [c]\n---\n", "---\ntype: contact\nreferred_by: \"[[b]]\"\n---\n"])

OPERATIONS = st.one_of(
    st.tuples(st.just("write"), st.sampled_from(FILES), FRONT, CONTENTS),
    st.tuples(st.just("atomic"), st.sampled_from(FILES), FRONT, CONTENTS),
    st.tuples(st.just("delete"), st.sampled_from(FILES + FOLDERS)),
    st.tuples(st.just("move"), st.sampled_from(FILES + FOLDERS), st.sampled_from(FILES + FOLDERS)),
    st.tuples(st.just("settle")),
)


def apply_operation(vault: Path, operation: tuple) -> None:
    try:
        _apply_operation(vault, operation)
    except (FileExistsError, NotADirectoryError, IsADirectoryError):
        pass  # a file stands where a folder would have to be, or the other way round


def _apply_operation(vault: Path, operation: tuple) -> None:
    kind = operation[0]
    if kind in ("write", "atomic"):
        _, rel, front, body = operation
        path = vault / rel
        if path.is_dir():
            return
        path.parent.mkdir(parents=True, exist_ok=True)
        if kind == "write":
            path.write_text(front + body)
        else:
            temp = path.with_name(path.name + ".tmp")
            temp.write_text(front + body)
            os.replace(temp, path)
    elif kind == "delete":
        path = vault / operation[1]
        if path.is_dir():
            shutil.rmtree(path)
        elif path.exists():
            path.unlink()
    elif kind == "move":
        source, dest = vault / operation[1], vault / operation[2]
        if not source.exists() or dest.exists() or operation[2].startswith(operation[1] + "/"):
            return
        dest.parent.mkdir(parents=True, exist_ok=True)
        os.rename(source, dest)
    elif kind == "settle":
        assert_exact(vault)


@settings(max_examples=12, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(start=st.lists(st.tuples(st.sampled_from(FILES), FRONT, CONTENTS), max_size=4),
       operations=st.lists(OPERATIONS, min_size=1, max_size=10))
def test_any_sequence_of_operations_ends_in_an_exact_index(start, operations):
    with tempfile.TemporaryDirectory() as tmp:
        vault = write_vault(Path(tmp) / "vault", {rel: front + body for rel, front, body in start})
        with Watcher(vault) as watcher:
            for operation in operations:
                apply_operation(vault, operation)
            assert_exact(vault)
            assert watcher.failures == 0
