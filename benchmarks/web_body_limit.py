"""Server memory under huge anonymous posts: `redline serve` on loopback, 200 MB bodies, with and without
Content-Length (chunked), to the public intake and to an admin route.

Starts a fresh workspace's `redline serve` in a child process, reads its resident memory from /proc
when idle, sends each post, and prints one JSON line per post and a last one with the peak
(`VmHWM`, the kernel's high-water mark of the server's resident memory) against idle.

    .venv/bin/python benchmarks/web_body_limit.py --mb 200
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

CHUNK = 1024 * 1024


def _rss_kb(pid: int, field: str) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith(field + ":"):
            return int(line.split()[1])
    raise RuntimeError(f"no {field} for {pid}")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _wait_up(port: int, timeout_s: float = 60.0) -> None:
    deadline = time.monotonic() + timeout_s
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def post(port: int, path: str, total: int, *, chunked: bool) -> dict[str, object]:
    """Send `total` bytes of JSON-looking filler; returns the status line and how much was sent."""
    head = [f"POST {path} HTTP/1.1", "Host: 127.0.0.1", "Content-Type: application/json", "Connection: close"]
    head.append("Transfer-Encoding: chunked" if chunked else f"Content-Length: {total}")
    sent, status = 0, ""
    started = time.monotonic()
    with socket.create_connection(("127.0.0.1", port), timeout=60) as sock:
        sock.sendall(("\r\n".join(head) + "\r\n\r\n").encode())
        block = b"{" + b" " * (CHUNK - 1)
        try:
            while sent < total:
                piece = block[: min(CHUNK, total - sent)]
                sock.sendall(b"%x\r\n%s\r\n" % (len(piece), piece) if chunked else piece)
                sent += len(piece)
            if chunked:
                sock.sendall(b"0\r\n\r\n")
        except (BrokenPipeError, ConnectionResetError):
            pass  # the server answered and closed before the whole body was sent: the point
        try:
            reply = sock.recv(4096).decode("latin-1")
            status = reply.split("\r\n", 1)[0]
        except (ConnectionResetError, TimeoutError):
            status = "connection closed"
    return {
        "path": path,
        "chunked": chunked,
        "sent_mb": round(sent / CHUNK, 1),
        "status": status,
        "seconds": round(time.monotonic() - started, 2),
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mb", type=int, default=200, help="Body size of each post, in MiB.")
    args = parser.parse_args()
    redline = Path(sys.executable).with_name("redline")
    with tempfile.TemporaryDirectory(prefix="redline-bench-") as tmp:
        ws = Path(tmp) / "ws"
        subprocess.run([str(redline), "init", str(ws), "--name", "bench"], check=True, capture_output=True)
        port = _free_port()
        env = {**os.environ, "REDLINE_WORKSPACE": str(ws)}
        server = subprocess.Popen(
            [str(redline), "serve", "--host", "127.0.0.1", "--port", str(port)],
            cwd=ws,
            env=env,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        try:
            _wait_up(port)
            post(port, "/api/intake", 1000, chunked=False)  # warm: first request imports the routes' code
            time.sleep(1.0)
            idle = _rss_kb(server.pid, "VmRSS")
            results = []
            for path in ("/api/intake", "/api/users"):
                for chunked in (False, True):
                    result = post(port, path, args.mb * CHUNK, chunked=chunked)
                    result["rss_after_mb"] = round(_rss_kb(server.pid, "VmRSS") / 1024, 1)
                    results.append(result)
                    print(json.dumps(result), flush=True)
            peak = _rss_kb(server.pid, "VmHWM")
        finally:
            server.terminate()
            server.wait(timeout=30)
    summary = {
        "idle_rss_mb": round(idle / 1024, 1),
        "peak_rss_mb": round(peak / 1024, 1),
        "peak_over_idle_mb": round((peak - idle) / 1024, 1),
        "body_mb": args.mb,
    }
    print(json.dumps(summary))
    return 0 if summary["peak_over_idle_mb"] <= 50 else 1


if __name__ == "__main__":
    raise SystemExit(main())
