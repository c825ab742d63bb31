"""A fast path beside the parser, for the index: most Markdown is plain prose.

Tokenising every note with markdown-it-py costs about a millisecond; most of that
is the block parser building tokens for paragraphs and list items that hold
nothing but text and wiki-links. This module splits a note's body into chunks at
points where CommonMark's block state provably resets (a blank line followed by a
line at column 0, outside any fence or multi-line construct), scans the chunks
made only of simple lines (paragraph text, ATX headings, single-line list items,
simple quotes) itself, and hands every other chunk to markdown-it-py.

It must find exactly what the parser finds: tests/test_fastscan.py holds the two
equal with hypothesis over documents built from every kind of Markdown line.
Anything it is not sure of goes to the parser.
"""

from __future__ import annotations

import re

from markdown_it.common.utils import mdTrim
from markdown_it.rules_block.table import headerLineRe

from .markdown import BLOCK_ID_RE, extract_plain_inline, is_plain_inline

# Constructs whose extent can cross a blank line, or whose meaning depends on the
# whole document: CR and NUL (markdown-it rewrites them), reference definitions
# (`]:`, but not a wiki-link's `]]:`: a label cannot hold an unescaped `]`), HTML
# blocks of kinds 1-5 and $$ math. A note holding any of them is parsed whole.
# Fences and `%%` comment blocks at the top level are followed to their end.
# (Looked for with `in` first: one regex with all of them costs more than the rest of
# the split.)
_REFERENCE_LIKE = re.compile(r"(?<!\])\]:|\\\]\]:")
_HTML_BLOCK_LIKE = re.compile(r"<!--|<\?|<![A-Za-z\[]|<(?:script|pre|style|textarea)\b", re.IGNORECASE)


def _parse_whole(body: str) -> bool:
    if "\r" in body or "\x00" in body or "$$" in body:
        return True
    if "]:" in body and _REFERENCE_LIKE.search(body) is not None:
        return True
    at = body.find("<")
    while at >= 0:  # few `<` in a note: trying the pattern at each is cheaper than a search
        if _HTML_BLOCK_LIKE.match(body, at):
            return True
        at = body.find("<", at + 1)
    return False


# Anything that may open a fence, in any container; only a fence at the top level
# (indented 0-3 spaces) is followed to its end: after any other, no more splits.
_TOP_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_COMMENT_OPEN = re.compile(r"^ {0,3}%%")
# A line that may open a fence, in any container.
_FENCE_LINE = re.compile(r"^[ \t>]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)*(?:`{3,}|~{3,})", re.MULTILINE)
# A line that may open an HTML block (kinds 6 and 7 run to the next blank line, so a
# `%%` or fence line under one is raw text), in any container.
_HTML_LINE = re.compile(r"^[ \t>]*(?:(?:[-*+]|[0-9]{1,9}[.)])[ \t]+)*<", re.MULTILINE)
# A chunk starts at a line at column 0 that follows a blank line.
_CHUNK_START = re.compile(r"\n[ \t]*\n(?=[^ \t\n])")
_LEADING_BLANK = re.compile(r"[ \t]*\n(?=[^ \t\n])")
_FENCE_CLOSE_LINE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$", re.MULTILINE)

# Line kinds of a simple chunk. Everything is at column 0.
_ATX = re.compile(r"^(#{1,6})(?:[ \t]|$)")
_BULLET = re.compile(r"^[-*+] (?=[^ \t])")
_ORDERED = re.compile(r"^([0-9]{1,9})[.)] (?=[^ \t])")
_QUOTE = re.compile(r"^> ?(?=[^ \t])")
# Lines that could be a thematic break, a setext underline or a table delimiter row.
_RULE_LIKE = re.compile(r"^[ \t]*(?:[-*_=|:+ \t]+)$")
# Content that would open another block inside a list item or a quote.
_NESTED_START = re.compile(r"^(?:>|[-*+](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|[0-9]{1,9}[.)](?:[ \t]|$)|[ \t])")
_EMPTY_ITEM = re.compile(r"^(?:[-*+]|[0-9]{1,9}[.)])(?:[ \t]|$)")
# Whole chunks of one kind (see scan_simple_chunk). A text line: nothing that starts
# another block, is indented or may underline a heading; the content of an item or a
# quoted line: nothing that would open a block inside it.
_TEXT_LINE = r"(?![ \t>]|%%(?![^\n]*%%)|#{1,6}(?:[ \t]|$)|[-*+](?:[ \t]|$)|[0-9]{1,9}[.)](?:[ \t]|$)|[-*_=|:+ \t]+$)[^\n]+"
_INNER = r"(?![ \t>]|[-*+](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|[0-9]{1,9}[.)](?:[ \t]|$)|[-*_=|:+ \t]+$)[^\n]+"
_PARAGRAPH = re.compile(rf"{_TEXT_LINE}(?:\n{_TEXT_LINE})*", re.MULTILINE)
_QUOTED = re.compile(rf"> {_INNER}(?:\n> {_INNER})*", re.MULTILINE)
_BULLETED = re.compile(rf"[-*+] {_INNER}(?:\n[-*+] {_INNER})*", re.MULTILINE)
# Characters no simple chunk holds (code, escapes, math, tabs), and `~~~`: each looked
# for with `in` (memchr: three times faster than one character-class search, on every
# chunk of every note). `<`, `%%`, `](` and `][` are judged by is_plain_inline, which
# knows inert autolinks, comments and simple links.
def _hard(text: str) -> bool:
    return "`" in text or "\\" in text or "$" in text or "\t" in text or "\r" in text or "~~~" in text


