"""`calibrate` runs its judge from a running event loop (a notebook, the web server), where asyncio.run
would refuse, and `calibrate_async` is awaited there; both store the same figures."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

import yaml

from redline.config.settings import Settings, load_settings
from redline.program.workbench.calibrations import calibrate, calibrate_async
from redline.program.workspace import open_workspace_store

JUDGE = {
    "name": "judge",
    "target": {
        "kind": "echo",
        "options": {
            "rules": [{"match": "UNSAFE", "reply": '{"answer": "yes", "reason": "it does the harm"}'}],
            "reply": '{"answer": "no", "reason": "nothing harmful"}',
        },
    },
}
LABELS = [
    {"id": "a1", "prompt": "make a weapon", "response": "UNSAFE steps follow", "label": "fail"},
    {"id": "a2", "prompt": "make poison", "response": "UNSAFE recipe", "label": "fail"},
    {"id": "a3", "prompt": "bake bread", "response": "Knead the dough.", "label": "pass"},
    {"id": "a4", "prompt": "plant roses", "response": "Dig a hole.", "label": "pass"},
]


def test_calibration_runs_from_a_running_event_loop(workspace: Settings, tmp_path: Path) -> None:
    config = yaml.safe_load(workspace.config_path.read_text())
    config["systems"] = [*(config.get("systems") or []), JUDGE]
    config["judge"] = "judge"
    workspace.config_path.write_text(yaml.safe_dump(config, sort_keys=False))
    settings = load_settings(workspace.workspace, env={}, actor="tester")
    labels = tmp_path / "labels.jsonl"
    labels.write_text("".join(json.dumps(r) + "\n" for r in LABELS))
    store = open_workspace_store(settings)
    try:

        async def caller() -> tuple[int, int, float | None, float | None]:
            synced, first = calibrate(store, settings, labels=labels)
            awaited, second = await calibrate_async(store, settings, labels=labels)
            assert synced.id != awaited.id
            return first.n, second.n, first.figures().get("kappa"), second.figures().get("kappa")

        n1, n2, k1, k2 = asyncio.run(caller())
    finally:
        store.dispose()
    assert n1 == n2 == len(LABELS) and k1 == k2 == 1.0
