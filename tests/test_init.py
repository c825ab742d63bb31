"""`vaultkit init`: the starter vault is copied whole, never over anything, and is clean.

Everything runs through the real CLI on real folders. The counts below are the
example network the issue asks for; the agenda/path/stats golden tests rely on it.
"""

from __future__ import annotations

import json
import os
import tempfile
from collections import Counter
from pathlib import Path

import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from vaultkit.index import Index
from vaultkit.init import SOURCE_COPY, InitConflict, find_conflicts, init_vault, template_dir, template_files
from vaultkit.parse import parse_note, split_front_matter

TEMPLATE = SOURCE_COPY


def tree(root: Path) -> dict[str, bytes]:
    return {
        path.relative_to(root).as_posix(): path.read_bytes()
        for path in sorted(root.rglob("*"))
        if path.is_file() and ".vaultkit" not in path.relative_to(root).parts
    }


def test_init_into_a_new_folder_copies_the_whole_template(vk, tmp_path):
    target = tmp_path / "deep" / "Networking"
    result = vk("init", target)
    assert result.exit_code == 0, result
    assert tree(target) == tree(TEMPLATE)
    assert "Created a vault in" in result.stdout
    assert "vaultkit agenda" in result.stdout


def test_init_keeps_the_dotfiles_obsidian_needs(vk, tmp_path):
    vk("init", tmp_path / "v")
    templates = json.loads((tmp_path / "v/.obsidian/templates.json").read_text())
    plugins = json.loads((tmp_path / "v/.obsidian/core-plugins.json").read_text())
    assert templates["folder"] == "templates"
    assert (tmp_path / "v/templates").is_dir()
    assert plugins["templates"] is True
    json.loads((tmp_path / "v/.obsidian/app.json").read_text())
    ignored = (tmp_path / "v/.gitignore").read_text().split()
    assert ".vaultkit/" in ignored and "_site/" in ignored


def test_init_into_the_current_folder_when_it_is_empty(vk, tmp_path):
    here = tmp_path / "empty"
    here.mkdir()
    result = vk("init", cwd=here)
    assert result.exit_code == 0, result
    assert tree(here) == tree(TEMPLATE)


def test_new_files_get_ordinary_permissions(vk, tmp_path):
    old = os.umask(0o022)
    try:
        vk("init", tmp_path / "v")
    finally:
        os.umask(old)
    assert (tmp_path / "v/me.md").stat().st_mode & 0o777 == 0o644


def test_init_refuses_to_overwrite_and_writes_nothing(vk, tmp_path):
    target = tmp_path / "v"
    (target / "people").mkdir(parents=True)
    (target / "people/Maya Chen.md").write_text("my own Maya", encoding="utf-8")
    (target / "me.md").write_text("my own profile", encoding="utf-8")
    before = tree(target)
    result = vk("init", target)
    assert result.exit_code == 2
    assert "people/Maya Chen.md" in result.stderr and "me.md" in result.stderr
    assert "nothing was written" in result.stderr
    assert "Traceback" not in result.stderr
    assert tree(target) == before
    assert sorted(p.name for p in target.iterdir()) == ["me.md", "people"]


def test_a_file_where_a_template_folder_goes_is_a_conflict(vk, tmp_path):
    target = tmp_path / "v"
    target.mkdir()
    (target / "people").write_text("not a folder", encoding="utf-8")
    result = vk("init", target)
    assert result.exit_code == 2
    assert "people" in result.stderr
    assert sorted(p.name for p in target.iterdir()) == ["people"]


def test_init_onto_a_file_is_a_clean_error(vk, tmp_path):
    target = tmp_path / "notes.txt"
    target.write_text("x", encoding="utf-8")
    result = vk("init", target)
    assert result.exit_code == 2
    assert "not a folder" in result.stderr
    assert target.read_text() == "x"


def test_a_broken_symlink_is_not_overwritten(tmp_path):
    target = tmp_path / "v"
    target.mkdir()
    (target / "me.md").symlink_to(tmp_path / "nowhere.md")
    assert find_conflicts(target, template_files(TEMPLATE)) == ["me.md"]


