"""The note schema, tested through `vaultkit check` on real vaults."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from vaultkit.schema import build_schema, default_schema, parse_date, validate_note
from vaultkit.errors import VaultError


def problems_of(vk, vault, code=None):
    result = vk("check", vault, "--json")
    found = result.json()
    return [p for p in found if code is None or p["code"] == code], result


def at(problems):
    return sorted((p["path"], p["line"], p["code"]) for p in problems)


SCHEMA_CODES = {"missing-field", "bad-date", "wrong-type", "unknown-status", "unknown-stage", "wrong-link-type"}


def schema_only(problems):
    return [p for p in problems if p["code"] in SCHEMA_CODES]


def test_a_clean_typed_vault_has_no_schema_problems(make_vault, vk):
    vault = make_vault({
        "me.md": "---\ntype: profile\npitch: Teacher turned analyst\n---\n",
        "people/Ana Lopez.md": '---\ntype: contact\ncompany: "[[Acme]]"\nfollow_up: 2026-04-01\n---\n',
        "companies/Acme.md": "---\ntype: company\nindustry: Fintech\n---\n",
        "interviews/Ana 2026-03-01.md": (
            '---\ntype: interview\nwith: "[[Ana Lopez]]"\ndate: 2026-03-01\nstatus: done\n'
            'referrals: ["[[Tom Price]]"]\nthank_you_sent: 2026-03-01\n---\n'
        ),
    })
    problems, result = problems_of(vk, vault)
    assert result.exit_code == 0, problems
    assert schema_only(problems) == []
    # A name in `referrals` with no note yet is a prospect, not a broken link.
    assert [p for p in problems if p["code"] == "unresolved-link"] == []


@pytest.mark.parametrize(
    "note, expected",
    [
        ("---\ntype: interview\ndate: 2026-03-01\n---\n", [(2, "missing-field")]),
        ('---\ntype: interview\nwith: "[[Ana]]"\n---\n', [(2, "missing-field")]),
        ('---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-02-30\n---\n', [(4, "bad-date")]),
        ('---\ntype: interview\nwith: "[[Ana]]"\ndate: 03/01/2026\n---\n', [(4, "bad-date")]),
        ('---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-03-01\nstatus: finished\n---\n', [(5, "unknown-status")]),
        ('---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-03-01\nthank_you_sent: yes\n---\n', [(5, "bad-date")]),
        ('---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-03-01\nreferrals: [3]\n---\n', [(5, "wrong-type")]),
        ('---\ntype: interview\nwith: Ana\ndate: 2026-03-01\n---\n', [(3, "wrong-type")]),
        ("---\ntype: contact\nrole: [a: 1]\n---\n", [(3, "wrong-type")]),
        ("---\ntype: contact\nstage: maybe\n---\n", [(3, "unknown-stage")]),
        ("---\ntype: contact\nstage: interviewed\n---\n", []),
        ("---\ntype: event\ndate: tomorrow\n---\n", [(3, "bad-date")]),
        ("---\ntype: lead\nstatus: applied\n---\n", []),
        ("---\ntype: lead\nstatus: dreaming\n---\n", [(3, "unknown-status")]),
        ("---\ntitle: untyped notes are not checked\ndate: whenever\n---\n", []),
    ],
)
def test_check_reports_schema_problems_at_the_property_line(make_vault, vk, note, expected):
    vault = make_vault({"people/Ana.md": "---\ntype: contact\n---\n", "notes/Note.md": note})
    problems, result = problems_of(vk, vault)
    found = [(p["line"], p["code"]) for p in schema_only(problems) if p["path"] == "notes/Note.md"]
    assert found == expected
    has_errors = any(p["severity"] == "error" for p in problems)
    assert result.exit_code == (1 if has_errors else 0)


def test_human_output_is_path_line_message(make_vault, vk):
    vault = make_vault({"interviews/x.md": '---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-13-01\n---\n'})
    result = vk("check", vault)
    assert "interviews/x.md:4: error: `date`: '2026-13-01' is not a date" in result.stdout
    assert result.exit_code == 1


def test_a_link_to_the_wrong_type_of_note(make_vault, vk):
    vault = make_vault({
        "people/Ana.md": "---\ntype: contact\n---\n",
        "people/Bob.md": '---\ntype: contact\ncompany: "[[Ana]]"\nmet_at: "[[Acme]]"\n---\n',
        "companies/Acme.md": "---\ntype: company\n---\n",
        "interviews/i.md": '---\ntype: interview\nwith: "[[Acme]]"\ndate: 2026-01-01\n---\n',
    })
    problems, _ = problems_of(vk, vault, "wrong-link-type")
    assert at(problems) == [
        ("interviews/i.md", 3, "wrong-link-type"),
        ("people/Bob.md", 3, "wrong-link-type"),
        ("people/Bob.md", 4, "wrong-link-type"),
    ]
    assert "[[Ana]] is a contact note; expected a company" in problems[1]["message"]


def test_unquoted_link_gets_the_parser_hint_not_a_schema_error(make_vault, vk):
    vault = make_vault({"people/Bob.md": "---\ntype: contact\ncompany: [[Acme]]\n---\n"})
    problems, _ = problems_of(vk, vault)
    assert [(p["line"], p["code"]) for p in problems] == [(3, "unquoted-link")]
    assert 'write company: "[[Acme]]"' in problems[0]["message"]


def test_folder_gives_the_type_when_the_note_has_none(make_vault, vk):
    vault = make_vault({"interviews/x.md": "---\nstatus: done\n---\n"})
    problems, _ = problems_of(vk, vault, "missing-field")
    assert len(problems) == 2  # `with` and `date`


def test_config_renames_fields_types_folders_and_statuses(make_vault, vk):
    vault = make_vault({
        "vaultkit.yml": (
            "types:\n  contact:\n    type: person\n    folder: Contacts\n    fields:\n      company: org\n"
            "  interview:\n    statuses:\n      done: held\n"
        ),
        "Contacts/Ana.md": '---\norg: "[[Acme]]"\ncompany: whatever\n---\n',
        "Contacts/Bob.md": '---\ntype: person\norg: "[[Ana]]"\n---\n',
        "companies/Acme.md": "---\ntype: company\n---\n",
        "interviews/a.md": '---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-01-01\nstatus: held\n---\n',
        "interviews/b.md": '---\ntype: interview\nwith: "[[Ana]]"\ndate: 2026-01-01\nstatus: done\n---\n',
    })
    problems, _ = problems_of(vk, vault)
    assert at(schema_only(problems)) == [
        ("Contacts/Bob.md", 3, "wrong-link-type"),
        ("interviews/b.md", 5, "unknown-status"),
    ]
    assert "allowed: requested, scheduled, held, cancelled" in schema_only(problems)[1]["message"]


@pytest.mark.parametrize(
    "config, line, fragment",
    [
        ("types:\n  person:\n    folder: x\n", 2, "types.person: unknown note type"),
        ("types:\n  contact:\n    fields:\n      org: company\n", 4, "types.contact.fields.org: unknown field"),
        ("types:\n  contact:\n    colour: red\n", 3, "unknown setting"),
        ("types:\n  interview:\n    statuses:\n      finished: held\n", 4, "unknown status"),
        ("types:\n  company:\n    statuses: {done: x}\n", 3, "company notes have no status"),
        ("types: [contact]\n", 1, "types: must be a mapping"),
        ("follow_up:\n  after_days:\n    interviewed: soon\n", 3, "whole number of days"),
        ("follow_up:\n  after_days:\n    ghosted: 3\n", 3, "unknown stage"),
        ("types:\n  contact: {type: x}\n  company: {type: x}\n", 3, "already contact"),
    ],
)
def test_bad_config_is_a_clean_error_naming_the_line(make_vault, vk, config, line, fragment):
    vault = make_vault({"vaultkit.yml": config, "a.md": "hi\n"})
    result = vk("check", vault)
    assert result.exit_code == 2
    assert result.stderr.startswith(f"vaultkit: error: vaultkit.yml:{line}: ")
    assert fragment in result.stderr
    assert "Traceback" not in result.stderr


def test_cadences_from_config():
    schema = build_schema({"follow_up": {"after_days": {"interviewed": 10, "requested": None}, "tags": {"mentor": 5}}})
    assert schema.cadence("interviewed", []) == 10
    assert schema.cadence("requested", []) is None
    assert schema.cadence("interviewed", ["Mentor"]) == 5
    assert schema.cadence("following-up", []) == 60


def test_bad_config_without_text_still_raises_vault_error():
    with pytest.raises(VaultError, match="vaultkit.yml: types"):
        build_schema({"types": {"nope": {}}})


@pytest.mark.parametrize(
    "text, ok", [("2026-03-01", True), ("2024-02-29", True), ("2026-02-29", False), ("2026-3-1", False),
                 (" 2026-03-01 ", True), ("20260301", False), ("", False)],
)
def test_iso_dates(text, ok):
    assert (parse_date(text) is not None) == ok


@settings(max_examples=200, deadline=None)
@given(st.dictionaries(st.sampled_from(["with", "date", "status", "referrals", "via", "thank_you_sent", "x"]),
                       st.recursive(st.none() | st.booleans() | st.integers() | st.text(max_size=12),
                                    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(st.text(max_size=3), inner, max_size=2),
                                    max_leaves=6)))
def test_validation_never_raises_and_always_names_a_line(properties):
    lines = {key: n + 2 for n, key in enumerate(properties)}
    for problem in validate_note(default_schema(), "i.md", "interview", properties, lines):
        assert problem.line >= 1
        assert problem.path == "i.md"
