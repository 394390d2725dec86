"""Tracker webhooks: a signed call records the issue's state; a closed issue makes the finding mitigated
(ready for verification), never closed; a call without the right signature changes nothing."""

from __future__ import annotations

import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
from fastapi.testclient import TestClient

from redline.config.settings import load_settings
from redline.core.audit import AuditEvent
from redline.core.channels.tracker_issues import hmac_sha256
from redline.program.people import accounts
from redline.program.register.findings import propose_from_round
from redline.program.register.triage import triage
from redline.program.workspace import init_workspace, open_workspace_store
from redline.store import audit
from redline.store.repos import findings as findings_repo
from redline.store.repos import trackers as links_repo
from redline.store.repos import users as users_repo
from redline.store.session import Store
from redline.web.app import create_app
from redline.web.security import SESSION_COOKIE
from tests import world as data

SECRETS = {"GH_HOOK": "gh-hook-secret", "GL_HOOK": "gl-hook-token", "JI_HOOK": "jira-hook-secret"}
TRACKERS = """trackers:
  - {name: gh, kind: github, project: acme/chat, token_env: GH_TOKEN, webhook_secret_env: GH_HOOK}
  - {name: gl, kind: gitlab, project: group/chat, token_env: GL_TOKEN, webhook_secret_env: GL_HOOK}
  - {name: ji, kind: jira, url: "https://jira.test", project: RED, token_env: JI_TOKEN,
     webhook_secret_env: JI_HOOK}
  - {name: open, kind: github, project: acme/chat, token_env: GH_TOKEN}
"""
ISSUES = {"gh": ("github", "7"), "gl": ("gitlab", "3"), "ji": ("jira", "RED-9"), "open": ("github", "7")}


@dataclass
class Hooked:
    client: TestClient
    store: Store
    finding_id: str

    def status(self) -> str:
        with self.store.session() as s:
            return findings_repo.get_finding(s, self.finding_id).status.value

    def inbound(self) -> list[AuditEvent]:
        with self.store.session() as s:
            return audit.list_events(s, action="tracker.inbound", subject=self.finding_id)


