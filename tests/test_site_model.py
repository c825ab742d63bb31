"""The site shows vaultkit's own networking model (network, agenda, paths, stats, schema),
computed over the published notes only; and a note's raw HTML cannot make it request anything."""

from __future__ import annotations

import html
import json
import re
import shutil
from pathlib import Path

from _golden import many_people
from test_site import TEMPLATE, TODAY, broken_links, build, everything, read, text_of


def graph_nodes(out: Path) -> dict[str, list]:
    data = json.loads(read(out, "data/graph.js").removeprefix("window.VK_GRAPH=").rstrip(";\n"))
    return {node[4]: node for node in data["nodes"]}


def test_dashboard_shows_the_agenda_vaultkit_agenda_gives(tmp_path: Path, vk) -> None:
    vault = tmp_path / "example"
    shutil.copytree(TEMPLATE, vault)
    items = vk("agenda", vault, "--today", TODAY, "--json").json()
    assert items, "the example vault has an agenda"
    out = build(vk, vault)
    dashboard = html.unescape(read(out, "index.html"))
    for item in items:
        assert item["reason"] in dashboard, item
    # A note with a page is a link to it; a prospect (no note) is plain text.
    linked = [i for i in items if (vault / i["note"]).is_file()]
    assert linked
    for item in linked:
        page = item["note"].removesuffix(".md")
        assert re.search(r'href="[^"]*' + re.escape(Path(page).name.lower().replace(" ", "-")), dashboard.lower())
    stats = vk("stats", vault, "--today", TODAY, "--json").json()
    assert f"{stats['interviews']['done']} interviews done" in text_of(read(out, "index.html"))


def test_contact_page_shows_the_path_vaultkit_path_gives(tmp_path: Path, vk, monkeypatch) -> None:
    vault = tmp_path / "example"
    shutil.copytree(TEMPLATE, vault)
    monkeypatch.chdir(vault)
    routes = vk("path", "people/Marcus Hill.md", "--today", TODAY, "--json").json()
    assert routes
    out = build(vk, vault)
    page = text_of(read(out, "people/marcus-hill.html"))
    assert "Path from you: " + " → ".join(routes[0]["names"]) in page
    assert routes[0]["suggestion"] in html.unescape(page)


def test_network_never_passes_through_an_unpublished_note(make_vault, vk) -> None:
    vault = make_vault(
        {
            "me.md": "---\ntype: profile\n---\n",
            "people/Secret Sam.md": "---\ntype: contact\nprivate: true\ntitle: Samantha Hidden\n---\n",
            "people/Xena.md": '---\ntype: contact\nreferred_by: "[[Secret Sam]]"\n---\n',
            "interviews/2026-01-05 Sam.md": '---\ntype: interview\nwith: "[[Secret Sam]]"\ndate: 2026-01-05\n'
            'status: done\nreferrals: ["[[Xena]]"]\n---\n',
        }
    )
    out = build(vk, vault)
    site = everything(out)
    # Published notes show their own words ("Secret Sam" as written); nothing of the note itself.
    assert "Samantha Hidden" not in site and "secret-sam" not in site
    # Xena was named by the private note: on the site her referrer is simply not known.
    assert "Referred by:" not in text_of(read(out, "people/xena.html"))
    assert broken_links(out) == []



def test_a_person_referred_only_by_a_private_note_is_not_shown_as_own_network(make_vault, vk, monkeypatch) -> None:
    vault = make_vault(
        {
            "me.md": "---\ntype: profile\n---\n",
            "people/Secret Sam.md": "---\ntype: contact\nprivate: true\n---\n",
            "people/Olga.md": "---\ntype: contact\n---\nA friend: nobody referred her.\n",
            # Referred in her own note by a private person.
            "people/Xena.md": '---\ntype: contact\nreferred_by: "[[Secret Sam]]"\n---\n',
            # Named in a private interview.
            "people/Yuri.md": "---\ntype: contact\n---\n",
            "interviews/2026-01-05 Olga.md": '---\ntype: interview\nwith: "[[Olga]]"\ndate: 2026-01-05\n'
            'status: done\nprivate: true\nreferrals: ["[[Yuri]]"]\n---\n',
            # Named in a published interview with a private person.
            "people/Zoe.md": "---\ntype: contact\n---\n",
            "interviews/2026-01-06 Sam.md": '---\ntype: interview\nwith: "[[Secret Sam]]"\ndate: 2026-01-06\n'
            'status: done\nreferrals: ["[[Zoe]]"]\n---\n',
        }
    )
    out = build(vk, vault)
    olga = text_of(read(out, "people/olga.html"))
    assert "1st degree" in olga and "write to them directly" in olga
    for name in ("xena", "yuri", "zoe"):
        page = text_of(read(out, f"people/{name}.html"))
        assert "reached through a referral" in page, name
        assert "1st degree" not in page and "write to them directly" not in page, name
        assert "Referred by:" not in page, name
    # The full vault keeps its degrees: each of them is 2nd degree there.
    monkeypatch.chdir(vault)
    for name in ("Xena", "Yuri", "Zoe"):
        routes = vk("path", f"people/{name}.md", "--today", TODAY, "--json").json()
        assert "write to them directly" not in routes[0]["suggestion"], name


