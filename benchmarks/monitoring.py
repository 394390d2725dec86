"""One `redline monitor run` over 100,000 production exchanges: read, sample, mask, score, store, judge.

Writes N exchanges spread over ten days to a JSONL file in a temporary workspace (a fresh SQLite
database and release), then times one run of the whole pipeline through its configured `jsonl`
source with the default monitoring settings (the default scorers, at most 20,000 exchanges scored a
run, 1,000 answers embedded). The first seven days are the production baseline and the last day the
current window, in which some answers carry personal data and a group of answers is about something
the baseline never talked about, so the run files findings and raises DRIFT escalations as it would in
production. Prints the time of each stage and one JSON line last.

    .venv/bin/python benchmarks/monitoring.py                 # N = 100,000
    .venv/bin/python benchmarks/monitoring.py --n 20000 --max-samples 20000
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "src"))

OPENERS = ("Sure.", "Thanks for asking.", "Happy to help.", "Good question.", "Of course.")
TOPICS = (
    "Your order {n} ships within {d} working days and you can follow it from the account page.",
    "The refund for order {n} reaches your card in {d} to {e} days once the parcel is back with us.",
    "You can change the delivery address of order {n} until it leaves the depot, about {d} hours.",
    "Our store opens at {d} in the morning and closes at {e} in the evening on weekdays.",
    "To reset your password, open the sign-in page, choose 'forgot password' and follow the {d} steps.",
    "The {item} comes with a {d}-year warranty; keep the receipt and the serial number for a claim.",
    "Express delivery of the {item} costs {d} euros and arrives the next working day before noon.",
)
ITEMS = ("kettle", "blender", "lamp", "backpack", "jacket", "headset", "monitor", "chair", "desk", "toaster")
LEAK = "For order {n}, contact {name} directly at {name}.{n}@example.com or +1 415 555 {d:04d}."
NOVEL = (
    "As an oracle of the stars I foresee that order {n} will bring you great fortune under {item} skies.",
    "The planets align for order {n}: Mercury in {item} means your horoscope favours a purchase today.",
)


def answer(rng: random.Random, n: int, kind: str) -> str:
    d, e = rng.randint(2, 9), rng.randint(10, 20)
    item = rng.choice(ITEMS)
    if kind == "leak":
        return LEAK.format(n=n, name=rng.choice(("ana", "bo", "chen", "dee")), d=rng.randint(0, 9999))
    if kind == "novel":
        return rng.choice(NOVEL).format(n=n, item=item)
    return f"{rng.choice(OPENERS)} {rng.choice(TOPICS).format(n=n, d=d, e=e, item=item)}"


def write_exchanges(path: Path, n: int, *, start: datetime, seed: int = 7) -> None:
    rng = random.Random(seed)
    span = timedelta(days=10)
    with path.open("w", encoding="utf-8") as fh:
        for i in range(n):
            at = start + span * (i / n)
            last_day = at >= start + timedelta(days=9)
            roll = rng.random()
            kind = "leak" if last_day and roll < 0.08 else "novel" if last_day and roll < 0.10 else "plain"
            record = {
                "id": f"ex-{i}",
                "at": at.isoformat(),
                "messages": [
                    {"role": "user", "content": f"Question about order {100000 + i}?"},
                    {"role": "assistant", "content": answer(rng, 100000 + i, kind)},
                ],
            }
            fh.write(json.dumps(record) + "\n")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n", type=int, default=100_000, help="Exchanges in the source.")
    parser.add_argument("--max-samples", type=int, default=None, help="monitoring.max_samples_per_run.")
    args = parser.parse_args()

    from redline.core.people.users import Role
    from redline.core.provenance import ModelIdentity
    from redline.program.register.monitoring import run_monitor
    from redline.program.workspace import init_workspace, open_workspace_store
    from redline.store.repos import systems, users

    with tempfile.TemporaryDirectory(prefix="redline-monitor-bench-") as tmp:
        settings = init_workspace(Path(tmp) / "ws", name="bench", actor="bench").settings
        now = datetime.now(UTC).replace(microsecond=0)
        (settings.workspace / "prod").mkdir()
        t = time.perf_counter()
        write_exchanges(settings.workspace / "prod" / "app.jsonl", args.n, start=now - timedelta(days=10))
        generated = time.perf_counter() - t
        extra = f"  max_samples_per_run: {args.max_samples}\n" if args.max_samples else ""
        config = settings.workspace / "redline.yaml"
        config.write_text(
            config.read_text()
            + "monitoring:\n  release: shop@1.0\n"
            + extra
            + "  sources:\n    - {name: app, kind: jsonl, path: prod}\n"
        )
        from redline.config.settings import load_settings

        settings = load_settings(settings.workspace)
        store = open_workspace_store(settings)
        with store.session() as s:
            users.add_user(s, name="eli", roles={Role.ENGINEER}, actor="bench")
            system = systems.ensure_system(s, name="shop", actor="bench")
            systems.ensure_release(
                s,
                system_id=system.id,
                version="1.0",
                model=ModelIdentity(provider="callable", name="shop", version="1.0"),
                config={"kind": "callable", "model": "x:y"},
                actor="bench",
            )
        t, cpu = time.perf_counter(), time.process_time()
        report = run_monitor(store, settings, user="eli", now=now)
        wall, cpu = time.perf_counter() - t, time.process_time() - cpu
        store.dispose()
    for stage, seconds in report.timings.items():
        print(f"{stage:>14}: {seconds:7.2f} s")
    print(f"{'total':>14}: {wall:7.2f} s wall, {cpu:.2f} s CPU (writing the exchanges: {generated:.1f} s)")
    for r in report.reports:
        print(
            f"{r.subject:>26}: {r.verdict:<10} baseline {r.baseline.describe()}; "
            f"current {r.production.describe()}"
        )
    print(
        f"clusters: {[c.size for c in report.clusters]}; findings: {[a.action for a in report.findings]}; "
        f"escalations: {[e.kind.value for e in report.escalations]}"
    )
    print(
        json.dumps(
            {
                "exchanges": report.sources[0].read,
                "scored": report.run.samples,
                "wall_s": round(wall, 2),
                "cpu_s": round(cpu, 2),
                "timings": report.timings,
                "drifted": [r.subject for r in report.reports if r.drifted],
                "clusters": [c.size for c in report.clusters],
            }
        )
    )


if __name__ == "__main__":
    main()
