"""Notification hooks: `redline.notifiers` plugins told about escalations; a webhook ships built in."""

from __future__ import annotations

import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, Self, runtime_checkable

from pydantic import BaseModel, ConfigDict, Field

from redline import plugins
from redline.core.errors import ConfigError, RedlineError
from redline.core.secrets import read_secret, read_secret_headers, redact_text
from redline.settings import NotifierConfig, Settings

GROUP = "redline.notifiers"


class NotificationError(RedlineError):
    """A notification could not be delivered."""


class Notification(BaseModel):
    """What a hook is told: the event, what it is about and a summary a person can act on."""

    model_config = ConfigDict(frozen=True)

    event: str = Field(description="Event kind, e.g. 'escalation'.")
    kind: str = Field(description="Sub-kind, e.g. 'critical_finding', 'split_committee'.")
    subject: str = Field(description="Id of the finding or release it is about.")
    summary: str
    workspace: str = Field(description="Name of the program (redline.yaml: name).")
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))


class Delivery(BaseModel):
    """Whether one hook took one notification."""

    model_config = ConfigDict(frozen=True)

    notifier: str
    ok: bool
    detail: str = ""


@runtime_checkable
class Notifier(Protocol):
    """Sends notifications somewhere; raises `NotificationError` when it cannot."""

    name: ClassVar[str]

    def send(self, notification: Notification) -> None:
        """Deliver one notification."""
        ...


class WebhookNotifier:
    """POSTs each notification as JSON to a URL, with optional secret headers (both from the environment)."""

    name: ClassVar[str] = "webhook"

    def __init__(
        self, *, url: str, headers: Mapping[str, str] | None = None, timeout_s: float = 10.0
    ) -> None:
        if not url.startswith(("http://", "https://")):
            raise ConfigError(f"webhook URL must start with http:// or https://, not '{redact_text(url)}'")
        self.url = url
        self.headers = dict(headers or {})
        self.timeout_s = timeout_s

    @classmethod
    def from_config(cls, config: NotifierConfig, *, env: Mapping[str, str]) -> Self:
        """A webhook from its redline.yaml entry, reading the URL and header values from `env`."""
        if not config.url_env:
            raise ConfigError(
                "a webhook notifier needs url_env: the variable holding its URL", field="url_env"
            )
        url = read_secret(env, config.url_env, holds="the webhook URL", field="notifications.url_env")
        headers = read_secret_headers(env, config.headers_env, field="notifications.headers_env")
        return cls(url=url, headers=headers)

    def send(self, notification: Notification) -> None:
        """POST the notification; any answer but 2xx is a `NotificationError`."""
        body = notification.model_dump_json().encode("utf-8")
        request = urllib.request.Request(
            self.url,
            data=body,
            method="POST",
            headers={"Content-Type": "application/json", "User-Agent": "redline", **self.headers},
        )
        where = redact_text(self.url)
        try:
            with urllib.request.urlopen(request, timeout=self.timeout_s) as answer:
                status = int(answer.status)
        except urllib.error.HTTPError as exc:
            raise NotificationError(f"webhook {where} answered {exc.code}") from None
        except (urllib.error.URLError, OSError) as exc:
            reason = getattr(exc, "reason", exc)
            raise NotificationError(f"webhook {where} unreachable: {reason}") from None
        if not 200 <= status < 300:
            raise NotificationError(f"webhook {where} answered {status}")


def build_notifier(config: NotifierConfig, *, env: Mapping[str, str]) -> Notifier:
    """One hook declared in redline.yaml, built through the `redline.notifiers` entry points."""
    factory = plugins.load(GROUP, config.kind)
    make = getattr(factory, "from_config", None)
    if not callable(make):
        raise ConfigError(f"notifier '{config.kind}' has no from_config(config, env=...)")
    notifier = make(config, env=env)
    if not isinstance(notifier, Notifier):
        raise ConfigError(f"notifier '{config.kind}' built {type(notifier).__name__}, which has no send()")
    return notifier


def dispatch(
    settings: Settings, notification: Notification, *, env: Mapping[str, str] | None = None
) -> list[Delivery]:
    """Send a notification to every hook subscribed to its event; a failing hook does not stop the others.

    A hook that cannot be built (its URL variable unset, say) is a failed delivery, not an error: the
    state change it reports on has already been recorded.
    """
    env = os.environ if env is None else env
    deliveries: list[Delivery] = []
    for config in settings.config.notifications:
        if notification.event not in config.events:
            continue
        try:
            build_notifier(config, env=env).send(notification)
        except (NotificationError, ConfigError) as exc:
            deliveries.append(Delivery(notifier=config.kind, ok=False, detail=str(exc)))
        else:
            deliveries.append(Delivery(notifier=config.kind, ok=True))
    return deliveries
