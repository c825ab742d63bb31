"""One note of any shape costs work in proportion to its size (ATTACKS.md, "one note").

Work is counted, not timed: the characters the scanners' string searches and slices
touch (a `str` that counts them), the characters a pattern reads, or the data handed
to the routine called once per line. Each test runs an input and the same input four
times over; the work must grow about four times, not sixteen.

Also here: a note over the index's size limit is not published, and quotes or lists
nested deeper than the parser follows are a named problem, alike in the index and
the site.
"""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit import fastscan
from vaultkit.index import MAX_NOTE_BYTES
from vaultkit.markdown import extract_plain_inline, markdown
from vaultkit.parse import parse_note
from vaultkit.site import fastrender
from vaultkit.site.render import LinkView, render_body

# -- counting work --------------------------------------------------------------------------------


class CountingStr(str):
    """A str that adds up the characters its searches, counts and slices pass over."""

    work = 0

    def find(self, sub, start=0, end=None):
        end = len(self) if end is None else min(end, len(self))
        found = str.find(self, sub, start, end)
        CountingStr.work += (found + len(sub) if found >= 0 else end) - min(start, end) + 1
        return found

    def count(self, sub, start=0, end=None):
        end = len(self) if end is None else min(end, len(self))
        CountingStr.work += max(end - start, 0) + 1
        return str.count(self, sub, start, end)

    def __getitem__(self, key):
        got = str.__getitem__(self, key)
        CountingStr.work += len(got) + 1
        return got


class CountingPattern:
    """A compiled pattern that adds up the characters its searches read."""

    def __init__(self, pattern: re.Pattern):
        self.pattern = pattern
        self.work = 0

    def match(self, text, pos=0, endpos=None):
        found = self.pattern.match(text, pos, len(text) if endpos is None else endpos)
        self.work += (found.end() - pos if found else 0) + 1
        return found

    def search(self, text, pos=0, endpos=None):
        endpos = len(text) if endpos is None else endpos
        found = self.pattern.search(text, pos, endpos)
        self.work += (found.end() if found else endpos) - pos + 1
        return found

    def finditer(self, text, pos=0, endpos=None):
        endpos = len(text) if endpos is None else endpos
        for found in self.pattern.finditer(text, pos, endpos):
            self.work += found.end() - pos + 1
            pos = found.end()
            yield found
        self.work += endpos - pos + 1


def grows_linearly(work, make) -> tuple[int, int]:
    """work(make(n)) for n and 4n: (small, large), asserting large <= 4.5 * small."""
    small, large = work(make(1)), work(make(4))
    assert large <= 4.5 * small, (small, large)
    return small, large


def str_work(call):
    def work(text: str) -> int:
        CountingStr.work = 0
        call(CountingStr(text))
        return CountingStr.work

    return work


def pattern_work(monkeypatch, module, name: str, call):
    def work(text: str) -> int:
        counting = CountingPattern(getattr(module, name))
        with monkeypatch.context() as patch:
            patch.setattr(module, name, counting)
            call(text)
        return counting.work

    return work


def lookup(linkpath: str, subpath: str, kind: str) -> LinkView:
    return LinkView("ok", linkpath.lower() + ".html") if linkpath == "Ana" else LinkView("unresolved")


def tag_href(tag: str) -> str:
    return "tags/" + tag + ".html"


LINKS = fastrender.Links(lookup, tag_href)


def inline_parse(text: str) -> None:
    md = markdown()
    md.inline.parse(text, md, {}, [])


# -- the site's fast renderer ---------------------------------------------------------------------


def test_a_paragraph_of_many_lines_is_handed_to_the_line_routine_once(monkeypatch):
    """Each line's call was handed all the lines after it: n^2 for a paragraph of n lines."""
    handed = {"size": 0}
    seen: set[int] = set()
    line_routine = fastrender._inline_line

    def counting(content, links, *rest):
        for value in (content, *rest):
            if isinstance(value, (str, list, tuple)):
                handed["size"] += len(value)  # text or lines, to be read
            elif isinstance(value, dict) and id(value) not in seen:
                seen.add(id(value))  # a look-up shared by every line's call (alive meanwhile): counted once
                handed["size"] += len(value)
        return line_routine(content, links, *rest)

    monkeypatch.setattr(fastrender, "_inline_line", counting)

    def work(text: str) -> int:
        handed["size"] = 0
        seen.clear()
        assert fastrender._inline(text, LINKS).count("vk-link") == text.count("[[Ana]]")
        return handed["size"]

    grows_linearly(work, lambda n: "Met [[Ana]] `x` #work\n" * (2000 * n))


def test_a_line_of_wikilink_openings_is_read_once():
    grows_linearly(str_work(lambda text: fastrender._inline_line(text, LINKS)), lambda n: "[[" * (3000 * n) + "]]")
    grows_linearly(str_work(lambda text: fastrender._inline_line(text, LINKS)), lambda n: "[[" * (3000 * n))


def test_a_line_of_unmatched_backtick_runs_is_read_once(monkeypatch):
    work = pattern_work(monkeypatch, fastrender, "_BACKTICKS", lambda text: fastrender._inline_line(text, LINKS))
    # Runs of every length up to k, none closed: k*k/2 characters (so k grows by two for four times the text).
    grows_linearly(work, lambda n: "a".join("`" * length for length in range(1, int(80 * n**0.5))))


def test_many_loose_list_items_after_a_long_paragraph_are_read_once(monkeypatch):
    work = pattern_work(monkeypatch, fastrender, "_LIST_LIKE", fastrender.segments)
    grows_linearly(work, lambda n: "text\n" * (1000 * n) + "- a\n\n" + "- b\n\n" * (1000 * n))


