"""Open the store: engine and session factory from Settings, migrations applied on open.

Concerns live apart from everything else. The anonymous concern channel keeps only the day a concern
was raised, but a store that also holds timestamped writers orders its writes: SQLite's write-ahead
log appends each commit's pages after the previous one, so a concern's page would sit between two
audit commits whose events carry a time to the microsecond; on PostgreSQL every row carries `xmin`,
the id of the transaction that wrote it, and ids are handed out in order across the whole cluster.
So the concern tables (`CONCERN_TABLES`) are bound to a store of their own, where no other writer
commits:

- With a SQLite workspace database, a sibling file (`redline-concerns.db` next to `redline.db`) in
  rollback-journal mode with `secure_delete`: no write-ahead log at all, the journal is deleted at
  each commit and freed pages are zeroed, so the file holds the current rows and no record of the
  order they came in. The main database and its WAL never see a concern's text or page.
- With PostgreSQL, `database.concerns_url` (or REDLINE_CONCERNS_DATABASE_URL) names that store: a
  SQLite file on the server, or a database in *another cluster*. A separate schema or database in the
  same cluster does not help (transaction ids are cluster-wide). Without it, concerns share the main
  database and `xmin` orders them among the audited writes: the day-level promise then holds for what
  Redline shows and exports, not against someone who can read the database's system columns.

Inside the concerns store, reporter writes are ordered only among handler writes to concerns, which
the handlers see happen anyway. Each handler step also writes audit events to the main store; the
two commits are not atomic together (the concern change commits first).
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from types import ModuleType
from typing import Any

import pydantic_core
from sqlalchemy import Engine, create_engine, delete, event, insert, inspect, select
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, OperationalError, SQLAlchemyError
from sqlalchemy.orm import Session, sessionmaker

from redline.core.errors import ConfigError, InvalidTextError, StoreError
from redline.core.secrets import redact_text
from redline.store.tables import ConcernLinkRow, ConcernMessageRow, ConcernRow

MIGRATIONS_DIR = Path(__file__).parent / "migrations"
CONCERN_TABLES = (ConcernRow, ConcernMessageRow, ConcernLinkRow)
"""Tables kept in the concerns store (parents first)."""
CONCERNS_SUFFIX = "-concerns"
PRIVATE_UMASK = 0o077


def _sqlite_pragmas(dbapi_conn: Any, _record: Any) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _sqlite_concern_pragmas(dbapi_conn: Any, _record: Any) -> None:
    """The concerns file: no WAL (a rollback journal, deleted at each commit), freed pages zeroed."""
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=DELETE")
    cur.execute("PRAGMA secure_delete=ON")
    cur.execute("PRAGMA synchronous=FULL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.close()


def _private_sqlite_file(path: Path) -> None:
    """Create the database file (and a folder made for it) readable by its owner only; tighten old ones.

    SQLite gives its -wal, -shm and -journal files the database file's mode, so they follow.
    """
    if not path.parent.exists():
        path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    old = os.umask(PRIVATE_UMASK)
    try:
        fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        os.close(fd)
        for extra in ("", "-wal", "-shm", "-journal"):
            candidate = Path(f"{path}{extra}")
            if candidate.exists() and candidate.stat().st_uid == os.getuid():
                candidate.chmod(0o600)
    finally:
        os.umask(old)


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


def _holds_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_holds_nul(k) or _holds_nul(v) for k, v in value.items())
    if isinstance(value, list | tuple):
        return any(_holds_nul(v) for v in value)
    return False


def reject_nul_text(session: Session, _context: Any, _instances: Any) -> None:
    """Refuse a NUL byte in any text a session writes, on every backend alike.

    PostgreSQL cannot store U+0000 in text, SQLite can: without this a value would be kept on one
    backend and fail with a database error on the other. Rejected, not stripped: the stored text stays
    what was given or nothing. Runs before every flush of every session (see `Store`), so every
    validated input (web forms, JSON, CLI arguments, files read) meets the same one-line error.
    """
    for obj in (*session.new, *session.dirty):
        mapper = inspect(obj).mapper
        for attr in mapper.column_attrs:
            if _holds_nul(getattr(obj, attr.key, None)):
                table = getattr(mapper.local_table, "name", mapper.class_.__name__)
                raise InvalidTextError(
                    f"{table}.{attr.key}: text must not contain a NUL character (\\x00); remove it and retry"
                )


def _refuse_nul_lookups(
    _conn: Any, _cursor: Any, statement: str, parameters: Any, _context: Any, executemany: bool
) -> None:
    """Refuse a NUL byte in what a query looks up, on every backend alike (PostgreSQL would fail)."""
    if executemany or statement.lstrip()[:6].upper() != "SELECT":
        return
    values = parameters.values() if isinstance(parameters, dict) else parameters or ()
    if any(_holds_nul(v) for v in values):
        raise InvalidTextError("a search or lookup must not contain a NUL character (\\x00)")


def make_engine(url: str, *, concerns: bool = False) -> Engine:
    """A SQLAlchemy engine for a URL; SQLite gets WAL mode (the concerns file a rollback journal),
    foreign keys and an owner-only file.

    Every engine hides statement parameters from its errors and logs (`hide_parameters`): a failed
    insert must not put a concern's text, a claim hash or a token into a log line.
    """
    field = "database.concerns_url" if concerns else "database.url"
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise ConfigError(f"not a database URL: {redact_text(url)}", field=field) from None
    if parsed.get_backend_name() == "sqlite":
        if parsed.database and parsed.database != ":memory:":
            _private_sqlite_file(Path(parsed.database))
        engine = create_engine(
            parsed, connect_args={"timeout": 30}, json_serializer=_to_json, hide_parameters=True
        )
        event.listen(engine, "connect", _sqlite_concern_pragmas if concerns else _sqlite_pragmas)
        event.listen(engine, "before_cursor_execute", _refuse_nul_lookups)
        return engine
    if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
        parsed = parsed.set(drivername="postgresql+psycopg")
    try:
        engine = create_engine(parsed, pool_pre_ping=True, json_serializer=_to_json, hide_parameters=True)
    except ModuleNotFoundError as exc:
        raise ConfigError(
            f"database driver missing for {parsed.drivername} ({exc.name}); install redline[postgres]",
            field=field,
        ) from None
    event.listen(engine, "before_cursor_execute", _refuse_nul_lookups)
    return engine


def _alembic_config(engine: Engine) -> Any:
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS_DIR))
    cfg.attributes["engine"] = engine
    return cfg


def head_revision() -> str:
    """The newest migration revision shipped with this version."""
    from alembic.script import ScriptDirectory

    cfg = _alembic_config(create_engine("sqlite://", hide_parameters=True))
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
    """The database behind a workspace: engine, sessions, and the migration state.

    `concerns_engine`, when given, holds the concern tables: sessions route them there.
    """

    def __init__(self, engine: Engine, *, concerns_engine: Engine | None = None) -> None:
        self.engine = engine
        self.concerns_engine = concerns_engine
        binds: dict[Any, Engine] = {}
        if concerns_engine is not None:
            for row in CONCERN_TABLES:
                binds[row] = concerns_engine
                binds[row.__table__] = concerns_engine
        self._sessions = sessionmaker(bind=engine, binds=binds, expire_on_commit=False)
        event.listen(self._sessions, "before_flush", reject_nul_text)

    @contextmanager
    def session(self) -> Iterator[Session]:
        """A transaction: committed when the block ends, rolled back on error."""
        with self._sessions.begin() as sess:
            yield sess

    def dispose(self) -> None:
        """Close every pooled connection."""
        self.engine.dispose()
        if self.concerns_engine is not None:
            self.concerns_engine.dispose()

    @property
    def dialect(self) -> str:
        """'sqlite' or 'postgresql'."""
        return self.engine.dialect.name

    @property
    def concerns_apart(self) -> bool:
        """Whether concerns are kept in a store of their own (see the module docstring)."""
        return self.concerns_engine is not None

    def table_names(self) -> list[str]:
        """Tables present in the database."""
        return sorted(inspect(self.engine).get_table_names())


def default_concerns_url(url: str) -> str | None:
    """The concerns store that goes with a database URL: a sibling file for a SQLite file, else None."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        return None
    if parsed.get_backend_name() != "sqlite" or not parsed.database or parsed.database == ":memory:":
        return None
    path = Path(parsed.database)
    return str(parsed.set(database=str(path.with_name(f"{path.stem}{CONCERNS_SUFFIX}{path.suffix}"))))


