"""Link resolution, rule by rule, as /work/shared/obsidian-links.md states it.

Most cases are real vaults run through `vaultkit graph --format json`: a row names
the rule it proves, the other files in the vault, the note holding the link, the
link as written, the file it must resolve to (None: unresolved) and whether the
resolution is ambiguous (R7).
"""

from __future__ import annotations

import unicodedata

import pytest

from vaultkit.resolve import Resolver

# (rule, other files (space-separated; `_` stands for a space in a name), source, link, target, ambiguous)
CASES = [
    # R0: an empty linkpath is the note itself, whatever the subpath.
    ("R0", "", "a.md", "[[#Heading]]", "a.md", False),
    ("R0", "", "sub/a.md", "[[#^block-1]]", "sub/a.md", False),
    ("R0", "", "sub/a.md", "[t](#Heading)", "sub/a.md", False),
    ("R0", "a.md", "sub/a.md", "![[#Heading]]", "sub/a.md", False),
    # R1: candidates by file name; `.md` optional, other extensions required.
    ("R1", "Note.md", "a.md", "[[Note]]", "Note.md", False),
    ("R1", "Note.md", "a.md", "[[Note.md]]", "Note.md", False),
    ("R1", "Note.md", "a.md", "[[note.MD]]", "Note.md", False),
    ("R1", "assets/img.png", "a.md", "[[img.png]]", "assets/img.png", False),
    ("R1", "assets/img.png", "a.md", "![[img.png|100]]", "assets/img.png", False),
    ("R1", "assets/img.png", "a.md", "![[IMG.PNG]]", "assets/img.png", False),
    ("R1", "assets/img.png", "a.md", "[[img]]", None, False),
    ("R1", "v1.2_notes.md", "a.md", "[[v1.2 notes]]", "v1.2 notes.md", False),
    ("R1", "Note.txt.md", "a.md", "[[Note.txt]]", "Note.txt.md", False),
    ("R1", "archive.tar.gz", "a.md", "[[archive.tar]]", None, False),
    ("R1", "doc.pdf", "a.md", "[[doc.pdf#page=3]]", "doc.pdf", False),
    ("R1", "board.canvas", "a.md", "[[board.canvas]]", "board.canvas", False),
    ("R1", "x/photo.png", "a.md", "![](photo.png)", "x/photo.png", False),
    ("R1", "Note_Name.md", "a.md", "[t](Note%20Name.md)", "Note Name.md", False),
    ("R1", "Note_Name.md", "a.md", "[t](<Note Name.md>)", "Note Name.md", False),
    ("R1", "Note_Name.md", "a.md", "[t](Note%20Name)", "Note Name.md", False),
    ("R1", "", "a.md", "[[Nowhere]]", None, False),
    # R2: a bare name with exactly one candidate, wherever it is.
    ("R2", "deep/er/Note.md", "x/a.md", "[[Note]]", "deep/er/Note.md", False),
    ("R2", "deep/er/Note.md", "deep/er/a.md", "[[note]]", "deep/er/Note.md", False),
    # R3: `./` and `../` are relative to the source note's folder.
    ("R3", "Note.md sub/Note.md", "sub/a.md", "[[./Note]]", "sub/Note.md", False),
    ("R3", "Note.md sub/Note.md", "sub/a.md", "[[../Note]]", "Note.md", False),
    ("R3", "other/Note.md sub/Note.md", "sub/a.md", "[[../other/Note]]", "other/Note.md", False),
    ("R3", "Note.md sub/Note.md", "sub/a.md", "[t](./Note.md)", "sub/Note.md", False),
    ("R3", "Note.md", "sub/a.md", "[[./Missing]]", None, False),
    ("R3", "x/sub/Note.md", "sub/a.md", "[[./Note]]", "x/sub/Note.md", False),  # then R4, R6 on sub/note
    # R4: an exact vault path wins; this is why a root note beats a same-folder one.
    ("R4", "Note.md Folder/Note.md", "Folder/a.md", "[[Note]]", "Note.md", False),
    ("R4", "Note.md Folder/Note.md", "Folder/a.md", "[t](Note.md)", "Note.md", False),
    ("R4", "Projects/Note.md area/Projects/Note.md", "area/Projects/a.md", "[[Projects/Note]]", "Projects/Note.md", False),
    ("R4", "Folder/Note.md x/Folder/Note.md", "a.md", "[[folder/NOTE.MD]]", "Folder/Note.md", False),
    ("R4", "Note.md sub/Note.md", "sub/a.md", "[[/Note]]", "Note.md", False),
    ("R4", "Note.md sub/Note.md", "a.md", "[[/sub/Note]]", "sub/Note.md", False),
    # R5: a leading `/` means the exact vault path only.
    ("R5", "sub/Note.md", "a.md", "[[/Note]]", None, False),
    ("R5", "a/b/Note.md", "a.md", "[[/b/Note]]", None, False),
    # R6: suffix match, source-folder candidates first, then the shortest path.
    ("R6", "a/b/Note.md", "a.md", "[[b/Note]]", "a/b/Note.md", False),
    ("R6", "ab/Note.md", "a.md", "[[b/Note]]", "ab/Note.md", False),  # no `/` boundary check
    ("R6", "ab/Note.md x/b/Note.md", "a.md", "[[b/Note]]", "ab/Note.md", False),  # shorter wins
    ("R6", "c/b/Note.md", "a.md", "[[a/b/Note]]", None, False),
    ("R6", "x/deep/Note.md y/Note.md", "x/a.md", "[[Note]]", "x/deep/Note.md", False),  # source folder first
    ("R6", "a/Note.md a/b/Note.md", "z/a.md", "[[Note]]", "a/Note.md", False),  # then shortest
    ("R6", "Projects/deep/Note.md x/Note.md", "Projects/a.md", "[[Note]]", "Projects/deep/Note.md", False),
    ("R6", "Projects_Archive/Note.md x/Note.md", "Projects/a.md", "[[Note]]", "Projects Archive/Note.md", False),
    ("R6", "x/Note.md y/Note.md", "y/a.md", "[[Note]]", "y/Note.md", False),  # folder decides: no tie
    # R7: equal rank → case-sensitive path order, reported ambiguous.
    ("R7", "x/Note.md y/Note.md", "a.md", "[[Note]]", "x/Note.md", True),
    ("R7", "y/Note.md x/Note.md", "z/a.md", "[[Note]]", "x/Note.md", True),
    ("R7", "a/Note.md B/Note.md", "a.md", "[[Note]]", "B/Note.md", True),
    ("R7", "a/b/Note.md c/b/Note.md", "a.md", "[[b/Note]]", "a/b/Note.md", True),
    ("R7", "x/Note.md yy/Note.md", "a.md", "[[Note]]", "x/Note.md", False),
    ("R7", "Note.md note.md", "a.md", "[[NOTE]]", "Note.md", True),  # two exact paths differing in case
    ("R7", "x/photo.png y/photo.png", "a.md", "![[photo.png]]", "x/photo.png", True),
    # R8: case-insensitive by lowercasing only, no Unicode case folding.
    ("R8", "école.md", "a.md", "[[ÉCOLE]]", "école.md", False),
    ("R8", "People/Ana.md", "a.md", "[[people/ana]]", "People/Ana.md", False),
    ("R8", "straße.md", "a.md", "[[STRASSE]]", None, False),
    # R11: a folder is never a target; no index or folder-note convention.
    ("R11", "Projects/Plan.md", "a.md", "[[Projects]]", None, False),
    ("R11", "Projects/index.md", "a.md", "[[Projects]]", None, False),
    ("R11", "Projects/README.md", "a.md", "[[Projects/]]", None, False),
    # Not a folder-note rule: `Projects/Projects.md` is simply the one file named Projects (R2).
    ("R11", "Projects/Projects.md", "a.md", "[[Projects]]", "Projects/Projects.md", False),
    # R14: dot-files and dot-folders are not in the vault.
    ("R14", ".trash/Note.md", "a.md", "[[Note]]", None, False),
    ("R14", ".hidden/Note.md", "a.md", "[[.hidden/Note]]", None, False),
    ("R14", ".Secret.md", "a.md", "[[.Secret]]", None, False),
    ("R14", ".trash/Note.md x/Note.md", "a.md", "[[Note]]", "x/Note.md", False),  # not a rival either
    # Subpaths never affect resolution (§3).
    ("§3", "Note.md", "a.md", "[[Note#Missing heading]]", "Note.md", False),
    ("§3", "Note.md", "a.md", "[[Note#H1#H2|shown]]", "Note.md", False),
    ("§3", "Note.md", "a.md", "[[Note#^no-such-block]]", "Note.md", False),
    ("§3", "Note.md", "a.md", "[t](Note.md#Some%20Heading)", "Note.md", False),
    ("§3", "Note.md", "a.md", "[[Note|]]", "Note.md", False),
]


