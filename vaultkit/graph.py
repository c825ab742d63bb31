"""The link graph as data: the `vaultkit graph --format json` contract.

One node per vault file, one edge per link occurrence. Paths are vault-relative
POSIX paths; `target` is null for an unresolved link. Documented in docs/cli.md.
"""

from __future__ import annotations

from typing import Any

from .index import Index


def graph_json(index: Index) -> dict[str, Any]:
    tags: dict[str, list[str]] = {}
    for path, tag in index.db.execute("SELECT path, tag FROM tags ORDER BY path, tag"):
        tags.setdefault(path, []).append(tag)
    nodes = []
    for node in index.nodes():
        node["tags"] = tags.get(node["path"], [])
        nodes.append(node)
    edges = [
        {
            "source": where.source,
            "target": where.target,
            "linkpath": link.linkpath,
            "subpath": link.subpath,
            "display": link.display,
            "kind": link.kind,
            "syntax": link.syntax,
            "field": link.field,
            "line": link.line,
            "ambiguous": where.ambiguous,
            "raw": link.raw,
        }
        for link, where in index.links()
    ]
    return {"nodes": nodes, "edges": edges}
