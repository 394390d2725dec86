"""Audit events and the hash chain that makes the log tamper-evident (pure; stored by store.audit)."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.ids import canonical_json

GENESIS_HASH = "0" * 64


class AuditEvent(BaseModel):
    """One entry of the append-only audit log."""

    model_config = ConfigDict(frozen=True)

    seq: int = Field(ge=1, description="Position in the chain, from 1.")
    at: str = Field(description="UTC time, ISO 8601 with microseconds, as hashed.")
    actor: str = Field(description="Who acted: a user name, 'system' or 'cli:<login>'.")
    action: str = Field(description="Dotted verb, e.g. 'plan.approve', 'workspace.init'.")
    subject: str = Field(default="", description="Id of the record acted on.")
    payload: dict[str, Any] = Field(default_factory=dict)
    prev_hash: str = Field(description="Hash of the previous event (GENESIS_HASH for the first).")
    hash: str = Field(description="SHA-256 of this event's fields and prev_hash.")


def event_hash(
    *, seq: int, at: str, actor: str, action: str, subject: str, payload: dict[str, Any], prev_hash: str
) -> str:
    """SHA-256 over the canonical JSON of an event's fields, chained to the previous hash."""
    body = canonical_json(
        {
            "seq": seq,
            "at": at,
            "actor": actor,
            "action": action,
            "subject": subject,
            "payload": payload,
            "prev": prev_hash,
        }
    )
    return hashlib.sha256(body.encode("utf-8")).hexdigest()


class ChainBreak(BaseModel):
    """The first event at which the chain fails to verify."""

    model_config = ConfigDict(frozen=True)

    seq: int
    action: str
    reason: str


class ChainVerifier:
    """Checks events one at a time, in order, so a long log can be verified as it streams."""

    def __init__(self) -> None:
        self.prev_hash = GENESIS_HASH
        self.expected_seq = 1
        self.checked = 0

    def feed(self, ev: AuditEvent) -> ChainBreak | None:
        """Check the next event; returns the break it shows, or None."""
        if ev.seq != self.expected_seq:
            return ChainBreak(seq=ev.seq, action=ev.action, reason=f"expected event {self.expected_seq} here")
        if ev.prev_hash != self.prev_hash:
            return ChainBreak(seq=ev.seq, action=ev.action, reason="does not link to the previous event")
        recomputed = event_hash(
            seq=ev.seq,
            at=ev.at,
            actor=ev.actor,
            action=ev.action,
            subject=ev.subject,
            payload=ev.payload,
            prev_hash=ev.prev_hash,
        )
        if recomputed != ev.hash:
            return ChainBreak(seq=ev.seq, action=ev.action, reason="content does not match its hash")
        self.prev_hash = ev.hash
        self.expected_seq += 1
        self.checked += 1
        return None


def verify_chain(events: Iterable[AuditEvent]) -> ChainBreak | None:
    """Walk events in order; return the first break, or None when the chain holds."""
    verifier = ChainVerifier()
    for ev in events:
        brk = verifier.feed(ev)
        if brk is not None:
            return brk
    return None


CHECKPOINT_ACTION = "audit.checkpoint"
"""The audit action that records a checkpoint in the chain itself (reports show the newest one)."""


class AuditCheckpoint(BaseModel):
    """The head of the chain at one moment, signed with a key kept outside the database.

    Written to a file (one JSON line each) or a webhook, it anchors the chain: whoever rewrites an
    event up to `seq`, or deletes events down below `seq`, no longer matches it, and cannot sign a
    new one without the private key.
    """

    model_config = ConfigDict(frozen=True)

    workspace: str = Field(description="Name of the program whose log this is.")
    seq: int = Field(ge=0, description="The chain's last event when the checkpoint was made (0: empty).")
    head: str = Field(description="That event's hash (GENESIS_HASH for an empty log).")
    at: str = Field(description="UTC time of the checkpoint, ISO 8601.")
    key_id: str = Field(description="First 16 hex digits of the SHA-256 of the raw Ed25519 public key.")
    signature: str = Field(default="", description="Ed25519 signature of `signed_bytes()`, base64.")

    def signed_bytes(self) -> bytes:
        """What the signature covers: every field but the signature, as canonical JSON."""
        return canonical_json(self.model_dump(exclude={"signature"})).encode("utf-8")

    def line(self) -> str:
        """One line of a checkpoint file."""
        return canonical_json(self.model_dump())

    def summary(self) -> str:
        """One line for reports: event, head, time and key."""
        return f"event {self.seq}, head {self.head}, at {self.at}, key {self.key_id}"


class CheckpointMismatch(BaseModel):
    """Why the chain does not match a checkpoint."""

    model_config = ConfigDict(frozen=True)

    checkpoint: AuditCheckpoint
    reason: str


def check_against(
    checkpoints: Iterable[AuditCheckpoint], heads: dict[int, str], last_seq: int
) -> CheckpointMismatch | None:
    """Compare checkpoints with the verified chain: `heads` maps a checkpoint's seq to the hash found
    there, `last_seq` is the chain's length. Returns the first mismatch, newest checkpoint first."""
    for cp in sorted(checkpoints, key=lambda c: c.seq, reverse=True):
        if cp.seq > last_seq:
            return CheckpointMismatch(
                checkpoint=cp,
                reason=f"the log ends at event {last_seq}, but the checkpoint of {cp.at} covers event "
                f"{cp.seq}: events were removed",
            )
        found = heads.get(cp.seq, GENESIS_HASH if cp.seq == 0 else None)
        if found != cp.head:
            return CheckpointMismatch(
                checkpoint=cp,
                reason=f"event {cp.seq} does not match the checkpoint of {cp.at}: the log was rewritten",
            )
    return None
