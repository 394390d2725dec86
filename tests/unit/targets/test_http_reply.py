"""The one reading of an HTTP outcome that every HTTP adapter shares."""

from __future__ import annotations

import json
from typing import Any

from redline.core.runs.conversation import ErrorKind, Response
from redline.targets.http_pool import HttpFailure, HttpReply
from redline.targets.http_reply import HttpAnswer, read_reply

SECRET = "sk-secret-0123456789"


def _scrub(detail: str) -> str:
    return detail.replace(SECRET, "[redacted]")


def _reply(status: int, body: Any, headers: dict[str, str] | None = None) -> HttpReply:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()
    return HttpReply(status=status, headers=headers or {}, body=raw, latency_ms=12.5)


def test_a_transport_failure_is_an_error_response_without_its_secrets() -> None:
    failure = HttpFailure(ErrorKind.CONNECTION, f"cannot connect with key {SECRET}", 3.0, "refused")
    resp = read_reply(failure, name="api", scrub=_scrub)
    assert isinstance(resp, Response)
    assert resp.error is ErrorKind.CONNECTION and resp.latency_ms == 3.0
    assert resp.error_detail == "cannot connect with key [redacted]"


def test_a_content_filter_refusal_is_marked_as_blocked_by_the_provider() -> None:
    body = {"error": {"code": "content_filter", "message": "filtered"}}
    resp = read_reply(_reply(400, body), name="app", scrub=_scrub)
    assert isinstance(resp, Response)
    assert resp.error is ErrorKind.CONTENT_FILTER and resp.blocked and resp.blocked_by == "provider"
    assert resp.error_detail == "HTTP 400 from app: filtered"


def test_a_rate_limit_carries_its_wait_and_other_statuses_their_kind() -> None:
    limited = read_reply(_reply(429, {"error": "busy"}, {"retry-after": "2"}), name="a", scrub=_scrub)
    broken = read_reply(_reply(503, b"<html>down</html>", {"retry-after": "2"}), name="a", scrub=_scrub)
    assert isinstance(limited, Response) and isinstance(broken, Response)
    assert limited.error is ErrorKind.RATE_LIMIT and limited.retry_after_s == 2.0
    assert broken.error is ErrorKind.SERVER_ERROR and broken.retry_after_s is None
    assert not broken.blocked and broken.error_detail == "HTTP 503 from a: <html>down</html>"


def test_a_success_gives_its_json_or_none_for_a_malformed_body() -> None:
    ok = read_reply(_reply(200, {"answer": "hi"}), name="a", scrub=_scrub)
    garbled = read_reply(_reply(200, b"<html>not json"), name="a", scrub=_scrub)
    assert isinstance(ok, HttpAnswer) and ok.data == {"answer": "hi"} and ok.reply.status == 200
    assert isinstance(garbled, HttpAnswer) and garbled.data is None
