"""`vaultkit new` and `vaultkit init` given hostile names, fields and folders (issue 16, point 9).

Every refusal is a one-line message, exit 2 (the usage-error code), and nothing written:
the vault's files (and any folder outside it) are the same after the command as before.
"""

from __future__ import annotations

import itertools
import os
import unicodedata
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from conftest import run_cli, write_vault
from vaultkit.parse import parse_note


def tree(root: Path) -> dict[str, bytes | str]:
    """Every entry below root: a file's bytes, a symlink's target (not followed)."""
    found: dict[str, bytes | str] = {}
    for folder, dirs, files in os.walk(root):
        for name in dirs + files:
            path = os.path.join(folder, name)
            rel = os.path.relpath(path, root)
            if os.path.islink(path):
                found[rel] = "-> " + os.readlink(path)
            elif os.path.isfile(path):
                found[rel] = Path(path).read_bytes()
    return {rel: data for rel, data in found.items() if not rel.startswith(".vaultkit")}


def refused(result, *words: str) -> None:
    assert result.exit_code == 2, result
    assert result.stdout == ""
    assert "internal error" not in result.stderr and "Traceback" not in result.stderr
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
    for word in words:
        assert word in result.stderr, result.stderr


def read_back(vault: Path, relative: str) -> dict:
    note = parse_note(relative, (vault / relative).read_text(encoding="utf-8"))
    assert not [p for p in note.problems if p.code == "yaml"], note.problems
    return note.properties


# -- --field keys --------------------------------------------------------------------------


@pytest.mark.parametrize(
    "key",
    ["note: x\nprivate", "---", "a b", "a:b", "#x", "-x", "x#", "k\x00", "yes", "123", "null", "[[x]]", "a\tb"],
)
def test_field_keys_must_be_plain_names(make_vault, vk, key):
    vault = make_vault({})
    before = tree(vault)
    refused(vk("new", "contact", "Ana", "--field", f"{key}=true", cwd=vault), "--field")
    assert tree(vault) == before


def test_a_key_with_a_newline_cannot_inject_a_property(make_vault, vk):
    vault = make_vault({})
    result = vk("new", "contact", "Ana", "--field", "note: x\nprivate=true", cwd=vault)
    refused(result, "--field")
    assert not (vault / "people").exists()


@pytest.mark.parametrize("key", ["phone", "follow_up", "how-met", "Note2", "née"])
def test_plain_keys_are_accepted(make_vault, vk, key):
    vault = make_vault({})
    assert vk("new", "contact", "Ana", "--field", f"{key}=x", cwd=vault).exit_code == 0
    assert read_back(vault, "people/Ana.md")[key] == "x"


# -- --field values ------------------------------------------------------------------------

TRAPS = [
    "0123456", "01234", "yes", "no", "on", "off", "Yes", "y", "~", "null", "Null", "1e3", "1E3", "0o17",
    "0x1A", "12:30", "1_000", "+1", "-1", ".5", "true", "NaN", ".inf", "", " padded ", "a #b", "x: y",
    "- item", "---", "multi\nline", "tab\there", "\x85", "\u2028", "\ufeff", "\x00", "é", "'quoted'",
    '"double"', "{a: 1}", "[a, b]", "&anchor", "*alias", "!tag", "%x", "@x", "`x", "|", ">", "?", "a\\b",
]


@pytest.mark.parametrize("value", TRAPS)
def test_values_read_back_as_the_string_given(make_vault, vk, value):
    vault = make_vault({})
    result = vk("new", "contact", "Ana", "--field", f"note={value}", cwd=vault)
    assert result.exit_code == 0, result
    properties = read_back(vault, "people/Ana.md")
    assert properties["note"] == value
    assert properties["type"] == "contact"  # the value did not break the front matter


def test_numbers_yaml_1_2_reads_are_quoted_too(make_vault, vk):
    # Obsidian reads properties as YAML 1.2, where 1e3 and 0o17 are numbers.
    vault = make_vault({})
    vk("new", "contact", "Ana", "--field", "a=1e3", "--field", "b=0o17", "--field", "c=0123456", cwd=vault)
    text = (vault / "people/Ana.md").read_text()
    assert 'a: "1e3"\n' in text and 'b: "0o17"\n' in text and 'c: "0123456"\n' in text


