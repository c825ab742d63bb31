"""The command line: a thin click layer over the Python API.

Each command parses its options, calls the library, and prints. Errors the user
can cause (`VaultkitError`) become one line on stderr and exit code 2; anything
else is reported as an internal error, never as a traceback.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

import click

from . import __version__
from .errors import UsageError, VaultkitError
from .graph import graph_json
from .index import Index
from .vault import open_vault_root

EXIT_INTERNAL = 70


class Group(click.Group):
    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except VaultkitError as error:
            click.echo(f"vaultkit: error: {error}", err=True)
            ctx.exit(error.exit_code)
        except KeyboardInterrupt:
            ctx.exit(130)
        except BrokenPipeError:
            # `vaultkit graph | head`: the reader left; that is not an error.
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            ctx.exit(0)
        except (click.exceptions.Exit, click.ClickException, click.Abort):
            raise
        except Exception as error:  # noqa: BLE001 - the last line of defence
            if os.environ.get("VAULTKIT_DEBUG"):
                raise
            click.echo(
                f"vaultkit: internal error: {type(error).__name__}: {error} "
                "(this is a bug; run again with VAULTKIT_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


@click.group(cls=Group, context_settings={"help_option_names": ["-h", "--help"]})
@click.option(
    "--vault",
    "vault_option",
    type=click.Path(file_okay=False, path_type=Path),
    envvar="VAULTKIT_VAULT",
    help="The vault folder. Default: the current folder or the nearest parent holding "
    ".obsidian/, vaultkit.yml or .vaultkit/.",
)
@click.version_option(__version__, prog_name="vaultkit")
@click.pass_context
def cli(ctx: click.Context, vault_option: Path | None) -> None:
    """Run a career-change networking campaign from plain Markdown notes.

    \b
    Example:
      vaultkit index ~/Networking
      vaultkit check
    """
    ctx.obj = {"vault": vault_option}


vault_argument = click.argument(
    "vault", required=False, type=click.Path(file_okay=False, path_type=Path)
)
no_sync_option = click.option(
    "--no-sync", is_flag=True, help="Answer from the index as it stands, without syncing it first."
)
json_option = click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")


def open_index(ctx: click.Context, vault: Path | None = None) -> Index:
    root = open_vault_root(vault or ctx.obj["vault"])
    index = Index.open(root)
    ctx.call_on_close(index.close)
    return index


def synced_index(ctx: click.Context, vault: Path | None = None, no_sync: bool = False, full: bool = False):
    index = open_index(ctx, vault)
    if no_sync:
        for warning in index.warnings:
            click.echo(f"vaultkit: warning: {warning}", err=True)
        return index, None
    report = index.sync(full=full, progress=_progress())
    for warning in report.warnings:
        click.echo(f"vaultkit: warning: {warning}", err=True)
    return index, report


def _progress():
    if not sys.stderr.isatty():
        return None

    def show(done: int, total: int) -> None:
        end = "\n" if done >= total else ""
        click.echo(f"\rindexing {done:,}/{total:,} files", err=True, nl=False)
        if end:
            click.echo("", err=True)

    return show


@cli.command("init")
@click.argument("directory", required=False, default=".", type=click.Path(path_type=Path))
def init_command(directory: Path) -> None:
    """Create a vault in DIRECTORY (default: here) from the starter vault.

    The starter vault has the folders, the templates Obsidian and `vaultkit new` use,
    your profile note (me.md) and an example network to try every command on. Refuses
    to overwrite any file: if one exists, it lists them and writes nothing.

    \b
    Example:
      vaultkit init ~/Networking
    """
    from .init import init_vault, next_steps

    click.echo(next_steps(init_vault(directory)))


@cli.command("index")
@vault_argument
@click.option("--full", is_flag=True, help="Throw the index away and rebuild it from every file.")
@json_option
@click.pass_context
def index_command(ctx: click.Context, vault: Path | None, full: bool, as_json: bool) -> None:
    """Bring the index up to date and print a summary.

    The index is a cache in .vaultkit/ inside the vault: always safe to delete.

    \b
    Example:
      vaultkit index ~/Networking --full
    """
    _, report = synced_index(ctx, vault, full=full)
    if as_json:
        data = {key: value for key, value in vars(report).items() if key != "warnings"}
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(f"Indexed {report.summary()}")


@cli.command("check")
@vault_argument
@click.option("--strict", is_flag=True, help="Exit 1 on warnings too, not only on errors.")
@no_sync_option
@json_option
@click.pass_context
def check_command(ctx: click.Context, vault: Path | None, strict: bool, no_sync: bool, as_json: bool) -> None:
    """List every problem as `path:line: severity: message`.

    Exits 1 when there are errors (with --strict: errors or warnings), 0 otherwise,
    so it can run as a pre-commit hook.

    \b
    Example:
      vaultkit check --strict
    """
    index, _ = synced_index(ctx, vault, no_sync)
    problems = index.problems()
    errors = sum(1 for p in problems if p.severity == "error")
    warnings = len(problems) - errors
    if as_json:
        click.echo(json.dumps([vars_of(p) for p in problems], indent=2, ensure_ascii=False))
    else:
        for problem in problems:
            click.echo(problem.format())
        notes = len(index.note_paths())
        click.echo(f"{errors} error(s), {warnings} warning(s) in {notes:,} notes", err=True)
    if errors or (strict and warnings):
        ctx.exit(1)


def vars_of(record) -> dict:
    return {name: getattr(record, name) for name in record.__slots__}


@cli.command("graph")
@vault_argument
@click.option(
    "--format", "fmt", type=click.Choice(["json", "dot", "graphml", "mermaid"]), default="json", show_default=True,
    help="json (the documented contract), dot (Graphviz), graphml (Gephi, yEd, networkx), mermaid.",
)
@no_sync_option
@click.pass_context
def graph_command(ctx: click.Context, vault: Path | None, fmt: str, no_sync: bool) -> None:
    """Print the referral graph: every note as a node, every link as a typed edge.

    \b
    Example:
      vaultkit graph --format json > graph.json
      vaultkit graph --format dot | dot -Tsvg > network.svg
    """
    index, _ = synced_index(ctx, vault, no_sync)
    graph = graph_json(index)
    if fmt == "json":
        click.echo(json.dumps(graph, indent=1, ensure_ascii=False))
    else:
        from .export import FORMATS

        click.echo(FORMATS[fmt](graph), nl=False)


def _note_argument(index: Index, spec: str) -> str:
    """A note named by vault path, file path, or name as in a link (`Ana Lopez`)."""
    candidate = Path(spec)
    if candidate.exists():
        try:
            relative = candidate.resolve().relative_to(index.root.resolve()).as_posix()
        except ValueError:
            raise UsageError(f"{spec}: not inside the vault {index.root}") from None
        if relative in index.file_paths():
            return relative
    found = index.resolver.resolve(spec.removeprefix("[[").removesuffix("]]"), "")
    if found.target is None:
        raise UsageError(f"no note named {spec!r} in {index.root}")
    return found.target


def _print_links(rows, as_json: bool, outgoing: bool) -> None:
    if as_json:
        click.echo(
            json.dumps(
                [
                    {
                        "source": where.source, "target": where.target, "linkpath": link.linkpath,
                        "subpath": link.subpath, "display": link.display, "kind": link.kind,
                        "field": link.field, "line": link.line, "ambiguous": where.ambiguous,
                    }
                    for link, where in rows
                ],
                indent=2, ensure_ascii=False,
            )
        )
        return
    for link, where in rows:
        place = f" [{link.field}]" if link.field else ""
        if outgoing:
            shown = where.target if where.target is not None else f"(unresolved) {link.linkpath}"
            click.echo(f"{where.source}:{link.line}: {shown}{place}  {link.raw}")
        else:
            click.echo(f"{where.source}:{link.line}:{place} {link.raw}")


@cli.command("links")
@click.argument("note")
@no_sync_option
@json_option
@click.pass_context
def links_command(ctx: click.Context, note: str, no_sync: bool, as_json: bool) -> None:
    """What NOTE links to, one line per link.

    \b
    Example:
      vaultkit links "Ana Lopez"
    """
    index, _ = synced_index(ctx, None, no_sync)
    path = _note_argument(index, note)
    _print_links(index.links(source=path), as_json, outgoing=True)


@cli.command("backlinks")
@click.argument("note")
@no_sync_option
@json_option
@click.pass_context
def backlinks_command(ctx: click.Context, note: str, no_sync: bool, as_json: bool) -> None:
    """What links to NOTE, one line per link.

    \b
    Example:
      vaultkit backlinks companies/Acme.md
    """
    index, _ = synced_index(ctx, None, no_sync)
    path = _note_argument(index, note)
    _print_links(index.links(target=path), as_json, outgoing=False)


@cli.command("watch")
@vault_argument
@click.pass_context
def watch_command(ctx: click.Context, vault: Path | None) -> None:
    """Keep the index up to date while files change, until Ctrl-C.

    Syncs every file first (changes made while nothing watched are picked up),
    then applies each burst of changes as it happens, one log line per update.
    Read commands given --no-sync then answer instantly from the fresh index.

    \b
    Example:
      vaultkit watch ~/Networking
    """
    from .watch import run_watch

    run_watch(open_vault_root(vault or ctx.obj["vault"]))


from .site.commands import build_command, serve_command  # noqa: E402 - the site's commands

cli.add_command(build_command)
cli.add_command(serve_command)


def main() -> None:
    cli(prog_name="vaultkit")
