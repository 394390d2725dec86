"""Where `redline monitor run` reads production exchanges from: JSONL files, OpenTelemetry exports, SQL.

Every source is read with a cursor: `read(None)` returns what is there now and a cursor; passing that
cursor back returns only what came after it, so a scheduled run sees each exchange once. Cursors are
opaque strings (the caller stores them). Records that cannot be read are reported in `skipped`, one
line each naming the file and line (or the row), and never stop a run.

- `jsonl`: a file, or a folder of files matching `pattern`, being appended to. The cursor keeps each
  file's byte offset and identity (device, inode and a hash of its first bytes), so a rotated or
  truncated file is read again from the start and a renamed one goes on where it was. A last line
  without its newline is left for the next read.
- `otel`: files of exported OpenTelemetry spans (GenAI semantic conventions), either the pretty-printed
  objects the Python SDK's `ConsoleSpanExporter` writes or OTLP/JSON lines (`{"resourceSpans": ...}`,
  as the Collector's file exporter writes), tailed the same way.
- `sql`: a table or view, in the workspace database or the one whose URL is in `url_env`; read in pages
  ordered by (timestamp, id), the cursor being the last pair seen.
"""

from __future__ import annotations

import gc
import hashlib
import json
import os
from abc import ABC, abstractmethod
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any, BinaryIO, Protocol

from pydantic import BaseModel, ConfigDict, Field
from sqlalchemy import Column, MetaData, String, Table, and_, create_engine, or_, select, type_coerce
from sqlalchemy.engine import Connection, Engine, make_url
from sqlalchemy.exc import ArgumentError, NoSuchTableError, SQLAlchemyError

from redline.config.settings import MonitorSourceConfig, Settings
from redline.core.errors import ConfigError, StoreError
from redline.core.secrets import REDACTED, redact_text
from redline.program.channels.exchange_shapes import (
    RecordError,
    sample_from_record,
    span_records,
    span_sample,
)
from redline.program.register.monitoring import ProductionSample

CURSOR_VERSION = 1
HEAD_BYTES = 1024
"""How many leading bytes of a file identify it (with device and inode) in a cursor."""
DEFAULT_PATTERNS = {"jsonl": "*.jsonl", "otel": "*.json*"}


class SourceBatch(BaseModel):
    """What one read of a source gave: the samples, the cursor to read on from, what could not be read."""

    model_config = ConfigDict(frozen=True)

    samples: tuple[ProductionSample, ...] = ()
    cursor: str | None = Field(description="Opaque; passed back to read(), only newer exchanges come.")
    skipped: tuple[str, ...] = Field(default=(), description="One line per record that could not be read.")


class ExchangeSource(Protocol):
    """A place production exchanges are read from."""

    name: str

    def read(self, cursor: str | None, *, limit: int | None = None) -> SourceBatch:
        """Exchanges after `cursor` (all of them for None), at most `limit`."""
        ...


def build_sources(settings: Settings, *, env: Mapping[str, str] | None = None) -> list[ExchangeSource]:
    """The sources `redline.yaml` names under monitoring.sources, in order."""
    env = os.environ if env is None else env
    seen: set[str] = set()
    sources: list[ExchangeSource] = []
    for index, cfg in enumerate(settings.config.monitoring.sources):
        if cfg.name in seen:
            raise ConfigError(
                f"source name '{cfg.name}' is used twice",
                file=str(settings.config_path),
                field=f"monitoring.sources.{index}.name",
            )
        seen.add(cfg.name)
        sources.append(build_source(cfg, settings, env=env, index=index))
    return sources


