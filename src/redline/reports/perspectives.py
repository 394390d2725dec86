"""The report's perspective-coverage section: what the reported plans' threats call for, in aggregate."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from sqlalchemy.orm import Session

from redline.catalog.loader import Catalog
from redline.core.errors import NotFoundError
from redline.core.people.perspectives import called_for, coverage
from redline.core.runs.rounds import Round
from redline.reports.sections import PerspectiveSection
from redline.store.repos import perspectives as perspectives_repo
from redline.store.repos import plans as plans_repo


def perspective_section(
    session: Session, rounds: Sequence[Round], *, tested: Collection[str], catalog: Catalog, k: int
) -> PerspectiveSection:
    """Coverage of the rounds' plans: their threats and the threats with evidence, against their testers.

    Ad-hoc rounds have no plan and no assigned testers: the section then lists what the tested threats
    call for, all as gaps.
    """
    plan_ids = list(dict.fromkeys(r.plan_id for r in rounds if r.plan_id))
    threat_ids: list[str] = []
    testers: list[str] = []
    for plan_id in plan_ids:
        try:
            plan = plans_repo.get_plan(session, plan_id)
        except NotFoundError:
            continue
        threat_ids += plan.threats
        testers += plan.testers
    threat_ids += tested
    known = [catalog.resolve(t) for t in dict.fromkeys(threat_ids) if catalog.knows(t)]
    threats = [catalog.get(t) for t in dict.fromkeys(known)]
    team = list(dict.fromkeys(testers))
    result = coverage(called_for(threats), perspectives_repo.declared_by(session, team), testers=team, k=k)
    return PerspectiveSection(
        plans=tuple(plan_ids),
        perspectives=result.perspectives,
        gaps=result.gaps,
        testers=result.testers,
        declared=result.declared,
        min_group_size=result.min_group_size,
        withheld=result.withheld,
    )
