"""Throughput, CPU and memory of the engine: one round of N distinct prompts against an OpenAI-compatible URL.

Runs the real engine (the openai-compat adapter, the store in a fresh SQLite workspace, a cheap keyword
scorer) and prints one JSON line last: wall_s, attempts, errors, lost, duplicates, peak_rss_mb, cpu_s,
cpu_ms_per_attempt, prompts_per_s. Run the mock from ../shared/bench first (or let --mock start one):

    .venv/bin/python benchmarks/engine.py --mock --latency-ms 50 --n 5000 --concurrency 64
    .venv/bin/python benchmarks/engine.py --base-url http://127.0.0.1:8000/v1 --n 5000 --concurrency 64

As the project row of ../shared/bench/compare.py (reads its prompts file):

    --project-cmd '.venv/bin/python benchmarks/engine.py --base-url {base_url} --prompts {prompts_file}
                   --concurrency {concurrency} --model {model} --workdir {workdir}'
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path
from typing import Any, ClassVar

ROOT = Path(__file__).resolve().parents[1]


class KeywordScorer:
    """Cheap scorer for the benchmark: the model held when its answer contains 'cannot'."""

    name: ClassVar[str] = "bench.keyword"
    version: ClassVar[str] = "1"
    batch_size: ClassVar[int] = 1  # cheap: judged inline, no batching

    async def score(self, case: Any, response: Any) -> Any:
        from redline.core.runs.scores import Score, Verdict

        if response.error is not None or not response.text:
            return Score.could_not_score(self.name, "no answer")
        verdict = Verdict.PASS if "cannot" in response.text else Verdict.FAIL
        return Score(scorer=self.name, verdict=verdict)

    async def score_batch(self, items: Sequence[tuple[Any, Any]]) -> list[Any]:
        return [await self.score(c, r) for c, r in items]


def prompts(args: argparse.Namespace) -> Iterator[str]:
    """The prompts: from --prompts, else N generated distinct ones."""
    if args.prompts:
        with Path(args.prompts).open(encoding="utf-8") as fh:
            lines = (ln.rstrip("\n") for ln in fh if ln.strip())
            for i, line in enumerate(lines):
                if args.n and i >= args.n:
                    return
                yield line
        return
    for i in range(args.n):
        yield f"Benchmark prompt {i}: explain how a bicycle gear works, briefly."


def _http(url: str, *, method: str = "GET") -> dict[str, Any] | None:
    try:
        req = urllib.request.Request(url, method=method, data=b"" if method == "POST" else None)
        with urllib.request.urlopen(req, timeout=5) as resp:
            body: dict[str, Any] = json.loads(resp.read() or b"{}")
            return body
    except (OSError, ValueError):
        return None


def _server_root(base_url: str) -> str:
    return base_url.rstrip("/").removesuffix("/v1")


@contextmanager
def mock_server(latency_ms: float, fail_429: float) -> Iterator[str]:
    """Start ../shared/bench/mock_openai.py on a free loopback port; yields its base URL."""
    mock = Path(os.environ.get("REDLINE_MOCK_OPENAI", ROOT.parent / "shared" / "bench" / "mock_openai.py"))
    with tempfile.TemporaryDirectory() as tmp:
        port_file = Path(tmp) / "port"
        cmd = [sys.executable, str(mock), "--port", "0", "--port-file", str(port_file), "--quiet"]
        cmd += ["--latency-ms", str(latency_ms), "--fail-429", str(fail_429), "--max-seconds", "3600"]
        proc = subprocess.Popen(cmd)
        try:
            for _ in range(200):
                if port_file.exists() and port_file.read_text().strip():
                    break
                time.sleep(0.05)
            yield f"http://127.0.0.1:{port_file.read_text().strip()}/v1"
        finally:
            proc.terminate()
            proc.wait(10)


async def run(args: argparse.Namespace, base_url: str) -> dict[str, Any]:
    """Run the round and measure it."""
    from redline.config.settings import TargetConfig
    from redline.core.runs.cases import AttackCase
    from redline.core.runs.conversation import Conversation, GenerationParams
    from redline.engine.round import run_round
    from redline.engine.spec import Pacing, RoundSpec
    from redline.program.workspace import init_workspace
    from redline.store.repos import rounds as rounds_repo
    from redline.store.session import open_store

    work = Path(args.workdir or tempfile.mkdtemp(prefix="redline-bench-"))
    settings = init_workspace(work / f"ws-{os.getpid()}-{time.time_ns()}", name="bench").settings
    store = open_store(settings.database_url)

    def cases() -> Iterator[AttackCase]:
        for i, text in enumerate(prompts(args)):
            conv = Conversation.of(text)
            yield AttackCase(
                id=AttackCase.make_id("prompt", f"p{i}", {}, conv),
                technique="prompt",
                seed_id=f"p{i}",
                threat_ids=("bench",),
                conversation=conv,
            )

    target = TargetConfig(
        kind="openai-compat",
        base_url=base_url,
        model=args.model,
        options={"max_connections": max(args.concurrency, 1), "timeout_s": args.timeout},
    )
    spec = RoundSpec(
        target=target,
        target_name="bench",
        cases=cases(),
        cases_source={"bench": args.n, "prompts": args.prompts},
        scorers=[KeywordScorer()],
        params=GenerationParams(max_tokens=64),
        pacing=Pacing(concurrency=args.concurrency, timeout_s=args.timeout, max_rate_limit_retries=60),
        use_cache=False,
    )
    root = _server_root(base_url)
    _http(f"{root}/stats/reset", method="POST")
    cpu0, wall0 = time.process_time(), time.perf_counter()
    result = await run_round(spec, settings=settings, store=store)
    wall = time.perf_counter() - wall0
    cpu = time.process_time() - cpu0
    stats = _http(f"{root}/stats")
    with store.session() as session:
        keys = rounds_repo.done_keys(session, result.round_id)
        ok = rounds_repo.count_attempts(session, result.round_id).get("ok", 0)
    store.dispose()
    expected = result.cases
    served_ok = stats.get("completions_ok") if stats else None
    return {
        "round_id": result.round_id,
        "n": expected,
        "concurrency": args.concurrency,
        "wall_s": round(wall, 3),
        "attempts": result.attempts,
        "ok": ok,
        "errors": result.error_count,
        "errors_by_kind": result.errors,
        "lost": expected - len({case for case, _ in keys}),
        "duplicates": (served_ok - ok) if isinstance(served_ok, int) else result.attempts - len(keys),
        "rate_limited": result.run.rate_limited,
        "retries": result.run.retries,
        "server_max_in_flight": stats.get("max_in_flight") if stats else None,
        "server_busy_s": stats.get("busy_span_s") if stats else None,
        "prompts_per_s": round(expected / wall, 1) if wall else None,
        "cpu_s": round(cpu, 3),
        "cpu_ms_per_attempt": round(1000 * cpu / max(result.attempts, 1), 3),
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def main() -> int:
    """Parse options, run, print one JSON line."""
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--base-url", help="OpenAI-compatible base URL (ending in /v1)")
    ap.add_argument("--mock", action="store_true", help="start the shared mock server for this run")
    ap.add_argument("--latency-ms", type=float, default=50.0, help="mock latency (with --mock)")
    ap.add_argument("--fail-429", type=float, default=0.0, help="fraction of 429 answers (with --mock)")
    ap.add_argument("--n", type=int, default=1000, help="prompts (with --prompts: at most N; 0 = all)")
    ap.add_argument("--prompts", help="file with one prompt per line")
    ap.add_argument("--concurrency", type=int, default=64)
    ap.add_argument("--model", default="mock-model")
    ap.add_argument("--timeout", type=float, default=60.0, help="seconds per request")
    ap.add_argument("--workdir", help="folder for the benchmark workspace (default: a temporary one)")
    args = ap.parse_args()
    if not args.base_url and not args.mock:
        ap.error("give --base-url or --mock")
    if args.mock:
        with mock_server(args.latency_ms, args.fail_429) as url:
            out = asyncio.run(run(args, url))
    else:
        out = asyncio.run(run(args, args.base_url))
    sys.stdout.write(json.dumps(out) + "\n")
    return 0 if out["lost"] == 0 and out["duplicates"] == 0 else 1


if __name__ == "__main__":
    raise SystemExit(main())
