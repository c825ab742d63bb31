"""The build pipeline: sync the index, read every note, filter, then emit pages.

`Site` keeps what a later build can reuse (note bodies, rendered bodies, each page's
input fingerprint), so `serve` rebuilds only the pages a change affects. A fresh
`Site` renders everything; both end with byte-identical output (property-tested).
"""

from __future__ import annotations

import base64
import gc
import hashlib
import json
import os
import re
import time
from collections.abc import Callable, Iterator
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from multiprocessing import get_all_start_methods, get_context
from pathlib import Path
from typing import Any

from jinja2 import Environment, FileSystemLoader, select_autoescape
from markupsafe import Markup

from ..agenda import (
    Item,
    mention_candidates,
    mention_items,
    mention_patterns,
    mentions_in,
    never_linked,
    rule_items,
)
from ..errors import VaultkitError
from ..index import Index, sync_progress
from ..network import build_network, referral_children
from ..paths import best_paths, people_graph, same_people_graph
from ..schema import PEOPLE, STAGE_LABELS
from ..snapshot import load_snapshot
from ..stats import campaign_stats
from ..vault import Config, load_config, open_vault_root
from ..workers import die_with_parent
from . import charts
from .ahead import ChunksAhead, in_child
from .content import Content, TextCache, load_content, patch_content, unparsed_notes
from .escaping import escaped
from .output import Output, site_folder, trust_file
from .pages import (
    GraphData,
    PageLinks,
    Plan,
    body_links,
    changed_facts,
    dashboard_inputs,
    digest,
    note_inputs,
    patch_tree,
    script_json as script_text,
    tag_groups,
    tag_inputs,
    tree_html,
)
from .privacy import SiteConfig, kept_out, linked_attachments, published_attachments, published_notes, publishes
from .render import PRIVATE_MARKER, excerpt_text, plain_text, render_body, shortened
from .urls import assign_outputs, href, root_prefix

PACKAGE = Path(__file__).parent
STATIC = PACKAGE / "static"
GLOBAL_PAGES = ("index.html", "graph.html", "tree.html", "search.html", "tags/index.html")
SEARCH_SHARDS = 16
SEARCH_FILES = tuple(f"data/search-{n:02d}.js" for n in range(SEARCH_SHARDS))
DATA_FILES = ("data/graph.js", *SEARCH_FILES)
PARALLEL_PAGES = 256  # below this many pages to render, worker processes cost more than they save
MAX_WORKERS = 8
SEARCH_TEXT_LIMIT = 6000  # characters of each note's text in the search index


def search_shard(path: str) -> int:
    return hashlib.blake2b(path.encode("utf-8"), digest_size=2).digest()[0] % SEARCH_SHARDS


def static_files() -> list[str]:
    return sorted(p.relative_to(STATIC).as_posix() for p in STATIC.rglob("*") if p.is_file())


@lru_cache(maxsize=None)
def vendor_style_hashes() -> tuple[str, ...]:
    """CSP hashes of the <style> elements the vendored graph library injects.

    force-graph adds its own small stylesheets at run time; a hash source lets exactly
    those through while `style-src` stays closed to anything else.
    """
    source = (STATIC / "vendor" / "force-graph.min.js").read_text(encoding="utf-8")
    hashes = ["'sha256-47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU='"]  # the empty <style> it appends first
    for literal in re.findall(r'\}\(("\.(?:force-graph-container|float-tooltip-kap)(?:[^"\\]|\\.)*")', source):
        css = json.loads(literal)
        hashes.append("'sha256-" + base64.b64encode(hashlib.sha256(css.encode()).digest()).decode() + "'")
    return tuple(hashes)


def content_security_policy() -> str:
    return (
        "default-src 'none'; script-src 'self'; style-src 'self' " + " ".join(vendor_style_hashes()) + "; "
        "img-src 'self' data:; font-src 'none'; connect-src 'none'; frame-src 'none'; object-src 'none'; "
        "media-src 'self'; base-uri 'none'; form-action 'self'"
    )


def script_json(data: Any) -> Markup:
    """JSON safe inside a <script> element (see pages.script_json), for templates."""
    return Markup(script_text(data))


def hidden_links(content: Content, outputs: dict[str, str], path: str) -> frozenset[str]:
    """Lowercased linkpaths in a note that lead to files not on the site: notes that are not
    published, attachments in a private folder (`outputs` has the address of every one that is)."""
    return frozenset(
        link.linkpath.lower()
        for link in content.notes[path].links
        if link.target is not None and link.target not in outputs
    )


def _link(item: dict[str, Any]) -> str:
    title = escaped(item["title"])
    state = item.get("state")
    if state == "unresolved":
        return f'<span class="vk-unresolved" title="no note yet">{title}</span>'
    if state == "private":
        return PRIVATE_MARKER
    if item.get("href"):
        preview = f' data-vk-preview="{escaped(item["preview"])}"' if item.get("preview") else ""
        download = ' download=""' if item.get("download") else ""  # see render.downloaded
        return f'<a class="vk-link" href="{escaped(item["href"])}"{preview}{download}>{title}</a>'
    return title


def link_html(item: dict[str, Any]) -> Markup:
    """One link item of the page data: a link to a page, a missing note, or plain text."""
    return Markup(_link(item))


def _links(items: list[dict[str, Any]], sep: str = ", ") -> str:
    return escaped(sep).join(_link(item) for item in items)


def links_html(items: list[dict[str, Any]], sep: str = ", ") -> Markup:
    return Markup(_links(items, sep))


def link_items_html(items: list[dict[str, Any]]) -> Markup:
    """Each link as a list item (a page's backlinks: one call from the template, not one a link)."""
    return Markup("".join(f"<li>{_link(item)}</li>" for item in items))


def tag_links_html(tags: list[dict[str, str]]) -> Markup:
    """A note page's tags, each a link to its tag page."""
    return Markup("".join(f'<a class="vk-tag" href="{escaped(t["href"])}">#{escaped(t["tag"])}</a> ' for t in tags))


def card_html(rows: list[dict[str, Any]]) -> Markup:
    """A note page's properties card: each row's key and its links or text (a dozen rows a
    page, each a pass of a template loop costs several times the Python)."""
    return Markup("".join(
        f"<dt>{escaped(row['key'])}</dt><dd>"
        f"{_links(row['links']) if row.get('links') else escaped(row.get('text', ''))}</dd>\n"
        for row in rows
    ))


def chain_html(items: list[dict[str, Any]]) -> Markup:
    arrow = ' <span class="vk-arrow">→</span> '
    return Markup('<span class="vk-chain">' + arrow.join(_link(item) for item in items) + "</span>")


