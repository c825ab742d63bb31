"""What each page shows, as plain data: the emitters of the pipeline.

Every page is `template(inputs)`: `note_inputs` and friends build a JSON-able dict of
everything the page depends on (its note, the titles and addresses of what it links
to, its backlinks, the referral facts, the previews of the people it names). The
builder fingerprints that dict, so a page is rendered again exactly when one of its
inputs changed. That is how "emitters know what they depend on" here, and why an
incremental build cannot drift from a clean one: there is nothing a page reads that
is not in its inputs.
"""

from __future__ import annotations

import hashlib
import json
from bisect import bisect_left, insort
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from functools import cached_property, lru_cache
from typing import Any

from ..agenda import TITLES as AGENDA_TITLES
from ..agenda import Item, ordered
from ..growth import joined_on
from ..network import Network
from ..paths import IntroPath
from ..schema import PEOPLE, STAGE_LABELS, STAGES
from ..snapshot import LinkData, Snapshot, source_range
from .content import Content
from .escaping import escaped
from .layout import Layout, neighbours, radial_layout
from .privacy import SiteConfig
from .render import IMAGE_EXTENSIONS, LinkView, downloaded, section
from .urls import heading_anchor, href, tag_output

# Properties the card does not list: shown elsewhere on the page, or internal.
CARD_SKIP = {"type", "tags", "aliases", "title", "cssclasses", "private", "publish"}
LOCAL_GRAPH_LIMIT = 24
# A relation (schema.relation_of) -> how a group of backlinks is headed.
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


@dataclass
class Plan:
    """The whole build's shared data, settled before any page is emitted (but the agenda
    and the campaign's figures: see `make_rules`).

    `network`, `agenda`, `stats` and `paths` are vaultkit's networking model
    (network.py, agenda.py, stats.py, paths.py) computed over the published notes
    only, so nothing derived from them can reveal a note that is not published.
    """

    content: Content
    config: SiteConfig
    share: bool
    today: str
    published: set[str]
    private: dict[str, str]  # the notes no build publishes, with why (privacy.kept_out)
    attachments: set[str]
    outputs: dict[str, str]  # vault path -> output path
    network: Network
    # The agenda and the campaign's figures are made when first asked for: only the
    # dashboard reads them, and a one-note rebuild first writes the note's own page (the
    # one its tab is showing), then the dashboard.
    make_rules: Callable[[], list[Item]]  # the agenda's items that follow from the network
    mentions: list[Item]  # and its plain-text mentions
    make_stats: Callable[[], dict[str, Any]]
    paths: dict[str, IntroPath]  # person -> their warmest introduction path from the user
    children: dict[str, list[str]]  # referrer -> the people they named
    hidden_fields: frozenset[str]
    excerpts: dict[str, str]
    visible: Snapshot | None = None  # the published notes, as the networking model saw them
    _edges_of: dict[str, list[tuple[str, str, str]]] | None = None
    _staff: dict[str, list] | None = None
    _interviews: dict[str, Any] | None = None
    _joined: dict[str, Any] | None = None
    previews: dict[str, dict[str, str]] = field(default_factory=dict)  # person -> preview, as asked for
    _link_items: dict[str, dict[str, dict[str, Any]]] = field(default_factory=dict)  # see link_items
    _link_views: dict[str, dict[tuple[str, str, str], tuple[LinkView, str | None]]] = field(default_factory=dict)
    _relations: dict[tuple[str | None, str | None], str] = field(default_factory=dict)  # see relation_of
    _wikilinks_html: dict[str, dict[str, str]] = field(default_factory=dict)  # see wikilinks_html

    @cached_property
    def rules(self) -> list[Item]:
        return self.make_rules()

    @cached_property
    def agenda(self) -> list[Item]:
        return ordered(self.rules + self.mentions)

    @cached_property
    def stats(self) -> dict[str, Any]:
        return self.make_stats()

    def title(self, path: str) -> str:
        return self.content.notes[path].title

    def link_items(self, folder: str) -> dict[str, dict[str, Any]]:
        """Links to note pages (`PageLinks.to`) from the pages of one folder, as made so far:
        a 10k-note build makes ~300k links, to a few thousand pages from a few folders. An
        item reads the target's title, type, address and whether it is published: what a
        text-only edit, which keeps this plan's table (`dataclasses.replace`), leaves alone."""
        found = self._link_items.get(folder)
        if found is None:
            found = self._link_items[folder] = {}
        return found

    def link_views(self, folder: str) -> dict[tuple[str, str, str], tuple[LinkView, str | None]]:
        """How body links render from the pages of one folder, by (linkpath, subpath, kind):
        (the view, its target). A link resolves alike from every note of a folder (but
        `[[#Heading]]`, which is the note itself) and its address is relative to the
        folder: a 10k-note build resolves ~220k body links, to a few thousand notes from
        a few folders. What a text-only edit leaves alone, as `link_items`."""
        found = self._link_views.get(folder)
        if found is None:
            found = self._link_views[folder] = {}
        return found

    def link_views_table(self) -> dict[str, dict[tuple[str, str, str], tuple[LinkView, str | None]]]:
        """Every folder's `link_views`: for another plan of the same notes, published notes and addresses."""
        return self._link_views

    def wikilinks_html(self, folder: str) -> dict[str, str]:
        """The HTML a body's `[[link]]` renders to on the pages of one folder, by the text
        between its brackets: the same for every page there, as its view is (`link_views`).
        (A page records whom its links name with `body_links`, before its body is rendered.)"""
        found = self._wikilinks_html.get(folder)
        if found is None:
            found = self._wikilinks_html[folder] = {}
        return found

    def type(self, path: str) -> str | None:
        return self.content.notes[path].type

    def preview_address(self, path: str) -> str | None:
        """A published person's page address (their hover preview's key); None for any other note."""
        return self.outputs[path] if self.content.notes[path].type in PEOPLE and path in self.published else None

    def relation_of(self, note_type: str | None, key: str | None) -> str:
        """schema.relation_of, memoised: a few (type, property) pairs, asked for each backlink."""
        found = self._relations.get((note_type, key))
        if found is None:
            found = self._relations[(note_type, key)] = self.content.schema.relation_of(note_type, key)
        return found

    def preview(self, path: str) -> dict[str, str]:
        """The hover preview of a person's page (memoised: many pages name the same people)."""
        found = self.previews.get(path)
        if found is None:
            found = self.previews[path] = person_preview(self, path)
        return found

    def key(self, note_type: str, name: str) -> str:
        """The property name this vault uses for a canonical field (vaultkit.yml may rename it)."""
        return self.content.schema.key(note_type, name)

    def get(self, note_type: str, path: str, name: str) -> Any:
        return self.content.schema.get(note_type, self.content.notes[path].properties, name)

    def graph_edges(self) -> list[tuple[str, str, str]]:
        """(source, target, relation) between two published notes, as the network types them."""
        return [(e.source, e.target, e.relation) for e in self.network.edges if e.target is not None]

    def staff(self, company: str) -> list:
        """The people who work at a company, in the network's order (one pass for all
        companies: a pass over every person per company page is quadratic)."""
        if self._staff is None:
            self._staff = {}
            for person in self.network.people.values():
                if person.company is not None:
                    self._staff.setdefault(person.company, []).append(person)
        return self._staff.get(company, [])

    def joined(self) -> dict[str, Any]:
        """Each person's day of joining the campaign (growth.joined_on), made once."""
        if self._joined is None:
            self._joined = joined_on(self.network)
        return self._joined

    def interview(self, path: str):
        """The network's interview of an interview note, or None (one table for all pages)."""
        if self._interviews is None:
            self._interviews = {}
            for interview in self.network.interviews:
                self._interviews.setdefault(interview.path, interview)
        return self._interviews.get(path)

    def carry_edges(self, old: Plan, changed: set[str]) -> None:
        """Take the neighbour table from `old`, whose network differed only in the edges of
        the notes in `changed` (same published notes): only the lists of those notes and
        of what they linked to before or after are made again, in the same edge order."""
        if old._edges_of is None:
            return
        affected = set(changed)
        for plan in (old, self):
            affected.update(l.target for p in changed for l in plan.content.notes[p].links if l.target is not None)
        table = dict(old._edges_of)
        edges = self.network.edges
        made = []  # the edited notes' edges now (edges are in their source's order)
        for path in sorted(changed):
            lo, hi = source_range(edges, path)
            made += [(e.source, e.target, e.relation) for e in edges[lo:hi] if e.target is not None]
        for path in affected:
            # The others' edges stay as they were; in the network's order, which is by source.
            mine = [edge for edge in old._edges_of.get(path, ()) if edge[0] not in changed]
            mine += [edge for edge in made if path in (edge[0], edge[1])]
            mine.sort(key=_first)
            if mine:
                table[path] = mine
            else:
                table.pop(path, None)
        self._edges_of = table

    def edges_of(self, path: str) -> list[tuple[str, str, str]]:
        if self._edges_of is None:
            self._edges_of = {}
            for edge in self.graph_edges():
                self._edges_of.setdefault(edge[0], []).append(edge)
                self._edges_of.setdefault(edge[1], []).append(edge)
        return self._edges_of.get(path, [])


