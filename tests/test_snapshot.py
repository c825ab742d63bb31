"""`Snapshot.only`: the vault as if it held only some notes (the site's published ones)."""

from __future__ import annotations

from hypothesis import given, settings
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
