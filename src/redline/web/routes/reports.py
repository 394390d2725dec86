"""Reports: generate one for a round or a release, for an audience, and download it."""

from __future__ import annotations

import re
from typing import Annotated

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import HTMLResponse, Response

from redline.core.errors import ConfigError, UsageError
from redline.core.register.policy import ReleasePolicy
from redline.program.people import report_access
from redline.program.register.decisions import load_policy
from redline.program.register.releases import list_releases
from redline.reports.model import Audience, ReportFormat, ReportModel
from redline.store.repos import rounds as rounds_repo
from redline.web.deps import Ctx, LoginRequired, guard
from redline.web.permissions import Action
from redline.web.templating import page

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Ref = Annotated[str | None, Query(max_length=200)]
AUDIENCE_ACTION = {
    Audience.EXTERNAL: Action.REPORT_EXTERNAL,
    Audience.COMMITTEE: Action.REPORT_COMMITTEE,
    Audience.INTERNAL: Action.REPORT_INTERNAL,
}
MEDIA = {
    ReportFormat.HTML: "text/html",
    ReportFormat.MD: "text/markdown",
    ReportFormat.PDF: "application/pdf",
    ReportFormat.JSON: "application/json",
    ReportFormat.SARIF: "application/sarif+json",
    ReportFormat.JUNIT: "application/xml",
}


def _policy(ctx: Ctx) -> ReleasePolicy | None:
    try:
        return load_policy(ctx.settings, None)
    except ConfigError:
        return None


def _model(ctx: Ctx, round_id: str | None, release: str | None, audience: Audience, fmt: str) -> ReportModel:
    """The reader's copy: onboarding and the read rule first, unconsented flagged exchanges withheld,
    the download audited (`program.people.report_access`)."""
    from redline.catalog.loader import load_catalog
    from redline.reports.assembly import ReportRequest, build_report
    from redline.reports.exposure import for_reader

    ctx.require(AUDIENCE_ACTION[audience])
    if bool(round_id) == bool(release):
        raise UsageError("choose either a round or a release")
    if ctx.user is None:
        raise LoginRequired()
    request = ReportRequest(
        round_id=round_id or None,
        release=release or None,
        audience=audience,
        ner=ctx.settings.config.privacy.ner,
    )
    with ctx.store.session() as session:
        report_access.require_download(
            session, ctx.settings, ctx.user, audience=audience.value, round_id=round_id or None
        )
        model = build_report(
            session,
            request,
            catalog=load_catalog(ctx.settings.workspace / "catalog"),
            program=ctx.settings.config.name,
            matrix=ctx.settings.config.risk_matrix,
            policy=_policy(ctx),
        )
        rules = report_access.reader_for(
            session,
            ctx.settings,
            ctx.user,
            round_ids=model.scope.round_ids,
            attempt_ids=[t.attempt_id for t in model.transcripts],
        )
    model, exposure = for_reader(model, rules)
    with ctx.store.session() as session:
        report_access.record_download(
            session,
            actor=ctx.user.name,
            audience=audience.value,
            fmt=fmt,
            round_ids=model.scope.round_ids,
            release=release or None,
            included=exposure.flagged_included,
            withheld=exposure.flagged_withheld,
            playground_withheld=exposure.playground_withheld,
            via="web",
        )
    return model


@router.get("/reports", name="reports.form", include_in_schema=False)
def reports_page(request: Request, ctx: Context) -> HTMLResponse:
    """Choose what to report on, for whom, in which format."""
    with ctx.store.session() as session:
        rounds = [
            r for r in rounds_repo.list_rounds(session, limit=50) if r.config.get("mode") != "playground"
        ]
    audiences = [a for a in Audience if ctx.can(AUDIENCE_ACTION[a])]
    releases = [label for label, _ in list_releases(ctx.store)]
    rounds = rounds if ctx.can(Action.REPORT_COMMITTEE) else []
    return page(
        request,
        ctx,
        "reports.html",
        rounds=rounds,
        releases=releases,
        audiences=audiences,
        formats=list(ReportFormat),
    )


@router.get("/reports/download", name="reports.download", include_in_schema=False)
def download(
    ctx: Context,
    round: Ref = None,
    release: Ref = None,
    audience: Audience = Audience.EXTERNAL,
    format: ReportFormat = ReportFormat.HTML,
) -> Response:
    """The report as a file."""
    from redline.reports.render import default_name, render

    model = _model(ctx, round, release, audience, format.value)
    name = re.sub(r"[^A-Za-z0-9._-]", "_", default_name(model, format))  # safe in a header
    return Response(
        render(model, format),
        media_type=MEDIA[format],
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


@router.get("/api/reports/model", name="api.reports.model")
def report_api(
    ctx: Context, round: Ref = None, release: Ref = None, audience: Audience = Audience.EXTERNAL
) -> ReportModel:
    """The report model (what every format renders), redacted for the audience."""
    return _model(ctx, round, release, audience, "model")