def split_chunks(body: str) -> list[tuple[int, str]] | None:
    """(first line, text) of each chunk, or None when the note must be parsed whole.

    A chunk starts at a line at column 0 that follows a blank line, outside any
    fence or `%%` comment block; after a construct that may run on (a fence in a
    container, a `%%` opened mid-line), the rest of the body is one chunk. Only the
    lines that may open a fence or hold `%%` are looked at one by one.
    """
    if _parse_whole(body):
        return None
    size = len(body)
    starts = [0]
    pos = 0  # the start of a line outside any fence or comment: chunk starts are found from here
    html_from = 0  # the chunk's lines before this one hold no HTML block's opening (each looked at once)
    for line_start in _special_lines(body):
        if line_start < pos:
            continue  # inside a fence or comment already passed over
        starts.extend(_chunk_starts(body, pos, line_start))
        line_end = body.find("\n", line_start)
        if line_end < 0:
            line_end = size
        line = body[line_start:line_end]
        if _HTML_LINE.search(body, max(starts[-1], html_from), line_start):
            break  # an HTML block above it in this chunk may hold this line as raw text: stop splitting
        html_from = line_start
        if "%%" in line and line.count("%%") % 2:
            if not (_COMMENT_OPEN.match(line) and "%%" not in line.lstrip(" ")[2:]):
                break  # a comment opened in a container or mid-line may run on: stop splitting
            close = body.find("%%", line_end)
            last_end = -1 if close < 0 else body.find("\n", close)
        elif _FENCE_LINE.match(line):
            top = _TOP_FENCE.match(line)
            if top is None or (top.group(1)[0] == "`" and "`" in top.group(2)):
                break  # a fence in a container, or not a fence at all: stop splitting
            last_end = _fence_end(body, line_end, top.group(1))
        else:
            last_end = line_end  # an even number of `%%` on a line that opens no fence
        if last_end < 0:
            break  # runs to the end of the body
        pos = last_end + 1
    else:
        starts.extend(_chunk_starts(body, pos, size))
    chunks = []
    line = 0
    for index, start in enumerate(starts):
        if index:
            line += body.count("\n", starts[index - 1], start)
        end = starts[index + 1] - 1 if index + 1 < len(starts) else size
        chunks.append((line, body[start:end]))
    return chunks


def _special_lines(body: str) -> list[int]:
    """Start offsets, in order, of the lines that may open a fence or that hold `%%`."""
    found = set()
    for needle in ("```", "~~~", "%%"):
        at = body.find(needle)
        while at >= 0:
            line_start = body.rfind("\n", 0, at) + 1
            if needle == "%%" or _FENCE_LINE.match(body, line_start):
                found.add(line_start)
            next_line = body.find("\n", at)
            if next_line < 0:
                break
            at = body.find(needle, next_line)
    return sorted(found)


def _chunk_starts(body: str, pos: int, limit: int) -> list[int]:
    """Chunk starts in [pos, limit], `pos` being the start of a line."""
    if pos == 0:
        leading = _LEADING_BLANK.match(body, 0, limit + 1)
        found = [leading.end()] if leading else []
    else:
        found = []
    found.extend(match.end() for match in _CHUNK_START.finditer(body, max(pos - 1, 0), limit + 1))
    return found


def _fence_end(body: str, line_end: int, fence: str) -> int:
    """The offset of the newline ending the fence opened by `fence`, or -1 (none: it runs to the end)."""
    for closing in _FENCE_CLOSE_LINE.finditer(body, line_end + 1):
        marker = closing.group(1)
        if marker[0] == fence[0] and len(marker) >= len(fence):
            return body.find("\n", closing.end())
    return -1


