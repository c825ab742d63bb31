"""A fast path beside markdown-it-py for the site: most of a note is plain prose.

Parsing and rendering a note with markdown-it-py, then sanitising the HTML with
nh3, costs a few milliseconds: most of a cold build. Like the index's
`vaultkit.fastscan` (whose chunking it reuses), this module writes the chunks
made only of simple lines (paragraphs, ATX headings, single-line list items,
simple quotes and callouts, holding text, wiki-links, tags, code spans, simple
Markdown links and autolinks to web addresses), and
chunks that are one fence, one table or one `%%` comment, straight to the HTML
that markdown-it-py, our render rules and then the sanitiser would produce, byte
for byte; every other chunk goes the slow way. tests/test_site_fastrender.py
holds the two equal with hypothesis.

Why the sanitiser may be skipped here: the HTML is made only of our own elements
and attributes; every character of the note goes through `_text` or `_attribute`
(a piece with a `<` other than an autolink's or a link destination's is not even
read here, and the inline scanner gives up on any other), and every address is one
the site computed (relative, never with a scheme: else the piece goes the slow
way) or a web address as markdown-it-py normalises it (`http:` or `https:`, which
the sanitiser keeps). The output is what nh3 would have left of it, written the way its
serialiser writes it.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from urllib.parse import unquote

from ..fastscan import (
    _ATX,
    _COMMENT_OPEN,
    _EMPTY_ITEM,
    _NESTED_START,
    _QUOTE,
    _RULE_LIKE,
    _delimiter_columns,
    _heading_content,
    _scan_table,
    _table_cells,
    split_chunks,
)
from ..markdown import (
    _INLINE_LINK,
    BLOCK_ID_RE,
    SCHEME_RE,
    TAG_RE,
    _destination,
    _normalize_link,
    markdown,
    split_wikilink,
)
from .urls import heading_anchor

CALLOUT_RE = re.compile(r"^\[!([A-Za-z][\w-]*)\]([+-]?)[ \t]*(.*)$")  # as render.CALLOUT_RE

# A chunk opening with a line that may be a list item may carry on a list of the chunk
# before (across the blank line, making it loose): when that chunk may hold a top-level
# list (a line that may open one), the two are rendered together.
_LIST_LIKE = re.compile(r"^ {0,3}(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)", re.MULTILINE)
# Line kinds of a simple chunk (as vaultkit.fastscan reads them).
_BULLET = re.compile(r"^([-*+]) (?=[^ \t])")
_ORDERED = re.compile(r"^([0-9]{1,9})([.)]) (?=[^ \t])")  # ASCII digits only, as markdown-it reads them
# In a chunk: what only markdown-it-py may read (HTML, escapes, math, tabs, control
# characters, whitespace other than space and newline, and `~~~`); a table's: comments
# too. (Each pattern here is one character class, a literal or a literal first: Python's
# `re` searches those several times faster than alternatives, and every piece's text is
# searched with them.)
ODD_SPACE = "\x85\xa0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000"  # and \t\r\v\f\x1c-\x1f: [^\S \n]
_HARD_CHARS = re.compile(f"[<\\\\$\\x00-\\x09\\x0b-\\x1f\\x7f{ODD_SPACE}]")
_HARD_TABLE_CHARS = re.compile(f"[<\\\\$%\\x00-\\x09\\x0b-\\x1f\\x7f{ODD_SPACE}]")


def _hard_chunk(text: str, table: bool = False) -> bool:
    return (_HARD_TABLE_CHARS if table else _HARD_CHARS).search(text) is not None or "~~~" in text


# A fenced code block at the top level, and the line that closes it.
_FENCE_OPEN = re.compile(r"^(`{3,}|~{3,})(.*)$")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")
_FENCE_HARD = re.compile(r"[\x00-\x08\x0b-\x1f\x7f\\&]")
_ENTITY = re.compile(r"&[#A-Za-z0-9]")


def _marked_inline(text: str) -> bool:
    """Whether inline text holds what any inline rule but text, newline, wiki-link and tag
    could take (emphasis, strikethrough, links and images, entities)."""
    return ("*" in text or "_" in text or "~" in text or "](" in text or "][" in text
            or ("&" in text and _ENTITY.search(text) is not None))


# The `<` the inline scanner takes: an autolink to a web address whose every character
# the address keeps as written (no space, bracket, backtick, `%`, `$`, backslash or
# `&`), and a link's destination written in `<...>` (as markdown.\_INLINE_LINK reads it).
_AUTOLINK = re.compile(r"<(https?://[^<>\x00-\x20\[\]`%$\\&\x7f]*)>")
_ANGLED = re.compile(r"<https?://[^<>\x00-\x20\[\]`%$\\&\x7f]*>|\]\(<[^<>\n\\&]*>\)")
# A simple link's text that is its display as written (markdown.\_PLAIN_LABEL, and no
# code span that could run past its `]`).
_LINK_LABEL = re.compile(r"[^#*_~&%`]*")
# The first characters of every line a block rule may read as more than paragraph text
# (headings, list items, quotes, rules, setext underlines, tables, fences, indented code).
_MARKED = " \t#-*+>_=|:`~0123456789"
_DIGITS = "0123456789"
# The first characters of a line fastscan._RULE_LIKE may match (but spaces and tabs,
# taken before), and of content (an item's, a quoted line's) that _NESTED_START or
# _RULE_LIKE may match.
_RULE_FIRST = "-*_=|:+"
_NESTED_FIRST = ">-*+#0123456789 \t_=|:"
_BACKTICKS = re.compile(r"`+")
# The first characters of where an inline rule other than text may start: a wiki-link
# or an embed, a simple link, a tag, a code span, a comment, an autolink or HTML.
_STARTS = re.compile(r"[!\[#`%<]")


def segments(body: str) -> list[str] | None:
    """The body cut where markdown-it-py's block state provably starts afresh, or None.

    Each piece renders to the same HTML alone as it does within the body (headings'
    ids aside, which the renderer numbers across pieces). A chunk that may continue a
    list of the chunk before it stays with it.
    """
    chunks = split_chunks(body)
    if chunks is None:
        return None
    pieces: list[list[str]] = []  # each piece's chunks, joined at the end: a list of many loose items is one piece
    listy = False  # whether the last piece may hold a top-level list
    for _, text in chunks:
        if listy and _LIST_LIKE.match(text):
            pieces[-1].append(text)
        else:
            pieces.append([text])
            listy = _LIST_LIKE.search(text) is not None
    return ["\n".join(piece) for piece in pieces]


# A blank line inside a piece (a loose list's): such a piece is written alone.
_BLANK_INSIDE = re.compile(r"\n[ \t]*\n")


def runs(pieces: list[str]) -> list[str | tuple[str, list[str]]]:
    """The pieces, with those in a row that `render_simple(..., blank_lines=True)` may take
    at once as (their text, joined, and the pieces): no piece among them that is a fence,
    a table or a comment (which must open a piece), or embeds a note (sanitised alone), or
    holds a blank line. Pieces render alike alone or together (see `segments`), and a
    blank line between them only ends the blocks open; one pass over many saves a call
    and its checks for each (a note is some twenty pieces, a third of them headings)."""
    out: list[str | tuple[str, list[str]]] = []
    run: list[str] = []
    for piece in [*pieces, None]:
        if piece is not None and piece[:1] not in _ALONE and "![[" not in piece:
            bar, text = piece.find("|"), piece.rstrip("\n")
            if (bar < 0 or "\n" in piece[:bar]) and not ("\n\n" in text or (
                    ("\n " in text or "\n\t" in text) and _BLANK_INSIDE.search(text) is not None)):
                run.append(piece)
                continue
        if len(run) > 1:
            out.append(("\n".join(run), run))  # (each ends its last line: a blank line between)
        else:
            out.extend(run)
        run = []
        if piece is not None:
            out.append(piece)
    return out


_ALONE = "`~%| \t"  # the first characters of a piece `runs` leaves alone ("" too)


def _text(text: str) -> str:
    """Text as nh3's serialiser writes it (markdown-it's `&quot;` comes out as `"`)."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")


