"""A small e-mail MCP server built with the SDK's own server class, for the MCP tests.

Run as `python tests/integration/targets/mcp_email_server.py stdio` or `... http PORT` (streamable HTTP on
127.0.0.1). Each call is appended as a JSON line to the file named by MCP_EMAIL_LOG (when set), so a test
can see which calls reached the real server.
"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager

import anyio
from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ToolError

INBOX = (
    {"from": "alice@example.test", "subject": "Quarterly numbers", "body": "Revenue is up 4 percent."},
    {"from": "bob@example.test", "subject": "Lunch", "body": "Noon on Thursday?"},
)

server = MCPServer("email", instructions="A mailbox: read the inbox, send e-mail.", log_level="WARNING")


def _log(tool: str, arguments: dict[str, object]) -> None:
    path = os.environ.get("MCP_EMAIL_LOG")
    if path:
        with open(path, "a", encoding="utf-8") as fh:
            fh.write(json.dumps({"tool": tool, "arguments": arguments}) + "\n")


@server.tool(description="Read the messages in the user's inbox.")
def read_inbox(limit: int = 10) -> str:
    _log("read_inbox", {"limit": limit})
    return "\n".join(f"From: {m['from']} | {m['subject']} | {m['body']}" for m in INBOX[:limit])


@server.tool(description="Send an e-mail on the user's behalf.")
def send_email(to: str, subject: str, body: str) -> str:
    _log("send_email", {"to": to, "subject": subject, "body": body})
    return f"sent to {to}"


@server.tool(description="Always fails (for error tests).")
def broken() -> str:
    _log("broken", {})
    raise ToolError("the mailbox is locked")


@server.tool(description="The server's process id (for tests that kill it).")
def whoami() -> str:
    return str(os.getpid())


@server.tool(description="Answer after a while (for timeout tests).")
async def sleep(seconds: float) -> str:
    await anyio.sleep(seconds)
    return "awake"


@contextmanager
def running_over_http(env: dict[str, str] | None = None) -> Iterator[str]:
    """This server in its own process on streamable HTTP on a free loopback port; yields its /mcp URL."""
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    proc = subprocess.Popen(
        [sys.executable, __file__, "http", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        env={**os.environ, **(env or {})},
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            with socket.socket() as s:
                if s.connect_ex(("127.0.0.1", port)) == 0:
                    break
            if proc.poll() is not None or time.monotonic() > deadline:
                detail = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
                raise RuntimeError(f"the MCP e-mail server did not start: {detail}")
            time.sleep(0.1)
        yield f"http://127.0.0.1:{port}/mcp"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


if __name__ == "__main__":
    if sys.argv[1:2] == ["http"]:
        server.run("streamable-http", host="127.0.0.1", port=int(sys.argv[2]))
    else:
        server.run("stdio")
