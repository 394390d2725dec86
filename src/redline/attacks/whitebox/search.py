"""Two suffix searches on a white-box target: log-probability-guided random search, and GCG.

Random search follows Andriushchenko, Croce and Flammarion 2024, "Jailbreaking Leading
Safety-Aligned LLMs with Simple Adaptive Attacks" (arXiv:2404.02151): change a few random suffix
tokens, keep the change if the log-probability of the target opening rises. GCG follows Zou et al.
2023, "Universal and Transferable Adversarial Attacks on Aligned Language Models" (arXiv:2307.15043):
rank token swaps by the gradient of the loss with respect to one-hot inputs, try a batch of the
best-ranked swaps, move to the best candidate. Both keep only candidates whose text re-tokenises to
the same ids, so the result is a prompt that can really be sent.
"""

from __future__ import annotations

import random
import time

from pydantic import BaseModel, ConfigDict, Field

from redline.attacks.whitebox.suffix import SuffixProblem, SuffixResult, setup
from redline.targets.base import WhiteBoxTarget


class SuffixParams(BaseModel):
    """Budget and shape of a suffix search."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    target_prefix: str = Field(
        default="Sure, here is",
        description="Answer opening to make likely (a seed's target_prefix overrides it).",
    )
    suffix_tokens: int = Field(
        default=12, ge=2, le=64, description="Length of the suffix in '!' tokens at the start."
    )
    steps: int = Field(default=20, ge=1, le=2000, description="Search steps.")
    batch: int = Field(default=8, ge=1, le=512, description="Candidates scored per step.")
    topk: int = Field(
        default=64, ge=1, le=4096, description="GCG: best-ranked tokens per position to sample from."
    )
    change_tokens: int = Field(
        default=3, ge=1, le=16, description="Random search: tokens changed per candidate at first."
    )
    max_seconds: float = Field(default=120.0, gt=0, description="Stop after this much wall time.")
    system_prompt: str | None = Field(default=None, description="System prompt the target runs with.")


async def _start(
    target: WhiteBoxTarget, prompt: str, params: SuffixParams, target_prefix: str
) -> tuple[SuffixProblem, int, str]:
    initial = " ".join(["!"] * params.suffix_tokens)
    problem, vocab = await setup(
        target, prompt=prompt, suffix_text=initial, target_prefix=target_prefix, system=params.system_prompt
    )
    return problem, vocab, initial


async def _result(
    method: str,
    problem: SuffixProblem,
    prompt: str,
    prefix: str,
    initial: str,
    best: list[int],
    history: list[float],
    evaluations: int,
    started: float,
) -> SuffixResult:
    return SuffixResult(
        method=method,
        prompt=prompt,
        target_prefix=prefix,
        initial_suffix=await problem.text(problem.suffix),
        suffix=await problem.text(best),
        user_message=problem.user_text(await problem.text(best)),
        suffix_ids=tuple(best),
        initial_logprob=history[0],
        best_logprob=max(history),
        history=tuple(history),
        steps=len(history) - 1,
        evaluations=evaluations,
        rejected_retokenisation=problem.rejected,
        seconds=time.perf_counter() - started,
    )


async def random_search(
    target: WhiteBoxTarget,
    *,
    prompt: str,
    params: SuffixParams,
    rng: random.Random,
    target_prefix: str | None = None,
) -> SuffixResult:
    """Random search on the suffix, accepting only changes that raise log p(target prefix)."""
    started = time.perf_counter()
    prefix = target_prefix or params.target_prefix
    problem, vocab, initial = await _start(target, prompt, params, prefix)
    best = list(problem.suffix)
    best_loss = (await problem.losses([best]))[0]
    history = [problem.logprob(best_loss)]
    evaluations = 1
    for step in range(params.steps):
        if time.perf_counter() - started > params.max_seconds:
            break
        # The number of changed tokens shrinks as the search goes on (coarse first, then fine).
        n_change = max(1, round(params.change_tokens * (1 - step / params.steps)))
        candidates = []
        for _ in range(params.batch):
            cand = list(best)
            pos = rng.randrange(max(1, len(cand) - n_change + 1))
            for j in range(pos, min(len(cand), pos + n_change)):
                cand[j] = await problem.random_token(rng, vocab)
            if await problem.consistent(cand):
                candidates.append(cand)
        if candidates:
            losses = await problem.losses(candidates)
            evaluations += len(candidates)
            i = min(range(len(losses)), key=losses.__getitem__)
            if losses[i] < best_loss:
                best, best_loss = candidates[i], losses[i]
        history.append(problem.logprob(best_loss))
    return await _result(
        "random-search", problem, prompt, prefix, initial, best, history, evaluations, started
    )


async def _top_tokens(problem: SuffixProblem, ranked: list[int], k: int) -> list[int]:
    """The first `k` allowed tokens of a ranking (lowest gradient first)."""
    chosen: list[int] = []
    for token in ranked:
        if await problem.token_ok(token):
            chosen.append(token)
            if len(chosen) == k:
                break
    return chosen


async def gcg(
    target: WhiteBoxTarget,
    *,
    prompt: str,
    params: SuffixParams,
    rng: random.Random,
    target_prefix: str | None = None,
) -> SuffixResult:
    """Greedy coordinate gradient: gradient-ranked single-token swaps, best candidate of each batch kept."""
    started = time.perf_counter()
    prefix = target_prefix or params.target_prefix
    problem, _, initial = await _start(target, prompt, params, prefix)
    current = list(problem.suffix)
    current_loss = (await problem.losses([current]))[0]
    best, best_loss = list(current), current_loss
    history = [problem.logprob(best_loss)]
    evaluations = 1
    for _ in range(params.steps):
        if time.perf_counter() - started > params.max_seconds:
            break
        grads = await target.input_gradients(
            problem.ids(current), span=problem.span, target_ids=problem.target_ids
        )
        grad = grads.grad
        ranked = grad.topk(min(int(grad.shape[1]), max(8 * params.topk, 256)), dim=1, largest=False).indices
        tops = [await _top_tokens(problem, row, params.topk) for row in ranked.tolist()]
        candidates = []
        for _ in range(params.batch):
            cand = list(current)
            pos = rng.randrange(len(cand))
            if tops[pos]:
                cand[pos] = rng.choice(tops[pos])
            if cand != current and await problem.consistent(cand):
                candidates.append(cand)
        if candidates:
            losses = await problem.losses(candidates)
            evaluations += len(candidates)
            i = min(range(len(losses)), key=losses.__getitem__)
            current, current_loss = candidates[i], losses[i]
            if current_loss < best_loss:
                best, best_loss = list(current), current_loss
        history.append(problem.logprob(best_loss))
    return await _result("gcg", problem, prompt, prefix, initial, best, history, evaluations, started)