def _attribute(text: str) -> str:
    return text.replace("&", "&amp;").replace('"', "&quot;").replace("<", "&lt;").replace(">", "&gt;").replace("\xa0", "&nbsp;")


def _local(address: str) -> bool:
    """An address the sanitiser passes unchanged: relative, no scheme."""
    return not SCHEME_RE.match(address) and not address.startswith("//")


_PRIVATE = '<span class="vk-private" title="a note that is not published">private note</span>'  # render.PRIVATE_MARKER


class _Fallback(Exception):
    """This chunk needs markdown-it-py after all (a link whose address is not local)."""


class Links:
    """What a body's links render with, for all its pieces: render_body's `lookup`
    and `tag_href`; `embed(linkpath, subpath)`, a note's embed as render._render_wikilink
    writes it, before sanitising, or None where it writes a link instead (the caller
    sanitises a piece once it has called `embed` for one; without it, a piece with an
    embedded note goes the slow way); `images`, where the addresses of the images
    embedded are gathered (as render._render_wikilink gathers them, for the sanitiser)."""

    __slots__ = ("lookup", "tag_href", "embed", "images", "written")

    def __init__(self, lookup, tag_href: Callable[[str], str], embed: Callable[[str, str], str | None] | None = None,
                 images: set[str] | None = None, written: dict[str, str] | None = None):
        self.lookup = lookup
        self.tag_href = tag_href
        self.embed = embed
        self.images = images if images is not None else set()
        # Each wiki-link's HTML by its text: a body often links to a note more than once.
        # `written` may be shared by bodies whose links look up alike (render_body).
        self.written: dict[str, str] = written if written is not None else {}


