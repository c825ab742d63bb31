"""The networking campaign as data: people, interviews, typed edges, and what is derived from them.

`build_network(snapshot, schema, today)` is pure. Nothing here is stored in notes:
a contact's stage, last-contacted date, degree from the user and who introduced whom
all follow from the typed notes and their links, so the user never keeps them by hand
(a `stage:` property, when set, overrides the derived stage).
"""

from __future__ import annotations

from collections import deque
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache

from .schema import STAGES, Schema, note_types, parse_date
from .snapshot import LinkData, NoteData, Snapshot


@dataclass(frozen=True, slots=True)
class Edge:
    """One typed link: `source` note links to `target` (None: an unresolved name)."""

    source: str
    target: str | None
    name: str  # the link as named, for unresolved targets
    relation: str  # referred, introduced, interviewed, works_at, met_at, mentions, ...
    field: str | None
    line: int


@dataclass(frozen=True, slots=True)
class Referral:
    """A name given in an interview's `referrals`: the method's second goal."""

    interview: str
    referrer: str | None  # the person interviewed
    target: str | None  # the named person's note, None for a prospect (no note yet)
    name: str  # the name as written
    line: int
    linked: bool = True  # False for a plain-text name, which vaultkit cannot follow


@dataclass(frozen=True, slots=True)
class Interview:
    path: str
    person: str | None  # the `with` person's note
    person_name: str  # their name even when the link is unresolved
    date: date | None
    status: str  # canonical: requested, scheduled, done, cancelled
    via: str | None
    referrals: tuple[Referral, ...]
    thank_you_sent: date | None
    follow_up: date | None


@dataclass(frozen=True, slots=True)
class Person:
    path: str
    name: str
    kind: str  # "contact" | "profile"
    stage: str  # one of schema.STAGES
    stage_set_by_hand: bool
    last_contacted: date | None
    degree: int | None  # 0 for the user, 1 = own network, 2+ = through referrals, None = unknown
    referred_by: tuple[str, ...]  # people who named this person
    introduced_by: tuple[str, ...]  # people who got the user an interview with them (`via`)
    company: str | None
    follow_up: date | None
    tags: tuple[str, ...]
    # Named by a note the snapshot withholds (the site's unpublished notes): not the user's
    # own network, but whose referral it was is not known here; the degree is then None
    # unless a chain of notes that are here (or the profile) reaches them.
    referred_outside: bool = False


# Who an interview was with, when that note is withheld (a published interview with a
# private person): never the private note's name.
PRIVATE_CONTACT = "a private contact"


@dataclass
class Network:
    schema: Schema
    today: date
    notes: dict[str, NoteData]
    types: dict[str, str | None]
    profile: str | None
    people: dict[str, Person]
    interviews: list[Interview]  # by date, then path
    edges: list[Edge]
    referrals: list[Referral] = field(default_factory=list)
    _by_person: dict[str | None, list[Interview]] | None = field(default=None, repr=False, compare=False)

    def name(self, path: str | None) -> str:
        if path is None:
            return "?"
        note = self.notes.get(path)
        return note.title if note else path.rsplit("/", 1)[-1].removesuffix(".md")

    def interviews_with(self, person: str) -> list[Interview]:
        if self._by_person is None:  # one pass, not one per person: pages ask for every contact
            self._by_person = {}
            for interview in self.interviews:
                self._by_person.setdefault(interview.person, []).append(interview)
        return list(self._by_person.get(person, ()))


