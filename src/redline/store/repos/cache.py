"""The response cache: answers keyed by a content hash of target identity, conversation and parameters."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import Table, delete, func, select
from sqlalchemy.orm import Session

from redline.core.runs.conversation import Response
from redline.store.session import JsonText, conflict_dialect
from redline.store.tables import CacheRow

# Bound parameters per statement stay well under SQLite's limit (32,766) and PostgreSQL's (65,535).
_CHUNK = 500


def get_many(session: Session, keys: Iterable[str]) -> dict[str, Response]:
    """The cached responses among `keys`, by key; errors are never cached, so every hit is an answer."""
    wanted = list(dict.fromkeys(keys))
    found: dict[str, Response] = {}
    for start in range(0, len(wanted), _CHUNK):
        chunk = wanted[start : start + _CHUNK]
        rows = session.execute(select(CacheRow.key, CacheRow.response).where(CacheRow.key.in_(chunk)))
        for key, body in rows:
            found[key] = Response.model_validate(body)
    return found


def put_many(session: Session, entries: Sequence[tuple[str, dict[str, Any] | JsonText]]) -> int:
    """Store (key, response as JSON) pairs, replacing older answers under the same key; returns the count."""
    if not entries:
        return 0
    table = CacheRow.__table__
    assert isinstance(table, Table)
    dialect = conflict_dialect(session)
    now = datetime.now(UTC)
    latest = dict(entries)  # one row per key: a batch may not update the same row twice
    rows = [{"key": k, "response": body, "created_at": now} for k, body in latest.items()]
    stmt = dialect.insert(table)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={"response": stmt.excluded.response, "created_at": stmt.excluded.created_at},
    )
    session.connection().execute(stmt, rows)  # one cached statement, many parameter sets
    return len(rows)


def count(session: Session) -> int:
    """How many responses the cache holds."""
    return int(session.scalar(select(func.count()).select_from(CacheRow)) or 0)


def clear(session: Session) -> int:
    """Empty the cache; returns how many entries were removed."""
    n = count(session)
    session.execute(delete(CacheRow))
    return n
