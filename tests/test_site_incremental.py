"""Incremental builds and `serve`: a rebuilt site is byte-for-byte a clean build, and
the live server rebuilds, injects its reload script, and never writes it to disk."""

from __future__ import annotations

import re
import shutil
import socket
import struct
import threading
import time
import urllib.parse
import urllib.request
from pathlib import Path

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.site import Site
from vaultkit.site.serve import LiveSite

TODAY = "2026-10-01"
NAMES = ["Ana", "Bo", "Cy", "Dee", "Acme"]


def tree(out: Path) -> dict[str, bytes]:
    return {p.relative_to(out).as_posix(): p.read_bytes() for p in sorted(out.rglob("*")) if p.is_file()}


def clean_build(vault: Path, tmp: Path) -> dict[str, bytes]:
    copy = tmp / "clean"
    if copy.exists():
        shutil.rmtree(copy)
    shutil.copytree(vault, copy, ignore=shutil.ignore_patterns(".vaultkit", "_site"))
    site = Site(copy, today=TODAY)
    try:
        site.build()
    finally:
        site.close()
    return tree(copy / "_site")


def vault_of(tmp: Path, files: dict[str, str]) -> Path:
    """A vault (with `.obsidian/`) in `tmp`, holding `files`."""
    vault = tmp / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for path, text in files.items():
        (vault / path).parent.mkdir(parents=True, exist_ok=True)
        (vault / path).write_text(text)
    return vault


def note_text(kind: str, links: list[str], private: bool, referrer: str | None, tag: str | None) -> str:
    front = [f"type: {kind}"]
    if private:
        front.append("private: true")
    if referrer:
        front.append(f'referred_by: "[[{referrer}]]"')
    if kind == "contact" and links:
        front.append(f'company: "[[{links[0]}]]"')
    body = " ".join(f"[[{name}]]" for name in links) + (f" #{tag}" if tag else "") + "\nsome words"
    if len(links) > 1:
        body += f"\n\n![[{links[1]}]]"
    return "---\n" + "\n".join(front) + "\n---\n" + body + "\n"


notes = st.builds(
    note_text,
    st.sampled_from(["contact", "company", "interview", "note"]),
    st.lists(st.sampled_from(NAMES + ["Nobody"]), max_size=3),
    st.booleans(),
    st.none() | st.sampled_from(NAMES),
    st.none() | st.sampled_from(["a", "b"]),
)
edits = st.lists(st.tuples(st.sampled_from(NAMES), st.none() | notes), min_size=1, max_size=4)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=st.dictionaries(st.sampled_from(NAMES), notes, max_size=5), steps=st.lists(edits, min_size=1, max_size=3))
def test_incremental_build_equals_clean_build(tmp_path_factory, start, steps) -> None:
    tmp = tmp_path_factory.mktemp("incremental")
    vault = tmp / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for name, text in start.items():
        (vault / f"{name}.md").write_text(text)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for step in steps:
            changed = []
            for name, text in step:
                path = vault / f"{name}.md"
                if text is None:
                    path.unlink(missing_ok=True)
                else:
                    path.write_text(text)
                changed.append(f"{name}.md")
            report = site.build(changed=changed)
            assert tree(vault / "_site") == clean_build(vault, tmp)
        # An unchanged rebuild renders nothing again.
        assert site.build(changed=[]).rendered == 0
    finally:
        site.close()


def test_a_one_note_edit_renders_only_the_pages_it_affects(make_vault) -> None:
    vault = make_vault(
        {f"n{i}.md": f"note {i} links [[n{(i + 1) % 20}]]" for i in range(20)} | {"lonely.md": "no links"}
    )
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        (vault / "lonely.md").write_text("still no links, new words")
        report = site.build(changed=["lonely.md"])
        # The note itself and the global pages (dashboard, graph data, search, ...); no other note.
        assert report.rendered < 10
        assert site.build(changed=[]).rendered == 0
        (vault / "n3.md").write_text("note 3 now links [[lonely]]")
        report = site.build(changed=["n3.md"])
        assert 'href="lonely.html"' in (vault / "_site" / "n3.html").read_text()
        assert "n3.html" in (vault / "_site" / "lonely.html").read_text()  # its new backlink
    finally:
        site.close()