def test_unrelated_files_in_the_folder_are_kept(vk, tmp_path):
    target = tmp_path / "v"
    (target / "people").mkdir(parents=True)
    (target / "people/Someone Else.md").write_text("kept", encoding="utf-8")
    assert vk("init", target).exit_code == 0
    assert (target / "people/Someone Else.md").read_text() == "kept"
    assert (target / "people/Maya Chen.md").is_file()


def test_the_starter_vault_indexes_and_checks_clean(vk, tmp_path):
    target = tmp_path / "v"
    vk("init", target)
    indexed = vk("index", target, "--json")
    assert indexed.exit_code == 0, indexed
    assert indexed.json()["notes"] == 31
    checked = vk("check", target, "--strict", "--json")
    assert checked.exit_code == 0, checked
    assert checked.json() == []


def note_files(root: Path) -> dict[str, dict]:
    """Every indexed note's front matter (templates/ is left out by the vault's config)."""
    notes = {}
    for path in sorted(root.rglob("*.md")):
        rel = path.relative_to(root).as_posix()
        if rel.startswith("templates/"):
            continue
        note = parse_note(rel, path.read_text(encoding="utf-8"))
        assert not note.problems, (rel, note.problems)
        notes[rel] = note.properties
    return notes


def test_the_example_network_has_what_the_brief_asks_for():
    notes = note_files(TEMPLATE)
    types = Counter(properties.get("type") for properties in notes.values())
    assert types == Counter(
        {"contact": 15, "interview": 8, "company": 4, "event": 1, "lead": 1, "profile": 1, None: 1}
    )
    interviews = {path: p for path, p in notes.items() if p.get("type") == "interview"}
    statuses = Counter(p["status"] for p in interviews.values())
    assert statuses == Counter({"done": 6, "scheduled": 1, "requested": 1})
    done = [p for p in interviews.values() if p["status"] == "done"]
    assert sum(1 for p in done if not p.get("referrals")) == 1  # the dead end
    assert sum(1 for p in done if not p.get("thank_you_sent")) == 1  # the thank-you owed
    assert all(p["date"] > "2026-11-25" for p in interviews.values() if p["status"] == "scheduled")
    assert all("2026-09-01" <= p["date"] <= "2026-12-31" for p in interviews.values())


def link_name(value: str) -> str:
    return value.strip('"').removeprefix("[[").removesuffix("]]").split("|")[0].split("#")[0]


def test_every_agenda_rule_has_something_to_show():
    notes = note_files(TEMPLATE)
    titles = {Path(path).stem for path in notes}
    contacts = {Path(path).stem: p for path, p in notes.items() if p.get("type") == "contact"}
    interviews = [p for p in notes.values() if p.get("type") == "interview"]
    interviewed = {link_name(p["with"]) for p in interviews}
    referred = {link_name(name) for p in interviews for name in p.get("referrals") or []}
    # A prospect: named in referrals, no note yet. A next name: a note, no interview yet.
    assert referred - titles == {"Fatima Said"}
    assert {"Marcus Hill", "Ruth Alvarez", "Hannah Brooks"} <= (referred & titles) - interviewed
    # An explicit follow-up that is due, and one that is not yet.
    follow_ups = {name: p["follow_up"] for name, p in contacts.items() if p.get("follow_up")}
    assert any(day <= "2026-11-25" for day in follow_ups.values())
    assert any(day > "2026-11-25" for day in follow_ups.values())
    # A contact interviewed long ago whom no later dated note involves: the cadence rule.
    daniel = [p for p in interviews if "Daniel Okafor" in json.dumps(p)]
    assert [p["date"] for p in daniel] == ["2026-09-22"]
    # Hygiene: two notes with one email; a name written in a body but never linked.
    emails = Counter(p.get("email") for p in contacts.values() if p.get("email"))
    assert emails["sam.lee@example.com"] == 2
    bodies = {path: (TEMPLATE / path).read_text(encoding="utf-8") for path in notes}
    assert any("Tom Becker" in text and path != "people/Tom Becker.md" for path, text in bodies.items())
    assert not any("[[Tom Becker" in text for text in bodies.values())
    # Degrees: 1st (no referrer), 2nd (referred by a 1st), 3rd (referred by a 2nd).
    referrer = {name: link_name(p["referred_by"]) for name, p in contacts.items() if p.get("referred_by")}
    degree = {name: 1 for name in contacts if name not in referrer}
    while len(degree) < len(contacts):
        for name, by in referrer.items():
            if by in degree:
                degree.setdefault(name, degree[by] + 1)
    assert Counter(degree.values()) == Counter({1: 7, 2: 5, 3: 3})
    # The event several contacts met at, the lead with its provenance.
    assert sum(1 for p in contacts.values() if p.get("met_at") == "[[Civic Design Meetup]]") >= 3
    (lead,) = [p for p in notes.values() if p.get("type") == "lead"]
    assert lead["heard_from"] == "[[Grace Kim]]" and lead["source"] == "[[2026-11-24 Grace Kim]]"


