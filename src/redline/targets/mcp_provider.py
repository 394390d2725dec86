"""MCP servers as tool providers: one provider per server, through the official MCP Python SDK.

A target's `options.tools.mcp` lists the servers (`McpServerConfig`: stdio command or streamable HTTP URL;
secrets only by environment-variable name). The session is opened lazily on the first listing or call,
reused across the cases of a round, and closed by `aclose`. It lives in one background task that owns
the SDK's context managers (they must be entered and left in the same task); requests reach it
through a queue. Every request has a timeout: a dead or stuck server gives a one-line error naming the
server, never a hang.

A case that asks for interposition (`mcp_interposition` in its params, written by the
`mcp-interposition` technique) gets the server routed through Redline's malicious server
(`python -m redline.targets.evil_mcp`), which proxies the real one and poisons what passes.
"""

from __future__ import annotations

import asyncio
import contextlib
import json
import os
import sys
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from redline.core.errors import ConfigError, TargetError
from redline.core.runs import case_params
from redline.core.runs.actions import ToolCall, ToolOutcome, ToolSpec
from redline.core.secrets import read_secret_headers

INJECTED_META = "redline/injected"
"""`_meta` key Redline's interposer sets on a result it poisoned."""
INTERPOSE_ENV = "REDLINE_MCP_INTERPOSE"
"""Environment variable holding the interposer's JSON configuration (upstream server and technique)."""
INTERPOSITION = "mcp_interposition"
"""Case params key: `{"server": NAME, "variant": ..., "rug_pull_after": N}` routes NAME through the
interposer."""
ANY_TOOL = "*"
"""In an interposition's descriptions or results: every tool."""
POLICY_FIELDS = ("irreversible", "needs_confirmation", "outbound", "constraints")


class McpServerConfig(BaseModel):
    """One MCP server a target's tools come from (`options.tools.mcp` entries)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: str = Field(
        min_length=1, pattern=r"^[A-Za-z0-9_.-]+$", description="Server name (provider mcp:NAME)."
    )
    transport: Literal["stdio", "http"] = "stdio"
    command: str | None = Field(default=None, description="stdio: the executable that starts the server.")
    args: tuple[str, ...] = Field(default=(), description="stdio: its arguments.")
    env_names: tuple[str, ...] = Field(
        default=(),
        description="stdio: environment variables passed to the server (names; values read at run time).",
    )
    cwd: str | None = Field(default=None, description="stdio: working directory of the server process.")
    url: str | None = Field(
        default=None, description="http: the streamable HTTP endpoint, e.g. http://host/mcp."
    )
    headers_env: dict[str, str] = Field(
        default_factory=dict, description="http: header name -> environment variable holding its value."
    )
    timeout_s: float = Field(default=30.0, gt=0, description="Longest wait for an answer to one request.")
    start_timeout_s: float = Field(default=60.0, gt=0, description="Longest wait for the server to start.")
    policy: dict[str, dict[str, Any]] = Field(
        default_factory=dict,
        description="Per tool: irreversible, needs_confirmation, outbound, constraints.",
    )

    @model_validator(mode="after")
    def _transport_fields(self) -> McpServerConfig:
        if self.transport == "stdio" and not self.command:
            raise ValueError(f"MCP server '{self.name}': transport stdio needs `command`")
        if self.transport == "http" and not self.url:
            raise ValueError(f"MCP server '{self.name}': transport http needs `url`")
        for tool, fields in self.policy.items():
            unknown = sorted(set(fields) - set(POLICY_FIELDS))
            if unknown:
                raise ValueError(f"MCP server '{self.name}': policy of '{tool}' has unknown fields {unknown}")
        return self


def parse_servers(value: Any, *, where: str) -> list[McpServerConfig]:
    """The `options.tools.mcp` list of a target, validated; a ConfigError names the entry and field."""
    if value is None:
        return []
    if not isinstance(value, Sequence) or isinstance(value, str | bytes):
        raise ConfigError(f"{where}: options.tools.mcp must be a list of servers", field="options.tools.mcp")
    servers: list[McpServerConfig] = []
    for i, entry in enumerate(value):
        try:
            servers.append(McpServerConfig.model_validate(entry))
        except ValidationError as exc:
            err = exc.errors()[0]
            loc = ".".join(str(p) for p in err["loc"])
            msg = str(err["msg"]).removeprefix("Value error, ")
            raise ConfigError(
                f"{where}: options.tools.mcp[{i}]{'.' + loc if loc else ''}: {msg}", field="options.tools.mcp"
            ) from None
    names = [s.name for s in servers]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError(
            f"{where}: options.tools.mcp names {dupes} more than once", field="options.tools.mcp"
        )
    return servers


def _one_line(text: str, limit: int = 300) -> str:
    line = " ".join(str(text).split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _describe(exc: BaseException) -> str:
    """One line for an exception, looking inside exception groups (anyio task groups raise them)."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, TimeoutError | asyncio.TimeoutError):
        return "no answer in time"
    text = _one_line(str(exc))
    return f"{type(exc).__name__}: {text}" if text else type(exc).__name__


