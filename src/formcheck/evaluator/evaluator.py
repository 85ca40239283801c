"""The posture evaluator: pose frames and roller observations in, verdicts out.

Pure logic (numpy, no I/O, no cv2, no mediapipe). One :class:`Evaluator` per session::

    evaluator = Evaluator(config)
    for frame, roller in stream:
        verdict = evaluator.update(frame, roller)   # FrameVerdict
    summary = evaluator.summary()                   # SessionSummary

For a photo, :func:`evaluate_still` (or ``Evaluator(config, still=True)``) gives each
check's frame status as its verdict, with no onset delay and no smoothing.

Per frame: smoothing (One Euro) -> near side (with hysteresis) -> set-up gating ->
measurements -> per-frame statuses (with value hysteresis while a fault is reported)
-> debounced statuses -> one cue -> session totals.
"""

from __future__ import annotations

import math
import statistics
from collections import deque
from dataclasses import dataclass, field, replace

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.body import (
    ANKLE,
    EAR,
    FAULT_HELD,
    HEEL,
    HIP,
    KNEE,
    SHOULDER,
    SIDE_INDEX,
    TOE,
    BodyReading,
    ViewPosture,
    angle_between_deg,
    missing_parts,
    others_in_view,
    partial_message,
    posture_problem,
    read_body,
    setup_state,
    side_scores,
)
from formcheck.evaluator.camera_reading import read_view
from formcheck.evaluator.config import EvaluatorConfig
from formcheck.evaluator.head_hips import (
    arms_hold_head,
    hands_at_head_torso,
    head_line_deg,
    head_line_lifted_deg,
    hip_rise_torso,
    hips_view_bias_torso,
    judge_head,
    judge_hips,
    neck_extension_deg,
    neck_from_head_line,
)
from formcheck.evaluator.results import (
    CameraPlace,
    CheckSummary,
    CheckVerdict,
    CoverageSummary,
    Cue,
    FaultEpisode,
    FrameVerdict,
    HoldSummary,
    OthersInView,
    SessionSummary,
    SetupCode,
    SetupState,
    StrokeSummary,
    camera_advice,
)
from formcheck.evaluator.smoothing import OneEuroFilter, ScalarOneEuroFilter
from formcheck.evaluator.temporal import (
    BodyTravel,
    CheckTracker,
    CueSelector,
    Recent,
    RollerMotion,
)
from formcheck.evaluator.view3d import (
    BodyView,
    body_view,
    nan_to_zero,
    observed_orientation,
)
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import (
    CHECK_IDS,
    CUES,
    SCORE_MIN_KNOWN,
    SCORE_WEIGHTS,
    CheckId,
    CueKey,
    Orientation,
    Side,
    Status,
    Zone,
    no_score_reason,
    position_along_back,
    zone_of,
)

FloatArray = NDArray[np.float64]

# The checks read in the body's own 3D axes (head_hips.py; the knee from the world
# landmarks once the camera stands round), which hold for a camera further round than
# the others (SetupConfig.body_max_azimuth_deg).
BODY_AXES_CHECKS = (CheckId.KNEES_BENT, CheckId.HEAD_SUPPORTED, CheckId.HIP_HEIGHT)
# The checks whose faults hold however far round the camera stands within the range
# (SetupConfig.fault_max_azimuth_deg): the knee read in the world landmarks had no false
# fault on good form off the side view on the 3D set's tuning part.
FAULT_ANY_VIEW = (CheckId.KNEES_BENT,)
# Further round than this, degrees, the knee's angle is read from the world landmarks:
# on the 3D set's tuning part the image angle erred by up to 14.9 / 19.8 / 64.2 degrees
# (p90; oblique / elevated / beyond), the world one by 14.5 / 15.8 / 35.8, while side-on
# the image is the truer (6.9 against 11.1); 20 gave the least error in every bin.
KNEE_WORLD_FROM_AZIMUTH_DEG = 20.0
# ... the same, chosen the same way, for the learned camera reading (setup.camera_reading):
# p90 errors 7.6 / 18.3 / 18.8 degrees (floor_side / oblique / elevated) at 30 against
# 7.8 / 18.6 / 18.8 at 20 (docs/scenes3d.md, stop 39).
KNEE_WORLD_FROM_LEARNED_AZIMUTH_DEG = 30.0

# Landmark roles each check needs (indices into body.ROLES).
REQUIRED: dict[CheckId, tuple[int, ...]] = {
    CheckId.KNEES_BENT: (HIP, KNEE, ANKLE),
    CheckId.FEET_FLAT: (HIP, KNEE, ANKLE, HEEL, TOE),
    CheckId.ROLLER_POSITION: (SHOULDER, HIP),
    CheckId.ROLLER_ACROSS_BACK: (SHOULDER, HIP),
    CheckId.ROLLING_SPEED: (SHOULDER, HIP),
    CheckId.HEAD_SUPPORTED: (SHOULDER, HIP, EAR),
    CheckId.HIP_HEIGHT: (SHOULDER, HIP, ANKLE),
}
ALL_BODY_ROLES = (SHOULDER, HIP, KNEE, ANKLE, HEEL, TOE)

UNITS: dict[CheckId, str] = {
    CheckId.KNEES_BENT: "deg",
    CheckId.FEET_FLAT: "deg",
    CheckId.ROLLER_POSITION: "fraction of shoulder-to-hip",
    CheckId.ROLLER_ACROSS_BACK: "length/thickness",
    CheckId.ROLLING_SPEED: "cm/s",
    CheckId.HEAD_SUPPORTED: "deg",
    CheckId.HIP_HEIGHT: "torso lengths above the shoulder-to-ankle line",
}
ROLLER_MISSING = "Roller not visible"
ROLLER_NEAR_EDGE = "Roller near the edge of the shoulder blades"
ROLLER_UNSURE = "Roller detection unsure"
ROLLER_AWAY = "Roller is not under the back"
FOOT_UNCLEAR = "Foot not clearly seen (the toes read too close to the ankle)"
FOOT_FROM_ABOVE = "Foot not clearly seen from above"
# Set-up complaints about the body's posture ("Lie on your back"): on a photo, like a
# fault, one stands only where its mirror image's reading makes it too.
POSTURE_CODES = frozenset({SetupCode.NOT_LYING, SetupCode.NOT_ON_BACK})
READ_TWO_WAYS = ("Not sure from this photo (its mirror image reads differently): "
                 "try another photo or a video")


# the shoulder and the hip of each side (left, right): the smoothing's scale
_SHOULDERS = np.array([SIDE_INDEX[Side.LEFT][SHOULDER], SIDE_INDEX[Side.RIGHT][SHOULDER]])
_HIPS = np.array([SIDE_INDEX[Side.LEFT][HIP], SIDE_INDEX[Side.RIGHT][HIP]])


@dataclass(slots=True)
class _Raw:
    """One check's reading in one frame, before debouncing."""

    status: Status
    value: float | None = None
    reason: str = ""
    key: CueKey | None = None
    zone: Zone | None = None
    extra: dict[str, float] | None = None
    # The landmark roles (body.ROLES) this reading rests on, when not REQUIRED[check].
    needs: tuple[int, ...] | None = None
    # A fault that stands however far round the camera is read (setup.fault_max_azimuth_deg)
    any_view: bool = False


