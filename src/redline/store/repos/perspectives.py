"""Declared perspectives, one row per person; the audit log records that one changed, never its content."""

from __future__ import annotations

from collections.abc import Collection
from datetime import UTC, datetime

from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from redline.core.people.perspectives import Declaration, Perspective
from redline.store import audit
from redline.store.tables import PerspectiveDeclarationRow


def _aware(value: datetime) -> datetime:
    return value if value.tzinfo is not None else value.replace(tzinfo=UTC)


def _declaration(row: PerspectiveDeclarationRow) -> Declaration:
    return Declaration(
        user=row.user,
        perspectives=tuple(Perspective.model_validate(p) for p in row.perspectives),
        consent_version=row.consent_version,
        consent_statement=row.consent_statement,
        consented_at=_aware(row.consented_at),
        updated_at=_aware(row.updated_at),
    )


def get_declaration(session: Session, user: str) -> Declaration | None:
    """One person's declaration, or None."""
    row = session.get(PerspectiveDeclarationRow, user)
    return _declaration(row) if row is not None else None


def save_declaration(session: Session, declaration: Declaration) -> Declaration:
    """Store or replace one person's declaration (audited without its content)."""
    row = session.get(PerspectiveDeclarationRow, declaration.user)
    values = [p.model_dump(mode="json") for p in declaration.perspectives]
    if row is None:
        row = PerspectiveDeclarationRow(user=declaration.user)
        session.add(row)
    row.perspectives = values
    row.consent_version = declaration.consent_version
    row.consent_statement = declaration.consent_statement
    row.consented_at = declaration.consented_at
    row.updated_at = declaration.updated_at
    session.flush()
    audit.append(
        session,
        actor=declaration.user,
        action="perspectives.declare",
        subject=declaration.user,
        payload={"consent_version": declaration.consent_version},
    )
    return _declaration(row)


def delete_declaration(session: Session, user: str, *, actor: str) -> bool:
    """Delete one person's declaration; True if there was one (audited either way, without content)."""
    result = session.execute(delete(PerspectiveDeclarationRow).where(PerspectiveDeclarationRow.user == user))
    action = "perspectives.withdraw" if actor == user else "perspectives.remove"
    audit.append(session, actor=actor, action=action, subject=user, payload={})
    return bool(getattr(result, "rowcount", 0))


def declared_by(session: Session, users: Collection[str]) -> dict[str, tuple[Perspective, ...]]:
    """What each of `users` declared (those without a declaration left out): for aggregates only."""
    if not users:
        return {}
    rows = session.scalars(
        select(PerspectiveDeclarationRow).where(PerspectiveDeclarationRow.user.in_(list(users)))
    )
    return {r.user: tuple(Perspective.model_validate(p) for p in r.perspectives) for r in rows}