def previews_json(previews: dict[str, dict[str, str]], encoded: dict[str, tuple[dict[str, str], str]]) -> Markup:
    """script_json(previews), from each person's preview encoded once: the same people are
    previewed on many pages. `encoded` keeps (preview, its JSON entry) by page; a preview
    is a new dict whenever it changes."""
    parts = []
    for key in sorted(previews):
        preview = previews[key]
        found = encoded.get(key)
        if found is None or found[0] is not preview:
            found = encoded[key] = (preview, f"{script_json(key)}:{script_json(preview)}")
        parts.append(found[1])
    return Markup("{" + ",".join(parts) + "}")


_DICT_ATTRIBUTES = frozenset(dir(dict))


class _Environment(Environment):
    """Jinja, reading the pages' data (plain dicts) as it would, without its detour.

    `page.title` is first tried as an attribute, which for a dict raises (and catches) an
    AttributeError before the item is read: about fifty times a note page, a tenth of
    its template's time. For a dict, a name that is not one of dict's own attributes can
    only be an item: the same result, read directly."""

    def getattr(self, obj: Any, attribute: str) -> Any:
        if type(obj) is dict and attribute not in _DICT_ATTRIBUTES:
            try:
                return obj[attribute]
            except KeyError:
                return self.undefined(obj=obj, name=attribute)
        return super().getattr(obj, attribute)


@dataclass
class BuildReport:
    notes: int = 0
    pages: int = 0
    written: int = 0
    rendered: int = 0
    removed: list[str] = field(default_factory=list)
    seconds: float = 0.0
    out: str = ""

    def summary(self) -> str:
        return (
            f"{self.pages:,} pages from {self.notes:,} notes: {self.rendered:,} rendered, {self.written:,} files "
            f"written, {len(self.removed):,} removed, in {self.seconds:.2f} s -> {self.out}"
        )


@dataclass(frozen=True)
class Publication:
    """What a build would publish: for `--dry-run`."""

    notes: list[tuple[str, str]]  # (vault path, output path)
    attachments: list[tuple[str, str]]
    hidden_fields: list[str]
    kept_out: list[tuple[str, str]]  # (vault path, why): the private notes