def _move_concerns(main: Engine, concerns: Engine) -> int:
    """Move concern rows an older version left in the main database into the concerns store, once.

    On SQLite the deleted rows are zeroed (`secure_delete`) and the WAL is checkpointed, so their text
    does not stay behind in free pages or log frames. Returns how many rows moved.
    """
    names = set(inspect(main).get_table_names())
    if ConcernRow.__tablename__ not in names:
        return 0
    moved = 0
    with main.begin() as src:
        if main.dialect.name == "sqlite":
            src.exec_driver_sql("PRAGMA secure_delete=ON")
        batches = [
            (row, [dict(r._mapping) for r in src.execute(select(row.__table__))]) for row in CONCERN_TABLES
        ]
        if not any(rows for _, rows in batches):
            return 0
        with concerns.begin() as dst:
            for row, rows in batches:
                if rows:
                    dst.execute(insert(row), rows)
                    moved += len(rows)
        for row, _ in reversed(batches):
            src.execute(delete(row))
    if main.dialect.name == "sqlite":
        with main.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
    return moved


def _migrate(engine: Engine, url: str, *, migrate: bool) -> None:
    try:
        if migrate and current_revision(engine) != head_revision():
            upgrade(engine)
    except OperationalError as exc:
        where = make_url(url).render_as_string(hide_password=True)
        detail = str(exc.orig).strip().splitlines()[0] if exc.orig else str(exc)
        raise StoreError(f"cannot open database {where}: {redact_text(detail)}") from None
    except SQLAlchemyError as exc:
        raise StoreError(f"database error while migrating: {redact_text(str(exc).splitlines()[0])}") from None


def open_store(url: str, *, migrate: bool = True, concerns_url: str | None = None) -> Store:
    """Open (and by default migrate) the database at `url`; errors name the host, never the password.

    Concerns go to `concerns_url`, else to the sibling file of a SQLite database, else (PostgreSQL
    without one) to the main database; see the module docstring for why.
    """
    engine = make_engine(url)
    _migrate(engine, url, migrate=migrate)
    target = concerns_url or default_concerns_url(url)
    if target is None or target == url:
        return Store(engine)
    concerns = make_engine(target, concerns=True)
    if migrate:
        _migrate(concerns, target, migrate=True)
        try:
            _move_concerns(engine, concerns)
        except SQLAlchemyError as exc:
            raise StoreError(f"could not move concerns to their own store: {type(exc).__name__}") from None
    return Store(engine, concerns_engine=concerns)