def test_dates_and_plain_words_stay_plain_and_links_stay_quoted(make_vault, vk):
    vault = make_vault({})
    result = vk(
        "new", "contact", "Ana", "--field", "follow_up=2026-12-08", "--field", "role=Product Manager",
        "--field", "company=[[Acme]]", cwd=vault,
    )
    assert result.exit_code == 0, result
    text = (vault / "people/Ana.md").read_text()
    assert "follow_up: 2026-12-08\n" in text
    assert "role: Product Manager\n" in text
    assert 'company: "[[Acme]]"\n' in text
    links = parse_note("people/Ana.md", text).links
    assert [(link.field, link.linkpath) for link in links] == [("company", "Acme")]


_counter = itertools.count()


@pytest.fixture(scope="module")
def property_vault(tmp_path_factory):
    return write_vault(tmp_path_factory.mktemp("property") / "vault", {})


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(value=st.text())
def test_any_text_value_reads_back_exactly(property_vault, value):
    name = f"P{next(_counter)}"
    result = run_cli("new", "contact", name, "--no-sync", "--field", f"note={value}", cwd=property_vault)
    assert result.exit_code == 0, result
    assert read_back(property_vault, f"people/{name}.md")["note"] == value


# -- names ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "name, words",
    [
        (". .x", ["hidden"]),
        (".x", ["hidden"]),
        ("..", ["no usable"]),
        ("../../etc/x", ["/"]),
        ("a/b", ["/"]),
        ("a\\b", ["\\"]),
        ("x\ny", ["control"]),
        ("tab\there", ["control"]),
        ("bell\x07", ["control"]),
        ("line\u2028sep", ["control"]),
        ("   ", ["no usable"]),
        (" . . ", ["no usable"]),
        ("con", ["Windows"]),
        ("LPT1", ["Windows"]),
        ("x" * 300, ["255 bytes"]),
        ("é" * 127, ["255 bytes"]),  # 254 bytes of UTF-8, 257 with .md
        ("bad\udcffbytes", ["UTF-8"]),  # what Python makes of a name that is not UTF-8
    ],
)
def test_names_that_would_be_ignored_or_escape_are_refused(make_vault, vk, name, words):
    vault = make_vault({})
    before = tree(vault)
    refused(vk("new", "contact", name, cwd=vault), *words)
    assert tree(vault) == before
    assert not (vault / ".vaultkit").exists()  # refused before the index is even made


def test_a_long_interview_name_counts_its_date(make_vault, vk):
    vault = make_vault({})
    # 244 + 11 ("2026-12-01 ") + 3 (".md") = 258 bytes
    refused(vk("new", "interview", "x" * 244, "--field", "date=2026-12-01", cwd=vault), "255 bytes")
    assert not (vault / "interviews").exists()


def test_the_longest_name_is_accepted(make_vault, vk):
    vault = make_vault({})
    result = vk("new", "contact", "x" * 252, cwd=vault)
    assert result.exit_code == 0, result
    assert (vault / "people" / ("x" * 252 + ".md")).is_file()


def test_characters_obsidian_refuses_are_still_replaced(make_vault, vk):
    vault = make_vault({})
    assert vk("new", "contact", "Ana: López?", cwd=vault).stdout == "people/Ana López.md\n"


# -- twins ---------------------------------------------------------------------------------


def test_a_case_twin_is_refused_naming_the_existing_note(make_vault, vk):
    vault = make_vault({"people/Sam Lee.md": "# Sam\n"})
    before = tree(vault)
    refused(vk("new", "contact", "sam lee", cwd=vault), "people/Sam Lee.md", "[[sam lee]]")
    assert tree(vault) == before


def test_a_twin_in_another_folder_is_refused(make_vault, vk):
    vault = make_vault({"companies/SAM LEE.md": "x\n", "people/Other.md": "x\n"})
    before = tree(vault)
    refused(vk("new", "contact", "Sam Lee", cwd=vault), "companies/SAM LEE.md")
    assert tree(vault) == before


@pytest.mark.parametrize("existing, given_name", [("NFD", "NFC"), ("NFC", "NFD")])
def test_unicode_normalisation_twins_are_refused(make_vault, vk, existing, given_name):
    vault = make_vault({f"people/{unicodedata.normalize(existing, 'José Núñez')}.md": "x\n"})
    before = tree(vault)
    refused(vk("new", "contact", unicodedata.normalize(given_name, "josé núñez"), cwd=vault), "people/")
    assert tree(vault) == before


