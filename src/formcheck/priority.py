"""Thread priorities and GIL hand-offs: keep helper threads from slowing the pose model's
thread.

The front ends overlap decoding, drawing and encoding with the pose model on a few
cores. The model is the critical path, so the helper threads run at a lower priority:
when the cores are busy the model's thread gets one first, and the others use the rest.
"""

from __future__ import annotations

import contextlib
import os
import sys
import threading
from collections.abc import Iterator

# How far helper threads (decoder, roller/evaluator/overlay worker, encoder) are lowered:
# to the bottom. They only need the core the model's thread leaves them, and the bounded
# queues between the stages keep them from falling behind: when they lag, the model's
# thread waits on a full queue and its core is theirs. Measured with analyze --fps 0
# against nice 5, alternating runs on 2 cores: the demo clip (854x480) 59.7 -> 60.8
# frames/s (medians of 4), glute-bridge.mp4 (960x540) 60.2 -> 61.6 (medians of 5), the
# model's own time per frame ~0.5 ms less; grade with 1 and 2 workers unchanged.
HELPER_NICENESS = 19


def lower_thread_priority(niceness: int = HELPER_NICENESS) -> None:
    """Raise the calling thread's nice value by ``niceness``, at most to 19 (Linux only;
    elsewhere, or when not permitted, nothing happens). Threads it starts later inherit
    the value, so call it first thing in a thread (before an encoder or decoder starts
    its own)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere setpriority(PRIO_PROCESS, ...) would lower the whole process
    try:
        tid = threading.get_native_id()
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + niceness))
    except (AttributeError, OSError):
        pass


@contextlib.contextmanager
def gil_handoff(interval_s: float = 0.0002) -> Iterator[None]:
    """Shorten the interpreter's thread switch interval while frames flow.

    When the model's native call returns, its thread needs the GIL back; by default a
    busy Python thread (the roller, the evaluator, the overlay) may keep it for up to
    5 ms, which stalls the critical path every frame (``analyze`` and ``live``).
    Measured on a real clip (glute-bridge.mp4, 2 cores), analyze against the plain
    loop in one process: at 1 ms two of three processes fell into a slow mode for all
    their runs (1.6-1.7x the plain loop's time, against 1.15x); at 0.2 ms none of three
    did (1.08-1.09x). ``live`` at the default 5 ms showed the same slow mode.
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, interval_s))
    try:
        yield
    finally:
        sys.setswitchinterval(before)
