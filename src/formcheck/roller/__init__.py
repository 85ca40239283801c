"""Roller stage: finds the foam roller in the image, using the pose to know where to look."""

from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation

__all__ = ["NotFoundReason", "Orientation", "RollerObservation"]
