"""The static site, through `vaultkit build` on real vaults: pages, privacy, safe output.

Page content is checked on a copy of the example vault (vault-template/), and a link
checker walks the whole output: every internal href and src must name a file in OUT.
"""

from __future__ import annotations

import html
import json
import os
import re
import shutil
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.site.build import previews_json, script_json
from vaultkit.site.output import Output
from vaultkit.site.render import LinkView, render_body
from vaultkit.site.urls import assign_outputs, href, is_safe_output, slugify

TEMPLATE = Path(__file__).resolve().parent.parent / "vault-template"
TODAY = "2026-10-01"


# -- helpers ------------------------------------------------------------------------


class _Refs(HTMLParser):
    def __init__(self) -> None:
        super().__init__()
        self.refs: list[tuple[str, str]] = []
        self.ids: set[str] = set()

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in ("href", "src") and value is not None:
                self.refs.append((tag, value))
            if name == "id" and value:
                self.ids.add(value)


def broken_links(out: Path) -> list[str]:
    """Every internal href/src of every page that does not resolve to a file in OUT."""
    broken = []
    for page in sorted(out.rglob("*.html")):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, ref in parser.refs:
            parts = urlsplit(ref)
            if parts.scheme or ref.startswith("//"):
                continue
            if not parts.path:
                continue  # a fragment on the same page
            target = (page.parent / unquote(parts.path)).resolve()
            if not target.is_file() or out.resolve() not in target.parents:
                broken.append(f"{page.relative_to(out)}: <{tag}> {ref}")
    return broken


def everything(out: Path) -> str:
    return "\n".join(p.read_text(encoding="utf-8", errors="replace") for p in sorted(out.rglob("*")) if p.is_file())


@pytest.fixture
def example(tmp_path: Path) -> Path:
    if not (TEMPLATE / "me.md").is_file():
        pytest.fail("vault-template/ (the example vault) is missing")
    vault = tmp_path / "example"
    shutil.copytree(TEMPLATE, vault)
    return vault


def build(vk, vault: Path, *args) -> Path:
    result = vk("build", vault, "--today", TODAY, *args)
    assert result.exit_code == 0, result
    return vault / "_site"


def read(out: Path, rel: str) -> str:
    return (out / rel).read_text(encoding="utf-8")


def text_of(html: str) -> str:
    inline = re.sub(r"</?(a|span|strong|em|b|code)\b[^>]*>", "", html)
    return " ".join(re.sub(r"<[^>]+>", " ", inline).split())


# -- the example vault --------------------------------------------------------------


def test_example_vault_pages(example: Path, vk) -> None:
    out = build(vk, example)
    assert broken_links(out) == []
    dashboard = read(out, "index.html")
    assert "Content-Security-Policy" in dashboard and "default-src 'none'" in html.unescape(dashboard)
    assert "<svg" in dashboard and "Pipeline" in dashboard and "Agenda" in dashboard
    # Interview notes named "<date> <person>" are not spelled out twice: the person's page,
    # then the note as "notes"; an agenda item names the person only when its note does not.
    board = text_of(dashboard)
    assert "2026-09-22 Daniel Okafor · notes" in board
    assert 'href="interviews/2026-09-22-daniel-okafor.html"' in dashboard
    assert "2026-12-03 Nina Patel interview with Nina Patel on 2026-12-03" in board
    contact = read(out, "people/daniel-okafor.html")
    page = text_of(contact)
    assert "Daniel Okafor" in page and "Instructional Designer" in page
    assert "Path from you:" in page
    assert "Referred you to: Marcus Hill, Ruth Alvarez" in page  # his referrals, from the interview note
    assert 'href="../interviews/2026-09-22-daniel-okafor.html"' in contact  # the interviews timeline
    assert 'href="../companies/lumen-learning.html"' in contact  # company property as a link
    assert "Backlinks" in page
    marcus = text_of(read(out, "people/marcus-hill.html"))
    assert "Referred by: Daniel Okafor" in marcus and "2nd degree" in marcus
    company = text_of(read(out, "companies/lumen-learning.html"))
    assert "People you know here" in company and "Daniel Okafor" in company and "Best way in:" in company
    lead = text_of(read(out, "leads/harbor-bank-research-operations-coordinator.html"))
    assert "Provenance:" in lead
    interview = text_of(read(out, "interviews/2026-09-22-daniel-okafor.html"))
    assert "New names: Marcus Hill, Ruth Alvarez" in interview
    # Email and phone stay out unless vaultkit.yml shows them.
    assert "daniel.okafor@example.com" not in everything(out)
    assert "555-0117" not in everything(out)
    # Data the pages need is loaded as scripts, never fetched.
    assert read(out, "data/graph.js").startswith("window.VK_GRAPH=")
    assert read(out, "data/search-00.js").startswith("window.VK_SEARCH=")
    assert "fetch(" not in everything(out / "static").replace("vendor", "")
    tags = read(out, "tags/index.html")
    assert "#teaching" in tags
    assert "Daniel Okafor" in read(out, "tags/teaching.html")
    assert "Marcus Hill" in read(out, "tree.html")