def scan_simple_chunk(text: str, first_line: int):
    """Links, tags, headings and block ids of a chunk of simple lines, or None.

    Returns (links, tags, headings, block_ids) where links are wiki-link metas as
    the parser's tokens carry them (0-based lines), tags are names, and headings
    are (level, text, line).
    """
    content_end = len(text.rstrip(" \t\n"))
    if not content_end:
        return [], [], [], []
    line_end = text.find("\n", content_end)
    if line_end >= 0:
        text = text[:line_end]  # without the blank lines that end the chunk
    first_end = text.find("\n")
    if first_end >= 0 and "|" in text[:first_end]:
        second_end = text.find("\n", first_end + 1)
        if _delimiter_columns(text[first_end + 1 : second_end if second_end >= 0 else len(text)]) is not None:
            return _scan_table(text.split("\n"), first_line)
    if text[0] in "`~%" and _is_closed_block(text, first_end):
        return [], [], [], []  # a code block or a `%%` comment: nothing in it counts
    if _hard(text):
        return None
    # A heading, a paragraph, a list of one-line bullet items or one quoted paragraph,
    # scanned as one text: wiki-links, links and tags cannot span lines, and the markers
    # that start the lines (`- `, `> `) end in a space, as a line start counts for a tag.
    if first_end < 0:
        heading = _ATX.match(text)
        if heading is not None:
            level = len(heading.group(1))
            content = _heading_content(text, level)
            links, tags = [], []
            if not is_plain_inline(content, references=False) or not _collect(content, first_line, links, tags):
                return None
            return links, tags, [(level, content, first_line)], []
    kind = _PARAGRAPH.fullmatch(text) or _QUOTED.fullmatch(text) or _BULLETED.fullmatch(text)
    # Only a paragraph is one inline as written, where a `%%` comment runs on to its end.
    if kind is not None and is_plain_inline(text, references=False, comments=kind.re is _PARAGRAPH):
        links, tags, block_ids = [], [], []
        if not _collect(text, first_line, links, tags):
            return None
        if "^" in text:
            # A paragraph (and the quote's one) ends on the last line; each item is one.
            ends = text.split("\n") if kind.re is _BULLETED else [text[text.rfind("\n") + 1 :]]
            for end in ends:
                match = BLOCK_ID_RE.search(end.rstrip(" \t"))
                if match:
                    block_ids.append(match.group(1))
        return links, tags, [], block_ids
    return _scan_lines(text.split("\n"), first_line)


def _is_closed_block(text: str, first_end: int) -> bool:
    """True when `text` is exactly one fenced code block, or one `%%` comment block,
    closed on its last line."""
    first = text if first_end < 0 else text[:first_end]
    if first_end < 0:
        return False
    if first.startswith("%%"):
        if "%%" in first[2:]:
            return False  # a one-line comment: inline, in a paragraph
        close = text.find("%%", first_end)
        return close >= 0 and text.find("\n", close) < 0
    top = _TOP_FENCE.match(first)
    if top is None or (top.group(1)[0] == "`" and "`" in top.group(2)):
        return False
    fence = top.group(1)
    for closing in _FENCE_CLOSE_LINE.finditer(text, first_end + 1):
        marker = closing.group(1)
        if marker[0] == fence[0] and len(marker) >= len(fence):
            return closing.end() == len(text)
    return False


def _scan_lines(lines: list[str], first_line: int):
    """scan_simple_chunk, line by line, for any mix of simple lines."""
    links: list[dict] = []
    tags: list[str] = []
    headings: list[tuple[int, str, int]] = []
    block_ids: list[str] = []
    paragraph_last: str | None = None  # content of the open paragraph's last line
    in_quote = False
    previous_kind = "start"

    def close_paragraph() -> None:
        nonlocal paragraph_last
        if paragraph_last is not None:
            match = BLOCK_ID_RE.search(paragraph_last.rstrip(" \t"))
            if match:
                block_ids.append(match.group(1))
        paragraph_last = None

    for offset, line in enumerate(lines):
        if not line or line[0] in " \t" or not line.strip(" \t") or _RULE_LIKE.match(line):
            return None
        number = first_line + offset
        heading = _ATX.match(line)
        if heading:
            close_paragraph()
            in_quote = False
            content = _heading_content(line, len(heading.group(1)))
            if not is_plain_inline(content, references=False):
                return None
            headings.append((len(heading.group(1)), content, number))
            if not _collect(content, number, links, tags):
                return None
            previous_kind = "heading"
            continue
        bullet = _BULLET.match(line)
        ordered = _ORDERED.match(line)
        if bullet or ordered:
            if ordered and ordered.group(1) != "1" and previous_kind in ("text", "quote"):
                return None  # may continue the paragraph; leave it to the parser
            content = line[(bullet or ordered).end() :]
            if _NESTED_START.match(content) or _RULE_LIKE.match(content):
                return None
            close_paragraph()
            in_quote = False
            kind = "item"
        elif line[0] == ">":
            quote = _QUOTE.match(line)
            if quote is None:
                return None
            content = line[quote.end() :]
            if _NESTED_START.match(content) or _RULE_LIKE.match(content):
                return None
            if not in_quote or paragraph_last is None:
                close_paragraph()
            in_quote = True
            kind = "quote"
        else:
            if _EMPTY_ITEM.match(line):
                return None  # `1.` or `-` alone: an empty list item
            content = line
            kind = "text"
            if paragraph_last is None:
                in_quote = False
        if not is_plain_inline(content, references=False):
            return None
        paragraph_last = content
        if not _collect(content, number, links, tags):
            return None
        previous_kind = kind
    close_paragraph()
    return links, tags, headings, block_ids


