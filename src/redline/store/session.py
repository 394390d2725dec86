"""Open the store: engine and session factory from Settings, migrations applied on open."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic_core
from sqlalchemy import Engine, create_engine, event, inspect
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from redline.core.errors import ConfigError, StoreError
from redline.core.secrets import redact_text

MIGRATIONS_DIR = Path(__file__).parent / "migrations"


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


class JsonText(str):
    """JSON text already serialised (e.g. by `model_dump_json`): a JSON column stores it as it is."""

    __slots__ = ()


def conflict_dialect(session: Session) -> ModuleType:
    """The dialect module (sqlite or postgresql) whose `insert` has ON CONFLICT; imported when first used,
    as PostgreSQL's takes a noticeable part of start-up to import."""
    if session.get_bind().dialect.name == "postgresql":
        from sqlalchemy.dialects import postgresql

        return postgresql
    from sqlalchemy.dialects import sqlite

    return sqlite


def _to_json(value: Any) -> str:
    """JSON for JSON columns, serialised in Rust: several times faster than `json.dumps` on batches."""
    if isinstance(value, JsonText):
        return str(value)
    return pydantic_core.to_json(value).decode("utf-8")


def make_engine(url: str) -> Engine:
    """A SQLAlchemy engine for a URL; SQLite gets WAL mode and foreign keys."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"not a database URL: {redact_text(url)}", field="database.url") from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(parsed, connect_args={"timeout": 30}, json_serializer=_to_json)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        return create_engine(parsed, pool_pre_ping=True, json_serializer=_to_json)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"database driver missing for {parsed.drivername} ({exc.name}); install redline[postgres]",
            field="database.url",
        ) from None


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(create_engine("sqlite://"))
    head = ScriptDirectory.from_config(cfg).get_current_head()
    assert head is not None
    return head


def current_revision(engine: Engine) -> str | None:
    """The revision the database is at, or None for an empty database."""
    from alembic.runtime.migration import MigrationContext

    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


def upgrade(engine: Engine) -> str:
    """Apply every pending migration; returns the revision reached."""
    from alembic import command

    cfg = _alembic_config(engine)
    command.upgrade(cfg, "head")
    return head_revision()


class Store:
    """The database behind a workspace: engine, sessions, and the migration state."""

    def __init__(self, engine: Engine) -> None:
        self.engine = engine
        self._sessions = sessionmaker(bind=engine, expire_on_commit=False)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on error."""
        with self._sessions.begin() as sess:
            yield sess

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    def table_names(self) -> list[str]:
        """Tables present in the database."""
        return sorted(inspect(self.engine).get_table_names())


def open_store(url: str, *, migrate: bool = True) -> Store:
    """Open (and by default migrate) the database at `url`; errors name the host, never the password."""
    engine = make_engine(url)
    try:
        if migrate and current_revision(engine) != head_revision():
            upgrade(engine)
    except OperationalError as exc:
        where = make_url(url).render_as_string(hide_password=True)
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open database {where}: {redact_text(detail)}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"database error while migrating: {redact_text(str(exc).splitlines()[0])}") from None
    return Store(engine)
