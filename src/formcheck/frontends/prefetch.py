"""Run an iterator on its own thread, a bounded number of items ahead of its consumer.

Used to decode (and scale) video frames while the pose model works on the previous one:
OpenCV's decoder and the model both release the GIL, so on two cores the two overlap.
"""

from __future__ import annotations

import queue
import threading
from collections.abc import Iterator
from typing import Generic, TypeVar

from formcheck.closing import Closing
from formcheck.priority import lower_thread_priority

T = TypeVar("T")

_ITEM, _END, _ERROR = 0, 1, 2


class Prefetch(Closing, Generic[T]):
    """Iterate ``source`` on a background thread, at most ``depth`` items ahead.

    Iterating a ``Prefetch`` yields the source's items in order; an exception raised by
    the source is raised again in the consumer at the same position. Use it as a context
    manager: leaving the block stops the thread and waits for it, so the source can be
    closed safely afterwards (e.g. a video capture must not be released mid-read).

    Args:
        source: the iterator to run ahead (it is closed on the background thread when
            it has a ``close`` method, as generators do).
        depth: how many items may wait in the queue; memory is bounded by it.
        name: the thread's name (shows in debuggers and tracebacks).
        niceness: how much to lower the thread's priority (0: not at all), so that it
            yields the cores to the thread that consumes the items.
        cpus: the CPUs the thread keeps to (None: any; see
            :func:`~formcheck.priority.helper_cpus`).
    """

    def __init__(
        self, source: Iterator[T], depth: int = 4, name: str = "prefetch", niceness: int = 0,
        cpus: frozenset[int] | None = None,
    ) -> None:
        self._niceness = niceness
        self._cpus = cpus
        self._queue: queue.Queue[tuple[int, object]] = queue.Queue(maxsize=max(1, depth))
        self._stop = threading.Event()
        self._thread = threading.Thread(
            target=self._run, args=(source,), name=name, daemon=True
        )
        self._thread.start()

    def _run(self, source: Iterator[T]) -> None:
        if self._niceness or self._cpus:
            lower_thread_priority(self._niceness, self._cpus)
        try:
            for item in source:
                if not self._put(_ITEM, item):
                    break
            else:
                self._put(_END, None)
        except BaseException as err:  # handed to the consumer, raised there
            self._put(_ERROR, err)
        finally:
            close = getattr(source, "close", None)
            if callable(close):
                close()

    def _put(self, kind: int, value: object) -> bool:
        """Queue an entry; False when the consumer has stopped listening."""
        while not self._stop.is_set():
            try:
                self._queue.put((kind, value), timeout=0.1)
                return True
            except queue.Full:
                continue
        return False

    def __iter__(self) -> Iterator[T]:
        while True:
            kind, value = self._queue.get()
            if kind == _END:
                return
            if kind == _ERROR:
                assert isinstance(value, BaseException)
                raise value
            yield value  # type: ignore[misc]

    def close(self) -> None:
        """Stop the background thread and wait for it (idempotent)."""
        self._stop.set()
        while self._thread.is_alive():
            try:  # make room, in case it waits to put
                self._queue.get_nowait()
            except queue.Empty:
                self._thread.join(timeout=0.05)
