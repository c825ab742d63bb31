"""The command line: a thin click layer over the Python API.

Each command parses its options, calls the library, and prints. Errors the user
can cause (`VaultkitError`) become one line on stderr and exit code 2; anything
else is reported as an internal error, never as a traceback.
"""

from __future__ import annotations

import atexit
import json
import os
import re
import sqlite3
import sys
from collections.abc import Callable, Mapping
from datetime import date
from pathlib import Path

import click

from . import __version__
from .errors import UsageError, VaultkitError
from .graph import graph_json, write_graph_json
from .index import OPENED, Index, is_damage, remove_index, sync_progress
from .vault import open_vault_root

EXIT_INTERNAL = 70


# Commands whose modules are heavy to import (the site pulls in Jinja2, nh3 and its
# pages): loaded only when used, so every other command starts faster.
LAZY_COMMANDS = {
    "build": ("vaultkit.site.commands", "build_command"),
    "serve": ("vaultkit.site.commands", "serve_command"),
}


class Group(click.Group):
    def list_commands(self, ctx: click.Context) -> list[str]:
        return sorted({*super().list_commands(ctx), *LAZY_COMMANDS})

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name in LAZY_COMMANDS and name not in self.commands:
            import importlib

            module, attribute = LAZY_COMMANDS[name]
            return getattr(importlib.import_module(module), attribute)
        return super().get_command(ctx, name)

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        ctx.meta["vaultkit.args"] = list(args)  # for running the command again (`invoke`)
        return super().parse_args(ctx, args)

    def invoke(self, ctx: click.Context):
        # The index is a cache: a damaged page that a command's reads meet (the sync
        # rebuilds what it meets itself) costs the index, rebuilt by running the command
        # again, once, when it has printed nothing yet.
        output = _Output(sys.stdout)
        sys.stdout = output
        try:
            try:
                return self._invoke(ctx, damage_allowed=True)
            except _Damaged as damaged:
                for path in sorted(OPENED):
                    remove_index(path)
                where = ", ".join(str(path) for path in sorted(OPENED)) or "the index"
                OPENED.clear()
                if output.written:
                    click.echo(
                        f"vaultkit: error: {where}: damaged index ({damaged.error}); removed it, and the output "
                        "above is incomplete: run the command again to rebuild the index",
                        err=True,
                    )
                    ctx.exit(2)
                click.echo(f"vaultkit: warning: {where}: damaged index ({damaged.error}); rebuilding it", err=True)
                self.parse_args(ctx, ctx.meta["vaultkit.args"])
                return self._invoke(ctx, damage_allowed=False)
        finally:
            if sys.stdout is output:
                sys.stdout = output.stream

    def _invoke(self, ctx: click.Context, damage_allowed: bool):
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
        except sqlite3.Error as error:
            if damage_allowed and is_damage(error):
                raise _Damaged(error) from None
            # Locked for longer than the busy timeout, a full disk, damage again after a rebuild.
            where = ", ".join(str(path) for path in sorted(OPENED)) or "the index"
            click.echo(f"vaultkit: error: {where}: {error}", err=True)
            ctx.exit(2)
        except OSError as error:
            if error.filename is None:
                raise
            # A file or folder the command must read or write and cannot (a read-only site
            # folder, a full disk): the user can fix that, given its name.
            click.echo(f"vaultkit: error: {error.filename}: {error.strerror or error}", err=True)
            ctx.exit(2)
        except Exception as error:  # noqa: BLE001 - the last line of defence
            if os.environ.get("VAULTKIT_DEBUG"):
                raise
            click.echo(
                f"vaultkit: internal error: {type(error).__name__}: {error} "
                "(this is a bug; run again with VAULTKIT_DEBUG=1 for details)",
                err=True,
            )
            ctx.exit(EXIT_INTERNAL)


class _Damaged(Exception):
    """A read met a damaged page of the index."""

    def __init__(self, error: sqlite3.DatabaseError):
        super().__init__(str(error))
        self.error = error


class _Output:
    """sys.stdout, noting whether a command has written to it (see `Group.invoke`)."""

    def __init__(self, stream):
        self.stream = stream
        self.written = False

    def write(self, text):
        if text:
            self.written = True
        return self.stream.write(text)

    def writelines(self, lines):
        for line in lines:
            self.write(line)

    def __getattr__(self, name: str):
        return getattr(self.stream, name)


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


