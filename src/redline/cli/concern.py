"""`redline concern`: raise a concern anonymously; the committee and admins handle the queue.

Raising takes no acting user and stores nothing about who ran it; handlers act with `--as NAME` or
REDLINE_USER, and every handling step is audited with them as actor.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated

import typer

from redline.cli.context import state
from redline.cli.user import AsUser

if TYPE_CHECKING:
    from redline.core.channels.concerns import ConcernStatus

app = typer.Typer(help="Anonymous concerns about the program: raise, read and answer.", no_args_is_help=True)
Json = Annotated[bool, typer.Option("--json", help="Print JSON.")]


@app.command("raise")
def raise_(
    ctx: typer.Context,
    text: Annotated[
        str | None,
        typer.Argument(
            help="Leave it out: the concern is read from stdin, or written in $EDITOR. Given here it "
            "shows in `ps` and shell history (a warning says so)."
        ),
    ] = None,
    about: Annotated[
        str, typer.Option("--about", help="What it is about: program, release_decision, finding or other.")
    ] = "program",
    reference: Annotated[str, typer.Option(help="Optional id it refers to (a release or finding id).")] = "",
    json_out: Json = False,
) -> None:
    """Raise a concern without identifying yourself; prints a claim code, once.

    The text comes from stdin (`redline concern raise < note.txt`) or, at a terminal, from $EDITOR.
    """
    from pydantic import ValidationError

    from redline.cli.output import emit_json
    from redline.core.errors import UsageError
    from redline.program.channels import concerns

    kinds = {k.value for k in concerns.SubjectKind}
    if about not in kinds:
        raise UsageError(f"unknown subject '{about}'; choose one of {', '.join(sorted(kinds))}")
    body = read_private_text(text, what="concern")
    try:
        draft = concerns.ConcernDraft(
            subject_kind=concerns.SubjectKind(about), reference=reference, text=body
        )
    except ValidationError as exc:
        raise UsageError(f"the concern is not valid: {exc.errors()[0]['msg']}") from None
    with state(ctx).store().session() as sess:
        raised = concerns.raise_concern(sess, draft, workspace_access=True)
    if json_out:
        emit_json(raised.model_dump(mode="json"))
        return
    typer.echo(f"raised {raised.concern_id} on {raised.raised_on}")
    typer.echo(f"claim code (shown once; keep it to read answers at {concerns.CLAIM_PATH}):")
    typer.echo(raised.claim_code)


ARGV_WARNING = (
    "warning: text given as an argument is visible to other users (ps) and kept in your shell history; "
    "leave it out to write it in $EDITOR, or pipe it on stdin"
)


def read_private_text(given: str | None, *, what: str) -> str:
    """Text that should not sit on the command line: from stdin when piped, else from $VISUAL/$EDITOR,
    else typed at the terminal. Given as an argument it still works, with a warning on stderr."""
    import sys

    if given is not None and given != "-":
        sys.stderr.write(ARGV_WARNING + "\n")
        return given
    if given == "-" or not sys.stdin.isatty():
        return sys.stdin.read()
    import os

    editor = os.environ.get("VISUAL") or os.environ.get("EDITOR")
    if editor:
        return _from_editor(editor, what=what)
    sys.stderr.write(f"Type the {what}; end with Ctrl-D on a line of its own.\n")
    return sys.stdin.read()


def _from_editor(editor: str, *, what: str) -> str:
    """Open the editor on a file in a private temporary folder; read it back and remove it."""
    import shlex
    import subprocess
    import tempfile
    from pathlib import Path

    from redline.core.errors import UsageError

    with tempfile.TemporaryDirectory(prefix="redline-") as folder:  # mode 0700
        draft = Path(folder) / f"{what}.txt"
        draft.touch(mode=0o600)
        try:
            done = subprocess.run([*shlex.split(editor), str(draft)], check=False)
        except OSError as exc:
            raise UsageError(f"cannot start the editor '{editor}': {exc.strerror}") from None
        if done.returncode != 0:
            raise UsageError(f"the editor '{editor}' exited with {done.returncode}; nothing was sent")
        return draft.read_text(encoding="utf-8")


def _status(value: str) -> ConcernStatus:
    from redline.core.channels.concerns import ConcernStatus
    from redline.core.errors import UsageError

    try:
        return ConcernStatus(value)
    except ValueError:
        choices = ", ".join(s.value for s in ConcernStatus)
        raise UsageError(f"unknown status '{value}'; choose one of {choices}") from None


@app.command("list")
def list_(
    ctx: typer.Context,
    status: Annotated[str | None, typer.Option(help="Only concerns in this status.")] = None,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """The concern queue (committee and admins)."""
    from redline.cli.output import emit_json, table
    from redline.program.channels import concerns

    wanted = _status(status) if status else None
    with state(ctx).store().session() as sess:
        entries = concerns.queue(sess, acting=as_user, status=wanted)
    if json_out:
        emit_json([e.model_dump(mode="json") for e in entries])
        return
    rows = [
        (
            e.concern.id,
            e.concern.raised_on,
            e.concern.subject_kind,
            e.concern.reference,
            e.concern.status,
            f"{e.entries}{' (awaiting reply)' if e.awaiting_reply else ''}",
            e.concern.text[:60],
        )
        for e in entries
    ]
    table("Concerns", ["id", "raised", "about", "reference", "status", "thread", "text"], rows)


def _print_view(view: object) -> None:
    from redline.program.channels.concerns import HandlerView

    assert isinstance(view, HandlerView)
    c = view.concern
    typer.echo(f"{c.id} [{c.status}] about {c.subject_kind}{f' ({c.reference})' if c.reference else ''}")
    typer.echo(f"raised {c.raised_on}, last change {c.updated_on}")
    if c.status_reason:
        typer.echo(f"reason: {c.status_reason}")
    typer.echo("")
    typer.echo(c.text)
    for m in view.thread:
        who = (
            "reporter"
            if m.kind == "reporter"
            else f"{m.handler} as {m.role}{' (signed)' if m.signed else ''}"
        )
        head = f"-- {m.day} {who}" + (f": status {m.status}" if m.status else "")
        typer.echo("")
        typer.echo(head)
        if m.text:
            typer.echo(m.text)


@app.command("show")
def show(
    ctx: typer.Context,
    concern_id: Annotated[str, typer.Argument(help="Concern id.")],
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """One concern and its thread (committee and admins)."""
    from redline.cli.output import emit_json
    from redline.program.channels import concerns

    with state(ctx).store().session() as sess:
        view = concerns.show(sess, concern_id, acting=as_user)
    if json_out:
        emit_json(view.model_dump(mode="json"))
    else:
        _print_view(view)


@app.command("respond")
def respond(
    ctx: typer.Context,
    concern_id: Annotated[str, typer.Argument(help="Concern id.")],
    text: Annotated[str, typer.Argument(help="The answer ('-' reads it from stdin).")],
    sign: Annotated[
        bool, typer.Option("--sign/--no-sign", help="Show your name to the reporter, not only your role.")
    ] = False,
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Answer the reporter; a new concern is acknowledged by the answer (audited)."""
    import sys

    from redline.cli.output import emit_json
    from redline.program.channels import concerns

    body = sys.stdin.read() if text == "-" else text
    with state(ctx).store().session() as sess:
        view = concerns.respond(sess, concern_id, body, acting=as_user, sign=sign)
    if json_out:
        emit_json(view.model_dump(mode="json"))
    else:
        typer.echo(f"answered {concern_id} ({view.concern.status})")


