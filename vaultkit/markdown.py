"""The one markdown-it-py configuration vaultkit uses, for indexing and for the site.

Obsidian syntax is added as small plugins in the markdown-it-py style: inline rules
that honour `silent` and push tokens, plus a block rule for `%%` comments. Code
spans, fences, math and raw HTML never reach the inline rules, which is how "links
in code do not count" comes free, without a regex pass over raw Markdown.

Every link, tag and embed token carries `meta["line"]`: the 0-based line in the
parsed text, so that problems can name the line.
"""

from __future__ import annotations

import re
from functools import lru_cache

from markdown_it import MarkdownIt
from markdown_it.common.utils import mdTrim
from markdown_it.rules_block import StateBlock
from markdown_it.rules_block.table import escapedSplit
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin

# A tag runs until whitespace or ASCII punctuation other than `_ - /` (obsidian-links §6).
TAG_RE = re.compile(r"#([^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u3000-\u303f]+)")
# A block id closes a paragraph's last line: `text ^id` or `^id` alone.
BLOCK_ID = r"\^([A-Za-z0-9-]+)"  # `^id`, after a space, ending a line or paragraph
BLOCK_ID_RE = re.compile(r"(?:^|\s)" + BLOCK_ID + r"[ \t]*$")
# A Markdown link destination with a scheme (`https:`, `mailto:`, `file:`) is external.
SCHEME_RE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*:")


def split_wikilink(inner: str) -> tuple[str, str, str | None]:
    """Split the text between `[[` and `]]` into (linkpath, subpath, display).

    Display starts at the first `|` (an escaped `\\|`, as in tables, counts too);
    the subpath starts at the first `#` of the rest.
    """
    display = None
    bar = inner.find("|")
    if bar >= 0:
        display = inner[bar + 1 :]
        inner = inner[:bar]
        if inner.endswith("\\"):
            inner = inner[:-1]
    hash_at = inner.find("#")
    if hash_at >= 0:
        return inner[:hash_at].strip(), inner[hash_at:].strip(), display
    return inner.strip(), "", display


def _line(state: StateInline, pos: int) -> int:
    # Counted on from the last position asked about (kept on the state), not from the
    # start: a paragraph of 100,000 links would otherwise be read 100,000 times.
    counted_at, counted = getattr(state, "_vk_line", (0, 0))
    if pos >= counted_at:
        counted += state.src.count("\n", counted_at, pos)
    else:
        counted -= state.src.count("\n", pos, counted_at)
    state._vk_line = (pos, counted)
    return state.env.get("_line", 0) + counted


def _find(state: StateInline, needle: str, start: int) -> int:
    """`state.src.find(needle, start)`, kept on the state: the rules ask again from each
    later `[[`, and what was found from an earlier position stands until passed (else a
    line of `[[` is read to its end once for each)."""
    found = state.__dict__.setdefault("_vk_found", {})
    searched_from, at = found.get(needle, (-1, -1))
    if searched_from < 0 or start < searched_from or 0 <= at < start:
        at = state.src.find(needle, start)
        found[needle] = (start, at)
    return at


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src.startswith("![[", pos):
        start, kind = pos + 3, "embed"
    elif src.startswith("[[", pos):
        start, kind = pos + 2, "link"
    else:
        return False
    end = _find(state, "]]", start)
    if end < 0 or end + 2 > state.posMax:
        return False
    # A link cannot span lines; `[[]]` and `[[ ]]` are not links; `[[a [[b]]` links b.
    if start <= _find(state, "\n", start) < end or start <= _find(state, "[[", start) <= end - 2:
        return False
    inner = src[start:end]
    if not inner.strip():
        return False
    if not silent:
        linkpath, subpath, display = split_wikilink(inner)
        token = state.push("wikilink", "", 0)
        token.content = inner
        token.meta = {
            "linkpath": linkpath,
            "subpath": subpath,
            "display": display,
            "kind": kind,
            "raw": src[pos : end + 2],
            "line": _line(state, pos),
        }
    state.pos = end + 2
    return True


def _comment_inline_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if not src.startswith("%%", pos):
        return False
    end = src.find("%%", pos + 2, state.posMax)
    # An unclosed `%%` comments out the rest of the text, as in Obsidian.
    stop = state.posMax if end < 0 else end + 2
    if not silent:
        token = state.push("vk_comment", "", 0)
        token.content = src[pos:stop]
    state.pos = stop
    return True


def _tag_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src[pos] != "#" or (pos > 0 and not src[pos - 1].isspace()):
        return False
    match = TAG_RE.match(src, pos, state.posMax)
    if not match or match.group(1).isdigit():  # `#1984` is not a tag
        return False
    if not silent:
        token = state.push("vk_tag", "", 0)
        token.content = match.group(1)
        token.meta = {"line": _line(state, pos)}
    state.pos = match.end()
    return True


