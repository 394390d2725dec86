"""The threat catalog (browse, edit with version history) and the playbooks."""

from __future__ import annotations

import json
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.catalog.playbooks import load_playbooks
from redline.core.catalog.threat_versions import ThreatVersion
from redline.core.catalog.threats import Playbook, Threat, ThreatStatus
from redline.core.errors import NotFoundError
from redline.core.register.risk import Impact
from redline.program.catalog.catalog_versions import EditResult, edit_threat, threat_history
from redline.program.register.findings import load_threats
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
EDITABLE = (
    "title",
    "description",
    "harm_category",
    "default_severity",
    "likelihood_notes",
    "owner",
    "status",
)


class ThreatPage(BaseModel):
    """A threat with its recorded versions."""

    model_config = ConfigDict(frozen=True)

    threat: Threat
    history: tuple[ThreatVersion, ...] = ()


class ThreatEdit(BaseModel):
    """Changes to a threat; fields left out stay as they are."""

    reason: str = Field(min_length=1, max_length=2000, description="Why the threat changes.")
    title: str | None = Field(default=None, min_length=1, max_length=300)
    description: str | None = Field(default=None, min_length=1, max_length=10_000)
    harm_category: str | None = Field(default=None, min_length=1, max_length=100)
    default_severity: Impact | None = None
    likelihood_notes: str | None = Field(default=None, max_length=5000)
    owner: str | None = Field(default=None, max_length=200)
    status: ThreatStatus | None = None
    zero_tolerance: bool | None = None
    max_failure_rate: float | None = Field(default=None, ge=0, le=1)


def _threat(ctx: Ctx, threat_id: str) -> ThreatPage:
    threats = load_threats(ctx.settings)
    if threat_id not in threats:
        raise NotFoundError(f"no threat '{threat_id}' in the catalog")
    with ctx.store.session() as session:
        history = threat_history(session, threat_id, settings=ctx.settings)
    return ThreatPage(threat=threats[threat_id], history=tuple(history))


def _edit(ctx: Ctx, threat_id: str, edit: ThreatEdit, current: Threat) -> EditResult:
    wanted: dict[str, Any] = edit.model_dump(exclude={"reason"}, exclude_none=True, mode="json")
    now = current.model_dump(mode="json")
    assignments = [f"{k}={json.dumps(v)}" for k, v in wanted.items() if now.get(k) != v]
    with ctx.store.session() as session:
        return edit_threat(
            session,
            threat_id,
            settings=ctx.settings,
            user=ctx.name,
            assignments=assignments,
            reason=edit.reason,
        )


@router.get("/catalog", name="catalog.list", include_in_schema=False)
def catalog_page(request: Request, ctx: Context) -> HTMLResponse:
    """Every threat in force."""
    threats = sorted(load_threats(ctx.settings).values(), key=lambda t: t.id)
    return page(request, ctx, "catalog.html", threats=threats)


@router.get("/api/catalog", name="api.catalog.list")
def catalog_api(ctx: Context) -> list[Threat]:
    """Every threat in force."""
    return sorted(load_threats(ctx.settings).values(), key=lambda t: t.id)


@router.get("/catalog/{threat_id}", name="catalog.threat", include_in_schema=False)
def threat_page(request: Request, ctx: Context, threat_id: str) -> HTMLResponse:
    """One threat, its edit form and its version history."""
    return page(request, ctx, "threat.html", view=_threat(ctx, threat_id), statuses=list(ThreatStatus))


@router.get("/api/catalog/{threat_id}", name="api.catalog.threat")
def threat_api(ctx: Context, threat_id: str) -> ThreatPage:
    """One threat with its recorded versions."""
    return _threat(ctx, threat_id)


@router.post("/catalog/{threat_id}", name="catalog.edit", include_in_schema=False)
def edit_form(
    request: Request,
    ctx: Context,
    threat_id: str,
    reason: Annotated[str, Form(max_length=2000)],
    title: Annotated[str, Form(max_length=300)],
    description: Annotated[str, Form(max_length=10_000)],
    harm_category: Annotated[str, Form(max_length=100)],
    default_severity: Annotated[Impact, Form()],
    status: Annotated[ThreatStatus, Form()],
    likelihood_notes: Annotated[str, Form(max_length=5000)] = "",
    owner: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    """Save an edit: a new version in the history and the workspace file."""
    current = _threat(ctx, threat_id).threat
    edit = ThreatEdit.model_validate(
        {
            "reason": reason,
            "title": title,
            "description": description,
            "harm_category": harm_category,
            "default_severity": default_severity,
            "status": status,
            "likelihood_notes": likelihood_notes,
            "owner": owner or None,
        }
    )
    result = _edit(ctx, threat_id, edit, current)
    return redirect(request, f"/catalog/{threat_id}", flash=f"saved as revision {result.revision.number}")


@router.post("/api/catalog/{threat_id}", name="api.catalog.edit")
def edit_api(ctx: Context, threat_id: str, edit: ThreatEdit) -> EditResult:
    """Edit a threat: writes the workspace file and records a new version (audited)."""
    return _edit(ctx, threat_id, edit, _threat(ctx, threat_id).threat)


def _playbooks(ctx: Ctx) -> list[Playbook]:
    return load_playbooks(ctx.settings.workspace / "playbooks").all()


def _playbook(ctx: Ctx, name: str) -> Playbook:
    found = {p.name: p for p in _playbooks(ctx)}
    if name not in found:
        raise NotFoundError(f"no playbook named '{name}'")
    return found[name]


@router.get("/playbooks", name="playbooks.list", include_in_schema=False)
def playbooks_page(request: Request, ctx: Context) -> HTMLResponse:
    """Every playbook in force."""
    return page(request, ctx, "playbooks.html", playbooks=_playbooks(ctx))


@router.get("/api/playbooks", name="api.playbooks.list")
def playbooks_api(ctx: Context) -> list[Playbook]:
    """Every playbook in force."""
    return _playbooks(ctx)


@router.get("/playbooks/{name}", name="playbooks.show", include_in_schema=False)
def playbook_page(request: Request, ctx: Context, name: str) -> HTMLResponse:
    """One playbook: automated and manual steps, guidance."""
    return page(request, ctx, "playbook.html", book=_playbook(ctx, name))


@router.get("/api/playbooks/{name}", name="api.playbooks.show")
def playbook_api(ctx: Context, name: str) -> Playbook:
    """One playbook."""
    return _playbook(ctx, name)
