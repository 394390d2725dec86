"""Signing in and out, and one's own account: password and API tokens."""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import PermissionDeniedError
from redline.core.people.users import User
from redline.program.people import accounts, signin
from redline.program.people.throttle import LoginThrottle, LoginThrottledError
from redline.store.repos.accounts import ApiToken
from redline.web import security
from redline.web.deps import Ctx, guard
from redline.web.errors import problem
from redline.web.limits import client_address
from redline.web.templating import page, redirect, safe_next

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]


class AccountView(BaseModel):
    """The signed-in user and their API tokens."""

    model_config = ConfigDict(frozen=True)

    user: User
    tokens: tuple[ApiToken, ...] = ()


class PasswordChange(BaseModel):
    """A change of one's own password."""

    current_password: str = Field(max_length=1000)
    new_password: str = Field(min_length=accounts.MIN_PASSWORD, max_length=1000)


class TokenRequest(BaseModel):
    """A request for a new API token."""

    label: str = Field(min_length=1, max_length=200, description="What the token is for.")
    scope: accounts.TokenScope = Field(
        default=accounts.TokenScope.READ, description="'read' (GET only, the default) or 'write'."
    )
    days: int = Field(
        default=accounts.TOKEN_DAYS, ge=1, le=accounts.TOKEN_MAX_DAYS, description="Days until it expires."
    )


def _session_cookie(request: Request, response: Response, grant: accounts.SignIn) -> None:
    secure = request.url.scheme == "https"
    max_age = int(accounts.SESSION_MAX.total_seconds())
    response.headers.append(
        "set-cookie",
        security.cookie_header(security.SESSION_COOKIE, grant.token, secure=secure, max_age=max_age),
    )


@router.get("/login", name="login.form", include_in_schema=False)
def login_form(request: Request, ctx: Context, next: str = "/") -> HTMLResponse:
    """The sign-in page."""
    return page(request, ctx, "login.html", next=safe_next(next), error=None)


def login_throttle(request: Request) -> LoginThrottle:
    """The app's sign-in throttle (made on first use; in memory only)."""
    state = request.app.state
    if getattr(state, "login_throttle", None) is None:
        state.login_throttle = LoginThrottle()
    throttle: LoginThrottle = state.login_throttle
    return throttle


def _busy(request: Request, exc: LoginThrottledError) -> Response:
    return problem(request, 429, "rate_limited", str(exc), headers={"Retry-After": str(exc.retry_after_s)})


@router.post("/login", name="login.submit", include_in_schema=False)
def login(
    request: Request,
    ctx: Context,
    username: Annotated[str, Form(max_length=200)],
    password: Annotated[str, Form(max_length=1000)],
    next: Annotated[str, Form(max_length=2000)] = "/",
) -> Response:
    """Check the credentials and open a session (throttled per account and client; failures audited)."""
    try:
        grant = signin.sign_in(
            ctx.store,
            login_throttle(request),
            name=username,
            password=password,
            client=client_address(request),
        )
    except LoginThrottledError as exc:
        busy = page(request, ctx, "login.html", code=429, next=safe_next(next), error=str(exc))
        busy.headers["Retry-After"] = str(exc.retry_after_s)
        return busy
    except PermissionDeniedError as exc:
        return page(request, ctx, "login.html", code=401, next=safe_next(next), error=str(exc))
    response = redirect(request, safe_next(next))
    _session_cookie(request, response, grant)
    return response


@router.post("/logout", name="logout", include_in_schema=False)
def logout(request: Request, ctx: Context) -> Response:
    """End the session."""
    if ctx.session_token:
        with ctx.store.session() as session:
            accounts.sign_out(session, ctx.session_token, user=ctx.name)
    response = redirect(request, "/login", flash="signed out")
    response.delete_cookie(security.SESSION_COOKIE, path="/")
    return response


