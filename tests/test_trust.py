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


# -- 3 and 4. privacy fails closed ----------------------------------------------------
SECRET = "Zebracorn Quill"  # a name that must not reach the site, from any private note

PRIVATE_BY_MISTAKE = {
    # `private: true` beside a YAML mistake: the whole front matter is unreadable
    "bad-yaml-colon": "---\ntype: contact\nprivate: true\nrole: Head: of Sales\n---\n",
    "bad-yaml-quote": "---\ntype: contact\nprivate: true\nrole: \"Head of Sales\n---\n",
    "bad-yaml-bracket": "---\ntype: contact\nprivate: true\ntags: [a, b\n---\n",
    "unclosed": "---\ntype: contact\nprivate: true\n",
    "Private-capital": "---\ntype: contact\nPrivate: true\n---\n",
    "PRIVATE-upper": "---\ntype: contact\nPRIVATE: true\n---\n",
    "private-1": "---\ntype: contact\nprivate: 1\n---\n",
    "private-y": "---\ntype: contact\nprivate: y\n---\n",
    "private-list": "---\ntype: contact\nprivate: [true]\n---\n",
    "private-yes": "---\ntype: contact\nprivate: Yes\n---\n",
    "private-on": "---\ntype: contact\nprivate: on\n---\n",
}


def site_text(out: Path) -> str:
    """Every byte the site holds, file names included, as text."""
    parts = []
    for path in sorted(out.rglob("*")):
        parts.append(path.relative_to(out).as_posix())
        if path.is_file():
            parts.append(path.read_bytes().decode("utf-8", "replace"))
    return "\n".join(parts)


def private_vault(make_vault, files: dict[str, str]) -> Path:
    return make_vault({
        "me.md": "---\ntype: profile\n---\n",
        "people/Ana Lopez.md": f"---\ntype: contact\n---\nAna knows [[{SECRET}]].\n",
        **files,
    })


@pytest.mark.parametrize("case", sorted(PRIVATE_BY_MISTAKE))
def test_a_note_whose_private_flag_is_slightly_off_stays_private(make_vault, case):
    text = PRIVATE_BY_MISTAKE[case] + "Met at the fair.\n"
    vault = private_vault(make_vault, {f"people/{SECRET}.md": text})
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 0, result
    site = site_text(vault / "_site")
    assert SECRET not in site and "zebracorn" not in site.lower()
    assert "people/ana-lopez.html" in site  # the rest is built
    dry = run_cli("--vault", vault, "build", "--dry-run", "--json").json()
    assert [entry["path"] for entry in dry["kept_out"]] == [f"people/{SECRET}.md"]


@pytest.mark.parametrize("value", ["false", "no", "False", "off", "0", "''"])
def test_a_note_clearly_not_private_is_published(make_vault, value):
    vault = private_vault(make_vault, {f"people/{SECRET}.md": f"---\ntype: contact\nprivate: {value}\n---\n"})
    assert run_cli("--vault", vault, "build").exit_code == 0
    assert SECRET in site_text(vault / "_site")


@pytest.mark.parametrize("folder", ["private", "people/private", "people/Private", "a/b/PRIVATE/c"])
def test_a_private_folder_at_any_depth_and_case_keeps_notes_out(make_vault, folder):
    vault = private_vault(make_vault, {f"{folder}/{SECRET}.md": "---\ntype: contact\n---\n",
                                       f"{folder}/cv.pdf": "%PDF secret"})
    (vault / "people" / "Ana Lopez.md").write_text(f"Ana knows [[{SECRET}]] ![[cv.pdf]]\n", encoding="utf-8")
    assert run_cli("--vault", vault, "build").exit_code == 0
    site = site_text(vault / "_site")
    assert SECRET not in site and "cv.pdf" not in site and "%PDF secret" not in site


def test_a_folder_merely_named_like_a_private_one_is_published(make_vault):
    vault = private_vault(make_vault, {f"privateers/{SECRET}.md": "---\ntype: contact\n---\n"})
    assert run_cli("--vault", vault, "build").exit_code == 0
    assert SECRET in site_text(vault / "_site")


