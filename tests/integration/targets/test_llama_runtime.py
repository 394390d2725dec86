"""llama.cpp worker processes: a crash fails the request in flight, the next one restarts the worker.

Runs against a stand-in worker (`fake_llama_worker.py`) that crashes with SIGSEGV on demand; the
real model is killed mid-generation in test_gguf.py.
"""

from __future__ import annotations

import asyncio
import logging
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from redline.core.runs.conversation import Conversation, ErrorKind, Response
from redline.targets import llama_runtime
from redline.targets.gguf import GGUFTarget
from redline.targets.llama_runtime import (
    MAX_CONSECUTIVE_CRASHES,
    LlamaWorker,
    LoadOptions,
    WorkerCrashed,
    WorkerError,
)

FAKE = Path(__file__).with_name("fake_llama_worker.py")
COMMAND = [sys.executable, str(FAKE)]


def _options(path: str = "model.gguf") -> LoadOptions:
    return LoadOptions(path=path, n_ctx=512, n_threads=1, n_gpu_layers=0, logits_all=False)


def _ask(text: str) -> dict[str, object]:
    return {"messages": [{"role": "user", "content": text}], "temperature": 0.0, "max_tokens": 8}


def alive(pid: int) -> bool:
    """Whether a process runs (a zombie waiting to be reaped counts as gone)."""
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return False
    return stat.rsplit(")", 1)[1].split()[0] != "Z"


@pytest.fixture
def worker() -> Iterator[LlamaWorker]:
    w = LlamaWorker(_options(), command=COMMAND)
    yield w
    w.close()


def _content(result: dict[str, object]) -> str:
    choices = result["choices"]
    assert isinstance(choices, list)
    return str(choices[0]["message"]["content"])


def test_a_crash_fails_the_request_in_flight_and_the_next_request_restarts_the_worker(
    worker: LlamaWorker, caplog: pytest.LogCaptureFixture
) -> None:
    caplog.set_level(logging.WARNING, logger="redline.targets.llama")
    assert _content(worker.call(_ask("hello"))) == "echo: hello"
    first = worker.pid
    assert first is not None
    with pytest.raises(WorkerCrashed, match="SIGSEGV") as crash:
        worker.call(_ask("CRASH now"))
    assert "while generating" in str(crash.value)
    assert worker.pid is None and not alive(first)
    assert _content(worker.call(_ask("again"))) == "echo: again"
    assert worker.pid not in (None, first)
    with pytest.raises(WorkerCrashed):
        worker.call(_ask("CRASH twice"))
    assert _content(worker.call(_ask("still here"))) == "echo: still here"
    assert worker.crashes == 2 and worker.consecutive_crashes == 0 and worker.broken is None
    warnings = [r for r in caplog.records if r.name == "redline.targets.llama"]
    assert len(warnings) == 1  # said once, not at every crash
    assert "SIGSEGV" in warnings[0].getMessage() and "scripts/build-llama.sh" in warnings[0].getMessage()


def test_crashes_in_a_row_stop_the_restarts_with_a_one_line_rebuild_hint(
    caplog: pytest.LogCaptureFixture,
) -> None:
    worker = LlamaWorker(_options("crash-on-load"), command=COMMAND)
    for _ in range(MAX_CONSECUTIVE_CRASHES - 1):
        with pytest.raises(WorkerCrashed, match="while loading the model"):
            worker.call(_ask("hello"))
    with pytest.raises(WorkerCrashed) as given_up:
        worker.call(_ask("hello"))
    message = str(given_up.value)
    assert f"crashed {MAX_CONSECUTIVE_CRASHES} times in a row" in message and "\n" not in message
    assert "scripts/build-llama.sh" in message and "REDLINE_LLAMA_NATIVE unset" in message
    starts = worker.crashes
    with pytest.raises(WorkerCrashed, match=r"build-llama\.sh"):
        worker.call(_ask("hello"))
    assert worker.crashes == starts and worker.pid is None  # no further process was started
    assert any(r.levelno == logging.ERROR and "build-llama.sh" in r.getMessage() for r in caplog.records)


def test_an_unreadable_model_is_a_load_error_not_a_crash() -> None:
    worker = LlamaWorker(_options("unreadable"), command=COMMAND)
    with pytest.raises(WorkerError) as failure:
        worker.call(_ask("hello"))
    assert failure.value.kind == "load" and "Failed to load model" in failure.value.message
    assert worker.crashes == 0 and worker.pid is None


def test_close_stops_the_process_and_a_worker_exits_when_its_parent_dies(worker: LlamaWorker) -> None:
    worker.call(_ask("hello"))
    pid = worker.pid
    assert pid is not None
    worker.close()
    assert not alive(pid)
    with pytest.raises(WorkerCrashed, match="shut down"):
        worker.call(_ask("hello"))

    parent = textwrap.dedent(
        f"""
        import os
        from redline.targets.llama_runtime import LlamaWorker, LoadOptions
        w = LlamaWorker(LoadOptions("m.gguf", 512, 1, 0, False), command={COMMAND!r})
        w.call({{"messages": [{{"role": "user", "content": "hi"}}], "temperature": 0.0, "max_tokens": 4}})
        print(w.pid, flush=True)
        os._exit(0)  # no clean-up at exit: as if the parent were killed
        """
    )
    out = subprocess.run(
        [sys.executable, "-c", parent], capture_output=True, text=True, timeout=60, check=True
    )
    orphan = int(out.stdout.strip())
    deadline = time.monotonic() + 10
    while alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(orphan)


def test_a_busy_worker_exits_soon_after_its_parent_dies() -> None:
    busy = (
        "import os, threading, time\n"
        "from redline.targets.llama_worker import exit_with_parent\n"
        "threading.Thread(target=exit_with_parent, args=(os.getppid(), 0.05), daemon=True).start()\n"
        "print('ready', flush=True)\n"
        "time.sleep(120)  # a long generation\n"
    )
    parent = (
        "import os, subprocess, sys\n"
        f"child = subprocess.Popen([sys.executable, '-c', {busy!r}], stdout=subprocess.PIPE, text=True)\n"
        "child.stdout.readline()\n"
        "print(child.pid, flush=True)\n"
        "os._exit(0)\n"
    )
    out = subprocess.run(
        [sys.executable, "-c", parent], capture_output=True, text=True, timeout=60, check=True
    )
    orphan = int(out.stdout.strip())
    deadline = time.monotonic() + 10
    while alive(orphan) and time.monotonic() < deadline:
        time.sleep(0.05)
    assert not alive(orphan)


def test_the_gguf_target_returns_a_crash_as_a_runtime_crash_response(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.setattr(llama_runtime, "worker_command", lambda: COMMAND)
    target = GGUFTarget(tmp_path / "fake.gguf", name="fake-smol")

    async def scenario() -> list[Response]:
        return [await target.send(Conversation.of(text)) for text in ("one", "CRASH", "two")]

    try:
        before, crashed, after = asyncio.run(scenario())
    finally:
        target.worker().close()
    assert before.ok and before.text == "echo: one"
    assert crashed.error is ErrorKind.RUNTIME_CRASH
    assert (crashed.error_detail or "").startswith("fake-smol: the llama.cpp worker")
    assert "SIGSEGV" in (crashed.error_detail or "")
    assert after.ok and after.text == "echo: two"
