"""The site's fast path must write exactly the HTML markdown-it-py + nh3 write.

`render_body(..., fast=False)` parses, renders and sanitises the whole body the slow
way; `render_body` writes plain-prose pieces with vaultkit.site.fastrender and the
rest piece by piece. Hypothesis builds documents from every kind of Markdown line
(and raw character soup), with links to published, unresolved and private notes,
images and embeds, and the two must be equal byte for byte. The search's plain text
is held equal to the one regular expression that defines it.
"""

from __future__ import annotations

import re

from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st

from vaultkit.markdown import split_wikilink
from vaultkit.site import fastrender
from vaultkit.site.render import LinkView, plain_text, render_body


def lookup(linkpath: str, subpath: str, kind: str) -> LinkView:
    name = linkpath.removesuffix(".md")
    fragment = "#" + subpath.lstrip("#").lower().replace(" ", "-") if subpath.startswith("#") and subpath[1:2] != "^" else ""
    if name == "Ana":
        return LinkView("ok", "../people/ana.html" + fragment, preview="people/ana.html")
    if name in ("B", "Bo", "[c"):
        return LinkView("ok", "b&o's \"page\".html" + fragment)
    if name in ("p.png", "pic.png", "i.png"):
        return LinkView("ok", "attachments/p.png", is_image=True)
    if name == "cv.pdf":
        return LinkView("ok", "attachments/cv.pdf")
    if name in ("Secret", "a"):
        return LinkView("private")
    if name == "evil":
        return LinkView("ok", "javascript:alert(1)")
    if name == "Guest":
        return LinkView("ok", "guest.html")
    return LinkView("unresolved")


def tag_href(tag: str) -> str:
    return "../tags/" + tag.lower() + ".html"


def both(text: str) -> tuple[str, str]:
    def embed(linkpath: str, subpath: str):
        # A note that embeds itself: the embedded body is as varied as the documents.
        return ("Guest", text, "guest.html") if linkpath == "Guest" else None

    return render_body(text, lookup, tag_href, embed), render_body(text, lookup, tag_href, embed, fast=False)


inline_piece = st.sampled_from(
    [
        "[[Ana]]", "[[Ana|A & B]]", "![[pic.png]]", "[[Bo#H]]", "[[#Local]]", "[[x\\|y]]", "[[ ]]", "[[a", "b]]",
        "[[a [[b]]", "[[[c]]]", "#tag", "#1984", "a#b", "#x/y", " #t", "^blk-1", " ^id", "text", "more words",
        "`code [[c]]`", "<b>", "<!-- [[h]] -->", "\\[\\[e\\]\\]", "$m [[m]]$", "%%c [[c]]%%", "%%", "[md](N.md)",
        "[ref]", "*em*", "**b**", "_u_", "~~s~~", "&amp;", "&", " & ", "&#35;", "é", "|", "| a | b |", "  ", "\t",
        "!", "[a](https://x.y/#z)", "![i](https://p/i.png)", "[see #t](mailto:a@b)", "[[a]](https://x)", "[", "]",
        "#", "[!note]", "[ ] ", "[x]", "](y)", "][", "[a]", "\"q\"", "O'Brien", " > ", ">", "\xa0", "\u2003",
        "[[Secret|the name]]", "[[evil]]", "[[Guest]]", "![[Guest]]", "[[B|b]]", "[[Ana#Work history]]", "x  ",
        "[[Ana#^blk]]", "#Tag", "#tag.", "(#t)", "#t#u", "[page](<Ana.md>)", "<span>", "`", "``", "`a`", "``a`b``", "` x `", "` `", "```", "`[[Ana]]`", "`#t`", "</div>", "<b>x</b>", "a < b",
    ]
)
inline_text = st.lists(inline_piece, max_size=6).map("".join)
line_start = st.sampled_from(
    [
        "", "", "", "", "# ", "## ", "###### ", "####### ", "#", "- ", "- ", "* ", "+ ", "1. ", "1. ", "2. ", "1) ",
        "10. ", "> ", "> ", ">", "> > ", "> - ", "- > ", "- - ", "    ", "  ", "\t", "```", "~~~", "---", "***",
        "===", "| --- | --- |", "|---|", "- [ ] ", "%%", "$$", "<div>", "[r]: Ana.md", "-", "1.", "1\u0663. ", "> [!tip] ",
        "> [!faq]- ", "## H ##", "# Ana",
    ]
)
block_id_end = st.sampled_from(["", "", "", " ^id1", "^x", "  ", " "])
line = st.one_of(st.just(""), st.tuples(line_start, inline_text, block_id_end).map("".join))
document = st.lists(line, max_size=14).map("\n".join)
# Mostly simple lines, so that pieces are written by the fast path often.
simple_start = st.sampled_from(["", "", "", "# ", "## ", "- ", "- ", "* ", "1. ", "2. ", "3) ", "> ", ">", "#", "> [!tip] ",
                                "> [!faq]- ", "%%", "```", "- `", "~~~", "```py", "````", "![[Guest]] ", "> ![[Guest]]",
                                "<https://x.y> ", "- <http://x.y/a> ", "<", "<div>"])
