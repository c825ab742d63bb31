"""A read-only snapshot of the index: the one place the networking model reads the database.

Everything downstream (schema checks, the network, agenda, paths, stats) is a pure
function of a `Snapshot` plus the schema and "today", so it can be tested from data.
"""

from __future__ import annotations

import json
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from operator import attrgetter
from typing import Any, NamedTuple

from .index import Index


@dataclass(frozen=True, slots=True)
class NoteData:
    path: str
    title: str
    properties: dict[str, Any]
    lines: dict[str, int]  # property name -> 1-based line of `name:`
    tags: tuple[str, ...]
    aliases: tuple[str, ...]


class LinkData(NamedTuple):  # a named tuple: one per link, 150,000 at 10,000 notes (see model.py)
    source: str
    field: str | None  # front matter property holding the link, None in the body
    line: int
    raw: str
    linkpath: str
    display: str | None
    kind: str  # "link" | "embed"
    target: str | None  # vault-relative path, None when unresolved
    ambiguous: bool
    subpath: str = ""  # `#Heading` or `#^block`; never changes the target


@dataclass(frozen=True, slots=True)
class Withheld:
    """A link between a kept note and a note `Snapshot.only` left out, with nothing of the
    left-out note in it: only that the kept note's `field` linked out to some withheld note
    (`outgoing`), or some withheld note linked to it in `field`."""

    note: str  # the kept end
    field: str | None  # the property holding the link (None: in the body)
    outgoing: bool


@dataclass(frozen=True, slots=True)
class Snapshot:
    notes: dict[str, NoteData]  # in path order
    links: tuple[LinkData, ...]  # in (source, ordinal) order
    # Empty for the whole vault. For a part (`only`): the links that crossed its edge, so
    # the model can tell "nobody referred this person" from "someone left out did".
    withheld: frozenset[Withheld] = frozenset()

    def links_of(self, path: str) -> tuple[LinkData, ...]:
        """The links written in one note (the links are in source order)."""
        lo, hi = source_range(self.links, path)
        return self.links[lo:hi]

    def only(self, paths: set[str] | frozenset[str],
             reuse: tuple["Snapshot", set[str]] | None = None) -> "Snapshot":
        """The vault as if it held only the notes in `paths` (the published ones, for the site).

        Links written in other notes go, and so do links to notes outside `paths`: a
        degree, a referral or an introduction path computed from the result can never
        pass through a note that is not in it. Unresolved links stay what they are.
        What crossed the edge is kept as `Withheld` records that name no left-out note.

        `reuse`: (`only(paths)` of an earlier snapshot of the same notes, the notes whose
        links or properties differ since), all of them in `paths`: their links are put in
        place of theirs in the earlier part, with the same result.
        """
        if reuse is not None and reuse[1] <= paths and reuse[0].notes.keys() == {p for p in self.notes if p in paths}:
            return self._patched_only(paths, *reuse)
        kept: list[LinkData] = []
        withheld: set[Withheld] = set(self.withheld)
        for link in self.links:
            source_in = link.source in paths
            target_in = link.target is None or link.target in paths
            if source_in and target_in:
                kept.append(link)
            elif source_in:
                withheld.add(Withheld(link.source, link.field, True))
            elif link.target is not None and target_in:
                withheld.add(Withheld(link.target, link.field, False))
        return Snapshot(
            {path: note for path, note in self.notes.items() if path in paths},
            tuple(kept),
            frozenset(w for w in withheld if w.note in paths),
        )


    def _patched_only(self, paths, part: "Snapshot", changed: set[str]) -> "Snapshot":
        # Only a kept note's own links make its `outgoing` records.
        withheld = {w for w in part.withheld if not (w.outgoing and w.note in changed)}
        withheld.update(w for w in self.withheld if w.outgoing and w.note in changed)

        def kept(path: str) -> list[LinkData]:
            links = []
            for link in self.links_of(path):
                if link.target is None or link.target in paths:
                    links.append(link)
                else:
                    withheld.add(Withheld(link.source, link.field, True))
            return links

        links = splice_by_source(part.links, changed, kept)
        notes = dict(part.notes)
        notes.update((path, self.notes[path]) for path in changed)
        return Snapshot(notes, tuple(links), frozenset(withheld))


# Links, the network's edges: records kept in the order of their `source` note.
_source = attrgetter("source")


def source_range(records: Sequence, path: str, lo: int = 0) -> tuple[int, int]:
    """Where the records written in `path` stand in `records` (sorted by source): [lo, hi)."""
    lo = bisect_left(records, path, lo=lo, key=_source)
    return lo, bisect_right(records, path, lo=lo, key=_source)