def _finite(x: float) -> float | None:
    return x if math.isfinite(x) else None


@dataclass(slots=True)
class _Totals:
    """Time (s) and frame counts per state, accumulated frame interval by interval."""

    status_s: dict[CheckId, dict[Status, float]]
    status_n: dict[CheckId, dict[Status, int]]
    setup_s: dict[SetupCode, float]
    zone_s: dict[Zone, float]
    bin_s: FloatArray
    good_s: float = 0.0
    rolling_s: float = 0.0
    others_s: float = 0.0
    others_n: int = 0
    others_max: int = 0
    followed: dict[str, float] = field(default_factory=dict)

    @classmethod
    def empty(cls, n_bins: int) -> _Totals:
        return cls(
            status_s={check: dict.fromkeys(Status, 0.0) for check in CHECK_IDS},
            status_n={check: dict.fromkeys(Status, 0) for check in CHECK_IDS},
            setup_s={},
            zone_s=dict.fromkeys(Zone, 0.0),
            bin_s=np.zeros(n_bins),
        )

    def copy(self) -> _Totals:
        return _Totals(
            status_s={k: dict(v) for k, v in self.status_s.items()},
            status_n={k: dict(v) for k, v in self.status_n.items()},
            setup_s=dict(self.setup_s),
            zone_s=dict(self.zone_s),
            bin_s=self.bin_s.copy(),
            good_s=self.good_s,
            rolling_s=self.rolling_s,
            others_s=self.others_s,
            others_n=self.others_n,
            others_max=self.others_max,
            followed=dict(self.followed),
        )


