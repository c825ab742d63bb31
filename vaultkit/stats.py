"""Campaign statistics: how big the network is, how fast it grows, and who grows it. Pure."""

from __future__ import annotations

from collections import Counter
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
    """The longest referral chain (A named B, B named C, ...), cycles ignored."""
    chain: list[str] = []
    for start in sorted(children):
        if start == network.profile:
            continue
        candidate = _iterative_longest(start, children)
        if len(candidate) > len(chain):
            chain = candidate
    return chain if len(chain) > 1 else []


def _iterative_longest(start: str, children: dict[str, list[str]]) -> list[str]:
    """Depth-first without recursion (a chain of thousands must not hit Python's limit)."""
    best: list[str] = [start]
    stack: list[tuple[str, list[str]]] = [(start, [start])]
    seen_at_depth: dict[str, int] = {}
    while stack:
        node, path = stack.pop()
        if len(path) > len(best):
            best = path
        for child in children.get(node, ()):
            if child in path or seen_at_depth.get(child, -1) >= len(path) + 1:
                continue
            seen_at_depth[child] = len(path) + 1
            stack.append((child, [*path, child]))
    return best


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
        lines.append(f"Longest referral chain ({chain['length']}): " + " → ".join(chain["names"]))
    return "\n".join(lines) + "\n"