def _first(edge: tuple[str, str, str]) -> str:
    return edge[0]


def changed_facts(old: Plan, new: Plan, changed: set[str]) -> tuple[set[str], set[str], set[str]]:
    """What differs between two plans whose content differs only in the notes in `changed`
    (under the same names), as (own, shared, texts): the notes whose own page may read
    something new, the notes whose facts as other pages read them (`PageLinks.deps`)
    changed, and the notes whose text changed (for the pages that read it: `PageLinks.reads`).

    Other pages read, of a note: title, type, address, whether it is published, its text
    (embeds), its person record and preview, its route. Only its own page reads its
    backlinks, graph edges, referral children, interviews and (for a company) who works
    there; of a note that links to it, the page reads the properties the links stand in
    (their relations), in order. Titles change only with a new plan; the rest is compared
    here, so that an edit that moves a degree or a route across the network finds every
    page that shows it, while one that links a note to a hub (the profile, a company)
    does not redo every page that also links there."""
    own = set(changed)
    shared = {path for path in changed
              if old.content.notes[path].type != new.content.notes[path].type
              or old.content.notes[path].properties != new.content.notes[path].properties}
    texts = {path for path in changed if old.content.digests.get(path) != new.content.digests.get(path)}
    for path in changed:  # their links' targets: backlinks and graph edges
        # A note that starts or stops being published takes its links to the others' pages
        # with it, though they are the same links.
        flipped = (path in old.published) != (path in new.published)
        fields: dict[str, list[tuple[str | None, ...]]] = {}
        for n, plan in enumerate((old, new)):
            for link in plan.content.notes[path].links:
                if link.target is not None:
                    fields.setdefault(link.target, [[], []])[n].append(link.field)
        own.update(target for target, (before, after) in fields.items() if flipped or before != after)
    if old.outputs is not new.outputs:
        shared.update(p for p in old.outputs.keys() | new.outputs.keys() if old.outputs.get(p) != new.outputs.get(p))
    shared.update(old.published ^ new.published)
    before, after = old.network.people, new.network.people
    for path in before.keys() | after.keys():
        a, b = before.get(path), after.get(path)
        if a is not b and a != b:  # the network keeps the records of people an edit leaves alone
            shared.add(path)
            own.update(p.company for p in (a, b) if p is not None and p.company is not None)
    for mine, theirs in ((old.paths, new.paths), (old.excerpts, new.excerpts)):
        if mine is not theirs:
            shared.update(p for p in mine.keys() | theirs.keys() if mine.get(p) != theirs.get(p))
    own.update(p for p in old.children.keys() | new.children.keys() if old.children.get(p) != new.children.get(p))
    # Interviews by note (a note holds one): the kept ones are the same records.
    before_interviews = {i.path: i for i in old.network.interviews}
    after_interviews = {i.path: i for i in new.network.interviews}
    for path in before_interviews.keys() | after_interviews.keys():
        a, b = before_interviews.get(path), after_interviews.get(path)
        if a is not b and a != b:
            own.add(path)
            own.update(i.person for i in (a, b) if i is not None and i.person is not None)
    return own | shared, shared, texts


def digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class PageLinks:
    """Links from one page, and the people previews those links need."""

    def __init__(self, plan: Plan, out: str, reads: set[str] | None = None, deps: set[str] | None = None,
                 previews: bool = True):
        self.plan = plan
        self.out = out
        # Not `previews`: only the links, as a body shows them (a preview's key is the
        # target's address), from a plan that has no networking model yet; `named` then
        # keeps the people whose previews the page will need.
        self.previews: dict[str, dict[str, str]] | None = {} if previews else None
        self.named: set[str] = set()
        # The notes whose *text* this page's inputs read (previews' excerpts, embeds): when
        # only a note's text changes, these pages are the ones to look at again.
        self.reads: set[str] = reads if reads is not None else set()
        # Every note whose facts (title, address, type, person record, route, ...) the inputs
        # looked at, published or not: after an edit of links or properties, the pages whose
        # `deps` meet the notes whose facts changed are the ones to look at again.
        self.deps: set[str] = deps if deps is not None else set()
        self._embeds: dict[tuple[str, str, str], tuple[str, str, str] | None] = {}
        folder = out.rpartition("/")[0]
        self._items = plan.link_items(folder)
        self._folder_views = plan.link_views(folder)
        self.wikilinks_html = plan.wikilinks_html(folder)

    def to(self, path: str, fragment: str = "") -> dict[str, Any]:
        """A link to a note's page: {title, href, type[, preview]}. Shared by the pages of a
        folder (see `Plan.link_items`): read it, copy it, never change it."""
        self.deps.add(path)
        item = self._items.get(path) if not fragment else None
        if item is None:
            plan = self.plan
            note = plan.content.notes[path]
            item = {"title": note.title, "href": href(self.out, plan.outputs[path], fragment), "type": note.type}
            preview = plan.preview_address(path)
            if preview is not None:
                item["preview"] = preview
            if not fragment:
                self._items[path] = item
        if "preview" in item:
            self._previewed(path, item["preview"])
        return item

    def preview_key(self, path: str) -> str | None:
        self.deps.add(path)
        key = self.plan.preview_address(path)
        if key is not None:
            self._previewed(path, key)
        return key

    def _previewed(self, path: str, key: str) -> None:
        """The page shows a link to a published person's page, `key` its address."""
        if self.previews is None:
            self.named.add(path)
        elif key not in self.previews:
            plan = self.plan
            self.reads.add(path)
            self.previews[key] = plan.preview(path)
            person = plan.network.people.get(path)
            if person is not None and person.company is not None:
                self.deps.add(person.company)  # the preview names it

    def link(self, link: LinkData) -> dict[str, Any]:
        """A link written in a property: to a published page, unresolved, or plain text."""
        shown = link.display or link.linkpath
        target = link.target
        if target is None:
            return {"title": shown, "state": "unresolved"}
        self.deps.add(target)
        if target in self.plan.published:
            return {**self.to(target), "state": "ok"}
        if target in self.plan.attachments:
            return {"title": shown, "href": href(self.out, self.plan.outputs[target]), "state": "ok",
                    "download": downloaded(target)}
        return {"title": "private note", "state": "private"}

    def view(self, source: str, linkpath: str, subpath: str, kind: str, target: str | None | bool = False) -> LinkView:
        """How a link in a body renders (used for the body's key, then by the renderer).
        `target`: where the index resolved it, when the caller has its LinkData (False:
        resolved here, the same way)."""
        shared = self._folder_views.get((linkpath, subpath, kind)) if linkpath else None
        if shared is None:
            shared = self._resolved_view(source, linkpath, subpath, target)
            if linkpath:
                self._folder_views[(linkpath, subpath, kind)] = shared
        view, target = shared
        if target is not None:
            self.deps.add(target)
            if view.preview is not None:
                self._previewed(target, view.preview)
        return view

    def _resolved_view(self, source: str, linkpath: str, subpath: str,
                       target: str | None | bool = False) -> tuple[LinkView, str | None]:
        plan = self.plan
        content = plan.content
        if target is False:
            target = content.resolver.resolve(linkpath, source, content.alias_fallback).target
        if target is None:
            return _UNRESOLVED, None
        if target in plan.published:
            fragment = ""
            if subpath.startswith("#") and not subpath.startswith("#^"):
                fragment = heading_anchor(subpath.lstrip("#").split("#")[-1])
            view = LinkView("ok", href(self.out, plan.outputs[target], fragment), preview=plan.preview_address(target))
            return view, target
        if target in plan.attachments:
            view = LinkView("ok", href(self.out, plan.outputs[target]), is_image=target.lower().endswith(IMAGE_EXTENSIONS),
                            download=downloaded(target))
            return view, target
        return _PRIVATE, target

    def embed(self, source: str, linkpath: str, subpath: str) -> tuple[str, str, str] | None:
        key = (source, linkpath, subpath)
        if key not in self._embeds:
            self._embeds[key] = self._embed(source, linkpath, subpath)
        return self._embeds[key]

    def _embed(self, source: str, linkpath: str, subpath: str) -> tuple[str, str, str] | None:
        plan = self.plan
        content = plan.content
        target = content.resolver.resolve(linkpath, source, content.alias_fallback).target
        if target is not None:
            self.deps.add(target)
        if target is None or target not in plan.published or target == source:
            return None
        self.reads.add(target)
        return plan.title(target), section(content.texts[target], subpath), href(self.out, plan.outputs[target])


