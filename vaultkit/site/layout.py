"""Graph layout computed in Python, so the graph page draws at once, even at 10k nodes.

A radial tree: the user at the centre, each breadth-first ring one step further
out, each subtree given an angle in proportion to its size. Other components hang
off a virtual centre the same way. Linear in nodes + edges and deterministic (the
same graph always gives the same positions), which incremental builds rely on.
"""

from __future__ import annotations

import math
from collections import deque
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache

Pair = tuple[str, str]  # two nodes, the smaller first


@dataclass(frozen=True)
class Layout:
    """Positions, and the breadth-first tree they were drawn from (for `keeps_tree`)."""

    positions: dict[str, tuple[float, float]]
    parent: dict[str, str]
    depth: dict[str, int]
    rank: dict[str, int]  # place in the breadth-first order
    root: str | None
    root_size: int  # the root's component: the first `root_size` nodes of that order

    def keeps_tree(self, changes: Mapping[Pair, tuple[int, int]]) -> bool:
        """Whether the graph with these pairs' multiplicities changed (before, after) has the
        same breadth-first tree, hence the same positions: each pair lies in the user's
        component and is not a tree edge, or joins two nodes the search reaches as before
        (same ring, or the nearer one searched after the farther one's parent). A node's
        number of edges matters only for where other components start, so a pair that stays
        does not move anything."""
        if self.root is None:
            return not changes
        for (a, b), (before, after) in changes.items():
            if self.rank.get(a, self.root_size) >= self.root_size or self.rank.get(b, self.root_size) >= self.root_size:
                return False
            if before and after:
                continue
            if after:  # a new pair
                if self.depth[a] == self.depth[b]:
                    continue
                near, far = (a, b) if self.depth[a] < self.depth[b] else (b, a)
                if self.depth[far] - self.depth[near] != 1 or self.rank[self.parent[far]] > self.rank[near]:
                    return False
            elif self.parent.get(a) == b or self.parent.get(b) == a:  # a pair gone: a tree edge?
                return False
        return True


def neighbours(nodes: list[str], pairs: Mapping[Pair, int]) -> tuple[dict[str, list[str]], dict[str, int]]:
    """Each node's neighbours (sorted) and number of edges, from the pairs of nodes joined."""
    adjacency: dict[str, list[str]] = {node: [] for node in nodes}
    edge_count: dict[str, int] = dict.fromkeys(nodes, 0)
    for (a, b), count in pairs.items():
        if a in adjacency and b in adjacency and a != b and count:
            adjacency[a].append(b)
            adjacency[b].append(a)
            edge_count[a] += count
            edge_count[b] += count
    for found in adjacency.values():
        found.sort()
    return adjacency, edge_count


def radial_layout(nodes: list[str], adjacency: Mapping[str, list[str]], edge_count: Mapping[str, int],
                  root: str | None, ring: float = 90.0) -> Layout:
    """Positions for `nodes` (sorted ids), given each one's neighbours (sorted, each once)
    and number of edges (see `neighbours`)."""
    parent: dict[str, str] = {}
    children: dict[str, list[str]] = {}
    depth: dict[str, int] = {}
    order: list[str] = []
    VIRTUAL = "\x00root"
    children[VIRTUAL] = []
    root_size = 0

    def search(start: str) -> None:
        parent[start] = VIRTUAL
        children[VIRTUAL].append(start)
        depth[start] = 0 if start == root else 1
        queue = deque([start])
        while queue:
            current = queue.popleft()
            order.append(current)
            kids = children[current] = []
            below = depth[current] + 1
            for nxt in adjacency[current]:
                if nxt not in parent:
                    parent[nxt] = current
                    depth[nxt] = below
                    kids.append(nxt)
                    queue.append(nxt)

    # Component roots: the user first, then each other component's best-connected node.
    if root in adjacency:
        search(root)
        root_size = len(order)
    if len(order) < len(nodes):
        for start in sorted((n for n in nodes if n not in parent), key=lambda n: (-edge_count[n], n)):
            if start not in parent:
                search(start)
    # Subtree sizes, leaves first.
    size = dict.fromkeys(order, 1)
    for node in reversed(order):
        above = parent[node]
        if above != VIRTUAL:
            size[above] += size[node]
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
    cos, sin = math.cos, math.sin
    for node in order:
        start, end = spans[node]
        d = depth[node]
        if d == 0:
            positions[node] = (0.0, 0.0)
        else:
            mid = (start + end) / 2
            r = ring * d + (ring * 0.35 * ((hash_unit(node)) - 0.5) if d > 1 else 0.0)
            positions[node] = (round(r * cos(mid), 2), round(r * sin(mid), 2))
        kids = children[node]
        if kids:
            inner = size[node] - 1
            cursor = start
            for kid in kids:
                share = (end - start) * size[kid] / inner
                spans[kid] = (cursor, cursor + share)
                cursor += share
    return Layout(positions, parent, depth, {node: n for n, node in enumerate(order)},
                  root if root in adjacency else None, root_size)


@lru_cache(maxsize=1 << 16)  # a Python loop over each node's bytes, once per node while `serve` runs
def hash_unit(text: str) -> float:
    """A stable number in [0, 1) from a string (Python's hash() is salted per process)."""
    value = 2166136261
    for ch in text.encode("utf-8")[-32:]:
        value = ((value ^ ch) * 16777619) & 0xFFFFFFFF
    return value / 2**32
