"""The MediaPipe Pose Landmarker, wrapped: the only module of formcheck that imports mediapipe.

It turns BGR images (numpy, as OpenCV gives them) into :class:`PoseFrame` objects.
mediapipe is imported when a landmarker is created, never at ``import formcheck``.
"""

from __future__ import annotations

import concurrent.futures
import contextlib
import os
import threading
import types
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.closing import Closing
from formcheck.errors import ModelError
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.native_log import quiet_native_stderr, verbose

# The two models of every pose landmarker bundle (MediaPipe looks them up by name).
BUNDLE_MEMBERS = ("pose_detector.tflite", "pose_landmarks_detector.tflite")
# Every .tflite file is a flatbuffer with this identifier at bytes 4..8.
_TFLITE_ID = b"TFL3"
_ZIP_MAGIC = b"PK\x03\x04"


class BundleError(ModelError):
    """A pose model bundle that cannot be used: what is wrong, and what to do about it.

    ``str(err)`` is the one line shown: the path, the problem in a user's words (never
    MediaPipe's own text, which names its internals), and the remedy, which depends on
    where the path came from (see :func:`model_remedy`).

    Attributes:
        path: the bundle.
        problem: what is wrong, phrased to follow the path ("is empty (0 bytes)").
    """

    def __init__(self, path: Path, problem: str) -> None:
        super().__init__(path, problem)  # both in args, so the error pickles (grade workers)
        self.path = path
        self.problem = problem

    def __str__(self) -> str:
        return f"the pose model {self.path} {self.problem}; {model_remedy(self.path)}"


def model_remedy(path: Path) -> str:
    """What the user should do about a bad bundle at ``path``.

    A bundle formcheck fetched (the checkout's ``models/`` or the user cache) is fetched
    again; one named by ``$FORMCHECK_MODEL`` or ``--model`` is the user's own file, so
    the path is what to fix.
    """
    from formcheck.model import bundle

    env = os.environ.get(bundle.ENV_VAR)
    if env and _same_file(Path(env).expanduser(), path):
        return f"fix or unset ${bundle.ENV_VAR}, which names it"
    for variant in bundle.Variant:
        for where, managed in bundle.candidates(variant):
            if not where.startswith("$") and _same_file(managed, path):
                flag = "" if variant is bundle.Variant.FULL else f" --variant {variant.value}"
                return f"fetch it again with `formcheck models fetch{flag} --force`"
    return ("check the --model path, or leave --model out to use the bundle that "
            "`formcheck models fetch` gets")


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve()
    except (OSError, RuntimeError):
        return a == b


def bundle_problem(path: Path) -> str | None:
    """What makes ``path`` unusable as a pose landmarker bundle, or None if it looks fine.

    Reads the file in Python (a few ms for the 9 MB full bundle: the zip's checksums
    and each model's header), without MediaPipe: it catches what users meet (not a
    bundle at all, an interrupted download, an empty file, another task's bundle), so
    that their message says so in plain words. A file that passes can still fail to
    load (a damaged model inside); :class:`PoseLandmarker` reports that as well.
    """
    try:
        size = path.stat().st_size
        with path.open("rb") as fh:
            head = fh.read(30 + 64)  # a zip's first local header and a short name
    except FileNotFoundError:
        return "does not exist"
    except IsADirectoryError:
        return "is a folder, not a .task bundle"
    except OSError as err:
        return f"cannot be read ({err.strerror})"
    if size == 0:
        return "is empty (0 bytes)"
    # A bundle's first entry is one of its models. When the directory at the end does
    # not list it, the end is missing (a download that stopped): the models hold small
    # zips of their own metadata, whose directory zipfile then finds instead, so "is it
    # a zip" alone does not tell.
    first = _first_entry_name(head) if head[:4] == _ZIP_MAGIC else ""
    cut_short = f"is cut short ({size:,} bytes; an interrupted download?)"
    if not zipfile.is_zipfile(path):
        if head[:4] == _ZIP_MAGIC:
            return cut_short
        return "is not a model bundle (a .task bundle is a zip archive)"
    try:
        with zipfile.ZipFile(path) as zf:
            names = set(zf.namelist())
            missing = [m for m in BUNDLE_MEMBERS if m not in names]
            if missing and first in BUNDLE_MEMBERS and first not in names:
                return cut_short
            if missing:
                return f"is not a pose landmarker bundle (it lacks {' and '.join(missing)})"
            bad = zf.testzip()
            if bad is not None:
                return f"is damaged ({bad} fails its checksum)"
            for member in BUNDLE_MEMBERS:
                with zf.open(member) as fh:
                    if fh.read(8)[4:8] != _TFLITE_ID:
                        return f"is damaged ({member} is not a TensorFlow Lite model)"
    except (zipfile.BadZipFile, OSError, EOFError, ValueError, NotImplementedError,
            RuntimeError) as err:  # RuntimeError: an encrypted member
        return f"is damaged ({err})"
    return None


