"""A case planned from a playbook step is judged by that step's scorers only."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from typing import ClassVar

from redline.core.catalog.threats import AutomatedStep
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Response
from redline.core.runs.scores import Score, Verdict
from redline.engine.scoring import Scoring


class _Always:
    version: ClassVar[str] = "0"

    def __init__(self, name: str) -> None:
        self.name = name

    async def score(self, case: AttackCase, response: Response) -> Score:
        return Score(scorer=self.name, verdict=Verdict.FAIL)

    async def score_batch(self, items: Sequence[tuple[AttackCase, Response]]) -> list[Score]:
        return [await self.score(c, r) for c, r in items]


def _case(scorers: tuple[str, ...]) -> AttackCase:
    conv = Conversation.of("hello")
    return AttackCase(id="c1", technique="t", seed_id="s", conversation=conv, scorers=scorers)


def test_only_the_cases_scorers_judge_it() -> None:
    scoring = Scoring([_Always("refusal"), _Always("leak.canary")])  # type: ignore[list-item]  # stand-ins named per instance; Scorer wants a class variable
    scores = asyncio.run(scoring.score(_case(("leak.canary",)), Response(text="x")))
    assert [s.scorer for s in scores] == ["leak.canary"]


def test_a_case_without_scorers_gets_every_scorer() -> None:
    scoring = Scoring([_Always("refusal"), _Always("leak.canary")])  # type: ignore[list-item]  # stand-ins named per instance; Scorer wants a class variable
    scores = asyncio.run(scoring.score(_case(()), Response(text="x")))
    assert {s.scorer for s in scores} == {"refusal", "leak.canary"}


def test_planned_cases_carry_their_steps_scorers() -> None:
    from redline.attacks.planning import build_cases

    step = AutomatedStep(
        technique="direct-request", seeds="harmful-behaviours", scorers=("refusal",), sample_size=2
    )
    cases = list(build_cases([step], seed=1))
    assert cases and all(c.scorers == ("refusal",) for c in cases)
