"""Re-score a bundle's responses with the deterministic scorers installed here, and compare the verdicts."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from enum import StrEnum
from typing import Any

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import ConfigError
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Response
from redline.core.runs.scores import Score
from redline.program.aio import run_sync
from redline.scorers.base import Scorer

ScorerResolver = Callable[[str, Score], "Scorer | None"]


class RescoreStatus(StrEnum):
    """What happened to one scorer's stored scores."""

    REPRODUCED = "reproduced"
    DIFFERENT = "different"
    NOT_INSTALLED = "not_installed"
    NOT_DETERMINISTIC = "not_deterministic"
    NOT_REBUILT = "not_rebuilt"
    FAILED = "failed"


class ReplayUnavailable(Exception):
    """A scorer that is installed but cannot be rebuilt as it ran (say why)."""


class ScorerReplay(BaseModel):
    """The outcome of re-running one scorer over the bundle."""

    model_config = ConfigDict(frozen=True)

    scorer: str = Field(description="Scorer name.")
    status: RescoreStatus = Field(description="Whether its scores were reproduced.")
    checked: int = Field(default=0, ge=0, description="Scores re-computed.")
    mismatches: tuple[str, ...] = Field(default=(), description="Attempts whose verdict came out different.")
    detail: str = Field(default="", description="Why a scorer was not re-run, in plain words.")


def is_deterministic(scorer: Any, stored: Score) -> bool:
    """Replayed when the scorer says it is deterministic, or, silent, when no model or judge was involved."""
    flag = getattr(scorer, "deterministic", None)
    if isinstance(flag, bool):
        return flag
    prov = stored.provenance
    return prov is None or (prov.model is None and not {"judge", "judges"} & set(prov.params))


def installed_scorer(name: str, stored: Score) -> Scorer | None:
    """The registered scorer of that name rebuilt as it ran, None when not installed.

    Raises `ReplayUnavailable` when it needs options the bundle does not hold (a judge model) or
    when, rebuilt, it reports parameters other than the ones recorded with its scores.
    """
    from redline.engine.components import SCORERS, ComponentSpec
    from redline.engine.components import scorer as build

    if not _registered(name):
        return None
    recorded = dict(stored.provenance.params) if stored.provenance else {}
    if {"judge", "judges"} & set(recorded):
        raise ReplayUnavailable("it needs a judge model, which a bundle does not hold")
    spec = ComponentSpec(group=SCORERS, name=name, role="scorer", params=recorded)
    try:
        scorer = build(spec)
    except ConfigError:
        raise ReplayUnavailable("it needs options that are not recorded (such as a judge model)") from None
    params = getattr(scorer, "params", None)
    try:
        differs = callable(params) and stored.provenance is not None and params() != recorded
    except Exception:  # a scorer built from recorded values it cannot use
        differs = True
    if differs:
        raise ReplayUnavailable("rebuilt, it does not run with the recorded parameters")
    return scorer


def _registered(name: str) -> bool:
    from redline.config import plugins

    return name in plugins.names("redline.scorers")


def _same(a: Score, b: Score) -> bool:
    return (a.outcome, a.verdict, a.failed) == (b.outcome, b.verdict, b.failed) and (
        a.value is None or b.value is None or abs(a.value - b.value) < 1e-9
    )


async def rescore_async(
    items: Sequence[tuple[str, AttackCase, Response, Score]], *, resolve: ScorerResolver = installed_scorer
) -> list[ScorerReplay]:
    """Re-run each deterministic scorer over (attempt id, case, response, stored score) items."""
    by_scorer: dict[str, list[tuple[str, AttackCase, Response, Score]]] = {}
    for item in items:
        by_scorer.setdefault(item[3].scorer, []).append(item)
    out = []
    for name, group in sorted(by_scorer.items()):
        try:
            scorer = resolve(name, group[0][3])
        except ReplayUnavailable as why:
            out.append(ScorerReplay(scorer=name, status=RescoreStatus.NOT_REBUILT, detail=str(why)))
            continue
        if scorer is None:
            out.append(ScorerReplay(scorer=name, status=RescoreStatus.NOT_INSTALLED))
            continue
        if not is_deterministic(scorer, group[0][3]):
            out.append(ScorerReplay(scorer=name, status=RescoreStatus.NOT_DETERMINISTIC))
            continue
        try:
            fresh = await scorer.score_batch([(case, response) for _, case, response, _ in group])
        except Exception as exc:  # a third-party scorer failing offline is reported, not fatal
            detail = f"{type(exc).__name__}: {exc}"
            out.append(ScorerReplay(scorer=name, status=RescoreStatus.FAILED, detail=detail))
            continue
        bad = tuple(
            aid for (aid, _, _, stored), new in zip(group, fresh, strict=True) if not _same(stored, new)
        )
        status = RescoreStatus.DIFFERENT if bad else RescoreStatus.REPRODUCED
        out.append(ScorerReplay(scorer=name, status=status, checked=len(group), mismatches=bad))
    return out


def rescore(
    items: Sequence[tuple[str, AttackCase, Response, Score]], *, resolve: ScorerResolver = installed_scorer
) -> list[ScorerReplay]:
    """`rescore_async` from synchronous code (the CLI), inside a running event loop or not."""
    return run_sync(rescore_async(items, resolve=resolve))
