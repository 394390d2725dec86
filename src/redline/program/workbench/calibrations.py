"""Calibrate a judge: run the workspace's judge scorer on labelled exchanges and store how it agreed.

The judge is the workspace's `judge:` system (or the one named with --judge), built as rounds build it,
and the scorer is the same class rounds use; the result is stored keyed by the judge's identity and the
scorer's rubric hash, so every later round scored by the same judge cites it.
"""

from __future__ import annotations

from pathlib import Path

from redline.config.settings import Settings
from redline.core.analysis.review import JudgeCalibration
from redline.core.errors import ConfigError, UsageError
from redline.engine.inputs import build_scorers
from redline.engine.models import JUDGE_SETTING
from redline.engine.round import target_from_environment
from redline.program.aio import run_sync
from redline.scorers.judge_calibration import (
    CalibrationResult,
    calibrate_scorer,
    calibration_key,
    read_labels,
)
from redline.store.repos import reviews as reviews_repo
from redline.store.session import Store

DEFAULT_SCORER = "judge.harm"


async def calibrate_async(
    store: Store,
    settings: Settings,
    *,
    labels: Path,
    scorer: str = DEFAULT_SCORER,
    judge: str | None = None,
    actor: str | None = None,
) -> tuple[JudgeCalibration, CalibrationResult]:
    """Measure the judge scorer against the labels in `labels` and store the result."""
    if not scorer.startswith("judge."):
        raise UsageError(f"--scorer '{scorer}' is not a judge scorer; name a judge.* scorer")
    name = judge or settings.config.judge
    if not name:
        raise ConfigError(f"no judge model: set `{JUDGE_SETTING}: <system>` in redline.yaml or pass --judge")
    rows = read_labels(labels)
    target = target_from_environment(settings.config.system(name).target, name=name)
    try:
        built, problems = build_scorers([scorer], judge=target)
        if problems or not built:
            raise UsageError("; ".join(problems) or f"scorer '{scorer}' could not be built")
        if calibration_key(built[0]) is None:
            raise UsageError(f"--scorer '{scorer}' is not a judge scorer; name a judge.* scorer")
        result = await calibrate_scorer(built[0], rows)
    finally:
        await target.aclose()
    with store.session() as session:
        stored = reviews_repo.add_calibration(
            session,
            judge=result.judge,
            rubric_hash=result.rubric_hash,
            labels_hash=result.labels_hash,
            n=result.n,
            figures=result.figures(),
            actor=actor or settings.actor,
        )
    return stored, result


def calibrate(
    store: Store,
    settings: Settings,
    *,
    labels: Path,
    scorer: str = DEFAULT_SCORER,
    judge: str | None = None,
    actor: str | None = None,
) -> tuple[JudgeCalibration, CalibrationResult]:
    """`calibrate_async` from synchronous code (the CLI), inside a running event loop or not."""
    return run_sync(calibrate_async(store, settings, labels=labels, scorer=scorer, judge=judge, actor=actor))
