"""Persistence: SQLAlchemy tables, repositories, migrations and the audit log. Nothing else writes SQL."""
