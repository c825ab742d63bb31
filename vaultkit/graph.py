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
from typing import Any

from .index import Index


def graph_json(index: Index) -> dict[str, Any]:
    tags: dict[str, list[str]] = {}
    for path, tag in index.db.execute("SELECT path, tag FROM tags ORDER BY path, tag"):
        tags.setdefault(path, []).append(tag)
    schema = index.config.schema
    declared = dict(index.db.execute("SELECT path, value FROM properties WHERE key = ?", (schema.type_key,)))
    types: dict[str, str | None] = {}
    nodes = []
    for node in index.nodes():
        if node["kind"] == "note":
            value = declared.get(node["path"])
            types[node["path"]] = schema.type_of(node["path"], {schema.type_key: json.loads(value)} if value else {})
            node["type"] = types[node["path"]]  # the schema's type, as the agenda and the site see it
        else:
            node["type"] = None
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
            "relation": schema.relation_of(types.get(where.source), link.field),
            "line": link.line,
            "ambiguous": where.ambiguous,
            "low_confidence": link.low_confidence,
            "raw": link.raw,
        }
        for link, where in index.links()
    ]
    return {"nodes": nodes, "edges": edges}