def test_pages_deleted_by_hand_come_back_with_the_next_edit(make_vault) -> None:
    """A page deleted by hand between two of `serve`'s rebuilds, or the whole folder, is
    written again by the next rebuild, though its note did not change."""
    vault = make_vault({"a.md": "links [[b]]", "b.md": "links [[c]]", "c.md": "no links", "sub/d.md": "[[a]]"})
    out = vault / "_site"
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for words in ("one", "two"):  # (two edits first: a rebuild after a rebuild, as serve makes them)
            (vault / "c.md").write_text(f"no links, {words}")
            site.build(changed=["c.md"])
        whole = tree(out)
        (out / "a.html").unlink()
        (out / "sub" / "d.html").unlink()
        (vault / "c.md").write_text("no links, three")
        site.build(changed=["c.md"])
        assert (out / "a.html").read_bytes() == whole["a.html"]
        assert (out / "sub" / "d.html").read_bytes() == whole["sub/d.html"]
        shutil.rmtree(out)
        (vault / "c.md").write_text("no links, four")
        site.build(changed=["c.md"])
        assert tree(out).keys() == whole.keys()
    finally:
        site.close()


def _get(url: str, timeout: float = 10) -> str:
    with urllib.request.urlopen(url, timeout=timeout) as response:  # noqa: S310 - 127.0.0.1 only
        return response.read().decode("utf-8")


def _tag(page_html: str) -> tuple[str, str]:
    """The page and stamp the server put in the reload script's tag."""
    found = re.search(r'<script src="/__vaultkit/livereload.js" data-page="([^"]*)" data-seen="([^"]*)"></script></body>',
                      page_html)
    assert found, page_html[-300:]
    return found.group(1), found.group(2)


def _saved_and_rebuilt(live: LiveSite, note: Path, text: str) -> None:
    """Save `note` and wait until serve has rebuilt after it."""
    builds = live.builds
    note.write_text(text)
    deadline = time.monotonic() + 30
    while live.builds == builds and time.monotonic() < deadline:
        time.sleep(0.05)
    assert live.builds > builds


class Tab:
    """An open tab's question to the server, "has my page changed since?", held on a thread."""

    def __init__(self, live: LiveSite, page_url: str):
        self.page, self.seen = _tag(_get(live.url + page_url))
        self.answer: list[tuple[str, float]] = []
        query = urllib.parse.urlencode({"page": self.page, "seen": self.seen})
        self.thread = threading.Thread(target=lambda: self.answer.append(
            (_get(live.url + f"__vaultkit/changed.js?{query}", timeout=40), time.monotonic())), daemon=True)
        self.thread.start()

    def reloads(self, timeout: float) -> bool:
        self.thread.join(timeout)
        return bool(self.answer) and "(true)" in self.answer[0][0]


