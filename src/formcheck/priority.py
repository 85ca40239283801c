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
# thread waits on a full queue and its core is theirs (docs/measurements.md, Priorities).
HELPER_NICENESS = 19


def lower_thread_priority(
    niceness: int = HELPER_NICENESS, cpus: frozenset[int] | None = None,
) -> None:
    """Raise the calling thread's nice value by ``niceness``, at most to 19, and with
    ``cpus`` keep it to those CPUs (see :func:`helper_cpus`). Linux only; elsewhere, or
    when not permitted, nothing happens. Threads it starts later inherit both, so call it
    first thing in a thread (before an encoder or decoder starts its own)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere setpriority(PRIO_PROCESS, ...) would lower the whole process
    tid = threading.get_native_id()
    try:
        now = os.getpriority(os.PRIO_PROCESS, tid)
        os.setpriority(os.PRIO_PROCESS, tid, min(19, now + niceness))
    except (AttributeError, OSError):
        pass
    if cpus:
        try:  # on Linux a thread id names the one thread
            os.sched_setaffinity(tid, cpus)
        except (AttributeError, OSError):
            pass


def helper_cpus() -> frozenset[int] | None:
    """The CPUs that helper threads keep to so that one is left to the pose model: all
    this process may use but the lowest-numbered; None with fewer than two (or off
    Linux), when nothing is reserved.

    A lower priority alone leaves the model's thread waiting now and then for a core a
    helper holds (the scheduler moves threads between cores, and wakes the model's
    threads where a helper runs). With the helpers kept off one core, the model always
    finds one free (docs/measurements.md, A core for the model). A 1080p clip's helpers
    need more than the cores left to them: see :class:`ModelCore`. The model itself is a
    chain of steps on one thread at a time: one core is all it uses.
    """
    if not sys.platform.startswith("linux"):
        return None
    try:
        allowed = sorted(os.sched_getaffinity(0))
    except (AttributeError, OSError):
        return None
    return frozenset(allowed[1:]) if len(allowed) >= 2 else None


@contextlib.contextmanager
def gil_handoff(interval_s: float = 0.0002) -> Iterator[None]:
    """Shorten the interpreter's thread switch interval while frames flow.

    When the model's native call returns, its thread needs the GIL back; by default a
    busy Python thread (the roller, the evaluator, the overlay) may keep it for up to
    5 ms, which stalls the critical path every frame (``analyze`` and ``live``); 0.2 ms
    avoids the slow mode longer intervals fall into (docs/measurements.md, The GIL).
    """
    before = sys.getswitchinterval()
    sys.setswitchinterval(min(before, interval_s))
    try:
        yield
    finally:
        sys.setswitchinterval(before)


class ModelCore:
    """One CPU kept for the pose model while the helper threads keep up with it.

    The helpers (decoding, roller and drawing, encoding) start on :attr:`cpus` (see
    :func:`helper_cpus`). When they cannot keep up on the CPUs left to them (a 1080p
    clip's decoding and encoding together take more than one core of two), the model's
    thread ends up waiting for them; after a window of frames in which it waited more
    than ``max_wait`` of its time, every thread may use every CPU again, for the rest of
    the run. The first ``warmup`` frames are not judged: the queues between the stages
    start empty, and each stage's first frames are slow.

    The defaults come from the waits measured on 2 cores (docs/measurements.md, When
    the helpers fall behind).

    Args:
        reserve: keep a CPU for the model at all (False: :attr:`cpus` is None).
        warmup: frames at the start that are not judged.
        window: frames per look at the model thread's waiting.
        max_wait: the share of the model thread's time (0-1) spent waiting for the
            helpers above which the CPU is given back.
    """

    def __init__(self, reserve: bool, warmup: int = 30, window: int = 10,
                 max_wait: float = 0.05) -> None:
        self.cpus = helper_cpus() if reserve else None
        self.warmup = warmup
        self.window = window
        self.max_wait = max_wait
        self.released_at: int | None = None  # the frame after which it was given back
        self.frames = 0
        self._waited = self._spent = 0.0

    def frame(self, waited_s: float, spent_s: float) -> None:
        """Account one frame of the model's thread: the seconds it waited for the helpers
        (for a decoded frame, or for room in a full queue) and its whole time on the
        frame."""
        self.frames += 1
        if self.cpus is None or self.frames <= self.warmup:
            return
        self._waited += waited_s
        self._spent += spent_s
        if (self.frames - self.warmup) % self.window:
            return
        if self._waited > self.max_wait * self._spent:
            self.release()
        self._waited = self._spent = 0.0

    def release(self) -> None:
        """Let every thread of this process use every CPU it may (idempotent)."""
        if self.cpus is None:
            return
        self.cpus = None
        self.released_at = self.frames
        try:
            allowed = os.sched_getaffinity(0)  # this (the model's) thread was never kept
            for tid in os.listdir("/proc/self/task"):
                with contextlib.suppress(OSError):
                    os.sched_setaffinity(int(tid), allowed)
        except (AttributeError, OSError, ValueError):
            pass