def person_preview(plan: Plan, path: str) -> dict[str, str]:
    note = plan.content.notes[path]
    person = plan.network.people.get(path)
    role = plan.get("contact", path, "role")
    company = plan.title(person.company) if person and person.company in plan.published else ""
    return {
        "title": note.title,
        "line": " · ".join(part for part in (role if isinstance(role, str) else "", company) if part),
        "stage": STAGE_LABELS.get(person.stage, "") if person and person.kind == "contact" else "",
        "degree": _degree(person.degree) if person and person.kind == "contact" else "",
        "excerpt": plan.excerpts.get(path, ""),
    }


# A person some unpublished note referred: their degree is not known from what is published,
# and who referred them is not for the site to say.
REFERRED_OUTSIDE = "reached through a referral"


def _degree(degree: int | None) -> str:
    if not degree:
        return ""
    suffix = {1: "st", 2: "nd", 3: "rd"}.get(degree if degree < 20 else degree % 10, "th")
    return f"{degree}{suffix}"


def body_key(plan: Plan, path: str, links: PageLinks) -> tuple[str, list]:
    """What a body's HTML depends on: its text, where it sits, and how each link renders."""
    content = plan.content
    views = []
    for link in content.notes[path].links:
        if link.field is not None:
            continue
        view = links.view(path, link.linkpath, link.subpath, link.kind)
        entry = [link.linkpath, link.subpath, link.kind, view.state, view.href, view.preview, view.is_image, view.download]
        if link.kind == "embed" and view.state == "ok" and not view.is_image:
            embedded = links.embed(path, link.linkpath, link.subpath)
            if embedded:
                entry.append([embedded[0], hashlib.blake2b(embedded[1].encode(), digest_size=8).hexdigest()])
        views.append(entry)
    return digest([content.digests.get(path, ""), links.out, views]), views


_UNRESOLVED, _PRIVATE = LinkView("unresolved"), LinkView("private")


def body_links(plan: Plan, path: str, links: PageLinks) -> None:
    """Resolve the links written in a note's body, as its page shows them."""
    for link in plan.content.notes[path].links:
        if link.field is None:
            links.view(path, link.linkpath, link.subpath, link.kind, link.target)


def _property_value(value: Any) -> str:
    if isinstance(value, list):
        return ", ".join(_property_value(item) for item in value)
    if isinstance(value, dict):
        return ", ".join(f"{k}: {_property_value(v)}" for k, v in value.items())
    if value is None:
        return ""
    if isinstance(value, bool):
        return "yes" if value else "no"
    return str(value)


def note_inputs(plan: Plan, path: str, links: PageLinks | None = None, keyed: bool = True,
                named: Iterable[str] | None = None) -> dict[str, Any]:
    """A note page's inputs. `links.reads` collects the notes whose text they read (the
    note's own too); the same `links` can then render the body without resolving again.
    Not `keyed` (a build that keeps no page keys): the body's key is left out (""), and
    `named` may give the people its body's links name (`body_links`), found ahead."""
    content = plan.content
    note = content.notes[path]
    out = plan.outputs[path]
    links = links or PageLinks(plan, out)
    links.reads.add(path)
    # The note and whatever it links to, shown or not: a link's target that stops (or
    # starts) being published changes this page's graph edges and backlinks.
    links.deps.add(path)
    links.deps.update(link.target for link in note.links if link.target is not None)
    by_field: dict[str, list[LinkData]] = {}
    for link in note.links:
        if link.field is not None:
            by_field.setdefault(link.field, []).append(link)
    card = []
    for key, value in note.properties.items():
        if key.lower() in CARD_SKIP or key.lower() in plan.hidden_fields:
            continue
        if key in by_field:
            card.append({"key": key, "links": [links.link(link) for link in by_field[key]]})
        else:
            text = _property_value(value)
            if text:
                card.append({"key": key, "text": text})
    tags = [{"tag": tag, "href": href(out, tag_output(tag))} for tag in note.tags]

    # Backlinks grouped by relation, from published notes only.
    groups: dict[str, dict[str, dict]] = {}
    relation_of, notes, published = plan.relation_of, content.notes, plan.published
    for link in content.backlinks.get(path, ()):
        source = link.source
        if source not in published:
            continue
        rel = relation_of(notes[source].type, link.field)
        group = groups.get(rel)
        if group is None:
            group = groups[rel] = {}
        if source not in group:  # (a note may link here more than once)
            group[source] = links.to(source)
    backlinks = [
        {"relation": RELATION_LABELS.get(rel, rel), "items": sorted(items.values(), key=_lower_title)}
        for rel, items in sorted(groups.items(), key=_relation_order)
    ]

    # The local graph: this note's neighbours in the published graph.
    neighbours: dict[str, str] = {}
    for source, target, rel in plan.edges_of(path):
        other = target if source == path else source
        neighbours.setdefault(other, rel)
    # Only the neighbours drawn get a link (and a preview in the page): a company's page
    # has hundreds of neighbours and draws LOCAL_GRAPH_LIMIT of them.
    links.deps.update(neighbours)
    drawn = sorted(neighbours.items(), key=lambda item: (item[1], notes[item[0]].title.lower()))[:LOCAL_GRAPH_LIMIT]
    local = [{**links.to(other), "relation": rel} for other, rel in drawn]

    data: dict[str, Any] = {
        "kind": note.type or "note",
        "path": path,
        "title": note.title,
        "out": out,
        "card": card,
        "tags": tags,
        "backlinks": backlinks,
        "local": local,
        "local_more": max(0, len(neighbours) - LOCAL_GRAPH_LIMIT),
    }
    if note.type in PEOPLE:
        data["person"] = _person(plan, path, links)
    elif note.type == "interview":
        data["interview"] = _interview(plan, path, links, by_field)
    elif note.type == "company":
        data["company"] = _company(plan, path, links)
    elif note.type == "lead":
        data["lead"] = _lead(plan, path, links, by_field)
    if keyed:
        data["body_key"], _ = body_key(plan, path, links)
    else:
        # The body's links all the same: the people they name are previewed on the page.
        if named is None:
            body_links(plan, path, links)
        else:
            for person in named:
                links.preview_key(person)
        data["body_key"] = ""
    data["previews"] = dict(sorted(links.previews.items()))
    return data


