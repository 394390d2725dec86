"""Slack and Teams notifiers post to a real HTTP server on 127.0.0.1: escalations and lessons digests,
through the `redline.notifiers` entry points, with deliveries audited and webhook URLs never logged."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date

import pytest

from redline.config.settings import NotifierConfig, Settings
from redline.core.register.findings import FindingStatus
from redline.core.register.triage import RootCause
from redline.program.channels.notifications import Notification, notify
from redline.program.register import lessons, triage
from redline.program.register.findings import propose_from_round
from redline.program.workspace import open_workspace_store
from redline.store import audit
from redline.store.session import Store
from tests import world as data
from tests.unit.program.webhook_server import webhook_server


def _with_hooks(settings: Settings, *hooks: NotifierConfig) -> Settings:
    config = settings.config.model_copy(update={"notifications": hooks})
    return settings.model_copy(update={"config": config})


SLACK = NotifierConfig(kind="slack", url_env="SLACK_URL", events=("escalation", "lessons"))
TEAMS = NotifierConfig(kind="teams", url_env="TEAMS_URL", events=("*",), web_url="https://redline.example")


@pytest.fixture
def store(workspace: Settings) -> Iterator[Store]:
    opened = open_workspace_store(workspace)
    data.people(opened)
    yield opened
    opened.dispose()


def test_escalation_reaches_slack_and_teams_and_each_delivery_is_audited(
    workspace: Settings, store: Store
) -> None:
    settings = _with_hooks(workspace, SLACK, TEAMS)
    note = Notification(
        event="escalation",
        kind="critical_finding",
        subject="fnd_1",
        summary="critical finding fnd_1 on chat@2.0",
        workspace="acme",
        link="/findings/fnd_1",
    )
    with webhook_server() as (slack_url, slack), webhook_server() as (teams_url, teams):
        sent = notify(settings, note, store=store, env={"SLACK_URL": slack_url, "TEAMS_URL": teams_url})
    assert [(d.notifier, d.ok) for d in sent] == [("slack", True), ("teams", True)]
    (body,) = slack.bodies
    assert body["text"].startswith("Escalation: critical finding (fnd_1)")
    assert [b["type"] for b in body["blocks"]] == ["header", "section", "section", "context"]
    assert slack.headers[0]["Content-Type"] == "application/json"
    (card_msg,) = teams.bodies
    card = card_msg["attachments"][0]["content"]
    assert card_msg["type"] == "message" and card["type"] == "AdaptiveCard"
    assert card["actions"][0]["url"] == "https://redline.example/findings/fnd_1"
    with store.session() as s:
        events = audit.list_events(s, action="notification.", subject="fnd_1")
    assert sorted(e.payload["notifier"] for e in events) == ["slack", "teams"]


def test_a_failing_chat_hook_is_audited_without_its_url(workspace: Settings, store: Store) -> None:
    settings = _with_hooks(workspace, SLACK)
    note = Notification(event="escalation", kind="drift", subject="rel_1", summary="drift", workspace="w")
    with webhook_server() as (url, got):
        got.status = 404
        secret_url = url + "/T000/B000/S3CRETPATH"
        (sent,) = notify(settings, note, store=store, env={"SLACK_URL": secret_url})
    assert not sent.ok and "answered 404" in sent.detail and "S3CRETPATH" not in sent.detail
    with store.session() as s:
        (event,) = audit.list_events(s, action="notification.failed")
    assert "S3CRETPATH" not in str(event.payload)


def test_events_filter_each_hook(workspace: Settings) -> None:
    settings = _with_hooks(workspace, SLACK, TEAMS)
    note = Notification(event="decision", kind="stale", subject="rel_1", summary="go is stale", workspace="w")
    with webhook_server() as (slack_url, slack), webhook_server() as (teams_url, teams):
        sent = notify(settings, note, env={"SLACK_URL": slack_url, "TEAMS_URL": teams_url})
    assert [d.notifier for d in sent] == ["teams"] and slack.bodies == [] and len(teams.bodies) == 1


def test_lessons_digest_goes_out_as_a_message(workspace: Settings, store: Store) -> None:
    rid = data.stored_round(store, release_id=None, outcomes={"injection.direct": data.n("fail", 10)})
    (action,) = propose_from_round(store, workspace, round_id=rid, threats=data.THREATS).actions
    fid = action.finding.id
    triage.move(
        store, workspace, finding_id=fid, status=FindingStatus.CLOSED, user="cora", note="out of scope"
    )
    triage.postmortem(
        store,
        finding_id=fid,
        user="lena",
        what_happened="injected instructions ran",
        why_missed="no probe sent instructions inside documents",
        root_cause=RootCause.MISSING_TEST,
        changes=("indirect-injection playbook in every plan",),
        owner="eli",
    )
    digest = lessons.digest(store, since=date(2000, 1, 1), until=date(2100, 1, 1))
    assert [c.id for c in digest.closed] == [fid]
    settings = _with_hooks(workspace, SLACK, TEAMS)
    with webhook_server() as (slack_url, slack), webhook_server() as (teams_url, teams):
        sent = lessons.announce(store, settings, digest, env={"SLACK_URL": slack_url, "TEAMS_URL": teams_url})
    assert all(d.ok for d in sent) and len(sent) == 2
    fields = [f["text"] for f in slack.bodies[0]["blocks"][2]["fields"]]
    assert "*findings closed*\n1" in fields
    assert any("indirect-injection playbook in every plan" in f for f in fields)
    facts = teams.bodies[0]["attachments"][0]["content"]["body"][2]["facts"]
    assert {"title": "cause: missing test (no probe or scorer covered it)", "value": "1"} in facts
