"""A broken note never stops the rest (PRODUCT.md, "What bad input gets").

One vault holds every kind of broken file next to good notes. `index` and `check`
must name each problem as `path:line: severity: message`, exit with the right code,
never print a traceback, and still index every good note with its links.
"""

from __future__ import annotations

import os
import re
import sqlite3
from pathlib import Path

import pytest

from conftest import run_cli, write_vault
from vaultkit.index import Index, read_file

ALIAS_BOMB = "---\na: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n" + "".join(
    f"{name}: &{name} [{', '.join(['*' + prev] * 9)}]\n" for prev, name in zip("abcdefgh", "bcdefghi")
) + "---\n"

HUGE_LINES = 60_000  # about 3 MB: big, but under the 16 MiB parse limit

BROKEN: dict[str, str | bytes] = {
    "bad/unclosed-quote.md": "---\nname: 'Ana\n---\nBody still links [[Good]].\n",
    "bad/tabs.md": "---\nname: x\nrole:\n\tlevel: senior\n---\n",
    "bad/list.md": "---\n- one\n- two\n---\n",
    "bad/scalar.md": "---\njust some words\n---\n",
    "bad/unterminated.md": "---\nname: x\n\nBody of a note whose properties never close [[Good]].\n",
    "bad/python-object.md": "---\nx: !!python/object/apply:os.system ['touch PWNED']\n---\n",
    "bad/alias-bomb.md": ALIAS_BOMB,
    "bad/invalid-utf8.md": b"first line\nbad \xff\xfe bytes, then [[Good]]\n",
    "bad/binary.md": bytes(range(256)) * 40,
    "bad/empty.md": "",
    "bad/huge.md": "A long line of filler text that mentions [[Good]] once.\n" * HUGE_LINES,
    "bad/crlf.md": b'---\r\ncompany: "[[Good]]"\r\n---\r\n\r\nSee [[Good]].\r\n',
    "bad/bom.md": b'\xef\xbb\xbf---\ncompany: "[[Good]]"\n---\nSee [[Good]].\n',
    'bad/odd :*?<>|"name#^ .md': "Odd name, fine content [[Good]].\n",
    "bad/Zoë & Co (2), 'draft'.md": "Linkable odd name.\n",
    "bad/locked.md": "Locked note [[Good]].\n",
    # Private by every slightly-off spelling: kept off the site, and `check` says so.
    "bad/private-typo.md": "---\nprivate: true\nrole: Head: of Sales\n---\nSecret Typo [[Good]].\n",
    "bad/Private-capital.md": "---\nPrivate: true\n---\nSecret Capital.\n",
    "bad/private-one.md": "---\nprivate: 1\n---\nSecret One.\n",
    "bad/nested.md": "".join("> " * depth + "\n" for depth in range(1, 30)) + "> " * 30 + "[[Good]]\n",
    "Good.md": "A good note knows [[people/Ana]] and [[Zoë & Co (2), 'draft']].\n",
    "people/Ana.md": '---\ncompany: "[[Good]]"\n---\n# Ana\nWorks at [[Good]].\n',
}

# (path, line, severity, words in the message): each must be one line of `check`.
EXPECTED = [
    ("bad/unclosed-quote.md", 2, "error", "bad YAML"),
    ("bad/tabs.md", 4, "error", "tabs"),
    ("bad/list.md", 2, "error", "not a list"),
    ("bad/scalar.md", 2, "error", "not a single value"),
    ("bad/unterminated.md", 1, "error", "not closed"),
    ("bad/python-object.md", 2, "error", "build objects"),
    ("bad/alias-bomb.md", 1, "error", "aliases expand"),
    ("bad/invalid-utf8.md", 2, "warning", "not valid UTF-8"),
    ("bad/binary.md", 0, "error", "binary file"),
    ("bad/empty.md", 0, "warning", "empty note"),
    ("bad/private-typo.md", 3, "error", "kept off the site"),
    ("bad/Private-capital.md", 2, "warning", "kept off the site"),
    ("bad/private-one.md", 2, "warning", "kept off the site"),
    ("bad/nested.md", 20, "warning", "nested deeper"),
    ("photos/photo\\xe9.jpg", 0, "warning", "not valid UTF-8"),
    ("bad/too-large.md", 0, "error", "16 MiB"),
    ("links/loop", 0, "warning", "symlink loop"),
    ("links/outside", 0, "warning", "outside the vault"),
    ("links/outside-note.md", 0, "warning", "outside the vault"),
    ("links/dangling.md", 0, "warning", "broken symlink"),
    # Obsidian ignores a symlink to another place in the vault: no note is there twice.
    ("links/inside.md", 0, "warning", "symlink to Good.md, inside the vault; not followed"),
    ("links/team", 0, "warning", "symlink to people, inside the vault; not followed"),
]
CLEAN = ["bad/huge.md", "bad/crlf.md", "bad/bom.md", 'bad/odd :*?<>|"name#^ .md', "Good.md", "people/Ana.md"]