def build_source(
    cfg: MonitorSourceConfig, settings: Settings, *, env: Mapping[str, str], index: int = 0
) -> ExchangeSource:
    """One source from its configuration; paths are workspace-relative."""
    if cfg.kind == "sql":
        return SqlSource.from_config(cfg, settings, env=env, index=index)
    assert cfg.path is not None  # MonitorSourceConfig requires it for file kinds
    path = Path(cfg.path).expanduser()
    path = path if path.is_absolute() else settings.workspace / path
    pattern = cfg.pattern or DEFAULT_PATTERNS[cfg.kind]
    if cfg.kind == "otel":
        return OtelSource(cfg.name, path, pattern=pattern)
    return JsonlSource(cfg.name, path, pattern=pattern)


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Cyclic garbage collection held off while a batch is built.

    A read builds a great many small acyclic objects (a sample and its messages per exchange), and
    each collection walks all that were already built: with it on, reading 100,000 exchanges took
    about three times as long.
    """
    was = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was:
            gc.enable()


# --- file tailing -------------------------------------------------------------------------------


@dataclass
class _Mark:
    """How far one file has been read: its identity and the byte offset and line number reached."""

    path: str
    dev: int
    ino: int
    head: str
    size: int
    offset: int
    line: int

    def dump(self) -> dict[str, Any]:
        return {
            "p": self.path,
            "d": self.dev,
            "i": self.ino,
            "h": self.head,
            "k": self.size,
            "o": self.offset,
            "l": self.line,
        }

    @classmethod
    def load(cls, raw: Any) -> _Mark:
        return cls(
            path=str(raw["p"]),
            dev=int(raw["d"]),
            ino=int(raw["i"]),
            head=str(raw["h"]),
            size=int(raw["k"]),
            offset=int(raw["o"]),
            line=int(raw["l"]),
        )


def _head_hash(fh: BinaryIO, size: int) -> str:
    fh.seek(0)
    return hashlib.sha256(fh.read(size)).hexdigest()[:32]


def _load_marks(name: str, cursor: str | None, kind: str) -> dict[tuple[int, int], _Mark]:
    if cursor is None:
        return {}
    try:
        data = json.loads(cursor)
        if data.get("v") != CURSOR_VERSION or data.get("kind") != kind:
            raise ValueError("not this kind")
        marks = [_Mark.load(m) for m in data["files"]]
    except (ValueError, KeyError, TypeError, AttributeError):
        raise ConfigError(f"source '{name}': the cursor was not written by a {kind} source") from None
    return {(m.dev, m.ino): m for m in marks}


def _dump_marks(kind: str, marks: list[_Mark]) -> str:
    files = [m.dump() for m in sorted(marks, key=lambda m: m.path)]
    return json.dumps({"v": CURSOR_VERSION, "kind": kind, "files": files}, separators=(",", ":"))


class _FileSource(ABC):
    """A file or a folder of files, read on from per-file byte offsets."""

    kind = ""

    def __init__(self, name: str, path: Path, *, pattern: str) -> None:
        self.name = name
        self.path = path
        self.pattern = pattern

    def files(self) -> list[Path]:
        """The files to read, oldest first (by modification time, then name)."""
        if self.path.is_file():
            return [self.path]
        if not self.path.is_dir():
            raise ConfigError(f"source '{self.name}': no such file or folder", file=str(self.path))
        found: list[tuple[float, str, Path]] = []
        for candidate in self.path.glob(self.pattern):
            try:
                if candidate.is_file():
                    found.append((candidate.stat().st_mtime, str(candidate), candidate))
            except OSError:
                continue  # removed between glob and stat
        return [p for _, _, p in sorted(found)]

    def read(self, cursor: str | None, *, limit: int | None = None) -> SourceBatch:
        """Complete records after the cursor, at most `limit` samples."""
        if limit is not None and limit < 0:
            raise ValueError("limit must be >= 0")
        marks = _load_marks(self.name, cursor, self.kind)
        with _gc_paused():
            return self._read_all(marks, limit)

    def _read_all(self, marks: Mapping[tuple[int, int], _Mark], limit: int | None) -> SourceBatch:
        samples: list[ProductionSample] = []
        skipped: list[str] = []
        reached: list[_Mark] = []
        opened: set[tuple[int, int]] = set()
        for path in self.files():
            try:
                fh = path.open("rb")
            except OSError as exc:
                skipped.append(f"{path}: cannot read: {exc.strerror or exc}")
                # Kept, so the file goes on where it was once it can be read again.
                reached += [m for m in marks.values() if m.path == str(path)]
                continue
            with fh:
                st = os.fstat(fh.fileno())
                if (st.st_dev, st.st_ino) in opened:
                    continue  # a link to a file already read
                opened.add((st.st_dev, st.st_ino))
                mark = marks.get((st.st_dev, st.st_ino))
                offset = line = 0
                if mark is not None and st.st_size >= mark.offset and _head_hash(fh, mark.size) == mark.head:
                    offset, line = mark.offset, mark.line  # the same file: go on; else from the start
                room = None if limit is None else limit - len(samples)
                if room is None or room > 0:
                    fh.seek(offset)
                    offset, line = self._read_file(fh, path, offset, line, room, samples, skipped)
                size = min(offset, HEAD_BYTES)
                reached.append(
                    _Mark(
                        path=str(path),
                        dev=st.st_dev,
                        ino=st.st_ino,
                        head=_head_hash(fh, size),
                        size=size,
                        offset=offset,
                        line=line,
                    )
                )
        return SourceBatch(
            samples=tuple(samples), cursor=_dump_marks(self.kind, reached), skipped=tuple(skipped)
        )

    @abstractmethod
    def _read_file(
        self,
        fh: BinaryIO,
        path: Path,
        offset: int,
        line: int,
        room: int | None,
        samples: list[ProductionSample],
        skipped: list[str],
    ) -> tuple[int, int]:
        """Read on from `offset` (where `fh` stands); returns the offset and line reached."""


class JsonlSource(_FileSource):
    """JSONL files: one conversation a line (the ProductionSample shape, or prompt/answer fields)."""

    kind = "jsonl"

    def _read_file(
        self,
        fh: BinaryIO,
        path: Path,
        offset: int,
        line: int,
        room: int | None,
        samples: list[ProductionSample],
        skipped: list[str],
    ) -> tuple[int, int]:
        taken = 0
        for raw in fh:
            if not raw.endswith(b"\n"):
                break  # still being written: left for the next read
            offset += len(raw)
            line += 1
            if not raw.strip():
                continue
            try:
                record = json.loads(raw)
            except (ValueError, RecursionError) as exc:
                if isinstance(exc, json.JSONDecodeError):
                    reason = exc.msg
                else:
                    reason = "not UTF-8" if isinstance(exc, UnicodeDecodeError) else "nested too deeply"
                skipped.append(f"{path}:{line}: not JSON: {reason}")
                continue
            try:
                samples.append(sample_from_record(record, source=self.name))
            except RecordError as exc:
                skipped.append(f"{path}:{line}: {exc}")
                continue
            taken += 1
            if room is not None and taken >= room:
                break
        return offset, line


class OtelSource(_FileSource):
    """Exported OpenTelemetry spans: ConsoleSpanExporter objects or OTLP/JSON lines, GenAI chat spans."""

    kind = "otel"

    def _read_file(
        self,
        fh: BinaryIO,
        path: Path,
        offset: int,
        line: int,
        room: int | None,
        samples: list[ProductionSample],
        skipped: list[str],
    ) -> tuple[int, int]:
        data = fh.read()
        taken = 0
        for used, before, lines, value in _json_values(data):
            where = f"{path}:{line + before + 1}"
            found: list[ProductionSample] = []
            problems: list[str] = []
            if isinstance(value, _Bad):
                problems.append(f"{where}: not JSON: {value.reason}")
            for span in span_records(value):
                try:
                    sample = span_sample(span, source=self.name)
                except RecordError as exc:
                    problems.append(f"{where}: span {span.id or span.name or '?'}: {exc}")
                    continue
                if sample is not None:
                    found.append(sample)
            if room is not None and taken and taken + len(found) > room:
                break  # the whole value is read next time; a value is never split
            offset += used
            line += lines
            samples += found
            skipped += problems
            taken += len(found)
            if room is not None and taken >= room:
                break
        return offset, line


@dataclass(frozen=True)
class _Bad:
    reason: str


def _json_values(data: bytes) -> Iterator[tuple[int, int, int, Any]]:
    """Complete JSON values one after another in `data`.

    Yields (bytes used, newlines before the value, newlines used, value or _Bad). A value cut short at
    the end is not yielded (it is being written); a malformed one is reported and skipped up to the next
    line that starts with `{`, once such a line follows it.
    """
    text = data.decode("utf-8", "surrogateescape")
    decoder = json.JSONDecoder()
    pos = 0
    while True:
        start = pos
        while start < len(text) and text[start] in " \t\r\n":
            start += 1
        if start >= len(text):
            return
        value: Any
        try:
            value, end = decoder.raw_decode(text, start)
        except (json.JSONDecodeError, RecursionError) as exc:
            resume = text.find("\n{", start)
            if resume < 0:
                return  # possibly still being written
            end = resume + 1
            value = _Bad(exc.msg if isinstance(exc, json.JSONDecodeError) else "nested too deeply")
        chunk = text[pos:end]
        before = text.count("\n", pos, start)
        yield len(chunk.encode("utf-8", "surrogateescape")), before, chunk.count("\n"), value
        pos = end


# --- SQL tables -----------------------------------------------------------------------------------


class SqlSource:
    """A table or view read in pages ordered by (timestamp, id); rows without either are never read."""

    kind = "sql"

    def __init__(
        self,
        name: str,
        url: str,
        *,
        table: str,
        id_column: str = "id",
        timestamp_column: str = "timestamp",
        prompt_column: str | None = "prompt",
        answer_column: str | None = "answer",
        messages_column: str | None = None,
        page_size: int = 1000,
        url_env: str | None = None,
        field_prefix: str = "",
    ) -> None:
        self.name = name
        self._url = url
        self.schema, _, self.table = table.rpartition(".")
        self.id_column = id_column
        self.timestamp_column = timestamp_column
        self.prompt_column = prompt_column
        self.answer_column = answer_column
        self.messages_column = messages_column
        self.page_size = page_size
        self.url_env = url_env
        self._field = field_prefix

    @classmethod
    def from_config(
        cls, cfg: MonitorSourceConfig, settings: Settings, *, env: Mapping[str, str], index: int = 0
    ) -> SqlSource:
        """The source `cfg` describes; the URL from `env[cfg.url_env]` or the workspace database."""
        prefix = f"monitoring.sources.{index}."
        if cfg.url_env is None:
            url = settings.database_url
        else:
            url = env.get(cfg.url_env, "")
            if not url.strip():
                raise ConfigError(
                    f"source '{cfg.name}': environment variable {cfg.url_env} is not set",
                    file=str(settings.config_path),
                    field=prefix + "url_env",
                )
        assert cfg.table is not None  # MonitorSourceConfig requires it for sql
        return cls(
            cfg.name,
            url.strip(),
            table=cfg.table,
            id_column=cfg.id_column,
            timestamp_column=cfg.timestamp_column,
            prompt_column=None if cfg.messages_column else cfg.prompt_column,
            answer_column=None if cfg.messages_column else cfg.answer_column,
            messages_column=cfg.messages_column,
            page_size=cfg.page_size,
            url_env=cfg.url_env,
            field_prefix=prefix,
        )

    @property
    def where(self) -> str:
        """The database, as errors name it: the variable holding its URL, never the URL."""
        return f"the database in ${self.url_env}" if self.url_env else "the workspace database"

    def _scrub(self, text: str) -> str:
        """An error message with the URL and its password taken out."""
        text = text.replace(self._url, REDACTED)
        try:
            password = make_url(self._url).password
        except ArgumentError:
            password = None
        if password:
            text = text.replace(str(password), REDACTED)
        return redact_text(text)

    def _engine(self) -> Engine:
        try:
            return create_engine(self._url)
        except ArgumentError:
            raise ConfigError(
                f"source '{self.name}': {self.where} is not named by a valid database URL",
                field=self._field + "url_env" if self.url_env else None,
            ) from None
        except ModuleNotFoundError as exc:
            raise ConfigError(
                f"source '{self.name}': the driver for {self.where} is not installed ({exc.name})"
            ) from None

    def read(self, cursor: str | None, *, limit: int | None = None) -> SourceBatch:
        """Rows after the cursor's (timestamp, id), at most `limit` samples."""
        if limit is not None and limit < 0:
            raise ValueError("limit must be >= 0")
        after = self._load_cursor(cursor)
        engine = self._engine()
        try:
            with engine.connect() as conn, _gc_paused():
                return self._read(conn, after, limit, cursor)
        except SQLAlchemyError as exc:
            first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
            reason = self._scrub(first[0]) if first else type(exc).__name__
            raise StoreError(f"source '{self.name}': cannot read {self.where}: {reason}") from None
        finally:
            engine.dispose()

    def _table(self, conn: Connection) -> Table:
        try:
            table = Table(self.table, MetaData(), schema=self.schema or None, autoload_with=conn)
        except NoSuchTableError:
            full = f"{self.schema}.{self.table}" if self.schema else self.table
            raise ConfigError(
                f"source '{self.name}': no table or view '{full}' in {self.where}",
                field=self._field + "table",
            ) from None
        for attr in ("id_column", "timestamp_column", "prompt_column", "answer_column", "messages_column"):
            column = getattr(self, attr)
            if column is not None and column not in table.c:
                raise ConfigError(
                    f"source '{self.name}': table '{self.table}' has no column '{column}'",
                    field=self._field + attr,
                )
        return table

    def _read(
        self, conn: Connection, after: tuple[Any, Any] | None, limit: int | None, cursor: str | None
    ) -> SourceBatch:
        table = self._table(conn)
        stamp: Any = table.c[self.timestamp_column]
        if conn.dialect.name == "sqlite":
            # SQLite keeps timestamps as text: compare and order them as stored, parse them ourselves.
            stamp = type_coerce(stamp, String)
        ident = table.c[self.id_column]
        texts: list[Column[Any]] = [
            table.c[c]
            for c in (self.prompt_column, self.answer_column, self.messages_column)
            if c is not None
        ]
        samples: list[ProductionSample] = []
        skipped: list[str] = []
        while limit is None or len(samples) < limit:
            room = self.page_size if limit is None else min(self.page_size, limit - len(samples))
            query = select(stamp, ident, *texts).where(stamp.is_not(None), ident.is_not(None))
            if after is not None:
                query = query.where(or_(stamp > after[0], and_(stamp == after[0], ident > after[1])))
            rows = conn.execute(query.order_by(stamp, ident).limit(room)).all()
            for row in rows:
                after = (row[0], row[1])
                try:
                    samples.append(self._sample(row))
                except RecordError as exc:
                    skipped.append(f"{self.table} row {self.id_column}={row[1]}: {exc}")
            if len(rows) < room:
                break
        return SourceBatch(
            samples=tuple(samples),
            cursor=self._dump_cursor(after) if after is not None else cursor,
            skipped=tuple(skipped),
        )

    def _sample(self, row: Any) -> ProductionSample:
        record: dict[str, Any] = {"id": str(row[1]), "at": _when(row[0])}
        if self.messages_column is not None:
            messages = row[2]
            if isinstance(messages, str | bytes):
                try:
                    messages = json.loads(messages)
                except ValueError:
                    raise RecordError(f"column '{self.messages_column}' is not JSON") from None
            record["messages"] = messages
        else:
            record["prompt"], record["answer"] = row[2], row[3]
            if record["prompt"] is None or record["answer"] is None:
                raise RecordError("no prompt or no answer")
        return sample_from_record(record, source=self.name)

    def _load_cursor(self, cursor: str | None) -> tuple[Any, Any] | None:
        if cursor is None:
            return None
        try:
            data = json.loads(cursor)
            if data.get("v") != CURSOR_VERSION or data.get("kind") != self.kind:
                raise ValueError("not this kind")
            return _decode(data["ts"]), _decode(data["id"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise ConfigError(f"source '{self.name}': the cursor was not written by a sql source") from None

    def _dump_cursor(self, after: tuple[Any, Any]) -> str:
        data = {"v": CURSOR_VERSION, "kind": self.kind, "ts": _encode(after[0]), "id": _encode(after[1])}
        return json.dumps(data, separators=(",", ":"))


def _encode(value: Any) -> Any:
    """A column value in a cursor, its type kept so it binds back alike."""
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    return {"text": str(value)}


def _decode(value: Any) -> Any:
    if isinstance(value, dict):
        if "datetime" in value:
            return datetime.fromisoformat(value["datetime"])
        if "date" in value:
            return date.fromisoformat(value["date"])
        return str(value["text"])
    return value


def _when(value: Any) -> datetime | None:
    """A timestamp column's value as an aware datetime (naive ones are UTC); None if unreadable."""
    if isinstance(value, datetime):
        return value if value.tzinfo else value.replace(tzinfo=UTC)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int | float) and not isinstance(value, bool):
        seconds = value / 1000 if value > 1e11 else value
        return datetime.fromtimestamp(seconds, UTC)
    if isinstance(value, str):
        try:
            at = datetime.fromisoformat(value.strip())
        except ValueError:
            return None
        return at if at.tzinfo else at.replace(tzinfo=UTC)
    return None


__all__ = [
    "ExchangeSource",
    "JsonlSource",
    "OtelSource",
    "SourceBatch",
    "SqlSource",
    "build_source",
    "build_sources",
]