class Evaluator:
    """Evaluates a session frame by frame.

    Args:
        config: the configuration (defaults when None).
        still: evaluate independent photos: no smoothing, no onset delay, no near-side
            hysteresis, the frame status is the verdict; speed is unknown.
    """

    def __init__(self, config: EvaluatorConfig | None = None, *, still: bool = False) -> None:
        self.config = config or EvaluatorConfig()
        self.still = still
        c = self.config
        sm = c.smoothing
        self._filter = OneEuroFilter(sm.min_cutoff_hz, sm.beta, sm.d_cutoff_hz)
        self._pos_filter = ScalarOneEuroFilter(2 * sm.min_cutoff_hz, sm.beta, sm.d_cutoff_hz)
        torso_cm = c.thresholds.torso_length_cm
        self._trackers = {
            check: CheckTracker(
                check,
                c.thresholds.fault_onset_s,
                c.temporal.fault_clear_s,
                c.temporal.unknown_grace_s,
            )
            for check in CHECK_IDS
        }
        self._cues = CueSelector(c.cues.min_display_s, c.cues.repeat_s)
        self._motion, self._speed_motion = (RollerMotion(
            window_s=c.temporal.speed_window_s,
            min_span_s=c.temporal.speed_min_span_s,
            max_gap_s=c.smoothing.reset_gap_s,
            stroke_min=c.session.stroke_min_cm / torso_cm,
            turn=c.session.stroke_turn_cm / torso_cm,
            hold_drift=c.session.hold_max_drift_cm / torso_cm,
            hold_min_s=c.session.hold_min_s,
            deadband=c.temporal.speed_deadband_cm / torso_cm,
        ) for _ in range(2))
        self._travel = BodyTravel(
            c.temporal.speed_window_s, c.temporal.speed_min_span_s, c.smoothing.reset_gap_s,
            c.temporal.speed_travel_slack_cm / torso_cm)
        # the roller's place's last speed (torso lengths/s), lent to frames whose
        # detection is unsure while its window stays open
        self._place_speed: Recent[float] = Recent(c.smoothing.reset_gap_s)
        # the last sure place and orientation, lent to unsure frames (place_bridge_s)
        self._sure_place: Recent[tuple[float, Orientation | None]] = Recent(
            c.temporal.place_bridge_s)
        self._roller_away = False  # the last sure place was past roller.max_position
        # the roll's recent readings, each lent for its own time (temporal.*): a sure place
        # (speed_travel_lost_s), a clear "across" (across_hold_s), a place inside the
        # shoulder blades (edge_hold_s)
        self._last_sure: Recent[bool] = Recent(c.temporal.speed_travel_lost_s)
        self._clear_across: Recent[bool] = Recent(c.temporal.across_hold_s)
        self._inside_blades: Recent[bool] = Recent(c.temporal.edge_hold_s)
        self._near: Side | None = None
        self._switch_since: float | None = None
        self._last_t: float | None = None
        self._last_pose_t: float | None = None
        # Session totals, by interval: frame i's state counts for [t_i, t_i+1).
        self._first_t: float | None = None
        self._frames = 0
        self._roller_seen = False  # a roller found in any frame (for the no-score reason)
        self._setup_said: str | None = None  # a photo's set-up message, if not ok
        # the camera's azimuth and elevation per frame read in 3D, as 1-degree histograms
        # (a session's median in constant memory)
        self._camera_hist = np.zeros((2, 91))
        # this frame's camera reading as histogram bins (azimuth, elevation), counted once
        # the frame's reading is settled (a photo may be judged from its mirror image's)
        self._camera_last: tuple[int, int] | None = None
        # (t s, azimuth, elevation degrees) of the last camera_smoothing_s seconds
        self._camera_s: deque[tuple[float, float, float]] = deque()
        self._last_dt = 0.0
        self._pending: tuple[dict[CheckId, Status], SetupCode, float | None, bool,
                             tuple[int, str | None]] | None = None
        n_bins = c.session.coverage_bins
        # rounded: linspace puts the edge at 0 a hair below it, written as -0.0
        self._bin_edges = np.round(np.linspace(-0.2, 1.2, n_bins + 1), 9) + 0.0
        self._totals = _Totals.empty(n_bins)
        self._knee_world_from = (KNEE_WORLD_FROM_LEARNED_AZIMUTH_DEG
                                 if c.setup.camera_reading == "learned"
                                 else KNEE_WORLD_FROM_AZIMUTH_DEG)

    # ------------------------------------------------------------------ per frame
    def update(
        self, frame: PoseFrame, roller: RollerObservation | None = None,
        mirrored: tuple[PoseFrame, RollerObservation | None] | None = None,
    ) -> FrameVerdict:
        """Evaluate one frame.

        Args:
            frame: the pose stage's frame (timestamps strictly increasing).
            roller: the roller stage's observation, or None when there is none.
            mirrored: for a still only, the same photo read again mirrored left to right:
                its pose and roller, in the mirrored image's px. A fault stands only where
                both readings find it (:func:`_merge_mirrored`), and so does a complaint
                about the posture (:data:`POSTURE_CODES`, with body gating on): where
                only the photo as taken makes one, the mirror's reading is judged
                (:func:`_raws_of`).
        """
        if mirrored is not None and not self.still:
            raise ValueError("a mirrored reading is for stills only")
        t = frame.t_s
        self._account(t)
        self._camera_last = None
        c = self.config
        raws: dict[CheckId, _Raw]
        landmarks: FloatArray | None = None
        near: Side | None = None
        head_side: Side | None = None
        position: float | None = None
        if frame.pose is None:
            self._lose_person()
            setup = setup_state(SetupCode.NO_PERSON)
            raws = {check: _Raw(Status.UNKNOWN, reason=setup.message) for check in CHECK_IDS}
            self._lose_speed(t)
        else:
            pose = frame.pose
            xy = np.where(np.isfinite(pose.xy), pose.xy, np.nan)
            vis = np.where(np.isfinite(pose.visibility), pose.visibility, 0.0)
            landmarks = self._smooth(xy, t)
            near = self._choose_side(vis, pose.normalized[:, 2], t)
            z = np.where(np.isfinite(pose.normalized[:, 2]), pose.normalized[:, 2], np.nan)
            reading = read_body(landmarks, vis, near, frame.width, frame.height, c.setup, z,
                                frame.mask, pose.world)
            head_side = reading.head_side
            setup, raws, position = self._judge(frame, reading, landmarks, near, roller, t)
        if mirrored is not None:
            # One photo gives one look, no time to debounce a misread; the model misreads
            # a photo and its mirror image in different ways (docs/scenes3d.md).
            mirror_reader = Evaluator(self.config, still=True)
            other = mirror_reader.update(*mirrored)
            second = {check: v.frame_status for check, v in other.checks.items()}
            if (c.setup.gate_body_checks and setup.code in POSTURE_CODES
                    and other.setup.code not in POSTURE_CODES):
                # read face down or sitting one way and lying on the back the other: the
                # model swapped the body's sides in one reading (a misread a photo has no
                # second frame to outvote), and a complaint, like a fault, needs both:
                # the mirror's reading is judged, the photo's (all unknown) the second
                second = {check: raw.status for check, raw in raws.items()}
                setup, position, raws = other.setup, other.roller_position, _raws_of(other)
                self._camera_last = mirror_reader._camera_last
            _merge_mirrored(raws, second)
        if self._camera_last is not None:
            self._camera_hist[0, self._camera_last[0]] += 1
            self._camera_hist[1, self._camera_last[1]] += 1
        self._last_t = t
        if self.still:
            # a photo with no check judged says why in its no-score reason (a roller not
            # seen leaves the body's checks to be judged: it is not why none was)
            self._setup_said = (None if setup.code in (SetupCode.OK,
                                                       SetupCode.ROLLER_NOT_VISIBLE)
                                else setup.message)
        verdict_checks, active_keys = self._debounce(t, raws)
        cue = self._cue(t, active_keys)
        self._pending = (
            {check: v.status for check, v in verdict_checks.items()},
            setup.code,
            position,
            roller is not None and roller.found and position is not None,
            (frame.others, frame.followed_at),
        )
        return FrameVerdict(
            t_s=t,
            index=frame.index,
            setup=setup,
            near_side=near,
            head_side=head_side,
            checks=verdict_checks,
            roller_position=position,
            cue=cue,
            landmarks_px=landmarks,
            others=frame.others,
            followed_at=frame.followed_at,
        )

    def _holding(self, check: CheckId) -> bool:
        """True while ``check``'s fault is reported in a video: its ok margin widens
        (hysteresis). Photos are independent, so one photo's fault moves no bar for the
        next."""
        return not self.still and self._trackers[check].active_fault

    def _lose_person(self) -> None:
        self._filter.reset()
        self._pos_filter.reset()
        self._near = None
        self._switch_since = None
        self._sure_place.forget()  # whoever comes back has their own roller
        self._forget_roll()

    def _forget_roll(self) -> None:
        """A lost person or a bad posture ends the roll, and what its readings lend."""
        for recent in (self._last_sure, self._clear_across, self._inside_blades):
            recent.forget()

    def _smooth(self, xy: FloatArray, t: float) -> FloatArray:
        if self.still or not self.config.smoothing.enabled:
            return xy
        if self._last_pose_t is not None and t - self._last_pose_t > (
            self.config.smoothing.reset_gap_s
        ):
            self._filter.reset()
            self._pos_filter.reset()
        self._last_pose_t = t
        d = xy[_HIPS] - xy[_SHOULDERS]  # both sides at once
        lengths = np.hypot(d[:, 0], d[:, 1]).tolist()
        finite = [x for x in lengths if math.isfinite(x) and x > 0]
        scale = max(finite) if finite else 100.0
        return self._filter(xy, t, scale)

    def _choose_side(self, vis: FloatArray, z: FloatArray, t: float) -> Side:
        cfg = self.config.near_side
        score_l, score_r = side_scores(vis, z, cfg.depth_weight)
        best = Side.LEFT if score_l >= score_r else Side.RIGHT
        if self._near is None or self.still:
            self._near = best
            return best
        lead = abs(score_l - score_r)
        if best != self._near and lead > cfg.switch_margin:
            if self._switch_since is None:
                self._switch_since = t
            if t - self._switch_since >= cfg.switch_hold_s - 1e-9:
                self._near = best
                self._switch_since = None
        else:
            self._switch_since = None
        return self._near

    def _judge(
        self,
        frame: PoseFrame,
        reading: BodyReading,
        landmarks: FloatArray,
        near: Side,
        roller: RollerObservation | None,
        t: float,
    ) -> tuple[SetupState, dict[CheckId, _Raw], float | None]:
        c = self.config
        present = reading.present
        missing = missing_parts(present, ALL_BODY_ROLES)
        posture = None
        view = self._view(frame) if c.roller.geometry == "3d" else None
        if view is not None and math.isfinite(view.azimuth_deg + view.elevation_deg):
            self._camera_last = (min(90, max(0, round(view.azimuth_deg))),
                                 min(90, max(0, round(view.elevation_deg))))
        in_3d: ViewPosture | None = None
        if present[SHOULDER] and present[HIP]:
            in_3d = None if view is None else ViewPosture(
                *self._camera_smoothed(view, t), view.torso_rise_deg, view.upright_deg,
                view.back_down)
            posture = posture_problem(reading, c.setup, in_3d)
        gate_all: SetupState | None = None
        keep: tuple[CheckId, ...] = ()
        if posture is not None and c.setup.gate_body_checks:
            gate_all = setup_state(posture)
            # the knees, the head and the hips are read in the body's own axes and hold
            # further round
            if (posture is SetupCode.CAMERA_TOO_FAR_ROUND and posture_problem(
                    reading, c.setup, in_3d, c.setup.body_max_azimuth_deg) is None):
                keep = BODY_AXES_CHECKS

        roller_ok = roller is not None and roller.found
        self._roller_seen |= roller_ok
        roller_sure = (
            roller_ok and roller is not None and (roller.confidence >= c.roller.min_confidence)
        )
        position: float | None = None
        raw_place: float | None = None
        orientation: Orientation | None = None
        if roller_sure and roller is not None:
            torso = present[SHOULDER] and present[HIP]
            position, raw_place, orientation = self._roller_place(
                view, landmarks, near, roller, torso, t)
        held: tuple[float, Orientation | None] | None = None
        if gate_all is not None or not roller_ok:
            self._sure_place.forget()  # a place read in a bad posture, or none, lends nothing
        elif roller_sure and roller is not None and position is not None:
            self._sure_place.note(t, (position, orientation or roller.orientation))
            self._last_sure.note(t, True)
            self._roller_away = position > c.roller.max_position
        elif not roller_sure and not self.still and c.roller.geometry == "3d":
            held = self._sure_place.get(t)
        speed, travel = (None, None) if self.still else self._rolling(
            t, frame, landmarks, roller_ok, gate_all is None, position, raw_place)

        raws: dict[CheckId, _Raw] = {}
        raws[CheckId.KNEES_BENT] = self._knees(reading, view, frame.pose, near)
        raws[CheckId.FEET_FLAT] = self._feet(reading, posture, in_3d)
        # the place and orientation judged: this frame's, or the last sure ones it borrows
        place, facing, place_sure = ((held[0], held[1], True) if held is not None
                                     else (position, orientation, roller_sure))
        raws[CheckId.ROLLER_POSITION] = self._position(roller, roller_ok, place_sure, place,
                                                       facing, in_3d, t=t)
        self._note_blades(raws[CheckId.ROLLER_POSITION], own=held is None, t=t)
        if posture is not None:
            self._forget_roll()  # after this frame's readings, which it also ends
        raws[CheckId.ROLLER_ACROSS_BACK] = self._across(roller, roller_ok, place_sure, facing,
                                                        place)
        raws[CheckId.ROLLING_SPEED] = self._speed(roller_ok, roller_sure, position, speed,
                                                  travel)
        raws[CheckId.HEAD_SUPPORTED], raws[CheckId.HIP_HEIGHT] = self._head_hips(frame, view)
        _gate(raws, gate_all, present, keep)
        if in_3d is not None and c.setup.gate_body_checks:
            _hold_faults(raws, in_3d.azimuth_deg, c.setup.fault_max_azimuth_deg)

        if gate_all is not None:
            setup = gate_all
        elif posture is not None:
            setup = setup_state(posture)
        elif frame.others > 0:
            # the checks go on judging the person followed (MediaPipe's tracker keeps
            # to one); the message says who that is and asks the others to step away
            setup = others_in_view(frame.others, frame.followed_at)
        elif missing:
            setup = setup_state(SetupCode.BODY_PARTIAL, missing)
        elif not roller_ok:
            setup = setup_state(SetupCode.ROLLER_NOT_VISIBLE)
        else:
            setup = SetupState()
        return setup, raws, position

    def _rolling(self, t: float, frame: PoseFrame, landmarks: FloatArray, found: bool,
                 set_up: bool, position: float | None, raw_place: float | None,
                 ) -> tuple[float | None, float | None]:
        """This frame's rolling speed and half the body's travel (torso lengths per
        second, each None while unknown), with the windows behind them fed: ``position``
        and ``raw_place`` the sure roller's smoothed and raw place (None: none this
        frame), ``found`` whether a roller was found at all, ``set_up`` whether the
        set-up allows the checks. A frame without a find within
        ``temporal.speed_travel_lost_s`` of the last sure place is read as an unsure one."""
        c = self.config
        pose = frame.pose
        # speed_travel_lost_s: the roller given up by the tracker, its last sure place recent
        lost = not found and self._last_sure.get(t) is not None
        if (c.temporal.speed_bridges_unsure and set_up and position is None
                and (found or lost) and not self._roller_away):
            # an unsure, placeless or (briefly) lost detection: the speed's windows wait for
            # the next one
            # (the smoothed place's too, where it is the speed's); not for a roller last
            # seen away from the back, which rolls nothing
            if c.temporal.speed_before_smoothing:
                self._motion.update(t, None)
            else:
                self._motion.skip(t)
            self._speed_motion.skip(t)
            if not (c.temporal.speed_travel_unsure and c.temporal.speed_from_body_travel
                    and pose is not None):
                self._travel.skip(t)
                return None, None
            # the body's travel goes on (speed_travel_unsure), beside the place's last speed
            body = self._travel.update(t, pose.xy, landmarks)
            return self._place_speed.get(t), None if body is None else body / 2.0
        if not set_up or position is None or position > c.roller.max_position:
            self._lose_speed(t)
            return None, None
        speed = self._motion.update(t, position)
        if c.temporal.speed_before_smoothing:
            speed = self._speed_motion.update(t, raw_place)
        self._place_speed.note(t, speed)
        if not c.temporal.speed_from_body_travel or pose is None:
            return speed, None
        body = self._travel.update(t, pose.xy, landmarks)
        travel = None if body is None else body / 2.0  # the roller: half of it
        if travel is not None and speed is not None:
            speed = max(speed, travel)
        return speed, travel

    def _lose_speed(self, t: float) -> None:
        """No roller place this frame (no person, a set-up problem, no roller): every
        speed window restarts."""
        self._motion.update(t, None)
        self._speed_motion.update(t, None)
        self._travel.lose(t)
        self._place_speed.forget()

    def _roller_place(
        self, view: BodyView | None, landmarks: FloatArray, near: Side,
        roller: RollerObservation, torso: bool, t: float,
    ) -> tuple[float | None, float | None, Orientation | None]:
        """Where a roller the detector is sure of touches the back, smoothed and as read
        this frame (None when the torso is not known or no place can be read), and its
        orientation read against the body's 3D axes (None: not read that way;
        ``roller.geometry``).
        With a body view (``roller.geometry = 3d``) the place is read in 3D, else along
        the image line from the near shoulder to the near hip."""
        c = self.config
        orientation = None
        if view is not None:
            reading = observed_orientation(view, roller, along_min_m=c.roller.along_min_length_m)
            orientation = Orientation(reading.status)
            orientation = self._held_across(orientation, reading.both_fit, t)
        if not torso:
            return None, None, orientation
        idx = SIDE_INDEX[near]
        raw_p = math.nan
        # In 3D the contact's pixel is lifted onto the body's mid-plane and read along
        # the spine in metres: the image line from shoulder to hip misplaces it once the
        # camera stands round or above (docs/scenes3d.md has the figures).
        if view is not None and roller.contact_px is not None:
            raw_p = view.position(np.asarray(roller.contact_px, float))
        if not math.isfinite(raw_p) and roller.contact_px is not None:
            raw_p = position_along_back(
                roller.contact_px, landmarks[idx[SHOULDER]], landmarks[idx[HIP]])
        if not math.isfinite(raw_p) and roller.position is not None:
            raw_p = float(roller.position)
        if not math.isfinite(raw_p):
            return None, None, orientation
        if self.still or not c.smoothing.enabled:
            return raw_p, raw_p, orientation
        return self._pos_filter(raw_p, t), raw_p, orientation

    def _held_across(self, orientation: Orientation, both_fit: bool, t: float) -> Orientation:
        """This frame's orientation, a sure roller's, read against the body's axes: a
        clear "across" is noted (a clear "along" forgets it); an outline that fits both
        ways (``both_fit``) takes "across" where one was noted within
        ``temporal.across_hold_s`` s, and no fault of the orientation is being reported
        (videos only). The place bridge (``temporal.place_bridge_s``) may lend a held
        "across" to unsure frames after it, as it lends any sure frame's."""
        if self.still:
            return orientation
        if orientation is Orientation.ACROSS:
            self._clear_across.note(t, True)
        elif orientation is Orientation.ALONG:
            self._clear_across.forget()
        elif (both_fit and self._clear_across.get(t) is not None
              and not self._holding(CheckId.ROLLER_ACROSS_BACK)):
            return Orientation.ACROSS
        return orientation

    def _view(self, frame: PoseFrame) -> BodyView | None:
        """The body's axes and the camera from this frame's world and image landmarks."""
        pose = frame.pose
        if pose is None:
            return None
        # the affine camera: on the tuning split it placed the roller as well as the pinhole
        # one (docs/scenes3d.md), needs no focal length and costs less
        return read_view(pose.xy, pose.world, pose.visibility,
                         self.config.setup.camera_reading)

    # ------------------------------------------------------------------ the checks
    def _knees(self, r: BodyReading, view: BodyView | None = None,
               pose: Pose | None = None, near: Side | None = None) -> _Raw:
        """The near knee's angle, degrees: from the image landmarks near a side view, from
        the world landmarks once the camera stands round (``KNEE_WORLD_FROM_AZIMUTH_DEG``),
        where the image opens or closes the angle."""
        thr = self.config.thresholds.knee_straight_deg
        if self._holding(CheckId.KNEES_BENT):
            thr -= self.config.temporal.knee_hysteresis_deg
        value = _finite(r.knee_deg)
        if (value is not None and view is not None and pose is not None and near is not None
                and view.azimuth_deg > self._knee_world_from):
            idx = SIDE_INDEX[near]
            w = pose.world
            value = _finite(angle_between_deg(w[idx[HIP]] - w[idx[KNEE]],
                                              w[idx[ANKLE]] - w[idx[KNEE]]))
        if value is None:
            return _Raw(Status.UNKNOWN, reason="Knee angle not measurable")
        if value > thr:
            return _Raw(Status.FAULT, value, key=CueKey.KNEES_BENT)
        return _Raw(Status.OK, value)

    def _feet(self, r: BodyReading, posture: SetupCode | None = None,
              view: ViewPosture | None = None) -> _Raw:
        """Feet flat on the floor: the foot level (pitch), on the floor (lift) and on its
        sole (ankle height), and the body lying on its back: not on its side (roll) nor
        face down (``posture`` is ``NOT_ON_BACK``, see :func:`posture_problem`). See
        body.py for each reading. A body on its side or face down is a fault read from
        the shoulders and hips alone: it holds with the feet out of view."""
        th, tp = self.config.thresholds, self.config.temporal
        pitch_thr, lift_thr = th.foot_pitch_max_deg, th.foot_lift_max_shin
        side_thr, roll_thr = th.ankle_height_min_foot, th.body_roll_max_deg
        heel_thr, shape_min = th.heel_lift_max_foot, th.foot_shape_min
        if self._holding(CheckId.FEET_FLAT):
            shape_min -= tp.foot_shape_hysteresis
            heel_thr -= tp.heel_lift_hysteresis_foot
            pitch_thr -= tp.foot_pitch_hysteresis_deg
            lift_thr -= tp.foot_lift_hysteresis_shin
            side_thr += tp.foot_edge_hysteresis_foot
            roll_thr -= tp.body_roll_hysteresis_deg
        pitch, lift = _finite(r.foot_pitch_deg), _finite(r.ankle_lift_shin)
        height, roll = _finite(r.ankle_height_foot), _finite(r.body_roll_deg)
        extra: dict[str, float] = {}
        for name, x in (
            ("ankle_lift_shin", lift),
            ("ankle_height_foot", height),
            ("body_roll_deg", roll),
        ):
            if x is not None:
                extra[name] = x
        # Tilted or lifted only when the depth reading agrees (see body.py): the image
        # reading over-reads oblique views from above.
        depth = _finite(r.foot_pitch_depth_deg)
        if depth is not None and pitch is not None:
            extra["foot_pitch_image_deg"] = pitch
            extra["foot_pitch_depth_deg"] = depth
            pitch = min(pitch, depth)
        lift_depth = _finite(r.ankle_lift_depth_shin)
        if lift_depth is not None and lift is not None:
            extra["ankle_lift_depth_shin"] = lift_depth
            lift = min(lift, lift_depth)
        if (roll is not None and roll > roll_thr) or posture is SetupCode.NOT_ON_BACK:
            return _Raw(Status.FAULT, pitch, key=CueKey.FEET_FLAT, extra=extra,
                        needs=(SHOULDER, HIP))
        # The heel's lift from the silhouette, where the view shows the sole's floor
        # contact (see body.py): the landmarks under-read a heel raised onto the ball.
        heel = _finite(r.heel_lift_foot)
        spread = _finite(r.spread)
        # the camera's height is read only in 3D (roller.geometry "3d", the default); a
        # view read without a finite elevation cannot vouch for a side view
        if heel is not None and (spread is None or spread > th.sole_view_max_spread or (
                view is not None and not view.elevation_deg <= th.sole_view_max_elevation_deg)):
            heel = None
        if heel is not None:
            extra["heel_lift_foot"] = heel
        shape = _finite(r.foot_shape)
        if shape is not None:
            extra["foot_shape"] = shape
        if pitch is None or lift is None or height is None:
            return _Raw(Status.UNKNOWN, pitch, "Foot not measurable", extra=extra)
        if lift > lift_thr or (heel is not None and heel > heel_thr):
            return _Raw(Status.FAULT, pitch, key=CueKey.FEET_FLAT, extra=extra)
        if pitch <= pitch_thr and height < side_thr and view is not None and (
                view.elevation_deg > self.config.setup.foot_edge_max_elevation_deg):
            return _Raw(Status.UNKNOWN, pitch, FOOT_FROM_ABOVE, extra=extra)
        if pitch > pitch_thr or height < side_thr:
            if shape is not None and shape < shape_min:
                # The toe landmark pulled in (body.py) reads as this tilt: not a fault.
                return _Raw(Status.UNKNOWN, pitch, FOOT_UNCLEAR, extra=extra)
            return _Raw(Status.FAULT, pitch, key=CueKey.FEET_FLAT, extra=extra)
        return _Raw(Status.OK, pitch, extra=extra)

    def _position(
        self,
        roller: RollerObservation | None,
        found: bool,
        sure: bool,
        position: float | None,
        orientation: Orientation | None = None,
        view: ViewPosture | None = None,
        *,
        t: float,
    ) -> _Raw:
        """Where the roller presses the back (``position``: 0 at the shoulders, 1 at the
        hips, torso lengths); ``t`` the frame's time, s (``temporal.edge_hold_s``)."""
        if not found:
            return _Raw(Status.UNKNOWN, reason=ROLLER_MISSING)
        if not sure:
            return _Raw(Status.UNKNOWN, reason=ROLLER_UNSURE)
        if position is None:
            return _Raw(Status.UNKNOWN, reason="Roller position along the back unknown")
        if orientation is None and roller is not None:
            orientation = roller.orientation
        if orientation is Orientation.ALONG:
            # Along the spine the roller presses the whole back at once: there is no one
            # place to judge, and the cue to give is to turn it (roller_across_back).
            return _Raw(Status.UNKNOWN, position, "Roller lies along the spine")
        c = self.config
        if position > c.roller.max_position:
            return _Raw(Status.UNKNOWN, position, ROLLER_AWAY)
        neck_max = c.thresholds.roller_neck_max
        low_min = c.thresholds.roller_lower_back_min
        held = self._trackers[CheckId.ROLLER_POSITION].key if not self.still else None
        if held is CueKey.ROLLER_NECK:
            neck_max += c.temporal.roller_hysteresis
        elif held is CueKey.ROLLER_LOWER_BACK:
            low_min -= c.temporal.roller_hysteresis
        zone = zone_of(position, neck_max, low_min)
        if zone is Zone.SHOULDER_BLADES:
            return _Raw(Status.OK, position, zone=zone)
        m = c.roller.zone_margin
        if view is not None and c.roller.zone_margin_view:
            off_side = max(view.azimuth_deg, view.elevation_deg) / 45.0
            m += c.roller.zone_margin_view * min(1.0, max(0.0, off_side))
        if held is None and neck_max - m <= position <= low_min + m:
            if not self.still and self._inside_blades.get(t) is not None:
                # edge_hold_s: just past the edge, from inside it a moment ago; no zone
                # is claimed for a place this near its edge
                return _Raw(Status.OK, position)
            return _Raw(Status.UNKNOWN, position, ROLLER_NEAR_EDGE)
        return _Raw(Status.FAULT, position, key=CueKey.of(CheckId.ROLLER_POSITION, zone),
                    zone=zone)

    def _note_blades(self, raw: _Raw, *, own: bool, t: float) -> None:
        """Keep the time, s, of the last place read inside the shoulder blades for
        ``temporal.edge_hold_s`` (videos only; ``own``: the frame's own place, not one
        borrowed over unsure frames); a fault reading ends the hold."""
        if self.still:
            return
        if raw.status is Status.FAULT:
            self._inside_blades.forget()
        elif own and raw.status is Status.OK and raw.zone is Zone.SHOULDER_BLADES:
            self._inside_blades.note(t, True)

    def _across(self, roller: RollerObservation | None, found: bool, sure: bool,
                orientation: Orientation | None = None,
                position: float | None = None) -> _Raw:
        if not found or roller is None:
            return _Raw(Status.UNKNOWN, reason=ROLLER_MISSING)
        if not sure:
            return _Raw(Status.UNKNOWN, reason=ROLLER_UNSURE)
        if position is not None and position > self.config.roller.max_position:
            # its subject is a roller under the back: one by the feet (or a mat's edge
            # read as one) lies across nothing, and "ok" would vouch for a roller absent
            return _Raw(Status.UNKNOWN, reason=ROLLER_AWAY)
        ratio: float | None = None
        if roller.size_px is not None and roller.size_px[1] > 0:
            ratio = _finite(roller.size_px[0] / roller.size_px[1])
        if orientation is None:
            orientation = roller.orientation
        if orientation is Orientation.ACROSS:
            return _Raw(Status.OK, ratio)
        if orientation is Orientation.ALONG:
            return _Raw(Status.FAULT, ratio, key=CueKey.ROLLER_ACROSS_BACK)
        return _Raw(Status.UNKNOWN, ratio, "Roller orientation unclear")

    def _speed(self, found: bool, sure: bool, position: float | None, speed: float | None,
               travel: float | None = None) -> _Raw:
        """Rolling speed: ``speed`` the faster of the roller's place and ``travel`` (half
        the body's travel), torso lengths per second. Where the roller is unsure or
        placeless, ``speed`` is the place's last reading in the open window, or None;
        where it is lost (not ``found``; ``travel`` given within
        ``temporal.speed_travel_lost_s``), the travel keeps a fault already reported or
        reads ok, but starts no fault."""
        if self.still:  # whatever the roller: a photo has no speed to judge
            return _Raw(Status.UNKNOWN, reason="Speed needs a video")
        if not found and travel is None:
            return _Raw(Status.UNKNOWN, reason=ROLLER_MISSING)
        c = self.config
        if (not sure or position is None) and travel is not None:
            # speed_travel_unsure: the detector's doubt is about the roller's place, not
            # about the body rolling over it; ``speed`` is the place's last reading, if any.
            # (A roller lost altogether (speed_travel_lost_s) is not sure either.)
            speed = travel if speed is None else max(speed, travel)
        elif not sure:
            return _Raw(Status.UNKNOWN, reason=ROLLER_UNSURE)
        elif position is None or speed is None:
            return _Raw(Status.UNKNOWN, reason="Measuring the rolling speed")
        cm_s = speed * c.thresholds.torso_length_cm
        thr = c.thresholds.speed_max_cm_s
        if self._holding(CheckId.ROLLING_SPEED):
            thr -= c.temporal.speed_hysteresis_cm_s
        if cm_s > thr and not found and not self._holding(CheckId.ROLLING_SPEED):
            # no roller in view: the body moving may be someone getting off it, so the
            # travel keeps a fault already reported but starts none
            return _Raw(Status.UNKNOWN, cm_s, ROLLER_MISSING)
        if cm_s > thr:
            # the body's travel reads the same from any camera place (both it and the
            # torso run along the spine); the roller's place is what misreads off the side
            any_view = (c.temporal.speed_travel_any_view and travel is not None
                        and travel * c.thresholds.torso_length_cm > thr)
            return _Raw(Status.FAULT, cm_s, key=CueKey.ROLLING_SPEED, any_view=any_view)
        return _Raw(Status.OK, cm_s)

    # ------------------------------------------------------------------ over time
    def _head_hips(self, frame: PoseFrame, view: BodyView | None) -> tuple[_Raw, _Raw]:
        """The head held and the hips' height, read in the body's own axes (any camera
        place; see head_hips.py). ``view``: the frame's body and camera, where the 3D
        view already read them (None: read here)."""
        pose = frame.pose
        if pose is not None and view is None:
            view = body_view(pose.xy, pose.world, pose.visibility)
        axes = None if view is None else view.axes
        if pose is None or axes is None or axes.torso_m < 0.1:
            why = "Needs the body in 3D (world landmarks)"
            return _Raw(Status.UNKNOWN, reason=why), _Raw(Status.UNKNOWN, reason=why)
        assert view is not None
        th = self.config.thresholds
        seen = nan_to_zero(pose.visibility) >= self.config.setup.min_visibility
        head = judge_head(self._neck_deg(pose, view, seen),
                          hands_at_head_torso(pose.world, axes, seen),
                          th.neck_extension_max_deg, th.hands_at_head_max_torso,
                          face_deg=neck_extension_deg(pose.world, axes, seen),
                          arms_hold=arms_hold_head(pose.world, axes))
        # the model reads the hips a little high (thresholds.py): its bias comes off first
        bias = th.hip_rise_read_bias_torso + hips_view_bias_torso(
            view.elevation_deg, view.from_head_end)
        hips = judge_hips(hip_rise_torso(pose.world, axes) - bias,
                          th.hip_rise_max_torso)
        raws = []
        for check, j in ((CheckId.HEAD_SUPPORTED, head), (CheckId.HIP_HEIGHT, hips)):
            key = CueKey.of(check) if j.status is Status.FAULT else None
            raws.append(_Raw(j.status, j.value, j.reason, key))
        return raws[0], raws[1]

    def _neck_deg(self, pose: Pose, view: BodyView, seen: NDArray[np.bool_]) -> float:
        """The neck's extension, degrees, from the shoulder -> ear line (head_hips.py):
        the image landmarks lifted onto the body's mid-plane, or the world landmarks
        where that plane is seen edge-on; NaN without a seen ear."""
        ears = [i for i in (Landmark.LEFT_EAR, Landmark.RIGHT_EAR) if seen[i]]
        if not ears:
            return math.nan
        xy = pose.xy
        shoulder = (xy[Landmark.LEFT_SHOULDER] + xy[Landmark.RIGHT_SHOULDER]) / 2
        # the ears' midpoint lies on the mid-plane; the model places a hidden ear well
        # enough in the image for that, though not its depth
        ear = (xy[Landmark.LEFT_EAR] + xy[Landmark.RIGHT_EAR]) / 2
        line = math.nan
        if np.isfinite(shoulder).all() and np.isfinite(ear).all():
            line = head_line_lifted_deg(view.midplane_offset(shoulder, ear))
        if not math.isfinite(line):
            line = head_line_deg(pose.world, view.axes, seen)
        return neck_from_head_line(line, self.config.thresholds.head_line_read_bias_deg)

    def _debounce(
        self, t: float, raws: dict[CheckId, _Raw]
    ) -> tuple[dict[CheckId, CheckVerdict], list[CueKey]]:
        out: dict[CheckId, CheckVerdict] = {}
        active: list[CueKey] = []
        for check in CHECK_IDS:
            raw = raws[check]
            tracker = self._trackers[check]
            if self.still:
                status = tracker.set_still(raw.status, raw.key)
            else:
                status = tracker.update(t, raw.status, raw.key)
            if status is Status.FAULT and tracker.key is not None:
                active.append(tracker.key)
            reason = raw.reason if status is Status.UNKNOWN else ""
            if status is Status.UNKNOWN and not reason:
                reason = "Not enough evidence yet"
            zone = raw.zone
            if status is Status.FAULT and tracker.key is not None and tracker.key.zone:
                zone = tracker.key.zone
            out[check] = CheckVerdict(
                check=check,
                status=status,
                frame_status=raw.status,
                value=raw.value,
                unit=UNITS[check],
                reason=reason,
                zone=zone,
                extra=raw.extra or {},
            )
        return out, active

    def _cue(self, t: float, active_keys: list[CueKey]) -> Cue | None:
        if self.still:
            self._cues.reset()
        current, new = self._cues.update(t, active_keys)
        if current is None:
            return None
        key = current.key
        return Cue(CUES[key], key.check, key, current.since_s, new)

    def _account(self, t: float) -> None:
        """Credit the previous frame's state with the time up to this frame."""
        if self._first_t is None:
            self._first_t = t
        self._frames += 1
        if self._pending is None or self._last_t is None:
            return
        dt = min(max(t - self._last_t, 0.0), self.config.temporal.max_frame_dt_s)
        self._last_dt = dt
        self._credit(self._totals, dt)

    def _credit(self, totals: _Totals, dt: float) -> None:
        assert self._pending is not None
        statuses, code, position, rolling, (others, followed_at) = self._pending
        if others > 0:
            totals.others_s += dt
            totals.others_n += 1
            totals.others_max = max(totals.others_max, others)
            if followed_at is not None:
                totals.followed[followed_at] = totals.followed.get(
                    followed_at, 0.0) + (dt if dt > 0 else 1.0)
        for check, status in statuses.items():
            totals.status_s[check][status] += dt
            totals.status_n[check][status] += 1
        totals.setup_s[code] = totals.setup_s.get(code, 0.0) + dt
        known = [s for s in statuses.values() if s is not Status.UNKNOWN]
        if known and Status.FAULT not in known:
            totals.good_s += dt
        if rolling and position is not None:
            totals.rolling_s += dt
            th = self.config.thresholds
            totals.zone_s[zone_of(position, th.roller_neck_max, th.roller_lower_back_min)] += dt
            b = int(np.searchsorted(self._bin_edges, position, side="right")) - 1
            if 0 <= b < len(totals.bin_s):
                totals.bin_s[b] += dt

    # ------------------------------------------------------------------ summary
    def summary(self) -> SessionSummary:
        """The session so far (may be called at any time; does not end the session)."""
        # Credit the last frame with the previous interval (nothing for a single frame).
        totals = self._totals.copy()
        if self._pending is not None:
            self._credit(totals, self._last_dt)
        duration = (
            0.0
            if self._first_t is None or self._last_t is None
            else self._last_t - self._first_t + self._last_dt
        )
        end_t = self._last_t if self._last_t is not None else 0.0
        checks: dict[CheckId, CheckSummary] = {}
        episodes: list[FaultEpisode] = []
        for check in CHECK_IDS:
            checks[check], check_episodes = self._check_summary(check, totals, duration, end_t)
            episodes.extend(check_episodes)
        strokes = self._motion.strokes_so_far()
        holds = self._motion.holds_so_far()
        reason = no_score_reason({c: s.known_fraction for c, s in checks.items()},
                                 self._roller_seen, None if self.still else duration,
                                 photo=self.still, setup=self._setup_said)
        torso_cm = self.config.thresholds.torso_length_cm
        speeds = [s.length * torso_cm / s.duration_s for s in strokes if s.duration_s > 0]
        return SessionSummary(
            duration_s=duration,
            frames=self._frames,
            rolling_s=totals.rolling_s,
            target_s=self.config.session.target_minutes * 60.0,
            setup_s=dict(totals.setup_s),
            checks=checks,
            fault_episodes=tuple(sorted(episodes, key=lambda e: (e.start_s, e.check))),
            strokes=StrokeSummary(
                count=len(strokes),
                mean_speed_cm_s=float(np.mean(speeds)) if speeds else None,
                mean_length_cm=(
                    float(np.mean([s.length for s in strokes])) * torso_cm if strokes else None
                ),
            ),
            holds=HoldSummary(
                count=len(holds),
                durations_s=tuple(d for d, _ in holds),
                positions=tuple(p for _, p in holds),
            ),
            coverage=CoverageSummary(
                zone_s=dict(totals.zone_s),
                bin_edges=tuple(float(e) for e in self._bin_edges),
                bin_s=tuple(float(s) for s in totals.bin_s),
            ),
            good_form_s=totals.good_s,  # a photo has no time: 0 (its checks say the rest)
            score=None if reason is not None else _score(checks),
            score_reason=reason,
            others=None if totals.others_n == 0 else OthersInView(
                totals.others_s if duration > 0 else None,
                totals.others_max,
                max(totals.followed, key=totals.followed.__getitem__)
                if totals.followed else None),
            camera=self._camera_place(checks[CheckId.ROLLER_POSITION].known_fraction),
        )

    def _camera_smoothed(self, view: BodyView, t: float) -> tuple[float, float]:
        """The camera's azimuth and elevation (degrees), each the median of the readings
        of the last ``camera_smoothing_s`` seconds: the camera stands still while the
        pose's estimate of it wavers from frame to frame, and a gate that flickered at
        its edge would flicker every check with it. A median, not a running mean: one
        stray first reading (a clip from 52 degrees round that opened reading 33) held a
        mean inside the range for over a second."""
        az, el = view.azimuth_deg, view.elevation_deg
        tau = self.config.setup.camera_smoothing_s
        if self.still or tau <= 0 or not math.isfinite(az + el):
            return az, el
        if self._camera_s and t <= self._camera_s[-1][0]:
            self._camera_s.clear()  # time went back: a new stream
        self._camera_s.append((t, az, el))
        while self._camera_s[0][0] < t - tau:
            self._camera_s.popleft()
        return (float(statistics.median(a for _, a, _ in self._camera_s)),
                float(statistics.median(e for _, _, e in self._camera_s)))

    def _camera_place(self, position_known: float) -> CameraPlace | None:
        """The median camera place over the frames read in 3D, with advice where the
        roller was seen but its place known for ``position_known`` (0-1) of the session
        only, or None."""
        n = float(self._camera_hist[0].sum())
        if n == 0:
            return None
        az, el = (float(np.searchsorted(np.cumsum(h), n / 2)) for h in self._camera_hist)
        place = CameraPlace(az, el)
        if not self._roller_seen:
            # nothing says a roller was there to see: the camera is not to blame
            return place
        return replace(place, advice=camera_advice(place, position_known, self.still))

    def _check_summary(
        self, check: CheckId, totals: _Totals, duration: float, end_t: float,
    ) -> tuple[CheckSummary, list[FaultEpisode]]:
        """One check over the session, and its fault episodes (an open one ends at
        ``end_t``). Times count where the session has a duration; a photo counts
        frames."""
        secs, counts = totals.status_s[check], totals.status_n[check]
        use_time = duration > 0
        ok = secs[Status.OK] if use_time else float(counts[Status.OK])
        fault = secs[Status.FAULT] if use_time else float(counts[Status.FAULT])
        unknown = secs[Status.UNKNOWN] if use_time else float(counts[Status.UNKNOWN])
        total = ok + fault + unknown
        known = ok + fault
        episodes = [
            FaultEpisode(check, e.start_s, e.end_s if e.end_s is not None else end_t,
                         CUES[e.key], e.key)
            for e in self._trackers[check].episodes
        ]
        if episodes or (self.still and fault > 0):
            status = Status.FAULT
        elif known > 0:
            status = Status.OK
        else:
            status = Status.UNKNOWN
        summary = CheckSummary(
            check=check,
            status=status,
            ok_fraction=ok / known if known > 0 else None,
            known_fraction=known / total if total > 0 else 0.0,
            ok_s=secs[Status.OK],
            fault_s=secs[Status.FAULT],
            unknown_s=secs[Status.UNKNOWN],
        )
        return summary, episodes


