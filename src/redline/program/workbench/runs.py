"""Starting a round from the workbench: who may, from which approved plan, with which playbooks."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import Settings
from redline.core.errors import UsageError
from redline.engine.launch import PreparedRound, RoundRequest, prepare_round
from redline.program.catalog.plans import require_runnable
from redline.program.people.actors import authorize
from redline.program.people.onboarding import require_onboarded
from redline.program.people.permissions import ROUND_RUNNERS
from redline.store.session import Store


class RunRequest(BaseModel):
    """A round to start: the system, the playbooks (or an approved plan's), the sample and scorers."""

    model_config = ConfigDict(frozen=True)

    system: str = Field(min_length=1, max_length=200, description="System as named in redline.yaml.")
    playbooks: tuple[str, ...] = Field(default=(), max_length=50, description="Playbooks to run.")
    plan_id: str | None = Field(default=None, max_length=40, description="Approved plan (default: ad hoc).")
    sample_size: int | None = Field(default=None, ge=1, le=1000, description="Seeds per playbook step.")
    scorers: tuple[str, ...] = Field(
        default=(), max_length=20, description="Scorers (default: the playbooks')."
    )


def prepare(
    store: Store, settings: Settings, request: RunRequest, *, user: str | None
) -> tuple[PreparedRound, Settings]:
    """The round's spec, and settings whose audit actor is the user; a plan must be approved or active,
    and the user's onboarding current."""
    with store.session() as session:
        who = authorize(session, user, ROUND_RUNNERS, action="start rounds")
        require_onboarded(session, settings, who, action="start a round of playbooks")
        playbooks = request.playbooks
        if request.plan_id:
            plan = require_runnable(session, request.plan_id)
            playbooks = playbooks or plan.playbooks
    if request.plan_id and not playbooks:
        raise UsageError(f"plan {request.plan_id} names no playbooks; choose the playbooks to run")
    settings = settings.model_copy(update={"actor": who.name})
    prepared = prepare_round(
        settings,
        RoundRequest(
            system=request.system,
            playbooks=playbooks,
            sample_size=request.sample_size,
            scorers=request.scorers,
            plan_id=request.plan_id,
        ),
    )
    return prepared, settings