def _files(names: str) -> list[str]:
    return [name.replace("_", " ") for name in names.split()]


def _case_insensitive_fs(make_vault) -> bool:
    probe = make_vault({"Probe.md": "x"})
    return (probe / "probe.md").exists()


def _only_edge(vk, vault, source: str) -> dict:
    result = vk("graph", vault, "--format", "json")
    assert result.exit_code == 0, result
    edges = [edge for edge in result.json()["edges"] if edge["source"] == source]
    assert len(edges) == 1, edges
    return edges[0]


@pytest.mark.parametrize(
    "rule, others, source, link, target, ambiguous",
    CASES,
    ids=[f"{case[0]}:{case[3]}<-{case[1] or '-'}" for case in CASES],
)
def test_resolution(make_vault, vk, rule, others, source, link, target, ambiguous):
    files: dict[str, str] = {path: "A note.\n" for path in _files(others)}
    files[source] = f"{link}\n"
    if len({path.lower() for path in files}) < len(files) and _case_insensitive_fs(make_vault):
        pytest.skip("two names differing only in case need a case-sensitive file system")
    vault = make_vault(files)
    edge = _only_edge(vk, vault, source)
    assert (edge["target"], edge["ambiguous"]) == (target, ambiguous), edge


# Links that must not be counted at all (§2.3): code, comments, math.
NOT_LINKS = [
    ("§2.3 inline code", "Text `[[Note]]` text.\n"),
    ("§2.3 long code span", "Text ``a `[[Note]]` b`` text.\n"),
    ("§2.3 backtick fence", "```\n[[Note]]\n```\n"),
    ("§2.3 dataview fence", "```dataview\nLIST FROM [[Note]]\n```\n"),
    ("§2.3 tilde fence", "~~~\n[[Note]]\n~~~\n"),
    ("§2.3 indented code", "Para.\n\n    [[Note]]\n"),
    ("§2.3 tab-indented code", "Para.\n\n\t[[Note]]\n"),
    ("§2.3 inline comment", "Text %%[[Note]]%% text.\n"),
    ("§2.3 block comment", "%%\nhidden [[Note]]\n[x](Note.md)\n%%\n"),
    ("§2.3 unclosed comment", "Text %% [[Note]]\n"),
    ("§2.3 inline math", "Cost $[[Note]]$ here.\n"),
    ("§2.3 block math", "$$\n[[Note]]\n$$\n"),
    ("§2.3 HTML comment", "<!-- [[Note]] -->\n"),
    ("§2.3 multi-line HTML comment", "<!--\n[[Note]]\n-->\n"),
    ("§2.3 escaped brackets", "\\[\\[Note\\]\\]\n"),
    ("§2.1 empty", "[[]] and [[ ]]\n"),
    ("§2.1 spans lines", "[[No\nte]]\n"),
    ("§2.2 external", "[x](https://example.com/Note.md) [m](mailto:a@b.c) [f](file:///Note.md)\n"),
    ("§2.2 raw space", "[x](Note Name.md)\n"),
]


