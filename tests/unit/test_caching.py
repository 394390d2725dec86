"""LoadOnce: one make per key across threads, no waiting on other keys, failures and stale values retried."""

from __future__ import annotations

import os
import sys
import threading
import time
from concurrent.futures import ThreadPoolExecutor

import pytest

from redline.caching import LoadOnce


def test_threads_asking_at_once_share_one_make() -> None:
    cache: LoadOnce[str, object] = LoadOnce()
    made: list[object] = []

    def make() -> object:
        time.sleep(0.05)  # long enough for every thread to be waiting
        made.append(object())
        return made[-1]

    with ThreadPoolExecutor(max_workers=8) as pool:
        got = list(pool.map(lambda _: cache.get("model", make), range(8)))
    assert len(made) == 1 and all(g is made[0] for g in got)


def test_a_slow_load_does_not_hold_up_another_key() -> None:
    cache: LoadOnce[str, str] = LoadOnce()
    release = threading.Event()
    slow = threading.Thread(target=lambda: cache.get("slow", lambda: "x" if release.wait(5) else "late"))
    slow.start()
    time.sleep(0.05)
    try:
        assert cache.get("fast", lambda: "fast") == "fast"
        assert slow.is_alive()  # still loading while the other key was served
    finally:
        release.set()
        slow.join()
    assert cache.get("slow", lambda: "again") == "x"


def test_a_failed_make_leaves_nothing_and_a_stale_value_is_made_again() -> None:
    cache: LoadOnce[int, list[bool]] = LoadOnce(stale=lambda value: value[0])

    def broken() -> list[bool]:
        raise RuntimeError("weights missing")

    with pytest.raises(RuntimeError, match="weights missing"):
        cache.get(1, broken)
    first = cache.get(1, lambda: [False])
    assert cache.get(1, lambda: [False]) is first
    first[0] = True  # closed, say
    again = cache.get(1, lambda: [False])
    assert again is not first
    assert cache.drain() == [again] and cache.get(1, lambda: [True, True]) == [True, True]


def test_none_is_a_value_like_any_other() -> None:
    cache: LoadOnce[str, None] = LoadOnce()
    calls: list[int] = []
    for _ in range(3):
        cache.get("k", lambda: calls.append(1))
    assert calls == [1]


@pytest.mark.skipif(not hasattr(os, "fork") or sys.platform == "darwin", reason="needs fork")
def test_a_forked_child_forgets_what_it_was_asked_to() -> None:
    workers: LoadOnce[str, str] = LoadOnce(forget_after_fork=True)
    models: LoadOnce[str, str] = LoadOnce()
    workers.get("w", lambda: "parent's worker")
    models.get("m", lambda: "model")
    pid = os.fork()
    if pid == 0:  # the child: exit status says what it saw
        ok = workers.get("w", lambda: "child's worker") == "child's worker"
        ok = ok and models.get("m", lambda: "reloaded") == "model"
        os._exit(0 if ok else 1)
    _, status = os.waitpid(pid, 0)
    assert os.waitstatus_to_exitcode(status) == 0
    assert workers.get("w", lambda: "other") == "parent's worker"
