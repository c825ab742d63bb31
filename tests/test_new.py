"""`vaultkit new`: notes from the vault's templates, safe names, never overwriting."""

from __future__ import annotations

import os
from datetime import datetime

import pytest
from hypothesis import given
from hypothesis import strategies as st

from _golden import copy_template
from vaultkit.errors import UsageError
from vaultkit.new import FORBIDDEN, file_name, render, set_fields
from vaultkit.parse import parse_note


def test_new_contact_from_the_vault_template(make_vault, vk):
    vault = make_vault({"templates/Contact.md": "---\ntype: contact\ncompany:\nrole:\n---\n# {{title}}\nAdded {{date}}\n"})
    result = vk("new", "contact", "Ana: López?", "--field", "company=[[Acme]]", "--field", "role=PM", cwd=vault)
    assert result.exit_code == 0, result
    assert result.stdout.strip() == "people/Ana López.md"
    text = (vault / "people/Ana López.md").read_text()
    today = datetime.now().strftime("%Y-%m-%d")
    assert text == f'---\ntype: contact\ncompany: "[[Acme]]"\nrole: PM\n---\n# Ana López\nAdded {today}\n'
    note = parse_note("people/Ana López.md", text)
    assert [(l.field, l.linkpath) for l in note.links] == [("company", "Acme")]


def test_new_never_overwrites(make_vault, vk):
    vault = make_vault({"companies/Acme.md": "mine\n"})
    result = vk("new", "company", "Acme", cwd=vault)
    assert result.exit_code == 2
    assert "companies/Acme.md already exists" in result.stderr
    assert (vault / "companies/Acme.md").read_text() == "mine\n"
    assert [p.name for p in (vault / "companies").iterdir()] == ["Acme.md"]  # no temp file left


def test_a_new_note_gets_ordinary_permissions(make_vault, vk):
    mask = os.umask(0o022)
    os.umask(mask)
    vault = make_vault({})
    assert vk("new", "company", "Acme", cwd=vault).exit_code == 0
    assert (vault / "companies/Acme.md").stat().st_mode & 0o777 == 0o666 & ~mask


def test_built_in_template_when_the_vault_has_none(make_vault, vk):
    vault = make_vault({})
    result = vk("new", "interview", "Ana Lopez", "--field", "date=2026-12-01", cwd=vault)
    assert result.stdout.strip() == "interviews/2026-12-01 Ana Lopez.md"
    check = vk("check", vault, "--json").json()
    assert [p["code"] for p in check if p["path"].startswith("interviews/")] == ["unresolved-link"]


def test_new_uses_the_configured_folder_and_type_name(make_vault, vk):
    vault = make_vault({"vaultkit.yml": "types:\n  contact:\n    type: person\n    folder: Contacts\n"})
    assert vk("new", "contact", "Bo", cwd=vault).stdout.strip() == "Contacts/Bo.md"
    assert (vault / "Contacts/Bo.md").read_text().startswith("---\ntype: person\n")


def test_from_link_turns_a_prospect_into_a_contact(tmp_path, vk):
    vault = copy_template(tmp_path)
    result = vk("new", "contact", "--from-link", "Fatima Said", cwd=vault)
    assert result.exit_code == 0, result
    text = (vault / "people/Fatima Said.md").read_text()
    assert 'referred_by: "[[Grace Kim]]"' in text
    assert 'how_met: "named by Grace Kim in [[2026-11-24 Grace Kim]]"' in text
    agenda = vk("agenda", vault, "--today", "2026-11-25", "--json").json()
    fatima = [i for i in agenda if i["person"] == "Fatima Said"]
    assert [(i["kind"], i["note"]) for i in fatima] == [("next-name", "people/Fatima Said.md")]
    again = vk("new", "contact", "--from-link", "Fatima Said", cwd=vault)
    assert again.exit_code == 2 and "no interview names 'Fatima Said'" in again.stderr
    unknown = vk("new", "contact", "--from-link", "Nobody", cwd=vault)
    assert unknown.exit_code == 2


def test_bad_field_option(make_vault, vk):
    result = vk("new", "event", "Meetup", "--field", "oops", cwd=make_vault({}))
    assert result.exit_code == 2 and "key=value" in result.stderr


@pytest.mark.parametrize("name", ["", "///", "[[]]", "..."])
def test_names_that_leave_nothing(name):
    with pytest.raises(UsageError):
        file_name(name)


@given(st.text(min_size=1).filter(lambda s: file_name_ok(s)))
def test_file_names_are_accepted_by_obsidian(name):
    cleaned = file_name(name)
    assert not FORBIDDEN.search(cleaned) and not cleaned.startswith(".") and cleaned == cleaned.strip()


def file_name_ok(name):
    try:
        file_name(name)
        return True
    except UsageError:
        return False


def test_render_obsidian_variables():
    now = datetime(2026, 3, 4, 9, 5)
    assert render("{{title}} {{date}} {{time}} {{date:DD/MM/YYYY}} {{other}}", "T", now) == "T 2026-03-04 09:05 04/03/2026 {{other}}"


def test_set_fields_replaces_block_lists_and_appends_new_keys():
    text = "---\ntype: interview\nreferrals:\n  - a\n  - b\nvia:\n---\nbody\n"
    out = set_fields(text, {"referrals": "[[X]]", "status": "done", "note": "a: b"})
    assert out == '---\ntype: interview\nreferrals: "[[X]]"\nvia:\nstatus: done\nnote: "a: b"\n---\nbody\n'
    assert parse_note("x.md", out).properties["note"] == "a: b"
