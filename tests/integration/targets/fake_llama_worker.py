"""A stand-in for the llama.cpp worker process that speaks its protocol and crashes on demand.

The model path chooses how it loads: `crash-on-load` dies with SIGSEGV, `unreadable` reports a load
error; anything else loads. Each request is answered with a chat completion that echoes the last
message, unless that message contains CRASH, which kills the process with SIGSEGV, as a fault in
native code would.
"""

from __future__ import annotations

import json
import os
import signal
import sys


def _send(payload: dict[str, object]) -> None:
    sys.stdout.write(json.dumps(payload) + "\n")
    sys.stdout.flush()


def main() -> int:
    config = json.loads(sys.stdin.readline())
    if config["path"].endswith("crash-on-load"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if config["path"].endswith("unreadable"):
        _send(
            {
                "error": "load",
                "type": "ValueError",
                "message": f"Failed to load model from file: {config['path']}",
            }
        )
        return 1
    _send({"ready": os.getpid()})
    for line in sys.stdin:
        request = json.loads(line)
        text = request["messages"][-1]["content"]
        if "CRASH" in text:
            os.kill(os.getpid(), signal.SIGSEGV)
        _send(
            {
                "result": {
                    "choices": [{"message": {"content": f"echo: {text}"}, "finish_reason": "stop"}],
                    "usage": {"prompt_tokens": len(text.split()), "completion_tokens": len(text.split()) + 1},
                }
            }
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
