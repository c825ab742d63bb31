"""The user guide is under test, in the style of sqlite-utils' tests/test_docs.py.

- Every command of the click group, and every option and argument of each command,
  is documented in docs/cli.md: a new command without docs fails here.
- Every page in docs/ is reachable from the mkdocs nav.
- The graph JSON example in docs/graph-json.md is what the command really prints
  for the vault shown on that page.
"""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import click
import pytest
import yaml

from vaultkit.cli import EXIT_INTERNAL, cli

ROOT = Path(__file__).resolve().parent.parent
DOCS = ROOT / "docs"
CLI_DOC = DOCS / "cli.md"
COMMAND_HEADING = re.compile(r"^(#{2,4}) `?vaultkit ([a-z0-9 _-]+?)`?\s*$", re.MULTILINE)


def walk_commands(group: click.Group, prefix: tuple[str, ...] = ()):
    """(full name, command) for every command below `group`, subcommands included."""
    ctx = click.Context(group)
    for name in group.list_commands(ctx):
        command = group.get_command(ctx, name)
        if command.hidden:
            continue
        yield " ".join((*prefix, name)), command
        if isinstance(command, click.Group):
            yield from walk_commands(command, (*prefix, name))


COMMANDS = dict(walk_commands(cli))


def command_sections(text: str) -> dict[str, str]:
    """The text of docs/cli.md under each `## vaultkit NAME` heading, up to the next one."""
    matches = list(COMMAND_HEADING.finditer(text))
    return {
        match.group(2).strip(): text[match.end() : matches[i + 1].start() if i + 1 < len(matches) else len(text)]
        for i, match in enumerate(matches)
    }


def long_names(param: click.Parameter) -> list[str]:
    return [opt for opt in (*param.opts, *param.secondary_opts) if opt.startswith("--")] or list(param.opts)


@pytest.fixture(scope="module")
def cli_doc() -> str:
    return CLI_DOC.read_text(encoding="utf-8")


def test_the_command_walk_finds_the_core_commands():
    # Guards the walk itself: if it found nothing, the tests below would pass vacuously.
    assert {"index", "check", "graph", "links", "backlinks"} <= set(COMMANDS)


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_every_command_has_a_section(cli_doc: str, name: str):
    assert name in command_sections(cli_doc), (
        f"docs/cli.md has no `## vaultkit {name}` section: add one with the command's "
        "synopsis, options, arguments and an example"
    )


@pytest.mark.parametrize(
    "name,param",
    [
        (name, param.name)
        for name, command in sorted(COMMANDS.items())
        for param in command.params
        if param.name != "help"
    ],
)
def test_every_option_and_argument_is_documented_in_its_section(cli_doc: str, name: str, param: str):
    section = command_sections(cli_doc).get(name, "")
    found = next(p for p in COMMANDS[name].params if p.name == param)
    if isinstance(found, click.Argument):
        wanted = [found.human_readable_name]  # VAULT, NOTE
    else:
        wanted = long_names(found)
    assert any(re.search(rf"(?<![\w-]){re.escape(w)}(?![\w-])", section) for w in wanted), (
        f"docs/cli.md, section `vaultkit {name}`, does not mention {' / '.join(wanted)}"
    )


@pytest.mark.parametrize("param", [p for p in cli.params if p.name != "help"], ids=lambda p: p.name)
def test_global_options_are_documented(cli_doc: str, param: click.Parameter):
    assert any(name in cli_doc for name in long_names(param))
    if param.envvar:
        assert param.envvar in cli_doc


def test_exit_codes_are_documented(cli_doc: str):
    for code in (0, 1, 2, EXIT_INTERNAL):
        assert re.search(rf"^\| `?{code}`? \|", cli_doc, re.MULTILINE), f"exit code {code} is not in the table"


def test_the_section_parser_sees_sections_and_their_ends():
    text = "# CLI\n## vaultkit index\nuse --full\n## `vaultkit new contact`\nNAME here\n## Exit codes\n"
    sections = command_sections(text)
    assert sections["index"].strip() == "use --full"
    assert "NAME here" in sections["new contact"] and "--full" not in sections["new contact"]


# -- the nav -------------------------------------------------------------------


def nav_pages(nav) -> list[str]:
    pages: list[str] = []
    for item in nav:
        value = next(iter(item.values())) if isinstance(item, dict) else item
        if isinstance(value, list):
            pages.extend(nav_pages(value))
        elif isinstance(value, str) and not re.match(r"^[a-z]+://", value):
            pages.append(value)
    return pages


def mkdocs_nav() -> list[str]:
    config = yaml.safe_load((ROOT / "mkdocs.yml").read_text(encoding="utf-8"))
    return nav_pages(config["nav"])


