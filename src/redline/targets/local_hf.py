"""White-box local Hugging Face model: chat generation plus logits, entropy and gradients for attacks.

Loads the bundled SmolLM2-135M-Instruct GGUF by default (dequantised once, then cached as a plain copy;
see `hf_loading`), or any local model folder. Needs `redline[whitebox]`; torch and transformers are
imported only when the model loads. Uses the GPU when one is present.
"""

from __future__ import annotations

import asyncio
import os
import time
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any, ClassVar, Self, TypeVar

from pydantic import BaseModel, ConfigDict, Field

from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import (
    Conversation,
    ErrorKind,
    GenerationParams,
    Response,
    TokenLogprob,
    Usage,
)
from redline.targets import hf_whitebox as wb
from redline.targets.base import (
    GENERATION_PARAMS,
    Capabilities,
    Target,
    TargetCapabilities,
    TokenGradients,
    with_own_system_prompt,
    with_system_prompt,
)
from redline.targets.chat_format import to_messages
from redline.targets.hf_loading import LoadedModel, cache_root, default_device, load_model
from redline.targets.spec import TargetSpec, parse_options
from redline.targets.weights import local_model_path

T = TypeVar("T")


class HFOptions(BaseModel):
    """Options of the `hf` adapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    device: str | None = Field(
        default=None, description="'cpu', 'cuda', 'cuda:1' ...; default: GPU if present."
    )
    dtype: str = Field(default="float32", description="'float32', 'bfloat16' or 'float16'.")
    cache_dir: Path | None = Field(
        default=None,
        description="Folder for plain copies of GGUF models (default: $REDLINE_CACHE_DIR/models).",
    )
    version: str | None = Field(default=None, description="Version label recorded in the identity.")


class HFTarget:
    """A local causal LM with open weights: black-box `send` plus the white-box methods attacks use."""

    kind: ClassVar[str] = "hf"
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(logprobs=True, params=GENERATION_PARAMS)

    def __init__(
        self,
        path: Path | None = None,
        *,
        name: str = "hf",
        system_prompt: str | None = None,
        options: HFOptions | None = None,
        env: Mapping[str, str] | None = None,
    ) -> None:
        self.path = path or local_model_path(None, where=f"target '{name}'")
        self.name = name
        self.options = opts = options or HFOptions()
        self.capabilities = Capabilities(logprobs=True, whitebox=True)
        self._system_prompt = system_prompt
        self._cache = opts.cache_dir or cache_root(os.environ if env is None else env)
        self._lm: LoadedModel | None = None
        self._executor: ThreadPoolExecutor | None = None

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target; `model` is a model folder or .gguf file (default: bundled)."""
        return cls(
            local_model_path(spec.config.model, where=spec.where),
            name=spec.name,
            system_prompt=spec.config.system_prompt,
            options=parse_options(HFOptions, spec),
            env=spec.env,
        )

    def loaded(self) -> LoadedModel:
        """The model, loading it on first use (blocking; call from a worker thread)."""
        if self._lm is None:
            device = self.options.device or default_device()
            self._lm = load_model(self.path, cache=self._cache, device=device, dtype=self.options.dtype)
        return self._lm

    def identity(self) -> ModelIdentity:
        """The weights' name and SHA-256 (of the GGUF file, or of a folder's weight files)."""
        from redline.targets.weights import file_sha256, folder_sha256

        sha = folder_sha256(self.path) if self.path.is_dir() else file_sha256(self.path)
        return ModelIdentity(
            provider=self.kind, name=self.path.name, version=self.options.version, weights_sha256=sha
        )

    async def _run(self, fn: Callable[[LoadedModel], T]) -> T:
        """Run `fn` on this target's worker thread, holding the model's lock."""
        if self._executor is None:
            self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=f"redline-hf-{self.name}")

        def call() -> T:
            lm = self.loaded()
            with lm.lock:
                return fn(lm)

        return await asyncio.get_running_loop().run_in_executor(self._executor, call)

    def _messages(self, conversation: Conversation) -> list[dict[str, str]]:
        return to_messages(with_system_prompt(conversation, self._system_prompt))

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Generate an answer with the model's chat template."""
        p = params or GenerationParams()
        messages = self._messages(conversation)
        start = time.perf_counter()
        text, logprobs, usage, finish = await self._run(lambda lm: _generate(lm, messages, p))
        latency = (time.perf_counter() - start) * 1000.0
        if not text.strip():
            return Response(
                text=text,
                error=ErrorKind.EMPTY,
                error_detail=f"{self.name} gave an empty answer (finish_reason={finish})",
                latency_ms=latency,
                usage=usage,
                finish_reason=finish,
            )
        return Response(text=text, logprobs=logprobs, latency_ms=latency, usage=usage, finish_reason=finish)

    async def encode(self, conversation: Conversation) -> list[int]:
        """Token ids of the templated conversation, ready for the assistant's turn."""
        messages = self._messages(conversation)
        return await self._run(lambda lm: wb.encode_prompt(lm, messages))

    async def decode(self, token_ids: Sequence[int]) -> str:
        """Text of token ids."""
        ids = list(token_ids)
        return await self._run(lambda lm: str(lm.tokenizer.decode(ids)))

    async def logits(self, conversation: Conversation, continuation: str) -> Any:
        """Logits [continuation tokens, vocabulary] predicting each token of `continuation`."""
        messages = self._messages(conversation)

        def work(lm: LoadedModel) -> Any:
            return wb.continuation_logits(
                lm, wb.encode_prompt(lm, messages), wb.encode_text(lm, continuation)
            ).cpu()

        return await self._run(work)

    async def token_logprobs(
        self, conversation: Conversation, continuation: str, *, top: int = 0
    ) -> tuple[TokenLogprob, ...]:
        """Log-probability of each token of `continuation` as the answer to `conversation`."""
        messages = self._messages(conversation)

        def work(lm: LoadedModel) -> tuple[TokenLogprob, ...]:
            cont = wb.encode_text(lm, continuation)
            logits = wb.continuation_logits(lm, wb.encode_prompt(lm, messages), cont)
            return wb.logprobs_of(lm, logits, cont, top=top)

        return await self._run(work)

    async def entropy(self, conversation: Conversation, continuation: str | None = None) -> list[float]:
        """Next-token entropy (nats) at each position of `continuation`, or of a greedy answer if None."""
        messages = self._messages(conversation)

        def work(lm: LoadedModel) -> list[float]:
            text = continuation
            if text is None:
                text = _generate(lm, messages, GenerationParams())[0]
            cont = wb.encode_text(lm, text)
            if not cont:
                return []
            return wb.entropy_of(wb.continuation_logits(lm, wb.encode_prompt(lm, messages), cont))

        return await self._run(work)

    async def gradients(
        self, conversation: Conversation, target: str, *, span: str | None = None
    ) -> TokenGradients:
        """Gradient of the loss of `target` w.r.t. one-hot tokens of `span` (default: last user message)."""
        messages = self._messages(conversation)

        def work(lm: LoadedModel) -> TokenGradients:
            ids, positions = wb.span_of(lm, messages, span)
            return wb.one_hot_gradients(lm, ids, span=positions, target_ids=wb.encode_text(lm, target))

        return await self._run(work)

    async def input_gradients(
        self, input_ids: Sequence[int], *, span: tuple[int, int], target_ids: Sequence[int]
    ) -> TokenGradients:
        """`gradients` on token ids, for loops that edit tokens directly."""
        ids, targets = list(input_ids), list(target_ids)
        return await self._run(lambda lm: wb.one_hot_gradients(lm, ids, span=span, target_ids=targets))

    async def target_losses(
        self, candidates: Sequence[Sequence[int]], target_ids: Sequence[int]
    ) -> list[float]:
        """Loss of `target_ids` after each candidate input, batched: GCG's candidate evaluation."""
        cands, targets = [list(c) for c in candidates], list(target_ids)
        return await self._run(lambda lm: wb.target_losses(lm, cands, targets))

    def reconfigured(self, options: Mapping[str, Any]) -> tuple[Target, tuple[str, ...]]:
        """A copy deployed with another system prompt (`system_prompt`; empty removes it)."""
        return with_own_system_prompt(self, options)

    async def aclose(self) -> None:
        """Stop the worker thread; the model stays cached for other targets on the same weights."""
        if self._executor is not None:
            self._executor.shutdown(wait=False)
            self._executor = None


