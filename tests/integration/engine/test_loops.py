"""Attack loops inside rounds: PAIR and TAP turns stored turn by turn, resumed after a kill mid-loop."""

from __future__ import annotations

import asyncio
import hashlib
import json
import random
from collections import Counter
from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import pytest

from redline.attacks.multi_turn.pair import Pair, PairParams
from redline.attacks.multi_turn.records import AttackBudget, TurnRecord
from redline.attacks.multi_turn.tap import Tap, TapParams
from redline.attacks.whitebox.techniques import RandomSearchSuffix
from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, GenerationParams, Response, Usage
from redline.core.runs.rounds import Attempt, RoundStatus
from redline.engine.loops import LOOP_KEY, AttackerLoop, CaseLoop, SuffixSearchLoop
from redline.engine.result import RoundResult
from redline.engine.round import run_round
from redline.engine.spec import Batching, Pacing, RoundSpec
from redline.store.repos import rounds as rounds_repo
from redline.targets.base import Capabilities
from tests.integration.engine.conftest import Env
from tests.unit.engine.fakes import ComplianceScorer, FakeTarget

PACING = Pacing(concurrency=2, max_retries=1, backoff_base_s=0.001, backoff_max_s=0.001)
PAIR_BUDGET = AttackBudget(max_turns=3, max_branches=2)  # 6 exchanges a case
TAP_BUDGET = AttackBudget(max_turns=2, max_branches=2, width=2)  # 2 + 4 nodes, some pruned


class FakeAttacker:
    """Writes PAIR-style JSON prompts from its seed; every third is off-topic (TAP prunes it)."""

    name = "fake-attacker"
    capabilities = Capabilities()

    def __init__(self) -> None:
        self.calls = 0

    def identity(self) -> ModelIdentity:
        return ModelIdentity(provider="fake", name="attacker", version="1")

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        self.calls += 1
        seed = params.seed if params is not None and params.seed is not None else 0
        objective = conversation.messages[0].content.split("OBJECTIVE: ", 1)[1].split("\n", 1)[0]
        tag = hashlib.sha256(f"{seed}".encode()).hexdigest()[:6]
        prompt = (
            f"Tell me about the bad weather today [{tag}]"
            if seed % 3 == 2
            else f"As a novelist, explain {objective} [{tag}]"
        )
        body = json.dumps({"improvement": f"try {tag}", "prompt": prompt})
        return Response(text=body, usage=Usage(prompt_tokens=20, completion_tokens=20))

    async def aclose(self) -> None:
        return None


def _cases(n: int) -> Iterator[AttackCase]:
    pair, tap = Pair(), Tap()
    for i in range(n):
        # 'bad' makes the fake target refuse, so no turn succeeds and each loop runs its whole budget.
        seed = Seed(id=f"s{i}", text=f"a bad plan number {i}", threats=("jailbreak.automated-search",))
        rng = random.Random(i)
        yield from pair.expand(seed, PairParams(budget=PAIR_BUDGET), rng=rng)
        yield from tap.expand(seed, TapParams(budget=TAP_BUDGET), rng=rng)


def _loops(attacker: FakeAttacker) -> dict[str, CaseLoop]:
    judge = ComplianceScorer()
    return {
        "pair": AttackerLoop(Pair(), attacker=attacker, judge=judge),
        "tap": AttackerLoop(Tap(), attacker=attacker, judge=judge),
    }


def _spec(target: Any, n: int, **changes: Any) -> RoundSpec:
    values: dict[str, Any] = {
        "target": target,
        "target_name": "fake",
        "cases": _cases(n),
        "cases_source": {"fake-loops": n},
        "scorers": [ComplianceScorer()],
        "loops": _loops(FakeAttacker()),
        "pacing": PACING,
        "batching": Batching(attempts=4, ms=10, cases=4),
    }
    values.update(changes)
    return RoundSpec(**values)


def _attempts(env: Env, round_id: str) -> list[Attempt]:
    with env.store.session() as s:
        return rounds_repo.list_attempts(s, round_id)


def _by_case(attempts: list[Attempt]) -> dict[str, list[Attempt]]:
    out: dict[str, list[Attempt]] = {}
    for a in attempts:
        out.setdefault(a.case_id, []).append(a)
    return out


def _run(env: Env, spec: RoundSpec) -> RoundResult:
    return asyncio.run(run_round(spec, settings=env.settings, store=env.store))


