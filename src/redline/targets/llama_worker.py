"""The llama.cpp worker process: loads one GGUF model and answers chat requests as JSON lines.

Run as `python -m redline.targets.llama_worker` by `redline.targets.llama_runtime`, never by hand.
The first line on stdin holds the load options; the worker answers `{"ready": pid}` once the model is
loaded, then one reply line for each request line. It exits when stdin closes (its parent is gone),
so a crash inside llama.cpp takes down this process only. It imports nothing else from Redline.
"""

from __future__ import annotations

import json
import os
import signal
import sys
import threading
import time
from typing import IO, Any

TEMPLATE_TOKENS_PER_MESSAGE = 5
"""Tokens a chat template adds around each message, at least (a lower bound for the length check)."""
PARENT_CHECK_S = 0.5


def _plain(value: Any) -> Any:
    """JSON for the numpy scalars and arrays llama.cpp may leave in a result."""
    if hasattr(value, "tolist"):
        return value.tolist()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def _reply(out: IO[bytes], payload: dict[str, Any]) -> None:
    out.write(json.dumps(payload, default=_plain).encode() + b"\n")
    out.flush()


def _load(config: dict[str, Any]) -> Any:
    from llama_cpp import Llama

    return Llama(
        model_path=config["path"],
        n_ctx=config["n_ctx"],
        n_threads=config.get("n_threads"),
        # a thread count given is the model's whole share of the CPU, prompt processing included
        n_threads_batch=config.get("n_threads"),
        n_gpu_layers=config.get("n_gpu_layers", 0),
        logits_all=bool(config.get("logits_all")),
        verbose=False,
    )


def _generate(llama: Any, n_ctx: int, request: dict[str, Any]) -> dict[str, Any]:
    messages: list[dict[str, str]] = request["messages"]
    # A lower bound of the templated prompt's length; llama.cpp's own check comes late and fails
    # obscurely on some overflows.
    needed = len(messages) * TEMPLATE_TOKENS_PER_MESSAGE + sum(
        len(llama.tokenize(m["content"].encode(), add_bos=False, special=False)) for m in messages
    )
    if needed >= n_ctx:
        raise ValueError(
            f"the prompt needs at least {needed} tokens; the context window holds {n_ctx} "
            "(raise the n_ctx option or shorten the conversation)"
        )
    logprobs = bool(request.get("logprobs"))
    result: dict[str, Any] = llama.create_chat_completion(
        messages=messages,
        temperature=request["temperature"],
        max_tokens=request["max_tokens"],
        seed=request.get("seed"),
        logprobs=logprobs or None,
        top_logprobs=request.get("top_logprobs") if logprobs else None,
    )
    return result


def serve(inp: IO[bytes], out: IO[bytes]) -> int:
    """Load the model named by the first line of `inp`, then answer each further line on `out`."""
    first = inp.readline()
    if not first:
        return 0
    config = json.loads(first)
    try:
        llama = _load(config)
    except Exception as exc:  # a missing or unreadable file: reported, then this worker ends
        _reply(out, {"error": "load", "type": type(exc).__name__, "message": str(exc)})
        return 1
    _reply(out, {"ready": os.getpid()})
    for line in inp:
        if not line.strip():
            continue
        try:
            _reply(out, {"result": _generate(llama, int(config["n_ctx"]), json.loads(line))})
        except ValueError as exc:  # llama.cpp's answer to a prompt longer than the context window
            _reply(out, {"error": "bad_request", "type": type(exc).__name__, "message": str(exc)})
        except Exception as exc:
            _reply(out, {"error": "other", "type": type(exc).__name__, "message": str(exc)})
    return 0


def exit_with_parent(parent: int, every_s: float = PARENT_CHECK_S) -> None:
    """End this process once its parent is gone, even in the middle of a generation."""
    while os.getppid() == parent:
        time.sleep(every_s)
    os._exit(0)


def main() -> int:
    """Serve on the process's stdin and stdout; anything native code prints goes to stderr instead.

    The worker exits when stdin closes, and within a second of its parent's death if it is busy then.
    """
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle; it closes stdin
    threading.Thread(target=exit_with_parent, args=(os.getppid(),), daemon=True).start()
    out = os.fdopen(os.dup(sys.stdout.fileno()), "wb")
    os.dup2(sys.stderr.fileno(), sys.stdout.fileno())
    sys.stdout = sys.stderr
    return serve(sys.stdin.buffer, out)


if __name__ == "__main__":
    raise SystemExit(main())
