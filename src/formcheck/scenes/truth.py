"""Ground truth of a synthetic frame, and the expected status of every check.

Pure numpy. Pixel coordinates: x right, y down, origin top-left, px. Angles in
degrees, speeds in cm/s, times in milliseconds (``t_ms``) or seconds.

The expected statuses follow the checks (README, "What it does") with the thresholds of
:class:`formcheck.evaluator.thresholds.Thresholds`; a value within :class:`Margins`
of its threshold, or evidence outside the image, gives ``unknown``.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.evaluator.thresholds import Thresholds
from formcheck.scenes.kinematics import LATERAL, FloatArray, Projection, Skeleton
from formcheck.scenes.params import Facing
from formcheck.vocabulary import CheckId, Orientation, Status, Zone, zone_of


@dataclass(frozen=True, slots=True)
class Margins:
    """How close to a threshold the truth counts as ambiguous (``unknown``)."""

    knee_deg: float = 5.0
    foot_pitch_deg: float = 5.0
    foot_lift_frac: float = 0.25  # of the lift threshold
    position: float = 0.03
    speed_cm_s: float = 2.0


# MediaPipe landmark roles written in the truth, for both sides.
SIDE_ROLES: tuple[str, ...] = (
    "ear", "eye", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index",
)


@dataclass(frozen=True, slots=True)
class RollerTruth:
    """The roller in one frame (pixels unless stated)."""

    visible: bool
    center_px: tuple[float, float]
    size_px: tuple[float, float]  # (length, thickness): the diameter twice when across
    orientation: str
    contact_px: tuple[float, float] | None
    position: float | None  # 0 shoulder .. 1 hip
    speed_cm_s: float  # |d position / dt| x torso length, cm/s
    speed_avg_cm_s: float  # the same averaged over the last ~1 s, cm/s
    # The whole roller's centre (its middle, hidden parts included), where it differs
    # from ``center_px``: the 2D scenes' across roller shows its near end disc, whose
    # centre ``center_px`` is, and the learned detector reads the whole roller's.
    whole_center_px: tuple[float, float] | None = None

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict (``whole_center_px`` only where set)."""
        out: dict[str, Any] = {
            "visible": self.visible,
            "center_px": _r2(self.center_px),
            "size_px": _r2(self.size_px),
            "orientation": self.orientation,
            "contact_px": None if self.contact_px is None else _r2(self.contact_px),
            "position": None if self.position is None else round(self.position, 4),
            "speed_cm_s": round(self.speed_cm_s, 3),
            "speed_avg_cm_s": round(self.speed_avg_cm_s, 3),
        }
        if self.whole_center_px is not None:
            out["whole_center_px"] = _r2(self.whole_center_px)
        return out


