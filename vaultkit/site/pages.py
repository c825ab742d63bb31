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
import posixpath
from collections import Counter
from dataclasses import dataclass
from typing import Any

from .content import Content, SiteLink
from .network import RELATION_LABELS, STAGE_LABELS, STAGES, Facts, relation
from .privacy import SiteConfig
from .render import IMAGE_EXTENSIONS, LinkView, excerpt_text, section
from .urls import heading_anchor, href, tag_output

# Properties the card does not list: shown elsewhere on the page, or internal.
CARD_SKIP = {"type", "tags", "aliases", "title", "cssclasses", "private", "publish"}
LOCAL_GRAPH_LIMIT = 24


@dataclass
class Plan:
    """The whole build's shared data, settled before any page is emitted."""

    content: Content
    config: SiteConfig
    share: bool
    today: str
    published: set[str]
    attachments: set[str]
    outputs: dict[str, str]  # vault path -> output path
    facts: Facts
    hidden_fields: frozenset[str]
    excerpts: dict[str, str]
    _edges_of: dict[str, list[tuple[str, str, str]]] | None = None

    def title(self, path: str) -> str:
        return self.content.notes[path].title

    def type(self, path: str) -> str | None:
        return self.content.notes[path].type

    def facts_edges_of(self, path: str) -> list[tuple[str, str, str]]:
        if self._edges_of is None:
            self._edges_of = {}
            for edge in self.facts.edges:
                self._edges_of.setdefault(edge[0], []).append(edge)
                self._edges_of.setdefault(edge[1], []).append(edge)
        return self._edges_of.get(path, [])