def test_every_docs_page_is_in_the_nav():
    pages = {path.relative_to(DOCS).as_posix() for path in DOCS.rglob("*.md")}
    missing = sorted(pages - set(mkdocs_nav()))
    assert not missing, f"pages not in mkdocs.yml nav: {missing}"


def test_every_nav_entry_is_a_page():
    missing = [page for page in mkdocs_nav() if not (DOCS / page).is_file()]
    assert not missing, f"mkdocs.yml nav names missing pages: {missing}"


def test_nav_pages_flattens_sections_and_skips_external_links():
    nav = [{"Home": "index.md"}, {"Guide": [{"A": "a.md"}, "b/c.md"]}, {"Code": "https://example.org"}]
    assert nav_pages(nav) == ["index.md", "a.md", "b/c.md"]


# -- the graph JSON example ---------------------------------------------------------

EXAMPLE_FILE = re.compile(r"^`([^`\n]+\.md)`:\n\n```markdown\n(.*?)^```\n", re.MULTILINE | re.DOTALL)
EXAMPLE_OUTPUT = re.compile(r"prints \(this exact\s+output.*?\n```json\n(.*?)^```\n", re.MULTILINE | re.DOTALL)


def test_graph_json_example_is_what_the_command_prints(make_vault, vk):
    page = (DOCS / "graph-json.md").read_text(encoding="utf-8")
    files: dict[str, str | bytes] = {path: text for path, text in EXAMPLE_FILE.findall(page)}
    assert len(files) == 3, "the example's notes were not found on the page"
    files["people/ana.jpg"] = b""
    shown = EXAMPLE_OUTPUT.search(page).group(1)
    result = vk("graph", "--format", "json", make_vault(files))
    assert result.exit_code == 0, result
    assert result.json() == json.loads(shown)
    assert result.stdout == shown  # the layout too: one node or edge per line


def test_graph_json_keys_are_all_documented(make_vault, vk):
    page = (DOCS / "graph-json.md").read_text(encoding="utf-8")
    vault = make_vault({"a.md": "---\ntags: [x]\n---\n[[b#h|B]] ![[c.png]]\n", "b.md": "", "c.png": b""})
    graph = vk("graph", vault).json()
    keys = {key for item in (*graph["nodes"], *graph["edges"]) for key in item}
    undocumented = sorted(key for key in keys if f"| `{key}` |" not in page)
    assert not undocumented, f"graph JSON keys missing from docs/graph-json.md tables: {undocumented}"


# -- the built docs site loads nothing from another host ------------------------------

# Tags that make the browser fetch what they name, and CSS that does. Plain `<a href>`
# links (the theme's footer credits) fetch nothing until clicked.
FETCHING = [
    re.compile(r"<(?:script|img|iframe|source|audio|video|embed)\b[^>]*?\ssrc=[\"']?(?:https?:)?//[^\s\"'>]+", re.I),
    re.compile(r"<link\b(?![^>]*rel=[\"']?canonical)[^>]*?\shref=[\"']?(?:https?:)?//[^\s\"'>]+", re.I),
    re.compile(r"url\(\s*[\"']?(?:https?:)?//[^)]+\)", re.I),
    re.compile(r"@import\s+[\"'](?:https?:)?//[^\"']+", re.I),
]


def external_requests(text: str) -> list[str]:
    return [match.group(0) for pattern in FETCHING for match in pattern.finditer(text)]


def test_external_request_finder_sees_cdn_scripts_styles_and_fonts():
    page = (
        '<script src="https://cdnjs.cloudflare.com/x.js"></script>'
        '<link rel="stylesheet" href="//fonts.googleapis.com/css?family=Lato">'
        "<style>@font-face{src:url(https://fonts.gstatic.com/a.woff2)}</style>"
        '<a href="https://www.mkdocs.org/">MkDocs</a><script src="js/local.js"></script>'
    )
    assert len(external_requests(page)) == 3


def test_built_docs_site_makes_no_request_to_another_host(tmp_path: Path):
    site = tmp_path / "site"
    build = subprocess.run(
        [sys.executable, "-m", "mkdocs", "build", "--strict", "--quiet", "--site-dir", str(site)],
        cwd=ROOT, capture_output=True, text=True,
    )
    assert build.returncode == 0, build.stderr
    found = {
        f"{path.relative_to(site)}: {request}"
        for path in site.rglob("*")
        if path.suffix in {".html", ".css", ".js"}
        for request in external_requests(path.read_text(encoding="utf-8", errors="replace"))
    }
    assert not found, "the docs site would load from other hosts:\n" + "\n".join(sorted(found))