@dataclass(frozen=True, slots=True)
class TruthRecord:
    """What is exactly true in one rendered frame.

    Attributes:
        frame: index from 0.
        t_ms: timestamp, ms.
        width, height: image size, px.
        joints_px: MediaPipe landmark names ("left_knee", "nose", ...) to (x, y) px.
        near_side: "left" or "right": the side of the body nearer the camera.
        knee_angle_deg: hip-knee-ankle angle of the near leg, degrees (2D, in the image).
        foot_pitch_deg: heel-to-toe line against the floor line, degrees, + toes up:
            the line between the drawn heel and foot_index landmarks (with the heel
            raised on the ball of the foot it tilts less than the rear foot does).
        feet_lifted: True when the feet are in the air.
        roller: the roller.
        facing: the side of the image the head is on.
        person_visible: whether a person is in the image at all.
        expected: check id (and "roller_zone") to "ok" / "fault" / "unknown" (zone name).
        heel_raise_deg: the rear foot (heel to ball) tipped up about the ball of the
            foot with the toes on the floor, degrees (0 when the heel is down or the
            foot is in the air); information only: feet_flat is judged on
            ``foot_pitch_deg``.
    """

    frame: int
    t_ms: float
    width: int
    height: int
    joints_px: dict[str, tuple[float, float]]
    near_side: str
    knee_angle_deg: float | None
    foot_pitch_deg: float | None
    feet_lifted: bool
    roller: RollerTruth
    facing: str
    person_visible: bool
    expected: dict[str, str | None] = field(default_factory=dict)
    heel_raise_deg: float | None = None

    def joint(self, name: str) -> tuple[float, float] | None:
        """A joint's pixel position by MediaPipe name, or None."""
        return self.joints_px.get(name)

    def in_frame(self, name: str, pad: float = 0.0) -> bool:
        """Whether the named joint lies inside the image (shrunk by ``pad`` px)."""
        pt = self.joints_px.get(name)
        if pt is None:
            return False
        return pad <= pt[0] < self.width - pad and pad <= pt[1] < self.height - pad

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready dict, one line of the truth JSONL."""
        return {
            "frame": self.frame,
            "t_ms": round(self.t_ms, 3),
            "width": self.width,
            "height": self.height,
            "joints_px": {k: _r2(v) for k, v in self.joints_px.items()},
            "near_side": self.near_side,
            "knee_angle_deg": _r(self.knee_angle_deg),
            "foot_pitch_deg": _r(self.foot_pitch_deg),
            "heel_raise_deg": _r(self.heel_raise_deg),
            "feet_lifted": self.feet_lifted,
            "roller": self.roller.to_dict(),
            "facing": self.facing,
            "person_visible": self.person_visible,
            "expected": dict(self.expected),
        }


def _r(x: float | None) -> float | None:
    return None if x is None else round(float(x), 3)


def _r2(p: tuple[float, float]) -> list[float]:
    return [round(float(p[0]), 2), round(float(p[1]), 2)]


def angle_deg(a: FloatArray, b: FloatArray, c: FloatArray) -> float:
    """The angle a-b-c at b, degrees (0..180)."""
    v1, v2 = a - b, c - b
    n = float(np.linalg.norm(v1) * np.linalg.norm(v2))
    if n == 0:
        return 0.0
    cos = float(np.dot(v1, v2)) / n
    return math.degrees(math.acos(max(-1.0, min(1.0, cos))))


def joints_px(skel: Skeleton, proj: Projection, facing: Facing) -> dict[str, FloatArray]:
    """Every truth landmark in pixels, by MediaPipe name.

    The near side is the person's right when the head is on the left of the image
    (lying face up), and the left when the head is on the right.
    """
    near = "right" if facing == Facing.LEFT else "left"
    far = "left" if near == "right" else "right"
    pts = skel.points
    out: dict[str, FloatArray] = {}
    for role in SIDE_ROLES:
        w = LATERAL[role]
        if role in ("elbow", "wrist"):
            near_pt, far_pt = pts[role], pts[f"far_{role}"]
        else:
            near_pt = far_pt = pts[role]
        out[f"{near}_{role}"] = proj(near_pt, w)[0]
        out[f"{far}_{role}"] = proj(far_pt, -w)[0]
    out["nose"] = proj(pts["nose"], 0.0)[0]
    out[f"mouth_{near}"] = proj(pts["mouth"], LATERAL["mouth"])[0]
    out[f"mouth_{far}"] = proj(pts["mouth"], -LATERAL["mouth"])[0]
    return out


class SpeedAverager:
    """Mean rolling speed over the last ``window_s`` seconds (trailing), cm/s."""

    def __init__(self, window_s: float = 1.0) -> None:
        self.window_s = window_s
        self._buf: deque[tuple[float, float]] = deque()

    def push(self, t_s: float, speed_cm_s: float) -> float:
        """Add one sample and return the mean over the window, cm/s."""
        self._buf.append((t_s, speed_cm_s))
        while self._buf and self._buf[0][0] < t_s - self.window_s + 1e-9:
            self._buf.popleft()
        return sum(s for _, s in self._buf) / len(self._buf)


def _graded(value: float, threshold: float, margin: float) -> Status:
    """fault above threshold + margin, ok below threshold - margin, else unknown."""
    if value > threshold + margin:
        return Status.FAULT
    if value < threshold - margin:
        return Status.OK
    return Status.UNKNOWN


def expected_statuses(
    rec: TruthRecord,
    *,
    shin_cm: float,
    feet_lift_cm: float,
    thresholds: Thresholds,
    margins: Margins,
) -> dict[str, str | None]:
    """The status each check should report for this frame (see module docstring)."""
    unknown = Status.UNKNOWN.value
    out: dict[str, str | None] = {c.value: unknown for c in CheckId}
    out["roller_zone"] = None
    if not rec.person_visible:
        return out
    n = rec.near_side
    pad = 2.0

    def seen(*roles: str) -> bool:
        return all(rec.in_frame(f"{n}_{role}", pad) for role in roles)

    # knees_bent
    if rec.knee_angle_deg is not None and seen("hip", "knee", "ankle"):
        out[CheckId.KNEES_BENT.value] = _graded(
            rec.knee_angle_deg, thresholds.knee_straight_deg, margins.knee_deg
        ).value

    # feet_flat
    if rec.foot_pitch_deg is not None and seen("ankle", "heel", "foot_index"):
        lift_th = thresholds.foot_lift_max_shin * shin_cm
        lift = _graded(feet_lift_cm, lift_th, margins.foot_lift_frac * lift_th)
        pitch = _graded(abs(rec.foot_pitch_deg), thresholds.foot_pitch_max_deg,
                        margins.foot_pitch_deg)
        if Status.FAULT in (lift, pitch):
            status = Status.FAULT
        elif Status.UNKNOWN in (lift, pitch):
            status = Status.UNKNOWN
        else:
            status = Status.OK
        out[CheckId.FEET_FLAT.value] = status.value

    roller = rec.roller
    torso_seen = seen("shoulder", "hip")
    if roller.visible and torso_seen and roller.position is not None:
        # roller_across_back
        across = roller.orientation == Orientation.ACROSS.value
        out[CheckId.ROLLER_ACROSS_BACK.value] = (Status.OK if across else Status.FAULT).value
        if across:
            pos = roller.position
            zone = zone_of(pos, thresholds.roller_neck_max, thresholds.roller_lower_back_min)
            out["roller_zone"] = zone.value
            near_edge = min(abs(pos - thresholds.roller_neck_max),
                            abs(pos - thresholds.roller_lower_back_min)) <= margins.position
            if near_edge:
                out[CheckId.ROLLER_POSITION.value] = unknown
            else:
                ok = zone == Zone.SHOULDER_BLADES
                out[CheckId.ROLLER_POSITION.value] = (Status.OK if ok else Status.FAULT).value
            out[CheckId.ROLLING_SPEED.value] = _graded(
                roller.speed_avg_cm_s, thresholds.speed_max_cm_s, margins.speed_cm_s
            ).value
    return out
