"""Note bodies to safe HTML, with the markdown-it-py configuration the index uses.

The tokens come from `vaultkit.markdown.markdown()` (the very parser the index
uses, so a link the index sees is the link the page shows); this module adds only
*render* rules, on a renderer of its own, so the shared parser is never changed.
Every rendered body then goes through the nh3 (Ammonia) sanitiser with an allow
list: raw HTML in a note can format text but can never run script, load a frame,
or point a link at `javascript:`.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from contextvars import ContextVar
from typing import NamedTuple
from html import escape
from urllib.parse import unquote

import nh3
from markdown_it.renderer import RendererHTML

from ..markdown import BLOCK_ID, BLOCK_ID_RE, SCHEME_RE, markdown, split_wikilink
from .fastrender import Links, render_simple, runs, segments
from .urls import heading_anchor

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".svg", ".bmp", ".avif")
# Attachments a browser opens without running anything of theirs in the site's origin.
# Any other one (HTML, SVG, XML of any kind, scripts, or a kind a browser might take for
# one of those) could hold a note author's script: it is linked with `download`, and
# `serve` sends it as a download in a sandbox (docs/site.md, "What `serve` accepts").
INERT_EXTENSIONS = (".png", ".jpg", ".jpeg", ".gif", ".webp", ".bmp", ".avif", ".ico", ".pdf", ".txt", ".csv",
                    ".mp3", ".m4a", ".wav", ".ogg", ".mp4", ".webm", ".mov")


def downloaded(path: str) -> bool:
    """Whether an attachment is offered as a download rather than opened (by its name)."""
    return not path.lower().endswith(INERT_EXTENSIONS)

CALLOUT_RE = re.compile(r"^\[!([A-Za-z][\w-]*)\]([+-]?)[ \t]*(.*)$")

ALLOWED_TAGS = {
    "a", "abbr", "b", "blockquote", "br", "code", "dd", "del", "details", "div", "dl", "dt", "em",
    "h1", "h2", "h3", "h4", "h5", "h6", "hr", "i", "img", "ins", "kbd", "li", "mark", "ol", "p",
    "pre", "s", "small", "span", "strong", "sub", "summary", "sup", "table", "tbody", "td", "tfoot",
    "th", "thead", "tr", "u", "ul", "figure", "figcaption",
}
ALLOWED_ATTRIBUTES = {
    "*": {"class", "id", "title"},
    "a": {"href", "download"},
    "img": {"src", "alt", "width", "height"},
    "td": {"align", "colspan", "rowspan"},
    "th": {"align", "colspan", "rowspan"},
    "ol": {"start"},
    "details": {"open"},
}


# The image addresses the renderer itself wrote for the body being sanitised: the
# vault's own published images. Sanitising runs synchronously, one body at a time.
_IMAGE_SOURCES: ContextVar[frozenset[str]] = ContextVar("vk_image_sources", default=frozenset())


def _attribute_filter(tag: str, attribute: str, value: str) -> str | None:
    # An <img> keeps its src only when it is one of the vault's published images. Any
    # other address, even a relative one written as raw HTML in a note, would be a
    # request the site never meant (to another host, a tracking pixel, or a file the
    # build did not publish).
    if tag == "img" and attribute == "src" and value not in _IMAGE_SOURCES.get():
        return None
    return value


_CLEANER = nh3.Cleaner(
    tags=ALLOWED_TAGS,
    clean_content_tags={"script", "style"},
    attributes=ALLOWED_ATTRIBUTES,
    attribute_filter=_attribute_filter,
    generic_attribute_prefixes={"data-vk"},
    url_schemes={"http", "https", "mailto", "tel"},
    link_rel=None,
    strip_comments=True,
)


def sanitize(html: str, image_sources: frozenset[str] = frozenset()) -> str:
    token = _IMAGE_SOURCES.set(image_sources)
    try:
        return _CLEANER.clean(html)
    finally:
        _IMAGE_SOURCES.reset(token)


PRIVATE_MARKER = '<span class="vk-private" title="a note that is not published">private note</span>'


class LinkView(NamedTuple):
    """How one link renders, decided by the page builder.

    `href` None with `state` "unresolved": styled as a missing note; "private": the
    target exists but is not published, so nothing of it shows, not its title nor the
    words the link was written with (they usually name it): a neutral marker instead;
    "hidden": plain text (links inside an embedded note). (A named tuple: a frozen
    dataclass's __init__ sets each field through object.__setattr__, and a build makes
    one for each link target of each folder: 20% of resolving a 10k vault's links.)
    """

    state: str  # "ok" | "unresolved" | "private" | "hidden"
    href: str | None = None
    preview: str | None = None  # key into the page's preview table
    is_image: bool = False
    title: str | None = None
    download: bool = False  # an attachment that could run script: `download`, never opened


# (linkpath, subpath, kind) -> LinkView; the builder resolves with the index's resolver.
LinkLookup = Callable[[str, str, str], LinkView]
# target note path -> (title, body markdown) for embeds, or None
EmbedLookup = Callable[[str, str], tuple[str, str, str] | None]


class _Renderer(RendererHTML):
    pass


def _renderer() -> _Renderer:
    renderer = _Renderer()
    rules = {
        "wikilink": _render_wikilink,
        "vk_tag": _render_tag,
        "vk_comment": lambda self, *args: "",
        "heading_open": _render_heading_open,
        "link_open": _render_link_open,
        "link_close": _render_link_close,
        "image": _render_image,
        "blockquote_open": _render_blockquote_open,
        "blockquote_close": _render_blockquote_close,
    }
    for name, rule in rules.items():
        renderer.rules[name] = rule.__get__(renderer)  # as markdown-it's add_render_rule binds them
    return renderer



def render_body(
    body: str,
    lookup: LinkLookup,
    tag_href: Callable[[str], str],
    embed: EmbedLookup | None = None,
    fast: bool = True,
    written: dict[str, str] | None = None,
) -> str:
    """A note body (no front matter) as sanitised HTML.

    The pieces of plain prose are written by `fastrender` (the same HTML, several times
    faster); the rest is parsed, rendered and sanitised piece by piece, which gives what
    doing so for the whole body gives: the pieces share no open element (`fastrender.
    segments` cuts only where the block state starts afresh; a piece with raw HTML sends
    the whole body the slow way). Slow pieces in a row are parsed together.
    `fast=False` does the whole body the slow way (embedded notes' too), as the tests'
    reference. `written`: each `[[link]]`'s HTML by its text, kept for (and shared with)
    bodies whose `lookup` answers alike and whose lookups need not be made again."""
    def new_env() -> dict:
        return {"vk_lookup": lookup, "vk_tag_href": tag_href, "vk_embed": embed, "vk_ids": {}, "vk_images": set(),
                "vk_fast": fast}

    pieces = segments(body) if fast else None
    if pieces is not None:
        env, out, slow = new_env(), [], []  # slow: pieces in a row for markdown-it-py, parsed at once
        embedded = []

        def embedding(linkpath: str, subpath: str) -> str | None:
            found = embed(linkpath, subpath) if embed else None
            if found is not None:
                embedded.append(found)
                return _embedded_note(found, env)
            return None

        links = Links(lookup, tag_href, embedding, env["vk_images"], written)

        def simple(piece: str, ids: dict[str, int]) -> str | None:
            # A piece with an embedded note holds HTML markdown-it-py wrote (the embedded
            # note's, and a <div> in a <p>): it is sanitised like the slow pieces, which
            # still skips parsing and rendering it.
            embedded.clear()
            html = render_simple(piece, links, ids)
            return sanitize(html, frozenset(links.images)) if html is not None and embedded else html

        def one(piece: str | None) -> bool:
            """Render a piece (None: the end), or keep it for markdown-it-py with the slow
            pieces before it; False when those hold raw HTML (then the whole body goes the
            slow way: an element opened in one piece may close in another)."""
            nonlocal slow
            # (Its headings are counted after any slow pieces before it: on a copy until then.)
            ids = dict(env["vk_ids"]) if slow else env["vk_ids"]
            html = simple(piece, ids) if piece is not None else ""
            if html is None:
                slow.append(piece)
                return True
            if slow:
                done = _render_slowly("\n".join(slow), env, whole=False)
                if done is None:
                    return False
                out.append(done)
                slow = []
                if piece is not None:  # again, with the headings of the slow pieces before it counted
                    html = simple(piece, env["vk_ids"])
            out.append(html)
            return True

        for unit in runs(pieces):
            if type(unit) is str:
                if not one(unit):
                    break
                continue
            # Pieces in a row that fastrender may write at once (`runs`): one pass for all.
            html = render_simple(unit[0], links, env["vk_ids"], blank_lines=True) if not slow else None
            if html is not None:
                out.append(html)
            elif not all(one(piece) for piece in unit[1]):
                break
        else:
            if one(None):
                return "".join(out)
    return _render_slowly(body, new_env())


_RAW_HTML = ("html_block", "html_inline")


def _render_slowly(body: str, env: dict, whole: bool = True) -> str | None:
    """Parse, render and sanitise; a piece (not `whole`) holding raw HTML gives None."""
    md = markdown()
    tokens = md.parse(body, env)
    if not whole and any(
        token.type in _RAW_HTML or (token.children and any(c.type in _RAW_HTML for c in token.children))
        for token in tokens
    ):
        return None
    _mark_callouts(tokens)
    _hide_block_ids(tokens)
    html = _RENDERER.render(tokens, md.options, env)
    return sanitize(html, frozenset(env["vk_images"]))


def excerpt_text(body: str, limit: int = 280, hidden: frozenset[str] = frozenset()) -> str:
    """The first words of a note as plain text: for previews and embeds' fallbacks."""
    return shortened(plain_text(body, hidden), limit)


def shortened(text: str, limit: int = 280) -> str:
    """Plain text cut to `limit` characters at a word, with an ellipsis: the same for any
    text that starts with the same `limit` characters (a note's search text, say)."""
    return text if len(text) <= limit else text[: limit - 1].rsplit(" ", 1)[0] + "…"


# What plain text drops: wiki-links and embeds but their shown words, single marks
# (`#*_>`~`), list markers, block ids, `%%` comments and HTML tags, each as a space. Read
# left to right, as one `sub` of `!?\[\[(...\|)?(...)\]\]|[#*_>`~]|^\s*[-+]\s|%%.*?%%|<[^>]*>|(?<!\S)\^id$`
# would (tests/test_site_fastrender.py holds the two equal), but with no Python call
# per match: neither a mark nor a list marker starts where another of these may (so
# none changes where the others are found), and a list marker's `-` is the first
# character on its line but spaces. Marks and list markers become spaces in place,
# keeping every offset, and the links, comments and tags are then cut out at the
# offsets where the text as written has them.
_LIST_MARKER = re.compile(r"(\n\s*)[-+](?=\s)")
# A block id (`^id` ending a line, after a space): Obsidian shows it on no page, and it
# is no word to search for. Found in the text as written (a mark before it is no space).
_BLOCK_ID_AT_END = re.compile(r"(?<!\S)" + BLOCK_ID + r"(?=[ \t]*$)", re.MULTILINE)


def _links_comments_tags(body: str, comments_and_tags: bool):
    """(start, end, shown words or None) of each match of `\\[\\[(?:[^\\]|]*\\|)?([^\\]]*)\\]\\]`
    (and, with `comments_and_tags`, of `%%.*?%%` and `<[^>]*>`, DOTALL), as that pattern's
    `finditer` finds them, in time linear in the body. The pattern tries every `[[`, `%%`
    and `<` and reads on to its closer: on a run of openers with no closer (`[[[[...`) that
    is quadratic. But an opener's match can only end at the first `]` (`%%`, `>`) after
    it, the same for every opener before that closer: found once, kept while it is ahead."""
    openers = ("[[", "%%", "<") if comments_and_tags else ("[[",)
    closers = ("]", "%%", ">")
    skip = (2, 2, 1)  # where the search for the closer starts, after the opener
    next_opener = [body.find(opener) for opener in openers]
    next_closer = [-2, -2, -2]  # (-2: not looked for yet; -1: none in the rest of the body)
    pos = 0
    while True:
        for kind, at in enumerate(next_opener):
            if 0 <= at < pos:
                next_opener[kind] = at = body.find(openers[kind], pos)
        found = [at for at in next_opener if at >= 0]
        if not found:
            return
        start = min(found)
        for kind, opener in enumerate(openers):
            if next_opener[kind] != start:
                continue
            after = start + skip[kind]
            close = next_closer[kind]
            if close == -2 or (close >= 0 and close < after):
                close = next_closer[kind] = body.find(closers[kind], after)
            if close < 0:
                continue
            if kind == 0:
                if not body.startswith("]]", close):
                    continue
                inner = body[start + 2:close]
                yield start, close + 2, inner.split("|", 1)[1] if "|" in inner else inner
            else:
                yield start, close + len(closers[kind]), None
            pos = close + len(closers[kind]) + (1 if kind == 0 else 0)
            break
        else:
            pos = start + 1


def plain_text(body: str, hidden: frozenset[str] = frozenset()) -> str:
    """Body text with the Markdown marks and block ids removed, whitespace collapsed (for search).

    `hidden`: lowercased linkpaths of links to notes that are not published; their
    words (which usually name the note) become the same marker the pages show.
    """
    marked = _LIST_MARKER.sub(r"\1 ", "\n" + body)[1:]
    for mark in "#*_>`~":
        marked = marked.replace(mark, " ")
    if "^" in body:
        pieces, done = [], 0
        for match in _BLOCK_ID_AT_END.finditer(body):
            pieces += (marked[done:match.start()], " " * (match.end() - match.start()))
            done = match.end()
        marked = "".join(pieces) + marked[done:]
    if "[[" not in body and "%%" not in body and "<" not in body:
        return " ".join(marked.split())
    out, done = [], 0
    for at, end, shown in _links_comments_tags(body, "%%" in body or "<" in body):
        if shown is not None and at and body[at - 1] == "!":
            at -= 1  # an embed (a `!` is never the last character of a match)
        out.append(marked[done:at])
        if shown is None:
            out.append(" ")
        elif hidden and split_wikilink(body[at + 2 + (body[at] == "!"):end - 2])[0].lower() in hidden:
            out.append(" private note ")
        else:
            out.append(shown)
        done = end
    out.append(marked[done:])
    return " ".join("".join(out).split())


_HEADING = re.compile(r"^(#{1,6})\s+(.*?)\s*#*\s*$")


def section(body: str, subpath: str) -> str:
    """The part of `body` an embed shows: under heading `#Heading` (to the next heading as
    high), the block `#^id`, or all of it (no subpath, or none found)."""
    if subpath.startswith("#^"):
        found = block(body, subpath[2:])
        return found if found is not None else body
    if not subpath.startswith("#"):
        return body
    wanted = subpath.lstrip("#").split("#")[-1].strip().lower()
    lines = body.split("\n")
    start, level = None, 0
    for number, line in enumerate(lines):
        match = _HEADING.match(line) if line.startswith("#") else None
        if not match:
            continue
        if start is None and match.group(2).strip().lower() == wanted:
            start, level = number + 1, len(match.group(1))
        elif start is not None and len(match.group(1)) <= level:
            return "\n".join(lines[start:number])
    return "\n".join(lines[start:]) if start is not None else body


_LIST_ITEM = re.compile(r"^[ \t]*(?:[-*+]|[0-9]{1,9}[.)])[ \t]")


def block(body: str, block_id: str) -> str | None:
    """The block `^block_id` names, without its id, as Obsidian embeds it: the paragraph
    whose last line ends with the id (or the list item), or the block (a list, quote or
    table) before an id on a line of its own. None when no block has that id."""
    marker = "^" + block_id
    lines = body.split("\n")
    for number, line in enumerate(lines):
        text = line.rstrip(" \t")
        if not text.endswith(marker):
            continue
        match = BLOCK_ID_RE.search(text)
        if match is None or match.group(1) != block_id:
            continue
        if text.strip() == marker:  # the block before it, across blank lines
            end = number
            while end and not lines[end - 1].strip():
                end -= 1
            start = end
            while start and lines[start - 1].strip():
                start -= 1
            return "\n".join(lines[start:end]) if end > start else None
        content = text[: match.start()].rstrip()
        if _LIST_ITEM.match(text):
            return content.lstrip(" \t")
        start = number  # the paragraph: back to a blank line or a heading
        while start and lines[start - 1].strip() and not lines[start - 1].lstrip().startswith("#"):
            start -= 1
        return "\n".join([*lines[start:number], content])
    return None


# -- render rules ---------------------------------------------------------------


def _render_wikilink(self, tokens, idx, options, env) -> str:
    meta = tokens[idx].meta
    linkpath, subpath, kind = meta["linkpath"], meta["subpath"], meta["kind"]
    shown = meta["display"] if meta["display"] is not None else linkpath + (subpath if not linkpath else "")
    if not shown and subpath:
        shown = subpath.lstrip("#^")
    view: LinkView = env["vk_lookup"](linkpath, subpath, kind)
    if view.state == "private":
        return PRIVATE_MARKER
    if kind == "embed" and view.state == "ok":
        if view.is_image:
            alt = meta["display"] if meta["display"] is not None else linkpath
            env["vk_images"].add(view.href)
            return f'<img class="vk-embed-image" src="{escape(view.href)}" alt="{escape(alt)}">'
        embed = env.get("vk_embed")
        found = embed(linkpath, subpath) if embed else None
        if found is not None:
            return _embedded_note(found, env)
    if view.state == "ok":
        preview = f' data-vk-preview="{escape(view.preview)}"' if view.preview else ""
        download = ' download=""' if view.download else ""
        return f'<a class="vk-link" href="{escape(view.href)}"{preview}{download}>{escape(shown)}</a>'
    if view.state == "unresolved":
        return f'<span class="vk-unresolved" title="no note yet">{escape(shown)}</span>'
    return escape(shown)


def _embedded_note(found: tuple[str, str, str], env: dict) -> str:
    """An embedded note (`EmbedLookup`'s title, text and address), before sanitising."""
    title, inner_body, target_href = found
    inner = _render_embedded(inner_body, env)
    return (
        f'<div class="vk-embed"><div class="vk-embed-title"><a class="vk-link" href="{escape(target_href)}">'
        f"{escape(title)}</a></div>{inner}</div>"
    )


def _render_embedded(body: str, outer_env: dict) -> str:
    """An embedded note's text, one level deep: its own embeds and links show as text."""
    md = markdown()

    def flat(linkpath: str, subpath: str, kind: str) -> LinkView:
        return LinkView("hidden")

    env = {
        "vk_lookup": flat,
        "vk_tag_href": outer_env["vk_tag_href"],
        "vk_embed": None,
        "vk_ids": outer_env["vk_ids"],
        "vk_in_embed": True,
        "vk_images": outer_env["vk_images"],
    }
    pieces = segments(body) if outer_env.get("vk_fast", True) else None
    links = Links(flat, outer_env["vk_tag_href"])
    out = []
    for piece in pieces if pieces is not None else [body]:
        # Plain pieces as the sanitiser writes them, the others as markdown-it does: the
        # page's sanitiser reads both alike (it parses each to the same elements and text).
        html = render_simple(piece, links, None) if pieces is not None else None
        if html is None:
            tokens = md.parse(piece, env)
            _mark_callouts(tokens)
            _hide_block_ids(tokens)
            html = _RENDERER.render(tokens, md.options, env)
        out.append(html)
    return "".join(out)


def _render_tag(self, tokens, idx, options, env) -> str:
    tag = tokens[idx].content
    return f'<a class="vk-tag" href="{escape(env["vk_tag_href"](tag))}">#{escape(tag)}</a>'


def _render_heading_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    inline = tokens[idx + 1] if idx + 1 < len(tokens) else None
    if inline is not None and inline.type == "inline" and not env.get("vk_in_embed"):
        anchor = heading_anchor(inline.content)
        ids = env["vk_ids"]
        count = ids.get(anchor, 0)
        ids[anchor] = count + 1
        token.attrSet("id", anchor if not count else f"{anchor}-{count}")
    return self.renderToken(tokens, idx, options, env)


def _internal(href: str) -> bool:
    return bool(href) and not SCHEME_RE.match(href) and not href.startswith("//") and not href.startswith("#")


def _split_href(href: str) -> tuple[str, str]:
    href = unquote(href)
    at = href.find("#")
    return (href, "") if at < 0 else (href[:at], href[at:])


def _render_link_open(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    href = token.attrGet("href") or ""
    if _internal(href):
        linkpath, subpath = _split_href(href)
        view: LinkView = env["vk_lookup"](linkpath.strip(), subpath, "link")
        _close_for(tokens, idx).meta["vk_state"] = view.state
        if view.state == "ok":
            preview = f' data-vk-preview="{escape(view.preview)}"' if view.preview else ""
            download = ' download=""' if view.download else ""
            return f'<a class="vk-link" href="{escape(view.href)}"{preview}{download}>'
        if view.state == "unresolved":
            return '<span class="vk-unresolved" title="no note yet">'
        if view.state == "private":
            close = _close_for(tokens, idx)
            for inner in tokens[idx + 1 :]:
                if inner is close:
                    break
                inner.type, inner.content, inner.children = "text", "", None
            return PRIVATE_MARKER[: -len("</span>")]
        return "<span>"
    if SCHEME_RE.match(href) or href.startswith("//"):
        token.attrSet("class", "vk-external")
    return self.renderToken(tokens, idx, options, env)


def _render_link_close(self, tokens, idx, options, env) -> str:
    state = tokens[idx].meta.get("vk_state") if tokens[idx].meta else None
    if state in ("unresolved", "hidden", "private"):
        return "</span>"
    return "</a>"


def _close_for(tokens, idx):
    depth = 0
    for token in tokens[idx:]:
        if token.type == "link_open":
            depth += 1
        elif token.type == "link_close":
            depth -= 1
            if depth == 0:
                return token
    return tokens[idx]


def _render_image(self, tokens, idx, options, env) -> str:
    token = tokens[idx]
    src = token.attrGet("src") or ""
    alt = self.renderInlineAsText(token.children or [], options, env)
    if _internal(src):
        linkpath, subpath = _split_href(src)
        view: LinkView = env["vk_lookup"](linkpath.strip(), subpath, "embed")
        if view.state == "ok" and view.is_image:
            env["vk_images"].add(view.href)
            return f'<img src="{escape(view.href)}" alt="{escape(alt)}">'
        if view.state == "private":
            return PRIVATE_MARKER
        return escape(alt)
    # An image from another host would be a request to it: show a link instead.
    if SCHEME_RE.match(src) or src.startswith("//"):
        return f'<a class="vk-external" href="{escape(src)}">{escape(alt or src)}</a>'
    return escape(alt)


def _hide_block_ids(tokens) -> None:
    """Drop the `^id` that ends a paragraph or a list item (Obsidian does not show it):
    as fastrender.without_block_id cuts it from the inline text as written. Not in quotes
    and callouts, whose lines cannot be linked one by one."""
    quoted, dropped = 0, set()
    for idx, token in enumerate(tokens):
        if token.type == "blockquote_open":
            quoted += 1
        elif token.type == "blockquote_close":
            quoted -= 1
        elif (token.type == "inline" and not quoted and idx and tokens[idx - 1].type == "paragraph_open"
              and "^" in token.content and (found := BLOCK_ID_RE.search(token.content))):
            children = token.children or []
            marker = "^" + found.group(1)
            last = children[-1] if children else None
            text = last.content.rstrip(" \t") if last is not None and last.type == "text" else ""
            if not text.endswith(marker):
                continue  # (the id as written is not the text it ends with: an escape, say)
            text = text[: -len(marker)].rstrip(" \t")
            if text:
                last.content = text
                continue
            children.pop()
            if children and children[-1].type in ("softbreak", "hardbreak"):
                children.pop()
            token.children = children
            if not children:  # only an id: the paragraph goes (hiding it would leave a line break)
                dropped.update((idx - 1, idx, idx + 1))
    if dropped:
        tokens[:] = [token for idx, token in enumerate(tokens) if idx not in dropped]


def _mark_callouts(tokens) -> None:
    """`> [!note] Title` blockquotes become callouts: mark them and drop the marker line."""
    stack = []
    for idx, token in enumerate(tokens):
        if token.type == "blockquote_open":
            stack.append(token)
            if idx + 2 < len(tokens) and tokens[idx + 1].type == "paragraph_open" and tokens[idx + 2].type == "inline":
                inline = tokens[idx + 2]
                first_line, _, rest = inline.content.partition("\n")
                match = CALLOUT_RE.match(first_line.strip())
                if match:
                    kind = match.group(1).lower()
                    title = match.group(3).strip() or kind.capitalize()
                    token.meta["callout"] = (kind, title, match.group(2))
                    children = inline.children or []
                    cut = next((i for i, c in enumerate(children) if c.type in ("softbreak", "hardbreak")), None)
                    inline.children = children[cut + 1 :] if cut is not None else []
                    inline.content = rest
                    if not inline.children:
                        tokens[idx + 1].hidden = True
                        tokens[idx + 3].hidden = True if idx + 3 < len(tokens) else False
        elif token.type == "blockquote_close" and stack:
            opener = stack.pop()
            if "callout" in opener.meta:
                token.meta["callout"] = opener.meta["callout"]


def _render_blockquote_open(self, tokens, idx, options, env) -> str:
    callout = tokens[idx].meta.get("callout") if tokens[idx].meta else None
    if not callout:
        return self.renderToken(tokens, idx, options, env)
    kind, title, fold = callout
    tag = "details" if fold else "div"
    opened = " open" if fold == "+" else ""
    head = f'<summary class="callout-title">{escape(title)}</summary>' if fold else (
        f'<div class="callout-title">{escape(title)}</div>'
    )
    return f'<{tag} class="callout callout-{escape(kind)}"{opened}>{head}<div class="callout-body">'


def _render_blockquote_close(self, tokens, idx, options, env) -> str:
    callout = tokens[idx].meta.get("callout") if tokens[idx].meta else None
    if not callout:
        return self.renderToken(tokens, idx, options, env)
    return "</div></details>" if callout[2] else "</div></div>"


_RENDERER = _renderer()