def build_network(snapshot: Snapshot, schema: Schema, today: date,
                  reuse: tuple[Network, set[str]] | None = None) -> Network:
    """`reuse`: (a network built from a snapshot that differed only in the notes in the
    set) lets the edges of every other note be taken from it rather than made again:
    an edge depends only on its link and its source's type."""
    types = note_types(snapshot, schema)
    notes = snapshot.notes
    by_field: dict[tuple[str, str], list[LinkData]] = {}
    for link in snapshot.links:
        if link.field is not None:
            by_field.setdefault((link.source, link.field), []).append(link)

    def links_in(path: str, note_type: str, name: str) -> list[LinkData]:
        return by_field.get((path, schema.key(note_type, name)), [])

    def person_target(link: LinkData) -> str | None:
        return link.target if link.target is not None and types.get(link.target) in ("contact", "profile") else None

    profile = _find_profile(types, schema)
    # Links that went with a withheld note (see Snapshot.only): (note, field) pairs.
    linked_out = {(w.note, w.field) for w in snapshot.withheld if w.outgoing}
    linked_in = {(w.note, w.field) for w in snapshot.withheld if not w.outgoing}
    with_key = schema.key("interview", "with")
    interviews = [
        _interview(path, notes[path], schema, today, links_in, person_target, lambda p: notes[p].title,
                   with_withheld=(path, with_key) in linked_out)
        for path in _typed(types, "interview")
    ]
    interviews.sort(key=lambda i: (i.date or date.max, i.path))

    relation_of = lru_cache(maxsize=None)(schema.relation_of)  # a few (type, property) pairs, 100k+ links

    def edge(link: LinkData) -> Edge:
        return Edge(link.source, link.target, link.linkpath, relation_of(types.get(link.source), link.field),
                    link.field, link.line)

    edges = None
    if reuse is not None:
        old, changed = reuse
        kept = [e for e in old.edges if e.source not in changed]
        edges, n = [], 0
        for link in snapshot.links:  # the same links in the same order: their edges, one for one
            if link.target == link.source:
                continue
            if link.source in changed:
                edges.append(edge(link))
                continue
            if n == len(kept) or kept[n].source != link.source or kept[n].target != link.target:
                n = -1  # not what `old` was built from: make every edge
                break
            edges.append(kept[n])
            n += 1
        if n != len(kept):
            edges = None
    if edges is None:
        edges = [edge(link) for link in snapshot.links if link.target != link.source]

    contacts = _typed(types, "contact")
    referred_by: dict[str, list[str]] = {path: [] for path in contacts}
    has_unknown_referrer: set[str] = set()
    # Named by someone withheld: in their own `referred_by`, in a withheld interview's
    # `referrals`, or by an interview here whose `with` person is withheld.
    referred_key, referrals_key = schema.key("contact", "referred_by"), schema.key("interview", "referrals")
    referred_outside = {
        path for path in contacts if (path, referred_key) in linked_out or (path, referrals_key) in linked_in
    }
    for interview in interviews:
        if (interview.path, with_key) in linked_out and interview.person is None:
            referred_outside.update(r.target for r in interview.referrals if r.target in referred_by)
    has_unknown_referrer |= referred_outside
    for path in contacts:
        for link in links_in(path, "contact", "referred_by"):
            who = person_target(link)
            if who is not None and who != path:
                referred_by[path].append(who)
            elif who is None:
                has_unknown_referrer.add(path)
    all_referrals: list[Referral] = []
    for interview in interviews:
        for referral in interview.referrals:
            all_referrals.append(referral)
            if referral.target not in referred_by:
                continue
            if referral.referrer and referral.referrer != referral.target:
                referred_by[referral.target].append(referral.referrer)
            elif not referral.referrer:
                # Named in an interview whose `with` has no note: a referrer without a
                # note, as an unresolved `referred_by` is (no degree until a chain reaches them).
                has_unknown_referrer.add(referral.target)
    introduced_by: dict[str, list[str]] = {}
    for interview in interviews:
        if interview.person and interview.via and interview.status != "cancelled":
            introduced_by.setdefault(interview.person, []).append(interview.via)

    linked_from_profile = {
        link.target for link in snapshot.links if profile and link.source == profile and link.target
    }
    degrees = _degrees(contacts, referred_by, has_unknown_referrer, linked_from_profile, profile)
    last = _last_contacted(snapshot, types, schema, interviews, today)

    interviews_of: dict[str | None, list[Interview]] = {}
    for interview in interviews:
        interviews_of.setdefault(interview.person, []).append(interview)
    people: dict[str, Person] = {}
    for path in ([profile] if profile else []) + contacts:
        note = notes[path]
        kind = types[path] or "contact"
        company_links = links_in(path, "contact", "company") if kind == "contact" else []
        company = next((l.target for l in company_links if l.target and types.get(l.target) == "company"), None)
        stage, by_hand = _stage(note, schema, interviews_of.get(path, []), last.get(path))
        people[path] = Person(
            path=path,
            name=note.title,
            kind=kind,
            stage=stage,
            stage_set_by_hand=by_hand,
            last_contacted=last.get(path),
            degree=0 if path == profile else degrees.get(path),
            referred_by=tuple(dict.fromkeys(referred_by.get(path, ()))),
            introduced_by=tuple(dict.fromkeys(introduced_by.get(path, ()))),
            company=company,
            follow_up=parse_date(schema.get("contact", note.properties, "follow_up")),
            tags=note.tags,
            referred_outside=path in referred_outside,
        )
    return Network(schema, today, notes, types, profile, people, interviews, edges, all_referrals)


def _typed(types: dict[str, str | None], wanted: str) -> list[str]:
    return sorted(path for path, kind in types.items() if kind == wanted)


def _find_profile(types: dict[str, str | None], schema: Schema) -> str | None:
    profiles = _typed(types, "profile")
    if schema.profile in profiles:
        return schema.profile
    return profiles[0] if profiles else None


