"""`redline demo`: the whole story on the embedded default, offline."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state


def demo(
    ctx: typer.Context,
    folder: Annotated[Path, typer.Option("--dir", help="Workspace folder for the demo.")] = Path(
        "demo-workspace"
    ),
) -> None:
    """Create a demo workspace and show what it holds (grows into a full offline round)."""
    from redline.catalog.loader import load_catalog
    from redline.cli.output import say, table
    from redline.program.workspace import init_workspace
    from redline.store import audit

    result = init_workspace(folder, name="redline-demo")
    st = state(ctx)
    st.workspace = result.settings.workspace
    catalog = load_catalog(result.settings.workspace / "catalog")
    rows = [(t.id, t.harm_category, int(t.default_severity)) for t in catalog.threats()]
    table(f"Threat catalog ({len(rows)} threats)", ["id", "category", "severity"], rows)
    with st.store().session() as sess:
        checked, brk = audit.verify(sess)
    say(f"Workspace: {result.settings.workspace}")
    say(f"Audit chain: {checked} events, {'intact' if brk is None else 'BROKEN at ' + str(brk.seq)}")
