"""Thread priorities: keep helper threads from slowing the pose model's thread.

The front ends overlap decoding, drawing and encoding with the pose model on a few
cores. The model is the critical path, so the helper threads run at a lower priority:
when the cores are busy the model's thread gets one first, and the others use the rest.
"""

from __future__ import annotations

import os
import sys
import threading


def lower_thread_priority(niceness: int = 5) -> None:
    """Raise the calling thread's nice value by ``niceness`` (Linux only; elsewhere, or
    when not permitted, nothing happens). Threads it starts later inherit the value, so
    call it first thing in a thread (before an encoder or decoder starts its own)."""
    if not sys.platform.startswith("linux"):
        return  # elsewhere setpriority(PRIO_PROCESS, ...) would lower the whole process
    try:
        tid = threading.get_native_id()
        os.setpriority(os.PRIO_PROCESS, tid, os.getpriority(os.PRIO_PROCESS, tid) + niceness)
    except (AttributeError, OSError):
        pass
