"""Shipped catalog files are parsed once per process; workspace files are read every time."""

from __future__ import annotations

from pathlib import Path

from redline.catalog.loader import read_model, shipped_dir
from redline.core.catalog.threats import Threat

THREAT = """id: custom.example
title: {title}
description: A workspace threat.
harm_category: security
"""


def test_a_shipped_file_is_parsed_once_and_shared() -> None:
    path = next(iter(sorted(shipped_dir().glob("*.yaml"))))
    first = read_model(path, Threat)
    assert read_model(path, Threat) is first


def test_a_workspace_file_is_read_again_after_an_edit(tmp_path: Path) -> None:
    path = tmp_path / "custom.yaml"
    path.write_text(THREAT.format(title="First"), encoding="utf-8")
    assert read_model(path, Threat).title == "First"
    path.write_text(THREAT.format(title="Other"), encoding="utf-8")  # the same size, maybe the same tick
    assert read_model(path, Threat).title == "Other"