def render_simple(piece: str, links: Links, ids: dict[str, int] | None, blank_lines: bool = False) -> str | None:
    """A piece of simple lines as sanitised HTML, or None to leave it to markdown-it-py.

    `ids` counts heading anchors across the body (only changed when the piece is
    rendered here); None: headings get no id (an embedded note's). `blank_lines`: the
    piece is pieces in a row (`runs`), and a blank line ends the blocks open."""
    lines = piece.split("\n")
    while lines and not lines[-1].strip(" \t"):
        lines.pop()
    if not lines:
        return ""
    if _COMMENT_OPEN.match(lines[0]) and "%%" not in lines[0].lstrip(" ")[2:]:
        # A comment block renders as nothing; what follows its closing line is left to the parser.
        closing = next((n for n in range(1, len(lines)) if "%%" in lines[n]), len(lines) - 1)
        return "" if closing == len(lines) - 1 else None
    fence = _FENCE_OPEN.match(lines[0])
    if fence:
        return _fence(lines, fence.group(1), fence.group(2))
    if len(lines) >= 2 and "|" in lines[0] and _delimiter_columns(lines[1]) is not None:
        try:
            return _table(lines, links)
        except _Fallback:
            return None
    if _hard_chunk(piece) and ("<" not in piece or _hard_chunk(_ANGLED.sub("", piece))):
        return None
    if "%%" in piece and any(line.count("%%") % 2 for line in lines):
        # A comment over a line break, or a line that opens a comment block: `%%` pair
        # from the left (`%%%%c%%` leaves one open), as the comment rule reads them.
        return None
    # Blocks as (kind, data): ("h", level, content), ("p", [lines]), ("q", [lines]),
    # ("ul"/"ol", key, start, [[lines] per item]).
    blocks: list[list] = []
    open_lines: list[str] | None = None  # the lines of the paragraph still open (top, item or quote)
    previous_kind = "start"
    hard = _marked_inline(piece)  # else no line's inline text can hold one
    for line in lines:
        first = line[:1]
        if blank_lines and not line.strip(" \t"):
            open_lines = None
            previous_kind = "start"
            continue
        if first not in _MARKED:  # (nor empty: "" is in every string)
            # Most lines: plain text, which no block rule can take (none starts with its first character).
            if open_lines is not None:
                open_lines.append(line)  # a lazy continuation line
            else:
                open_lines = [line]
                blocks.append(["p", open_lines])
            if hard and _hard_inline(line):
                return None
            previous_kind = "text"
            continue
        # Each rule is tried only on the lines whose first character it can start with.
        if not first or first in " \t" or (first in _RULE_FIRST and _RULE_LIKE.match(line)):
            return None
        heading = _ATX.match(line) if first == "#" else None
        if heading:
            level = len(heading.group(1))
            content = _heading_content(line, level)
            if hard and _hard_inline(content):
                return None
            blocks.append(["h", level, content])
            open_lines = None
            previous_kind = "heading"
            continue
        bullet = _BULLET.match(line) if first in "-*+" else None
        ordered = _ORDERED.match(line) if first in _DIGITS else None
        if bullet or ordered:
            if ordered and ordered.group(1) != "1" and previous_kind in ("text", "quote"):
                return None  # may continue the paragraph: leave it to the parser
            content = line[(bullet or ordered).end():]
            if content[0] in _NESTED_FIRST and (_NESTED_START.match(content) or _RULE_LIKE.match(content)):
                return None
            key = ("ul", bullet.group(1)) if bullet else ("ol", ordered.group(2))
            last = blocks[-1] if blocks else None
            open_lines = [content]
            if last is not None and last[0] in ("ul", "ol") and last[1] == key and previous_kind in ("item", "text"):
                last[3].append(open_lines)
            else:
                start = int(ordered.group(1)) if ordered else 1
                blocks.append([key[0], key, start, [open_lines]])
            kind = "item"
        elif first == ">":
            quote = _QUOTE.match(line)
            if quote is None:
                return None
            content = line[quote.end():]
            if content[0] in _NESTED_FIRST and (_NESTED_START.match(content) or _RULE_LIKE.match(content)):
                return None  # nested blocks
            last = blocks[-1] if blocks else None
            if last is not None and last[0] == "q" and open_lines is last[1]:
                open_lines.append(content)
            else:
                open_lines = [content]
                blocks.append(["q", open_lines])
            kind = "quote"
        else:
            if (first in "-*+" or first in _DIGITS) and _EMPTY_ITEM.match(line):
                return None
            content = line
            if open_lines is not None:
                open_lines.append(content)  # a lazy continuation line
            else:
                open_lines = [content]
                blocks.append(["p", open_lines])
            kind = "text"
        if (hard and _hard_inline(content)) or content.startswith("```"):
            return None  # or a fence
        previous_kind = kind
    try:
        return _blocks_html(blocks, links, ids)
    except _Fallback:
        return None


