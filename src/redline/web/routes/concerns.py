"""The anonymous concern channel: raising and claim pages for reporters, the queue for handlers.

Reporter routes leave no trace of who called them: the raise routes identify the account without
noting the visit (`deps.UNTRACED`), the claim routes do not look at cookies at all
(`deps.UNIDENTIFIED`), nothing here logs, and `AccessLogFilter` keeps these paths (and the link
tokens in their query strings) out of the server's access log.
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime
from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.core.channels.concerns import ConcernStatus
from redline.program.channels import concerns
from redline.program.channels.concerns import (
    ClaimNotFoundError,
    ClaimThrottle,
    ConcernDraft,
    HandlerView,
    IssuedLink,
    QueueEntry,
    Raised,
    ReporterView,
    SubjectKind,
)
from redline.store.repos.concerns import StoredLink
from redline.web.deps import Ctx, guard
from redline.web.limits import client_address
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Text = Annotated[str, Form(max_length=20_000)]
Code = Annotated[str, Form(max_length=200)]
QUIET_PREFIXES = ("/concerns", "/api/concerns")
STATIC_PREFIX = "/static/"
NO_REFERRER = {"Referrer-Policy": "no-referrer"}


class AccessLogFilter(logging.Filter):
    """Keeps client addresses out of the access log, and drops the concern routes' records altogether.

    Records of concern paths are dropped (no time of a visit is kept beside anything). Other records
    lose their client address unless `log_clients` (the workspace's `web.log_client_addresses`), and
    static assets always do: a concern page's assets would otherwise date its visit, with an address.
    """

    def __init__(self, *, log_clients: bool = False) -> None:
        super().__init__()
        self.log_clients = log_clients

    def filter(self, record: logging.LogRecord) -> bool:
        """False for a record about a concern path (uvicorn passes the path as an argument)."""
        args = record.args if isinstance(record.args, tuple) else ()
        if any(isinstance(a, str) and a.startswith(QUIET_PREFIXES) for a in args):
            return False
        if len(args) >= 3:  # uvicorn: (client address, method, path, HTTP version, status)
            path = args[2]
            static = isinstance(path, str) and path.startswith(STATIC_PREFIX)
            if not self.log_clients or static:
                record.args = ("-", *args[1:])
        return True


def install_log_filter(logger_name: str = "uvicorn.access", *, log_clients: bool = False) -> None:
    """Add the filter to the access logger once, or update its setting (the app factory calls it)."""
    logger = logging.getLogger(logger_name)
    for existing in logger.filters:
        if isinstance(existing, AccessLogFilter):
            existing.log_clients = log_clients
            return
    logger.addFilter(AccessLogFilter(log_clients=log_clients))


class RaiseRequest(ConcernDraft):
    """A concern to raise, with the one-time link when the reporter has no account."""

    link: str | None = Field(default=None, max_length=200, description="One-time link token, if any.")


class ClaimRequest(BaseModel):
    """A claim code, to read a concern's thread."""

    model_config = ConfigDict(extra="forbid")

    code: str = Field(min_length=1, max_length=200)


class FollowUpRequest(ClaimRequest):
    """The reporter's follow-up."""

    text: str = Field(min_length=1, max_length=20_000)


class RespondRequest(BaseModel):
    """A handler's answer."""

    text: str = Field(min_length=1, max_length=20_000)
    sign: bool = Field(
        default=False, description="Show the handler's name to the reporter, not only the role."
    )


class StatusRequest(BaseModel):
    """A status move; dismissing needs a reason, which the reporter reads."""

    status: ConcernStatus
    reason: str = Field(default="", max_length=5000)


class LinkRequest(BaseModel):
    """How long a new one-time link lasts."""

    days: int = Field(default=concerns.LINK_DAYS, ge=1, le=concerns.MAX_LINK_DAYS)


def _throttle(request: Request) -> ClaimThrottle:
    state = request.app.state
    if getattr(state, "concern_throttle", None) is None:
        state.concern_throttle = ClaimThrottle()
    throttle: ClaimThrottle = state.concern_throttle
    return throttle


def _raise(ctx: Ctx, body: RaiseRequest) -> Raised:
    draft = ConcernDraft(subject_kind=body.subject_kind, reference=body.reference, text=body.text)
    with ctx.store.session() as session:
        return concerns.raise_concern(session, draft, account=ctx.user, link=body.link or None)


def _claim(ctx: Ctx, request: Request, code: str, text: str | None = None) -> ReporterView:
    """The code is looked up first (the right one always opens its thread); only misses are throttled."""
    try:
        with ctx.store.session() as session:
            if text is None:
                return concerns.read_claim(session, code)
            return concerns.follow_up(session, code, text)
    except ClaimNotFoundError:
        _throttle(request).missed(client_address(request))
        raise


def _new_page(
    request: Request, ctx: Ctx, *, link: str, raised: Raised | None, code: int = 200
) -> HTMLResponse:
    with ctx.store.session() as session:
        link_ok = bool(link) and concerns.link_is_valid(session, link)
    response = page(
        request,
        ctx,
        "concern_new.html",
        code=code,
        raised=raised,
        link=link if link_ok else "",
        bad_link=bool(link) and not link_ok,
        kinds=list(SubjectKind),
    )
    response.headers.update(NO_REFERRER)
    return response


@router.get("/concerns/new", name="concerns.new", include_in_schema=False)
def new_page(request: Request, ctx: Context, link: str = "") -> HTMLResponse:
    """The form to raise a concern: for anyone signed in, or holding a one-time link."""
    return _new_page(request, ctx, link=link[:200], raised=None)


@router.post("/concerns/new", name="concerns.raise", include_in_schema=False)
def raise_form(
    request: Request,
    ctx: Context,
    subject_kind: Annotated[SubjectKind, Form()],
    text: Text,
    reference: Annotated[str, Form(max_length=200)] = "",
    link: Annotated[str, Form(max_length=200)] = "",
) -> HTMLResponse:
    """Raise the concern and show its claim code, once."""
    raised = _raise(ctx, RaiseRequest(subject_kind=subject_kind, reference=reference, text=text, link=link))
    return _new_page(request, ctx, link="", raised=raised)


@router.post("/api/concerns", name="api.concerns.raise", status_code=201)
def raise_api(ctx: Context, body: RaiseRequest) -> Raised:
    """Raise a concern (signed in, or with a one-time link); the claim code is returned once."""
    return _raise(ctx, body)


def _claim_page(
    request: Request, ctx: Ctx, *, view: ReporterView | None, code: str, error: str = "", status: int = 200
) -> HTMLResponse:
    response = page(request, ctx, "concern_claim.html", code=status, view=view, claim=code, error=error)
    response.headers.update(NO_REFERRER)
    return response


@router.get("/concerns/claim", name="concerns.claim.form", include_in_schema=False)
def claim_form(request: Request, ctx: Context) -> HTMLResponse:
    """Where a reporter enters a claim code (no sign-in; the session cookie is not even read)."""
    return _claim_page(request, ctx, view=None, code="")


@router.post("/concerns/claim", name="concerns.claim", include_in_schema=False)
def claim_page(request: Request, ctx: Context, code: Code) -> HTMLResponse:
    """The concern and its thread, for the claim code's holder."""
    try:
        return _claim_page(request, ctx, view=_claim(ctx, request, code), code=code)
    except ClaimNotFoundError as exc:
        return _claim_page(request, ctx, view=None, code="", error=str(exc), status=404)


@router.post("/api/concerns/claim", name="api.concerns.claim")
def claim_api(request: Request, ctx: Context, body: ClaimRequest) -> ReporterView:
    """The concern and its thread a claim code opens; wrong codes are throttled."""
    return _claim(ctx, request, body.code)


@router.post("/concerns/claim/follow-up", name="concerns.follow_up", include_in_schema=False)
def follow_up_form(request: Request, ctx: Context, code: Code, text: Text) -> HTMLResponse:
    """Add a follow-up to the thread, anonymously."""
    try:
        view = _claim(ctx, request, code, text)
    except ClaimNotFoundError as exc:
        return _claim_page(request, ctx, view=None, code="", error=str(exc), status=404)
    return _claim_page(request, ctx, view=view, code=code, error="")


@router.post("/api/concerns/claim/follow-up", name="api.concerns.follow_up")
def follow_up_api(request: Request, ctx: Context, body: FollowUpRequest) -> ReporterView:
    """Add a follow-up to the thread a claim code opens."""
    return _claim(ctx, request, body.code, body.text)


def _queue(ctx: Ctx, status: ConcernStatus | None) -> list[QueueEntry]:
    with ctx.store.session() as session:
        return concerns.queue(session, acting=ctx.name, status=status)


@router.get("/concerns", name="concerns.list", include_in_schema=False)
def queue_page(request: Request, ctx: Context, status: ConcernStatus | None = None) -> HTMLResponse:
    """The concern queue, for the committee and admins."""
    return page(
        request,
        ctx,
        "concerns.html",
        entries=_queue(ctx, status),
        status=status,
        statuses=list(ConcernStatus),
    )


@router.get("/api/concerns", name="api.concerns.list")
def queue_api(ctx: Context, status: ConcernStatus | None = None) -> list[QueueEntry]:
    """The concern queue, newest day first."""
    return _queue(ctx, status)


def _links(ctx: Ctx) -> list[StoredLink]:
    with ctx.store.session() as session:
        return concerns.list_links(session, acting=ctx.name)


def _issue(ctx: Ctx, days: int) -> IssuedLink:
    with ctx.store.session() as session:
        return concerns.issue_link(session, acting=ctx.name, days=days)


@router.get("/concerns/links", name="concerns.links", include_in_schema=False)
def links_page(request: Request, ctx: Context) -> HTMLResponse:
    """One-time links to raise a concern without an account (admins)."""
    return page(
        request, ctx, "concern_links.html", links=_links(ctx), issued=None, url="", days=concerns.LINK_DAYS
    )


@router.get("/api/concerns/links", name="api.concerns.links")
def links_api(ctx: Context) -> list[StoredLink]:
    """Links not yet used or expired."""
    return _links(ctx)


@router.post("/concerns/links", name="concerns.links.issue", include_in_schema=False)
def issue_form(
    request: Request,
    ctx: Context,
    days: Annotated[int, Form(ge=1, le=concerns.MAX_LINK_DAYS)] = concerns.LINK_DAYS,
) -> HTMLResponse:
    """Issue a link and show it once."""
    issued = _issue(ctx, days)
    url = str(request.base_url).rstrip("/") + issued.path
    return page(request, ctx, "concern_links.html", links=_links(ctx), issued=issued, url=url, days=days)


@router.post("/api/concerns/links", name="api.concerns.links.issue", status_code=201)
def issue_api(ctx: Context, body: LinkRequest) -> IssuedLink:
    """Issue a one-time link; its token is returned once (audited without it)."""
    return _issue(ctx, body.days)


def _show(ctx: Ctx, concern_id: str) -> HandlerView:
    with ctx.store.session() as session:
        return concerns.show(session, concern_id, acting=ctx.name)


@router.get("/concerns/{concern_id}", name="concerns.show", include_in_schema=False)
def show_page(request: Request, ctx: Context, concern_id: str) -> HTMLResponse:
    """One concern, its thread, and the answer and status forms."""
    return page(request, ctx, "concern.html", view=_show(ctx, concern_id), today=datetime.now(UTC).date())


@router.get("/api/concerns/{concern_id}", name="api.concerns.show")
def show_api(ctx: Context, concern_id: str) -> HandlerView:
    """One concern with its thread and the status moves open to it."""
    return _show(ctx, concern_id)


def _respond(ctx: Ctx, concern_id: str, body: RespondRequest) -> HandlerView:
    with ctx.store.session() as session:
        return concerns.respond(session, concern_id, body.text, acting=ctx.name, sign=body.sign)


def _status(ctx: Ctx, concern_id: str, body: StatusRequest) -> HandlerView:
    with ctx.store.session() as session:
        return concerns.set_status(session, concern_id, body.status, acting=ctx.name, reason=body.reason)


@router.post("/concerns/{concern_id}/respond", name="concerns.respond", include_in_schema=False)
def respond_form(
    request: Request,
    ctx: Context,
    concern_id: str,
    text: Text,
    sign: Annotated[bool, Form()] = False,
) -> Response:
    """Answer the reporter (as your role, unless you sign)."""
    _respond(ctx, concern_id, RespondRequest(text=text, sign=sign))
    return redirect(request, f"/concerns/{concern_id}", flash="answer added")


@router.post("/api/concerns/{concern_id}/respond", name="api.concerns.respond")
def respond_api(ctx: Context, concern_id: str, body: RespondRequest) -> HandlerView:
    """Answer in the thread (audited with the handler as actor)."""
    return _respond(ctx, concern_id, body)


@router.post("/concerns/{concern_id}/status", name="concerns.status", include_in_schema=False)
def status_form(
    request: Request,
    ctx: Context,
    concern_id: str,
    status: Annotated[ConcernStatus, Form()],
    reason: Annotated[str, Form(max_length=5000)] = "",
) -> Response:
    """Acknowledge, investigate, resolve, dismiss (with a reason) or reopen."""
    view = _status(ctx, concern_id, StatusRequest(status=status, reason=reason))
    return redirect(request, f"/concerns/{concern_id}", flash=f"status: {view.concern.status}")


@router.post("/api/concerns/{concern_id}/status", name="api.concerns.status")
def status_api(ctx: Context, concern_id: str, body: StatusRequest) -> HandlerView:
    """Move a concern's status (audited with the handler as actor)."""
    return _status(ctx, concern_id, body)
