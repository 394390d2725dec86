"""The living catalog: record each change as a version with author and reason, edit threats, show diffs."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError
from sqlalchemy import event
from sqlalchemy.orm import Session, SessionTransaction

from redline.catalog.loader import Catalog, load_catalog
from redline.config.settings import Settings
from redline.core.catalog.threat_versions import (
    CatalogRevision,
    ChangeKind,
    RevisionKind,
    ThreatDiff,
    ThreatVersion,
    diff_states,
    diff_threat,
    threat_hash,
)
from redline.core.catalog.threats import Threat
from redline.core.errors import ConfigError, UsageError
from redline.program.people.actors import authorize, require_role
from redline.program.people.permissions import CATALOG_EDITORS
from redline.store.files import FileLock, replace_file
from redline.store.repos import catalog as catalog_repo

TOLERANCE_FIELDS = ("zero_tolerance", "max_failure_rate")
"""Threat fields that loosen or tighten the release gate: changing them needs the risk acceptors."""
"""Roles that may change the catalog (edit a threat or record a sync)."""

FILES = "files"
LOCK_FILE = "catalog.lock"
"""In `.redline/`: held from reading the catalog files until the recorded revision commits."""
_LOCK_KEY = "redline.catalog_lock"


class EditResult(BaseModel):
    """What `edit_threat` did."""

    model_config = ConfigDict(frozen=True)

    threat: Threat = Field(description="The threat after the edit.")
    path: str = Field(description="Workspace file written.")
    revision: CatalogRevision = Field(description="The revision that recorded the edit.")
    diff: ThreatDiff | None = Field(description="What changed.")


def catalog_dir(settings: Settings) -> Path:
    """The workspace's own catalog folder."""
    return settings.workspace / "catalog"


def _record(threat: Threat) -> dict[str, Any]:
    return threat.model_dump(mode="json")


def hold_catalog_lock(session: Session, settings: Settings) -> None:
    """Take the workspace's catalog lock until the session's transaction ends (commit or rollback).

    A change reads the files, compares them with the recorded versions, records a revision and
    writes a file; the revision commits when the caller's transaction does. Holding the lock to
    that point means no other editor reads files whose revision is not yet committed (which made
    spurious "files as found" revisions) and two edits never interleave.
    """
    if session.info.get(_LOCK_KEY) is not None:
        return
    lock = FileLock(settings.state_dir / LOCK_FILE).acquire()
    session.info[_LOCK_KEY] = lock

    def release(_session: Session, transaction: SessionTransaction) -> None:
        if transaction.parent is None and lock.held:  # the outer transaction ended
            lock.release()
            if session.info.get(_LOCK_KEY) is lock:
                del session.info[_LOCK_KEY]

    event.listen(session, "after_transaction_end", release)


def _reason(reason: str) -> str:
    text = reason.strip()
    if not text:
        raise UsageError("say why: every catalog change needs a --reason")
    return text


def pending_changes(session: Session, catalog: Catalog) -> list[catalog_repo.PendingChange]:
    """What differs between the catalog files in force and the newest recorded versions."""
    latest = catalog_repo.latest_versions(session)
    current = {t.id: _record(t) for t in catalog.threats()}
    changes: list[catalog_repo.PendingChange] = []
    for threat_id in sorted(set(current) | set(latest)):
        now = current.get(threat_id)
        was = latest.get(threat_id)
        if now is None:
            if was is not None and was.content is not None:
                changes.append(catalog_repo.PendingChange(threat_id, ChangeKind.REMOVED, None))
        elif was is None or was.content is None:
            changes.append(catalog_repo.PendingChange(threat_id, ChangeKind.ADDED, now))
        elif threat_hash(now) != was.content_hash:
            changes.append(catalog_repo.PendingChange(threat_id, ChangeKind.CHANGED, now))
    return changes


def sync_catalog(
    session: Session, *, settings: Settings, user: str | None, reason: str
) -> CatalogRevision | None:
    """Record every threat whose file changed since the last recorded version; None when nothing did."""
    who = authorize(session, user, CATALOG_EDITORS, action="record catalog changes")
    why = _reason(reason)
    hold_catalog_lock(session, settings)
    changes = pending_changes(session, load_catalog(catalog_dir(settings)))
    if not changes:
        return None
    return catalog_repo.record_revision(
        session, kind=RevisionKind.SYNC, author=who.name, reason=why, changes=changes
    )


def parse_assignment(text: str) -> tuple[str, Any]:
    """`field=value` with the value read as YAML (lists, numbers, dates); an empty value clears the field."""
    field, sep, raw = text.partition("=")
    field = field.strip()
    if not sep or not field:
        raise UsageError(f"--set expects FIELD=VALUE, got '{text}'")
    try:
        value = yaml.safe_load(raw) if raw.strip() else None
    except yaml.YAMLError:
        value = raw
    return field, value


def apply_changes(threat: Threat, assignments: list[str]) -> Threat:
    """The threat with `field=value` assignments applied and validated."""
    data = _record(threat)
    for text in assignments:
        field, value = parse_assignment(text)
        if field == "id":
            raise UsageError("the id of a threat cannot be edited; add the new id and retire the old one")
        if field not in Threat.model_fields:
            known = ", ".join(k for k in Threat.model_fields if k != "id")
            raise UsageError(f"threat has no field '{field}' (fields: {known})")
        info = Threat.model_fields[field]
        if value is None:
            value = info.get_default()
        elif info.annotation in (str, str | None) and not isinstance(value, str):
            value = text.partition("=")[2].strip()
        data[field] = value
    try:
        return Threat.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise ConfigError(f"{err['msg']}", field=where) from None


