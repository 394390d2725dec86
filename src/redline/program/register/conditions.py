"""The checklist of a conditional go: list its conditions with whether they hold, add one, report on one.

A conditional go's conditions become checklist items when `redline gate check` records it; reports come
from the command line (`redline gate condition report`) or a webhook (`POST /api/conditions/{id}/report`).
"""

from __future__ import annotations

from datetime import UTC, datetime

from redline.core.errors import UsageError
from redline.core.register.policy import ConditionKind, ConditionSpec
from redline.core.register.revisits import ConditionCheck, ConditionReport, GateCondition, check_condition
from redline.program.people.actors import authorize
from redline.program.people.permissions import CONDITION_EDITORS, CONDITION_REPORTERS
from redline.program.register.releases import release_label
from redline.store.repos import revisits as revisits_repo
from redline.store.repos.systems import resolve_release
from redline.store.session import Store


def checklist(store: Store, *, release: str, now: datetime | None = None) -> tuple[str, list[ConditionCheck]]:
    """A release's label and every checklist item with whether it holds now."""
    with store.session() as session:
        rel = resolve_release(session, release)
        inputs = revisits_repo.decision_inputs(session, rel.id)
        label = release_label(session, rel)
    at = now or datetime.now(UTC)
    return label, [
        check_condition(c, monitoring_runs=inputs.monitoring_runs, now=at) for c in inputs.conditions
    ]


def add(
    store: Store,
    *,
    release: str,
    text: str,
    user: str | None,
    owner: str | None = None,
    kind: ConditionKind = ConditionKind.MANUAL,
    maximum: float | None = None,
    flag: str | None = None,
    window_days: int | None = None,
) -> GateCondition:
    """Add a condition to a release's checklist by hand (audited); it counts for its conditional go."""
    if not text.strip():
        raise UsageError("a condition needs its text: pass --text")
    if kind is ConditionKind.ROLLOUT_SHARE and (maximum is None or not 0 < maximum <= 1):
        raise UsageError("a rollout_share condition needs --maximum between 0 and 1")
    if kind is ConditionKind.FEATURE_FLAG and not (flag or "").strip():
        raise UsageError("a feature_flag condition needs --flag NAME")
    key = {
        ConditionKind.ROLLOUT_SHARE: "rollout_share",
        ConditionKind.FEATURE_FLAG: f"feature_flag:{(flag or '').strip()}",
        ConditionKind.MONITORING: "monitoring",
        ConditionKind.MANUAL: f"manual:{text.strip()[:180]}",
    }[kind]
    spec = ConditionSpec(
        key=key,
        kind=kind,
        text=text.strip(),
        maximum=maximum,
        flag=(flag or "").strip() or None,
        window_days=window_days if kind is ConditionKind.MONITORING else None,
    )
    with store.session() as session:
        who = authorize(session, user, CONDITION_EDITORS, action="add conditions to a release decision")
        rel = resolve_release(session, release)
        return revisits_repo.add_condition(session, release_id=rel.id, spec=spec, owner=owner, actor=who.name)


def report(
    store: Store,
    *,
    condition_id: str,
    user: str | None,
    share: float | None = None,
    flag_on: bool | None = None,
    holds: bool | None = None,
    evidence: str = "",
    owner: str | None = None,
    now: datetime | None = None,
) -> ConditionCheck:
    """Record what is in force for a condition (a rollout share, a flag's state, evidence text) and say
    whether it holds now; the report must fit the condition's kind."""
    with store.session() as session:
        who = authorize(session, user, CONDITION_REPORTERS, action="report on release conditions")
        current = revisits_repo.get_condition(session, condition_id)
        _fits(current, share=share, flag_on=flag_on, holds=holds, evidence=evidence)
        at = now or datetime.now(UTC)
        rep = ConditionReport(
            share=share, flag_on=flag_on, holds=holds, evidence=evidence.strip(), by=who.name, at=at
        )
        updated = revisits_repo.report_condition(session, condition_id, rep, owner=owner, actor=who.name)
        runs = revisits_repo.decision_inputs(session, updated.release_id).monitoring_runs
    return check_condition(updated, monitoring_runs=runs, now=at)


def _fits(
    condition: GateCondition, *, share: float | None, flag_on: bool | None, holds: bool | None, evidence: str
) -> None:
    K = ConditionKind
    if condition.kind is K.ROLLOUT_SHARE and share is None:
        raise UsageError(f"{condition.id} is a rollout share: report it with --share (0 to 1)")
    if share is not None and not 0 <= share <= 1:
        raise UsageError(f"--share must lie between 0 and 1, not {share}")
    if condition.kind is K.FEATURE_FLAG and flag_on is None:
        raise UsageError(f"{condition.id} is feature flag '{condition.flag}': report it with --flag on|off")
    if condition.kind is K.MANUAL and not evidence.strip() and holds is not False:
        raise UsageError(f"{condition.id} is checked by hand: report it with --evidence TEXT (or --fails)")
    if condition.kind is K.MONITORING and share is None and flag_on is None and not evidence.strip():
        raise UsageError(
            f"{condition.id} holds when a monitoring run exists ('redline monitor run'); "
            "a report on it carries --evidence TEXT only"
        )
