"""The form rules' fixed vocabulary: check ids, statuses, zones and cues.

Shared by the evaluator, the scene renderer's ground truth, the overlay and the
reports, so that every output uses the same ids (see docs in shared form-rules).
"""

from __future__ import annotations

from enum import StrEnum


class CheckId(StrEnum):
    """Stable ids of the checks, used in every output."""

    KNEES_BENT = "knees_bent"
    FEET_FLAT = "feet_flat"
    ROLLER_POSITION = "roller_position"
    ROLLER_ACROSS_BACK = "roller_across_back"
    ROLLING_SPEED = "rolling_speed"


class Status(StrEnum):
    """A check's verdict."""

    OK = "ok"
    FAULT = "fault"
    UNKNOWN = "unknown"


class Zone(StrEnum):
    """Where along the back the roller touches."""

    NECK = "neck"
    SHOULDER_BLADES = "shoulder_blades"
    LOWER_BACK = "lower_back"


CHECK_IDS: tuple[CheckId, ...] = tuple(CheckId)

# The cue for each fault, as form-rules gives it.
CUES: dict[str, str] = {
    "knees_bent": "Bend your knees",
    "feet_flat": "Keep your feet flat on the floor",
    "roller_position.lower_back": "Move the roller up, off your lower back",
    "roller_position.neck": "Move the roller down, off your neck",
    "roller_across_back": "Turn the roller across your back",
    "rolling_speed": "Roll slower",
}
