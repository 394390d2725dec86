"""Attack loops run inside a round: PAIR and TAP (attacker model), and white-box suffix searches.

A loop drives its own conversation with the target, but every exchange it makes goes through the
round's scheduler (pacing, retries, budgets) and is handed to the engine as a `LoopTurn`, which the
engine stores as the case's next attempt, with its scores. What the loop needs to continue (stream,
depth, judge score, TAP nodes pruned before the exchange) travels in the attempt's provenance, so a
round killed mid-loop resumes from the stored turns: the loop is given back its transcript and goes on.
"""

from __future__ import annotations

import random
from collections.abc import Awaitable, Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar, Protocol

from pydantic import BaseModel

from redline.attacks.base import AttackerLoopTechnique, TechniqueKind
from redline.attacks.multi_turn.judging import Judge
from redline.attacks.multi_turn.records import AttackTranscript, StopReason, TurnRecord
from redline.attacks.templating import as_request
from redline.attacks.whitebox.search import SuffixParams
from redline.attacks.whitebox.suffix import SuffixResult, require_whitebox
from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, GenerationParams, Response
from redline.core.runs.rounds import Attempt
from redline.targets.base import Capabilities, Target, WhiteBoxTarget

LOOP_KEY = "loop"  # where an attempt's provenance params carry the loop's own record of the turn

Send = Callable[[Conversation, GenerationParams | None], Awaitable[Response]]
Emit = Callable[["LoopTurn"], Awaitable[None]]


@dataclass(frozen=True)
class LoopTurn:
    """One exchange a loop made with the target, ready to be stored as an attempt."""

    request: Conversation
    response: Response
    record: dict[str, Any]


class CaseLoop(Protocol):
    """A loop the engine runs for each case of its technique, storing every exchange as an attempt."""

    @property
    def name(self) -> str:
        """The technique's registered name."""
        ...

    @property
    def whitebox(self) -> bool:
        """True when the loop searches the target's weights (it needs a white-box target)."""
        ...

    def done(self, case: AttackCase, stored: Sequence[Attempt]) -> bool:
        """True when the stored attempts already hold the whole loop (nothing left to run)."""
        ...

    async def run(
        self, case: AttackCase, *, target: Target, send: Send, stored: Sequence[Attempt], emit: Emit
    ) -> None:
        """Run (or continue, after `stored`) the loop; each exchange is handed to `emit` in order."""
        ...


def params_of(technique: Any, case: AttackCase) -> BaseModel:
    """The technique's parameters as recorded on the case (fields the technique does not know dropped)."""
    model: type[BaseModel] = technique.Params
    return model.model_validate({k: v for k, v in case.params.items() if k in model.model_fields})


def loop_record(attempt: Attempt) -> dict[str, Any] | None:
    """The loop's record of a stored attempt, or None (e.g. a failure the case guard stored)."""
    found = attempt.provenance.params.get(LOOP_KEY) if attempt.provenance is not None else None
    return found if isinstance(found, dict) else None


def transcript_of(technique: str, objective: str, stored: Sequence[Attempt]) -> AttackTranscript | None:
    """The transcript rebuilt from a case's stored attempts; None when one holds no loop record."""
    turns: list[TurnRecord] = []
    for attempt in stored:
        record = loop_record(attempt)
        if record is None or not isinstance(record.get("turn"), dict):
            return None
        turns.extend(TurnRecord.model_validate(p) for p in record.get("pruned_before", ()))
        turns.append(
            TurnRecord.model_validate(
                {
                    **record["turn"],
                    "prompt": attempt.request.last_user_text,
                    "response": attempt.response.text,
                }
            )
        )
    return AttackTranscript(
        technique=technique, objective=objective, turns=tuple(turns), stop_reason=StopReason.TURNS
    )


class _RecordingTarget:
    """The system under test as a loop sees it: every send goes through the engine and is remembered."""

    def __init__(self, target: Target, send: Send) -> None:
        self.name = target.name
        self.capabilities: Capabilities = target.capabilities
        self._target = target
        self._send = send
        self.exchanges: list[tuple[Conversation, Response]] = []

    def identity(self) -> ModelIdentity:
        """The wrapped target's identity."""
        return self._target.identity()

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Send through the engine's scheduler and remember the exchange."""
        response = await self._send(conversation, params)
        self.exchanges.append((conversation, response))
        return response

    async def aclose(self) -> None:
        """The engine closes the real target."""


