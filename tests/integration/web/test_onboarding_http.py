"""Onboarding over HTTP: a tester without it is refused flagged content and rounds, consents, then may."""

from __future__ import annotations

from redline.core.people.users import Role
from redline.store.repos import users as users_repo
from tests.world import WebWorld, form_token

RUN = {"system": "echo-bot", "playbooks": ["system-prompt-leakage"], "sample_size": 1}
CONDUCT = """sections:
  - id: code-of-conduct
    kind: conduct
    title: Code of conduct
    version: "2.0"
    body: A rewritten code of conduct that every tester reads again.
"""


def _newcomer(world: WebWorld, name: str, role: Role) -> None:
    with world.store.session() as s:
        users_repo.add_user(s, name=name, roles={role}, actor="test")


def test_a_tester_is_refused_until_onboarded_then_may_open_flagged_content(world: WebWorld) -> None:
    _newcomer(world, "nora", Role.TESTER)
    nora = world.client("nora")
    subject = f"attempt:{world.attempt_id}"
    refused = nora.post("/api/content/consent", json={"subject": subject})
    assert refused.status_code == 403 and refused.json()["code"] == "onboarding_required"
    assert "/onboarding" in refused.json()["detail"]
    page = nora.post("/content/consent", data={"subject": subject, "next": "/"})
    assert page.status_code == 403 and 'id="onboarding-link" href="/onboarding"' in page.text

    view = nora.get("/api/onboarding").json()
    assert view["status"]["state"] == "missing" and view["sections"][0]["id"] == "code-of-conduct"
    html = nora.get("/onboarding").text
    assert 'id="consent-form"' in html and "Code of conduct" in html
    unticked = nora.post("/onboarding/consent", data={"material": view["material"]})
    assert unticked.status_code == 400 and "tick the box" in unticked.text
    done = nora.post(
        "/onboarding/consent",
        data={"material": view["material"], "agree": "yes", "next": f"/rounds/{world.round_id}"},
    )
    assert done.status_code == 303 and done.headers["location"] == f"/rounds/{world.round_id}"
    assert nora.get("/api/onboarding").json()["status"]["state"] == "current"
    opened = nora.post("/api/content/consent", json={"subject": subject})
    assert opened.status_code == 200 and opened.json()["content"]["parts"]


def test_a_lead_starts_rounds_only_while_onboarded_and_sees_the_team(world: WebWorld) -> None:
    _newcomer(world, "lou", Role.LEAD)
    lou = world.client("lou")
    refused = lou.post("/api/rounds", json=RUN)
    assert refused.status_code == 403 and refused.json()["code"] == "onboarding_required"
    assert "lou may not start a round of playbooks" in refused.json()["detail"]
    material = lou.get("/api/onboarding").json()["material"]
    assert lou.post("/api/onboarding/consent", json={"agree": True, "material": material}).status_code == 200

    (world.settings.workspace / "onboarding").mkdir()
    (world.settings.workspace / "onboarding" / "conduct.yaml").write_text(CONDUCT, encoding="utf-8")
    stale = lou.post("/api/rounds", json=RUN)
    assert stale.status_code == 403 and "code-of-conduct" in stale.json()["detail"]
    team = {r["user"]: r for r in lou.get("/api/onboarding/team").json()}
    assert team["lou"]["state"] == "stale" and team["lou"]["changed"] == ["code-of-conduct"]
    assert "rex" not in team  # external reviewers never see flagged content
    page = lou.get("/onboarding/team").text
    assert 'data-user="tess" data-state="stale"' in page
    assert world.client("tess").get("/api/onboarding/team").status_code == 403

    again = lou.get("/onboarding").text
    assert "changed since your consent" in again
    lou.post("/onboarding/consent", data={"material": form_material(again), "agree": "yes"})
    assert lou.post("/api/rounds", json=RUN).status_code == 202


def form_material(html: str) -> str:
    """The packet hash the consent form carries."""
    start = html.index('name="material" value="') + len('name="material" value="')
    return html[start : html.index('"', start)]


def test_withdrawal_closes_the_playground_and_is_audited(world: WebWorld) -> None:
    tess = world.client("tess")
    pg = world.playground_id
    assert tess.post(f"/api/playground/{pg}/turns", json={"text": "hello"}).status_code == 201
    withdrawn = tess.post("/api/onboarding/withdraw", json={"reason": "a break"})
    assert withdrawn.status_code == 200 and withdrawn.json()["state"] == "withdrawn"
    refused = tess.post(f"/api/playground/{pg}/turns", json={"text": "again"})
    assert refused.status_code == 403 and refused.json()["code"] == "onboarding_required"
    events = world.client("lena").get("/api/audit", params={"action": "onboarding."}).json()
    actions = [e["action"] for e in events]
    assert "onboarding.withdraw" in actions and "onboarding.consent" in actions
    assert form_token(tess.get("/onboarding").text)


def test_the_playbook_page_shows_warnings_and_guidance_before_the_steps(world: WebWorld) -> None:
    html = world.client("tess").get("/playbooks/child-safety").text
    warnings = html.index('id="content-warnings"')
    assert "self-harm and suicide" in html[warnings:] and warnings < html.index('id="guidance"')
    assert html.index('id="guidance"') < html.index("Manual steps")
    book = world.client("tess").get("/api/playbooks/child-safety").json()
    assert book["content_warnings"][0] == "self-harm and suicide"