def test_an_interview_with_a_private_contact_is_kept_out_with_them(make_vault):
    interview = f"interviews/2026-12-20 {SECRET}.md"
    vault = private_vault(make_vault, {
        f"people/{SECRET}.md": "---\ntype: contact\nprivate: true\n---\n",
        interview: f'---\ntype: interview\nwith: "[[{SECRET}]]"\ndate: 2026-12-20\nstatus: scheduled\n---\n',
        "interviews/2026-12-01 Ana Lopez.md": '---\ntype: interview\nwith: "[[Ana Lopez]]"\ndate: 2026-12-01\n'
                                              'status: done\n---\n',
    })
    result = run_cli("--vault", vault, "build", "--today", "2026-12-08")
    assert result.exit_code == 0, result
    site = site_text(vault / "_site")
    assert SECRET not in site and "zebracorn" not in site.lower()
    assert "2026-12-01 Ana Lopez" in site
    dry = run_cli("--vault", vault, "build", "--dry-run", "--json").json()
    reasons = {entry["path"]: entry["reason"] for entry in dry["kept_out"]}
    assert reasons[interview] == f"an interview with a private contact: {SECRET}"


def test_serve_keeps_a_note_out_as_soon_as_its_front_matter_breaks(make_vault):
    """The incremental rebuild (`serve`) applies the same rule: a front matter broken by an
    edit (with no property or link changed: it had none) takes the note off the site."""
    from vaultkit.site.build import Site

    vault = private_vault(make_vault, {f"people/{SECRET}.md": f"{SECRET} is a friend.\n"})
    site = Site(vault, incremental=True)
    try:
        site.build()
        assert SECRET in site_text(vault / "_site")
        (vault / "people" / f"{SECRET}.md").write_text(
            f"---\nprivate: true\nrole: a: b\n---\n{SECRET} is a friend.\n", encoding="utf-8")
        site.build(changed=[f"people/{SECRET}.md"])
        assert SECRET not in site_text(vault / "_site")
    finally:
        site.close()


@pytest.mark.parametrize("case", sorted(set(PRIVATE_BY_MISTAKE) - {"private-yes", "private-on"}))  # YAML 1.1 booleans
def test_check_says_a_note_with_an_odd_flag_is_kept_off_the_site(make_vault, case):
    vault = private_vault(make_vault, {f"people/{SECRET}.md": PRIVATE_BY_MISTAKE[case]})
    result = run_cli("--vault", vault, "check", "--json")
    kept = [p for p in result.json() if "kept off the site" in p["message"]]
    assert [p["path"] for p in kept] == [f"people/{SECRET}.md"], result.stdout


def test_check_is_quiet_about_a_plain_private_true(make_vault):
    vault = private_vault(make_vault, {f"people/{SECRET}.md": "---\ntype: contact\nprivate: true\n---\n"})
    result = run_cli("--vault", vault, "check", "--json")
    assert not [p for p in result.json() if "kept off" in p["message"]]


# -- 2 and 8. the site folder is a place vaultkit owns -----------------------------------
def forged_manifest(folder: Path, files: list[str], complete: bool = True) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    data = {"generator": "vaultkit", "files": files}
    if not complete:
        data["complete"] = False
    (folder / ".vaultkit-site.json").write_text(json.dumps(data), encoding="utf-8")


def snapshot_files(root: Path) -> dict[str, bytes]:
    return {p.relative_to(root).as_posix(): p.read_bytes() for p in root.rglob("*")
            if p.is_file() and ".vaultkit/" not in p.relative_to(root).as_posix() + "/"}


TRUST_VAULT = {
    "me.md": "---\ntype: profile\n---\n",
    "people/Sam Lee.md": CONTACT,
    "companies/Acme.md": "---\ntype: company\n---\n",
}


