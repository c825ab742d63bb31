"""`parse_note(path, text) -> Note`: pure, text in, data out, no I/O.

The front matter is read with PyYAML's safe loader (the C one when present), or,
when it is made only of the commonest lines, by `simple_yaml`, which reads them as
PyYAML does at a fraction of the cost; the body is parsed once with the shared markdown-it-py configuration, and everything
vaultkit needs (links, embeds, tags, headings, block ids) is collected from that
one token stream.
"""

from __future__ import annotations

import math
import re
import unicodedata
from typing import Any
from urllib.parse import unquote

import yaml

from .fastscan import scan_simple_chunk, split_chunks
from .markdown import SCHEME_RE, markdown, split_wikilink, too_deep
from .model import Heading, Link, Note, Problem
from .privacy import private_flag, shown

try:
    from yaml import CSafeLoader as _BaseLoader
except ImportError:  # pragma: no cover - PyYAML built without libyaml
    from yaml import SafeLoader as _BaseLoader


class _Loader(_BaseLoader):
    """Safe YAML, but dates stay strings.

    A bad date (`2026-13-45`) must not make the whole front matter unreadable, and
    users expect to see their dates as written; the schema validates them.
    """


_Loader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in _BaseLoader.yaml_implicit_resolvers.items()
}

FRONT_MATTER_CLOSE = re.compile(r"^---[ \t]*\r?$", re.MULTILINE)
PROPERTY_LINK = re.compile(r"!?\[\[([^\[\]\n]+?)\]\]")
MAX_PROPERTY_NODES = 10_000  # beyond this the front matter is an alias bomb, not properties
MAX_PROPERTY_DEPTH = 50


