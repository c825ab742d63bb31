"""A vault's first index is built in a file of the building process's own and only then
put where every process looks (`Index._publish`): no other process ever sees it half
made, and two processes building it at once both end up with the same, whole index."""

from __future__ import annotations

import os
import sqlite3
import time
from pathlib import Path

import pytest

from vaultkit.index import ABANDONED_SECONDS, INDEX_FILE, Index

NOTES = {"a.md": "[[b]] and [[c]]\n", "b.md": "---\naliases: [Bee]\n---\n[[a#Top]]\n", "people/c.md": "#tag\n"}


def _state_files(vault: Path) -> list[str]:
    return sorted(p.name for p in (vault / ".vaultkit").iterdir())


def test_the_first_index_is_published_whole_and_in_wal_mode(make_vault, vk):
    vault = make_vault(NOTES)
    assert vk("index", vault).exit_code == 0
    assert not [name for name in _state_files(vault) if ".new-" in name]
    db = sqlite3.connect(vault / ".vaultkit" / INDEX_FILE)
    try:
        # WAL is what lets a reader read while a watcher writes: the file must keep saying so.
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        assert db.execute("SELECT count(*) FROM notes").fetchone()[0] == 3
    finally:
        db.close()
    edges = vk("graph", vault, "--format", "json").json()["edges"]
    assert {(e["source"], e["target"]) for e in edges} == {("a.md", "b.md"), ("a.md", "people/c.md"), ("b.md", "a.md")}


def test_nothing_is_visible_until_the_first_sync_ends(make_vault):
    vault = make_vault(NOTES)
    with Index.open(vault) as index:
        assert not (vault / ".vaultkit" / INDEX_FILE).exists()
        assert index.note_paths() == []  # an empty index, not an error
        index.sync()
        assert (vault / ".vaultkit" / INDEX_FILE).exists()
        assert index.note_paths() == ["a.md", "b.md", "people/c.md"]
        (vault / "d.md").write_text("[[a]]\n")
        index.sync()  # later syncs write the published index
    with Index.open(vault) as again:
        assert again.note_paths() == ["a.md", "b.md", "d.md", "people/c.md"]


def test_two_processes_building_the_first_index_at_once_agree(make_vault):
    """The second to finish finds an index already there: it keeps that one and brings it
    up to date (here, with a note written between the two builds)."""
    vault = make_vault(NOTES)
    first, second = Index.open(vault), Index.open(vault)
    try:
        first.sync()
        (vault / "late.md").write_text("[[people/c]]\n")
        second.sync()
        assert "late.md" in second.note_paths()
        assert "late.md" in first.note_paths()  # the same file: what `second` wrote, `first` reads
        first.sync()
        assert first.dump() == second.dump()
    finally:
        first.close()
        second.close()
    assert not [name for name in _state_files(vault) if ".new-" in name]
    with Index.open(vault) as fresh:
        fresh.sync(full=True)
        with Index.open(vault) as kept:
            assert kept.dump() == fresh.dump()


class Interrupted(Exception):
    pass


def test_an_interrupted_first_sync_publishes_nothing_and_leaves_nothing(make_vault):
    vault = make_vault(NOTES)

    def stop(done: int, total: int) -> None:
        raise Interrupted

    with Index.open(vault) as index:
        with pytest.raises(Interrupted):
            index.sync(progress=stop)
        assert not (vault / ".vaultkit" / INDEX_FILE).exists()
    assert _state_files(vault) == [".gitignore"]
    with Index.open(vault) as index:
        index.sync()
        assert index.note_paths() == ["a.md", "b.md", "people/c.md"]


def test_a_first_index_left_by_a_crash_is_removed_later(make_vault):
    vault = make_vault(NOTES)
    state = vault / ".vaultkit"
    state.mkdir()
    abandoned, recent = state / f"{INDEX_FILE}.new-99999-dead", state / f"{INDEX_FILE}.new-99998-live"
    for path in (abandoned, recent):
        path.write_bytes(b"half a database")
    old = time.time() - ABANDONED_SECONDS - 60
    os.utime(abandoned, (old, old))
    with Index.open(vault) as index:
        index.sync()
    assert not abandoned.exists()
    assert recent.exists()  # perhaps another process's build, still going
