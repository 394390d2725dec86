"""Measure scoring throughput: N answers scored by the default scorer set, through the scoring runner.

The default set is what `redline scan` runs with no playbook (the built-in plan `scan-standard`):
every scorer named by one of its steps, less those that need a judge model (skipped without one)
and, unless `--tools`, those of the agentic steps (run only when the target is offered tools).

Two ways to read "N answers with the default scorers":

- `--mode scan` (default): N answers shared among the plan's steps in proportion to their sample
  sizes, as a default scan would produce them; each answer is judged by its step's scorers only (the
  runner's rule), so a `[refusal, toxicity]` step's answers are read by both.
- `--mode each`: every default scorer judges N answers of its own (the upper bound: 15 times N
  judgements).

Answers are the rows of each scorer's own labelled set (answers, cases, action traces), cycled, each
with a short unique tail so no cache or deduplication can help, each counterfactual group renamed per
cycle; a step's share is split evenly among its scorers' sets. They go through
`engine.scoring.Scoring`, the runner a scan uses (batches of the scorer's `batch_size`, judged in
worker threads), one scorer at a time, so each scorer's wall and CPU time (user + system, readable on
a shared machine) can be printed; the total is their sum. The embedding model is loaded (and warmed)
before any timing.

    .venv/bin/python benchmarks/scorers.py --n 10000
    .venv/bin/python benchmarks/scorers.py --n 10000 --mode each
    .venv/bin/python benchmarks/scorers.py --n 2000 --only refusal,toxicity --mode each
    .venv/bin/python benchmarks/scorers.py --n 10000 --json    # one JSON document instead of a table
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from typing import Any

from redline.catalog.playbooks import load_playbooks
from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Response
from redline.core.runs.scores import ScoreOutcome
from redline.engine.components import scorer_needs_judge
from redline.engine.scoring import Scoring
from redline.scorers.base import Scorer
from redline.scorers.registry import build_scorer
from redline.scorers.validation import _items, _specs, load_set

PLAN = "scan-standard"


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def _steps(*, tools: bool) -> list[tuple[tuple[str, ...], int]]:
    """The plan's steps that a default scan scores offline: (their default scorers, sample size)."""
    out = []
    for step in load_playbooks().get(PLAN).automated:
        if step.needs_tools and not tools:
            continue
        names = tuple(n for n in step.scorers if not scorer_needs_judge(n))
        if names:
            out.append((names, int(step.sample_size or 1)))
    return out


def default_scorers(*, tools: bool = False) -> list[str]:
    """The scorers a default scan runs (no judge model; the agentic steps only with `tools`), in order."""
    return list(dict.fromkeys(n for names, _ in _steps(tools=tools) for n in names))