def test_front_matter_links_are_quoted_everywhere():
    # YAML reads an unquoted [[Name]] as a nested list: the template must never teach that.
    for path in sorted(TEMPLATE.rglob("*.md")):
        yaml_text, _, _ = split_front_matter(path.read_text(encoding="utf-8"))
        for line in (yaml_text or "").splitlines():
            if "[[" in line:
                value = line.split(":", 1)[1].strip()
                assert value.startswith(('"', "[\"")), (path, line)


@pytest.mark.parametrize("name", ["Contact", "Interview", "Company", "Event", "Lead"])
def test_each_template_is_valid_yaml_after_obsidian_fills_it(name):
    text = (TEMPLATE / "templates" / f"{name}.md").read_text(encoding="utf-8")
    assert "{{title}}" in text
    filled = text.replace("{{title}}", "Ana Lopez").replace("{{date}}", "2026-11-25")
    yaml_text, _, _ = split_front_matter(filled)
    properties = yaml.safe_load(yaml_text)
    assert properties["type"] == name.lower()
    # Obsidian users open the raw template too: it must be valid YAML before filling.
    assert yaml.safe_load(split_front_matter(text)[0])["type"] == name.lower()


def test_the_interview_template_carries_the_method():
    text = (TEMPLATE / "templates/Interview.md").read_text(encoding="utf-8")
    for part in ("pitch", "Their story", "Any advice for my transition?", "Who else should I talk to?", "thank-you"):
        assert part in text


def test_template_dir_finds_the_source_copy_in_a_checkout():
    assert template_dir() in (TEMPLATE, TEMPLATE.parent / "vaultkit" / "template_vault")
    assert (template_dir() / "me.md").is_file()


def test_init_vault_returns_the_files_it_wrote(tmp_path):
    result = init_vault(tmp_path / "v")
    assert list(result.files) == template_files(TEMPLATE)
    assert ".obsidian/templates.json" in result.files and ".gitignore" in result.files


def test_heading_links_in_the_example_point_at_real_headings(vk, tmp_path):
    vault = tmp_path / "v"
    vk("init", vault)
    assert vk("index", vault).exit_code == 0
    with Index.open(vault) as index:
        with_heading = [(link, where) for link, where in index.links() if link.subpath.startswith("#")]
        assert with_heading, "the example should show a heading link"
        for link, where in with_heading:
            headings = {h.text for h in index.note(where.target).headings}
            assert link.subpath[1:] in headings, (where.source, link.raw)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(data=st.data())
def test_init_writes_everything_or_nothing(tmp_path, data):
    files = template_files(TEMPLATE)
    taken = data.draw(st.sets(st.sampled_from(files), max_size=4))
    target = Path(tempfile.mkdtemp(dir=tmp_path))
    for rel in taken:
        (target / rel).parent.mkdir(parents=True, exist_ok=True)
        (target / rel).write_text("mine", encoding="utf-8")
    before = tree(target)
    if taken:
        with pytest.raises(InitConflict) as raised:
            init_vault(target)
        assert raised.value.conflicts == sorted(taken)
        assert tree(target) == before
    else:
        init_vault(target)
        assert tree(target) == tree(TEMPLATE)
