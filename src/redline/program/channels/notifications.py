"""Notification hooks: `redline.notifiers` plugins told about program events (escalations, lessons digests,
stale decisions, drift, ...); a generic webhook, Slack-compatible and Microsoft Teams webhooks ship built in.

Every event is one `Notification`: a title, a summary, an optional link and a few labelled fields. The
Slack and Teams notifiers render any notification from those alone, so a new event kind needs nothing
new here: emit it through `notify` and subscribe hooks to it in redline.yaml (`events`).
"""

from __future__ import annotations

import json
import os
import urllib.error
import urllib.request
from collections.abc import Mapping
from datetime import UTC, datetime
from typing import Any, ClassVar, Protocol, Self, runtime_checkable
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

from redline.config import plugins
from redline.config.settings import NotifierConfig, Settings
from redline.core.errors import ConfigError, RedlineError
from redline.core.secrets import read_secret, read_secret_headers
from redline.store import audit
from redline.store.session import Store

GROUP = "redline.notifiers"
ALL_EVENTS = "*"
"""An `events` entry that subscribes a hook to every event kind."""
WEB_URL_ENV = "REDLINE_WEB_URL"
MAX_FIELDS = 10
"""Labelled fields one message shows (a Slack section holds at most 10)."""


class NotificationError(RedlineError):
    """A notification could not be delivered."""


class Notification(BaseModel):
    """What a hook is told: the event, what it is about, and a summary a person can act on.

    `title`, `summary`, `link` and `fields` are all a chat message shows; `details` carries the rest for
    machines (the generic webhook posts the whole record as JSON).
    """

    model_config = ConfigDict(frozen=True)

    event: str = Field(description="Event kind, e.g. 'escalation', 'lessons', 'decision', 'drift'.")
    kind: str = Field(description="Sub-kind, e.g. 'critical_finding', 'split_committee', 'stale'.")
    subject: str = Field(description="Id of the finding, release or period it is about.")
    summary: str
    workspace: str = Field(description="Name of the program (redline.yaml: name).")
    details: dict[str, Any] = Field(default_factory=dict)
    at: datetime = Field(default_factory=lambda: datetime.now(UTC))
    title: str = Field(default="", description="Headline; default: the event, kind and subject in words.")
    link: str | None = Field(
        default=None,
        description="Where to act: an absolute URL, or a workbench path ('/findings/fnd_1') joined to the "
        "hook's web_url.",
    )
    fields: dict[str, str] = Field(
        default_factory=dict, description="Labelled facts to show, in order (default: the details' scalars)."
    )

    def headline(self) -> str:
        """The title, or one made of the event, kind and subject."""
        if self.title:
            return self.title
        words = self.event.replace("_", " ").capitalize()
        kind = self.kind.replace("_", " ")
        return f"{words}: {kind}" + (f" ({self.subject})" if self.subject else "")

    def facts(self) -> list[tuple[str, str]]:
        """The labelled facts a message shows: the fields given, else the scalar details, at most 10."""
        if self.fields:
            pairs = list(self.fields.items())
        else:
            pairs = [
                (k.replace("_", " "), str(v))
                for k, v in self.details.items()
                if isinstance(v, str | int | float | bool) and v != ""
            ]
        return [("program", self.workspace), *pairs][:MAX_FIELDS]

    def url(self, web_url: str | None) -> str | None:
        """The link as an absolute http(s) URL, or None when there is none to give."""
        if not self.link:
            return None
        if self.link.startswith(("http://", "https://")):
            return self.link
        if not web_url:
            return None
        return web_url.rstrip("/") + "/" + self.link.lstrip("/")


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


def where(url: str) -> str:
    """A webhook URL as errors may name it: scheme and host only (a chat webhook's path is its secret)."""
    parts = urlsplit(url)
    host = parts.hostname or "?"
    port = f":{parts.port}" if parts.port else ""
    return f"{parts.scheme}://{host}{port}"


def _check_url(url: str, label: str) -> None:
    if not url.startswith(("http://", "https://")):
        raise ConfigError(f"{label} URL must start with http:// or https://, not '{where(url)}...'")


