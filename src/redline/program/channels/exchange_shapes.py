"""Production exchanges from the shapes sources hold them in: JSON records and OpenTelemetry GenAI spans.

Pure parsing, no I/O: `monitor_sources` reads the files and rows and hands each record here.

A JSON record is either the `ProductionSample` shape (`{"messages": [...], "id", "at", "threats"}`) or a
flat one: `{"prompt": ..., "answer" | "completion" | "response": ..., "id", "timestamp" | "at",
"system"}`.

A span follows the OpenTelemetry GenAI semantic conventions, in any of the forms instrumentations
have written over time: the span attributes `gen_ai.input.messages` / `gen_ai.output.messages` (and
`gen_ai.system_instructions`), or the same on a `gen_ai.client.inference.operation.details` event;
the events `gen_ai.system.message`, `gen_ai.user.message`, `gen_ai.assistant.message`,
`gen_ai.tool.message` and `gen_ai.choice`; the legacy attributes `gen_ai.prompt` / `gen_ai.completion`
(on the span or on `gen_ai.content.prompt` / `gen_ai.content.completion` events), flattened ones
(`gen_ai.prompt.0.content`) included.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from typing import Any

from pydantic import ValidationError

from redline.core.runs.conversation import Message, MessageRole
from redline.program.register.monitoring import ProductionSample

PROMPT_KEYS = ("prompt",)
ANSWER_KEYS = ("answer", "completion", "response")
TIME_KEYS = ("timestamp", "at", "time")
CHAT_OPERATIONS = frozenset({"chat", "text_completion", "generate_content"})
"""`gen_ai.operation.name` values of spans that hold one model exchange (agents and tools do not)."""
DETAILS_EVENT = "gen_ai.client.inference.operation.details"
MESSAGE_EVENTS = {
    "gen_ai.system.message": MessageRole.SYSTEM,
    "gen_ai.user.message": MessageRole.USER,
    "gen_ai.assistant.message": MessageRole.ASSISTANT,
    "gen_ai.tool.message": MessageRole.TOOL,
}
_ROLES = {
    "system": MessageRole.SYSTEM,
    "developer": MessageRole.SYSTEM,
    "user": MessageRole.USER,
    "human": MessageRole.USER,
    "assistant": MessageRole.ASSISTANT,
    "model": MessageRole.ASSISTANT,
    "ai": MessageRole.ASSISTANT,
    "tool": MessageRole.TOOL,
    "function": MessageRole.TOOL,
}
_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class RecordError(ValueError):
    """A record that holds no readable exchange; the message is one line."""


# --- JSON records -------------------------------------------------------------------------------


def sample_from_record(record: Any, *, source: str | None = None) -> ProductionSample:
    """The exchange in one JSON record (either shape); raises RecordError saying what is wrong."""
    if not isinstance(record, dict):
        raise RecordError("expected a JSON object")
    data = dict(record) if "messages" in record else _flat(record)
    data["source"] = source
    try:
        sample = ProductionSample.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(p) for p in err["loc"])
        raise RecordError(f"field '{where}': {err['msg']}" if where else err["msg"]) from None
    return _checked(sample)


def _flat(record: Mapping[str, Any]) -> dict[str, Any]:
    prompt = next((record[k] for k in PROMPT_KEYS if k in record), None)
    answer = next((record[k] for k in ANSWER_KEYS if k in record), None)
    if prompt is None or answer is None:
        raise RecordError("no 'messages', and no 'prompt' with an 'answer' or 'completion'")
    for key, value in (("prompt", prompt), ("answer", answer), ("system", record.get("system"))):
        if value is not None and not isinstance(value, str):
            raise RecordError(f"field '{key}': expected text")
    messages = [{"role": "user", "content": prompt}, {"role": "assistant", "content": answer}]
    if record.get("system"):
        messages.insert(0, {"role": "system", "content": record["system"]})
    data: dict[str, Any] = {"messages": messages}
    if record.get("id") is not None:
        data["id"] = str(record["id"])
    at = next((record[k] for k in TIME_KEYS if record.get(k) is not None), None)
    if at is not None:
        data["at"] = at
    if "threats" in record:
        data["threats"] = record["threats"]
    return data


def _checked(sample: ProductionSample) -> ProductionSample:
    if sample.messages[-1].role is not MessageRole.ASSISTANT:
        raise RecordError("the last message must be the assistant's answer")
    if sample.at is not None and sample.at.tzinfo is None:
        return sample.model_copy(update={"at": sample.at.replace(tzinfo=UTC)})
    return sample


# --- OpenTelemetry spans ------------------------------------------------------------------------


@dataclass(frozen=True)
class SpanRecord:
    """One exported span, whichever format it came in: ids, name, start time, attributes, events."""

    name: str
    trace_id: str | None = None
    span_id: str | None = None
    start: datetime | None = None
    attributes: Mapping[str, Any] = field(default_factory=dict)
    events: tuple[tuple[str, Mapping[str, Any]], ...] = ()

    @property
    def id(self) -> str | None:
        """`trace/span`, or whichever of the two is known."""
        parts = [p for p in (self.trace_id, self.span_id) if p]
        return "/".join(parts) or None


def span_records(value: Any) -> list[SpanRecord]:
    """The spans in one exported JSON value: a ConsoleSpanExporter span, an OTLP/JSON document or a list."""
    if isinstance(value, list):
        return [rec for item in value for rec in span_records(item)]
    if not isinstance(value, dict):
        return []
    if "resourceSpans" in value:
        return list(_otlp_spans(value))
    if "context" in value or "start_time" in value:
        return [_console_span(value)]
    return []


def _console_span(span: Mapping[str, Any]) -> SpanRecord:
    ctx = span.get("context") if isinstance(span.get("context"), dict) else {}
    assert isinstance(ctx, dict)
    events = tuple(
        (str(ev.get("name", "")), _as_dict(ev.get("attributes")))
        for ev in span.get("events") or ()
        if isinstance(ev, dict)
    )
    return SpanRecord(
        name=str(span.get("name", "")),
        trace_id=_hex_id(ctx.get("trace_id")),
        span_id=_hex_id(ctx.get("span_id")),
        start=_iso_time(span.get("start_time")),
        attributes=_as_dict(span.get("attributes")),
        events=events,
    )


def _otlp_spans(doc: Mapping[str, Any]) -> Iterable[SpanRecord]:
    for resource in _list(doc.get("resourceSpans")):
        for scope in _list(resource.get("scopeSpans") or resource.get("instrumentationLibrarySpans")):
            for span in _list(scope.get("spans")):
                events = tuple(
                    (str(ev.get("name", "")), _otlp_attributes(ev.get("attributes")))
                    for ev in _list(span.get("events"))
                )
                yield SpanRecord(
                    name=str(span.get("name", "")),
                    trace_id=_otlp_id(span.get("traceId")),
                    span_id=_otlp_id(span.get("spanId")),
                    start=_nanos_time(span.get("startTimeUnixNano")),
                    attributes=_otlp_attributes(span.get("attributes")),
                    events=events,
                )


def _list(value: Any) -> list[dict[str, Any]]:
    return [v for v in value if isinstance(v, dict)] if isinstance(value, list) else []


def _as_dict(value: Any) -> dict[str, Any]:
    return dict(value) if isinstance(value, dict) else {}


def _otlp_attributes(attrs: Any) -> dict[str, Any]:
    return {str(kv["key"]): _any_value(kv.get("value")) for kv in _list(attrs) if "key" in kv}


def _any_value(value: Any) -> Any:
    """An OTLP/JSON AnyValue as a plain Python value."""
    if not isinstance(value, dict):
        return value
    if "stringValue" in value:
        return value["stringValue"]
    if "boolValue" in value:
        return bool(value["boolValue"])
    if "intValue" in value:
        try:
            return int(value["intValue"])
        except (TypeError, ValueError):
            return value["intValue"]
    if "doubleValue" in value:
        return value["doubleValue"]
    if "arrayValue" in value:
        return [_any_value(v) for v in (value["arrayValue"] or {}).get("values") or ()]
    if "kvlistValue" in value:
        return _otlp_attributes((value["kvlistValue"] or {}).get("values"))
    if "bytesValue" in value:
        return value["bytesValue"]
    return None


def _hex_id(value: Any) -> str | None:
    if not isinstance(value, str) or not value:
        return None
    return value.removeprefix("0x").lower()


def _otlp_id(value: Any) -> str | None:
    """OTLP/JSON ids are hex; some exporters wrote protobuf's base64 instead."""
    if not isinstance(value, str) or not value:
        return None
    if all(c in "0123456789abcdefABCDEF" for c in value):
        return value.lower()
    try:
        return base64.b64decode(value, validate=True).hex()
    except ValueError:
        return value


