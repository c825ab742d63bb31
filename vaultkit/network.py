"""The networking campaign as data: people, interviews, typed edges, and what is derived from them.

`build_network(snapshot, schema, today)` is pure. Nothing here is stored in notes:
a contact's stage, last-contacted date, degree from the user and who introduced whom
all follow from the typed notes and their links, so the user never keeps them by hand
(a `stage:` property, when set, overrides the derived stage).
"""

from __future__ import annotations

from bisect import insort
from collections import deque
from dataclasses import dataclass, field
from datetime import date
from functools import lru_cache
from typing import NamedTuple

from .schema import STAGES, Schema, note_types, parse_date
from .snapshot import LinkData, NoteData, Snapshot, source_range, splice_by_source


class Edge(NamedTuple):
    """One typed link: `source` note links to `target` (None: an unresolved name).
    (A named tuple: one per link, 150,000 at 10,000 notes; see model.py.)"""

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
    _parts: _Parts | None = field(default=None, repr=False, compare=False)  # for a later build_network's `reuse`

    def name(self, path: str | None) -> str:
        if path is None:
            return "?"
        note = self.notes.get(path)
        return note.title if note else path.rsplit("/", 1)[-1].removesuffix(".md")

    def edges_from(self, path: str) -> list[Edge]:
        """The edges of the links written in one note (edges are in their source's order)."""
        lo, hi = source_range(self.edges, path)
        return self.edges[lo:hi]

    def field_links(self, path: str, field: str) -> list[LinkData]:
        """The links written in one property (by its key) of one note, in order."""
        return self._parts.by_field.get((path, field), [])

    def hygiene_links(self) -> list[LinkData]:
        """The links the agenda's hygiene rules look at, in the snapshot's order: links in a
        property that resolve to no note, and ambiguous links."""
        loose = self._parts.loose
        return [link for source in sorted(loose) for link in loose[source]]

    def is_linked(self, path: str) -> bool:
        """Whether another note links to `path`."""
        return path in self._parts.incoming

    def interviews_with(self, person: str) -> list[Interview]:
        if self._by_person is None:  # one pass, not one per person: pages ask for every contact
            self._by_person = {}
            for interview in self.interviews:
                self._by_person.setdefault(interview.person, []).append(interview)
        return list(self._by_person.get(person, ()))


def build_network(snapshot: Snapshot, schema: Schema, today: date,
                  reuse: tuple[Network, set[str]] | None = None) -> Network:
    """The network of `snapshot`'s notes.

    `reuse`: (a network built from a snapshot of the same notes, under the same titles
    and types, that differed only in the notes in the set) lets what those notes cannot
    change be taken from it: the other notes' edges and interviews, the people whose
    facts stay the same. Only the referral degrees are worked out again over everyone.
    Either way the result is the same (tested); when `reuse` does not fit (another day,
    a note new, gone, renamed or of another type, other withheld links), it is ignored."""
    if reuse is not None:
        network = _patched(snapshot, schema, today, *reuse)
        if network is not None:
            return network
    types = note_types(snapshot, schema)
    by_field: dict[tuple[str, str], list[LinkData]] = {}
    incoming: dict[str, list[LinkData]] = {}
    loose: dict[str, list[LinkData]] = {}
    for link in snapshot.links:
        if link.field is not None:
            by_field.setdefault((link.source, link.field), []).append(link)
        if link.target is not None and link.target != link.source:
            incoming.setdefault(link.target, []).append(link)
        if _loose(link):
            loose.setdefault(link.source, []).append(link)
    facts = _Facts(snapshot, schema, today, types, by_field, incoming)
    interviews = sorted((facts.interview(path) for path in _typed(types, "interview")), key=_interview_order)
    edges = [facts.edge(link) for link in snapshot.links if link.target != link.source]
    of_path = {interview.path: interview for interview in interviews}
    dated = {}
    for path in snapshot.notes:
        when = facts.dated(path, of_path.get(path))
        if when is not None:
            dated[path] = when
    profile = _find_profile(types, schema)
    people_paths = ([profile] if profile else []) + _typed(types, "contact")
    last = {}
    for path in people_paths:
        when = facts.last_contacted(path, dated)
        if when is not None:
            last[path] = when
    return _assemble(facts, profile, people_paths, interviews, edges, dated, last, loose, None, set())


