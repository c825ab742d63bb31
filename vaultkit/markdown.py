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
from markdown_it.rules_block import StateBlock
from markdown_it.rules_inline import StateInline
from mdit_py_plugins.dollarmath import dollarmath_plugin

# A tag runs until whitespace or ASCII punctuation other than `_ - /` (obsidian-links §6).
TAG_RE = re.compile(r"#([^\s!\"#$%&'()*+,.:;<=>?@\[\\\]^`{|}~\u2000-\u206f\u3000-\u303f]+)")
# A block id closes a paragraph's last line: `text ^id` or `^id` alone.
BLOCK_ID_RE = re.compile(r"(?:^|\s)\^([A-Za-z0-9-]+)[ \t]*$")
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
    return state.env.get("_line", 0) + state.src.count("\n", 0, pos)


def _wikilink_rule(state: StateInline, silent: bool) -> bool:
    src, pos = state.src, state.pos
    if src.startswith("![[", pos):
        start, kind = pos + 3, "embed"
    elif src.startswith("[[", pos):
        start, kind = pos + 2, "link"
    else:
        return False
    end = src.find("]]", start, state.posMax)
    if end < 0:
        return False
    inner = src[start:end]
    # A link cannot span lines; `[[]]` and `[[ ]]` are not links; `[[a [[b]]` links b.
    if not inner.strip() or "\n" in inner or "[[" in inner:
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
    """Wrap markdown-it's link/image rule so the token it pushes knows its line."""

    def wrapped(state: StateInline, silent: bool) -> bool:
        count, pos = len(state.tokens), state.pos
        if not rule(state, silent):
            return False
        if not silent:
            for token in state.tokens[count:]:
                if token.type in ("link_open", "image"):
                    token.meta["line"] = _line(state, pos)
                    break
        return True

    return wrapped


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
            if extract_only and is_plain_inline(content, bool(env.get("references"))):
                token.meta["extracted"] = extract_plain_inline(content, line)
            else:
                md.inline.parse(content, md, env, token.children)
            if previous is not None and previous.type == "paragraph_open":
                match = BLOCK_ID_RE.search(token.content)
                if match:
                    token.meta["block_id"] = match.group(1)
        previous = token


# Characters that let some inline rule other than ours consume text: code spans,
# HTML and autolinks, escapes, math, comments. Without them (and with every `[`
# and `]` part of a `[[` or `]]`), only the wiki-link and tag rules can match.
_HARD_INLINE = re.compile(r"[`<\\$%]")


# `[text](scheme:...)` and `![alt](scheme:...)` with nothing nested: external links,
# which the index skips. Label and destination hold no bracket, paren, space or `<`.
_EXTERNAL_LINK = re.compile(r"(!?)\[([^\[\]]*)\]\(([A-Za-z][A-Za-z0-9+.\-]*:[^\s()<>\\]*)\)")


def is_plain_inline(content: str, references: bool = True) -> bool:
    """True when only the wiki-link and tag rules (and simple external links) can match.

    Without link reference definitions in the note, a `[` can only start a link
    when `](` or `][` follows a label, so other brackets (`[!note]`, `- [ ] task`)
    are plain text; simple external links are recognised by `_EXTERNAL_LINK`.
    """
    if _HARD_INLINE.search(content):
        return False
    if "[" not in content and "]" not in content:
        return True
    if not references:
        if "](" in content or "][" in content:
            rest = _EXTERNAL_LINK.sub("", content)
            return "](" not in rest and "][" not in rest
        return True
    rest = content.replace("[[", "").replace("]]", "")
    return "[" not in rest and "]" not in rest


def extract_plain_inline(content: str, line: int) -> list[tuple]:
    """Wiki-links and tags of plain inline text, exactly as the inline rules find them.

    Returns ("wikilink", meta) and ("tag", name, line) entries in document order;
    `line` is the 0-based line of the block, as in token.meta["line"]. External
    links are stepped over: an image whole, a link's text scanned for tags (as the
    link rule tokenises it).
    """
    found: list[tuple] = []
    if "[[" not in content and "#" not in content:
        return found
    external = _EXTERNAL_LINK.search(content) if "](" in content else None
    pos, size = 0, len(content)
    while pos < size:
        link_at = content.find("[[", pos)
        tag_at = content.find("#", pos)
        if external is not None and external.start() < pos:
            external = _EXTERNAL_LINK.search(content, pos)
        if link_at < 0 and tag_at < 0:
            break
        link_start = link_at - 1 if link_at > 0 and content[link_at - 1] == "!" else link_at
        if external is not None and (link_at < 0 or external.start() < link_start) and (
            tag_at < 0 or external.start() < tag_at
        ):
            if not external.group(1):
                _tags_in(content, external.start(2), external.end(2), line, found)
            pos = external.end()
            continue
        if tag_at >= 0 and (link_at < 0 or tag_at < link_start):
            if tag_at == 0 or content[tag_at - 1].isspace():
                match = TAG_RE.match(content, tag_at)
                if match and not match.group(1).isdigit():
                    found.append(("tag", match.group(1), line + content.count("\n", 0, tag_at)))
                    pos = match.end()
                    continue
            pos = tag_at + 1
            continue
        start = link_start
        end = content.find("]]", link_at + 2)
        if end < 0:
            pos = link_at + 1
            continue
        inner = content[link_at + 2 : end]
        if not inner.strip() or "\n" in inner or "[[" in inner:
            pos = link_at + 1
            continue
        linkpath, subpath, display = split_wikilink(inner)
        found.append(
            (
                "wikilink",
                {
                    "linkpath": linkpath,
                    "subpath": subpath,
                    "display": display,
                    "kind": "embed" if start < link_at else "link",
                    "raw": content[start : end + 2],
                    "line": line + content.count("\n", 0, start),
                },
            )
        )
        pos = end + 2
    return found


def _tags_in(content: str, start: int, end: int, line: int, found: list[tuple]) -> None:
    pos = start
    while True:
        tag_at = content.find("#", pos, end)
        if tag_at < 0:
            return
        if tag_at > 0 and content[tag_at - 1].isspace():
            match = TAG_RE.match(content, tag_at, end)
            if match and not match.group(1).isdigit():
                found.append(("tag", match.group(1), line + content.count("\n", 0, tag_at)))
                pos = match.end()
                continue
        pos = tag_at + 1


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
    md.core.ruler.at("inline", _inline_core_rule)
    return md
