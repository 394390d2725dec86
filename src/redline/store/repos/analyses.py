"""Aggregates behind a round's breakdowns and analyses, computed in the database.

Every query starts from the per-case outcome rule of `rounds.case_outcomes` (a case fails when any of
its scores failed) and either groups in SQL (technique, converter chain, configuration) or streams only
the columns an analysis needs (counterfactual cases for disparity, token log-probabilities for
calibration), so nothing here loads a round's attempts into memory.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

from sqlalchemy import and_, case, func, select
from sqlalchemy.orm import Session

from redline.store.repos.rounds import _per_case_outcomes
from redline.store.tables import AttemptRow, CaseRow

STREAM = 2000


@dataclass(frozen=True)
class GroupCounts:
    """Outcome counts of a round's cases that share a technique, a converter chain and a configuration."""

    technique: str
    converters: tuple[str, ...]
    configuration: str | None
    cases: int
    attempts: int
    failures: int
    scored: int
    errors: int
    counterfactual: int = 0
    """Of the cases, those of a counterfactual set (their attributes name an `axis`)."""

    @property
    def could_not_score(self) -> int:
        """Cases with an answer that no scorer could judge (or that nothing scored yet)."""
        return self.cases - self.scored - self.errors


def _chain(raw: Any) -> tuple[str, ...]:
    if raw is None:
        return ()
    value = json.loads(raw) if isinstance(raw, str) else raw
    return tuple(str(v) for v in value) if isinstance(value, list) else ()


def group_counts(session: Session, round_id: str) -> list[GroupCounts]:
    """Per (technique, converter chain, configuration): cases, attempts, failures, scored, errors.

    One GROUP BY over the round's per-case outcomes; the result has as many rows as distinct
    combinations, however many attempts the round holds.
    """
    per_case = _per_case_outcomes(round_id)
    failed = per_case.c.failed
    chain = CaseRow.body["converters"].as_string().label("chain")
    config = CaseRow.body[("attributes", "configuration")].as_string().label("config")
    errored = and_(failed.is_(None), per_case.c.errors > 0, per_case.c.scores == 0)
    axis = CaseRow.body[("attributes", "axis")].as_string()
    query = (
        select(
            CaseRow.technique,
            chain,
            config,
            func.count().label("cases"),
            func.coalesce(func.sum(per_case.c.attempts), 0),
            func.coalesce(func.sum(case((failed == 1, 1), else_=0)), 0),
            func.count(failed),
            func.coalesce(func.sum(case((errored, 1), else_=0)), 0),
            func.count(axis),
        )
        .join(per_case, per_case.c.case_id == CaseRow.case_id)
        .where(CaseRow.round_id == round_id)
        .group_by(CaseRow.technique, chain, config)
    )
    return [
        GroupCounts(
            technique=str(technique),
            converters=_chain(raw_chain),
            configuration=None if cfg is None else str(cfg),
            cases=int(cases),
            attempts=int(attempts),
            failures=int(failures),
            scored=int(scored),
            errors=int(errors),
            counterfactual=int(cf),
        )
        for technique, raw_chain, cfg, cases, attempts, failures, scored, errors, cf in session.execute(query)
    ]


def counterfactual_outcomes(session: Session, round_id: str) -> Iterator[tuple[str, dict[str, str], int]]:
    """(group, attributes, failed) of each scored counterfactual case (one with a group and an `axis`),
    streamed; cases of an operator-error sweep and unscored cases are left out."""
    per_case = _per_case_outcomes(round_id)
    group = CaseRow.body["group"].as_string()
    query = (
        select(group, CaseRow.body["attributes"].as_string(), per_case.c.failed)
        .join(per_case, per_case.c.case_id == CaseRow.case_id)
        .where(
            CaseRow.round_id == round_id,
            per_case.c.failed.is_not(None),
            group.is_not(None),
            CaseRow.body[("attributes", "axis")].as_string().is_not(None),
            CaseRow.body[("attributes", "configuration")].as_string().is_(None),
        )
        .execution_options(yield_per=STREAM)
    )
    for grp, raw, failed in session.execute(query):
        attrs = json.loads(raw) if isinstance(raw, str) else raw
        yield str(grp), {str(k): str(v) for k, v in (attrs or {}).items()}, int(failed)


def _logprobs() -> Any:
    return AttemptRow.response["logprobs"].as_string()


def has_logprobs(session: Session, round_id: str) -> bool:
    """True when some answer of the round carries token log-probabilities."""
    found = session.scalar(
        select(AttemptRow.id).where(AttemptRow.round_id == round_id, _logprobs().is_not(None)).limit(1)
    )
    return found is not None


def logprob_outcomes(session: Session, round_id: str) -> Iterator[tuple[list[float], int | None]]:
    """(token log-probabilities, failed) of every answer that has them, streamed; `failed` is its case's
    outcome (None when the case was not scored)."""
    per_case = _per_case_outcomes(round_id)
    lp = _logprobs()
    query = (
        select(lp, per_case.c.failed)
        .join(per_case, per_case.c.case_id == AttemptRow.case_id)
        .where(AttemptRow.round_id == round_id, lp.is_not(None))
        .execution_options(yield_per=STREAM)
    )
    for raw, failed in session.execute(query):
        tokens = json.loads(raw) if isinstance(raw, str) else raw
        values = [float(t["logprob"]) for t in tokens or () if isinstance(t, dict) and "logprob" in t]
        yield values, (None if failed is None else int(failed))
