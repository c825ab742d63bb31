"""Campaign statistics: how big the network is, how fast it grows, and who grows it. Pure."""

from __future__ import annotations

from collections import Counter, deque
from datetime import date, timedelta
from typing import Any

from .network import Network, referral_children
from .schema import STAGES

GOAL_YIELD = 1.0  # the method: leave every interview with at least one new name


def campaign_stats(network: Network, top: int = 5, children: dict[str, list[str]] | None = None,
                   chain: list[str] | None = None) -> dict[str, Any]:
    """`children`: referral_children(network), and `chain`: longest_chain(network, children)
    (a function of the children and the profile alone), when the caller has them."""
    contacts = [p for p in network.people.values() if p.kind == "contact"]
    by_degree: dict[str, int] = {}
    for person in contacts:
        key = str(person.degree) if person.degree is not None else "unknown"
        by_degree[key] = by_degree.get(key, 0) + 1
    stages = Counter(p.stage for p in contacts)
    by_stage = {stage: stages[stage] for stage in STAGES}
    done = [i for i in network.interviews if i.status == "done" and (i.date is None or i.date <= network.today)]
    names = sum(len(i.referrals) for i in done)
    asked = {i.person for i in network.interviews if i.person and i.status != "cancelled"}
    interviewed = {i.person for i in done if i.person}
    children = referral_children(network) if children is None else children
    connectors = sorted(
        ((len(named), path) for path, named in children.items() if path in network.people),
        key=lambda item: (-item[0], network.name(item[1]).lower()),
    )
    chain = longest_chain(network, children) if chain is None else chain
    return {
        "today": network.today.isoformat(),
        "contacts": len(contacts),
        "by_degree": dict(sorted(by_degree.items(), key=lambda kv: (kv[0] == "unknown", kv[0]))),
        "by_stage": by_stage,
        "interviews": {
            "done": len(done),
            "scheduled": sum(1 for i in network.interviews if i.status == "scheduled"),
            "requested": sum(1 for i in network.interviews if i.status == "requested"),
            "cancelled": sum(1 for i in network.interviews if i.status == "cancelled"),
        },
        "per_week": per_week(done, network.today),
        "referral_yield": {
            "names": names,
            "interviews": len(done),
            "per_interview": round(names / len(done), 2) if done else None,
            "goal": GOAL_YIELD,
            "dead_ends": sum(1 for i in done if not i.referrals),
        },
        "conversion": {
            "asked": len(asked),
            "interviewed": len(interviewed),
            "rate": round(len(interviewed) / len(asked), 2) if asked else None,
        },
        "top_connectors": [
            {"path": path, "name": network.name(path), "named": count} for count, path in connectors[:top]
        ],
        "longest_chain": {"length": len(chain), "path": chain, "names": [network.name(p) for p in chain]},
    }


def per_week(done, today: date) -> list[dict[str, Any]]:
    """Done interviews per ISO week, from the first interview's week to today's, zeros included."""
    dates = sorted(i.date for i in done if i.date)
    if not dates:
        return []
    counts: dict[str, int] = {}
    for day in dates:
        year, week, _ = day.isocalendar()
        key = f"{year}-W{week:02d}"
        counts[key] = counts.get(key, 0) + 1
    weeks = []
    monday = dates[0] - timedelta(days=dates[0].weekday())
    while monday <= max(today, dates[-1]):
        year, week, _ = monday.isocalendar()
        key = f"{year}-W{week:02d}"
        weeks.append({"week": key, "interviews": counts.get(key, 0)})
        monday += timedelta(days=7)
    return weeks


def longest_chain(network: Network, children: dict[str, list[str]]) -> list[str]:
    """The referral chain (A named B, B named C, ...) to the person farthest from where
    referrals start: a breadth-first search from everyone nobody referred, then from the
    first person (by path) of each referral loop no one else leads into, gives each person
    the chain of fewest referrals that reaches them; the longest of those chains is the
    answer (on a tie, the one found first). O(people + referrals) on any network, loops
    included; on a network where each person has one referrer it is the longest chain.
    The user's own profile starts no chain and is in none."""
    profile = network.profile
    named = {child for referrer, people in children.items() if referrer != profile for child in people}
    people = sorted(({*children, *named, *(c for cs in children.values() for c in cs)}) - {profile})
    parent: dict[str, str | None] = {}
    deepest: tuple[int, str] | None = None  # (people in the chain, its last person)

    def search(sources: list[str]) -> None:
        nonlocal deepest
        depth = {source: 1 for source in sources}
        parent.update((source, None) for source in sources)
        queue = deque(sources)
        while queue:
            node = queue.popleft()
            if deepest is None or depth[node] > deepest[0]:
                deepest = (depth[node], node)
            for child in children.get(node, ()):
                if child not in parent and child != profile:
                    parent[child] = node
                    depth[child] = depth[node] + 1
                    queue.append(child)

    search([person for person in people if person not in named])
    for person in people:
        if person not in parent:
            search([person])
    if deepest is None or deepest[0] < 2:
        return []
    chain: list[str] = []
    node: str | None = deepest[1]
    while node is not None:
        chain.append(node)
        node = parent[node]
    return chain[::-1]


def format_stats(stats: dict[str, Any]) -> str:
    lines = [f"Campaign as of {stats['today']}", ""]
    degree = ", ".join(f"{k}: {v}" for k, v in stats["by_degree"].items())
    lines.append(f"Network: {stats['contacts']} contacts by degree ({degree})")
    stage = ", ".join(f"{k}: {v}" for k, v in stats["by_stage"].items())
    lines.append(f"Pipeline: {stage}")
    iv = stats["interviews"]
    lines.append(
        f"Interviews: {iv['done']} done, {iv['scheduled']} scheduled, {iv['requested']} requested, "
        f"{iv['cancelled']} cancelled"
    )
    if stats["per_week"]:
        recent = stats["per_week"][-8:]
        lines.append("Per week (last 8): " + " ".join(f"{w['week'][-3:]}:{w['interviews']}" for w in recent))
    ry = stats["referral_yield"]
    if ry["per_interview"] is not None:
        verdict = "on target" if ry["per_interview"] >= ry["goal"] else "below the goal of 1"
        lines.append(
            f"Referral yield: {ry['names']} new names from {ry['interviews']} interviews = "
            f"{ry['per_interview']:g} per interview ({verdict}); {ry['dead_ends']} dead end(s)"
        )
    conv = stats["conversion"]
    if conv["rate"] is not None:
        lines.append(f"Conversion: {conv['interviewed']} of {conv['asked']} people asked were interviewed ({conv['rate']:.0%})")
    if stats["top_connectors"]:
        lines.append("Top connectors: " + ", ".join(f"{c['name']} ({c['named']})" for c in stats["top_connectors"]))
    chain = stats["longest_chain"]
    if chain["length"]:
        names = chain["names"] if chain["length"] <= 4 else [chain["names"][0], "…", chain["names"][-1]]
        lines.append(f"Longest referral chain ({chain['length']} people): " + " → ".join(names))
    return "\n".join(lines) + "\n"