def _generate(
    lm: LoadedModel, messages: list[dict[str, str]], params: GenerationParams
) -> tuple[str, tuple[TokenLogprob, ...] | None, Usage, str]:
    import torch

    prompt = wb.encode_prompt(lm, messages)
    ids = torch.tensor([prompt], device=lm.device)
    tok = lm.tokenizer
    sample = params.temperature > 0
    kwargs: dict[str, Any] = {
        "max_new_tokens": params.max_tokens,
        "do_sample": sample,
        "return_dict_in_generate": True,
        "output_logits": params.logprobs,
        "pad_token_id": tok.pad_token_id if tok.pad_token_id is not None else tok.eos_token_id,
        "attention_mask": torch.ones_like(ids),
    }
    if sample:
        kwargs.update(temperature=params.temperature, top_k=None, top_p=None)
        if params.seed is not None:
            torch.manual_seed(params.seed)
    else:
        kwargs.update(temperature=None, top_k=None, top_p=None)
    with torch.no_grad():
        out = lm.model.generate(ids, **kwargs)
    new = out.sequences[0, len(prompt) :].tolist()
    eos = _id_set(tok.eos_token_id) | _id_set(getattr(lm.model.generation_config, "eos_token_id", None))
    finish = "stop" if new and new[-1] in eos else "length"
    text = tok.decode(new, skip_special_tokens=True)
    logprobs = None
    if params.logprobs and out.logits:
        logits = torch.stack([step[0] for step in out.logits])
        logprobs = wb.logprobs_of(lm, logits, new, top=params.top_logprobs)
        if finish == "stop":
            logprobs = logprobs[:-1]
    usage = Usage(prompt_tokens=len(prompt), completion_tokens=len(new))
    return text, logprobs, usage, finish


def _id_set(value: int | Sequence[int] | None) -> set[int]:
    if value is None:
        return set()
    return {value} if isinstance(value, int) else set(value)