@pytest.mark.parametrize("where, body", NOT_LINKS, ids=[case[0] for case in NOT_LINKS])
def test_links_that_do_not_count(make_vault, vk, where, body):
    vault = make_vault({"Note.md": "Target.\n", "Note Name.md": "Target.\n", "a.md": body})
    result = vk("graph", vault, "--format", "json")
    assert result.exit_code == 0, result
    assert [edge for edge in result.json()["edges"] if edge["source"] == "a.md"] == []


def test_the_same_link_outside_code_does_count(make_vault, vk):
    """The control for the table above: the vault and the link are fine."""
    vault = make_vault({"Note.md": "Target.\n", "a.md": "`code` then [[Note]]\n\n    indented\n"})
    assert _only_edge(vk, vault, "a.md")["target"] == "Note.md"


# -- R9: Unicode normalisation -------------------------------------------------------------


def test_R9_nfd_file_name_is_found_by_nfc_link(make_vault, vk):
    nfd = unicodedata.normalize("NFD", "José.md")
    nfc = unicodedata.normalize("NFC", "[[José]]")
    vault = make_vault({nfd: "Target.\n", "a.md": nfc + "\n"})
    assert _only_edge(vk, vault, "a.md")["target"] == nfd


def test_R9_nfd_link_finds_nfc_file_name(make_vault, vk):
    nfc = unicodedata.normalize("NFC", "José.md")
    vault = make_vault({nfc: "Target.\n", "a.md": unicodedata.normalize("NFD", "[[José]]") + "\n"})
    assert _only_edge(vk, vault, "a.md")["target"] == nfc


