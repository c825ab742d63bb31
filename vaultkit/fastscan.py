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
_WHOLE_DOCUMENT = re.compile(
    r"[\r\x00]|(?<!\])\]:|\\\]\]:|<!--|<\?|<![A-Za-z\[]|<(?:script|pre|style|textarea)\b|\$\$", re.IGNORECASE
)
# Anything that may open a fence, in any container; only a fence at the top level
# (indented 0-3 spaces) is followed to its end: after any other, no more splits.
_FENCE_LIKE = re.compile(r"^[ \t>]*(?:(?:[-*+]|\d{1,9}[.)])[ \t]+)*(`{3,}|~{3,})")
_TOP_FENCE = re.compile(r"^ {0,3}(`{3,}|~{3,})(.*)$")
_UNESCAPED_PIPE = re.compile(r"(?<!\\)\|")
_COMMENT_OPEN = re.compile(r"^ {0,3}%%")
_FENCE_CLOSE = re.compile(r"^ {0,3}(`{3,}|~{3,})[ \t]*$")

# Line kinds of a simple chunk. Everything is at column 0.
_ATX = re.compile(r"^(#{1,6})(?:[ \t]|$)")
_BULLET = re.compile(r"^[-*+] (?=[^ \t])")
_ORDERED = re.compile(r"^(\d{1,9})[.)] (?=[^ \t])")
_QUOTE = re.compile(r"^> ?(?=[^ \t])")
# Lines that could be a thematic break, a setext underline or a table delimiter row.
_RULE_LIKE = re.compile(r"^[ \t]*(?:[-*_=|:+ \t]+)$")
# Content that would open another block inside a list item or a quote.
_NESTED_START = re.compile(r"^(?:>|[-*+](?:[ \t]|$)|#{1,6}(?:[ \t]|$)|\d{1,9}[.)](?:[ \t]|$)|[ \t])")
_EMPTY_ITEM = re.compile(r"^(?:[-*+]|\d{1,9}[.)])(?:[ \t]|$)")
# Characters no simple chunk holds (code, HTML, escapes, math, comments, tabs). A `](`
# or `][` is judged per line by is_plain_inline, which knows simple external links.
_HARD = re.compile(r"[`<\\$%\t\r]|~~~")


def split_chunks(body: str) -> list[tuple[int, list[str]]] | None:
    """(first line, lines) of each chunk, or None when the note must be parsed whole."""
    if _WHOLE_DOCUMENT.search(body):
        return None
    lines = body.split("\n")
    chunks: list[tuple[int, list[str]]] = []
    start = 0
    fence: str | None = None
    previous_blank = True
    comment = False  # inside a top-level `%%` comment block, which may hold blank lines
    for number, line in enumerate(lines):
        blank = not line.strip(" \t")
        if comment:
            comment = "%%" not in line
        elif fence is None:
            if number > start and previous_blank and not blank and line[0] not in " \t":
                chunks.append((start, lines[start:number]))
                start = number
            if "%%" in line and line.count("%%") % 2:
                if not (_COMMENT_OPEN.match(line) and "%%" not in line.lstrip(" ")[2:]):
                    break  # a comment opened in a container or mid-line may run on: stop splitting
                comment = True
            elif _FENCE_LIKE.match(line):
                top = _TOP_FENCE.match(line)
                if top is None or (top.group(1)[0] == "`" and "`" in top.group(2)):
                    break  # a fence in a container, or not a fence at all: stop splitting
                fence = top.group(1)
        else:
            closed = _FENCE_CLOSE.match(line)
            if closed and closed.group(1)[0] == fence[0] and len(closed.group(1)) >= len(fence):
                fence = None
        previous_blank = blank
    chunks.append((start, lines[start:]))
    return chunks


def scan_simple_chunk(lines: list[str], first_line: int):
    """Links, tags, headings and block ids of a chunk of simple lines, or None.

    Returns (links, tags, headings, block_ids) where links are wiki-link metas as
    the parser's tokens carry them (0-based lines), tags are (name, line), and
    headings are (level, text, line).
    """
    while lines and not lines[-1].strip(" \t"):
        lines = lines[:-1]
    if not lines:
        return [], [], [], []
    if len(lines) >= 2 and "|" in lines[0] and _delimiter_columns(lines[1]) is not None:
        return _scan_table(lines, first_line)
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

    if _HARD.search("\n".join(lines)):
        return None
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
            _collect(content, number, links, tags)
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
        _collect(content, number, links, tags)
        previous_kind = kind
    close_paragraph()
    return links, tags, headings, block_ids


def _collect(content: str, number: int, links: list[dict], tags: list[str]) -> None:
    for entry in extract_plain_inline(content, number):
        if entry[0] == "tag":
            tags.append(entry[1])
        else:
            links.append(entry[1])


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


def _scan_table(lines: list[str], first_line: int):
    """A chunk that is exactly one table: header, delimiter row, rows that start with `|`."""
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
        if _HARD.search(line.replace("\\|", "")):
            return None
        cells = _table_cells(line)
        if offset == 0:
            if len(cells) != width or not width:
                return None
        else:
            cells = [mdTrim(cells[i]) if i < len(cells) and cells[i] else "" for i in range(width)]
        for cell in cells:
            cell = mdTrim(cell)
            if not is_plain_inline(cell, references=False):
                return None
            _collect(cell, first_line + offset, links, tags)
    return links, tags, [], []
