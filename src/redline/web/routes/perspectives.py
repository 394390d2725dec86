"""Declared perspectives: each person sees, declares, changes and withdraws their own, and nobody else's.

An admin may delete a person's declaration on account removal; the answer never says what it held.
"""

from __future__ import annotations

from typing import Annotated

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import HTMLResponse, Response
from pydantic import BaseModel, ConfigDict, Field

from redline.core.people.perspectives import (
    CONSENT_STATEMENT,
    CONSENT_VERSION,
    MAX_PERSPECTIVES,
    Declaration,
    Perspective,
    PerspectiveKind,
)
from redline.program.people import perspectives
from redline.program.people.perspectives import VocabularyKind
from redline.web.deps import Ctx, guard
from redline.web.templating import page, redirect

router = APIRouter()
Context = Annotated[Ctx, Depends(guard)]
Values = Annotated[list[str] | None, Form()]
Other = Annotated[str, Form(max_length=1000)]


class MyPerspectives(BaseModel):
    """One's own declaration (if any), the consent statement and the vocabulary to choose from."""

    model_config = ConfigDict(frozen=True)

    declaration: Declaration | None = Field(description="Your declaration; nobody else's is ever shown.")
    consent_statement: str = Field(description="What declaring agrees to.")
    consent_version: str
    min_group_size: int = Field(description="k: the smallest group whose size is shown.")
    vocabulary: tuple[VocabularyKind, ...]


class DeclareRequest(BaseModel):
    """Perspectives to declare (they replace any earlier declaration) and the consent to store them."""

    perspectives: list[Perspective] = Field(
        max_length=MAX_PERSPECTIVES, description="Free text is normalised to the vocabulary."
    )
    consent: bool = Field(description="True: I agree to the consent statement.")


class Withdrawn(BaseModel):
    """The outcome of withdrawing one's own declaration."""

    withdrawn: bool = Field(description="False when there was nothing to withdraw.")


class Removed(BaseModel):
    """An admin's deletion; it does not say whether there was anything to delete."""

    user: str
    message: str


def _mine(ctx: Ctx) -> MyPerspectives:
    vocab = perspectives.vocabulary(ctx.settings)
    return MyPerspectives(
        declaration=perspectives.mine(ctx.store, user=ctx.name),
        consent_statement=CONSENT_STATEMENT,
        consent_version=CONSENT_VERSION,
        min_group_size=ctx.settings.config.perspectives.min_group_size,
        vocabulary=tuple(perspectives.describe(vocab)),
    )


def _declare(ctx: Ctx, body: DeclareRequest) -> Declaration:
    entries = [(p.kind, p.value) for p in body.perspectives]
    return perspectives.declare(ctx.store, ctx.settings, user=ctx.name, entries=entries, consent=body.consent)


@router.get("/perspectives", name="perspectives.show", include_in_schema=False)
def perspectives_page(request: Request, ctx: Context) -> HTMLResponse:
    """Your declared perspectives, the form to change them, and how they are used."""
    view = _mine(ctx)
    declared = view.declaration.perspectives if view.declaration else ()
    offered = {(v.kind.value, e.value) for v in view.vocabulary for e in v.values}
    held = {(p.kind.value, p.value) for p in declared}
    free = [p for p in declared if (p.kind.value, p.value) not in offered]
    others = {kind.value: ", ".join(p.value for p in free if p.kind is kind) for kind in PerspectiveKind}
    return page(request, ctx, "perspectives.html", view=view, held=held, others=others)


@router.get("/api/perspectives", name="api.perspectives.show")
def perspectives_api(ctx: Context) -> MyPerspectives:
    """Your own declared perspectives, the consent statement and the vocabulary."""
    return _mine(ctx)


@router.post("/perspectives", name="perspectives.declare", include_in_schema=False)
def declare_form(
    request: Request,
    ctx: Context,
    domain: Values = None,
    language: Values = None,
    region: Values = None,
    lived_experience: Values = None,
    community: Values = None,
    other_domain: Other = "",
    other_language: Other = "",
    other_lived_experience: Other = "",
    other_community: Other = "",
    consent: Annotated[str, Form(max_length=10)] = "",
) -> Response:
    """Declare (or replace) your perspectives; the consent box must be ticked."""
    chosen = {
        PerspectiveKind.DOMAIN: [*(domain or []), *other_domain.split(",")],
        PerspectiveKind.LANGUAGE: [*(language or []), *other_language.split(",")],
        PerspectiveKind.REGION: list(region or []),
        PerspectiveKind.LIVED_EXPERIENCE: [*(lived_experience or []), *other_lived_experience.split(",")],
        PerspectiveKind.COMMUNITY: [*(community or []), *other_community.split(",")],
    }
    entries = [(kind, v) for kind, values in chosen.items() for v in values if v.strip()]
    perspectives.declare(ctx.store, ctx.settings, user=ctx.name, entries=entries, consent=consent == "yes")
    return redirect(request, "/perspectives", flash="your perspectives are saved")


@router.post("/api/perspectives", name="api.perspectives.declare")
def declare_api(ctx: Context, body: DeclareRequest) -> Declaration:
    """Declare (or replace) your perspectives, with consent."""
    return _declare(ctx, body)


@router.post("/perspectives/withdraw", name="perspectives.withdraw", include_in_schema=False)
def withdraw_form(request: Request, ctx: Context) -> Response:
    """Delete your declaration."""
    done = perspectives.withdraw(ctx.store, user=ctx.name)
    return redirect(request, "/perspectives", flash="declaration deleted" if done else "nothing to delete")


@router.post("/api/perspectives/withdraw", name="api.perspectives.withdraw")
def withdraw_api(ctx: Context) -> Withdrawn:
    """Delete your declaration."""
    return Withdrawn(withdrawn=perspectives.withdraw(ctx.store, user=ctx.name))


def _remove(ctx: Ctx, name: str) -> Removed:
    perspectives.remove_for(ctx.store, user=ctx.name, subject=name)
    return Removed(user=name, message=f"any perspectives {name} declared are deleted")


@router.post("/admin/users/{name}/perspectives/delete", name="perspectives.remove", include_in_schema=False)
def remove_form(request: Request, ctx: Context, name: str) -> Response:
    """Delete a person's declared perspectives (account removal), without showing them."""
    return redirect(request, "/admin/users", flash=_remove(ctx, name).message)


@router.post("/api/admin/users/{name}/perspectives/delete", name="api.perspectives.remove")
def remove_api(ctx: Context, name: str) -> Removed:
    """Delete a person's declared perspectives (account removal), without showing them."""
    return _remove(ctx, name)
