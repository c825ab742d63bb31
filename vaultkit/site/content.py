"""Read every note first: the site's view of the vault, loaded from the index in bulk.

As in mkdocs and Quartz, the build reads all content before it emits any page, so
cross-page data (backlinks, referral chains, the graph) is complete when pages are
rendered. `load_content` does a handful of whole-table queries, never one query per
note, and reads note bodies from disk (the index does not keep them).
"""

from __future__ import annotations

import hashlib
import json
import os
from dataclasses import dataclass, field
from typing import Any

from ..index import Index
from ..parse import split_front_matter
from ..resolve import Resolver


@dataclass(frozen=True, slots=True)
class SiteLink:
    source: str
    ordinal: int
    kind: str  # "link" | "embed"
    field: str | None  # front matter property, None in the body
    linkpath: str
    subpath: str
    display: str | None
    target: str | None  # None: unresolved


@dataclass(slots=True)
class SiteNote:
    path: str
    title: str
    type: str | None
    properties: dict[str, Any]
    tags: tuple[str, ...]
    aliases: tuple[str, ...]
    links: list[SiteLink] = field(default_factory=list)


@dataclass
class Content:
    """Everything the emitters may look at. Built once per build, read-only after."""

    notes: dict[str, SiteNote]
    attachments: set[str]
    texts: dict[str, str]  # note path -> body (front matter removed)
    digests: dict[str, str]  # note path -> digest of the whole file as read
    resolver: Resolver
    alias_fallback: bool
    backlinks: dict[str, list[SiteLink]] = field(default_factory=dict)

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
    db = index.db
    cache = cache or TextCache()
    notes: dict[str, SiteNote] = {}
    for path, title, note_type in db.execute("SELECT path, title, type FROM notes ORDER BY path"):
        notes[path] = SiteNote(path, title, note_type, {}, (), ())
    for path, key, value in db.execute("SELECT path, key, value FROM properties ORDER BY path, ordinal"):
        note = notes.get(path)
        if note is not None:
            note.properties[key] = json.loads(value)
    tags: dict[str, list[str]] = {}
    for path, tag in db.execute("SELECT path, tag FROM tags ORDER BY path, tag"):
        tags.setdefault(path, []).append(tag)
    aliases: dict[str, list[str]] = {}
    for path, alias in db.execute("SELECT path, alias FROM aliases ORDER BY path, alias"):
        aliases.setdefault(path, []).append(alias)
    for path, note in notes.items():
        note.tags = tuple(tags.get(path, ()))
        note.aliases = tuple(aliases.get(path, ()))
    for row in db.execute(
        "SELECT source, ordinal, kind, field, linkpath, subpath, display, target FROM links ORDER BY source, ordinal"
    ):
        note = notes.get(row[0])
        if note is not None:
            note.links.append(SiteLink(*row))
    attachments: set[str] = set()
    hashes: dict[str, str] = {}
    for path, file_hash, is_note in db.execute("SELECT path, hash, is_note FROM files"):
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
    )