def _hard_inline(text: str) -> bool:
    """Whether inline text may hold what only markdown-it-py reads (simple links aside:
    `_inline_line` takes them, or gives up)."""
    if not _marked_inline(text):
        return False
    return "](" not in text or _marked_inline(_INLINE_LINK.sub("", text))


def _fence(lines: list[str], marker: str, info: str) -> str | None:
    """A piece that is one fenced code block, closed on its last line."""
    if marker[0] == "`" and "`" in info or _FENCE_HARD.search(info):
        return None  # not a fence, or an info string with escapes or entities
    for number in range(1, len(lines)):
        closing = _FENCE_CLOSE.match(lines[number])
        if closing and closing.group(1)[0] == marker[0] and len(closing.group(1)) >= len(marker):
            break
    else:
        return None  # runs to the end of the note
    if number != len(lines) - 1:
        return None
    code = "".join(line + "\n" for line in lines[1:-1])
    if _FENCE_HARD.search(code.replace("\\", "").replace("&", "")):
        return None  # control characters
    language = info.strip().split()[0] if info.strip() else ""
    opening = f'<pre><code class="language-{_attribute(language)}">' if language else "<pre><code>"
    return opening + _text(code) + "</code></pre>\n"


def _table(lines: list[str], links: Links) -> str | None:
    """A piece that is one table, as fastscan reads it (the alignment's style attribute
    is one the sanitiser removes)."""
    if _scan_table(lines, 0, collect=False) is None or _hard_chunk("\n".join(lines).replace("\\|", ""), table=True):
        return None
    width = _delimiter_columns(lines[1])
    out = ["<table>\n<thead>\n<tr>\n"]
    for cell in _table_cells(lines[0]):
        out.append(f"<th>{_cell(cell, links)}</th>\n")
    out.append("</tr>\n</thead>\n")
    if len(lines) > 2:
        out.append("<tbody>\n")
        for line in lines[2:]:
            cells = _table_cells(line)
            out.append("<tr>\n")
            for number in range(width):
                text = cells[number] if number < len(cells) else ""
                out.append(f"<td>{_cell(text, links)}</td>\n")
            out.append("</tr>\n")
        out.append("</tbody>\n")
    out.append("</table>\n")
    return "".join(out)


