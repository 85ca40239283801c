"""What the roller stage tells the evaluator about the foam roller in one frame.

Pure data, no cv2. Pixel coordinates: x right, y down, origin top-left, px.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace
from enum import StrEnum

from formcheck.vocabulary import Orientation

__all__ = ["NotFoundReason", "Orientation", "RollerObservation"]


class NotFoundReason(StrEnum):
    """Why no roller was reported."""

    NOT_PRESENT = "not_present"  # nothing roller-like near the body
    HIDDEN = "hidden"  # expected under the body but occluded or too unsure
    OUT_OF_FRAME = "out_of_frame"  # the place it should be is outside the image
    NO_PERSON = "no_person"  # no pose, so no place to look


@dataclass(frozen=True, slots=True)
class RollerObservation:
    """The roller in one frame, or why it is not reported.

    Attributes:
        found: True when a roller was detected (or kept by the tracker).
        center_px: (x, y) centre of the roller's silhouette, px.
        size_px: (length, thickness) of the silhouette, px: for a roller seen end-on both
            are about its diameter; along the spine, length is the bar's length.
        angle_deg: angle of the silhouette's long axis to the image x axis, degrees.
        orientation: across the back or along the spine.
        contact_px: (x, y) where the roller touches the back, px.
        position: contact's place along the shoulder-to-hip line: 0 at the shoulder,
            1 at the hip, negative above the shoulders (towards the neck), unitless.
        under_back: True when the contact lies under the torso (not under the legs).
        confidence: 0..1.
        reason: why not found (when ``found`` is False).
        ends_px: ((x, y), (x, y)) both ends of the whole roller's axis in the image, px
            (hidden parts included where the detector infers them), or None. For a roller
            seen end-on the two ends nearly coincide.
        diameter_px: apparent diameter across the axis, px, or None.
    """

    found: bool
    center_px: tuple[float, float] | None = None
    size_px: tuple[float, float] | None = None
    angle_deg: float = 0.0
    orientation: Orientation = Orientation.UNKNOWN
    contact_px: tuple[float, float] | None = None
    position: float | None = None
    under_back: bool = False
    confidence: float = 0.0
    reason: NotFoundReason | None = None
    ends_px: tuple[tuple[float, float], tuple[float, float]] | None = None
    diameter_px: float | None = None

    @classmethod
    def missing(cls, reason: NotFoundReason) -> RollerObservation:
        """A "not found" observation with its reason."""
        return cls(found=False, reason=reason)

    def scaled(self, k: float) -> RollerObservation:
        """The same observation on the image scaled by ``k``: centre, size, contact, ends
        and diameter times ``k`` (px); angle, position, confidence unchanged."""
        if not self.found or k == 1.0:
            return self

        def sc(p: tuple[float, float] | None) -> tuple[float, float] | None:
            return None if p is None else (p[0] * k, p[1] * k)

        ends = self.ends_px
        return replace(self, center_px=sc(self.center_px), size_px=sc(self.size_px),
                       contact_px=sc(self.contact_px),
                       ends_px=None if ends is None else (
                           (ends[0][0] * k, ends[0][1] * k), (ends[1][0] * k, ends[1][1] * k)),
                       diameter_px=None if self.diameter_px is None else self.diameter_px * k)

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (tuples become lists, enums their values). Pixels are rounded
        to 0.01 px, as the ends are: their last bits differ between CPUs (the network's
        arithmetic), and a hundredth of a pixel is all anyone can use."""
        out: dict[str, object] = {
            "found": self.found,
            "center_px": _px(self.center_px),
            "size_px": _px(self.size_px),
            "angle_deg": round(self.angle_deg, 2),
            "orientation": self.orientation.value,
            "contact_px": _px(self.contact_px),
            "position": None if self.position is None else round(self.position, 4),
            "under_back": self.under_back,
            "confidence": round(self.confidence, 3),
            "reason": self.reason.value if self.reason else None,
        }
        # only when known, so that outputs recorded before these fields stay the same
        if self.ends_px is not None:
            out["ends_px"] = [[round(v, 2) for v in e] for e in self.ends_px]
        if self.diameter_px is not None:
            out["diameter_px"] = round(self.diameter_px, 2)
        return out

    def ends(self) -> tuple[tuple[float, float], tuple[float, float]] | None:
        """Both ends of the roller's axis, px: ``ends_px`` when the detector gave them,
        else the silhouette's long axis (``center_px`` +- half ``size_px[0]`` along
        ``angle_deg``); None when not found."""
        if self.ends_px is not None:
            return self.ends_px
        if self.center_px is None or self.size_px is None:
            return None
        a = math.radians(self.angle_deg)
        h = 0.5 * self.size_px[0]
        (cx, cy), (dx, dy) = self.center_px, (h * math.cos(a), h * math.sin(a))
        return (cx - dx, cy - dy), (cx + dx, cy + dy)

    def diameter(self) -> float | None:
        """Apparent diameter, px: ``diameter_px`` when given, else the silhouette's
        thickness (``size_px[1]``); None when not found."""
        if self.diameter_px is not None:
            return self.diameter_px
        return None if self.size_px is None else self.size_px[1]

    @property
    def axis_deg(self) -> float | None:
        """Angle of the roller's axis (:meth:`ends`) to the image x axis, degrees in
        [0, 180); None when not found."""
        ends = self.ends()
        if ends is None:
            return None
        (x0, y0), (x1, y1) = ends
        return math.degrees(math.atan2(y1 - y0, x1 - x0)) % 180.0


def _px(p: tuple[float, float] | None) -> list[float] | None:
    """A point or size in px for JSON, to 0.01 px; None as None."""
    return None if not p else [round(float(v), 2) for v in p]
