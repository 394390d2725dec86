"""Suffix-attack machinery: locate the suffix tokens, keep candidates re-tokenisable, record results.

Works on any `WhiteBoxTarget` (the `hf` adapter): the target computes losses and gradients on its
own worker thread and device (GPU when present); token ids here are plain ints.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass, field

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import TargetError
from redline.core.runs.conversation import Conversation
from redline.targets.base import Target, WhiteBoxTarget


class SuffixResult(BaseModel):
    """What a suffix search found and how the objective moved, step by step."""

    model_config = ConfigDict(frozen=True)

    method: str = Field(description="random-search or gcg.")
    prompt: str = Field(description="The request the suffix is appended to.")
    target_prefix: str = Field(description="The answer opening whose log-probability is maximised.")
    initial_suffix: str = Field(description="Suffix text before the search.")
    suffix: str = Field(description="Best suffix text found.")
    user_message: str = Field(
        description="The exact user message (request and suffix) whose tokens were optimised."
    )
    suffix_ids: tuple[int, ...] = Field(description="Token ids of the best suffix.")
    initial_logprob: float = Field(description="log p(target prefix | prompt + initial suffix).")
    best_logprob: float = Field(description="log p(target prefix | prompt + best suffix).")
    history: tuple[float, ...] = Field(
        description="Best log-probability after each step (index 0 = initial)."
    )
    steps: int = Field(description="Steps run.")
    evaluations: int = Field(description="Candidate suffixes scored by the model.")
    rejected_retokenisation: int = Field(
        description="Candidates dropped because their text re-tokenises differently."
    )
    seconds: float = Field(description="Wall time of the search.")

    @property
    def improved(self) -> bool:
        """Whether the search raised the target's log-probability."""
        return self.best_logprob > self.initial_logprob


def require_whitebox(target: Target) -> WhiteBoxTarget:
    """The target as a white-box target, or an error that says which adapter to configure."""
    if not (target.capabilities.whitebox and isinstance(target, WhiteBoxTarget)):
        raise TargetError(
            f"target '{target.name}' is not white-box; suffix attacks need a local model with open "
            "weights (target kind 'hf')"
        )
    return target


@dataclass
class SuffixProblem:
    """A templated prompt cut into [before][suffix][after], and the target continuation's token ids."""

    target: WhiteBoxTarget
    head: str
    system: str | None
    before: list[int]
    suffix: list[int]
    after: list[int]
    target_ids: list[int]
    token_ok_cache: dict[int, bool] = field(default_factory=dict)
    rejected: int = 0

    def ids(self, suffix: Sequence[int]) -> list[int]:
        """The whole input with `suffix` in place."""
        return [*self.before, *suffix, *self.after]

    @property
    def span(self) -> tuple[int, int]:
        """Positions of the suffix tokens."""
        return len(self.before), len(self.before) + len(self.suffix)

    def user_text(self, suffix_text: str) -> str:
        """The user message with this suffix text."""
        return self.head + suffix_text

    def conversation(self, suffix_text: str) -> Conversation:
        """The conversation as a text prompt with this suffix."""
        return Conversation.of(self.user_text(suffix_text), system=self.system)

    async def losses(self, suffixes: Sequence[Sequence[int]]) -> list[float]:
        """Mean cross-entropy of the target continuation after each suffix."""
        return await self.target.target_losses([self.ids(s) for s in suffixes], self.target_ids)

    def logprob(self, loss: float) -> float:
        """Total log-probability of the target continuation from its mean cross-entropy."""
        return -loss * len(self.target_ids)

    async def token_ok(self, token: int) -> bool:
        """Whether a token is plain printable ASCII text (no special or control tokens)."""
        cached = self.token_ok_cache.get(token)
        if cached is None:
            text = await self.target.decode([token])
            cached = bool(text.strip()) and text.isascii() and text.isprintable() and "<|" not in text
            self.token_ok_cache[token] = cached
        return cached

    async def random_token(self, rng: random.Random, vocab: int) -> int:
        """A random allowed token."""
        for _ in range(200):
            token = rng.randrange(vocab)
            if await self.token_ok(token):
                return token
        raise TargetError("could not find a printable token in 200 draws; is the tokenizer unusual?")

    async def consistent(self, suffix: Sequence[int]) -> bool:
        """Whether the suffix, written out as text, encodes back to these exact tokens."""
        text = await self.target.decode(list(suffix))
        ok = await self.target.encode(self.conversation(text)) == self.ids(suffix)
        if not ok:
            self.rejected += 1
        return ok

    async def text(self, suffix: Sequence[int]) -> str:
        """The suffix as text."""
        return await self.target.decode(list(suffix))


async def setup(
    target: WhiteBoxTarget, *, prompt: str, suffix_text: str, target_prefix: str, system: str | None = None
) -> tuple[SuffixProblem, int]:
    """Locate the suffix in the templated prompt; also returns the vocabulary size.

    Byte-level tokenizers glue the separating space to the first suffix token, so the tokens wholly
    inside the suffix can start a little later than its text; the user message is split at the text
    those tokens decode to, which must end it.
    """
    user = f"{prompt} {suffix_text}"
    grads = await target.gradients(Conversation.of(user, system=system), target_prefix, span=suffix_text)
    start, end = grads.span
    ids = list(grads.input_ids)
    tail = await target.decode(ids[start:end])
    if not tail or not user.endswith(tail):
        raise TargetError(f"the suffix tokens decode to {tail!r}, which does not end the user message")
    problem = SuffixProblem(
        target=target,
        head=user[: len(user) - len(tail)],
        system=system,
        before=ids[:start],
        suffix=ids[start:end],
        after=ids[end:],
        target_ids=list(grads.target_ids),
    )
    return problem, int(grads.grad.shape[1])
