"""Chromium runs are capped: many report downloads at once queue instead of starting a browser each."""

from __future__ import annotations

import subprocess
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from typing import Any

import pytest

from redline.reports import browser


def test_at_most_the_cap_of_chromium_processes_run_at_once(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    running, peak, lock = [0], [0], threading.Lock()

    def fake_run(cmd: list[str], **kwargs: Any) -> subprocess.CompletedProcess[str]:
        with lock:
            running[0] += 1
            peak[0] = max(peak[0], running[0])
        time.sleep(0.1)
        with lock:
            running[0] -= 1
        return subprocess.CompletedProcess(cmd, 0, stdout="<html></html>", stderr="")

    monkeypatch.setenv("REDLINE_CHROMIUM", sys.executable)
    monkeypatch.setattr("redline.reports.browser.subprocess.run", fake_run)
    page = tmp_path / "report.html"
    page.write_text("<p>report</p>", encoding="utf-8")
    with ThreadPoolExecutor(max_workers=8) as pool:
        outputs = list(pool.map(lambda _: browser.dump_dom(page), range(8)))
    assert outputs == ["<html></html>"] * 8
    assert 1 <= peak[0] <= browser.MAX_CHROMIUM < 8
