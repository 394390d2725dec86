"""The OpenAI chat shape shared by the HTTP adapter and llama.cpp: messages out, token log-probs in."""

from __future__ import annotations

from typing import Any

from redline.core.runs.conversation import Conversation, TokenLogprob


def to_messages(conversation: Conversation) -> list[dict[str, str]]:
    """Messages as chat APIs take them: [{"role": ..., "content": ...}]."""
    return [{"role": m.role.value, "content": m.content} for m in conversation.messages]


def parse_logprobs(raw: Any, *, top: int | None = None) -> tuple[TokenLogprob, ...] | None:
    """Token log-probs from {"content": [{token, logprob, top_logprobs}]}; `top` trims the alternatives."""
    if not isinstance(raw, dict):
        return None
    content = raw.get("content")
    if not isinstance(content, list):
        return None
    out = []
    for item in content:
        if not isinstance(item, dict):
            continue
        tops = item.get("top_logprobs") or ()
        if top is not None:
            tops = tops[:top]
        out.append(
            TokenLogprob(
                token=str(item.get("token", "")),
                logprob=float(item.get("logprob", 0.0)),
                top={str(t.get("token", "")): float(t.get("logprob", 0.0)) for t in tops},
            )
        )
    return tuple(out)
