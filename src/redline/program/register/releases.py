"""Releases of the systems under test: declare one from redline.yaml, find one by a reference."""

from __future__ import annotations

from typing import Any

from sqlalchemy.orm import Session

from redline.config.settings import Settings, TargetConfig
from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.systems import Release
from redline.store.repos import systems as systems_repo
from redline.store.session import Store


def release_label(session: Session, release: Release) -> str:
    """'system@version' for a release."""
    system = next(s for s in systems_repo.list_systems(session) if s.id == release.system_id)
    return f"{system.name}@{release.version}"


def sibling_release_ids(session: Session, release: Release) -> list[str]:
    """Ids of every release of the same system (a finding stays open across releases until resolved)."""
    return [r.id for r in systems_repo.list_releases(session, system_id=release.system_id)]


def target_config_of(release: Release) -> TargetConfig:
    """The target configuration a release was declared with."""
    raw: Any = (
        release.config.get("target", release.config) if "kind" not in release.config else release.config
    )
    if not isinstance(raw, dict) or "kind" not in raw:
        raise ConfigError(
            f"release {release.version} holds no target configuration; declare it with 'redline release add'"
        )
    return TargetConfig.model_validate(raw)


def add_release(
    store: Store,
    settings: Settings,
    *,
    system: str,
    version: str,
    model: str | None = None,
    system_prompt: str | None = None,
    actor: str,
) -> Release:
    """Declare a release of a system from redline.yaml, optionally with another model or system prompt."""
    declared = settings.config.system(system)
    changes: dict[str, Any] = {}
    if model is not None:
        changes["model"] = model
    if system_prompt is not None:
        changes["system_prompt"] = system_prompt
    target = declared.target.model_copy(update=changes)
    identity = ModelIdentity(provider=target.kind, name=target.model or system, version=version)
    with store.session() as session:
        sys_ = systems_repo.ensure_system(
            session, name=system, description=declared.description, owner=declared.owner, actor=actor
        )
        return systems_repo.ensure_release(
            session,
            system_id=sys_.id,
            version=version,
            model=identity,
            config=target.model_dump(mode="json"),
            actor=actor,
        )


def list_releases(store: Store, *, system: str | None = None) -> list[tuple[str, Release]]:
    """Releases with their 'system@version' labels, oldest first."""
    with store.session() as session:
        systems = {s.id: s.name for s in systems_repo.list_systems(session)}
        system_id = systems_repo.get_system(session, system).id if system else None
        return [
            (f"{systems[r.system_id]}@{r.version}", r)
            for r in systems_repo.list_releases(session, system_id=system_id)
        ]
