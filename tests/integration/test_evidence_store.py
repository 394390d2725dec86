"""Evidence from stored scores on SQLite and PostgreSQL: per round, per release, per scorer."""

from __future__ import annotations

from redline.core.runs.rounds import RoundStatus
from redline.store.repos import evidence
from redline.store.session import Store
from tests import world as data


def test_evidence_counts_fail_pass_unscored_and_error_cases(store: Store) -> None:
    rel = data.release(store)
    outcomes: list[data.Outcome] = ["fail", "fail", "pass", "unscored", "error"]
    rid = data.stored_round(store, release_id=rel.id, outcomes={"injection.direct": outcomes})
    with store.session() as s:
        (ev,) = evidence.round_evidence(s, rid)
        failed = evidence.failed_case_ids(s, rid)
        cases = evidence.threat_cases(s, rid, "injection.direct", only=failed)
    assert (ev.failures, ev.n, ev.could_not_score, ev.errors) == (2, 3, 1, 1)
    assert len(failed) == 2 and [c.seed_id for c in cases] == ["injection.direct-0", "injection.direct-1"]


def test_release_evidence_takes_the_newest_finished_round_per_threat(store: Store) -> None:
    rel = data.release(store)
    data.stored_round(store, release_id=rel.id, outcomes={"a": data.n("fail", 5), "b": data.n("fail", 5)})
    newer = data.stored_round(store, release_id=rel.id, outcomes={"a": data.n("pass", 5)})
    data.stored_round(store, release_id=rel.id, outcomes={"a": data.n("fail", 9)}, status=RoundStatus.RUNNING)
    with store.session() as s:
        got = {e.evidence.threat_id: e for e in evidence.release_evidence(s, rel.id)}
        per_scorer = evidence.scorer_results(s, evidence.release_rounds(s, rel.id))
    assert got["a"].round_id == newer and got["a"].evidence.failures == 0
    assert got["b"].evidence.failures == 5
    assert sum(per_scorer["canary"].failed) == 10 and per_scorer["canary"].threats == {"a": 10, "b": 5}