@pytest.mark.parametrize("output, manifest_at, complete", [
    (".", "", True),                 # the vault itself, with a manifest listing its notes
    ("people", "people", False),     # a folder of notes, "stopped halfway"
    ("people/", "people", True),
    ("./", "", True),
    ("people/_site", "people/_site", True),  # inside a folder of notes
])
def test_a_vaults_config_cannot_make_build_delete_its_notes(make_vault, output, manifest_at, complete):
    vault = make_vault({**TRUST_VAULT, "vaultkit.yml": f"output: {output}\n"})
    forged_manifest(vault / manifest_at, ["me.md", "people/Sam Lee.md", "vaultkit.yml", "Sam Lee.md"], complete)
    before = snapshot_files(vault)
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 2, result
    assert "vaultkit.yml" in result.stderr and "output" in result.stderr and "Traceback" not in result.stderr
    assert snapshot_files(vault) == before


@pytest.mark.parametrize("output", ["../outside", "/tmp/vaultkit-absolute-out", ".obsidian", ".git/site", "a/../..",
                                    "''"])
def test_a_vaults_config_cannot_send_the_site_out_of_the_vault_or_into_hidden_folders(make_vault, tmp_path, output):
    vault = make_vault({**TRUST_VAULT, "vaultkit.yml": f"output: {output}\n"})
    before = set(tmp_path.rglob("*"))
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 2, result
    assert "vaultkit.yml:1:" in result.stderr, result.stderr
    assert set(tmp_path.rglob("*")) == before
    assert not Path("/tmp/vaultkit-absolute-out").exists()


def test_a_site_folder_that_is_a_symlink_out_of_the_vault_is_refused(make_vault, tmp_path):
    vault = make_vault(TRUST_VAULT)
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (vault / "_site").symlink_to(elsewhere)
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 2 and "symlink" in result.stderr, result
    assert not list(elsewhere.iterdir())


@pytest.mark.parametrize("where", ["vault", "parent", "people", "people/sub"])
def test_the_command_line_cannot_make_the_vault_the_site_folder(make_vault, where):
    vault = make_vault(TRUST_VAULT)
    out = {"vault": vault, "parent": vault.parent, "people": vault / "people",
           "people/sub": vault / "people" / "sub"}[where]
    forged_manifest(out, ["me.md", "people/Sam Lee.md"])  # a folder that looks like a site's
    before = snapshot_files(vault)
    result = run_cli("--vault", vault, "build", "-o", out)
    assert result.exit_code == 2, result
    assert snapshot_files(vault) == before


def test_a_forged_manifest_makes_build_delete_only_what_it_recognises(make_vault):
    vault = make_vault(TRUST_VAULT)
    site = vault / "_site"
    site.mkdir()
    (site / "CNAME").write_text("network.example.org\n")
    (site / "notes.md").write_text("the user's own notes")
    (site / "old.html").write_text('<!DOCTYPE html><meta name="generator" content="vaultkit"><p>an old page')
    forged_manifest(site, ["CNAME", "notes.md", "old.html", "../me.md", "/etc/hostname"])
    before = snapshot_files(vault)
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 0, result
    assert (site / "CNAME").read_text() == "network.example.org\n"
    assert (site / "notes.md").read_text() == "the user's own notes"
    assert not (site / "old.html").exists()  # a page of vaultkit's: recognised, and no longer written
    assert {k: v for k, v in snapshot_files(vault).items() if not k.startswith("_site/")} == {
        k: v for k, v in before.items() if not k.startswith("_site/")}


def test_a_manifest_vaultkit_wrote_is_trusted_for_every_file_it_lists(make_vault):
    """The other side of the rule: an attachment that is no longer published is removed,
    although only the trusted manifest says it is vaultkit's."""
    vault = make_vault({**TRUST_VAULT, "people/Sam Lee.md": CONTACT + "![[cv.pdf]]\n", "cv.pdf": "%PDF"})
    assert run_cli("--vault", vault, "build").exit_code == 0
    assert (vault / "_site" / "cv.pdf").exists()
    (vault / "people" / "Sam Lee.md").write_text(CONTACT, encoding="utf-8")
    assert run_cli("--vault", vault, "build").exit_code == 0
    assert not (vault / "_site" / "cv.pdf").exists()


