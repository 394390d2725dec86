"""Production exchange sources: JSONL folders tailed with cursors, OpenTelemetry exports, SQL tables."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from opentelemetry.sdk.trace import TracerProvider
from opentelemetry.sdk.trace.export import ConsoleSpanExporter, SimpleSpanProcessor
from sqlalchemy import Column, DateTime, Integer, MetaData, Table, Text, create_engine, insert

from redline.config.settings import MonitoringConfig, Settings
from redline.core.errors import ConfigError, StoreError
from redline.core.runs.conversation import MessageRole
from redline.program.channels.monitor_sources import (
    JsonlSource,
    OtelSource,
    SourceBatch,
    SqlSource,
    build_sources,
)
from redline.program.register.monitoring import ProductionSample

# --- helpers ------------------------------------------------------------------------------------


def _line(n: int, **extra: Any) -> str:
    return json.dumps({"prompt": f"question {n}", "answer": f"answer {n}", "id": n, **extra}) + "\n"


def _append(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as fh:
        fh.write(text)


def _ids(batch: SourceBatch) -> list[str | None]:
    return [s.id for s in batch.samples]


def _texts(sample: ProductionSample) -> list[tuple[MessageRole, str]]:
    return [(m.role, m.content) for m in sample.messages]


def _ns(at: datetime) -> int:
    return int(at.timestamp()) * 1_000_000_000 + at.microsecond * 1000


# --- jsonl --------------------------------------------------------------------------------------


def test_a_folder_appended_to_over_time_yields_each_exchange_once(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    app = logs / "app.jsonl"
    app.write_text(_line(1) + _line(2) + '{"prompt": "question 3", "ans', encoding="utf-8")
    (logs / "notes.txt").write_text(_line(99), encoding="utf-8")  # outside the pattern
    source = JsonlSource("prod", logs, pattern="*.jsonl")

    first = source.read(None)
    assert _ids(first) == ["1", "2"]  # the partial third line waits
    assert first.skipped == ()
    assert source.read(first.cursor).samples == ()

    _append(app, 'wer": "answer 3", "id": 3}\n' + _line(4))
    second = source.read(first.cursor)
    assert _ids(second) == ["3", "4"]
    assert [m.content for m in second.samples[0].messages] == ["question 3", "answer 3"]

    # A second file appears; the first grows again.
    (logs / "other.jsonl").write_text(_line(5), encoding="utf-8")
    _append(app, _line(6))
    third = source.read(second.cursor)
    assert sorted(_ids(third), key=lambda x: int(x or 0)) == ["5", "6"]

    # Rotation: app.jsonl is renamed out of the pattern and a new app.jsonl started.
    _append(app, _line(7))
    app.rename(logs / "app.jsonl.1")
    app.write_text(_line(8), encoding="utf-8")
    fourth = source.read(third.cursor)
    assert _ids(fourth) == ["8"]  # 7 was written to the old file after the cursor: out of the pattern

    # Copy-and-truncate rotation: the same file is emptied and written again, past the old offset.
    app.write_text(_line(9) + _line(10), encoding="utf-8")
    fifth = source.read(fourth.cursor)
    assert _ids(fifth) == ["9", "10"]
    assert source.read(fifth.cursor).samples == ()


def test_a_renamed_file_goes_on_where_it_was(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "2026-01-01.jsonl").write_text(_line(1), encoding="utf-8")
    source = JsonlSource("prod", logs, pattern="*.jsonl")
    batch = source.read(None)
    assert _ids(batch) == ["1"]
    (logs / "2026-01-01.jsonl").rename(logs / "archived-2026-01-01.jsonl")
    _append(logs / "archived-2026-01-01.jsonl", _line(2))
    assert _ids(source.read(batch.cursor)) == ["2"]


def test_a_link_to_a_file_already_read_is_not_read_twice(tmp_path: Path) -> None:
    logs = tmp_path / "logs"
    logs.mkdir()
    (logs / "app.jsonl").write_text(_line(1), encoding="utf-8")
    (logs / "current.jsonl").symlink_to(logs / "app.jsonl")
    source = JsonlSource("prod", logs, pattern="*.jsonl")
    batch = source.read(None)
    assert _ids(batch) == ["1"]
    _append(logs / "app.jsonl", _line(2))
    assert _ids(source.read(batch.cursor)) == ["2"]


def test_limit_stops_mid_file_and_the_cursor_goes_on_from_there(tmp_path: Path) -> None:
    path = tmp_path / "prod.jsonl"
    path.write_text("".join(_line(n) for n in range(1, 8)), encoding="utf-8")
    source = JsonlSource("prod", path, pattern="*.jsonl")
    seen: list[str | None] = []
    cursor: str | None = None
    for _ in range(4):
        batch = source.read(cursor, limit=3)
        assert len(batch.samples) <= 3
        seen += _ids(batch)
        cursor = batch.cursor
    assert seen == [str(n) for n in range(1, 8)]


def test_bad_lines_are_skipped_with_file_and_line_and_never_stop_the_read(tmp_path: Path) -> None:
    path = tmp_path / "prod.jsonl"
    messages = {"messages": [{"role": "user", "content": "q"}, {"role": "user", "content": "q2"}]}
    path.write_text(
        _line(1)
        + "not json\n"
        + "\n"
        + json.dumps({"prompt": "only a prompt"})
        + "\n"
        + json.dumps(messages)
        + "\n"
        + json.dumps({"messages": [{"role": "robot", "content": "x"}, {"role": "assistant", "content": "y"}]})
        + "\n"
        + "[1, 2]\n"
        + "[" * 100_000
        + "\n",
        encoding="utf-8",
    )
    with path.open("ab") as fh:
        fh.write(b'{"prompt": "\xff\xfe", "answer": "a"}\n')
    _append(path, _line(2, timestamp="2026-03-01T12:30:00+02:00", system="be brief", threats=["T1"]))
    batch = JsonlSource("prod", path, pattern="*.jsonl").read(None)
    assert _ids(batch) == ["1", "2"]
    last = batch.samples[1]
    assert last.at == datetime(2026, 3, 1, 10, 30, tzinfo=UTC)
    assert last.threats == ("T1",)
    assert last.source == "prod"
    assert _texts(last)[0] == (MessageRole.SYSTEM, "be brief")
    reasons = list(batch.skipped)
    assert len(reasons) == 7
    assert reasons[0].startswith(f"{path}:2: not JSON")
    assert reasons[1] == f"{path}:4: no 'messages', and no 'prompt' with an 'answer' or 'completion'"
    assert reasons[2] == f"{path}:5: the last message must be the assistant's answer"
    assert reasons[3].startswith(f"{path}:6: field 'messages.0.role'")
    assert reasons[4] == f"{path}:7: expected a JSON object"
    assert reasons[5] == f"{path}:8: not JSON: nested too deeply"
    assert reasons[6] == f"{path}:9: not JSON: not UTF-8"
    assert all("\n" not in r for r in reasons)


def test_a_missing_path_is_a_one_line_error_naming_source_and_path(tmp_path: Path) -> None:
    missing = tmp_path / "nowhere"
    with pytest.raises(ConfigError) as err:
        JsonlSource("prod", missing, pattern="*.jsonl").read(None)
    assert str(err.value) == f"{missing}: source 'prod': no such file or folder"


def test_a_cursor_of_another_kind_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "prod.jsonl"
    path.write_text(_line(1), encoding="utf-8")
    cursor = JsonlSource("a", path, pattern="*").read(None).cursor
    with pytest.raises(ConfigError, match="source 'b': the cursor was not written by a otel source"):
        OtelSource("b", path, pattern="*").read(cursor)
    with pytest.raises(ConfigError, match="source 'a': the cursor was not written"):
        JsonlSource("a", path, pattern="*").read("garbage")


# --- OpenTelemetry ------------------------------------------------------------------------------

T0 = datetime(2026, 11, 2, 9, 15, 30, 250000, tzinfo=UTC)
T1 = datetime(2026, 11, 2, 9, 16, 0, tzinfo=UTC)
T2 = datetime(2026, 11, 2, 9, 17, 0, tzinfo=UTC)


def _sdk_spans(out: Any) -> TracerProvider:
    provider = TracerProvider()
    provider.add_span_processor(SimpleSpanProcessor(ConsoleSpanExporter(out=out)))
    return provider


def test_spans_written_by_the_opentelemetry_sdk_are_read_back_as_exchanges(tmp_path: Path) -> None:
    path = tmp_path / "spans.json"
    with path.open("w", encoding="utf-8") as out:
        provider = _sdk_spans(out)
        tracer = provider.get_tracer("app")

        # Events, as instrumentations following the GenAI conventions up to v1.36 emit them.
        span = tracer.start_span("chat model-a", start_time=_ns(T0))
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute("gen_ai.system", "openai")
        span.add_event("gen_ai.system.message", {"content": "You are a bank assistant."})
        span.add_event("gen_ai.user.message", {"content": "What is my balance?"})
        span.add_event(
            "gen_ai.choice",
            {"index": 0, "message": json.dumps({"role": "assistant", "content": "I can't see accounts."})},
        )
        span.end()
        events_ctx = span.get_span_context()

        # The newer span attributes: JSON arrays of {role, parts}.
        span = tracer.start_span("chat model-b", start_time=_ns(T1))
        span.set_attribute("gen_ai.operation.name", "chat")
        span.set_attribute(
            "gen_ai.system_instructions", json.dumps([{"type": "text", "content": "Be kind."}])
        )
        span.set_attribute(
            "gen_ai.input.messages",
            json.dumps(
                [
                    {"role": "user", "parts": [{"type": "text", "content": "Hello"}]},
                    {"role": "assistant", "parts": [{"type": "text", "content": "Hi!"}]},
                    {"role": "user", "parts": [{"type": "text", "content": "Tell me a joke"}]},
                ]
            ),
        )
        span.set_attribute(
            "gen_ai.output.messages",
            json.dumps(
                [
                    {
                        "role": "assistant",
                        "parts": [{"type": "text", "content": "Why did the span end? It was done."}],
                        "finish_reason": "stop",
                    }
                ]
            ),
        )
        span.end()

        # Not GenAI chat spans: ignored without a word.
        with tracer.start_as_current_span("GET /health"):
            pass
        with tracer.start_as_current_span("embeddings") as other:
            other.set_attribute("gen_ai.operation.name", "embeddings")
            other.set_attribute("gen_ai.prompt", "vectorise me")

        # A GenAI chat span that never got its answer.
        with tracer.start_as_current_span("chat model-c") as broken:
            broken.set_attribute("gen_ai.operation.name", "chat")
            broken.add_event("gen_ai.user.message", {"content": "Are you there?"})
            broken_id = broken.get_span_context().span_id

        out.flush()
        source = OtelSource("traces", tmp_path, pattern="*.json")
        first = source.read(None)

        # The legacy attributes, exported after the first read into the same open file.
        span = tracer.start_span("completion", start_time=_ns(T2))
        span.set_attribute("gen_ai.prompt", "Translate 'hello' to French")
        span.set_attribute("gen_ai.completion", "Bonjour")
        span.end()
        out.flush()
        second = source.read(first.cursor)
        provider.shutdown()

    assert [s.at for s in first.samples] == [T0, T1]
    a, b = first.samples
    assert a.id == f"{events_ctx.trace_id:032x}/{events_ctx.span_id:016x}"
    assert a.source == "traces"
    assert _texts(a) == [
        (MessageRole.SYSTEM, "You are a bank assistant."),
        (MessageRole.USER, "What is my balance?"),
        (MessageRole.ASSISTANT, "I can't see accounts."),
    ]
    assert _texts(b) == [
        (MessageRole.SYSTEM, "Be kind."),
        (MessageRole.USER, "Hello"),
        (MessageRole.ASSISTANT, "Hi!"),
        (MessageRole.USER, "Tell me a joke"),
        (MessageRole.ASSISTANT, "Why did the span end? It was done."),
    ]
    assert len(first.skipped) == 1
    assert first.skipped[0].startswith(f"{path}:")
    assert first.skipped[0].endswith(f"/{broken_id:016x}: GenAI span without a completion")

    assert [_texts(s) for s in second.samples] == [
        [(MessageRole.USER, "Translate 'hello' to French"), (MessageRole.ASSISTANT, "Bonjour")]
    ]
    assert second.samples[0].at == T2
    assert second.skipped == ()


def _kv(key: str, value: Any) -> dict[str, Any]:
    if isinstance(value, bool):
        return {"key": key, "value": {"boolValue": value}}
    if isinstance(value, int):
        return {"key": key, "value": {"intValue": str(value)}}
    return {"key": key, "value": {"stringValue": value}}


def _otlp_span(span_id: str, start: datetime, attrs: dict[str, Any], events: Any = ()) -> dict[str, Any]:
    return {
        "traceId": "5b8efff798038103d269b633813fc60c",
        "spanId": span_id,
        "name": "chat",
        "kind": 3,
        "startTimeUnixNano": str(_ns(start)),
        "endTimeUnixNano": str(_ns(start) + 1_000_000),
        "attributes": [_kv(k, v) for k, v in attrs.items()],
        "events": [
            {"timeUnixNano": str(_ns(start)), "name": name, "attributes": [_kv(k, v) for k, v in a.items()]}
            for name, a in events
        ],
    }


def _otlp_line(*spans: dict[str, Any]) -> str:
    doc = {
        "resourceSpans": [
            {
                "resource": {"attributes": [_kv("service.name", "chat-api")]},
                "scopeSpans": [{"scope": {"name": "genai"}, "spans": list(spans)}],
            }
        ]
    }
    return json.dumps(doc) + "\n"


def test_otlp_json_lines_are_read_and_tailed(tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    chat = {"gen_ai.operation.name": "chat"}
    path.write_text(
        _otlp_line(
            _otlp_span(
                "eee19b7ec3c1b174",
                T0,
                chat,
                [("gen_ai.user.message", {"content": "first?"}), ("gen_ai.choice", {"content": "one"})],
            ),
            _otlp_span(
                "eee19b7ec3c1b175",
                T1,
                {**chat, "gen_ai.prompt.0.role": "user", "gen_ai.prompt.0.content": "second?"}
                | {"gen_ai.completion.0.role": "assistant", "gen_ai.completion.0.content": "two"},
            ),
        )
        + '{"resourceSpans": [oops\n'
        + _otlp_line(_otlp_span("eee19b7ec3c1b176", T2, {"http.method": "GET"})),
        encoding="utf-8",
    )
    source = OtelSource("collector", path, pattern="*")
    first = source.read(None)
    assert [s.id for s in first.samples] == [
        "5b8efff798038103d269b633813fc60c/eee19b7ec3c1b174",
        "5b8efff798038103d269b633813fc60c/eee19b7ec3c1b175",
    ]
    assert [s.messages[-1].content for s in first.samples] == ["one", "two"]
    assert [s.at for s in first.samples] == [T0, T1]
    assert len(first.skipped) == 1
    assert first.skipped[0].startswith(f"{path}:2: not JSON")

    later = _otlp_line(
        _otlp_span(
            "eee19b7ec3c1b177",
            T2,
            {
                **chat,
                "gen_ai.input.messages": json.dumps(
                    [{"role": "user", "parts": [{"type": "text", "content": "third?"}]}]
                ),
                "gen_ai.output.messages": json.dumps(
                    [{"role": "assistant", "parts": [{"type": "text", "content": "three"}]}]
                ),
            },
        )
    )
    _append(path, later[:40])  # the collector is mid-write
    assert source.read(first.cursor).samples == ()
    _append(path, later[40:])
    second = source.read(first.cursor)
    assert [s.messages[-1].content for s in second.samples] == ["three"]
    assert source.read(second.cursor).samples == ()


def test_otel_limit_never_splits_an_exported_document(tmp_path: Path) -> None:
    path = tmp_path / "traces.jsonl"
    chat = {"gen_ai.operation.name": "chat"}
    spans = [
        _otlp_span(
            f"{n:016x}",
            T0,
            chat,
            [("gen_ai.user.message", {"content": f"q{n}"}), ("gen_ai.choice", {"content": f"a{n}"})],
        )
        for n in range(1, 6)
    ]
    path.write_text(_otlp_line(*spans[:2]) + _otlp_line(*spans[2:]), encoding="utf-8")
    source = OtelSource("collector", path, pattern="*")
    first = source.read(None, limit=3)
    assert [s.messages[-1].content for s in first.samples] == ["a1", "a2"]
    second = source.read(first.cursor, limit=3)
    assert [s.messages[-1].content for s in second.samples] == ["a3", "a4", "a5"]


# --- SQL ----------------------------------------------------------------------------------------


def _exchanges_table(url: str, *, messages: bool = False) -> Table:
    meta = MetaData()
    columns: list[Column[Any]] = [
        Column("exchange_id", Integer, primary_key=True),
        Column("answered_at", DateTime),
    ]
    if messages:
        columns.append(Column("conversation", Text))
    else:
        columns += [Column("question", Text), Column("reply", Text, nullable=True)]
    table = Table("exchanges", meta, *columns)
    engine = create_engine(url)
    meta.create_all(engine)
    engine.dispose()
    return table


def _insert(url: str, table: Table, rows: list[dict[str, Any]]) -> None:
    engine = create_engine(url)
    with engine.begin() as conn:
        conn.execute(insert(table), rows)
    engine.dispose()


def test_a_sql_table_is_read_in_pages_after_the_last_timestamp_and_id(db_url: str) -> None:
    table = _exchanges_table(db_url)
    noon = datetime(2026, 5, 1, 12, 0)
    _insert(
        db_url,
        table,
        [
            {"exchange_id": n, "answered_at": noon.replace(minute=n), "question": f"q{n}", "reply": f"a{n}"}
            for n in range(1, 6)
        ]
        + [{"exchange_id": 6, "answered_at": noon.replace(minute=6), "question": "q6", "reply": None}]
        + [{"exchange_id": 7, "answered_at": None, "question": "q7", "reply": "a7"}],
    )
    source = SqlSource(
        "db",
        db_url,
        table="exchanges",
        id_column="exchange_id",
        timestamp_column="answered_at",
        prompt_column="question",
        answer_column="reply",
        page_size=2,
        url_env="PROD_DB_URL",
    )
    first = source.read(None)
    assert _ids(first) == ["1", "2", "3", "4", "5"]
    assert first.samples[0].at == datetime(2026, 5, 1, 12, 1, tzinfo=UTC)
    assert [m.content for m in first.samples[4].messages] == ["q5", "a5"]
    assert first.skipped == ("exchanges row exchange_id=6: no prompt or no answer",)
    assert source.read(first.cursor).samples == ()

    # A row with the same time as the last one but a later id, and a later one.
    _insert(
        db_url,
        table,
        [
            {"exchange_id": 8, "answered_at": noon.replace(minute=6), "question": "q8", "reply": "a8"},
            {"exchange_id": 9, "answered_at": noon.replace(minute=9), "question": "q9", "reply": "a9"},
        ],
    )
    limited = source.read(first.cursor, limit=1)
    assert _ids(limited) == ["8"]
    assert _ids(source.read(limited.cursor)) == ["9"]


def test_a_sql_messages_column_holds_the_whole_conversation(db_url: str) -> None:
    table = _exchanges_table(db_url, messages=True)
    conversation = [
        {"role": "system", "content": "Answer briefly."},
        {"role": "user", "content": "Capital of France?"},
        {"role": "assistant", "content": "Paris."},
    ]
    _insert(
        db_url,
        table,
        [
            {"exchange_id": 1, "answered_at": datetime(2026, 5, 1), "conversation": json.dumps(conversation)},
            {"exchange_id": 2, "answered_at": datetime(2026, 5, 2), "conversation": "{not json"},
        ],
    )
    source = SqlSource(
        "db",
        db_url,
        table="exchanges",
        id_column="exchange_id",
        timestamp_column="answered_at",
        prompt_column=None,
        answer_column=None,
        messages_column="conversation",
    )
    batch = source.read(None)
    assert [_texts(s) for s in batch.samples] == [
        [(MessageRole(m["role"]), m["content"]) for m in conversation]
    ]
    assert batch.skipped == ("exchanges row exchange_id=2: column 'conversation' is not JSON",)


def _settings_with(workspace: Settings, *sources: dict[str, Any]) -> Settings:
    monitoring = MonitoringConfig.model_validate({"sources": list(sources)})
    config = workspace.config.model_copy(update={"monitoring": monitoring})
    return workspace.model_copy(update={"config": config})


def test_build_sources_resolves_paths_and_reads_the_url_from_the_environment(
    workspace: Settings, tmp_path: Path
) -> None:
    (workspace.workspace / "prod").mkdir()
    _append(workspace.workspace / "prod" / "a.jsonl", _line(1))
    url = f"sqlite:///{tmp_path / 'prod.db'}"
    table = _exchanges_table(url)
    _insert(db_url := url, table, [{"exchange_id": 1, "answered_at": T0, "question": "q", "reply": "a"}])
    settings = _settings_with(
        workspace,
        {"name": "files", "kind": "jsonl", "path": "prod"},
        {"name": "spans", "kind": "otel", "path": "prod", "pattern": "*.jsonl"},
        {
            "name": "db",
            "kind": "sql",
            "table": "exchanges",
            "url_env": "PROD_DB_URL",
            "id_column": "exchange_id",
            "timestamp_column": "answered_at",
            "prompt_column": "question",
            "answer_column": "reply",
        },
    )
    sources = build_sources(settings, env={"PROD_DB_URL": db_url})
    assert [s.name for s in sources] == ["files", "spans", "db"]
    assert [_ids(s.read(None)) for s in sources] == [["1"], [], ["1"]]

    with pytest.raises(ConfigError) as err:
        build_sources(settings, env={})
    assert str(err.value) == (
        f"{settings.config_path}: field 'monitoring.sources.2.url_env': "
        "source 'db': environment variable PROD_DB_URL is not set"
    )
    twice = _settings_with(
        workspace,
        {"name": "files", "kind": "jsonl", "path": "prod"},
        {"name": "files", "kind": "otel", "path": "prod"},
    )
    with pytest.raises(
        ConfigError, match=r"'monitoring\.sources\.1\.name': source name 'files' is used twice"
    ):
        build_sources(twice, env={})


def test_a_sql_source_defaults_to_the_workspace_database(workspace: Settings) -> None:
    table = _exchanges_table(workspace.database_url)
    _insert(
        workspace.database_url,
        table,
        [{"exchange_id": 1, "answered_at": T0, "question": "q", "reply": "a"}],
    )
    settings = _settings_with(
        workspace,
        {
            "name": "db",
            "kind": "sql",
            "table": "exchanges",
            "id_column": "exchange_id",
            "timestamp_column": "answered_at",
            "prompt_column": "question",
            "answer_column": "reply",
        },
    )
    (source,) = build_sources(settings, env={})
    assert _ids(source.read(None)) == ["1"]


def test_sql_errors_name_the_source_field_and_variable_never_the_url(db_url: str, tmp_path: Path) -> None:
    _exchanges_table(db_url)
    common: dict[str, Any] = {"url_env": "PROD_DB_URL", "field_prefix": "monitoring.sources.0."}
    with pytest.raises(ConfigError) as err:
        SqlSource("db", db_url, table="missing", **common).read(None)
    assert str(err.value) == (
        "field 'monitoring.sources.0.table': source 'db': no table or view 'missing' in the database in "
        "$PROD_DB_URL"
    )
    with pytest.raises(ConfigError) as err:
        SqlSource("db", db_url, table="exchanges", id_column="exchange_id", **common).read(None)
    assert str(err.value) == (
        "field 'monitoring.sources.0.timestamp_column': source 'db': table 'exchanges' has no column "
        "'timestamp'"
    )
    secret = "postgresql://reader:s3cr3t-pw@127.0.0.1:1/prod"
    with pytest.raises(StoreError) as failed:
        SqlSource("db", secret, table="exchanges", **common).read(None)
    message = str(failed.value)
    assert message.startswith("source 'db': cannot read the database in $PROD_DB_URL: ")
    assert "s3cr3t-pw" not in message
    assert secret not in message
    assert "\n" not in message
    with pytest.raises(ConfigError) as bad:
        SqlSource("db", "not a url s3cr3t", table="exchanges", **common).read(None)
    assert "s3cr3t" not in str(bad.value)
    assert "$PROD_DB_URL" in str(bad.value)