def test_serve_rebuilds_and_reloads_the_tabs_whose_page_changed(make_vault) -> None:
    vault = make_vault({
        "Ana.md": "---\ntype: contact\n---\nfirst words", "Bo.md": "knows [[Ana]]", "Cy.md": "alone",
    })
    site = Site(vault, today=TODAY, incremental=True)
    live = LiveSite(site, port=0)
    live.start()
    try:
        assert live.url.startswith("http://127.0.0.1:")
        page = _get(live.url + "ana.html")
        assert "first words" in page
        assert _tag(page)[0] == "ana.html"
        assert "__vkChanged" in _get(live.url + "__vaultkit/livereload.js")
        ana, cy, graph = Tab(live, "ana.html"), Tab(live, "cy.html"), Tab(live, "graph.html")
        time.sleep(0.5)
        assert ana.answer == cy.answer == graph.answer == []  # nothing changed yet: all held
        builds = live.builds
        (vault / "Ana.md").write_text("---\ntype: contact\n---\nsecond words, and [[Cy]]")
        written = time.monotonic()
        assert ana.reloads(timeout=30) and ana.answer[0][1] > written
        assert "second words" in _get(live.url + "ana.html")
        # The graph page did not change, but the graph's data script it loads did.
        assert graph.reloads(timeout=30)
        deadline = time.monotonic() + 30
        while live.builds == builds and time.monotonic() < deadline:
            time.sleep(0.05)
        assert live.builds > builds
        # Cy's page lists its new backlink from Ana: it changed too.
        assert cy.reloads(timeout=30)
        bo = Tab(live, "bo.html")
        _saved_and_rebuilt(live, vault / "Cy.md", "alone, with more words")
        assert not bo.reloads(timeout=0.5)  # Bo's page shows nothing of Cy's text: left alone
        # A tab from an earlier run of the server (another stamp) reloads at once.
        assert "(true)" in _get(live.url + "__vaultkit/changed.js?page=ana.html&seen=feedbeef-3")
        # The reload script is the server's: the built files never contain it.
        for path in (vault / "_site").rglob("*"):
            if path.is_file():
                assert b"__vaultkit" not in path.read_bytes(), path
    finally:
        live.stop()


def test_a_page_tells_what_it_loads() -> None:
    from vaultkit.site.serve import loaded_files

    html = (b'<link rel="icon" href="data:,"><link rel="stylesheet" href="../static/site.css">'
            b'<script src="../static/site.js"></script><img alt="" src="../attachments/caf%C3%A9.png?x=1#top">'
            b'<script src="https://example.com/x.js"></script><script src="/abs.js"></script>'
            b'<a href="other.html">not loaded</a>')
    assert loaded_files("people/ana.html", html) == {"static/site.css", "static/site.js", "attachments/café.png"}


PROSE = st.lists(
    st.sampled_from(["hello", "Zed Quill", "**bold**", "#tag", "- item", "> quote", "\n", "Ana", "`code`"]),
    max_size=6,
).map(" ".join)
PEOPLE = {
    "me.md": ("type: profile", "[[Ana]] [[Bo]]"),
    "Ana.md": ("type: contact\ntags: [team]", "[[Bo]] ![[Bo#Work]]"),
    "Bo.md": ('type: contact\nreferred_by: "[[Ana]]"', "[[Cy]]"),
    "Cy.md": ('type: contact\nreferred_by: "[[Bo]]"\ntags: [team]', "![[Ana]]"),
    "Zed Quill.md": ("type: contact", ""),  # linked by nobody: plain-text mentions are agenda items
    "Log.md": ("", "[[Cy]] ![[Cy#Work]]"),
}


def text_note(path: str, prose: str, work: str) -> str:
    front, links = PEOPLE[path]
    return f"---\n{front}\n---\n{links}\n{prose}\n\n## Work\n{work}\n"


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(steps=st.lists(st.lists(st.tuples(st.sampled_from(sorted(PEOPLE)), PROSE, PROSE), min_size=1, max_size=3),
                      min_size=1, max_size=3))
def test_text_only_edits_rebuild_like_a_clean_build(tmp_path_factory, steps) -> None:
    """Edits that change only prose (previews, embeds, mentions, search) take the quick path."""
    tmp = tmp_path_factory.mktemp("text-edits")
    vault = tmp / "vault"
    (vault / ".obsidian").mkdir(parents=True)
    for path in PEOPLE:
        (vault / path).write_text(text_note(path, "first words", "first work"))
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for step in steps:
            for path, prose, work in step:
                (vault / path).write_text(text_note(path, prose, work))
            site.build(changed=[path for path, _, _ in step])
            assert tree(vault / "_site") == clean_build(vault, tmp)
    finally:
        site.close()


