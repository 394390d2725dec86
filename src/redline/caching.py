"""Process-wide caches of things costly to make (models, worker processes): each made at most once.

Every model cache of Redline (llama.cpp workers, white-box models, the embedder, the NER analyser)
is a `LoadOnce`: a value is made once per key even when threads ask for it at the same time, a thread
asking for one key never waits for another key's load, and a failed load leaves nothing behind, so the
next request tries again.
"""

from __future__ import annotations

import os
import threading
import weakref
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar, cast

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")


class LoadOnce(Generic[K, V]):
    """Values by key, each made at most once per process by the `make` given with the first request."""

    def __init__(self, *, stale: Callable[[V], bool] | None = None, forget_after_fork: bool = False) -> None:
        """`stale(value)` true makes the next request make it again; `forget_after_fork` drops every value
        in a forked child (a worker process belongs to its parent), whose locks are always fresh."""
        self._stale = stale
        self._forget_after_fork = forget_after_fork
        self._values: dict[K, V] = {}
        self._lock = threading.Lock()
        self._key_locks: dict[K, threading.Lock] = {}
        if hasattr(os, "register_at_fork"):
            ref = weakref.ref(self)
            os.register_at_fork(after_in_child=lambda: _after_fork(ref))

    def _found(self, key: K) -> tuple[bool, V | None]:
        with self._lock:
            if key in self._values:
                value = self._values[key]
                if self._stale is None or not self._stale(value):
                    return True, value
            return False, None

    def get(self, key: K, make: Callable[[], V]) -> V:
        """The value of `key`, made by `make()` if there is none yet (or it went stale)."""
        hit, value = self._found(key)
        if hit:
            return cast(V, value)  # present, so a V (which may itself be None)
        with self._lock:
            key_lock = self._key_locks.setdefault(key, threading.Lock())
        with key_lock:
            hit, value = self._found(key)  # another thread may have made it while this one waited
            if hit:
                return cast(V, value)
            made = make()
            with self._lock:
                self._values[key] = made
            return made

    def drain(self) -> list[V]:
        """Forget every value and return them (to close them); later requests make new ones."""
        with self._lock:
            values = list(self._values.values())
            self._values.clear()
            return values

    def _reset_in_child(self) -> None:
        self._lock = threading.Lock()
        self._key_locks = {}
        if self._forget_after_fork:
            self._values.clear()


def _after_fork(ref: weakref.ReferenceType[LoadOnce[K, V]]) -> None:
    cache = ref()
    if cache is not None:
        cache._reset_in_child()
