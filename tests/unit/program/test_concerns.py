"""Concerns: who may raise and handle them, one-time links, claim codes, status moves, audit facts."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
from sqlalchemy import text

from redline.config.settings import Settings
from redline.core.channels.concerns import ConcernStatus as S
from redline.core.errors import PermissionDeniedError, TransitionError, UsageError
from redline.core.people.users import Role
from redline.program.channels import concerns
from redline.program.channels.concerns import (
    ClaimNotFoundError,
    ClaimThrottle,
    ClaimThrottledError,
    ConcernDraft,
    SubjectKind,
)
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.repos import users
from redline.store.session import Store
from redline.store.tables import ConcernRow

NOW = datetime(2026, 11, 27, 9, 30, tzinfo=UTC)
CONCERNS: dict[str, Any] = {"mapper": ConcernRow}  # raw SQL on concern tables goes to their own store
DRAFT = ConcernDraft(
    subject_kind=SubjectKind.FINDING, reference="fnd_1", text="The severity was lowered to ship."
)


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    opened = open_workspace_store(workspace)
    with opened.session() as s:
        users.add_user(s, name="ada", roles={Role.ADMIN}, actor="test")
        users.add_user(s, name="cora", roles={Role.COMMITTEE}, actor="test")
        users.add_user(s, name="tess", roles={Role.TESTER}, actor="test")
        users.add_user(s, name="lena", roles={Role.LEAD}, actor="test")
    yield opened
    opened.dispose()


def _raise(store: Store, *, now: datetime = NOW) -> concerns.Raised:
    with store.session() as s:
        return concerns.raise_concern(s, DRAFT, account=users.get_user(s, "tess"), now=now)


def test_a_tester_raises_but_cannot_read_the_queue(store: Store) -> None:
    raised = _raise(store)
    with store.session() as s:
        for name in ("tess", "lena"):
            with pytest.raises(PermissionDeniedError):
                concerns.queue(s, acting=name)
            with pytest.raises(PermissionDeniedError):
                concerns.show(s, raised.concern_id, acting=name)
            with pytest.raises(PermissionDeniedError):
                concerns.respond(s, raised.concern_id, "hello", acting=name)
        for name in ("cora", "ada"):
            assert [e.concern.id for e in concerns.queue(s, acting=name)] == [raised.concern_id]


def test_raising_needs_an_account_a_link_or_workspace_access(store: Store) -> None:
    with store.session() as s:
        with pytest.raises(PermissionDeniedError):
            concerns.raise_concern(s, DRAFT)
        ghost = users.get_user(s, "tess").model_copy(update={"active": False})
        with pytest.raises(PermissionDeniedError):
            concerns.raise_concern(s, DRAFT, account=ghost)
        assert concerns.raise_concern(s, DRAFT, workspace_access=True).concern_id.startswith("cn_")


def test_a_concern_keeps_only_the_day_and_a_hash_of_the_claim_code(store: Store) -> None:
    raised = _raise(store)
    assert raised.raised_on.isoformat() == "2026-11-27"
    with store.session() as s:
        row = s.execute(text("select * from concerns"), bind_arguments=CONCERNS).mappings().one()
    assert row["raised_on"] == "2026-11-27" and row["id"] == raised.concern_id
    assert raised.claim_code not in str(dict(row))
    assert row["claim_hash"] == concerns.claim_digest(raised.claim_code)
    assert "tess" not in str(dict(row)) and "09:30" not in str(dict(row))


def test_claim_codes_are_random_hashed_and_forgiving_about_case_and_dashes() -> None:
    codes = {concerns.new_claim_code() for _ in range(200)}
    assert len(codes) == 200
    code = codes.pop()
    assert len(concerns.normalize_claim(code)) == 32  # 160 bits in base32
    digest = concerns.claim_digest(code)
    assert digest != hashlib.sha256(code.encode()).hexdigest() and len(digest) == 64
    assert concerns.claim_digest(code.lower().replace("-", " ")) == digest
    assert concerns.claim_digest(code[:-1] + ("A" if code[-1] != "A" else "B")) != digest


def test_the_claim_code_reads_the_thread_and_a_wrong_one_reveals_nothing(store: Store) -> None:
    raised = _raise(store)
    with store.session() as s:
        concerns.respond(s, raised.concern_id, "We are looking into it.", acting="cora", now=NOW)
        concerns.respond(s, raised.concern_id, "Signed answer.", acting="ada", sign=True, now=NOW)
        view = concerns.follow_up(s, raised.claim_code, "Thank you; one more detail.", now=NOW)
    assert view.status is S.ACKNOWLEDGED
    assert [(e.kind, e.author) for e in view.thread] == [
        ("status", "committee"),
        ("response", "committee"),
        ("response", "ada (admin)"),
        ("reporter", "you"),
    ]
    with store.session() as s:
        with pytest.raises(ClaimNotFoundError) as wrong:
            concerns.read_claim(s, concerns.new_claim_code())
        with pytest.raises(ClaimNotFoundError):
            concerns.follow_up(s, "", "x")
    assert str(wrong.value) == concerns.WRONG_CODE and raised.concern_id not in str(wrong.value)


def test_one_time_links_work_once_expire_and_only_admins_issue_them(store: Store) -> None:
    with store.session() as s:
        with pytest.raises(PermissionDeniedError):
            concerns.issue_link(s, acting="cora")
        with pytest.raises(UsageError):
            concerns.issue_link(s, acting="ada", days=0)
        issued = concerns.issue_link(s, acting="ada", days=2, now=NOW)
        short = concerns.issue_link(s, acting="ada", days=1, now=NOW)
    assert issued.path.endswith(issued.token) and issued.path.startswith(concerns.RAISE_PATH)
    with store.session() as s:
        stored = s.execute(text("select * from concern_links"), bind_arguments=CONCERNS).mappings().all()
        assert len(stored) == 2 and issued.token not in str([dict(r) for r in stored])
        assert concerns.link_is_valid(s, issued.token, now=NOW)
        raised = concerns.raise_concern(s, DRAFT, link=issued.token, now=NOW + timedelta(hours=1))
        assert raised.concern_id
    with store.session() as s:
        assert not concerns.link_is_valid(s, issued.token, now=NOW)
        with pytest.raises(PermissionDeniedError, match="used already or has expired"):
            concerns.raise_concern(s, DRAFT, link=issued.token, now=NOW)
        with pytest.raises(PermissionDeniedError):
            concerns.raise_concern(s, DRAFT, link=short.token, now=NOW + timedelta(days=1, seconds=1))
        assert concerns.raise_concern(s, DRAFT, link=short.token, now=NOW + timedelta(hours=23)).concern_id
        # Used links are deleted: nothing is left that names the concern they opened.
        assert (
            s.execute(text("select count(*) from concern_links"), bind_arguments=CONCERNS).scalar_one() == 0
        )
        assert [e.action for e in audit.list_events(s, action="concern.link")] == ["concern.link.issue"] * 2


def test_status_moves_follow_the_table_and_dismissing_needs_a_reason(store: Store) -> None:
    raised = _raise(store)
    cid = raised.concern_id
    with store.session() as s:
        view = concerns.acknowledge(s, cid, acting="cora", now=NOW)
        assert view.concern.status == S.ACKNOWLEDGED and S.NEW not in view.moves
        with pytest.raises(TransitionError):
            concerns.set_status(s, cid, S.NEW, acting="cora")
        with pytest.raises(UsageError, match="say why"):
            concerns.set_status(s, cid, S.DISMISSED, acting="cora")
        concerns.set_status(s, cid, S.DISMISSED, acting="cora", reason="Out of scope for this program.")
        with pytest.raises(TransitionError):
            concerns.set_status(s, cid, S.RESOLVED, acting="cora")
        view = concerns.set_status(s, cid, S.INVESTIGATING, acting="ada")
        assert view.moves == [S.RESOLVED, S.DISMISSED]
        concerns.set_status(s, cid, S.RESOLVED, acting="ada")
        reporter = concerns.read_claim(s, raised.claim_code)
    assert reporter.status is S.RESOLVED
    assert [e.status for e in reporter.thread] == ["acknowledged", "dismissed", "investigating", "resolved"]
    assert any(e.text == "Out of scope for this program." for e in reporter.thread)


def test_reporter_steps_reach_the_audit_chain_only_when_a_handler_acts(store: Store) -> None:
    raised = _raise(store)
    with store.session() as s:
        before = audit.count(s)
        concerns.follow_up(s, raised.claim_code, "More detail.", now=NOW)
        assert audit.count(s) == before, "a reporter step wrote to the chain at once"
        concerns.respond(s, raised.concern_id, "Thanks.", acting="cora", now=NOW)
        events = audit.list_events(s, limit=10)[::-1][-4:]
        assert audit.verify(s)[1] is None
    assert [(e.actor, e.action) for e in events] == [
        ("anonymous", "concern.raise"),
        ("anonymous", "concern.follow_up"),
        ("cora", "concern.status"),
        ("cora", "concern.respond"),
    ]
    assert events[0].payload["day"] == "2026-11-27" and "tess" not in str(events[0].payload)
    with store.session() as s:
        concerns.respond(s, raised.concern_id, "Again.", acting="cora", now=NOW)
        assert [e.action for e in audit.list_events(s, limit=1)] == ["concern.respond"]


def test_the_throttle_refuses_after_repeated_wrong_codes_and_forgets_after_the_window() -> None:
    clock = [NOW]
    throttle = ClaimThrottle(per_client=3, window=timedelta(minutes=10), clock=lambda: clock[0])
    for _ in range(3):
        throttle.missed("198.51.100.1")
    with pytest.raises(ClaimThrottledError) as refused:
        throttle.missed("198.51.100.1")
    assert 0 < refused.value.retry_after_s <= 600
    for n in range(2, 60):  # many clients guessing do not close the channel for anyone else
        throttle.missed(f"198.51.100.{n}")
    throttle.check("198.51.100.200")
    for _ in range(3):
        throttle.missed("2001:db8:5:5::1")
    with pytest.raises(ClaimThrottledError):
        throttle.check("2001:db8:5:5:ffff::2")  # an IPv6 client is its /64
    throttle.check("2001:db8:5:6::1")
    clock[0] = NOW + timedelta(minutes=10)
    throttle.check("198.51.100.1")
    assert "198.51.100.1" not in repr(throttle.__dict__)