def open_index(ctx: click.Context, vault: Path | None = None, in_memory: bool = True) -> Index:
    root = open_vault_root(vault or ctx.obj["vault"])
    index = Index.open(root, in_memory=in_memory)
    ctx.call_on_close(index.close)
    return index


def synced_index(ctx: click.Context, vault: Path | None = None, no_sync: bool = False, full: bool = False,
                 in_memory: bool = True):
    """The index, synced unless `no_sync` (and it holds something: a new or rebuilt index
    is synced anyway, an empty one answers nothing). `in_memory`: see `Index.open`."""
    index = open_index(ctx, vault, in_memory)
    if no_sync and not index.is_empty():
        for warning in index.warnings:
            click.echo(f"vaultkit: warning: {warning}", err=True)
        return index, None
    show = progress_line()
    report = index.sync(full=full, progress=show and sync_progress(show))
    if show:
        show("")  # the progress line, cleared
    for warning in report.warnings:
        click.echo(f"vaultkit: warning: {warning}", err=True)
    return index, report


def progress_line() -> Callable[[str], None] | None:
    """Where a long command says what it is at: one line of stderr, rewritten in place;
    None when stderr is not a terminal (a script or a log gets only the result)."""
    if not sys.stderr.isatty():
        return None

    def show(message: str) -> None:
        click.echo(f"\r\x1b[K{message}", err=True, nl=False)

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
    _, report = synced_index(ctx, vault, full=full, in_memory=False)  # (an index only in memory: no use here)
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
    if fmt == "json":
        write_graph_json(index, sys.stdout)
    else:
        from .export import FORMATS

        click.echo(FORMATS[fmt](graph_json(index)), nl=False)


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





# -- the networking campaign: agenda, path, stats, new ------------------------------------
class Day(click.ParamType):
    """A `--today` date, YYYY-MM-DD, within the years date arithmetic (a week or a year
    later, a campaign's start) cannot overflow: every command's `--today` is this one."""

    name = "YYYY-MM-DD"
    first, last = date(1900, 1, 1), date(9000, 12, 31)

    def convert(self, value, param, ctx) -> date:
        if isinstance(value, date):
            return value
        text = str(value).strip()
        try:
            if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text):  # (fromisoformat also takes 2026-W49-1)
                raise ValueError
            day = date.fromisoformat(text)
        except ValueError:
            self.fail(f"{value!r} is not a date written YYYY-MM-DD (as 2026-12-05)", param, ctx)
        if not self.first <= day <= self.last:
            self.fail(f"{value!r} is outside the dates vaultkit counts with ({self.first} to {self.last})", param, ctx)
        return day


DAY = Day()
today_option = click.option(
    "--today", type=DAY, default=None,
    help="Answer as of this date (YYYY-MM-DD) instead of today: reproducible output.",
)


def campaign(ctx: click.Context, vault: Path | None, no_sync: bool, today):
    """The synced index, its snapshot, and the network as of `today`."""
    from .network import build_network
    from .snapshot import load_snapshot

    index, _ = synced_index(ctx, vault, no_sync)
    snapshot = load_snapshot(index)
    day = today if today is not None else date.today()
    return index, snapshot, build_network(snapshot, index.config.schema, day)


class _NoteTexts(Mapping):
    """Note path -> its text, read when asked for: the agenda looks at each note once,
    and holding them all cost a third of its peak memory at 50,000 notes."""

    def __init__(self, root: Path, paths: list[str]):
        self.root, self.paths = root, paths

    def __getitem__(self, path: str) -> str:
        try:
            return (self.root / path).read_text(encoding="utf-8", errors="replace")
        except OSError:
            return ""  # gone since the sync: nothing to find in it

    def __iter__(self):
        return iter(self.paths)

    def __len__(self) -> int:
        return len(self.paths)


@cli.command("agenda")
@vault_argument
@today_option
@no_sync_option
@json_option
@click.pass_context
def agenda_command(ctx: click.Context, vault: Path | None, today, no_sync: bool, as_json: bool) -> None:
    """What to do next: thank-yous owed, upcoming interviews, follow-ups, next names, dead ends, hygiene.

    \b
    Example:
      vaultkit agenda
      vaultkit agenda --today 2026-12-05 --json
    """
    from .agenda import agenda, format_agenda, mention_candidates

    index, snapshot, network = campaign(ctx, vault, no_sync, today)
    items = agenda(network, _NoteTexts(index.root, mention_candidates(network)))
    if as_json:
        click.echo(json.dumps([item.to_json() for item in items], indent=2, ensure_ascii=False))
    else:
        click.echo(format_agenda(items, network.today), nl=False)


