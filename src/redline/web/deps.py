"""Request context: who is asking (session cookie or API token), the route's permission, anti-forgery.

`guard` runs for every route (it is an app-wide dependency): it finds the route's action in the one
permission table, identifies the user, checks the anti-forgery token on state-changing requests made
with a session or a form, and refuses what the table does not grant.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fastapi import Request
from starlette.concurrency import run_in_threadpool

from redline.config.settings import Settings
from redline.core.people.users import User
from redline.core.register.proposals import Embed
from redline.store import audit
from redline.store.session import Store
from redline.web import security
from redline.web.permissions import ROUTES, Action, Grant, allowed, token_allows

if TYPE_CHECKING:
    from redline.targets.base import Target
    from redline.web.live import RoundHub

SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
UNIDENTIFIED = frozenset({Action.CONCERN_CLAIM, Action.TRACKER_WEBHOOK})
"""Actions whose requests are treated as signed out: no cookie or token is even looked up."""
UNTRACED = frozenset({Action.CONCERN_RAISE})
"""Actions that identify the user without noting the visit (no session last-seen, no token last-use)."""
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")


class LoginRequired(Exception):
    """The route needs a signed-in user and there is none."""


class RouteForbidden(Exception):
    """The permission table does not grant the route's action to the user."""

    def __init__(self, action: Action | None) -> None:
        super().__init__(action.value if action else "no permission entry")
        self.action = action


class CsrfRejected(Exception):
    """A state-changing request came without the right anti-forgery token."""


class BodyTooLarge(Exception):
    """The request body is larger than any route accepts."""


@dataclass
class WebState:
    """What the application holds for its lifetime: settings, store, secret, table, caches."""

    settings: Settings
    store: Store
    secret: bytes
    table: dict[Action, Grant]
    embed: Embed | None
    target_factory: Callable[[str], Target]
    hub: RoundHub
    targets: dict[str, Target] = field(default_factory=dict)

    def target(self, system: str) -> Target:
        """The target of a configured system, built once and reused across conversations."""
        if system not in self.targets:
            self.targets[system] = self.target_factory(system)
        return self.targets[system]

    @property
    def max_body(self) -> int:
        """The largest request body accepted (form encoding may triple a report's size)."""
        return max(3 * self.settings.config.intake.max_bytes, 1_048_576)


@dataclass(frozen=True)
class Ctx:
    """One request's view of the application: its user, anti-forgery token and permissions."""

    state: WebState
    action: Action
    user: User | None
    csrf: str
    session_token: str | None = None
    via_token: bool = False

    @property
    def settings(self) -> Settings:
        """The workspace settings."""
        return self.state.settings

    @property
    def store(self) -> Store:
        """The workspace store."""
        return self.state.store

    @property
    def name(self) -> str:
        """The signed-in user's name (routes that need one are never reached without it)."""
        if self.user is None:
            raise LoginRequired()
        return self.user.name

    def can(self, action: Action) -> bool:
        """Whether the user may perform another action (for links and buttons, and nested checks)."""
        return allowed(self.state.table, action, self.user)

    def require(self, action: Action) -> None:
        """Refuse unless the table grants `action`."""
        if not self.can(action):
            raise (LoginRequired() if self.user is None else RouteForbidden(action))


def media_type(content_type: str) -> str:
    """A Content-Type's media type, lower case and without parameters (media types ignore case)."""
    return content_type.split(";", 1)[0].strip().lower()


def _identify(state: WebState, request: Request, action: Action) -> tuple[User | None, str, str | None, bool]:
    from redline.program.people import accounts

    auth = request.headers.get("authorization", "")
    anon = str(getattr(request.state, "anon", "") or "")
    if action in UNIDENTIFIED:
        return None, security.anon_csrf(state.secret, anon), None, False
    touch = action not in UNTRACED
    with state.store.session() as session:
        if auth.lower().startswith("bearer "):
            grant = accounts.token_grant(session, auth[7:].strip(), touch=touch)
            request.state.token = grant
            return (grant.user if grant else None), "", None, True
        token = request.cookies.get(security.SESSION_COOKIE)
        if token:
            found = accounts.session_of(session, token, touch=touch)
            if found is not None:
                return found.user, found.csrf, token, False
    return None, security.anon_csrf(state.secret, anon), None, False


async def guard(request: Request) -> Ctx:
    """Identify the user and enforce the permission table and anti-forgery rules for this route."""
    state: WebState = request.app.state.web
    name = getattr(request.scope.get("route"), "name", None)
    action = ROUTES.get(name or "")
    if action is None:
        raise RouteForbidden(None)
    user, csrf, session_token, via_token = await run_in_threadpool(_identify, state, request, action)
    via_token = via_token and user is not None  # only a valid token skips the anti-forgery check
    ctx = Ctx(
        state=state, action=action, user=user, csrf=csrf, session_token=session_token, via_token=via_token
    )
    if not allowed(state.table, action, user):
        raise LoginRequired() if user is None else RouteForbidden(action)
    grant = getattr(request.state, "token", None)
    if grant is not None:  # a token acts within its scope, and the audit log says which token acted
        if not token_allows(grant.scope, action, request.method):
            raise RouteForbidden(action)
        audit.ACTING.set({"acted_with": grant.prefix})
    is_form = media_type(request.headers.get("content-type", "")) in FORM_TYPES
    if request.method not in SAFE_METHODS and not via_token and (user is not None or is_form):
        given = request.headers.get(security.CSRF_HEADER)
        if not given and is_form:
            value = (await request.form()).get(security.CSRF_FIELD)
            given = value if isinstance(value, str) else None
        if not security.tokens_match(csrf, given):
            raise CsrfRejected()
    request.state.ctx = ctx
    return ctx
