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
- **What the evaluator reads** is not the face's pitch but the shoulder -> ear line in
  the mid-plane (``head_line_deg``): the pose model finds the ears and shoulders far
  better than which way a face hanging upside down points, and the ear falls behind the
  spine's line as the head hangs back. On the body the 3D scenes pose the two are tied
  by the neck's geometry (``neck_from_head_line``), so the threshold stays in degrees of
  neck extension. The image landmarks lifted onto the mid-plane (through the camera
  fitted in view3d) place the ear better than the world landmarks' depth; those serve
  where the plane is seen edge-on.
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

from formcheck.evaluator.view3d import BodyAxes, body_axes, cross3, vec_norm
from formcheck.pose.landmarks import Landmark
from formcheck.vocabulary import Status

__all__ = ["BodyAxes", "arms_hold_head", "body_axes", "hands_at_head_torso", "head_line_deg",
           "head_line_lifted_deg", "hip_rise_torso", "hips_view_bias_torso",
           "neck_extension_deg", "neck_from_head_line"]

FloatArray = NDArray[np.float64]
L = Landmark

# The shoulder -> ear line against the spine is HEAD_LINE_IN_LINE_DEG with the head in
# line and falls HEAD_LINE_PER_NECK degrees for each degree the neck extends: the neck
# bends at its base and at the skull, so the ear moves less than the face turns. A
# straight-line fit on the 3D scenes' true joints (tuning part, 738 frames; r = -0.997,
# 95% within 0.8 degrees of the line).
HEAD_LINE_IN_LINE_DEG = 0.80
HEAD_LINE_PER_NECK = 0.418
# A fault also needs the face's pitch (ear -> nose) above this, degrees: a hanging head
# tips the face back. The model reads that pitch poorly (its error spans -17 to +19
# p10-p90) but rarely reads a hanging head as tucked: on the 3D set's tuning part any
# value from -30 to 0 took away the one false fault 45-60 degrees round and no fault.
FACE_CONFIRM_DEG = 0.0
# Hands behind the head from the arms (arms_hold_head): both elbows this far past the
# shoulders along the spine towards the head, torso lengths, and a wrist past the
# second. On the tuning part this found 15 more of 29 frames with the hands behind the
# head (3 before), for 4 more of 617 with the arms elsewhere, none a hanging head.
ARMS_AT_HEAD_ELBOW_TORSO = (0.0, 0.5)
ARMS_AT_HEAD_WRIST_TORSO = 0.1
# From the head end and above the floor the pose model reads the hips higher still, as
# the torso foreshortens: on the 3D set's tuning part its error grew from about 0.01
# torso lengths under 20 degrees up to 0.06 at 20-30 and 0.11 at 30-35 (medians). Taken
# off at this rate per degree above HIPS_HEAD_END_FROM_DEG, up to HIPS_HEAD_END_UPTO_DEG
# (few frames were seen higher).
HIPS_HEAD_END_FROM_DEG = 15.0
HIPS_HEAD_END_UPTO_DEG = 35.0
HIPS_HEAD_END_PER_DEG = 0.005


def _unit(v: FloatArray) -> FloatArray | None:
    n = vec_norm(v)
    return v / n if math.isfinite(n) and n > 1e-9 else None


_ANKLES = np.array([int(L.LEFT_ANKLE), int(L.RIGHT_ANKLE)])
_ARMS = np.array([int(L.LEFT_ELBOW), int(L.RIGHT_ELBOW), int(L.LEFT_WRIST), int(L.RIGHT_WRIST)])


def _mean_seen(w: FloatArray, ids: tuple[int, ...], seen: NDArray[np.bool_]) -> FloatArray | None:
    use = [i for i in ids if seen[i] and math.isfinite(float(w[i].sum()))]
    if len(use) == 2:  # the two ears: what .mean(axis=0) gives, without its overhead
        return np.asarray((w[use[0]] + w[use[1]]) / 2, float)
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


def head_line_deg(world: FloatArray, axes: BodyAxes,
                  seen: NDArray[np.bool_] | None = None) -> float:
    """The shoulder -> ear line against the spine in the body's mid-plane, degrees from
    world landmarks (m): 0 with the ear on the spine's line, + with it towards the chest
    (head raised), - dropped behind the back (hanging back). Both ears' mean where both
    are seen; NaN without an ear."""
    w = np.asarray(world, float)
    ok = np.ones(len(w), bool) if seen is None else np.asarray(seen, bool)
    ear = _mean_seen(w, (L.LEFT_EAR, L.RIGHT_EAR), ok)
    if ear is None:
        return math.nan
    d = ear - axes.shoulder
    return _line_deg(float(d @ axes.spine), float(d @ axes.back))


