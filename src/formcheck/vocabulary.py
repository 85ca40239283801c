"""The words every stage shares: what is checked, what a check can say, where the roller
is, and what the user is told. Imports nothing from formcheck, so every stage can use it.

Check ids, statuses, zones, orientations, sides and cue keys are enums whose values are
the strings written in every output. Beside them, in one place: the checks' labels, the
cues' texts and priorities, the score's weights (and the formula's text made from them),
the zone of a position along the back, and that position itself (the projection onto
the shoulder-to-hip line).
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from enum import StrEnum
from typing import TYPE_CHECKING, TypeAlias

if TYPE_CHECKING:
    import numpy as np
    from numpy.typing import NDArray

    Point: TypeAlias = Sequence[float] | NDArray[np.float64]
    """A 2-D point: ``(x, y)``, a list, or an array of two floats."""


class CheckId(StrEnum):
    """Stable ids of the checks, used in every output."""

    KNEES_BENT = "knees_bent"
    FEET_FLAT = "feet_flat"
    ROLLER_POSITION = "roller_position"
    ROLLER_ACROSS_BACK = "roller_across_back"
    ROLLING_SPEED = "rolling_speed"
    HEAD_SUPPORTED = "head_supported"
    HIP_HEIGHT = "hip_height"


CHECK_IDS: tuple[CheckId, ...] = tuple(CheckId)


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


class Orientation(StrEnum):
    """Which way the roller lies relative to the spine."""

    ACROSS = "across"  # perpendicular to the spine: seen end-on as a disc from the side
    ALONG = "along"  # along the spine: seen as a long bar under the body
    UNKNOWN = "unknown"


class Side(StrEnum):
    """A side of the body (the one nearer the camera), or of the image (the head's)."""

    LEFT = "left"
    RIGHT = "right"

    @property
    def other(self) -> Side:
        """The opposite side."""
        return Side.RIGHT if self is Side.LEFT else Side.LEFT


class CueKey(StrEnum):
    """What a cue is about: a check, and for the roller's position the zone it is in."""

    KNEES_BENT = "knees_bent"
    FEET_FLAT = "feet_flat"
    ROLLER_NECK = "roller_position.neck"
    ROLLER_LOWER_BACK = "roller_position.lower_back"
    ROLLER_ACROSS_BACK = "roller_across_back"
    ROLLING_SPEED = "rolling_speed"
    HEAD_SUPPORTED = "head_supported"
    HIP_HEIGHT = "hip_height"

    @property
    def check(self) -> CheckId:
        """The check the cue corrects."""
        return CheckId(self.value.partition(".")[0])

    @property
    def zone(self) -> Zone | None:
        """The zone the roller is in, for a cue about its position (else None)."""
        _, _, zone = self.value.partition(".")
        return Zone(zone) if zone else None

    @classmethod
    def of(cls, check: CheckId, zone: Zone | None = None) -> CueKey:
        """The key of a fault of ``check`` (with the roller in ``zone``, for its position)."""
        return cls(f"{check.value}.{zone.value}" if zone is not None else check.value)


CHECK_LABELS: dict[CheckId, str] = {
    CheckId.KNEES_BENT: "Knees bent",
    CheckId.FEET_FLAT: "Feet flat",
    CheckId.ROLLER_POSITION: "Roller position",
    CheckId.ROLLER_ACROSS_BACK: "Roller across back",
    CheckId.ROLLING_SPEED: "Rolling speed",
    CheckId.HEAD_SUPPORTED: "Head supported",
    CheckId.HIP_HEIGHT: "Hip height",
}
"""Each check's name as the overlay and the report show it."""

ZONE_LABELS: dict[Zone, str] = {
    Zone.NECK: "Neck",
    Zone.SHOULDER_BLADES: "Shoulder blades",
    Zone.LOWER_BACK: "Lower back",
}
"""Each zone's name as the report shows it."""

CUES: dict[CueKey, str] = {
    CueKey.KNEES_BENT: "Bend your knees",
    CueKey.FEET_FLAT: "Keep your feet flat on the floor",
    CueKey.ROLLER_LOWER_BACK: "Move the roller up, off your lower back",
    CueKey.ROLLER_NECK: "Move the roller down, off your neck",
    CueKey.ROLLER_ACROSS_BACK: "Turn the roller across your back",
    CueKey.ROLLING_SPEED: "Roll slower",
    CueKey.HEAD_SUPPORTED: "Support your head with your hands",
    CueKey.HIP_HEIGHT: "Lower your hips to ease the pressure",
}
"""What the user is told for each fault."""

# Safety first (the roller on the neck or the lower back, the head hanging back and
# straining the neck), then knees and feet, then the hips' height (the pressure on the
# roller), then the roller's orientation, then speed. Knees come before feet: lying with straight
# legs, the heels rest and the toes point up, so "Bend your knees" brings the feet flat.
CUE_PRIORITY: tuple[CueKey, ...] = (
    CueKey.ROLLER_NECK,
    CueKey.ROLLER_LOWER_BACK,
    CueKey.HEAD_SUPPORTED,
    CueKey.KNEES_BENT,
    CueKey.FEET_FLAT,
    CueKey.HIP_HEIGHT,
    CueKey.ROLLER_ACROSS_BACK,
    CueKey.ROLLING_SPEED,
)
"""Cue keys from the most important down."""
SAFETY_CUES: frozenset[CueKey] = frozenset(CUE_PRIORITY[:3])
"""Cues that interrupt any other at once."""

# Weighted by the harm a fault does: the roller on the spine's ends 3; the set-up that
# keeps the back safe and the neck held (a hanging head strains it on every stroke) 2;
# the pace and the hips' height (how hard the roller presses: a matter of degree the
# seeds leave to the user, "start gently") 1.
SCORE_WEIGHTS: dict[CheckId, float] = {
    CheckId.ROLLER_POSITION: 3.0,
    CheckId.FEET_FLAT: 2.0,
    CheckId.KNEES_BENT: 2.0,
    CheckId.ROLLER_ACROSS_BACK: 2.0,
    CheckId.HEAD_SUPPORTED: 2.0,
    CheckId.ROLLING_SPEED: 1.0,
    CheckId.HIP_HEIGHT: 1.0,
}
"""Each check's weight in the session's score."""
SCORE_MIN_KNOWN = 0.1
"""A check counts towards the score when known for at least this fraction of the session."""
SCORE_NEEDS: tuple[CheckId, ...] = (CheckId.ROLLER_POSITION,)
"""Checks without which there is no score: a session that never judged where the roller
pressed says nothing about the one fault that hurts most."""
SCORE_MIN_VIDEO_S = 1.0
"""A video (not a photo) shorter than this, s, gets no score: a fault must last 0.5 s to
be raised, so a shorter clip could only read well."""
SCORE_MIN_WEIGHT = 0.5
"""The checks counted must carry at least this share of the total weight: a score from
one or two minor checks would read 100 for a session that was hardly judged."""


def _score_formula() -> str:
    by_weight = sorted(CHECK_IDS, key=lambda c: (-SCORE_WEIGHTS[c], CHECK_IDS.index(c)))
    weights = ", ".join(f"{c.value} {SCORE_WEIGHTS[c]:g}" for c in by_weight)
    needs = ", ".join(c.value for c in SCORE_NEEDS)
    return ("round(100 * weighted mean of checks.<id>.ok_fraction over checks known >= "
            f"{SCORE_MIN_KNOWN:.0%} of the session; weights {weights}); no score unless "
            f"{needs} is among them and they carry >= {SCORE_MIN_WEIGHT:.0%} of the weight")


SCORE_FORMULA = _score_formula()
"""The score's formula as the summary states it (made from the weights above)."""


def score_text(score: int | None, reason: str | None = None) -> str:
    """``score 86``, or ``no score: <why>`` (never ``score None``); ``reason`` is the
    summary's ``score_reason``."""
    if score is not None:
        return f"score {score}"
    return f"no score: {reason or NO_SCORE_NOTHING_JUDGED}"


NO_SCORE_NOTHING_JUDGED = f"no check was judged for {SCORE_MIN_KNOWN:.0%} of the time"
"""Why there is no score when no check at all was judged long enough."""


NO_SCORE_NOTHING_IN_PHOTO = "no check could be judged in this photo"
"""The same for a photo, which has no time to judge for (the set-up says why)."""


def no_score_reason(known: dict[CheckId, float], roller_seen: bool = False,
                    video_s: float | None = None, photo: bool = False,
                    setup: str | None = None) -> str | None:
    """Why a session gets no score (None: it gets one).

    Args:
        known: each check's known fraction of the session (0-1).
        roller_seen: whether the roller stage found a roller in any frame (its place
            may still never have been judged: the camera, an unsure find).
        video_s: the video's analysed duration, s (None: a photo, or not known).
        photo: the session is one photo: its reasons speak of the photo, not of time.
        setup: a photo's set-up message where its set-up was not ok ("Move the camera
            round to your side"): said after "no check could be judged in this photo".
    """
    if video_s is not None and video_s < SCORE_MIN_VIDEO_S:
        return (f"the video is too short to judge ({video_s:.1f} s; a score needs "
                f"{SCORE_MIN_VIDEO_S:g} s, or give a photo)")
    counted = [c for c in CHECK_IDS if known.get(c, 0.0) >= SCORE_MIN_KNOWN]
    if not counted:
        if photo and setup:
            return f"{NO_SCORE_NOTHING_IN_PHOTO}: {setup[:1].lower()}{setup[1:]}"
        return NO_SCORE_NOTHING_IN_PHOTO if photo else NO_SCORE_NOTHING_JUDGED
    for need in SCORE_NEEDS:
        if need in counted:
            continue
        share = known.get(need, 0.0)
        if need is CheckId.ROLLER_POSITION and share <= 0:
            if roller_seen:
                return ("a roller was seen, but its place along the back was never judged "
                        "(the report gives the reasons)")
            return "no roller was seen under the back, so its place was never judged"
        if photo:
            return f"{CHECK_LABELS[need].lower()} could not be judged in this photo"
        said = "under 1%" if share < 0.01 else f"{share:.0%}"
        return (f"{CHECK_LABELS[need].lower()} was judged for only {said} of the time "
                f"(a score needs {SCORE_MIN_KNOWN:.0%})")
    total = sum(SCORE_WEIGHTS.values())
    weight = sum(SCORE_WEIGHTS[c] for c in counted)
    if weight < SCORE_MIN_WEIGHT * total - 1e-9:
        judged = ", ".join(CHECK_LABELS[c].lower() for c in counted)
        verb = "was" if len(counted) == 1 else "were"
        return (f"only {judged} {verb} judged long enough: {weight:g} of the score's "
                f"{total:g} weight points, and a score needs {SCORE_MIN_WEIGHT:.0%} of them")
    return None


def zone_of(position: float, neck_max: float, lower_back_min: float) -> Zone:
    """The zone of a position along the back.

    Args:
        position: fraction of the shoulder-to-hip line (0 shoulder, 1 hip, negative
            towards the neck); see :func:`position_along_back`.
        neck_max: positions below this are on the neck.
        lower_back_min: positions above this are on the lower back.
    """
    if position < neck_max:
        return Zone.NECK
    if position > lower_back_min:
        return Zone.LOWER_BACK
    return Zone.SHOULDER_BLADES


def position_along_back(point: Point, shoulder: Point, hip: Point) -> float:
    """Projection of ``point`` onto the shoulder -> hip line: 0 shoulder, 1 hip.

    Negative above the shoulders (towards the neck), above 1 past the hip. The three
    points in one coordinate space (px, or normalised image coordinates); the result is
    unitless. NaN when shoulder and hip coincide.
    """
    sx, sy = float(shoulder[0]), float(shoulder[1])
    dx, dy = float(hip[0]) - sx, float(hip[1]) - sy
    length2 = dx * dx + dy * dy
    if not math.isfinite(length2) or length2 <= 1e-9:
        return math.nan
    return ((float(point[0]) - sx) * dx + (float(point[1]) - sy) * dy) / length2