class Site:
    """One vault's site. `build()` as often as needed; it reuses what did not change."""

    def __init__(self, vault: Path | str | None, out: Path | str | None = None, share: bool = False,
                 today: str | None = None, config: Config | None = None, incremental: bool = False,
                 progress: Callable[[str], None] | None = None):
        self.root = open_vault_root(vault)
        self.progress = progress  # told what a long build is at (`vaultkit build` on a terminal)
        self.config = config or load_config(self.root)
        self.site_config = SiteConfig.from_raw(self.config.raw)
        self.out = site_folder(self.root, self.config, out)
        self.share = share
        self.today = today
        self.texts = TextCache()
        # Rendered bodies by input key, kept only when builds repeat (`serve`).
        self.bodies: dict[str, str] | None = {} if incremental else None
        self.page_keys: dict[str, str] = {}
        self._search: dict[str, tuple[tuple, str]] = {}  # path -> (what the entry depends on, its JSON)
        self._shards: dict[str, tuple[str, str]] = {}  # search script -> (key, script)
        self._search_ready: dict[str, tuple[tuple, bytes]] = {}  # entries made ahead for this build
        self._excerpts_ready: dict[str, str] = {}  # and the people's excerpts, made with them
        self._search_ahead = None  # or a function that waits for the child making them
        self._search_basis: tuple | None = None  # (content, published, outputs) the entries made ahead are of
        self._bodies_ahead: tuple[list[list[str]], ChunksAhead] | None = None  # note pages' chunks, their bodies
        self._link_views_ahead: tuple | None = None  # (content, published, outputs, Plan.link_views table) of those
        self._pending = None  # or a function that stops the note page renderers of a build that failed
        self._by_shard: tuple[set[str], list[list[str]]] | None = None  # the published notes, by search shard
        # What a rebuild after a text-only edit reuses (kept in incremental mode only): the
        # last plan, each note page's (output, key, body key) and the notes whose text its
        # inputs read, the agenda's rule items and each note's plain-text mentions.
        self._plan: Plan | None = None
        # A one-off build's plan, kept until this Site goes: millions of objects whose freeing
        # costs a fifth of a second at 10k notes, which the command line skips (`cli.main`).
        self._spent: Plan | None = None
        self._notes: dict[str, tuple[str, str, str]] = {}
        self._reads: dict[str, frozenset[str]] = {}
        self._deps: dict[str, frozenset[str]] = {}  # each note page's PageLinks.deps
        self._rule_memo: dict[str, Any] = {}  # rule_items' items of the people an edit left alone
        self._mentions: dict[str, tuple[str, list[Item]]] = {}
        self._people: list = []  # the never-linked people, as mention patterns
        self._excerpts: dict[str, tuple[tuple, str]] = {}  # person -> (what it depends on, excerpt)
        self._graph: tuple[str, str, dict[str, Any]] | None = None  # the graph's script, its key, its page
        self._groups: dict[str, dict[str, Any]] | None = None  # tag pages' notes
        self._page_reads: dict[str, frozenset[str]] = {}  # tag pages, tree, dashboard: the notes they quote
        self._page_deps: dict[str, frozenset[str]] = {}  # and the notes whose facts they read
        self._paths: tuple[tuple, dict] | None = None  # best_paths and what it came from
        self._paths_of = None  # the network they are of
        self._graph_data = GraphData()  # the graph's data as of the last plan, kept by `serve`
        self._since: tuple[Plan, set[str]] | None = None  # after an edit inside some notes: (last plan, notes edited)
        self._inputs: dict[str, dict[str, Any]] = {}  # and their last inputs
        self._preview_json: dict[str, tuple[dict[str, str], str]] = {}  # page -> (preview, its JSON entry)
        self.output = Output(self.out, trust_file(self.root))
        self._opened = False
        self._index: Index | None = None
        self.jinja = _Environment(
            loader=FileSystemLoader(str(PACKAGE / "templates")),
            auto_reload=False,  # the package's own templates: not looked at again for each page
            autoescape=select_autoescape(default=True, default_for_string=True),
            trim_blocks=True,
            lstrip_blocks=True,
            keep_trailing_newline=True,
        )
        self.jinja.globals.update(csp=content_security_policy(), stage_labels=STAGE_LABELS, link=link_html,
                                  links=links_html, link_items=link_items_html, chain=chain_html,
                                  tag_links=tag_links_html, card=card_html)
        self.jinja.filters["script_json"] = script_json

    # -- the index ---------------------------------------------------------------
    def index(self) -> Index:
        if self._index is None:
            self._index = Index.open(self.root, self.config)
            self._index.keep_rows = True  # a first sync's rows: `load_content` reads them, not the index
        return self._index

    def use_index(self, index: Index) -> None:
        """Build from an index someone else keeps in sync (the watcher's, in `serve`)."""
        self.close()
        self._index = index
        self._borrowed = True

    _borrowed = False

    def close(self) -> None:
        self._stop_pending()
        if self._spent is not None:
            gc.unfreeze()  # collected as usual once this Site goes (not now: see `_spent`)
        if self._index is not None and not self._borrowed:
            self._index.close()
        self._index = None

    # -- planning ------------------------------------------------------------------
    def plan(self, changed: list[str] | None = None, synced: bool = False) -> Plan:
        index = self.index()
        if not synced:
            index.sync(paths=changed, progress=self.progress and sync_progress(self.progress))
        if self.progress:
            self.progress("planning the site")
        try:
            self.site_config = SiteConfig.from_raw(load_config(self.root).raw)
        except VaultkitError:
            pass  # a broken vaultkit.yml while serving: keep the settings we had
        return self._make_plan(load_content(index, self.texts))

    def _make_plan(self, content: Content, old: Plan | None = None) -> Plan:
        """The plan over `content`. With `old` (the last plan, whose content differed only in
        some notes' properties, links or text), what depends on the published set alone is
        reused when that set is the same."""
        changed = None
        if old is not None and old.config == self.site_config and old.share == self.share:
            # An edit inside some notes: only they may have moved in or out of the site.
            changed = {path for path, note in content.notes.items() if old.content.notes.get(path) is not note}
            private = kept_out(content, self.site_config, old.private, changed)
            published = old.published
            moved = {path for path in changed | (private.keys() ^ old.private.keys())
                     if path in content.notes and (path in published) != publishes(content.notes[path], private,
                                                                                   self.share)}
            if moved:
                published = published ^ moved
            attachments = old.attachments
            if moved or any(linked_attachments(content, self.site_config, path)
                            != linked_attachments(old.content, self.site_config, path) for path in changed):
                attachments = published_attachments(content, self.site_config, published)
        else:
            private = kept_out(content, self.site_config)
            published = published_notes(content, private, self.share)
            attachments = published_attachments(content, self.site_config, published)
        if old is not None and old.published == published and old.attachments == attachments:
            outputs = old.outputs
        else:
            reserved = [*GLOBAL_PAGES, *DATA_FILES, *(f"static/{f}" for f in static_files())]
            outputs = assign_outputs(published | attachments, reserved)
        self._search_ahead = self._search_entries_ahead(content, published, outputs)
        self._search_basis = (content, published, outputs) if self._search_ahead is not None else None
        self._bodies_ahead = self._note_bodies_ahead(content, published, attachments, outputs)
        today = self.today or date.today().isoformat()
        # The networking model over the published notes only: no degree, path or agenda
        # item can then pass through (or name) a note that is not published.
        reuse = None
        if changed is not None and old.published == published:
            reuse = (old.network, changed)
            visible = content.snapshot.only(published, reuse=(old.visible, changed))
        else:
            changed = None
            visible = content.snapshot.only(published)
        network = build_network(visible, content.schema, date.fromisoformat(today), reuse)
        memo = self._rule_memo if self.bodies is not None else None
        never = never_linked(network)
        people = mention_patterns(network, never)
        # Whole files, as `vaultkit agenda` reads them: a name in another note's front
        # matter is a plain-text mention too. A file is read again only when it or the
        # names looked for changed.
        same_people = [p[:2] for p in people] == [p[:2] for p in self._people]
        # After an edit inside some notes (same notes, same published ones), only those
        # notes may have another text, type or excerpt: the others' mentions and excerpts stand.
        inside = changed is not None and self.bodies is not None
        if inside and same_people:
            kinds = ("interview", "contact", "event", "profile")  # as mention_candidates reads
            for path in sorted(changed) if people else ():
                found = self._mentions.pop(path, None)
                if network.types.get(path) in kinds:
                    if found is None or found[0] != content.digests.get(path, ""):
                        found = (content.digests.get(path, ""), mentions_in(people, path, _read_text(self.root / path)))
                    self._mentions[path] = found
        else:
            previous, self._mentions = self._mentions, {}
            for path in mention_candidates(network, never) if people else ():
                found = previous.get(path) if same_people else None
                if found is None or found[0] != content.digests.get(path, ""):
                    found = (content.digests.get(path, ""), mentions_in(people, path, _read_text(self.root / path)))
                self._mentions[path] = found
        self._people = people
        children, chain = referral_children(network), None
        if (old is not None and "stats" in old.__dict__  # (worked out: see Plan.stats)
                and old.children == children and old.network.profile == network.profile):
            chain = old.stats["longest_chain"]["path"]  # it follows from those alone
        paths = self._best_paths(network, (old, changed) if reuse is not None else None)
        # (Last: a one-off build's excerpts come with the search entries a child is making.)
        if inside:
            excerpts = dict(old.excerpts)
            for path in sorted(changed):
                excerpts.pop(path, None)
                found = self._excerpts.pop(path, None)
                if path in published and content.notes[path].type in PEOPLE:
                    key = (content.digests.get(path, ""), hidden_links(content, outputs, path))
                    if found is None or found[0] != key:
                        found = (key, excerpt_text(content.texts[path], hidden=key[1]))
                    self._excerpts[path] = found
                    excerpts[path] = found[1]
        else:
            excerpts = self._excerpts_of(content, published, outputs, changed)
        ahead, self._link_views_ahead = self._link_views_ahead, None
        return Plan(
            # (The body links' table worked out for the child rendering bodies, when it is of these notes.)
            _link_views=ahead[3] if ahead is not None and ahead[0] is content and ahead[1] is published
            and ahead[2] is outputs else {},
            content=content,
            config=self.site_config,
            share=self.share,
            today=today,
            published=published,
            private=private,
            attachments=attachments,
            outputs=outputs,
            network=network,
            make_rules=lambda: rule_items(network, memo),
            mentions=self._mention_items(),
            make_stats=lambda: campaign_stats(network, children=children, chain=chain),
            paths=paths,
            children=children,
            hidden_fields=self.site_config.hidden_fields(self.share, content.schema),
            excerpts=excerpts,
            visible=visible,
        )

    def _excerpts_of(self, content: Content, published: set[str], outputs: dict[str, str],
                     changed: set[str] | None) -> dict[str, str]:
        """Each published person's excerpt (see render.excerpt_text), kept by `serve`."""
        if self._search_ahead is not None:
            # A one-off build's search entries are being made ahead: from each person's
            # search text, which starts with the words an excerpt takes.
            self._collect_search_entries()
            return self._excerpts_ready
        excerpts = {}
        kept_excerpts, self._excerpts = self._excerpts, {}
        for path in published:
            if content.notes[path].type in PEOPLE:
                found = kept_excerpts.get(path)
                if (found is not None and changed is not None and path not in changed
                        and found[0][0] == content.digests.get(path, "")):
                    # Same file, same links, same published notes: the same excerpt.
                    self._excerpts[path] = found
                    excerpts[path] = found[1]
                    continue
                key = (content.digests.get(path, ""), hidden_links(content, outputs, path))
                if found is None or found[0] != key:
                    found = (key, excerpt_text(content.texts[path], hidden=key[1]))
                if self.bodies is not None:
                    self._excerpts[path] = found
                excerpts[path] = found[1]
        return excerpts

    def _edit_plan(self, changed: list[str]) -> tuple[Plan, set[str]] | None:
        """A new plan after an edit inside some notes (properties, links, tags, text), made
        from the last one, and the notes whose facts a page may read changed.

        The content is patched rather than read again and each page is looked at again only
        when its note or a note in its `deps` is among the returned ones (see
        `changed_facts`). None when the edit is of another kind (a new, deleted or renamed
        note, a changed title or alias, an attachment, vaultkit.yml, a new day): then the
        whole plan is made again."""
        old = self._plan
        today = self.today or date.today().isoformat()
        if old is None or not changed or today != old.today:
            return None
        try:
            config = SiteConfig.from_raw(load_config(self.root).raw)
        except VaultkitError:
            config = self.site_config
        if config != old.config:
            return None
        content = patch_content(old.content, self.index(), self.texts, set(changed))
        if content is None:
            return None
        plan = self._make_plan(content, old)
        if plan.published == old.published:
            plan.carry_edges(old, set(changed))
            # A person's preview reads their note, record, company and excerpt: the same
            # for everyone the edit left alone.
            people = plan.network.people
            plan.previews = {path: preview for path, preview in old.previews.items()
                             if path not in changed and old.network.people.get(path) is people.get(path)
                             and old.excerpts.get(path) == plan.excerpts.get(path)}
        return plan, changed_facts(old, plan, set(changed))

    def _best_paths(self, network, since: tuple[Plan, set[str]] | None = None) -> dict:
        """`best_paths`, reused while what it reads is the same: the people graph, the
        profile, and each person's name and referrers (the suggestions quote them).
        `since`: (the last plan, the notes edited since), when its network was patched."""
        if (since is not None and self._paths is not None and self._paths_of is since[0].network
                and same_people_graph(since[0].network, network, since[1])):
            self._paths_of = network
            return self._paths[1]
        graph = people_graph(network)
        key = (network.profile, graph, {p: (person.name, person.referred_by) for p, person in network.people.items()})
        if self._paths is None or self._paths[0] != key:
            self._paths = (key, best_paths(network, graph))
        self._paths_of = network
        return self._paths[1]

    def _mention_items(self) -> list[Item]:
        """The agenda's plain-text mentions, from those found per note."""
        return mention_items(self._people, {path: items for path, (_, items) in self._mentions.items()})

    def _text_edit_plan(self, changed: list[str]) -> tuple[Plan, set[str]] | None:
        """The last plan brought up to date, when all that changed is the text of some notes.

        A note's text (outside its front matter and links) feeds only its own body, the
        previews and embeds that quote it, the search index and plain-text mentions; the
        network, the outputs and every other page's inputs stay as they are. Returns the
        plan and the notes whose text changed, or None when anything else changed (a new,
        deleted or renamed file, a property, a link, a tag, vaultkit.yml, the date): then
        the whole plan is made again."""
        old = self._plan
        today = self.today or date.today().isoformat()
        if old is None or not changed or today != old.today:
            return None
        content = old.content
        index = self.index()
        marks = ",".join("?" * len(set(changed)))
        hashes = dict(index.db.execute(f"SELECT path, hash FROM files WHERE path IN ({marks})", tuple(set(changed))))
        # A path that was not a vault file and still is not (an ignored folder, a scratch
        # file) changed nothing; any other path but a note's means a new plan.
        changed = [p for p in changed if p in content.notes or p in content.attachments or p in hashes]
        if any(path not in content.notes for path in changed):
            return None
        if not changed:
            return old, set()
        fresh = load_snapshot(index, changed)
        by_source: dict[str, list] = {}
        for link in fresh.links:
            by_source.setdefault(link.source, []).append(link)
        for path in changed:
            if fresh.notes.get(path) != content.snapshot.notes[path] or by_source.get(path, []) != content.notes[path].links:
                return None
        if unparsed_notes(index, set(changed)) != content.unparsed & set(changed):
            return None  # a front matter broke or was mended: the note may be private now
        touched: set[str] = set()
        root = str(self.root)
        excerpts = old.excerpts
        for path in sorted(set(changed)):
            if path not in hashes:
                return None
            raw, file_digest = self.texts.get(root, path, hashes[path])
            if file_digest == content.digests.get(path):
                continue
            touched.add(path)
            content.texts[path], content.digests[path] = raw, file_digest
            body = content.texts[path]
            if path in excerpts:
                excerpts[path] = excerpt_text(body, hidden=hidden_links(content, old.outputs, path))
            if path in self._mentions:
                self._mentions[path] = (file_digest, mentions_in(self._people, path, _read_text(self.root / path)))
        if not touched:
            return old, touched
        previews = {path: preview for path, preview in old.previews.items() if path not in touched}
        rules, stats = old.rules, old.stats  # (the network is the same: so are they)
        return replace(old, make_rules=lambda: rules, mentions=self._mention_items(), make_stats=lambda: stats,
                       excerpts=excerpts, previews=previews), touched

    def publication(self) -> Publication:
        plan = self.plan()
        return Publication(
            notes=sorted((p, plan.outputs[p]) for p in plan.published),
            attachments=sorted((p, plan.outputs[p]) for p in plan.attachments),
            hidden_fields=sorted(plan.hidden_fields - {"private", "publish"}),
            kept_out=sorted(plan.private.items()),
        )

    # -- building ------------------------------------------------------------------
    def build(self, changed: list[str] | None = None, synced: bool = False) -> BuildReport:
        """Build (or rebuild) the site. `changed` limits the index sync to those vault
        paths; `synced` skips it (the caller's watcher already synced). Either way every
        page whose inputs changed is rendered again, and no other."""
        started = time.perf_counter()
        self._stop_pending()
        if not self._opened:
            self.output.open()
            self._opened = True
        quick = edit = None
        previous_plan, previous_groups, shared, texts = self._plan, self._groups, frozenset(), frozenset()
        previous_agenda = self._plan.agenda if self._plan is not None else None
        if self.bodies is not None and changed is not None and self._plan is not None:
            if not synced:
                self.index().sync(paths=changed)
                synced = True
            quick = self._text_edit_plan(changed)
            if quick is None:
                gc.disable()  # as for a whole plan below: the collections would walk what it makes
                try:
                    edit = self._edit_plan(changed)
                finally:
                    gc.enable()
        touched: set[str] | None = None
        self._since = None
        if quick is not None:
            plan, touched = quick
            self._since = (previous_plan, touched)  # (for the search shards: only the touched notes' entries differ)
            if self._graph_data.basis is previous_plan:  # the graph reads no text: its data stands for this plan too
                self._graph_data.basis = plan
            # Only pages whose inputs read a changed text can differ from the last build.
            again = {p for p, reads in self._reads.items() if reads & touched}
            gone = self.output.missing(out_path for out_path, _, _ in self._notes.values())
            again |= {p for p, (out_path, _, _) in self._notes.items() if out_path in gone}
        elif edit is not None:
            plan, (own, shared, texts) = edit
            gc.freeze()  # the new plan's objects, as below (the last plan's unchanged parts already are)
            # A page whose note, or a note it read facts of, changed; a page new to the site.
            again = own & plan.published
            again |= {p for p, deps in self._deps.items() if p in plan.published and not deps.isdisjoint(shared)}
            if texts:  # a page that quotes (embeds) an edited note
                again |= {p for p, reads in self._reads.items() if p in plan.published and not reads.isdisjoint(texts)}
            again |= plan.published - self._notes.keys()
            gone = self.output.missing(out_path for out_path, _, _ in self._notes.values())
            again |= {p for p, (out_path, _, _) in self._notes.items() if p in plan.published and out_path in gone}
            self._graph, self._since = None, (previous_plan, set(changed))
            # Tag pages' notes: the same while the published notes and the edited notes' tags are.
            if plan.published != previous_plan.published or any(
                previous_plan.content.notes[p].tags != plan.content.notes[p].tags for p in changed
            ):
                self._groups = None
        else:
            gc.unfreeze()  # the last plan's objects may go now
            self._spent = None
            # No collections while the plan is made either: it allocates millions of objects
            # that all live on (a dozen unreachable at 10k notes), and the full collections
            # walking them all cost a sixth of the plan's time at 10k, a quarter at 50k.
            gc.disable()
            try:
                plan = self.plan(changed, synced)
                # The plan lives for the whole build (for `serve`, until the next plan): move it out
                # of the collector's sight, or each full collection walks its millions of objects
                # (a fifth of a second at 10k notes, in the middle of a one-note rebuild), and
                # forked page renderers would copy every page the collector touches.
                gc.freeze()
            finally:
                gc.enable()
            again = None
            self._graph = self._groups = None
        report = BuildReport(notes=len(plan.published), out=str(self.out))
        out = self.output
        rendered_keys: dict[str, str] = {}

        def emit(path: str, key: str, render) -> None:
            report.pages += 1
            rendered_keys[path] = key
            if self.page_keys.get(path) == key and out.exists(path):
                out.keep(path)
                return
            report.rendered += 1
            if out.write(path, render()):
                report.written += 1

        if again is None:
            paths = sorted(plan.published)
            self._notes, self._reads, self._deps = {}, {}, {}
        else:  # the other pages' entries stand
            paths = sorted(again)
            for path in self._notes.keys() - plan.published:
                del self._notes[path], self._reads[path], self._deps[path]
        if self.progress:
            self.progress(f"rendering {len(paths):,} note pages")
        note_results = self._note_pages(plan, paths)  # (forked renderers, if any, work while the rest is made)
        for path in sorted(plan.attachments):
            source = self.root / path
            stat = source.stat()
            emit(plan.outputs[path], f"{stat.st_mtime_ns}:{stat.st_size}", source.read_bytes)
        if self._groups is None or (touched is None and edit is None):
            self._groups = tag_groups(plan)
        groups = self._groups
        page_reads, self._page_reads = self._page_reads, {}
        page_deps, self._page_deps = self._page_deps, {}
        last_inputs, self._inputs = self._inputs, {}

        def quoting(out_path: str, make, render, reusable: bool = True, unchanged=None, patch=None) -> None:
            """Emit a page whose inputs depend on note texts only through its previews (tag
            pages, the tree, the dashboard): after a text edit its last inputs are reused,
            with the previews of the changed notes made again. After a link or property
            edit, they are reused as they are when `unchanged()` says what the page lists
            is the same and no note it read facts of changed."""
            reads, inputs, deps = page_reads.get(out_path), last_inputs.get(out_path), page_deps.get(out_path)
            if (edit is not None and unchanged is not None and inputs is not None and deps is not None
                    and self.page_keys.get(out_path) is not None and deps.isdisjoint(shared)
                    and reads is not None and reads.isdisjoint(texts) and unchanged()):
                key = self.page_keys[out_path]
            elif (edit is not None and patch is not None and inputs is not None and reads is not None
                  and deps is not None and (patched := patch(inputs)) is not None):
                inputs, deps = patched[0], deps | patched[1]  # (what it reads stays: the same people)
                key = self._page_key(inputs)
            elif touched is not None and reusable and reads is not None and inputs is not None:
                key = self.page_keys.get(out_path)
                if reads & touched or key is None:
                    previews = dict(inputs["previews"])
                    for path in reads & touched:
                        previews[plan.outputs[path]] = plan.preview(path)
                    inputs = {**inputs, "previews": previews}
                    key = self._page_key(inputs)
            else:
                found: set[str] = set()
                used: set[str] = set()
                inputs = make(found, used)
                # As for note pages: a one-off build (no keys kept, none from before) needs no key.
                keyed = self.bodies is not None or out_path in self.page_keys
                reads, deps, key = frozenset(found), frozenset(used), self._page_key(inputs) if keyed else ""
            self._page_reads[out_path], self._page_deps[out_path], self._inputs[out_path] = reads, deps, inputs
            emit(out_path, key, lambda: render(inputs))

        for tag_out, group in sorted(groups.items()):
            quoting(tag_out, lambda found, used, o=tag_out, g=group: tag_inputs(plan, o, g, found, used),
                    lambda inputs: self._page("tag.html", inputs),
                    unchanged=lambda o=tag_out, g=group: previous_groups is not None and previous_groups.get(o) == g)
        # The tree lists every contact by degree and referrer.
        tree_unchanged = (lambda: previous_plan is not None and previous_plan.network.people == plan.network.people
                          and previous_plan.children == plan.children and previous_plan.joined() == plan.joined())
        self._global_pages(plan, groups, emit, quoting, agenda_changed=previous_agenda != plan.agenda,
                           tree_unchanged=tree_unchanged,
                           tree_patch=lambda inputs: patch_tree(previous_plan, plan, inputs))
        for name in static_files():
            data = (STATIC / name).read_bytes()
            emit(f"static/{name}", hashlib.blake2b(data, digest_size=16).hexdigest(), lambda d=data: d)
        results = note_results()
        for path, (out_path, key, body_key, state, body, reads, deps) in zip(paths, results):
            if self.bodies is not None:
                self._notes[path], self._reads[path], self._deps[path] = (out_path, key, body_key), reads, deps
            if state == "kept":
                continue
            report.rendered += 1
            if state == "written":
                out.mark_changed(out_path)
                report.written += 1
            if body is not None and self.bodies is not None:
                self.bodies[body_key] = body
        pages = self._notes.values() if self.bodies is not None else [result[:3] for result in results]
        report.pages += len(pages)
        rendered_keys.update((out_path, key) for out_path, key, _ in pages)
        live_bodies = {body_key for _, _, body_key in pages}
        out.written.update(out_path for out_path, _, _ in pages)  # kept, or written by whichever process rendered it
        self.page_keys = rendered_keys
        self._plan = plan if self.bodies is not None else None
        if self._plan is None:
            self._spent = plan
        report.removed = out.finish()
        if self.bodies is not None:
            self.bodies = {k: v for k, v in self.bodies.items() if k in live_bodies}
        report.seconds = time.perf_counter() - started
        return report

    def _page_key(self, inputs: dict[str, Any]) -> str:
        """`digest(inputs)` for the pages that quote many notes (the tree, tag pages, the
        dashboard), keyed the same way without encoding their previews again: each person's
        preview is encoded once per build (`previews_json`), and a long text (the tree's
        HTML) is hashed as it is. Encoding the tree's inputs whole took 35 ms of a 0.3 s edit."""
        previews = inputs.get("previews")
        if not previews:
            return digest(inputs)
        rest = {key: (hashlib.blake2b(value.encode("utf-8"), digest_size=16).hexdigest()
                      if isinstance(value, str) and len(value) > 1024 else value)
                for key, value in inputs.items() if key != "previews"}
        encoded = str(previews_json(previews, self._preview_json))
        return hashlib.blake2b(f"{digest(rest)}\n{encoded}".encode("utf-8"), digest_size=16).hexdigest()

    def _search_shards(self, plan: Plan) -> Iterator[tuple[str, str, str]]:
        """The search index as SEARCH_SHARDS scripts: (output path, key, script), one at a time.

        A note always lands in the same shard (by a hash of its path), so an edit rewrites
        one small script instead of the whole index, and a cold build holds one shard's
        text at a time. In `serve`, each note's entry ([title, type, page, text]) is kept
        and encoded again only when its file or place changed."""
        keep = self.bodies is not None
        previous, self._search = self._search, {}
        self._collect_search_entries()
        ready, self._search_ready = self._search_ready, {}
        made_for_plan = self._made_ahead_for(plan)
        self._search_basis = None
        if self._by_shard is not None and self._by_shard[0] is plan.published:
            by_shard = self._by_shard[1]
        else:
            by_shard = [[] for _ in range(SEARCH_SHARDS)]
            for path in sorted(plan.published):
                by_shard[search_shard(path)].append(path)
            if keep:
                self._by_shard = (plan.published, by_shard)
        # After an edit inside some notes that left the published notes, their addresses and
        # the attachments as they were, every other note's entry depends on what it did, and
        # each shard that holds none of the edited notes stands.
        since = self._since
        same = (since is not None and since[0].outputs is plan.outputs and since[0].published == plan.published
                and since[0].content.attachments is plan.content.attachments)
        edited = since[1] if since is not None else set()
        standing: set[int] = set()
        if same and keep:
            self._search = previous
            standing = set(range(SEARCH_SHARDS)) - {search_shard(path) for path in edited}
            gone: set[int] = set()
        else:
            gone = {search_shard(path) for path in previous.keys() - plan.published}
        for number, paths in enumerate(by_shard):
            name = SEARCH_FILES[number]
            if number in standing and name in self._shards:
                yield name, *self._shards[name]
                continue
            entries, dirty = [], number in gone or name not in self._shards
            for path in paths:
                cached = previous.get(path)
                if made_for_plan and cached is None and path in ready:
                    key = ready[path][0]  # made for this very plan: its key need not be made again
                else:
                    key = cached[0] if same and cached is not None and path not in edited else self._search_key(plan, path)
                if cached is None or cached[0] != key:
                    made = ready.pop(path, None)
                    entry = made[1].decode("utf-8") if made is not None and made[0] == key else None
                    cached = (key, entry if entry is not None else self._search_entry(plan, path, key))
                    dirty = True
                if keep:
                    self._search[path] = cached
                entries.append(cached[1])
            if dirty:
                script = "window.VK_SEARCH=(window.VK_SEARCH||[]).concat([" + ",".join(entries) + "]);\n"
                shard = (hashlib.blake2b(script.encode("utf-8"), digest_size=16).hexdigest(), script)
                if keep:
                    self._shards[name] = shard
            else:
                shard = self._shards[name]
            del entries
            yield name, *shard

    @staticmethod
    def _search_key(plan: Plan, path: str) -> tuple:
        return _search_key(plan.content, plan.published, plan.outputs, path)

    @staticmethod
    def _search_entry(plan: Plan, path: str, key: tuple) -> str:
        return _search_entry(plan.content, plan.outputs, path, _search_text(plan.content, path, key))

    def _search_entries_ahead(self, content: Content, published: set[str], outputs: dict[str, str]):
        """In a one-off build of a big vault, a forked child that makes the search entries
        while the main process makes the rest of the plan and starts the page renderers
        (they need no more than the notes and their addresses); a function that gives
        them, or None. (Not for `publication()`, which builds nothing: the output is
        opened only by `build()`.)"""
        if self.bodies is not None or not self._opened or len(published) < PARALLEL_PAGES:
            return None

        def work() -> tuple[dict[str, tuple[tuple, bytes]], dict[str, str]]:
            search, excerpts = {}, {}
            for path in published:
                key = _search_key(content, published, outputs, path)
                text = _search_text(content, path, key)
                search[path] = (key, _search_entry(content, outputs, path, text).encode("utf-8"))
                if content.notes[path].type in PEOPLE:
                    excerpts[path] = shortened(text)
            return search, excerpts

        return in_child(work)

    def _made_ahead_for(self, plan: Plan) -> bool:
        """Whether the search entries made ahead are of `plan`'s notes, published notes and
        addresses: then each is as `_search_entry` would make it, under the key it was
        made with (the child made one for every published note), and need not be checked."""
        basis = self._search_basis
        return (basis is not None and basis[0] is plan.content and basis[1] is plan.published
                and basis[2] is plan.outputs)

    def _collect_search_entries(self) -> None:
        if self._search_ahead is not None:
            (self._search_ready, self._excerpts_ready), self._search_ahead = self._search_ahead(), None

    def _prepare_global_pages(self, plan: Plan) -> None:
        """The slow parts of the global pages (the search entries' plain text, the graph's
        layout), made ahead: in the main process while the workers render note pages, so
        that they cost no time of their own. (Kept as UTF-8 until used: half the memory of
        the text, which often holds a character beyond Latin-1.)"""
        if self._graph is None:
            self._graph = self._graph_parts(plan)
        if self.bodies is not None:  # `serve`'s first edit renders a note page here: compile its template now
            self.jinja.get_template("note.html")
        self._collect_search_entries()
        if self._made_ahead_for(plan):
            return  # every published note's search entry, made for this very plan
        for path in plan.published:
            key = self._search_key(plan, path)
            cached, ready = self._search.get(path), self._search_ready.get(path)
            if (cached is None or cached[0] != key) and (ready is None or ready[0] != key):
                self._search_ready[path] = (key, self._search_entry(plan, path, key).encode("utf-8"))

    def _note_pages(self, plan: Plan, paths: list[str]) -> Callable[[], list[NoteResult]]:
        """Each note page: (output path, page key, body key, "kept" | "same" | "written", body HTML,
        the notes whose text its inputs read, the notes whose facts they read), from the
        function returned.

        Rendering note bodies is most of a cold build, and each page depends only on the
        settled `plan`: when many pages need it, forked worker processes (like the index's
        parsers) render and write them, and send back only their keys; meanwhile the main
        process makes the other pages, and the function waits for the workers. A page whose
        body a child rendered ahead (`_note_bodies_ahead`) is only put together."""
        ahead, self._bodies_ahead = self._bodies_ahead, None
        stale = sum(1 for p in paths if plan.outputs[p] not in self.page_keys) if len(paths) >= PARALLEL_PAGES else 0
        workers = _workers()
        if stale < PARALLEL_PAGES or workers < 2 or "fork" not in get_all_start_methods():
            if ahead is not None:
                ahead[1].close(stop=True)
            made_here = [self._note_result(plan, path) for path in paths]
            return lambda: made_here
        if ahead is not None and [path for chunk in ahead[0] for path in chunk] != paths:
            ahead[1].close(stop=True)
            ahead = None
        chunks, bodies = ahead if ahead is not None else (_chunks(paths, workers), None)
        plan.edges_of("")  # build the neighbour table once, here, for the workers and later rebuilds
        plan.staff(""), plan.interview("")
        plan.agenda, plan.stats  # (made after the fork, they would walk the network the workers share: see below)
        if self._graph is None:
            # Before the fork: the graph reads every published note and person, and each
            # object it touches after the fork (a reference count written) would cost this
            # process a page fault and a copy of the page the workers still share.
            self._graph = self._graph_parts(plan)
        global _FORKED
        _FORKED = (self, plan, chunks, bodies)
        pool = ProcessPoolExecutor(workers, mp_context=get_context("fork"), initializer=die_with_parent,
                                   initargs=(os.getpid(),))

        def stop(wait: bool = False) -> None:
            """`wait`: the workers are done. Else the child is stopped first: a worker may wait for it."""
            self._pending = None
            if bodies is not None:
                bodies.close(stop=not wait)
            pool.shutdown(wait=True, cancel_futures=True)

        self._pending = stop
        if bodies is not None:
            bodies.close_queue()  # the workers' now: they render what it did not get to
        try:
            done = pool.map(_note_chunk, range(len(chunks)))  # the workers are forked (and given the plan) here
        finally:
            _FORKED = None
        self._prepare_global_pages(plan)

        def results() -> list[NoteResult]:
            try:
                found = []
                for chunk in done:
                    found.extend(chunk)
                    if self.progress:
                        self.progress(f"rendering {len(found):,}/{len(paths):,} note pages")
            except BaseException:
                stop()
                raise
            stop(wait=True)
            return found

        return results

    def _stop_pending(self) -> None:
        """Stop the page renderers a failed build left behind."""
        if self._pending is not None:
            self._pending()

    def _note_bodies_ahead(self, content: Content, published: set[str], attachments: set[str],
                           outputs: dict[str, str]) -> tuple[list[list[str]], ChunksAhead] | None:
        """In a one-off build of a big vault, a forked child that renders note bodies while
        the main process makes the networking model, on the core that would wait meanwhile:
        the note pages' chunks, the last first, and the child. A body reads only the note's
        text, how its links resolve, which notes are published and their addresses (a
        person's preview is only named in it, by that address): the page renderers then
        put the pages of those chunks together around them."""
        if self.bodies is not None or not self._opened or self.page_keys or len(published) < PARALLEL_PAGES:
            return None
        workers = _workers()
        if workers < 2 or "fork" not in get_all_start_methods():
            return None
        chunks = _chunks(sorted(published), workers)
        plan = Plan(content=content, config=self.site_config, share=self.share, today="", published=published, private={},
                    attachments=attachments, outputs=outputs, network=None, make_rules=list, mentions=[],
                    make_stats=dict, paths={}, children={}, hidden_fields=frozenset(), excerpts={})  # what a body may read, no more
        # How every body link renders from each folder, worked out once, here: the child
        # and the page renderers forked later (which take this table into the build's
        # plan) would each resolve most of them again (`Plan.link_views`).
        _resolve_body_links(plan, [path for chunk in chunks for path in chunk])
        self._link_views_ahead = (content, published, outputs, plan.link_views_table())

        def bodies(number: int) -> list[tuple[str, list[str]]]:
            made = []
            for path in chunks[number]:
                links = PageLinks(plan, outputs[path], previews=False)
                body_links(plan, path, links)  # as the page's inputs do: the people previewed on it
                named = sorted(links.named)
                made.append((_body_html(plan, path, links), named))
            return made

        # Room for every body (as UTF-8, HTML is a few times its Markdown): only what is written takes memory.
        room = 4 * sum(len(text) for text in dict.values(content.texts)) + (16 << 20)
        return chunks, ChunksAhead(len(chunks), room, bodies)

    def _note_result(self, plan: Plan, path: str, ahead: tuple[str, list[str]] | None = None) -> NoteResult:
        """`ahead`: the page's body and the people its links name, from `_note_bodies_ahead`."""
        out_path = plan.outputs[path]
        links = PageLinks(plan, out_path)
        # A page's key (and its body's) is only ever compared by a later build of this Site:
        # a one-off build (no cache kept, no key from before) need not make them.
        keyed = self.bodies is not None or out_path in self.page_keys
        inputs = note_inputs(plan, path, links, keyed, ahead[1] if ahead is not None else None)
        body_key = inputs["body_key"]
        key = digest(inputs) if keyed else ""
        # What the page read is kept only by `serve` (to know which pages an edit touches):
        # not sent back from a one-off build's page renderers.
        reads, deps = (frozenset(links.reads), frozenset(links.deps)) if self.bodies is not None else _NONE
        if self.page_keys.get(out_path) == key and self.output.exists(out_path):
            return out_path, key, body_key, "kept", None, reads, deps
        wrote = self.output.write(out_path, self._note_page(plan, path, inputs, links, ahead[0] if ahead is not None else None))
        body = self.bodies.get(body_key) if self.bodies is not None else None
        return out_path, key, body_key, "written" if wrote else "same", body, reads, deps

    def _body(self, plan: Plan, path: str, key: str, links: PageLinks) -> Markup:
        html = self.bodies.get(key) if self.bodies is not None else None
        if html is None:
            html = _body_html(plan, path, links)
            if self.bodies is not None:
                self.bodies[key] = html
        return Markup(html)

    def _note_page(self, plan: Plan, path: str, inputs: dict[str, Any], links: PageLinks,
                   body: str | None = None) -> str:
        """A note page; `body`: its body's HTML, when rendered ahead."""
        body = Markup(body) if body is not None else self._body(plan, path, inputs["body_key"], links)
        body = _without_title_heading(body, inputs["title"])
        local = charts.local_graph(inputs["title"], inputs["local"])
        return self._page("note.html", inputs, body=body, local_graph=Markup(local))

    def _page(self, template: str, page: dict[str, Any], **extra: Any) -> str:
        out = page["out"]
        return self.jinja.get_template(template).render(
            page=page,
            previews=previews_json(page["previews"], self._preview_json),
            root=root_prefix(out),
            site_title=self.site_config.title,
            share=self.share,
            **extra,
        )

    def _graph_parts(self, plan: Plan) -> tuple[str, str, dict[str, Any]]:
        """The graph's script, its key and its page's inputs (`serve` keeps the graph's data
        and brings it up to date after an edit)."""
        data = self._graph_data if self.bodies is not None else GraphData()
        graph_js, graph_page = data.update(plan, self._since)
        return graph_js, hashlib.blake2b(graph_js.encode("utf-8"), digest_size=16).hexdigest(), graph_page

    def _global_pages(self, plan: Plan, groups: dict[str, dict], emit, quoting, agenda_changed: bool,
                      tree_unchanged, tree_patch) -> None:
        quoting(
            "index.html",
            lambda found, used: dashboard_inputs(plan, "index.html", found, used),
            lambda inputs: self._page("dashboard.html", inputs, charts_html=_charts_markup(inputs)),
            reusable=not agenda_changed,
        )
        if self._graph is None:  # the graph changes only with the network: not on a text edit
            self._graph = self._graph_parts(plan)
        graph_js, graph_key, graph_page = self._graph
        emit("data/graph.js", graph_key, lambda: graph_js)
        emit("graph.html", digest(graph_page), lambda: self._page("graph.html", graph_page))
        quoting(
            "tree.html",
            lambda found, used: tree_html(plan, "tree.html", found, used),
            lambda inputs: self._page("tree.html", inputs, tree=Markup(inputs["tree"])),
            unchanged=tree_unchanged,
            patch=tree_patch,
        )
        for name, key, script in self._search_shards(plan):
            emit(name, key, lambda script=script: script)
        search_page = {"kind": "search", "title": "Search", "out": "search.html", "previews": {},
                       "data": [href("search.html", name) for name in SEARCH_FILES]}
        emit("search.html", digest(search_page), lambda: self._page("search.html", search_page))
        tags_page = {
            "kind": "tags", "title": "Tags", "out": "tags/index.html", "previews": {},
            "items": sorted(
                ({"tag": g["tag"], "href": href("tags/index.html", o), "count": len(g["notes"])}
                 for o, g in groups.items()),
                key=lambda i: i["tag"].lower(),
            ),
        }
        emit("tags/index.html", digest(tags_page), lambda: self._page("tags.html", tags_page))


