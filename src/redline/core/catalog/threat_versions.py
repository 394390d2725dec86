"""The living catalog's history: versions of each threat, revisions of the catalog, and diffs."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.ids import content_hash


class ChangeKind(StrEnum):
    """What a new version records: a threat that appeared, changed or disappeared."""

    ADDED = "added"
    CHANGED = "changed"
    REMOVED = "removed"


class RevisionKind(StrEnum):
    """What made a catalog revision."""

    SYNC = "sync"
    EDIT = "edit"


class ThreatVersion(BaseModel):
    """One recorded state of one threat; version 1 is the first time the catalog saw it."""

    model_config = ConfigDict(frozen=True)

    threat_id: str = Field(description="Threat id.")
    version: int = Field(ge=1, description="Per-threat version number, from 1.")
    revision: int = Field(ge=1, description="Catalog revision that recorded it.")
    change: ChangeKind = Field(description="Added, changed or removed.")
    content: dict[str, Any] | None = Field(description="The threat record; None when removed.")
    content_hash: str = Field(description="SHA-256 of the canonical JSON of the content.")
    author: str = Field(description="Who made the change.")
    reason: str = Field(description="Why, in the author's words.")
    at: datetime | None = Field(default=None, description="When it was recorded.")


class CatalogRevision(BaseModel):
    """One change set of the catalog: a sync of the files or an edit of one threat."""

    model_config = ConfigDict(frozen=True)

    number: int = Field(ge=1, description="Revision number, increasing.")
    kind: RevisionKind = Field(description="Sync or edit.")
    author: str = Field(description="Who made it.")
    reason: str = Field(description="Why.")
    changes: dict[str, int] = Field(default_factory=dict, description="Threat id -> version recorded.")
    at: datetime | None = Field(default=None, description="When it was recorded.")


class FieldChange(BaseModel):
    """One field that differs between two states of a threat."""

    model_config = ConfigDict(frozen=True)

    field: str = Field(description="Field name.")
    before: Any = Field(default=None, description="Value before (None when absent).")
    after: Any = Field(default=None, description="Value after (None when absent).")


class ThreatDiff(BaseModel):
    """How one threat differs between two states."""

    model_config = ConfigDict(frozen=True)

    threat_id: str
    change: ChangeKind
    before_label: str = Field(description="Where the old state comes from, e.g. 'v2' or 'r5'.")
    after_label: str = Field(description="Where the new state comes from, e.g. 'v3' or 'files'.")
    fields: tuple[FieldChange, ...] = Field(default=(), description="Fields that differ.")


def threat_hash(content: dict[str, Any] | None) -> str:
    """The content hash recorded for a threat state (removed states hash the empty record)."""
    return content_hash(content or {})


def diff_threat(
    threat_id: str,
    before: dict[str, Any] | None,
    after: dict[str, Any] | None,
    *,
    before_label: str,
    after_label: str,
) -> ThreatDiff | None:
    """The field-level difference between two states of a threat, or None when they are equal."""
    if before is None and after is None:
        return None
    if before is None:
        change = ChangeKind.ADDED
    elif after is None:
        change = ChangeKind.REMOVED
    elif threat_hash(before) == threat_hash(after):
        return None
    else:
        change = ChangeKind.CHANGED
    old, new = before or {}, after or {}
    keys = list(dict.fromkeys([*old, *new]))
    fields = tuple(
        FieldChange(field=k, before=old.get(k), after=new.get(k))
        for k in keys
        if content_hash(old.get(k)) != content_hash(new.get(k))
    )
    return ThreatDiff(
        threat_id=threat_id, change=change, before_label=before_label, after_label=after_label, fields=fields
    )


def diff_states(
    before: dict[str, dict[str, Any]],
    after: dict[str, dict[str, Any]],
    *,
    before_label: str,
    after_label: str,
) -> list[ThreatDiff]:
    """Every threat that differs between two catalog states (threat id -> record), by id."""
    out: list[ThreatDiff] = []
    for threat_id in sorted(set(before) | set(after)):
        diff = diff_threat(
            threat_id,
            before.get(threat_id),
            after.get(threat_id),
            before_label=before_label,
            after_label=after_label,
        )
        if diff is not None:
            out.append(diff)
    return out
