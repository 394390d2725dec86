"""Typed identifiers and content hashing shared by every record."""

from __future__ import annotations

import hashlib
import json
import uuid
from collections.abc import Iterable
from datetime import date, datetime
from enum import Enum
from typing import Any, NewType

SystemId = NewType("SystemId", str)
ReleaseId = NewType("ReleaseId", str)
PlanId = NewType("PlanId", str)
RoundId = NewType("RoundId", str)
CaseId = NewType("CaseId", str)
AttemptId = NewType("AttemptId", str)
FindingId = NewType("FindingId", str)
MitigationId = NewType("MitigationId", str)
DecisionId = NewType("DecisionId", str)
UserId = NewType("UserId", str)
ThreatId = NewType("ThreatId", str)


def new_id(prefix: str) -> str:
    """A fresh random id with a readable prefix, such as ``rnd_3f2a9c0d1b7e4e55``."""
    return f"{prefix}_{uuid.uuid4().hex[:16]}"


def _default(value: Any) -> Any:
    if isinstance(value, datetime | date):
        return value.isoformat()
    if isinstance(value, Enum):
        return value.value
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if isinstance(value, set | frozenset):
        return sorted(value)
    if isinstance(value, tuple):
        return list(value)
    raise TypeError(f"cannot hash a value of type {type(value).__name__}")


def canonical_json(value: Any) -> str:
    """JSON with sorted keys and no whitespace: the same value always gives the same text."""
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=_default)


def content_hash(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON form of a value."""
    return hashlib.sha256(canonical_json(value).encode("utf-8")).hexdigest()


class Digest:
    """A digest built one record at a time: SHA-256 over the content hashes of records, in order."""

    def __init__(self) -> None:
        self._h = hashlib.sha256()

    def add(self, record: Any) -> str:
        """Take one record; returns its own content hash."""
        one = content_hash(record)
        self._h.update(one.encode("ascii") + b"\n")
        return one

    def hexdigest(self) -> str:
        """The digest so far."""
        return self._h.hexdigest()


def digest_records(records: Iterable[Any]) -> str:
    """The digest of records in order: one record changed changes the digest."""
    digest = Digest()
    for record in records:
        digest.add(record)
    return digest.hexdigest()
