"""Frame sources: a camera index, a video file, or a still image, as a stream of frames.

Every source yields :class:`VideoFrame` objects one at a time (a video is never held
in memory) with timestamps in milliseconds that strictly increase, even where the
container's own timestamps are broken. OpenCV is imported lazily.
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.closing import Closing
from formcheck.errors import (
    CameraError,
    CorruptVideoError,
    FormcheckError,
    InputNotFoundError,
    UnsupportedInputError,
)

IMAGE_SUFFIXES = frozenset({".jpg", ".jpeg", ".png", ".webp", ".bmp", ".tif", ".tiff"})
VIDEO_SUFFIXES = frozenset({".mp4", ".mov", ".m4v", ".avi", ".mkv", ".webm", ".mpg", ".mpeg"})
MEDIA_SUFFIXES = IMAGE_SUFFIXES | VIDEO_SUFFIXES
"""Every suffix of a file formcheck reads (photos and videos), lower case."""
# What the error for an unreadable file lists: the formats of the suffixes above.
ACCEPTED_FORMATS = "videos: MP4, MOV, M4V, MKV, WebM, AVI, MPEG; images: JPEG, PNG, WebP, BMP, TIFF"
_DEFAULT_FPS = 30.0


class SourceKind(StrEnum):
    """What a source reads from."""

    CAMERA = "camera"
    VIDEO = "video"
    IMAGE = "image"


@dataclass(frozen=True, slots=True)
class VideoFrame:
    """One decoded frame.

    Attributes:
        index: frame number from 0, in the order read.
        t_ms: timestamp in milliseconds from the start, strictly increasing.
        image: (H, W, 3) uint8 image, BGR channel order, upright (rotation applied).
    """

    index: int
    t_ms: float
    image: NDArray[np.uint8]


class FrameSource(Closing):
    """Base of the sources: iterate for frames; close when done (or use ``with``)."""

    kind: SourceKind
    name: str

    def __iter__(self) -> Iterator[VideoFrame]:
        raise NotImplementedError

    @property
    def fps(self) -> float:
        """Nominal frame rate, frames per second."""
        return _DEFAULT_FPS

    @property
    def frame_count(self) -> int | None:
        """Number of frames if known in advance (a container's estimate), else None."""
        return None

    @property
    def size(self) -> tuple[int, int]:
        """(width, height) of the frames, px."""
        raise NotImplementedError

    def close(self) -> None:
        """Release the underlying reader (idempotent)."""


def _cv2() -> Any:
    from formcheck.lazy import cv2

    return cv2()


def sniff_container(path: Path) -> str | None:
    """Name the video container from the file's first bytes, or None if not a video."""
    try:
        with path.open("rb") as fh:
            head = fh.read(16)
    except OSError:
        return None
    if len(head) >= 8 and head[4:8] in (b"ftyp", b"moov", b"mdat", b"free", b"wide", b"skip"):
        return "mp4"
    if head.startswith(b"\x1a\x45\xdf\xa3"):
        return "matroska"
    if head.startswith(b"RIFF") and head[8:12] == b"AVI ":
        return "avi"
    if head.startswith(b"\x00\x00\x01\xba") or head.startswith(b"\x00\x00\x01\xb3"):
        return "mpeg"
    return None


# the first bytes of the photo formats a phone or camera writes besides JPEG and WebP
# (read apart below): PNG, BMP, TIFF
IMAGE_MAGIC = (b"\x89PNG\r\n\x1a\n", b"BM", b"II*\x00", b"MM\x00*")
MJPEG_PEEK_BYTES = 4 << 20  # a phone photo is 2-8 MB; a second frame shows within this


def sniff_image(path: Path) -> bool:
    """Whether the file's first bytes are a photo's, whatever its name says. A stream of
    JPEGs one after another (raw MJPEG, from IP cameras) is a video, not a photo."""
    try:
        with path.open("rb") as fh:
            head = fh.read(MJPEG_PEEK_BYTES)
    except OSError:
        return False
    webp = head.startswith(b"RIFF") and head[8:12] == b"WEBP"
    if head.startswith(b"\xff\xd8\xff"):
        return b"\xff\xd9\xff\xd8" not in head  # an end of image, then another
    return webp or head.startswith(IMAGE_MAGIC)


# what libjpeg writes (to stderr, past Python) when a JPEG ends before its last row:
# OpenCV then fills the rest grey and reports no error
JPEG_CUT_SHORT = "Premature end of JPEG file"


def read_image_quietly(path: Path) -> tuple[NDArray[np.uint8] | None, str]:
    """OpenCV's reading of the image at ``path`` (EXIF orientation applied; None where
    it cannot be read) and what its decoders wrote to standard error meanwhile, kept off
    the user's terminal (libjpeg's warnings go there, past Python)."""
    from formcheck.pose.native_log import quiet_native_stderr

    cv2 = _cv2()
    with quiet_native_stderr(read=True) as said:
        image = cv2.imread(str(path), cv2.IMREAD_COLOR)
    return image, said.data.decode("utf-8", "replace")


class ImageSource(FrameSource):
    """A still photo as a one-frame source (EXIF orientation applied)."""

    kind = SourceKind.IMAGE

    def __init__(self, path: Path) -> None:
        self.path = path
        self.name = path.stem
        image, said = read_image_quietly(path)
        if image is None:
            raise UnsupportedInputError(
                f"{path}: cannot be read as an image (damaged, or not a photo format "
                "formcheck reads); re-export it as JPEG or PNG"
            )
        if JPEG_CUT_SHORT in said:
            # its lower part would be judged from grey: no reading is better than that one
            raise UnsupportedInputError(
                f"{path}: the photo is cut short (its last rows are missing); copy or "
                "export it again"
            )
        self._image: NDArray[np.uint8] = image

    def __iter__(self) -> Iterator[VideoFrame]:
        yield VideoFrame(0, 0.0, self._image)

    @property
    def frame_count(self) -> int:
        return 1

    @property
    def size(self) -> tuple[int, int]:
        return int(self._image.shape[1]), int(self._image.shape[0])


class _CaptureSource(FrameSource):
    """Shared reading loop of cameras and video files over ``cv2.VideoCapture``."""

    def __init__(self) -> None:
        self._cap: Any = None

    @property
    def fps(self) -> float:
        fps = float(self._cap.get(_cv2().CAP_PROP_FPS)) if self._cap is not None else 0.0
        return fps if math.isfinite(fps) and 1.0 <= fps <= 1000.0 else _DEFAULT_FPS

    @property
    def size(self) -> tuple[int, int]:
        cv2 = _cv2()
        return (
            int(self._cap.get(cv2.CAP_PROP_FRAME_WIDTH)),
            int(self._cap.get(cv2.CAP_PROP_FRAME_HEIGHT)),
        )

    def _timestamp(self, index: int, last: float) -> float:
        """The container's timestamp if it is sane, else one derived from the frame rate."""
        period = 1000.0 / self.fps
        t = float(self._cap.get(_cv2().CAP_PROP_POS_MSEC))
        if not math.isfinite(t) or t < 0 or (index > 0 and t <= last):
            t = index * period if index * period > last else last + period
        return t

    def __iter__(self) -> Iterator[VideoFrame]:
        index, last = 0, -1.0
        while self._cap is not None:
            ok, image = self._cap.read()
            if not ok or image is None:
                break
            t = self._timestamp(index, last)
            yield VideoFrame(index, t, image)
            last = t
            index += 1

    def close(self) -> None:
        if self._cap is not None:
            self._cap.release()
            self._cap = None


def _diagnose(path: Path, container: str) -> FormcheckError:
    """Why a file that looks like a video does not open: no frames, no video, or damage."""
    try:
        import av

        with av.open(str(path)) as probe:
            streams = probe.streams.video
            if not streams or (streams[0].frames == 0 and not probe.duration):
                return CorruptVideoError(
                    f"{path}: the file holds no video frames (an empty or audio-only recording)"
                )
    except Exception:
        pass
    return CorruptVideoError(
        f"{path}: the {container} file is damaged or truncated and cannot be opened; "
        "re-export or re-copy it"
    )


class VideoFileSource(_CaptureSource):
    """A video file, decoded frame by frame with rotation metadata applied."""

    kind = SourceKind.VIDEO

    def __init__(self, path: Path, decode_threads: int | None = None) -> None:
        """Open ``path``; ``decode_threads`` caps FFmpeg's decoding threads (None: its
        default, one per core)."""
        super().__init__()
        self.path = path
        self.name = path.stem
        cv2 = _cv2()
        container = sniff_container(path)
        if decode_threads is None:
            cap = cv2.VideoCapture(str(path))
        else:
            cap = cv2.VideoCapture(
                str(path), cv2.CAP_FFMPEG, [cv2.CAP_PROP_N_THREADS, max(1, decode_threads)]
            )
        if not cap.isOpened():
            cap.release()
            if container is None:
                raise UnsupportedInputError(
                    f"{path}: not a video or image file formcheck can read "
                    f"(expected {ACCEPTED_FORMATS})"
                )
            raise _diagnose(path, container)
        # Phones store portrait video as landscape plus a rotation tag: apply it.
        cap.set(cv2.CAP_PROP_ORIENTATION_AUTO, 1)
        self._cap = cap
        self._first: NDArray[np.uint8] | None = None
        ok, first = cap.read()
        if not ok or first is None:
            self.close()
            raise CorruptVideoError(
                f"{path}: no frame could be decoded (empty, truncated or damaged video)"
            )
        self._first = first

    @property
    def frame_count(self) -> int | None:
        n = int(self._cap.get(_cv2().CAP_PROP_FRAME_COUNT)) if self._cap is not None else 0
        return n if n > 0 else None

    @property
    def size(self) -> tuple[int, int]:
        if self._first is not None:
            return int(self._first.shape[1]), int(self._first.shape[0])
        return super().size

    def __iter__(self) -> Iterator[VideoFrame]:
        return self.sampled(0.0)

    def sampled(self, interval_ms: float) -> Iterator[VideoFrame]:
        """Frames at least ``interval_ms`` apart (0: every frame), by timestamp.

        Frames in between are decoded (the codec needs them) but not converted to BGR,
        which saves the conversion's cost. Indices stay those of the source.
        """
        if self._first is None:
            raise RuntimeError("a VideoFileSource can be iterated once")
        first, self._first = self._first, None
        yield VideoFrame(0, 0.0, first)
        expected = self.frame_count
        index, last, due = 1, 0.0, interval_ms
        while self._cap is not None:
            if not self._cap.grab():
                break
            t = self._timestamp(index, last)
            if t + 0.5 >= due:
                ok, image = self._cap.retrieve()
                if not ok or image is None:
                    break
                yield VideoFrame(index, t, image)
                due = max(due + interval_ms, t + interval_ms * 0.5)
            last = t
            index += 1
        # The decoder stops quietly at damaged data; a container that promised many more
        # frames than could be decoded is truncated. (Frame counts of some containers are
        # estimates, hence the margin.)
        if expected is not None and index < 0.9 * expected:
            raise CorruptVideoError(
                f"{self.path}: truncated or damaged: only {index} of {expected} frames "
                "could be decoded; re-export or re-copy the video"
            )


class CameraSource(_CaptureSource):
    """A camera by index (0 is usually the built-in webcam)."""

    kind = SourceKind.CAMERA

    def __init__(self, index: int, size: tuple[int, int] | None = None) -> None:
        super().__init__()
        self.index = index
        self.name = f"camera{index}"
        cv2 = _cv2()
        cap = cv2.VideoCapture(index)
        if size is not None:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, size[0])
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, size[1])
        if not cap.isOpened() or not cap.read()[0]:
            cap.release()
            raise CameraError(
                f"camera {index} cannot be opened: try another camera index (0, 1, 2), "
                "check that no other program is using it, and that this user may use "
                "video devices (on Linux the 'video' group; on macOS the camera permission)"
            )
        self._cap = cap