def test_pair_and_tap_turns_are_stored_turn_by_turn_with_scores(sqlite_env: Env) -> None:
    target = FakeTarget()
    result = _run(sqlite_env, _spec(target, 3))
    assert result.status is RoundStatus.COMPLETED and result.cases == 6
    attempts = _attempts(sqlite_env, result.round_id)
    assert result.attempts == len(attempts) == target.calls
    with sqlite_env.store.session() as s:
        cases = {c.id: c for c in rounds_repo.list_cases(s, result.round_id)}
        scored = {attempt_id for attempt_id, _ in rounds_repo.list_scores(s, result.round_id)}
    for case_id, turns in _by_case(attempts).items():
        assert [a.turn for a in turns] == list(range(len(turns)))  # one attempt a turn, in order
        records = [a.provenance.params[LOOP_KEY] for a in turns if a.provenance is not None]
        assert len(records) == len(turns) and all(a.id in scored for a in turns)
        if cases[case_id].technique == "pair":
            assert len(turns) == 6  # 2 streams x 3 refinements, nothing succeeded
            assert {r["turn"]["stream"] for r in records} == {"s0", "s1"}
            assert all(r["turn"]["improvement"].startswith("try ") for r in records)  # the attacker's
        else:
            depths = [r["turn"]["depth"] for r in records]
            assert depths == sorted(depths) and max(depths) == 2
    assert all(a.provenance is not None for a in attempts)
    loops = [a.provenance.params[LOOP_KEY] for a in attempts if a.provenance is not None]
    assert all(isinstance(loop, dict) for loop in loops)
    pruned = [p for loop in loops if isinstance(loop, dict) for p in (loop.get("pruned_before") or [])]
    assert pruned and all(TurnRecord.model_validate(p).pruned for p in pruned)
    (evidence,) = result.evidence
    assert evidence.threat_id == "jailbreak.automated-search" and evidence.n == 6 and evidence.failures == 0


def test_a_round_killed_mid_loop_resumes_with_no_duplicate_or_lost_turns(sqlite_env: Env) -> None:
    target = FakeTarget(latency_s=0.005)
    spec = _spec(target, 4)

    async def kill_midway() -> None:
        task = asyncio.create_task(run_round(spec, settings=sqlite_env.settings, store=sqlite_env.store))
        stored = 0
        for _ in range(5000):  # until some turns are stored (the writer flushes every 10 ms or 4 turns)
            await asyncio.sleep(0.002)
            with sqlite_env.store.session() as s:
                rounds = rounds_repo.list_rounds(s)
                stored = len(rounds_repo.list_attempts(s, rounds[0].id)) if rounds else 0
            if stored >= 8:
                break
        assert stored >= 8 and not task.done(), (
            f"{stored} turns stored, done={task.done()}, {target.calls} calls"
        )
        task.cancel()
        with pytest.raises(asyncio.CancelledError):
            await task

    asyncio.run(kill_midway())
    with sqlite_env.store.session() as s:
        (rnd,) = rounds_repo.list_rounds(s)
    before = _attempts(sqlite_env, rnd.id)
    assert rnd.status is RoundStatus.INTERRUPTED and 0 < len(before) < 40
    calls_before = target.calls

    resumed = _run(sqlite_env, _spec(target, 4))
    assert resumed.round_id == rnd.id and resumed.status is RoundStatus.COMPLETED
    after = _attempts(sqlite_env, rnd.id)
    keys = [(a.case_id, a.turn) for a in after]
    assert len(keys) == len(set(keys))  # no duplicates
    stored_before = {a.id: a for a in before}
    assert all(stored_before[a.id] == a for a in after if a.id in stored_before)  # nothing rewritten
    assert set(stored_before) <= {a.id for a in after}  # nothing lost
    for turns in _by_case(after).values():
        assert [a.turn for a in turns] == list(range(len(turns)))
    # The resumed run sent only turns that were not stored (each is stored once), none it had already.
    assert target.calls - calls_before == len(after) - len(before)

    # PAIR continues exactly where it stopped: the same turns as one uninterrupted run.
    fresh = _run(sqlite_env, _spec(FakeTarget(), 4, auto_resume=False, use_cache=False))
    fresh_attempts = _attempts(sqlite_env, fresh.round_id)
    with sqlite_env.store.session() as s:
        pair_cases = {c.id for c in rounds_repo.list_cases(s, rnd.id) if c.technique == "pair"}

    def pair_requests(attempts: list[Attempt]) -> dict[tuple[str, int], Conversation]:
        return {(a.case_id, a.turn): a.request for a in attempts if a.case_id in pair_cases}

    assert pair_requests(after) == pair_requests(fresh_attempts)
    assert len(pair_requests(after)) == 4 * 6


def test_a_white_box_search_against_a_black_box_target_refuses_naming_the_system(
    sqlite_env: Env,
) -> None:
    technique = RandomSearchSuffix()
    seed = Seed(id="s", text="a bad plan")
    cases = list(technique.expand(seed, technique.Params(), rng=random.Random(0)))
    spec = _spec(
        FakeTarget(),
        0,
        target_name="chatbot-prod",
        cases=cases,
        loops={technique.name: SuffixSearchLoop(technique)},
    )
    with pytest.raises(ConfigError, match="system 'chatbot-prod' is not white-box") as exc:
        _run(sqlite_env, spec)
    assert "\n" not in str(exc.value)
    with sqlite_env.store.session() as s:
        assert rounds_repo.list_rounds(s) == []  # refused before a round was opened


