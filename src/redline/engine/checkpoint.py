"""Resume an interrupted round: what is already stored, and where each multi-turn conversation stands."""

from __future__ import annotations

import asyncio
import hashlib
import os
import socket
from dataclasses import dataclass
from typing import Any

from redline.attacks.base import MultiTurnStrategy, next_request
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, MessageRole
from redline.core.runs.rounds import Attempt, Round, RoundStatus
from redline.engine.scoring import should_score
from redline.store.repos import rounds as rounds_repo
from redline.store.session import Store


def runner_stamp() -> dict[str, Any]:
    """Which process runs a round now: recorded on the round when it starts running."""
    return {"host": socket.gethostname(), "pid": os.getpid()}


def live_runner(rnd: Round) -> int | None:
    """The id of a live process on this machine that is running `rnd`, or None.

    A round killed with SIGKILL stays RUNNING in the store; its recorded process is gone, so it can
    be resumed. A round whose process is still alive is being run: a second runner would send its
    cases again (the store keeps one attempt each, but the requests would be wasted).
    """
    stamp = rnd.config.get("runner")
    if rnd.status is not RoundStatus.RUNNING or not isinstance(stamp, dict):
        return None
    pid = stamp.get("pid")
    if stamp.get("host") != socket.gethostname() or not isinstance(pid, int) or pid == os.getpid():
        return None
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return None
    except PermissionError:
        return pid  # alive, owned by someone else
    return pid


def attempt_id(round_id: str, case_id: str, turn: int) -> str:
    """The deterministic id of an attempt: a re-run of the same turn collides instead of duplicating."""
    digest = hashlib.sha256(f"{round_id}\x1f{case_id}\x1f{turn}".encode()).hexdigest()
    return f"att_{digest[:32]}"


@dataclass(frozen=True)
class DoneState:
    """The highest stored turn of every case that has at least one attempt in the round."""

    last_turn: dict[str, int]

    @classmethod
    def load(cls, store: Store, round_id: str) -> DoneState:
        """Read the state of a round from the store."""
        with store.session() as session:
            keys = rounds_repo.done_keys(session, round_id)
        last: dict[str, int] = {}
        for case_id, turn in keys:
            if turn > last.get(case_id, -1):
                last[case_id] = turn
        return cls(last)

    @classmethod
    def empty(cls) -> DoneState:
        """The state of a new round."""
        return cls({})


@dataclass(frozen=True)
class ResumePoint:
    """Where a partly run conversation continues: the turn to send and the conversation to send."""

    turn: int
    conversation: Conversation


def stored_turns(store: Store, round_id: str, case_id: str) -> list[Attempt]:
    """A case's stored attempts in turn order (blocking: call it off the event loop)."""
    with store.session() as session:
        return rounds_repo.list_attempts(session, round_id, case_id=case_id)


async def resume_point(
    store: Store,
    round_id: str,
    case: AttackCase,
    *,
    last_turn: int,
    strategy: MultiTurnStrategy | None,
) -> ResumePoint | None:
    """The next turn of a case whose turns up to `last_turn` are stored, or None when it is complete.

    The history is rebuilt from the stored attempts (the last request plus its answer), and the
    strategy is asked again for the next message: strategies are deterministic given the case's seed.
    """
    nxt = last_turn + 1
    if strategy is None or nxt >= case.turns:
        return None
    attempts = await asyncio.to_thread(stored_turns, store, round_id, case.id)
    if not attempts or attempts[-1].turn != last_turn:
        return None
    last = attempts[-1]
    if not should_score(last.response):
        return None  # a transport error ended the conversation
    history = last.request.add(MessageRole.ASSISTANT, last.response.text)
    following = await next_request(strategy, case, history, turn=nxt)
    if following is None:
        return None
    return ResumePoint(turn=nxt, conversation=following)
