"""Post-mortems and the lessons digest in internal and committee reports (HTML, Markdown, JSON), and
nowhere in external reports: they are the team's own account of its process."""

from __future__ import annotations

import json
from datetime import date

import pytest

from redline.config.settings import Settings
from redline.core.register.findings import FindingStatus
from redline.core.register.triage import PostMortem, RootCause
from redline.program.workspace import open_workspace_store
from redline.reports.assembly import ReportRequest
from redline.reports.model import Audience, ReportFormat
from redline.reports.render import render
from redline.store.repos import findings
from tests.integration.test_report_model import report
from tests.world import ReportWorld, make_report_world

WHAT = "The assistant recited its internal escalation playbook"
WHY = "Nobody probed the playbook because the threat model left out staff-only documents"
CHANGE = "Staff-only documents join the threat model review checklist"
OLD_WHY = "The seed set had no translated requests at the time"


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Settings, ReportWorld]:
    settings, w = make_report_world(tmp_path_factory.mktemp("lessons") / "ws")
    new_one, new_two, _, _, old_closed = w.finding_ids
    store = open_workspace_store(settings)
    try:
        with store.session() as s:
            pm = PostMortem(
                what_happened=WHAT,
                why_missed=WHY,
                root_cause=RootCause.MISSING_TEST,
                changes=(CHANGE,),
                owner="bob",
                held_on=date(2026, 3, 2),
                author="bob",
            )
            findings.set_postmortem(s, new_one, pm, actor="bob")
            findings.move(s, new_two, FindingStatus.CLOSED, actor="carol", note="accepted elsewhere")
            old = PostMortem(what_happened="Old leak", why_missed=OLD_WHY, root_cause=RootCause.MISSING_TEST)
            findings.set_postmortem(s, old_closed, old, actor="bob")
    finally:
        store.dispose()
    return settings, w


def _text(settings: Settings, fmt: ReportFormat, audience: Audience) -> str:
    model = report(settings, ReportRequest(release="chat-assistant@1.1", audience=audience))
    return render(model, fmt).decode()


@pytest.mark.parametrize("audience", [Audience.INTERNAL, Audience.COMMITTEE])
def test_internal_and_committee_reports_carry_post_mortems_and_lessons(
    world: tuple[Settings, ReportWorld], audience: Audience
) -> None:
    settings, w = world
    model = report(settings, ReportRequest(release="chat-assistant@1.1", audience=audience))
    (pm,) = model.postmortems
    assert (pm.finding_id, pm.root_cause, pm.what_failed, pm.changes) == (
        w.finding_ids[0],
        "missing_test",
        WHAT,
        (CHANGE,),
    )
    lessons = model.lessons
    assert lessons is not None and lessons.release == "chat-assistant@1.1"
    assert [c.id for c in lessons.closed] == [w.finding_ids[1]]
    assert lessons.without_postmortem == (w.finding_ids[1],)
    (recurring,) = lessons.recurring
    assert recurring.releases == ("chat-assistant@1.0", "chat-assistant@1.1")

    html = _text(settings, ReportFormat.HTML, audience)
    section = html.split('<section id="postmortems">')[1].split("</section>")[0]
    assert WHAT in section and WHY in section and CHANGE in section and "missing test" in section
    lessons_html = html.split('<section id="lessons">')[1].split("</section>")[0]
    assert (
        "Recurring across releases" in lessons_html
        and "chat-assistant@1.0, chat-assistant@1.1" in lessons_html
    )
    md = _text(settings, ReportFormat.MD, audience)
    assert "## Post-mortems" in md and "## Lessons" in md and "### Recurring across releases" in md
    data = json.loads(_text(settings, ReportFormat.JSON, audience))
    assert data["postmortems"][0]["why"] == WHY and data["lessons"]["changes"][0]["change"] == CHANGE


def test_external_reports_carry_neither(world: tuple[Settings, ReportWorld]) -> None:
    settings, _ = world
    model = report(settings, ReportRequest(release="chat-assistant@1.1", audience=Audience.EXTERNAL))
    assert model.postmortems == () and model.lessons is None
    for fmt in (ReportFormat.HTML, ReportFormat.MD, ReportFormat.JSON):
        out = _text(settings, fmt, Audience.EXTERNAL)
        for internal in (WHAT, WHY, CHANGE, OLD_WHY, "Post-mortems", 'id="lessons"'):
            assert internal not in out
