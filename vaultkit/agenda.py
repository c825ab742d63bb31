"""The agenda: the informational-interview method as rules over the network.

`agenda(network)` is pure ("today" is the network's). Each item says what
to do, for whom, by when, why, and which note to open. The rules (docs/agenda.md):

- thank-you: a done interview with no `thank_you_sent` — due that day, overdue after;
- upcoming: a scheduled interview, with a preparation checklist (a past one: mark it);
- follow-up: an explicit `follow_up` date reached (unless you have been in touch since),
  or no contact for the cadence of the person's stage or tag;
- next-name: a person named in `referrals` (or a contact with `referred_by`) with no
  interview yet, with a ready outreach draft that names the referrer;
- dead-end: a done interview that gave no new name;
- hygiene: possible duplicate people, people linked but without a note, names given
  as plain text, ambiguous links.
"""

from __future__ import annotations

import difflib
import re
import unicodedata
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, timedelta
from functools import lru_cache
from typing import Any

from .network import Interview, Network, Person
from .schema import STAGE_LABELS, Schema

KINDS = ("thank-you", "upcoming", "follow-up", "next-name", "dead-end", "hygiene")
TITLES = {
    "thank-you": "Thank-you notes owed",
    "upcoming": "Upcoming interviews",
    "follow-up": "Follow-ups due",
    "next-name": "Next names to contact",
    "dead-end": "Dead ends (no new name)",
    "hygiene": "Vault hygiene",
}


@dataclass(frozen=True, slots=True)
class Item:
    kind: str
    note: str  # vault-relative path, or the name of a prospect with no note yet
    person: str | None
    due: date | None
    reason: str
    overdue: bool = False
    details: tuple[str, ...] = ()  # checklist lines, the notes involved
    draft: str | None = None  # a ready outreach message
    referred_by: tuple[str, ...] = ()  # paths (or names) of who named the person

    def to_json(self) -> dict[str, Any]:
        return {
            "kind": self.kind,
            "note": self.note,
            "person": self.person,
            "due": self.due.isoformat() if self.due else None,
            "overdue": self.overdue,
            "reason": self.reason,
            "details": list(self.details),
            "draft": self.draft,
            "referred_by": list(self.referred_by),
        }


def agenda(network: Network, texts: Mapping[str, str] | None = None) -> list[Item]:
    """Every agenda item, grouped by kind in KINDS order, then by due date and person.

    `texts` (note path -> text) lets hygiene find people mentioned in plain text but never
    linked; the caller reads only the notes `mention_candidates` says are worth reading.
    """
    return ordered(rule_items(network) + unlinked_mentions(network, texts or {}))


def rule_items(network: Network, memo: dict[str, Any] | None = None) -> list[Item]:
    """The items that follow from the network alone (all but plain-text mentions), unsorted.

    `memo`: a dict the caller keeps from one call to the next (`serve`, after each edit).
    The items of the people and names whose facts are as they were are taken from it
    rather than written again (the rules' text is most of their time); the result is the
    same with or without it."""
    return (
        thank_yous(network)
        + upcoming(network)
        + follow_ups(network, _memo(memo, "follow-up", (network.today, network.schema)))
        + next_names(network, _memo(memo, "next-name", (network.today, network.schema)))
        + dead_ends(network)
        + hygiene(network, _memo(memo, "hygiene", network.schema))
    )


def _memo(memo: dict[str, Any] | None, rule: str, basis: Any) -> dict[Any, Any] | None:
    """One rule's part of a `rule_items` memo, emptied when what all its items read changed."""
    if memo is None:
        return None
    found = memo.get(rule)
    if found is None or found[0] != basis:
        found = memo[rule] = (basis, {})
    return found[1]


def ordered(items: list[Item]) -> list[Item]:
    """The agenda's order: by kind in KINDS order, then due date, person, note (stable)."""
    order = {kind: n for n, kind in enumerate(KINDS)}
    return sorted(items, key=lambda i: (order[i.kind], i.due or date.max, (i.person or "").lower(), i.note))


def _days(n: int) -> str:
    return f"{n} day{'s' if n != 1 else ''}"


def _who(network: Network, interview: Interview) -> str:
    return network.name(interview.person) if interview.person else interview.person_name


