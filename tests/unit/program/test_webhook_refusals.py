"""Refused tracker webhook calls are counted per tracker and audited at most once a window."""

from __future__ import annotations

from redline.program.channels.trackers import RefusalLog


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_the_first_refusal_is_recorded_then_at_most_one_record_a_window_with_the_count() -> None:
    clock = Clock()
    log = RefusalLog(every_s=60.0, clock=clock)
    assert log.count("gh") == 1
    assert [log.count("gh") for _ in range(5)] == [0, 0, 0, 0, 0]
    assert log.count("gl") == 1  # each tracker has its own window
    clock.now += 59.9
    assert log.count("gh") == 0
    clock.now += 0.2
    assert log.count("gh") == 7  # the six held back and this one
    assert log.count("gh") == 0
    clock.now += 600
    assert log.count("gh") == 2
