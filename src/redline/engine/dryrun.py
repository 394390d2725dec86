"""Dry runs: the cases, requests, tokens (and cost) a round will take, without calling the target."""

from __future__ import annotations

import asyncio

from pydantic import BaseModel, ConfigDict, Field

from redline.config.settings import TargetConfig
from redline.core.runs.cases import AttackCase
from redline.engine.cache import CacheKeyer, ResponseCache
from redline.engine.checkpoint import DoneState
from redline.engine.round import target_from_environment
from redline.engine.scheduler import conversation_chars, estimate_tokens
from redline.engine.spec import RoundSpec, spec_hash, target_fingerprint
from redline.store.repos import rounds as rounds_repo
from redline.store.session import Store

_CHUNK = 500


class RoundEstimate(BaseModel):
    """What a round would take; tokens are estimated at four characters a token."""

    model_config = ConfigDict(frozen=True)

    cases: int = Field(description="Distinct cases in the round.")
    done: int = Field(default=0, description="Cases an unfinished round with the same spec already ran.")
    cached: int = Field(default=0, description="First turns the response cache would answer.")
    requests: int = Field(description="Requests to send (at most: multi-turn strategies may stop early).")
    prompt_tokens: int = Field(description="Estimated prompt tokens.")
    completion_tokens: int = Field(description="Completion tokens at most (max_tokens per request).")
    cost: float | None = Field(default=None, description="Estimated cost, when prices are configured.")
    resume_round: str | None = Field(default=None, description="The round a real run would continue.")


async def estimate_round(spec: RoundSpec, *, store: Store) -> RoundEstimate:
    """Count a round's cases and requests; cache hits and cases already done are subtracted."""
    target = (
        target_from_environment(spec.target, name=spec.target_name)
        if isinstance(spec.target, TargetConfig)
        else spec.target
    )
    try:
        identity = target.identity()
    finally:
        if isinstance(spec.target, TargetConfig):
            await target.aclose()
    fingerprint = target_fingerprint(spec, identity)
    resume = await asyncio.to_thread(_resumable, store, spec, spec_hash(spec, target_fp=fingerprint))
    done = await asyncio.to_thread(DoneState.load, store, resume) if resume else DoneState.empty()
    cache = ResponseCache(store, CacheKeyer(fingerprint, spec.generation_params()), read=spec.use_cache)
    max_tokens = spec.params.max_tokens
    counts = {"cases": 0, "done": 0, "cached": 0, "requests": 0, "prompt": 0, "completion": 0}
    seen: set[str] = set()
    chunk: list[AttackCase] = []

    async def tally(batch: list[AttackCase]) -> None:
        keys = {c.id: cache.keyer.key(c.conversation) for c in batch}
        hits = await cache.lookup(list(keys.values()))
        for case in batch:
            turns = case.turns if case.technique in spec.strategies else 1
            first = estimate_tokens(conversation_chars(case.conversation))
            if keys[case.id] in hits:
                counts["cached"] += 1
                turns -= 1
            counts["requests"] += turns
            # each later turn resends the history: earlier prompts plus answers of up to max_tokens
            counts["prompt"] += sum(first + k * (first + max_tokens) for k in range(turns))
            counts["completion"] += turns * max_tokens

    for case in spec.cases:
        if case.id in seen:
            continue
        seen.add(case.id)
        counts["cases"] += 1
        if case.id in done.last_turn:
            counts["done"] += 1
            continue
        chunk.append(case)
        if len(chunk) >= _CHUNK:
            await tally(chunk)
            chunk = []
    await tally(chunk)
    cost = None
    if spec.pricing is not None:
        cost = round(spec.pricing.cost(counts["prompt"], counts["completion"]), 6)
    return RoundEstimate(
        cases=counts["cases"],
        done=counts["done"],
        cached=counts["cached"],
        requests=counts["requests"],
        prompt_tokens=counts["prompt"],
        completion_tokens=counts["completion"],
        cost=cost,
        resume_round=resume,
    )


def _resumable(store: Store, spec: RoundSpec, shash: str | None) -> str | None:
    with store.session() as session:
        if spec.resume is not None:
            return rounds_repo.get_round(session, spec.resume).id
        if spec.auto_resume and shash is not None:
            found = rounds_repo.find_resumable(session, shash)
            return found.id if found else None
    return None
