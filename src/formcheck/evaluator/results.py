"""The evaluator's results: one verdict per frame and a session summary.

Plain frozen dataclasses with ``to_dict()`` giving JSON-ready dicts (they become
``frames.jsonl`` and ``summary.json`` in the analyzer). Units are in the field names.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from enum import StrEnum

import numpy as np
from numpy.typing import NDArray

from formcheck.vocabulary import CheckId, CueKey, Side, Status, Zone


class SetupCode(StrEnum):
    """Why the set-up does not allow (some) checks; ``OK`` when it does."""

    OK = "ok"
    NO_PERSON = "no_person"
    MULTIPLE_PEOPLE = "multiple_people"
    BODY_PARTIAL = "body_partial"
    NOT_LYING = "not_lying"
    NOT_ON_BACK = "not_on_back"
    NOT_SIDE_ON = "not_side_on"
    CAMERA_TOO_FAR_ROUND = "camera_too_far_round"
    CAMERA_TOO_HIGH = "camera_too_high"
    ROLLER_NOT_VISIBLE = "roller_not_visible"


def _round(value: float | None, digits: int = 3) -> float | None:
    if value is None or not math.isfinite(value):
        return None
    return round(value, digits)


@dataclass(frozen=True, slots=True)
class SetupState:
    """The set-up in one frame.

    Attributes:
        code: ``OK`` or the first set-up problem found.
        message: what to tell the user ("" when ok).
        missing: body parts out of view or not visible ("feet", "knees", ...).
    """

    code: SetupCode = SetupCode.OK
    message: str = ""
    missing: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        return self.code is SetupCode.OK

    def to_dict(self) -> dict[str, object]:
        return {"code": self.code.value, "message": self.message, "missing": list(self.missing)}


@dataclass(frozen=True, slots=True)
class CheckVerdict:
    """One check in one frame.

    Attributes:
        status: the reported status: debounced (a fault shows only after it has lasted
            ``fault_onset_s``, and clears with hysteresis); for a still, the frame's own.
        frame_status: this frame's reading alone, before debouncing.
        value: the measured value (None when it could not be measured).
        unit: the value's unit ("deg", "cm/s", "fraction of torso", ...).
        reason: why the status is unknown ("" otherwise).
        zone: for roller_position, where the roller is.
        extra: further measurements behind the verdict (e.g. feet_flat's
            ``ankle_lift_shin``), name -> value.
    """

    check: CheckId
    status: Status
    frame_status: Status
    value: float | None = None
    unit: str = ""
    reason: str = ""
    zone: Zone | None = None
    extra: dict[str, float] = field(default_factory=dict)

    def to_dict(self) -> dict[str, object]:
        out: dict[str, object] = {
            "status": self.status.value,
            "frame_status": self.frame_status.value,
            "value": _round(self.value),
            "unit": self.unit,
            "reason": self.reason,
        }
        if self.check is CheckId.ROLLER_POSITION:
            out["zone"] = self.zone.value if self.zone else None
        if self.extra:
            out["extra"] = {k: _round(v) for k, v in self.extra.items()}
        return out


@dataclass(frozen=True, slots=True)
class Cue:
    """The one cue shown now.

    Attributes:
        text: what to say.
        check: the check whose fault it addresses.
        key: what the cue is about (its text is ``vocabulary.CUES[key]``).
        since_s: when it was first shown, s.
        new: True on the frames it is (re)announced: when raised, and every
            ``cues.repeat_s`` while its fault lasts. A speaking front end speaks then.
    """

    text: str
    check: CheckId
    key: CueKey
    since_s: float
    new: bool = False

    def to_dict(self) -> dict[str, object]:
        return {
            "text": self.text,
            "check": self.check.value,
            "key": self.key.value,
            "since_s": _round(self.since_s),
            "new": self.new,
        }


@dataclass(frozen=True, slots=True)
class FrameVerdict:
    """The evaluator's verdict on one frame.

    Attributes:
        t_s: the frame's timestamp, s.
        index: the frame's index in the source.
        setup: set-up state.
        near_side: the body side nearer the camera (None: no person).
        head_side: which side of the image the head is on (None: not known).
        checks: one verdict per check, in :class:`CheckId` order.
        roller_position: the roller's contact along the back (0 shoulder, 1 hip) after
            smoothing, or None.
        cue: the active cue, or None.
        landmarks_px: (33, 2) smoothed landmarks, px (NaN where unknown), for the overlay;
            None when there is no person.
        others: people in view besides the one followed (at the last count).
        followed_at: where the followed one is among them ("left", "right", "middle").
    """

    t_s: float
    index: int
    setup: SetupState
    near_side: Side | None
    head_side: Side | None
    checks: dict[CheckId, CheckVerdict]
    roller_position: float | None
    cue: Cue | None
    landmarks_px: NDArray[np.float64] | None = field(default=None, compare=False)
    others: int = 0
    followed_at: str | None = None

    def status(self, check: CheckId) -> Status:
        """Shortcut: the reported status of one check."""
        return self.checks[check].status

    def to_dict(self, include_landmarks: bool = False) -> dict[str, object]:
        """JSON-ready dict; landmarks (rounded to 0.1 px) only when asked."""
        out: dict[str, object] = {
            "t_s": _round(self.t_s),
            "index": self.index,
            "setup": self.setup.to_dict(),
            "near_side": self.near_side,
            "head_side": self.head_side,
            "checks": {c.value: v.to_dict() for c, v in self.checks.items()},
            "roller_position": _round(self.roller_position, 4),
            "cue": self.cue.to_dict() if self.cue else None,
        }
        if self.others:  # only where someone else is in view: most sessions have nobody
            out["others"] = {"count": self.others, "followed_at": self.followed_at}
        if include_landmarks:
            lm = self.landmarks_px
            out["landmarks_px"] = (
                None if lm is None else [[_round(float(x), 1), _round(float(y), 1)] for x, y in lm]
            )
        return out


@dataclass(frozen=True, slots=True)
class FaultEpisode:
    """One reported fault, from its onset (first faulty frame) to its end, s."""

    check: CheckId
    start_s: float
    end_s: float
    cue: str
    key: CueKey

    @property
    def duration_s(self) -> float:
        return self.end_s - self.start_s

    def to_dict(self) -> dict[str, object]:
        return {
            "check": self.check.value,
            "start_s": _round(self.start_s),
            "end_s": _round(self.end_s),
            "cue": self.cue,
            "key": self.key.value,
        }


@dataclass(frozen=True, slots=True)
class CheckSummary:
    """One check over the session.

    Attributes:
        status: fault if any fault episode was reported; ok if known at all and never
            faulty; unknown if never known.
        ok_fraction: share of the known time in good form (None if never known).
        known_fraction: share of the session's time the check was known.
        ok_s, fault_s, unknown_s: time per reported status, s.
    """

    check: CheckId
    status: Status
    ok_fraction: float | None
    known_fraction: float
    ok_s: float
    fault_s: float
    unknown_s: float

    def to_dict(self) -> dict[str, object]:
        return {
            "status": self.status.value,
            "ok_fraction": _round(self.ok_fraction, 4),
            "known_fraction": _round(self.known_fraction, 4),
            "ok_s": _round(self.ok_s),
            "fault_s": _round(self.fault_s),
            "unknown_s": _round(self.unknown_s),
        }


@dataclass(frozen=True, slots=True)
class StrokeSummary:
    """Passes of the roller up or down the back."""

    count: int
    mean_speed_cm_s: float | None
    mean_length_cm: float | None

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "mean_speed_cm_s": _round(self.mean_speed_cm_s, 2),
            "mean_length_cm": _round(self.mean_length_cm, 2),
        }


@dataclass(frozen=True, slots=True)
class HoldSummary:
    """Times the roller stayed on one spot for a few seconds."""

    count: int
    durations_s: tuple[float, ...]
    positions: tuple[float, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "count": self.count,
            "durations_s": [_round(d, 2) for d in self.durations_s],
            "positions": [_round(p, 3) for p in self.positions],
        }


@dataclass(frozen=True, slots=True)
class CoverageSummary:
    """Where the roller spent its time.

    Attributes:
        zone_s: seconds per zone.
        bin_edges: edges of the position histogram (fractions of the torso, 0 shoulder).
        bin_s: seconds per histogram bin (len(bin_edges) - 1 values).
    """

    zone_s: dict[Zone, float]
    bin_edges: tuple[float, ...]
    bin_s: tuple[float, ...]

    def to_dict(self) -> dict[str, object]:
        return {
            "zone_s": {z.value: _round(s, 2) for z, s in self.zone_s.items()},
            "bin_edges": [_round(e, 3) for e in self.bin_edges],
            "bin_s": [_round(s, 2) for s in self.bin_s],
        }


# A camera within these of a side view and of the floor reads as "side-on, near the floor"
SIDE_ON_DEG = 15.0
NEAR_FLOOR_DEG = 15.0
# Advice on the camera's place is given where the roller's place was known for less than
# this share of the session.
ADVICE_KNOWN_MAX = 0.5


@dataclass(frozen=True, slots=True)
class CameraPlace:
    """Where the camera stood, read from the body's 3D axes (``roller.geometry = 3d``).

    Attributes:
        azimuth_deg: round from a side view, degrees (0 side-on, 90 from the head or feet).
        elevation_deg: above the floor plane, degrees (0 at floor level).
        advice: where to put the camera next time, in words, when the roller was seen
            but its place unknown for most of the session from a camera that was not
            side-on near the floor (:func:`camera_advice`); None otherwise.
    """

    azimuth_deg: float
    elevation_deg: float
    advice: str | None = None

    @property
    def side_on_near_floor(self) -> bool:
        """Within ``SIDE_ON_DEG`` of a side view and ``NEAR_FLOOR_DEG`` of the floor
        (degrees): where the roller shows best (docs/scenes3d.md, "Where to film
        from")."""
        return self.azimuth_deg < SIDE_ON_DEG and self.elevation_deg < NEAR_FLOOR_DEG

    @property
    def words(self) -> str:
        """The place in words: "side-on, near the floor", "30° round from the side, 25°
        above the floor"."""
        round_ = ("side-on" if self.azimuth_deg < SIDE_ON_DEG
                  else f"{self.azimuth_deg:.0f}° round from the side")
        high = ("near the floor" if self.elevation_deg < NEAR_FLOOR_DEG
                else f"{self.elevation_deg:.0f}° above the floor")
        return f"{round_}, {high}"

    def to_dict(self) -> dict[str, object]:
        return {"azimuth_deg": _round(self.azimuth_deg, 1),
                "elevation_deg": _round(self.elevation_deg, 1), "place": self.words,
                "advice": self.advice}


def camera_advice(place: CameraPlace, position_known: float, photo: bool) -> str | None:
    """What to tell a user whose camera stood where the roller is hard to see: when the
    roller's place (``roller_position``) was known for under ``ADVICE_KNOWN_MAX`` of the
    session (``position_known``, 0-1) and the camera was not side-on near the floor.
    None where the camera stood well, or the place was judged enough from where it was."""
    if place.side_on_near_floor or position_known >= ADVICE_KNOWN_MAX:
        return None
    unknown = "could not be judged" if photo else (
        f"was unknown {100 * (1 - position_known):.0f}% of the time")
    return (f"the roller's place {unknown} from {place.words}: film side-on from near "
            f"the floor to judge it")


@dataclass(frozen=True, slots=True)
class OthersInView:
    """People besides the one followed, over the session.

    Attributes:
        seconds: time with someone else in view, s (None for a photo).
        most: the most people besides the followed one at any count.
        followed_at: where the followed person was among them most of that time, in
            the image ("left", "right", "middle"), or None where it could not be told.
    """

    seconds: float | None
    most: int
    followed_at: str | None

    @property
    def words(self) -> str:
        """ "someone else was in view for 4.0 s; the person on the left was followed"."""
        who = "someone else was" if self.most == 1 else f"up to {self.most} others were"
        when = "" if self.seconds is None else f" for {self.seconds:.1f} s"
        place = ("in the middle" if self.followed_at == "middle"
                 else f"on the {self.followed_at}")
        followed = ("" if self.followed_at is None
                    else f"; the person {place} was followed")
        return f"{who} in view{when}{followed}"

    def to_dict(self) -> dict[str, object]:
        return {"seconds": None if self.seconds is None else _round(self.seconds),
                "most": self.most,
                "followed_at": self.followed_at, "words": self.words}


@dataclass(frozen=True, slots=True)
class SessionSummary:
    """The whole session.

    Attributes:
        duration_s: from the first to the last frame (plus the last frame's time), s.
        frames: frames evaluated.
        rolling_s: time the roller was seen under the back, s.
        target_s: the session length foam-rolling guidance recommends, s.
        setup_s: time per set-up state, s.
        checks: per-check summary.
        fault_episodes: every reported fault, in order of start.
        strokes, holds, coverage: see their types.
        good_form_s: time in which at least one check was known and none was faulty, s
            (0 for a photo, which has no time).
        score: 0-100, or None when the checks judged long enough are not those a score
            needs (:data:`formcheck.vocabulary.SCORE_FORMULA`).
        score_reason: why there is no score, in words (None when there is one).
        others: people besides the one followed, or None when nobody else was seen.
        camera: the camera's place the session was judged from (the median over the
            frames whose body was read in 3D), or None without a 3D reading.
    """

    duration_s: float
    frames: int
    rolling_s: float
    target_s: float
    setup_s: dict[SetupCode, float]
    checks: dict[CheckId, CheckSummary]
    fault_episodes: tuple[FaultEpisode, ...]
    strokes: StrokeSummary
    holds: HoldSummary
    coverage: CoverageSummary
    good_form_s: float
    score: int | None
    camera: CameraPlace | None = None
    score_reason: str | None = None
    others: OthersInView | None = None

    def to_dict(self) -> dict[str, object]:
        return {
            "camera": None if self.camera is None else self.camera.to_dict(),
            "duration_s": _round(self.duration_s),
            "frames": self.frames,
            "rolling_s": _round(self.rolling_s),
            "target_s": _round(self.target_s),
            "setup_s": {c.value: _round(s) for c, s in self.setup_s.items()},
            "checks": {c.value: s.to_dict() for c, s in self.checks.items()},
            "fault_episodes": [e.to_dict() for e in self.fault_episodes],
            "strokes": self.strokes.to_dict(),
            "holds": self.holds.to_dict(),
            "coverage": self.coverage.to_dict(),
            "good_form_s": _round(self.good_form_s),
            "score": self.score,
            "score_reason": self.score_reason,
            "others": None if self.others is None else self.others.to_dict(),
        }
