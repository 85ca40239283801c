"""Helper threads yield the cores to the model's thread (Linux: per-thread nice)."""

from __future__ import annotations

import os
import sys
import threading

import pytest

from formcheck.priority import lower_thread_priority


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="per-thread nice is Linux's")
def test_only_the_calling_thread_is_lowered() -> None:
    before = os.getpriority(os.PRIO_PROCESS, threading.get_native_id())
    seen: list[int] = []

    def helper() -> None:
        lower_thread_priority(3)
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    t = threading.Thread(target=helper)
    t.start()
    t.join()
    assert seen == [min(before + 3, 19)]
    assert os.getpriority(os.PRIO_PROCESS, threading.get_native_id()) == before


def test_the_switch_interval_is_short_only_while_frames_flow() -> None:
    import formcheck.priority as priority

    before = sys.getswitchinterval()
    with priority.gil_handoff(0.0002):
        inside = sys.getswitchinterval()
    assert inside == pytest.approx(min(before, 0.0002))
    assert sys.getswitchinterval() == before
    with pytest.raises(RuntimeError), priority.gil_handoff(0.0002):
        raise RuntimeError("a run that fails")
    assert sys.getswitchinterval() == before
