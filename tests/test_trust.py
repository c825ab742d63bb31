"""Data safety and privacy, fail closed: attacks from a hostile or careless vault.

Each case is an attack that once worked (issue 16), run through the real CLI (or the
real watchdog observer) on a real temporary vault: a file name that is not UTF-8, a
vault whose own config or site manifest points `build` at the user's notes, a private
note whose flag is slightly off, and a private contact named by an interview.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

import pytest

from conftest import run_cli, write_vault
from test_watch import wait_until
from vaultkit.index import Index
from vaultkit.watch import Watcher

LATIN1_NAME = b"photo\xe9.jpg"  # a name a USB stick or an old zip gives: not UTF-8
ESCAPED = "attachments/photo\\xe9.jpg"

CONTACT = "---\ntype: contact\ncompany: \"[[Acme]]\"\n---\nMet at the fair.\n"


def add_latin1_file(vault: Path, folder: str = "attachments") -> Path:
    (vault / folder).mkdir(exist_ok=True)
    path = os.path.join(os.fsencode(vault / folder), LATIN1_NAME)
    with open(path, "wb") as handle:
        handle.write(b"\xff\xd8 not really a photo")
    return Path(os.fsdecode(path))


# -- 1. names that are not UTF-8 ------------------------------------------------------
@pytest.mark.parametrize("command", ["index", "check", "agenda", "stats", "build", "graph"])
def test_a_name_that_is_not_utf8_stops_no_command(make_vault, command):
    vault = make_vault({"people/Sam Lee.md": CONTACT, "companies/Acme.md": "---\ntype: company\n---\n"})
    add_latin1_file(vault)
    result = run_cli("--vault", vault, command)
    assert "internal error" not in result.stderr, result
    assert result.exit_code == 0, result


def test_check_names_the_file_escaped_once(make_vault):
    vault = make_vault({"people/Sam Lee.md": CONTACT})
    add_latin1_file(vault)
    result = run_cli("--vault", vault, "check", "--json")
    problems = [p for p in result.json() if p["code"] == "name-encoding"]
    assert [p["path"] for p in problems] == [ESCAPED]
    assert "UTF-8" in problems[0]["message"]


def test_new_works_beside_a_name_that_is_not_utf8(make_vault):
    vault = make_vault({"people/Sam Lee.md": CONTACT})
    add_latin1_file(vault, "people")
    result = run_cli("--vault", vault, "new", "contact", "Ana Lopez")
    assert result.exit_code == 0, result
    assert (vault / "people" / "Ana Lopez.md").is_file()


def test_watch_reports_a_name_that_is_not_utf8_and_goes_on(make_vault):
    vault = make_vault({"people/Sam Lee.md": CONTACT, "attachments/a.png": b"png"})
    with Watcher(vault) as watcher:
        watcher.start()
        add_latin1_file(vault)
        (vault / "people" / "Ana Lopez.md").write_text(CONTACT, encoding="utf-8")

        def seen() -> bool:
            with Index.open(vault) as index:
                paths = {p.path for p in index.problems()}
                return ESCAPED in paths and "people/Ana Lopez.md" in index.note_paths()

        wait_until(seen, "the watcher to report the name and index the later note")
        assert watcher.failures == 0
        os.unlink(os.path.join(os.fsencode(vault / "attachments"), LATIN1_NAME))

        def cleared() -> bool:
            with Index.open(vault) as index:
                return ESCAPED not in {p.path for p in index.problems()}

        wait_until(cleared, "the problem to go with the file")
        assert watcher.failures == 0
