"""`redline db`: schema migrations of the workspace's store."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Database schema: upgrade and inspect.", no_args_is_help=True)


@app.command("upgrade")
def upgrade(ctx: typer.Context) -> None:
    """Apply pending migrations (opening a workspace does this too)."""
    from redline.cli.output import say
    from redline.store.session import make_engine
    from redline.store.session import upgrade as do_upgrade

    engine = make_engine(state(ctx).settings().database_url)
    try:
        rev = do_upgrade(engine)
    finally:
        engine.dispose()
    say(f"database at revision {rev}")


@app.command("current")
def current(
    ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Show the schema revision of the database and the newest one shipped."""
    from sqlalchemy.engine import make_url

    from redline.cli.output import emit_json, say
    from redline.store.session import current_revision, head_revision, make_engine

    settings = state(ctx).settings()
    engine = make_engine(settings.database_url)
    try:
        rev = current_revision(engine)
    finally:
        engine.dispose()
    info = {
        "database": make_url(settings.database_url).render_as_string(hide_password=True),
        "revision": rev,
        "head": head_revision(),
    }
    if json_out:
        emit_json(info)
    else:
        say(f"{info['database']}: revision {rev or 'none'} (newest: {info['head']})")