def thank_yous(network: Network) -> list[Item]:
    today = network.today
    items = []
    for interview in network.interviews:
        if interview.status != "done" or interview.thank_you_sent is not None:
            continue
        if interview.date is not None and interview.date > today:
            continue
        late = (today - interview.date).days if interview.date else 0
        when = f"on {interview.date.isoformat()}" if interview.date else "(no date)"
        reason = f"interview done {when}; no thank-you sent" + (f" (overdue by {_days(late)})" if late > 0 else " (send it today)")
        details = ["set `thank_you_sent` to the day you send it"]
        if interview.via:
            details.insert(0, f"thank {network.name(interview.via)} too, who introduced you")
        items.append(
            Item("thank-you", interview.path, _who(network, interview), interview.date, reason, late > 0, tuple(details))
        )
    return items


def upcoming(network: Network) -> list[Item]:
    today = network.today
    profile = network.notes.get(network.profile) if network.profile else None
    schema = network.schema
    pitch = schema.get("profile", profile.properties, "pitch") if profile else None
    items = []
    for interview in network.interviews:
        if interview.status != "scheduled":
            continue
        who = _who(network, interview)
        if interview.date is not None and interview.date < today:
            items.append(
                Item(
                    "upcoming", interview.path, who, interview.date,
                    f"was scheduled for {interview.date.isoformat()}: set `status: done` (and send a thank-you) "
                    "or reschedule",
                    overdue=True,
                )
            )
            continue
        if interview.date is None:
            reason = "scheduled, with no date"
        else:
            days = (interview.date - today).days
            reason = f"interview with {who} " + ("today" if days == 0 else f"on {interview.date.isoformat()} (in {_days(days)})")
        person = network.people.get(interview.person) if interview.person else None
        checklist = []
        if isinstance(pitch, str) and pitch.strip():
            checklist.append(f"pitch: {' '.join(pitch.split())}")
        else:
            checklist.append("pitch: rehearse who you are, where you are going, and why you asked them")
        if person and person.company:
            checklist.append(f"read up on {network.name(person.company)} ({person.company})")
        checklist.append(f"their story: how did {who} get into this work?")
        checklist.append("ask: any advice for my transition?")
        checklist.append("ask: who else should I talk to? (and may I mention your name?)")
        if interview.via:
            checklist.append(f"{network.name(interview.via)} introduced you: say so, and thank them after")
        items.append(Item("upcoming", interview.path, who, interview.date, reason, False, tuple(checklist)))
    return items


def follow_ups(network: Network, memo: dict[str, tuple] | None = None) -> list[Item]:
    """`memo`: person -> (their record, their explicit date, their item), kept by `rule_items`."""
    today = network.today
    schema = network.schema
    memo = {} if memo is None else memo
    items: list[Item] = []
    # Explicit dates first: on the contact, or on one of their interviews.
    explicit: dict[str, tuple[date, str]] = {}
    for person in network.people.values():
        if person.kind == "contact" and person.follow_up:
            explicit[person.path] = (person.follow_up, person.path)
    for interview in network.interviews:
        if interview.person in network.people and interview.follow_up and interview.status != "cancelled":
            current = explicit.get(interview.person)
            if current is None or interview.follow_up > current[0]:
                explicit[interview.person] = (interview.follow_up, interview.path)
    for path, entry in explicit.items():
        person = network.people[path]
        found = memo.get(path)
        if found is None or found[0] is not person or found[1] != entry:
            found = memo[path] = (person, entry, _explicit_follow_up(person, entry, today))
        if found[2] is not None:
            items.append(found[2])
    # Cadences: not heard from in N days, by stage or tag.
    for person in network.people.values():
        if person.kind != "contact" or person.path in explicit:
            continue
        found = memo.get(person.path)
        if found is None or found[0] is not person or found[1] is not None:
            found = memo[person.path] = (person, None, _cadence_follow_up(person, schema, today))
        if found[2] is not None:
            items.append(found[2])
    if len(memo) > len(network.people):  # people gone
        for path in memo.keys() - network.people.keys():
            del memo[path]
    return items


def _explicit_follow_up(person: Person, entry: tuple[date, str], today: date) -> Item | None:
    when, note = entry
    if when > today:
        return None
    if person.last_contacted and person.last_contacted >= when:
        return None  # you have been in touch since the date came up
    late = (today - when).days
    reason = f"follow-up date {when.isoformat()} reached" + (f" ({_days(late)} ago)" if late else " (today)")
    return Item("follow-up", note, person.name, when, reason, late > 0)


