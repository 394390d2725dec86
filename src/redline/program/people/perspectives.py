"""Declared perspectives: each person declares (with consent), changes or withdraws their own.

Plans and reports see them in aggregate only.

No function here returns one person's declaration to anyone else: `mine` answers for the acting user
alone, an admin's `remove_for` deletes without reading, and `plan_coverage` returns aggregates that
obey the k rule of `redline.core.people.perspectives`.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy.orm import Session

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.core.catalog.threats import Threat
from redline.core.errors import UsageError
from redline.core.people.perspectives import (
    CONSENT_STATEMENT,
    CONSENT_VERSION,
    KIND_LABELS,
    LANGUAGES,
    MAX_PERSPECTIVES,
    REGIONS,
    Declaration,
    PerspectiveKind,
    TeamCoverage,
    Vocabulary,
    called_for,
    coverage,
    sorted_perspectives,
    vocabulary_of,
)
from redline.program.people.actors import acting_user, authorize
from redline.program.people.permissions import PERSPECTIVE_REMOVERS
from redline.store.repos import perspectives as perspectives_repo
from redline.store.session import Store


class VocabularyEntry(BaseModel):
    """One value offered for a kind, with a readable name."""

    model_config = ConfigDict(frozen=True)

    value: str
    name: str


class VocabularyKind(BaseModel):
    """The values one kind offers."""

    model_config = ConfigDict(frozen=True)

    kind: PerspectiveKind
    label: str = Field(description="How people read the kind.")
    values: tuple[VocabularyEntry, ...]
    free: bool = Field(description="Whether values outside the list are accepted.")


def _names(kind: PerspectiveKind) -> dict[str, str]:
    if kind is PerspectiveKind.LANGUAGE:
        return {code: f"{name} ({code})" for code, name in LANGUAGES.items()}
    if kind is PerspectiveKind.REGION:
        return dict(REGIONS)
    return {}


def catalog_threats(settings: Settings) -> list[Threat]:
    """Active and draft threats of the workspace catalog."""
    return list(load_catalog(settings.workspace / "catalog").threats())


def vocabulary(settings: Settings) -> Vocabulary:
    """The vocabulary offered by the workspace catalog."""
    return vocabulary_of(catalog_threats(settings))


def describe(vocab: Vocabulary) -> list[VocabularyKind]:
    """The vocabulary, kind by kind, for forms and `--json`."""
    out = []
    for kind in PerspectiveKind:
        names = _names(kind)
        entries = tuple(VocabularyEntry(value=v, name=names.get(v, v)) for v in vocab.values(kind))
        out.append(
            VocabularyKind(
                kind=kind, label=KIND_LABELS[kind], values=entries, free=kind is not PerspectiveKind.REGION
            )
        )
    return out


def declare(
    store: Store,
    settings: Settings,
    *,
    user: str | None,
    entries: Iterable[tuple[PerspectiveKind, str]],
    consent: bool,
    now: datetime | None = None,
) -> Declaration:
    """Record (or replace) the acting person's own perspectives; consent is required and stored."""
    if not consent:
        raise UsageError(
            "declaring perspectives needs your consent: tick the consent statement (or pass --consent)"
        )
    vocab = vocabulary(settings)
    chosen = sorted_perspectives(vocab.normalise(kind, text) for kind, text in entries if text.strip())
    if not chosen:
        raise UsageError("declare at least one perspective; to remove them all, withdraw instead")
    if len(chosen) > MAX_PERSPECTIVES:
        raise UsageError(f"declare at most {MAX_PERSPECTIVES} perspectives")
    for p in chosen:
        if p.kind is PerspectiveKind.REGION and not vocab.knows(p):
            known = ", ".join(REGIONS)
            raise UsageError(f"'{p.value}' is not a region Redline knows; choose one of: {known}")
    when = now or datetime.now(UTC)
    with store.session() as session:
        who = acting_user(session, user)
        return perspectives_repo.save_declaration(
            session,
            Declaration(
                user=who.name,
                perspectives=chosen,
                consent_version=CONSENT_VERSION,
                consent_statement=CONSENT_STATEMENT,
                consented_at=when,
                updated_at=when,
            ),
        )


def mine(store: Store, *, user: str | None) -> Declaration | None:
    """The acting person's own declaration (nobody else's can be asked for)."""
    with store.session() as session:
        who = acting_user(session, user)
        return perspectives_repo.get_declaration(session, who.name)


def withdraw(store: Store, *, user: str | None) -> bool:
    """Delete the acting person's own declaration; True if there was one."""
    with store.session() as session:
        who = acting_user(session, user)
        return perspectives_repo.delete_declaration(session, who.name, actor=who.name)


def remove_for(store: Store, *, user: str | None, subject: str) -> None:
    """An admin deletes all of `subject`'s declarations (on account removal) without seeing them.

    Returns nothing, so the answer does not tell whether the person had declared anything.
    """
    with store.session() as session:
        admin = authorize(session, user, PERSPECTIVE_REMOVERS, action="delete someone's perspectives")
        perspectives_repo.delete_declaration(session, subject, actor=admin.name)


def team_coverage(
    session: Session, threats: Sequence[Threat], *, testers: Sequence[str], k: int
) -> TeamCoverage:
    """What `threats` call for and whether `testers`, together, cover it (aggregate only)."""
    declared = perspectives_repo.declared_by(session, testers)
    return coverage(called_for(threats), declared, testers=testers, k=k)
