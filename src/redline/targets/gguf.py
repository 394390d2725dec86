"""Local GGUF models through llama-cpp-python; the bundled SmolLM2-135M-Instruct is the default.

llama.cpp is not thread-safe, so every load and generation runs on one worker thread of this process
(and under a lock besides). A model is loaded once per process for each path and set of load options;
the slower `logits_all` load that token log-probabilities need is made only when they are asked for.
"""

from __future__ import annotations

import asyncio
import threading
import time
from collections.abc import Mapping
from concurrent.futures import ThreadPoolExecutor
from functools import partial
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from redline.core.conversation import Conversation, ErrorKind, GenerationParams, Response, Usage
from redline.core.provenance import ModelIdentity
from redline.targets.base import Capabilities, Target, with_own_system_prompt, with_system_prompt
from redline.targets.chat_format import parse_logprobs, to_messages
from redline.targets.spec import TargetSpec, parse_options
from redline.targets.weights import file_sha256, local_model_path

_llama_lock = threading.Lock()
_executor_lock = threading.Lock()
_executor: ThreadPoolExecutor | None = None
_models: dict[tuple[Any, ...], Any] = {}


def _worker() -> ThreadPoolExecutor:
    global _executor
    with _executor_lock:
        if _executor is None:
            _executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix="redline-llama")
        return _executor


class GGUFOptions(BaseModel):
    """Options of the `gguf` adapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_ctx: int = Field(default=2048, ge=64, description="Context window in tokens.")
    n_threads: int | None = Field(
        default=None, ge=1, description="CPU threads (default: llama.cpp's choice)."
    )
    n_gpu_layers: int = Field(
        default=0, description="Layers offloaded to a GPU build of llama.cpp (-1: all)."
    )
    logprobs: bool = Field(
        default=False, description="Load with logits_all from the start (slower generation, log-probs ready)."
    )
    version: str | None = Field(default=None, description="Version label recorded in the identity.")


def load_llama(path: Path, options: GGUFOptions, *, logits_all: bool) -> Any:
    """The llama.cpp model for these load options, loaded at most once per process."""
    key = (str(path), options.n_ctx, options.n_threads, options.n_gpu_layers, logits_all)
    with _llama_lock:
        model = _models.get(key)
        if model is None:
            from llama_cpp import Llama

            model = Llama(
                model_path=str(path),
                n_ctx=options.n_ctx,
                n_threads=options.n_threads,
                n_gpu_layers=options.n_gpu_layers,
                logits_all=logits_all,
                verbose=False,
            )
            _models[key] = model
        return model


class GGUFTarget:
    """A local GGUF chat model: black-box sends with token log-probabilities on request."""

    kind: ClassVar[str] = "gguf"

    def __init__(
        self,
        path: Path | None = None,
        *,
        name: str = "gguf",
        system_prompt: str | None = None,
        options: GGUFOptions | None = None,
    ) -> None:
        self.path = path or local_model_path(None, where=f"target '{name}'")
        self.name = name
        self.options = options or GGUFOptions()
        self.capabilities = Capabilities(logprobs=True, whitebox=False)
        self._system_prompt = system_prompt

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target; `model` is a .gguf path, or empty for the bundled model."""
        return cls(
            local_model_path(spec.config.model, where=spec.where),
            name=spec.name,
            system_prompt=spec.config.system_prompt,
            options=parse_options(GGUFOptions, spec),
        )

    def identity(self) -> ModelIdentity:
        """The weights file's name and SHA-256."""
        return ModelIdentity(
            provider=self.kind,
            name=self.path.name,
            version=self.options.version,
            weights_sha256=file_sha256(self.path),
        )

    def _generate(self, messages: list[dict[str, str]], params: GenerationParams) -> dict[str, Any]:
        logits_all = params.logprobs or self.options.logprobs
        llama = load_llama(self.path, self.options, logits_all=logits_all)
        with _llama_lock:
            # A lower bound of the templated prompt's length (about five template tokens a message);
            # llama.cpp's own check comes late and fails obscurely on some overflows.
            needed = len(messages) * 5 + sum(
                len(llama.tokenize(m["content"].encode(), add_bos=False, special=False)) for m in messages
            )
            if needed >= self.options.n_ctx:
                raise ValueError(
                    f"the prompt needs at least {needed} tokens; the context window holds "
                    f"{self.options.n_ctx} (raise the n_ctx option or shorten the conversation)"
                )
            result: dict[str, Any] = llama.create_chat_completion(
                messages=messages,
                temperature=params.temperature,
                max_tokens=params.max_tokens,
                seed=params.seed,
                logprobs=params.logprobs or None,
                top_logprobs=params.top_logprobs if params.logprobs else None,
            )
        return result

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Generate one answer on the llama worker thread."""
        p = params or GenerationParams()
        messages = to_messages(with_system_prompt(conversation, self._system_prompt))
        start = time.perf_counter()
        loop = asyncio.get_running_loop()
        try:
            result = await loop.run_in_executor(_worker(), partial(self._generate, messages, p))
        except ValueError as exc:  # llama.cpp's answer to a prompt longer than the context window
            return Response(
                error=ErrorKind.BAD_REQUEST,
                error_detail=f"{self.name}: {exc}"[:500],
                latency_ms=(time.perf_counter() - start) * 1000.0,
            )
        latency = (time.perf_counter() - start) * 1000.0
        choice = result["choices"][0]
        text = choice["message"].get("content") or ""
        usage = Usage(
            prompt_tokens=result.get("usage", {}).get("prompt_tokens", 0),
            completion_tokens=result.get("usage", {}).get("completion_tokens", 0),
        )
        finish = choice.get("finish_reason")
        if not text.strip():
            return Response(
                text=text,
                error=ErrorKind.EMPTY,
                error_detail=f"{self.name} gave an empty answer (finish_reason={finish})",
                latency_ms=latency,
                usage=usage,
                finish_reason=finish,
            )
        logprobs = parse_logprobs(choice.get("logprobs"), top=p.top_logprobs) if p.logprobs else None
        return Response(text=text, logprobs=logprobs, latency_ms=latency, usage=usage, finish_reason=finish)

    def reconfigured(self, options: Mapping[str, Any]) -> tuple[Target, tuple[str, ...]]:
        """A copy deployed with another system prompt (`system_prompt`; empty removes it)."""
        return with_own_system_prompt(self, options)

    async def aclose(self) -> None:
        """Keep the model: it is shared by every target on the same weights in this process."""