def _first_entry_name(head: bytes) -> str:
    """The name in a zip's first local file header (``head``: the file's first bytes)."""
    if len(head) < 30:
        return ""
    name_len = int.from_bytes(head[26:28], "little")
    return head[30:30 + name_len].decode("utf-8", "replace")


def check_bundle(path: Path) -> None:
    """Raise :class:`BundleError` (problem and remedy) if ``path`` is no usable bundle.

    The quick check of :func:`bundle_problem`, without MediaPipe.
    """
    problem = bundle_problem(path)
    if problem is not None:
        raise BundleError(path, problem)


def _mediapipe_said(err: BaseException) -> str:
    """MediaPipe's own text of a failure, for ``--verbose`` only (it names internals)."""
    if not verbose():
        return ""
    text = " ".join(str(err).split())
    return f" [mediapipe: {text}]"


class Mode(StrEnum):
    """Running modes: IMAGE for stills, VIDEO for streams (tracks between frames)."""

    IMAGE = "image"
    VIDEO = "video"


class _OnCallerThread:
    """An executor that runs each call at once on the calling thread, one at a time.

    MediaPipe's Tasks API hands every native call of a task to a thread of its own and
    waits for the answer (its ``SerialDispatcher``, so that the C library is never
    entered twice at once). Each call then costs two thread hand-offs, and each hand-off
    needs the GIL back: while another thread runs Python (analyze's roller and overlay),
    every hand-off waits up to the interpreter's switch interval, several times a frame.
    A lock keeps the calls serialised, as the dispatcher did; ctypes releases the GIL
    during the native call itself.
    """

    def __init__(self, max_workers: int = 1) -> None:
        self._lock = threading.Lock()

    def submit(self, fn: Callable[..., Any], /, *args: Any, **kwargs: Any) -> Any:
        future: concurrent.futures.Future[Any] = concurrent.futures.Future()
        with self._lock:
            try:
                future.set_result(fn(*args, **kwargs))
            except BaseException as err:
                future.set_exception(err)
        return future

    def shutdown(self, wait: bool = True, **_: Any) -> None:
        """Nothing to stop: there is no thread."""


_DISPATCH_SWAP = threading.Lock()


@contextlib.contextmanager
def _calls_on_caller_thread() -> Iterator[None]:
    """While a task is created, give its dispatcher :class:`_OnCallerThread`.

    Only where mediapipe's dispatcher has the shape this was written against (it looks
    up ``concurrent.futures.ThreadPoolExecutor`` in its own module); otherwise the task
    keeps its own thread, which is slower but correct.
    """
    try:
        from mediapipe.tasks.python.core import serial_dispatcher
    except ImportError:
        yield
        return
    if getattr(serial_dispatcher, "concurrent", None) is not concurrent:
        yield
        return
    with _DISPATCH_SWAP:
        serial_dispatcher.concurrent = types.SimpleNamespace(
            futures=types.SimpleNamespace(ThreadPoolExecutor=_OnCallerThread))
        try:
            yield
        finally:
            serial_dispatcher.concurrent = concurrent


@dataclass(frozen=True, slots=True)
class ModelInput:
    """One BGR frame made ready for the model: scaled, in RGB, as MediaPipe's image.

    Made by :meth:`PoseLandmarker.prepare`, on any thread (a decoding thread, so that the
    thread running the model does only that).

    Attributes:
        width, height: the original frame's size, px (landmarks come back in its px).
        bgr: the (h, w, 3) uint8 BGR frame scaled to ``max_side`` (the frame itself when
            not larger): later stages may work on it too.
        rgb: the same in RGB, the image the model sees.
        image: the same, as a ``mediapipe.Image``.
    """

    width: int
    height: int
    bgr: NDArray[np.uint8]
    rgb: NDArray[np.uint8]
    image: Any


def _import_mediapipe() -> tuple[Any, Any, Any]:
    # No GLOG_minloglevel / TF_CPP_MIN_LOG_LEVEL here: mediapipe 1.2 ignores them (see
    # formcheck.pose.native_log); its log lines are kept off stderr around the calls.
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    return mp, BaseOptions, vision


