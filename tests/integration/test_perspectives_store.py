"""Declared perspectives on SQLite and PostgreSQL: one row per person, replaced, withdrawn, audited
without content."""

from __future__ import annotations

import json
from datetime import UTC, datetime

from redline.core.people.perspectives import CONSENT_STATEMENT, Declaration, Perspective, PerspectiveKind
from redline.store import audit
from redline.store.repos import perspectives as repo
from redline.store.session import Store

AT = datetime(2026, 3, 1, 12, 0, tzinfo=UTC)
SW = Perspective(kind=PerspectiveKind.LANGUAGE, value="sw")
PRIVACY = Perspective(kind=PerspectiveKind.DOMAIN, value="privacy")
ELDERS = Perspective(kind=PerspectiveKind.COMMUNITY, value="older people")


def _declaration(user: str, *perspectives: Perspective, at: datetime = AT) -> Declaration:
    return Declaration(
        user=user,
        perspectives=perspectives,
        consent_version="1",
        consent_statement=CONSENT_STATEMENT,
        consented_at=at,
        updated_at=at,
    )


def test_a_declaration_round_trips_and_is_replaced(store: Store) -> None:
    with store.session() as s:
        repo.save_declaration(s, _declaration("ana", SW, PRIVACY))
    with store.session() as s:
        got = repo.get_declaration(s, "ana")
        assert got is not None and got.perspectives == (SW, PRIVACY)
        assert got.consent_statement == CONSENT_STATEMENT and got.consented_at == AT
        later = datetime(2026, 4, 1, tzinfo=UTC)
        repo.save_declaration(s, _declaration("ana", ELDERS, at=later))
    with store.session() as s:
        got = repo.get_declaration(s, "ana")
        assert got is not None and got.perspectives == (ELDERS,) and got.consented_at == later
        assert repo.get_declaration(s, "ben") is None


def test_declared_by_returns_only_the_asked_for_people(store: Store) -> None:
    with store.session() as s:
        repo.save_declaration(s, _declaration("ana", SW))
        repo.save_declaration(s, _declaration("ben", PRIVACY, ELDERS))
        repo.save_declaration(s, _declaration("cy", SW))
    with store.session() as s:
        assert repo.declared_by(s, ["ana", "ben", "nobody"]) == {"ana": (SW,), "ben": (PRIVACY, ELDERS)}
        assert repo.declared_by(s, []) == {}


def test_withdraw_and_removal_delete_and_the_audit_log_holds_no_content(store: Store) -> None:
    with store.session() as s:
        repo.save_declaration(s, _declaration("ana", SW, ELDERS))
        repo.save_declaration(s, _declaration("ben", PRIVACY))
    with store.session() as s:
        assert repo.delete_declaration(s, "ana", actor="ana") is True
        assert repo.delete_declaration(s, "ana", actor="ana") is False
        assert repo.delete_declaration(s, "ben", actor="ada") is True
    with store.session() as s:
        assert repo.declared_by(s, ["ana", "ben"]) == {}
        events = audit.list_events(s, subject="ana") + audit.list_events(s, subject="ben")
        actions = sorted(e.action for e in events)
        assert actions == [
            "perspectives.declare",
            "perspectives.declare",
            "perspectives.remove",
            "perspectives.withdraw",
            "perspectives.withdraw",
        ]
        dumped = json.dumps([e.model_dump(mode="json") for e in events])
        assert "older people" not in dumped and '"sw"' not in dumped and "privacy" not in dumped