_RELATION_ORDER = {relation: n for n, relation in enumerate(RELATION_LABELS)}


def _relation_order(group: tuple[str, Any]) -> int:
    return _RELATION_ORDER.get(group[0], 99)


def _lower_title(item: dict[str, Any]) -> str:
    return item["title"].lower()


def _person(plan: Plan, path: str, links: PageLinks) -> dict[str, Any]:
    person = plan.network.people.get(path)
    if person is None:
        return {}
    interviews = [
        {**links.to(i.path), "date": i.date.isoformat() if i.date else "", "status": i.status}
        for i in plan.network.interviews_with(path)
    ]
    route = plan.paths.get(path)
    is_contact = person.kind == "contact"
    return {
        "stage": STAGE_LABELS.get(person.stage, person.stage) if is_contact else "",
        "stage_key": person.stage,
        "degree": _degree(person.degree) if is_contact else "",
        "referred_outside": REFERRED_OUTSIDE if is_contact and person.degree is None and person.referred_outside else "",
        "path": [links.to(p) for p in route.notes] if route else [],
        "suggestion": route.suggestion if route else "",
        "referred_by": [links.to(p) for p in person.referred_by],
        "introduced_by": [links.to(p) for p in person.introduced_by],
        "referred": [links.to(p) for p in plan.children.get(path, ())],
        "interviews": interviews,
        "last_contacted": person.last_contacted.isoformat() if person.last_contacted else "",
    }


def _interview(plan: Plan, path: str, links: PageLinks, by_field: dict[str, list[LinkData]]) -> dict[str, Any]:
    interview = plan.interview(path)
    advice = plan.get("interview", path, "advice")
    named = [links.link(l) for l in by_field.get(plan.key("interview", "referrals"), [])]
    if interview is not None:
        named += [{"title": r.name} for r in interview.referrals if not r.linked]
    return {
        "date": interview.date.isoformat() if interview and interview.date else "",
        "status": interview.status if interview else "",
        "with": [links.link(l) for l in by_field.get(plan.key("interview", "with"), [])],
        "via": [links.link(l) for l in by_field.get(plan.key("interview", "via"), [])],
        "referrals": named,
        "advice": [str(a) for a in advice] if isinstance(advice, list) else ([str(advice)] if advice else []),
        "thank_you_sent": interview.thank_you_sent.isoformat() if interview and interview.thank_you_sent else "",
    }


def _route(plan: Plan, links: PageLinks, path: str) -> list[dict[str, Any]]:
    route = plan.paths.get(path)
    return [links.to(p) for p in route.notes] if route else []


def _company(plan: Plan, path: str, links: PageLinks) -> dict[str, Any]:
    content = plan.content
    people = []
    for person in plan.staff(path):
        role = plan.get("contact", person.path, "role")
        people.append(
            {
                **links.to(person.path),
                "role": role if isinstance(role, str) else "",
                "degree": _degree(person.degree) or (REFERRED_OUTSIDE if person.referred_outside else ""),
                "rank": person.degree or 99,
                "stage": STAGE_LABELS.get(person.stage, ""),
                "path": _route(plan, links, person.path),
            }
        )
    people.sort(key=lambda p: (p["rank"], p["title"].lower(), p["href"]))
    # The best way in is what `vaultkit path` ranks first for the company.
    routes = [plan.paths[p.path] for p in plan.staff(path) if p.path in plan.paths]
    best_route = min(routes, key=lambda r: (r.cost, len(r.notes), r.notes), default=None)
    best = {"path": [links.to(p) for p in best_route.notes], "suggestion": best_route.suggestion} if best_route else None
    leads = []
    company_key, heard_key = plan.key("lead", "company"), plan.key("lead", "heard_from")
    for link in content.backlinks.get(path, ()):
        source = link.source
        if source in plan.published and plan.type(source) == "lead" and link.field == company_key:
            heard = [links.link(l) for l in content.notes[source].links if l.field == heard_key]
            leads.append({**links.to(source), "heard_from": heard})
    leads = sorted({l["href"]: l for l in leads}.values(), key=lambda l: l["title"].lower())
    return {"people": people, "best": best, "leads": leads}


def _lead(plan: Plan, path: str, links: PageLinks, by_field: dict[str, list[LinkData]]) -> dict[str, Any]:
    heard = by_field.get(plan.key("lead", "heard_from"), [])
    person = heard[0].target if heard and heard[0].target in plan.published else None
    status = plan.get("lead", path, "status")
    return {
        "heard_from": [links.link(l) for l in heard],
        "source": [links.link(l) for l in by_field.get(plan.key("lead", "source"), [])],
        "company": [links.link(l) for l in by_field.get(plan.key("lead", "company"), [])],
        "chain": _route(plan, links, person) if person else [],
        "status": str(status) if status is not None else "",
    }


# -- global pages ---------------------------------------------------------------


def tag_groups(plan: Plan) -> dict[str, dict[str, Any]]:
    """Tag output path -> {tag, notes}; tags that differ only in case share a page."""
    groups: dict[str, dict[str, Any]] = {}
    for path in sorted(plan.published):
        for tag in plan.content.notes[path].tags:
            group = groups.setdefault(tag_output(tag), {"tag": tag, "notes": []})
            group["notes"].append(path)
    return groups


def tag_inputs(plan: Plan, out: str, group: dict[str, Any], reads: set[str] | None = None,
               deps: set[str] | None = None) -> dict[str, Any]:
    links = PageLinks(plan, out, reads, deps)
    items = sorted((links.to(p) for p in group["notes"]), key=lambda i: i["title"].lower())
    return {"kind": "tag", "title": "#" + group["tag"], "out": out, "items": items,
            "previews": dict(sorted(links.previews.items()))}


