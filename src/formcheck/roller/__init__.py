"""Roller stage: finds the foam roller in the image, using the pose to know where to look."""

from formcheck.roller.color import ColorHint
from formcheck.roller.detector import RollerDetector, calibrate
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation
from formcheck.roller.tracker import RollerTracker

__all__ = [
    "ColorHint",
    "NotFoundReason",
    "Orientation",
    "RollerDetector",
    "RollerObservation",
    "RollerTracker",
    "calibrate",
]