def post_json(
    url: str, payload: Any, *, label: str, headers: Mapping[str, str] | None = None, timeout_s: float = 10.0
) -> None:
    """POST a JSON payload; any answer but 2xx, or none, is a `NotificationError` naming only the host."""
    body = json.dumps(payload, ensure_ascii=False).encode("utf-8")
    request = urllib.request.Request(
        url,
        data=body,
        method="POST",
        headers={"Content-Type": "application/json", "User-Agent": "redline", **(headers or {})},
    )
    try:
        with urllib.request.urlopen(request, timeout=timeout_s) as answer:
            status = int(answer.status)
    except urllib.error.HTTPError as exc:
        raise NotificationError(f"{label} {where(url)} answered {exc.code}") from None
    except (urllib.error.URLError, OSError) as exc:
        reason = getattr(exc, "reason", exc)
        raise NotificationError(f"{label} {where(url)} unreachable: {reason}") from None
    if not 200 <= status < 300:
        raise NotificationError(f"{label} {where(url)} answered {status}")


class WebhookNotifier:
    """POSTs each notification as JSON to a URL, with optional secret headers (both from the environment)."""

    name: ClassVar[str] = "webhook"

    def __init__(
        self, *, url: str, headers: Mapping[str, str] | None = None, timeout_s: float = 10.0
    ) -> None:
        _check_url(url, "webhook")
        self.url = url
        self.headers = dict(headers or {})
        self.timeout_s = timeout_s

    @classmethod
    def from_config(cls, config: NotifierConfig, *, env: Mapping[str, str]) -> Self:
        """A webhook from its redline.yaml entry, reading the URL and header values from `env`."""
        url = _read_url(config, env, "webhook")
        headers = read_secret_headers(env, config.headers_env, field="notifications.headers_env")
        return cls(url=url, headers=headers)

    def send(self, notification: Notification) -> None:
        """POST the notification; any answer but 2xx is a `NotificationError`."""
        payload = notification.model_dump(mode="json")
        post_json(self.url, payload, label="webhook", headers=self.headers, timeout_s=self.timeout_s)


def _read_url(config: NotifierConfig, env: Mapping[str, str], kind: str) -> str:
    if not config.url_env:
        raise ConfigError(f"a {kind} notifier needs url_env: the variable holding its URL", field="url_env")
    return read_secret(env, config.url_env, holds=f"the {kind} webhook URL", field="notifications.url_env")


def _web_url(config: NotifierConfig, env: Mapping[str, str]) -> str | None:
    return env.get(WEB_URL_ENV) or config.web_url


# Slack Block Kit limits: header text 150 characters, section text 3000, a field 2000, 10 fields.
_SLACK_HEADER, _SLACK_TEXT, _SLACK_FIELD = 150, 3000, 2000


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def slack_escape(text: str) -> str:
    """Text made literal in Slack mrkdwn: the three characters Slack reads as markup are escaped."""
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def slack_payload(notification: Notification, *, web_url: str | None = None) -> dict[str, Any]:
    """An incoming-webhook message: `text` (the notification fallback) plus Block Kit blocks: a header,
    the summary, the labelled fields, and a context line with the link and time."""
    n = notification
    title = n.headline()
    blocks: list[dict[str, Any]] = [
        {"type": "header", "text": {"type": "plain_text", "text": _cut(title, _SLACK_HEADER)}},
        {"type": "section", "text": {"type": "mrkdwn", "text": _cut(slack_escape(n.summary), _SLACK_TEXT)}},
    ]
    facts = n.facts()
    if facts:
        blocks.append(
            {
                "type": "section",
                "fields": [
                    {"type": "mrkdwn", "text": _cut(f"*{slack_escape(k)}*\n{slack_escape(v)}", _SLACK_FIELD)}
                    for k, v in facts
                ],
            }
        )
    context = [f"{slack_escape(n.event)} · {n.at:%Y-%m-%d %H:%M} UTC"]
    url = n.url(web_url)
    if url:
        context.append(f"<{url}|Open in Redline>")
    blocks.append({"type": "context", "elements": [{"type": "mrkdwn", "text": " · ".join(context)}]})
    return {"text": _cut(f"{title}: {n.summary}", _SLACK_TEXT), "blocks": blocks}


