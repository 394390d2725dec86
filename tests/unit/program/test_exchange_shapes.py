"""Exchanges from JSON records and OpenTelemetry GenAI spans; the monitoring source configuration."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from redline.config.settings import MonitorSourceConfig, WorkspaceConfig
from redline.config.yamlio import load_model
from redline.core.errors import ConfigError
from redline.program.channels.exchange_shapes import (
    RecordError,
    SpanRecord,
    sample_from_record,
    span_records,
    span_sample,
)
from redline.program.register.monitoring import ProductionSample


def _pairs(sample: ProductionSample | None) -> list[tuple[str, str]]:
    assert sample is not None
    return [(m.role.value, m.content) for m in sample.messages]


# --- JSON records -------------------------------------------------------------------------------


def test_the_production_sample_shape_is_read_as_is() -> None:
    record = {
        "id": "c-1",
        "messages": [{"role": "user", "content": "hi"}, {"role": "assistant", "content": "hello"}],
        "threats": ["T1"],
        "at": "2026-01-02T03:04:05Z",
        "source": "ignored",
    }
    sample = sample_from_record(record, source="prod")
    assert sample.id == "c-1"
    assert sample.threats == ("T1",)
    assert sample.at == datetime(2026, 1, 2, 3, 4, 5, tzinfo=UTC)
    assert sample.source == "prod"


@pytest.mark.parametrize("answer_key", ["answer", "completion", "response"])
def test_the_flat_shape_takes_prompt_and_any_answer_key(answer_key: str) -> None:
    sample = sample_from_record({"prompt": "p", answer_key: "a", "id": 7, "timestamp": 1_767_225_600})
    assert _pairs(sample) == [("user", "p"), ("assistant", "a")]
    assert sample.id == "7"
    assert sample.at == datetime(2026, 1, 1, tzinfo=UTC)


def test_naive_times_are_taken_as_utc() -> None:
    sample = sample_from_record({"prompt": "p", "answer": "a", "at": "2026-01-01T10:00:00"})
    assert sample.at == datetime(2026, 1, 1, 10, tzinfo=UTC)


@pytest.mark.parametrize(
    ("record", "reason"),
    [
        ("text", "expected a JSON object"),
        ({"prompt": "p"}, "no 'messages', and no 'prompt' with an 'answer' or 'completion'"),
        ({"prompt": 3, "answer": "a"}, "field 'prompt': expected text"),
        ({"messages": []}, "field 'messages': Tuple should have at least 2 items after validation, not 0"),
        (
            {"messages": [{"role": "assistant", "content": "a"}, {"role": "user", "content": "u"}]},
            "the last message must be the assistant's answer",
        ),
        ({"prompt": "p", "answer": "a", "timestamp": "yesterday"}, "field 'at': "),
    ],
)
def test_records_without_an_exchange_say_why_in_one_line(record: Any, reason: str) -> None:
    with pytest.raises(RecordError) as err:
        sample_from_record(record)
    assert str(err.value).startswith(reason)
    assert "\n" not in str(err.value)


# --- spans --------------------------------------------------------------------------------------


def _span(attrs: dict[str, Any], events: tuple[tuple[str, dict[str, Any]], ...] = ()) -> SpanRecord:
    return SpanRecord(name="s", trace_id="ab", span_id="cd", attributes=attrs, events=events)


def test_spans_that_are_not_genai_chat_are_ignored() -> None:
    assert span_sample(_span({"http.method": "GET"})) is None
    assert span_sample(_span({"gen_ai.operation.name": "embeddings", "gen_ai.prompt": "x"})) is None
    assert span_sample(_span({"gen_ai.operation.name": "execute_tool"})) is None


def test_message_events_and_choice_content() -> None:
    sample = span_sample(
        _span(
            {"gen_ai.operation.name": "chat"},
            (
                ("gen_ai.user.message", {"content": "q1"}),
                ("gen_ai.assistant.message", {"content": "a1"}),
                ("gen_ai.tool.message", {"content": "tool said"}),
                ("gen_ai.user.message", {"content": "q2"}),
                ("gen_ai.choice", {"index": 1, "content": "second choice"}),
                ("gen_ai.choice", {"index": 0, "message": {"role": "assistant", "content": "a2"}}),
            ),
        )
    )
    assert _pairs(sample) == [
        ("user", "q1"),
        ("assistant", "a1"),
        ("tool", "tool said"),
        ("user", "q2"),
        ("assistant", "a2"),
    ]
    assert sample is not None and sample.id == "ab/cd"


def test_input_and_output_messages_on_the_details_event() -> None:
    details = {
        "gen_ai.input.messages": [
            {"role": "user", "parts": [{"type": "text", "content": "look"}, {"type": "image", "uri": "x"}]}
        ],
        "gen_ai.output.messages": [
            {"role": "assistant", "parts": [{"type": "tool_call", "name": "f"}]},
            {"role": "assistant", "parts": [{"type": "text", "content": "seen"}]},
        ],
    }
    sample = span_sample(
        _span({"gen_ai.operation.name": "chat"}, (("gen_ai.client.inference.operation.details", details),))
    )
    assert _pairs(sample) == [("user", "look"), ("assistant", "seen")]


def test_roles_are_read_as_instrumentations_spell_them() -> None:
    messages = [
        {"role": "Human", "parts": [{"type": "text", "content": "hello world"}]},
        {"role": "developer", "parts": [{"type": "text", "content": "be terse"}]},
    ]
    output = [{"role": "AI", "parts": [{"content": "hello back", "type": "text"}], "finish_reason": "stop"}]
    sample = span_sample(
        _span({"gen_ai.input.messages": json.dumps(messages), "gen_ai.output.messages": json.dumps(output)})
    )
    assert _pairs(sample) == [("user", "hello world"), ("system", "be terse"), ("assistant", "hello back")]


def test_legacy_prompt_and_completion_as_json_messages() -> None:
    sample = span_sample(
        _span(
            {
                "gen_ai.prompt": json.dumps(
                    [{"role": "system", "content": "s"}, {"role": "user", "content": "u"}]
                ),
                "gen_ai.completion": json.dumps([{"role": "assistant", "content": "c"}]),
            }
        )
    )
    assert _pairs(sample) == [("system", "s"), ("user", "u"), ("assistant", "c")]


def test_legacy_prompt_on_content_events() -> None:
    sample = span_sample(
        _span(
            {"gen_ai.system": "openai"},
            (
                ("gen_ai.content.prompt", {"gen_ai.prompt": "plain question"}),
                ("gen_ai.content.completion", {"gen_ai.completion": "plain answer"}),
            ),
        )
    )
    assert _pairs(sample) == [("user", "plain question"), ("assistant", "plain answer")]


@pytest.mark.parametrize(
    ("attrs", "reason"),
    [
        ({"gen_ai.operation.name": "chat", "gen_ai.prompt": "q"}, "GenAI span without a completion"),
        ({"gen_ai.operation.name": "chat", "gen_ai.completion": "a"}, "GenAI span without a prompt"),
        (
            {"gen_ai.input.messages": "[not json", "gen_ai.output.messages": "[]"},
            "gen_ai.input.messages is not JSON",
        ),
        (
            {"gen_ai.input.messages": "hello", "gen_ai.completion": "a"},
            "gen_ai.input.messages is not a JSON array of messages",
        ),
    ],
)
def test_genai_spans_without_an_exchange_are_errors(attrs: dict[str, Any], reason: str) -> None:
    with pytest.raises(RecordError, match=reason):
        span_sample(_span(attrs))


def test_span_records_from_each_export_format() -> None:
    console = {
        "name": "chat",
        "context": {"trace_id": "0xAB", "span_id": "0xCD"},
        "start_time": "2026-01-01T00:00:00.500000Z",
        "attributes": {"gen_ai.operation.name": "chat"},
        "events": [{"name": "gen_ai.user.message", "attributes": {"content": "q"}}],
    }
    (rec,) = span_records(console)
    assert (rec.trace_id, rec.span_id) == ("ab", "cd")
    assert rec.start == datetime(2026, 1, 1, 0, 0, 0, 500000, tzinfo=UTC)
    assert rec.events == (("gen_ai.user.message", {"content": "q"}),)

    otlp = {
        "resourceSpans": [
            {
                "scopeSpans": [
                    {
                        "spans": [
                            {
                                "traceId": "W47/95gDgQPSabYzgT/GDA==",
                                "spanId": "eee19b7ec3c1b174",
                                "startTimeUnixNano": "1767225600000000000",
                                "attributes": [
                                    {"key": "n", "value": {"intValue": "3"}},
                                    {"key": "l", "value": {"arrayValue": {"values": [{"stringValue": "x"}]}}},
                                    {
                                        "key": "m",
                                        "value": {
                                            "kvlistValue": {
                                                "values": [{"key": "k", "value": {"boolValue": True}}]
                                            }
                                        },
                                    },
                                ],
                            }
                        ]
                    }
                ]
            }
        ]
    }
    (rec,) = span_records(otlp)
    assert rec.trace_id == "5b8efff798038103d269b633813fc60c"  # base64 ids turned to hex
    assert rec.start == datetime(2026, 1, 1, tzinfo=UTC)
    assert rec.attributes == {"n": 3, "l": ["x"], "m": {"k": True}}
    assert span_records([console, console]) != []
    assert span_records({"something": "else"}) == []
    assert span_records(3) == []


# --- configuration ------------------------------------------------------------------------------


def test_a_sql_source_needs_a_valid_table_and_columns() -> None:
    cfg = MonitorSourceConfig(name="db", kind="sql", table="analytics.exchanges", url_env="PROD_DB")
    assert (cfg.prompt_column, cfg.answer_column, cfg.page_size) == ("prompt", "answer", 1000)
    MonitorSourceConfig(name="db", kind="sql", table="t", prompt_column=None, messages_column="conv")


@pytest.mark.parametrize(
    ("source", "field", "message"),
    [
        (
            {"kind": "jsonl"},
            "monitoring.sources.0",
            "'path' is needed: a jsonl source reads a file or folder",
        ),
        ({"kind": "sql"}, "monitoring.sources.0", "'table' is needed: a sql source reads a table or view"),
        (
            {"kind": "sql", "table": "t; drop table x"},
            "monitoring.sources.0.table",
            "Value error, must be a table or view name",
        ),
        (
            {"kind": "sql", "table": "t", "prompt_column": "a b"},
            "monitoring.sources.0.prompt_column",
            "Value error, must be a column name",
        ),
        (
            {"kind": "sql", "table": "t", "url_env": "postgresql://u:p@h/db"},
            "monitoring.sources.0.url_env",
            "Value error, must be the name of an environment variable, not the URL itself",
        ),
        (
            {"kind": "sql", "table": "t", "answer_column": None},
            "monitoring.sources.0",
            "give 'messages_column', or both 'prompt_column' and 'answer_column'",
        ),
        (
            {"kind": "otel", "path": "traces", "table": "t"},
            "monitoring.sources.0",
            "'table' is not used by a otel source",
        ),
        ({"kind": "sql", "table": "t", "path": "x"}, "monitoring.sources.0", "'path' is not used by a sql"),
    ],
)
def test_bad_source_configuration_names_the_field(
    tmp_path: Path, source: dict[str, Any], field: str, message: str
) -> None:
    path = tmp_path / "redline.yaml"
    path.write_text(
        "name: p\nmonitoring:\n  sources:\n    - " + json.dumps({"name": "s", **source}) + "\n",
        encoding="utf-8",
    )
    with pytest.raises(ConfigError) as err:
        load_model(path, WorkspaceConfig)
    assert str(err.value).startswith(f"{path}:4: field '{field}': {message}")
