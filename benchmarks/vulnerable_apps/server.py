"""Serve one simulated application over an OpenAI-compatible API on the loopback interface.

    python -m benchmarks.vulnerable_apps banking --port 0 --port-file port.txt --log banking.jsonl

``POST /v1/chat/completions`` (messages, temperature, max_tokens, logprobs/top_logprobs, stream) and
``GET /v1/models``; any path ending in those works. Every exchange is appended to the log as one JSON
line: time, seq, the full messages, the parameters, the reply and ``fired`` (the planted vulnerability
whose code path produced the reply, or null). Replies are a pure function of the request.
"""

from __future__ import annotations

import argparse
import json
import math
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

from . import APP_NAMES, load
from .common import App, Conversation, Reply, digest

LOOPBACK = ("127.0.0.1", "localhost", "::1")


def tokens(text: str) -> list[str]:
    """Whitespace-kept word pieces: what the log-probabilities are given for."""
    out: list[str] = []
    cur = ""
    for ch in text:
        if ch.isspace() and cur and not cur[-1].isspace():
            out.append(cur)
            cur = ch
        else:
            cur += ch
    if cur:
        out.append(cur)
    return out


def logprob_entries(reply: Reply, toks: list[str], top: int) -> list[dict[str, Any]]:
    """Near-certain log-probabilities where the app is overconfident, ordinary spread elsewhere."""
    entries = []
    for i, tok in enumerate(toks):
        h = digest(reply.text, str(i))
        lp = -(0.0002 + (h % 30) / 10000) if reply.confident else -(0.05 + (h % 240) / 100)
        alts = [
            {"token": f"{tok.strip()}_{k}", "logprob": lp - 1.5 - k, "bytes": None}
            for k in range(max(top - 1, 0))
        ]
        entries.append(
            {
                "token": tok,
                "logprob": round(lp, 5),
                "bytes": list(tok.encode("utf-8")),
                "top_logprobs": [{"token": tok, "logprob": round(lp, 5), "bytes": None}, *alts][
                    : max(top, 0)
                ],
            }
        )
    return entries


class AppServer:
    def __init__(self, app: App, log_path: Path | None, latency_ms: float = 0.0) -> None:
        self.app = app
        self.log_path = log_path
        self.latency_s = latency_ms / 1000
        self.seq = 0
        self.lock = threading.Lock()
        if log_path is not None:
            log_path.parent.mkdir(parents=True, exist_ok=True)
            log_path.touch()

    def complete(self, body: dict[str, Any]) -> dict[str, Any]:
        conv = Conversation.from_request(body)
        reply = self.app.respond(conv)
        text = reply.text
        toks = tokens(text)
        finish = "stop"
        if conv.max_tokens is not None and 0 < conv.max_tokens < len(toks):
            toks = toks[: conv.max_tokens]
            text = "".join(toks)
            finish = "length"
        with self.lock:
            self.seq += 1
            seq = self.seq
            if self.log_path is not None:
                rec = {
                    "seq": seq,
                    "time": round(time.time(), 3),
                    "app": self.app.name,
                    "messages": list(conv.messages),
                    "params": {
                        "temperature": conv.temperature,
                        "max_tokens": conv.max_tokens,
                        "logprobs": bool(body.get("logprobs")),
                    },
                    "reply": text,
                    "fired": reply.fired,
                    "detail": reply.detail,
                }
                if conv.raw or conv.tools or reply.tool_calls:  # a tool-calling exchange, as sent
                    rec.update(raw_messages=list(conv.raw), tools=list(conv.tools))
                    rec["tool_calls"] = list(reply.tool_calls)
                with self.log_path.open("a", encoding="utf-8") as fh:
                    fh.write(json.dumps(rec, ensure_ascii=False) + "\n")
        message: dict[str, Any] = {"role": "assistant", "content": text}
        if reply.tool_calls:
            message = {"role": "assistant", "content": text or None, "tool_calls": list(reply.tool_calls)}
            finish = "tool_calls"
        choice: dict[str, Any] = {"index": 0, "message": message, "finish_reason": finish, "logprobs": None}
        if body.get("logprobs"):
            top = body.get("top_logprobs")
            choice["logprobs"] = {
                "content": logprob_entries(reply, toks, int(top) if isinstance(top, int) else 0)
            }
        prompt_tokens = sum(len(m["content"].split()) for m in conv.messages)
        return {
            "id": f"chatcmpl-{self.app.name}-{seq}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": self.app.model,
            "choices": [choice],
            "usage": {
                "prompt_tokens": prompt_tokens,
                "completion_tokens": len(toks),
                "total_tokens": prompt_tokens + len(toks),
            },
        }

    def handler(self) -> type[BaseHTTPRequestHandler]:
        srv = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"

            def log_message(self, format: str, *args: Any) -> None:
                return

            def _send(self, status: int, payload: dict[str, Any]) -> None:
                data = json.dumps(payload).encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def do_GET(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                if path.endswith("/models"):
                    self._send(
                        200,
                        {
                            "object": "list",
                            "data": [{"id": srv.app.model, "object": "model", "owned_by": "bench"}],
                        },
                    )
                elif path.endswith("/models/" + srv.app.model):
                    self._send(200, {"id": srv.app.model, "object": "model", "owned_by": "bench"})
                else:
                    self._send(404, {"error": {"message": f"no route {path}", "type": "not_found"}})

            def do_POST(self) -> None:
                path = self.path.split("?")[0].rstrip("/")
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length) if length else b""
                if path.endswith("/shutdown"):
                    self._send(200, {"ok": True})
                    threading.Thread(target=self.server.shutdown, daemon=True).start()
                    return
                if not path.endswith("/chat/completions"):
                    self._send(404, {"error": {"message": f"no route {path}", "type": "not_found"}})
                    return
                try:
                    body = json.loads(raw or b"{}")
                    if not isinstance(body, dict) or not isinstance(body.get("messages"), list):
                        raise ValueError("'messages' must be a list")
                except ValueError as exc:
                    self._send(
                        400, {"error": {"message": f"bad request: {exc}", "type": "invalid_request_error"}}
                    )
                    return
                if srv.latency_s:
                    time.sleep(srv.latency_s)
                out = srv.complete(body)
                if body.get("stream"):
                    self._stream(out)
                else:
                    self._send(200, out)

            def _stream(self, out: dict[str, Any]) -> None:
                self.send_response(200)
                self.send_header("Content-Type", "text/event-stream")
                self.send_header("Connection", "close")
                self.end_headers()
                message = out["choices"][0]["message"]
                text = message["content"] or ""
                calls = [{"index": i, **c} for i, c in enumerate(message.get("tool_calls") or [])]
                for piece in [*tokens(text), *([""] if calls else []), None]:
                    delta: dict[str, Any] = {"content": piece} if piece else {}
                    if piece == "":
                        delta = {"tool_calls": calls}
                    chunk = {
                        "id": out["id"],
                        "object": "chat.completion.chunk",
                        "created": out["created"],
                        "model": out["model"],
                        "choices": [
                            {
                                "index": 0,
                                "delta": delta,
                                "finish_reason": None
                                if piece is not None
                                else out["choices"][0]["finish_reason"],
                            }
                        ],
                    }
                    self.wfile.write(f"data: {json.dumps(chunk)}\n\n".encode())
                self.wfile.write(b"data: [DONE]\n\n")
                self.close_connection = True

        return Handler


