"""Measure client-side CPU per request of httpx, aiohttp and the openai-compat adapter.

Starts the shared OpenAI-compatible mock server on a free loopback port, then for each client runs N
chat-completion requests at concurrency C and reports the client process's CPU time per request
(user + system, from resource.getrusage) and the throughput. The mock runs in its own process, so its
CPU is not counted. Run on an otherwise idle machine and compare medians over repetitions.

    .venv/bin/python benchmarks/http_clients.py --n 2000 --concurrency 32 --reps 3

The mock is found through $REDLINE_MOCK_OPENAI or ../shared/bench/mock_openai.py from the repository root.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
Runner = Callable[[str, list[str], int], Awaitable[int]]


def mock_path() -> Path:
    """Where the shared mock server lives."""
    given = os.environ.get("REDLINE_MOCK_OPENAI")
    path = Path(given) if given else ROOT.parent / "shared" / "bench" / "mock_openai.py"
    if not path.is_file():
        raise SystemExit(f"mock server not found at {path}; set REDLINE_MOCK_OPENAI")
    return path


@contextmanager
def mock_server(latency_ms: float) -> Any:
    """Start the mock on a free loopback port and yield its base URL."""
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        cmd = [sys.executable, str(mock_path()), "--port", "0", "--port-file", str(port_file)]
        proc = subprocess.Popen([*cmd, "--latency-ms", str(latency_ms), "--quiet"])
        try:
            deadline = time.monotonic() + 10
            while not port_file.exists():
                if time.monotonic() > deadline or proc.poll() is not None:
                    raise SystemExit("mock server did not start")
                time.sleep(0.02)
            yield f"http://127.0.0.1:{int(port_file.read_text())}/v1"
        finally:
            proc.terminate()
            proc.wait(timeout=10)


def _body(prompt: str) -> dict[str, Any]:
    return {"model": "mock-model", "messages": [{"role": "user", "content": prompt}], "max_tokens": 64}


async def run_httpx(base_url: str, prompts: list[str], concurrency: int) -> int:
    """Minimal httpx client: one pooled AsyncClient, JSON in and out."""
    import httpx

    limits = httpx.Limits(max_connections=concurrency, max_keepalive_connections=concurrency)
    sem = asyncio.Semaphore(concurrency)
    async with httpx.AsyncClient(limits=limits, timeout=30.0, trust_env=False) as client:

        async def one(prompt: str) -> int:
            async with sem:
                resp = await client.post(f"{base_url}/chat/completions", json=_body(prompt))
                data = resp.json()
                return 1 if data["choices"][0]["message"]["content"] else 0

        return sum(await asyncio.gather(*(one(p) for p in prompts)))


async def run_aiohttp(base_url: str, prompts: list[str], concurrency: int) -> int:
    """Minimal aiohttp client: one ClientSession with a bounded connector."""
    import aiohttp

    sem = asyncio.Semaphore(concurrency)
    connector = aiohttp.TCPConnector(limit=concurrency)
    timeout = aiohttp.ClientTimeout(total=30.0)
    async with aiohttp.ClientSession(connector=connector, timeout=timeout) as session:

        async def one(prompt: str) -> int:
            async with sem, session.post(f"{base_url}/chat/completions", json=_body(prompt)) as resp:
                data = json.loads(await resp.read())
                return 1 if data["choices"][0]["message"]["content"] else 0

        return sum(await asyncio.gather(*(one(p) for p in prompts)))


async def run_adapter(base_url: str, prompts: list[str], concurrency: int) -> int:
    """The openai-compat adapter, as the engine calls it (one send per prompt)."""
    from redline.core.runs.conversation import Conversation, GenerationParams
    from redline.targets.openai_compat import OpenAICompatOptions, OpenAICompatTarget

    options = OpenAICompatOptions(max_connections=concurrency)
    target = OpenAICompatTarget(base_url=base_url, model="mock-model", name="bench", options=options)
    params = GenerationParams(max_tokens=64)
    sem = asyncio.Semaphore(concurrency)
    convs = [Conversation.of(p) for p in prompts]

    async def one(conv: Conversation) -> int:
        async with sem:
            resp = await target.send(conv, params=params)
            return 1 if resp.ok and resp.text else 0

    try:
        return sum(await asyncio.gather(*(one(c) for c in convs)))
    finally:
        await target.aclose()


CLIENTS: dict[str, Runner] = {"httpx": run_httpx, "aiohttp": run_aiohttp, "adapter": run_adapter}


@dataclass(frozen=True)
class Sample:
    """One measured run of one client."""

    client: str
    ok: int
    wall_s: float
    cpu_ms_per_req: float
    req_per_s: float


def measure(client: str, base_url: str, *, n: int, concurrency: int, rep: int) -> Sample:
    """Run one client once and measure this process's CPU time around it."""
    prompts = [f"benchmark prompt {rep}-{i}" for i in range(n)]
    runner = CLIENTS[client]
    before = resource.getrusage(resource.RUSAGE_SELF)
    t0 = time.perf_counter()
    ok = asyncio.run(runner(base_url, prompts, concurrency))
    wall = time.perf_counter() - t0
    after = resource.getrusage(resource.RUSAGE_SELF)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Sample(client, ok, wall, cpu * 1000 / n, n / wall)


def main(argv: list[str] | None = None) -> int:
    """Parse arguments, run every client, print a Markdown table (and JSON with --json)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=2000, help="requests per run")
    parser.add_argument("--concurrency", type=int, default=32, help="requests in flight")
    parser.add_argument("--reps", type=int, default=3, help="repetitions per client (median reported)")
    parser.add_argument("--latency-ms", type=float, default=20.0, help="mock reply latency")
    parser.add_argument("--clients", default=",".join(CLIENTS), help="comma-separated subset")
    parser.add_argument("--json", action="store_true", help="also print every sample as JSON")
    args = parser.parse_args(argv)
    clients = [c.strip() for c in args.clients.split(",") if c.strip()]
    samples: list[Sample] = []
    with mock_server(args.latency_ms) as base_url:
        for client in clients:  # warm-up: imports and first connections are not measured
            measure(client, base_url, n=min(50, args.n), concurrency=args.concurrency, rep=-1)
        for rep in range(args.reps):
            for client in clients:  # interleaved so drift in machine load hits every client alike
                samples.append(measure(client, base_url, n=args.n, concurrency=args.concurrency, rep=rep))
    print(f"N={args.n} concurrency={args.concurrency} latency={args.latency_ms} ms reps={args.reps}")
    print("| client | CPU ms/request (median) | min | max | requests/s (median) | ok |")
    print("| --- | --- | --- | --- | --- | --- |")
    for client in clients:
        mine = [s for s in samples if s.client == client]
        cpu = [s.cpu_ms_per_req for s in mine]
        rps = statistics.median(s.req_per_s for s in mine)
        ok = min(s.ok for s in mine)
        row = f"| {client} | {statistics.median(cpu):.3f} | {min(cpu):.3f} | {max(cpu):.3f} | {rps:.0f} |"
        print(f"{row} {ok}/{args.n} |")
    if args.json:
        print(json.dumps([s.__dict__ for s in samples], indent=2))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