def _cell(text: str, links: Links) -> str:
    text = text.strip(" \t")
    if _marked_inline(text):
        raise _Fallback
    return _inline_line(text, links)


def _blocks_html(blocks: list[list], links: Links, ids: dict[str, int]) -> str:
    out: list[str] = []
    anchors: list[tuple[str, int]] = []  # heading ids given here, counted into `ids` only at the end
    counts = dict(ids or ())
    for block in blocks:
        kind = block[0]
        if kind == "p":
            content = without_block_id("\n".join(block[1]).strip())
            if content:  # (else only a block id: nothing shows)
                out.append("<p>" + _inline(content, links) + "</p>\n")
        elif kind == "h":
            level, content = block[1], block[2]
            if ids is None:
                out.append(f"<h{level}>{_inline(content, links)}</h{level}>\n")
                continue
            anchor = heading_anchor(content)
            count = counts.get(anchor, 0)
            counts[anchor] = count + 1
            anchors.append((anchor, count))
            name = anchor if not count else f"{anchor}-{count}"
            out.append(f'<h{level} id="{_attribute(name)}">{_inline(content, links)}</h{level}>\n')
        elif kind == "q":
            content = "\n".join(block[1]).strip()
            first, _, rest = content.partition("\n")
            callout = CALLOUT_RE.match(first.strip())
            if callout is None:
                out.append("<blockquote>\n<p>" + _inline(content, links) + "</p>\n</blockquote>\n")
                continue
            # render._mark_callouts and the blockquote rules: the marker line becomes the title.
            if "`" in first:
                raise _Fallback  # a code span could run past the marker line
            name, fold = callout.group(1).lower(), callout.group(2)
            title = _text(callout.group(3).strip() or name.capitalize())
            inner = "<p>" + _inline(rest, links) + "</p>\n" if rest else ""
            if fold:
                opened = ' open=""' if fold == "+" else ""
                out.append(f'<details class="callout callout-{_attribute(name)}"{opened}><summary class="callout-title">'
                           f'{title}</summary><div class="callout-body">{inner}</div></details>')
            else:
                out.append(f'<div class="callout callout-{_attribute(name)}"><div class="callout-title">{title}</div>'
                           f'<div class="callout-body">{inner}</div></div>')
        else:
            start = block[2]
            out.append("<ul>\n" if kind == "ul" else ("<ol>\n" if start == 1 else f'<ol start="{start}">\n'))
            for item in block[3]:
                out.append("<li>" + _inline(without_block_id("\n".join(item).strip()), links) + "</li>\n")
            out.append("</ul>\n" if kind == "ul" else "</ol>\n")
    if ids is not None:
        ids.update(counts)
    return "".join(out)


def without_block_id(content: str) -> str:
    """A paragraph's (or list item's) inline text without the `^id` that ends it, which
    Obsidian does not show (render._hide_block_ids does the same to markdown-it's tokens)."""
    if "^" not in content:
        return content
    match = BLOCK_ID_RE.search(content)
    return content if match is None else content[: match.start()].rstrip(" \t")


def _inline(content: str, links: Links) -> str:
    """Inline text of text, soft and hard line breaks, wiki-links and tags, as the inline
    rules tokenise it (the same scan as markdown.extract_plain_inline)."""
    if "\n" in content:
        lines = content.split("\n")
        later = _last_runs(lines) if "`" in content else None
        parts = []
        for number, line in enumerate(lines):
            if number < len(lines) - 1:
                stripped = line.rstrip(" ")
                parts.append(_inline_line(stripped, links, later, number))
                parts.append("<br>\n" if len(line) - len(stripped) >= 2 else "\n")
            else:
                parts.append(_inline_line(line, links))
        return "".join(parts)
    return _inline_line(content, links)


