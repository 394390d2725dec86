"""Uncertainty from token log-probabilities: how sure the model was of the answer it gave.

Reads `Response.logprobs` (any target that returns them: gguf, hf, OpenAI-compatible APIs). Entropy
is computed over the returned top alternatives, renormalised with the leftover mass as one extra
outcome, so it is a lower bound on the true next-token entropy; a white-box target gives the exact
value through `WhiteBoxTarget.entropy`.
"""

from __future__ import annotations

import math

from pydantic import BaseModel, ConfigDict, Field

from redline.core.runs.conversation import Response, TokenLogprob


class AnswerUncertainty(BaseModel):
    """Confidence signals of one answer."""

    model_config = ConfigDict(frozen=True)

    tokens: int = Field(description="Answer tokens with log-probabilities.")
    mean_logprob: float = Field(description="Mean log-probability of the chosen tokens.")
    min_logprob: float = Field(description="Lowest log-probability of a chosen token.")
    sequence_prob: float = Field(description="Probability of the whole answer (exp of the summed log-probs).")
    mean_entropy: float = Field(description="Mean entropy (nats) over positions, from the top alternatives.")
    first_entropy: float = Field(
        description="Entropy at the first answer token, where the answer is decided."
    )


def token_entropy(token: TokenLogprob) -> float:
    """Entropy (nats) of one position from its top alternatives plus the leftover mass."""
    probs = [math.exp(v) for v in token.top.values()] or [math.exp(token.logprob)]
    rest = max(0.0, 1.0 - sum(probs))
    return -sum(p * math.log(p) for p in [*probs, rest] if p > 0)


def answer_uncertainty(response: Response) -> AnswerUncertainty | None:
    """The answer's confidence signals, or None when the target gave no log-probabilities."""
    if not response.logprobs:
        return None
    lps = [t.logprob for t in response.logprobs]
    entropies = [token_entropy(t) for t in response.logprobs]
    return AnswerUncertainty(
        tokens=len(lps),
        mean_logprob=sum(lps) / len(lps),
        min_logprob=min(lps),
        sequence_prob=math.exp(sum(lps)),
        mean_entropy=sum(entropies) / len(entropies),
        first_entropy=entropies[0],
    )