class AttackerLoop:
    """PAIR or TAP for each case, with the workspace's attacker model and a judge steering it."""

    whitebox: ClassVar[bool] = False

    def __init__(self, technique: AttackerLoopTechnique, *, attacker: Target | None, judge: Judge) -> None:
        self.technique = technique
        self.name = technique.name
        self.attacker = attacker
        self.judge = judge

    def done(self, case: AttackCase, stored: Sequence[Attempt]) -> bool:
        """Never known from the turns alone: the loop decides on resume (and sends nothing if done)."""
        return bool(stored) and transcript_of(self.name, case.objective, stored) is None

    async def run(
        self, case: AttackCase, *, target: Target, send: Send, stored: Sequence[Attempt], emit: Emit
    ) -> None:
        """Run the technique's loop; each judged exchange is emitted with the nodes pruned before it."""
        resume = transcript_of(self.name, case.objective, stored) if stored else None
        sending = _RecordingTarget(target, send)
        pruned: list[dict[str, Any]] = []

        async def recorder(turn: TurnRecord) -> None:
            if turn.pruned:  # never reached the target: it rides on the next exchange's record
                pruned.append(turn.model_dump(mode="json"))
                return
            if not sending.exchanges:
                raise ConfigError(f"{self.name} recorded a turn that sent nothing to the target")
            request, response = sending.exchanges[-1]
            sending.exchanges.clear()
            record = {
                "technique": self.name,
                "turn": turn.model_dump(mode="json", exclude={"prompt", "response"}),
                "pruned_before": list(pruned),
            }
            pruned.clear()
            await emit(LoopTurn(request, response, record))

        await self.technique.run(
            case,
            target=sending,
            attacker=self.attacker,
            judge=self.judge,
            params=params_of(self.technique, case),
            recorder=recorder,
            resume=resume,
        )


class _Searcher(Protocol):
    name: ClassVar[str]
    Params: ClassVar[type[BaseModel]]

    async def search(
        self, target: Target, *, prompt: str, params: SuffixParams, rng: random.Random, target_prefix: str
    ) -> SuffixResult: ...


class SuffixSearchLoop:
    """A white-box suffix search (random search, GCG) on the target's weights, then the found prompt sent."""

    whitebox: ClassVar[bool] = True

    def __init__(self, technique: _Searcher) -> None:
        self.technique = technique
        self.name = technique.name

    def done(self, case: AttackCase, stored: Sequence[Attempt]) -> bool:
        """One attempt per case: stored means done."""
        return bool(stored)

    async def run(
        self, case: AttackCase, *, target: Target, send: Send, stored: Sequence[Attempt], emit: Emit
    ) -> None:
        """Search within the step's budget (steps, batch, seconds), then send the optimised prompt."""
        if stored:
            return
        params = params_of(self.technique, case)
        assert isinstance(params, SuffixParams)
        prompt = as_request(case.objective)
        prefix = str(case.params.get("target_prefix") or params.target_prefix)
        result = await self.technique.search(
            require_whitebox(target),
            prompt=prompt,
            params=params,
            rng=random.Random(case.rng_seed or 0),
            target_prefix=prefix,
        )
        user = result.user_message or f"{prompt} {result.suffix.lstrip()}"
        request = Conversation.of(user, system=params.system_prompt)
        response = await send(request, None)
        record = {"technique": self.name, "search": result.model_dump(mode="json")}
        await emit(LoopTurn(request, response, record))


def is_loop(cls: Any) -> bool:
    """Whether a registered technique runs as a loop in rounds (attacker loops, white-box searches)."""
    kind = getattr(cls, "kind", None)
    if kind is TechniqueKind.ATTACKER_LOOP:
        return callable(getattr(cls, "run", None))
    return kind is TechniqueKind.WHITE_BOX and callable(getattr(cls, "search", None))


def loop_of(technique: Any, *, attacker: Target | None, judge: Judge | None) -> CaseLoop:
    """The loop that runs a loop technique (`is_loop`); an attacker loop without an attacker refuses.

    Techniques are found by name in `engine.components`, the one place that builds components.
    """
    from redline.engine.models import missing_attacker

    kind = getattr(technique, "kind", None)
    name = str(getattr(technique, "name", technique))
    instance = technique() if isinstance(technique, type) else technique
    if kind is TechniqueKind.WHITE_BOX and callable(getattr(instance, "search", None)):
        return SuffixSearchLoop(instance)
    if kind is not TechniqueKind.ATTACKER_LOOP or not callable(getattr(instance, "run", None)):
        raise ConfigError(
            f"technique '{name}' does not run as a loop (an attacker loop or a white-box search)"
        )
    if attacker is None and getattr(instance, "needs_attacker", True):
        raise ConfigError(missing_attacker(name))
    if judge is None:
        raise ConfigError(f"technique '{name}' needs a judge (a judge model or a scorer) to steer it")
    return AttackerLoop(instance, attacker=attacker, judge=judge)


def require_whitebox_loops(loops: Mapping[str, CaseLoop], target: Target, *, system: str) -> None:
    """Refuse, before anything is sent, white-box searches against a target without open weights."""
    needing = sorted(name for name, loop in loops.items() if loop.whitebox)
    if needing and not (target.capabilities.whitebox and isinstance(target, WhiteBoxTarget)):
        raise ConfigError(
            f"{', '.join(needing)} search a model's weights, and system '{system}' is not white-box; "
            "run them against a local model with open weights (target kind 'hf', which also loads a .gguf)"
        )