def _can_make_unreadable() -> bool:
    return os.geteuid() != 0  # root reads a chmod 000 file anyway


@pytest.fixture(scope="module")
def bad_vault(tmp_path_factory) -> Path:
    root = write_vault(tmp_path_factory.mktemp("bad") / "vault", BROKEN)
    with open(root / "bad/too-large.md", "wb") as handle:  # sparse: 17 MiB on paper, nothing on disk
        handle.truncate(17 * 2**20)
    links = root / "links"
    links.mkdir()
    (links / "loop").symlink_to("..", target_is_directory=True)  # the vault itself
    (links / "outside").symlink_to("/etc", target_is_directory=True)
    (links / "outside-note.md").symlink_to("/etc/hostname")
    (links / "dangling.md").symlink_to("no-such-note.md")
    (links / "inside.md").symlink_to("../Good.md")
    (links / "team").symlink_to("../people", target_is_directory=True)
    (root / "photos").mkdir()
    with open(os.path.join(os.fsencode(root / "photos"), b"photo\xe9.jpg"), "wb") as handle:
        handle.write(b"a name from an old zip: not UTF-8")
    os.mkfifo(root / "bad/pipe.md")  # opening a FIFO would block forever: it must be skipped
    (root / "bad/locked.md").chmod(0)
    return root


@pytest.fixture(scope="module")
def runs(bad_vault):
    """index, then check, graph and check --json on the same vault (once for the module)."""
    return {
        "index": run_cli("index", bad_vault),
        "check": run_cli("check", bad_vault),
        "graph": run_cli("graph", bad_vault, "--format", "json"),
        "check-json": run_cli("check", bad_vault, "--json"),
    }


def test_no_traceback_anywhere(runs):
    for name, result in runs.items():
        for stream in (result.stdout, result.stderr):
            assert "Traceback" not in stream, name
            assert "internal error" not in stream, name


def test_exit_codes(runs):
    assert runs["index"].exit_code == 0, runs["index"]
    assert runs["check"].exit_code == 1  # errors exist
    assert runs["check-json"].exit_code == 1
    assert runs["graph"].exit_code == 0


@pytest.mark.parametrize("path, line, severity, words", EXPECTED, ids=[case[0] for case in EXPECTED])
def test_each_broken_file_gets_a_named_problem(runs, path, line, severity, words):
    where = f"{path}:{line}" if line else path
    lines = [text for text in runs["check"].stdout.splitlines() if text.startswith(f"{where}: {severity}: ")]
    assert any(words in text for text in lines), runs["check"].stdout


@pytest.mark.parametrize("path", CLEAN)
def test_good_and_merely_odd_notes_have_no_problem(runs, path):
    assert [p for p in runs["check-json"].json() if p["path"] == path] == []


def test_every_problem_line_is_compiler_style(runs):
    pattern = re.compile(r"^[^\n]+?(:\d+)?: (error|warning): \S.*$")
    for text in runs["check"].stdout.splitlines():
        assert pattern.match(text), text
    assert len(runs["check"].stdout.splitlines()) == len(runs["check-json"].json())
    assert re.search(r"\d+ error\(s\), \d+ warning\(s\)", runs["check"].stderr)


def test_python_objects_are_never_built(bad_vault, runs):
    assert not (bad_vault / "PWNED").exists()
    assert not Path("PWNED").exists()


