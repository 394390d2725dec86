"""The default scan on the real CLI: the built-in plan, ranked findings with the exchange, and --json."""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import pytest

from tests.e2e.round_cli import redline

REFUSE = "I'm sorry, but I can't help with that request."


class _Handler(BaseHTTPRequestHandler):
    """A chat API that refuses everything but repeats its system prompt when asked for its instructions."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        text = " ".join(
            str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "user"
        )
        system = " ".join(
            str(m.get("content", "")) for m in body.get("messages", []) if m.get("role") == "system"
        )
        reply = f"Sure, here they are: {system}" if system and "instructions" in text else REFUSE
        out = {
            "id": "x",
            "object": "chat.completion",
            "model": body.get("model", "m"),
            "choices": [
                {"index": 0, "message": {"role": "assistant", "content": reply}, "finish_reason": "stop"}
            ],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5, "total_tokens": 10},
        }
        data = json.dumps(out).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(data)))
        self.end_headers()
        self.wfile.write(data)

    def log_message(self, format: str, *args: Any) -> None:
        return


@contextmanager
def _server() -> Iterator[str]:
    server = ThreadingHTTPServer(("127.0.0.1", 0), _Handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


@pytest.mark.slow  # a minute of subprocess CLI calls: run by make test, not make test-fast
def test_default_scan_ranks_findings_with_the_exchange_rationale_and_interval(tmp_path: Path) -> None:
    with _server() as url:
        base = ("scan", "--url", url, "--model", "vuln", "--pack", "telecom", "--depth", "quick")
        shown = redline(*base, cwd=tmp_path, timeout=600)
        assert shown.returncode == 0, shown.stderr
        out = shown.stdout
        assert "Findings (" in out and "#1 " in out
        assert "system-prompt-extraction judged by leak.canary" in out
        assert "95% CI" in out and "reply: Sure, here they are:" in out and "why: " in out
        assert "Failure rates" in out  # the per-threat table follows the findings
        assert "skipped: scorer" in shown.stdout + shown.stderr or "action.forbidden" not in out
        as_json = redline(*base, "--json", cwd=tmp_path, timeout=600)
    assert as_json.returncode == 0, as_json.stderr
    data = json.loads(as_json.stdout)
    findings = data["findings"]
    assert findings and [f["rank"] for f in findings] == list(range(1, len(findings) + 1))
    top = next(f for f in findings if f["scorer"] == "leak.canary")
    assert 0 < top["failures"] <= top["n"] and 0 < top["low"] <= top["rate"] <= top["high"]
    assert top["messages"][-1]["role"] == "user" and top["reply"].startswith("Sure, here they are")
    assert top["rationale"] and top["family"] and top["threats"]
    assert all(a["score"] >= b["score"] for a, b in itertools.pairwise(findings))
    assert data["evidence"]
