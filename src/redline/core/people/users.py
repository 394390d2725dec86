"""People and their roles in the program."""

from __future__ import annotations

from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class Role(StrEnum):
    """What a person may do; the permission table lives with the front doors."""

    ADMIN = "admin"
    COMMITTEE = "committee"
    LEAD = "lead"
    TESTER = "tester"
    ENGINEER = "engineer"
    EXTERNAL_REVIEWER = "external_reviewer"
    VIEWER = "viewer"


class User(BaseModel):
    """A local account."""

    model_config = ConfigDict(frozen=True)

    id: str
    name: str
    email: str | None = None
    roles: frozenset[Role] = frozenset({Role.VIEWER})
    active: bool = True