def test_good_notes_are_indexed_with_their_links(runs):
    graph = runs["graph"].json()
    nodes = {node["path"] for node in graph["nodes"]}
    for path in (*CLEAN, "bad/Zoë & Co (2), 'draft'.md"):
        assert path in nodes
    assert not any(path.startswith(("links/loop/", "links/outside/", "links/team/")) for path in nodes)
    assert "links/inside.md" not in nodes
    assert "bad/pipe.md" not in nodes
    edges = {(e["source"], e["line"], e["field"], e["target"]) for e in graph["edges"]}
    assert ("people/Ana.md", 2, "company", "Good.md") in edges
    assert ("people/Ana.md", 5, None, "Good.md") in edges
    assert ("Good.md", 1, None, "people/Ana.md") in edges
    assert ("Good.md", 1, None, "bad/Zoë & Co (2), 'draft'.md") in edges
    # broken properties do not lose the body's links
    assert ("bad/unclosed-quote.md", 4, None, "Good.md") in edges
    assert ("bad/unterminated.md", 4, None, "Good.md") in edges
    assert ("bad/invalid-utf8.md", 2, None, "Good.md") in edges
    # CRLF and BOM notes keep their lines
    for path in ("bad/crlf.md", "bad/bom.md"):
        assert (path, 2, "company", "Good.md") in edges
    assert ("bad/crlf.md", 5, None, "Good.md") in edges
    assert ("bad/bom.md", 4, None, "Good.md") in edges
    huge = [e for e in graph["edges"] if e["source"] == "bad/huge.md"]
    assert len(huge) == HUGE_LINES and huge[-1]["line"] == HUGE_LINES
    assert not any(e["source"] in ("bad/binary.md", "bad/too-large.md") for e in graph["edges"])


def test_unreadable_note(bad_vault, runs):
    edges = {(e["source"], e["target"]) for e in runs["graph"].json()["edges"]}
    if _can_make_unreadable():
        assert any(text.startswith("bad/locked.md: error: cannot read") for text in runs["check"].stdout.splitlines())
        assert ("bad/locked.md", "Good.md") not in edges
    else:  # as root, chmod 000 does not stop reading: the note is simply indexed
        assert ("bad/locked.md", "Good.md") in edges


def test_a_note_that_cannot_be_opened_is_a_named_error(tmp_path):
    """What root cannot get from chmod 000: a file that turns into something unreadable
    between the scan and the read (a sync engine at work). Here a folder stands in."""
    (tmp_path / "gone.md").mkdir()
    parsed = read_file(str(tmp_path), "gone.md", (0, 10), None)
    assert [(p.path, p.severity, p.code) for p in parsed.note.problems] == [("gone.md", "error", "unreadable")]


def test_sync_twice_changes_nothing_on_the_bad_vault(bad_vault, runs):
    with Index.open(bad_vault) as index:
        before = index.dump()
        report = index.sync()
        assert (report.added, report.changed, report.removed) == (0, 0, 0)
        assert index.dump() == before


# -- exit codes of check ---------------------------------------------------------------------------


def test_check_exit_codes_follow_severity(make_vault, vk):
    clean = make_vault({"a.md": "[[b]]\n", "b.md": "B.\n"})
    warned = make_vault({"a.md": "[[missing]]\n"})
    broken = make_vault({"a.md": "---\n- x\n---\n"})
    assert vk("check", clean).exit_code == 0
    assert vk("check", clean, "--strict").exit_code == 0
    assert vk("check", warned).exit_code == 0
    assert vk("check", warned, "--strict").exit_code == 1
    assert vk("check", broken).exit_code == 1


# -- the index itself is broken ----------------------------------------------------------------------


def _index_file(vault: Path) -> Path:
    state = vault / ".vaultkit"
    state.mkdir(exist_ok=True)
    return state / "index.sqlite"


def _assert_rebuilt(vk, vault: Path, result) -> None:
    assert result.exit_code == 0, result
    assert "Traceback" not in result.stderr + result.stdout
    assert "rebuilding" in result.stderr and "warning" in result.stderr
    edges = vk("graph", vault, "--format", "json").json()["edges"]
    assert [(e["source"], e["target"]) for e in edges] == [("a.md", "b.md")]
    assert "rebuilding" not in vk("index", vault).stderr  # once rebuilt, it stays