def serve(
    app: App, host: str, port: int, log_path: Path | None, latency_ms: float = 0.0
) -> ThreadingHTTPServer:
    """A started-but-not-serving server bound to HOST:PORT (loopback only)."""
    if host not in LOOPBACK:
        raise SystemExit(f"refusing to bind {host}: loopback only")
    httpd = ThreadingHTTPServer((host, port), AppServer(app, log_path, latency_ms).handler())
    httpd.daemon_threads = True
    return httpd


@contextmanager
def served_in_thread(app: App, log_path: Path | None, latency_ms: float = 0.0) -> Iterator[str]:
    """APP served on a free loopback port from a background thread; yields its base URL (ending /v1)."""
    httpd = serve(app, "127.0.0.1", 0, log_path, latency_ms)
    thread = threading.Thread(target=httpd.serve_forever, kwargs={"poll_interval": 0.05}, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}/v1"
    finally:
        httpd.shutdown()
        httpd.server_close()


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.vulnerable_apps", description=__doc__.splitlines()[0]
    )
    ap.add_argument("app", choices=APP_NAMES)
    ap.add_argument("--host", default="127.0.0.1")
    ap.add_argument("--port", type=int, default=8000, help="0 picks a free port")
    ap.add_argument("--port-file", type=Path, help="write the bound port here once listening")
    ap.add_argument("--log", type=Path, help="append every exchange here (JSONL)")
    ap.add_argument("--latency-ms", type=float, default=0.0)
    ap.add_argument("--max-seconds", type=float, default=math.inf, help="stop by itself after this long")
    ap.add_argument(
        "--describe",
        action="store_true",
        help="print the app's model id, purpose and vulnerabilities as JSON",
    )
    args = ap.parse_args(argv)
    app = load(args.app)
    if args.describe:
        print(json.dumps(describe(app), indent=2))
        return 0
    httpd = serve(app, args.host, args.port, args.log, args.latency_ms)
    port = httpd.server_address[1]
    if args.port_file:
        tmp = args.port_file.with_suffix(".tmp")
        tmp.write_text(str(port))
        tmp.replace(args.port_file)
    print(f"{app.name} ({app.model}) on http://{args.host}:{port}/v1", file=sys.stderr, flush=True)
    if math.isfinite(args.max_seconds):
        threading.Timer(args.max_seconds, httpd.shutdown).start()
    try:
        httpd.serve_forever(poll_interval=0.2)
    except KeyboardInterrupt:
        pass
    finally:
        httpd.server_close()
    return 0


def describe(app: App) -> dict[str, Any]:
    return {
        "name": app.name,
        "model": app.model,
        "title": app.title,
        "purpose": app.purpose,
        "vulnerabilities": [
            {"id": v.id, "family": v.family, "trigger": v.trigger, "counts": v.counts} for v in app.vulns
        ],
    }
