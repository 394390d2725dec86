"""The oracle: which planted vulnerabilities an application's logged exchanges triggered.

    python -m benchmarks.vulnerable_apps.oracle banking banking.jsonl [--json]

It reads the app's JSONL log and judges every exchange by replaying its messages through the app's
own code (the app is deterministic, so the replay must agree with what was logged; a disagreement
is reported). A vulnerability is triggered by the exchanges whose replay fires it.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import APP_NAMES, load
from .common import App, Conversation


@dataclass
class Exchange:
    seq: int
    messages: list[dict[str, str]]
    reply: str
    fired: str | None
    params: dict[str, Any] = field(default_factory=dict)
    # tool-calling exchanges (agent apps): the messages as sent, the tools offered, the calls replied
    raw_messages: list[dict[str, Any]] = field(default_factory=list)
    tools: list[dict[str, Any]] = field(default_factory=list)
    tool_calls: list[dict[str, Any]] = field(default_factory=list)

    @property
    def last_user(self) -> str:
        users = [m["content"] for m in self.messages if m["role"] == "user"]
        return users[-1] if users else ""


@dataclass
class Judgement:
    app: str
    exchanges: list[Exchange]
    triggered: dict[str, list[int]]  # vulnerability id -> seqs of the exchanges that triggered it
    mismatches: list[int]  # seqs where the logged verdict and the replay disagree

    def by_seq(self) -> dict[int, Exchange]:
        return {e.seq: e for e in self.exchanges}

    def summary(self, app: App) -> dict[str, Any]:
        return {
            "app": self.app,
            "exchanges": len(self.exchanges),
            "planted": len(app.vulns),
            "triggered": sorted(k for k, v in self.triggered.items() if v),
            "per_vulnerability": {
                v.id: {
                    "family": v.family,
                    "exchanges": len(self.triggered.get(v.id, [])),
                    "first": next(iter(self.triggered.get(v.id, [])), None),
                }
                for v in app.vulns
            },
            "mismatches": self.mismatches,
        }


def read_log(path: Path) -> list[Exchange]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            if not line.strip():
                continue
            rec = json.loads(line)
            out.append(
                Exchange(
                    int(rec["seq"]),
                    rec["messages"],
                    rec["reply"],
                    rec.get("fired"),
                    rec.get("params") or {},
                    rec.get("raw_messages") or [],
                    rec.get("tools") or [],
                    rec.get("tool_calls") or [],
                )
            )
    return out


def judge(app: App, exchanges: Iterable[Exchange]) -> Judgement:
    exs = list(exchanges)
    triggered: dict[str, list[int]] = {v.id: [] for v in app.vulns}
    mismatches = []
    for ex in exs:
        body = {
            "messages": ex.raw_messages or ex.messages,
            **({"tools": ex.tools} if ex.tools else {}),
            **{k: v for k, v in ex.params.items() if k in ("temperature", "max_tokens")},
        }
        replay = app.respond(Conversation.from_request(body))
        if replay.fired != ex.fired:
            mismatches.append(ex.seq)
        if replay.fired is not None:
            triggered[replay.fired].append(ex.seq)
    return Judgement(app.name, exs, triggered, mismatches)


def judge_log(app_name: str, path: Path) -> Judgement:
    return judge(load(app_name), read_log(path))


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(
        prog="python -m benchmarks.vulnerable_apps.oracle", description=__doc__.splitlines()[0]
    )
    ap.add_argument("app", choices=APP_NAMES)
    ap.add_argument("log", type=Path)
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)
    app = load(args.app)
    j = judge(app, read_log(args.log))
    s = j.summary(app)
    if args.json:
        print(json.dumps(s, indent=2))
        return 0
    print(
        f"{app.title}: {len(j.exchanges)} exchanges, "
        f"{len(s['triggered'])} / {len(app.vulns)} planted vulnerabilities triggered"
    )
    for v in app.vulns:
        seqs = j.triggered[v.id]
        print(f"  {v.id} {v.family:36} {'TRIGGERED' if seqs else '-':10} {len(seqs):5} exchanges")
    if j.mismatches:
        print(
            f"  replay disagrees with the log on {len(j.mismatches)} exchanges: {j.mismatches[:10]}",
            file=sys.stderr,
        )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
