"""A Rich progress bar fed by engine events: rate, ETA, errors and cache hits, on stderr."""

from __future__ import annotations

from types import TracebackType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from rich.progress import Progress, TaskID

    from redline.engine.events import ProgressEvent


class ProgressBar:
    """Context manager whose `update` is an engine `EventSink`; shows nothing when disabled."""

    def __init__(self, *, enabled: bool, total: int | None, label: str = "round") -> None:
        self.enabled = enabled
        self.total = total
        self.label = label
        self._progress: Progress | None = None
        self._task: TaskID | None = None

    def __enter__(self) -> ProgressBar:
        if not self.enabled:
            return self
        from rich.console import Console
        from rich.progress import (
            BarColumn,
            MofNCompleteColumn,
            Progress,
            TextColumn,
            TimeRemainingColumn,
        )

        self._progress = Progress(
            TextColumn("{task.description}"),
            BarColumn(bar_width=24),
            MofNCompleteColumn(),
            TextColumn("{task.fields[rate]:>6.1f}/s eta"),
            TimeRemainingColumn(),
            TextColumn("errors {task.fields[errors]}  cached {task.fields[cached]}  {task.fields[note]}"),
            console=Console(stderr=True),
            transient=False,
        )
        self._progress.start()
        self._task = self._progress.add_task(
            self.label, total=self.total, rate=0.0, errors=0, cached=0, note=""
        )
        return self

    def update(self, event: ProgressEvent) -> None:
        """Show an event's counters."""
        if self._progress is None or self._task is None:
            return
        snap = event.snapshot
        done = snap.cases_done + snap.cases_skipped
        elapsed = max(snap.elapsed_s, 1e-6)
        note = f"limit {snap.concurrency_limit}" if snap.rate_limited else ""
        if event.message and event.kind.value != "progress":
            note = event.message
        self._progress.update(
            self._task,
            completed=done,
            total=snap.cases_total or self.total,
            description=self.label,
            rate=snap.cases_done / elapsed,
            errors=snap.error_count,
            cached=snap.cached,
            note=note,
        )

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self._progress is not None:
            self._progress.stop()
