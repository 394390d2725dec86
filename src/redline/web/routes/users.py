"""Accounts and roles, for admins."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, Field

from redline.core.people.users import Role, User
from redline.program.people import accounts
from redline.program.people import users as users_program
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class NewUser(BaseModel):
    """An account to add."""

    name: str = Field(min_length=1, max_length=200, pattern=r"^[A-Za-z0-9][A-Za-z0-9_.@-]*$")
    roles: list[Role] = Field(min_length=1, description="Roles of the account.")
    email: str | None = Field(default=None, max_length=320)
    password: str | None = Field(default=None, min_length=accounts.MIN_PASSWORD, max_length=1000)


class RoleChange(BaseModel):
    """The new roles of an account."""

    roles: list[Role] = Field(min_length=1)


def _add(ctx: Ctx, body: NewUser) -> User:
    with ctx.store.session() as session:
        user = users_program.add_user(
            session,
            name=body.name,
            roles=set(body.roles),
            email=body.email or None,
            acting=ctx.name,
            fallback_actor=ctx.name,
        )
        if body.password:
            accounts.set_password(session, name=user.name, password=body.password, acting=ctx.name)
        return user


def _roles(ctx: Ctx, name: str, roles: list[Role]) -> User:
    with ctx.store.session() as session:
        return users_program.set_user_roles(session, name=name, roles=set(roles), acting=ctx.name)


def _list(ctx: Ctx) -> list[User]:
    with ctx.store.session() as session:
        return users_program.list_users(session)


@router.get("/admin/users", name="users.list", include_in_schema=False)
def users_page(request: Request, ctx: Context) -> HTMLResponse:
    """Accounts and their roles."""
    return page(request, ctx, "users.html", users=_list(ctx), roles=list(Role))


@router.get("/api/users", name="api.users.list")
def users_api(ctx: Context) -> list[User]:
    """Accounts and their roles."""
    return _list(ctx)


@router.post("/admin/users", name="users.add", include_in_schema=False)
def add_form(
    request: Request,
    ctx: Context,
    name: Annotated[str, Form(max_length=200)],
    roles: Annotated[list[Role], Form()],
    email: Annotated[str, Form(max_length=320)] = "",
    password: Annotated[str, Form(max_length=1000)] = "",
) -> Response:
    """Add an account, optionally with a first password."""
    body = NewUser.model_validate(
        {"name": name, "roles": roles, "email": email or None, "password": password or None}
    )
    user = _add(ctx, body)
    return redirect(request, "/admin/users", flash=f"added {user.name}")


@router.post("/api/users", name="api.users.add", status_code=201)
def add_api(ctx: Context, body: NewUser) -> User:
    """Add an account."""
    return _add(ctx, body)


@router.post("/admin/users/{name}/roles", name="users.roles", include_in_schema=False)
def roles_form(request: Request, ctx: Context, name: str, roles: Annotated[list[Role], Form()]) -> Response:
    """Replace an account's roles."""
    user = _roles(ctx, name, roles)
    return redirect(request, "/admin/users", flash=f"{user.name}: {', '.join(sorted(user.roles))}")


def _deactivate(ctx: Ctx, name: str) -> users_program.Deactivated:
    with ctx.store.session() as session:
        return users_program.deactivate_user(session, name=name, acting=ctx.name)


@router.post("/admin/users/{name}/deactivate", name="users.deactivate", include_in_schema=False)
def deactivate_form(request: Request, ctx: Context, name: str) -> Response:
    """Deactivate an account: its sessions end and its tokens are revoked."""
    done = _deactivate(ctx, name)
    return redirect(request, "/admin/users", flash=f"{done.user.name} deactivated")


@router.post("/api/users/{name}/deactivate", name="api.users.deactivate")
def deactivate_api(ctx: Context, name: str) -> users_program.Deactivated:
    """Deactivate an account (audited): it cannot sign in or act; its sessions and tokens end."""
    return _deactivate(ctx, name)


@router.post("/api/users/{name}/roles", name="api.users.roles")
def roles_api(ctx: Context, name: str, body: RoleChange) -> User:
    """Replace an account's roles (the last admin keeps the admin role)."""
    return _roles(ctx, name, body.roles)
