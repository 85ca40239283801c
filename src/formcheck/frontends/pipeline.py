"""One frame through the stages: pose -> roller -> evaluator, timed per stage.

Shared by ``analyze``, ``live`` and ``grade``; the front ends add their sources and
sinks around it. Data flows one way: a :class:`VideoFrame` in, a :class:`Step` out.
"""

from __future__ import annotations

import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from formcheck.closing import Closing
from formcheck.evaluator.config import EvaluatorConfig
from formcheck.evaluator.evaluator import Evaluator
from formcheck.evaluator.results import FrameVerdict
from formcheck.pose.frame import PoseFrame
from formcheck.roller.learned import LearnedRollerDetector
from formcheck.roller.observation import RollerObservation
from formcheck.roller.tracker import RollerTracker, detector_name
from formcheck.source import VideoFrame

if TYPE_CHECKING:
    from formcheck.pose.landmarker import ModelInput

STAGES = ("decode", "pose", "roller", "mirror", "evaluate", "draw", "encode")


@dataclass
class StageTimes:
    """Seconds spent per stage, and frames processed."""

    seconds: dict[str, float] = field(default_factory=lambda: dict.fromkeys(STAGES, 0.0))
    frames: int = 0
    _lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def add(self, stage: str, dt: float) -> None:
        """Add ``dt`` seconds to ``stage`` (safe from several threads)."""
        with self._lock:
            self.seconds[stage] = self.seconds.get(stage, 0.0) + dt


@dataclass(frozen=True, slots=True)
class Step:
    """What the stages made of one frame."""

    frame: VideoFrame
    pose: PoseFrame
    roller: RollerObservation
    verdict: FrameVerdict


def make_roller_tracker(color_hint: str | None = None, detector: str = "learned"
                        ) -> RollerTracker:
    """The roller tracker over the detector named ``detector`` ("rules" or "learned");
    the user's colour hint (a name or a value), if any, selects the rules detector with
    it: the network does not read a hint, and a user who names the colour expects it
    used."""
    from formcheck.roller.color import ColorHint
    from formcheck.roller.detector import RollerDetector

    hint = ColorHint.parse(color_hint) if color_hint else None
    if detector_name(detector) == "rules" or hint is not None:
        return RollerTracker(RollerDetector(hint))
    return RollerTracker.named(detector)


