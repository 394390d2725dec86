"""Reports and bundles as a user makes them: the `redline` command, and the HTML in headless Chromium."""

from __future__ import annotations

import io
import os
import re
import struct
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from redline.reports.browser import dump_dom, screenshot
from tests.world import REPORT_XSS, ReportWorld, make_report_world

REDLINE = [sys.executable, "-m", "redline.cli.main"]
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


def redline(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": str(cwd), "USER": "tester"}
    return subprocess.run([*REDLINE, *args], capture_output=True, text=True, cwd=cwd, env=env, timeout=300)


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, ReportWorld]:
    settings, w = make_report_world(tmp_path_factory.mktemp("cli") / "ws")
    # Every command here is a new process, which would load the NER model (about 10 s of CPU) to mask
    # names; reports masked with it are pinned in process (tests/integration/test_report_*.py).
    with settings.config_path.open("a", encoding="utf-8") as f:
        f.write("privacy: {ner: false}\n")
    return settings.workspace, w


@pytest.fixture
def browser() -> None:
    if os.environ.get("REDLINE_SKIP_BROWSER") == "1":
        pytest.skip("browser tests skipped: REDLINE_SKIP_BROWSER=1")


def _png_size(path: Path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", head[16:24])
    return int(width), int(height)


@pytest.mark.slow
def test_html_report_renders_in_chromium_with_heat_map_and_rate_chart(
    world: tuple[Path, ReportWorld], tmp_path: Path, browser: None
) -> None:
    ws, w = world
    res = redline("-w", str(ws), "report", w.round_id, "--format", "html", "-o", "report.html", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    page = tmp_path / "report.html"
    assert not re.search(r"""(src|href)=["']?https?:""", page.read_text()), (
        "the report must not load anything"
    )
    dom = dump_dom(page)
    for element_id in (
        "summary",
        "heatmap",
        "rate-chart",
        "severity-chart",
        "coverage-chart",
        "trend-chart",
        "findings-table",
        "mitigations-table",
        "method",
        "gate-criteria",
    ):
        assert f'id="{element_id}"' in dom, element_id
    assert dom.count('class="heat-cell"') == 25
    assert dom.count('class="rate-bar"') == 4 and dom.count('class="rate-ci"') == 4
    ARTIFACTS.mkdir(exist_ok=True)
    png = screenshot(page, ARTIFACTS / "report-internal.png", width=1100, height=2600)
    assert _png_size(png) == (1100, 2600) and png.stat().st_size > 50_000


@pytest.mark.slow
def test_model_output_is_inert_text_in_the_browser(
    world: tuple[Path, ReportWorld], tmp_path: Path, browser: None
) -> None:
    ws, w = world
    # Control: the same payload written unescaped does run, so the check below can see a script run.
    control = tmp_path / "control.html"
    control.write_text(f"<html><head><title>clean</title></head><body>{REPORT_XSS}</body></html>")
    assert "<title>PWNED" in dump_dom(control)
    for audience in ("internal", "committee"):
        out = tmp_path / f"{audience}.html"
        res = redline(
            "-w", str(ws), "report", w.round_id, "--audience", audience, "-o", str(out), cwd=tmp_path
        )
        assert res.returncode == 0, res.stderr
        # without --as every flagged exchange is withheld: the payload is not in the copy at all
        _assert_inert(out, payload=False)
    from redline.config.settings import load_settings
    from redline.reports.assembly import ReportRequest
    from redline.reports.html import render_html
    from tests.integration.test_report_model import report

    model = report(load_settings(ws, env={}), ReportRequest(round_id=w.round_id))
    opened = model.model_copy(
        update={"transcripts": tuple(t.model_copy(update={"collapsed": False}) for t in model.transcripts)}
    )
    expanded = tmp_path / "expanded.html"
    expanded.write_text(render_html(opened))
    assert (
        '<details class="transcript flagged" id=' in expanded.read_text() and " open>" in expanded.read_text()
    )
    _assert_inert(expanded)


def _assert_inert(page: Path, *, payload: bool = True) -> None:
    dom = dump_dom(page)
    title = re.search(r"<title>(.*?)</title>", dom, re.S)
    assert title is not None and title.group(1).startswith("Red-team report"), title
    if payload:
        assert "PWNED" in dom  # the payload is there, as text
        assert "&lt;script&gt;document.title" in dom
    else:
        assert "PWNED" not in dom and 'id="withheld"' in dom
    assert not re.search(r"<script", dom, re.I)
    assert not re.search(r"<(img|svg)[^>]*\son(error|load)\s*=", dom, re.I)


@pytest.mark.slow
def test_pdf_report_is_printed_from_the_html(
    world: tuple[Path, ReportWorld], tmp_path: Path, browser: None
) -> None:
    from pypdf import PdfReader

    ws, _ = world
    res = redline(
        "-w", str(ws), "report", "--release", "chat-assistant@1.1", "-f", "pdf", "-o", "r.pdf", cwd=tmp_path
    )
    assert res.returncode == 0, res.stderr
    reader = PdfReader(io.BytesIO((tmp_path / "r.pdf").read_bytes()))
    text = "\n".join(p.extract_text() for p in reader.pages)
    assert len(reader.pages) >= 3 and "Failure rates per threat" in text and "Method appendix" in text


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_every_text_format_is_written_and_bad_options_are_usage_errors(
    world: tuple[Path, ReportWorld], tmp_path: Path
) -> None:
    ws, w = world
    for fmt in ("md", "json", "sarif", "junit"):
        res = redline("-w", str(ws), "report", "--latest", "--format", fmt, cwd=tmp_path)
        assert res.returncode == 0, res.stderr
    names = sorted(p.name for p in tmp_path.iterdir())
    assert len(names) == 4 and all(n.startswith("redline-report-chat-assistant-1.1-internal") for n in names)
    bad = redline("-w", str(ws), "report", "--format", "xls", cwd=tmp_path)
    assert bad.returncode == 2 and "--format must be one of html, md, pdf, json, sarif, junit" in bad.stderr
    both = redline("-w", str(ws), "report", w.round_id, "--latest", cwd=tmp_path)
    assert both.returncode == 2 and "choose one of" in both.stderr


@pytest.mark.slow  # several CLI processes or a whole scan: make test runs it, test-fast does not
def test_export_bundle_then_replay_and_tamper(world: tuple[Path, ReportWorld], tmp_path: Path) -> None:
    ws, w = world
    anonymous = redline("-w", str(ws), "export", "bundle", w.round_id, "-o", "b.zip", cwd=tmp_path)
    assert anonymous.returncode == 2 and "pass --as NAME of a cleared role" in anonymous.stderr
    uncleared = redline("-w", str(ws), "export", "bundle", w.round_id, "--as", "alice", cwd=tmp_path)
    assert uncleared.returncode != 0 and "see personal data unmasked" in uncleared.stderr
    assert not (tmp_path / f"{w.round_id}-internal.zip").exists()
    res = redline("-w", str(ws), "export", "bundle", w.round_id, "-o", "b.zip", "--as", "bob", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    log = redline("-w", str(ws), "audit", "log", "--json", cwd=tmp_path)
    assert f"bundle:{w.round_id}:internal" in log.stdout
    res = redline("-w", str(ws), "report", w.round_id, "-f", "json", "-o", "r.json", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    ok = redline("replay", "b.zip", "--report", "r.json", cwd=tmp_path)
    assert ok.returncode == 0, ok.stdout + ok.stderr
    assert "hashes and rates verified" in ok.stdout
    with zipfile.ZipFile(tmp_path / "b.zip") as zf:
        files = {n: zf.read(n) for n in zf.namelist()}
    lines = files["attempts.jsonl"].decode().splitlines()
    i = next(i for i, line in enumerate(lines) if "My instructions say" in line)
    victim = re.search(r'"id":"(att_[0-9a-f]+)"', lines[i])
    assert victim is not None
    lines[i] = lines[i].replace("My instructions say", "My instructions do not say")
    files["attempts.jsonl"] = ("\n".join(lines) + "\n").encode()
    with zipfile.ZipFile(tmp_path / "b.zip", "w") as zf:
        for n, data in files.items():
            zf.writestr(n, data)
    bad = redline("replay", "b.zip", cwd=tmp_path)
    assert bad.returncode == 1
    assert f"response_hash: attempt {victim.group(1)}" in bad.stdout
