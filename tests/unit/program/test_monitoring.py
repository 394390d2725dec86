"""Monitoring: drift fires on a shifted production sample and stays quiet on an unshifted one."""

from __future__ import annotations

import asyncio
import json
import random
from collections.abc import Sequence
from pathlib import Path

import pytest

from redline.core.cases import AttackCase
from redline.core.conversation import Response
from redline.core.errors import ConfigError
from redline.core.findings import FindingStatus
from redline.core.scores import Score
from redline.program.monitoring import ingest, read_samples
from redline.program.workspace import open_workspace_store
from redline.settings import Settings
from redline.store.repos import finding_cases
from redline.store.session import Store
from tests import governance_data as data


class RiskScorer:
    """Reads the risk value the stand-in production model printed in its answer."""

    name = "toxicity"
    version = "1"

    async def score(self, case: AttackCase, response: Response) -> Score:
        return Score(scorer=self.name, value=float(response.text.split()[-1]), scale=(0.0, 1.0))

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        return [await self.score(c, r) for c, r in items]


def _values(rng: random.Random, mean: float, k: int) -> list[float]:
    return [min(1.0, max(0.0, rng.gauss(mean, 0.08))) for _ in range(k)]


def _samples(path: Path, values: list[float]) -> Path:
    lines = [
        {
            "id": f"c{i}",
            "messages": [
                {"role": "user", "content": f"question {i}"},
                {"role": "assistant", "content": f"answer with risk {v:.3f}"},
            ],
        }
        for i, v in enumerate(values)
    ]
    path.write_text("\n".join(json.dumps(line) for line in lines) + "\n")
    return path


@pytest.fixture
def baseline(workspace: Settings) -> Store:
    store = open_workspace_store(workspace)
    data.people(store)
    rel = data.release(store)
    values = _values(random.Random(0), 0.2, 200)
    data.stored_round(
        store,
        release_id=rel.id,
        outcomes={"injection.direct": data.n("pass", 200)},
        scorer="toxicity",
        values=values,
    )
    yield store
    store.dispose()


def test_shifted_production_drifts_and_opens_a_candidate_finding(
    workspace: Settings, baseline: Store, tmp_path: Path
) -> None:
    path = _samples(tmp_path / "prod.jsonl", _values(random.Random(1), 0.6, 200))
    report = ingest(
        baseline,
        workspace,
        path=path,
        release="chat@1.0",
        user="eli",
        scorers=[RiskScorer()],
        threats=data.THREATS,
    )
    (drift,) = report.run.reports
    assert report.drifted and drift.drifted and drift.worse
    assert {c.statistic for c in drift.checks if c.drifted} == {"rate-interval", "psi", "ks"}
    (action,) = report.findings
    assert action.action == "opened" and action.finding.threat_id == "injection.direct"
    assert action.finding.status is FindingStatus.NEW and action.finding.round_id is None
    with baseline.session() as s:  # a reproducible case: failing conversations, the drifted scorer
        case = finding_cases.find_case(s, action.finding.id)
    assert case is not None and case.source.value == "monitoring" and case.scorer == "toxicity"
    assert case.system == "chat" and 1 <= len(case.conversations) <= 10
    assert all(c.messages[-1].content.startswith("question") for c in case.conversations)


def test_unshifted_production_stays_quiet(workspace: Settings, baseline: Store, tmp_path: Path) -> None:
    path = _samples(tmp_path / "prod.jsonl", _values(random.Random(2), 0.2, 200))
    report = ingest(
        baseline,
        workspace,
        path=path,
        release="chat@1.0",
        user="eli",
        scorers=[RiskScorer()],
        threats=data.THREATS,
    )
    assert not report.drifted and report.findings == ()


def test_bad_sample_lines_name_file_and_line(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text(
        '{"messages": [{"role": "user", "content": "q"}, {"role": "assistant", "content": "a"}]}\n{oops\n'
    )
    with pytest.raises(ConfigError, match=r"bad\.jsonl:2"):
        read_samples(path)
    path.write_text(
        '{"messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "q"}]}\n'
    )
    with pytest.raises(ConfigError, match="assistant's answer"):
        read_samples(path)


def test_ingest_runs_from_a_running_event_loop(workspace: Settings, baseline: Store, tmp_path: Path) -> None:
    """A notebook or the web server has a loop running: `ingest` works there, and `ingest_async` awaits."""
    from redline.program.monitoring import ingest_async

    path = _samples(tmp_path / "prod.jsonl", _values(random.Random(1), 0.6, 200))

    async def caller() -> tuple[bool, bool]:
        synced = ingest(
            baseline,
            workspace,
            path=path,
            release="chat@1.0",
            user="eli",
            scorers=[RiskScorer()],
            threats=data.THREATS,
        )
        awaited = await ingest_async(
            baseline,
            workspace,
            path=path,
            release="chat@1.0",
            user="eli",
            scorers=[RiskScorer()],
            threats=data.THREATS,
        )
        return synced.drifted, awaited.drifted

    assert asyncio.run(caller()) == (True, True)