def _comment_block_rule(state: StateBlock, start: int, end: int, silent: bool) -> bool:
    """`%%` opening a line starts a comment that runs to the next `%%` (or the end)."""
    if state.sCount[start] - state.blkIndent >= 4:
        return False
    first = state.src[state.bMarks[start] + state.tShift[start] : state.eMarks[start]]
    if not first.startswith("%%") or "%%" in first[2:]:
        return False  # a one-line `%% ... %%` is left to the inline rule
    if silent:
        return True
    line = start + 1
    while line < end:
        text = state.src[state.bMarks[line] : state.eMarks[line]]
        line += 1
        if "%%" in text:
            break
    else:
        line = end
    token = state.push("vk_comment", "", 0)
    token.map = [start, line]
    token.content = state.getLines(start, line, 0, False)
    state.line = line
    return True


def _with_line(rule):
    """Wrap markdown-it's link/image rule so the token it pushes knows its line and
    the link as written."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        count, pos = len(state.tokens), state.pos
        if not rule(state, silent):
            return False
        if not silent:
            for token in state.tokens[count:]:
                if token.type in ("link_open", "image"):
                    token.meta["line"] = _line(state, pos)
                    token.meta["raw"] = state.src[pos : state.pos]  # as written
                    break
        return True

    return wrapped


def _with_pipes_in_links(rule):
    """Wrap the table rule so that `| [[A|b]] |` in a row is the link A, shown as b.

    The table splits a row at every `|` not escaped as `\\|`, so in Obsidian such a
    link breaks apart (obsidian-links §2.3). vaultkit reads the cells the split made
    inside `[[...]]` as one, marks that cell's inline token (`meta["unescaped_pipe"]`,
    for a warning), and leaves the cells it took the place of empty.
    """

    def wrapped(state: StateBlock, start: int, end: int, silent: bool) -> bool:
        count = len(state.tokens)
        if not rule(state, start, end, silent):
            return False
        if silent:
            return True
        cells: list = []
        for token in state.tokens[count:]:
            if token.type == "tr_open":
                cells = []
                row = token.map[0]
            elif token.type == "inline":
                cells.append(token)
            elif token.type == "tr_close":
                line = state.src[state.bMarks[row] + state.tShift[row] : state.eMarks[row]]
                if "[[" in line and "|" in line:
                    _join_split_links(line, cells)
        return True

    return wrapped


def _join_split_links(line: str, cells: list) -> None:
    pieces = escapedSplit(mdTrim(line))
    if pieces and pieces[0] == "":
        pieces.pop(0)
    if pieces and pieces[-1] == "":
        pieces.pop()
    joined: list[list[str]] = []
    for index, piece in enumerate(pieces):
        last = "|".join(joined[-1]) if joined else ""
        # Still inside a `[[` the split cut, which a later piece closes.
        if last.rfind("[[") > last.rfind("]]") and any("]]" in later for later in pieces[index:]):
            joined[-1].append(piece)
        else:
            joined.append([piece])
    if len(joined) == len(pieces):
        return
    for index, token in enumerate(cells):
        if index < len(joined):
            token.content = mdTrim("|".join(joined[index]))
            if len(joined[index]) > 1:
                token.meta["unescaped_pipe"] = True
        else:
            token.content = ""


def _inline_core_rule(state) -> None:
    """markdown-it's core `inline` step, telling the inline rules each block's line.

    With `env["extract_only"]` (the index, which wants links and tags, not HTML),
    inline text that provably holds nothing but plain text and wiki-links is scanned
    by `extract_plain_inline` instead of being tokenised: the same result, found by
    the same rules, several times faster. A hypothesis test holds the two equal.
    """
    md, env = state.md, state.env
    extract_only = env.get("extract_only", False)
    previous = None
    for token in state.tokens:
        if token.type == "inline":
            env["_line"] = line = token.map[0] if token.map else 0
            if token.children is None:
                token.children = []
            content = token.content
            extracted = None
            if extract_only and is_plain_inline(content, bool(env.get("references"))):
                extracted = extract_plain_inline(content, line)
            if extracted is not None:
                token.meta["extracted"] = extracted
            else:
                md.inline.parse(content, md, env, token.children)
            if previous is not None and previous.type == "paragraph_open":
                match = BLOCK_ID_RE.search(token.content)
                if match:
                    token.meta["block_id"] = match.group(1)
        previous = token


# Characters that let some inline rule other than ours consume text: code spans,
# escapes, math (looked for with `in`: faster than one character-class search). Without
# them, `<` only in inert autolinks, `%%` only where comments are understood, and every
# `[` and `]` part of a `[[`, a `]]` or a simple link below, only the wiki-link, tag and
# comment rules (and those links) can match.


# `[label](destination)` (an image with a `!` before it) with nothing nested: the label
# holds no bracket, `<` or line break; the destination, in `<...>` or bare, no paren,
# blank, `<`, `>`, backslash or `&` (which could start an entity), so it is taken as
# written. (It starts with the `[`: a pattern starting with a literal is searched for
# several times faster.)
_INLINE_LINK = re.compile(r"\[([^\[\]<\n]*)\]\((?:<([^<>\n\\&]*)>|([^\s()<>\\&]*))\)")
# A link's text that is its display as written: no tag, emphasis, entity or comment.
_PLAIN_LABEL = re.compile(r"[^#*_~&%]*")
# An autolink holding nothing any inline rule could take: whether it is a link or
# (with a scheme markdown-it refuses) text, nothing in it is extracted.
_INERT_AUTOLINK = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]{1,31}:[^<>\x00-\x20\[\]`%$\\&]*>")


def is_plain_inline(content: str, references: bool = True, comments: bool = False) -> bool:
    """True when only the wiki-link, tag and comment rules, and simple links, can match.

    Without link reference definitions in the note, a `[` can only start a link
    when `](` or `][` follows a label, so other brackets (`[!note]`, `- [ ] task`)
    are plain text; simple links are recognised by `_INLINE_LINK`. `comments`: the
    content is a whole inline (a paragraph), so that a `%%` comment is read as the
    parser reads it, to the next `%%` or the end.
    """
    if "`" in content or "\\" in content or "$" in content:
        return False
    if "%%" in content and (not comments or "](" in content or "][" in content or "<" in content):
        return False
    if references:
        if "<" in content:
            return False
        rest = content.replace("[[", "").replace("]]", "")
        return "[" not in rest and "]" not in rest
    rest = content
    if "](" in content or "][" in content:
        if not all(_is_simple_link(m, m.start() > 0 and content[m.start() - 1] == "!") for m in _INLINE_LINK.finditer(content)):
            return False
        rest = _INLINE_LINK.sub("", content)
        if "](" in rest or "][" in rest:
            return False
    if "<" in rest:
        return "<" not in _INERT_AUTOLINK.sub("", rest)
    return True


def _destination(match: re.Match) -> str:
    return match.group(2) if match.group(2) is not None else match.group(3)


def _is_simple_link(match: re.Match, image: bool) -> bool:
    """A link markdown-it accepts, whose display is its label as written."""
    destination = _destination(match)
    if not markdown().validateLink(_normalize_link(destination)):
        return False  # not a link at all: its text would be parsed as text
    return image or SCHEME_RE.match(destination) is not None or _PLAIN_LABEL.fullmatch(match.group(1)) is not None


def extract_plain_inline(content: str, line: int) -> list[tuple] | None:
    """Wiki-links, simple Markdown links and tags of plain inline text, exactly as the
    inline rules find them; None when a link turns out not to be simple after all.

    Returns ("wikilink", meta), ("link", meta) and ("tag", name, line) entries in
    document order; `line` is the 0-based line of the block, as in token.meta["line"].
    A link's text is scanned for tags (as the link rule tokenises it); an image's alt
    text is not (its tokens are the image's children); a `%%` comment is skipped.
    """
    found: list[tuple] = []
    has_links = "](" in content
    if "[[" not in content and "#" not in content and not has_links:
        return found
    link = _INLINE_LINK.search(content) if has_links else None
    comment_at = content.find("%%")
    wiki_at = content.find("[[")
    tag_at = content.find("#")
    # The first `]]`, `[[` and line break after the last `[[` tried: found again only
    # once passed, so that a line of `[[` is read once, not once for each.
    close_at = nested_at = newline_at = -2
    pos, size = 0, len(content)
    counted_at, counted_line = 0, line  # lines are counted on from the last entry
    while pos < size:
        # Each of these is the first of its kind at or after `pos`: found again only
        # when `pos` has passed it.
        if 0 <= wiki_at < pos:
            wiki_at = content.find("[[", pos)
        if 0 <= tag_at < pos:
            tag_at = content.find("#", pos)
        if 0 <= comment_at < pos:
            comment_at = content.find("%%", pos)
        first = size
        if wiki_at >= 0:
            wiki_start = wiki_at - 1 if wiki_at > pos and content[wiki_at - 1] == "!" else wiki_at
            first = wiki_start
        if 0 <= tag_at < first:
            first = tag_at
        if link is not None:
            if link.start() < pos:
                link = _INLINE_LINK.search(content, pos)
            if link is not None:
                # An image starts at its `!`, when nothing before took that in.
                image = link.start() > pos and content[link.start() - 1] == "!"
                link_start = link.start() - 1 if image else link.start()
                if link_start < first:
                    first = link_start
        if 0 <= comment_at < first:
            first = comment_at
        if first == size:
            break
        if first == comment_at:
            close = content.find("%%", comment_at + 2)
            pos = size if close < 0 else close + 2
            continue
        counted_line += content.count("\n", counted_at, first)
        counted_at = first
        if link is not None and first == link_start:
            if not _is_simple_link(link, image):
                return None
            entry = _link_entry(content, link, image, counted_line)
            if entry is not None:
                found.append(entry)
            elif not image:
                _tags_in(content, link.start(1), link.end(1), counted_line, found)
            pos = link.end()
            continue
        if first == tag_at:
            if tag_at == 0 or content[tag_at - 1].isspace():
                match = TAG_RE.match(content, tag_at)
                if match and not match.group(1).isdigit():
                    found.append(("tag", match.group(1), counted_line))
                    pos = match.end()
                    continue
            pos = tag_at + 1
            continue
        opening = wiki_at + 2
        if close_at != -1 and close_at < opening:
            close_at = content.find("]]", opening)
        if nested_at != -1 and nested_at < opening:
            nested_at = content.find("[[", opening)
        if newline_at != -1 and newline_at < opening:
            newline_at = content.find("\n", opening)
        end = close_at
        if end < 0 or 0 <= nested_at <= end - 2 or 0 <= newline_at < end:
            pos = wiki_at + 1
            continue
        inner = content[opening:end]
        if not inner.strip():
            pos = wiki_at + 1
            continue
        linkpath, subpath, display = split_wikilink(inner)
        found.append(
            (
                "wikilink",
                {
                    "linkpath": linkpath,
                    "subpath": subpath,
                    "display": display,
                    "kind": "embed" if wiki_start < wiki_at else "link",
                    "raw": content[wiki_start : end + 2],
                    "line": counted_line,
                },
            )
        )
        pos = end + 2
    return found


@lru_cache(maxsize=4096)
def _normalize_link(destination: str) -> str:
    return markdown().normalizeLink(destination)


def _link_entry(content: str, match: re.Match, image: bool, line: int) -> tuple | None:
    """("link", meta) for a simple link to a local file; None for an external one."""
    href = _normalize_link(_destination(match))
    if not href or SCHEME_RE.match(href) or href.startswith("//"):
        return None
    raw = content[match.start() - image : match.end()]
    return ("link", {"kind": "embed" if image else "link", "href": href, "display": match.group(1), "line": line, "raw": raw})


def _tags_in(content: str, start: int, end: int, line: int, found: list[tuple]) -> None:
    """The tags in a link's text, which holds no line break: all on the link's `line`."""
    pos = start
    while True:
        tag_at = content.find("#", pos, end)
        if tag_at < 0:
            return
        if tag_at > 0 and content[tag_at - 1].isspace():
            match = TAG_RE.match(content, tag_at, end)
            if match and not match.group(1).isdigit():
                found.append(("tag", match.group(1), line))
                pos = match.end()
                continue
        pos = tag_at + 1


def too_deep(token) -> bool:
    """Whether the parser left out what is inside this block token: quotes and lists
    nested past markdown-it's `maxNesting` levels (20; a list level counts two, its
    list and its item) are skipped, for the index and the site alike."""
    return token.nesting == 1 and token.type in ("blockquote_open", "list_item_open") and (
        token.level + 1 >= markdown().options.maxNesting)


@lru_cache(maxsize=None)
def markdown() -> MarkdownIt:
    """The shared parser: CommonMark + tables, strikethrough, math, Obsidian syntax."""
    md = MarkdownIt("commonmark", {"html": True}).enable(["table", "strikethrough"])
    md.use(dollarmath_plugin, allow_space=False, allow_digits=False, double_inline=True)
    md.inline.ruler.before("link", "wikilink", _wikilink_rule)
    md.inline.ruler.before("link", "vk_comment", _comment_inline_rule)
    md.inline.ruler.before("link", "vk_tag", _tag_rule)
    md.inline.ruler.at("link", _with_line(md.inline.ruler.__rules__[md.inline.ruler.__find__("link")].fn))
    md.inline.ruler.at("image", _with_line(md.inline.ruler.__rules__[md.inline.ruler.__find__("image")].fn))
    md.block.ruler.before(
        "blockquote",
        "vk_comment",
        _comment_block_rule,
        {"alt": ["paragraph", "reference", "blockquote", "list"]},
    )
    md.block.ruler.at("table", _with_pipes_in_links(md.block.ruler.__rules__[md.block.ruler.__find__("table")].fn))
    md.core.ruler.at("inline", _inline_core_rule)
    return md