class PoseLandmarker(Closing):
    """MediaPipe's pose landmarker over one model bundle; close it explicitly.

    Use as a context manager::

        with PoseLandmarker(bundle, Mode.VIDEO) as lm:
            for frame in source:
                pose_frame = lm.detect(frame.image, frame.t_ms, frame.index)

    Args:
        model_path: the ``.task`` bundle.
        mode: IMAGE for unrelated stills, VIDEO for the frames of one stream.
        num_poses: how many people to look for; 2 lets the evaluator notice a second
            person, at some cost in speed.
        segmentation: also return the person's segmentation mask (for the roller stage).
        min_detection: minimum confidence of the person detector (0..1).
        min_presence: minimum pose presence score (0..1).
        min_tracking: minimum tracking confidence in VIDEO mode (0..1).
        max_side: frames whose longer side exceeds this (px) are scaled down before the
            model sees them (it works on a 256 px crop anyway); landmarks still come back
            in the original frame's pixels. The mask then has the scaled size.
        turn_stills: in IMAGE mode, when no pose is found, try the image turned a
            quarter turn each way and turn the landmarks back. The person detector
            was trained mostly on upright people and misses some photos of people
            lying down (a still has no time budget to keep; video tracks instead).
    """

    def __init__(
        self,
        model_path: Path,
        mode: Mode = Mode.VIDEO,
        *,
        num_poses: int = 1,
        segmentation: bool = False,
        min_detection: float = 0.5,
        min_presence: float = 0.5,
        min_tracking: float = 0.5,
        max_side: int = 1920,
        turn_stills: bool = True,
    ) -> None:
        self.mode = mode
        self.turn_stills = turn_stills
        self.segmentation = segmentation
        self.max_side = max_side
        self.model_path = model_path
        self._last_ts = -1
        self._first = True
        self._failed = False
        self._landmarker: Any = None
        # The quick check first, so that a file that is no bundle gets a plain message
        # (MediaPipe's would be "Unable to open zip archive") before mediapipe loads.
        check_bundle(model_path)
        self._mp, base_options, vision = _import_mediapipe()
        running = vision.RunningMode.VIDEO if mode is Mode.VIDEO else vision.RunningMode.IMAGE
        options = vision.PoseLandmarkerOptions(
            base_options=base_options(model_asset_path=str(model_path)),
            running_mode=running,
            num_poses=num_poses,
            min_pose_detection_confidence=min_detection,
            min_pose_presence_confidence=min_presence,
            min_tracking_confidence=min_tracking,
            output_segmentation_masks=segmentation,
        )
        try:
            with quiet_native_stderr(), _calls_on_caller_thread():
                self._landmarker = vision.PoseLandmarker.create_from_options(options)
        except (RuntimeError, ValueError, OSError) as err:
            raise BundleError(
                model_path, "cannot be loaded: it is damaged, or not a pose landmarker "
                "bundle" + _mediapipe_said(err)) from err

    def close(self) -> None:
        """Release the native graph (idempotent)."""
        landmarker = getattr(self, "_landmarker", None)
        if landmarker is not None:
            self._landmarker = None
            try:
                with quiet_native_stderr():  # LiteRT logs "DestroyAccelerator" here
                    landmarker.close()
            except RuntimeError as err:
                # A graph that failed reports that failure again when closed: already
                # told (detect raised). mediapipe then keeps its handle and tries again
                # when collected, printing "Exception ignored ... Task runner is
                # currently not running": drop the handle (the graph has stopped).
                landmarker._handle = None
                if not self._failed:
                    raise BundleError(self.model_path, "fails when closed: it is damaged, "
                                      "or not a pose landmarker bundle"
                                      + _mediapipe_said(err)) from err

    def prepare(self, image_bgr: NDArray[np.uint8]) -> ModelInput:
        """Scale a BGR frame to at most ``max_side`` px and convert it for the model.

        Thread-safe: a front end may prepare the next frame while this one is detected.
        """
        from formcheck.lazy import cv2

        c = cv2()
        height, width = image_bgr.shape[:2]
        if max(height, width) > self.max_side:
            k = self.max_side / max(height, width)
            # Bilinear: at these factors as good as INTER_AREA for a model that crops
            # and rescales the person anyway, and up to 5x cheaper at 1080p.
            image_bgr = c.resize(image_bgr, (round(width * k), round(height * k)),
                                 interpolation=c.INTER_LINEAR)
        # cvtColor, not a reversed numpy view made contiguous: 0.2 ms against 7 ms at 1080p.
        rgb = c.cvtColor(image_bgr, c.COLOR_BGR2RGB)
        return ModelInput(width, height, image_bgr, rgb, self._mp_image(rgb))

    def detect(
        self, image_bgr: NDArray[np.uint8] | ModelInput, t_ms: float = 0.0, index: int = 0,
    ) -> PoseFrame:
        """Find the pose in one BGR image (or one already made ready by :meth:`prepare`).

        Args:
            image_bgr: (H, W, 3) uint8 image in OpenCV's BGR order, or its
                :class:`ModelInput`.
            t_ms: the frame's timestamp in milliseconds; in VIDEO mode it must increase
                from call to call (it is rounded to whole ms, kept strictly increasing).
            index: the frame's number, carried into the result.
        """
        if self._landmarker is None:
            raise RuntimeError("detect() on a closed PoseLandmarker")
        # The graph logs on its first frame (absl warnings); later frames log nothing.
        quiet = quiet_native_stderr() if self._first else contextlib.nullcontext()
        self._first = False
        try:
            with quiet:
                return self._detect(image_bgr, t_ms, index)
        except RuntimeError as err:
            self._failed = True
            # MediaPipe raises RuntimeError when its graph fails, which a model that
            # loads but is not a pose landmarker's does on the first frame
            # ("TensorsToDetectionsCalculator ... (5 vs. 4)").
            raise BundleError(
                self.model_path, "fails when run: it is damaged, or not a pose landmarker "
                "bundle" + _mediapipe_said(err)) from err

    def _detect(
        self, image_bgr: NDArray[np.uint8] | ModelInput, t_ms: float, index: int,
    ) -> PoseFrame:
        ready = image_bgr if isinstance(image_bgr, ModelInput) else self.prepare(image_bgr)
        width, height, rgb, image = ready.width, ready.height, ready.rgb, ready.image
        if self.mode is Mode.VIDEO:
            ts = max(round(t_ms), self._last_ts + 1)
            self._last_ts = ts
            result = self._landmarker.detect_for_video(image, ts)
        else:
            result = self._landmarker.detect(image)
        frame = _to_pose_frame(result, index, t_ms, width, height, self.segmentation)
        if frame.pose is None and self.mode is Mode.IMAGE and self.turn_stills:
            for turn in (Turn.CLOCKWISE, Turn.ANTICLOCKWISE):
                turned = self.detect_turned(rgb, turn, index, t_ms, width, height)
                if turned.pose is not None:
                    return turned
        return frame

    def detect_all(self, ready: ModelInput) -> list[Pose]:
        """Every person the model finds in one image made ready by :meth:`prepare`
        (IMAGE mode; at most the ``num_poses`` it was made with), in the model's order;
        landmarks in the original frame's px."""
        if self._landmarker is None:
            raise RuntimeError("detect_all() on a closed PoseLandmarker")
        if self.mode is not Mode.IMAGE:
            raise RuntimeError("detect_all() needs a landmarker in IMAGE mode")
        quiet = quiet_native_stderr() if self._first else contextlib.nullcontext()
        self._first = False
        with quiet:
            result = self._landmarker.detect(ready.image)
        poses = []
        for i in range(len(result.pose_landmarks)):
            frame = _to_pose_frame(result, 0, 0.0, ready.width, ready.height, False, which=i)
            if frame.pose is not None:
                poses.append(frame.pose)
        return poses

    def _mp_image(self, rgb: NDArray[np.uint8]) -> Any:
        """MediaPipe's image of an (H, W, 3) RGB array."""
        return self._mp.Image(image_format=self._mp.ImageFormat.SRGB,
                              data=np.ascontiguousarray(rgb))

    def detect_turned(
        self, rgb: NDArray[np.uint8], turn: Turn, index: int, t_ms: float, width: int,
        height: int,
    ) -> PoseFrame:
        """Detect on the RGB image turned a quarter turn, and turn the results back.

        IMAGE mode only. ``width`` and ``height`` are the original frame's size, px (the
        landmarks come back in its pixels).
        """
        from formcheck.lazy import cv2

        c = cv2()
        code = c.ROTATE_90_CLOCKWISE if turn is Turn.CLOCKWISE else c.ROTATE_90_COUNTERCLOCKWISE
        result = self._landmarker.detect(self._mp_image(c.rotate(rgb, code)))
        frame = _to_pose_frame(result, index, t_ms, height, width, self.segmentation)
        return untwist(frame, turn, width, height)