def _gate(raws: dict[CheckId, _Raw], gate_all: SetupState | None,
          present: NDArray[np.bool_], keep: tuple[CheckId, ...] = ()) -> None:
    """Make unknown, with the reason, every reading the set-up does not allow: all of
    them under ``gate_all`` but those in ``keep``, else each one whose landmarks are not
    all present."""
    for check, raw in raws.items():
        if gate_all is not None and check not in keep:
            raw.status, raw.reason, raw.key, raw.zone = (
                Status.UNKNOWN, gate_all.message, None, None)
            continue
        needs = REQUIRED[check] if raw.needs is None else raw.needs
        lacking = missing_parts(present, needs)
        if lacking:
            raw.status, raw.reason, raw.key, raw.zone = (
                Status.UNKNOWN, partial_message(lacking), None, None)


def _merge_mirrored(raws: dict[CheckId, _Raw], mirrored: dict[CheckId, Status]) -> None:
    """Join a photo's reading (``raws``) with its mirror image's statuses: a fault stands
    only where the mirror reads a fault too, else it is unknown (:data:`READ_TWO_WAYS`).
    An ok or an unknown stands as the photo reads it (a missed fault is the lesser
    error; the set-up is the photo's as taken)."""
    for check, raw in raws.items():
        if raw.status is Status.FAULT and mirrored.get(check) is not Status.FAULT:
            raw.status, raw.reason, raw.key, raw.zone = (
                Status.UNKNOWN, READ_TWO_WAYS, None, None)


