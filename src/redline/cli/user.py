"""`redline user`: accounts and their roles (the CLI acts as `--as NAME` or REDLINE_USER)."""

from __future__ import annotations

from typing import Annotated

import typer

from redline.cli.context import state

AsUser = Annotated[
    str | None,
    typer.Option("--as", envvar="REDLINE_USER", help="Act as this user (default: REDLINE_USER)."),
]
"""The acting user option shared by every command that changes state."""

app = typer.Typer(help="Accounts and roles.", no_args_is_help=True)
RoleOption = Annotated[list[str], typer.Option("--role", help="A role (repeat, or separate with commas).")]


@app.command("add")
def add(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    role: RoleOption,
    email: Annotated[str | None, typer.Option(help="E-mail address.")] = None,
    as_user: AsUser = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Add an account. An admin adds users; the first user may be added by anyone and must be an admin."""
    from redline.cli.output import emit_json
    from redline.program.people.users import add_user, parse_roles

    st = state(ctx)
    with st.store().session() as sess:
        user = add_user(
            sess,
            name=name,
            roles=parse_roles(role),
            email=email,
            acting=as_user,
            fallback_actor=st.settings().actor,
        )
    if json_out:
        emit_json(user.model_dump(mode="json"))
    else:
        typer.echo(f"added {user.name} ({', '.join(sorted(r.value for r in user.roles))})")


@app.command("role")
def role(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    roles: Annotated[
        list[str], typer.Option("--set", help="The new roles (repeat, or separate with commas).")
    ],
    as_user: AsUser = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Replace a user's roles (admins only; the last admin keeps the admin role)."""
    from redline.cli.output import emit_json
    from redline.program.people.users import parse_roles, set_user_roles

    with state(ctx).store().session() as sess:
        user = set_user_roles(sess, name=name, roles=parse_roles(roles), acting=as_user)
    if json_out:
        emit_json(user.model_dump(mode="json"))
    else:
        typer.echo(f"{user.name}: {', '.join(sorted(r.value for r in user.roles))}")


@app.command("deactivate")
def deactivate(
    ctx: typer.Context,
    name: Annotated[str, typer.Argument(help="User name.")],
    as_user: AsUser = None,
    json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False,
) -> None:
    """Deactivate an account (admins only): it cannot sign in or act; its sessions and tokens end."""
    from redline.cli.output import emit_json
    from redline.program.people.users import deactivate_user

    with state(ctx).store().session() as sess:
        done = deactivate_user(sess, name=name, acting=as_user)
    if json_out:
        emit_json(done.model_dump(mode="json"))
    else:
        typer.echo(
            f"deactivated {done.user.name}: {done.sessions_ended} session(s) ended, "
            f"{done.tokens_revoked} token(s) revoked"
        )


@app.command("list")
def list_users(
    ctx: typer.Context, json_out: Annotated[bool, typer.Option("--json", help="Print JSON.")] = False
) -> None:
    """List accounts and their roles."""
    from redline.cli.output import emit_json, table
    from redline.program.people.users import list_users as users

    with state(ctx).store().session() as sess:
        found = users(sess)
    if json_out:
        emit_json([u.model_dump(mode="json") for u in found])
        return
    rows = [
        (u.name, ", ".join(sorted(r.value for r in u.roles)), u.email, "yes" if u.active else "no")
        for u in found
    ]
    table("Users", ["name", "roles", "email", "active"], rows)


def _credentials() -> None:
    """Register `user password` and `user token` (kept in cli/account.py)."""
    from redline.cli import account

    app.command("password")(account.password)
    app.add_typer(account.token_app, name="token")


_credentials()