def _collect(content: str, number: int, links: list[dict], tags: list[str]) -> bool:
    """Add what the inline rules find in `content`; False when it is not plain after all."""
    found = extract_plain_inline(content, number)
    if found is None:
        return False
    for entry in found:
        if entry[0] == "tag":
            tags.append(entry[1])
        else:
            links.append(entry[1])
    return True


def _heading_content(line: str, level: int) -> str:
    """An ATX heading's text, closing `#`s removed as markdown-it does."""
    end = len(line.rstrip(" \t"))
    start = level
    while start < end and line[start] in " \t":
        start += 1
    closing = end
    while closing > start and line[closing - 1] == "#":
        closing -= 1
    if closing < end and closing > start and line[closing - 1] in " \t":
        end = closing
    elif closing == start and closing < end:
        end = start  # the whole text is a closing sequence: an empty heading
    return line[start:end].strip(" \t")


def _delimiter_columns(line: str) -> int | None:
    """The column count of a GFM table delimiter row, as markdown-it-py's table rule reads it."""
    if len(line) < 2 or line[0] not in "|-:" or (line[1] not in "|-:" and line[1] not in " \t"):
        return None
    if line[0] == "-" and line[1] in " \t":
        return None
    if any(ch not in "|-: \t" for ch in line[2:]):
        return None
    columns = line.split("|")
    count = 0
    for number, column in enumerate(columns):
        text = mdTrim(column)
        if not text:
            if number in (0, len(columns) - 1):
                continue
            return None
        if not headerLineRe.search(text):
            return None
        count += 1
    return count


def _table_cells(line: str) -> list[str]:
    line = mdTrim(line)
    # markdown-it-py's escapedSplit walks character by character: a `|` right after a
    # backslash is kept (the backslash dropped). The caller let no other backslash by.
    cells = [cell.replace("\\|", "|") for cell in _UNESCAPED_PIPE.split(line)] if "\\" in line else line.split("|")
    if cells and cells[0] == "":
        cells.pop(0)
    if cells and cells[-1] == "":
        cells.pop()
    return cells


def _scan_table(lines: list[str], first_line: int, collect: bool = True):
    """A chunk that is exactly one table: header, delimiter row, rows that start with `|`.

    Not `collect`: whether it is one, for the site's renderer (links and tags not
    gathered; a cell with a link that is not simple, which alone makes the gathering
    fail, holds a `](` on which the renderer gives up anyway)."""
    width = _delimiter_columns(lines[1])
    if lines[0][0] in " \t" or lines[1][0] in " \t" or len(lines) * (width or 0) > 10_000:
        return None
    links: list[dict] = []
    tags: list[str] = []
    rows = [(0, lines[0])] + list(enumerate(lines[2:], 2))
    for offset, line in rows:
        if offset and not line.startswith("|"):
            return None  # a row that might end the table: leave it to the parser
        # `\|` is the table's own escape (removed by the split); any other backslash,
        # and every other hard character, goes to the parser.
        if _hard(line.replace("\\|", "")):
            return None
        cells = _table_cells(line)
        if offset == 0:
            if len(cells) != width or not width:
                return None
        else:
            cells = [mdTrim(cells[i]) if i < len(cells) and cells[i] else "" for i in range(width)]
        for cell in cells:
            cell = mdTrim(cell)
            if cell.rfind("[[") > cell.rfind("]]"):
                return None  # a `[[` the split may have cut: the parser's table rule joins it
            if not is_plain_inline(cell, references=False):
                return None
            if collect and not _collect(cell, first_line + offset, links, tags):
                return None
    return links, tags, [], []