def test_site_files_get_ordinary_permissions(example: Path, vk) -> None:
    """Pages are written through temp files, which are made 0600: a site copied to a
    web server with `cp -p` or `rsync -p` would be unreadable by the server's user."""
    mask = os.umask(0o022)
    os.umask(mask)
    out = build(vk, example)
    modes = {p.stat().st_mode & 0o777 for p in out.rglob("*") if p.is_file()}
    assert modes == {0o666 & ~mask}


def test_a_build_on_a_terminal_says_what_it_is_at(example: Path, tmp_path: Path) -> None:
    """On a terminal, `build` rewrites one stderr line with what it is at, and clears it
    at the end; to a pipe (a script, a log) it says nothing of the kind."""
    import pty
    import subprocess
    import sys
    import threading

    command = [sys.executable, "-m", "vaultkit", "build", str(example), "--today", TODAY, "-o"]
    main_fd, terminal = pty.openpty()
    said = bytearray()

    def read() -> None:  # as it comes: a terminal's buffer is small
        while True:
            try:
                chunk = os.read(main_fd, 65536)
            except OSError:
                return
            if not chunk:
                return
            said.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    try:
        done = subprocess.run([*command, str(tmp_path / "a")], stdout=subprocess.PIPE, stderr=terminal, timeout=120)
    finally:
        os.close(terminal)
        reader.join(timeout=10)
        os.close(main_fd)
    assert done.returncode == 0, said
    text = said.decode()
    for stage in (r"indexing \d+/\d+ files", "planning the site", r"rendering \d+ note pages"):
        assert re.search("\r\x1b\\[K" + stage + "\r", text), text
    assert text.endswith("\r\x1b[K"), text  # cleared before the summary
    piped = subprocess.run([*command, str(tmp_path / "b")], capture_output=True, timeout=120)
    assert piped.returncode == 0 and piped.stderr == b""


def test_tree_replay_shows_each_person_from_the_day_they_joined(make_vault, vk) -> None:
    def interview(person: str, day: str, named: list[str], status: str = "done") -> str:
        names = ", ".join(f'"[[{n}]]"' for n in named)
        return f'---\ntype: interview\nwith: "[[{person}]]"\ndate: {day}\nstatus: {status}\nreferrals: [{names}]\n---\n'

    vault = make_vault({
        "me.md": "---\ntype: profile\n---\n[[Ana]]",
        "people/Ana.md": "---\ntype: contact\n---\n",  # own network: there from the start
        "people/Bo.md": "---\ntype: contact\n---\n",
        "people/Cy.md": "---\ntype: contact\n---\n",
        "people/Dee.md": '---\ntype: contact\nreferred_by: "[[Bo]]"\nmet_at: "[[Fair]]"\n---\n',
        "people/Fay.md": '---\ntype: contact\nreferred_by: "[[Ana]]"\nmet_at: "[[Fair]]"\n---\n',
        "events/Fair.md": "---\ntype: event\ndate: 2026-02-01\n---\n",
        "interviews/Ana 1.md": interview("Ana", "2026-03-01", ["Bo"]),
        "interviews/Bo 1.md": interview("Bo", "2026-04-10", ["Cy"]),
        # A cancelled interview is no meeting: Cy joined when Bo named them.
        "interviews/Cy 1.md": interview("Cy", "2026-04-05", [], status="cancelled"),
        # A day after today is a plan, not a fact: Eve shows with Bo, who referred them.
        "people/Eve.md": '---\ntype: contact\nreferred_by: "[[Bo]]"\n---\n',
        "interviews/Eve 1.md": interview("Eve", "2026-12-01", [], status="scheduled"),
    })
    out = build(vk, vault)
    tree = read(out, "tree.html")
    since = dict((name, day) for day, name in re.findall(r'<li data-since="([^"]*)"><a [^>]*>([^<]+)</a>', tree))
    # Fay was met at the fair; Dee too, but before Bo, who referred them, joined: shown with Bo.
    assert since == {"Ana": "", "Bo": "2026-03-01", "Cy": "2026-04-10", "Dee": "2026-03-01", "Eve": "2026-03-01",
                     "Fay": "2026-02-01"}, since
    assert 'id="vk-replay"' in tree and 'static/tree.js' in tree
    assert (out / "static" / "tree.js").is_file()