# -- the index's fast scanner, and the library path's rules ---------------------------------------


def test_the_scanner_reads_a_line_of_wikilink_openings_once():
    grows_linearly(str_work(lambda text: extract_plain_inline(text, 0)), lambda n: "[[" * (3000 * n) + "]]")
    grows_linearly(str_work(lambda text: extract_plain_inline(text, 0)), lambda n: "[[a\n" * (3000 * n) + "]]")


def test_the_scanner_counts_lines_once_for_tags_in_link_texts():
    grows_linearly(str_work(lambda text: extract_plain_inline(text, 0)), lambda n: "[x #t](https://e.com)\n" * (2000 * n))


def test_the_wikilink_rule_reads_a_line_of_openings_once():
    grows_linearly(str_work(inline_parse), lambda n: "[[" * (1000 * n) + "]]")


def test_the_inline_rules_count_lines_once_for_many_links():
    """A paragraph of 100,000 links that the parser reads (here, whole): each link's line
    was counted from the paragraph's start."""
    grows_linearly(str_work(inline_parse), lambda n: "[[Ana]] *x*\n" * (2000 * n))


def test_the_split_looks_for_html_once_in_a_chunk_of_comment_lines(monkeypatch):
    work = pattern_work(monkeypatch, fastscan, "_HTML_LINE", fastscan.split_chunks)
    grows_linearly(work, lambda n: "a %%c%% [[Ana]]\n" * (2000 * n))


# -- nesting and the size limit, through the CLI -------------------------------------------------


@pytest.mark.parametrize("depth", [19, 20, 10_000])
def test_a_link_too_deep_is_a_named_problem_and_neither_indexed_nor_rendered(make_vault, vk, depth):
    vault = make_vault({"Deep.md": "Top [[Ana]].\n\n" + "> " * depth + "[[Bo]]\n", "Ana.md": "A.\n", "Bo.md": "B.\n"})
    checked = vk("check", vault, "--json").json()
    deep = [p for p in checked if p["path"] == "Deep.md" and p["code"] == "too-deep"]
    text = parse_note("Deep.md", "Top [[Ana]].\n\n" + "> " * depth + "[[Bo]]\n")
    indexed = any(link.linkpath == "Bo" for link in text.links)
    assert indexed == (depth < 20) and bool(deep) == (not indexed)
    if deep:
        assert deep[0]["line"] == 3
    html = render_body("> " * depth + "[[Bo]]\n", lookup, tag_href)
    assert ("Bo" in html) == indexed  # rendered as a link exactly when indexed


def test_a_note_over_the_size_limit_is_not_published(make_vault, vk):
    vault = make_vault({"Ana.md": "See [[Huge]].\n"})
    with open(vault / "Huge.md", "w", encoding="utf-8") as handle:
        handle.write("secret-word [[Ana]]\n" * (MAX_NOTE_BYTES // 20 + 1))
    assert vk("build", vault, "-o", vault / "site").exit_code == 0
    for path in (vault / "site").rglob("*"):
        if path.is_file():
            assert b"secret-word" not in path.read_bytes(), path
    problems = vk("check", vault, "--json").json()
    assert [(p["path"], p["code"]) for p in problems if p["code"] == "too-large"] == [("Huge.md", "too-large")]


class CountingList(list):
    """A list that adds up the items its slices and lookups hand out."""

    work = 0

    def __getitem__(self, key):
        got = list.__getitem__(self, key)
        CountingList.work += len(got) if isinstance(key, slice) else 1
        return got


def test_a_paragraph_of_many_markdown_links_reads_each_token_once():
    """Each Markdown link's shown text is read from the tokens after it up to its close;
    copying all the rest of the paragraph's tokens for every link was quadratic."""
    from vaultkit.markdown import markdown
    from vaultkit.parse import _markdown_link

    work = []
    for n in (500, 2000):
        children = CountingList(markdown().parseInline(" ".join(f"[x{i}](y{i}) *e*" for i in range(n)))[0].children)
        CountingList.work = 0
        for index, token in enumerate(list.__iter__(children)):
            if token.type == "link_open":
                _markdown_link(token, children, index, 0)
        work.append(CountingList.work)
    assert work[1] <= 4.5 * work[0], work


_LINKS_AS_WRITTEN = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]")
_ALL_AS_WRITTEN = re.compile(r"\[\[(?:[^\]|]*\|)?([^\]]*)\]\]|%%.*?%%|<[^>]*>", re.DOTALL)


@settings(max_examples=3000, deadline=None)
@given(st.text(alphabet="[]|%<>!a \n", max_size=40), st.booleans())
def test_the_plain_text_scanner_finds_what_its_pattern_would(body, comments_and_tags):
    from vaultkit.site.render import _links_comments_tags

    pattern = _ALL_AS_WRITTEN if comments_and_tags else _LINKS_AS_WRITTEN
    assert list(_links_comments_tags(body, comments_and_tags)) == [
        (m.start(), m.end(), m.group(1)) for m in pattern.finditer(body)]


def test_plain_text_reads_a_run_of_unclosed_openers_once():
    """`[[[[…`, `<<<<…` and `%%%%…` with no closer: each opener once, not the rest of the
    body again for each."""
    from vaultkit.site import render

    for unit in ("[[", "<", "%%", "[[<%%"):
        work = []
        for n in (2000, 8000):
            CountingStr.work = 0
            list(render._links_comments_tags(CountingStr(unit * n + " end ]"), True))
            work.append(CountingStr.work)
        assert work[1] <= 4.5 * work[0], (unit, work)
