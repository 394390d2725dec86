"""`redline attacks`: browse the attack library (techniques and converters) and preview cases."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(
    help="Browse the attack library: techniques, converters, and the cases they make.", no_args_is_help=True
)


@app.command("list")
def list_attacks(
    threat: Annotated[
        str | None, typer.Option("--threat", help="Only those exercising this threat id.")
    ] = None,
    kind: Annotated[str | None, typer.Option("--kind", help="Only 'technique' or 'converter'.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List registered techniques and converters with their threats, parameters and source."""
    from redline.attacks.base import PluginKind
    from redline.attacks.registry import catalogue
    from redline.cli.output import emit_json, table
    from redline.core.errors import UsageError

    try:
        wanted = PluginKind(kind) if kind else None
    except ValueError:
        raise UsageError(f"--kind must be 'technique' or 'converter', not '{kind}'") from None
    items = catalogue(threat=threat, kind=wanted)
    if json_out:
        emit_json([i.model_dump(mode="json") for i in items])
        return
    rows = [
        (
            i.name,
            i.technique_kind.value if i.technique_kind else i.kind.value,
            ", ".join(i.threats),
            ", ".join(i.defaults),
        )
        for i in items
    ]
    table(f"Attack library ({len(rows)})", ["name", "kind", "threats", "parameters"], rows)


@app.command("show")
def show(
    name: Annotated[str, typer.Argument(help="Technique or converter name.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Show one technique or converter: summary, threats, source and parameter schema."""
    from redline.attacks.registry import describe
    from redline.cli.output import emit_json, say
    from redline.config.yamlio import dump_yaml

    info = describe(name)
    if json_out:
        emit_json(info.model_dump(mode="json"))
    else:
        say(dump_yaml(info.model_dump(mode="json", exclude={"params"})))


@app.command("preview")
def preview(
    ctx: typer.Context,
    technique: Annotated[str, typer.Argument(help="Technique name.")],
    seeds: Annotated[
        str | None, typer.Option("--seeds", help="Seed set (default: the technique's own).")
    ] = None,
    converter: Annotated[
        list[str] | None, typer.Option("--converter", "-c", help="Converter spec, repeatable.")
    ] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, help="Seeds to draw.")] = 2,
    seed: Annotated[int, typer.Option("--seed", help="Random seed.")] = 0,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Build the cases a playbook step would make, without sending anything."""
    from redline.attacks.planning import build_cases
    from redline.attacks.registry import describe
    from redline.attacks.seeds.library import SeedLibrary
    from redline.cli.output import emit_json, say
    from redline.core.catalog.threats import AutomatedStep

    info = describe(technique)
    step = AutomatedStep(
        technique=technique,
        seeds=seeds or info.default_seeds or "",
        converters=tuple(converter or ()),
        sample_size=limit,
    )
    cases = list(build_cases([step], seed=seed, library=SeedLibrary.load(workspace_or_none(ctx))))
    if json_out:
        emit_json([c.model_dump(mode="json") for c in cases])
        return
    for case in cases:
        say(f"[bold]{case.id}[/bold]  seed={case.seed_id}  threats={', '.join(case.threat_ids)}")
        for msg in case.conversation.messages:
            say(f"  {msg.role.value}: {msg.content}")
        say("")


def workspace_or_none(ctx: typer.Context) -> Path | None:
    """The workspace folder if one is found, else None (shipped seed sets only)."""
    from redline.core.errors import WorkspaceNotFoundError

    try:
        return state(ctx).settings().workspace
    except WorkspaceNotFoundError:
        return None
