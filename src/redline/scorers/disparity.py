"""Group disparity: turn scored counterfactual cases into the paired tests of `core.analysis.disparity`.

Cases of one counterfactual set share `AttackCase.group` and differ in `attributes`; a score per case
gives its outcome (failed or held for verdicts, the value for scales). Cases that could not be
scored are left out and counted, never read as held.
"""

from __future__ import annotations

from collections.abc import Sequence

from pydantic import BaseModel, ConfigDict, Field

from redline.core.analysis.disparity import (
    CounterfactualObservation,
    DisparityReport,
    OutcomeKind,
    PairedTest,
    assess_disparity,
)
from redline.core.runs.cases import AttackCase
from redline.core.runs.scores import Score


class GroupDisparity(BaseModel):
    """A disparity report with the cases that could not take part."""

    model_config = ConfigDict(frozen=True)

    report: DisparityReport
    used: int = Field(description="Scored cases in a counterfactual group.")
    could_not_score: int = Field(description="Cases left out because the scorer could not score them.")
    ungrouped: int = Field(description="Cases without a group or attributes, left out.")


def disparity_of(
    items: Sequence[tuple[AttackCase, Score]],
    *,
    alpha: float = 0.05,
    paired_test: PairedTest = PairedTest.WILCOXON,
    seed: int = 0,
    n_boot: int = 2000,
) -> GroupDisparity:
    """Test every varied attribute of the scored counterfactual cases for a difference."""
    obs: list[CounterfactualObservation] = []
    cannot = ungrouped = 0
    kinds: set[OutcomeKind] = set()
    for case, score in items:
        if not case.group or not case.attributes:
            ungrouped += 1
            continue
        if score.failed is None:
            cannot += 1
            continue
        if score.value is not None:
            kinds.add(OutcomeKind.SCALE)
            outcome = score.value
        else:
            kinds.add(OutcomeKind.VERDICT)
            outcome = float(score.failed)
        obs.append(
            CounterfactualObservation(group=case.group, attributes=dict(case.attributes), outcome=outcome)
        )
    if len(kinds) > 1:
        raise ValueError("the scores mix verdicts and scales; test one scorer's scores at a time")
    kind = kinds.pop() if kinds else OutcomeKind.VERDICT
    report = assess_disparity(obs, kind=kind, alpha=alpha, paired_test=paired_test, seed=seed, n_boot=n_boot)
    return GroupDisparity(report=report, used=len(obs), could_not_score=cannot, ungrouped=ungrouped)