def test_R9_links_re_resolve_when_an_nfd_file_appears(make_vault, vk):
    vault = make_vault({"a.md": unicodedata.normalize("NFC", "[[José]]") + "\n"})
    assert vk("index", vault).exit_code == 0
    nfd = unicodedata.normalize("NFD", "José.md")
    (vault / nfd).write_text("Target.\n", encoding="utf-8")
    assert _only_edge(vk, vault, "a.md")["target"] == nfd


# -- R10: aliases ------------------------------------------------------------------------------

ROBERT = "---\naliases: [Bob, Bobby]\n---\nRobert.\n"


def test_R10_aliases_never_resolve(make_vault, vk):
    vault = make_vault({"people/Robert Smith.md": ROBERT, "a.md": "Met [[Bob]].\n"})
    assert _only_edge(vk, vault, "a.md")["target"] is None


def test_R10_check_suggests_the_link_obsidian_writes(make_vault, vk):
    vault = make_vault({"people/Robert Smith.md": ROBERT, "a.md": "Met [[Bob]].\n"})
    result = vk("check", vault)
    assert result.exit_code == 0, result  # a warning, not an error
    assert "a.md:1: warning:" in result.stdout
    assert "[[Robert Smith|Bob]]" in result.stdout
    assert "unresolved link [[Bob]]" not in result.stdout


def test_R10_alias_fallback_from_the_vault_config(make_vault, vk):
    vault = make_vault(
        {"vaultkit.yml": "alias_fallback: true\n", "people/Robert Smith.md": ROBERT, "a.md": "Met [[bobby]].\n"}
    )
    edge = _only_edge(vk, vault, "a.md")
    assert (edge["target"], edge["ambiguous"]) == ("people/Robert Smith.md", False)


def test_R10_alias_fallback_never_beats_a_real_file(make_vault, vk):
    vault = make_vault(
        {"vaultkit.yml": "alias_fallback: true\n", "people/Robert Smith.md": ROBERT, "Bob.md": "Another Bob.\n",
         "a.md": "[[Bob]]\n"}
    )
    assert _only_edge(vk, vault, "a.md")["target"] == "Bob.md"


def test_R10_alias_fallback_reports_a_shared_alias_as_ambiguous(make_vault, vk):
    vault = make_vault(
        {"vaultkit.yml": "alias_fallback: true\n", "b/Robert.md": ROBERT, "a/Roberto.md": ROBERT,
         "n.md": "[[Bob]]\n"}
    )
    edge = _only_edge(vk, vault, "n.md")
    assert (edge["target"], edge["ambiguous"]) == ("a/Roberto.md", True)


# -- R12, R13: Obsidian settings do not change resolution ----------------------------------------


def test_R12_new_link_format_setting_is_not_read(make_vault, vk):
    vault = make_vault(
        {".obsidian/app.json": '{"newLinkFormat": "relative", "useMarkdownLinks": true}',
         "Note.md": "Root.\n", "sub/Note.md": "Sub.\n", "sub/a.md": "[[Note]]\n"}
    )
    assert _only_edge(vk, vault, "sub/a.md")["target"] == "Note.md"


def test_R13_excluded_files_still_resolve(make_vault, vk):
    vault = make_vault(
        {".obsidian/app.json": '{"userIgnoreFilters": ["Archive/"]}', "Archive/Old.md": "Old.\n", "a.md": "[[Old]]\n"}
    )
    assert _only_edge(vk, vault, "a.md")["target"] == "Archive/Old.md"


# -- R14: what is in the vault --------------------------------------------------------------------


def test_R14_dot_folders_are_never_sources_or_nodes(make_vault, vk):
    vault = make_vault(
        {".obsidian/snippet.md": "[[Note]]\n", ".trash/Old.md": "[[Note]]\n", ".draft.md": "[[Note]]\n",
         "Note.md": "Target.\n"}
    )
    graph = vk("graph", vault, "--format", "json").json()
    assert [node["path"] for node in graph["nodes"]] == ["Note.md"]
    assert graph["edges"] == []


# -- R15: unresolved links keep the linkpath as written -------------------------------------------


def test_R15_unresolved_linkpath_kept_as_written(make_vault, vk):
    vault = make_vault({"a.md": "[[NoBody#Intro|who]]\n"})
    edge = _only_edge(vk, vault, "a.md")
    assert (edge["target"], edge["linkpath"], edge["subpath"], edge["display"]) == (None, "NoBody", "#Intro", "who")