def test_garbage_index_is_rebuilt_with_a_warning(make_vault, vk):
    vault = make_vault({"a.md": "[[b]]\n", "b.md": "B.\n"})
    _index_file(vault).write_bytes(b"this is not a database \x00\xff" * 300)
    _assert_rebuilt(vk, vault, vk("index", vault))


@pytest.mark.parametrize("keep", [100, 4096], ids=["header-kept", "first-page-kept"])
def test_damaged_index_pages_are_rebuilt_with_a_warning(make_vault, vk, keep):
    """Keeping the first page keeps the schema readable: the damage shows only when a
    query reaches the garbage pages, in the middle of a sync."""
    vault = make_vault({"a.md": "[[b]]\n", "b.md": "B.\n"})
    assert vk("index", vault).exit_code == 0
    path = _index_file(vault)
    with Index.open(vault) as index:
        index.db.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    data = path.read_bytes()
    assert len(data) > 2 * 4096
    path.write_bytes(data[:keep] + b"\xde\xad" * ((len(data) - keep) // 2))
    for suffix in ("-wal", "-shm"):
        Path(f"{path}{suffix}").unlink(missing_ok=True)
    _assert_rebuilt(vk, vault, vk("check", vault))


def test_foreign_sqlite_database_is_rebuilt_with_a_warning(make_vault, vk):
    vault = make_vault({"a.md": "[[b]]\n", "b.md": "B.\n"})
    db = sqlite3.connect(_index_file(vault))
    db.execute("CREATE TABLE contacts(name TEXT)")
    db.execute("INSERT INTO contacts VALUES ('not ours')")
    db.commit()
    db.close()
    result = vk("check", vault)
    assert result.exit_code == 0, result
    assert "not a vaultkit index" in result.stderr
    _assert_rebuilt(vk, vault, result)


@pytest.mark.parametrize("make_broken", ["state-is-a-file", "index-is-a-folder"])
def test_index_place_taken_is_a_clean_error(make_vault, vk, make_broken):
    vault = make_vault({"a.md": "A.\n"})
    if make_broken == "state-is-a-file":
        (vault / ".vaultkit").write_text("not a folder\n")
    else:
        (vault / ".vaultkit" / "index.sqlite").mkdir(parents=True)
    result = vk("index", vault)
    assert result.exit_code == 2, result
    assert result.stderr.startswith("vaultkit: error: ") and ".vaultkit" in result.stderr
    assert "Traceback" not in result.stderr


# -- no vault at all ------------------------------------------------------------------------------------


def test_missing_vault_is_a_clean_error(tmp_path, vk):
    result = vk("index", tmp_path / "nowhere")
    assert result.exit_code == 2
    assert "not a folder" in result.stderr and "Traceback" not in result.stderr


def test_vault_option_naming_a_file_is_a_clean_error(make_vault, vk):
    vault = make_vault({"a.md": "A.\n"})
    for args in (("--vault", vault / "a.md", "check"), ("check", vault / "a.md")):
        result = vk(*args)
        assert result.exit_code == 2, result
        assert "is a file" in result.stderr and "Traceback" not in result.stderr


def test_no_vault_found_from_here_is_a_clean_error(tmp_path, vk):
    plain = tmp_path / "just a folder"
    plain.mkdir()
    result = vk("check", cwd=plain)
    assert result.exit_code == 2
    assert "no vault found" in result.stderr


def test_bad_vault_config_is_a_clean_error(make_vault, vk):
    vault = make_vault({"vaultkit.yml": "alias_fallback: [\n", "a.md": "A.\n"})
    result = vk("check", vault)
    assert result.exit_code == 2
    assert result.stderr.startswith("vaultkit: error: vaultkit.yml:")


def test_the_site_of_the_bad_vault_builds_and_keeps_every_doubtful_note_out(bad_vault, runs, tmp_path):
    out = tmp_path / "site"
    result = run_cli("build", bad_vault, "-o", out)
    assert result.exit_code == 0, result
    assert "Traceback" not in result.stderr and "internal error" not in result.stderr
    text = "\n".join(p.read_bytes().decode("utf-8", "replace") for p in out.rglob("*") if p.is_file())
    assert "good.html" in "\n".join(p.name for p in out.rglob("*"))
    for secret in ("Secret Typo", "Secret Capital", "Secret One", "private-typo", "Private-capital", "private-one"):
        assert secret not in text, secret
