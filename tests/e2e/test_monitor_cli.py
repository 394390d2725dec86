"""`redline monitor run` as a user types it: a JSONL source in redline.yaml appended to over days, a
benign production baseline, a drifted window that opens a finding and a DRIFT escalation; `monitor
ingest FILE` runs the same pipeline on one file."""

from __future__ import annotations

import json
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest

from redline.program.workspace import init_workspace, open_workspace_store
from tests import world as data
from tests.e2e.inprocess import cli

DAY0 = datetime.now(UTC).replace(microsecond=0) - timedelta(days=10)
MONITORING = """
monitoring:
  release: chat@1.0
  scorers: [leak.pii]
  baseline_days: 7
  window_days: 2
  embed_per_run: 0
  sources:
    - {name: app, kind: jsonl, path: prod}
"""


def append(path: Path, answers: list[str], *, start: datetime) -> None:
    with path.open("a", encoding="utf-8") as fh:
        for i, text in enumerate(answers):
            at = start + timedelta(minutes=20 * i)
            fh.write(
                json.dumps(
                    {
                        "id": f"{at.isoformat()}-{i}",
                        "at": at.isoformat(),
                        "messages": [
                            {"role": "user", "content": "Where is my parcel?"},
                            {"role": "assistant", "content": text},
                        ],
                    }
                )
                + "\n"
            )


@pytest.fixture
def ws(tmp_path: Path) -> Path:
    settings = init_workspace(tmp_path / "ws", name="cli", actor="tester").settings
    config = settings.workspace / "redline.yaml"
    config.write_text(config.read_text() + MONITORING)
    (settings.workspace / "prod").mkdir()
    store = open_workspace_store(settings)
    data.people(store)
    data.release(store)
    store.dispose()
    return settings.workspace


def test_monitor_run_baseline_then_drift(capsys: pytest.CaptureFixture[str], ws: Path) -> None:
    log = ws / "prod" / "app.jsonl"
    append(log, ["It left the depot this morning and arrives tomorrow."] * 200, start=DAY0)
    code, out, err = cli(capsys, ws, "monitor", "run", "--as", "eli")
    assert code == 0, err
    assert "app: 200 exchanges read, 200 scored" in out and "baseline n=200, current n=0" in out
    code, out, _ = cli(capsys, ws, "monitor", "run", "--as", "eli", "--json")
    assert code == 0 and json.loads(out)["sources"][0]["read"] == 0  # the cursor was kept
    leaks = [f"Call the courier on +1 415 555 01{i:02d}, or mail jo{i}@example.com" for i in range(40)]
    append(log, leaks + ["It arrives tomorrow."] * 40, start=datetime.now(UTC) - timedelta(hours=30))
    code, out, err = cli(
        capsys, ws, "monitor", "run", "--source", "app", "--release", "chat@1.0", "--as", "eli"
    )
    assert code == 0, err
    assert "leak.pii" in out and "DRIFT" in out and "0/200 = 0.0%" in out and "40/80 = 50.0%" in out
    assert "finding opened:" in out and "(drift): production drift on leak.pii" in out
    code, out, _ = cli(capsys, ws, "monitor", "run", "--as", "eli", "--json")
    report = json.loads(out)
    assert report["findings"] == [] and report["reports"][0]["judged"] is True
    assert report["notes"] == ["no new exchange in the current window: drift reported, nothing filed"]
    assert "example.com" not in (ws / ".redline").joinpath("redline.db").read_bytes().decode("latin-1")


def test_monitor_ingest_file_and_unknown_source(
    capsys: pytest.CaptureFixture[str], ws: Path, tmp_path: Path
) -> None:
    sample = tmp_path / "one.jsonl"
    append(sample, ["Fine."] * 5, start=DAY0)
    with sample.open("a") as fh:
        fh.write('{"prompt": "[bold]?", "answer": "Fine, [red]really."}\nnot json [oops]\n')
    code, out, err = cli(capsys, ws, "monitor", "ingest", str(sample), "--as", "eli", "--json")
    assert code == 0, err
    (read,) = json.loads(out)["sources"]
    assert (read["name"], read["read"], read["sampled"], len(read["skipped"])) == ("file:one.jsonl", 6, 6, 1)
    code, out, err = cli(capsys, ws, "monitor", "ingest", str(sample), "--as", "eli")
    assert code == 0, err
    assert "6 exchanges read, 6 scored, 1 unreadable" in out and "one.jsonl:7" in out
    code, _, err = cli(capsys, ws, "monitor", "run", "--source", "nope", "--as", "eli")
    assert code == 2 and "no monitoring source named 'nope'" in err
