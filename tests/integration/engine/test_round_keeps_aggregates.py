"""A round the engine finishes keeps its counts and digests, so pages and reports read them back at once."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from redline.engine.round import run_round
from redline.engine.spec import Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from redline.store.tables import RoundAggregateRow
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget, make_cases

FAST = Pacing(concurrency=8, timeout_s=5, max_retries=2, backoff_base_s=0.001, backoff_max_s=0.002)


def test_a_finished_round_keeps_its_counts_and_reads_them_back(env: Env) -> None:
    spec = RoundSpec(
        target=FakeTarget(latency_s=0.001),
        target_name="fake",
        cases=make_cases(12),
        cases_source={"fake": 12},
        scorers=[ComplianceScorer()],
        pacing=FAST,
    )
    result = asyncio.run(run_round(spec, settings=env.settings, store=env.store))
    with env.store.session() as s:
        kept = set(
            s.scalars(select(RoundAggregateRow.name).where(RoundAggregateRow.round_id == result.round_id))
        )
        assert {"cases", "attempts_by_outcome", "threat_outcomes", "scorer_names", "digests"} <= kept
        assert any(name.startswith("analyses:") for name in kept)  # its first reader does not pay
        assert rounds_repo.count_cases(s, result.round_id) == result.cases == 12
        assert sum(rounds_repo.count_attempts(s, result.round_id).values()) == result.attempts