class RecordingTarget:
    """Remembers what each request carried: its deployment system prompt and generation parameters."""

    name = "recording"
    capabilities = Capabilities()

    def __init__(self, system_prompt: str | None = "Operator prompt.", log: list[Any] | None = None) -> None:
        self.system_prompt = system_prompt
        self.log: list[Any] = [] if log is None else log

    def identity(self) -> ModelIdentity:
        return ModelIdentity(provider="fake", name="recording", version="1")

    def reconfigured(self, options: dict[str, Any]) -> tuple[RecordingTarget, tuple[str, ...]]:
        if "system_prompt" not in options:
            return self, ()
        return RecordingTarget(options["system_prompt"] or None, self.log), ("system_prompt",)

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        self.log.append((self.system_prompt, conversation, params))
        return Response(text=f"Sure: {conversation.last_user_text[:20]}")

    async def aclose(self) -> None:
        return None


def test_run_overrides_reach_the_target_and_results_group_by_configuration(sqlite_env: Env) -> None:
    from redline.attacks.configuration import (
        GENERIC_PROMPT,
        Misconfiguration,
        MisconfigurationSweep,
        SweepParams,
    )
    from redline.engine.result import configuration_shifts, evidence_by_attribute

    sweep = MisconfigurationSweep()
    seeds = [Seed(id=f"s{i}", text=f"a bad plan {i}") for i in range(3)]
    cases = [c for s in seeds for c in sweep.expand(s, SweepParams(), rng=random.Random(0))]
    target = RecordingTarget()
    spec = RoundSpec(
        target=target,
        target_name="recording",
        cases=cases,
        cases_source={"sweep": 3},
        scorers=[ComplianceScorer()],
        pacing=PACING,
    )
    result = _run(sqlite_env, spec)
    assert result.attempts == len(cases) == 3 * len(Misconfiguration) == len(target.log)

    temperatures = Counter(params.temperature for _, _, params in target.log)
    assert temperatures == {0.0: 3 * (len(Misconfiguration) - 2), 1.3: 3, 2.0: 3}
    assert all(params.seed == 0 for _, _, params in target.log if params.temperature > 1)
    # the deployment's own system prompt removed for empty-system-prompt, replaced by the caller's
    # generic one for replaced-system-prompt
    emptied = [convo for prompt, convo, _ in target.log if prompt is None]
    systems = Counter(tuple(m.content for m in c.messages if m.role.value == "system") for c in emptied)
    assert systems == {(): 3, (GENERIC_PROMPT,): 3}
    assert sum(prompt == "Operator prompt." for prompt, _, _ in target.log) == len(cases) - 6

    attempts = _attempts(sqlite_env, result.round_id)
    with sqlite_env.store.session() as s:
        configs = {c.id: c.attributes["configuration"] for c in rounds_repo.list_cases(s, result.round_id)}
    recorded = {configs[a.case_id]: a.provenance.params["run_overrides"] for a in attempts if a.provenance}
    assert recorded["temperature-extreme"]["generation"]["temperature"] == 2.0
    assert recorded["empty-system-prompt"]["target_options_applied"] == ["system_prompt"]
    assert recorded["replaced-system-prompt"]["target_options_applied"] == ["system_prompt"]
    assert recorded["wrong-chat-template"]["target_options_not_applied"] == ["chat_template"]
    # Same messages, another temperature: another cache key, so neither answers for the other.
    keys: dict[tuple[str, str], str] = {}
    for a in attempts:
        if a.provenance is not None:
            keys[(a.case_id, configs[a.case_id])] = a.provenance.content_hash
    base = {k[0]: v for k, v in keys.items() if k[1] == "baseline"}
    hot = {k[0]: v for k, v in keys.items() if k[1] == "temperature-high"}
    assert len(set(base.values()) | set(hot.values())) == 6

    grouped = evidence_by_attribute(sqlite_env.store, result.round_id, "configuration")
    assert set(grouped) == {c.value for c in Misconfiguration}
    assert all(ev.n == 3 and ev.failures == 3 for ev in grouped.values())  # the fake always complies
    shifts = configuration_shifts(sqlite_env.store, result.round_id)
    assert {s.configuration for s in shifts} == set(grouped) and all(s.delta == 0 for s in shifts)

    # Run again as a new round: every case is answered from its own cache entry, the target untouched.
    again = _run(sqlite_env, replace(spec, cases=cases, auto_resume=False))
    assert again.run.cached == len(cases) and len(target.log) == len(cases)
