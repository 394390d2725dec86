"""Drive a headless Chromium (Debian's package) to print, screenshot or load a report file, offline."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path

from redline.core.errors import ConfigError, RedlineError

CANDIDATES = ("chromium", "chromium-browser", "google-chrome", "google-chrome-stable")
# No network, no background services, a fresh profile: a report must render from the file alone.
FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-extensions",
    "--hide-scrollbars",
    "--mute-audio",
)


class BrowserError(RedlineError):
    """Chromium ran but could not render the report."""


MAX_CHROMIUM = 2
"""Chromium processes at once (each takes a few hundred MB): many report downloads queue, not pile up."""
_chromium_slots = threading.BoundedSemaphore(MAX_CHROMIUM)


def chromium_path() -> Path:
    """The Chromium executable: REDLINE_CHROMIUM, or one on PATH; a clear error when there is none."""
    given = os.environ.get("REDLINE_CHROMIUM")
    if given:
        if not Path(given).is_file():
            raise ConfigError(f"REDLINE_CHROMIUM points to {given}, which does not exist")
        return Path(given)
    for name in CANDIDATES:
        found = shutil.which(name)
        if found:
            return Path(found)
    raise ConfigError(
        "PDF output needs a headless Chromium: install Debian's 'chromium' package "
        "(scripts/ensure-chromium.sh does it) or set REDLINE_CHROMIUM"
    )


def run_chromium(args: Sequence[str], target: Path, *, timeout_s: float = 120.0) -> str:
    """Run Chromium on a local file with a fresh profile; returns its standard output.

    At most MAX_CHROMIUM run at once in a process; further renders wait their turn.
    """
    with _chromium_slots, tempfile.TemporaryDirectory(prefix="redline-chromium-") as profile:
        cmd = [str(chromium_path()), *FLAGS, f"--user-data-dir={profile}", *args, target.resolve().as_uri()]
        env = {**os.environ, "HOME": profile}
        try:
            done = subprocess.run(
                cmd, capture_output=True, text=True, timeout=timeout_s, env=env, check=False
            )
        except subprocess.TimeoutExpired:
            raise BrowserError(
                f"Chromium did not finish rendering {target.name} in {timeout_s:.0f}s"
            ) from None
    if done.returncode != 0:
        tail = (done.stderr or "").strip().splitlines()[-1:] or ["no output"]
        raise BrowserError(f"Chromium failed on {target.name} (exit {done.returncode}): {tail[0]}")
    return done.stdout


def print_pdf(html_file: Path, pdf_file: Path) -> Path:
    """Print an HTML file to PDF (A4, no header or footer lines added by the browser)."""
    run_chromium([f"--print-to-pdf={pdf_file.resolve()}", "--no-pdf-header-footer"], html_file)
    if not pdf_file.is_file() or pdf_file.stat().st_size == 0:
        raise BrowserError(f"Chromium wrote no PDF for {html_file.name}")
    return pdf_file


def screenshot(html_file: Path, png_file: Path, *, width: int = 1100, height: int = 2400) -> Path:
    """A PNG of the first `height` pixels of a page."""
    run_chromium([f"--screenshot={png_file.resolve()}", f"--window-size={width},{height}"], html_file)
    if not png_file.is_file():
        raise BrowserError(f"Chromium wrote no screenshot for {html_file.name}")
    return png_file


def dump_dom(html_file: Path) -> str:
    """The page's DOM after loading (and after any script ran), serialised as HTML."""
    return run_chromium(["--dump-dom"], html_file)
