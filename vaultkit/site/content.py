"""Read every note first: the site's view of the vault, loaded from the index in bulk.

As in mkdocs and Quartz, the build reads all content before it emits any page, so
cross-page data (backlinks, referral chains, the graph) is complete when pages are
rendered. `load_content` reads the index through the networking model's `Snapshot`
(a handful of whole-table queries, never one per note), types notes with the vault's
schema, and reads note bodies from disk (the index does not keep them).
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from typing import Any

from ..index import MAX_NOTE_BYTES, Index
from ..parse import split_front_matter
from ..resolve import Resolver
from ..schema import Schema, note_types
from ..snapshot import LinkData, Snapshot, load_snapshot, splice_by_source
from .ahead import in_child


@dataclass(slots=True)
class SiteNote:
    path: str
    title: str
    type: str | None  # canonical, from the schema: `type:` through vaultkit.yml's labels, else the folder
    properties: dict[str, Any]
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    links: list[LinkData] = field(default_factory=list)


@dataclass
class Content:
    """Everything the emitters may look at. Built once per build, read-only after."""

    notes: dict[str, SiteNote]
    attachments: set[str]
    texts: Texts  # note path -> body (front matter removed)
    digests: dict[str, str]  # note path -> digest of the whole file as read
    resolver: Resolver
    alias_fallback: bool
    snapshot: Snapshot
    schema: Schema
    unparsed: frozenset[str] = frozenset()  # notes whose front matter could not be read (kept private)
    backlinks: dict[str, list[LinkData]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.backlinks:
            for note in self.notes.values():
                for link in note.links:
                    if link.target is not None and link.target != link.source:
                        self.backlinks.setdefault(link.target, []).append(link)


class Texts(dict):
    """Note bodies by path, read and written as str, kept as UTF-8.

    Nearly every note holds a character beyond Latin-1 (an emoji, a name), and Python
    then keeps the whole text at four bytes a character: 77 MiB of str for the 24 MiB
    of a 10,000-note vault, for the whole build. Decoding again costs milliseconds.
    """

    def __getitem__(self, path: str) -> str:
        return dict.__getitem__(self, path).decode("utf-8")

    def __setitem__(self, path: str, text: str | bytes) -> None:
        dict.__setitem__(self, path, text if isinstance(text, bytes) else text.encode("utf-8"))

    def copy(self) -> "Texts":
        copied = Texts()
        dict.update(copied, self)  # the stored bytes as they are (dict's own copy: no __getitem__)
        return copied


class TextCache:
    """Note bodies kept between builds by `serve`: a file is read again only when the
    index's content hash for it changed. Bodies are UTF-8 (see Texts)."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, bytes, str]] = {}  # path -> (index hash, body, digest)

    def get(self, root: str, path: str, index_hash: str) -> tuple[bytes, str]:
        entry = self.entries.get(path)
        if entry is not None and entry[0] == index_hash and index_hash:
            return entry[1], entry[2]
        try:
            with open(os.path.join(root, path), "rb") as handle:
                # A note the index does not parse (`too-large`) is not published either.
                data = b"" if os.fstat(handle.fileno()).st_size > MAX_NOTE_BYTES else handle.read()
        except OSError:
            data = b""
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        text = data.decode("utf-8", "replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        yaml_text, body, start = split_front_matter(text)
        if yaml_text is None and start < 0:
            body = text
        encoded = body.encode("utf-8")
        self.entries[path] = (index_hash, encoded, digest)
        return encoded, digest

    def forget_missing(self, paths: set[str]) -> None:
        for path in list(self.entries):
            if path not in paths:
                del self.entries[path]


def unparsed_notes(index: Index, paths: set[str] | None = None) -> frozenset[str]:
    """Notes whose front matter did not parse: their properties, `private` among them,
    are unknown."""
    if paths is None:
        return frozenset(path for (path,) in index.db.execute(UNPARSED))
    marks = ",".join("?" * len(paths))
    return frozenset(path for (path,) in index.db.execute(f"{UNPARSED} AND path IN ({marks})", tuple(paths)))


UNPARSED = "SELECT DISTINCT path FROM problems WHERE code = 'yaml' AND severity = 'error' AND from_scan = 0"


READ_AHEAD = 256  # notes from which a first load reads their files in a forked child meanwhile


def load_content(index: Index, cache: TextCache | None = None) -> Content:
    cache = cache or TextCache()
    attachments: set[str] = set()
    hashes: dict[str, str] = {}
    for path, file_hash, is_note in index.db.execute("SELECT path, hash, is_note FROM files"):
        if is_note:
            hashes[path] = file_hash
        else:
            attachments.add(path)
    root = str(index.root)
    ahead = None
    if not cache.entries and len(hashes) >= READ_AHEAD:
        # A first load reads every note's file: a child does, while this process reads the index.
        ahead = in_child(lambda: {path: cache.get(root, path, file_hash) for path, file_hash in hashes.items()})
    snapshot = load_snapshot(index)
    schema = index.config.schema
    types = note_types(snapshot, schema)
    notes = {
        path: SiteNote(path, note.title, types[path], note.properties, note.tags, note.aliases)
        for path, note in snapshot.notes.items()
    }
    for link in snapshot.links:
        note = notes.get(link.source)
        if note is not None:
            note.links.append(link)
    if ahead is not None:
        for path, (body, digest) in ahead().items():
            cache.entries[path] = (hashes[path], body, digest)
    texts = Texts()
    digests: dict[str, str] = {}
    for path in notes:
        texts[path], digests[path] = cache.get(root, path, hashes.get(path, ""))
    cache.forget_missing(set(notes))
    return Content(
        notes=notes,
        attachments=attachments,
        texts=texts,
        digests=digests,
        resolver=index.resolver,
        alias_fallback=index.config.alias_fallback,
        snapshot=snapshot,
        schema=schema,
        unparsed=unparsed_notes(index),
    )




def patch_content(old: Content, index: Index, cache: TextCache, changed: set[str]) -> Content | None:
    """`old` with the notes in `changed` read again from the index: what `load_content`
    would return, for a few queries instead of a whole-index read.

    Only for edits inside notes that stay notes under the same names: None when a path in
    `changed` is new, gone or not a note, or when a note's title or aliases changed (other
    notes' links may then resolve differently). The caller then loads everything."""
    marks = ",".join("?" * len(changed))
    rows = index.db.execute(f"SELECT path, hash, is_note FROM files WHERE path IN ({marks})", tuple(changed))
    hashes = {path: file_hash for path, file_hash, is_note in rows if is_note}
    if any(path not in old.notes or path not in hashes for path in changed):
        return None
    if sum(len(note.links) for note in old.notes.values()) != len(old.snapshot.links):
        return None  # a link whose source is not a note: keep the index's order by reading it all
    fresh = load_snapshot(index, sorted(changed))
    for path in changed:
        note, before = fresh.notes.get(path), old.snapshot.notes[path]
        if note is None or note.title != before.title or note.aliases != before.aliases:
            return None
    schema = old.schema
    by_source: dict[str, list[LinkData]] = {}
    for link in fresh.links:
        by_source.setdefault(link.source, []).append(link)
    notes = dict(old.notes)
    for path in changed:
        note = fresh.notes[path]
        notes[path] = SiteNote(path, note.title, schema.type_of(path, note.properties), note.properties, note.tags,
                               note.aliases, by_source.get(path, []))
    # The snapshot's links stay in (source, ordinal) order: notes are in path order, and
    # each note's links in its own order.
    links = splice_by_source(old.snapshot.links, changed, lambda path: notes[path].links)
    snapshot = Snapshot({**old.snapshot.notes, **{path: fresh.notes[path] for path in changed}}, tuple(links))
    # Backlinks as `Content` makes them: by source in path order, then the source's order.
    backlinks = dict(old.backlinks)
    order = None
    targets = {l.target for path in changed for l in (*old.notes[path].links, *notes[path].links)} - {None}
    for target in targets:
        kept = [l for l in backlinks.get(target, ()) if l.source not in changed]
        added = [l for path in changed for l in notes[path].links if l.target == target and l.source != target]
        if added:
            if order is None:
                order = {path: n for n, path in enumerate(notes)}
            kept = sorted(kept + added, key=lambda l: order[l.source])
        if kept:
            backlinks[target] = kept
        else:
            backlinks.pop(target, None)
    texts, digests = old.texts.copy(), dict(old.digests)
    root = str(index.root)
    for path in changed:
        texts[path], digests[path] = cache.get(root, path, hashes[path])
    unparsed = (old.unparsed - changed) | unparsed_notes(index, changed)
    return Content(notes=notes, attachments=old.attachments, texts=texts, digests=digests, resolver=index.resolver,
                   alias_fallback=old.alias_fallback, snapshot=snapshot, schema=schema, unparsed=unparsed,
                   backlinks=backlinks)