def test_a_text_edit_renders_only_the_pages_that_quote_the_note(make_vault) -> None:
    files = {f"n{i}.md": f"note {i} links [[n{(i + 1) % 30}]]\n" for i in range(30)}
    vault = make_vault(files)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        (vault / "n7.md").write_text("note 7 links [[n8]]\nand says more\n")
        report = site.build(changed=["n7.md"])
        assert "and says more" in (vault / "_site" / "n7.html").read_text()
        assert report.rendered < 8  # n7 and the global pages: no page of another note
        (vault / ".obsidian").mkdir(exist_ok=True)
        (vault / ".obsidian" / "workspace.json").write_text("{}")
        assert site.build(changed=[".obsidian/workspace.json"]).rendered == 0  # not a vault file
    finally:
        site.close()


# A small campaign whose notes all stay where they are: every step rewrites some of them
# with other links and properties, the edits `serve` sees most (a referral, a thank-you, a
# stage, `private: true`, a tag), which rebuild from the last plan rather than a new one.
CONTACTS = ["Ana", "Bo", "Cy", "Dee"]
COMPANIES = ["Acme", "Beta"]


def contact_note(company, referrer, stage, private, tags, email, links, words="some words about them") -> str:
    front = ["type: contact", "role: Engineer"]
    if company:
        front.append(f'company: "[[{company}]]"')
    if referrer:
        front.append(f'referred_by: "[[{referrer}]]"')
    if stage:
        front.append(f"stage: {stage}")
    if private:
        front.append("private: true")
    if tags:
        front.append(f"tags: [{', '.join(tags)}]")
    if email:
        front.append(f"email: {email}")
    # The section interviews embed (`![[Name#Work]]`) says the words too: an edit of them reaches those pages.
    body = " ".join(f"[[{name}]]" for name in links) + f"\n{words}\n\n## Work\nwhat they do: {words}\n"
    return "---\n" + "\n".join(front) + "\n---\n" + body


def interview_note(person, via, referrals, status, thanks, private, links) -> str:
    front = ["type: interview", "date: 2026-09-01"]
    if person:
        front.append(f'with: "[[{person}]]"')
    if via:
        front.append(f'via: "[[{via}]]"')
    if referrals:
        front.append("referrals: [" + ", ".join(f'"[[{r}]]"' for r in referrals) + "]")
    front.append(f"status: {status}")
    if thanks:
        front.append("thank_you_sent: 2026-09-02")
    if private:
        front.append("private: true")
    body = "".join(f"- [[{name}]]\n" for name in links) + (f"![[{links[0]}#Work]]\n" if links else "")
    return "---\n" + "\n".join(front) + "\n---\n" + body


def company_note(private, tags) -> str:
    front = ["type: company"] + (["private: true"] if private else []) + ([f"tags: [{tags}]"] if tags else [])
    return "---\n" + "\n".join(front) + "\n---\nA company.\n"


def lead_note(company, heard, source) -> str:
    front = ["type: lead", "status: new"]
    if company:
        front.append(f'company: "[[{company}]]"')
    if heard:
        front.append(f'heard_from: "[[{heard}]]"')
    if source:
        front.append(f'source: "[[{source}]]"')
    return "---\n" + "\n".join(front) + "\n---\nA role.\n"


def profile_note(links) -> str:
    return "---\ntype: profile\n---\n" + " ".join(f"[[{name}]]" for name in links) + "\n"


