from __future__ import annotations

from typing import Any

from redline.core.audit import GENESIS_HASH, AuditEvent, event_hash, verify_chain


def _chain(n: int) -> list[AuditEvent]:
    events, prev = [], GENESIS_HASH
    for seq in range(1, n + 1):
        fields: dict[str, Any] = {
            "seq": seq,
            "at": f"2026-11-27T00:00:0{seq}",
            "actor": "a",
            "action": "x.y",
            "subject": "s",
            "payload": {"k": seq},
        }
        digest = event_hash(**fields, prev_hash=prev)
        events.append(AuditEvent(**fields, prev_hash=prev, hash=digest))
        prev = digest
    return events


def test_intact_chain_verifies() -> None:
    assert verify_chain(_chain(5)) is None


def test_edited_payload_is_named() -> None:
    events = _chain(5)
    events[2] = events[2].model_copy(update={"payload": {"k": 99}})
    brk = verify_chain(events)
    assert brk is not None and brk.seq == 3 and "hash" in brk.reason


def test_deleted_event_is_detected() -> None:
    events = _chain(5)
    del events[1]
    brk = verify_chain(events)
    assert brk is not None and brk.seq == 3