def _account(ctx: Ctx) -> AccountView:
    with ctx.store.session() as session:
        tokens = accounts.list_tokens(session, name=ctx.name, acting=ctx.name)
    assert ctx.user is not None
    return AccountView(user=ctx.user, tokens=tuple(tokens))


@router.get("/account", name="account", include_in_schema=False)
def account_page(request: Request, ctx: Context) -> HTMLResponse:
    """The account page: roles, password, API tokens."""
    return page(request, ctx, "account.html", view=_account(ctx), new_token=None)


@router.get("/api/account", name="api.account")
def account_api(ctx: Context) -> AccountView:
    """The signed-in user and their API tokens."""
    return _account(ctx)


def _change(request: Request, ctx: Ctx, change: PasswordChange) -> accounts.SignIn | None:
    _, grant = signin.change_password(
        ctx.store,
        login_throttle(request),
        name=ctx.name,
        current=change.current_password,
        new=change.new_password,
        client=client_address(request),
        reopen=ctx.session_token is not None,
    )
    return grant


@router.post("/account/password", name="account.password", include_in_schema=False)
def password_form(
    request: Request,
    ctx: Context,
    current_password: Annotated[str, Form(max_length=1000)],
    new_password: Annotated[str, Form(max_length=1000)],
) -> Response:
    """Change one's password; the browser gets a fresh session, every other session ends."""
    change = PasswordChange.model_construct(current_password=current_password, new_password=new_password)
    try:
        grant = _change(request, ctx, change)
    except LoginThrottledError as exc:
        return _busy(request, exc)
    response = redirect(request, "/account", flash="password changed")
    if grant is not None:
        _session_cookie(request, response, grant)
    return response


@router.post("/api/account/password", name="api.account.password", status_code=204)
def password_api(request: Request, ctx: Context, change: PasswordChange) -> Response:
    """Change one's password; every browser session ends (wrong current passwords are throttled)."""
    try:
        _change(request, ctx, change)
    except LoginThrottledError as exc:
        return _busy(request, exc)
    return Response(status_code=204)


def _issue(ctx: Ctx, body: TokenRequest) -> accounts.IssuedToken:
    with ctx.store.session() as session:
        return accounts.issue_token(
            session, name=ctx.name, label=body.label, acting=ctx.name, scope=body.scope, days=body.days
        )


@router.post("/account/tokens", name="account.tokens.issue", include_in_schema=False)
def token_form(
    request: Request,
    ctx: Context,
    label: Annotated[str, Form(max_length=200)],
    scope: Annotated[accounts.TokenScope, Form()] = accounts.TokenScope.READ,
    days: Annotated[int, Form(ge=1, le=accounts.TOKEN_MAX_DAYS)] = accounts.TOKEN_DAYS,
) -> HTMLResponse:
    """Issue an API token (read-only unless asked; it expires) and show it this once."""
    issued = _issue(ctx, TokenRequest(label=label, scope=scope, days=days))
    return page(request, ctx, "account.html", view=_account(ctx), new_token=issued)


@router.post("/api/account/tokens", name="api.account.tokens.issue", status_code=201)
def token_api(ctx: Context, body: TokenRequest) -> accounts.IssuedToken:
    """Issue an API token; the response is the only time it is shown."""
    return _issue(ctx, body)


def _revoke(ctx: Ctx, token_id: str) -> ApiToken:
    with ctx.store.session() as session:
        return accounts.revoke_token(session, token_id=token_id, acting=ctx.name)


@router.post("/account/tokens/{token_id}/revoke", name="account.tokens.revoke", include_in_schema=False)
def revoke_form(request: Request, ctx: Context, token_id: str) -> Response:
    """Revoke one of one's tokens."""
    token = _revoke(ctx, token_id)
    return redirect(request, "/account", flash=f"token {token.prefix}… revoked")


@router.post("/api/account/tokens/{token_id}/revoke", name="api.account.tokens.revoke")
def revoke_api(ctx: Context, token_id: str) -> ApiToken:
    """Revoke a token (one's own, or any for an admin)."""
    return _revoke(ctx, token_id)
