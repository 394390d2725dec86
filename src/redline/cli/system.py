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


@app.command("show")
def show_system(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="System name, as in redline.yaml.")],
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON (the whole profile).")] = False,
) -> None:
    """Show a system: its target and its profile (purpose, pack, and how many of each part)."""
    from redline.cli.output import emit_json, say, table
    from redline.engine.profiling import system_profile

    settings = state(ctx).settings()
    system = settings.config.system(name)
    profile = system_profile(settings, name)
    if json_out:
        emit_json(
            {
                "system": system.model_dump(mode="json", exclude={"profile"}),
                "profile": profile.model_dump(mode="json") if profile is not None else None,
                "profile_hash": profile.hash() if profile is not None else None,
            }
        )
        return
    target = system.target
    say(f"System {system.name}: {target.kind} {target.model or ''} {target.base_url or ''}".rstrip())
    if system.description:
        say(system.description)
    if profile is None:
        say("Profile: none; add a `profile:` block to the system in redline.yaml (docs/profiles.md)")
        return
    say(f"Profile: pack {profile.pack or 'none'}, domain {profile.domain or '(not stated)'}")
    say(f"Purpose: {profile.purpose or '(not stated)'}")
    say(f"Hash: {profile.hash()[:12]}")
    table("Profile parts", ["part", "count"], [(k, str(v)) for k, v in profile.counts().items()])
