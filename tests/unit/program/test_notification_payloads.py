"""Slack and Teams messages rendered from any notification: title, summary, link and fields only."""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

import pytest

from redline.core.errors import ConfigError
from redline.program.channels.notifications import (
    Notification,
    SlackNotifier,
    TeamsNotifier,
    slack_payload,
    teams_payload,
    where,
)

AT = datetime(2026, 3, 4, 5, 6, tzinfo=UTC)


def _note(**changes: Any) -> Notification:
    base = Notification(
        event="escalation",
        kind="critical_finding",
        subject="fnd_1",
        summary="Critical finding <b>fnd_1</b> & more",
        workspace="acme",
        details={"escalation_id": "esc_1", "release_id": "rel_1", "nested": {"x": 1}},
        at=AT,
    )
    return base.model_copy(update=changes)


def test_slack_message_has_fallback_text_header_fields_and_escaped_mrkdwn() -> None:
    body = slack_payload(_note(link="/findings/fnd_1"), web_url="https://redline.example.com/")
    assert body["text"].startswith("Escalation: critical finding (fnd_1): Critical finding")
    header, summary, fields, context = body["blocks"]
    assert header == {
        "type": "header",
        "text": {"type": "plain_text", "text": "Escalation: critical finding (fnd_1)"},
    }
    assert summary["text"] == {
        "type": "mrkdwn",
        "text": "Critical finding &lt;b&gt;fnd_1&lt;/b&gt; &amp; more",
    }
    texts = [f["text"] for f in fields["fields"]]
    assert texts == ["*program*\nacme", "*escalation id*\nesc_1", "*release id*\nrel_1"]  # scalars only
    (element,) = context["elements"]
    assert "<https://redline.example.com/findings/fnd_1|Open in Redline>" in element["text"]
    assert "2026-03-04 05:06 UTC" in element["text"]


def test_slack_respects_block_kit_limits() -> None:
    many = {f"field {i}": "v" * 3000 for i in range(20)}
    body = slack_payload(_note(title="T" * 400, summary="s" * 5000, fields=many))
    header, summary, fields, _ = body["blocks"]
    assert len(header["text"]["text"]) == 150 and len(summary["text"]["text"]) == 3000
    assert len(fields["fields"]) == 10 and all(len(f["text"]) <= 2000 for f in fields["fields"])


def test_teams_message_is_an_adaptive_card_in_the_message_envelope() -> None:
    body = teams_payload(
        _note(event="lessons", kind="release", title="Lessons for release chat@2.0", fields={"closed": "3"}),
        web_url=None,
    )
    assert body["type"] == "message"
    (attachment,) = body["attachments"]
    assert attachment["contentType"] == "application/vnd.microsoft.card.adaptive"
    assert attachment["contentUrl"] is None
    card = attachment["content"]
    assert card["type"] == "AdaptiveCard" and card["$schema"].endswith("adaptive-card.json")
    title, summary, facts, footer = card["body"]
    assert title["text"] == "Lessons for release chat@2.0" and title["weight"] == "Bolder"
    assert summary["text"] == "Critical finding <b>fnd_1</b> & more"  # Adaptive Card text is not HTML
    assert facts == {
        "type": "FactSet",
        "facts": [{"title": "program", "value": "acme"}, {"title": "closed", "value": "3"}],
    }
    assert footer["text"].startswith("lessons ·")
    assert "actions" not in card  # a relative link without web_url gives no action


def test_teams_link_becomes_an_open_url_action() -> None:
    card = teams_payload(_note(link="https://x.example/f/1"))["attachments"][0]["content"]
    assert card["actions"] == [
        {"type": "Action.OpenUrl", "title": "Open in Redline", "url": "https://x.example/f/1"}
    ]


def test_any_new_event_kind_renders_without_code_of_its_own() -> None:
    note = _note(event="acceptance_expired", kind="high", subject="fnd_9", summary="expired", details={})
    assert slack_payload(note)["blocks"][0]["text"]["text"] == "Acceptance expired: high (fnd_9)"
    card = teams_payload(note)["attachments"][0]["content"]
    assert card["body"][0]["text"] == "Acceptance expired: high (fnd_9)"
    stale = _note(kind="stale_decision", subject="rel_9", details={"release": "chat@2.0"})
    assert slack_payload(stale)["blocks"][2]["fields"][1]["text"] == "*release*\nchat@2.0"


def test_errors_name_the_host_never_the_secret_path() -> None:
    assert where("https://hooks.slack.com/services/T000/B000/XXXXSECRET") == "https://hooks.slack.com"
    with pytest.raises(ConfigError) as err:
        SlackNotifier(url="ftp://hooks.example/services/SECRET")
    assert "SECRET" not in str(err.value)
    with pytest.raises(ConfigError):
        TeamsNotifier(url="file:///etc/passwd")
