"""One way for the synchronous program API to run its async core, with or without a running event loop.

Program functions that talk to models or targets have an async core (`..._async`) that the web server
and notebooks await, and a synchronous wrapper for the CLI that calls `run_sync`. With no event loop
running in this thread, `run_sync` runs the coroutine with `asyncio.run`; inside a running loop (a
notebook cell, a server handler) `asyncio.run` would refuse, so it runs the coroutine on its own loop in
a worker thread and waits for it. Waiting blocks the caller's loop, so code that has a loop should
await the async form instead.
"""

from __future__ import annotations

import asyncio
import contextvars
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

T = TypeVar("T")


def loop_running() -> bool:
    """Whether an event loop is running in this thread."""
    try:
        asyncio.get_running_loop()
    except RuntimeError:
        return False
    return True


def run_sync(coro: Coroutine[Any, Any, T]) -> T:
    """Run `coro` to completion and return its result (or raise its exception), from any caller."""
    if not loop_running():
        return asyncio.run(coro)
    context = contextvars.copy_context()
    with ThreadPoolExecutor(max_workers=1, thread_name_prefix="redline-run-sync") as pool:
        return pool.submit(context.run, asyncio.run, coro).result()
