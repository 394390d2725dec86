"""Load a local Hugging Face model once per process; GGUF weights are dequantised once, then cached.

Loading a GGUF file through transformers dequantises every tensor (tens of seconds for the bundled
135M model), and the model it gives refuses `save_pretrained`. So the first load copies the weights into
a plain model of the same configuration and saves that under the cache folder, keyed by the GGUF's
SHA-256; later loads read the plain copy in under a second. Nothing is ever downloaded.
"""

from __future__ import annotations

import os
import shutil
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from redline.caching import LoadOnce
from redline.core.errors import ConfigError
from redline.targets.weights import file_sha256, folder_sha256

_loaded: LoadOnce[tuple[str, str, str], LoadedModel] = LoadOnce()


@dataclass(frozen=True)
class LoadedModel:
    """A model and its tokenizer on a device, with the lock that serialises their use."""

    model: Any
    tokenizer: Any
    device: str
    weights_sha256: str
    source: Path
    lock: threading.Lock


def cache_root(env: Mapping[str, str]) -> Path:
    """Where plain copies of GGUF models go: $REDLINE_CACHE_DIR/models, else ~/.cache/redline/models."""
    base = env.get("REDLINE_CACHE_DIR")
    root = Path(base).expanduser() if base else Path.home() / ".cache" / "redline"
    return root / "models"


def default_device() -> str:
    """'cuda' when a GPU is usable, else 'cpu'."""
    import torch

    return "cuda" if torch.cuda.is_available() else "cpu"


def _torch_dtype(name: str) -> Any:
    import torch

    dtypes = {"float32": torch.float32, "bfloat16": torch.bfloat16, "float16": torch.float16}
    if name not in dtypes:
        raise ConfigError(f"dtype '{name}' is not one of {', '.join(dtypes)}", field="options.dtype")
    return dtypes[name]


def _plain_copy(gguf: Path, folder: Path, dtype: Any) -> tuple[Any, Any]:
    """Dequantise a GGUF file, save a plain copy in `folder`, and return (model, tokenizer)."""
    from transformers import AutoModelForCausalLM, AutoTokenizer

    kwargs: dict[str, Any] = {"gguf_file": gguf.name, "local_files_only": True}
    tokenizer = AutoTokenizer.from_pretrained(str(gguf.parent), **kwargs)
    quantised = AutoModelForCausalLM.from_pretrained(str(gguf.parent), dtype=dtype, **kwargs)
    model = AutoModelForCausalLM.from_config(quantised.config, dtype=dtype)
    model.load_state_dict(quantised.state_dict())
    del quantised
    tmp = folder.parent / f".{folder.name}.tmp-{os.getpid()}-{threading.get_ident()}"
    try:
        model.save_pretrained(str(tmp))
        tokenizer.save_pretrained(str(tmp))
        folder.parent.mkdir(parents=True, exist_ok=True)
        tmp.replace(folder)
    except OSError:
        # Another process saved the same copy first, or the cache is read-only: the model in memory serves.
        shutil.rmtree(tmp, ignore_errors=True)
    return model, tokenizer


def load_model(path: Path, *, cache: Path, device: str, dtype: str = "float32") -> LoadedModel:
    """The model at `path` (a model folder or a .gguf file) on `device`, loaded at most once per process."""
    return _loaded.get(
        (str(path), device, dtype), lambda: _load(path, cache=cache, device=device, dtype=dtype)
    )


def _load(path: Path, *, cache: Path, device: str, dtype: str) -> LoadedModel:
    try:
        import torch  # noqa: F401
        from transformers import AutoModelForCausalLM, AutoTokenizer
    except ImportError as exc:
        raise ConfigError(f"the hf target needs `pip install 'redline[whitebox]'` ({exc})") from None
    torch_dtype = _torch_dtype(dtype)
    if path.is_dir():
        sha = folder_sha256(path)
        folder = path
    elif path.suffix == ".gguf":
        sha = file_sha256(path)
        folder = cache / sha
    else:
        raise ConfigError(f"{path} is neither a model folder nor a .gguf file", field="model")
    if (folder / "config.json").is_file():
        model = AutoModelForCausalLM.from_pretrained(str(folder), dtype=torch_dtype, local_files_only=True)
        tokenizer = AutoTokenizer.from_pretrained(str(folder), local_files_only=True)
    else:
        model, tokenizer = _plain_copy(path, folder, torch_dtype)
    model.to(device)
    model.eval()
    return LoadedModel(model, tokenizer, device, sha, path, threading.Lock())
