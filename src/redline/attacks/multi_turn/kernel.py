"""The attack-loop kernel: budget, exchange, judging, recording and finishing, written once.

An attacker algorithm (PAIR, TAP, Crescendo, best-of-N) is an `Algorithm`: it decides what to send
and hands each prompt to `Exchanges.exchange`, which charges the token budget, sends the prompt to
the target, has the judge score the answer, records the turn and stops the loop on success. Running
out of tokens or reaching the success threshold raises `Finished`, which the kernel turns into the
transcript; the algorithm returns a `StopReason` only when it ends on its own (turns, exhausted).
A technique gets its `run` from `AttackerLoopBase` and writes only `algorithm`.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Iterator
from typing import Any, ClassVar, Unpack

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.base import LoopInputs, TechniqueKind, make_case, rng_seed_of
from redline.attacks.multi_turn.judging import Judge, judge_response, judged_case
from redline.attacks.multi_turn.records import (
    AttackBudget,
    AttackTranscript,
    Recorder,
    StopReason,
    TurnRecord,
    finish,
    record,
    tokens_of,
)
from redline.attacks.templating import TechniqueBase, as_request
from redline.core.runs.cases import AttackCase, Seed
from redline.core.runs.conversation import Conversation, GenerationParams, Response
from redline.targets.base import Target


class LoopParams(BaseModel):
    """Parameters every attacker loop has: its budget (techniques set their own default)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    budget: AttackBudget = Field(default_factory=AttackBudget, description="Turns, branches and tokens.")


class Finished(Exception):
    """Raised inside an algorithm by the kernel when the loop must end (success or token budget)."""

    def __init__(self, reason: StopReason) -> None:
        super().__init__(reason.value)
        self.reason = reason


class Exchanges:
    """One attack's bookkeeping: the turns so far, the budget, and every exchange with the target."""

    def __init__(
        self,
        technique: str,
        objective: str,
        target: Target,
        judge: Judge,
        budget: AttackBudget,
        *,
        recorder: Recorder | None = None,
        resume: AttackTranscript | None = None,
        params: BaseModel | None = None,
    ) -> None:
        self.technique = technique
        self.objective = objective
        self.target = target
        self.judge = judge
        self.budget = budget
        self.recorder = recorder
        self.params = params if params is not None else LoopParams(budget=budget)
        self.turns: list[TurnRecord] = list(resume.turns) if resume else []
        self.target_params = GenerationParams(temperature=0.0, max_tokens=budget.target_max_tokens)

    @property
    def succeeded(self) -> bool:
        """A turn so far reached the success threshold."""
        return any((t.score or 0.0) >= self.budget.success_threshold for t in self.turns)

    def charge(self) -> None:
        """Raise `Finished(TOKENS)` when the token budget is spent; call before each new attempt."""
        if sum(t.tokens for t in self.turns) >= self.budget.max_tokens:
            raise Finished(StopReason.TOKENS)

    async def add(self, turn: TurnRecord) -> TurnRecord:
        """Keep a turn and hand it to the recorder at once (a resumed loop finds it stored)."""
        self.turns.append(turn)
        await record(self.recorder, turn)
        return turn

    async def exchange(
        self,
        sent: Conversation,
        *,
        tokens: int = 0,
        mark: Callable[[Response, float], dict[str, Any]] | None = None,
        **fields: Any,
    ) -> TurnRecord:
        """Send `sent`, judge the answer, record the turn; raises `Finished(SUCCESS)` on success.

        `tokens` are what was spent before the exchange (attacker, topic check); `fields` fill the
        turn's record (stream, depth, improvement...); `mark` adds fields that depend on the answer.
        """
        prompt = sent.last_user_text
        response = await self.target.send(sent, params=self.target_params)
        value, rationale, judged = await judge_response(
            self.judge, judged_case(self.technique, self.objective, sent), response
        )
        turn = TurnRecord.model_validate(
            {
                "index": len(self.turns),
                "prompt": prompt,
                "response": response.text,
                "score": value,
                "rationale": rationale,
                "tokens": tokens + tokens_of(prompt, response) + judged,
                "error": None if response.ok else (response.error_detail or str(response.error)),
                **fields,
                **(mark(response, value) if mark is not None else {}),
            }
        )
        await self.add(turn)
        if value >= self.budget.success_threshold:
            raise Finished(StopReason.SUCCESS)
        return turn

    def finish(self, stop: StopReason) -> AttackTranscript:
        """The transcript of the loop, ended for `stop`."""
        return finish(
            self.technique, self.objective, self.turns, threshold=self.budget.success_threshold, stop=stop
        )