def dashboard_inputs(plan: Plan, out: str, reads: set[str] | None = None, deps: set[str] | None = None) -> dict[str, Any]:
    from . import charts

    network = plan.network
    stats = plan.stats
    links = PageLinks(plan, out, reads, deps)
    counts = Counter(plan.type(p) or "note" for p in plan.published)
    pipeline = [(STAGE_LABELS[s], stats["by_stage"].get(s, 0), charts.STAGE_COLOURS[s]) for s in STAGES]
    done = [i for i in network.interviews if i.status == "done" and i.date and i.date <= network.today]
    recent = [
        {**links.to(i.path), "date": i.date.isoformat(), "with": links.to(i.person) if i.person else None}
        for i in reversed(done[-8:])
    ]
    # The campaign over time: interviews per month by status, and people reached so far.
    months: dict[str, Counter] = {}
    first_seen: dict[str, str] = {}
    for interview in network.interviews:
        if interview.date is None:
            continue
        month = interview.date.isoformat()[:7]
        status = interview.status if interview.status in ("done", "cancelled") else "planned"
        months.setdefault(month, Counter())[status] += 1
        if interview.person and interview.status == "done":
            first_seen[interview.person] = min(first_seen.get(interview.person, month), month)
    month_list = _month_range(sorted(months)) if months else []
    reached = Counter(first_seen.values())
    cumulative, running = [], 0
    for m in month_list:
        running += reached.get(m, 0)
        cumulative.append(running)
    chart = charts.month_chart(
        month_list,
        [
            ("done", "#4caf7a", [months.get(m, Counter())["done"] for m in month_list]),
            ("planned", "#5b9bd5", [months.get(m, Counter())["planned"] for m in month_list]),
            ("cancelled", "#c9ced6", [months.get(m, Counter())["cancelled"] for m in month_list]),
        ],
        line=cumulative,
        line_label="people interviewed (total)",
    )
    degree_chart = charts.bar_chart(
        [(f"{_degree(int(d))} degree" if d != "unknown" else "not reached", n, "#3f7fd1")
         for d, n in stats["by_degree"].items()][:8],
        label="contacts by degree",
    )
    return {
        "kind": "dashboard",
        "title": plan.config.title,
        "out": out,
        "today": plan.today,
        "profile": links.to(network.profile) if network.profile else None,
        "counts": [
            {"label": label, "count": counts.get(kind, 0)}
            for kind, label in (("contact", "contacts"), ("interview", "interviews"), ("company", "companies"),
                                ("lead", "leads"), ("event", "events"), ("note", "other notes"))
        ],
        "pipeline_chart": charts.bar_chart(pipeline, label="contacts by stage"),
        "degree_chart": degree_chart,
        "months_chart": chart,
        "recent": recent,
        "agenda": _agenda(plan, links),
        "stats": _stats(plan, links),
        "previews": dict(sorted(links.previews.items())),
    }


def _month_range(months: list[str]) -> list[str]:
    first, last = months[0], months[-1]
    year, month = int(first[:4]), int(first[5:7])
    out = []
    while True:
        current = f"{year:04d}-{month:02d}"
        out.append(current)
        if current >= last or len(out) > 240:
            return out
        month += 1
        if month > 12:
            year, month = year + 1, 1


# Items per kind on the dashboard: a large vault has thousands (6,325 at 10k notes), and a
# to-do list is read from the top. `vaultkit agenda` lists them all.
AGENDA_SHOWN = 10


def _agenda(plan: Plan, links: PageLinks) -> list[dict[str, Any]]:
    """`vaultkit agenda`'s items, grouped by kind as it prints them, the first AGENDA_SHOWN
    of each (most urgent first, in its order) and how many more: a note with a page is a
    link, a prospect (no note yet) plain text."""
    groups: dict[str, list[Item]] = {}
    for item in plan.agenda:
        groups.setdefault(item.kind, []).append(item)
    out = []
    for kind, items in groups.items():
        shown = []
        for item in items[:AGENDA_SHOWN]:
            note = links.to(item.note) if item.note in plan.published else {"title": item.note}
            shown.append(
                {
                    "note": note,
                    "person": item.person if item.person and item.person != note["title"] else "",
                    "due": item.due.isoformat() if item.due else "",
                    "overdue": item.overdue,
                    "reason": item.reason,
                }
            )
        out.append({"kind": kind, "title": AGENDA_TITLES[kind], "count": len(items), "items": shown,
                    "more": len(items) - len(shown)})
    return out


def _stats(plan: Plan, links: PageLinks) -> dict[str, Any]:
    stats = plan.stats
    return {
        "contacts": stats["contacts"],
        "interviews": stats["interviews"],
        "referral_yield": stats["referral_yield"],
        "conversion": stats["conversion"],
        "top_connectors": [{**links.to(c["path"]), "named": c["named"]} for c in stats["top_connectors"]],
        "longest_chain": [links.to(p) for p in stats["longest_chain"]["path"]],
    }


def script_json(data: Any) -> str:
    """JSON safe inside a <script> element: no `</script>`, no `<!--`. (Character by
    character, so pieces encoded apart join into what the whole would give.)"""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"), sort_keys=True)
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


GRAPH_FIELDS = ["title", "type", "stage", "degree", "url", "x", "y", "tags"]
NumberedEdge = tuple[int, int, str]  # (source, target, relation), nodes by their place in the sorted list