def head_line_lifted_deg(step: tuple[float, float] | None) -> float:
    """:func:`head_line_deg` from the step from the mid-shoulder to the ears' midpoint
    lifted onto the mid-plane (m along the spine, m out of the back), as
    ``view3d.BodyView.midplane_offset`` gives it; NaN where it could not be lifted."""
    if step is None:
        return math.nan
    return _line_deg(step[0], step[1])


def _line_deg(along: float, behind: float) -> float:
    if abs(along) + abs(behind) < 1e-9:
        return math.nan
    return math.degrees(math.atan2(-behind, along))


def neck_from_head_line(line_deg: float, read_bias_deg: float = 0.0) -> float:
    """The neck's extension, degrees (as :func:`neck_extension_deg`), from the shoulder ->
    ear line read ``read_bias_deg`` higher than it is (the pose model's bias)."""
    return (HEAD_LINE_IN_LINE_DEG - (line_deg - read_bias_deg)) / HEAD_LINE_PER_NECK


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
    return min(vec_norm(x - ear) for x in wrists) / axes.torso_m


def hip_rise_torso(world: FloatArray, axes: BodyAxes) -> float:
    """The mid-hip's height above the line from the mid-shoulder to the mid-ankle, in
    torso lengths, measured in the body's mid-plane square to that line, + away from the
    back (up, lying on it). NaN without the ankles."""
    w = np.asarray(world, float)
    ank_pts = w[_ANKLES]
    if not np.isfinite(ank_pts).all() or axes.torso_m <= 0:
        return math.nan
    d = (ank_pts[0] + ank_pts[1]) / 2 - axes.shoulder  # .mean(axis=0) of the two
    d = _unit(d - float(d @ axes.lateral) * axes.lateral)
    if d is None:
        return math.nan
    up = cross3(axes.lateral, d)
    if float(up @ axes.back) > 0:
        up = -up
    return float((axes.hip - axes.shoulder) @ up) / axes.torso_m


def hips_view_bias_torso(elevation_deg: float, from_head_end: bool) -> float:
    """How much higher than the base bias the pose model reads the hips from this camera
    place (torso lengths): 0 but from the head end above ``HIPS_HEAD_END_FROM_DEG``."""
    if not from_head_end or not math.isfinite(elevation_deg):
        return 0.0
    el = min(elevation_deg, HIPS_HEAD_END_UPTO_DEG)
    return HIPS_HEAD_END_PER_DEG * max(0.0, el - HIPS_HEAD_END_FROM_DEG)


def arms_hold_head(world: FloatArray, axes: BodyAxes) -> bool:
    """Hands behind the head, read from the arms: both elbows raised past the shoulders
    towards the head but not beyond it, and a wrist past the shoulders too (world
    landmarks, m). The pose model rarely finds a wrist hidden behind the head (on the 3D
    set's tuning part it put the nearer wrist a median 0.79 torso lengths from the ears
    where the truth is 0.2), but it finds the raised elbows."""
    w = np.asarray(world, float)
    if axes.torso_m <= 0:
        return False
    arms = w[_ARMS]
    if not np.isfinite(arms).all():
        return False
    along = [float((p - axes.shoulder) @ axes.spine) / axes.torso_m for p in arms]
    lo, hi = ARMS_AT_HEAD_ELBOW_TORSO
    return (min(along[:2]) > lo and max(along[:2]) < hi
            and max(along[2:]) > ARMS_AT_HEAD_WRIST_TORSO)


@dataclass(frozen=True, slots=True)
class Judgement:
    """A check's status in one frame, its reading and why it is unknown."""

    status: Status
    value: float | None
    reason: str = ""


def judge_head(neck_deg: float, hands_torso: float, max_deg: float,
               hands_max_torso: float, face_deg: float = math.inf,
               arms_hold: bool = False) -> Judgement:
    """``head_supported``: ok with a hand at the head (a wrist within ``hands_max_torso``
    of the ears, or ``arms_hold``: :func:`arms_hold_head`) or the head in line (``neck_deg``,
    the neck's extension read from the shoulder -> ear line, at most ``max_deg``), fault
    when it tips back further and the face's own pitch (``face_deg``, from the ear ->
    nose line) agrees that it is not tucked (above ``FACE_CONFIRM_DEG``), unknown when
    the head is not seen. The value is ``neck_deg`` (None with the hands at the head and
    the head not seen)."""
    if arms_hold or (math.isfinite(hands_torso) and hands_torso <= hands_max_torso):
        return Judgement(Status.OK, neck_deg if math.isfinite(neck_deg) else None)
    if not math.isfinite(neck_deg):
        return Judgement(Status.UNKNOWN, None, "Head not visible")
    # a NaN face (nose not seen) confirms nothing either way: the ear line decides
    if neck_deg > max_deg and not face_deg <= FACE_CONFIRM_DEG:
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
