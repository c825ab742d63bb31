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

from ..index import Index
from ..parse import split_front_matter
from ..resolve import Resolver
from ..schema import Schema, note_types
from ..snapshot import LinkData, Snapshot, load_snapshot


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
    texts: dict[str, str]  # note path -> body (front matter removed)
    digests: dict[str, str]  # note path -> digest of the whole file as read
    resolver: Resolver
    alias_fallback: bool
    snapshot: Snapshot
    schema: Schema
    backlinks: dict[str, list[LinkData]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not self.backlinks:
            for note in self.notes.values():
                for link in note.links:
                    if link.target is not None and link.target != link.source:
                        self.backlinks.setdefault(link.target, []).append(link)


class TextCache:
    """Note bodies kept between builds by `serve`: a file is read again only when the
    index's content hash for it changed."""

    def __init__(self) -> None:
        self.entries: dict[str, tuple[str, str, str]] = {}  # path -> (index hash, body, digest)

    def get(self, root: str, path: str, index_hash: str) -> tuple[str, str]:
        entry = self.entries.get(path)
        if entry is not None and entry[0] == index_hash and index_hash:
            return entry[1], entry[2]
        try:
            with open(os.path.join(root, path), "rb") as handle:
                data = handle.read()
        except OSError:
            data = b""
        digest = hashlib.blake2b(data, digest_size=16).hexdigest()
        text = data.decode("utf-8", "replace")
        if text.startswith("\ufeff"):
            text = text[1:]
        yaml_text, body, start = split_front_matter(text)
        if yaml_text is None and start < 0:
            body = text
        self.entries[path] = (index_hash, body, digest)
        return body, digest

    def forget_missing(self, paths: set[str]) -> None:
        for path in list(self.entries):
            if path not in paths:
                del self.entries[path]


def load_content(index: Index, cache: TextCache | None = None) -> Content:
    cache = cache or TextCache()
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
    attachments: set[str] = set()
    hashes: dict[str, str] = {}
    for path, file_hash, is_note in index.db.execute("SELECT path, hash, is_note FROM files"):
        if is_note:
            hashes[path] = file_hash
        else:
            attachments.add(path)
    root = str(index.root)
    texts: dict[str, str] = {}
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
    )
