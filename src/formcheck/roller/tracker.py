"""Following the roller over time: it moves slowly and stays on the floor.

One poor frame does not lose it: the last estimate is kept for a few frames with a
confidence that decays; a long loss resets the track. Pixel coordinates as in
:mod:`formcheck.roller.observation`.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.frame import PoseFrame
from formcheck.roller.detector import RollerDetector, build_observation
from formcheck.roller.geometry import Body
from formcheck.roller.learned import MODEL_PATH, LearnedRollerDetector
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation

# The learned detector's network costs about as much CPU as the rest of the roller stage
# and the evaluator together; at 30 frames a second it runs in every other frame (the
# roller moves a few pixels between), at 25 or fewer (40 ms apart or more) in every one.
LEARNED_MIN_INTERVAL_MS = 35.0
# The roller detectors a tracker can be built over, by name.
DETECTORS = ("rules", "learned")


def detector_name(kind: str) -> str:
    """``kind`` when it names a roller detector (:data:`DETECTORS`); else ValueError."""
    if kind not in DETECTORS:
        raise ValueError(f"unknown roller detector {kind!r} ({', '.join(DETECTORS)})")
    return kind


class RollerTracker:
    """Temporal filter over :class:`RollerDetector`.

    Args:
        detector: the single-frame detector (default: the rules detector, automatic, no
            colour hint); a :class:`LearnedRollerDetector` uses the segmentation network.
        keep_frames: frames the last estimate is kept while the roller is unseen.
        decay: confidence factor per unseen frame (0..1).
        smoothing: weight of a new detection in the running estimate (0..1).
        max_jump: a detection farther than this from the track (torso lengths) is taken
            only when the next frame confirms it.
        min_interval_ms: detect at most once in this many milliseconds of the stream
            (``PoseFrame.t_ms``); a frame in between holds the track's estimate, placed
            against its own pose (0: detect in every frame).
    """

    def __init__(
        self,
        detector: RollerDetector | LearnedRollerDetector | None = None,
        *,
        keep_frames: int = 8,
        decay: float = 0.75,
        smoothing: float = 0.6,
        max_jump: float = 0.5,
        min_interval_ms: float = 0.0,
    ) -> None:
        self.detector = detector or RollerDetector()
        self.keep_frames = keep_frames
        self.decay = decay
        self.smoothing = smoothing
        self.max_jump = max_jump
        self.min_interval_ms = min_interval_ms
        self.reset()

    @classmethod
    def named(cls, kind: str, learned_model: Path = MODEL_PATH) -> RollerTracker:
        """A tracker over the detector named ``kind``: "rules" or "learned" (its network
        ``learned_model``, the committed one unless a benchmark times another)."""
        if detector_name(kind) == "learned":
            return cls(LearnedRollerDetector(learned_model),
                       min_interval_ms=LEARNED_MIN_INTERVAL_MS)
        return cls(RollerDetector())

    def reset(self) -> None:
        """Forget the track."""
        self._last: RollerObservation | None = None
        self._misses = 0
        self._pending: RollerObservation | None = None
        self._orient_votes = 0
        self._detected_ms: float | None = None

    @property
    def last(self) -> RollerObservation | None:
        """The track's current estimate, or None."""
        return self._last

    def update(self, image_bgr: NDArray[np.uint8], pose_frame: PoseFrame) -> RollerObservation:
        """Detect in this frame and fold it into the track; return the frame's estimate."""
        body = None if pose_frame.pose is None else Body.from_pose(pose_frame.pose)
        if self._between_detections(pose_frame.t_ms):
            return self._hold(body)
        self._detected_ms = float(pose_frame.t_ms)
        prior = None if self._last is None else self._last.center_px
        obs = self.detector.detect(image_bgr, pose_frame, prior=prior, body=body)
        last = self._last
        if obs.found and body is not None:
            if last is None or last.center_px is None or obs.center_px is None:
                return self._accept(obs)
            jump = float(np.hypot(obs.center_px[0] - last.center_px[0],
                                  obs.center_px[1] - last.center_px[1])) / body.length
            if jump > self.max_jump:
                pend = self._pending
                if pend is not None and pend.center_px is not None and float(np.hypot(
                        obs.center_px[0] - pend.center_px[0],
                        obs.center_px[1] - pend.center_px[1])) / body.length < self.max_jump:
                    return self._accept(obs)  # confirmed: the roller really moved
                self._pending = obs
                return self._keep(body, obs.reason)
            return self._blend(last, obs, body)
        return self._keep(body, obs.reason)

    # --- internals --------------------------------------------------------------------
    def _between_detections(self, t_ms: float) -> bool:
        """Whether this frame comes too soon after the last detection to run another:
        only when the last detection found the roller (a miss is never held: the next
        frame looks again), and never when time went back (a new stream)."""
        if (self.min_interval_ms <= 0 or self._detected_ms is None or self._misses
                or self._last is None):
            return False
        return 0.0 <= float(t_ms) - self._detected_ms < self.min_interval_ms

    def _hold(self, body: Body | None) -> RollerObservation:
        """The track's estimate for a frame not detected in, placed against this frame's
        body (its contact and place along the back follow the body), confidence kept."""
        last = self._last
        assert last is not None
        if body is None or last.center_px is None or last.size_px is None:
            return last
        return build_observation(last.center_px, last.size_px, last.angle_deg,
                                 last.orientation, body, last.confidence, last.ends_px)

    def _accept(self, obs: RollerObservation) -> RollerObservation:
        self._last, self._misses, self._pending, self._orient_votes = obs, 0, None, 0
        return obs

    def _blend(self, last: RollerObservation, new: RollerObservation,
               body: Body) -> RollerObservation:
        a = self.smoothing
        assert last.center_px and new.center_px and last.size_px and new.size_px
        center = (a * new.center_px[0] + (1 - a) * last.center_px[0],
                  a * new.center_px[1] + (1 - a) * last.center_px[1])
        size = (a * new.size_px[0] + (1 - a) * last.size_px[0],
                a * new.size_px[1] + (1 - a) * last.size_px[1])
        orientation = last.orientation
        if new.orientation != last.orientation:
            self._orient_votes += 1
            if self._orient_votes >= 2 or last.orientation is Orientation.UNKNOWN:
                orientation, self._orient_votes = new.orientation, 0
        else:
            self._orient_votes = 0
        conf = a * new.confidence + (1 - a) * last.confidence
        out = build_observation(center, size, new.angle_deg, orientation, body, conf,
                                _blend_ends(last, new, center, a))
        self._last, self._misses, self._pending = out, 0, None
        return out

    def _keep(self, body: Body | None, reason: NotFoundReason | None) -> RollerObservation:
        last = self._last
        self._misses += 1
        if last is None or last.center_px is None or last.size_px is None:
            return RollerObservation.missing(reason or NotFoundReason.NOT_PRESENT)
        conf = last.confidence * self.decay ** self._misses
        if self._misses > self.keep_frames or conf < 0.05:
            self.reset()
            return RollerObservation.missing(reason or NotFoundReason.HIDDEN)
        if body is None:
            return RollerObservation(
                found=True, center_px=last.center_px, size_px=last.size_px,
                angle_deg=last.angle_deg, orientation=last.orientation,
                contact_px=last.contact_px, position=last.position,
                under_back=last.under_back, confidence=conf, ends_px=last.ends_px,
                diameter_px=last.diameter_px)
        return build_observation(last.center_px, last.size_px, last.angle_deg,
                                 last.orientation, body, conf, last.ends_px)


Ends = tuple[tuple[float, float], tuple[float, float]]


def _blend_ends(last: RollerObservation, new: RollerObservation,
                center: tuple[float, float], a: float) -> Ends | None:
    """The new ends, their half-axis smoothed with the last one's (weight ``a`` on the
    new), placed about the blended ``center`` (px); None when the new has none."""
    if new.ends_px is None or new.center_px is None:
        return None
    half_new = np.subtract(new.ends_px[1], new.ends_px[0]) / 2
    half = half_new
    if last.ends_px is not None:
        half_last = np.subtract(last.ends_px[1], last.ends_px[0]) / 2
        if float(half_last @ half_new) < 0:  # the same axis, named the other way round
            half_last = -half_last
        half = a * half_new + (1 - a) * half_last
    c = np.asarray(center)
    e0, e1 = c - half, c + half
    return (float(e0[0]), float(e0[1])), (float(e1[0]), float(e1[1]))
