"""Introduction paths: "who can get me to someone at Acme?" as ranked chains of people.

Pure. The people graph is undirected and weighted by warmth: a past interview, a
referral or an introduction is a strong tie (1), your own network a near one (1.5),
having met at an event 2, a mere mention 3. One Dijkstra from the user (heapq; the
graph is people only, a few thousand nodes at most) gives the cheapest way to everyone;
the ranked paths to a person are then one per *last introducer* (each neighbour of the
target), which is the choice the user actually makes: whom to ask.
"""

from __future__ import annotations

import heapq
from dataclasses import dataclass

from .network import Network

WARMTH = {"interviewed": 1.0, "referred": 1.0, "introduced": 1.0, "own network": 1.5, "met": 2.0, "mentions": 3.0}


@dataclass(frozen=True, slots=True)
class IntroPath:
    notes: tuple[str, ...]  # from the profile note to the target
    cost: float
    suggestion: str

    def to_json(self, network: Network) -> dict:
        return {
            "path": list(self.notes),
            "names": [network.name(p) for p in self.notes],
            "cost": self.cost,
            "suggestion": self.suggestion,
        }


Graph = dict[str, dict[str, tuple[float, str]]]


def people_graph(network: Network) -> Graph:
    graph: Graph = {path: {} for path in network.people}
    me = network.profile

    def tie(a: str | None, b: str | None, relation: str) -> None:
        if a is None or b is None or a == b or a not in graph or b not in graph:
            return
        weight = WARMTH[relation]
        if b not in graph[a] or weight < graph[a][b][0]:
            graph[a][b] = graph[b][a] = (weight, relation)

    for interview in network.interviews:
        if interview.status == "done":
            tie(me, interview.person, "interviewed")
        if interview.status != "cancelled":
            tie(interview.via, interview.person, "introduced")
    for person in network.people.values():
        for referrer in person.referred_by:
            tie(referrer, person.path, "referred")
        if person.degree == 1:
            tie(me, person.path, "own network")
    met_at = network.schema.key("contact", "met_at")
    for edge in network.edges:
        if edge.target in graph and edge.source in graph and edge.relation == "mentions":
            tie(edge.source, edge.target, "mentions")
        if edge.field == met_at and edge.source in graph:
            tie(me, edge.source, "met")
    return graph


def same_people_graph(old: Network, new: Network, changed: set[str]) -> bool:
    """Whether `new`, built from `old`'s notes with those in `changed` edited, has the same
    people graph, and each person the same name and referrers (what `best_paths` quotes):
    its ties come from interviews, people's records and the edges of links people write,
    and only the edited notes' interviews and edges can differ."""
    if old.profile != new.profile or old.people.keys() != new.people.keys():
        return False
    for path, person in new.people.items():
        was = old.people[path]
        if person is not was and (person.referred_by != was.referred_by or person.name != was.name
                                  or (person.degree == 1) != (was.degree == 1)):
            return False
    ties = {}
    for network in (old, new):
        ties[network is new] = (
            {i.path: (i.status, i.person, i.via) for i in network.interviews if i.path in changed},
            [(e.target, e.relation, e.field) for path in sorted(changed & new.people.keys())
             for e in network.edges_from(path)],
        )
    return ties[False] == ties[True]


def shortest_from(graph: Graph, start: str) -> tuple[dict[str, float], dict[str, str]]:
    distance = {start: 0.0}
    previous: dict[str, str] = {}
    heap = [(0.0, start)]
    while heap:
        cost, node = heapq.heappop(heap)
        if cost > distance.get(node, float("inf")):
            continue
        for neighbour in sorted(graph.get(node, {})):
            step = cost + graph[node][neighbour][0]
            if step < distance.get(neighbour, float("inf")):
                distance[neighbour] = step
                previous[neighbour] = node
                heapq.heappush(heap, (step, neighbour))
    return distance, previous


def _walk(previous: dict[str, str], start: str, end: str) -> list[str]:
    path = [end]
    while path[-1] != start:
        path.append(previous[path[-1]])
    return path[::-1]


def paths_to(network: Network, target: str, limit: int = 5) -> list[IntroPath]:
    """Ranked paths to a person, or to each reachable person at a company."""
    me = network.profile
    if me is None:
        return []
    graph = people_graph(network)
    distance, previous = shortest_from(graph, me)
    if network.types.get(target) == "company":
        found = []
        for person in sorted(p.path for p in network.people.values() if p.company == target):
            best = _paths_to_person(network, graph, distance, previous, person, 1)
            found.extend(best)
        found.sort(key=lambda p: (p.cost, len(p.notes), p.notes))
        return found[:limit] if limit else found
    return _paths_to_person(network, graph, distance, previous, target, limit)


def best_paths(network: Network, graph: Graph | None = None) -> dict[str, IntroPath]:
    """Each reachable person's warmest path (what `paths_to` ranks first), from one Dijkstra
    over `graph` (the network's `people_graph`, when the caller has it already)."""
    me = network.profile
    if me is None:
        return {}
    graph = graph if graph is not None else people_graph(network)
    distance, previous = shortest_from(graph, me)
    best = {}
    for person in network.people:
        found = _paths_to_person(network, graph, distance, previous, person, 1)
        if found:
            best[person] = found[0]
    return best


def _paths_to_person(network, graph, distance, previous, target, limit) -> list[IntroPath]:
    me = network.profile
    if target == me or target not in graph:
        return []
    found = []
    for neighbour, (weight, relation) in graph[target].items():
        if neighbour not in distance:
            continue
        route = _walk(previous, me, neighbour)
        if target in route:
            continue
        notes = (*route, target)
        found.append((distance[neighbour] + weight, len(notes), notes))
    found.sort()
    # (The suggestion, words about the path, only for those kept: best_paths keeps one of
    # each person's several.)
    return [IntroPath(notes, cost, suggestion(network, graph, notes)) for cost, _, notes in found[:limit or None]]


def suggestion(network: Network, graph: Graph, notes: tuple[str, ...]) -> str:
    name = network.name
    target = notes[-1]
    if len(notes) == 2:
        relation = graph[notes[0]][target][1]
        if relation == "interviewed":
            return f"You have interviewed {name(target)}: write to them directly."
        return f"{name(target)} is in your own network: write to them directly."
    broker = notes[-2]
    relation = graph[broker][target][1]
    chain = " → ".join(name(p) for p in notes[1:-1])
    how = f" (you reach {name(broker)} through {chain})" if len(notes) > 3 else ""
    if broker in network.people[target].referred_by:
        return f"Write to {name(target)}: \"{name(broker)} suggested I get in touch\"{how}."
    if relation == "referred":
        return f"Ask {name(broker)}, whom {name(target)} named to you, for a word of introduction{how}."
    if relation == "introduced":
        return f"Ask {name(broker)}, who introduced you to {name(target)} before, to put you in touch again{how}."
    return f"Ask {name(broker)} whether they would introduce you to {name(target)} ({relation}){how}."


def format_paths(network: Network, target: str, paths: list[IntroPath]) -> str:
    if not paths:
        return f"No introduction path to {network.name(target)} yet: nobody in your network is linked to them.\n"
    lines = [f"Introduction paths to {network.name(target)}, warmest first:"]
    for number, path in enumerate(paths, 1):
        names = ["you" if p == network.profile else network.name(p) for p in path.notes]
        lines.append(f"{number}. {' → '.join(names)}  (cost {path.cost:g})")
        lines.append(f"   {path.suggestion}")
    return "\n".join(lines) + "\n"
