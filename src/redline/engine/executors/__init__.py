"""Executors run a round's cases: local asyncio (the default) or a Ray cluster (imported only when chosen)."""

from __future__ import annotations

from redline.core.errors import UsageError
from redline.engine.executors.base import Executor, Job
from redline.engine.executors.local import LocalExecutor

__all__ = ["Executor", "Job", "LocalExecutor", "make_executor"]

EXECUTORS = ("local", "ray")


def make_executor(name: str, *, address: str | None = None, workers: int | None = None) -> Executor:
    """The executor called `name`; Ray is imported only here, and only for 'ray'."""
    if name == "local":
        if address:
            raise UsageError("--address is only used with --executor ray")
        return LocalExecutor()
    if name == "ray":
        from redline.engine.executors.ray import RayExecutor

        return RayExecutor(address=address, workers=workers)
    raise UsageError(f"unknown executor '{name}'; choose one of: {', '.join(EXECUTORS)}")