simple_piece = st.sampled_from(
    ["[[Ana]]", "[[B|b]]", "[[Bo]]", "[[Secret]]", "[[x]]", "#tag", "text", " ", "x y", "#", "[[a", "b]]", "^id",
     "[ ]", "[!tip]", "&", "\"", "'", ">", "  ", "[[Ana#Work]]", "[[#Local]]", "[[evil]]", "é", "#1984", "`", "`c`",
     "``", "[!note]- ", "[!info]+ T", "%%", "%%c [[Ana]] #t%%", "%%`%%", "50%", "![[pic.png]]", "![[i.png|1 & 2]]",
     "![[Secret]]", "![[x]]", "![[Ana]]", "![[Guest]]", "!", "![[", "![[ ]]", "![[cv.pdf#page=2]]", "![[cv.pdf|CV]]",
     "![[Guest#Part]]",
     # Markdown links and autolinks: to notes, web addresses, and what only looks like one.
     "[md](Ana.md)", "[a b](<Ana.md>)", "[a](<Guest.md#Part two>)", "[s](Secret.md)", "[z](Zed.md)", "[e](evil.md)",
     "[g](Guest.md#H)", "[n](Ana%20x.md)", "[w](https://x.y/a?b=c)", "[W](HTTPS://X.Y/ü)", "[q \"x\" 'y'](https://x.y)",
     "[h](#frag)", "[m](mailto:a@b)", "[j](javascript:alert(1))", "[f](ftp://x.y)", "[v](//x.y/z)", "[](Ana.md)", "[a]()", "![i](p.png)",
     "<https://x.y/p>", "<http://ex.com/ü?q>", "<https://xn--mnchen-3ya.de/a>", "`[md](Ana.md)`", "<https://x.y/a(b)>", "<mailto:a@b>", "<a@b.c>", "<https://x y>", "<",
     "](", "[", "]", "(", ")", "[a]( b)", "[c `d](e)` f", "[t #x](Ana.md)", "[u %%](Ana.md) %%", "[x]\n(y)"]
)
simple_line = st.one_of(
    st.just(""),
    st.tuples(simple_start, st.lists(simple_piece, max_size=4).map("".join), block_id_end).map("".join),
)
simple_document = st.lists(simple_line, max_size=12).map("\n".join)
raw_soup = st.text(alphabet="[]#!|^-*>`~%$\\<> \n\t\rab1.:&\"'", max_size=80)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(document, simple_document, raw_soup))
@example("# Title\n\nSee [[Ana]] and #tag.\n\n- [[Bo]] ^b1\n- two\n\n> quote [[Secret]]\n")
@example("- a\n\n- b\n\ntext")
@example("1. a\n\n2. b")
@example("1\u0663. x\n2. y")  # not a list item: markdown-it reads ASCII digits only
@example("# H\n\n## H\n\n# H")
@example("> [!tip] Ask\n> always\n\n# H\n\ntext")
@example("a  \nb \nc")
@example("[[evil]] and #t")
@example("![[Guest]]\n\n# Part\n\ntext")
@example("* a\n\n* * *\n\nb")
@example("<div>\n\ntext [[Ana]]\n\n</div>")
@example("a <span class=x>\n\n# H\n\nb</span>")
@example("> [!info] Quick facts\n> Analyst at [[Ana|Oak]]\n> Industry: SaaS\n\n%%\nhidden [[x]]\n%%\n\nUse `[[Ana]]`, ``[[x]]`` too.")
@example("> [!tip] a `b\n> c` d")
@example("a `b\nc` d\n\n# H")
@example("```dataview x\nTABLE \"a\" <b> & [[x]]\n  ind\n\n\n```\n\n~~~\n~~~\n\n```\na\n````\n\n~~~ a\\b `\nx\n~~~")
@example("```\nopen to the end\n\n# H")
@example("| Person | Role |\n| --- | :-: |\n| [[Ana\\|Marta B.]] | Technical &  \"PM\" #t |\n| x |\n| a | b | c |\n\n| a |\n|---|")
@example("# H [[Ana]]\n\n> [!quote] Q\n> ![[Guest]]\n\ntext #t `c` [[Ana|A]]\n\n- a\n- b\n\n```\nx\n```")
@example("See [the page](<Ana.md>).\n\n# H\n\n[[Ana]]")
@example("Notes %%TODO: ask [[Ana]] first%% and more\n\n%%a%%%\n\n# H %%c%%\n\na %%c [[Ana]]%%  \nb")
@example("<div>\n%%\n\n![[Guest]] \n%%\n\n^x")  # `%%` inside an HTML block is text; the next one hides ^x
@example("> [!tip] %%%%c [[Ana]] #t%%\n> [!tip] ")  # three `%%`: the last one hides the next line
@example("![[pic.png|120]]\n\n- x ![[i.png]] y\n\n> ![[pic.png]]\n\n| a | ![[pic.png\\|9]] |\n|---|---|\n\n![[Secret]] ![[x]]")
@example("a & b <https://x.y/a?b=c> c > d [e > f](https://x.y) [a > b](Ana.md) [x](Zed.md) & [s](Secret.md)")
@example("`<https://x.y>` #<https://x.y> %%<https://x.y>%%")
@example("`[a](Ana.md)` #[b](Ana.md) [[[c](Ana.md) <https://xn--mnchen-3ya.de/a> [[d](Ana.md)]]")
@example("- Pitch: ![[Guest#Part]] ![[pic.png]] ![[cv.pdf]]\n\n# Part\n\ntext ![[pic.png|a \"b\"]]")
@example("![[Guest]] [t](Ana.md) [u](Zed.md) <https://x.y> [v](https://x.y)\n\n- [[Ana]] [a](<Ana.md#Work history>)")
def test_fast_rendering_equals_markdown_it(text: str) -> None:
    fast, slow = both(text)
    assert fast == slow


