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
