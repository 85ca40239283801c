"""The landmarker's native calls run on the calling thread, one at a time, and a frame
made ready ahead (``prepare``, on another thread) gives the same pose as the frame itself."""

from __future__ import annotations

import threading
from pathlib import Path

import numpy as np
import pytest

from formcheck.pose.landmarker import Mode, PoseLandmarker, _OnCallerThread


def test_calls_run_on_the_calling_thread_and_errors_come_back() -> None:
    # given
    executor = _OnCallerThread()
    # when
    where = executor.submit(threading.get_ident).result()
    failed = executor.submit(int, "not a number")
    # then
    assert where == threading.get_ident()
    with pytest.raises(ValueError):
        failed.result()


def test_calls_from_two_threads_never_overlap() -> None:
    # given
    executor = _OnCallerThread()
    inside, overlaps = [0], [0]

    def call() -> None:
        inside[0] += 1
        overlaps[0] += inside[0] > 1
        threading.Event().wait(0.001)
        inside[0] -= 1

    def hammer() -> None:
        for _ in range(50):
            executor.submit(call).result()

    threads = [threading.Thread(target=hammer) for _ in range(3)]
    # when
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    # then
    assert overlaps[0] == 0


def test_the_landmarker_starts_no_dispatch_thread(model_path: Path) -> None:
    from formcheck.scenes import iter_scene

    image, _truth = next(iter(iter_scene("good", (640, 360), seconds=0.1, seed=1)))
    before = {t.ident for t in threading.enumerate()}
    with PoseLandmarker(model_path, Mode.VIDEO) as lm:
        frame = lm.detect(image, 0.0, 0)
        started = [t.name for t in threading.enumerate() if t.ident not in before]
    assert frame.pose is not None
    assert started == []


def test_a_prepared_frame_gives_the_same_pose(model_path: Path) -> None:
    from formcheck.scenes import iter_scene

    image, _truth = next(iter(iter_scene("good", (1280, 720), seconds=0.1, seed=3)))
    with PoseLandmarker(model_path, Mode.IMAGE, segmentation=True, max_side=640) as lm:
        ready = lm.prepare(image)
        direct = lm.detect(image)
        made_ahead = lm.detect(ready)
    assert (ready.width, ready.height) == (1280, 720)
    assert ready.rgb.shape == (360, 640, 3)
    assert direct.pose is not None and made_ahead.pose is not None
    assert (made_ahead.width, made_ahead.height) == (1280, 720)
    np.testing.assert_allclose(made_ahead.pose.xy, direct.pose.xy, atol=1e-6)
    assert made_ahead.mask is not None and made_ahead.mask.shape == (360, 640)
