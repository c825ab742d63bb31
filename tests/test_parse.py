"""`parse_note(path, text)`: table-driven cases for every link form, line numbers,
tags, aliases, headings and block ids, plus a property: it never raises and never
names a line the file does not have.

Section numbers (§) refer to /work/shared/obsidian-links.md.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.parse import parse_note


def links(text: str) -> list[tuple]:
    """(kind, syntax, linkpath, subpath, display, field, line) of every link, in order."""
    return [
        (l.kind, l.syntax, l.linkpath, l.subpath, l.display, l.field, l.line) for l in parse_note("n.md", text).links
    ]


# -- link forms --------------------------------------------------------------------------------

LINK_FORMS = [
    # §2.1 wiki-links
    ("wiki", "[[Note]]", [("link", "wiki", "Note", "", None, None, 1)]),
    ("embed", "![[Note]]", [("embed", "wiki", "Note", "", None, None, 1)]),
    ("display", "[[Note|Shown text]]", [("link", "wiki", "Note", "", "Shown text", None, 1)]),
    ("display two pipes", "[[A|b|c]]", [("link", "wiki", "A", "", "b|c", None, 1)]),
    ("empty display", "[[Note|]]", [("link", "wiki", "Note", "", "", None, 1)]),
    ("heading", "[[Note#Heading]]", [("link", "wiki", "Note", "#Heading", None, None, 1)]),
    ("nested heading", "[[Note#H1#H2]]", [("link", "wiki", "Note", "#H1#H2", None, None, 1)]),
    ("block", "[[Note#^abc-1]]", [("link", "wiki", "Note", "#^abc-1", None, None, 1)]),
    ("heading and display", "[[Note#H|x]]", [("link", "wiki", "Note", "#H", "x", None, 1)]),
    ("slash in heading alias", "[[P#she/her|she/her]]", [("link", "wiki", "P", "#she/her", "she/her", None, 1)]),
    ("same-note heading", "[[#Heading]]", [("link", "wiki", "", "#Heading", None, None, 1)]),
    ("same-note block", "[[#^id]]", [("link", "wiki", "", "#^id", None, None, 1)]),
    ("with .md", "[[Note.md]]", [("link", "wiki", "Note.md", "", None, None, 1)]),
    ("folder path", "[[Folder/Note]]", [("link", "wiki", "Folder/Note", "", None, None, 1)]),
    ("image size", "![[img.png|100x145]]", [("embed", "wiki", "img.png", "", "100x145", None, 1)]),
    ("pdf page", "![[doc.pdf#page=3]]", [("embed", "wiki", "doc.pdf", "#page=3", None, None, 1)]),
    ("padded", "[[ Note ]]", [("link", "wiki", "Note", "", None, None, 1)]),
    ("escaped pipe outside table", "[[A\\|b]]", [("link", "wiki", "A", "", "b", None, 1)]),
    ("innermost of [[a [[b]]", "[[a [[b]]", [("link", "wiki", "b", "", None, None, 1)]),
    ("hash in name", "[[C# notes]]", [("link", "wiki", "C", "# notes", None, None, 1)]),
    ("two on a line", "[[A]] and ![[B]]", [("link", "wiki", "A", "", None, None, 1), ("embed", "wiki", "B", "", None, None, 1)]),
    ("empty", "[[]]", []),
    ("blank", "[[ ]]", []),
    ("escaped brackets", "\\[\\[Note\\]\\]", []),
    ("spans lines", "[[No\nte]]", []),
    # §2.2 Markdown links
    ("md", "[t](Note.md)", [("link", "markdown", "Note.md", "", "t", None, 1)]),
    ("md no extension", "[t](Note)", [("link", "markdown", "Note", "", "t", None, 1)]),
    ("md folder", "[t](Folder/Note.md)", [("link", "markdown", "Folder/Note.md", "", "t", None, 1)]),
    ("md %20", "[t](Note%20Name.md)", [("link", "markdown", "Note Name.md", "", "t", None, 1)]),
    ("md <...>", "[t](<Note Name.md>)", [("link", "markdown", "Note Name.md", "", "t", None, 1)]),
    ("md heading", "[t](Note.md#My%20Heading)", [("link", "markdown", "Note.md", "#My Heading", "t", None, 1)]),
    ("md block", "[t](Note.md#^id)", [("link", "markdown", "Note.md", "#^id", "t", None, 1)]),
    ("md same note", "[t](#Heading)", [("link", "markdown", "", "#Heading", "t", None, 1)]),
    ("md relative", "[t](./Note.md)", [("link", "markdown", "./Note.md", "", "t", None, 1)]),
    ("md image", "![alt](img.png)", [("embed", "markdown", "img.png", "", "alt", None, 1)]),
    ("md reference", "[t][ref]\n\n[ref]: Ref.md\n", [("link", "markdown", "Ref.md", "", "t", None, 1)]),
    ("md collapsed reference", "[Ref][]\n\n[ref]: <Ref Note.md>\n", [("link", "markdown", "Ref Note.md", "", "Ref", None, 1)]),
    ("md https", "[t](https://example.com/Note.md)", []),
    ("md mailto", "[t](mailto:ana@example.com)", []),
    ("md obsidian uri", "[t](obsidian://open?vault=x)", []),
    ("md file uri", "[t](file:///tmp/Note.md)", []),
    ("md protocol-relative", "[t](//cdn.example.com/x.md)", []),
    ("md raw space", "[t](Note Name.md)", []),
    ("autolink", "<https://example.com>", []),
    # §2.3 where links are not recognised
    ("inline code", "`[[Note]]`", []),
    ("fence", "```\n[[Note]]\n```", []),
    ("tilde fence", "~~~md\n[[Note]]\n~~~", []),
    ("indented code", "para\n\n    [[Note]]", []),
    ("comment", "%%[[Note]]%%", []),
    ("block comment", "%%\n[[Note]]\n%%\n[[After]]", [("link", "wiki", "After", "", None, None, 4)]),
    ("math", "$[[Note]]$ and $$[[N]]$$", []),
    ("html comment", "<!-- [[Note]] -->", []),
    ("html block", "<div>\n[[Note]]\n</div>", []),
    ("escaped pipe in table", "| a | b |\n|---|---|\n| [[A\\|b]] | x |", [("link", "wiki", "A", "", "b", None, 3)]),
    # obsidian-links §2.3: an unescaped `|` splits the cell in Obsidian; vaultkit reads the link (and warns).
    ("unescaped pipe in table", "| a | b |\n|---|---|\n| [[A|b]] | x |\n| [[C|d|e]] | [[F]] |",
     [("link", "wiki", "A", "", "b", None, 3), ("link", "wiki", "C", "", "d|e", None, 4), ("link", "wiki", "F", "", None, None, 4)]),
    ("unescaped pipe in a table header", "| [[A|b]] | x |\n|---|---|---|", [("link", "wiki", "A", "", "b", None, 1)]),
    ("a table cell's [[ never closed", "| a | b |\n|---|---|\n| [[A | x |", []),
    ("blockquote", "> [[Q]]", [("link", "wiki", "Q", "", None, None, 1)]),
    ("callout", "> [!note] Title\n> see [[Q]]", [("link", "wiki", "Q", "", None, None, 2)]),
    ("heading link", "## About [[Q]]", [("link", "wiki", "Q", "", None, None, 1)]),
    ("footnote", "x[^1]\n\n[^1]: see [[Q]]", [("link", "wiki", "Q", "", None, None, 3)]),
    ("linked image", "[![i](i.png)](T.md)", [("link", "markdown", "T.md", "", "i", None, 1),
                                            ("embed", "markdown", "i.png", "", "i", None, 1)]),
]


@pytest.mark.parametrize("name, text, expected", LINK_FORMS, ids=[case[0] for case in LINK_FORMS])
def test_link_forms(name, text, expected):
    assert links(text) == expected


# -- line numbers ----------------------------------------------------------------------------------

LINES = [
    ("body after properties", "---\na: 1\nb: 2\n---\n[[X]]\n", [("X", None, 5)]),
    ("empty properties", "---\n---\n[[X]]", [("X", None, 3)]),
    ("property", '---\ntitle: T\ncompany: "[[Acme]]"\n---\n', [("Acme", "company", 3)]),
    ("list property", '---\nrelated:\n  - "[[A]]"\n  - "[[B]]"\n---\n', [("A", "related", 3), ("B", "related", 4)]),
    ("flow list", '---\nrelated: ["[[A]]", "[[B]]"]\n---\n', [("A", "related", 2), ("B", "related", 2)]),
    ("same link twice", '---\na: "[[X]]"\nb: "[[X]]"\n---\n', [("X", "a", 2), ("X", "b", 3)]),
    ("same link in two lists", '---\nr:\n  - "[[X]]"\no: 1\ns:\n  - "[[X]]"\n---\n', [("X", "r", 3), ("X", "s", 6)]),
    ("folded string", '---\nm: >\n  text\n  "[[C]]"\n---\n', [("C", "m", 4)]),
    ("quoted key", "---\n'my key': \"[[D]]\"\n---\n", [("D", "my key", 2)]),
    ("link inside text", "---\nnote: 'met [[Bob]] today'\n---\n", [("Bob", "note", 2)]),
    ("properties then body", '---\nwith: "[[Ana]]"\n---\n\nSee [[Bob]].\n', [("Ana", "with", 2), ("Bob", None, 5)]),
    ("paragraph lines", "one\ntwo [[A]]\nthree [[B]]\n", [("A", None, 2), ("B", None, 3)]),
    ("list items", "- a\n- b [[A]]\n  - c\n  - d [[B]]\n\n1. e\n   [[C]]\n", [("A", None, 2), ("B", None, 4), ("C", None, 7)]),
    ("after fence", "```\ncode\n```\n[[A]]\n", [("A", None, 4)]),
    ("after block comment", "%%\nx\n%%\n[[A]]\n", [("A", None, 4)]),
    ("table row", "| a |\n|---|\n| x |\n| [[A]] |\n", [("A", None, 4)]),
    ("setext heading", "Title [[A]]\n===\n", [("A", None, 1)]),
    ("markdown link", "x\n\n[t](A.md)\n", [("A.md", None, 3)]),
    ("reference use line", "x\n[t][r]\n\n[r]: A.md\n", [("A.md", None, 2)]),
    ("CRLF body", "a\r\nb [[X]]\r\n\r\n```\r\n[[no]]\r\n```\r\n[[Y]]\r\n", [("X", None, 2), ("Y", None, 7)]),
    ("CRLF properties", '---\r\ncompany: "[[Acme]]"\r\n---\r\n[[Y]]\r\n', [("Acme", "company", 2), ("Y", None, 4)]),
    ("BOM", '\ufeff---\ncompany: "[[Acme]]"\n---\n[[Y]]\n', [("Acme", "company", 2), ("Y", None, 4)]),
    ("BOM no properties", "\ufeff[[Y]]\n", [("Y", None, 1)]),
    ("unclosed properties", "---\na: 1\n[[Y]]\n", [("Y", None, 3)]),
]


@pytest.mark.parametrize("name, text, expected", LINES, ids=[case[0] for case in LINES])
def test_link_lines(name, text, expected):
    assert [(l.linkpath, l.field, l.line) for l in parse_note("n.md", text).links] == expected


# -- tags (§6 body, §5 property) ------------------------------------------------------------------

TAGS = [
    ("#tag", ("tag",)),
    ("text #tag.", ("tag",)),
    ("#a/b/c", ("a/b/c",)),
    ("#tag/sub-x_y", ("tag/sub-x_y",)),
    ("#1984 #y1984", ("y1984",)),
    ("#ffffff", ("ffffff",)),
    ("a#b", ()),
    ("## Heading", ()),
    ("#Tag #tag #TAG", ("Tag",)),  # case-insensitive identity, first casing kept
    ("#a,b #c:d #e! #f?", ("a", "c", "e", "f")),
    ("#日本語 #🎉party", ("日本語", "🎉party")),
    ("`#code` \\#escaped %%#hidden%%", ()),
    ("```\n#fenced\n```", ()),
    ("[[Note#Heading]] https://x.org/#frag [t](#anchor)", ()),
    ("- [ ] task #todo\n  #second", ("todo", "second")),
    ("---\ntags: [one, '#two']\n---\n#three", ("one", "two", "three")),
    ("---\ntags:\n  - x/y\n  - '#z'\n---\n", ("x/y", "z")),
    ("---\ntags: a, b c\n---\n", ("a", "b", "c")),
    ("---\nTags: upper\n---\n", ("upper",)),
    ("---\ntags: dup\n---\n#DUP", ("dup",)),
    ("---\nsummary: 'has #hash inside'\n---\n", ()),  # hashtags in other properties are not tags
    ("---\ntags:\n---\n", ()),
]


@pytest.mark.parametrize("text, expected", TAGS, ids=[case[0] for case in TAGS])
def test_tags(text, expected):
    assert parse_note("n.md", text).tags == expected


# -- aliases (§5) ------------------------------------------------------------------------------------

ALIASES = [
    ("---\naliases: [Bob, Bobby]\n---\n", ("Bob", "Bobby")),
    ("---\naliases:\n  - ' Bob '\n  - ''\n  - 2\n  - Bob\n---\n", ("Bob",)),  # trimmed, empty/non-string dropped
    ("---\naliases: Bob, Robert\n---\n", ("Bob, Robert",)),  # one string is one alias
    ("---\nAliases: [Bob]\n---\n", ("Bob",)),  # key matched case-insensitively
    ("---\nalias: Bob\n---\n", ()),  # deprecated singular: not read
    ("---\naliases:\n---\n", ()),
    ("aliases: [Bob]\n", ()),  # not front matter
]


@pytest.mark.parametrize("text, expected", ALIASES, ids=[case[0] for case in ALIASES])
def test_aliases(text, expected):
    assert parse_note("n.md", text).aliases == expected


# -- headings, block ids, title -----------------------------------------------------------------------


def test_headings_with_levels_and_lines():
    note = parse_note("n.md", "---\na: 1\n---\n# One\ntext\n## Two *x*\n\nSetext\n---\n```\n# not\n```\n")
    assert [(h.level, h.text, h.line) for h in note.headings] == [(1, "One", 4), (2, "Two *x*", 6), (2, "Setext", 8)]


@pytest.mark.parametrize(
    "text, expected",
    [
        ("text ^blk-1", ("blk-1",)),
        ("line one\nline two ^end", ("end",)),
        ("- list\n\n^after", ("after",)),
        ("^alone", ("alone",)),
        ("a ^one\n\nb ^two\n\nc ^one", ("one", "two")),
        ("no^id", ()),
        ("text ^bad_id", ()),
        ("```\ncode ^x\n```", ()),
        ("`x ^y`", ()),
    ],
)
def test_block_ids(text, expected):
    assert parse_note("n.md", text).block_ids == expected


@pytest.mark.parametrize(
    "path, text, title",
    [
        ("people/Ana Lopez.md", "x", "Ana Lopez"),
        ("people/Ana.MD", "x", "Ana"),
        ("a.md", "---\ntitle: '  Real Title '\n---\n", "Real Title"),
        ("a.md", "---\ntitle: 3\n---\n", "a"),
        ("a.md", "", "a"),
    ],
)
def test_title(path, text, title):
    assert parse_note(path, text).title == title


# -- properties and problems ---------------------------------------------------------------------------


def test_unquoted_property_link_is_no_link_but_a_hint():
    note = parse_note("p.md", "---\nname: Bob\ncompany: [[Acme]]\n---\n")
    assert note.links == ()
    assert [(p.line, p.severity, p.code) for p in note.problems] == [(3, "warning", "unquoted-link")]
    assert 'company: "[[Acme]]"' in note.problems[0].message


def test_unquoted_link_in_a_block_list_is_a_hint_too():
    note = parse_note("p.md", '---\nreferrals:\n  - "[[Ana]]"\n  - [[Bob]]\n---\n')
    assert [l.linkpath for l in note.links] == ["Ana"]
    assert [p.code for p in note.problems] == ["unquoted-link"]


def test_markdown_links_in_properties_are_not_links():
    assert parse_note("p.md", "---\nsite: '[Acme](Acme.md)'\n---\n").links == ()


def test_property_values_stay_as_written_and_json_safe():
    note = parse_note(
        "p.md", "---\ndate: 2026-13-45\nday: 2026-01-02\nn: .nan\nbin: !!binary aGVsbG8=\nset: !!set {b, a}\n---\n"
    )
    assert note.properties == {"date": "2026-13-45", "day": "2026-01-02", "n": "nan", "bin": "hello", "set": ["a", "b"]}
    assert note.problems == ()


@pytest.mark.parametrize(
    "text, line, fragment",
    [
        ("---\na: 'unclosed\n---\n", 2, "bad YAML"),
        ("---\na:\n\tb: 1\n---\n", 3, "tab"),
        ("---\n- a\n- b\n---\n", 2, "not a list"),
        ("---\njust words\n---\n", 2, "not a single value"),
        ("---\nfoo: 1\n", 1, "not closed"),
        ("---\nx: !!python/object/apply:os.system [echo hi]\n---\n", 2, "build objects"),
        ("---\na: [1, 2\n\n---\n", 2, "flow sequence"),
        ("---\na: 1\n{0:\u2028\n---\n", 3, "bad YAML"),  # YAML counts U+2028 as a line break; editors do not
    ],
)
def test_bad_front_matter_is_one_named_problem(text, line, fragment):
    note = parse_note("bad.md", text)
    assert [(p.path, p.line, p.severity, p.code) for p in note.problems] == [("bad.md", line, "error", "yaml")]
    assert fragment in note.problems[0].message
    assert note.properties == {}


def test_bad_front_matter_keeps_the_body():
    note = parse_note("bad.md", "---\na: [unclosed\n---\nSee [[Bob]] #tag\n")
    assert [(l.linkpath, l.line) for l in note.links] == [("Bob", 4)]
    assert note.tags == ("tag",)


def test_empty_note_is_a_warning():
    assert [p.code for p in parse_note("e.md", " \n\n").problems] == ["empty"]


# -- property: never raises, never names a line the file does not have -------------------------------

FRAGMENTS = [
    "---", "---\n", "...", "a: 1", "a: [[B]]", 'a: "[[B]]"', "- '[[C|d]]'", "  - x", "\t- y", "key: 'open",
    "k: &a [1, 2]", "m: *a", "!!binary x", "!!python/object:os.system", "? complex", ": v", "{a: [", "]]",
    "[[", "[[x]]", "![[y#z]]", "[t](u.md)", "[r]: v.md", "[r]", "`", "```", "~~~", "    code", "%%", "$$", "$",
    "<!--", "-->", "<div>", "#tag", "# H", "^id", "|", "| a | b |", "|---|", "\\", "\r", "\r\n", "\ufeff", "\x00",
    "\u2028", "\x85", "é", "🎉", " ", "\n", "\n\n",
]

note_text = st.one_of(
    st.text(max_size=300),
    st.lists(st.sampled_from(FRAGMENTS), max_size=40).map("".join),
    st.tuples(st.lists(st.sampled_from(FRAGMENTS), max_size=15), st.text(max_size=80)).map(
        lambda parts: "---\n" + "\n".join(parts[0]) + "\n---\n" + parts[1]
    ),
)


def _line_count(text: str) -> int:
    """Lines as an editor counts them: `\\n`, `\\r\\n` and a lone `\\r` each end one."""
    return len(re.split(r"\r\n|\r|\n", text.removeprefix("\ufeff")))


@settings(max_examples=400, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(note_text)
def test_parse_never_raises_and_lines_exist(text):
    note = parse_note("n.md", text)
    count = _line_count(text)
    for link in note.links:
        assert 1 <= link.line <= count, (link, count)
    for heading in note.headings:
        assert 1 <= heading.line <= count, (heading, count)
    for problem in note.problems:
        assert 0 <= problem.line <= count, (problem, count)
        assert problem.path == "n.md"


# Property lines are found in one pass over the front matter; a key's line must be
# the first line a per-key pattern (`key:`, `"key":`, `'key':`) finds.
_yaml_key = st.sampled_from(["a", "b", "ab", "a b", "a:b", "-x", "#c", "'q'", "x'", "", "é", " a"])
_yaml_line = st.tuples(
    st.sampled_from(["", " ", "'", '"', "- ", "\t"]), _yaml_key, st.sampled_from(["", "'", '"']),
    st.sampled_from([":", " :", ": v", "::", "", "\t:", "\r:"]), st.sampled_from(["", " x", ": y"]),
).map("".join)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_yaml_line, max_size=8), st.lists(_yaml_key, max_size=5, unique=True))
def test_key_lines_are_the_first_line_each_key_starts(lines: list[str], keys: list[str]) -> None:
    from vaultkit.parse import _key_line, _key_lines

    properties = dict.fromkeys(keys, 1)
    assert _key_lines(lines, properties) == {key: _key_line(lines, key) for key in properties}


def test_an_unescaped_pipe_in_a_table_link_is_a_warning(make_vault, vk):
    vault = make_vault({"A.md": "", "n.md": "| who | note |\n|---|---|\n| [[A|Ann]] | met |\n| [[A\\|Ann]] | ok |\n"})
    result = vk("check", vault)
    assert result.exit_code == 0, result  # a warning, not an error
    assert "n.md:3: warning: a wiki-link in a table cell holds a | that splits the cell" in result.stdout
    assert "n.md:4:" not in result.stdout
    edges = vk("graph", "--format", "json", vault).json()["edges"]
    assert [(e["target"], e["display"], e["line"]) for e in edges] == [("A.md", "Ann", 3), ("A.md", "Ann", 4)]


# The front matter's fast path (parse.simple_yaml) must read exactly what PyYAML reads,
# or leave the text to it. Lines are built from pieces chosen to sit on every edge
# of what it takes: YAML's indicators, values that resolve to numbers, booleans or
# null, `: ` and ` #` inside values, quotes, flow and block lists, indentation, and the
# characters YAML takes for line breaks or refuses.
_FM_KEYS = ["a", "tags", "follow_up", "x-y", "_k", "a", "tags", "yes", "No", "on", "null", "true", "n", "1a", "12",
            "k k", "<<", "=", "é", "a:b", "~", ""]
_FM_SAFE = ["x", "Jane Doe", "2025-01-16", "[[X]]", "[[X|y]]"]
_FM_TRICKY = ["2025-13-45", "12", "012", "0x1F", "1_000", "1:20", ".5", ".inf", "-3", "+1 555-0185", "~", "null",
              "Null", "yes", "Off", "TRUE", "on", "y", "a: b", "a #b", "a#b", "C#", "x, y", "{a}", "a]", "a[b",
              "O'Brien", 'say "hi"', "é ü", "a\tb", "*a", "&a x", "!x y", "%x", "@x", "`x", "|", ">", "-x", "- x",
              "?x", ":x", "x:", "x :y", "a:b", "https://e.com/a?b=c#d", "=", "<<", "\\", "a\\b", "x ", " x", "",
              "[a]", "{a: 1}", "\u2028", "\x85", "\ufeff", "\x7f", "\r", "a\nb"]
_fm_token = st.one_of(
    st.sampled_from(_FM_SAFE), st.sampled_from(_FM_TRICKY), st.text(alphabet="ab #:'\"[],-{}\\é*&!\t", max_size=6)
)
_fm_scalar = st.one_of(_fm_token, _fm_token.map(lambda s: f'"{s}"'), _fm_token.map(lambda s: f"'{s}'"))
_fm_value = st.one_of(
    st.tuples(st.sampled_from([": ", ":  ", ":", " : "]), _fm_scalar).map("".join),
    st.tuples(st.sampled_from([": [", ": [ ", ":["]), st.lists(_fm_scalar, max_size=3),
              st.sampled_from([", ", ",", " , "]), st.sampled_from(["]", " ]", "] ", "]]", ", ]"])).map(
        lambda parts: parts[0] + parts[2].join(parts[1]) + parts[3]
    ),
    st.lists(st.tuples(st.sampled_from(["", "  ", "  ", " ", "    "]), st.sampled_from(["- ", "- ", "-  ", "-"]),
                       _fm_scalar).map("".join), min_size=1, max_size=3).map(lambda items: ":\n" + "\n".join(items)),
    st.sampled_from([":", ": ", ":\n", ":\n\n- x"]),
)
_fm_entry = st.tuples(st.sampled_from(_FM_KEYS), _fm_value, st.sampled_from(["", "", "", " ", " # c", "\t"])).map(
    "".join
)
_fm_junk = st.sampled_from(["", " ", "# comment", "  # indented comment", "---", "...", "%YAML 1.1", "  continued",
                            "k: |", "  text", "? k", "k: >-", "  - stray", "- top"])
_fm_document = st.lists(st.one_of(_fm_entry, _fm_entry, _fm_entry, _fm_junk), min_size=1, max_size=6).map("\n".join)


def _typed(value):
    """A value with its type spelled out: PyYAML's True must not pass for 1."""
    if isinstance(value, dict):
        return {"dict": [(_typed(k), _typed(v)) for k, v in value.items()]}
    if isinstance(value, list):
        return {"list": [_typed(v) for v in value]}
    return (type(value).__name__, value)