def _interview(path, note, schema, today, links_in, person_target, titles, with_withheld=False) -> Interview:
    props = note.properties
    with_links = links_in(path, "interview", "with")
    person = next((person_target(l) for l in with_links if person_target(l)), None)
    if with_links:
        person_name = with_links[0].display or with_links[0].linkpath.rsplit("/", 1)[-1]
    elif with_withheld:
        person_name = PRIVATE_CONTACT  # the raw value would name the withheld note
    else:
        raw_with = schema.get("interview", props, "with")
        person_name = raw_with.strip() if isinstance(raw_with, str) else "?"
    when = parse_date(schema.get("interview", props, "date"))
    status = schema.status("interview", schema.get("interview", props, "status"))
    if status is None:
        # No (or an unknown) status: a past interview was held, a future one is planned.
        status = "done" if when is not None and when < today else "scheduled" if when else "requested"
    via = next((person_target(l) for l in links_in(path, "interview", "via") if person_target(l)), None)
    referrals = []
    key = schema.key("interview", "referrals")
    line = note.lines.get(key, 0)
    seen: set[str] = set()
    for link in links_in(path, "interview", "referrals"):
        target = person_target(link)
        if link.target is not None and (target is None or target == person):
            continue  # a link back to the person interviewed, or to a non-person, is not a new name
        # A prospect goes by the name its link asks for: the note that would resolve it.
        name = link.linkpath.rsplit("/", 1)[-1] if target is None else ""
        if (target or name.lower()) in seen:
            continue
        seen.add(target or name.lower())
        referrals.append(Referral(path, person, target, titles(target) if target else name, link.line))
    raw = schema.get("interview", props, "referrals")
    for item in raw if isinstance(raw, list) else [raw] if isinstance(raw, str) else []:
        # Plain names (no link) still count as names given; they are prospects.
        if isinstance(item, str) and item.strip() and "[[" not in item and item.strip().lower() not in seen:
            seen.add(item.strip().lower())
            referrals.append(Referral(path, person, None, item.strip(), line, linked=False))
    return Interview(
        path=path,
        person=person,
        person_name=person_name,
        date=when,
        status=status,
        via=via,
        referrals=tuple(referrals),
        thank_you_sent=parse_date(schema.get("interview", props, "thank_you_sent")),
        follow_up=parse_date(schema.get("interview", props, "follow_up")),
    )


def _degrees(contacts, referred_by, has_unknown_referrer, linked_from_profile, profile) -> dict[str, int]:
    """Breadth-first from the user's own network along referral edges (referrer -> referred)."""
    named: dict[str, list[str]] = {}
    for person, referrers in referred_by.items():
        for referrer in referrers:
            named.setdefault(referrer, []).append(person)
    degree: dict[str, int] = {}
    queue: deque[str] = deque()
    for path in contacts:
        referrers = [r for r in referred_by[path] if r != profile]
        if path in linked_from_profile or profile in referred_by[path] or (
            not referrers and path not in has_unknown_referrer
        ):
            degree[path] = 1
            queue.append(path)
    for path in named.get(profile, ()):
        if path not in degree:
            degree[path] = 1
            queue.append(path)
    while queue:
        current = queue.popleft()
        for path in sorted(named.get(current, ())):
            if path not in degree:
                degree[path] = degree[current] + 1
                queue.append(path)
    return degree


def _last_contacted(snapshot, types, schema, interviews, today) -> dict[str, date]:
    """The newest dated note (on or before today) that involves each person.

    A note involves a person when it links to them (a call log, an event note; for an
    interview, only the person it is `with`) or, for the person's own `met_at` event,
    when they link to it. Cancelled interviews do not count: nobody talked.
    """
    cancelled = {i.path for i in interviews if i.status == "cancelled"}
    dated: dict[str, date] = {}
    for path, note in snapshot.notes.items():
        kind = types.get(path)
        when = parse_date(note.properties.get(schema.key(kind, "date") if kind else "date"))
        if when is not None and when <= today and path not in cancelled:
            dated[path] = when
    for interview in interviews:
        sent = interview.thank_you_sent
        if sent and sent <= today and interview.path not in cancelled:
            dated[interview.path] = max(sent, dated.get(interview.path, sent))
    last: dict[str, date] = {}

    def touch(person: str, when: date) -> None:
        if types.get(person) in ("contact", "profile") and (person not in last or when > last[person]):
            last[person] = when

    met_at = schema.key("contact", "met_at")
    with_key = schema.key("interview", "with")
    for link in snapshot.links:
        if link.target is None or link.target == link.source:
            continue
        if types.get(link.source) == "interview" and link.field != with_key:
            continue  # being named, or getting you in (`via`), is not talking with you
        if link.source in dated:
            touch(link.target, dated[link.source])
        if link.field == met_at and link.target in dated:
            touch(link.source, dated[link.target])
    return last


def _stage(note: NoteData, schema: Schema, interviews: list[Interview], last: date | None) -> tuple[str, bool]:
    override = schema.get("contact", note.properties, "stage")
    if isinstance(override, str) and override.strip().lower() in STAGES:
        return override.strip().lower(), True
    live = [i for i in interviews if i.status != "cancelled"]
    done = [i for i in live if i.status == "done"]
    if done:
        latest = max((i.date for i in done if i.date), default=None)
        follow = parse_date(schema.get("contact", note.properties, "follow_up")) or any(i.follow_up for i in done)
        if follow or (latest and last and last > latest):
            return "following-up", False
        return "interviewed", False
    if any(i.status == "scheduled" for i in live):
        return "scheduled", False
    if any(i.status == "requested" for i in live):
        return "requested", False
    return "not-asked", False


def referral_children(network: Network) -> dict[str, list[str]]:
    """Referrer -> the people they named (with notes), sorted, for trees and chains."""
    children: dict[str, set[str]] = {}
    for person in network.people.values():
        for referrer in person.referred_by:
            children.setdefault(referrer, set()).add(person.path)
    return {key: sorted(value) for key, value in children.items()}


