"""`redline scan --tools FILE`: the model is offered the sandbox's tools and every call is stored."""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from tests.e2e.round_cli import redline, write_prompts
from tests.integration.tool_world import write_sandbox

CHEAP = ("--scorer", "refusal.phrases")


class _ToolModel(BaseHTTPRequestHandler):
    """Calls the first tool it is offered once, then answers with what the tool returned."""

    def do_POST(self) -> None:
        body = json.loads(self.rfile.read(int(self.headers.get("Content-Length", 0))) or b"{}")
        results = [m for m in body.get("messages", []) if m.get("role") == "tool"]
        message: dict[str, Any]
        if body.get("tools") and not results:
            name = body["tools"][0]["function"]["name"]
            call = {"id": "call_1", "type": "function", "function": {"name": name, "arguments": "{}"}}
            message, finish = {"role": "assistant", "content": None, "tool_calls": [call]}, "tool_calls"
        else:
            text = f"Done: {results[-1]['content']}" if results else "Hello."
            message, finish = {"role": "assistant", "content": text}, "stop"
        out = {
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 5, "completion_tokens": 5},
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
    server = ThreadingHTTPServer(("127.0.0.1", 0), _ToolModel)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    finally:
        server.shutdown()
        server.server_close()


def test_scan_with_tools_stores_every_call(tmp_path: Path) -> None:
    prompts = write_prompts(tmp_path / "p.txt", 4)
    sandbox = write_sandbox(tmp_path)
    with _server() as url:
        args = ("scan", "--url", url, "--model", "agent", "--prompts", str(prompts), "--tools", str(sandbox))
        res = redline(*args, *CHEAP, cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    db = sqlite3.connect(tmp_path / "redline-scan" / ".redline" / "redline.db")
    try:
        rows = db.execute("SELECT response, response_text FROM attempts").fetchall()
    finally:
        db.close()
    assert len(rows) == 4
    for response, text in rows:
        (step,) = json.loads(response)["actions"]["steps"]
        assert step["call"]["name"] == "read_inbox"
        assert step["outcome"]["content"] == "From ann@example.com: can you confirm lunch?"
        assert text == "Done: From ann@example.com: can you confirm lunch?"


def test_a_broken_sandbox_is_one_line_before_anything_runs(tmp_path: Path) -> None:
    bad = tmp_path / "tools.yaml"
    bad.write_text("tools:\n  - name: send\n    parameters: {type: array}\n")
    res = redline("scan", "--url", "http://127.0.0.1:9/v1", "--model", "m", "--tools", str(bad), cwd=tmp_path)
    assert res.returncode == 2
    assert f"{bad}: field 'tools.0(send)': parameters must be an object schema" in res.stderr
    assert "Traceback" not in res.stderr and not (tmp_path / "redline-scan").exists()
