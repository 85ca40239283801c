"""Two checks a physiotherapist makes: the head held (``head_supported``) and the hips'
height, which sets how much of the body's weight rests on the roller (``hip_height``).

Pure numpy. Both read the body in 3D, from (33, 3) landmarks in any world space (metres:
MediaPipe's world landmarks, or a scene's true joints), so neither depends on where the
camera stands nor on which side of the image the head lies: the body's own axes (spine,
left-right, back) carry every angle and height.

Decisions, and why:

- **Neck extension** is the head's pitch against the upper back: the ear -> nose line
  (where the face points) in the body's mid-plane, against the chest's outward normal,
  + when the chin tips up and the head hangs back. The shoulder -> ear line moves only
  half as much as the head turns (the neck bends at its base and at the skull), so it
  separates a hanging head from one held in line by half the margin; the ear, the
  shoulders and the spine still set the frame the angle is read in.
- **Hands behind the head** hold it whatever its angle: a wrist within a fraction of the
  torso of the ears.
- **Hip height** is the mid-hip above the line from the mid-shoulder (resting on the
  roller) to the mid-ankle (on the floor), in torso lengths. The line from the shoulders
  to the knees drops as the legs straighten, so straight legs with the seat on the floor
  would read as high hips; the ankles stay on the floor in both.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.view3d import BodyAxes, body_axes, cross3
from formcheck.pose.landmarks import Landmark
from formcheck.vocabulary import Status

__all__ = ["BodyAxes", "body_axes", "hands_at_head_torso", "hip_rise_torso",
           "neck_extension_deg"]

FloatArray = NDArray[np.float64]
L = Landmark


def _unit(v: FloatArray) -> FloatArray | None:
    n = float(np.linalg.norm(v))
    return v / n if math.isfinite(n) and n > 1e-9 else None


def _mean_seen(w: FloatArray, ids: tuple[int, ...], seen: NDArray[np.bool_]) -> FloatArray | None:
    use = [i for i in ids if seen[i] and np.isfinite(w[i]).all()]
    return w[use].mean(axis=0) if use else None


def neck_extension_deg(world: FloatArray, axes: BodyAxes,
                       seen: NDArray[np.bool_] | None = None) -> float:
    """The head's pitch against the upper back, degrees: 0 in line, + tipped back (chin
    up), - tucked. The ear -> nose line projected on the body's mid-plane, against the
    chest's outward normal (``-back``), positive towards the head end (``spine``). Both
    ears' mean where both are seen. NaN without the nose or an ear."""
    w = np.asarray(world, float)
    ok = np.ones(len(w), bool) if seen is None else np.asarray(seen, bool)
    ear = _mean_seen(w, (L.LEFT_EAR, L.RIGHT_EAR), ok)
    if ear is None or not ok[L.NOSE] or not np.isfinite(w[L.NOSE]).all():
        return math.nan
    face = w[L.NOSE] - ear
    along, out = float(face @ axes.spine), float(-(face @ axes.back))
    if abs(along) + abs(out) < 1e-9:
        return math.nan
    return math.degrees(math.atan2(along, out))


def hands_at_head_torso(world: FloatArray, axes: BodyAxes,
                        seen: NDArray[np.bool_] | None = None) -> float:
    """The nearer seen wrist's distance from the ears' mean, in torso lengths (NaN where
    no wrist or no ear is seen)."""
    w = np.asarray(world, float)
    ok = np.ones(len(w), bool) if seen is None else np.asarray(seen, bool)
    ear = _mean_seen(w, (L.LEFT_EAR, L.RIGHT_EAR), ok)
    wrists = [w[i] for i in (L.LEFT_WRIST, L.RIGHT_WRIST) if ok[i] and np.isfinite(w[i]).all()]
    if ear is None or not wrists or axes.torso_m <= 0:
        return math.nan
    return min(float(np.linalg.norm(x - ear)) for x in wrists) / axes.torso_m


def hip_rise_torso(world: FloatArray, axes: BodyAxes) -> float:
    """The mid-hip's height above the line from the mid-shoulder to the mid-ankle, in
    torso lengths, measured in the body's mid-plane square to that line, + away from the
    back (up, lying on it). NaN without the ankles."""
    w = np.asarray(world, float)
    ank_pts = w[[L.LEFT_ANKLE, L.RIGHT_ANKLE]]
    if not np.isfinite(ank_pts).all() or axes.torso_m <= 0:
        return math.nan
    d = ank_pts.mean(axis=0) - axes.shoulder
    d = _unit(d - float(d @ axes.lateral) * axes.lateral)
    if d is None:
        return math.nan
    up = cross3(axes.lateral, d)
    if float(up @ axes.back) > 0:
        up = -up
    return float((axes.hip - axes.shoulder) @ up) / axes.torso_m


@dataclass(frozen=True, slots=True)
class Judgement:
    """A check's status in one frame, its reading and why it is unknown."""

    status: Status
    value: float | None
    reason: str = ""


def judge_head(neck_deg: float, hands_torso: float, max_deg: float,
               hands_max_torso: float) -> Judgement:
    """``head_supported``: ok with a hand at the head or the head in line (pitch at most
    ``max_deg``), fault when it tips back further, unknown when the head is not seen.
    The value is the neck's extension, degrees (NaN with the hands at the head and the
    face not seen)."""
    if math.isfinite(hands_torso) and hands_torso <= hands_max_torso:
        return Judgement(Status.OK, neck_deg if math.isfinite(neck_deg) else None)
    if not math.isfinite(neck_deg):
        return Judgement(Status.UNKNOWN, None, "Head not visible")
    if neck_deg > max_deg:
        return Judgement(Status.FAULT, neck_deg)
    return Judgement(Status.OK, neck_deg)


def judge_hips(rise_torso: float, max_torso: float) -> Judgement:
    """``hip_height``: fault when the hips rise more than ``max_torso`` above the
    shoulder -> ankle line, else ok; unknown without a reading."""
    if not math.isfinite(rise_torso):
        return Judgement(Status.UNKNOWN, None, "Hips or feet not visible")
    if rise_torso > max_torso:
        return Judgement(Status.FAULT, rise_torso)
    return Judgement(Status.OK, rise_torso)
