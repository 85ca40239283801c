"""The capture thread: newest frame only, pacing of files, a camera lost and found."""

from __future__ import annotations

import itertools
import time
from collections.abc import Iterator

import numpy as np
import pytest

from formcheck.errors import CameraError
from formcheck.frontends.live_capture import CaptureState, LatestFrameReader
from formcheck.source import FrameSource, SourceKind, VideoFrame


class FakeSource(FrameSource):
    """``n`` frames (pixel value = frame number), ``period_s`` apart; then it stops."""

    def __init__(self, n: int, *, kind: SourceKind = SourceKind.CAMERA, period_s: float = 0.0,
                 fps: float = 30.0, fail_with: Exception | None = None) -> None:
        self.n, self.kind, self.period_s, self._fps = n, kind, period_s, fps
        self.fail_with = fail_with
        self.name = "fake"
        self.closed = False

    @property
    def fps(self) -> float:
        return self._fps

    @property
    def size(self) -> tuple[int, int]:
        return (8, 6)

    def __iter__(self) -> Iterator[VideoFrame]:
        for i in range(self.n):
            if self.period_s:
                time.sleep(self.period_s)
            yield VideoFrame(i, i * 1000.0 / self._fps, np.full((6, 8, 3), i % 256, np.uint8))
        if self.fail_with is not None:
            raise self.fail_with

    def close(self) -> None:
        self.closed = True


def _drain(reader: LatestFrameReader, limit_s: float = 5.0) -> list[int]:
    seen: list[int] = []
    end = time.monotonic() + limit_s
    while time.monotonic() < end and not reader.ended:
        item = reader.get(timeout=0.05)
        if item is not None:
            seen.append(int(item.frame.image[0, 0, 0]))
    return seen


def test_slow_consumer_gets_the_newest_frame_and_drops_the_rest() -> None:
    # given: a camera delivering 60 frames quickly
    reader = LatestFrameReader(lambda: FakeSource(60, period_s=0.002)).start()
    try:
        time.sleep(0.3)  # the loop is busy (a slow model)
        item = reader.get(timeout=1.0)
        # then: the newest frame, with its capture time; older ones were dropped
        assert item is not None and int(item.frame.image[0, 0, 0]) == 59
        assert item.captured_at <= time.perf_counter()
        assert reader.dropped == 59 and reader.captured == 60
    finally:
        reader.stop()


def test_file_is_paced_at_its_frame_rate_and_ends() -> None:
    # given: a 'video file' of 15 frames at 30 fps (0.5 s)
    reader = LatestFrameReader(lambda: FakeSource(15, kind=SourceKind.VIDEO, fps=30.0),
                               pace=True).start()
    t0 = time.perf_counter()
    seen = _drain(reader)
    elapsed = time.perf_counter() - t0
    reader.stop()
    # then: released over about half a second, every frame taken by a fast consumer
    assert 0.4 < elapsed < 2.0
    assert seen[-1] == 14 and len(seen) >= 12
    assert reader.state is CaptureState.ENDED


def test_lossless_unpaced_hands_over_every_frame() -> None:
    reader = LatestFrameReader(lambda: FakeSource(50, kind=SourceKind.VIDEO), pace=False,
                               lossless=True).start()
    seen = _drain(reader)
    reader.stop()
    assert seen == list(range(50)) and reader.dropped == 0


def test_timestamps_strictly_increase_across_reconnects() -> None:
    opened: list[FakeSource] = []

    def opener() -> FakeSource:
        opened.append(FakeSource(5))
        return opened[-1]

    reader = LatestFrameReader(opener, reconnect=True, retry_s=0.05).start()
    stamps: list[float] = []
    end = time.monotonic() + 2.0
    while time.monotonic() < end and len(opened) < 3:
        item = reader.get(timeout=0.05)
        if item is not None:
            stamps.append(item.frame.t_ms)
    reader.stop()
    assert len(stamps) >= 2 and all(b > a for a, b in itertools.pairwise(stamps))


def test_camera_lost_mid_session_is_reported_retried_and_recovered() -> None:
    # given: a camera that delivers 10 frames then fails; reopening fails twice, then works
    attempts: list[str] = []

    def opener() -> FrameSource:
        attempts.append("open")
        if len(attempts) == 1:
            return FakeSource(10, period_s=0.005, fail_with=OSError("device unplugged"))
        if len(attempts) in (2, 3):
            raise CameraError("camera 0 cannot be opened")
        return FakeSource(1000, period_s=0.01)

    reader = LatestFrameReader(opener, reconnect=True, retry_s=0.1).start()
    try:
        states: list[CaptureState] = []
        end = time.monotonic() + 5.0
        got_after = 0
        while time.monotonic() < end:
            item = reader.get(timeout=0.02)
            states.append(reader.state)
            if CaptureState.LOST in states and item is not None:
                got_after += 1
                if got_after >= 3:
                    break
        # then: lost, retried about every 0.1 s, back in service
        assert CaptureState.LOST in states
        assert len(attempts) >= 4 and reader.reconnects == 1
        assert got_after >= 3 and reader.state is CaptureState.OK
    finally:
        reader.stop()


def test_opening_errors_reach_the_caller() -> None:
    def opener() -> FrameSource:
        raise CameraError("camera 7 cannot be opened: try another camera index")

    with pytest.raises(CameraError):
        LatestFrameReader(opener).start()