def scan_mix(n: int, *, tools: bool = False) -> list[tuple[AttackCase, Response]]:
    """N answers shared among the plan's steps by sample size, each naming its step's scorers."""
    steps = _steps(tools=tools)
    weight = sum(size for _, size in steps)
    shares = [n * size // weight for _, size in steps]
    for k in range(n - sum(shares)):  # the rounding remainder, to the first steps
        shares[k % len(steps)] += 1
    out: list[tuple[AttackCase, Response]] = []
    for (names, _), share in zip(steps, shares, strict=True):
        for k, name in enumerate(names):
            part = share // len(names) + (k < share % len(names))
            for case, response in items(name, part, start=len(out)):
                out.append((case.model_copy(update={"scorers": names}), response))
    return out


def items(name: str, n: int, *, start: int = 0) -> list[tuple[AttackCase, Response]]:
    """N distinct (case, answer) pairs for the scorer `name`, built from its labelled set."""
    spec = _specs()[name]
    rows = [
        r for r in load_set(spec.set_name)["rows"] if str(r.get("response") or "").strip() or r.get("actions")
    ]
    base = _items(rows, judged=False)
    out = []
    for i in range(start, start + n):
        case, response = base[(i - start) % len(rows)]
        cycle = (i - start) // len(rows)
        group = f"{case.group}-{cycle}" if case.group else None
        text = f"{response.text} (ref {i})" if response.text.strip() else response.text
        out.append(
            (
                case.model_copy(update={"id": f"bench-{i}", "group": group}),
                response.model_copy(update={"text": text}),
            )
        )
    return out


async def _through_runner(scorer: Scorer, batch: list[tuple[AttackCase, Response]]) -> list[Any]:
    """Every answer through the runner a scan uses; groups are released at once, not after a wait."""
    scoring = Scoring([scorer])
    tasks = [asyncio.create_task(scoring.score(c, r)) for c, r in batch]
    await asyncio.sleep(0)  # let every task submit its answer
    await scoring.drain()
    return [s for scores in await asyncio.gather(*tasks) for s in scores]


def timed(name: str, batch: list[tuple[AttackCase, Response]]) -> dict[str, Any]:
    """Wall and CPU seconds of scoring the batch with the registered scorer `name`."""
    scorer = build_scorer(name)
    wall, cpu = time.perf_counter(), _cpu()
    scores = asyncio.run(_through_runner(scorer, batch))
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    assert len(scores) == len(batch), (name, len(scores), len(batch))
    unscored = sum(s.outcome is ScoreOutcome.COULD_NOT_SCORE for s in scores)
    return {
        "scorer": name,
        "n": len(batch),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
        "could_not_score": unscored,
    }


def warm_up() -> float:
    """Load the embedding model at every depth the default scorers use; seconds taken."""
    from redline.scorers import refusal, social_model
    from redline.scorers.embeddings import shared_embedder

    start = time.perf_counter()
    for layers in dict.fromkeys((refusal.LAYERS, None, social_model.LAYERS)):
        shared_embedder(layers=layers).encode(["warm up"])
    return time.perf_counter() - start


def main() -> None:
    """Run and print a table (or one JSON document)."""
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--n", type=int, default=10_000, help="Answers (per scorer with --mode each).")
    parser.add_argument("--mode", choices=("scan", "each"), default="scan")
    parser.add_argument("--tools", action="store_true", help="Add the agentic steps and their scorers.")
    parser.add_argument("--only", default="", help="Comma-separated scorer names (default: the default set).")
    parser.add_argument("--json", action="store_true", help="Print one JSON document.")
    args = parser.parse_args()
    names = [n for n in args.only.split(",") if n] or default_scorers(tools=args.tools)
    if args.mode == "scan":
        mix = scan_mix(args.n, tools=args.tools)
        batches = {name: [(c, r) for c, r in mix if name in c.scorers] for name in names}
    else:
        batches = {name: items(name, args.n) for name in names}
    load = warm_up()
    results = [timed(name, batches[name]) for name in names if batches[name]]
    total = {
        "scorer": "total",
        "n": args.n,
        "wall_s": round(sum(r["wall_s"] for r in results), 2),
        "cpu_s": round(sum(r["cpu_s"] for r in results), 2),
    }
    doc = {
        "mode": args.mode,
        "cores": os.cpu_count(),
        "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
        "model_load_s": round(load, 2),
        "results": [*results, total],
    }
    if args.json:
        print(json.dumps(doc, indent=2))
        return
    print(f"{'scorer':<28} {'answers':>8} {'wall s':>8} {'CPU s':>8} {'unscored':>9}")
    for r in doc["results"]:
        print(
            f"{r['scorer']:<28} {r['n']:>8} {r['wall_s']:>8.2f} {r['cpu_s']:>8.2f} "
            f"{r.get('could_not_score', ''):>9}"
        )
    print(
        f"mode {args.mode}, cores {doc['cores']}, model load {doc['model_load_s']} s, "
        f"load average at end {doc['load_average_at_end']}"
    )


if __name__ == "__main__":
    main()