MIN_SIDE_PX = 16  # smaller frames cannot show a person, nor be encoded (H.264 needs 2)


def open_source(spec: str | Path | int, decode_threads: int | None = None) -> FrameSource:
    """Open a source from a command-line value: a camera index, or a path.

    Args:
        spec: an int or a string of digits for a camera; otherwise a file path.
        decode_threads: for video files, the most threads FFmpeg may decode with (None:
            its default, one per core).

    Raises:
        InputNotFoundError, UnsupportedInputError, CorruptVideoError, CameraError.
    """
    if isinstance(spec, int) or (isinstance(spec, str) and spec.isdigit()):
        return CameraSource(int(spec))
    path = Path(spec).expanduser()
    if not path.exists():
        raise InputNotFoundError(f"{path}: no such file")
    if path.is_dir():
        raise UnsupportedInputError(f"{path}: is a folder; give a video or image file")
    if not path.is_file():  # /dev/zero, a pipe: neither a video nor a photo, nor empty
        raise UnsupportedInputError(f"{path}: not a regular file (a device or a pipe); "
                                    "give a video or image file")
    if path.stat().st_size == 0:
        raise UnsupportedInputError(f"{path}: the file is empty")
    source: FrameSource
    # a photo is judged as a photo even under a video's name (a JPEG saved as .mp4 was
    # read as a one-frame video, judged by the video's rules)
    if sniff_container(path) is None and (path.suffix.lower() in IMAGE_SUFFIXES
                                          or sniff_image(path)):
        source = ImageSource(path)
    else:
        source = VideoFileSource(path, decode_threads)
    width, height = source.size
    if min(width, height) < MIN_SIDE_PX:
        source.close()
        raise UnsupportedInputError(
            f"{path}: the picture is {width}x{height} px; formcheck needs at least "
            f"{MIN_SIDE_PX} px a side (a person must be seen in it)")
    return source