@dataclass(frozen=True)
class _Parts:
    """What a later `build_network(..., reuse=...)` takes from a network: how it read its snapshot."""

    snapshot: Snapshot
    by_field: dict[tuple[str, str], list[LinkData]]  # (source, property) -> its links there, in order
    incoming: dict[str, list[LinkData]]  # target -> the links to it from other notes
    dated: dict[str, date]  # note -> the day it counts as a contact with the people it links (_Facts.dated)
    last: dict[str, date]  # person -> last contacted
    people_paths: list[str]  # the profile, then the contacts
    linked: tuple[set, set]  # _Facts.linked_out and linked_in
    loose: dict[str, list[LinkData]]  # note -> its links that `Network.hygiene_links` gives
    referrals: _Referrals


class _Facts:
    """Per-note reading of a snapshot, shared by a whole build and a patched one."""

    def __init__(self, snapshot: Snapshot, schema: Schema, today: date, types: dict[str, str | None],
                 by_field: dict[tuple[str, str], list[LinkData]], incoming: dict[str, list[LinkData]],
                 linked: tuple[set, set] | None = None):
        self.snapshot, self.schema, self.today, self.types = snapshot, schema, today, types
        self.by_field, self.incoming = by_field, incoming
        self.relation_of = lru_cache(maxsize=None)(schema.relation_of)  # a few (type, property) pairs, 100k+ links
        # Links that went with a withheld note (see Snapshot.only): (note, field) pairs.
        # (`linked`: these, from a snapshot with the same withheld links.)
        self.linked_out, self.linked_in = linked or (
            {(w.note, w.field) for w in snapshot.withheld if w.outgoing},
            {(w.note, w.field) for w in snapshot.withheld if not w.outgoing},
        )
        self.with_key = schema.key("interview", "with")
        self.met_at = schema.key("contact", "met_at")

    def links_in(self, path: str, note_type: str, name: str) -> list[LinkData]:
        return self.by_field.get((path, self.schema.key(note_type, name)), [])

    def person_target(self, link: LinkData) -> str | None:
        target = link.target
        return target if target is not None and self.types.get(target) in ("contact", "profile") else None

    def interview(self, path: str) -> Interview:
        notes = self.snapshot.notes
        return _interview(path, notes[path], self.schema, self.today, self.links_in, self.person_target,
                          lambda p: notes[p].title, with_withheld=(path, self.with_key) in self.linked_out)

    def edge(self, link: LinkData) -> Edge:
        return Edge(link.source, link.target, link.linkpath, self.relation_of(self.types.get(link.source), link.field),
                    link.field, link.line)

    def dated(self, path: str, interview: Interview | None) -> date | None:
        """The day a note counts as a contact with the people it involves: its date (on or
        before today), or a later thank-you; never for a cancelled interview (nobody talked)."""
        if interview is not None and interview.status == "cancelled":
            return None
        kind = self.types.get(path)
        when = parse_date(self.snapshot.notes[path].properties.get(self.schema.key(kind, "date") if kind else "date"))
        if when is not None and when > self.today:
            when = None
        sent = interview.thank_you_sent if interview is not None else None
        if sent and sent <= self.today:
            when = max(sent, when) if when else sent
        return when

    def last_contacted(self, person: str, dated: dict[str, date]) -> date | None:
        """The newest dated note that involves a person: one that links to them (for an
        interview, only the person it is `with`: being named, or getting you in, is not
        talking with you), or their own `met_at` event."""
        if self.types.get(person) not in ("contact", "profile"):
            return None
        best = None
        for link in self.incoming.get(person, ()):
            if self.types.get(link.source) == "interview" and link.field != self.with_key:
                continue
            when = dated.get(link.source)
            if when is not None and (best is None or when > best):
                best = when
        for link in self.by_field.get((person, self.met_at), ()):
            when = dated.get(link.target) if link.target != person else None
            if when is not None and (best is None or when > best):
                best = when
        return best


def _interview_order(interview: Interview) -> tuple[date, str]:
    return interview.date or date.max, interview.path


def _loose(link: LinkData) -> bool:
    return (link.target is None and link.field is not None) or link.ambiguous