def test_no_reference_to_another_host(example: Path, vk) -> None:
    out = build(vk, example)
    for page in out.rglob("*.html"):
        parser = _Refs()
        parser.feed(page.read_text(encoding="utf-8"))
        for tag, ref in parser.refs:
            # Only <a> may point elsewhere (a person's click); nothing loads from another host.
            assert tag == "a" or urlsplit(ref).scheme in ("", "data"), (page, tag, ref)


# -- rendering ----------------------------------------------------------------------


HOSTILE = """---
type: contact
---
# Mallory
<script>window.pwned = 1; console.log("PWNED")</script>
<img src="x" onerror="window.pwned = 2; console.log('PWNED')">
<svg onload="window.pwned = 3"><script>window.pwned = 4</script></svg>
<iframe src="javascript:window.pwned = 5"></iframe>
<a href="javascript:window.pwned = 6">click me</a> [md link](javascript:window.pwned=7)
<a href="JaVaScRiPt:window.pwned = 8">again</a> <object data="x.swf"></object>
<div style="background:url(javascript:alert(1))" onclick="window.pwned = 9">styled</div>
<form action="javascript:alert(1)"><button>go</button></form>
<math><mtext><style><img src=x onerror=alert(1)></style></mtext></math>
![x](https://tracker.example/pixel.png)
"""


def test_hostile_html_cannot_script(make_vault, vk) -> None:
    vault = make_vault({"people/Mallory.md": HOSTILE, "Index.md": "[[Mallory]]"})
    out = build(vk, vault)
    html = read(out, "people/mallory.html")
    body = html.split('<div class="vk-body">', 1)[1].split("</div>\n</div>\n<aside", 1)[0]
    lowered = body.lower()
    for needle in ("<script", "onerror", "onload", "onclick", 'href="javascript', 'src="javascript', "<iframe", "<svg", "<object",
                   "<form", "style=", "tracker.example/pixel.png\""):
        assert needle not in lowered, needle
    assert "tracker.example" in body  # shown as a link, not loaded as an image
    assert "click me" in body


@pytest.mark.parametrize(
    ("markdown", "expected"),
    [
        ("[[Ana]]", '<a class="vk-link" href="people/ana.html">Ana</a>'),
        ("[[Ana|my friend]]", ">my friend</a>"),
        ("[[Ana#Work history]]", 'href="people/ana.html#work-history"'),
        ("[[Nobody]]", '<span class="vk-unresolved" title="no note yet">Nobody</span>'),
        ("[[Secret]]", "<p>Secret</p>"),
        ("![[photo.png]]", '<img class="vk-embed-image" src="a/photo.png" alt="photo.png">'),
        ("#career-change", '<a class="vk-tag" href="tags/career-change.html">#career-change</a>'),
        ("a %%hidden%% b", "<p>a  b</p>"),
        ("`[[Ana]]`", "<code>[[Ana]]</code>"),
        ("> [!tip] Ask for names\n> always", '<div class="callout callout-tip"><div class="callout-title">Ask for names'),
        ("> [!faq]- Folded\n> text", '<details class="callout callout-faq"><summary class="callout-title">Folded'),
        ("| a | b |\n|---|---|\n| 1 | 2 |", "<td>1</td>"),
        ("[site](https://example.com)", '<a href="https://example.com" class="vk-external">site</a>'),
        ("[x](javascript:alert(1))", "[x](javascript:alert(1))"),
        ("[md](Ana.md)", '<a class="vk-link" href="people/ana.html">md</a>'),
        ("[md](Secret.md)", "<p><span>md</span></p>"),
        ("<b onclick=x>bold</b>", "<b>bold</b>"),
    ],
)
def test_render_rules(markdown: str, expected: str) -> None:
    def lookup(linkpath: str, subpath: str, kind: str) -> LinkView:
        name = linkpath.removesuffix(".md")
        if name == "Ana":
            frag = "#work-history" if subpath else ""
            return LinkView("ok", "people/ana.html" + frag)
        if name == "photo.png":
            return LinkView("ok", "a/photo.png", is_image=True)
        if name == "Secret":
            return LinkView("hidden")
        return LinkView("unresolved")

    html = render_body(markdown, lookup, lambda tag: f"tags/{tag}.html")
    assert expected in html, html


