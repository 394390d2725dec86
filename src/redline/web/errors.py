"""Errors at the edge: problem JSON for /api/, an HTML page (or the sign-in page) for people."""

from __future__ import annotations

import logging
from typing import Any
from urllib.parse import quote

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from pydantic import ValidationError
from sqlalchemy.exc import SQLAlchemyError
from starlette.exceptions import HTTPException

from redline.core.catalog.plans import PlanNotRunnableError
from redline.core.errors import (
    AuditError,
    ConfigError,
    InvalidTextError,
    NotFoundError,
    PermissionDeniedError,
    RedlineError,
    StoreError,
    TargetError,
    TransitionError,
    UsageError,
)
from redline.program.channels.concerns import ClaimThrottledError
from redline.program.channels.intake import IntakeRateLimitedError, IntakeTooLargeError
from redline.program.people.onboarding import OnboardingRequiredError
from redline.program.people.wellbeing import ExposureLimitError, OptedOutError
from redline.web.deps import BodyTooLarge, CsrfRejected, LoginRequired, RouteForbidden
from redline.web.templating import render

log = logging.getLogger("redline.web")

# Most specific first: the first matching class decides the status and the machine-readable code.
_STATUS: tuple[tuple[type[RedlineError], int, str], ...] = (
    (ExposureLimitError, 403, "exposure_limit"),
    (OptedOutError, 403, "opted_out"),
    (OnboardingRequiredError, 403, "onboarding_required"),
    (PermissionDeniedError, 403, "permission_denied"),
    (NotFoundError, 404, "not_found"),
    (TransitionError, 409, "transition"),
    (PlanNotRunnableError, 409, "plan_not_runnable"),
    (IntakeRateLimitedError, 429, "rate_limited"),
    (ClaimThrottledError, 429, "rate_limited"),
    (IntakeTooLargeError, 413, "too_large"),
    (InvalidTextError, 422, "invalid"),
    (ConfigError, 400, "invalid"),
    (UsageError, 400, "invalid"),
    (TargetError, 502, "target_error"),
    (StoreError, 503, "store_unavailable"),
    (AuditError, 503, "audit_unavailable"),
)


def wants_json(request: Request) -> bool:
    """API paths answer JSON; pages answer HTML."""
    return request.url.path.startswith("/api/")


def problem(
    request: Request, status: int, code: str, detail: str, *, headers: dict[str, str] | None = None
) -> Response:
    """A problem document (RFC 9457) for the API, or the error page for people."""
    if wants_json(request):
        body: dict[str, Any] = {"type": "about:blank", "status": status, "code": code, "detail": detail}
        return JSONResponse(body, status_code=status, media_type="application/problem+json", headers=headers)
    ctx = getattr(request.state, "ctx", None)
    html = render(
        "error.html",
        request=request,
        ctx=ctx,
        flash=None,
        path=request.url.path,
        status=status,
        code=code,
        detail=detail,
    )
    return HTMLResponse(html, status_code=status, headers=headers)


async def _login_required(request: Request, exc: Exception) -> Response:
    if wants_json(request):
        return problem(
            request,
            401,
            "login_required",
            "sign in, or send 'Authorization: Bearer TOKEN'",
            headers={"WWW-Authenticate": "Bearer"},
        )
    target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
    return RedirectResponse(f"/login?next={quote(target)}", status_code=303)


async def _forbidden(request: Request, exc: Exception) -> Response:
    return problem(request, 403, "route_forbidden", "your role does not allow this page or action")


async def _csrf(request: Request, exc: Exception) -> Response:
    return problem(
        request, 403, "csrf", "the form has expired or did not come from this site; reload and retry"
    )


async def _too_large(request: Request, exc: Exception) -> Response:
    return problem(request, 413, "too_large", "the request is larger than this server accepts")


async def _redline(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RedlineError)
    for cls, status, code in _STATUS:
        if isinstance(exc, cls):
            headers = None
            if isinstance(exc, IntakeRateLimitedError | ClaimThrottledError):
                headers = {"Retry-After": str(exc.retry_after_s)}
            return problem(request, status, code, str(exc), headers=headers)
    log.error("unexpected %s on %s: %s", type(exc).__name__, request.url.path, exc)
    return problem(request, 500, "internal", str(exc))


async def _validation(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, RequestValidationError)
    errors = exc.errors()
    if wants_json(request):
        detail = [{k: e.get(k) for k in ("loc", "msg", "type")} for e in errors]
        return JSONResponse({"detail": detail}, status_code=422)
    text = "; ".join(f"{'.'.join(str(p) for p in e.get('loc', ())[1:])}: {e.get('msg')}" for e in errors[:5])
    return problem(request, 422, "invalid", text or "the form is not complete")


async def _model(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, ValidationError)
    text = "; ".join(f"{'.'.join(str(p) for p in e['loc'])}: {e['msg']}" for e in exc.errors()[:5])
    return problem(request, 422, "invalid", text or "invalid input")


async def _http(request: Request, exc: Exception) -> Response:
    assert isinstance(exc, HTTPException)
    code = {404: "not_found", 405: "method_not_allowed"}.get(exc.status_code, "http_error")
    return problem(request, exc.status_code, code, str(exc.detail), headers=dict(exc.headers or {}))


async def _database(request: Request, exc: Exception) -> Response:
    """A database failure: 503 problem JSON, logged by class only.

    Neither the statement's parameters (engines hide them anyway) nor the message is logged: a
    driver's message can quote the offending value, e.g. a concern's text or a claim hash.
    """
    orig = getattr(exc, "orig", None)
    log.error(
        "database error on %s %s: %s%s",
        request.method,
        request.url.path,
        type(exc).__name__,
        f" ({type(orig).__name__})" if orig is not None else "",
    )
    return problem(
        request,
        503,
        "store_unavailable",
        "the database could not complete this request; nothing was changed, try again shortly",
        headers={"Retry-After": "5"},
    )


def install(app: FastAPI) -> None:
    """Register the handlers."""
    app.add_exception_handler(LoginRequired, _login_required)
    app.add_exception_handler(RouteForbidden, _forbidden)
    app.add_exception_handler(CsrfRejected, _csrf)
    app.add_exception_handler(BodyTooLarge, _too_large)
    app.add_exception_handler(RedlineError, _redline)
    app.add_exception_handler(RequestValidationError, _validation)
    app.add_exception_handler(ValidationError, _model)
    app.add_exception_handler(HTTPException, _http)
    app.add_exception_handler(SQLAlchemyError, _database)
