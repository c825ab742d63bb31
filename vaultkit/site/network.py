"""The networking facts the site shows, computed over the *published* notes only.

This is the seam where the networking model (vaultkit/network.py, agenda.py,
paths.py, stats.py) plugs in. Until those modules land, a small local derivation
gives the pages what they need: each edge's relation, each contact's stage, degree,
referrers and referrals, interviews, and the referral path from the user. Working on
the published subgraph is deliberate: a path or a degree can then never reveal a
private note.

Pure: `network_facts(notes, published, today)` reads the notes, no I/O.
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from typing import Any

from .content import SiteLink, SiteNote

# Where a link stands -> the relation it gives (PRODUCT.md, "The referral graph").
FIELD_RELATIONS = {
    "referred_by": "referred",
    "referrals": "referred",
    "company": "works_at",
    "met_at": "met_at",
    "via": "introduced",
    "with": "interviewed",
    "heard_from": "heard_from",
    "source": "source",
}
RELATION_LABELS = {
    "referred": "Referrals",
    "works_at": "Works at",
    "met_at": "Met at",
    "introduced": "Introductions",
    "interviewed": "Interviews",
    "heard_from": "Leads heard",
    "source": "Leads from interviews",
    "mentions": "Mentions",
    "property": "Other properties",
}
STAGES = ("not-asked", "requested", "scheduled", "interviewed", "following-up")
STAGE_LABELS = {
    "not-asked": "not yet asked",
    "requested": "requested",
    "scheduled": "scheduled",
    "interviewed": "interviewed",
    "following-up": "following up",
}


def relation(link: SiteLink) -> str:
    if link.field is None:
        return "mentions"
    return FIELD_RELATIONS.get(link.field, "property")


@dataclass
class PersonFacts:
    stage: str = "not-asked"
    degree: int | None = None
    path: list[str] = field(default_factory=list)  # note paths, the user first
    referred_by: list[str] = field(default_factory=list)
    referred: list[str] = field(default_factory=list)
    interviews: list[str] = field(default_factory=list)  # interview paths, oldest first
    last_contacted: str | None = None


@dataclass
class Facts:
    profile: str | None
    people: dict[str, PersonFacts]
    interviews_of: dict[str, str]  # interview path -> contact path
    edges: list[tuple[str, str, str]]  # (source, target, relation), published ends only


def _date(value: Any) -> str:
    return value.strip()[:10] if isinstance(value, str) else ""


def network_facts(notes: dict[str, SiteNote], published: set[str], today: str) -> Facts:
    kinds = {path: notes[path].type for path in published}
    profile = next((p for p in sorted(published) if kinds[p] == "profile"), None)
    people = {p: PersonFacts() for p in sorted(published) if kinds[p] == "contact"}
    edges: list[tuple[str, str, str]] = []
    referrers: dict[str, list[str]] = {}
    interviews_of: dict[str, str] = {}
    for path in sorted(published):
        note = notes[path]
        with_target = None
        for link in note.links:
            if link.target is None or link.target not in published or link.target == path:
                continue
            rel = relation(link)
            if kinds[path] == "interview" and link.field == "with":
                with_target = link.target
        for link in note.links:
            target = link.target
            if target is None or target not in published or target == path:
                continue
            rel = relation(link)
            if link.field == "referred_by":
                edges.append((target, path, "referred"))  # the referrer named this person
                referrers.setdefault(path, []).append(target)
            elif link.field == "referrals" and kinds[path] == "interview":
                source = with_target or path
                edges.append((source, target, "referred"))
                if with_target:
                    referrers.setdefault(target, []).append(with_target)
            else:
                edges.append((path, target, rel))
        if kinds[path] == "interview" and with_target in people:
            interviews_of[path] = with_target
    # Interviews, stage, last contacted.
    rank = {"requested": 1, "scheduled": 2, "done": 3}
    for interview, person in sorted(interviews_of.items(), key=lambda item: (_date(notes[item[0]].properties.get("date")), item[0])):
        facts = people[person]
        facts.interviews.append(interview)
        props = notes[interview].properties
        status = str(props.get("status") or "").strip().lower()
        when = _date(props.get("date"))
        if status == "done" and when and when <= today and (facts.last_contacted or "") < when:
            facts.last_contacted = when
    for person, facts in people.items():
        best = 0
        for interview in facts.interviews:
            status = str(notes[interview].properties.get("status") or "").strip().lower()
            best = max(best, rank.get(status, 0))
        stage = ("not-asked", "requested", "scheduled", "interviewed")[best]
        props = notes[person].properties
        if stage == "interviewed" and _date(props.get("follow_up")):
            stage = "following-up"
        override = props.get("stage")
        if isinstance(override, str) and override.strip().lower().replace(" ", "-") in STAGES:
            stage = override.strip().lower().replace(" ", "-")
        facts.stage = stage
        facts.referred_by = sorted(set(referrers.get(person, ())))
    for person, facts in people.items():
        for referrer in facts.referred_by:
            if referrer in people:
                people[referrer].referred.append(person)
    for facts in people.values():
        facts.referred = sorted(set(facts.referred))
    # Degree: people with no (published) referrer are the user's own network (1st);
    # each referral hop adds one. Breadth-first, in path order, so paths are stable.
    queue: deque[str] = deque()
    for person, facts in people.items():
        if not facts.referred_by or facts.referred_by == [profile]:
            facts.degree = 1
            facts.path = [p for p in (profile, person) if p]
            queue.append(person)
    while queue:
        current = queue.popleft()
        for nxt in people[current].referred:
            if people[nxt].degree is None:
                people[nxt].degree = people[current].degree + 1
                people[nxt].path = people[current].path + [nxt]
                queue.append(nxt)
    return Facts(profile=profile, people=people, interviews_of=interviews_of, edges=edges)
