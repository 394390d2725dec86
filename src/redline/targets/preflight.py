"""Preflight: one small request before a round tells a target that answers from a wrong or dead address.

Adapters that talk HTTP implement `preflight()`: one request with `max_tokens` 1, never stored and
never counted as an attempt. It comes back as None (the target answers; a 429 counts as answering) or
as a `PreflightProblem`, which `preflight` turns into one line naming the target and the host:

- exit 3 (`TargetError`): the host could not be reached or failed: connection refused, DNS failure,
  timeout, TLS failure, connection dropped, HTTP 5xx;
- exit 2 (`ConfigError`): it answered, and the answer says the configuration is wrong: HTTP 401/403
  (the key), 404 (the path or the model), another 4xx (e.g. an unknown model), an HTML page, or JSON
  that is not what the adapter reads.

Other targets (local models, callables, replays) have nothing to check and pass.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Protocol, runtime_checkable

from yarl import URL

from redline.config import plugins
from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError, RedlineError, TargetError
from redline.targets.http_pool import HttpFailure, HttpReply, error_message
from redline.targets.registry import GROUP, target_from_config

PREFLIGHT_PROMPT = "Hi"
"""What the preflight request asks (with max_tokens 1)."""

_SNIPPET = 160


class Fix(StrEnum):
    """What the person should check, worded by `Hints` for the command they ran."""

    URL = "url"
    MODEL = "model"
    KEY = "key"


@dataclass(frozen=True)
class PreflightProblem:
    """Why a target cannot run a round, in words that follow its name: '<what>; check <fix>'."""

    what: str
    config: bool
    """True: the host answered and the configuration is wrong (exit 2); False: unreachable or failing."""
    fix: Fix | None = None


@runtime_checkable
class Preflightable(Protocol):
    """A target that can check, with one small request, that it is there and answers as expected."""

    async def preflight(self) -> PreflightProblem | None:
        """None when the target answers; otherwise what came back."""
        ...


@dataclass(frozen=True)
class Hints:
    """How the person sets the address, the model and the key, for the command they ran."""

    url: str
    model: str
    key: str

    @classmethod
    def scan(cls) -> Hints:
        """Hints for `redline scan`."""
        return cls(url="--url", model="--model", key="--api-key-env")

    @classmethod
    def workspace(cls, system: str) -> Hints:
        """Hints for a system declared in redline.yaml."""
        where = f"of system '{system}' in redline.yaml"
        return cls(url=f"base_url {where}", model=f"model {where}", key=f"api_key_env {where}")


def _short(text: str, limit: int = _SNIPPET) -> str:
    """One line of at most `limit` characters."""
    flat = " ".join(text.split())
    return flat if len(flat) <= limit else flat[: limit - 3] + "..."


def _where(url: str) -> str:
    parsed = URL(url)
    return f"{parsed.host}:{parsed.port}" if parsed.port else str(parsed.host)


def transport_problem(failure: HttpFailure, *, url: str) -> PreflightProblem:
    """A request that got no HTTP answer at all."""
    cause = failure.cause
    if cause == "refused":
        return PreflightProblem(
            f"{url} refused the connection (nothing listening on {_where(url)})", config=False, fix=Fix.URL
        )
    if cause == "dns":
        host = URL(url).host
        return PreflightProblem(
            f"{url}: host '{host}' not found (DNS lookup failed)", config=False, fix=Fix.URL
        )
    if cause == "timeout":
        return PreflightProblem(
            f"{url} gave no answer ({failure.detail}); is the server overloaded or still loading?",
            config=False,
            fix=Fix.URL,
        )
    if cause == "tls":
        return PreflightProblem(
            f"{url}: TLS failed ({_short(failure.detail)}); http or https?", config=False, fix=Fix.URL
        )
    if cause == "invalid_url":
        return PreflightProblem(f"{url} is not a valid URL", config=True, fix=Fix.URL)
    return PreflightProblem(f"{url}: {_short(failure.detail)}", config=False, fix=Fix.URL)


def _html_title(body: bytes) -> str | None:
    found = re.search(rb"<title[^>]*>(.*?)</title>", body[:20_000], re.IGNORECASE | re.DOTALL)
    return _short(found.group(1).decode("utf-8", "replace"), 60) if found else None


def _is_html(reply: HttpReply) -> bool:
    kind = str(reply.headers.get("Content-Type", "")).lower()
    return "html" in kind or reply.body.lstrip()[:1] == b"<"


def reply_problem(
    reply: HttpReply,
    *,
    url: str,
    misread: Callable[[Any], str | None],
    v1_base: str | None = None,
) -> PreflightProblem | None:
    """What is wrong with an HTTP answer to the preflight request, or None when it is usable.

    `misread(data)` says why a 2xx JSON body is not what the adapter reads (None: it is). `v1_base`,
    for OpenAI-compatible APIs, is the base URL; a 404 page then suggests one ending in /v1.
    """
    status = reply.status
    try:
        data = json.loads(reply.body) if reply.body else None
    except ValueError:
        data = None
    message = _short(error_message(data, reply.body)) if reply.body else "no body"
    if status in (401, 403):
        return PreflightProblem(f"{url} refused the credentials (HTTP {status}: {message})", True, Fix.KEY)
    if status == 429:
        return None  # it is there and answers; the round paces itself against rate limits
    if _is_html(reply) and data is None:
        if status == 404:
            return PreflightProblem(_not_found(url, v1_base), config=True, fix=Fix.URL)
        title = _html_title(reply.body)
        named = f", title '{title}'" if title else ""
        return PreflightProblem(
            f"{url} answered with an HTML page (HTTP {status}{named}), not a JSON API", True, Fix.URL
        )
    if status == 404:
        if isinstance(data, dict) and "model" in message.lower():
            return PreflightProblem(f"{url} answered HTTP 404: {message}", config=True, fix=Fix.MODEL)
        return PreflightProblem(_not_found(url, v1_base, message), config=True, fix=Fix.URL)
    if status >= 500:
        return PreflightProblem(
            f"{url} answered HTTP {status}: {message}; the server is up but failing", False
        )
    if status >= 400:
        fix = Fix.MODEL if "model" in message.lower() else None
        return PreflightProblem(f"{url} rejected the request (HTTP {status}: {message})", True, fix)
    if data is None:
        snippet = _short(reply.body.decode("utf-8", "replace")) or "an empty body"
        return PreflightProblem(
            f"{url} answered HTTP {status} with something that is not JSON: {snippet}", True, Fix.URL
        )
    complaint = misread(data)
    if complaint is not None:
        return PreflightProblem(
            f"{url} answered JSON {complaint}: {_short(reply.body.decode('utf-8', 'replace'))}", True, Fix.URL
        )
    return None


def _not_found(url: str, v1_base: str | None, message: str | None = None) -> str:
    what = f"{url} answered HTTP 404 (no such page{': ' + message if message else ''})"
    if v1_base is not None and not v1_base.rstrip("/").endswith("/v1"):
        what += f"; the base URL of an OpenAI-compatible API usually ends in /v1 ({v1_base.rstrip('/')}/v1)"
    return what


def not_a_chat_completion(data: Any) -> str | None:
    """Why an OpenAI-compatible answer is not a chat completion, or None when it is one."""
    if isinstance(data, dict) and isinstance(data.get("choices"), list):
        return None
    return "that is not a chat completion (no 'choices')"


def key_variables(config: TargetConfig) -> list[str]:
    """The environment variables a target's credentials come from (its own, else its inner target's)."""
    names = [v for v in (config.api_key_env, *config.headers_env.values()) if v]
    inner = _inner(config)
    return names if names or inner is None else key_variables(inner)


def problem_error(problem: PreflightProblem, *, name: str, hints: Hints, key_vars: list[str]) -> RedlineError:
    """The one-line error for a problem: the target's name, what came back, and what to check."""
    text = f"target '{name}': {problem.what}"
    if problem.fix is Fix.URL:
        text += f"; check {hints.url}"
    elif problem.fix is Fix.MODEL:
        text += f"; check {hints.model}"
    elif problem.fix is Fix.KEY:
        if key_vars:
            text += f"; check the key in {' / '.join(key_vars)}"
        else:
            text += f"; no key was sent: name the environment variable holding it with {hints.key}"
    if not problem.config:
        text += " (skip this check with --no-preflight)"
    return ConfigError(text) if problem.config else TargetError(text)


def _inner(config: TargetConfig) -> TargetConfig | None:
    """The model behind a guarded application, when the configuration is readable."""
    if config.kind != "guarded" or not isinstance(config.options.get("inner"), dict):
        return None
    try:
        return TargetConfig.model_validate(config.options["inner"])
    except ValueError:
        return None  # building the round's target reports it


async def preflight(config: TargetConfig, *, name: str, env: Mapping[str, str], hints: Hints) -> None:
    """Check that the target answers before a round starts; raise a one-line error when it does not.

    A guarded application is checked through the model behind it. Targets without a preflight pass,
    and are not built here (a local model would be loaded twice).
    """
    checked = _inner(config) or config
    factory = plugins.load(GROUP, checked.kind)
    if not callable(getattr(factory, "preflight", None)):
        return
    target = target_from_config(checked, env=env, name=name)
    try:
        problem = await target.preflight() if isinstance(target, Preflightable) else None
    finally:
        await target.aclose()
    if problem is not None:
        raise problem_error(problem, name=name, hints=hints, key_vars=key_variables(config))
