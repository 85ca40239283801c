"""Pure geometry of the roller against the body: no cv2.

Pixel coordinates: x right, y down, origin top-left, px. Positions along the back are
unitless fractions of the shoulder-to-hip line (0 shoulder, 1 hip, negative towards
the neck).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.frame import Pose
from formcheck.pose.landmarks import SIDE_LANDMARKS, Landmark
from formcheck.vocabulary import Side, position_along_back

FloatArray = NDArray[np.float64]
Point = tuple[float, float]

# A contact up to this far past the hip (fraction of the torso) still counts as "under
# the back": the lumbar spine ends at the pelvis, a little past the hip joint's line.
UNDER_BACK_MAX = 1.15
NOSE = int(Landmark.NOSE)
# ... and up to this far above the shoulders (the neck and the head).
UNDER_BACK_MIN = -0.6
# The face turned towards the floor (cosine of the nose's direction from the ears to
# the body's up normal below this) means the person lies face down: what is under the
# torso is under the chest or the hips, not the back. Lying on the back, the face
# points up (cosine ~0.9 and more); a face seen end-on (nose within FACE_MIN_SPAN torso
# lengths of the ears) tells nothing.
FACE_DOWN_MAX = 0.0
FACE_MIN_SPAN = 0.05


# each role's landmark on both sides, left then right
_BOTH_SIDES = {role: np.array([int(SIDE_LANDMARKS[s][role]) for s in Side])
               for role in ("shoulder", "hip", "knee", "ankle", "ear")}


def _segment_distance(p: FloatArray, a: FloatArray, b: FloatArray) -> float:
    ab = b - a
    denom = float(ab @ ab)
    # np.clip and np.linalg.norm written out: the same values, without their overhead
    t = 0.0 if denom <= 1e-9 else min(max(float((p - a) @ ab / denom), 0.0), 1.0)
    d = p - (a + t * ab)
    return math.sqrt(float(d @ d))


@dataclass(frozen=True, slots=True)
class Body:
    """The landmarks the roller stage needs, as pixel points (both sides merged).

    Attributes:
        shoulder, hip: (2,) px, visibility-weighted means of the left and right joints.
        knee, ankle: (2,) px, or None when neither side is visible enough.
        length: shoulder-to-hip length, px.
        axis: (2,) unit vector from shoulder to hip.
        up: (2,) unit normal of the axis pointing up the image (from the floor to the back).
        visibility: the least visibility of shoulder and hip (0..1).
        face_up: cosine of the angle between the face's direction (ears to nose) and
            ``up`` (1 face up, -1 face to the floor), or None when it cannot be told.
    """

    shoulder: FloatArray
    hip: FloatArray
    knee: FloatArray | None
    ankle: FloatArray | None
    length: float
    axis: FloatArray
    up: FloatArray
    visibility: float
    face_up: float | None = None

    @classmethod
    def from_pose(cls, pose: Pose, min_visibility: float = 0.2) -> Body | None:
        """Merge the sides of ``pose``; None when the shoulder-hip line is degenerate."""

        def joint(role: str, required: bool) -> tuple[FloatArray | None, float]:
            idx = _BOTH_SIDES[role]
            vis = np.minimum(np.maximum(pose.visibility[idx], 0.0), 1.0)  # np.clip's
            if vis.max() < min_visibility and not required:
                return None, float(vis.max())
            w = vis + 1e-3
            return (pose.xy[idx] * w[:, None]).sum(axis=0) / w.sum(), float(vis.max())

        shoulder, vs = joint("shoulder", True)
        hip, vh = joint("hip", True)
        knee, _ = joint("knee", False)
        ankle, _ = joint("ankle", False)
        assert shoulder is not None and hip is not None
        d = hip - shoulder
        length = float(np.hypot(d[0], d[1]))
        if not math.isfinite(length) or length < 4.0:
            return None
        axis = d / length
        up = np.array([axis[1], -axis[0]])
        if up[1] > 0:
            up = -up
        ear, _ = joint("ear", False)
        face_up = None
        if ear is not None and float(pose.visibility[NOSE]) >= min_visibility:
            d_face = pose.xy[NOSE] - ear
            span = float(np.hypot(d_face[0], d_face[1]))
            if span >= FACE_MIN_SPAN * length:
                face_up = float(d_face @ up) / span
        return cls(shoulder=shoulder, hip=hip, knee=knee, ankle=ankle, length=length,
                   axis=axis, up=up, visibility=min(vs, vh), face_up=face_up)

    def position(self, point: Point) -> float:
        """Fraction of the shoulder-to-hip line at which ``point`` projects."""
        return position_along_back(point, (float(self.shoulder[0]), float(self.shoulder[1])),
                                   (float(self.hip[0]), float(self.hip[1])))

    def head_end(self, reach: float = 0.45) -> FloatArray:
        """A point ``reach`` torso lengths above the shoulder along the axis (the neck), px."""
        return self.shoulder - reach * self.length * self.axis

    def chain(self) -> list[FloatArray]:
        """The body's line from the neck through shoulder, hip, knee and ankle, px."""
        pts = [self.head_end(), self.shoulder, self.hip]
        if self.knee is not None:
            pts.append(self.knee)
            if self.ankle is not None:
                pts.append(self.ankle)
        return pts

    def along_back(self, point: Point) -> bool:
        """True when ``point`` (px) projects onto the back's stretch of the shoulder-hip
        line: between ``UNDER_BACK_MIN`` (the neck) and ``UNDER_BACK_MAX`` (the hips)."""
        return UNDER_BACK_MIN <= self.position(point) <= UNDER_BACK_MAX

    def under_back(self, contact: Point) -> bool:
        """True when ``contact`` lies under the torso (or neck), not under the legs.

        The contact must lie :meth:`along_back` and nearer the torso line than the thigh
        or the shin, and the person must not lie face down (``face_up`` below
        ``FACE_DOWN_MAX``).
        """
        if self.face_up is not None and self.face_up < FACE_DOWN_MAX:
            return False
        if not self.along_back(contact):
            return False
        p = np.asarray(contact, dtype=np.float64)
        d_torso = _segment_distance(p, self.head_end(), self.hip)
        legs = []
        if self.knee is not None:
            legs.append(_segment_distance(p, self.hip, self.knee))
            if self.ankle is not None:
                legs.append(_segment_distance(p, self.knee, self.ankle))
        return all(d_torso <= d for d in legs)
