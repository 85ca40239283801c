"""An H.264 MP4 writer that browsers play (PyAV + libx264), on a worker thread.

OpenCV's pip wheels cannot write H.264; PyAV ships FFmpeg with libx264. Frames are
handed to a bounded queue and encoded on a thread (libx264 releases the GIL), so
encoding overlaps the next frame's pose estimation. The file appears at its path only
when complete (written under a temporary name, renamed on success).
"""

from __future__ import annotations

import os
import queue
import tempfile
import threading
import time
from fractions import Fraction
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.errors import OutputError
from formcheck.priority import lower_thread_priority
from formcheck.sinks.atomic import commit, prepare_output_dir, real_target

_STOP = object()


def even_size(width: int, height: int, max_height: int | None) -> tuple[int, int]:
    """Output size: scaled down to ``max_height`` (px) if taller, both sides even."""
    if max_height is not None and height > max_height:
        width = round(width * max_height / height)
        height = max_height
    return width - width % 2, height - height % 2


class H264Writer:
    """Writes BGR frames to an H.264 MP4 (yuv420p, faststart) at ``path``.

    Args:
        path: the final .mp4 path.
        fps: frame rate of the output, frames per second (may be fractional).
        size: (width, height) of the frames given to :meth:`write`, px (even numbers).
        crf: x264 quality (lower is better; 23 is x264's default).
        preset: x264 speed preset; ``ultrafast`` keeps the encoder from competing with the
            pose model for the CPU (files are larger; the overlay's flat colours compress
            well anyway).
        queue_size: frames buffered for the encoder thread (bounded memory).
        cpus: the CPUs the encoder thread keeps to (None: any; see
            :func:`~formcheck.priority.helper_cpus`).
    """

    def __init__(
        self,
        path: Path,
        fps: float,
        size: tuple[int, int],
        *,
        crf: int = 23,
        preset: str = "ultrafast",
        queue_size: int = 8,
        cpus: frozenset[int] | None = None,
    ) -> None:
        import av

        self.path = path
        self.size = size
        self.encode_s = 0.0  # time the encoder thread spent, s
        real = real_target(path)  # beside the file a symbolic link names: one rename
        prepare_output_dir(real.parent)
        fd, name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.", suffix=".part.mp4")
        os.close(fd)
        self._tmp = Path(name)
        rate = Fraction(fps).limit_denominator(1001)
        try:
            self._container: Any = av.open(
                str(self._tmp), "w", format="mp4", options={"movflags": "+faststart"}
            )
            stream = self._container.add_stream("libx264", rate=rate)
            stream.width, stream.height = size
            stream.pix_fmt = "yuv420p"
            stream.options = {"crf": str(crf), "preset": preset}
            # One encoder thread: it runs beside the pose model at a lower priority, and
            # x264's own threads would only add switching on a few cores.
            stream.codec_context.thread_count = 1
            stream.codec_context.time_base = 1 / rate
            self._stream: Any = stream
        except Exception as err:  # PyAV raises its own error types
            self._tmp.unlink(missing_ok=True)
            raise OutputError(f"{path}: cannot start the H.264 encoder ({err})") from err
        from formcheck.lazy import cv2

        self._cv2 = cv2()
        self._queue: queue.Queue[object] = queue.Queue(maxsize=queue_size)
        self._error: BaseException | None = None
        self._count = 0
        self._cpus = cpus
        self._thread = threading.Thread(target=self._run, name="h264-writer", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        import av

        lower_thread_priority(cpus=self._cpus)
        while True:
            item = self._queue.get()
            if item is _STOP:
                break
            if self._error is not None:
                continue
            try:
                t0 = time.perf_counter()
                # OpenCV's BGR -> I420 conversion is several times faster than swscale's.
                yuv = self._cv2.cvtColor(item, self._cv2.COLOR_BGR2YUV_I420)
                frame = av.VideoFrame.from_ndarray(yuv, format="yuv420p")
                frame.pts = self._count
                self._count += 1
                for packet in self._stream.encode(frame):
                    self._container.mux(packet)
                self.encode_s += time.perf_counter() - t0
            except Exception as err:
                self._error = err

    def write(self, image: NDArray[np.uint8]) -> None:
        """Queue one BGR frame of exactly ``size``; blocks while the queue is full."""
        if self._error is not None:
            raise OutputError(f"{self.path}: encoding failed ({self._error})")
        if image.shape[1] != self.size[0] or image.shape[0] != self.size[1]:
            raise ValueError(f"frame is {image.shape[1]}x{image.shape[0]}, expected {self.size}")
        self._queue.put(image)

    def close(self, keep: bool = True) -> None:
        """Finish encoding; with ``keep`` move the file into place, else discard it."""
        if self._thread.is_alive():
            self._queue.put(_STOP)
            self._thread.join()
        try:
            if keep and self._error is None:
                for packet in self._stream.encode():
                    self._container.mux(packet)
            self._container.close()
            if keep and self._error is None:
                commit(self._tmp, self.path)
        finally:
            self._tmp.unlink(missing_ok=True)
        if keep and self._error is not None:
            raise OutputError(f"{self.path}: encoding failed ({self._error})")

    def __enter__(self) -> H264Writer:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close(keep=exc_type is None)
