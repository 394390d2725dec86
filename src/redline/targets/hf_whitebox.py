"""White-box computations on a loaded causal LM: continuation log-probs, entropy, one-hot gradients, losses.

Every function here is synchronous and assumes the caller holds the model's lock; `HFTarget` runs them
on its worker thread. Token ids are plain Python ints so that attack techniques never need torch.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from redline.core.errors import TargetError
from redline.core.runs.conversation import TokenLogprob
from redline.targets.base import TokenGradients
from redline.targets.hf_loading import LoadedModel


def prompt_text(lm: LoadedModel, messages: list[dict[str, str]]) -> str:
    """The chat template rendered as text, ready for the assistant's turn."""
    text: str = lm.tokenizer.apply_chat_template(messages, add_generation_prompt=True, tokenize=False)
    return text


def encode_prompt(lm: LoadedModel, messages: list[dict[str, str]]) -> list[int]:
    """Token ids of the templated prompt."""
    ids: list[int] = lm.tokenizer(prompt_text(lm, messages), add_special_tokens=False)["input_ids"]
    return ids


def encode_text(lm: LoadedModel, text: str) -> list[int]:
    """Token ids of plain text (no special tokens)."""
    ids: list[int] = lm.tokenizer(text, add_special_tokens=False)["input_ids"]
    return ids


def span_of(
    lm: LoadedModel, messages: list[dict[str, str]], part: str | None
) -> tuple[list[int], tuple[int, int]]:
    """Prompt ids and the token positions covering `part` of the last user message (all of it if None)."""
    text = prompt_text(lm, messages)
    user = next((m["content"] for m in reversed(messages) if m["role"] == "user"), "")
    start = text.rfind(user) if user else -1
    if start < 0:
        raise TargetError("the last user message is not in the rendered prompt; cannot locate its tokens")
    if part is not None:
        inner = user.rfind(part)
        if not part or inner < 0:
            raise TargetError(f"span {part!r} is not part of the last user message")
        start, end = start + inner, start + inner + len(part)
    else:
        end = start + len(user)
    enc = lm.tokenizer(text, add_special_tokens=False, return_offsets_mapping=True)
    ids: list[int] = enc["input_ids"]
    positions = [i for i, (a, b) in enumerate(enc["offset_mapping"]) if b > a and a >= start and b <= end]
    if not positions:
        raise TargetError(f"no whole token lies inside {text[start:end]!r}")
    return ids, (positions[0], positions[-1] + 1)


def continuation_logits(lm: LoadedModel, prompt_ids: Sequence[int], cont_ids: Sequence[int]) -> Any:
    """Logits [len(cont_ids), vocab] of the positions that predict each continuation token."""
    import torch

    if not cont_ids:
        raise TargetError("the continuation is empty; give at least one token of text")
    ids = torch.tensor([[*prompt_ids, *cont_ids]], device=lm.device)
    with torch.no_grad():
        logits = lm.model(input_ids=ids).logits[0]
    first = len(prompt_ids) - 1
    return logits[first : first + len(cont_ids)].float()


def logprobs_of(
    lm: LoadedModel, logits: Any, token_ids: Sequence[int], *, top: int
) -> tuple[TokenLogprob, ...]:
    """Per-token log-probs of `token_ids` under `logits`, with the `top` best alternatives."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    ids = torch.tensor(token_ids, device=logp.device)
    chosen = logp.gather(1, ids[:, None])[:, 0].tolist()
    tops_v, tops_i = logp.topk(top, dim=-1) if top else (None, None)
    out = []
    for pos, tok in enumerate(token_ids):
        alternatives: dict[str, float] = {}
        if tops_v is not None and tops_i is not None:
            for v, i in zip(tops_v[pos].tolist(), tops_i[pos].tolist(), strict=True):
                alternatives[lm.tokenizer.decode([i])] = float(v)
        out.append(
            TokenLogprob(token=lm.tokenizer.decode([tok]), logprob=float(chosen[pos]), top=alternatives)
        )
    return tuple(out)


def entropy_of(logits: Any) -> list[float]:
    """Entropy (nats) of the next-token distribution at each row of `logits`."""
    import torch

    logp = torch.log_softmax(logits.float(), dim=-1)
    values: list[float] = (-(logp.exp() * logp).sum(dim=-1)).tolist()
    return values


def one_hot_gradients(
    lm: LoadedModel, input_ids: Sequence[int], *, span: tuple[int, int], target_ids: Sequence[int]
) -> TokenGradients:
    """Gradient of the target's cross-entropy loss with respect to the one-hot rows of `span` (GCG)."""
    import torch

    start, end = span
    if not 0 <= start < end <= len(input_ids):
        raise TargetError(f"span {span} is outside the {len(input_ids)} input tokens")
    if not target_ids:
        raise TargetError("the target continuation is empty")
    embed = lm.model.get_input_embeddings()
    weight = embed.weight
    ids = torch.tensor([*input_ids, *target_ids], device=lm.device)
    one_hot = torch.zeros(end - start, weight.shape[0], device=lm.device, dtype=weight.dtype)
    one_hot.scatter_(1, ids[start:end, None], 1.0)
    one_hot.requires_grad_(True)
    with torch.enable_grad():
        base = embed(ids[None]).detach()
        mixed = torch.cat([base[:, :start], (one_hot @ weight)[None], base[:, end:]], dim=1)
        logits = lm.model(inputs_embeds=mixed).logits[0]
        first = len(input_ids) - 1
        pred = logits[first : first + len(target_ids)].float()
        loss = torch.nn.functional.cross_entropy(pred, ids[len(input_ids) :])
        loss.backward()
    lm.model.zero_grad(set_to_none=True)
    grad = one_hot.grad
    if grad is None:  # pragma: no cover - autograd always fills it when the loss depends on the span
        raise TargetError("the loss does not depend on the span; no gradient")
    return TokenGradients(
        input_ids=tuple(input_ids),
        span=span,
        target_ids=tuple(target_ids),
        loss=float(loss.item()),
        grad=grad.detach().float().cpu(),
    )


def target_losses(
    lm: LoadedModel, candidates: Sequence[Sequence[int]], target_ids: Sequence[int], *, batch_size: int = 32
) -> list[float]:
    """Mean cross-entropy of `target_ids` after each candidate input (equal lengths batch together)."""
    import torch

    losses: list[float] = [0.0] * len(candidates)
    by_len: dict[int, list[int]] = {}
    for index, cand in enumerate(candidates):
        by_len.setdefault(len(cand), []).append(index)
    target = torch.tensor(target_ids, device=lm.device)
    with torch.no_grad():
        for length, indexes in by_len.items():
            for chunk_start in range(0, len(indexes), batch_size):
                chunk = indexes[chunk_start : chunk_start + batch_size]
                ids = torch.tensor([[*candidates[i], *target_ids] for i in chunk], device=lm.device)
                logits = lm.model(input_ids=ids).logits[:, length - 1 : length - 1 + len(target_ids)].float()
                per_token = torch.nn.functional.cross_entropy(
                    logits.reshape(-1, logits.shape[-1]), target.repeat(len(chunk)), reduction="none"
                ).reshape(len(chunk), -1)
                for i, value in zip(chunk, per_token.mean(dim=1).tolist(), strict=True):
                    losses[i] = float(value)
    return losses