class GraphData:
    """The graph page's data (nodes with precomputed positions, edges by index) as the
    script data/graph.js, and the graph page's inputs.

    `serve` keeps one between builds: after an edit inside some notes, only their edges,
    the rows of the nodes whose facts changed and, when the breadth-first tree moved,
    the positions are made again (the layout is a function of the nodes, the profile and
    which pairs of nodes are joined, how many times: see `Layout.keeps_tree`). Each node's
    row and each edge is kept encoded, so the script is a join, not an encoding of the
    whole graph. A fresh one makes the same script from scratch."""

    def __init__(self) -> None:
        self.basis: Plan | None = None  # the plan this data was made from
        self.nodes: list[str] = []
        self.by_source: dict[str, list[NumberedEdge]] = {}
        self.triples: Counter[NumberedEdge] = Counter()  # each edge of the graph, and how many links make it
        self.pairs: Counter[tuple[str, str]] = Counter()  # joined nodes (the smaller first), and by how many edges
        self.adjacency: dict[str, list[str]] = {}  # and as the layout reads them (layout.neighbours)
        self.edge_count: dict[str, int] = {}
        self.edges: list[NumberedEdge] = []  # sorted, each once
        self.edge_json: list[str] = []  # self.edges, encoded
        self.edges_text: str | None = None  # and joined, while they stand (a property edit leaves them)
        self.relations: Counter[str] = Counter()
        self.layout: Layout | None = None
        self.persons: dict[str, Any] = {}
        # path -> (type, tags, its row encoded up to the position, after it, the whole row)
        self.rows: dict[str, tuple[str, list[str], str, str, str]] = {}

    def update(self, plan: Plan, since: tuple[Plan, set[str]] | None = None) -> tuple[str, dict[str, Any]]:
        """(script, graph page inputs) for `plan`. `since`: (the plan this data was last
        made from, the notes whose properties, links or text changed since: same names,
        same published notes)."""
        old = self.basis
        dirty: set[str] | frozenset[str]
        if (since is None or old is None or since[0] is not old or old.published != plan.published
                or old.outputs is not plan.outputs or old.network.profile != plan.network.profile):
            self.nodes = nodes = sorted(plan.published)
            number = {path: i for i, path in enumerate(nodes)}
            self.by_source = {}
            for e in plan.network.edges:
                if e.target is not None and e.source != e.target:
                    self.by_source.setdefault(e.source, []).append((number[e.source], number[e.target], e.relation))
            self.triples = Counter(t for edges in self.by_source.values() for t in edges)
            self.pairs = Counter()
            for (s, t, _), count in self.triples.items():
                self.pairs[(nodes[s], nodes[t]) if s < t else (nodes[t], nodes[s])] += count
            self.edges = sorted(self.triples)
            self.edge_json = [_edge_json(e) for e in self.edges]
            self.edges_text = None
            self.relations = Counter(r for _, _, r in self.edges)
            self.adjacency, self.edge_count = neighbours(nodes, self.pairs)
            self.layout = radial_layout(nodes, self.adjacency, self.edge_count, plan.network.profile)
            self.rows, self.persons, dirty, moved = {}, {}, frozenset(nodes), set()
        else:
            nodes, changed = self.nodes, since[1]
            number: dict[str, int] | None = None
            changes: dict[tuple[str, str], tuple[int, int]] = {}
            for source in sorted(changed & plan.published):
                if number is None:
                    number = {path: i for i, path in enumerate(nodes)}
                before = self.by_source.pop(source, [])
                after = [(number[s], number[t], r) for s, t, r in plan.edges_of(source) if s == source and t != s]
                if after:
                    self.by_source[source] = after
                for edges, step in ((before, -1), (after, 1)):
                    for edge in edges:
                        self._count(edge, step)
                        s, t, _ = edge
                        pair = (nodes[s], nodes[t]) if s < t else (nodes[t], nodes[s])
                        was = changes[pair][0] if pair in changes else self.pairs[pair]
                        self.pairs[pair] += step
                        changes[pair] = (was, self.pairs[pair])
                        if not self.pairs[pair]:
                            del self.pairs[pair]
            changes = {pair: counts for pair, counts in changes.items() if counts[0] != counts[1]}
            for (a, b), (before, after) in changes.items():
                self.edge_count[a] += after - before
                self.edge_count[b] += after - before
                if not before or not after:
                    for one, other in ((a, b), (b, a)):
                        found = self.adjacency[one]
                        if after:
                            insort(found, other)
                        else:
                            del found[bisect_left(found, other)]
            dirty, moved = set(changed & plan.published), set()
            if not self.layout.keeps_tree(changes):
                layout = radial_layout(nodes, self.adjacency, self.edge_count, plan.network.profile)
                moved = {p for p in nodes if layout.positions[p] != self.layout.positions[p]}
                self.layout = layout
            people, persons = plan.network.people, self.persons
            if people is not persons:
                dirty.update(p for p in people.keys() | persons.keys()
                             if people.get(p) is not persons.get(p) and people.get(p) != persons.get(p))
        people = plan.network.people
        positions = self.layout.positions
        rows = self.rows
        for path in dirty:
            if path not in plan.published:
                continue
            person, note = people.get(path), plan.content.notes[path]
            kind = note.type or "note"
            head = [note.title, kind, person.stage if person and person.kind == "contact" else "",
                    person.degree or 0 if person else 0, plan.outputs[path]]
            rows[path] = (kind, list(note.tags), script_json(head)[:-1], script_json(list(note.tags)), "")
        for path in dirty | moved if moved else dirty:
            if path in rows:
                kind, tags, head, tail, _ = rows[path]
                x, y = positions[path]  # as json.dumps writes a float
                rows[path] = (kind, tags, head, tail, f"{head},{float.__repr__(x)},{float.__repr__(y)},{tail}]")
        self.persons, self.basis = people, plan
        if self.edges_text is None:
            self.edges_text = ",".join(self.edge_json)
        script = ('window.VK_GRAPH={"edges":[' + self.edges_text + '],"fields":' + script_json(GRAPH_FIELDS)
                  + ',"nodes":[' + ",".join(rows[p][4] for p in nodes) + '],"relations":'
                  + script_json(RELATION_LABELS) + ',"stages":' + script_json(STAGE_LABELS) + "};\n")
        page = {"kind": "graph", "title": "Network graph", "out": "graph.html", "count": len(nodes),
                "types": sorted({rows[p][0] for p in nodes}),
                "tags": sorted({t for p in nodes for t in rows[p][1]}, key=lambda t: (t.lower(), t))[:300],
                "relations": sorted(self.relations), "previews": {}}
        return script, page

    def _count(self, edge: NumberedEdge, step: int) -> None:
        """One more (+1) or one fewer (-1) link making `edge`: kept in the sorted list while any does."""
        count = self.triples[edge] + step
        if count and count - step:
            self.triples[edge] = count
            return
        at = bisect_left(self.edges, edge)
        self.edges_text = None
        if count:  # new
            self.triples[edge] = count
            self.edges.insert(at, edge)
            self.edge_json.insert(at, _edge_json(edge))
            self.relations[edge[2]] += 1
        else:
            del self.triples[edge], self.edges[at], self.edge_json[at]
            self.relations[edge[2]] -= 1
            if not self.relations[edge[2]]:
                del self.relations[edge[2]]


