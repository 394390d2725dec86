"""Migrated SQLite templates: a fresh SQLite database is copied from one migrated once per test process.

Running the whole Alembic migration costs about half a second of CPU, twice for each new workspace (its
main and its concerns file), and most tests start from a fresh workspace. The migration runs for real
once per test process and per journal mode (the main store runs in WAL mode, the concerns store in
DELETE mode); later empty SQLite files receive a page-by-page copy of that result (SQLite's backup API),
which is the schema and `alembic_version` row the migration writes (it writes no other rows).

Anything else goes through the real migration: PostgreSQL, in-memory databases, and any database that is
not empty (an older schema being upgraded).
"""

from __future__ import annotations

import sqlite3
import tempfile
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

from sqlalchemy import Engine, inspect

from redline.store import session as store_session

Upgrade = Callable[[Engine], str]


class SQLiteTemplates:
    """One migrated template file per journal mode, made on first use with the real `upgrade`."""

    def __init__(self, folder: Path, real: Upgrade) -> None:
        self._folder = folder
        self._real = real
        self._made: dict[str, Path] = {}

    def upgrade(self, engine: Engine) -> str:
        """`redline.store.session.upgrade`, copying a template into an empty SQLite file."""
        database = engine.url.database
        if engine.dialect.name != "sqlite" or not database or database == ":memory:":
            return self._real(engine)
        with engine.connect() as conn:
            mode = str(conn.exec_driver_sql("PRAGMA journal_mode").scalar()).lower()
            if inspect(conn).get_table_names():
                return self._real(engine)
            raw = conn.connection.dbapi_connection
            assert isinstance(raw, sqlite3.Connection)
            with sqlite3.connect(self._template(mode, engine)) as source:
                source.backup(raw)
            source.close()
        return store_session.head_revision()

    def _template(self, mode: str, like: Engine) -> Path:
        made = self._made.get(mode)
        if made is None:
            made = self._folder / f"template-{mode}.db"
            engine = store_session.make_engine(f"sqlite:///{made}", concerns=mode != "wal")
            try:
                self._real(engine)
            finally:
                engine.dispose()
            self._made[mode] = made
        return made


@contextmanager
def migrated_sqlite_templates() -> Iterator[SQLiteTemplates]:
    """Route `redline.store.session.upgrade` through the templates while the block runs."""
    real = store_session.upgrade
    with tempfile.TemporaryDirectory(prefix="redline-migrated-") as folder:
        templates = SQLiteTemplates(Path(folder), real)
        store_session.upgrade = templates.upgrade
        try:
            yield templates
        finally:
            store_session.upgrade = real