Algorithm = Callable[[Exchanges, Target | None, int], Awaitable[StopReason]]
"""(exchanges, attacker model or None, seed) -> why the loop ended on its own."""


async def drive(
    algorithm: Algorithm, exchanges: Exchanges, attacker: Target | None, seed: int
) -> AttackTranscript:
    """Run an algorithm to its end; a resumed loop that already succeeded sends nothing more."""
    if exchanges.succeeded:
        return exchanges.finish(StopReason.SUCCESS)
    try:
        stop = await algorithm(exchanges, attacker, seed)
    except Finished as done:
        stop = done.reason
    return exchanges.finish(stop)


async def run_loop(
    technique: str,
    algorithm: Algorithm,
    objective: str,
    target: Target,
    attacker: Target | None,
    judge: Judge,
    budget: AttackBudget,
    *,
    recorder: Recorder | None = None,
    resume: AttackTranscript | None = None,
    seed: int = 0,
    params: BaseModel | None = None,
) -> AttackTranscript:
    """The loop of `algorithm` for one objective; `functools.partial` it into a technique's runner.

    `params` are the technique's own (an algorithm reads its other settings there).
    """
    exchanges = Exchanges(
        technique, objective, target, judge, budget, recorder=recorder, resume=resume, params=params
    )
    return await drive(algorithm, exchanges, attacker, seed)


class AttackerLoopBase(TechniqueBase):
    """Base of attacker-loop techniques: one case per seed, and `run` through the kernel.

    A subclass sets `name`, `threats`, `source`, `Params` (a `LoopParams`) and writes `algorithm`.
    """

    kind = TechniqueKind.ATTACKER_LOOP
    Params: ClassVar[type[BaseModel]] = LoopParams
    needs_attacker: ClassVar[bool] = True
    """False for a search that writes its own requests (Best-of-N): it runs without an attacker model."""

    def budget_of(self, params: BaseModel) -> AttackBudget:
        """The loop's budget from its parameters."""
        typed = self.typed(params, self.Params)
        assert isinstance(typed, LoopParams)
        return typed.budget

    def first_message(self, seed: Seed) -> str:
        """The case's first user message: the plain request."""
        return as_request(seed.text)

    def expand(self, seed: Seed, params: BaseModel, *, rng: random.Random) -> Iterator[AttackCase]:
        """One case holding the objective; the loop runs in `run`."""
        p = self.typed(params, self.Params)
        yield make_case(
            self,
            seed,
            Conversation.of(self.first_message(seed)),
            params=p,
            rng_seed=rng_seed_of(rng),
            turns=self.budget_of(p).max_turns,
        )

    async def algorithm(self, ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        """The attack itself: what to send next, from the turns so far."""
        raise NotImplementedError

    async def run(self, case: AttackCase, **inputs: Unpack[LoopInputs]) -> AttackTranscript:
        """Attack until success or the budget runs out; the transcript of every turn."""
        return await run_loop(
            self.name,
            self.algorithm,
            case.objective,
            inputs["target"],
            inputs["attacker"],
            inputs["judge"],
            self.budget_of(inputs["params"]),
            recorder=inputs.get("recorder"),
            resume=inputs.get("resume"),
            seed=case.rng_seed or 0,
            params=inputs["params"],
        )
