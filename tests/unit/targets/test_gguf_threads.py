"""The CPU threads of a GGUF model: the `n_threads` option, else REDLINE_LLAMA_THREADS, else llama.cpp's."""

from __future__ import annotations

import sys
import types
from pathlib import Path
from typing import Any

import pytest

from redline.core.errors import ConfigError
from redline.targets import llama_worker
from redline.targets.gguf import THREADS_ENV, GGUFOptions, GGUFTarget


def _target(tmp_path: Path, **options: Any) -> GGUFTarget:
    weights = tmp_path / "model.gguf"
    weights.write_bytes(b"GGUF")
    return GGUFTarget(weights, name="t", options=GGUFOptions(**options))


def test_option_then_environment_then_llama_default(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(THREADS_ENV, raising=False)
    assert _target(tmp_path).worker().options.n_threads is None
    monkeypatch.setenv(THREADS_ENV, "1")
    assert _target(tmp_path).worker().options.n_threads == 1
    assert _target(tmp_path, n_threads=3).worker().options.n_threads == 3


@pytest.mark.parametrize("raw", ["two", "0"])
def test_a_bad_environment_value_is_a_config_error(
    raw: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(THREADS_ENV, raw)
    with pytest.raises(ConfigError, match=THREADS_ENV):
        _target(tmp_path).worker()


def test_the_thread_count_covers_prompt_processing_too(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: dict[str, Any] = {}
    fake = types.ModuleType("llama_cpp")
    fake.Llama = lambda **kw: seen.update(kw)  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "llama_cpp", fake)
    llama_worker._load({"path": "m.gguf", "n_ctx": 512, "n_threads": 1})
    assert seen["n_threads"] == seen["n_threads_batch"] == 1
    llama_worker._load({"path": "m.gguf", "n_ctx": 512})
    assert seen["n_threads"] is seen["n_threads_batch"] is None  # llama.cpp's own choice for both
