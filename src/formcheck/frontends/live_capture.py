"""Capture for ``live``: a reader thread that keeps only the newest frame.

When the model is slower than the camera, processing every frame would make the
picture lag further and further behind; instead the reader overwrites a one-slot
buffer and the loop always takes the newest frame (older ones are dropped and
counted). Each frame carries its capture time (``time.perf_counter()``) so the loop
can measure the latency from capture to display.

A video file given with ``--source`` plays as if it were a camera: frames are released
at the file's frame rate (``pace``) and the reader ends at the end of the file. For
benchmarks, ``pace=False, lossless=True`` hands over every frame as fast as the loop
takes them.

A camera that stops delivering frames mid-session is reported as ``LOST``; the reader
closes it and tries to open it again every ``retry_s`` until it is back (``OK``) or
the reader is stopped. The session loop keeps its state meanwhile.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum

from formcheck.errors import FormcheckError
from formcheck.source import FrameSource, SourceKind, VideoFrame


class CaptureState(StrEnum):
    """What the reader is doing."""

    OK = "ok"
    LOST = "lost"  # the camera stopped delivering; reconnecting
    ENDED = "ended"  # end of the file (or stopped)


@dataclass(frozen=True, slots=True)
class Captured:
    """A frame as captured.

    Attributes:
        frame: the frame; its ``t_ms`` is the file's timestamp for a video file and the
            time since the reader started for a camera (monotonic across reconnects).
        captured_at: ``time.perf_counter()`` when the frame was captured (released).
        seq: number of frames captured before this one.
    """

    frame: VideoFrame
    captured_at: float
    seq: int


class LatestFrameReader:
    """Reads a source on a thread, keeping only the newest frame.

    Args:
        opener: opens the source (called again to reconnect a lost camera). The first
            call happens in :meth:`start`, in the caller's thread, so that its errors
            (a missing camera) reach the caller.
        pace: release a video file's frames at its frame rate (as a camera would).
        lossless: wait for the loop to take each frame instead of dropping it (benchmarks).
        reconnect: reopen the source when it stops delivering; without it the end of the
            frames is the end of the source. None: reconnect cameras only.
        retry_s: seconds between reconnection attempts.
        clock, sleep: injectable for tests.
    """

    def __init__(
        self,
        opener: Callable[[], FrameSource],
        *,
        pace: bool = True,
        lossless: bool = False,
        reconnect: bool | None = False,
        retry_s: float = 1.0,
        clock: Callable[[], float] = time.perf_counter,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self._opener = opener
        self.pace = pace
        self.lossless = lossless
        self.reconnect = bool(reconnect)
        self._reconnect_cameras = reconnect is None
        self.retry_s = retry_s
        self._clock = clock
        self._sleep = sleep
        self._cond = threading.Condition()
        self._slot: Captured | None = None
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.state = CaptureState.OK
        self.source: FrameSource | None = None
        self.captured = 0
        self.dropped = 0
        self.reconnects = 0
        self.error: BaseException | None = None
        self.fps = 30.0
        self.size = (0, 0)
        self.kind = SourceKind.CAMERA
        self._t0 = 0.0

    # ------------------------------------------------------------------ control
    def start(self) -> LatestFrameReader:
        """Open the source (errors propagate) and start the reader thread."""
        source = self._opener()
        self.source = source
        self.fps, self.size, self.kind = source.fps, source.size, source.kind
        if self._reconnect_cameras:
            self.reconnect = source.kind is SourceKind.CAMERA
        self._t0 = self._clock()
        self._thread = threading.Thread(target=self._run, name="capture", daemon=True)
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop reading and release the source."""
        self._stop.set()
        with self._cond:
            self._cond.notify_all()
        if self._thread is not None:
            self._thread.join(timeout=5.0)
        src, self.source = self.source, None
        if src is not None:
            src.close()

    def __enter__(self) -> LatestFrameReader:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # ------------------------------------------------------------------ consuming
    def get(self, timeout: float = 0.1) -> Captured | None:
        """The newest frame not yet taken, waiting up to ``timeout`` s; None if none came
        (the source is lost or ended, or the next frame is not due yet)."""
        with self._cond:
            if self._slot is None and self.state is not CaptureState.ENDED:
                self._cond.wait_for(
                    lambda: self._slot is not None or self.state is CaptureState.ENDED,
                    timeout,
                )
            item, self._slot = self._slot, None
            if item is not None:
                self._cond.notify_all()
            return item

    @property
    def ended(self) -> bool:
        """True once the source has ended and its last frame was taken."""
        with self._cond:
            return self.state is CaptureState.ENDED and self._slot is None

    # ------------------------------------------------------------------ the thread
    def _publish(self, frame: VideoFrame) -> None:
        with self._cond:
            if self.lossless:
                self._cond.wait_for(lambda: self._slot is None or self._stop.is_set())
            if self._slot is not None:
                self.dropped += 1
            self._slot = Captured(frame, self._clock(), self.captured)
            self.captured += 1
            self._cond.notify_all()

    def _set_state(self, state: CaptureState) -> None:
        with self._cond:
            self.state = state
            self._cond.notify_all()

    def _frames(self, source: FrameSource) -> Iterator[VideoFrame]:
        """The source's frames, paced and re-timed."""
        file_like = source.kind is not SourceKind.CAMERA
        start: float | None = None
        first_t = 0.0
        for vf in source:
            if self._stop.is_set():
                return
            if file_like:
                if start is None:
                    start, first_t = self._clock(), vf.t_ms
                if self.pace:
                    due = start + (vf.t_ms - first_t) / 1000.0
                    delay = due - self._clock()
                    if delay > 0:
                        self._sleep(delay)
                yield vf
            else:
                t_ms = (self._clock() - self._t0) * 1000.0
                yield VideoFrame(vf.index, t_ms, vf.image)

    def _run(self) -> None:
        source = self.source
        last_t = -1.0
        index = 0
        try:
            while not self._stop.is_set():
                if source is not None:
                    try:
                        for vf in self._frames(source):
                            t_ms = vf.t_ms if vf.t_ms > last_t else last_t + 1.0
                            last_t = t_ms
                            if self.state is not CaptureState.OK:
                                self._set_state(CaptureState.OK)
                            self._publish(VideoFrame(index, t_ms, vf.image))
                            index += 1
                            if self._stop.is_set():
                                return
                    except FormcheckError as err:
                        if not self.reconnect:
                            self.error = err
                            return
                    except Exception as err:  # a driver error mid-stream
                        if not self.reconnect:
                            self.error = err
                            return
                    if not self.reconnect:
                        return
                    # The camera stopped delivering: close it, then try again.
                    self._set_state(CaptureState.LOST)
                    source.close()
                    source = None
                    self.source = None
                if self._stop.wait(self.retry_s):
                    return
                try:
                    source = self._opener()
                except Exception:  # still gone; keep trying
                    source = None
                    continue
                self.source = source
                self.reconnects += 1
        finally:
            self._set_state(CaptureState.ENDED)
