"""The decode-ahead thread: order, errors at their position, bounded, stoppable."""

from __future__ import annotations

import threading
from collections.abc import Iterator

import pytest

from formcheck.frontends.prefetch import Prefetch


def test_yields_every_item_in_order() -> None:
    with Prefetch(iter(range(1000)), depth=3) as items:
        assert list(items) == list(range(1000))


def test_an_error_is_raised_in_the_consumer_after_the_items_before_it() -> None:
    def source() -> Iterator[int]:
        yield 1
        yield 2
        raise ValueError("truncated")

    seen: list[int] = []
    with Prefetch(source()) as items, pytest.raises(ValueError, match="truncated"):
        for x in items:
            seen.append(x)
    assert seen == [1, 2]


def test_runs_at_most_depth_items_ahead() -> None:
    made: list[int] = []
    gate = threading.Event()

    def source() -> Iterator[int]:
        for i in range(100):
            made.append(i)
            yield i

    with Prefetch(source(), depth=2) as items:
        gate.wait(0.3)  # give the thread time to run ahead as far as it may
        # depth items queued, plus one made and waiting to be put
        assert len(made) <= 3
        assert next(iter(items)) == 0


def test_leaving_early_stops_the_thread_and_closes_the_source() -> None:
    closed = threading.Event()

    def source() -> Iterator[int]:
        try:
            i = 0
            while True:
                yield i
                i += 1
        finally:
            closed.set()

    p = Prefetch(source(), depth=2, name="test-prefetch")
    with p as items:
        for x in items:
            if x == 5:
                break
    assert closed.is_set()
    assert not any(t.name == "test-prefetch" for t in threading.enumerate())
