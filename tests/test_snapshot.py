"""`Snapshot.only`: the vault as if it held only some notes (the site's published ones)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.snapshot import LinkData, NoteData, Snapshot, Withheld

NAMES = ("a.md", "b.md", "c.md", "d.md")


def note(path: str) -> NoteData:
    return NoteData(path, path[:-3], {}, {}, (), ())


def link(source: str, target: str | None, line: int = 1) -> LinkData:
    return LinkData(source, None, line, f"[[{target}]]", target or "Nobody", None, "link", target, False)


SNAPSHOT = Snapshot(
    {path: note(path) for path in NAMES},
    (link("a.md", "b.md"), link("a.md", "c.md"), link("a.md", None), link("c.md", "a.md"), link("d.md", "b.md")),
)


def test_only_keeps_notes_and_links_between_them() -> None:
    kept = SNAPSHOT.only({"a.md", "b.md"})
    assert list(kept.notes) == ["a.md", "b.md"]
    assert kept.links == (link("a.md", "b.md"), link("a.md", None))  # unresolved stays; to or from c, d go

    # What crossed the edge is kept without the left-out end: a -> c, c -> a, d -> b.
    assert kept.withheld == {Withheld("a.md", None, True), Withheld("a.md", None, False), Withheld("b.md", None, False)}
    assert SNAPSHOT.only({"b.md"}).withheld == {Withheld("b.md", None, False)}
    assert SNAPSHOT.only({"b.md"}).only({"b.md"}) == SNAPSHOT.only({"b.md"})

@settings(max_examples=60, deadline=None)
@given(st.sets(st.sampled_from(NAMES)))
def test_only_never_mentions_a_note_outside(paths: set[str]) -> None:
    kept = SNAPSHOT.only(paths)
    assert set(kept.notes) == paths
    assert all(l.source in paths and (l.target is None or l.target in paths) for l in kept.links)
    # Nothing between kept notes is lost, and the order stays.
    assert kept.links == tuple(
        l for l in SNAPSHOT.links if l.source in paths and (l.target is None or l.target in paths)
    )
    assert SNAPSHOT.only(set(NAMES)) == SNAPSHOT
    assert all(w.note in paths for w in kept.withheld)


def test_load_snapshot_of_some_paths_is_that_part_of_the_whole(make_vault) -> None:
    from vaultkit.index import Index

    vault = make_vault(
        {
            "a.md": "---\ntags: [x]\naliases: [Ay]\nrole: r\ncompany: \"[[c]]\"\n---\n[[b]] [[nobody]]\n",
            "b.md": "---\ntype: contact\n---\n[[a#H]]\n",
            "c.md": "---\nsee: [\"[[a]]\", \"[[b]]\"]\n---\n[[a]]\n",
        }
    )
    from vaultkit.snapshot import load_snapshot

    with Index.open(vault) as index:
        index.sync()
        whole = load_snapshot(index)
        part = load_snapshot(index, ["a.md", "c.md", "gone.md"])
        properties_only = load_snapshot(index, body_links=False)
        part_properties_only = load_snapshot(index, ["c.md"], body_links=False)
    assert part.notes == {p: whole.notes[p] for p in ("a.md", "c.md")}
    assert part.links == tuple(l for l in whole.links if l.source in ("a.md", "c.md"))
    assert properties_only.notes == whole.notes
    assert properties_only.links == tuple(l for l in whole.links if l.field is not None)
    assert len(properties_only.links) == 3
    assert part_properties_only.links == tuple(l for l in whole.links if l.field is not None and l.source == "c.md")
    assert any(l.subpath == "#H" for l in whole.links)


# A first sync of the whole vault keeps the rows it wrote (`Index.keep_rows`), and the
# site reads them instead of the index: they must say exactly what the index says.
FIRST_NAMES = ["Ana.md", "ana.md", "Bob Smith.md", "Zoë.md", "a/Ana.md", "a/b/Note.md", "b/Éva.md", "img.png"]
BODY_PARTS = [
    "[[Ana]]", "[[ana|Ana A]]", "[[Bob Smith#Work]]", "![[img.png]]", "[[Nobody]]", "[[a/Ana]]", "[[#Self]]",
    "#tag", "#Tag", "#x/y", "[x](Ana.md)", "`[[code]]`", "> [!note] [[Zoë]]", "| [[Ana]] | b |\n|---|---|",
    "- [[Bob Smith]] ^id", "```\n[[fenced]]\n```", "<b>[[Ana]]</b>",
]
PROPERTIES = [
    "tags: [b, a, A]", "aliases: [Zed, Bee, Zed]", 'company: "[[Bob Smith]]"', "met: 2026-01-05",
    "people:\n  - \"[[Ana]]\"\n  - \"[[Zoë]]\"", "nested: {k: [1, 2]}", "title: Shown", "private: true", "n: 3",
]


@st.composite
def first_vault(draw) -> dict[str, str]:
    files = {}
    for path in draw(st.sets(st.sampled_from(FIRST_NAMES), min_size=1)):
        if not path.endswith(".md"):
            files[path] = "bytes"
            continue
        front = draw(st.lists(st.sampled_from(PROPERTIES), max_size=4, unique=True))
        body = draw(st.lists(st.sampled_from(BODY_PARTS), max_size=6))
        files[path] = ("---\n" + "\n".join(front) + "\n---\n" if front else "") + "\n\n".join(body) + "\n"
    return files


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(files=first_vault())
def test_the_rows_of_a_first_sync_say_what_the_index_says(make_vault, files) -> None:
    from vaultkit.index import Index
    from vaultkit.snapshot import load_snapshot, snapshot_of_rows

    with Index.open(make_vault(files)) as index:
        index.keep_rows = True
        index.sync()
        rows = index.take_rows()
        assert rows is not None
        assert index.take_rows() is None  # once
        assert snapshot_of_rows(rows) == load_snapshot(index)


@pytest.mark.parametrize("workers", [1, 2])
def test_the_rows_of_a_parallel_first_sync_say_what_the_index_says(make_vault, workers) -> None:
    """Batches from worker processes, resolved there (2), or resolved as they are written (1)."""
    from vaultkit.index import PARALLEL_THRESHOLD, Index
    from vaultkit.snapshot import load_snapshot, snapshot_of_rows

    from test_parallel import networking_files

    with Index.open(make_vault(networking_files(PARALLEL_THRESHOLD * 2 + 40))) as index:
        index.workers, index.keep_rows = workers, True
        index.sync()
        rows = index.take_rows()
        assert rows is not None and len(rows) > 1
        from_rows = snapshot_of_rows(rows)
        assert from_rows == load_snapshot(index)
        assert any(link.ambiguous for link in from_rows.links) and any(link.target for link in from_rows.links)


def test_rows_are_kept_only_from_a_first_sync_no_one_wrote_after(make_vault) -> None:
    import sqlite3

    from vaultkit.index import Index

    vault = make_vault({"a.md": "[[b]]\n", "b.md": "Hi\n"})
    with Index.open(vault) as index:
        index.sync()
        assert index.take_rows() is None  # not asked to keep them
    (vault / ".vaultkit" / "index.sqlite").unlink()
    with Index.open(vault) as index:
        index.keep_rows = True
        index.sync()
        other = sqlite3.connect(vault / ".vaultkit" / "index.sqlite")  # another process writes
        other.execute("UPDATE notes SET title = 'B' WHERE path = 'b.md'")
        other.commit()
        other.close()
        assert index.take_rows() is None
        index.sync()  # not a first sync: nothing kept
        assert index.take_rows() is None
