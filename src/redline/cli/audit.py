"""`redline audit`: read and verify the hash-chained audit log."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from redline.cli.context import state

app = typer.Typer(help="Read and verify the tamper-evident audit log.", no_args_is_help=True)


@app.command("verify")
def verify(
    ctx: typer.Context,
    checkpoints: Annotated[
        Path | None,
        typer.Option("--checkpoints", help="Checkpoint file (JSON lines) to check the chain against."),
    ] = None,
    public_key: Annotated[
        Path | None, typer.Option("--public-key", help="Public key (PEM) that signed the checkpoints.")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Walk the whole chain; exit 1 and name the first event whose hash does not match.

    With --checkpoints and --public-key, also exit 1 when an event at or before a signed checkpoint
    was rewritten, or the log ends before the newest checkpoint's event (events were removed).
    """
    from redline.cli.output import emit_json, say
    from redline.core.errors import UsageError
    from redline.program.register import audit_anchor

    if (checkpoints is None) != (public_key is None):
        raise UsageError("--checkpoints and --public-key go together")
    anchors = audit_anchor.read_checkpoints(checkpoints, public_key) if checkpoints and public_key else []
    st = state(ctx)
    with st.store().session() as sess:
        result = audit_anchor.verify_checkpoints(sess, anchors)
    checked, brk, mismatch = result.verified, result.brk, result.mismatch
    if json_out:
        emit_json(
            {
                "ok": result.ok,
                "verified": checked,
                "break": brk.model_dump() if brk else None,
                "checkpoints": result.checkpoints,
                "checkpoint_mismatch": mismatch.reason if mismatch else None,
            }
        )
    elif result.ok:
        anchored = f"; matches {result.checkpoints} signed checkpoint(s)" if anchors else ""
        say(f"audit chain intact: {checked} events verified{anchored}")
    if not result.ok:
        if not json_out:
            import sys

            if brk is not None:
                sys.stderr.write(
                    f"error: audit chain broken at event {brk.seq} ({brk.action}): {brk.reason}; "
                    f"{checked} events before it verified\n"
                )
            elif mismatch is not None:
                sys.stderr.write(f"error: audit log does not match its checkpoints: {mismatch.reason}\n")
        raise typer.Exit(1)


@app.command("keygen")
def keygen(
    ctx: typer.Context,
    key: Annotated[
        Path | None,
        typer.Option(
            "--key",
            help="Where to create the private key (default: REDLINE_AUDIT_KEY, audit.key, "
            "~/.config/redline/audit-signing.key).",
        ),
    ] = None,
) -> None:
    """Create the Ed25519 key that signs audit checkpoints (0600), and its public key (<key>.pub)."""
    import os

    from redline.cli.output import say
    from redline.program.register import audit_anchor

    configured = state(ctx).settings().config.audit.key if _in_workspace(ctx) else None
    path = audit_anchor.key_path(key, env=os.environ, configured=configured)
    public = audit_anchor.generate_key(path)
    say(f"signing key: {path} (keep it off the database host's backups)\npublic key: {public}")


def _in_workspace(ctx: typer.Context) -> bool:
    from redline.core.errors import WorkspaceNotFoundError

    try:
        state(ctx).settings()
    except WorkspaceNotFoundError:
        return False
    return True


@app.command("checkpoint")
def checkpoint(
    ctx: typer.Context,
    to: Annotated[Path | None, typer.Option("--to", help="Append the checkpoint to this file.")] = None,
    webhook: Annotated[
        str | None, typer.Option("--webhook", help="POST the checkpoint as JSON to this URL.")
    ] = None,
    key: Annotated[
        Path | None, typer.Option("--key", help="Signing key (created on first use, 0600).")
    ] = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Sign the chain's head (event, hash, time) with a key outside the database and write it out.

    Run it from cron after busy hours; `audit verify --checkpoints FILE --public-key KEY.pub` then
    catches rewritten or removed events.
    """
    import os

    from redline.cli.output import emit_json, say
    from redline.program.register import audit_anchor

    st = state(ctx)
    settings = st.settings()
    path = audit_anchor.key_path(key, env=os.environ, configured=settings.config.audit.key)
    with st.store().session() as sess:
        written = audit_anchor.write_checkpoint(
            sess,
            key=path,
            workspace=settings.config.name,
            actor=settings.actor,
            to_file=to,
            webhook=webhook,
        )
    if json_out:
        emit_json({**written.checkpoint.model_dump(), "destination": written.destination})
        return
    if written.key_created:
        say(f"created signing key {path} and {audit_anchor.public_path(path)}")
    say(f"checkpoint {written.checkpoint.summary()} written to {written.destination}")


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