def _cadence_follow_up(person: Person, schema: Schema, today: date) -> Item | None:
    days = schema.cadence(person.stage, person.tags)
    if days is None or person.last_contacted is None:
        return None
    due = person.last_contacted + timedelta(days=days)
    if due > today:
        return None
    since = (today - person.last_contacted).days
    if person.stage == "requested":
        reason = f"asked on {person.last_contacted.isoformat()}, no interview yet after {_days(since)}: a polite nudge"
    else:
        reason = (
            f"not heard from since {person.last_contacted.isoformat()} ({_days(since)}; "
            f"you follow up every {_days(days)} when {STAGE_LABELS[person.stage]})"
        )
    return Item("follow-up", person.path, person.name, due, reason, due < today)


def next_names(network: Network, memo: dict[str, tuple] | None = None) -> list[Item]:
    """`memo`: name -> (what its item says, the item), kept by `rule_items`."""
    memo = {} if memo is None else memo
    people = network.people
    interviewed = {i.person for i in network.interviews if i.person and i.status != "cancelled"}
    # key -> (note, person's name, referrers, the interviews that named them), by first mention
    named: dict[str, tuple[str, str, list[str], list[str]]] = {}
    for referral in network.referrals:
        target = referral.target
        if target is not None:
            if target in interviewed or people[target].stage_set_by_hand:
                continue
            key = target
        else:
            key = "?" + referral.name.lower()
        entry = named.get(key)
        if entry is None:
            entry = named[key] = (target, network.name(target), [], []) if target else (referral.name, referral.name, [], [])
        if referral.referrer and referral.referrer not in entry[2]:
            entry[2].append(referral.referrer)
        if referral.interview and referral.interview not in entry[3]:
            entry[3].append(referral.interview)
    for person in people.values():
        if (person.kind == "contact" and person.referred_by and person.stage == "not-asked"
                and person.path not in interviewed):
            entry = named.get(person.path)
            if entry is None:
                entry = named[person.path] = (person.path, person.name, [], [])
            for referrer in person.referred_by:
                if referrer and referrer not in entry[2]:
                    entry[2].append(referrer)
    profile = network.notes.get(network.profile) if network.profile else None
    target = network.schema.get("profile", profile.properties, "target_industry") if profile else None
    if isinstance(target, list):
        target = ", ".join(str(t) for t in target)
    items = []
    notes, name = network.notes, network.name
    for key, entry in named.items():
        note, person, referrer_paths, sources = entry
        referrers = [name(r) for r in referrer_paths]
        said = (entry, referrers, note not in notes, target)
        found = memo.get(key)
        if found is not None and found[0] == said:
            items.append(found[1])
            continue
        by = " and ".join(referrers) if referrers else "someone"
        if note not in notes:  # a prospect
            reason = f"named by {by}; no note yet: vaultkit new contact --from-link \"{person}\""
        else:
            reason = f"named by {by}; no interview yet"
        first = person.split()[0] if person.split() else person
        field_text = f" into {target}" if isinstance(target, str) and target.strip() else ""
        draft = (
            f"Hi {first}, {by} suggested I get in touch with you. I'm changing careers{field_text}, "
            "and I would love to hear how you got into your work. Would you have 20 minutes for a call "
            "in the next couple of weeks? I'm gathering information and advice, not asking for a job. "
            "Thank you!"
        )
        items.append(
            Item("next-name", note, person, None, reason, False, tuple(sources), draft, tuple(referrer_paths))
        )
        memo[key] = (said, items[-1])
    if len(memo) > len(named):  # names no longer given
        for key in memo.keys() - named.keys():
            del memo[key]
    return items


def dead_ends(network: Network) -> list[Item]:
    items = []
    for interview in network.interviews:
        if interview.status == "done" and not interview.referrals and (
            interview.date is None or interview.date <= network.today
        ):
            who = _who(network, interview)
            items.append(
                Item(
                    "dead-end", interview.path, who, None,
                    f"{who} gave no new name: ask again in your follow-up (\"who else should I talk to?\")",
                )
            )
    return items


@lru_cache(maxsize=1 << 16)  # every contact's name, again after each edit in `serve`
def _name_key(name: str) -> str:
    folded = unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode().lower()
    return " ".join("".join(ch if ch.isalnum() else " " for ch in folded).split())


