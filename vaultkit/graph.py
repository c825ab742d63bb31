"""The link graph as data: the `vaultkit graph --format json` contract.

One node per vault file, one edge per link occurrence. A node's `type` is the
canonical type the schema gives the note (its `type:` through vaultkit.yml's labels,
else its folder), the same type the networking model and the site use. Paths are vault-relative
POSIX paths; `target` is null for an unresolved link. Each edge carries its
referral-graph `relation`, typed by the property it stands in (schema.py).
Documented in docs/graph-json.md.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any, TextIO

from .index import Index


def graph_json(index: Index) -> dict[str, Any]:
    types = _types(index)
    return {"nodes": list(_nodes(index, types)), "edges": list(_edges(index, types))}


def write_graph_json(index: Index, out: TextIO) -> None:
    """`graph_json` as text, one node or edge per line (`grep` and `wc -l` work on it),
    written as it is read: a 10,000-note vault has 150,000 edges, and holding them all
    as objects and one string took over 600 MB."""
    encode = json.JSONEncoder(ensure_ascii=False).encode
    types = _types(index)
    for name, items, opening in (("nodes", _nodes(index, types), "{"), ("edges", _edges(index, types), ",\n")):
        out.write(f'{opening}"{name}": [')
        separator = "\n"
        for item in items:
            out.write(separator + encode(item))
            separator = ",\n"
        out.write("\n]")
    out.write("}\n")


def _types(index: Index) -> dict[str, str | None]:
    """Each note's type as the schema gives it (as the agenda and the site see it)."""
    schema = index.config.schema
    declared = dict(index.db.execute("SELECT path, value FROM properties WHERE key = ?", (schema.type_key,)))
    return {
        path: schema.type_of(path, {schema.type_key: json.loads(declared[path])} if path in declared else {})
        for path in index.note_paths()
    }


def _nodes(index: Index, types: dict[str, str | None]) -> Iterator[dict[str, Any]]:
    tags: dict[str, list[str]] = {}
    for path, tag in index.db.execute("SELECT path, tag FROM tags ORDER BY path, tag"):
        tags.setdefault(path, []).append(tag)
    type_of = index.config.schema.type_of
    for node in index.nodes():
        path = node["path"]
        node["type"] = (types[path] if path in types else type_of(path, {})) if node["kind"] == "note" else None
        node["tags"] = tags.get(path, [])
        yield node


def _edges(index: Index, types: dict[str, str | None]) -> Iterator[dict[str, Any]]:
    relation_of = index.config.schema.relation_of
    for (source, linkpath, subpath, display, kind, syntax, field, line, raw, target, ambiguous, _,
         low_confidence) in index.link_rows():
        yield {
            "source": source,
            "target": target,
            "linkpath": linkpath,
            "subpath": subpath,
            "display": display,
            "kind": kind,
            "syntax": syntax,
            "field": field,
            "relation": relation_of(types.get(source), field),
            "line": line,
            "ambiguous": bool(ambiguous),
            "low_confidence": bool(low_confidence),
            "raw": raw,
        }