def _raws_of(verdict: FrameVerdict) -> dict[CheckId, _Raw]:
    """A reading's frame statuses as raw readings, to be judged as this photo's (the
    mirror image's, for a photo read lying on the back only mirrored). Its faults carry
    no cue key: :func:`_merge_mirrored` makes them unknown, the photo as taken having
    judged nothing."""
    return {check: _Raw(v.frame_status, v.value, v.reason, zone=v.zone, extra=dict(v.extra))
            for check, v in verdict.checks.items()}


def _hold_faults(raws: dict[CheckId, _Raw], azimuth_deg: float, limit_deg: float) -> None:
    """Make unknown every fault but those of :data:`FAULT_ANY_VIEW` when the camera is
    read further round than ``limit_deg`` (degrees from a side view): an ok stands, a
    fault waits for a camera nearer the side."""
    if not azimuth_deg > limit_deg:
        return
    for check, raw in raws.items():
        if raw.status is Status.FAULT and check not in FAULT_ANY_VIEW and not raw.any_view:
            raw.status, raw.reason, raw.key, raw.zone = (
                Status.UNKNOWN, FAULT_HELD, None, None)


def _score(checks: dict[CheckId, CheckSummary]) -> int | None:
    """The session's score, 0-100: the weighted mean of the checks' ok fractions over
    those known long enough (:data:`~formcheck.vocabulary.SCORE_FORMULA`); None when
    none was. The caller first asks :func:`~formcheck.vocabulary.no_score_reason`
    whether the checks known are those a score needs."""
    weights = [
        (SCORE_WEIGHTS[c], s.ok_fraction)
        for c, s in checks.items()
        if s.ok_fraction is not None and s.known_fraction >= SCORE_MIN_KNOWN
    ]
    if not weights:
        return None
    return round(100 * sum(w * f for w, f in weights) / sum(w for w, _ in weights))


def evaluate_still(
    frame: PoseFrame,
    roller: RollerObservation | None = None,
    config: EvaluatorConfig | None = None,
    mirrored: tuple[PoseFrame, RollerObservation | None] | None = None,
) -> FrameVerdict:
    """Evaluate one photo: each check's status is this frame's reading, with no onset
    delay or smoothing; rolling_speed is unknown ("Speed needs a video"). With
    ``mirrored``, the photo's mirror image's reading (:meth:`Evaluator.update`)."""
    return Evaluator(config, still=True).update(frame, roller, mirrored)
