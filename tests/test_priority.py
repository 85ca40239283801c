"""Helper threads yield the cores to the model's thread (Linux: per-thread nice)."""

from __future__ import annotations

import os
import sys
import threading
from collections.abc import Callable

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


linux_2_cpus = pytest.mark.skipif(
    not sys.platform.startswith("linux") or len(os.sched_getaffinity(0)) < 2,
    reason="thread affinity is Linux's; keeping a CPU needs two",
)


def _in_thread(fn: Callable[[], object]) -> object:
    """Run ``fn`` on a fresh thread (affinity and niceness stay there); return its value."""
    out: list[object] = []
    t = threading.Thread(target=lambda: out.append(fn()))
    t.start()
    t.join()
    return out[0]


@linux_2_cpus
def test_helpers_get_every_allowed_cpu_but_the_lowest() -> None:
    from formcheck.priority import helper_cpus

    allowed = sorted(os.sched_getaffinity(0))
    assert helper_cpus() == frozenset(allowed[1:])

    def on_one_cpu() -> object:
        os.sched_setaffinity(0, {allowed[-1]})  # this thread only
        return helper_cpus()

    assert _in_thread(on_one_cpu) is None  # nothing left to keep


@linux_2_cpus
def test_a_kept_helper_thread_runs_only_on_its_cpus() -> None:
    allowed = os.sched_getaffinity(0)
    keep = frozenset(sorted(allowed)[1:])

    def helper() -> object:
        lower_thread_priority(0, keep)
        return os.sched_getaffinity(0)

    assert _in_thread(helper) == keep
    assert os.sched_getaffinity(0) == allowed  # the caller's own thread is untouched


@linux_2_cpus
def test_the_model_core_is_given_back_when_the_model_waits_on_the_helpers() -> None:
    from formcheck.priority import ModelCore

    allowed = os.sched_getaffinity(0)
    core = ModelCore(True, warmup=10, window=10, max_wait=0.05)
    assert core.cpus == frozenset(sorted(allowed)[1:])
    kept = threading.Event()
    done = threading.Event()
    seen: list[set[int]] = []

    def helper() -> None:
        lower_thread_priority(0, core.cpus)
        kept.set()
        done.wait(5)
        seen.append(os.sched_getaffinity(0))

    t = threading.Thread(target=helper)
    t.start()
    kept.wait(5)
    for _ in range(10):  # the warm-up: the queues fill, not judged
        core.frame(0.5, 1.0)
    assert core.cpus is not None and core.released_at is None
    for _ in range(10):  # waited 1% of the time: the helpers keep up
        core.frame(0.01, 1.0)
    assert core.cpus is not None
    for _ in range(9):
        core.frame(0.2, 1.0)
    assert core.cpus is not None  # judged only at the end of a window
    core.frame(0.2, 1.0)
    assert core.cpus is None and core.released_at == 30
    done.set()
    t.join()
    assert seen == [allowed]


def test_no_core_is_kept_when_not_asked() -> None:
    from formcheck.priority import ModelCore

    core = ModelCore(False, warmup=0, window=2)
    for _ in range(6):
        core.frame(1.0, 1.0)
    assert core.cpus is None and core.released_at is None and core.frames == 6