def _search_key(content: Content, published: set[str], outputs: dict[str, str], path: str) -> tuple:
    """What a note's search entry depends on."""
    note = content.notes[path]
    hidden = hidden_links(content, outputs, path)
    return content.digests.get(path, ""), note.title, note.type, outputs[path], hidden


def _search_text(content: Content, path: str, key: tuple) -> str:
    """A note's first words as plain text, for the search index (and its excerpt)."""
    return plain_text(content.texts[path], key[4])[:SEARCH_TEXT_LIMIT]


def _search_entry(content: Content, outputs: dict[str, str], path: str, text: str) -> str:
    """A note's search entry, as JSON: [title, type, page, its search text]."""
    note = content.notes[path]
    return str(script_json([note.title, note.type or "note", outputs[path], text]))


NoteResult = tuple[str, str, str, str, str | None, frozenset[str], frozenset[str]]
_NONE: tuple[frozenset[str], frozenset[str]] = (frozenset(), frozenset())
_FORKED: tuple[Site, Plan, list[list[str]], ChunksAhead | None] | None = None  # what forked page renderers inherit


def _resolve_body_links(plan: Plan, paths: list[str]) -> None:
    """Fill `plan`'s table of how body links render from each folder (see `Plan.link_views`)."""
    by_folder: dict[str, PageLinks] = {}
    for path in paths:
        out = plan.outputs[path]
        folder = out.rpartition("/")[0]
        links = by_folder.get(folder)
        if links is None:
            links = by_folder[folder] = PageLinks(plan, out, previews=False)
        body_links(plan, path, links)


