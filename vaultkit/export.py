"""The referral graph in other tools' formats: Graphviz DOT, GraphML, Mermaid.

Pure: each takes the `graph_json` dict and returns text. Repeated links between the
same two notes with the same relation become one edge with a `count`, since these
formats are for drawing and analysis, not for finding each link's line. A link to a
note that does not exist yet (a prospect) becomes a node of kind `unresolved`, so
the prospect inbox shows in the picture.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET
from typing import Any

UNRESOLVED_PREFIX = "unresolved:"


def _collapsed(graph: dict[str, Any]) -> tuple[list[dict[str, Any]], list[tuple[str, str, str, int]]]:
    """Nodes (with a node for each unresolved name) and (source, target, relation, count) edges."""
    nodes = [dict(node) for node in graph["nodes"]]
    known = {node["path"] for node in nodes}
    counts: dict[tuple[str, str, str], int] = {}
    for edge in graph["edges"]:
        target = edge["target"]
        if target is None:
            if not edge["linkpath"]:
                continue
            target = UNRESOLVED_PREFIX + edge["linkpath"]
            if target not in known:
                known.add(target)
                nodes.append(
                    {"path": target, "title": edge["linkpath"], "type": None, "kind": "unresolved", "tags": []}
                )
        if target == edge["source"]:
            continue
        key = (edge["source"], target, edge.get("relation") or "mentions")
        counts[key] = counts.get(key, 0) + 1
    return nodes, [(s, t, r, n) for (s, t, r), n in counts.items()]


# -- Graphviz DOT --------------------------------------------------------------------------
def _dot_string(text: str) -> str:
    """A DOT quoted string: backslash and quote escaped, line breaks as DOT's \\n."""
    escaped = text.replace("\\", "\\\\").replace('"', '\\"')
    return '"' + escaped.replace("\r\n", "\\n").replace("\n", "\\n").replace("\r", "\\n") + '"'


DOT_STYLE = {
    "referred": 'color="#1b7837" penwidth=2',
    "introduced": 'color="#5aae61" penwidth=2',
    "interviewed": 'color="#2166ac" penwidth=2',
    "works_at": 'color="#888888" style=dashed',
    "met_at": 'color="#888888" style=dotted',
    "mentions": 'color="#bbbbbb"',
}
DOT_SHAPE = {"profile": "doublecircle", "contact": "ellipse", "company": "box", "interview": "note",
             "event": "hexagon", "lead": "diamond"}


def to_dot(graph: dict[str, Any]) -> str:
    nodes, edges = _collapsed(graph)
    lines = ["digraph vaultkit {", "  rankdir=LR;", '  node [fontname="sans-serif"];', '  edge [fontsize=9];']
    for node in nodes:
        attributes = [f"label={_dot_string(node['title'])}"]
        if node["kind"] == "unresolved":
            attributes.append("style=dashed")
        elif node["kind"] == "attachment":
            attributes.append("shape=plaintext")
        else:
            attributes.append(f"shape={DOT_SHAPE.get(node['type'] or '', 'ellipse')}")
        if node["type"]:
            attributes.append(f"type={_dot_string(node['type'])}")
        lines.append(f"  {_dot_string(node['path'])} [{' '.join(attributes)}];")
    for source, target, relation, count in edges:
        attributes = [f"label={_dot_string(relation)}", f"relation={_dot_string(relation)}"]
        if count > 1:
            attributes.append(f"count={count}")
        if relation in DOT_STYLE:
            attributes.append(DOT_STYLE[relation])
        lines.append(f"  {_dot_string(source)} -> {_dot_string(target)} [{' '.join(attributes)}];")
    lines.append("}")
    return "\n".join(lines) + "\n"


# -- GraphML -------------------------------------------------------------------------------
GRAPHML_NS = "http://graphml.graphdrawing.org/xmlns"
NODE_KEYS = (("title", "string"), ("type", "string"), ("kind", "string"), ("tags", "string"))
EDGE_KEYS = (("relation", "string"), ("count", "int"))


def to_graphml(graph: dict[str, Any]) -> str:
    nodes, edges = _collapsed(graph)
    ET.register_namespace("", GRAPHML_NS)
    root = ET.Element(f"{{{GRAPHML_NS}}}graphml")
    for domain, keys in (("node", NODE_KEYS), ("edge", EDGE_KEYS)):
        for name, kind in keys:
            ET.SubElement(
                root, f"{{{GRAPHML_NS}}}key",
                {"id": f"{domain}_{name}", "for": domain, "attr.name": name, "attr.type": kind},
            )
    body = ET.SubElement(root, f"{{{GRAPHML_NS}}}graph", {"id": "vaultkit", "edgedefault": "directed"})
    for node in nodes:
        element = ET.SubElement(body, f"{{{GRAPHML_NS}}}node", {"id": _xml_text(node["path"])})
        values = {"title": node["title"], "type": node["type"], "kind": node["kind"], "tags": " ".join(node["tags"])}
        for name, _ in NODE_KEYS:
            if values[name]:
                ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": f"node_{name}"}).text = _xml_text(values[name])
    for number, (source, target, relation, count) in enumerate(edges):
        element = ET.SubElement(
            body, f"{{{GRAPHML_NS}}}edge",
            {"id": f"e{number}", "source": _xml_text(source), "target": _xml_text(target)},
        )
        ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": "edge_relation"}).text = _xml_text(relation)
        ET.SubElement(element, f"{{{GRAPHML_NS}}}data", {"key": "edge_count"}).text = str(count)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(root, encoding="unicode") + "\n"


def _xml_text(text: str) -> str:
    """XML 1.0 cannot carry most control characters, even escaped: drop them."""
    return "".join(ch for ch in text if ch in "\t\n\r" or ord(ch) >= 0x20 and ch not in "\ufffe\uffff")


# -- Mermaid -------------------------------------------------------------------------------
MERMAID_ARROW = {"referred": "==>", "introduced": "==>", "interviewed": "==>", "works_at": "-.->",
                 "met_at": "-.->"}


def _mermaid_text(text: str) -> str:
    """Label text inside `"..."`: Mermaid's entity codes for the characters it would parse."""
    out = []
    for ch in text:
        if ch in '"#<>&`[]{}()|;':
            out.append(f"#{ord(ch)};")
        elif ch in "\r\n":
            out.append(" ")
        else:
            out.append(ch)
    return "".join(out)


def to_mermaid(graph: dict[str, Any]) -> str:
    nodes, edges = _collapsed(graph)
    ids = {node["path"]: f"n{number}" for number, node in enumerate(nodes)}
    lines = ["graph LR"]
    for node in nodes:
        label = _mermaid_text(node["title"])
        node_id = ids[node["path"]]
        if node["type"] == "company":
            lines.append(f'  {node_id}["{label}"]')
        elif node["kind"] == "unresolved":
            lines.append(f'  {node_id}(["{label}"])')
        else:
            lines.append(f'  {node_id}("{label}")')
    for source, target, relation, _count in edges:
        arrow = MERMAID_ARROW.get(relation, "-->")
        lines.append(f'  {ids[source]} {arrow}|"{_mermaid_text(relation)}"| {ids[target]}')
    return "\n".join(lines) + "\n"


FORMATS = {"dot": to_dot, "graphml": to_graphml, "mermaid": to_mermaid}