def _iso_time(value: Any) -> datetime | None:
    if not isinstance(value, str):
        return None
    try:
        at = datetime.fromisoformat(value)
    except ValueError:
        return None
    return at if at.tzinfo else at.replace(tzinfo=UTC)


def _nanos_time(value: Any) -> datetime | None:
    try:
        nanos = int(value)
    except (TypeError, ValueError):
        return None
    return _EPOCH + timedelta(microseconds=nanos // 1000) if nanos > 0 else None


def span_sample(span: SpanRecord, *, source: str | None = None) -> ProductionSample | None:
    """The exchange a GenAI chat span records; None for any other span; RecordError when it lacks one."""
    attrs = span.attributes
    events = span.events
    operation = attrs.get("gen_ai.operation.name")
    if operation is None and not (
        any(k.startswith("gen_ai.") for k in attrs) or any(n.startswith("gen_ai.") for n, _ in events)
    ):
        return None
    if operation is not None and operation not in CHAT_OPERATIONS:
        return None
    details = _as_dict(next((a for n, a in events if n == DETAILS_EVENT), None))
    prompt = _prompt(attrs, details, events)
    answer = _answer(attrs, details, events)
    if answer is None:
        raise RecordError("GenAI span without a completion")
    if not any(m.role is not MessageRole.SYSTEM for m in prompt):
        raise RecordError("GenAI span without a prompt")
    try:
        return ProductionSample(
            id=span.id,
            messages=(*prompt, Message(role=MessageRole.ASSISTANT, content=answer)),
            at=span.start,
            source=source,
        )
    except ValidationError as exc:  # pragma: no cover - the messages are built valid above
        raise RecordError(exc.errors()[0]["msg"]) from None


def _prompt(
    attrs: Mapping[str, Any], details: Mapping[str, Any], events: Iterable[tuple[str, Mapping[str, Any]]]
) -> list[Message]:
    system = _first_key("gen_ai.system_instructions", attrs, details)
    inputs = _first_key("gen_ai.input.messages", attrs, details)
    if inputs is not None:
        messages = _messages(_json(inputs, "gen_ai.input.messages"))
        if system is not None:
            text = _text(_json(system, "gen_ai.system_instructions", text_ok=True))
            if text:
                messages.insert(0, Message(role=MessageRole.SYSTEM, content=text))
        return messages
    from_events = [
        Message(role=_role(a.get("role"), MESSAGE_EVENTS[name]), content=text)
        for name, a in events
        if name in MESSAGE_EVENTS and (text := _text(_json(a.get("content"), name, text_ok=True)))
    ]
    if from_events:
        return from_events
    legacy = _first_key("gen_ai.prompt", attrs, *(a for n, a in events if n == "gen_ai.content.prompt"))
    if legacy is not None:
        value = _json(legacy, "gen_ai.prompt", text_ok=True)
        if isinstance(value, str):
            return [Message(role=MessageRole.USER, content=value)] if value else []
        return _messages(value)
    return _messages(_flattened(attrs, "gen_ai.prompt"))


def _answer(
    attrs: Mapping[str, Any], details: Mapping[str, Any], events: Iterable[tuple[str, Mapping[str, Any]]]
) -> str | None:
    outputs = _first_key("gen_ai.output.messages", attrs, details)
    if outputs is not None:
        return _first_text(_messages(_json(outputs, "gen_ai.output.messages")))
    choices = sorted(
        ((a.get("index", 0), a) for n, a in events if n == "gen_ai.choice"),
        key=lambda pair: pair[0] if isinstance(pair[0], int) else 0,
    )
    for _, choice in choices:
        message = _json(choice.get("message"), "gen_ai.choice message", text_ok=True)
        text = _text(message.get("content") if isinstance(message, dict) else message)
        text = text or _text(_json(choice.get("content"), "gen_ai.choice content", text_ok=True))
        if text:
            return text
    legacy = _first_key(
        "gen_ai.completion", attrs, *(a for n, a in events if n == "gen_ai.content.completion")
    )
    if legacy is not None:
        value = _json(legacy, "gen_ai.completion", text_ok=True)
        if isinstance(value, str):
            return value or None
        return _first_text(_messages(value if isinstance(value, list) else [value]))
    return _first_text(_messages(_flattened(attrs, "gen_ai.completion")))


def _first_key(key: str, *where: Mapping[str, Any]) -> Any:
    return next((m[key] for m in where if m.get(key) is not None), None)


def _json(value: Any, what: str, *, text_ok: bool = False) -> Any:
    """A value that may be a JSON string (span attributes cannot nest); plain text kept when allowed."""
    if not isinstance(value, str):
        return value
    stripped = value.lstrip()
    if stripped[:1] in ("[", "{"):
        try:
            return json.loads(value)
        except ValueError:
            if not text_ok:
                raise RecordError(f"{what} is not JSON") from None
            return value
    if text_ok:
        return value
    raise RecordError(f"{what} is not a JSON array of messages")


def _messages(value: Any) -> list[Message]:
    """Messages from a list of {role, parts | content}; messages without text are left out."""
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return []
    out: list[Message] = []
    for item in value:
        if not isinstance(item, dict):
            continue
        text = _text(item.get("parts") if "parts" in item else item.get("content"))
        if text:
            out.append(Message(role=_role(item.get("role"), MessageRole.USER), content=text))
    return out


def _text(value: Any) -> str:
    """Text of a content value: a string, or parts ({type: text, content}) joined by blank lines."""
    if isinstance(value, str):
        return value
    if isinstance(value, dict):
        value = [value]
    if not isinstance(value, list):
        return ""
    texts: list[str] = []
    for part in value:
        if isinstance(part, str):
            texts.append(part)
        elif isinstance(part, dict) and part.get("type", "text") in ("text", "tool_call_response"):
            content = part.get("content", part.get("text", part.get("response")))
            if isinstance(content, str) and content:
                texts.append(content)
    return "\n\n".join(texts)


def _first_text(messages: list[Message]) -> str | None:
    chosen = next((m for m in messages if m.role is MessageRole.ASSISTANT), None)
    chosen = chosen or (messages[0] if messages else None)
    return chosen.content if chosen is not None else None


def _role(value: Any, default: MessageRole) -> MessageRole:
    return _ROLES.get(str(value).lower(), default) if value is not None else default


def _flattened(attrs: Mapping[str, Any], prefix: str) -> list[dict[str, Any]]:
    """`prefix.N.role` / `prefix.N.content` attributes as a list of messages, in N order."""
    found: dict[int, dict[str, Any]] = {}
    for key, value in attrs.items():
        rest = key.removeprefix(prefix + ".")
        if rest == key:
            continue
        index, _, name = rest.partition(".")
        if index.isdigit() and name in ("role", "content"):
            found.setdefault(int(index), {})[name] = value
    default_role = "assistant" if prefix.endswith("completion") else "user"
    return [{"role": default_role} | found[i] for i in sorted(found)]