class FramePipeline(Closing):
    """Pose, roller and evaluator over the frames of one source.

    Args:
        model_path: the pose bundle.
        still: True for a photo (IMAGE mode, no temporal logic).
        config: evaluator configuration.
        roller_color: optional roller colour hint (a name or a value).
        segmentation: ask the landmarker for the person mask, which separates the body
            from the roller (default on; the roller stage falls back to a body drawn
            from the landmarks without it).
        work_side: frames whose longer side exceeds this (px) are scaled down once, and
            every stage (pose, roller, evaluator, overlay) works on that frame: the model
            sees a 256 px crop anyway, and the mask, the roller search and the drawing
            cost grow with the pixel count. Pixel coordinates in the results are those
            of the work frame (:meth:`work_size`).
        pose_side: in videos, the model gets a copy of the work frame scaled to this
            longer side (px), when larger: it crops the person and scales the crop to
            256 px anyway, and its own copies of the image and the segmentation mask
            scale with the pixel count. Landmarks come back in work-frame px; the mask
            at the scaled size. 480 px: a person whose body spans at least half the
            frame still gives the model a crop of about 256 px or more, and the mask
            (made from the model's own 256 px output) carries no less detail, but costs
            half what it costs at 640 px (docs/measurements.md, The model's input).
        people_every_s: seconds of stream time between counts of the people in view
            (:class:`~formcheck.pose.people.PeopleCounter`); None: the config's
            ``setup.people_count_s``; 0: no count.
        read_mirrored: a photo (``still``) is read a second time mirrored left to right,
            and a fault stands only where both readings find it
            (:meth:`~formcheck.evaluator.evaluator.Evaluator.update`); off for a caller
            that reads the mirror itself.
    """

    def __init__(
        self,
        model_path: Path,
        *,
        still: bool = False,
        config: EvaluatorConfig | None = None,
        roller_color: str | None = None,
        segmentation: bool = True,
        work_side: int = 1280,
        pose_side: int = 480,
        people_every_s: float | None = None,
        read_mirrored: bool = True,
    ) -> None:
        from formcheck.pose.landmarker import Mode, PoseLandmarker
        from formcheck.pose.people import PeopleCounter

        self.times = StageTimes()
        self.work_side = work_side
        self.evaluator = Evaluator(config, still=still)
        self.roller = make_roller_tracker(roller_color, self.evaluator.config.roller.detector)
        # a photo is read a second time, mirrored, with a roller stage of its own
        self._mirror_roller = make_roller_tracker(
            roller_color, self.evaluator.config.roller.detector
        ) if still and read_mirrored else None
        self._landmarker = PoseLandmarker(
            model_path, Mode.IMAGE if still else Mode.VIDEO, segmentation=segmentation,
            # A photo is one frame: no time to save, so the model sees the work frame.
            max_side=work_side if still else pose_side,
        )
        if people_every_s is None:
            people_every_s = self.evaluator.config.setup.people_count_s
        try:
            self._people = None if people_every_s <= 0 else PeopleCounter(
                model_path, people_every_s)
        except BaseException:
            # Ctrl-C or SIGTERM while the second graph loads: close the first now, or
            # the interpreter's shutdown finalises it half torn down (a TypeError)
            self._landmarker.close()
            raise

    def work_size(self, width: int, height: int) -> tuple[int, int]:
        """(width, height) px the stages work at for a frame of this size."""
        if max(height, width) <= self.work_side:
            return width, height
        k = self.work_side / max(height, width)
        return round(width * k) // 2 * 2, round(height * k) // 2 * 2

    def work_frame(self, frame: VideoFrame) -> VideoFrame:
        """The frame at the working size (itself when small enough)."""
        height, width = frame.image.shape[:2]
        size = self.work_size(width, height)
        if size == (width, height):
            return frame
        from formcheck.lazy import cv2

        c = cv2()
        # Bilinear: a few times cheaper than INTER_AREA on the critical path, and the
        # model crops and rescales the person to 256 px anyway.
        image = c.resize(frame.image, size, interpolation=c.INTER_LINEAR)
        return VideoFrame(frame.index, frame.t_ms, image)

    def prepare(self, frame: VideoFrame) -> tuple[VideoFrame, ModelInput]:
        """The work frame, and the model's input made from it (scaled, RGB).

        Thread-safe: a front end runs it on its decoding thread, so that the thread
        running the model does nothing else.
        """
        frame = self.work_frame(frame)
        return frame, self._landmarker.prepare(frame.image)

    def detect(
        self, frame: VideoFrame, ready: ModelInput | None = None,
    ) -> tuple[VideoFrame, PoseFrame]:
        """First half of a step: the work frame and its pose (the model's part).

        ``ready`` is the frame's :meth:`prepare` output when a front end made it ahead
        (``frame`` is then the work frame). Thread-safe against :meth:`finish` of an
        earlier frame, so a front end can run the two halves on two threads (the model
        releases the GIL); for a video only: a photo's :meth:`finish` runs the model
        once more (its mirror image), and a photo is one frame.
        """
        t0 = time.perf_counter()
        if ready is None:
            frame, ready = self.prepare(frame)
        t1 = time.perf_counter()
        pose = self._landmarker.detect(ready, frame.t_ms, frame.index)
        if self._people is not None:
            pose = self._people.update(pose, ready)
        self.times.add("decode", t1 - t0)
        self.times.add("pose", time.perf_counter() - t1)
        return frame, pose

    def finish(
        self, frame: VideoFrame, pose: PoseFrame, ready: ModelInput | None = None,
    ) -> Step:
        """Second half of a step: roller and evaluator. Call in frame order.

        With the frame's :meth:`prepare` output (``ready``), the roller is looked for on
        the model's smaller copy of the frame, when smaller: its search scales the
        region to 64 px per torso length anyway, and shrinking a large region is the
        costliest single step of it (about 1.5 ms a frame from 720p). Its observation
        comes back in work-frame px. A stream must take the same path on every frame
        (the tracker's state is in the pixels it was given).
        """
        t1 = time.perf_counter()
        small = None if ready is None else ready.bgr
        if small is not None and small.shape[1] < frame.image.shape[1]:
            h, w = small.shape[:2]
            k = frame.image.shape[1] / w
            roller = self.roller.update(small, pose.resized(w, h)).scaled(k)
        else:
            roller = self.roller.update(frame.image, pose)
        t2 = time.perf_counter()
        self.times.add("roller", t2 - t1)
        mirrored = None
        if self._mirror_roller is not None:
            image, mirror_pose = self.mirrored(frame)
            mirrored = (mirror_pose, self._mirror_roller.update(image, mirror_pose))
            self.times.add("mirror", time.perf_counter() - t2)
            t2 = time.perf_counter()
        verdict = self.evaluator.update(pose, roller, mirrored)
        t3 = time.perf_counter()
        self.times.add("evaluate", t3 - t2)
        self.times.frames += 1
        return Step(frame, pose, roller, verdict)

    def mirrored(self, frame: VideoFrame) -> tuple[NDArray[np.uint8], PoseFrame]:
        """A photo's second look: the work frame mirrored left to right, and its pose
        (px of the mirrored frame). Photos only (a video's model keeps time). The
        people count is the photo's as taken: the mirror's pose comes straight from the
        landmarker, which follows the person it finds first."""
        if not self.evaluator.still:
            raise RuntimeError("mirrored() reads a photo; this pipeline reads a video")
        image = np.ascontiguousarray(frame.image[:, ::-1])
        return image, self._landmarker.detect(image, frame.t_ms, frame.index)

    def step(self, frame: VideoFrame) -> Step:
        """Run one frame through pose, roller and evaluator (at the working size; the
        returned step holds the work frame)."""
        work, ready = self.prepare(frame)
        work, pose = self.detect(work, ready)
        return self.finish(work, pose, ready)

    def reset_session(self) -> None:
        """Start the evaluation afresh (``live``, when its session starts after the
        set-up): what was seen before leaves no trace in the summary. The pose model's
        and the roller tracker's state carry on."""
        self.evaluator = Evaluator(self.evaluator.config, still=self.evaluator.still)

    def calibrate_roller(self, image: NDArray[np.uint8], pose: PoseFrame) -> bool:
        """Learn the roller's colour from this frame (``live``'s ``c`` key). The colour is
        read by the rules detector, so with the learned one the stage changes to it (a
        colour hint does the same: :func:`make_roller_tracker`).

        Returns False when there is nobody in view to look under.
        """
        if pose.pose is None:
            return False
        if isinstance(self.roller.detector, LearnedRollerDetector):
            from formcheck.roller.detector import RollerDetector

            rules = RollerDetector()
            rules.calibrate(image, pose)
            self.roller = RollerTracker(rules)
        else:
            self.roller.detector.calibrate(image, pose)
        if self._mirror_roller is not None:  # the colour is the same in the mirror image
            self._mirror_roller = RollerTracker(self.roller.detector)
        return True

    def close(self) -> None:
        """Release the landmarkers."""
        self._landmarker.close()
        if self._people is not None:
            self._people.close()

