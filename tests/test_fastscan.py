"""The index's fast path must find exactly what the parser finds.

`parse_note` extracts plain-prose chunks with vaultkit.fastscan and inline text with
`extract_plain_inline`; `parse_note_slowly` below switches both off, so every note
is tokenised by markdown-it-py. Hypothesis builds documents from every kind of
Markdown line (and raw character soup) and the two must agree on every link, tag,
heading and block id, lines included.
"""

from __future__ import annotations

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vaultkit import fastscan, markdown
from vaultkit.parse import parse_note


def parse_note_slowly(text: str):
    """parse_note with every fast path switched off: markdown-it-py tokenises it all."""
    import vaultkit.parse as parse_module

    saved = parse_module.split_chunks, markdown.is_plain_inline
    try:
        parse_module.split_chunks = lambda body: None
        markdown.is_plain_inline = lambda content, references=True, comments=False: False
        return parse_note("note.md", text)
    finally:
        parse_module.split_chunks, markdown.is_plain_inline = saved


def extracted(note):
    return note.links, note.tags, note.headings, note.block_ids


inline_piece = st.sampled_from(
    [
        "[[Ana]]", "[[Ana|A]]", "![[pic.png]]", "[[Bo#H]]", "[[#Local]]", "[[x\\|y]]", "[[ ]]", "[[a", "b]]",
        "[[a [[b]]", "[[[c]]]", "#tag", "#1984", "a#b", "#x/y", " #t", "^blk-1", " ^id", "text", "more words",
        "`code [[c]]`", "<b>", "<!-- [[h]] -->", "\\[\\[e\\]\\]", "$m [[m]]$", "%%c [[c]]%%", "%%", "[md](N.md)",
        "[ref]", "[x]: y.md", "*em*", "**b**", "_u_", "~~s~~", "&amp;", "é", "|", "| a | b |", "  ", "\t", "!",
        "[a](https://x.y/#z)", "![i](https://p/i.png)", "[see #t](mailto:a@b)", "[[a]](https://x)", "[x](h:[[y]])",
        "[", "]", "#", "[!note]", "[ ] ", "[x]", "](y)", "][", "[a]", "%%x%%",
        # Markdown links to files, autolinks, comments: what the fast path reads itself.
        "[B](Bo%20Li.md)", "[co page](<Acme Co.md>)", "![chart](img/c.png)", "[o](./O.md#H)", "[a](//h/x)",
        "[a]()", "[a](<>)", "[t](b \"t\")", "[a](b )", "[*e*](x.md)", "[a &amp; b](x.md)", "[#t x](x.md)",
        "[ #t](x.md)", "[a](javascript:[[j]])", "![ #t](data:x)", "[a](x.md&amp;)", "<https://e.x/p#q>",
        "<mailto:a@b.c>", "<javascript:[[k]]>", "![a #t](https://p/i.png)", "![x #t](i.png)", "<b.md>", "a < b", "50%", "%", "[u](Ü.md)", "[a\nb](x.md)",
    ]
)
inline_text = st.lists(inline_piece, max_size=6).map("".join)
line_start = st.sampled_from(
    [
        "", "", "", "# ", "## ", "###### ", "####### ", "#", "- ", "* ", "+ ", "1. ", "2. ", "1) ", "10. ", "> ",
        ">", "> > ", "> - ", "- > ", "- - ", "    ", "  ", "   ", "\t", "```", "~~~", "```py", "    ```", "> ```",
        "- ```", "---", "***", "===", "___", "| --- | --- |", "|---|", "- [ ] ", "%%", "$$", "<div>", "<!--",
        "-->", "[r]: Ana.md", "-", "1.", "\u0661. ", "\u0663) ",
    ]
)
block_id_end = st.sampled_from(["", "", " ^id1", " ^b-2", "^x"])
line = st.one_of(st.just(""), st.tuples(line_start, inline_text, block_id_end).map("".join))
document = st.lists(line, max_size=14).map("\n".join)
# Documents of mostly simple lines, so that the fast path runs on hard cases often.
simple_start = st.sampled_from(
    ["%%", "%% x", " %%", "- %%", "> %%", "", "", "# ", "## ", "- ", "* ", "1. ", "2. ", "3) ", "> ", ">", "#", "| ", "|", "|---|---|", "| --- |", "-|-",
     "|:-:|", ":--|", "| a | b |", " | "]
)
simple_piece = st.sampled_from(["%%", "]]:", "]:", "\\]]:", "[a](https://x.y/#z)", "![i](https://p.q/i.png)", "[see #t](mailto:a@b)", "[x](N.md)",
    "[](h:)", "[a[b](https://x)](y)", "(https://q)", " | ", "|", "\\|", "[[A\\|b]]", "\\", "[ ]", "[!tip]", "%%c%%", "[[Ana]]", "[[B|b]]", "![[p.png]]", "#tag", "text", " ", "x y", "#", "[[a", "b]]", "^id",
    "[B](Bo%20Li.md)", "[c](<A C.md>)", "![i](i.png)", "<https://q.r/s>", "<x:[[y]]>", "%% [[c]]", "[[d]] %%", "50%", "[a](javascript:x)", "[x #t](y.md)"])
