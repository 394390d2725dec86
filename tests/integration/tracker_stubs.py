"""Local stand-ins for GitHub, GitLab and Jira issue APIs on 127.0.0.1: they record every request and
answer the way each tracker's REST API documents (or with scripted failures first)."""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any
from urllib.parse import parse_qsl

Reply = tuple[int, dict[str, str], dict[str, Any] | list[Any] | None]  # status, headers, JSON body


@dataclass
class Seen:
    """One request the stub received."""

    method: str
    path: str
    headers: dict[str, str]
    body: dict[str, Any] | None
    query: dict[str, str] = field(default_factory=dict)


@dataclass
class Stub:
    """A tracker API: what it received, its issues, and scripted answers to give before the real ones."""

    kind: str
    port: int = 0
    requests: list[Seen] = field(default_factory=list)
    issues: dict[str, dict[str, Any]] = field(default_factory=dict)
    script: list[Reply] = field(default_factory=list)

    @property
    def url(self) -> str:
        """The API base URL the tracker configuration names."""
        base = f"http://127.0.0.1:{self.port}"
        return f"{base}/api/v4" if self.kind == "gitlab" else base

    def answer(self, seen: Seen) -> Reply:
        """A scripted answer if one is left, else the tracker's own."""
        self.requests.append(seen)
        if self.script:
            return self.script.pop(0)
        own: Callable[[Seen], Reply] = getattr(self, f"_{self.kind}")
        return own(seen)

    def _github(self, seen: Seen) -> Reply:
        base = "/repos/acme/chat/issues"
        body = seen.body or {}
        if seen.method == "POST" and seen.path == base:
            number = str(len(self.issues) + 1)
            self.issues[number] = {**body, "number": int(number), "state": "open"}
            return (
                201,
                {},
                {**self.issues[number], "html_url": f"https://github.test/acme/chat/issues/{number}"},
            )
        if seen.method == "GET" and seen.path == base:  # newest first, as asked (sort=created desc)
            assert seen.query.get("sort") == "created" and seen.query.get("direction") == "desc"
            listed = [
                {**i, "html_url": f"https://github.test/acme/chat/issues/{n}"}
                for n, i in reversed(list(self.issues.items()))
            ]
            return 200, {}, listed
        number = seen.path.removeprefix(base + "/")
        if seen.method == "PATCH" and number in self.issues:
            self.issues[number].update(body)
            return (
                200,
                {},
                {**self.issues[number], "html_url": f"https://github.test/acme/chat/issues/{number}"},
            )
        return 404, {}, {"message": "Not Found", "documentation_url": "https://docs.github.com/rest"}

    def _gitlab(self, seen: Seen) -> Reply:
        base = "/api/v4/projects/group%2Fchat/issues"
        body = seen.body or {}
        if seen.method == "POST" and seen.path == base:
            iid = str(len(self.issues) + 1)
            self.issues[iid] = {**body, "id": 900 + int(iid), "iid": int(iid), "state": "opened"}
            return 201, {}, {**self.issues[iid], "web_url": f"https://gitlab.test/group/chat/-/issues/{iid}"}
        if seen.method == "GET" and seen.path == base:  # ?search=...&in=title
            words = seen.query.get("search", "")
            hits = [
                {**i, "web_url": f"https://gitlab.test/group/chat/-/issues/{n}"}
                for n, i in reversed(list(self.issues.items()))
                if words and words in str(i.get("title", ""))
            ]
            return 200, {}, hits
        iid = seen.path.removeprefix(base + "/")
        if seen.method == "PUT" and iid in self.issues:
            self.issues[iid].update(body)
            return 200, {}, {**self.issues[iid], "web_url": f"https://gitlab.test/group/chat/-/issues/{iid}"}
        return 404, {}, {"message": "404 Project Not Found"}

    def _jira(self, seen: Seen) -> Reply:
        body = seen.body or {}
        if seen.method == "POST" and seen.path == "/rest/api/2/issue":
            key = f"RED-{len(self.issues) + 1}"
            self.issues[key] = dict(body.get("fields", {}))
            return (
                201,
                {},
                {
                    "id": str(10000 + len(self.issues)),
                    "key": key,
                    "self": f"{self.url}/rest/api/2/issue/{key}",
                },
            )
        if seen.method == "POST" and seen.path == "/rest/api/2/search":  # summary ~ "\"ID\""
            jql = str(body.get("jql", ""))
            phrase = jql.split('summary ~ "\\"', 1)[-1].split('\\""', 1)[0] if "summary ~" in jql else ""
            hits = [
                {"key": k, "fields": {"summary": f["summary"]}}
                for k, f in reversed(list(self.issues.items()))
                if phrase and phrase in str(f.get("summary", ""))
            ]
            return 200, {}, {"startAt": 0, "total": len(hits), "issues": hits}
        key = seen.path.removeprefix("/rest/api/2/issue/")
        if seen.method == "PUT" and key in self.issues:
            self.issues[key].update(body.get("fields", {}))
            return 204, {}, None
        return 404, {}, {"errorMessages": ["Issue does not exist or you do not have permission to see it."]}


def _handler(stub: Stub) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        def _serve(self) -> None:
            length = int(self.headers.get("content-length") or 0)
            raw = self.rfile.read(length) if length else b""
            path, _, query = self.path.partition("?")
            seen = Seen(
                method=self.command,
                path=path,
                query=dict(parse_qsl(query)),
                headers={k.lower(): v for k, v in self.headers.items()},
                body=json.loads(raw) if raw else None,
            )
            status, headers, body = stub.answer(seen)
            data = json.dumps(body).encode() if body is not None else b""
            self.send_response(status)
            for k, v in headers.items():
                self.send_header(k, v)
            if body is not None:
                self.send_header("Content-Type", "application/json")
            self.send_header("Content-Length", str(len(data)))
            self.end_headers()
            self.wfile.write(data)

        do_POST = do_PATCH = do_PUT = do_GET = _serve

        def log_message(self, format: str, *args: Any) -> None:
            pass

    return Handler


@contextmanager
def serve(kind: str) -> Iterator[Stub]:
    """A stub of `kind` (github, gitlab, jira) listening on 127.0.0.1 while the block runs."""
    stub = Stub(kind=kind)
    server = ThreadingHTTPServer(("127.0.0.1", 0), _handler(stub))
    stub.port = server.server_address[1]
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield stub
    finally:
        server.shutdown()
        server.server_close()


def tracker_yaml(stub: Stub, name: str | None = None) -> str:
    """The `trackers:` entry of redline.yaml for a stub (tokens named by environment variable)."""
    name = name or stub.kind
    project = {"github": "acme/chat", "gitlab": "group/chat", "jira": "RED"}[stub.kind]
    lines = [
        f"  - name: {name}",
        f"    kind: {stub.kind}",
        f"    url: {stub.url}",
        f"    project: {project}",
        f"    token_env: {name.upper()}_TOKEN",
        f"    webhook_secret_env: {name.upper()}_HOOK_SECRET",
        "    web_url: https://redline.test",
    ]
    if stub.kind == "jira":
        lines += [f"    email_env: {name.upper()}_EMAIL", "    priorities: {high: High, critical: Highest}"]
    return "\n".join(lines) + "\n"
