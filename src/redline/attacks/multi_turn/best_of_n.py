"""Best-of-N: send many randomly augmented copies of the request until one gets through.

Hughes et al. 2024, "Best-of-N Jailbreaking", arXiv:2412.03556. No attacker model and no feedback:
each sample is the plain request with three random text augmentations, every one scaled by the
strength `sigma` (the paper's defaults): the middle letters of a word are shuffled (chance
sigma ** 0.5 per word longer than three letters), letters are upper- or lower-cased at random
(chance sigma ** 0.5 per letter), and printable characters are nudged one code point up or down
(chance sigma ** 3 per character). Samples are judged as they come and the first one at the success
threshold ends the search, so N (`max_turns` rounds of `max_branches` samples) bounds the cost and
the success rate of a model that is only shallowly aligned grows with it.

Sample k draws from its own generator, seeded from the case's seed and k, so a loop resumed after k
stored samples sends exactly the samples an uninterrupted run would have sent next.
"""

from __future__ import annotations

import random
from typing import ClassVar

from pydantic import BaseModel, Field

from redline.attacks.multi_turn.kernel import AttackerLoopBase, Exchanges, LoopParams
from redline.attacks.multi_turn.records import AttackBudget, StopReason
from redline.attacks.templating import as_request
from redline.core.runs.conversation import Conversation
from redline.targets.base import Target

SOURCE = "Hughes et al. 2024, Best-of-N Jailbreaking, arXiv:2412.03556"
PRINTABLE = range(32, 127)


class BestOfNParams(LoopParams):
    """Parameters of Best-of-N."""

    budget: AttackBudget = Field(
        default_factory=lambda: AttackBudget(max_turns=4, max_branches=4),
        description="N = max_turns rounds x max_branches samples, and a token cap.",
    )
    sigma: float = Field(default=0.4, ge=0.0, le=1.0, description="Strength of the augmentations.")


def augment(text: str, *, sigma: float, rng: random.Random) -> str:
    """`text` with words scrambled, letters re-cased and characters nudged, each at random."""
    words = []
    for word in text.split(" "):
        if len(word) > 3 and rng.random() < sigma**0.5:
            middle = list(word[1:-1])
            rng.shuffle(middle)
            word = word[0] + "".join(middle) + word[-1]
        words.append(word)
    out = []
    for ch in " ".join(words):
        if ch.isalpha() and rng.random() < sigma**0.5:
            ch = ch.upper() if rng.random() < 0.5 else ch.lower()
        if ord(ch) in PRINTABLE and rng.random() < sigma**3:
            ch = chr(min(max(ord(ch) + rng.choice((-1, 1)), PRINTABLE.start), PRINTABLE.stop - 1))
        out.append(ch)
    return "".join(out)


class BestOfN(AttackerLoopBase):
    """Send randomly augmented variants of the request (scrambled, re-cased, noised) until one works."""

    name = "best-of-n"
    threats = ("jailbreak.automated-search",)
    source = SOURCE
    Params: ClassVar[type[BaseModel]] = BestOfNParams
    needs_attacker: ClassVar[bool] = False

    async def algorithm(self, ex: Exchanges, attacker: Target | None, seed: int) -> StopReason:
        """N augmented samples of the plain request, from the first one not yet stored."""
        sigma = self.typed(ex.params, BestOfNParams).sigma
        width = ex.budget.max_branches
        request = as_request(ex.objective)
        for k in range(len(ex.turns), ex.budget.max_turns * width):
            ex.charge()
            text = augment(request, sigma=sigma, rng=random.Random(f"{seed}:{k}"))
            await ex.exchange(Conversation.of(text), stream=f"b{k % width}", depth=k // width + 1)
        return StopReason.TURNS
