"""Smoke test of the local model runtime: load the bundled model and generate, in a child process.

A llama.cpp build tuned to another CPU, or one whose kernels crash on this CPU (the AMX repacking of
quantised weights, llama.cpp issue 20824), dies with a signal at the first decode and takes the process
with it. Checking in a child process turns that into one line with the cause and what to do, before a
round ever starts. `python -m redline.targets.smoke` runs it (install.sh does, after installing), and
exits 0 when the runtime answers, 2 when it is missing, 3 when it crashes, hangs or was built for this
CPU only.
"""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

from redline.core.errors import ConfigError

# Instruction sets that a portable build must not be compiled for: a wheel using them crashes (illegal
# instruction) on CPUs without them, and the AMX kernels crash even on CPUs with them.
NON_PORTABLE = ("AMX_INT8", "AMX_BF16", "AMX_TILE", "AVX512", "AVX512_VBMI", "AVX512_VNNI", "AVX512_BF16")
REBUILD = (
    "rebuild it portably: rm -rf ~/.cache/redline/wheels && scripts/build-llama.sh .venv/bin/python "
    "(with REDLINE_LLAMA_NATIVE unset)"
)

_CHILD = r"""
import json, sys
def say(**kw):
    sys.stdout.write(json.dumps(kw) + "\n")
    sys.stdout.flush()
say(stage="import")
import llama_cpp
say(stage="info", version=llama_cpp.__version__, info=llama_cpp.llama_print_system_info().decode())
say(stage="load")
model = llama_cpp.Llama(model_path=sys.argv[1], n_ctx=256, verbose=False)
say(stage="generate")
out = model.create_chat_completion(
    messages=[{"role": "user", "content": "What is the capital of France?"}],
    max_tokens=12, temperature=0.0, seed=0,
)
say(stage="done", text=out["choices"][0]["message"]["content"])
"""


@dataclass(frozen=True)
class SmokeResult:
    """What the child process did: how far it got, what it said, and the problem if any."""

    ok: bool
    exit_code: int
    message: str
    seconds: float
    system_info: str = ""
    answer: str = ""


def enabled_features(system_info: str) -> list[str]:
    """The `NAME = 1` entries of `llama_print_system_info()`."""
    found: list[str] = []
    for part in system_info.replace("\n", "|").split("|"):
        name, _, value = part.partition("=")
        name = name.strip().split(":")[-1].strip()
        if name and value.strip() == "1":
            found.append(name)
    return found


def non_portable_features(system_info: str) -> list[str]:
    """The CPU-specific instruction sets a build was compiled for (empty for a portable build)."""
    return [f for f in enabled_features(system_info) if f in NON_PORTABLE or f.startswith("AMX")]


def _native_opt_in() -> bool:
    return os.environ.get("REDLINE_LLAMA_NATIVE") == "1" or bool(os.environ.get("REDLINE_LLAMA_CMAKE_ARGS"))


def check_local_runtime(model: Path | None = None, *, timeout: float = 180.0) -> SmokeResult:
    """Load `model` (the bundled GGUF by default) in a child process and generate a few tokens."""
    from redline.targets.weights import bundled_gguf

    try:
        path = model or bundled_gguf()
    except ConfigError as exc:
        return SmokeResult(False, 2, f"local model runtime: {exc}", 0.0)
    start = time.perf_counter()
    try:
        proc = subprocess.run(
            [sys.executable, "-c", _CHILD, str(path)],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
    except subprocess.TimeoutExpired:
        return SmokeResult(
            False,
            3,
            f"local model runtime: {path.name} gave no answer within {timeout:.0f} s; " + REBUILD,
            time.perf_counter() - start,
        )
    seconds = time.perf_counter() - start
    said = [json.loads(line) for line in proc.stdout.splitlines() if line.startswith("{")]
    stage = said[-1]["stage"] if said else "start"
    info = next((s.get("info", "") for s in said if s["stage"] == "info"), "")
    version = next((s.get("version", "") for s in said if s["stage"] == "info"), "")
    runtime = f"llama-cpp-python {version}".strip()
    if proc.returncode < 0:
        name = signal.Signals(-proc.returncode).name
        doing = {"load": "loading", "generate": "generating with", "info": "loading"}.get(stage, "loading")
        features = non_portable_features(info)
        cause = (
            f"it was built for this CPU ({', '.join(features)}; llama.cpp issue 20824 for AMX)"
            if features
            else "a build whose kernels do not run on this CPU is the usual cause"
        )
        return SmokeResult(
            False,
            3,
            f"local model runtime: {runtime} crashed with {name} while {doing} {path.name}: {cause}; "
            + REBUILD,
            seconds,
            info,
        )
    if proc.returncode != 0:
        last = (proc.stderr.strip().splitlines() or ["no message"])[-1]
        if stage == "import" and "No module named" in last:
            return SmokeResult(
                False,
                2,
                "local model runtime: llama-cpp-python is not installed; install it with: "
                "pip install 'redline[local]' (or make demo)",
                seconds,
            )
        return SmokeResult(False, 3, f"local model runtime: {runtime} failed: {last}", seconds, info)
    features = non_portable_features(info)
    if features and not _native_opt_in():
        return SmokeResult(
            False,
            3,
            f"local model runtime: {runtime} was built for this CPU ({', '.join(features)}), so it is "
            "not portable and may crash (llama.cpp issue 20824); " + REBUILD,
            seconds,
            info,
        )
    answer = str(said[-1].get("text", "")).strip()
    shown = " ".join(f for f in enabled_features(info) if f in ("SSE3", "AVX", "AVX2", "FMA", "F16C", "NEON"))
    return SmokeResult(
        True,
        0,
        f"local model runtime: ok ({runtime}; {path.name} answered {answer[:40]!r} in {seconds:.1f} s; "
        f"CPU features: {shown or 'baseline'})",
        seconds,
        info,
        answer,
    )


def main() -> int:
    """Print one line and return the exit code (0 ok, 2 missing, 3 crashed or not portable)."""
    result = check_local_runtime()
    stream = sys.stdout if result.ok else sys.stderr
    stream.write(result.message + "\n")
    return result.exit_code


if __name__ == "__main__":
    sys.exit(main())