people = st.sampled_from(CONTACTS)
maybe = st.none().__or__
campaign_notes = {
    **{f"people/{name}.md": st.builds(
        contact_note, maybe(st.sampled_from(COMPANIES)), maybe(people), maybe(st.sampled_from(["contacted", "met", "following-up"])),
        st.booleans(), st.lists(st.sampled_from(["warm", "team"]), max_size=2, unique=True),
        maybe(st.sampled_from(["same@example.com", f"{name}@example.com"])),
        st.lists(st.sampled_from(CONTACTS + COMPANIES + ["Nobody"]), max_size=2),
        # Prose alone differs sometimes: a text-only edit between link and property edits.
        st.sampled_from(["some words about them", "other words, Dee and Bo"]))
       for name in CONTACTS},
    **{f"interviews/I{n}.md": st.builds(
        # `via` may name someone with no note: an unresolved link in a property (agenda hygiene).
        interview_note, maybe(people), maybe(st.sampled_from([*CONTACTS, "Nobody"])), st.lists(people, max_size=2, unique=True),
        st.sampled_from(["done", "scheduled", "cancelled"]), st.booleans(), st.booleans(),
        st.lists(st.sampled_from(CONTACTS + COMPANIES), max_size=2))
       for n in (1, 2)},
    **{f"companies/{name}.md": st.builds(company_note, st.booleans(), maybe(st.sampled_from(["hiring", "team"])))
       for name in COMPANIES},
    "leads/L.md": st.builds(lead_note, maybe(st.sampled_from(COMPANIES)), maybe(people),
                            maybe(st.sampled_from(["I1", "I2"]))),
    "me.md": st.builds(profile_note, st.lists(people, max_size=3, unique=True)),
}
campaign_start = st.fixed_dictionaries(campaign_notes)
PROSE_SWAP = {"some words about them": "other words, Dee and Bo", "other words, Dee and Bo": "some words about them"}
campaign_edits = st.lists(
    st.sampled_from(sorted(campaign_notes)).flatmap(lambda path: st.tuples(st.just(path), campaign_notes[path]))
    # None: the contact's prose alone changes (a text-only edit, between link and property edits).
    | st.tuples(st.sampled_from([f"people/{name}.md" for name in CONTACTS]), st.none()),
    min_size=1, max_size=3,
)


@settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(start=campaign_start, steps=st.lists(campaign_edits, min_size=1, max_size=4))
def test_link_and_property_edits_rebuild_like_a_clean_build(tmp_path_factory, start, steps) -> None:
    """Degrees, referral chains, routes, previews, company pages, privacy and tags move
    across pages the edited note's own page does not show: every page still matches a
    clean build, edit after edit (the index synced first, as `serve`'s watcher does)."""
    tmp = tmp_path_factory.mktemp("campaign-edits")
    vault = vault_of(tmp, start)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for step in steps:
            for path, text in step:
                if text is None:
                    text = (vault / path).read_text()
                    old = next(words for words in PROSE_SWAP if words in text)
                    text = text.replace(old, PROSE_SWAP[old])
                (vault / path).write_text(text)
            changed = sorted({path for path, _ in step})
            site.index().sync(paths=changed)
            site.build(changed=changed, synced=True)
            assert tree(vault / "_site") == clean_build(vault, tmp)
    finally:
        site.close()


def saved_and_rebuilt(site: Site, vault: Path, tmp_path: Path, path: str, text: str) -> None:
    """One save as `serve` sees it (the watcher's sync of the path, then the rebuild); the
    site must then be what a clean build makes."""
    (vault / path).write_text(text)
    site.index().sync(paths=[path])
    site.build(changed=[path], synced=True)
    assert tree(vault / "_site") == clean_build(vault, tmp_path)


def test_a_property_edit_after_a_text_edit_shows_the_new_preview(tmp_path) -> None:
    """A text edit updates a preview's excerpt on the quick path; the next link or
    property edit must carry that excerpt on, not the one from before the text edit."""
    files = {
        "people/Ana.md": contact_note(None, None, None, False, [], None, []),
        "people/Bo.md": contact_note(None, None, None, False, [], None, ["Ana"]),
        "me.md": profile_note(["Ana"]),
    }
    vault = vault_of(tmp_path, files)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for path, text in [
            ("people/Ana.md", contact_note(None, None, None, False, [], None, [], "other words, Dee and Bo")),
            ("people/Bo.md", contact_note(None, None, "met", False, [], None, ["Ana"])),
        ]:
            saved_and_rebuilt(site, vault, tmp_path, path, text)
        assert "other words" in (vault / "_site" / "people" / "bo.html").read_text()
    finally:
        site.close()


