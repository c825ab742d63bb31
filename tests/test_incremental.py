"""Incremental equals clean: the property that guards the index's design (STYLE.md).

Hypothesis plays a sequence of file operations on a real temporary vault: creates,
edits, renames (incl. case-only ones and whole-folder moves, and renames over an
existing file), deletes, of notes and attachments, with links between them,
duplicate names in different folders and aliases. After each step the index is
synced: in full, with `sync(paths=[...])` naming exactly the paths that changed
(old and new), or not yet (the changes pile up for a later sync). Whenever it has
synced, `Index.dump()` must equal a fresh full index of a copy of the same folder.

Every write sets the file's mtime from a clock that only moves forward, so that an
edit is never invisible to a stat-based sync (the same size within one timestamp
tick would be; the watcher's tests cover that race separately).
"""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.index import Index

FOLDERS = ["", "a/", "b/", "a/b/", "A/"]
NAMES = ["Note.md", "note.md", "Ana.md", "Bob Smith.md", "img.png", "doc.pdf"]
PATHS = [folder + name for folder in FOLDERS for name in NAMES]
LINKS = [
    "[[Note]]", "[[a/Note]]", "[[b/Note]]", "[[./Note]]", "[[../Note]]", "[[/Note]]", "[[NOTE#H]]",
    "[[Ana]]", "[[Bob]]", "[[Bob Smith|Bob]]", "![[img.png]]", "[[img]]", "[[doc.pdf#page=2]]",
    "[x](Ana.md)", "[x](../b/Note.md)", "[[#Self]]",
]


@st.composite
def note_text(draw) -> str:
    lines = []
    aliases = draw(st.lists(st.sampled_from(["Bob", "Note", "Ana", "Robert"]), max_size=2))
    prop = draw(st.one_of(st.none(), st.sampled_from([link for link in LINKS if link.startswith("[[")])))
    if aliases or prop:
        lines.append("---")
        if aliases:
            lines.append(f"aliases: [{', '.join(aliases)}]")
        if prop:
            lines.append(f'company: "{prop}"')
        lines.append("---")
    lines.extend(draw(st.lists(st.sampled_from(LINKS), max_size=3)))
    lines.extend(["padding"] * draw(st.integers(0, 2)))  # edits that change the size, or not
    return "\n".join(lines) + "\n"


write = st.tuples(st.just("write"), st.sampled_from(PATHS), note_text())
delete = st.tuples(st.just("delete"), st.sampled_from(PATHS))
rename = st.tuples(st.just("rename"), st.sampled_from(PATHS), st.sampled_from(PATHS))
case_rename = st.sampled_from(
    [("rename", folder + "Note.md", folder + "note.md") for folder in FOLDERS]
    + [("rename", folder + "note.md", folder + "Note.md") for folder in FOLDERS]
)
move_folder = st.tuples(st.just("move"), st.sampled_from(["a", "b", "A", "a/b"]), st.sampled_from(["a", "b", "A", "c", "b/a"]))
operation = st.tuples(
    st.one_of(write, write, delete, rename, case_rename, move_folder),
    st.sampled_from(["full", "paths", "paths", "later"]),  # how to sync after this step
)


class Vault:
    """A real folder plus the clock its writes use and the paths changed since the last sync."""

    def __init__(self, root: Path):
        self.root = root
        self.clock = 1_700_000_000 * 10**9
        self.changed: list[str] = []

    def _stamp(self, path: Path) -> None:
        self.clock += 10**9
        os.utime(path, ns=(self.clock, self.clock))

    def apply(self, op: tuple) -> None:
        kind = op[0]
        if kind == "write":
            path = self.root / op[1]
            path.parent.mkdir(parents=True, exist_ok=True)
            if op[1].endswith(".md"):
                path.write_text(op[2], encoding="utf-8")
            else:
                path.write_bytes(op[2].encode() * 3)  # attachment bytes
            self._stamp(path)
            self.changed.append(op[1])
        elif kind == "delete":
            path = self.root / op[1]
            if path.is_file():
                path.unlink()
                self.changed.append(op[1])
        elif kind == "rename":
            source, target = self.root / op[1], self.root / op[2]
            if not source.is_file() or op[1] == op[2]:
                return
            if target.exists() and not target.is_file():
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            os.replace(source, target)  # over an existing file too, as an atomic save does
            self.changed.extend([op[1], op[2]])
        elif kind == "move":
            source, target = self.root / op[1], self.root / op[2]
            if not source.is_dir() or target.exists() or (op[2] + "/").startswith(op[1] + "/"):
                return
            target.parent.mkdir(parents=True, exist_ok=True)
            os.rename(source, target)
            self.changed.extend([op[1], op[2]])


def fresh_dump(root: Path) -> dict:
    """A clean full index of a copy of the vault (the copy holds no .vaultkit)."""
    with tempfile.TemporaryDirectory() as scratch:
        copy = Path(scratch) / "copy"
        shutil.copytree(root, copy, ignore=shutil.ignore_patterns(".vaultkit"), symlinks=True)
        with Index.open(copy) as index:
            index.sync(full=True)
            return index.dump()


def sync(index: Index, vault: Vault, how: str) -> None:
    if how == "full":
        index.sync()
    else:
        index.sync(paths=list(vault.changed))
    vault.changed.clear()


@settings(
    max_examples=60,
    deadline=None,
    stateful_step_count=20,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
@given(
    alias_fallback=st.booleans(),
    start=st.lists(write, max_size=6),
    steps=st.lists(operation, min_size=1, max_size=14),
    last=st.sampled_from(["full", "paths"]),
)
def test_incremental_sync_equals_a_clean_index(alias_fallback, start, steps, last):
    with tempfile.TemporaryDirectory() as scratch:
        vault = Vault(Path(scratch) / "vault")
        (vault.root / ".obsidian").mkdir(parents=True)
        if alias_fallback:
            (vault.root / "vaultkit.yml").write_text("alias_fallback: true\n")
        for op in start:
            vault.apply(op)
        with Index.open(vault.root) as index:
            index.sync()
            vault.changed.clear()
            assert index.dump() == fresh_dump(vault.root)
            for op, how in steps:
                vault.apply(op)
                if how == "later":
                    continue
                sync(index, vault, how)
                assert index.dump() == fresh_dump(vault.root), (op, how)
            sync(index, vault, last)
            assert index.dump() == fresh_dump(vault.root)
            # and syncing again changes nothing
            report = index.sync()
            assert (report.added, report.changed, report.removed, report.parsed) == (0, 0, 0, 0)


def test_delete_and_rebuild_equals_incremental(make_vault):
    """The other way to a clean index: delete .vaultkit and build again."""
    vault = make_vault(
        {"a/Note.md": "[[Ana]] [[b/Note]]\n", "b/Note.md": "---\naliases: [Bob]\n---\n[[Note]]\n", "Ana.md": "[[Bob]]\n"}
    )
    with Index.open(vault) as index:
        index.sync()
        (vault / "Note.md").write_text("Root note now wins [[a/Note]].\n")
        os.replace(vault / "b", vault / "B")
        (vault / "Ana.md").unlink()
        index.sync(paths=["Note.md", "b", "B", "Ana.md"])
        incremental = index.dump()
    shutil.rmtree(vault / ".vaultkit")
    with Index.open(vault) as index:
        index.sync()
        assert index.dump() == incremental
    links = {(row[0], row[6], row[11]) for row in incremental["links"]}
    assert ("a/Note.md", "Ana", None) in links  # deleted: unresolved again
    assert ("B/Note.md", "Note", "Note.md") in links  # the new root note wins (R4)