def teams_payload(notification: Notification, *, web_url: str | None = None) -> dict[str, Any]:
    """A Teams incoming-webhook message: one Adaptive Card (a title, the summary, a FactSet of the fields,
    an Open action for the link) in the message/attachments envelope Teams expects."""
    n = notification
    body: list[dict[str, Any]] = [
        {"type": "TextBlock", "text": n.headline(), "weight": "Bolder", "size": "Medium", "wrap": True},
        {"type": "TextBlock", "text": n.summary, "wrap": True},
    ]
    facts = n.facts()
    if facts:
        body.append({"type": "FactSet", "facts": [{"title": k, "value": v} for k, v in facts]})
    body.append(
        {
            "type": "TextBlock",
            "text": f"{n.event} · {n.at:%Y-%m-%d %H:%M} UTC",
            "isSubtle": True,
            "size": "Small",
            "wrap": True,
        }
    )
    card: dict[str, Any] = {
        "$schema": "http://adaptivecards.io/schemas/adaptive-card.json",
        "type": "AdaptiveCard",
        "version": "1.4",
        "body": body,
    }
    url = n.url(web_url)
    if url:
        card["actions"] = [{"type": "Action.OpenUrl", "title": "Open in Redline", "url": url}]
    return {
        "type": "message",
        "attachments": [
            {"contentType": "application/vnd.microsoft.card.adaptive", "contentUrl": None, "content": card}
        ],
    }


class _ChatNotifier:
    """A chat webhook: the URL (a secret) from the environment, a payload rendered from any notification."""

    name: ClassVar[str] = "chat"

    def __init__(
        self,
        *,
        url: str,
        web_url: str | None = None,
        headers: Mapping[str, str] | None = None,
        timeout_s: float = 10.0,
    ) -> None:
        _check_url(url, f"{self.name} webhook")
        self.url = url
        self.web_url = web_url
        self.headers = dict(headers or {})
        self.timeout_s = timeout_s

    @classmethod
    def from_config(cls, config: NotifierConfig, *, env: Mapping[str, str]) -> Self:
        """A chat webhook from its redline.yaml entry, reading its URL from `env`."""
        url = _read_url(config, env, cls.name)
        headers = read_secret_headers(env, config.headers_env, field="notifications.headers_env")
        return cls(url=url, web_url=_web_url(config, env), headers=headers)

    def payload(self, notification: Notification) -> dict[str, Any]:
        """The JSON body this hook posts."""
        raise NotImplementedError

    def send(self, notification: Notification) -> None:
        """POST the rendered message; any answer but 2xx is a `NotificationError`."""
        post_json(
            self.url,
            self.payload(notification),
            label=f"{self.name} webhook",
            headers=self.headers,
            timeout_s=self.timeout_s,
        )


class SlackNotifier(_ChatNotifier):
    """A Slack-compatible incoming webhook (Slack, Mattermost, Rocket.Chat): `text` plus Block Kit."""

    name: ClassVar[str] = "slack"

    def payload(self, notification: Notification) -> dict[str, Any]:
        """The Slack message."""
        return slack_payload(notification, web_url=self.web_url)


class TeamsNotifier(_ChatNotifier):
    """A Microsoft Teams incoming webhook (or a Workflows webhook): an Adaptive Card message."""

    name: ClassVar[str] = "teams"

    def payload(self, notification: Notification) -> dict[str, Any]:
        """The Teams message."""
        return teams_payload(notification, web_url=self.web_url)


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


def subscribed(config: NotifierConfig, event: str) -> bool:
    """Whether a hook takes events of this kind (`events` lists it, or '*')."""
    return event in config.events or ALL_EVENTS in config.events


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
        if not subscribed(config, notification.event):
            continue
        try:
            build_notifier(config, env=env).send(notification)
        except (NotificationError, ConfigError) as exc:
            deliveries.append(Delivery(notifier=config.kind, ok=False, detail=str(exc)))
        else:
            deliveries.append(Delivery(notifier=config.kind, ok=True))
    return deliveries


def notify(
    settings: Settings,
    notification: Notification,
    *,
    store: Store | None = None,
    env: Mapping[str, str] | None = None,
    audit_subject: str | None = None,
) -> list[Delivery]:
    """The one way to tell the hooks about any event: dispatch it to the hooks subscribed to its kind,
    and with a store, audit each delivery (`notification.sent` / `notification.failed`).

    Call it after the state change it reports on is committed; it never raises for a hook that fails.
    """
    sent = dispatch(settings, notification, env=env)
    if sent and store is not None:
        with store.session() as session:
            for d in sent:
                audit.append(
                    session,
                    actor=settings.actor,
                    action="notification.sent" if d.ok else "notification.failed",
                    subject=audit_subject or notification.subject,
                    payload={"notifier": d.notifier, "event": notification.event, "detail": d.detail},
                )
    return sent