def splice_by_source(records: Sequence, changed: Iterable[str], new: Callable[[str], Iterable]) -> list:
    """`records` (sorted by source) with the records of each note in `changed` replaced
    by `new(note)`, in the same order."""
    out: list = []
    at = 0
    for path in sorted(changed):
        lo, hi = source_range(records, path, at)
        out += records[at:lo]
        out += new(path)
        at = hi
    out += records[at:]
    return out


def load_snapshot(index: Index, paths: list[str] | None = None, body_links: bool = True) -> Snapshot:
    """The whole index, or only the notes in `paths` and the links written in them.
    Without `body_links`, only the links written in properties (what schema checks
    read: a tenth of a vault's links)."""
    if paths is None and body_links:
        rows = index.take_rows()
        if rows is not None:
            return snapshot_of_rows(rows)
    db = index.db
    where, args = "", ()
    if paths is not None:  # a few notes (what a watcher saw change): one parameter each
        args = tuple(dict.fromkeys(paths))
        where = " WHERE {} IN (" + ",".join("?" * len(args)) + ")"
    properties: dict[str, dict[str, Any]] = {}
    lines: dict[str, dict[str, int]] = {}
    for path, key, value, line in db.execute(
        "SELECT path, key, value, line FROM properties" + where.format("path") + " ORDER BY path, ordinal", args
    ):
        properties.setdefault(path, {})[key] = json.loads(value)
        lines.setdefault(path, {})[key] = line
    tags: dict[str, list[str]] = {}
    for path, tag in db.execute("SELECT path, tag FROM tags" + where.format("path") + " ORDER BY path, tag", args):
        tags.setdefault(path, []).append(tag)
    aliases: dict[str, list[str]] = {}
    for path, alias in db.execute(
        "SELECT path, alias FROM aliases" + where.format("path") + " ORDER BY path, alias", args
    ):
        aliases.setdefault(path, []).append(alias)
    notes = {
        path: NoteData(
            path, title, properties.get(path, {}), lines.get(path, {}),
            tuple(tags.get(path, ())), tuple(aliases.get(path, ())),
        )
        for path, title in db.execute("SELECT path, title FROM notes" + where.format("path") + " ORDER BY path", args)
    }
    links = tuple(
        LinkData(source, field, line, raw, linkpath, display, kind, target, bool(ambiguous), subpath)
        for source, field, line, raw, linkpath, display, kind, target, ambiguous, subpath in db.execute(
            "SELECT source, field, line, raw, linkpath, display, kind, target, ambiguous, subpath FROM links"
            + where.format("source")
            + ("" if body_links else (" AND" if where else " WHERE") + " field IS NOT NULL")
            + " ORDER BY source, ordinal", args
        )
    )
    return Snapshot(notes, links)


def snapshot_of_rows(batches: Sequence) -> Snapshot:
    """What `load_snapshot` reads back, made from the rows a first sync of the whole vault
    wrote (`Index.take_rows`): the batches, in path order, as `index._write` inserts them.
    Tags and aliases as the tables keep them: each once, in order."""
    properties: dict[str, dict[str, Any]] = {}
    lines: dict[str, dict[str, int]] = {}
    tags: dict[str, set[str]] = {}
    aliases: dict[str, set[str]] = {}
    titles: dict[str, str] = {}
    links: list[LinkData] = []
    new = tuple.__new__  # LinkData(...) less its Python-level __new__: 150,000 links at 10k notes
    for batch in sorted(batches, key=lambda batch: batch.files[0][0] if batch.files else ""):
        # The batch's property values (JSON texts) decoded in one call: one JSON array.
        values = json.loads("[" + ",".join([row[3] for row in batch.properties]) + "]")
        for (path, _, key, _, line), value in zip(batch.properties, values):  # (each note's, by ordinal)
            properties.setdefault(path, {})[key] = value
            lines.setdefault(path, {})[key] = line
        for path, tag in batch.tags:
            tags.setdefault(path, set()).add(tag)
        for path, alias in batch.aliases:
            aliases.setdefault(path, set()).add(alias)
        for path, title, *_ in batch.notes:
            titles[path] = title
        # A links row: (source, ordinal, line, kind, syntax, field, linkpath, subpath,
        # display, raw, name_key, target, ambiguous, via_alias, low_confidence).
        links += [new(LinkData, (row[0], row[5], row[2], row[9], row[6], row[8], row[3], row[11], row[12] != 0, row[7]))
                  for row in batch.links]
    notes = {
        path: NoteData(path, titles[path], properties.get(path, {}), lines.get(path, {}),
                       tuple(sorted(tags.get(path, ()))), tuple(sorted(aliases.get(path, ()))))
        for path in sorted(titles)
    }
    return Snapshot(notes, tuple(links))