def test_an_interrupted_rebuild_keeps_the_users_own_files_in_the_site_folder(make_vault):
    from vaultkit.site.output import Output, trust_file

    vault = make_vault(TRUST_VAULT)
    assert run_cli("--vault", vault, "build").exit_code == 0
    site = vault / "_site"
    (site / "CNAME").write_text("network.example.org\n")
    (site / ".nojekyll").write_text("")
    stopped = Output(site, trust_file(vault))
    stopped.open()  # what a rebuild does first ...
    stopped.write("people/sam-lee.html", '<meta name="generator" content="vaultkit">half')
    stopped.write("people/gone.html", '<meta name="generator" content="vaultkit">a page of a note deleted since')
    # ... and the process dies here: finish() never runs.
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 0, result
    assert (site / "CNAME").read_text() == "network.example.org\n" and (site / ".nojekyll").exists()
    assert not (site / "people" / "gone.html").exists()
    assert "half" not in (site / "people" / "sam-lee.html").read_text()


def test_a_forged_manifest_cannot_delete_through_a_symlink_in_the_site_folder(make_vault):
    vault = make_vault(TRUST_VAULT)
    (vault / "_site" / "static").mkdir(parents=True)
    (vault / "_site" / "static" / "evil").symlink_to(vault / "people", target_is_directory=True)
    forged_manifest(vault / "_site", ["static/evil/Sam Lee.md", "static/evil/x.html"])
    before = snapshot_files(vault / "people")
    result = run_cli("--vault", vault, "build")
    assert result.exit_code == 0, result
    assert snapshot_files(vault / "people") == before


def test_a_site_folder_replaced_by_a_symlink_is_never_deleted_through(make_vault):
    vault = make_vault({**TRUST_VAULT, "people/Sam Lee.md": CONTACT + "![[photo.png]]\n",
                        "attachments/photo.png": b"\x89PNG"})
    assert run_cli("--vault", vault, "build").exit_code == 0
    assert (vault / "_site" / "attachments" / "photo.png").exists()
    import shutil

    shutil.rmtree(vault / "_site" / "attachments")
    (vault / "_site" / "attachments").symlink_to(vault / "attachments", target_is_directory=True)
    (vault / "people" / "Sam Lee.md").write_text(CONTACT, encoding="utf-8")  # the photo is no longer linked
    run_cli("--vault", vault, "build")
    assert (vault / "attachments" / "photo.png").read_bytes() == b"\x89PNG"


PRIVATE_BY_OTHER_MISTAKES = {
    "duplicate-key": "---\ntype: contact\nprivate: true\nprivate: false\n---\nMet at the fair.\n",
    "blank-line-first": "\n---\ntype: contact\nprivate: true\n---\nMet at the fair.\n",
}


@pytest.mark.parametrize("case", sorted(PRIVATE_BY_OTHER_MISTAKES))
def test_a_front_matter_that_yaml_reads_otherwise_than_meant_keeps_the_note_out(make_vault, case):
    vault = private_vault(make_vault, {f"people/{SECRET}.md": PRIVATE_BY_OTHER_MISTAKES[case]})
    assert run_cli("--vault", vault, "build").exit_code == 0
    assert SECRET not in site_text(vault / "_site")
    problems = run_cli("--vault", vault, "check", "--json").json()
    assert any(p["path"] == f"people/{SECRET}.md" and "kept off the site" in p["message"] for p in problems)


@pytest.mark.parametrize("with_value", ['"[[Zebra Alias]]"', "Zebracorn Quill", '"[[zebracorn quill|Z]]"',
                                        '["[[Ana Lopez]]", "Zebracorn Quill"]'])
def test_an_interview_naming_a_private_contact_any_way_is_kept_out(make_vault, with_value):
    vault = private_vault(make_vault, {
        f"people/{SECRET}.md": "---\ntype: contact\nprivate: true\naliases: [Zebra Alias]\n---\n",
        "interviews/2026-12-20 Coffee.md": f"---\ntype: interview\nwith: {with_value}\ndate: 2026-12-20\n---\n"
                                           "Talked about the Quill project.\n",
    })
    assert run_cli("--vault", vault, "build").exit_code == 0
    site = site_text(vault / "_site")
    assert "Coffee" not in site and "Quill project" not in site