def test_R15_unresolved_links_resolve_when_the_file_appears(make_vault, vk):
    vault = make_vault({"a.md": "[[NoBody]] and [[nobody]]\n"})
    assert vk("index", vault).exit_code == 0
    (vault / "people").mkdir()
    (vault / "people" / "Nobody.md").write_text("Here now.\n")
    edges = vk("graph", vault, "--format", "json").json()["edges"]
    assert [(e["linkpath"], e["target"]) for e in edges] == [
        ("NoBody", "people/Nobody.md"),
        ("nobody", "people/Nobody.md"),
    ]


# -- front matter links resolve like body links ----------------------------------------------------


def test_property_links_resolve_with_the_same_rules(make_vault, vk):
    vault = make_vault(
        {"Acme.md": "Root.\n", "people/Acme.md": "Person.\n",
         "people/Ana.md": '---\ncompany: "[[Acme]]"\nknows: ["[[./Acme]]"]\n---\n'}
    )
    edges = vk("graph", vault, "--format", "json").json()["edges"]
    assert [(e["field"], e["target"]) for e in edges if e["source"] == "people/Ana.md"] == [
        ("company", "Acme.md"),  # R4
        ("knows", "people/Acme.md"),  # R3
    ]


# -- a few direct Resolver cases (pure, no vault) ---------------------------------------------------

RESOLVER_FILES = ["Note.md", "sub/Note.md", "ab/Other.md", "x/Dup.md", "y/Dup.md", "img.png"]


@pytest.mark.parametrize(
    "rule, linkpath, source, target, ambiguous",
    [
        ("R0", "", "sub/x.md", "sub/x.md", False),
        ("R1", "IMG.png", "x.md", "img.png", False),
        ("R1", "img", "x.md", None, False),
        ("R2", "other", "q/x.md", "ab/Other.md", False),
        ("R3", "../Note", "sub/x.md", "Note.md", False),
        ("R3", "./Note", "sub/x.md", "sub/Note.md", False),
        ("R4", "Note", "sub/x.md", "Note.md", False),
        ("R5", "/Other", "x.md", None, False),
        ("R6", "b/Other", "x.md", "ab/Other.md", False),
        ("R7", "Dup", "x.md", "x/Dup.md", True),
        ("R6", "Dup", "y/x.md", "y/Dup.md", False),
    ],
)
def test_resolver_directly(rule, linkpath, source, target, ambiguous):
    found = Resolver(RESOLVER_FILES).resolve(linkpath, source)
    assert (found.target, found.ambiguous) == (target, ambiguous)


def test_resolver_follows_adds_and_removes():
    resolver = Resolver(["x/Dup.md"])
    assert resolver.resolve("Dup", "a.md").target == "x/Dup.md"
    resolver.add("Dup.md")
    assert resolver.resolve("Dup", "x/a.md").target == "Dup.md"  # R4
    resolver.remove("Dup.md")
    resolver.remove("x/Dup.md")
    assert resolver.resolve("Dup", "a.md").target is None


def test_resolver_alias_fallback_is_off_by_default():
    resolver = Resolver(["Robert.md"], {"Robert.md": ["Bob"]})
    assert resolver.resolve("Bob", "a.md").target is None
    found = resolver.resolve("BOB", "a.md", alias_fallback=True)
    assert (found.target, found.via_alias) == ("Robert.md", True)
    assert resolver.alias_targets("bob") == ["Robert.md"]


def test_property_links_inside_longer_text_are_marked_low_confidence(make_vault, vk):
    """obsidian-links §5: only a value that is the whole link surely counts in Obsidian;
    a link inside longer text is indexed and marked, so that tools can tell."""
    vault = make_vault({
        "Bob.md": "",
        "Acme.md": "",
        "n.md": '---\ncompany: "[[Acme]]"\nnote: "met [[Bob]] at [[Acme]]"\nrelated:\n  - " [[Bob]] "\n'
                '  - "see [[Bob]]"\n---\n[[Bob]] in the body\n',
    })
    edges = vk("graph", "--format", "json", vault).json()["edges"]
    marks = [(e["field"], e["target"], e["line"], e["low_confidence"]) for e in edges if e["source"] == "n.md"]
    assert marks == [
        ("company", "Acme.md", 2, False),
        ("note", "Bob.md", 3, True),
        ("note", "Acme.md", 3, True),
        ("related", "Bob.md", 5, False),
        ("related", "Bob.md", 6, True),
        (None, "Bob.md", 8, False),
    ]
