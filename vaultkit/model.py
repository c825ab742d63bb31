"""The records vaultkit passes around: one immutable record per concept.

A `Note` is what parsing one file yields; a `Link` is one link occurrence in it;
a `Problem` is anything wrong the user should hear about. Nothing here does I/O.
The records made by the hundred thousand (links, headings) are named tuples: a
frozen dataclass costs three times as much to make (1.7 µs against 0.5), which
was a tenth of the index's row building at 10,000 notes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any, NamedTuple


class Link(NamedTuple):
    """One link occurrence, as written, before resolution."""

    linkpath: str  # the part naming the file: `Folder/Note` of `[[Folder/Note#H|x]]`
    subpath: str  # `#H`, `#H1#H2`, `#^block`, or ""
    display: str | None  # text after the first `|`, or a Markdown link's text
    kind: str  # "link" | "embed"
    syntax: str  # "wiki" | "markdown"
    field: str | None  # front matter property holding the link, None in the body
    line: int  # 1-based line in the file
    raw: str  # the link exactly as written
    # A property link inside longer text (`note: "met [[Bob]] today"`): Obsidian may
    # not follow it (obsidian-links §5), so it is indexed and marked.
    low_confidence: bool = False


class Heading(NamedTuple):
    level: int
    text: str
    line: int


@dataclass(frozen=True, slots=True)
class Problem:
    """Something wrong in the vault, named by file and line (0 when unknown)."""

    path: str
    line: int
    severity: str  # "error" | "warning"
    code: str  # stable, machine-readable: "yaml", "unresolved-link", ...
    message: str

    def format(self) -> str:
        where = f"{self.path}:{self.line}" if self.line else self.path
        return f"{where}: {self.severity}: {self.message}"


@dataclass(frozen=True, slots=True)
class Note:
    """A parsed Markdown note, keyed by its vault-relative POSIX path."""

    path: str
    title: str
    properties: dict[str, Any] = field(default_factory=dict)  # JSON-safe values only
    aliases: tuple[str, ...] = ()
    tags: tuple[str, ...] = ()
    headings: tuple[Heading, ...] = ()
    block_ids: tuple[str, ...] = ()
    links: tuple[Link, ...] = ()
    problems: tuple[Problem, ...] = ()
    property_lines: dict[str, int] = field(default_factory=dict)  # key -> 1-based line of `key:`

    @property
    def type(self) -> str | None:
        value = self.properties.get("type")
        return value if isinstance(value, str) else None
