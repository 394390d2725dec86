"""Measure scorer throughput: the embedding refusal detector on N responses, and the cheap scorers.

Builds N distinct responses from the labelled refusal set (each row's answer with a short unique tail,
so deduplication cannot help) paired with their objectives, loads the embedding model once, then
times `RefusalScorer.score_batch` end to end (features, embeddings, classifier, scores). Reports wall
time and the process's CPU time (user + system), so a run on a shared machine can still be read.

The shipped detector exits early (answers it is sure of after the encoder's first layers are decided
there); `refusal.full-depth` times the same classifier with every answer read through all layers,
in the same run, for the ratio. `--skip-full` leaves it out.

    .venv/bin/python benchmarks/scorers.py --n 10000
    .venv/bin/python benchmarks/scorers.py --n 10000 --family-only   # the six offline family scorers
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import resource
import time
from dataclasses import replace
from importlib.resources import files
from typing import Any

import yaml

from redline.core.runs.cases import AttackCase
from redline.core.runs.conversation import Conversation, Response
from redline.scorers.base import BaseScorer
from redline.scorers.embeddings import Embedder
from redline.scorers.pii import PiiScorer
from redline.scorers.refusal import RefusalScorer, shipped_model
from redline.scorers.refusal_patterns import PhraseRefusalScorer


def _cpu() -> float:
    usage = resource.getrusage(resource.RUSAGE_SELF)
    return usage.ru_utime + usage.ru_stime


def items(n: int) -> list[tuple[AttackCase, Response]]:
    """N distinct (case, response) pairs built from the labelled set."""
    data = yaml.safe_load(
        (files("redline.scorers") / "data/validation/refusal.yaml").read_text(encoding="utf-8")
    )
    rows = [r for r in data["rows"] if r["response"].strip()]
    out = []
    for i in range(n):
        row = rows[i % len(rows)]
        case = AttackCase(
            id=f"bench-{i}",
            technique="bench",
            seed_id=row["id"],
            conversation=Conversation.of(row["objective"]),
            objective=row["objective"],
        )
        out.append((case, Response(text=f"{row['response']} (ref {i})")))
    return out


def timed(scorer: BaseScorer, batch: list[tuple[AttackCase, Response]], name: str = "") -> dict[str, Any]:
    """Wall and CPU seconds of scoring the batch (and, for the refusal detector, where it decided)."""
    wall, cpu = time.perf_counter(), _cpu()
    scores = asyncio.run(scorer.score_batch(batch))
    wall, cpu = time.perf_counter() - wall, _cpu() - cpu
    assert len(scores) == len(batch)
    out: dict[str, Any] = {
        "scorer": name or scorer.name,
        "n": len(batch),
        "wall_s": round(wall, 2),
        "cpu_s": round(cpu, 2),
    }
    early = [s for s in scores if "read to layer" in s.rationale]
    if early:
        full = sum(s.rationale.endswith("read to layer 6)") for s in early)
        out["read_to_full_depth"] = round(full / len(early), 3)
    return out


def family(batch: list[tuple[AttackCase, Response]]) -> list[dict[str, Any]]:
    """The offline family scorers (rules only) on the batch, one by one and all six together."""
    from redline.scorers.action import ForbiddenActionScorer
    from redline.scorers.injection import InjectionAcceptedScorer
    from redline.scorers.overconfidence import OverconfidenceScorer
    from redline.scorers.premise import FalsePremiseScorer
    from redline.scorers.prompt_shape import SystemPromptShapeScorer
    from redline.scorers.record_leak import RecordLeakScorer

    scorers: list[BaseScorer] = [
        ForbiddenActionScorer(),
        RecordLeakScorer(),
        SystemPromptShapeScorer(),
        FalsePremiseScorer(),
        OverconfidenceScorer(),
        InjectionAcceptedScorer(),
    ]
    out = [timed(s, batch) for s in scorers]
    out.append(
        {
            "scorer": "family (all six)",
            "n": len(batch),
            "wall_s": round(sum(r["wall_s"] for r in out), 2),
            "cpu_s": round(sum(r["cpu_s"] for r in out), 2),
        }
    )
    return out


def main() -> None:
    """Run and print one JSON document."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n", type=int, default=10_000)
    parser.add_argument("--skip-full", action="store_true", help="Do not time the full-depth reading.")
    parser.add_argument(
        "--family-only", action="store_true", help="Time only the offline family scorers (no model load)."
    )
    args = parser.parse_args()
    batch = items(args.n)
    if args.family_only:
        print(json.dumps({"cores": os.cpu_count(), "results": family(batch)}, indent=2))
        return
    load = time.perf_counter()
    embedder = Embedder()
    embedder.encode(["warm up"])
    load = time.perf_counter() - load
    results = [timed(RefusalScorer(embedder=embedder), batch)]
    if not args.skip_full:
        full_depth = replace(shipped_model(), early=None)
        scorer = RefusalScorer(embedder=embedder, model=full_depth)
        results.append(timed(scorer, batch, "refusal.full-depth"))
    results += [timed(PhraseRefusalScorer(), batch), timed(PiiScorer(), batch), *family(batch)]
    print(
        json.dumps(
            {
                "cores": os.cpu_count(),
                "load_average_at_end": [round(x, 2) for x in os.getloadavg()],
                "model_load_s": round(load, 2),
                "results": results,
            },
            indent=2,
        )
    )


if __name__ == "__main__":
    main()
