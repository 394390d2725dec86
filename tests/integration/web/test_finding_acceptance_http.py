"""Accepting a finding's risk from its page or its JSON twin sets the review date, and the page shows it."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from tests.world import WEB_XSS, XSS_MARK, WebWorld


def _in(days: int) -> str:
    return (datetime.now(UTC).date() + timedelta(days=days)).isoformat()


def test_the_move_form_accepts_a_risk_until_the_review_date_given(world: WebWorld) -> None:
    cora = world.client("cora")
    page = cora.get(f"/findings/{world.finding_id}").text
    assert 'id="review_by"' in page and 'id="acceptance"' not in page
    moved = cora.post(
        f"/findings/{world.finding_id}/status",
        data={"status": "accepted_risk", "note": "compensating control " + WEB_XSS, "review_by": _in(30)},
    )
    assert moved.status_code == 303
    html = cora.get(f"/findings/{world.finding_id}").text
    shown = html.split('id="acceptance"')[1].split("</p>")[0]
    assert f"review by <strong>{_in(30)}</strong>" in shown and "Risk accepted by cora" in shown
    assert "compensating control" in shown and XSS_MARK not in html


def test_without_a_date_the_acceptance_holds_the_configured_days(world: WebWorld) -> None:
    cora = world.client("cora")
    days = world.settings.config.triage.acceptance_review_days
    assert f"default {days} days" in cora.get(f"/findings/{world.finding_id}").text
    body = {"status": "accepted_risk", "note": "accepted for this release"}
    assert cora.post(f"/api/findings/{world.finding_id}/status", json=body).status_code == 200
    assert f"review by <strong>{_in(days)}</strong>" in cora.get(f"/findings/{world.finding_id}").text


def test_a_bad_or_misplaced_review_date_is_refused_and_nothing_moves(world: WebWorld) -> None:
    cora = world.client("cora")
    url = f"/findings/{world.finding_id}/status"
    before = cora.get(f"/api/findings/{world.finding_id}").json()["dossier"]["finding"]["status"]
    bad = cora.post(url, data={"status": "accepted_risk", "note": "n", "review_by": "31/12/2027"})
    assert bad.status_code == 400 and "review_by must be a date YYYY-MM-DD" in bad.text
    past = cora.post(
        f"/api/findings/{world.finding_id}/status",
        json={"status": "accepted_risk", "note": "n", "review_by": _in(-1)},
    )
    assert past.status_code == 400 and "must be after today" in past.json()["detail"]
    other = cora.post(
        f"/api/findings/{world.finding_id}/status",
        json={"status": "in_progress", "review_by": _in(10)},
    )
    assert other.status_code == 400 and "goes with accepting a risk" in other.json()["detail"]
    after = cora.get(f"/api/findings/{world.finding_id}").json()["dossier"]["finding"]["status"]
    assert after == before
