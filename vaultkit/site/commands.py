"""`vaultkit build` and `vaultkit serve`: thin click commands over `vaultkit.site`.

Registered on the main group in vaultkit/cli.py; errors the user can cause are
`VaultkitError`s, which the group prints as one line (exit 2).
"""

from __future__ import annotations

import json
from pathlib import Path

import click

from ..cli import DAY, progress_line
from .build import Site

vault_argument = click.argument("vault", required=False, type=click.Path(file_okay=False, path_type=Path))
out_option = click.option(
    "-o", "--out", type=click.Path(file_okay=False, path_type=Path),
    help="The site folder. Default: _site/ in the vault (the `output` setting of vaultkit.yml).",
)
share_option = click.option(
    "--share", is_flag=True,
    help="Publish only notes with `publish: true`, and leave out the fields `site.redact` names.",
)
today_option = click.option("--today", type=DAY, help="The date the agenda counts from (default: today).")


def _vault(ctx: click.Context, vault: Path | None) -> Path | None:
    return vault or (ctx.obj or {}).get("vault")


@click.command("build")
@vault_argument
@out_option
@share_option
@click.option("--dry-run", is_flag=True, help="List exactly what would be published, and write nothing.")
@today_option
@click.option("--json", "as_json", is_flag=True, help="Print JSON for scripts.")
@click.pass_context
def build_command(ctx: click.Context, vault: Path | None, out: Path | None, share: bool, dry_run: bool,
                  today, as_json: bool) -> None:
    """Build the static site: open it from disk or put it on any static host.

    Private notes (`private: true`, or in a private folder) never reach the site;
    email and phone are left out unless vaultkit.yml shows them.

    \b
    Example:
      vaultkit build ~/Networking -o ~/network-site
      vaultkit build --share --dry-run
    """
    show = progress_line() if not dry_run else None
    site = Site(_vault(ctx, vault), out, share=share, today=today and today.isoformat(), progress=show)
    ctx.call_on_close(site.close)
    if dry_run:
        publication = site.publication()
        if as_json:
            click.echo(json.dumps(
                {"notes": [{"path": p, "output": o} for p, o in publication.notes],
                 "attachments": [{"path": p, "output": o} for p, o in publication.attachments],
                 "hidden_fields": publication.hidden_fields,
                 "kept_out": [{"path": p, "reason": r} for p, r in publication.kept_out]}, indent=2, ensure_ascii=False))
            return
        for path, output in publication.notes:
            click.echo(f"{path} -> {output}")
        for path, output in publication.attachments:
            click.echo(f"{path} -> {output}")
        for path, reason in publication.kept_out:
            click.echo(f"{path}: kept out: {reason}")
        click.echo(
            f"would publish {len(publication.notes):,} notes and {len(publication.attachments):,} attachments "
            f"to {site.out}; {len(publication.kept_out):,} private notes kept out; "
            f"fields left out: {', '.join(publication.hidden_fields) or 'none'}",
            err=True,
        )
        return
    report = site.build()
    if show:
        show("")  # the progress line, cleared
    if as_json:
        data = {k: v for k, v in vars(report).items()}
        click.echo(json.dumps(data, indent=2))
    else:
        click.echo(f"Built {report.summary()}")
        click.echo(f"Open {(site.out / 'index.html').as_uri()}")


@click.command("serve")
@vault_argument
@out_option
@share_option
@click.option("--port", type=int, default=8000, show_default=True, help="Port on 127.0.0.1; 0 picks a free one.")
@today_option
@click.pass_context
def serve_command(ctx: click.Context, vault: Path | None, out: Path | None, share: bool, port: int,
                  today) -> None:
    """Build the site, serve it on 127.0.0.1, and rebuild and reload as notes change.

    Only the pages a change affects are rendered again. Stop with Ctrl-C.

    \b
    Example:
      vaultkit serve ~/Networking --port 0
    """
    from .serve import serve

    site = Site(_vault(ctx, vault), out, share=share, today=today and today.isoformat(), incremental=True)
    ctx.call_on_close(site.close)
    serve(site, port=port, echo=click.echo)