@pytest.fixture
def hooked(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Iterator[Hooked]:
    """A triaged finding exported (as recorded links) to each tracker, and the web app."""
    for var, value in SECRETS.items():
        monkeypatch.setenv(var, value)
    settings = init_workspace(tmp_path / "ws", name="hooks", actor="tester").settings
    with settings.config_path.open("a", encoding="utf-8") as f:
        f.write("privacy: {ner: false}\n" + TRACKERS)
    settings = load_settings(settings.workspace, env={}, actor="tester")
    store = open_workspace_store(settings)
    data.people(store)
    rel = data.release(store)
    rid = data.stored_round(
        store, release_id=rel.id, outcomes={"leakage.system-prompt": data.n("fail", 8) + data.n("pass", 12)}
    )
    fid = propose_from_round(store, settings, round_id=rid).actions[0].finding.id
    triage(store, settings, finding_id=fid, user="lena", owner="eli")
    with store.session() as s:
        for name, (kind, issue) in ISSUES.items():
            links_repo.record_push(
                s,
                finding_id=fid,
                tracker=name,
                kind=kind,
                external_id=issue,
                url=f"https://{kind}.test/{issue}",
                content_hash="0" * 64,
                created=True,
                actor="lena",
            )
    client = TestClient(create_app(settings, store=store, embed=None))
    yield Hooked(client=client, store=store, finding_id=fid)
    client.close()
    store.dispose()


def github_event(action: str, number: int = 7, repo: str = "acme/chat") -> bytes:
    state = "closed" if action == "closed" else "open"
    return json.dumps(
        {
            "action": action,
            "issue": {"number": number, "state": state},
            "repository": {"full_name": repo},
        }
    ).encode()


def post(client: TestClient, tracker: str, body: bytes, headers: dict[str, str]) -> Any:
    return client.post(
        f"/api/trackers/{tracker}/webhook",
        content=body,
        headers={"Content-Type": "application/json", **headers},
    )


def test_a_signed_github_close_makes_the_finding_mitigated_and_a_reopen_is_noted(hooked: Hooked) -> None:
    body = github_event("closed")
    sig = hmac_sha256(SECRETS["GH_HOOK"], body)
    resp = post(hooked.client, "gh", body, {"X-GitHub-Event": "issues", "X-Hub-Signature-256": sig})
    assert resp.status_code == 200, resp.text
    assert resp.json()["outcome"] == "mitigated" and resp.json()["status"] == "mitigated"
    assert hooked.status() == "mitigated"  # ready for verification; never closed by a tracker

    again = post(hooked.client, "gh", body, {"X-Hub-Signature-256": sig})  # redelivered
    assert again.json()["outcome"] == "unchanged" and hooked.status() == "mitigated"

    reopened = github_event("reopened")
    resp = post(
        hooked.client, "gh", reopened, {"X-Hub-Signature-256": hmac_sha256(SECRETS["GH_HOOK"], reopened)}
    )
    assert resp.json()["outcome"] == "noted" and hooked.status() == "mitigated"
    with hooked.store.session() as s:
        notes = [n.text for n in findings_repo.dossier(s, hooked.finding_id).notes]
        link = links_repo.get_link(s, hooked.finding_id, "gh")
    assert any("gh issue 7 closed: mitigation ready for verification" in n for n in notes)
    assert any("gh issue 7 reopened (reopened)" in n for n in notes)
    assert link is not None and link.state == "open"
    events = sorted(hooked.inbound(), key=lambda e: e.seq)
    assert [(e.actor, e.payload["outcome"]) for e in events] == [
        ("tracker:gh", "mitigated"),
        ("tracker:gh", "unchanged"),
        ("tracker:gh", "noted"),
    ]


@pytest.mark.parametrize(
    "headers",
    [
        {},
        {"X-Hub-Signature-256": "sha256=" + "0" * 64},
        {"X-Hub-Signature-256": hmac_sha256("another-secret", github_event("closed"))},
        {"X-Hub-Signature": hmac_sha256(SECRETS["GH_HOOK"], github_event("closed"))},  # not GitHub's header
    ],
)
def test_a_github_call_without_the_right_signature_is_refused_and_changes_nothing(
    hooked: Hooked, headers: dict[str, str]
) -> None:
    resp = post(hooked.client, "gh", github_event("closed"), headers)
    assert resp.status_code == 403
    assert "tracker 'gh' webhook refused: the signature does not match" in resp.json()["detail"]
    assert hooked.status() == "triaged" and hooked.inbound() == []


def test_refused_calls_are_audited_once_a_minute_with_their_count(hooked: Hooked) -> None:
    for _ in range(3):
        assert (
            post(hooked.client, "gh", github_event("closed"), {"X-Hub-Signature-256": "sha256=0"}).status_code
            == 403
        )
    assert post(hooked.client, "open", github_event("closed"), {}).status_code == 403
    with hooked.store.session() as s:
        refused = audit.list_events(s, action="tracker.webhook_refused")
    assert sorted((e.subject, e.payload["refused"], e.payload["reason"]) for e in refused) == [
        ("gh", 1, "the signature does not match"),
        ("open", 1, "no webhook_secret_env is configured"),
    ]
    assert all(e.actor == f"tracker:{e.subject}" for e in refused)
    assert "sha256=0" not in json.dumps([e.payload for e in refused])


def test_a_signature_over_another_body_is_refused(hooked: Hooked) -> None:
    signed = hmac_sha256(SECRETS["GH_HOOK"], github_event("reopened"))
    assert (
        post(hooked.client, "gh", github_event("closed"), {"X-Hub-Signature-256": signed}).status_code == 403
    )
    assert hooked.status() == "triaged"


def test_gitlab_close_needs_the_secret_token(hooked: Hooked) -> None:
    body = json.dumps(
        {"object_kind": "issue", "object_attributes": {"iid": 3, "state": "closed", "action": "close"}}
    ).encode()
    assert post(hooked.client, "gl", body, {"X-Gitlab-Token": "wrong"}).status_code == 403
    assert hooked.status() == "triaged"
    resp = post(
        hooked.client, "gl", body, {"X-Gitlab-Token": SECRETS["GL_HOOK"], "X-Gitlab-Event": "Issue Hook"}
    )
    assert resp.status_code == 200 and resp.json()["outcome"] == "mitigated"
    assert hooked.status() == "mitigated"


def test_jira_done_status_signed_with_x_hub_signature_makes_the_finding_mitigated(hooked: Hooked) -> None:
    body = json.dumps(
        {
            "webhookEvent": "jira:issue_updated",
            "issue": {
                "key": "RED-9",
                "fields": {"status": {"name": "Done", "statusCategory": {"key": "done"}}},
            },
        }
    ).encode()
    assert post(hooked.client, "ji", body, {"X-Hub-Signature": "sha256=bad"}).status_code == 403
    resp = post(hooked.client, "ji", body, {"X-Hub-Signature": hmac_sha256(SECRETS["JI_HOOK"], body)})
    assert resp.status_code == 200 and resp.json()["outcome"] == "mitigated"
    assert hooked.status() == "mitigated"


def test_calls_about_other_issues_or_other_events_are_ignored(hooked: Hooked) -> None:
    other = github_event("closed", number=99)
    other_repo = github_event("closed", repo="acme/website")  # an organisation webhook: same number
    ping = json.dumps({"zen": "Keep it logically awesome.", "hook_id": 1}).encode()
    for body in (other, other_repo, ping):
        resp = post(hooked.client, "gh", body, {"X-Hub-Signature-256": hmac_sha256(SECRETS["GH_HOOK"], body)})
        assert resp.status_code == 200 and resp.json()["outcome"] == "ignored"
    assert hooked.status() == "triaged" and hooked.inbound() == []


def test_a_tracker_without_a_webhook_secret_refuses_every_call(hooked: Hooked) -> None:
    body = github_event("closed")
    resp = post(hooked.client, "open", body, {"X-Hub-Signature-256": hmac_sha256("", body)})
    assert resp.status_code == 403 and "no webhook_secret_env is configured" in resp.json()["detail"]
    assert hooked.status() == "triaged"


def test_the_finding_page_and_api_show_its_tracker_issues(hooked: Hooked) -> None:
    with hooked.store.session() as s:
        grant = accounts.open_session(s, user=users_repo.get_user(s, "lena"))
    hooked.client.cookies.set(SESSION_COOKIE, grant.token)
    page = hooked.client.get(f"/findings/{hooked.finding_id}")
    assert page.status_code == 200
    assert 'href="https://github.test/7"' in page.text and "Tracker issues" in page.text
    api = hooked.client.get(f"/api/findings/{hooked.finding_id}").json()
    assert {(t["tracker"], t["external_id"]) for t in api["trackers"]} >= {("gh", "7"), ("ji", "RED-9")}
