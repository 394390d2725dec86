"""`redline catalog`: browse the threat catalog."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Browse the threat catalog.", no_args_is_help=True)


@app.command("list")
def list_threats(
    ctx: typer.Context,
    category: Annotated[str | None, typer.Option(help="Only this harm category.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List the threats in force (shipped plus the workspace's own)."""
    from redline.catalog.loader import load_catalog
    from redline.cli.output import emit_json, table

    catalog = load_catalog(state(ctx).settings().workspace / "catalog")
    threats = [t for t in catalog.threats() if category is None or t.harm_category == category]
    if json_out:
        emit_json([t.model_dump(mode="json") for t in threats])
        return
    rows = [
        (t.id, t.title, t.harm_category, int(t.default_severity), ", ".join(m.id for m in t.mappings))
        for t in threats
    ]
    table(f"Threat catalog ({len(rows)} threats)", ["id", "title", "category", "severity", "maps to"], rows)


@app.command("show")
def show(
    ctx: typer.Context,
    threat_id: Annotated[str, typer.Argument(help="Threat id.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one threat with its standards mappings."""
    from redline.catalog.loader import load_catalog
    from redline.cli.output import emit_json, say
    from redline.yamlio import dump_yaml

    threat = load_catalog(state(ctx).settings().workspace / "catalog").get(threat_id)
    if json_out:
        emit_json(threat.model_dump(mode="json"))
    else:
        say(dump_yaml(threat.model_dump(mode="json", exclude_defaults=True)))