def _patched(snapshot: Snapshot, schema: Schema, today: date, old: Network, changed: set[str]) -> Network | None:
    """`build_network` from `old` (see its `reuse`), or None when that does not fit."""
    parts = old._parts
    notes = snapshot.notes
    if (parts is None or old.schema != schema or old.today != today or snapshot.withheld != parts.snapshot.withheld
            or notes.keys() != old.notes.keys() or not changed <= notes.keys()):
        return None
    for path in changed:
        if notes[path].title != old.notes[path].title or schema.type_of(path, notes[path].properties) != old.types[path]:
            return None
    changed = set(changed)
    types = old.types
    before = {path: parts.snapshot.links_of(path) for path in changed}
    after = {path: snapshot.links_of(path) for path in changed}
    by_field = dict(parts.by_field)
    for path in changed:
        for link in before[path]:
            by_field.pop((path, link.field), None)
        for link in after[path]:
            if link.field is not None:
                by_field.setdefault((path, link.field), []).append(link)
    targets = {l.target for path in changed for l in (*before[path], *after[path]) if l.target is not None}
    incoming = dict(parts.incoming)
    for target in targets:
        kept = [l for l in parts.incoming.get(target, ()) if l.source not in changed]
        kept += [l for path in sorted(changed) for l in after[path] if l.target == target and l.source != target]
        if kept:
            incoming[target] = kept
        else:
            incoming.pop(target, None)
    facts = _Facts(snapshot, schema, today, types, by_field, incoming, parts.linked)
    interviews = [interview for interview in old.interviews if interview.path not in changed]
    made = {}
    for path in sorted(changed):
        if types[path] == "interview":
            made[path] = facts.interview(path)
            insort(interviews, made[path], key=_interview_order)
    # The other notes' edges stay, in place: edges are in their links' (source) order.
    edges = splice_by_source(old.edges, changed,
                             lambda path: [facts.edge(link) for link in after[path] if link.target != link.source])
    dated = dict(parts.dated)
    for path in changed:
        when = facts.dated(path, made.get(path))
        if when is None:
            dated.pop(path, None)
        else:
            dated[path] = when
    # Whose last contact may move: whom these notes link (or linked), these notes' own
    # people, and the people whose `met_at` is one of these notes.
    involved = targets | changed
    for path in changed:
        involved.update(l.source for l in incoming.get(path, ()) if l.field == facts.met_at)
    last = dict(parts.last)
    for path in involved:
        when = facts.last_contacted(path, dated)
        if when is None:
            last.pop(path, None)
        else:
            last[path] = when
    # People whose interviews changed: with, via and the names they gave.
    again = set(changed)
    for interview in [*(i for i in old.interviews if i.path in changed), *made.values()]:
        again.update((interview.person, interview.via, *(r.target for r in interview.referrals)))
    loose = dict(parts.loose)
    for path in changed:
        found = [link for link in after[path] if _loose(link)]
        if found:
            loose[path] = found
        else:
            loose.pop(path, None)
    # Who named or introduced whom stays when no edited note's part in it changed: the
    # `referred_by` of a contact, an interview's people, status, names given and date (its
    # place in the order), the profile's links.
    referred_key = schema.key("contact", "referred_by")
    before_interviews = {i.path: i for i in old.interviews if i.path in changed}

    def named(interview: Interview | None) -> tuple | None:
        return interview and (interview.person, interview.via, interview.status, interview.referrals, interview.date)

    same = old.profile not in changed and all(
        [l.target for l in parts.by_field.get((path, referred_key), ())]
        == [l.target for l in by_field.get((path, referred_key), ())]
        and named(before_interviews.get(path)) == named(made.get(path))
        for path in changed)
    if same:
        again.update(path for path in involved if last.get(path) != parts.last.get(path))
    return _assemble(facts, old.profile, parts.people_paths, interviews, edges, dated, last, loose, old, again,
                     parts.referrals if same else None)


@dataclass(frozen=True)
class _Referrals:
    """Who named and introduced whom, and the degrees that follow: over everyone."""

    referred_by: dict[str, list[str]]
    introduced_by: dict[str, list[str]]
    referred_outside: set[str]
    all: list[Referral]
    degrees: dict[str, int]