def test_embedded_note_is_transcluded(make_vault, vk) -> None:
    vault = make_vault(
        {
            "Host.md": "Before\n\n![[Guest#Part two]]\n\nAfter",
            "Guest.md": "# Part one\nnot this\n# Part two\nonly **this** part\n# Part three\nnor this",
        }
    )
    out = build(vk, vault)
    html = read(out, "host.html")
    assert 'class="vk-embed"' in html and "only <strong>this</strong> part" in html
    assert "not this" not in html and "nor this" not in html


def test_links_read_the_same_from_every_page_of_a_folder_but_to_the_page_itself(make_vault, vk) -> None:
    """Pages of one folder share how their links render (by the text between the
    brackets): `[[#Heading]]` is a link to the page it is on, different on each."""
    notes = {f"people/P{n}.md": f"See [[P0]], [[#Work]], [[#Work|my work]] and [[P0#Work]].\n\n## Work\n" for n in range(3)}
    out = build(vk, make_vault(notes))
    for n in range(3):
        hrefs = re.findall(r'<a class="vk-link" href="([^"]+)"', read(out, f"people/p{n}.html").split('class="vk-body"')[1])
        assert hrefs[:4] == ["p0.html", f"p{n}.html#work", f"p{n}.html#work", "p0.html#work"]


def test_an_embedded_block_shows_that_block_only(make_vault, vk) -> None:
    guest = ("# Guest\n\nIntro words.\n\nThe bio paragraph, over\ntwo lines. ^bio\n\n- one\n- two items ^item\n- three\n\n"
             "| who | role |\n|---|---|\n| Ana | PM |\n\n^table\n\nLast words.")
    host = "Before\n\n![[Guest#^bio]]\n\n![[Guest#^item]]\n\n![[Guest#^table]]\n\n![[Guest#^missing]]\n\nAfter"
    out = build(vk, make_vault({"Host.md": host, "Guest.md": guest}))
    embeds = read(out, "host.html").split('class="vk-body"')[1].split('<div class="vk-embed">')[1:]
    assert len(embeds) == 4
    assert "The bio paragraph, over\ntwo lines.</p>" in embeds[0] and "Intro" not in embeds[0] and "^bio" not in embeds[0]
    assert "<li>two items</li>" in embeds[1] and "one" not in embeds[1] and "three" not in embeds[1]
    assert "<td>Ana</td>" in embeds[2] and "two items" not in embeds[2] and "Last" not in embeds[2]
    assert "Intro words." in embeds[3] and "Last words." in embeds[3]  # no such block: the whole note, as a link to it would
    guest_page = read(out, "guest.html")
    assert "^bio" not in guest_page and "^item" not in guest_page and "^table" not in guest_page  # as Obsidian shows them
    assert "two lines.</p>" in guest_page and "<li>two items</li>" in guest_page


# -- paths --------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "slug"),
    [("Ana López", "ana-lópez"), ("  A  b ", "a-b"), ("What? #1", "what-1"), ("../x", "x"), ("", "-"),
     ("C++ & C#", "c-c")],
)
def test_slugify(text: str, slug: str) -> None:
    assert slugify(text) == slug


def test_outputs_are_unique_and_avoid_the_site_s_own_files() -> None:
    outputs = assign_outputs(["A b.md", "a-b.md", "index.md", "x/Photo.PNG"], ["index.html"])
    assert outputs == {"A b.md": "a-b.html", "a-b.md": "a-b-2.html", "index.md": "index-2.html",
                       "x/Photo.PNG": "x/photo.png"}


@pytest.mark.parametrize(
    ("source", "target", "expected"),
    [("index.html", "people/ana.html", "people/ana.html"),
     ("people/ana.html", "index.html", "../index.html"),
     ("people/ana.html", "people/bo b.html", "bo%20b.html"),
     ("a/b/c.html", "tags/x.html", "../../tags/x.html")],
)
def test_relative_hrefs(source: str, target: str, expected: str) -> None:
    assert href(source, target) == expected


@pytest.mark.parametrize("path", ["../x", "/etc/passwd", "a/../../x", "C:/x", "a\\b", "", "a/./b"])
def test_unsafe_output_paths(path: str) -> None:
    assert not is_safe_output(path)


# -- privacy ------------------------------------------------------------------------