def _last_runs(lines: list[str]) -> dict[int, int]:
    """The last line holding a backtick run of each length: whether a code span may close
    on a later line is then one look-up, however many lines follow."""
    last: dict[int, int] = {}
    for number, line in enumerate(lines):
        if "`" in line:
            for run in _BACKTICKS.finditer(line):
                last[run.end() - run.start()] = number
    return last


def _inline_line(content: str, links: Links, later: dict[int, int] | None = None, number: int = 0) -> str:
    """One line of inline text, line `number` of an inline text whose backtick runs are
    `later` (`_last_runs`; None: no line after it holds one)."""
    found = _STARTS.search(content)
    if found is None:
        return _text(content)
    out: list[str] = []
    size, text_from = len(content), 0
    # The text between links as it stands, when it has nothing to escape (most lines).
    text = _text if "&" in content or "<" in content or ">" in content or "\xa0" in content else str
    has_links = "](" in content  # else a `[` alone opens no simple link
    # The first `]]` and `[[` at or after some earlier opening, and each backtick run's
    # starts by length with how many of them lie behind: found again only once passed,
    # so that a line of ten thousand `[[` or backtick runs is read once, not once for each.
    close, nested, runs = -2, -2, None
    while found is not None:
        at = found.start()
        first = content[at]
        pos = at + 1  # where to look next, unless a rule below takes more
        if first == "[" or first == "!":
            if content.startswith("[[", at) or content.startswith("![[", at):
                # A wiki-link or an embed.
                embed = first == "!"
                opening = at + (3 if embed else 2)
                if close != -1 and close < opening:
                    close = content.find("]]", opening)
                if nested != -1 and nested < opening:
                    nested = content.find("[[", opening)
                # (no `]]`, or a `[[` inside: `[[a [[b]]` links b)
                if close < 0 or 0 <= nested <= close - 2 or not content[opening:close].strip():
                    if embed:
                        raise _Fallback  # then `![` may open an image
                    pos = opening - 1  # the second `[` may open a link
                else:
                    out.append(text(content[text_from:at]))
                    out.append(_wikilink(content[opening:close], links, "embed" if embed else "link"))
                    pos = text_from = close + 2
            elif first == "[" and has_links:
                simple = _INLINE_LINK.match(content, at)
                if simple is not None:
                    out.append(text(content[text_from:at]))
                    out.append(_markdown_link(simple, content, links.lookup))
                    pos = text_from = simple.end()
        elif first == "#":
            # The start of a line follows a newline, or starts the inline text: both let a tag open.
            if at == 0 or content[at - 1].isspace():
                match = TAG_RE.match(content, at)
                if match and not match.group(1).isdigit():
                    out.append(text(content[text_from:at]))
                    tag = match.group(1)
                    out.append(f'<a class="vk-tag" href="{_address(links.tag_href(tag))}">#{text(tag)}</a>')
                    pos = text_from = match.end()
        elif first == "`":
            # markdown-it's backtick rule: the run closes at the next run as long, else is text.
            run = _BACKTICKS.match(content, at).end() - at
            if runs is None:
                runs = {}
                for match in _BACKTICKS.finditer(content):
                    runs.setdefault(match.end() - match.start(), [0]).append(match.start())
            starts = runs[run]  # [how many lie behind, start, start, ...]
            while starts[0] + 1 < len(starts) and starts[starts[0] + 1] <= at:
                starts[0] += 1
            if starts[0] + 1 == len(starts):  # no run as long after it
                if later is not None and later.get(run, -1) > number:
                    raise _Fallback  # a code span over a line break
                pos = at + run
            else:
                closer = starts[starts[0] + 1]
                code = content[at + run:closer]
                if code.startswith(" ") and code.endswith(" ") and code.strip():
                    code = code[1:-1]
                out.append(text(content[text_from:at]))
                out.append("<code>" + text(code) + "</code>")
                pos = text_from = closer + run
        elif first == "%":
            if content.startswith("%%", at):
                # The comment rule: to the next `%%` (always on this line: see render_simple).
                close = content.find("%%", at + 2)
                if close < 0:
                    raise _Fallback  # it runs on to the end of the inline text
                out.append(text(content[text_from:at]))
                pos = text_from = close + 2
        else:
            autolink = _AUTOLINK.match(content, at)
            if autolink is None:
                raise _Fallback  # raw HTML, or an autolink whose address is rewritten
            out.append(text(content[text_from:at]))
            address = autolink.group(1)
            out.append(f'<a href="{_attribute(_normalize_link(address))}" class="vk-external">'
                       f"{_text(_normalize_link_text(address))}</a>")
            pos = text_from = autolink.end()
        found = _STARTS.search(content, pos) if pos < size else None
    out.append(text(content[text_from:]))
    return "".join(out)