simple_line = st.one_of(
    st.just(""),
    st.tuples(simple_start, st.lists(simple_piece, max_size=4).map("".join), block_id_end).map("".join),
)
simple_document = st.lists(simple_line, max_size=12).map("\n".join)
raw_soup = st.text(alphabet="[]#!|^-*>`~%$\\<> \n\t\rab1.:", max_size=80)


@settings(max_examples=2500, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(document, simple_document, raw_soup))
@example("| [[A\\|b]] | x |\n|---|---|\n| [[C]] | #t |\n| d |\n| 1 | 2 | [[extra]] |")
@example("| a |\n|---|\n[[lazy]]\n| b |")
@example("- %%\n\ntext [[x]]\n")
@example("<div>\n%%\n\n![[Guest]] \n%%\n\n^x")  # `%%` inside an HTML block is text; the next one hides ^x
@example("<div>\n```\n\n[[a]]\n```\n\n[[b]]")  # so is a fence line
@example("%%\n[[hidden]]\n\n```\n%%\n[[after]]\n\n[[z]]")
@example("text %% open\n\n[[x]]")
@example("text ^a\n2. b")
@example("> q ^a\n2. b")
@example("- a\nlazy ^id\n2. b")
@example("- ```\n  code [[x]]\n\n```\n[[y]]\n\n[[z]]")
@example("``` a`b\n[[x]]\n\n```\n[[y]]\n\n[[z]]")
@example("> q [[a]]\nlazy ^blk\n\n# H #t ##\n\n- [[b]] ^i\n- c")
@example("```\n[[a]]\n```\n\n[[b]]\n\n~~~~\n~~~\n[[c]]\n~~~~\n\n```\n[[d]]\n```\ntext [[e]]")
@example("%%\n[[a]] #t\n%% [[b]]\n\n[[c]]\n\n%%\n[[d]]\n%%\nmore [[e]]\n\n%% x\n[[f]]")
@example("- a ^x\n- #t [[b]]\n- c ^y\n\n> [!note] #q\n> [[d]] ^z\n\np\n#t [[e]]\nq ^w")
@example("text\n%%\n[[a]]\n%%\n\n- x\n-y [[b]]\n\n>#t\n> u")
@example("\u0661. a ^x\n\u0661. b\n\n- \u0662) c ^y\n- d")  # non-ASCII digits start no list
def test_fast_extraction_equals_the_parser(text: str) -> None:
    assert extracted(parse_note("note.md", text)) == extracted(parse_note_slowly(text))


def test_the_slow_path_is_really_slow() -> None:
    """parse_note_slowly must not reach fastscan at all (else the test above compares it with itself)."""
    import vaultkit.parse as parse_module

    calls = []
    saved = fastscan.extract_plain_inline
    fastscan.extract_plain_inline = lambda *args: calls.append(args) or saved(*args)
    try:
        parse_note_slowly("# T\n\ntext [[a]] #t\n\n- [[b]]\n")
        assert calls == []
        parse_note("note.md", "# T\n\ntext [[a]] #t\n\n- [[b]]\n")
        assert calls
    finally:
        fastscan.extract_plain_inline = saved
    assert parse_module.split_chunks is fastscan.split_chunks


def test_the_fast_path_is_taken_for_plain_prose() -> None:
    """Guard against the fast path silently never running (then the test above proves nothing)."""
    body = (
        "# Title\n\nSee [[Ana]] and #tag.\nMore ^p1\n\n- [[Bob]] ^b1\n- two\n\n> [!info] [[Cy]]\n> quote\n\n"
        "```dataview\nLIST [[x]]\n```\n\n%%\n[[hidden]]\n%%\n\n- [[Di]]\n> mixed\n\n| a | [[T]] |\n|---|---|\n"
    )
    chunks = fastscan.split_chunks(body)
    assert chunks is not None and len(chunks) == 8
    assert all(fastscan.scan_simple_chunk(text, start) is not None for start, text in chunks)
