"""One reading of an HTTP outcome for every HTTP adapter: failures and error statuses become Responses.

A transport failure, an error status (a rate limit with the wait the server asked for) and a provider's
content-filter refusal (marked as blocked by the provider) come back as an error `Response`; a
successful reply comes back as its parsed JSON for the adapter to read the answer from.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redline.core.runs.conversation import ErrorKind, Response
from redline.targets.http_pool import (
    HttpFailure,
    HttpReply,
    error_message,
    is_content_filter_error,
    retry_after_s,
    status_kind,
)


@dataclass(frozen=True, slots=True)
class HttpAnswer:
    """A successful reply: its JSON (None when the body is empty or not JSON) and the reply itself."""

    data: Any
    reply: HttpReply


def read_reply(
    reply: HttpReply | HttpFailure, *, name: str, scrub: Callable[[str], str]
) -> Response | HttpAnswer:
    """The error Response an outcome means, or the parsed successful reply.

    `name` is the target's name in error details; `scrub` removes its secrets from them.
    """
    if isinstance(reply, HttpFailure):
        return Response(error=reply.kind, error_detail=scrub(reply.detail), latency_ms=reply.latency_ms)
    try:
        data = json.loads(reply.body) if reply.body else None
    except ValueError:
        data = None
    kind = status_kind(reply.status)
    if kind is None:
        return HttpAnswer(data=data, reply=reply)
    filtered = is_content_filter_error(data)
    detail = f"HTTP {reply.status} from {name}: {error_message(data, reply.body)}"
    return Response(
        error=ErrorKind.CONTENT_FILTER if filtered else kind,
        error_detail=scrub(detail),
        blocked=filtered,
        blocked_by="provider" if filtered else None,
        latency_ms=reply.latency_ms,
        retry_after_s=retry_after_s(reply.headers) if kind is ErrorKind.RATE_LIMIT else None,
    )
