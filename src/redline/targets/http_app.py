"""Red-team a deployed application over HTTP: a request template, a JSON path to the answer, sessions.

The request body is a JSON template. In its strings `{{prompt}}` becomes the latest user message,
`{{system}}` the system prompt and `{{session_id}}` the application's conversation id; a string that is
exactly `{{messages}}` becomes the whole conversation as a list of {role, content} objects.

Stateful applications keep the conversation on their side. With `session: cookies` each conversation
gets its own cookie jar; with `session: id` the id is read from the first reply (`session_id_path`) and
sent back in later turns. A later turn finds its session by the history it extends, so the engine can
send whole conversations as it does to any other target.
"""

from __future__ import annotations

import json
import re
from collections import OrderedDict
from dataclasses import dataclass, field, replace
from enum import StrEnum
from typing import Any, ClassVar, Self
from urllib.parse import quote, urlencode, urljoin

from pydantic import BaseModel, ConfigDict, Field, model_validator

from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, MessageRole, Response
from redline.core.secrets import redact_text
from redline.targets.base import Capabilities, TargetCapabilities, with_system_prompt
from redline.targets.http_pool import HttpFailure, HttpPool
from redline.targets.http_reply import read_reply
from redline.targets.json_path import compile_path, lookup
from redline.targets.preflight import PREFLIGHT_PROMPT, PreflightProblem, reply_problem, transport_problem
from redline.targets.spec import TargetSpec, parse_options, static_headers

_PLACEHOLDER = re.compile(r"\{\{\s*(prompt|system|session_id|messages)\s*\}\}")


class SessionMode(StrEnum):
    """How a stateful application tells conversations apart."""

    NONE = "none"
    COOKIES = "cookies"
    ID = "id"


class HttpMethod(StrEnum):
    """HTTP methods an application endpoint may take."""

    POST = "POST"
    PUT = "PUT"
    GET = "GET"


class HttpAppOptions(BaseModel):
    """Options of the `http-app` adapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    url: str = Field(description="Endpoint URL, absolute or relative to base_url.")
    method: HttpMethod = Field(default=HttpMethod.POST, description="HTTP method.")
    body: Any = Field(default={"prompt": "{{prompt}}"}, description="JSON body template (not sent with GET).")
    query: dict[str, str] = Field(default_factory=dict, description="Query parameters; placeholders allowed.")
    headers: dict[str, str] = Field(
        default_factory=dict, description="Non-secret headers (secrets: headers_env)."
    )
    answer_path: str = Field(description="JSON path to the answer text, e.g. 'choices.0.message.content'.")
    blocked_path: str | None = Field(
        default=None, description="JSON path to a flag the application sets when its own filter blocked."
    )
    session: SessionMode = Field(default=SessionMode.NONE, description="How to keep a conversation's state.")
    session_id_path: str | None = Field(default=None, description="JSON path to the conversation id.")
    timeout_s: float = Field(default=60.0, gt=0, description="Seconds before a request counts as timed out.")
    max_connections: int = Field(default=32, ge=1, description="Pooled connections to the application.")
    max_sessions: int = Field(default=10_000, ge=1, description="Conversations whose state is kept (LRU).")
    version: str | None = Field(default=None, description="Application version label for the identity.")

    @model_validator(mode="after")
    def _id_needs_path(self) -> Self:
        if self.session is SessionMode.ID and not self.session_id_path:
            raise ValueError("session 'id' needs session_id_path (where the reply carries the id)")
        return self


@dataclass
class _Session:
    cookies: dict[str, str] = field(default_factory=dict)
    session_id: str | None = None


def render(template: Any, values: dict[str, Any]) -> Any:
    """Fill placeholders in a JSON template; a string that is only a placeholder takes the value's type."""
    if isinstance(template, str):
        whole = _PLACEHOLDER.fullmatch(template)
        if whole:
            return values[whole.group(1)]
        return _PLACEHOLDER.sub(lambda m: _as_text(values[m.group(1)]), template)
    if isinstance(template, dict):
        return {k: render(v, values) for k, v in template.items()}
    if isinstance(template, list):
        return [render(v, values) for v in template]
    return template


def _as_text(value: Any) -> str:
    if value is None:
        return ""
    return value if isinstance(value, str) else json.dumps(value)


def _uses(template: Any, name: str) -> bool:
    return f"{{{{{name}}}}}" in re.sub(r"\{\{\s*(\w+)\s*\}\}", r"{{\1}}", json.dumps(template))