def _note_chunk(number: int) -> list[NoteResult]:
    site, plan, chunks, ahead = _FORKED
    site.output.on_change = None  # the parent tells its listener of these pages (and its locks are not ours)
    bodies = ahead.take(number) if ahead is not None else None
    if bodies is None:
        return [site._note_result(plan, path) for path in chunks[number]]
    return [site._note_result(plan, path, ahead) for path, ahead in zip(chunks[number], bodies)]


def _workers() -> int:
    return min(os.cpu_count() or 1, MAX_WORKERS)


def _chunks(paths: list[str], workers: int) -> list[list[str]]:
    """Note pages in chunks for the page renderers: many per worker, so that they end
    together (the last chunk's time is one worker's alone: ~0.2 s at 10k notes)."""
    size = max(16, len(paths) // (workers * 16))
    return [paths[i : i + size] for i in range(0, len(paths), size)]


def _body_html(plan: Plan, path: str, links: PageLinks) -> str:
    return render_body(
        plan.content.texts[path],
        lambda lp, sp, kind: links.view(path, lp, sp, kind),
        lambda tag: href(plan.outputs[path], _tag_out(tag)),
        lambda lp, sp: links.embed(path, lp, sp),
        written=links.wikilinks_html,
    )


_FIRST_H1 = re.compile(r"\s*<h1[^>]*>(.*?)</h1>\n?", re.DOTALL)


def _without_title_heading(body: Markup, title: str) -> Markup:
    """Notes often open with `# Their Name`: the page already shows the title."""
    match = _FIRST_H1.match(body)
    if not match:
        return body
    heading, shown = match.group(1), Markup.escape(title)
    # (Mostly the heading is the title as it is, escaped: then their text is the same.)
    if heading == shown or Markup(heading).striptags() == shown.striptags():
        return Markup(body[match.end():])
    return body


def _read_text(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8", errors="replace")
    except OSError:
        return ""  # gone since the sync: nothing to find in it


def _charts_markup(dashboard: dict[str, Any]) -> dict[str, Markup]:
    return {key: Markup(dashboard[key]) for key in ("pipeline_chart", "degree_chart", "months_chart")}


def _tag_out(tag: str) -> str:
    from .urls import tag_output

    return tag_output(tag)


def build_site(vault: Path | str | None, out: Path | str | None = None, share: bool = False,
               today: str | None = None) -> BuildReport:
    site = Site(vault, out, share=share, today=today)
    try:
        return site.build()
    finally:
        site.close()
