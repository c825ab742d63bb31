"""`vaultkit graph --format json|dot|graphml|mermaid`: typed edges, properly escaped."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET

from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.export import _dot_string, _mermaid_text, to_dot, to_graphml, to_mermaid

NS = {"g": "http://graphml.graphdrawing.org/xmlns"}

VAULT = {
    "me.md": "---\ntype: profile\n---\nMy friend [[Ana Lopez]].\n",
    "people/Ana Lopez.md": '---\ntype: contact\ncompany: "[[Acme]]"\nmet_at: "[[Meetup]]"\n---\nSee [[Acme]] and [[Acme]].\n',
    "people/Raj Patel.md": '---\ntype: contact\nreferred_by: "[[Ana Lopez]]"\n---\n',
    "companies/Acme.md": "---\ntype: company\n---\n",
    "events/Meetup.md": "---\ntype: event\ndate: 2026-01-10\n---\n",
    "interviews/2026-03-02 Ana.md": (
        '---\ntype: interview\nwith: "[[Ana Lopez]]"\ndate: 2026-03-02\nvia: "[[Raj Patel]]"\n'
        'referrals: ["[[Raj Patel]]", "[[Zoe Quinn]]"]\n---\n'
    ),
    'people/Odd "quoted" <name> & co.md': "---\ntype: contact\n---\n[[Ana Lopez]]\n",
}


def relations(graph):
    return sorted({(e["source"], e["target"] or "", e["relation"]) for e in graph["edges"]})


def test_json_edges_carry_their_relation(make_vault, vk):
    graph = vk("graph", make_vault(VAULT)).json()
    interview = "interviews/2026-03-02 Ana.md"
    assert relations(graph) == sorted({
        ("me.md", "people/Ana Lopez.md", "mentions"),
        ("people/Ana Lopez.md", "companies/Acme.md", "works_at"),
        ("people/Ana Lopez.md", "events/Meetup.md", "met_at"),
        ("people/Ana Lopez.md", "companies/Acme.md", "mentions"),
        ("people/Raj Patel.md", "people/Ana Lopez.md", "referred"),
        (interview, "people/Ana Lopez.md", "interviewed"),
        (interview, "people/Raj Patel.md", "introduced"),
        (interview, "people/Raj Patel.md", "referred"),
        (interview, "", "referred"),
        ('people/Odd "quoted" <name> & co.md', "people/Ana Lopez.md", "mentions"),
    })


def test_relation_follows_renamed_fields(make_vault, vk):
    vault = make_vault({
        "vaultkit.yml": "types:\n  contact:\n    fields:\n      company: org\n",
        "people/Ana.md": '---\ntype: contact\norg: "[[Acme]]"\ncompany: "[[Acme]]"\n---\n',
        "companies/Acme.md": "---\ntype: company\n---\n",
    })
    edges = vk("graph", vault).json()["edges"]
    assert [(e["field"], e["relation"]) for e in edges] == [("org", "works_at"), ("company", "property")]


def test_graphml_is_valid_xml_with_every_node_and_typed_edges(make_vault, vk):
    result = vk("graph", "--format", "graphml", make_vault(VAULT))
    assert result.exit_code == 0
    root = ET.fromstring(result.stdout.encode("utf-8"))
    nodes = {n.get("id"): n for n in root.iterfind("g:graph/g:node", NS)}
    assert 'people/Odd "quoted" <name> & co.md' in nodes
    assert "unresolved:Zoe Quinn" in nodes  # the prospect shows as a node
    kinds = {n.get("id"): n.findtext("g:data[@key='node_kind']", namespaces=NS) for n in nodes.values()}
    assert kinds["unresolved:Zoe Quinn"] == "unresolved"
    edges = {
        (e.get("source"), e.get("target"), e.findtext("g:data[@key='edge_relation']", namespaces=NS)):
        int(e.findtext("g:data[@key='edge_count']", namespaces=NS))
        for e in root.iterfind("g:graph/g:edge", NS)
    }
    assert edges[("people/Ana Lopez.md", "companies/Acme.md", "mentions")] == 2  # two body links, one edge
    assert edges[("interviews/2026-03-02 Ana.md", "unresolved:Zoe Quinn", "referred")] == 1
    assert all(source in nodes and target in nodes for source, target, _ in edges)


def test_dot_quotes_and_escapes_names(make_vault, vk):
    result = vk("graph", "--format", "dot", make_vault(VAULT))
    assert result.exit_code == 0
    out = result.stdout
    assert out.startswith("digraph vaultkit {") and out.rstrip().endswith("}")
    assert '"people/Odd \\"quoted\\" <name> & co.md"' in out
    assert '"people/Raj Patel.md" -> "people/Ana Lopez.md" [label="referred" relation="referred"' in out
    # Every statement line has balanced (unescaped) quotes.
    for line in out.splitlines()[1:-1]:
        assert len(re.findall(r'(?<!\\)"', line.replace("\\\\", ""))) % 2 == 0, line


def test_mermaid_uses_safe_ids_and_escaped_labels(make_vault, vk):
    result = vk("graph", "--format", "mermaid", make_vault(VAULT))
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "graph LR"
    odd = [line for line in lines if "Odd" in line]
    assert odd == ['  n5("Odd #34;quoted#34; #60;name#62; #38; co")']
    assert any(re.fullmatch(r'  n\d+ ==>\|"referred"\| n\d+', line) for line in lines)
    for line in lines[1:]:
        assert re.fullmatch(r'  n\d+(\["[^"]*"\]|\(\["[^"]*"\]\)|\("[^"]*"\)| \S+\|"[a-z_]+"\| n\d+)', line), line


def _unescape_dot(text: str) -> str:
    assert text[0] == text[-1] == '"'
    return re.sub(r"\\(.)", lambda m: "\n" if m.group(1) == "n" else m.group(1), text[1:-1])


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_dot_strings_round_trip(text):
    quoted = _dot_string(text)
    assert "\n" not in quoted and "\r" not in quoted
    assert _unescape_dot(quoted) == text.replace("\r\n", "\n").replace("\r", "\n")


@settings(max_examples=300, deadline=None)
@given(st.text())
def test_mermaid_labels_have_nothing_mermaid_parses(text):
    label = _mermaid_text(text)
    assert not set(label) & set('"<>&`[]{}()|\n\r')


@settings(max_examples=100, deadline=None)
@given(st.lists(st.text(min_size=1, max_size=20), min_size=1, max_size=5, unique=True))
def test_exports_never_raise_and_graphml_keeps_titles(titles):
    graph = {
        "nodes": [{"path": f"{i}.md", "title": t, "type": "contact", "kind": "note", "tags": []}
                  for i, t in enumerate(titles)],
        "edges": [{"source": "0.md", "target": None, "linkpath": t, "relation": "referred"} for t in titles],
    }
    to_dot(graph)
    to_mermaid(graph)
    root = ET.fromstring(to_graphml(graph).encode("utf-8"))
    shown = [n.findtext("g:data[@key='node_title']", namespaces=NS) for n in root.iterfind("g:graph/g:node", NS)]
    clean = ["".join(ch for ch in t if ch in "\t\n\r" or (ord(ch) >= 0x20 and ch not in "\ufffe\uffff")) for t in titles]
    assert [s or "" for s in shown[: len(titles)]] == [c.replace("\r\n", "\n").replace("\r", "\n") for c in clean]