def parse_note(path: str, text: str) -> Note:
    """Parse one note. Never raises on bad input: problems are part of the result."""
    problems: list[Problem] = []
    if text.startswith("\ufeff"):
        text = text[1:]
    title = path.rsplit("/", 1)[-1]
    if title.lower().endswith(".md"):
        title = title[:-3]
    if not text.strip():
        problems.append(Problem(path, 0, "warning", "empty", "empty note"))
        return Note(path=path, title=title, problems=tuple(problems))

    yaml_text, body, body_line = split_front_matter(text)
    properties: dict[str, Any] = {}
    links: list[Link] = []
    property_lines: dict[str, int] = {}
    if yaml_text is None and body_line < 0:
        problems.append(
            Problem(path, 1, "error", "yaml", "front matter is not closed: add a line `---` after the properties"
                    + KEPT_OFF)
        )
        body_line = 0
    elif yaml_text is None and LATE_FRONT_MATTER.match(text):
        problems.append(Problem(
            path, 1, "error", "yaml",
            "front matter must start on the first line: a blank line comes before its `---`, so its "
            "properties are read as text" + KEPT_OFF,
        ))
    elif yaml_text is not None:
        read = len(problems)
        properties = _load_properties(path, yaml_text, problems)
        yaml_lines = yaml_text.split("\n")
        if len(problems) == read:
            problems.extend(_duplicate_keys(path, yaml_lines))
        key_lines = _key_lines(yaml_lines, properties)
        property_lines = {key: line + 2 for key, line in key_lines.items()}
        links.extend(_property_links(path, yaml_lines, key_lines, properties, problems))

    body_links, tags, headings, block_ids, pipe_lines, deep_lines = _scan_body(body, body_line)
    links.extend(body_links)
    for line in dict.fromkeys(pipe_lines):
        problems.append(
            Problem(
                path, line, "warning", "table-pipe",
                "a wiki-link in a table cell holds a | that splits the cell in Obsidian; "
                "write it as \\| (as in [[Name\\|shown text]])",
            )
        )

    flag = private_flag(properties)
    if flag is not None and (flag[0] != "private" or flag[1] is not True):
        problems.append(Problem(
            path, property_lines.get(flag[0], 1), "warning", "private-flag",
            f"{shown(*flag)} is taken as private: the note is kept off the site; write `private: true` "
            "(or `private: false`)",
        ))
    if deep_lines:
        problems.append(
            Problem(
                path, deep_lines[0], "warning", "too-deep",
                f"quotes or lists nested deeper than {markdown().options.maxNesting} levels (a list counts two): "
                "what is inside is neither indexed nor published; links there are not indexed",
            )
        )

    aliases = _aliases(properties)
    tags = _dedupe_casefold(_property_tags(properties) + tags)
    if isinstance(properties.get("title"), str) and properties["title"].strip():
        title = properties["title"].strip()
    return Note(
        path=path,
        title=title,
        properties=properties,
        aliases=aliases,
        tags=tags,
        headings=tuple(headings),
        block_ids=tuple(dict.fromkeys(block_ids)),
        links=tuple(links),
        problems=tuple(problems),
        property_lines=property_lines,
    )


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Return (yaml text or None, body, 0-based line where the body starts).

    An opening `---` with no closing line gives (None, text, -1).
    """
    first_end = text.find("\n")
    first = text if first_end < 0 else text[:first_end]
    if first.rstrip() != "---":
        return None, text, 0
    if first_end < 0:
        return None, text, -1
    close = FRONT_MATTER_CLOSE.search(text, first_end + 1)
    if close is None:
        return None, text, -1
    yaml_text = text[first_end + 1 : close.start()]
    body_start = text.find("\n", close.end())
    body = "" if body_start < 0 else text[body_start + 1 :]
    return yaml_text, body, yaml_text.count("\n") + 2


# The fast path beside PyYAML (see simple_yaml). Everything it is unsure of goes to PyYAML.
_RESOLVERS = _Loader.yaml_implicit_resolvers
_BOOL_TAG = "tag:yaml.org,2002:bool"
# Text PyYAML's reader refuses, and the characters YAML 1.1 takes for line breaks (\x85,
# \u2028, \u2029), besides \r, tabs and a BOM: all left to PyYAML.
_NOT_SIMPLE_TEXT = re.compile("[^\x0a\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd\U00010000-\U0010ffff]")
_KEY_LINE = re.compile(r"([A-Za-z_][A-Za-z0-9_-]*):(?: +(.*?))? *")
_ITEM_LINE = re.compile(r"( *)- +(.*?) *")
_DOUBLE_QUOTED = re.compile(r'"([^"\\]*)"')
_SINGLE_QUOTED = re.compile(r"'([^']*)'")
# A plain scalar starts with none of YAML's indicators (nor a blank), and holds no
# `: ` or ` #` and does not end with `:` (checked apart).
_PLAIN_START = frozenset(" -?:,[]{}#&*!|>'\"%@`")
# One item of a one-line flow list, and the `,` or `]` after it.
_FLOW_ITEM = re.compile(r""" *("[^"\\]*"|'[^']*'|[^ \-?:,\[\]{}#&*!|>'"%@`][^,\[\]{}#:]*?) *([,\]])""")


def _scalar(text: str) -> tuple[bool, Any]:
    """(True, value) for a one-line scalar YAML reads as that string; (False, None) otherwise."""
    first = text[0]
    if first == '"':
        match = _DOUBLE_QUOTED.fullmatch(text)
        return (True, match.group(1)) if match else (False, None)
    if first == "'":
        match = _SINGLE_QUOTED.fullmatch(text)
        return (True, match.group(1)) if match else (False, None)
    if first in _PLAIN_START or ": " in text or " #" in text or text[-1] == ":":
        return False, None
    return _plain_string(text)


def _plain_string(text: str) -> tuple[bool, Any]:
    """A plain scalar as YAML resolves it, when that is a string or a boolean."""
    for tag, pattern in _RESOLVERS.get(text[0], ()):
        if pattern.match(text):  # the first that matches decides, as in PyYAML
            if tag == _BOOL_TAG:  # `publish: true`, common enough to read here
                return True, text.lower() in ("yes", "true", "on")
            return False, None  # a number, null, ...: PyYAML knows best
    return True, text


def _flow_list(text: str) -> tuple[bool, Any]:
    """A one-line flow list of simple scalars: `[a, "b", 'c']`."""
    if text[1:].strip(" ") == "]":
        return True, []
    items, pos = [], 1
    while True:
        match = _FLOW_ITEM.match(text, pos)
        if match is None:
            return False, None
        item = match.group(1)
        if item[0] in "\"'":
            items.append(item[1:-1])
        else:
            ok, value = _plain_string(item)
            if not ok:
                return False, None
            items.append(value)
        pos = match.end()
        if match.group(2) == "]":
            return (True, items) if pos == len(text) else (False, None)


def simple_yaml(text: str) -> dict[str, Any] | None:
    """The front matter's mapping when it is made only of the commonest lines, else None.

    PyYAML costs about 50 µs a note, most of it building its nodes in Python. Front
    matter is nearly always `key: value` lines at column 0 whose value is a quoted string
    without escapes, a plain scalar YAML reads as a string (a date, since our loader keeps
    dates as written), a one-line flow list of those, or nothing, followed by block list
    items of those. This reads such text exactly as PyYAML does (tests/test_parse.py holds
    the two equal with hypothesis); anything else, PyYAML reads.
    """
    if _NOT_SIMPLE_TEXT.search(text) is not None:
        return None
    data: dict[str, Any] = {}
    lines = text.split("\n")
    count, number = len(lines), 0
    while number < count:
        line = lines[number]
        number += 1
        if not line.strip(" ") or line[0] == "#":
            continue
        match = _KEY_LINE.fullmatch(line)
        if match is None:
            return None
        key, value = match.group(1), match.group(2)
        if len(key) > 1000 or _plain_string(key)[1] is not key:
            return None  # `yes:`, `null:`: not a string key (and YAML limits a key's length)
        if value:
            ok, data[key] = _flow_list(value) if value[0] == "[" else _scalar(value)
            if not ok:
                return None
            continue
        # Nothing after the colon: null, or the block list on the lines below.
        items, indent = [], None
        while number < count:
            line = lines[number]
            if not line.strip(" "):
                number += 1
                continue
            item = _ITEM_LINE.fullmatch(line)
            if item is None:
                break  # the next key (an indented line is not one: PyYAML's to read)
            if indent is None:
                indent = item.group(1)
            if item.group(1) != indent or not item.group(2) or item.group(2)[0] == "[":
                return None
            ok, value = _scalar(item.group(2))
            if not ok:
                return None
            items.append(value)
            number += 1
        data[key] = items if indent is not None else None
    return data or None


# A note whose properties cannot be read may say `private: true`: the site keeps it out.
KEPT_OFF = " (the note is kept off the site until this is fixed)"


def _load_properties(path: str, yaml_text: str, problems: list[Problem]) -> dict[str, Any]:
    try:
        data = simple_yaml(yaml_text)
        if data is None:
            data = yaml.load(yaml_text, Loader=_Loader)  # noqa: S506 - a safe loader subclass
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        reason = error.problem or str(error)
        at_end = error.problem_mark is not None and error.problem_mark.index >= len(yaml_text.rstrip())
        if error.context_mark is not None and at_end:
            # An unclosed quote or bracket fails at the end; the line that opened it is the one to fix.
            mark = error.context_mark
            reason = f"{reason} {error.context}" if error.context else reason
        line = 1
        if mark is not None:
            # From the character index, not mark.line: YAML also breaks lines at \r, \x85 and
            # \u2028, which editors (and our line numbers) do not all count.
            index = min(mark.index, len(yaml_text))
            line = yaml_text.count("\n", 0, index) + 2
            if "\t" in yaml_text[yaml_text.rfind("\n", 0, index) + 1 : index + 1]:
                # libyaml says only "found character that cannot start any token" here.
                reason += " (YAML does not allow tabs for indentation)"
        if error.problem and "could not determine a constructor" in error.problem:
            reason = "YAML tags that build objects are not allowed: " + reason.split("for the tag", 1)[-1].strip()
        problems.append(Problem(path, line, "error", "yaml", f"bad YAML in front matter: {reason}{KEPT_OFF}"))
        return {}
    except (yaml.YAMLError, ValueError, RecursionError) as error:
        problems.append(Problem(path, 1, "error", "yaml", f"bad YAML in front matter: {error}{KEPT_OFF}"))
        return {}
    if data is None:
        return {}
    if not isinstance(data, dict):
        kind = "a list" if isinstance(data, list) else "a single value"
        problems.append(
            Problem(path, 2, "error", "yaml",
                    f"front matter must be properties (`key: value` lines), not {kind}{KEPT_OFF}")
        )
        return {}
    budget = [MAX_PROPERTY_NODES]
    try:
        return {str(key): _plain(value, budget, 0) for key, value in data.items()}
    except _TooComplex:
        problems.append(
            Problem(
                path, 1, "error", "yaml",
                "front matter is too large or nested (YAML aliases expand too far); ignored" + KEPT_OFF,
            )
        )
        return {}


class _TooComplex(Exception):
    pass


def _plain(value: Any, budget: list[int], depth: int) -> Any:
    """A JSON-safe copy of a YAML value, refusing alias bombs and deep nesting."""
    budget[0] -= 1
    if budget[0] < 0 or depth > MAX_PROPERTY_DEPTH:
        raise _TooComplex
    if value is None or isinstance(value, (bool, int, str)):
        return value
    if isinstance(value, float):
        return value if math.isfinite(value) else str(value)
    if isinstance(value, dict):
        return {str(k): _plain(v, budget, depth + 1) for k, v in value.items()}
    if isinstance(value, (list, tuple, set)):
        items = sorted(value, key=str) if isinstance(value, set) else value
        return [_plain(v, budget, depth + 1) for v in items]
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    return str(value)


def _property_links(
    path: str, lines: list[str], key_lines: dict[str, int], properties: dict[str, Any], problems: list[Problem]
) -> list[Link]:
    """Quoted wiki-links in string values and list items become links with `field`."""
    links: list[Link] = []
    for key, value in properties.items():
        values = value if isinstance(value, list) else [value]
        key_line = key_lines[key]
        search_from = key_line
        for item in values:
            if isinstance(item, list) and len(item) == 1 and isinstance(item[0], list):
                item = item[0]  # `- [[A]]` in a block list is a list inside the list
            if isinstance(item, list) and len(item) == 1 and isinstance(item[0], str):
                problems.append(
                    Problem(
                        path,
                        key_line + 2,
                        "warning",
                        "unquoted-link",
                        f'property "{key}": YAML reads unquoted [[{item[0]}]] as a nested list, not a link; '
                        f'write {key}: "[[{item[0]}]]"',
                    )
                )
                continue
            if not isinstance(item, str) or "[[" not in item:
                continue
            item_from = search_from
            for match in PROPERTY_LINK.finditer(item):
                raw = match.group(0)
                inner = match.group(1)
                if not inner.strip():
                    continue
                linkpath, subpath, display = split_wikilink(inner)
                found = _find_line(lines, raw, item_from)
                if found >= 0:
                    item_from = found
                    # The next item of a block list is on a later line; a flow list's on this one.
                    search_from = found + 1 if found > key_line else found
                links.append(
                    Link(
                        linkpath=_nfc(linkpath),
                        subpath=subpath,
                        display=display,
                        kind="embed" if raw.startswith("!") else "link",
                        syntax="wiki",
                        field=key,
                        line=(found if found >= 0 else key_line) + 2,
                        raw=raw,
                        low_confidence=item.strip() != raw,
                    )
                )
    return links


def _duplicate_keys(path: str, lines: list[str]) -> list[Problem]:
    """A key written twice: YAML keeps only the last (`private: true` then `private: false`),
    which is never what the first line meant."""
    first: dict[str, int] = {}
    problems = []
    for number, line in enumerate(lines):
        colon = line.find(":")
        if colon <= 0 or line[0] in " \t#-[{" or line.startswith("..."):
            continue
        name = line[:colon].rstrip(" \t\r").strip("'\"")
        if name in first:
            problems.append(Problem(
                path, number + 2, "error", "yaml",
                f"property `{name}` is written twice (line {first[name] + 2} and here): YAML keeps only the "
                "last; keep one" + KEPT_OFF,
            ))
        else:
            first[name] = number
    return problems


# Front matter after a blank line: Obsidian reads it as text, but it was meant as properties.
LATE_FRONT_MATTER = re.compile(r"(?:[ \t]*\r?\n)+---[ \t]*\r?\n(?:.*\n)*?---[ \t]*\r?$", re.MULTILINE)


def _key_lines(lines: list[str], properties: dict[str, Any]) -> dict[str, int]:
    """The 0-based line of each property's key: the first line starting `key:`,
    `"key":` or `'key':` (0 when none does)."""
    starts: dict[str, int] = {}
    for number, line in enumerate(lines):
        colon = line.find(":")
        if colon > 0 and line[0] not in " \t":
            name = line[:colon].rstrip(" \t\r")
            if name[:1] in "'\"":
                name = name[1:]
            if name[-1:] in "'\"":
                name = name[:-1]
            starts.setdefault(name, number)
    # Odd keys (holding `:`, which cut them short above, or starting with a blank or
    # a quote) are looked for by pattern.
    return {
        key: starts.get(key, 0) if key and ":" not in key and key[0] not in " \t'\"" and key[-1] not in "'\""
        else _key_line(lines, key)
        for key in properties
    }


def _key_line(lines: list[str], key: str) -> int:
    pattern = re.compile(r"^['\"]?" + re.escape(key) + r"['\"]?\s*:")
    for number, line in enumerate(lines):
        if pattern.match(line):
            return number
    return 0


def _find_line(lines: list[str], needle: str, start: int) -> int:
    for number in range(start, len(lines)):
        if needle in lines[number]:
            return number
    return -1


def _scan_body(body: str, line_offset: int):
    """Links, tags, headings and block ids of the body, in document order.

    Chunks of plain prose go through `fastscan` (the same result, found faster);
    everything else is tokenised by markdown-it-py.
    """
    links: list[Link] = []
    tags: list[str] = []
    headings: list[Heading] = []
    block_ids: list[str] = []
    pipe_lines: list[int] = []  # table rows where a `|` inside `[[...]]` split a cell
    deep_lines: list[int] = []  # quotes and list items whose inside the parser leaves out
    found = (links, tags, headings, block_ids, pipe_lines, deep_lines)
    if not body:
        return found
    chunks = split_chunks(body)
    if chunks is None:
        _scan_tokens(body, line_offset, found)
        return found
    pending: list[str] = []
    pending_start = 0
    for start, text in chunks:
        simple = scan_simple_chunk(text, start)
        if simple is None:
            if not pending:
                pending_start = start
            pending.append(text)
            continue
        if pending:
            _scan_tokens("\n".join(pending), line_offset + pending_start, found)
            pending = []
        _add_simple(simple, line_offset, found)
    if pending:
        _scan_tokens("\n".join(pending), line_offset + pending_start, found)
    return found


def _add_simple(simple, line_offset: int, found) -> None:
    """Add what fastscan found (0-based lines in the body) to the body's findings."""
    links, tags, headings, block_ids, _, _ = found
    chunk_links, chunk_tags, chunk_headings, chunk_blocks = simple
    if chunk_headings:
        headings.extend(Heading(level, text, line_offset + number + 1) for level, text, number in chunk_headings)
    for meta in chunk_links:
        link = _link(meta, line_offset)
        if link is not None:
            links.append(link)
    tags.extend(chunk_tags)
    block_ids.extend(chunk_blocks)


def _scan_tokens(text: str, line_offset: int, found) -> None:
    """Collect from markdown-it-py's tokens of `text`, whose first line is `line_offset`."""
    links, tags, headings, block_ids, pipe_lines, deep_lines = found
    tokens = markdown().parse(text, {"extract_only": True})
    heading_level = 0
    for token in tokens:
        if token.nesting == 1 and too_deep(token):
            deep_lines.append(line_offset + token.map[0] + 1)
        if token.type == "heading_open":
            heading_level = int(token.tag[1])
            continue
        if token.type != "inline":
            continue
        if heading_level:
            headings.append(Heading(heading_level, token.content.strip(), line_offset + token.map[0] + 1))
            heading_level = 0
        if "block_id" in token.meta:
            block_ids.append(token.meta["block_id"])
        if "unescaped_pipe" in token.meta:
            pipe_lines.append(line_offset + token.map[0] + 1)
        extracted = token.meta.get("extracted")
        if extracted is not None:
            for entry in extracted:
                if entry[0] == "tag":
                    tags.append(entry[1])
                else:
                    link = _link(entry[1], line_offset)
                    if link is not None:
                        links.append(link)
            continue
        children = token.children or ()
        for index, child in enumerate(children):
            kind = child.type
            if kind == "wikilink":
                links.append(_wikilink(child.meta, line_offset))
            elif kind == "vk_tag":
                tags.append(child.content)
            elif kind == "link_open" or kind == "image":
                link = _markdown_link(child, children, index, line_offset)
                if link is not None:
                    links.append(link)


def _wikilink(meta: dict, line_offset: int) -> Link:
    return Link(
        linkpath=_nfc(meta["linkpath"]),
        subpath=meta["subpath"],
        display=meta["display"],
        kind=meta["kind"],
        syntax="wiki",
        field=None,
        line=line_offset + meta["line"] + 1,
        raw=meta["raw"],
    )


def _link(meta: dict, line_offset: int) -> Link | None:
    """A link the fast path found: a wiki-link's meta, or a Markdown link's."""
    if "href" in meta:
        return _local_link(meta, meta["href"], meta["display"], line_offset)
    return _wikilink(meta, line_offset)


def _markdown_link(token, children, index: int, line_offset: int) -> Link | None:
    if token.type == "image":
        return _local_link(
            {**token.meta, "kind": "embed"}, token.attrGet("src") or "", token.content, line_offset
        )
    parts = []
    for position in range(index + 1, len(children)):  # (not a slice: a paragraph may hold 100,000 links)
        child = children[position]
        if child.type == "link_close":
            break
        parts.append(child.content)
    return _local_link({**token.meta, "kind": "link"}, token.attrGet("href") or "", "".join(parts), line_offset)


def _local_link(meta: dict, href: str, display: str, line_offset: int) -> Link | None:
    """A Markdown link or image to a file in the vault; None for an external one.
    `meta` holds its kind, 0-based line and the link as written."""
    if not href or SCHEME_RE.match(href) or href.startswith("//"):
        return None
    href = unquote(href)
    hash_at = href.find("#")
    linkpath, subpath = (href, "") if hash_at < 0 else (href[:hash_at], href[hash_at:])
    return Link(
        linkpath=_nfc(linkpath.strip()),
        subpath=subpath,
        display=display,
        kind=meta["kind"],
        syntax="markdown",
        field=None,
        line=line_offset + meta.get("line", 0) + 1,
        raw=meta["raw"],
    )


def _aliases(properties: dict[str, Any]) -> tuple[str, ...]:
    for key, value in properties.items():
        if key.lower() == "aliases":
            items = value if isinstance(value, list) else [value]
            return tuple(dict.fromkeys(item.strip() for item in items if isinstance(item, str) and item.strip()))
    return ()


def _property_tags(properties: dict[str, Any]) -> list[str]:
    for key, value in properties.items():
        if key.lower() == "tags":
            if isinstance(value, str):
                items = re.split(r"[,\s]+", value)
            elif isinstance(value, list):
                items = [item for item in value if isinstance(item, (str, int))]
            else:
                return []
            return [str(item).strip().lstrip("#") for item in items if str(item).strip().lstrip("#")]
    return []


def _dedupe_casefold(items: list[str]) -> tuple[str, ...]:
    seen: dict[str, str] = {}
    for item in items:
        seen.setdefault(item.lower(), item)
    return tuple(seen.values())


def _nfc(text: str) -> str:
    return text if text.isascii() else unicodedata.normalize("NFC", text)