PRIVATE_VAULT = {
    "me.md": "---\ntype: profile\n---\nMe. I know [[Ana]].",
    "people/Ana.md": '---\ntype: contact\nemail: ana@example.com\nphone: "+1 555 0100"\nlinkedin: ana-li\n'
    "publish: true\n---\nAna knows [[Hidden Person]] and [[Diary|my diary]]. Word: zebracorn.",
    "people/Hidden Person.md": "---\ntype: contact\nprivate: true\ntitle: Very Secret Title\n"
    "aliases: [Secret Alias]\n---\nsecret body text",
    "private/Diary.md": "---\ntitle: Diary Secret Title\n---\ndiary secret text [[Ana]]",
    "people/Bo.md": '---\ntype: contact\nreferred_by: "[[Hidden Person]]"\n---\nBo, not published in a share.',
}


def test_private_notes_never_reach_the_site(make_vault, vk) -> None:
    vault = make_vault(PRIVATE_VAULT)
    out = build(vk, vault)
    site = everything(out)
    for secret in ("Very Secret Title", "Secret Alias", "secret body text", "Diary Secret Title",
                   "diary secret text", "hidden-person", "diary.html", "ana@example.com", "555 0100",
                   "Hidden Person", "my diary"):
        assert secret not in site, secret
    ana = read(out, "people/ana.html")
    # A link to a private note shows neither its title nor the words it was written
    # with (they usually name it): a neutral marker, on the page and in search.
    assert "Ana knows private note and private note." in text_of(ana)
    assert "private note" in read(out, "people/bo.html")  # referred_by, a property link
    assert not (out / "people" / "hidden-person.html").exists()
    assert "Backlinks" in ana and "Diary" not in ana
    assert "ana-li" in ana  # linkedin is shown in a private build
    assert broken_links(out) == []


def test_contact_fields_can_be_opted_in(make_vault, vk) -> None:
    vault = make_vault({**PRIVATE_VAULT, "vaultkit.yml": "site:\n  show: [email]\n"})
    out = build(vk, vault)
    ana = read(out, "people/ana.html")
    assert "ana@example.com" in ana and "555 0100" not in ana


def test_share_publishes_only_opted_in_notes_and_redacts(make_vault, vk) -> None:
    vault = make_vault(PRIVATE_VAULT)
    out = build(vk, vault, "--share")
    pages = sorted(p.relative_to(out).as_posix() for p in out.rglob("*.html"))
    assert "people/ana.html" in pages
    assert "people/bo.html" not in pages and "me.html" not in pages
    site = everything(out)
    assert "ana-li" not in site and "zebracorn" in site
    assert "Bo, not published" not in site
    assert broken_links(out) == []


def test_dry_run_lists_exactly_what_would_be_published(make_vault, vk) -> None:
    vault = make_vault(PRIVATE_VAULT)
    result = vk("build", vault, "--share", "--dry-run", "--json")
    assert result.exit_code == 0, result
    data = result.json()
    assert [n["path"] for n in data["notes"]] == ["people/Ana.md"]
    assert "email" in data["hidden_fields"] and "linkedin" in data["hidden_fields"]
    assert not (vault / "_site").exists()
    plain = vk("build", vault, "--dry-run")
    assert plain.stdout.splitlines()[:3] == ["me.md -> me.html", "people/Ana.md -> people/ana.html",
                                             "people/Bo.md -> people/bo.html"]
    assert all(": kept out: " in line for line in plain.stdout.splitlines()[3:])
    built = build(vk, vault)
    assert sorted(p.relative_to(built).as_posix() for p in built.rglob("*.html") if "/" in
                  p.relative_to(built).as_posix() and p.parent.name == "people") == ["people/ana.html", "people/bo.html"]


# -- safe output --------------------------------------------------------------------


def test_refuses_a_folder_it_did_not_write(make_vault, vk, tmp_path: Path) -> None:
    vault = make_vault({"a.md": "hello"})
    foreign = tmp_path / "foreign"
    foreign.mkdir()
    (foreign / "thesis.docx").write_text("precious")
    result = vk("build", vault, "-o", foreign)
    assert result.exit_code == 2
    assert "not empty" in result.stderr
    assert sorted(p.name for p in foreign.iterdir()) == ["thesis.docx"]
    empty = tmp_path / "empty"
    empty.mkdir()
    assert vk("build", vault, "-o", empty).exit_code == 0
    assert (empty / "a.html").is_file()