@cli.command("path")
@click.argument("target")
@click.option("--limit", default=5, show_default=True, help="How many paths to show (0: all).")
@today_option
@no_sync_option
@json_option
@click.pass_context
def path_command(ctx: click.Context, target: str, limit: int, today, no_sync: bool, as_json: bool) -> None:
    """Ranked introduction paths from you to a person, or to the people you can reach at a company.

    \b
    Example:
      vaultkit path "Harbor Bank"
      vaultkit path "Leo Martins" --json
    """
    from .paths import format_paths, paths_to

    index, _, network = campaign(ctx, None, no_sync, today)
    note = _note_argument(index, target)
    if network.profile is None:
        raise UsageError("no profile note (me.md, or a note with `type: profile`): paths start from you")
    if network.types.get(note) not in ("contact", "company"):
        raise UsageError(f"{note} is not a contact or a company note")
    found = paths_to(network, note, limit)
    if as_json:
        click.echo(json.dumps([p.to_json(network) for p in found], indent=2, ensure_ascii=False))
    else:
        click.echo(format_paths(network, note, found), nl=False)


@cli.command("stats")
@vault_argument
@today_option
@no_sync_option
@json_option
@click.pass_context
def stats_command(ctx: click.Context, vault: Path | None, today, no_sync: bool, as_json: bool) -> None:
    """Network size by degree, interviews per week, referral yield, conversion, top connectors.

    \b
    Example:
      vaultkit stats --json
    """
    from .stats import campaign_stats, format_stats

    _, _, network = campaign(ctx, vault, no_sync, today)
    stats = campaign_stats(network)
    click.echo(json.dumps(stats, indent=2, ensure_ascii=False) if as_json else format_stats(stats), nl=not as_json)


@cli.command("new")
@click.argument("note_type", metavar="TYPE", type=click.Choice(["contact", "interview", "company", "event", "lead"]))
@click.argument("name", required=False)
@click.option("--field", "fields", multiple=True, metavar="KEY=VALUE", help="Set a front matter field (repeatable).")
@click.option("--from-link", "from_link", metavar="NAME", help="Turn a prospect named in an interview's referrals into a contact.")
@no_sync_option
@click.pass_context
def new_command(ctx, note_type: str, name: str | None, fields, from_link: str | None, no_sync: bool) -> None:
    """Create a note from the vault's template (templates/Contact.md, ...), never overwriting.

    \b
    Example:
      vaultkit new contact "Ana Lopez" --field company="[[Acme]]"
      vaultkit new interview "Ana Lopez" --field date=2026-12-01
      vaultkit new contact --from-link "Fatima Said"
    """
    from datetime import datetime

    from .new import file_name, find_template, parse_field_options, plan_note, prospect_fields, write_new_note

    values = parse_field_options(fields)
    if from_link:
        if note_type != "contact":
            raise UsageError("--from-link makes a contact: vaultkit new contact --from-link NAME")
        index, _, network = campaign(ctx, None, no_sync, None)
        name, prospect = prospect_fields(network, from_link)
        values = {**prospect, **values}
    elif not name:
        raise UsageError("name the note: vaultkit new TYPE NAME")
    else:
        file_name(name)  # a name it refuses, refused before the index is touched
        index, _ = synced_index(ctx, None, no_sync)
    root, schema = index.root, index.config.schema
    relative, text = plan_note(schema, note_type, name, find_template(root, schema, note_type), values, datetime.now())
    write_new_note(root, relative, text, index.config)
    click.echo(relative)


def main() -> None:
    """The console script. It exits without tearing the interpreter down (as mypy does):
    freeing what a command built, a site's plan of millions of objects at 10k notes,
    costs a fifth of a second and serves no one. Click has closed the command's
    resources by then (the index among them); exit handlers run and stdio is flushed here."""
    try:
        cli(prog_name="vaultkit")
        code = 0
    except SystemExit as done:
        if done.code is None or isinstance(done.code, int):
            code = done.code or 0
        else:
            print(done.code, file=sys.stderr)
            code = 1
    # What the interpreter's exit would still do that matters: the exit handlers
    # (multiprocessing stops any child a failed build left, logging flushes), then stdio.
    atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr):
        try:
            stream.flush()
        except (OSError, ValueError):
            pass  # a closed pipe: nothing more can reach the reader anyway
    os._exit(code)