def test_a_link_edit_that_also_rewrites_an_embedded_section_updates_the_page_that_embeds_it(tmp_path) -> None:
    """A note whose links and text change in one save (no property): a page that embeds
    a section of it is made again, though no fact of the note it reads changed."""
    files = {
        "people/Bo.md": contact_note(None, None, None, False, [], None, []),
        "notes/Pitch.md": "# Pitch\n\n## Work\nold prose\n",
        "interviews/I1.md": interview_note("Bo", None, [], "done", False, False, ["Pitch"]),
        "me.md": profile_note(["Bo"]),
    }
    vault = vault_of(tmp_path, files)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        saved_and_rebuilt(site, vault, tmp_path, "notes/Pitch.md", "# Pitch\n\n## Work\nfresh prose, for [[Bo]]\n")
        assert "fresh prose" in (vault / "_site" / "interviews" / "i1.html").read_text()
    finally:
        site.close()


def test_a_stage_set_by_hand_reaches_the_tree_and_the_previews(tmp_path) -> None:
    """`stage:` on a contact moves nobody in the referral tree: their entry and preview
    change there (and everywhere else) as in a clean build."""
    files = {
        "people/Ana.md": contact_note(None, None, None, False, [], None, []),
        "people/Bo.md": contact_note(None, "Ana", None, False, [], None, []),
        "me.md": profile_note(["Ana"]),
    }
    vault = vault_of(tmp_path, files)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for stage in ("following-up", "met", None):
            text = contact_note(None, "Ana", stage, False, [], None, [])
            saved_and_rebuilt(site, vault, tmp_path, "people/Bo.md", text)
            assert ("stage-following-up" in (vault / "_site" / "tree.html").read_text()) == (stage == "following-up")
    finally:
        site.close()


def test_a_note_that_becomes_public_again_brings_its_links_back_to_their_pages(tmp_path) -> None:
    """An interview made private, then public again with the same links: the company it
    mentions gets its backlink and graph edge back (hypothesis found this one)."""
    files = {
        "people/Ana.md": contact_note(None, None, None, False, [], None, []),
        "interviews/I2.md": interview_note(None, None, [], "done", False, False, ["Beta"]),
        "companies/Beta.md": company_note(False, None),
        "me.md": profile_note([]),
    }
    vault = vault_of(tmp_path, files)
    site = Site(vault, today=TODAY, incremental=True)
    try:
        site.build()
        for private, referrals in ((True, []), (False, ["Ana"])):
            text = interview_note(None, None, referrals, "done", False, private, ["Beta"])
            saved_and_rebuilt(site, vault, tmp_path, "interviews/I2.md", text)
        assert "i2.html" in (vault / "_site" / "companies" / "beta.html").read_text()
    finally:
        site.close()


def test_a_tab_that_leaves_while_waiting_costs_no_traceback(make_vault, capsys) -> None:
    """A reloading or closed tab drops the request the server holds for it; the answer
    then meets a reset connection, which `vaultkit serve` must take quietly."""
    vault = make_vault({"Ana.md": "first words"})
    live = LiveSite(Site(vault, today=TODAY, incremental=True), port=0)
    live.start()
    try:
        page, seen = _tag(_get(live.url + "ana.html"))
        tab = socket.create_connection(("127.0.0.1", live.server.server_address[1]))
        tab.sendall(f"GET /__vaultkit/changed.js?page={page}&seen={seen} HTTP/1.0\r\n\r\n".encode())
        time.sleep(0.3)  # held by now
        tab.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        tab.close()  # a reset, as a browser's aborted request
        _saved_and_rebuilt(live, vault / "Ana.md", "second words")
        time.sleep(0.3)  # the held request answered into the reset connection
    finally:
        live.stop()
    captured = capsys.readouterr()
    assert "Traceback" not in captured.err and "Exception" not in captured.err
