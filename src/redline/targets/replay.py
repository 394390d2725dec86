"""Recorded traffic: record any target's exchanges to JSONL, and replay them offline for tests and audits.

The file starts with one header line (format, target name, identity, capabilities), then one line per
exchange: the conversation's fingerprint, the conversation, the generation parameters and the response.
Several recordings of one conversation are replayed in the order they were recorded, cycling.
"""

from __future__ import annotations

import threading
from collections import defaultdict
from enum import StrEnum
from pathlib import Path
from typing import IO, ClassVar, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.core.errors import ConfigError, TargetError
from redline.core.ids import content_hash
from redline.core.provenance import ModelIdentity
from redline.core.runs.conversation import Conversation, ErrorKind, GenerationParams, Response
from redline.targets.base import Capabilities, Target, TargetCapabilities
from redline.targets.spec import TargetSpec, parse_options

FORMAT = "redline-replay"
VERSION = 1


class MissPolicy(StrEnum):
    """What replay does for a conversation it has no recording of."""

    RESPONSE = "response"
    RAISE = "raise"


class ReplayHeader(BaseModel):
    """First line of a recording."""

    model_config = ConfigDict(frozen=True)

    format: str = Field(default=FORMAT, description="Always 'redline-replay'.")
    version: int = Field(default=VERSION, description="Version of the file format.")
    target: str = Field(description="Name of the recorded target.")
    identity: ModelIdentity = Field(description="Identity of the recorded model.")
    logprobs: bool = Field(default=False, description="Whether the recorded target offered log-probs.")


class ReplayRecord(BaseModel):
    """One recorded exchange."""

    model_config = ConfigDict(frozen=True)

    fingerprint: str = Field(description="Conversation fingerprint: the replay key.")
    params_hash: str | None = Field(default=None, description="Hash of the generation parameters.")
    conversation: Conversation = Field(description="What was sent.")
    params: GenerationParams | None = Field(default=None, description="How it was asked to generate.")
    response: Response = Field(description="What came back.")


def params_hash(params: GenerationParams | None) -> str | None:
    """Hash of generation parameters, None when the call gave none."""
    return None if params is None else content_hash(params.model_dump(mode="json"))


class ReplayOptions(BaseModel):
    """Options of the `replay` adapter."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    path: Path = Field(description="JSONL recording to replay.")
    on_miss: MissPolicy = Field(
        default=MissPolicy.RESPONSE, description="'response': an error Response; 'raise': a TargetError."
    )
    match_params: bool = Field(default=False, description="Require the same generation parameters too.")


def read_recording(path: Path) -> tuple[ReplayHeader, list[ReplayRecord]]:
    """Parse a recording; errors name the file and line."""
    if not path.is_file():
        raise ConfigError(f"recording {path} does not exist; record one with RecordingTarget first")
    records: list[ReplayRecord] = []
    header: ReplayHeader | None = None
    with path.open(encoding="utf-8") as fh:
        for lineno, line in enumerate(fh, 1):
            if not line.strip():
                continue
            try:
                if header is None:
                    header = ReplayHeader.model_validate_json(line)
                    if header.format != FORMAT:
                        raise ConfigError(f"not a {FORMAT} file", file=str(path), line=lineno)
                else:
                    records.append(ReplayRecord.model_validate_json(line))
            except ValidationError as exc:
                msg = exc.errors()[0]["msg"]
                raise ConfigError(f"malformed recording line: {msg}", file=str(path), line=lineno) from None
    if header is None:
        raise ConfigError("empty recording (no header line)", file=str(path))
    return header, records


class ReplayTarget:
    """Answers from a recording; a conversation it has not seen gives a clear error Response."""

    kind: ClassVar[str] = "replay"
    # Replays log-probabilities when the recording has them; parameters only select a recording.
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(logprobs=True)

    def __init__(
        self,
        path: Path,
        *,
        name: str = "replay",
        on_miss: MissPolicy = MissPolicy.RESPONSE,
        match_params: bool = False,
    ) -> None:
        self.path = path
        self.name = name
        self.header, records = read_recording(path)
        self.capabilities = Capabilities(logprobs=self.header.logprobs)
        self.on_miss = on_miss
        self.match_params = match_params
        self._by_key: dict[tuple[str, str | None], list[Response]] = defaultdict(list)
        for rec in records:
            self._by_key[self._key(rec.fingerprint, rec.params_hash)].append(rec.response)
        self._next: dict[tuple[str, str | None], int] = defaultdict(int)

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build from a workspace target with `options.path`."""
        opts = parse_options(ReplayOptions, spec)
        return cls(opts.path, name=spec.name, on_miss=opts.on_miss, match_params=opts.match_params)

    def _key(self, fingerprint: str, phash: str | None) -> tuple[str, str | None]:
        return (fingerprint, phash if self.match_params else None)

    def __len__(self) -> int:
        return sum(len(v) for v in self._by_key.values())

    def identity(self) -> ModelIdentity:
        """The recorded model's identity, marked as replayed."""
        rec = self.header.identity
        return ModelIdentity(
            provider=self.kind,
            name=f"{rec.provider}/{rec.name}",
            version=rec.version,
            weights_sha256=rec.weights_sha256,
        )

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """The next recorded response for this conversation."""
        fingerprint = conversation.fingerprint()
        key = self._key(fingerprint, params_hash(params))
        answers = self._by_key.get(key)
        if not answers:
            detail = f"no recording for conversation {fingerprint[:12]} in {self.path}"
            if self.match_params:
                detail += " with these generation parameters"
            if self.on_miss is MissPolicy.RAISE:
                raise TargetError(f"{self.name}: {detail}; record it again with RecordingTarget")
            return Response(error=ErrorKind.OTHER, error_detail=detail)
        index = self._next[key]
        self._next[key] = index + 1
        return answers[index % len(answers)]

    async def aclose(self) -> None:
        """Nothing to release."""


class RecordingTarget:
    """Wraps a target and appends every exchange to a JSONL recording that ReplayTarget can serve."""

    def __init__(self, inner: Target, path: Path) -> None:
        self.inner = inner
        self.name = inner.name
        self.capabilities = inner.capabilities
        self.path = path
        self._lock = threading.Lock()
        self._fh: IO[str] | None = None

    def identity(self) -> ModelIdentity:
        """The wrapped target's identity: recording does not change what answers."""
        return self.inner.identity()

    def _file(self) -> IO[str]:
        if self._fh is None:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            fresh = not self.path.exists() or self.path.stat().st_size == 0
            self._fh = self.path.open("a", encoding="utf-8")
            if fresh:
                header = ReplayHeader(
                    target=self.inner.name,
                    identity=self.inner.identity(),
                    logprobs=self.inner.capabilities.logprobs,
                )
                self._fh.write(header.model_dump_json() + "\n")
        return self._fh

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Send through the wrapped target and record the exchange."""
        response = await self.inner.send(conversation, params=params)
        record = ReplayRecord(
            fingerprint=conversation.fingerprint(),
            params_hash=params_hash(params),
            conversation=conversation,
            params=params,
            response=response,
        )
        line = record.model_dump_json() + "\n"
        with self._lock:
            fh = self._file()
            fh.write(line)
            fh.flush()
        return response

    async def aclose(self) -> None:
        """Close the recording and the wrapped target."""
        with self._lock:
            if self._fh is not None:
                self._fh.close()
                self._fh = None
        await self.inner.aclose()
