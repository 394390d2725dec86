"""Alembic environment: runs migrations on the engine handed over by redline.store.session."""

from __future__ import annotations

from alembic import context
from sqlalchemy import create_engine

from redline.store.tables import Base

config = context.config
target_metadata = Base.metadata


def run() -> None:
    """Run migrations online, on the engine the caller passed (or the configured URL)."""
    engine = config.attributes.get("engine") or create_engine(config.get_main_option("sqlalchemy.url") or "")
    with engine.begin() as conn:
        context.configure(
            connection=conn,
            target_metadata=target_metadata,
            render_as_batch=conn.dialect.name == "sqlite",
            compare_type=True,
        )
        context.run_migrations()


run()
