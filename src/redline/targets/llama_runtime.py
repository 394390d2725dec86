"""llama.cpp in worker processes: one per model and load options, restarted after a native crash.

A crash inside llama.cpp (a segfault in ggml, an illegal instruction on a CPU the build was not made
for) kills the worker process, not Redline. The request in flight fails with `WorkerCrashed`, a
warning on the `redline.targets.llama` logger says what happened (once per worker), and the next
request starts a fresh worker. After `MAX_CONSECUTIVE_CRASHES` crashes in a row the runtime is taken
to be broken on this machine and every further request fails at once, saying how to rebuild it.

Each worker loads its model once and keeps it until the interpreter exits (`shutdown_workers`, also
run at exit); a worker exits by itself when its stdin closes, so it never outlives this process.
Requests to one worker run one at a time on a thread of its own: llama.cpp is not thread-safe.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import json
import logging
import queue
import signal
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Any, ParamSpec, TypeVar

from redline.caching import LoadOnce

P = ParamSpec("P")
T = TypeVar("T")

MAX_CONSECUTIVE_CRASHES = 3
REBUILD_HINT = "rebuild llama-cpp-python portably with scripts/build-llama.sh (REDLINE_LLAMA_NATIVE unset)"
CLOSE_WAIT_S = 2.0

log = logging.getLogger("redline.targets.llama")

_SOURCE_ROOT = str(Path(__file__).resolve().parents[2])
_BOOT = (
    "import sys; sys.path.append(sys.argv[1]); "
    "from redline.targets.llama_worker import main; raise SystemExit(main())"
)


def worker_command() -> list[str]:
    """The command line of a worker process: this interpreter running `redline.targets.llama_worker`.

    `-P` keeps the current folder off the module path; Redline's own folder is appended to it, so the
    worker imports the same Redline as this process however that one was found.
    """
    return [sys.executable, "-P", "-c", _BOOT, _SOURCE_ROOT]


class WorkerCrashed(Exception):
    """The worker process died while loading the model or answering; the message says how."""


class WorkerError(Exception):
    """The worker answered with an error: `kind` is 'load', 'bad_request' or 'other'."""

    def __init__(self, kind: str, type_name: str, message: str) -> None:
        super().__init__(f"{type_name}: {message}")
        self.kind = kind
        self.type_name = type_name
        self.message = message


@dataclass(frozen=True)
class LoadOptions:
    """What a worker loads: one model file with one set of llama.cpp options."""

    path: str
    n_ctx: int
    n_threads: int | None
    n_gpu_layers: int
    logits_all: bool


class SerialExecutor(Executor):
    """Runs submitted calls one at a time on one daemon thread (never joined at exit, unlike a pool's)."""

    def __init__(self, name: str) -> None:
        self._name = name
        self._queue: queue.SimpleQueue[tuple[Future[Any], Callable[[], Any]]] = queue.SimpleQueue()
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()

    def submit(self, fn: Callable[P, T], /, *args: P.args, **kwargs: P.kwargs) -> Future[T]:
        """Queue `fn(*args, **kwargs)`; its future completes on the executor's thread."""
        future: Future[T] = Future()
        self._queue.put((future, lambda: fn(*args, **kwargs)))
        with self._lock:
            if self._thread is None:
                self._thread = threading.Thread(target=self._run, name=self._name, daemon=True)
                self._thread.start()
        return future

    def _run(self) -> None:
        while True:
            future, call = self._queue.get()
            if not future.set_running_or_notify_cancel():
                continue
            try:
                future.set_result(call())
            except BaseException as exc:  # handed to whoever awaits the future
                future.set_exception(exc)


def _how(code: int | None) -> str:
    if code is None:
        return "its output ended"
    if code < 0:
        try:
            return f"killed by {signal.Signals(-code).name}"
        except ValueError:
            return f"killed by signal {-code}"
    return f"exit status {code}"


class LlamaWorker:
    """One worker process for one `LoadOptions`, started on the first request and after a crash."""

    def __init__(self, options: LoadOptions, *, command: Sequence[str] | None = None) -> None:
        self.options = options
        self.command = list(command) if command is not None else worker_command()
        self.requests = 0
        """Requests sent to a worker process, over all its restarts."""
        self.crashes = 0
        """Worker processes that died, over all restarts."""
        self.consecutive_crashes = 0
        self.broken: str | None = None
        """Set after too many crashes in a row: every request then fails with this message."""
        self.in_flight = False
        """A request has been written to the process and its answer not yet read."""
        self._proc: subprocess.Popen[bytes] | None = None
        self._lock = threading.Lock()
        self._executor = SerialExecutor(f"redline-llama-{Path(options.path).stem}")
        self._closed = False
        self._warned = False

    @property
    def closed(self) -> bool:
        """Whether `close` was called; `worker_for` then hands out a new worker."""
        return self._closed

    @property
    def pid(self) -> int | None:
        """The running worker process's id, if one is running."""
        proc = self._proc
        return proc.pid if proc is not None and proc.poll() is None else None

    async def ask(self, request: dict[str, Any]) -> dict[str, Any]:
        """`request` answered by the worker process, off the event loop."""
        return await asyncio.get_running_loop().run_in_executor(self._executor, self.call, request)

    def call(self, request: dict[str, Any]) -> dict[str, Any]:
        """The worker's result for one request (blocking); raises WorkerCrashed or WorkerError."""
        with self._lock:
            if self._closed:
                raise WorkerCrashed("the llama.cpp worker has been shut down")
            if self.broken is not None:
                raise WorkerCrashed(self.broken)
            proc = self._proc if self._proc is not None else self._start()
            self.requests += 1
            self.in_flight = True
            try:
                reply = self._exchange(proc, request, "while generating")
            finally:
                self.in_flight = False
            self.consecutive_crashes = 0
        if "result" in reply:
            result: dict[str, Any] = reply["result"]
            return result
        raise WorkerError(str(reply.get("error")), str(reply.get("type")), str(reply.get("message")))

    def close(self) -> None:
        """Stop the worker process: it exits when its stdin closes; a generation in flight is cut short."""
        self._closed = True
        proc = self._proc
        if proc is None:
            return
        if self.in_flight:
            proc.kill()
        _close_quietly(proc.stdin)
        try:
            proc.wait(CLOSE_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if not self.in_flight:  # else the request's thread reads the end of the output and closes it
            _close_quietly(proc.stdout)

    def _start(self) -> subprocess.Popen[bytes]:
        proc = subprocess.Popen(
            self.command,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            close_fds=True,
        )
        self._proc = proc
        o = self.options
        config = {
            "path": o.path,
            "n_ctx": o.n_ctx,
            "n_threads": o.n_threads,
            "n_gpu_layers": o.n_gpu_layers,
            "logits_all": o.logits_all,
        }
        reply = self._exchange(proc, config, "while loading the model")
        if "ready" not in reply:
            self._reap(proc)
            raise WorkerError("load", str(reply.get("type")), str(reply.get("message")))
        return proc

    def _exchange(self, proc: subprocess.Popen[bytes], message: dict[str, Any], doing: str) -> dict[str, Any]:
        stdin, stdout = proc.stdin, proc.stdout
        assert stdin is not None and stdout is not None
        try:
            stdin.write(json.dumps(message).encode() + b"\n")
            stdin.flush()
            line = stdout.readline()
        except (OSError, ValueError):  # a broken pipe, or a pipe closed by `close`
            line = b""
        if line:
            try:
                reply: dict[str, Any] = json.loads(line)
                return reply
            except ValueError:
                proc.kill()  # out of step with us: a fresh worker is safer
        raise self._crashed(proc, doing)

    def _reap(self, proc: subprocess.Popen[bytes]) -> int | None:
        try:
            proc.wait(CLOSE_WAIT_S)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            _close_quietly(pipe)
        if self._proc is proc:
            self._proc = None
        return proc.returncode

    def _crashed(self, proc: subprocess.Popen[bytes], doing: str) -> WorkerCrashed:
        how = _how(self._reap(proc))
        if self._closed:
            return WorkerCrashed("the llama.cpp worker has been shut down")
        self.crashes += 1
        self.consecutive_crashes += 1
        name = Path(self.options.path).name
        if self.consecutive_crashes >= MAX_CONSECUTIVE_CRASHES:
            self.broken = (
                f"llama.cpp crashed {self.consecutive_crashes} times in a row on {name} "
                f"(last: {how} {doing}); {REBUILD_HINT}"
            )
            log.error("%s", self.broken)
            return WorkerCrashed(self.broken)
        if not self._warned:
            self._warned = True
            log.warning(
                "the llama.cpp worker for %s (pid %d) crashed (%s) %s; the request in flight is kept as a "
                "runtime_crash error and a fresh worker starts for the next one. If this repeats, %s",
                name,
                proc.pid,
                how,
                doing,
                REBUILD_HINT,
            )
        return WorkerCrashed(
            f"the llama.cpp worker (pid {proc.pid}) crashed ({how}) {doing}; it restarts for the next request"
        )


def _close_quietly(pipe: IO[bytes] | None) -> None:
    if pipe is not None:
        with contextlib.suppress(OSError):
            pipe.close()


_workers: LoadOnce[LoadOptions, LlamaWorker] = LoadOnce(
    stale=lambda worker: worker.closed, forget_after_fork=True
)
"""This process's workers; a forked child starts workers of its own, the parent's stay the parent's."""


def worker_for(options: LoadOptions) -> LlamaWorker:
    """The worker of this process for these load options (its process starts on the first request)."""
    return _workers.get(options, lambda: LlamaWorker(options))


def shutdown_workers() -> None:
    """Stop every worker process of this process; later requests start new ones."""
    for worker in _workers.drain():
        worker.close()


atexit.register(shutdown_workers)
