"""Systems under test and their releases."""

from __future__ import annotations

from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from redline.core.errors import NotFoundError, UsageError
from redline.core.ids import new_id
from redline.core.provenance import ModelIdentity
from redline.core.runs.systems import Release, System
from redline.core.secrets import redact_secrets
from redline.store import audit
from redline.store.tables import ReleaseRow, SystemRow


def _system(row: SystemRow) -> System:
    return System(id=row.id, name=row.name, description=row.description, owner=row.owner)


def _release(row: ReleaseRow) -> Release:
    return Release(
        id=row.id,
        system_id=row.system_id,
        version=row.version,
        model=ModelIdentity.model_validate(row.model),
        config=row.config,
        config_fingerprint=row.config_fingerprint,
        created_at=row.created_at,
    )


def ensure_system(
    session: Session, *, name: str, description: str = "", owner: str | None = None, actor: str
) -> System:
    """The system of that name, created (and audited) if it does not exist yet."""
    row = session.scalars(select(SystemRow).where(SystemRow.name == name)).first()
    if row is None:
        row = SystemRow(id=new_id("sys"), name=name, description=description, owner=owner)
        session.add(row)
        session.flush()
        audit.append(session, actor=actor, action="system.create", subject=row.id, payload={"name": name})
    return _system(row)


def get_system(session: Session, name: str) -> System:
    """The system of that name."""
    row = session.scalars(select(SystemRow).where(SystemRow.name == name)).first()
    if row is None:
        raise NotFoundError(f"no system named '{name}'")
    return _system(row)


def list_systems(session: Session) -> list[System]:
    """Every system, by name."""
    return [_system(r) for r in session.scalars(select(SystemRow).order_by(SystemRow.name))]


def ensure_release(
    session: Session,
    *,
    system_id: str,
    version: str,
    model: ModelIdentity,
    config: dict[str, Any],
    actor: str,
) -> Release:
    """The release of that version, created (and audited) if new; secrets are stripped from its config."""
    row = session.scalars(
        select(ReleaseRow).where(ReleaseRow.system_id == system_id, ReleaseRow.version == version)
    ).first()
    if row is None:
        clean = redact_secrets(config)
        row = ReleaseRow(
            id=new_id("rel"),
            system_id=system_id,
            version=version,
            model=model.model_dump(mode="json"),
            config=clean,
            config_fingerprint=Release.fingerprint(model, clean),
        )
        session.add(row)
        session.flush()
        audit.append(
            session,
            actor=actor,
            action="release.create",
            subject=row.id,
            payload={"system_id": system_id, "version": version, "fingerprint": row.config_fingerprint},
        )
    return _release(row)


def get_release(session: Session, release_id: str) -> Release:
    """A release by id."""
    row = session.get(ReleaseRow, release_id)
    if row is None:
        raise NotFoundError(f"no release with id '{release_id}'")
    return _release(row)


def find_release(session: Session, *, system: str, version: str) -> Release:
    """A release by system name and version label."""
    row = session.scalars(
        select(ReleaseRow)
        .join(SystemRow, SystemRow.id == ReleaseRow.system_id)
        .where(SystemRow.name == system, ReleaseRow.version == version)
    ).first()
    if row is None:
        raise NotFoundError(f"no release '{version}' of system '{system}'")
    return _release(row)


def resolve_release(session: Session, ref: str) -> Release:
    """A release from a reference: its id, 'system@version', or a version label only one system uses.

    The one lookup every command, page and report uses; whatever fails, the error names `ref`."""
    row = session.get(ReleaseRow, ref)
    if row is None:
        query = select(ReleaseRow)
        if "@" in ref:
            system, _, version = ref.partition("@")
            query = query.join(SystemRow, SystemRow.id == ReleaseRow.system_id).where(
                SystemRow.name == system, ReleaseRow.version == version
            )
        else:
            query = query.where(ReleaseRow.version == ref)
        rows = session.scalars(query.limit(2)).all()
        if not rows:
            raise NotFoundError(
                f"no release '{ref}'; name it by id, as SYSTEM@VERSION or by a version only one system "
                "uses ('redline release list' shows them)"
            )
        if len(rows) > 1:
            raise UsageError(f"release '{ref}' exists for several systems; name it as SYSTEM@VERSION")
        row = rows[0]
    return _release(row)


def list_releases(session: Session, *, system_id: str | None = None) -> list[Release]:
    """Releases, oldest first."""
    query = select(ReleaseRow).order_by(ReleaseRow.created_at)
    if system_id:
        query = query.where(ReleaseRow.system_id == system_id)
    return [_release(r) for r in session.scalars(query)]
