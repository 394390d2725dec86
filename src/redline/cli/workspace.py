"""`redline init`: create a workspace."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state


def init(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Argument(help="Folder to create the workspace in.")] = Path(),
    name: Annotated[str | None, typer.Option(help="Program name (default: the folder's name).")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print the result as JSON.")] = False,
) -> None:
    """Create a workspace: redline.yaml, catalog/, playbooks/, policies/ and the .redline/ database."""
    from redline.cli.output import emit_json, say
    from redline.program.workspace import init_workspace

    result = init_workspace(folder, name=name)
    st = state(ctx)
    ws = result.settings.workspace
    if json_out:
        emit_json({"workspace": str(ws), "created": result.created, "name": result.settings.config.name})
    elif not st.quiet:
        verb = "Created" if result.created else "Workspace already exists at"
        say(f"{verb} {ws}")
        say(f"Next: redline --workspace {ws} catalog list")
