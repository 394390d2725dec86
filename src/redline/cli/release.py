"""`redline release`: versions of the systems under test."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Releases of the systems under test.", no_args_is_help=True)


@app.command("add")
def add(
    ctx: typer.Context,
    system: Annotated[str, typer.Argument(help="System name from redline.yaml.")],
    version: Annotated[str, typer.Argument(help="Release label, e.g. 1.0 or 2026-11-rc1.")],
    model: Annotated[str | None, typer.Option(help="Model of this release (default: the system's).")] = None,
    system_prompt: Annotated[str | None, typer.Option(help="System prompt of this release.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Declare a release of a system (its target configuration is recorded with it)."""
    from redline.cli.output import emit_json, say
    from redline.program.register.releases import add_release

    st = state(ctx)
    settings = st.settings()
    rel = add_release(
        st.store(),
        settings,
        system=system,
        version=version,
        model=model,
        system_prompt=system_prompt,
        actor=settings.actor,
    )
    if json_out:
        emit_json(rel)
    else:
        say(f"{system}@{rel.version}  {rel.id}  fingerprint {rel.config_fingerprint[:12]}")


@app.command("list")
def list_releases(
    ctx: typer.Context,
    system: Annotated[str | None, typer.Option(help="Only this system's.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List releases, oldest first."""
    from redline.cli.output import emit_json, table
    from redline.program.register.releases import list_releases as read

    found = read(state(ctx).store(), system=system)
    if json_out:
        emit_json([{"label": label, **rel.model_dump(mode="json")} for label, rel in found])
        return
    rows = [
        (label, rel.id, rel.model.name, rel.config_fingerprint[:12], rel.created_at) for label, rel in found
    ]
    table("Releases", ["release", "id", "model", "fingerprint", "created"], rows)