def digest(data: Any) -> str:
    text = json.dumps(data, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    return hashlib.blake2b(text.encode("utf-8"), digest_size=16).hexdigest()


class PageLinks:
    """Links from one page, and the people previews those links need."""

    def __init__(self, plan: Plan, out: str):
        self.plan = plan
        self.out = out
        self.previews: dict[str, dict[str, str]] = {}

    def to(self, path: str, fragment: str = "") -> dict[str, Any]:
        plan = self.plan
        target_out = plan.outputs[path]
        item = {"title": plan.title(path), "href": href(self.out, target_out, fragment), "type": plan.type(path)}
        key = self.preview_key(path)
        if key:
            item["preview"] = key
        return item

    def preview_key(self, path: str) -> str | None:
        plan = self.plan
        if plan.type(path) not in ("contact", "profile") or path not in plan.published:
            return None
        key = plan.outputs[path]
        if key not in self.previews:
            self.previews[key] = person_preview(plan, path)
        return key

    def link(self, link: SiteLink) -> dict[str, Any]:
        """A link written in a property: to a published page, unresolved, or plain text."""
        shown = link.display or link.linkpath
        target = link.target
        if target is None:
            return {"title": shown, "state": "unresolved"}
        if target in self.plan.published:
            item = self.to(target)
            item["state"] = "ok"
            return item
        if target in self.plan.attachments:
            return {"title": shown, "href": href(self.out, self.plan.outputs[target]), "state": "ok"}
        return {"title": shown, "state": "hidden"}

    def view(self, source: str, linkpath: str, subpath: str, kind: str) -> LinkView:
        """How a link in a body renders (used by the renderer, and for the body's key)."""
        plan = self.plan
        content = plan.content
        found = content.resolver.resolve(linkpath, source, content.alias_fallback)
        target = found.target
        if target is None:
            return LinkView("unresolved")
        if target in plan.published:
            fragment = ""
            if subpath.startswith("#") and not subpath.startswith("#^"):
                fragment = heading_anchor(subpath.lstrip("#").split("#")[-1])
            return LinkView("ok", href(self.out, plan.outputs[target], fragment), preview=self.preview_key(target))
        if target in plan.attachments:
            return LinkView(
                "ok", href(self.out, plan.outputs[target]), is_image=target.lower().endswith(IMAGE_EXTENSIONS)
            )
        return LinkView("hidden")

    def embed(self, source: str, linkpath: str, subpath: str) -> tuple[str, str, str] | None:
        plan = self.plan
        content = plan.content
        target = content.resolver.resolve(linkpath, source, content.alias_fallback).target
        if target is None or target not in plan.published or target == source:
            return None
        return plan.title(target), section(content.texts[target], subpath), href(self.out, plan.outputs[target])


def person_preview(plan: Plan, path: str) -> dict[str, str]:
    note = plan.content.notes[path]
    props = note.properties
    role = props.get("role") if isinstance(props.get("role"), str) else ""
    company = ""
    for link in note.links:
        if link.field == "company":
            company = plan.title(link.target) if link.target in plan.published else ""
            break
    facts = plan.facts.people.get(path)
    return {
        "title": note.title,
        "line": " · ".join(part for part in (role, company) if part),
        "stage": STAGE_LABELS.get(facts.stage, "") if facts else "",
        "degree": _degree(facts.degree) if facts and facts.degree else "",
        "excerpt": plan.excerpts.get(path, ""),
    }


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
        entry = [link.linkpath, link.subpath, link.kind, view.state, view.href, view.preview, view.is_image]
        if link.kind == "embed" and view.state == "ok" and not view.is_image:
            embedded = links.embed(path, link.linkpath, link.subpath)
            if embedded:
                entry.append([embedded[0], hashlib.blake2b(embedded[1].encode(), digest_size=8).hexdigest()])
        views.append(entry)
    return digest([content.digests.get(path, ""), links.out, views]), views


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


def note_inputs(plan: Plan, path: str) -> dict[str, Any]:
    content = plan.content
    note = content.notes[path]
    out = plan.outputs[path]
    links = PageLinks(plan, out)
    by_field: dict[str, list[SiteLink]] = {}
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
    for link in content.backlinks.get(path, ()):
        if link.source not in plan.published:
            continue
        groups.setdefault(relation(link), {}).setdefault(link.source, links.to(link.source))
    backlinks = [
        {"relation": RELATION_LABELS.get(rel, rel), "items": sorted(items.values(), key=lambda i: i["title"].lower())}
        for rel, items in sorted(groups.items(), key=lambda kv: list(RELATION_LABELS).index(kv[0]) if kv[0] in RELATION_LABELS else 99)
    ]

    # The local graph: this note's neighbours in the published graph.
    neighbours: dict[str, str] = {}
    for source, target, rel in plan.facts_edges_of(path):
        other = target if source == path else source
        neighbours.setdefault(other, rel)
    local = sorted(
        ({**links.to(other), "relation": rel} for other, rel in neighbours.items()),
        key=lambda item: (item["relation"], item["title"].lower()),
    )[:LOCAL_GRAPH_LIMIT]

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
    if note.type == "contact":
        data["person"] = _person(plan, path, links)
    elif note.type == "interview":
        data["interview"] = _interview(plan, path, links, by_field)
    elif note.type == "company":
        data["company"] = _company(plan, path, links)
    elif note.type == "lead":
        data["lead"] = _lead(plan, path, links, by_field)
    key, _ = body_key(plan, path, links)
    data["body_key"] = key
    data["previews"] = dict(sorted(links.previews.items()))
    return data


def _person(plan: Plan, path: str, links: PageLinks) -> dict[str, Any]:
    facts = plan.facts.people.get(path)
    if facts is None:
        return {}
    interviews = []
    for interview in facts.interviews:
        props = plan.content.notes[interview].properties
        interviews.append(
            {**links.to(interview), "date": str(props.get("date") or ""), "status": str(props.get("status") or "")}
        )
    return {
        "stage": STAGE_LABELS.get(facts.stage, facts.stage),
        "stage_key": facts.stage,
        "degree": _degree(facts.degree),
        "path": [links.to(p) for p in facts.path],
        "referred_by": [links.to(p) for p in facts.referred_by],
        "referred": [links.to(p) for p in facts.referred],
        "interviews": interviews,
        "last_contacted": facts.last_contacted or "",
    }


def _interview(plan: Plan, path: str, links: PageLinks, by_field: dict[str, list[SiteLink]]) -> dict[str, Any]:
    props = plan.content.notes[path].properties
    advice = props.get("advice")
    return {
        "date": str(props.get("date") or ""),
        "status": str(props.get("status") or ""),
        "with": [links.link(l) for l in by_field.get("with", [])],
        "via": [links.link(l) for l in by_field.get("via", [])],
        "referrals": [links.link(l) for l in by_field.get("referrals", [])],
        "advice": [str(a) for a in advice] if isinstance(advice, list) else ([str(advice)] if advice else []),
        "thank_you_sent": str(props.get("thank_you_sent") or ""),
    }


def _company(plan: Plan, path: str, links: PageLinks) -> dict[str, Any]:
    content = plan.content
    people = []
    leads = []
    for link in content.backlinks.get(path, ()):
        source = link.source
        if source not in plan.published:
            continue
        kind = plan.type(source)
        if kind == "contact" and link.field == "company":
            facts = plan.facts.people.get(source)
            props = content.notes[source].properties
            people.append(
                {
                    **links.to(source),
                    "role": props.get("role") if isinstance(props.get("role"), str) else "",
                    "degree": _degree(facts.degree) if facts else "",
                    "rank": facts.degree if facts and facts.degree else 99,
                    "stage": STAGE_LABELS.get(facts.stage, "") if facts else "",
                    "path": [links.to(p) for p in facts.path] if facts else [],
                }
            )
        elif kind == "lead" and link.field == "company":
            heard = [links.link(l) for l in content.notes[source].links if l.field == "heard_from"]
            leads.append({**links.to(source), "heard_from": heard})
    people = list({p["href"]: p for p in people}.values())
    people.sort(key=lambda p: (p["rank"], p["title"].lower()))
    best = next((p for p in people if p["path"]), None)
    leads = sorted({l["href"]: l for l in leads}.values(), key=lambda l: l["title"].lower())
    return {"people": people, "best": best, "leads": leads}


def _lead(plan: Plan, path: str, links: PageLinks, by_field: dict[str, list[SiteLink]]) -> dict[str, Any]:
    chain = []
    heard = by_field.get("heard_from", [])
    person = heard[0].target if heard and heard[0].target in plan.published else None
    if person and person in plan.facts.people:
        chain = [links.to(p) for p in plan.facts.people[person].path]
    return {
        "heard_from": [links.link(l) for l in heard],
        "source": [links.link(l) for l in by_field.get("source", [])],
        "company": [links.link(l) for l in by_field.get("company", [])],
        "chain": chain,
        "status": str(plan.content.notes[path].properties.get("status") or ""),
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


def tag_inputs(plan: Plan, out: str, group: dict[str, Any]) -> dict[str, Any]:
    links = PageLinks(plan, out)
    items = sorted((links.to(p) for p in group["notes"]), key=lambda i: i["title"].lower())
    return {"kind": "tag", "title": "#" + group["tag"], "out": out, "items": items,
            "previews": dict(sorted(links.previews.items()))}


def dashboard_inputs(plan: Plan, out: str) -> dict[str, Any]:
    from . import charts

    content = plan.content
    links = PageLinks(plan, out)
    counts = Counter(plan.type(p) or "note" for p in plan.published)
    stages = Counter(f.stage for f in plan.facts.people.values())
    pipeline = [(STAGE_LABELS[s], stages.get(s, 0), charts.STAGE_COLOURS[s]) for s in STAGES]
    interviews = sorted(
        (p for p in plan.published if plan.type(p) == "interview"),
        key=lambda p: (str(content.notes[p].properties.get("date") or ""), p),
    )
    recent = []
    for p in reversed(interviews):
        props = content.notes[p].properties
        if str(props.get("status") or "").lower() == "done" and str(props.get("date") or "") <= plan.today:
            recent.append({**links.to(p), "date": str(props.get("date")), "with": _with_person(plan, p, links)})
        if len(recent) == 8:
            break
    agenda = _agenda(plan, links, interviews)
    # The campaign over time: interviews per month by status, and people reached so far.
    months: dict[str, Counter] = {}
    first_seen: dict[str, str] = {}
    for p in interviews:
        props = content.notes[p].properties
        date = str(props.get("date") or "")[:7]
        if len(date) != 7:
            continue
        status = str(props.get("status") or "").lower()
        months.setdefault(date, Counter())["done" if status == "done" else ("cancelled" if status == "cancelled" else "planned")] += 1
        person = plan.facts.interviews_of.get(p)
        if person and status == "done":
            first_seen[person] = min(first_seen.get(person, date), date)
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
    degrees = Counter(f.degree for f in plan.facts.people.values() if f.degree)
    degree_chart = charts.bar_chart(
        [(f"{_degree(d)} degree", degrees[d], "#3f7fd1") for d in sorted(degrees)][:8], label="contacts by degree"
    )
    profile = plan.facts.profile
    return {
        "kind": "dashboard",
        "title": plan.config.title,
        "out": out,
        "today": plan.today,
        "profile": links.to(profile) if profile else None,
        "counts": [
            {"label": label, "count": counts.get(kind, 0)}
            for kind, label in (("contact", "contacts"), ("interview", "interviews"), ("company", "companies"),
                                ("lead", "leads"), ("event", "events"), ("note", "other notes"))
        ],
        "pipeline_chart": charts.bar_chart(pipeline, label="contacts by stage"),
        "degree_chart": degree_chart,
        "months_chart": chart,
        "recent": recent,
        "agenda": agenda,
        "previews": dict(sorted(links.previews.items())),
    }


def _with_person(plan: Plan, interview: str, links: PageLinks) -> dict | None:
    person = plan.facts.interviews_of.get(interview)
    return links.to(person) if person else None


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


def _agenda(plan: Plan, links: PageLinks, interviews: list[str]) -> list[dict[str, Any]]:
    """The agenda's headline items. The full rules live in vaultkit's agenda module; this
    is the site's short list, computed from the published notes."""
    content = plan.content
    today = plan.today
    items: list[dict[str, Any]] = []
    interviewed: set[str] = set(plan.facts.interviews_of.values())
    for p in interviews:
        props = content.notes[p].properties
        status = str(props.get("status") or "").lower()
        date = str(props.get("date") or "")[:10]
        person = _with_person(plan, p, links)
        if status == "done" and not props.get("thank_you_sent"):
            items.append({"kind": "thank-you", "label": "Thank-you owed", "date": date, "item": links.to(p),
                          "person": person, "overdue": date < today})
        elif status == "scheduled" and date >= today:
            items.append({"kind": "upcoming", "label": "Upcoming", "date": date, "item": links.to(p),
                          "person": person, "overdue": False})
        if status == "done":
            for link in content.notes[p].links:
                if link.field != "referrals":
                    continue
                if link.target is None:
                    items.append({"kind": "next-name", "label": "New name (no note yet)", "date": date,
                                  "item": {"title": link.display or link.linkpath}, "person": person,
                                  "overdue": False})
                elif link.target in plan.published and link.target not in interviewed:
                    items.append({"kind": "next-name", "label": "Ask for an interview", "date": date,
                                  "item": links.to(link.target), "person": person, "overdue": False})
    for path, facts in plan.facts.people.items():
        follow = str(content.notes[path].properties.get("follow_up") or "")[:10]
        if follow and follow <= today:
            items.append({"kind": "follow-up", "label": "Follow up", "date": follow, "item": links.to(path),
                          "person": None, "overdue": follow < today})
    order = {"thank-you": 0, "upcoming": 1, "follow-up": 2, "next-name": 3}
    items.sort(key=lambda i: (order[i["kind"]], i["date"], i["item"]["title"].lower()))
    return items[:40]


def graph_data(plan: Plan) -> dict[str, Any]:
    """The graph page's data: nodes with precomputed positions, edges by index."""
    from .layout import radial_layout

    nodes = sorted(plan.published)
    position = radial_layout(nodes, [(s, t) for s, t, _ in plan.facts.edges], plan.facts.profile)
    number = {path: i for i, path in enumerate(nodes)}
    out_nodes = []
    for path in nodes:
        facts = plan.facts.people.get(path)
        x, y = position[path]
        out_nodes.append(
            [
                plan.title(path),
                plan.type(path) or "note",
                facts.stage if facts else "",
                facts.degree or 0 if facts else 0,
                plan.outputs[path],
                x,
                y,
                list(plan.content.notes[path].tags),
            ]
        )
    seen = set()
    edges = []
    for source, target, rel in plan.facts.edges:
        key = (number[source], number[target], rel)
        if key not in seen:
            seen.add(key)
            edges.append(list(key))
    edges.sort()
    return {"fields": ["title", "type", "stage", "degree", "url", "x", "y", "tags"], "nodes": out_nodes,
            "edges": edges, "relations": {k: v for k, v in RELATION_LABELS.items()},
            "stages": STAGE_LABELS}


def search_data(plan: Plan, text_of) -> list[list[Any]]:
    return [
        [plan.title(path), plan.type(path) or "note", plan.outputs[path], text_of(path)]
        for path in sorted(plan.published)
    ]


def tree_html(plan: Plan, out: str) -> tuple[str, dict]:
    """The referral tree from the user as nested lists (built without recursion: trees can be deep)."""
    from html import escape

    links = PageLinks(plan, out)
    people = plan.facts.people
    roots = sorted((p for p, f in people.items() if f.degree == 1), key=lambda p: plan.title(p).lower())
    parts: list[str] = ['<ul class="vk-tree">']
    placed: set[str] = set()
    stack: list[tuple[str, int]] = [(p, 0) for p in reversed(roots)]
    open_levels = 0
    prev_level = 0
    first = True
    while stack:
        path, level = stack.pop()
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
        item = links.to(path)
        facts = people[path]
        preview = f' data-vk-preview="{escape(item["preview"])}"' if item.get("preview") else ""
        parts.append(
            f'<li><a class="vk-link stage-{escape(facts.stage)}" href="{escape(item["href"])}"{preview}>'
            f'{escape(item["title"])}</a> <span class="vk-muted">{escape(STAGE_LABELS.get(facts.stage, ""))}</span>'
        )
        kids = [k for k in facts.referred if k not in placed and people[k].path[-2:-1] == [path]]
        for kid in sorted(kids, key=lambda k: plan.title(k).lower(), reverse=True):
            stack.append((kid, level + 1))
    if not first:
        parts.append("</li>")
        for _ in range(prev_level):
            parts.append("</ul></li>")
    parts.append("</ul>")
    unreached = sorted((p for p, f in people.items() if f.degree is None), key=lambda p: plan.title(p).lower())
    return "".join(parts), {
        "kind": "tree",
        "title": "Referral tree",
        "out": out,
        "count": len(placed),
        "unreached": [links.to(p) for p in unreached],
        "previews": dict(sorted(links.previews.items())),
    }


def relative_asset(out: str, asset: str) -> str:
    return posixpath.relpath(asset, posixpath.dirname(out) or ".")
