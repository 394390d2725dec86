"""The store on SQLite and PostgreSQL: migrations, audit chain, idempotent batches, findings."""

from __future__ import annotations

from sqlalchemy import text

from redline.core.errors import TransitionError
from redline.core.ids import new_id
from redline.core.provenance import ModelIdentity
from redline.core.register.findings import Finding, FindingStatus
from redline.core.register.risk import Impact, Likelihood, RiskLevel
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, ErrorKind, Response
from redline.core.runs.rounds import Attempt, Round, RoundStatus
from redline.core.runs.scores import Score, Verdict
from redline.store import audit
from redline.store.repos import findings, rounds, systems
from redline.store.session import Store, current_revision, head_revision


def test_migrations_reach_head_and_match_the_models(store: Store) -> None:
    from alembic.autogenerate import compare_metadata
    from alembic.runtime.migration import MigrationContext

    from redline.store.tables import Base

    assert current_revision(store.engine) == head_revision()
    with store.engine.connect() as conn:
        diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
    assert diff == []


def test_audit_chain_verifies_and_names_a_tampered_event(store: Store) -> None:
    with store.session() as s:
        for i in range(5):
            audit.append(s, actor="alice", action="thing.do", subject=f"s{i}", payload={"i": i})
    with store.session() as s:
        assert audit.verify(s) == (5, None)
        s.execute(text("UPDATE audit_events SET payload = '{\"i\": 42}' WHERE seq = 3"))
    with store.session() as s:
        checked, brk = audit.verify(s)
    assert checked == 2
    assert brk is not None and brk.seq == 3 and brk.action == "thing.do"


def test_audit_payload_never_holds_secrets(store: Store) -> None:
    with store.session() as s:
        ev = audit.append(
            s, actor="a", action="x", payload={"api_key": "sk-live-123", "base_url": "http://h"}
        )
    assert ev.payload["api_key"] == "[redacted]"
    with store.session() as s:
        raw = s.execute(text("SELECT payload FROM audit_events")).scalar_one()
    assert "sk-live-123" not in raw


def _round(store: Store) -> str:
    with store.session() as s:
        sys_ = systems.ensure_system(s, name="m", actor="t")
        rel = systems.ensure_release(
            s,
            system_id=sys_.id,
            version="1",
            model=ModelIdentity(provider="x", name="m"),
            config={"api_key": "nope", "temperature": 0},
            actor="t",
        )
        rnd = rounds.create_round(s, Round(id=new_id("rnd"), release_id=rel.id, seed=7), actor="t")
    return rnd.id


def test_release_config_is_stored_without_secrets(store: Store) -> None:
    _round(store)
    with store.session() as s:
        (rel,) = systems.list_releases(s)
    assert rel.config["api_key"] == "[redacted]"


def test_attempt_batches_are_idempotent(store: Store) -> None:
    round_id = _round(store)
    conv = Conversation.of("hi")
    case = AttackCase(
        id=AttackCase.make_id("t", "s1", {}, conv), technique="t", seed_id="s1", conversation=conv
    )
    with store.session() as s:
        assert rounds.add_cases(s, round_id, [case]) == 1
        assert rounds.add_cases(s, round_id, [case]) == 0
    attempts = [
        Attempt(
            id=new_id("att"),
            round_id=round_id,
            case_id=case.id,
            turn=0,
            request=conv,
            response=Response(text="hello", latency_ms=3.0),
        ),
        Attempt(
            id=new_id("att"),
            round_id=round_id,
            case_id="other",
            turn=0,
            request=conv,
            response=Response(error=ErrorKind.RATE_LIMIT, error_detail="429"),
        ),
    ]
    with store.session() as s:
        assert rounds.add_attempts(s, attempts) == 2
    dup = attempts[0].model_copy(update={"id": new_id("att")})  # same (round, case, turn), new id
    with store.session() as s:
        assert rounds.add_attempts(s, [dup]) == 0
        assert rounds.done_keys(s, round_id) == {(case.id, 0), ("other", 0)}
        assert rounds.count_attempts(s, round_id) == {"ok": 1, "rate_limit": 1}
        assert rounds.add_scores(s, [(attempts[0], Score(scorer="refusal", verdict=Verdict.FAIL))]) == 1
        assert rounds.add_scores(s, [(attempts[0], Score(scorer="refusal", verdict=Verdict.PASS))]) == 0
        stored = rounds.list_attempts(s, round_id, case_id=case.id)
        assert stored[0].response.text == "hello"
        rounds.set_status(s, round_id, RoundStatus.COMPLETED, actor="t")
        assert rounds.get_round(s, round_id).finished_at is not None


def test_finding_moves_only_along_the_table_and_is_audited(store: Store) -> None:
    f = Finding(
        id=new_id("fnd"),
        title="t",
        threat_id="injection.direct",
        likelihood=Likelihood.LIKELY,
        impact=Impact.MAJOR,
        risk=RiskLevel.HIGH,
    )
    with store.session() as s:
        findings.add_finding(s, f, actor="lead")
        findings.move(s, f.id, FindingStatus.TRIAGED, actor="lead")
    try:
        with store.session() as s:
            findings.move(s, f.id, FindingStatus.VERIFIED, actor="lead")
    except TransitionError:
        pass
    else:  # pragma: no cover
        raise AssertionError("transition should have been refused")
    with store.session() as s:
        assert findings.get_finding(s, f.id).status is FindingStatus.TRIAGED
        actions = [e.action for e in audit.list_events(s, subject=f.id)]
        assert actions == ["finding.status", "finding.open"]
        assert audit.verify(s)[1] is None