@app.command("status")
def status(
    ctx: typer.Context,
    concern_id: Annotated[str, typer.Argument(help="Concern id.")],
    new_status: Annotated[
        str, typer.Argument(help="acknowledged, investigating, resolved or dismissed.", metavar="STATUS")
    ],
    reason: Annotated[str, typer.Option(help="Why; required to dismiss (the reporter reads it).")] = "",
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Move a concern's status (audited)."""
    from redline.cli.output import emit_json
    from redline.program.channels import concerns

    target = _status(new_status)
    with state(ctx).store().session() as sess:
        view = concerns.set_status(sess, concern_id, target, acting=as_user, reason=reason)
    if json_out:
        emit_json(view.model_dump(mode="json"))
    else:
        typer.echo(f"{concern_id}: {view.concern.status}")


@app.command("link")
def link(
    ctx: typer.Context,
    days: Annotated[int, typer.Option(help="How many days the link stays valid.", min=1, max=90)] = 14,
    base_url: Annotated[
        str, typer.Option(help="The workbench's address, to print a full link.")
    ] = "http://127.0.0.1:8000",
    as_user: AsUser = None,
    json_out: Json = False,
) -> None:
    """Issue a one-time link to raise a concern without an account (admins; shown once)."""
    from redline.cli.output import emit_json
    from redline.program.channels import concerns

    with state(ctx).store().session() as sess:
        issued = concerns.issue_link(sess, acting=as_user, days=days)
    url = base_url.rstrip("/") + issued.path
    if json_out:
        emit_json({**issued.model_dump(mode="json"), "url": url})
    else:
        typer.echo(
            f"one-time link {issued.link.id}, valid until {issued.link.expires_at:%Y-%m-%d %H:%M} UTC:"
        )
        typer.echo(url)