def _markdown_link(match: re.Match, content: str, lookup) -> str:
    """A simple `[label](destination)` as render._render_link_open and the sanitiser
    leave it: to a note (through `lookup`) or to a web address."""
    label = match.group(1)
    if match.start() and content[match.start() - 1] == "!":
        raise _Fallback  # an image
    if not _LINK_LABEL.fullmatch(label):
        raise _Fallback  # the label holds inline markup, or a code span that may run past it
    href = _normalize_link(_destination(match))
    if not href or not markdown().validateLink(href):
        raise _Fallback
    text = _text(label)
    if SCHEME_RE.match(href) or href.startswith("//"):
        if not href.startswith(("http://", "https://")):
            raise _Fallback  # an address the sanitiser may drop
        return f'<a href="{_attribute(href)}" class="vk-external">{text}</a>'
    if href.startswith("#"):
        raise _Fallback  # a bare fragment: rendered as written
    address = unquote(href)
    at = address.find("#")
    linkpath, subpath = (address, "") if at < 0 else (address[:at], address[at:])
    view = lookup(linkpath.strip(), subpath, "link")
    if view.state == "ok":
        preview = f' data-vk-preview="{_attribute(view.preview)}"' if view.preview else ""
        download = ' download=""' if view.download else ""
        return f'<a class="vk-link" href="{_address(view.href)}"{preview}{download}>{text}</a>'
    if view.state == "unresolved":
        return f'<span class="vk-unresolved" title="no note yet">{text}</span>'
    if view.state == "private":
        return _PRIVATE
    return f"<span>{text}</span>"


@lru_cache(maxsize=4096)
def _normalize_link_text(address: str) -> str:
    return markdown().normalizeLinkText(address)


def _address(address: str) -> str:
    if not _local(address):
        raise _Fallback
    return _attribute(address)


def _wikilink(inner: str, links: Links, kind: str) -> str:
    """render._render_wikilink for a link or an embed, as the sanitiser leaves it (but a
    note's embed, which is left to `links.embed`)."""
    if kind == "link":
        html = links.written.get(inner)
        if html is None:
            linkpath, subpath, display = split_wikilink(inner)
            html = _wikilink_html(linkpath, subpath, display, links, kind)
            if linkpath:  # (not `[[#Heading]]`, whose address is the page's own; nor one that fell back)
                links.written[inner] = html
        return html
    return _wikilink_html(*split_wikilink(inner), links, kind)


def _wikilink_html(linkpath: str, subpath: str, display: str | None, links: Links, kind: str) -> str:
    shown = display if display is not None else linkpath + (subpath if not linkpath else "")
    if not shown and subpath:
        shown = subpath.lstrip("#^")
    view = links.lookup(linkpath, subpath, kind)
    if view.state == "private":
        return _PRIVATE
    if kind == "embed" and view.state == "ok":
        if view.is_image:
            links.images.add(view.href)
            alt = display if display is not None else linkpath
            return f'<img class="vk-embed-image" src="{_address(view.href)}" alt="{_attribute(alt)}">'
        if links.embed is None:
            raise _Fallback
        embedded = links.embed(linkpath, subpath)
        if embedded is not None:
            return embedded  # else a link to it (an attachment that is no image)
    if view.state == "ok":
        preview = f' data-vk-preview="{_attribute(view.preview)}"' if view.preview else ""
        download = ' download=""' if view.download else ""
        return f'<a class="vk-link" href="{_address(view.href)}"{preview}{download}>{_text(shown)}</a>'
    if view.state == "unresolved":
        return f'<span class="vk-unresolved" title="no note yet">{_text(shown)}</span>'
    return _text(shown)
