"""Graph layout computed in Python, so the graph page draws at once, even at 10k nodes.

A radial tree: the user at the centre, each breadth-first ring one step further
out, each subtree given an angle in proportion to its size. Other components hang
off a virtual centre the same way. Linear in nodes + edges and deterministic (the
same graph always gives the same positions), which incremental builds rely on.
"""

from __future__ import annotations

import math
from collections import deque


def radial_layout(nodes: list[str], edges: list[tuple[str, str]], root: str | None,
                  ring: float = 90.0) -> dict[str, tuple[float, float]]:
    """Positions for `nodes` (sorted ids), given undirected `edges`."""
    adjacency: dict[str, list[str]] = {node: [] for node in nodes}
    for a, b in edges:
        if a in adjacency and b in adjacency and a != b:
            adjacency[a].append(b)
            adjacency[b].append(a)
    for neighbours in adjacency.values():
        neighbours.sort()
    parent: dict[str, str | None] = {}
    children: dict[str, list[str]] = {}
    depth: dict[str, int] = {}
    order: list[str] = []
    VIRTUAL = "\x00root"
    children[VIRTUAL] = []
    # Component roots: the user first, then each other component's best-connected node.
    starts = [root] if root in adjacency else []
    ranked = sorted(nodes, key=lambda n: (-len(adjacency[n]), n))
    for start in [*starts, *ranked]:
        if start in parent:
            continue
        parent[start] = VIRTUAL
        children[VIRTUAL].append(start)
        depth[start] = 0 if start == root else 1
        queue = deque([start])
        while queue:
            current = queue.popleft()
            order.append(current)
            children.setdefault(current, [])
            for nxt in adjacency[current]:
                if nxt not in parent:
                    parent[nxt] = current
                    depth[nxt] = depth[current] + 1
                    children[current].append(nxt)
                    queue.append(nxt)
    # Subtree sizes, leaves first.
    size: dict[str, int] = {}
    for node in reversed(order):
        size[node] = 1 + sum(size[child] for child in children[node])
    positions: dict[str, tuple[float, float]] = {}
    # The user sits at the centre, and its subtree takes the whole circle if alone.
    spans: dict[str, tuple[float, float]] = {}
    top = children[VIRTUAL]
    total = sum(size[n] for n in top) or 1
    angle = 0.0
    for node in top:
        share = 2 * math.pi * size[node] / total
        spans[node] = (angle, angle + share)
        angle += share
    for node in order:
        start, end = spans[node]
        d = depth[node]
        if d == 0:
            positions[node] = (0.0, 0.0)
        else:
            mid = (start + end) / 2
            r = ring * d + (ring * 0.35 * ((hash_unit(node)) - 0.5) if d > 1 else 0.0)
            positions[node] = (round(r * math.cos(mid), 2), round(r * math.sin(mid), 2))
        kids = children[node]
        inner = sum(size[k] for k in kids) or 1
        cursor = start
        for kid in kids:
            share = (end - start) * size[kid] / inner
            spans[kid] = (cursor, cursor + share)
            cursor += share
    return positions


def hash_unit(text: str) -> float:
    """A stable number in [0, 1) from a string (Python's hash() is salted per process)."""
    value = 2166136261
    for ch in text.encode("utf-8")[-32:]:
        value = ((value ^ ch) * 16777619) & 0xFFFFFFFF
    return value / 2**32