class Turn(StrEnum):
    """A quarter turn of the image, as seen by the viewer."""

    CLOCKWISE = "clockwise"
    ANTICLOCKWISE = "anticlockwise"


def untwist(frame: PoseFrame, turn: Turn, width: int, height: int) -> PoseFrame:
    """Map a pose found on an image turned by ``turn`` back onto the original image.

    Args:
        frame: the pose frame of the turned image (its size is ``height`` x ``width``).
        turn: how the image had been turned.
        width, height: the original image's size, px.

    Normalised x, y are remapped, px recomputed, the relative depth z rescaled to the
    original width, world x, y (metres, image-aligned) rotated back, the mask turned back.
    """
    if frame.pose is None:
        return PoseFrame(index=frame.index, t_ms=frame.t_ms, width=width, height=height,
                         pose=None)
    p = frame.pose
    u, v, z = p.normalized[:, 0], p.normalized[:, 1], p.normalized[:, 2]
    wx, wy, wz = p.world[:, 0], p.world[:, 1], p.world[:, 2]
    if turn is Turn.CLOCKWISE:  # original (x, y) went to (H - y, x)
        nx, ny, gx, gy = v, 1.0 - u, wy, -wx
    else:  # original (x, y) went to (y, W - x)
        nx, ny, gx, gy = 1.0 - v, u, -wy, wx
    norm = np.column_stack([nx, ny, z * (height / width)])
    world = np.column_stack([gx, gy, wz])
    xy = norm[:, :2] * np.array([width, height], dtype=np.float64)
    mask = frame.mask
    if mask is not None:
        from formcheck.lazy import cv2

        c = cv2()
        back = c.ROTATE_90_COUNTERCLOCKWISE if turn is Turn.CLOCKWISE else c.ROTATE_90_CLOCKWISE
        mask = np.ascontiguousarray(c.rotate(mask, back))
    pose = Pose(xy=xy, normalized=norm, world=world, visibility=p.visibility,
                presence=p.presence)
    return PoseFrame(index=frame.index, t_ms=frame.t_ms, width=width, height=height,
                     pose=pose, others=frame.others, mask=mask)