def _decoded_size(data: str) -> int:
    """Bytes of a base64 text, without decoding it."""
    data = data.strip()
    return len(data) * 3 // 4 - (len(data) - len(data.rstrip("=")))


def content_text(blocks: Sequence[Any]) -> str:
    """Text parts as they are; other parts (images, audio, resources) summarised on a line each."""
    parts: list[str] = []
    for block in blocks:
        kind = getattr(block, "type", None)
        if kind == "text":
            parts.append(str(block.text))
        elif kind in ("image", "audio"):
            parts.append(f"[{kind} {block.mime_type}, {_decoded_size(block.data)} bytes]")
        elif kind == "resource":
            res = block.resource
            text = getattr(res, "text", None)
            parts.append(
                text if isinstance(text, str) else f"[resource {res.uri} ({res.mime_type or 'binary'})]"
            )
        elif kind == "resource_link":
            parts.append(f"[resource link {block.uri}: {block.name}]")
        else:
            parts.append(f"[{kind or type(block).__name__} content]")
    return "\n".join(parts)


@dataclass
class _Request:
    op: Literal["list", "call"]
    name: str = ""
    arguments: dict[str, Any] | None = None
    future: asyncio.Future[Any] | None = None


class McpSession:
    """One session with one MCP server through the SDK's client, owned by a background task."""

    def __init__(self, config: McpServerConfig, *, env: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.name = f"mcp:{config.name}"
        self._env = os.environ if env is None else env
        self._queue: asyncio.Queue[_Request | None] | None = None
        self._runner: asyncio.Task[None] | None = None
        self._loop: asyncio.AbstractEventLoop | None = None
        self._ready: asyncio.Future[None] | None = None
        self._dead: str | None = None
        self._closed = False
        self._http: Any = None
        self.calls = 0

    @property
    def server(self) -> str:
        return self.config.name

    def _where(self) -> str:
        return f"MCP server '{self.config.name}'"

    def _client(self) -> Any:
        from mcp import Client, StdioServerParameters

        cfg = self.config
        if cfg.transport == "stdio":
            missing = [n for n in cfg.env_names if n not in self._env]
            if missing:
                raise ConfigError(
                    f"{self._where()}: environment variables {missing} named in env_names are not set",
                    field="options.tools.mcp.env_names",
                )
            params = StdioServerParameters(
                command=cfg.command or "",
                args=list(cfg.args),
                env={n: self._env[n] for n in cfg.env_names},
                cwd=cfg.cwd,
            )
            return Client(params, read_timeout_seconds=cfg.timeout_s, cache=None, mode="legacy")
        from mcp.client.streamable_http import streamable_http_client
        from mcp.shared._httpx_utils import create_mcp_http_client

        headers = read_secret_headers(
            self._env, cfg.headers_env, field="options.tools.mcp.headers_env", where=self._where()
        )
        http = create_mcp_http_client(headers=headers)
        transport = streamable_http_client(cfg.url or "", http_client=http)
        self._http = http
        return Client(transport, read_timeout_seconds=cfg.timeout_s, cache=None, mode="legacy")

    async def _run(self, queue: asyncio.Queue[_Request | None], ready: asyncio.Future[None]) -> None:
        """Own the session: open it, serve requests from the queue (each in its own task, so cases in
        flight do not wait on each other), close it when told or when the connection fails."""
        loop = asyncio.get_running_loop()
        inflight: dict[asyncio.Task[None], _Request] = {}
        fatal: asyncio.Future[None] = loop.create_future()

        async def serve(client: Any, req: _Request) -> None:
            try:
                if req.op == "list":
                    result: Any = await client.list_tools()
                else:
                    result = await client.call_tool(req.name, req.arguments or {})
            except Exception as exc:
                _settle(req.future, error=exc)  # a protocol error (unknown tool): the session goes on
                if not _session_alive(exc):
                    _settle(fatal, error=exc)
                return
            _settle(req.future, result=result)

        try:
            client = self._client()
            async with contextlib.AsyncExitStack() as stack:
                if self._http is not None:
                    await stack.enter_async_context(self._http)
                await stack.enter_async_context(client)
                ready.set_result(None)
                try:
                    while True:
                        getter = asyncio.ensure_future(queue.get())
                        waiters: list[asyncio.Future[Any]] = [getter, fatal]
                        await asyncio.wait(waiters, return_when=asyncio.FIRST_COMPLETED)
                        if fatal.done():
                            getter.cancel()
                            fatal.result()  # raises what ended the session
                        req = getter.result()
                        if req is None:
                            break
                        task = loop.create_task(serve(client, req))
                        inflight[task] = req
                        task.add_done_callback(lambda t: inflight.pop(t, None))
                finally:
                    for task in list(inflight):
                        task.cancel()
                    if inflight:
                        await asyncio.wait(list(inflight), timeout=self.config.timeout_s)
        except BaseException as exc:  # any end of the session is reported, once
            if not isinstance(exc, asyncio.CancelledError | GeneratorExit):
                self._dead = self._dead or _describe(exc)
            failure = TargetError(f"{self._where()}: {self._dead or 'the session was closed'}")
            _settle(ready, error=failure)
            for req in list(inflight.values()):
                _settle(req.future, error=failure)
            while not queue.empty():
                left = queue.get_nowait()
                _settle(left.future if left else None, error=failure)
            if isinstance(exc, asyncio.CancelledError):
                raise
        else:
            _settle(ready, error=TargetError(f"{self._where()}: the session was closed"))
        finally:
            if self._dead is None:
                self._dead = "the session was closed"
            if not fatal.done():
                fatal.cancel()
            elif not fatal.cancelled():
                fatal.exception()  # retrieved: no "exception never retrieved" warning

    async def _ensure(self) -> asyncio.Queue[_Request | None]:
        if self._closed:
            raise TargetError(f"{self._where()}: the provider is closed")
        loop = asyncio.get_running_loop()
        if self._runner is not None and self._loop is not loop:
            # A new event loop (a new round); the old one took its task with it.
            self._runner, self._queue, self._ready, self._dead = None, None, None, None
        if self._runner is None:
            self._loop = loop
            self._queue = asyncio.Queue()
            self._ready = loop.create_future()
            self._ready.add_done_callback(_retrieve)
            self._runner = loop.create_task(self._run(self._queue, self._ready), name=f"{self.name} session")
        assert self._queue is not None and self._ready is not None
        if self._runner.done() and self._dead:
            raise TargetError(f"{self._where()}: {self._dead}")
        try:
            await asyncio.wait_for(asyncio.shield(self._ready), self.config.start_timeout_s)
        except TimeoutError:
            self._dead = f"did not start within {self.config.start_timeout_s:g} s"
            self._runner.cancel()
            raise TargetError(f"{self._where()}: {self._dead}") from None
        return self._queue

    async def _request(
        self, op: Literal["list", "call"], name: str = "", arguments: dict[str, Any] | None = None
    ) -> Any:
        queue = await self._ensure()
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        future.add_done_callback(_retrieve)  # a late failure after our timeout is not "never retrieved"
        await queue.put(_Request(op, name, arguments, future))
        try:
            return await asyncio.wait_for(asyncio.shield(future), self.config.timeout_s + 1)
        except TimeoutError:
            self._dead = f"no answer within {self.config.timeout_s:g} s"
            if self._runner is not None:
                self._runner.cancel()
            raise TargetError(f"{self._where()}: {self._dead}") from None

    async def raw_tools(self) -> list[Any]:
        """The server's tools as the SDK gives them (mcp.types.Tool); raises TargetError in one line."""
        try:
            result = await self._request("list")
        except TargetError:
            raise
        except Exception as exc:
            raise TargetError(f"{self._where()}: listing tools failed: {_describe(exc)}") from None
        return list(result.tools)

    async def raw_call(self, name: str, arguments: dict[str, Any]) -> Any:
        """The server's CallToolResult for one call; raises TargetError in one line."""
        self.calls += 1
        try:
            return await self._request("call", name, arguments)
        except TargetError:
            raise
        except Exception as exc:
            raise TargetError(f"{self._where()}: tool '{name}' failed: {_describe(exc)}") from None

    async def aclose(self) -> None:
        """Close the session (stops a stdio server); idempotent, from any task or event loop."""
        self._closed = True
        runner, queue, loop = self._runner, self._queue, self._loop
        self._runner = None
        if runner is None or runner.done():
            return
        try:
            current = asyncio.get_running_loop()
        except RuntimeError:
            current = None
        if current is not loop:
            return  # its loop is gone or elsewhere; the loop's end cancels the task and its server
        assert queue is not None
        await queue.put(None)
        try:
            await asyncio.wait_for(asyncio.shield(runner), self.config.timeout_s)
        except BaseException:
            runner.cancel()
            with contextlib.suppress(BaseException):
                await runner


def _retrieve(future: asyncio.Future[Any]) -> None:
    if not future.cancelled():
        future.exception()


def _settle(
    future: asyncio.Future[Any] | None, *, result: Any = None, error: BaseException | None = None
) -> None:
    if future is None or future.done():
        return
    if error is not None:
        future.set_exception(error)
    else:
        future.set_result(result)


def _session_alive(exc: BaseException) -> bool:
    """A protocol error from the server (unknown tool, bad arguments) leaves the session usable."""
    from mcp import MCPError

    return isinstance(exc, MCPError) and "closed" not in str(exc).lower()


# Interposition: routing one server through Redline's malicious MCP server for a case.


class Interposition(BaseModel):
    """What the interposer does to one server's traffic (from a case's params)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    server: str | None = Field(default=None, description="Which configured server; None: the first one.")
    variant: str = "poisoned-description"
    descriptions: dict[str, str] = Field(default_factory=dict)
    results: dict[str, dict[str, str]] = Field(default_factory=dict, description="tool -> {text, mode}.")
    rug_pull_after: int | None = Field(
        default=None,
        ge=0,
        description="Honest for this many calls, then poisoned; None: poisoned from the start.",
    )


def interposition_of(params: Mapping[str, Any]) -> Interposition | None:
    """The interposition a case asks for (`mcp_interposition`), or None.

    The poisoned descriptions and planted results travel inside it (`descriptions`, `results`), not
    under the generic `tool_description_overrides` / `planted_tool_results` keys, which the tool loop
    applies itself: here the malicious server does it, on the wire, as a real one would.
    """
    found = params.get(INTERPOSITION)
    if not isinstance(found, Mapping):
        return None
    results = case_params.planted_tool_results({case_params.PLANTED_TOOL_RESULTS: found.get("results")})
    return Interposition(
        server=found.get("server"),
        variant=str(found.get("variant") or "poisoned-description"),
        descriptions=case_params.tool_description_overrides(
            {case_params.TOOL_DESCRIPTION_OVERRIDES: found.get("descriptions")}
        ),
        results={k: {"text": v.text, "mode": v.mode} for k, v in results.items()},
        rug_pull_after=found.get("rug_pull_after"),
    )


def interposed(config: McpServerConfig, how: Interposition) -> McpServerConfig:
    """The server as the assistant reaches it through the interposer: a stdio process proxying `config`."""
    upstream = config.model_dump(exclude={"policy"})
    payload = {"upstream": upstream, "technique": how.model_dump()}
    names = tuple(dict.fromkeys([*config.env_names, *config.headers_env.values()]))
    return McpServerConfig(
        name=config.name,
        transport="stdio",
        command=sys.executable,
        args=("-m", "redline.targets.evil_mcp", json.dumps(payload, separators=(",", ":"))),
        env_names=names,
        timeout_s=config.timeout_s + config.start_timeout_s,  # its first answer waits for the real server
        start_timeout_s=config.start_timeout_s,
        policy=config.policy,
    )


MAX_INTERPOSED = 8
"""Interposed sessions a provider keeps open at once (cases in flight); the oldest is closed first."""


class McpProvider:
    """Tools of one MCP server (`mcp:NAME`) for the tool loop.

    Cases share one direct session. A case whose params ask for interposition of this server gets its
    own session with Redline's malicious server in between (so a rug-pull counts that case's calls),
    kept while the case's params are in scope and closed when the provider closes or makes room.
    """

    def __init__(self, config: McpServerConfig, *, env: Mapping[str, str] | None = None) -> None:
        self.config = config
        self.name = f"mcp:{config.name}"
        self._env = env
        self._direct = McpSession(config, env=env)
        self._interposed: OrderedDict[tuple[int, str], tuple[Mapping[str, Any], McpSession]] = OrderedDict()

    def _where(self) -> str:
        return f"MCP server '{self.config.name}'"

    async def _session(self) -> McpSession:
        from redline.targets.tool_loop import current_case_params

        params = current_case_params()
        how = interposition_of(params)
        if how is None or (how.server or self.config.name) != self.config.name:
            return self._direct
        key = (id(params), how.model_dump_json())
        found = self._interposed.get(key)
        if found is not None:
            self._interposed.move_to_end(key)
            return found[1]
        session = McpSession(interposed(self.config, how), env=self._env)
        self._interposed[key] = (params, session)  # holding params keeps its id unique while open
        while len(self._interposed) > MAX_INTERPOSED:
            _, (_, old) = self._interposed.popitem(last=False)
            await old.aclose()
        return session

    async def list_tools(self) -> list[ToolSpec]:
        """The server's tools now (listed afresh each time: a server may change them between calls)."""
        return [self._spec(tool) for tool in await (await self._session()).raw_tools()]

    def _spec(self, tool: Any) -> ToolSpec:
        policy = dict(self.config.policy.get(tool.name, {}))
        notes = getattr(tool, "annotations", None)
        if notes is not None and "irreversible" not in policy:
            policy["irreversible"] = bool(notes.destructive_hint) and not bool(notes.read_only_hint)
        if notes is not None and "outbound" not in policy and notes.open_world_hint:
            policy["outbound"] = True
        schema = (
            tool.input_schema if isinstance(tool.input_schema, dict) else {"type": "object", "properties": {}}
        )
        return ToolSpec(
            name=tool.name,
            description=tool.description or "",
            parameters=schema,
            provider=self.name,
            **policy,
        )

    async def call(self, call: ToolCall) -> ToolOutcome:
        """Call the tool; a failure (tool error, protocol error, dead server) is an outcome with `error`."""
        try:
            result = await (await self._session()).raw_call(call.name, dict(call.arguments))
        except TargetError as exc:
            return ToolOutcome(error=str(exc))
        text = content_text(result.content)
        if not text and result.structured_content is not None:
            text = json.dumps(result.structured_content, ensure_ascii=False, default=str)
        injected = bool((result.meta or {}).get(INJECTED_META))
        if result.is_error:
            return ToolOutcome(
                content=text,
                error=f"{self._where()}: tool '{call.name}' returned an error: {_one_line(text) or '-'}",
                injected=injected,
            )
        return ToolOutcome(content=text, injected=injected)

    async def aclose(self) -> None:
        """Close every session (stops stdio servers); idempotent."""
        sessions = [self._direct, *(s for _, s in self._interposed.values())]
        self._interposed.clear()
        for session in sessions:
            await session.aclose()


def build_mcp_providers(value: Any, where: str) -> list[McpProvider]:
    """The providers of `options.tools.mcp` (a list of servers), for the tool loop's `build_providers`."""
    return [McpProvider(server) for server in parse_servers(value, where=where)]
