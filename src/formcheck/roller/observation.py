"""What the roller stage tells the evaluator about the foam roller in one frame.

Pure data, no cv2. Pixel coordinates: x right, y down, origin top-left, px.
"""

from __future__ import annotations

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

    @classmethod
    def missing(cls, reason: NotFoundReason) -> RollerObservation:
        """A "not found" observation with its reason."""
        return cls(found=False, reason=reason)

    def scaled(self, k: float) -> RollerObservation:
        """The same observation on the image scaled by ``k``: centre, size and contact
        times ``k`` (px); angle, position, confidence unchanged."""
        if not self.found or k == 1.0:
            return self

        def sc(p: tuple[float, float] | None) -> tuple[float, float] | None:
            return None if p is None else (p[0] * k, p[1] * k)

        return replace(self, center_px=sc(self.center_px), size_px=sc(self.size_px),
                       contact_px=sc(self.contact_px))

    def to_dict(self) -> dict[str, object]:
        """JSON-ready dict (tuples become lists, enums their values)."""
        return {
            "found": self.found,
            "center_px": list(self.center_px) if self.center_px else None,
            "size_px": list(self.size_px) if self.size_px else None,
            "angle_deg": round(self.angle_deg, 2),
            "orientation": self.orientation.value,
            "contact_px": list(self.contact_px) if self.contact_px else None,
            "position": None if self.position is None else round(self.position, 4),
            "under_back": self.under_back,
            "confidence": round(self.confidence, 3),
            "reason": self.reason.value if self.reason else None,
        }
