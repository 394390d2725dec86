"""`run_sync` runs a program function's async core from synchronous code, inside a running loop or not."""

from __future__ import annotations

import asyncio
import threading

import pytest

from redline.program.aio import loop_running, run_sync


async def _where(value: int) -> tuple[int, str, bool]:
    await asyncio.sleep(0)
    return value * 2, threading.current_thread().name, loop_running()


async def _fails() -> None:
    await asyncio.sleep(0)
    raise ValueError("no such release 'chat@9'")


def test_without_a_running_loop_it_runs_in_this_thread() -> None:
    assert not loop_running()
    assert run_sync(_where(2)) == (4, threading.current_thread().name, True)


def test_inside_a_running_loop_it_runs_on_a_loop_of_its_own() -> None:
    async def caller() -> tuple[tuple[int, str, bool], str]:
        assert loop_running()
        return run_sync(_where(3)), threading.current_thread().name

    (value, thread, inner_loop), outer = asyncio.run(caller())
    assert value == 6 and inner_loop and thread != outer and thread.startswith("redline-run-sync")


def test_errors_reach_the_caller_unchanged_in_both_cases() -> None:
    with pytest.raises(ValueError, match="chat@9"):
        run_sync(_fails())

    async def caller() -> None:
        run_sync(_fails())

    with pytest.raises(ValueError, match="chat@9"):
        asyncio.run(caller())