def _similar(a: str, b: str, counts: tuple[dict[str, int], dict[str, int]] | None = None) -> bool:
    """`counts`: each name's characters counted (Counter), when the caller has them."""
    if a == b:
        return True
    first_a, _, rest_a = a.partition(" ")
    first_b, _, rest_b = b.partition(" ")
    if rest_a and rest_a == rest_b and (first_a.startswith(first_b) or first_b.startswith(first_a)):
        return True  # Sam Lee / Samuel Lee
    if 2 * min(len(a), len(b)) < 0.9 * (len(a) + len(b)):
        return False  # even a perfect match of the shorter name could not reach 0.9
    # difflib's quick_ratio, an upper bound of ratio, as it computes it (2 * the characters
    # both names hold / their lengths), without building a SequenceMatcher: most pairs stop here.
    counts_a, counts_b = counts if counts is not None else (Counter(a), Counter(b))
    common = sum(min(count, counts_b.get(char, 0)) for char, count in counts_a.items())
    if 2.0 * common / (len(a) + len(b)) < 0.9:
        return False
    return difflib.SequenceMatcher(None, a, b).ratio() >= 0.9


def similar_pairs(block: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """(path a, path b) for each two entries of `block` ((name key, path), in order) whose
    names are `_similar` (asked as (earlier, later)).

    Many people share a name in a big vault, and a block (one last name) grows with it:
    each two distinct names are compared once at most, not each two people (which was
    quadratic in the vault's size: 1.8 million comparisons at 50k notes), and only those
    that `_candidates`' bounds let through."""
    at: dict[str, list[int]] = {}
    for number, (key, _) in enumerate(block):
        at.setdefault(key, []).append(number)
    keys = list(at)
    # Each name's length, characters (a bit for each character's first, second... time in
    # it), first name and the rest, for `_candidates`' cheap bounds, and its characters
    # counted for `_similar`'s.
    alphabet = {ch: number for number, ch in enumerate(sorted({ch for key in keys for ch in key}))}
    shape, counted = {}, {}
    for key in keys:
        first, _, rest = key.partition(" ")
        counted[key] = Counter(key)
        held = sum(1 << (time * len(alphabet) + alphabet[ch]) for ch, times in counted[key].items() for time in range(times))
        shape[key] = (len(key), held, first, rest)

    found: list[tuple[int, int]] = []
    for key in keys:
        places = at[key]
        found.extend((a, b) for n, a in enumerate(places) for b in places[n + 1 :])  # the same name
    for i, j in sorted(_candidates(keys, shape)):
        key_a, key_b = keys[i], keys[j]
        places_a, places_b = at[key_a], at[key_b]
        forward = _similar(key_a, key_b, (counted[key_a], counted[key_b]))
        # difflib's ratio may depend on the order: ask the other way only where it is needed.
        backward = forward if places_b[0] > places_a[-1] else _similar(key_b, key_a, (counted[key_b], counted[key_a]))
        if forward or backward:
            found.extend(
                (a, b) if a < b else (b, a)
                for a in places_a for b in places_b
                if (forward if a < b else backward)
            )
    return [(block[a][1], block[b][1]) for a, b in sorted(found)]


def _candidates(keys: list[str], shape: dict[str, tuple[int, int, str, str]]) -> set[tuple[int, int]]:
    """The pairs (i < j) of `keys` that may be `_similar`, by cheap bounds: at 50,000 notes
    a block holds 250 distinct names, and bounding each two in turn was most of the
    agenda's time.

    Two names are similar when one's first name starts the other's and the rest is the same
    (such names are neighbours in sorted order), or when difflib's ratio reaches 0.9: then
    the shorter is at least 9/11 of the longer (`_similar`'s length bound), and at most a
    tenth of their characters are unmatched (quick_ratio, ratio's upper bound: a character
    is unmatched where one name holds it more times than the other, one bit of `shape`'s
    each). Sorted by length, each name is bounded against the next ones only while they
    are short enough."""
    pairs: set[tuple[int, int]] = set()
    by_rest: dict[str, list[tuple[str, int]]] = {}
    for number, key in enumerate(keys):
        _, _, first, rest = shape[key]
        if rest:
            by_rest.setdefault(rest, []).append((first, number))
    for firsts in by_rest.values():
        firsts.sort()
        for n, (first, number) in enumerate(firsts):
            for other, other_number in firsts[n + 1 :]:
                if not other.startswith(first):
                    break
                pairs.add((min(number, other_number), max(number, other_number)))
    by_length = sorted((shape[key][0], shape[key][1], number) for number, key in enumerate(keys))
    for n, (length_a, held_a, a) in enumerate(by_length):
        for length_b, held_b, b in by_length[n + 1 :]:
            if 9 * length_b > 11 * length_a:  # 2 * shorter < 0.9 * (both lengths), and for the rest too
                break
            if 10 * (held_a ^ held_b).bit_count() <= length_a + length_b:
                pairs.add((a, b) if a < b else (b, a))
    return pairs


@lru_cache(maxsize=1 << 14)
def _similar_pairs(block: tuple[tuple[str, str], ...]) -> tuple[tuple[str, str], ...]:
    """similar_pairs, each pair sorted. Memoised: `serve` asks again after every edit,
    and an edit changes one block at most."""
    return tuple(tuple(sorted(pair)) for pair in similar_pairs(list(block)))


def _duplicates(network: Network, contacts: list[Person], emails: list[Any]) -> list[Item]:
    """Possible duplicates: compare names only within a block of the same last word, so the
    cost stays linear-ish in a big vault; and any two contacts sharing an email (`emails`:
    each contact's email property)."""
    blocks: dict[str, list[tuple[str, str]]] = {}
    for person in contacts:
        key = _name_key(person.name)
        blocks.setdefault(key.rsplit(" ", 1)[-1], []).append((key, person.path))
    pairs: dict[tuple[str, str], str] = {}
    for block in blocks.values():
        for pair in _similar_pairs(tuple(block)):
            pairs.setdefault(pair, "similar names")
    by_email: dict[str, list[str]] = {}
    for person, value in zip(contacts, emails):
        if isinstance(value, str) and "@" in value:
            by_email.setdefault(value.strip().lower(), []).append(person.path)
    for email, paths in by_email.items():
        for i, a in enumerate(paths):
            for b in paths[i + 1 :]:
                pairs[tuple(sorted((a, b)))] = f"same email {email}"
    return [
        Item("hygiene", a, network.name(a), None,
             f"may be the same person as {network.name(b)} ({b}): {why}; merge them or add an alias",
             details=(a, b))
        for (a, b), why in sorted(pairs.items())
    ]


def hygiene(network: Network, memo: dict[str, tuple] | None = None) -> list[Item]:
    """`memo`: the possible duplicates' items and what they came from, kept by `rule_items`."""
    contacts = [p for p in network.people.values() if p.kind == "contact"]
    email_key = network.schema.key("contact", "email")
    notes = network.notes
    emails = [notes[person.path].properties.get(email_key) for person in contacts]
    said = ([(person.path, person.name) for person in contacts], emails)
    found = memo.get("duplicates") if memo is not None else None
    if found is None or found[0] != said:
        found = (said, _duplicates(network, contacts, emails))
        if memo is not None:
            memo["duplicates"] = found
    items = list(found[1])
    # People linked in people fields (with, via, referred_by, heard_from) but without a note.
    people_keys = {
        network.schema.key(t, f)
        for t, f in (("interview", "with"), ("interview", "via"), ("contact", "referred_by"), ("lead", "heard_from"))
    }
    loose = network.hygiene_links()
    missing: dict[str, list[str]] = {}
    for link in loose:
        if link.target is None and link.field in people_keys and network.types.get(link.source):
            missing.setdefault(link.linkpath, []).append(f"{link.source}:{link.line}")
    for name, places in sorted(missing.items()):
        items.append(
            Item("hygiene", name, name, None,
                 f"[[{name}]] is linked as a person but has no note: vaultkit new contact \"{name}\"",
                 details=tuple(places))
        )
    # Names given as plain text in referrals: vaultkit cannot follow them.
    for referral in network.referrals:
        if not referral.linked:
            items.append(
                Item("hygiene", referral.interview, referral.name, None,
                     f"{referral.name!r} is named in referrals as plain text; write \"[[{referral.name}]]\" "
                     "so vaultkit can follow the name",
                     details=(f"{referral.interview}:{referral.line}",))
            )
    # Ambiguous links: never a silent pick.
    for link in loose:
        if link.ambiguous and network.types.get(link.source):
            items.append(
                Item("hygiene", link.source, None, None,
                     f"{link.raw} could mean several notes; vaultkit took {link.target}: write the folder in the link",
                     details=(f"{link.source}:{link.line}",))
            )
    return items


def never_linked(network: Network) -> list[str]:
    """Contacts no other note links to: their names may stand in plain text somewhere."""
    return sorted(p.path for p in network.people.values() if p.kind == "contact" and not network.is_linked(p.path))


def mention_candidates(network: Network, never: list[str] | None = None) -> list[str]:
    """The notes worth reading for plain-text mentions (none when everyone is linked).
    `never`: never_linked(network), when the caller has it."""
    if not (never_linked(network) if never is None else never):
        return []
    return sorted(path for path, kind in network.types.items() if kind in ("interview", "contact", "event", "profile"))


def unlinked_mentions(network: Network, texts: Mapping[str, str]) -> list[Item]:
    people = mention_patterns(network, never_linked(network))
    if not people:
        return []
    return mention_items(people, {path: mentions_in(people, path, text) for path, text in texts.items()})


def mention_patterns(network: Network, people: list[str]) -> list[tuple[str, str, re.Pattern[str]]]:
    """(person, name, pattern) for each never-linked person, in order."""
    return [
        (person, network.name(person), re.compile(r"(?<![\w\[|])" + re.escape(network.name(person)) + r"(?![\w\]])"))
        for person in people
    ]


def mentions_in(people: list[tuple[str, str, re.Pattern[str]]], path: str, text: str) -> list[Item]:
    """The plain-text mentions in one note (so a caller can redo just the notes that changed)."""
    items = []
    # A plain find in the whole text first: most notes lack every name (nobody links to these
    # people, so their names are not in links either), and then the links need no cutting out.
    present = [(person, name, pattern) for person, name, pattern in people if path != person and name in text]
    without_links = without_wikilinks(text) if present else ""
    for person, name, pattern in present:
        if name not in without_links:
            continue
        match = pattern.search(without_links)
        if match:
            line = without_links.count("\n", 0, match.start()) + 1
            items.append(
                Item("hygiene", path, name, None,
                     f"{name} is mentioned in plain text but no note links to them: write [[{name}]]",
                     details=(f"{path}:{line}", person))
            )
    return items


def mention_items(people: list[tuple[str, str, re.Pattern[str]]], found: dict[str, list[Item]]) -> list[Item]:
    """Mentions found per note, in the agenda's order: by person, then note path."""
    by_person: dict[str, list[Item]] = {}
    for path in sorted(found):
        for item in found[path]:
            by_person.setdefault(item.details[1], []).append(item)
    return [item for person, _, _ in people for item in by_person.get(person, ())]


WIKILINK = re.compile(r"!?\[\[[^\]\n]*\]\]")
_WIKILINK_FROM_BRACKETS = re.compile(r"\[\[[^\]\n]*\]\]")


def without_wikilinks(text: str) -> str:
    """`WIKILINK.sub(" ", text)`, several times faster: a pattern that starts with a
    literal is searched for with a fast scan, while the optional `!` in front made the
    engine try every position of the text (every note's, for the mentions)."""
    out, done = [], 0
    for match in _WIKILINK_FROM_BRACKETS.finditer(text):
        at = match.start()
        if at > done and text[at - 1] == "!":  # an embed: its `!` goes too
            at -= 1
        out.append(text[done:at])
        out.append(" ")
        done = match.end()
    if not done:
        return text
    out.append(text[done:])
    return "".join(out)


def format_agenda(items: list[Item], today: date) -> str:
    if not items:
        return f"Nothing to do on {today.isoformat()}: time to ask someone new for an interview.\n"
    lines = [f"Agenda for {today.isoformat()}"]
    for kind in KINDS:
        group = [i for i in items if i.kind == kind]
        if not group:
            continue
        lines += ["", f"{TITLES[kind]} ({len(group)})"]
        for item in group:
            flag = "!" if item.overdue else "-"
            due = f"[{item.due.isoformat()}] " if item.due else ""
            who = f"{item.person}: " if item.person else ""
            lines.append(f"  {flag} {due}{who}{item.reason}")
            lines.append(f"      {item.note}")
            for detail in item.details:
                if detail != item.note:
                    lines.append(f"      · {detail}")
            if item.draft:
                lines.append(f"      draft: {item.draft}")
    return "\n".join(lines) + "\n"
