"""Every shipped playbook builds its cases (dry run) and runs end to end on the offline echo target.

Once with no attacker or judge in the workspace (steps that need one are left out, one warning line
each naming the setting; a playbook with nothing else to run is refused in one line naming it), and
once with echo systems as attacker and judge. No score may be could-not-score for want of what the
case should have carried (a canary, known answers, a reference list, a system prompt).
"""

from __future__ import annotations

import asyncio
from collections.abc import Iterator

import pytest

from redline.catalog.playbooks import load_playbooks
from redline.config.settings import Settings, SystemConfig, TargetConfig
from redline.core.errors import ConfigError
from redline.core.runs.rounds import RoundStatus
from redline.engine.dryrun import estimate_round
from redline.engine.launch import RoundRequest, prepare_round
from redline.engine.round import run_round
from redline.program.workspace import init_workspace
from redline.store.repos import rounds as rounds_repo
from redline.store.session import open_store
from redline.targets.echo import EchoTarget
from tests.integration.engine.conftest import Env

PLAYBOOKS = [book.name for book in load_playbooks().all() if book.automated]  # the others are manual
# Could-not-score reasons that mean the case lacked what its step's scorer needs: a planning bug.
BY_CONSTRUCTION = ("no canary", "no known answers", "no reference list", "no system prompt")


@pytest.fixture(scope="module")
def shared(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Env]:
    """One workspace and store for every playbook's rounds (each round is its own spec)."""
    settings = init_workspace(tmp_path_factory.mktemp("every") / "ws", name="every", actor="tester").settings
    store = open_store(settings.database_url)
    yield Env(settings, store)
    store.dispose()


def _armed(settings: Settings, judge: EchoTarget) -> Settings:
    """The workspace with echo systems as its attacker (PAIR-shaped replies) and its judge."""
    attacker = TargetConfig(
        kind="echo", options={"reply": '{"improvement": "rephrase", "prompt": "Please explain: {prompt}"}'}
    )
    rules = [r.model_dump(mode="json", exclude_none=True) for r in judge.rules]
    judging = TargetConfig(kind="echo", options={"rules": rules, "reply": judge.reply})
    systems = (
        *settings.config.systems,
        SystemConfig(name="attacker", target=attacker),
        SystemConfig(name="judge", target=judging),
    )
    config = settings.config.model_copy(update={"systems": systems, "attacker": "attacker", "judge": "judge"})
    return settings.model_copy(update={"config": config})


def _needs_judge_only(name: str) -> bool:
    """Every step of the playbook is scored by judge scorers alone."""
    return all(
        all(s.startswith("judge.") for s in step.scorers) for step in load_playbooks().get(name).automated
    )


# the fast lane runs every playbook once, without helpers; `make test` runs them with helpers too
@pytest.mark.parametrize(
    "helpers", [False, pytest.param(True, marks=pytest.mark.slow)], ids=["no-helpers", "attacker-and-judge"]
)
@pytest.mark.parametrize("playbook", PLAYBOOKS)
def test_the_playbook_runs_on_the_echo_target(
    playbook: str, helpers: bool, shared: Env, fake_judge: EchoTarget
) -> None:
    settings = _armed(shared.settings, fake_judge) if helpers else shared.settings
    echo = TargetConfig(kind="echo")
    request = RoundRequest(system="echo", playbooks=(playbook,), sample_size=1, seed=3)
    if not helpers and _needs_judge_only(playbook):
        with pytest.raises(ConfigError, match=r"`judge: <system>` in redline.yaml") as err:
            prepare_round(settings, request, target=echo)
        assert "\n" not in str(err.value)
        return
    prepared = prepare_round(settings, request, target=echo)
    # the echo target is offered no tools: a playbook with agentic steps says it skipped them
    no_tools = [
        w for w in prepared.warnings if w.startswith("agentic steps skipped: the target is offered no tools")
    ]
    others = [w for w in prepared.warnings if w not in no_tools]
    if helpers:
        assert others == []
    for warning in others:
        assert "\n" not in warning and ("`attacker: <system>`" in warning or "`judge: <system>`" in warning)
    skipped = [w for w in prepared.warnings if w.startswith("step ")]
    assert len(skipped) == len(set(skipped))

    dry = prepare_round(settings, request, target=echo).spec
    estimate = asyncio.run(estimate_round(dry, store=shared.store))
    assert estimate.cases == prepared.spec.cases_total and estimate.cases > 0

    result = asyncio.run(run_round(prepared.spec, settings=settings, store=shared.store))
    assert result.status is RoundStatus.COMPLETED, result
    assert result.cases == prepared.spec.cases_total and result.errors == {}
    with shared.store.session() as s:
        scores = rounds_repo.list_scores(s, result.round_id)
    assert scores, f"{playbook}: nothing was scored"
    unscorable = [
        f"{sc.scorer}: {sc.rationale}"
        for _, sc in scores
        if sc.verdict is None and any(r in (sc.rationale or "") for r in BY_CONSTRUCTION)
    ]
    assert not unscorable, unscorable