def test_a_build_stopped_halfway_leaves_a_folder_the_next_build_takes_over(make_vault, vk, tmp_path: Path) -> None:
    """Ctrl-C in the first build of a big vault: pages written, no finished manifest.
    The next build must not refuse the folder, and must clear what it does not write."""
    from vaultkit.site.output import Output, trust_file

    vault = make_vault({"a.md": "[[b]]", "b.md": "hello"})
    out = tmp_path / "site"
    stopped = Output(out, trust_file(vault))
    stopped.open()  # what a build does first
    stopped.write("a.html", "half a build")
    stopped.write("gone/old.html", "a page of a note deleted since")
    (out / ".vk-tmp123").write_text("a write cut short")
    # ... and the process dies here: finish() never runs.
    assert json.loads((out / ".vaultkit-site.json").read_text())["complete"] is False
    result = vk("build", vault, "-o", out, "--today", TODAY)
    assert result.exit_code == 0, result.stderr
    assert "Hello" in read(out, "b.html") or "hello" in read(out, "b.html")
    assert "half a build" not in read(out, "a.html")
    assert not (out / "gone").exists() and not (out / ".vk-tmp123").exists()
    manifest = json.loads((out / ".vaultkit-site.json").read_text())
    assert "complete" not in manifest and "a.html" in manifest["files"] and "gone/old.html" not in manifest["files"]


def test_rebuild_deletes_only_what_it_wrote(make_vault, vk) -> None:
    vault = make_vault({"a.md": "[[b]]", "b.md": "hello"})
    out = build(vk, vault)
    (out / "mine.txt").write_text("the user's own file")
    manifest = json.loads((out / ".vaultkit-site.json").read_text())
    assert "b.html" in manifest["files"]
    (vault / "b.md").unlink()
    out = build(vk, vault)
    assert not (out / "b.html").exists()
    assert (out / "mine.txt").read_text() == "the user's own file"
    assert broken_links(out) == []
    assert '<span class="vk-unresolved" title="no note yet">b</span>' in read(out, "a.html")


def test_unchanged_rebuild_writes_nothing(make_vault, vk) -> None:
    vault = make_vault({"a.md": "[[b]]", "b.md": "hello"})
    build(vk, vault)
    result = vk("build", vault, "--today", TODAY, "--json")
    assert result.json()["written"] == 0
    # ... and leaves the manifest finished (it is marked under way while a build runs).
    assert "complete" not in json.loads((vault / "_site" / ".vaultkit-site.json").read_text())


@settings(max_examples=300, deadline=None)
@given(st.lists(st.dictionaries(st.text(max_size=8), st.text(max_size=12), max_size=4), max_size=4),
       st.lists(st.text(max_size=6), max_size=4))
def test_previews_json_is_script_json(previews: list[dict[str, str]], keys: list[str]) -> None:
    """A page's previews script, assembled from each preview encoded once, is the JSON of
    the whole (and as safe in a <script>), on a first page and on later ones."""
    encoded: dict = {}
    for number in range(2):
        page = {key: preview for key, preview in zip(keys, previews)}
        page.update({f"p{n}": dict(preview) for n, preview in enumerate(previews[number:])})
        assert str(previews_json(page, encoded)) == str(script_json(page))


def test_output_never_writes_through_a_link_put_in_the_folder(tmp_path: Path) -> None:
    """A page written twice holds the last text, and a link planted in OUT (in the first
    build or a later one) is replaced by the page, never written through."""
    outside = tmp_path / "outside.html"
    outside.write_text("keep")
    site = tmp_path / "site"
    out = Output(site)
    out.open()
    assert out.write("a/p.html", "one") and not out.write("a/p.html", "one") and out.write("a/p.html", "two")
    (site / "a/planted.html").symlink_to(outside)
    assert out.write("a/planted.html", "page")
    assert (site / "a/p.html").read_text() == "two" and (site / "a/planted.html").read_text() == "page"
    assert outside.read_text() == "keep" and not (site / "a/planted.html").is_symlink()
    out.finish()
    (site / "a/p.html").unlink()
    (site / "a/p.html").symlink_to(outside)
    out.open()
    assert out.write("a/p.html", "three") and (site / "a/p.html").read_text() == "three"
    assert outside.read_text() == "keep"


@settings(max_examples=500, deadline=None)
@given(st.one_of(st.text(), st.integers()))
def test_link_escaping_is_markupsafe_s(value) -> None:
    """The link helpers and charts escape as plain strings (for speed); the text must be markupsafe's."""
    from markupsafe import escape

    from vaultkit.site.escaping import escaped

    assert escaped(value) == str(escape(value))