def _to_pose_frame(
    result: Any, index: int, t_ms: float, width: int, height: int, with_mask: bool,
    which: int = 0,
) -> PoseFrame:
    """Adapt a ``PoseLandmarkerResult`` to the project's frame type (its ``which``-th
    person as the frame's pose)."""
    if len(result.pose_landmarks) <= which:
        return PoseFrame(index=index, t_ms=t_ms, width=width, height=height, pose=None)
    norm_lms = result.pose_landmarks[which]
    norm = np.array([[p.x, p.y, p.z] for p in norm_lms], dtype=np.float64)
    vis = np.array([_score(p.visibility) for p in norm_lms], dtype=np.float64)
    pres = np.array([_score(p.presence) for p in norm_lms], dtype=np.float64)
    if len(result.pose_world_landmarks) > which:
        world = np.array(
            [[p.x, p.y, p.z] for p in result.pose_world_landmarks[which]], dtype=np.float64
        )
    else:
        world = np.zeros((NUM_LANDMARKS, 3))
    xy = norm[:, :2] * np.array([width, height], dtype=np.float64)
    mask = None
    if with_mask and result.segmentation_masks:
        # numpy_view() points into MediaPipe's buffer, freed with ``result``: copy it.
        view = result.segmentation_masks[0].numpy_view()
        mask = np.array(view, dtype=np.float32, copy=True).reshape(view.shape[0], view.shape[1])
    pose = Pose(xy=xy, normalized=norm, world=world, visibility=vis, presence=pres)
    return PoseFrame(
        index=index, t_ms=t_ms, width=width, height=height, pose=pose,
        others=len(result.pose_landmarks) - 1, mask=mask,
    )


def _score(value: float | None) -> float:
    return 0.0 if value is None else float(value)


def verify_bundle(path: Path) -> None:
    """Load a bundle once and run it on a blank image.

    Raises:
        BundleError: it cannot be used; the message names the problem and the remedy.
    """
    with PoseLandmarker(path, Mode.IMAGE) as lm:
        lm.detect(np.zeros((64, 64, 3), dtype=np.uint8))


def verify_fetched(path: Path) -> None:
    """:func:`verify_bundle` for a bundle being fetched (a temporary file).

    Raises:
        ModelError: the problem only: the remedy of a user's path does not apply, and
            the fetch's own message says what to do.
    """
    try:
        verify_bundle(path)
    except BundleError as err:
        raise ModelError(f"the fetched bundle {err.problem}") from err
