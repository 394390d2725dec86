"""The report's perspective-coverage section: from the rounds' plans and testers, aggregate only, in every
text format and for the external audience too."""

from __future__ import annotations

import json

from sqlalchemy.orm import Session

from redline.catalog.loader import load_catalog
from redline.config.settings import Settings
from redline.core.catalog.plans import Plan
from redline.core.people.perspectives import CONSENT_STATEMENT, Declaration, Perspective, PerspectiveKind
from redline.core.runs.rounds import Round
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest, build_report
from redline.reports.model import Audience, ReportFormat
from redline.reports.perspectives import perspective_section
from redline.reports.render import render
from redline.store.repos import perspectives as perspectives_repo
from redline.store.repos import plans as plans_repo
from tests.world import make_report_world

MARKER = "quillfeather collective"


def _declare(session: Session, user: str, *values: tuple[PerspectiveKind, str]) -> None:
    from datetime import UTC, datetime

    now = datetime.now(UTC)
    perspectives_repo.save_declaration(
        session,
        Declaration(
            user=user,
            perspectives=tuple(Perspective(kind=k, value=v) for k, v in values),
            consent_version="1",
            consent_statement=CONSENT_STATEMENT,
            consented_at=now,
            updated_at=now,
        ),
    )


def test_the_section_uses_the_rounds_plans_and_only_their_testers(workspace: Settings) -> None:
    catalog = load_catalog(workspace.workspace / "catalog")
    store = open_workspace_store(workspace)
    try:
        with store.session() as s:
            plan = Plan(id="pln_1", title="t", threats=("bias.stereotype",), testers=("ana", "ben"))
            plans_repo.add_plan(s, plan, actor="x")
            _declare(s, "ana", (PerspectiveKind.DOMAIN, "discrimination"))
            _declare(s, "ben", (PerspectiveKind.DOMAIN, "discrimination"))
            _declare(s, "cy", (PerspectiveKind.COMMUNITY, "protected groups"))  # not on the plan
        with store.session() as s:
            rounds = [Round(id="rnd_1", release_id=None, plan_id="pln_1")]
            section = perspective_section(s, rounds, tested=["privacy.doxxing"], catalog=catalog, k=2)
    finally:
        store.dispose()
    rows = {c.label: c for c in section.perspectives}
    # both testers declared: a count of 2 of 2 would say so of each of them
    assert section.plans == ("pln_1",) and section.testers == 2 and section.declared is None
    assert rows["domain expertise: discrimination"].covered
    assert rows["domain expertise: discrimination"].testers is None  # both of two hold it
    assert not rows["affected community: protected groups"].covered
    assert "domain expertise: privacy" in section.gaps  # a tested threat outside the plan counts too
    assert "affected community: survivors of abuse" in section.gaps


def test_every_audience_and_format_shows_the_section_without_names(tmp_path: object) -> None:
    from pathlib import Path

    settings, world = make_report_world(Path(str(tmp_path)) / "ws")
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            _declare(s, "tess", (PerspectiveKind.COMMUNITY, MARKER))
            model = build_report(
                s,
                ReportRequest(round_id=world.round_id, audience=Audience.EXTERNAL),
                catalog=load_catalog(settings.workspace / "catalog"),
                program=settings.config.name,
            )
    finally:
        store.dispose()
    assert model.perspectives.perspectives and model.perspectives.gaps
    assert model.perspectives.testers == 0  # the round has no plan: every called-for perspective is a gap
    doc = json.loads(render(model, ReportFormat.JSON))
    assert doc["perspectives"]["gaps"] == list(model.perspectives.gaps)
    for fmt in (ReportFormat.HTML, ReportFormat.MD):
        text = render(model, fmt).decode()
        assert "Perspective coverage" in text and model.perspectives.gaps[0] in text
        assert MARKER not in text
