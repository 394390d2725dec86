"""The local-model smoke test: crashes, non-portable builds and a missing runtime become one line."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from redline.targets.smoke import check_local_runtime, enabled_features, non_portable_features

PORTABLE = "CPU : SSE3 = 1 | SSSE3 = 1 | AVX = 1 | AVX2 = 1 | F16C = 1 | FMA = 1 | BMI2 = 1 | OPENMP = 1 |"
NATIVE = "CPU : SSE3 = 1 | AVX = 1 | AVX2 = 1 | AVX512 = 1 | AMX_INT8 = 1 | REPACK = 1 |"


def test_features_are_read_from_the_system_info_line() -> None:
    assert enabled_features(PORTABLE) == ["SSE3", "SSSE3", "AVX", "AVX2", "F16C", "FMA", "BMI2", "OPENMP"]
    assert non_portable_features(PORTABLE) == []
    assert non_portable_features(NATIVE) == ["AVX512", "AMX_INT8"]
    assert non_portable_features("CPU : AVX512 = 0 | AMX_INT8 = 0 |") == []


def _fake_runtime(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, *, info: str, crash: bool) -> Path:
    """A stand-in `llama_cpp` package first on the child's path: it reports `info`, and may segfault."""
    pkg = tmp_path / "fake" / "llama_cpp"
    pkg.mkdir(parents=True)
    (pkg / "__init__.py").write_text(
        textwrap.dedent(
            f"""
            import os, signal
            __version__ = "0.0-fake"
            def llama_print_system_info():
                return {info!r}.encode()
            class Llama:
                def __init__(self, **kw):
                    pass
                def create_chat_completion(self, **kw):
                    if {crash!r}:
                        os.kill(os.getpid(), signal.SIGSEGV)
                    return {{"choices": [{{"message": {{"content": "Paris."}}}}]}}
            """
        ),
        encoding="utf-8",
    )
    monkeypatch.setenv("PYTHONPATH", str(pkg.parent))
    monkeypatch.delenv("REDLINE_LLAMA_NATIVE", raising=False)
    monkeypatch.delenv("REDLINE_LLAMA_CMAKE_ARGS", raising=False)
    model = tmp_path / "model.gguf"
    model.write_bytes(b"GGUF")
    return model


def test_a_crash_at_the_first_decode_is_one_line_with_cause_and_remedy(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _fake_runtime(tmp_path, monkeypatch, info=NATIVE, crash=True)
    result = check_local_runtime(model, timeout=60)
    assert not result.ok
    assert result.exit_code == 3
    assert "\n" not in result.message
    assert "crashed with SIGSEGV while generating with model.gguf" in result.message
    assert "AMX_INT8" in result.message
    assert "scripts/build-llama.sh" in result.message


def test_a_build_tuned_to_this_cpu_is_refused_unless_opted_in(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    model = _fake_runtime(tmp_path, monkeypatch, info=NATIVE, crash=False)
    refused = check_local_runtime(model, timeout=60)
    assert (refused.ok, refused.exit_code) == (False, 3)
    assert "was built for this CPU (AVX512, AMX_INT8)" in refused.message
    monkeypatch.setenv("REDLINE_LLAMA_NATIVE", "1")
    assert check_local_runtime(model, timeout=60).ok


def test_a_portable_build_that_answers_passes(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    model = _fake_runtime(tmp_path, monkeypatch, info=PORTABLE, crash=False)
    result = check_local_runtime(model, timeout=60)
    assert result.ok, result.message
    assert result.answer == "Paris."
    assert "CPU features: SSE3 AVX AVX2 F16C FMA" in result.message