def test_the_fast_path_is_taken_for_plain_prose() -> None:
    """Guard against the fast path silently never running (then the test above proves nothing)."""
    body = ("# Title\n\nSee [[Ana]] and #tag, \"quoted\" & more.\n\n- [[Bo|B]] ^b1\n- two\nlazy\n\n> quote [[Secret]]\n\n"
            "![[pic.png|120]]\n\n%%TODO: ask [[Ana]]%% 50%\n")
    pieces = fastrender.segments(body)
    assert pieces is not None and len(pieces) == 6
    assert all(fastrender.render_simple(piece, fastrender.Links(lookup, tag_href), {}) is not None for piece in pieces)
    fast, slow = both(body)
    assert fast == slow


def test_odd_space_is_all_whitespace_but_space_and_newline() -> None:
    """fastrender spells `[^\\S \\n]` out as one character class: it must be the same set."""
    spaces = {chr(code) for code in range(0x110000) if chr(code).isspace()}
    assert {ch for ch in spaces if fastrender._hard_chunk(ch)} == spaces - {" ", "\n"}


# What render.plain_text does, in its plainest form: one `sub`, a Python call per match.
_PLAIN_MARKUP = re.compile(r"!?\[\[([^\]|]*\|)?([^\]]*)\]\]|[#*_>`~]|^\s*[-+]\s|%%.*?%%|<[^>]*>"
                           r"|(?<!\S)\^[A-Za-z0-9-]+(?=[ \t]*$)", re.MULTILINE | re.DOTALL)


def plain_reference(body: str, hidden: frozenset[str]) -> str:
    def replace(match: re.Match) -> str:
        if match.group(2) is None:
            return " "
        if hidden and split_wikilink(match.group(0).lstrip("!")[2:-2])[0].lower() in hidden:
            return " private note "
        return match.group(2)

    return " ".join(_PLAIN_MARKUP.sub(replace, body).split())


plain_soup = st.text(alphabet="[]#!|*_>`~-+%<>^ \n\t\r\x0b\x1c\xa0\u2028ab", max_size=60)


@settings(max_examples=3000, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.one_of(document, simple_document, raw_soup, plain_soup), st.sampled_from([frozenset(), frozenset({"secret", "a"})]))
@example("- a\n-\n- b\n  + c\n\n\n-\td\n> - e\n-f", frozenset())
@example("![[Secret|x]] !![[a#b]] [[x|#y*]] %%[[a]] - <b>%% <[[a]]> [[a\n- b]] <a\n- b>\n- c", frozenset({"a"}))
def test_plain_text_equals_its_definition(text: str, hidden: frozenset[str]) -> None:
    assert plain_text(text, hidden) == plain_reference(text, hidden)


def test_plain_text_leaves_out_block_ids() -> None:
    """The search text and previews hold no `^id`: a page shows none either."""
    body = "Met at the fair. ^bio\n- asked about [[Acme]] ^ask-1\n\nNot an id: x^2 and *^b\n> quoted ^q"
    assert plain_text(body) == "Met at the fair. asked about Acme Not an id: x^2 and ^b quoted"
