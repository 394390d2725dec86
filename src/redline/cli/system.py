"""`redline system`: the systems under test declared in the workspace."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Systems under test.", no_args_is_help=True)


@app.command("list")
def list_systems(
    ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List the systems declared in redline.yaml (secrets are only ever named, never shown)."""
    from redline.cli.output import emit_json, table

    systems = state(ctx).settings().config.systems
    if json_out:
        emit_json([s.model_dump(mode="json") for s in systems])
        return
    rows = [
        (s.name, s.target.kind, s.target.model or "", s.target.base_url or "", s.description) for s in systems
    ]
    table("Systems under test", ["name", "target", "model", "base URL", "description"], rows)