def _edge_json(edge: NumberedEdge) -> str:
    """script_json(list(edge)), written directly: a 10k-note graph has ~100k edges, and
    json.dumps costs several times the formatting of two numbers and a known relation."""
    return f"[{edge[0]},{edge[1]},{_relation_json(edge[2])}]"


@lru_cache(maxsize=None)
def _relation_json(relation: str) -> str:
    return script_json(relation)


def _tree_entry(item: dict[str, Any], stage: str) -> str:
    """One person's entry in the referral tree, inside its list item (unique: its address)."""
    preview = f' data-vk-preview="{escaped(item["preview"])}"' if item.get("preview") else ""
    return (f'<a class="vk-link stage-{escaped(stage)}" href="{escaped(item["href"])}"{preview}>'
            f'{escaped(item["title"])}</a> <span class="vk-muted">{escaped(STAGE_LABELS.get(stage, ""))}</span>')


def patch_tree(old: Plan, new: Plan, inputs: dict[str, Any]) -> tuple[dict[str, Any], set[str]] | None:
    """The referral tree's inputs for `new`, from `old`'s (`inputs`), and notes to add to
    what they read facts of; None unless nobody moved in the tree (the same people at the
    same degrees under the same referrers, under the same names and addresses): then only
    some stages and previews differ, and only those entries are made again."""
    if old.children != new.children or old.outputs is not new.outputs or old.published != new.published:
        return None
    if old.joined() != new.joined():
        return None  # the replay's days (data-since) move
    before, after = old.network.people, new.network.people
    if before.keys() != after.keys():
        return None
    moved = [path for path, person in after.items() if person is not before[path]]
    if any(before[p].kind != after[p].kind or before[p].degree != after[p].degree or before[p].name != after[p].name
           for p in moved):
        return None
    links = PageLinks(new, inputs["out"])
    tree = inputs["tree"]
    for path in moved:
        was, now = before[path], after[path]
        if now.kind == "contact" and now.degree is not None and was.stage != now.stage:
            item = links.to(path)
            entry = _tree_entry(item, was.stage)
            if tree.count(entry) != 1:
                return None
            tree = tree.replace(entry, _tree_entry(item, now.stage))
    excerpts = [p for p in old.excerpts.keys() | new.excerpts.keys() if old.excerpts.get(p) != new.excerpts.get(p)] \
        if old.excerpts is not new.excerpts else []
    previews = dict(inputs["previews"])
    for path in (*moved, *excerpts):
        if new.outputs.get(path) in previews:
            previews[new.outputs[path]] = new.preview(path)
    companies = {after[p].company for p in moved if after[p].company is not None}
    return {**inputs, "tree": tree, "previews": previews}, links.deps | companies


def tree_html(plan: Plan, out: str, reads: set[str] | None = None, deps: set[str] | None = None) -> dict[str, Any]:
    """The referral tree from the user as nested lists (built without recursion: trees can be deep).

    The user's own network (1st degree) are the roots; each person stands once, under the
    first referrer one degree nearer the user."""
    links = PageLinks(plan, out, reads, deps)
    people = plan.network.people
    contacts = {p: person for p, person in people.items() if person.kind == "contact"}
    roots = sorted((p for p, c in contacts.items() if c.degree == 1), key=lambda p: (plan.title(p).lower(), p))
    parts: list[str] = ['<ul class="vk-tree">']
    placed: set[str] = set()
    # The replay: each person shows from the day they joined, and never before whoever
    # they hang under (a name given before its giver was met still waits for them).
    joined = plan.joined()
    days: set[str] = set()
    stack: list[tuple[str, int, str]] = [(p, 0, "") for p in reversed(roots)]
    prev_level = 0
    first = True
    while stack:
        path, level, parent_from = stack.pop()
        if path in placed:
            continue
        if not first:
            if level > prev_level:
                parts.append('<ul>')
            else:
                parts.append("</li>")
                for _ in range(prev_level - level):
                    parts.append("</ul></li>")
        first = False
        prev_level = level
        placed.add(path)
        stage = contacts[path].stage
        own = joined.get(path)
        since = max(own.isoformat() if own else "", parent_from)
        days.add(since)
        parts.append(f'<li data-since="{since}">' + _tree_entry(links.to(path), stage))
        degree = contacts[path].degree or 0
        kids = [
            k for k in plan.children.get(path, ())
            if k in contacts and k not in placed and contacts[k].degree == degree + 1
        ]
        for kid in sorted(kids, key=lambda k: (plan.title(k).lower(), k), reverse=True):
            stack.append((kid, level + 1, since))
    if not first:
        parts.append("</li>")
        for _ in range(prev_level):
            parts.append("</ul></li>")
    parts.append("</ul>")
    unreached = sorted((p for p, c in contacts.items() if c.degree is None), key=lambda p: plan.title(p).lower())
    return {
        "tree": "".join(parts),
        "kind": "tree",
        "title": "Referral tree",
        "out": out,
        "count": len(placed),
        "days": sorted(days - {""}),
        "unreached": [links.to(p) for p in unreached],
        "previews": dict(sorted(links.previews.items())),
    }


