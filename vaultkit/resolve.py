"""Link resolution exactly as Obsidian does it (rules R0-R10 of obsidian-links.md).

`Resolver` holds one key table (lowercased file name -> paths) built from the
vault's file list; `resolve(linkpath, source)` is a pure lookup in it. No disk.
"""

from __future__ import annotations

import posixpath
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass


@dataclass(frozen=True, slots=True)
class Resolution:
    target: str | None
    ambiguous: bool = False
    via_alias: bool = False


UNRESOLVED = Resolution(None)


def fold(text: str) -> str:
    """How names compare: lowercased (R8) and NFC-normalised (R9), so that a file name
    written in NFD (macOS) is found by a link typed in NFC, and the other way round."""
    lowered = text.lower()
    return lowered if lowered.isascii() else unicodedata.normalize("NFC", lowered)


def name_key(linkpath: str) -> str:
    """The lowercased last path segment: what a link is looked up by (R1).

    Stored with each link so that when a file named `key` or `key.md` appears or
    disappears, exactly the links whose target may change are re-resolved.
    """
    return fold(linkpath.rstrip("/").rsplit("/", 1)[-1])


def file_keys(path: str) -> tuple[str, ...]:
    """The link name keys under which a file can be found: `Note.md` -> note.md, note."""
    name = fold(path.rsplit("/", 1)[-1])
    return (name, name[:-3]) if name.endswith(".md") else (name,)


class Resolver:
    def __init__(self, paths: Iterable[str] = (), aliases: dict[str, Iterable[str]] | None = None):
        self._by_name: dict[str, list[str]] = {}
        self._alias: dict[str, list[str]] = {}
        self._aliases_of: dict[str, tuple[str, ...]] = {}
        for path in paths:
            self.add(path)
        for path, names in (aliases or {}).items():
            self.set_aliases(path, names)

    # -- keeping the table ---------------------------------------------------
    def add(self, path: str) -> None:
        bucket = self._by_name.setdefault(fold(path.rsplit("/", 1)[-1]), [])
        if path not in bucket:
            bucket.append(path)
            bucket.sort()

    def remove(self, path: str) -> None:
        name = fold(path.rsplit("/", 1)[-1])
        bucket = self._by_name.get(name)
        if bucket and path in bucket:
            bucket.remove(path)
            if not bucket:
                del self._by_name[name]

    def set_aliases(self, path: str, names: Iterable[str]) -> None:
        for old in self._aliases_of.pop(path, ()):
            bucket = self._alias[old]
            bucket.remove(path)
            if not bucket:
                del self._alias[old]
        keys = tuple(dict.fromkeys(fold(name) for name in names))
        if keys:
            self._aliases_of[path] = keys
        for key in keys:
            bucket = self._alias.setdefault(key, [])
            bucket.append(path)
            bucket.sort()

    def alias_targets(self, linkpath: str) -> list[str]:
        """Notes that carry `linkpath` as an alias (for `check`'s suggestion)."""
        return list(self._alias.get(fold(linkpath.strip()), ()))

    # -- the lookup ----------------------------------------------------------
    def resolve(self, linkpath: str, source: str, alias_fallback: bool = False) -> Resolution:
        found = self._resolve_path(linkpath, source)
        if found.target is None and alias_fallback:
            targets = self.alias_targets(linkpath)
            if targets:
                return Resolution(targets[0], ambiguous=len(targets) > 1, via_alias=True)
        return found

    def _resolve_path(self, linkpath: str, source: str) -> Resolution:
        if not linkpath:
            return Resolution(source)  # R0: `[[#Heading]]` is the note itself
        wanted = fold(linkpath)
        absolute = False
        if wanted.startswith("./") or wanted.startswith("../"):  # R3
            wanted = posixpath.normpath(posixpath.join(posixpath.dirname(fold(source)), wanted))
            if wanted in (".", "..") or wanted.startswith("../"):
                return UNRESOLVED
        elif wanted.startswith("/"):  # R4/R5
            absolute = True
            wanted = wanted[1:]
        name = wanted.rsplit("/", 1)[-1]
        candidates = self._by_name.get(name, ()) if "." in name else ()
        if candidates:  # R1: a name with an extension, found as written
            key = wanted
        else:
            key = wanted + ".md"
            candidates = self._by_name.get(name + ".md", ())
        if not candidates:
            return UNRESOLVED
        if "/" not in linkpath and len(candidates) == 1:  # R2
            return Resolution(candidates[0])
        exact = [path for path in candidates if fold(path) == key]  # R3/R4
        if exact:
            return Resolution(exact[0], ambiguous=len(exact) > 1)
        if absolute:  # R5
            return UNRESOLVED
        matches = [path for path in candidates if fold(path).endswith(key)]  # R6
        if not matches:
            return UNRESOLVED
        # Obsidian compares with a plain string prefix and no trailing `/`: a source in
        # `Projects/` prefers `Projects Archive/Note.md` too (R6, MED).
        folder = fold(source).rsplit("/", 1)[0] if "/" in source else ""

        def rank(path: str) -> tuple[int, int]:
            folded = fold(path)  # NFC: lengths as Obsidian sees its normalised paths
            return (0 if folded.startswith(folder) else 1, len(folded))

        matches.sort(key=lambda path: (rank(path), path))  # R7: ties in path order
        ambiguous = len(matches) > 1 and rank(matches[0]) == rank(matches[1])
        return Resolution(matches[0], ambiguous=ambiguous)
