"""The method appendix and catalog coverage: what a reviewer needs to check and replay the numbers."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence

from sqlalchemy.orm import Session

from redline.catalog.loader import Catalog
from redline.core.catalog.threats import ThreatStatus
from redline.core.ids import content_hash
from redline.core.register.policy import ReleasePolicy
from redline.core.register.risk import RiskMatrix
from redline.core.runs.rounds import Round
from redline.core.runs.systems import Release
from redline.reports.digests import round_digests
from redline.reports.sections import CategoryCoverage, Coverage, MethodAppendix, RoundMethod
from redline.store import audit
from redline.store.repos import reporting
from redline.store.repos.reporting import Sourced

INTERVAL_METHOD = (
    "95% Wilson score interval for each failure rate; when no failure was seen, the exact "
    "(Clopper-Pearson) upper bound. A case counts as failed when any scorer of any of its turns "
    "judged a failure; cases no scorer could judge and cases without an answer are left out of n."
)


def coverage_of(sourced: Sourced, catalog: Catalog) -> Coverage:
    """Which active catalog threats have scored evidence, per harm category and per standard."""
    active = {t.id: t for t in catalog.threats() if t.status is not ThreatStatus.RETIRED}
    tested = {tid for tid, (_, ev) in sourced.items() if ev.n > 0}
    by_cat: dict[str, list[str]] = defaultdict(list)
    for tid, threat in active.items():
        by_cat[threat.harm_category].append(tid)
    standards: dict[str, set[str]] = defaultdict(set)
    for tid in tested & set(active):
        for ref in active[tid].mappings:
            standards[ref.standard].add(ref.id)
    return Coverage(
        catalog_threats=len(active),
        tested=len(tested & set(active)),
        categories=tuple(
            CategoryCoverage(category=cat, threats=len(ids), tested=len(tested & set(ids)))
            for cat, ids in sorted(by_cat.items())
        ),
        untested=tuple(sorted(set(active) - tested)),
        outside_catalog=tuple(sorted(set(sourced) - set(active))),
        standards={k: len(v) for k, v in sorted(standards.items())},
    )


def _round_method(session: Session, rnd: Round, *, show_config: bool) -> RoundMethod:
    digests = round_digests(session, rnd.id)
    return RoundMethod(
        round_id=rnd.id,
        adhoc=rnd.adhoc,
        seed=rnd.seed,
        config=rnd.config if show_config else {},
        config_sha256=content_hash(rnd.config),
        warnings=tuple(str(w) for w in rnd.config.get("warnings") or ()) if show_config else (),
        versions={str(k): str(v) for k, v in rnd.versions.items()},
        techniques=tuple(reporting.techniques_of(session, rnd.id)),
        scorers=reporting.scorers_of(session, rnd.id),
        cases_sha256=digests.cases,
        responses_sha256=digests.responses,
        scores_sha256=digests.scores,
        replay=f"redline export bundle {rnd.id} -o {rnd.id}.zip --as NAME && redline replay {rnd.id}.zip",
    )


def method_appendix(
    session: Session,
    rounds: Sequence[Round],
    *,
    release: Release | None,
    catalog: Catalog,
    matrix: RiskMatrix,
    policy: ReleasePolicy,
    show_config: bool,
) -> MethodAppendix:
    """Configuration, seeds, versions and content hashes of every round in the report."""
    head = audit.list_events(session, limit=1)
    return MethodAppendix(
        rounds=tuple(_round_method(session, r, show_config=show_config) for r in rounds),
        model=release.model.model_dump(mode="json") if release else {},
        release_fingerprint=release.config_fingerprint if release else "",
        catalog_sha256=content_hash([t.model_dump(mode="json") for t in catalog.threats()]),
        catalog_threats=len(catalog),
        risk_matrix=matrix.model_dump(),
        policy=policy.model_dump(mode="json"),
        interval=INTERVAL_METHOD,
        audit_events=audit.count(session),
        audit_head=head[0].hash if head else "",
        audit_checkpoint=audit.latest_checkpoint(session),
        database=session.get_bind().dialect.name,
    )
