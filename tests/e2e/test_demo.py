"""`redline demo` end to end: the real bundled model, real scorers, offline, through the console script."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

pytestmark = pytest.mark.slow


def test_demo_runs_the_whole_program_offline(tmp_path: Path) -> None:
    ws = tmp_path / "demo"
    res = subprocess.run(
        [sys.executable, "-m", "redline.cli.main", "demo", "--dir", str(ws), "--sample-size", "1", "--json"],
        capture_output=True,
        text=True,
        timeout=1500,
        env={"PATH": "/usr/bin:/bin", "HOME": str(tmp_path), "HF_HUB_OFFLINE": "1"},
    )
    assert res.returncode == 0, res.stderr[-3000:]
    out = json.loads(res.stdout)
    assert set(out["rounds"]) == {"1.0", "2.0"}
    assert out["evidence"]["1.0"], "release 1.0 produced no evidence"
    assert all(e["n"] + e["could_not_score"] + e["errors"] > 0 for e in out["evidence"]["1.0"])
    assert set(out["gates"]) == {"1.0", "2.0"}
    assert all(g["outcome"] in {"go", "conditional_go", "no_go"} for g in out["gates"].values())
    assert len(out["verifications"]) == len(out["findings"])
    for path in out["reports"].values():
        html = Path(path).read_text(encoding="utf-8")
        assert 'id="heatmap"' in html and "<script src=" not in html
    verify = subprocess.run(
        [sys.executable, "-m", "redline.cli.main", "--workspace", str(ws), "audit", "verify"],
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert verify.returncode == 0, verify.stderr