class HttpAppTarget:
    """A deployed application reached through its own HTTP API, described by a request template."""

    kind: ClassVar[str] = "http-app"
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(
        pool=HttpAppOptions.model_fields["max_connections"].default
    )

    def __init__(
        self,
        options: HttpAppOptions,
        *,
        name: str = "http-app",
        base_url: str | None = None,
        headers: dict[str, str] | None = None,
        system_prompt: str | None = None,
        model: str | None = None,
    ) -> None:
        self.name = name
        self.options = opts = options
        self._url = urljoin(base_url.rstrip("/") + "/", opts.url.lstrip("/")) if base_url else opts.url
        if not self._url.startswith(("http://", "https://")):
            raise ConfigError(f"target '{name}': url {self._url!r} must be absolute or set base_url")
        self._headers = {"Content-Type": "application/json", "Accept": "application/json"}
        self._headers.update(static_headers(opts.headers, where=f"target '{name}'"))
        self._secret_values = [v for v in (headers or {}).values() if v]
        self._headers.update(headers or {})
        self._system_prompt = system_prompt
        self._model = model
        self._answer = compile_path(opts.answer_path)
        self._blocked = compile_path(opts.blocked_path) if opts.blocked_path else None
        self._session_id = compile_path(opts.session_id_path) if opts.session_id_path else None
        self._sessions: OrderedDict[str, _Session] = OrderedDict()
        templates = [opts.body, opts.query, opts.url]
        self.capabilities = Capabilities(
            multi_turn=opts.session is not SessionMode.NONE or any(_uses(t, "messages") for t in templates),
            system_prompt=any(_uses(t, "system") or _uses(t, "messages") for t in templates),
        )
        self._pool = HttpPool(max_connections=opts.max_connections, timeout_s=opts.timeout_s)

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target; the template lives in `options`."""
        return cls(
            parse_options(HttpAppOptions, spec),
            name=spec.name,
            base_url=spec.config.base_url,
            headers=dict(spec.headers),
            system_prompt=spec.config.system_prompt,
            model=spec.config.model,
        )

    def identity(self) -> ModelIdentity:
        """The application's URL (or configured model name) and version label."""
        return ModelIdentity(provider=self.kind, name=self._model or self._url, version=self.options.version)

    def _history_key(self, conversation: Conversation) -> str | None:
        """Key of the session a conversation continues: the fingerprint of everything before its last turn."""
        msgs = conversation.messages
        if not msgs or msgs[-1].role is not MessageRole.USER or len(msgs) == 1:
            return None
        return Conversation(messages=msgs[:-1]).fingerprint()

    def _session_for(self, conversation: Conversation) -> _Session:
        key = self._history_key(conversation)
        found = self._sessions.get(key) if key is not None else None
        return found or _Session()

    def _keep(self, conversation: Conversation, answer: str, session: _Session) -> None:
        key = conversation.add(MessageRole.ASSISTANT, answer).fingerprint()
        self._sessions[key] = session
        while len(self._sessions) > self.options.max_sessions:
            self._sessions.popitem(last=False)

    async def preflight(self) -> PreflightProblem | None:
        """One request built from the template: None when the answer is found at `answer_path`."""
        url, body, headers = self._request(Conversation.of(PREFLIGHT_PROMPT), _Session())
        reply = await self._pool.request(self.options.method.value, url, body=body, headers=headers)
        shown = self._scrub(self._url)
        problem: PreflightProblem | None
        if isinstance(reply, HttpFailure):
            problem = transport_problem(reply, url=shown)
        else:
            problem = reply_problem(reply, url=shown, misread=self._misread)
        return None if problem is None else replace(problem, what=self._scrub(problem.what))

    def _misread(self, data: Any) -> str | None:
        if lookup(data, self._answer) is None:
            return f"with nothing at answer_path '{self.options.answer_path}'"
        return None

    def _request(
        self, conversation: Conversation, session: _Session
    ) -> tuple[str, bytes | None, dict[str, str]]:
        """The URL, body and headers of one request for a conversation."""
        opts = self.options
        convo = with_system_prompt(conversation, self._system_prompt)
        system = next((m.content for m in convo.messages if m.role is MessageRole.SYSTEM), "")
        values: dict[str, Any] = {
            "prompt": convo.last_user_text,
            "system": system,
            "session_id": session.session_id,
            "messages": [{"role": m.role.value, "content": m.content} for m in convo.messages],
        }
        url = _PLACEHOLDER.sub(lambda m: quote(_as_text(values[m.group(1)]), safe=""), self._url)
        if opts.query:
            url += ("&" if "?" in url else "?") + urlencode(render(opts.query, values))
        headers = self._headers
        if session.cookies:
            headers = {**headers, "Cookie": "; ".join(f"{k}={v}" for k, v in session.cookies.items())}
        body = None if opts.method is HttpMethod.GET else json.dumps(render(opts.body, values)).encode()
        return url, body, headers

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """One request built from the template; the answer is read at `answer_path`."""
        opts = self.options
        stateful = opts.session is not SessionMode.NONE
        session = self._session_for(conversation) if stateful else _Session()
        url, body, headers = self._request(conversation, session)
        reply = await self._pool.request(opts.method.value, url, body=body, headers=headers)
        read = read_reply(reply, name=self.name, scrub=self._scrub)
        if isinstance(read, Response):
            return read
        data, reply = read.data, read.reply
        answer = lookup(data, self._answer)
        if answer is None or not isinstance(answer, str | int | float):
            snippet = reply.body[:200].decode("utf-8", "replace")
            what = "nothing" if answer is None else type(answer).__name__
            return Response(
                error=ErrorKind.EMPTY if answer is None else ErrorKind.OTHER,
                error_detail=self._scrub(f"{self.name}: found {what} at '{opts.answer_path}' in {snippet}"),
                latency_ms=reply.latency_ms,
            )
        text = str(answer)
        blocked = bool(lookup(data, self._blocked)) if self._blocked else False
        if stateful:
            session.cookies.update(reply.cookies)
            if self._session_id is not None and session.session_id is None:
                found = lookup(data, self._session_id)
                session.session_id = None if found is None else str(found)
            self._keep(conversation, text, session)
        if not text.strip() and not blocked:
            return Response(
                text=text,
                error=ErrorKind.EMPTY,
                error_detail=f"{self.name} gave an empty answer",
                latency_ms=reply.latency_ms,
            )
        return Response(
            text=text,
            latency_ms=reply.latency_ms,
            blocked=blocked,
            blocked_by="application" if blocked else None,
        )

    def _scrub(self, detail: str) -> str:
        for secret in self._secret_values:
            detail = detail.replace(secret, "[redacted]")
        return redact_text(detail)

    async def aclose(self) -> None:
        """Close the connection pool and forget the sessions."""
        self._sessions.clear()
        await self._pool.aclose()