def _referrals(facts: _Facts, profile: str | None, contacts: list[str], interviews: list[Interview]) -> _Referrals:
    schema = facts.schema
    referred_by: dict[str, list[str]] = {path: [] for path in contacts}
    has_unknown_referrer: set[str] = set()
    # Named by someone withheld: in their own `referred_by`, in a withheld interview's
    # `referrals`, or by an interview here whose `with` person is withheld.
    referred_key, referrals_key = schema.key("contact", "referred_by"), schema.key("interview", "referrals")
    linked_out, linked_in = facts.linked_out, facts.linked_in
    referred_outside = {
        path for path in contacts if (path, referred_key) in linked_out or (path, referrals_key) in linked_in
    } if linked_out or linked_in else set()
    for interview in interviews:
        if (interview.path, facts.with_key) in linked_out and interview.person is None:
            referred_outside.update(r.target for r in interview.referrals if r.target in referred_by)
    has_unknown_referrer |= referred_outside
    by_field = facts.by_field
    for path in contacts:
        for link in by_field.get((path, referred_key), ()):
            who = facts.person_target(link)
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
    linked_from_profile = {link.target for link in facts.snapshot.links_of(profile) if link.target} if profile else set()
    degrees = _degrees(contacts, referred_by, has_unknown_referrer, linked_from_profile, profile)

    return _Referrals(referred_by, introduced_by, referred_outside, all_referrals, degrees)


def _assemble(facts: _Facts, profile: str | None, people_paths: list[str], interviews: list[Interview],
              edges: list[Edge], dated: dict[str, date], last: dict[str, date], loose: dict[str, list[LinkData]],
              old: Network | None, again: set[str | None], referrals: _Referrals | None = None) -> Network:
    """The network from its per-note parts: referrals, introductions and degrees over
    everyone (or `referrals`, when the caller knows they are `old`'s), then each person
    (with `old`: only those in `again` or whose referrers, introducers, degree or last
    contact moved, and with old's `referrals`, only those in `again`; the others are `old`'s)."""
    snapshot, schema, types = facts.snapshot, facts.schema, facts.types
    notes = snapshot.notes
    contacts = people_paths[1:] if profile else people_paths
    if referrals is None:
        referrals = _referrals(facts, profile, contacts, interviews)
    else:
        people_paths = [path for path in again if path in old.people]  # the others' facts stand
    referred_by, introduced_by, referred_outside, all_referrals, degrees = (
        referrals.referred_by, referrals.introduced_by, referrals.referred_outside, referrals.all, referrals.degrees)
    by_field = facts.by_field
    interviews_of: dict[str | None, list[Interview]] = {}
    for interview in interviews:
        interviews_of.setdefault(interview.person, []).append(interview)
    company_key = schema.key("contact", "company")
    people: dict[str, Person] = {} if old is None else dict(old.people)
    for path in people_paths:
        degree = 0 if path == profile else degrees.get(path)
        referrers = tuple(dict.fromkeys(referred_by.get(path, ())))
        introducers = tuple(dict.fromkeys(introduced_by.get(path, ())))
        if old is not None and path not in again:
            person = people[path]
            if (person.degree == degree and person.referred_by == referrers and person.introduced_by == introducers
                    and person.last_contacted == last.get(path) and person.referred_outside == (path in referred_outside)):
                continue
        note = notes[path]
        kind = types[path] or "contact"
        company_links = by_field.get((path, company_key), ()) if kind == "contact" else ()
        company = next((l.target for l in company_links if l.target and types.get(l.target) == "company"), None)
        stage, by_hand = _stage(note, schema, interviews_of.get(path, []), last.get(path))
        people[path] = Person(
            path=path,
            name=note.title,
            kind=kind,
            stage=stage,
            stage_set_by_hand=by_hand,
            last_contacted=last.get(path),
            degree=degree,
            referred_by=referrers,
            introduced_by=introducers,
            company=company,
            follow_up=parse_date(schema.get("contact", note.properties, "follow_up")),
            tags=note.tags,
            referred_outside=path in referred_outside,
        )
    parts = _Parts(snapshot, by_field, facts.incoming, dated, last, list(people), (facts.linked_out, facts.linked_in),
                   loose, referrals)
    return Network(schema, facts.today, notes, types, profile, people, interviews, edges, all_referrals, _parts=parts)


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


