"""`redline user password` and `redline user token`: credentials for the web workbench and for CI."""

from __future__ import annotations

import sys
from typing import Annotated

import typer

from redline.cli.context import state

AsUser = Annotated[
    str | None,
    typer.Option("--as", envvar="REDLINE_USER", help="Act as this user (default: REDLINE_USER, or NAME)."),
]

token_app = typer.Typer(help="API tokens for CI (shown once, stored as hashes).", no_args_is_help=True)
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON.")]


def password(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    stdin: Annotated[bool, typer.Option("--stdin", help="Read the password from standard input.")] = False,
    as_user: AsUser = None,
) -> None:
    """Set a user's web password (the user themself, or an admin); their browser sessions end."""
    from redline.cli.output import say
    from redline.program.people.accounts import set_password

    if stdin:
        secret = sys.stdin.readline().rstrip("\n")
    else:
        secret = typer.prompt("New password", hide_input=True, confirmation_prompt=True)
    with state(ctx).store().session() as sess:
        user = set_password(sess, name=name, password=secret, acting=as_user or name)
    say(f"password set for {user.name}")


@token_app.command("create")
def create(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User the token acts as.")],
    label: Annotated[str, typer.Option("--label", help="What the token is for, e.g. 'nightly CI'.")],
    write: Annotated[
        bool, typer.Option("--write", help="May change things (default: read only); never users or tokens.")
    ] = False,
    days: Annotated[int, typer.Option("--days", min=1, max=366, help="Days until the token expires.")] = 90,
    as_user: AsUser = None,
    json_out: JsonOpt = False,
) -> None:
    """Issue an API token; it is printed once and never stored (send it as 'Authorization: Bearer TOKEN')."""
    from redline.cli.output import emit_json
    from redline.program.people.accounts import TokenScope, issue_token

    scope = TokenScope.WRITE if write else TokenScope.READ
    with state(ctx).store().session() as sess:
        issued = issue_token(sess, name=name, label=label, acting=as_user or name, scope=scope, days=days)
    if json_out:
        emit_json(issued.model_dump(mode="json"))
    else:
        sys.stdout.write(issued.token + "\n")
        sys.stderr.write(f"token {issued.record.id} for {name}: copy it now, it is not shown again\n")


@token_app.command("list")
def list_tokens(
    ctx: typer.Context,
    name: Annotated[str | None, typer.Argument(help="User name (default: every user; admins only).")] = None,
    as_user: AsUser = None,
    json_out: JsonOpt = False,
) -> None:
    """List API tokens (never the tokens themselves)."""
    from redline.cli.output import emit_json, table
    from redline.program.people.accounts import list_tokens as tokens

    with state(ctx).store().session() as sess:
        found = tokens(sess, name=name, acting=as_user or name)
    if json_out:
        emit_json([t.model_dump(mode="json") for t in found])
        return
    rows = [
        (
            t.id,
            t.user,
            t.label,
            f"{t.prefix}…",
            t.scope,
            "revoked" if t.revoked else "live",
            t.expires_at,
            t.last_used_at,
        )
        for t in found
    ]
    headers = ["id", "user", "label", "starts", "scope", "state", "expires", "last used"]
    table("API tokens", headers, rows)


@token_app.command("revoke")
def revoke(
    ctx: typer.Context,
    token_id: Annotated[str, typer.Argument(help="Token id (from 'redline user token list').")],
    as_user: AsUser = None,
) -> None:
    """Revoke a token for good (its owner or an admin)."""
    from redline.cli.output import say
    from redline.program.people.accounts import revoke_token

    with state(ctx).store().session() as sess:
        token = revoke_token(sess, token_id=token_id, acting=as_user)
    say(f"revoked {token.id} ({token.label}) of {token.user}")