def _assert_fast_path_reads_as_pyyaml(text: str) -> None:
    """simple_yaml either leaves `text` to PyYAML or reads exactly what PyYAML reads
    (and never reads text PyYAML refuses)."""
    import yaml

    from vaultkit.parse import _Loader, simple_yaml

    fast = simple_yaml(text)
    if fast is None:
        return
    try:
        expected = _typed(yaml.load(text, Loader=_Loader))  # noqa: S506 - a safe loader subclass
    except yaml.YAMLError:
        expected = "error"
    assert _typed(fast) == expected, text


@settings(max_examples=3000, deadline=None)
@given(_fm_document)
def test_simple_front_matter_reads_as_pyyaml_reads_it(text: str) -> None:
    _assert_fast_path_reads_as_pyyaml(text)


_FM_FORMS = [
    "k: {}", 'k: "{}"', "k: '{}'", "k: [{}]", "k: [x, {}]", 'k: ["{}", x]', "k: [{}]]", "k:\n  - {}", "k:\n- {}",
    "k:\n  - x\n  - {}", "k:\n  - {}\n    - x", "k:\n  - {}\n  more", "{}: x", "k: x\n{}", "k:\n  - x\n{}",
]


@pytest.mark.parametrize("form", _FM_FORMS)
def test_simple_front_matter_on_each_edge(form: str) -> None:
    """Every piece of the hypothesis test above, in every place a value can take, with
    safe lines around it: each edge of the fast path is met at least once every run."""
    for token in [*_FM_SAFE, *_FM_TRICKY, "  continued", "- stray", "]", "#c"]:
        _assert_fast_path_reads_as_pyyaml("a: x\n" + form.format(token) + "\nb: y")


@pytest.mark.parametrize("name", ["people/Maya Chen.md", "interviews/2026-09-15 Maya Chen.md", "people/Daniel Okafor.md"])
def test_the_example_vaults_front_matter_takes_the_fast_path(name):
    """The fast path is not vacuous: the example vault's everyday notes take it."""
    from pathlib import Path

    from vaultkit.parse import simple_yaml, split_front_matter

    text = (Path(__file__).parent.parent / "vault-template" / name).read_text(encoding="utf-8")
    yaml_text, _, _ = split_front_matter(text)
    assert yaml_text is not None and simple_yaml(yaml_text) is not None