def test_an_interview_with_a_private_person_never_names_them_in_the_agenda(make_vault, vk) -> None:
    vault = make_vault(
        {
            "me.md": "---\ntype: profile\n---\n",
            "people/Secret Sam.md": "---\ntype: contact\nprivate: true\n---\n",
            "interviews/2026-09-28 Sam.md": '---\ntype: interview\nwith: "[[Secret Sam]]"\ndate: 2026-09-28\n'
            "status: done\n---\n",
        }
    )
    items = vk("agenda", vault, "--today", TODAY, "--json").json()
    assert any("Secret Sam" in item["reason"] for item in items), items  # the full vault names them
    out = build(vk, vault)
    dashboard = html.unescape(read(out, "index.html"))
    assert "Secret Sam" not in dashboard and "[[" not in dashboard
    # The interview names its person in its own title: it is kept out with them.
    assert "2026-09-28 Sam" not in dashboard
    assert not list(out.rglob("*sam*"))



def test_dashboard_shows_the_most_urgent_agenda_items_of_each_kind_and_counts_the_rest(make_vault, vk) -> None:
    files = {"me.md": "---\ntype: profile\n---\n"}
    for day in range(1, 13):
        files[f"people/P{day:02d}.md"] = "---\ntype: contact\n---\n"
        files[f"interviews/2026-09-{day:02d} P{day:02d}.md"] = (
            f'---\ntype: interview\nwith: "[[P{day:02d}]]"\ndate: 2026-09-{day:02d}\nstatus: done\n---\n'
        )
    vault = make_vault(files)
    items = vk("agenda", vault, "--today", TODAY, "--json").json()
    owed = [i["reason"] for i in items if i["kind"] == "thank-you"]
    assert len(owed) == 12
    out = build(vk, vault)
    dashboard = html.unescape(text_of(read(out, "index.html")))
    assert "Thank-you notes owed (12)" in dashboard
    for reason in owed[:10]:  # the oldest (most overdue) first, as `vaultkit agenda` orders them
        assert reason in dashboard
    for reason in owed[10:]:
        assert reason not in dashboard
    assert "and 2 more — run vaultkit agenda" in dashboard
    assert broken_links(out) == []


RENAMED = {
    "vaultkit.yml": "types:\n  contact:\n    type: person\n    fields:\n      company: org\n      email: mail\n",
    "me.md": "---\ntype: profile\n---\nMy friend [[Ana]].\n",
    "people/Ana.md": '---\ntype: person\norg: "[[Acme]]"\nmail: ana@example.org\nrole: Analyst\n---\n',
    "team/Bo.md": '---\ntype: person\norg: "[[Acme]]"\n---\n',
    "companies/Acme.md": "---\n---\nA company typed by its folder.\n",
}


def test_renamed_types_and_fields_are_honoured(make_vault, vk) -> None:
    vault = make_vault(RENAMED)
    out = build(vk, vault)
    acme = text_of(read(out, "companies/acme.html"))
    assert "People you know here" in acme and "Ana Analyst" in acme and "Bo" in acme
    ana = read(out, "people/ana.html")
    assert '<p class="vk-kind">contact</p>' in ana and "1st degree" in text_of(ana)
    assert "ana@example.org" not in everything(out)  # the renamed email field is hidden too
    nodes = graph_nodes(out)
    assert nodes["people/ana.html"][1] == "contact" and nodes["companies/acme.html"][1] == "company"


def test_graph_node_types_agree_with_vaultkit_graph(make_vault, vk) -> None:
    vault = make_vault(RENAMED)
    graph = vk("graph", vault, "--format", "json").json()
    types = {node["path"]: node["type"] for node in graph["nodes"]}
    assert types == {
        "me.md": "profile",
        "people/Ana.md": "contact",
        "team/Bo.md": "contact",
        "companies/Acme.md": "company",
        "vaultkit.yml": None,
    } or {k: v for k, v in types.items() if k.endswith(".md")} == {
        "me.md": "profile", "people/Ana.md": "contact", "team/Bo.md": "contact", "companies/Acme.md": "company",
    }
    nodes = graph_nodes(build(vk, vault))
    for path, node_type in types.items():
        if path.endswith(".md"):
            out = path.removesuffix(".md").lower() + ".html"
            assert nodes[out][1] == (node_type or "note"), path


def test_raw_html_images_request_nothing(make_vault, vk) -> None:
    vault = make_vault(
        {
            "Note.md": '<img src="x"> <img src="photo.png"> <img src="//evil.example/p.gif">\n'
            '<img src="data:image/gif;base64,R0lGOD"> ![[photo.png]] ![alt](photo.png)\n',
            "photo.png": b"\x89PNG\r\n",
        }
    )
    out = build(vk, vault)
    page = read(out, "note.html")
    sources = re.findall(r'<img[^>]*\bsrc="([^"]*)"', page)
    assert sources == ["photo.png"] * 3, sources  # the raw <img> naming the published image may stay
    assert len(re.findall(r"<img\b", page)) >= 2
    assert broken_links(out) == []


def test_pages_rendered_by_worker_processes_are_the_same_bytes(make_vault, tmp_path: Path, monkeypatch) -> None:
    import os

    import pytest

    import vaultkit.site.build as site_build

    if (os.cpu_count() or 1) < 2:
        pytest.skip("one core: the build never forks page renderers")
    files = many_people()
    vault = make_vault(files)
    # Forked: the page renderers, and (during the plan) the child that makes the search
    # entries and the previews' excerpts; alone: all of it in this process.
    forked = site_build.build_site(vault, tmp_path / "forked", today=TODAY)
    monkeypatch.setattr(site_build, "PARALLEL_PAGES", 10**9)
    alone = site_build.build_site(vault, tmp_path / "alone", today=TODAY)
    assert forked.pages == alone.pages > 300
    for page in sorted((tmp_path / "alone").rglob("*")):
        if page.is_file():
            twin = tmp_path / "forked" / page.relative_to(tmp_path / "alone")
            assert twin.read_bytes() == page.read_bytes(), page