def test_a_new_name_is_written_in_nfc(make_vault, vk):
    vault = make_vault({})
    assert vk("new", "contact", unicodedata.normalize("NFD", "José"), cwd=vault).exit_code == 0
    assert [p.name for p in (vault / "people").iterdir()] == [unicodedata.normalize("NFC", "José") + ".md"]


def test_a_file_that_is_not_a_note_is_no_twin(make_vault, vk):
    vault = make_vault({"attachments/sam lee.png": "x"})
    assert vk("new", "contact", "Sam Lee", cwd=vault).exit_code == 0


# -- symlinks and folders ------------------------------------------------------------------


def test_new_never_writes_through_a_symlinked_folder_leading_outside(make_vault, vk, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    vault = make_vault({})
    (vault / "people").symlink_to(outside, target_is_directory=True)
    refused(vk("new", "contact", "Ana", cwd=vault), "people", "outside the vault")
    assert list(outside.iterdir()) == []


def test_new_never_writes_through_a_symlink_inside_the_vault(make_vault, vk):
    # vaultkit does not follow symlinks (vault.scan): the note would not be indexed at people/.
    vault = make_vault({"contacts/Bo.md": "x\n"})
    (vault / "people").symlink_to(vault / "contacts", target_is_directory=True)
    before = tree(vault)
    refused(vk("new", "contact", "Ana", cwd=vault), "people", "symlink")
    assert tree(vault) == before


def test_new_never_writes_through_a_dangling_symlinked_file(make_vault, vk, tmp_path):
    vault = make_vault({"people/.keep": ""})
    (vault / "people/Ana.md").symlink_to(tmp_path / "planted.md")
    refused(vk("new", "contact", "Ana", cwd=vault), "people/Ana.md")
    assert not (tmp_path / "planted.md").exists()


def test_a_configured_folder_outside_the_vault_is_refused(make_vault, vk, tmp_path):
    vault = make_vault({"vaultkit.yml": "types:\n  contact:\n    folder: ../escaped\n"})
    refused(vk("new", "contact", "Ana", cwd=vault), "outside the vault")
    assert not (tmp_path / "escaped").exists()


@pytest.mark.parametrize("folder", [".hidden", "_site", "kept/out"])
def test_a_configured_folder_vaultkit_ignores_is_refused(make_vault, vk, folder):
    vault = make_vault({"vaultkit.yml": f"ignore: [kept]\ntypes:\n  contact:\n    folder: {folder}\n"})
    before = tree(vault)
    refused(vk("new", "contact", "Ana", cwd=vault), "site folder" if folder == "_site" else "ignores")
    assert tree(vault) == before


def test_init_never_writes_through_a_symlinked_folder(vk, tmp_path):
    outside = tmp_path / "outside"
    outside.mkdir()
    target = tmp_path / "v"
    target.mkdir()
    (target / "people").symlink_to(outside, target_is_directory=True)
    result = vk("init", target)
    assert result.exit_code == 2, result
    assert "people" in result.stderr and "symlink" in result.stderr and "nothing was written" in result.stderr
    assert list(outside.iterdir()) == []
    assert sorted(p.name for p in target.iterdir()) == ["people"]


def test_init_into_a_symlinked_vault_folder_is_fine(vk, tmp_path):
    # The folder the user names may itself be a symlink: that is where they want the vault.
    real = tmp_path / "real"
    real.mkdir()
    (tmp_path / "link").symlink_to(real, target_is_directory=True)
    assert vk("init", tmp_path / "link").exit_code == 0
    assert (real / "me.md").is_file()


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(name=st.text(min_size=1))
def test_any_name_makes_an_indexed_note_or_a_one_line_refusal(property_vault, name):
    from vaultkit.vault import load_config, scan

    before = set(scan(property_vault, load_config(property_vault))[0])
    result = run_cli("new", "company", "--no-sync", "--", name, cwd=property_vault)
    after = set(scan(property_vault, load_config(property_vault))[0])
    if result.exit_code == 0:
        created = result.stdout.strip()
        assert after - before == {created}  # vaultkit sees the note, at the path it printed
        assert created.startswith("companies/") and created.count("/") == 1
    else:
        refused(result)
        assert after == before
