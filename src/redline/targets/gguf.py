"""Local GGUF models through llama-cpp-python; the bundled SmolLM2-135M-Instruct is the default.

Generation runs in a worker process (`redline.targets.llama_runtime`), one per model file and set of
load options, kept warm for the life of this process: a crash inside llama.cpp becomes a
`RUNTIME_CRASH` response on the request in flight, not the end of the round, and the worker restarts
for the next request. The slower `logits_all` load that token log-probabilities need is made only
when they are asked for.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field

from redline.core.errors import ConfigError
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response, Usage
from redline.targets.base import (
    GENERATION_PARAMS,
    Capabilities,
    Target,
    TargetCapabilities,
    with_own_system_prompt,
    with_system_prompt,
)
from redline.targets.chat_format import parse_logprobs, to_messages
from redline.targets.llama_runtime import LlamaWorker, LoadOptions, WorkerCrashed, WorkerError, worker_for
from redline.targets.spec import TargetSpec, parse_options
from redline.targets.weights import file_sha256, local_model_path

THREADS_ENV = "REDLINE_LLAMA_THREADS"


def llama_threads() -> int | None:
    """REDLINE_LLAMA_THREADS: the CPU threads of a GGUF model without an `n_threads` option, else None.

    None leaves llama.cpp's choice (half the cores to generate, every core to read the prompt). On a
    machine whose cores other processes keep busy, one thread costs less CPU time (llama.cpp's threads
    wait for each other by spinning) and gives the same answers.
    """
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return None
    try:
        value = int(raw)
    except ValueError:
        raise ConfigError(f"{THREADS_ENV} must be a whole number of threads, not {raw!r}") from None
    if value < 1:
        raise ConfigError(f"{THREADS_ENV} must be 1 or more, not {value}")
    return value


class GGUFOptions(BaseModel):
    """Options of the `gguf` adapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    n_ctx: int = Field(default=2048, ge=64, description="Context window in tokens.")
    n_threads: int | None = Field(
        default=None,
        ge=1,
        description="CPU threads for generation and prompt processing (default: REDLINE_LLAMA_THREADS, "
        "else llama.cpp's choice).",
    )
    n_gpu_layers: int = Field(
        default=0, description="Layers offloaded to a GPU build of llama.cpp (-1: all)."
    )
    logprobs: bool = Field(
        default=False, description="Load with logits_all from the start (slower generation, log-probs ready)."
    )
    version: str | None = Field(default=None, description="Version label recorded in the identity.")


class GGUFTarget:
    """A local GGUF chat model: black-box sends with token log-probabilities on request."""

    kind: ClassVar[str] = "gguf"
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(logprobs=True, params=GENERATION_PARAMS)

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

    def worker(self, *, logprobs: bool = False) -> LlamaWorker:
        """The worker process handle that serves this target (with `logits_all` when `logprobs`)."""
        o = self.options
        return worker_for(
            LoadOptions(
                path=str(self.path),
                n_ctx=o.n_ctx,
                n_threads=o.n_threads or llama_threads(),
                n_gpu_layers=o.n_gpu_layers,
                logits_all=logprobs or o.logprobs,
            )
        )

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Generate one answer in the llama.cpp worker process."""
        p = params or GenerationParams()
        request = {
            "messages": to_messages(with_system_prompt(conversation, self._system_prompt)),
            "temperature": p.temperature,
            "max_tokens": p.max_tokens,
            "seed": p.seed,
            "logprobs": p.logprobs,
            "top_logprobs": p.top_logprobs,
        }
        start = time.perf_counter()
        try:
            result = await self.worker(logprobs=p.logprobs).ask(request)
        except WorkerCrashed as exc:
            return self._failure(ErrorKind.RUNTIME_CRASH, str(exc), start)
        except WorkerError as exc:
            if exc.kind == "bad_request":  # a prompt longer than the context window
                return self._failure(ErrorKind.BAD_REQUEST, exc.message, start)
            if exc.kind == "load":
                return self._failure(ErrorKind.OTHER, f"cannot load {self.path}: {exc}", start)
            return self._failure(ErrorKind.OTHER, str(exc), start)
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

    def _failure(self, kind: ErrorKind, detail: str, start: float) -> Response:
        return Response(
            error=kind,
            error_detail=f"{self.name}: {detail}"[:500],
            latency_ms=(time.perf_counter() - start) * 1000.0,
        )

    def reconfigured(self, options: Mapping[str, Any]) -> tuple[Target, tuple[str, ...]]:
        """A copy deployed with another system prompt (`system_prompt`; empty removes it)."""
        return with_own_system_prompt(self, options)

    async def aclose(self) -> None:
        """Keep the worker: it is shared by every target on the same weights in this process.

        Workers stop at interpreter exit (or `llama_runtime.shutdown_workers`), and by themselves if
        this process dies.
        """