def write_threat_file(threat: Threat, folder: Path, *, path: Path | None = None) -> Path:
    """Write a threat as a workspace YAML file (its own file, or `<id>.yaml`)."""
    target = path or folder / f"{threat.id}.yaml"
    target.parent.mkdir(parents=True, exist_ok=True)
    data = threat.model_dump(mode="json", exclude_defaults=True)
    data["id"] = threat.id
    ordered = {k: data[k] for k in Threat.model_fields if k in data}
    text = yaml.dump(ordered, Dumper=_ThreatDumper, sort_keys=False, allow_unicode=True, width=100)
    replace_file(target, text)  # readers see the old file or the new one, never half of it
    return target


class _ThreatDumper(yaml.SafeDumper):
    """Writes long text as folded blocks, the way people write threat files by hand."""


def _str(dumper: yaml.SafeDumper, value: str) -> yaml.Node:
    style = ">" if ("\n" in value or len(value) > 90) and value == value.strip(" ") else None
    return dumper.represent_scalar("tag:yaml.org,2002:str", value, style=style)


_ThreatDumper.add_representer(str, _str)


def edit_threat(
    session: Session,
    threat_id: str,
    *,
    settings: Settings,
    user: str | None,
    assignments: list[str],
    reason: str,
) -> EditResult:
    """Change fields of a threat: writes the workspace file and records a new version (audited)."""
    who = authorize(session, user, CATALOG_EDITORS, action="edit the threat catalog")
    why = _reason(reason)
    if not assignments:
        raise UsageError("nothing to change: pass at least one --set FIELD=VALUE")
    hold_catalog_lock(session, settings)
    folder = catalog_dir(settings)
    catalog = load_catalog(folder)
    entry = catalog.entry(threat_id)
    updated = apply_changes(entry.threat, assignments)
    if any(getattr(updated, f) != getattr(entry.threat, f) for f in TOLERANCE_FIELDS):
        acceptors = settings.config.decision_rights.risk_acceptors
        require_role(who, acceptors, action="change a threat's gate tolerance (a risk acceptance)")
    baseline = pending_changes(session, catalog)
    if baseline:
        catalog_repo.record_revision(
            session,
            kind=RevisionKind.SYNC,
            author=who.name,
            reason=f"files as found before an edit of {entry.threat.id}",
            changes=baseline,
        )
    before = _record(entry.threat)
    after = _record(updated)
    diff = diff_threat(entry.threat.id, before, after, before_label="before", after_label="after")
    if diff is None:
        raise UsageError(f"the change leaves {entry.threat.id} as it was; nothing recorded")
    revision = catalog_repo.record_revision(
        session,
        kind=RevisionKind.EDIT,
        author=who.name,
        reason=why,
        changes=[catalog_repo.PendingChange(entry.threat.id, ChangeKind.CHANGED, after)],
    )
    path = write_threat_file(updated, folder, path=None if entry.shipped else entry.path)
    return EditResult(threat=updated, path=str(path), revision=revision, diff=diff)


def diff_catalog(
    session: Session,
    *,
    settings: Settings,
    threat_id: str | None = None,
    from_version: int | None = None,
    to_version: int | None = None,
) -> list[ThreatDiff]:
    """Differences between recorded states and the files.

    With a threat id, `from_version`/`to_version` are that threat's version numbers; without one, they
    are catalog revision numbers. The default old state is the newest recorded; the default new state
    is the files in force now.
    """
    catalog = load_catalog(catalog_dir(settings))
    files = {t.id: _record(t) for t in catalog.threats()}
    if threat_id is not None:
        tid = catalog.resolve(threat_id)
        return _diff_one(session, tid, files.get(tid), from_version, to_version)
    before_label = f"r{from_version}" if from_version is not None else "recorded"
    before = catalog_repo.state_at(session, from_version)
    after = catalog_repo.state_at(session, to_version) if to_version is not None else files
    after_label = f"r{to_version}" if to_version is not None else FILES
    return diff_states(before, after, before_label=before_label, after_label=after_label)


def _diff_one(
    session: Session,
    threat_id: str,
    current: dict[str, Any] | None,
    from_version: int | None,
    to_version: int | None,
) -> list[ThreatDiff]:
    versions = catalog_repo.list_versions(session, threat_id)
    if current is None and not versions:
        raise ConfigError(f"no threat '{threat_id}' in the catalog or its history")
    if from_version is not None:
        old: dict[str, Any] | None = catalog_repo.get_version(session, threat_id, from_version).content
        old_label = f"v{from_version}"
    elif versions:
        old, old_label = versions[-1].content, f"v{versions[-1].version}"
    else:
        old, old_label = None, "unrecorded"
    if to_version is not None:
        new = catalog_repo.get_version(session, threat_id, to_version).content
        new_label = f"v{to_version}"
    else:
        new, new_label = current, FILES
    diff = diff_threat(threat_id, old, new, before_label=old_label, after_label=new_label)
    return [diff] if diff else []


def threat_history(session: Session, threat_id: str, *, settings: Settings) -> list[ThreatVersion]:
    """Every recorded version of a threat (aliases resolve), oldest first."""
    return catalog_repo.list_versions(session, load_catalog(catalog_dir(settings)).resolve(threat_id))


def revisions(session: Session, *, limit: int = 100) -> list[CatalogRevision]:
    """Catalog revisions, newest first."""
    return catalog_repo.list_revisions(session, limit=limit)
