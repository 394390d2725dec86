"""`redline audit`: read and verify the hash-chained audit log."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Read and verify the tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """Walk the whole chain; exit 1 and name the first event whose hash does not match."""
    from redline.cli.output import emit_json, say
    from redline.store import audit

    st = state(ctx)
    with st.store().session() as sess:
        checked, brk = audit.verify(sess)
    if json_out:
        emit_json({"ok": brk is None, "verified": checked, "break": brk.model_dump() if brk else None})
    elif brk is None:
        say(f"audit chain intact: {checked} events verified")
    if brk is not None:
        if not json_out:
            import sys

            sys.stderr.write(
                f"error: audit chain broken at event {brk.seq} ({brk.action}): {brk.reason}; "
                f"{checked} events before it verified\n"
            )
        raise typer.Exit(1)


@app.command("log")
def log(
    ctx: typer.Context,
    limit: Annotated[int, typer.Option(help="How many events, newest first.")] = 50,
    action: Annotated[str | None, typer.Option(help="Only actions starting with this.")] = None,
    actor: Annotated[str | None, typer.Option(help="Only this actor.")] = None,
    subject: Annotated[str | None, typer.Option(help="Only this subject id.")] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """List audit events, newest first."""
    from redline.cli.output import emit_json, table
    from redline.store import audit

    with state(ctx).store().session() as sess:
        events = audit.list_events(sess, limit=limit, action=action, actor=actor, subject=subject)
    if json_out:
        emit_json([e.model_dump(mode="json") for e in events])
        return
    rows = [(e.seq, e.at[:19].replace("T", " "), e.actor, e.action, e.subject, e.hash[:12]) for e in events]
    table("Audit log", ["#", "time (UTC)", "actor", "action", "subject", "hash"], rows)
