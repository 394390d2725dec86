"""The webhook notifier against a real HTTP server on 127.0.0.1."""

from __future__ import annotations

from redline.config.settings import NotifierConfig, Settings
from redline.program.channels.notifications import Notification, WebhookNotifier, dispatch
from tests.unit.program.webhook_server import webhook_server


def _with_hook(settings: Settings) -> Settings:
    hook = NotifierConfig(url_env="HOOK_URL", headers_env={"X-Redline-Token": "HOOK_TOKEN"})
    config = settings.config.model_copy(update={"notifications": (hook,)})
    return settings.model_copy(update={"config": config})


def _note() -> Notification:
    return Notification(
        event="escalation", kind="split_committee", subject="rel_1", summary="s", workspace="w"
    )


def test_webhook_posts_json_with_the_secret_header(workspace: Settings) -> None:
    with webhook_server() as (url, got):
        sent = dispatch(_with_hook(workspace), _note(), env={"HOOK_URL": url, "HOOK_TOKEN": "s3cret"})
    assert [d.ok for d in sent] == [True]
    assert got.bodies[0]["kind"] == "split_committee" and got.bodies[0]["event"] == "escalation"
    assert got.headers[0]["X-Redline-Token"] == "s3cret"


def test_a_refusing_or_unconfigured_hook_is_a_failed_delivery(workspace: Settings) -> None:
    with webhook_server() as (url, got):
        got.status = 500
        (sent,) = dispatch(_with_hook(workspace), _note(), env={"HOOK_URL": url, "HOOK_TOKEN": "t"})
    assert not sent.ok and "answered 500" in sent.detail
    (missing,) = dispatch(_with_hook(workspace), _note(), env={})
    assert not missing.ok and "HOOK_URL is not set" in missing.detail


def test_events_a_hook_does_not_subscribe_to_are_not_sent(workspace: Settings) -> None:
    settings = _with_hook(workspace)
    assert dispatch(settings, _note().model_copy(update={"event": "digest"}), env={}) == []


def test_only_http_urls() -> None:
    import pytest

    from redline.core.errors import ConfigError

    with pytest.raises(ConfigError):
        WebhookNotifier(url="file:///etc/passwd")
