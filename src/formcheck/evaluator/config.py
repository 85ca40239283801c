"""The evaluator's configuration: a pydantic model filled from a TOML file.

Where the values come from, in order: the defaults below (each with its reason), then
the file given with ``--config FILE``, or else ``formcheck.toml`` in the working
directory when there is one. :func:`load_config` also says, per field, where its value
came from, for ``formcheck config show``.

The file holds one table per section, e.g.::

    [thresholds]
    knee_straight_deg = 145

    [cues]
    min_display_s = 3

Unknown sections and keys are errors (a typo must not be silently ignored).
Units are in the field names: ``_deg`` degrees, ``_s`` seconds, ``_hz`` hertz,
``_cm`` centimetres, ``_cm_s`` cm/s, ``_shin`` multiples of the shin length, ``_foot``
multiples of the foot's heel-to-toe length (as seen in the image), plain
fractions of the shoulder-to-hip line ("torso") where the name says so.
"""

from __future__ import annotations

import dataclasses
import tomllib
from pathlib import Path
from typing import Any, Literal, Self

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from formcheck.errors import ConfigError
from formcheck.evaluator.thresholds import DEFAULT_THRESHOLDS, Thresholds

CONFIG_FILE_NAME = "formcheck.toml"
DEFAULT_SOURCE = "default"

_T = DEFAULT_THRESHOLDS


class _Section(BaseModel):
    # strict: a bool is not a number (TOML `true` for a threshold is a mistake, not 1.0)
    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True, strict=True)


class ThresholdsConfig(_Section):
    """The checks' thresholds. Defaults and their reasons: :mod:`thresholds`."""

    # Good form: legs count as straight above ~140 degrees (good is 50-120).
    knee_straight_deg: float = Field(_T.knee_straight_deg, gt=90, le=180)
    # A heel or toes lifted 3-4 cm tilts a 25 cm foot 7-10 degrees; 20 leaves room for
    # landmark noise and for the floor looking tilted in oblique views.
    foot_pitch_max_deg: float = Field(_T.foot_pitch_max_deg, gt=0, lt=90)
    # Ankle more than this many shin lengths above the hip joint: the foot is in the air
    # (with the feet on the floor the ankle lies at or below the hip joint).
    foot_lift_max_shin: float = Field(_T.foot_lift_max_shin, ge=0, le=2)
    # The ankle's height above the heel -> toe line, in foot lengths: ~0.3 for a foot on
    # its sole seen side-on (0.22-0.36 on real photos and clips); a foot rolled onto its
    # edge turns that height towards the camera (0.3 * cos(roll)), so below 0.18 (rolled
    # more than ~50 degrees) it rests on its side, not flat.
    ankle_height_min_foot: float = Field(_T.ankle_height_min_foot, ge=0, lt=1)
    # The heel's underside above the toes' in the person's silhouette, in ankle -> toe
    # lengths: flat feet read at most 0.17, a heel raised onto the ball of the foot
    # 0.24+; 0.22 is the heel ~4 cm up. Read only in side views (next field).
    heel_lift_max_foot: float = Field(_T.heel_lift_max_foot, gt=0, le=2)
    # The silhouette reading needs a side view from near floor level: the left-right
    # spread of shoulders and hips at most this (real side views 0.03-0.18; oblique
    # photos from above 0.26+, where flat feet read up to 0.30).
    sole_view_max_spread: float = Field(_T.sole_view_max_spread, ge=0, le=5)
    # ... and the camera's elevation at most this, degrees (from above, the sole's far
    # edge reads as a raised heel).
    sole_view_max_elevation_deg: float = Field(_T.sole_view_max_elevation_deg, ge=0, le=90)
    # The body's left-right axis above 45 degrees from the floor: turned more onto its
    # side than its back, the lower foot on its outer edge (the camera's elevation adds
    # 10-30 degrees lying on the back).
    body_roll_max_deg: float = Field(_T.body_roll_max_deg, gt=0, le=90)
    # The foot's heel -> toe over heel -> ankle length (world) under which the toe
    # landmark is taken as misplaced: a pitch or ankle-height fault then reads unknown
    # (0: never).
    foot_shape_min: float = Field(_T.foot_shape_min, ge=0, le=10)
    # Good form: the shoulder blades lie in the upper 10%-45% of the shoulder-to-hip line.
    roller_neck_max: float = Field(_T.roller_neck_max, ge=-0.5, le=0.5)
    roller_lower_back_min: float = Field(_T.roller_lower_back_min, gt=0, le=1)
    # Good form: a 15 cm stroke in 2-3 s is 5-7.5 cm/s; above ~12 cm/s sustained is too fast.
    speed_max_cm_s: float = Field(_T.speed_max_cm_s, gt=0)
    # An adult's shoulder-to-hip length; turns fractions of the torso into centimetres.
    torso_length_cm: float = Field(_T.torso_length_cm, gt=10, le=120)
    # Good form: a fault must last about half a second before it is cued.
    fault_onset_s: float = Field(_T.fault_onset_s, ge=0, le=10)
    # The head tipped back more than this past in line with the upper back (the face's
    # pitch against the chest, read from the shoulder -> ear line): the neck extends,
    # strained, over the roller.
    neck_extension_max_deg: float = Field(_T.neck_extension_max_deg, gt=0, le=90)
    # The pose model reads the shoulder -> ear line higher than it is (median 10.5
    # degrees on the 3D set's tuning part); this much is taken off before it becomes
    # the neck's extension (8: fewest false faults there, thresholds.py).
    head_line_read_bias_deg: float = Field(_T.head_line_read_bias_deg, ge=-45, le=45)
    # A wrist this close to the ears (torso lengths) holds the head: hands behind the
    # head read 0.20-0.27, arms crossed on the chest 0.55+.
    hands_at_head_max_torso: float = Field(_T.hands_at_head_max_torso, gt=0, le=2)
    # The hips above the shoulder -> ankle line by more than this (torso lengths) put
    # most of the body's weight on the roller (seat down -0.25-0, lifted 15 cm 0.15+).
    hip_rise_max_torso: float = Field(_T.hip_rise_max_torso, ge=-1, le=1)
    # The pose model reads the hips this much higher than they are (median 0.056 torso
    # lengths on the 3D set's tuning part); taken off the reading before comparing.
    hip_rise_read_bias_torso: float = Field(_T.hip_rise_read_bias_torso, ge=-0.5, le=0.5)

    def as_thresholds(self) -> Thresholds:
        """The same values as the plain :class:`Thresholds` the other stages take."""
        names = (f.name for f in dataclasses.fields(Thresholds))
        return Thresholds(**{name: getattr(self, name) for name in names})

    @model_validator(mode="after")
    def _zones_ordered(self) -> Self:
        if self.roller_neck_max >= self.roller_lower_back_min:
            raise ValueError(
                "roller_neck_max must be below roller_lower_back_min, got "
                f"{self.roller_neck_max} and {self.roller_lower_back_min}"
            )
        return self


# setup.fault_max_azimuth_deg's default with the geometric camera reading (stop 32)
GEOMETRIC_FAULT_MAX_AZIMUTH_DEG = 25.0
# setup.max_azimuth_deg's default with the geometric camera reading (stop 32)
GEOMETRIC_MAX_AZIMUTH_DEG = 45.0


class SetupConfig(_Section):
    """Set-up gating: is there one whole person, side-on, lying on the back?"""

    # MediaPipe's visibility is a likelihood; below 0.5 a landmark is more likely hidden
    # than seen, and its position is a guess.
    min_visibility: float = Field(0.5, ge=0, le=1)
    # A landmark this far outside the image (fraction of the image's larger side) counts
    # as out of frame; a little slack because the model places joints just past the edge.
    frame_margin: float = Field(0.02, ge=0, le=0.5)
    # Side-on: the left-right spread of shoulders and hips divided by the torso length.
    # Pure side view ~0-0.2, 45 degrees oblique ~0.5, from above or the feet 0.7 and more.
    side_on_max_spread: float = Field(0.65, gt=0, le=5)
    # With roller.geometry = 3d the camera place is read from the body's 3D axes instead:
    # further round from a side view than this, degrees, the checks are unknown. On the
    # 3D set's tuning split the roller's place erred by a median 0.04-0.05 of the torso
    # up to 45 degrees and 0.28 beyond (benchmarks/bench_view3d.py). Chosen on the tuning
    # part: 50 with the learned camera reading (stop 40: its reading errs less, and
    # cameras up to 45 round read past 45), 45 with the geometric one, the default when
    # camera_reading = "geometric" and this is not set (docs/scenes3d.md).
    max_azimuth_deg: float = Field(50.0, gt=0, le=90)
    # The knees, the head and the hips (knees_bent, head_supported, hip_height) are read
    # in the body's own axes from the world landmarks there, not along the image: further
    # round than max_azimuth_deg but within this they are still judged while the other
    # checks wait for the camera. On the 3D set's tuning part, with the camera read 45-65
    # degrees round, the head and hips matched their truth in 95-100% of clear frames, as
    # nearer the side; with 60 the knees matched in 98.5% oblique and elevated (96.1,
    # 94.4 at 45), no false fault.
    body_max_azimuth_deg: float = Field(60.0, gt=0, le=90)
    # A fault (not an ok) needs the camera read at most this far round, degrees: further
    # round, up to the limits above, a fault reads unknown, the camera to be moved. The
    # camera's reading errs low off the side, so a camera read 30 round may stand 45
    # round, where the view misreads the feet and the roller; the knee (read in the world
    # landmarks) is exempt. Chosen on the tuning part: 30 with the learned camera reading
    # (stop 39), 25 with the geometric one, whose errors are wider (stop 32), which is
    # the default when camera_reading = "geometric" and this is not set (docs/scenes3d.md).
    fault_max_azimuth_deg: float = Field(30.0, gt=0, le=90)
    # The foot on its edge (a low ankle over the heel -> toe line in the image) is judged
    # only from a camera under this elevation, degrees: from above, the ankle's height
    # foreshortens onto the sole's line and a flat foot reads as on its edge. Off (90):
    # 20 cleared 36 false faults on the 3D tuning part but lost two real footage cases
    # (docs/scenes3d.md, stop 43).
    foot_edge_max_elevation_deg: float = Field(90.0, ge=0, le=90)
    # How the camera's azimuth is read for the limits above and the knee's switch to the
    # world landmarks: "learned", a linear model fitted on the 3D set's tuning part over
    # the whole pose (evaluator/camera_reading.py; cross-validated there its error's
    # 10th-90th percentile spread narrowed 20.9 -> 12.9 degrees oblique and 20.4 -> 16.7
    # elevated), or "geometric", the body's left-right axis against the camera's line of
    # sight alone (exact for exact landmarks, as in the geometry tests).
    # The limits above that the user leaves unset follow the reading; they are set while
    # validating, so change the reading by building a new SetupConfig (model_copy does
    # not validate again).
    camera_reading: Literal["learned", "geometric"] = "learned"
    # ... and higher above the floor than this, degrees: from near overhead the body's
    # axes and the floor's plane are read from a foreshortened side of the body. The 3D
    # set reaches 45-50 degrees (a camera on a sofa back); no higher place was measured.
    max_elevation_deg: float = Field(60.0, gt=0, le=90)
    # The camera's place is smoothed over this time constant, s, before it gates: a camera
    # stands still, and the pose's estimate of it wavers by a few degrees a frame.
    camera_smoothing_s: float = Field(1.0, ge=0, le=60)
    # With roller.geometry = 3d, on the back means the back's normal points down the
    # image at least this much (a cosine: 1 lying on the back, 0 on the side, -1 face
    # down). On the 3D set's tuning split lying on the back read 0.3 or more in 154 of
    # 156 frames within the supported camera places; on its side a body reads about 0.
    min_back_down: float = Field(0.0, ge=-1, le=1)
    # Lying down: the shoulder-to-hip line within this angle of the image horizontal. On
    # a roller with the hips lifted the torso tilts 10-30 degrees; standing is ~90.
    lying_max_torso_deg: float = Field(50.0, gt=0, le=90)
    # On the back, not the front: the nose no lower than this fraction of the torso
    # length under the ear. Face down puts it ~0.15 under; face up ~0.15 above, and a
    # head turned to look at the camera or screen brings it level, which must still pass.
    face_up_min_torso: float = Field(-0.05, ge=-1, le=1)
    # When false, "not side-on" and "not lying on the back" are still reported but no
    # longer make the body checks unknown (useful for grading photos of other exercises).
    gate_body_checks: bool = True
    # The people in view are counted once in this time, s (0: never): another person
    # brings a set-up message naming the one followed. A count costs 40-85 ms here (a
    # second model run in IMAGE mode): once in 5 s is 0.3-0.7 ms a frame at 25 frames/s,
    # 2-3% of the pose model's time, and someone joining is told within 5 s.
    people_count_s: float = Field(5.0, ge=0, le=600)

    @model_validator(mode="after")
    def _limits_for_reading(self) -> Self:
        if self.camera_reading == "geometric":
            # the limits chosen for that reading (frozen model: set once, while validating)
            for name, value in (("fault_max_azimuth_deg", GEOMETRIC_FAULT_MAX_AZIMUTH_DEG),
                                ("max_azimuth_deg", GEOMETRIC_MAX_AZIMUTH_DEG)):
                if name not in self.model_fields_set:
                    object.__setattr__(self, name, value)
        # a fault allowed further round than any check is judged would never be raised:
        # most likely the two limits were swapped or mistyped
        reach = max(self.max_azimuth_deg, self.body_max_azimuth_deg)
        if self.fault_max_azimuth_deg > reach:
            raise ValueError(
                "fault_max_azimuth_deg must not exceed max_azimuth_deg or "
                f"body_max_azimuth_deg, got {self.fault_max_azimuth_deg} against {reach}"
            )
        return self


class NearSideConfig(_Section):
    """Which side of the body faces the camera, kept stable."""

    # A switch needs the other side to score this much better (mean visibility, 0..1):
    # MediaPipe's visibilities jitter by ~0.05 between frames.
    switch_margin: float = Field(0.15, ge=0, le=1)
    # ... for this long, so that one bad frame does not swap every angle.
    switch_hold_s: float = Field(0.5, ge=0, le=10)
    # Weight of depth (normalised z, nearer is smaller) against visibility in the score;
    # z separates the sides when both are fully visible.
    depth_weight: float = Field(1.0, ge=0, le=10)


class SmoothingConfig(_Section):
    """One Euro filter on the landmarks (Casiez et al., 2012)."""

    enabled: bool = True
    # Cut-off at rest, Hz: a lying person moves slowly; 1.5 Hz removes the model's
    # frame-to-frame jitter with ~0.1 s lag.
    min_cutoff_hz: float = Field(1.5, gt=0, le=100)
    # Speed coefficient, per (torso length per second): a roll at 0.5 torso/s raises the
    # cut-off by ~2 Hz, so the lag stays short while moving. Body-relative, so the
    # filter behaves the same at any image scale.
    beta: float = Field(4.0, ge=0, le=1000)
    # Cut-off of the speed estimate, Hz (the paper's default).
    d_cutoff_hz: float = Field(1.0, gt=0, le=100)
    # Reset when the person is lost, or after a gap this long, s.
    reset_gap_s: float = Field(0.5, gt=0, le=60)


class TemporalConfig(_Section):
    """Debouncing and hysteresis of the reported statuses."""

    # A fault must give way to good form for this long before it is cleared: half the
    # onset, since good news needs less proof but one good frame must not end a fault.
    fault_clear_s: float = Field(0.5, ge=0, le=10)
    # A check that becomes unknown keeps its last status this long (a landmark
    # dropping out for a few frames should not end a fault episode).
    unknown_grace_s: float = Field(1.0, ge=0, le=10)
    # Hysteresis on the values, so that a value hovering at a threshold does not flicker:
    # about twice the frame-to-frame noise of each measurement on real landmarks.
    knee_hysteresis_deg: float = Field(6.0, ge=0, le=45)
    foot_pitch_hysteresis_deg: float = Field(4.0, ge=0, le=45)
    foot_lift_hysteresis_shin: float = Field(0.05, ge=0, le=1)
    foot_edge_hysteresis_foot: float = Field(0.03, ge=0, le=1)
    # The silhouette's heel lift jitters by ~0.02-0.04 between frames (mask edges).
    heel_lift_hysteresis_foot: float = Field(0.04, ge=0, le=1)
    # The body's roll jitters by ~3 degrees between frames lying on the side (the far
    # shoulder and hip are hidden there; under 0.2 on the back).
    body_roll_hysteresis_deg: float = Field(5.0, ge=0, le=45)
    # The foot's world heel -> toe over heel -> ankle length steps by a median 0.045
    # between frames (the world landmarks are not smoothed).
    foot_shape_hysteresis: float = Field(0.1, ge=0, le=2)
    roller_hysteresis: float = Field(0.03, ge=0, le=0.5)
    speed_hysteresis_cm_s: float = Field(2.0, ge=0, le=50)
    # Speed is the roller's path length over this window, s: "sustained" in the rules;
    # a 15 cm stroke at the 12 cm/s limit takes 1.25 s.
    speed_window_s: float = Field(1.0, gt=0, le=10)
    # Slack of the speed measure, cm: jitter of the roller's position smaller than this
    # adds no distance. About the roller detector's jitter after smoothing; a 15 cm
    # stroke loses 0.3 cm (2%) at each turn.
    speed_deadband_cm: float = Field(0.3, ge=0, le=20)
    # A speed needs at least this much of the window known, s.
    speed_min_span_s: float = Field(0.6, gt=0, le=10)
    # Measure the speed on the roller's place as read each frame, before the place's
    # smoothing (whose lag cuts the strokes' turns short at 8 fps). Off: at 30 fps the
    # landmarks' jitter (3 px, 0.75 cm) reads through the raw place as rolling too fast.
    speed_before_smoothing: bool = False
    # Also read the speed from the body's travel along its own spine in the image (the
    # mid-hip, raw landmarks, in torso lengths): a roller rolls on the floor and under
    # the back without slipping, so it moves along the back at half the body's speed.
    # The faster of the two readings counts: seen from round the side the roller's own
    # motion along the spine runs along its image axis, where the detector barely sees it.
    speed_from_body_travel: bool = True
    # A speed fault the body's travel reads on its own is not held for a camera read
    # further round than setup.fault_max_azimuth_deg (as the knee's is not).
    speed_travel_any_view: bool = True
    # Slack of the body's travel, cm (the speed is half the travel): the raw hip landmark
    # jitters more than the roller's place; 2 cm absorbs 0.75 cm (sd) of it frame to
    # frame, and a 26 cm swing of the body loses 2 cm at each turn.
    speed_travel_slack_cm: float = Field(2.0, ge=0, le=20)
    # Frames whose roller the detector is unsure of leave the speed's windows open rather
    # than restarting them, up to smoothing.reset_gap_s: a detection whose confidence
    # flickers about the bar never gathered the window's minimum span.
    speed_bridges_unsure: bool = True
    # Where the roller is found but unsure (or without a place), the body's travel goes on
    # reading the speed, with the roller place's last reading while its window is open
    # (needs speed_bridges_unsure and speed_from_body_travel): the body rolls over a
    # roller at twice its speed whether or not the detector is sure of it. Not for a
    # roller last seen away from the back (roller.max_position).
    speed_travel_unsure: bool = True
    # ... and where the tracker has given the roller up, up to this long after its last
    # sure place, s (0: never): a roller hidden for a moment is still under the back the
    # body rolls over (docs/scenes3d.md, stop 46).
    speed_travel_lost_s: float = Field(2.0, ge=0, le=10)
    # In a video, a sure roller whose outline fits both ways (the view cannot tell across
    # from along) keeps the last clear "across" read up to this long before, s (0: never):
    # a roller does not turn between frames, and a held "across" can only wait for a clear
    # "along" to show a fault, never raise one (docs/scenes3d.md, stop 46).
    across_hold_s: float = Field(2.0, ge=0, le=10)
    # In a video, a sure roller read just past the shoulder blades' edge (inside the
    # "near the edge" band) takes "ok" where its place was read inside them up to this long
    # before, s (0: never); never a fault (docs/scenes3d.md, stop 46).
    edge_hold_s: float = Field(2.0, ge=0, le=10)
    # A frame whose roller is found but unsure judges the roller's place and orientation
    # on the last sure detection's, up to this long after it, s (0: never): a confidence
    # flickering about the bar otherwise blanks those checks frame by frame. 0.5 s is the
    # smoothing's reset gap (at the 12 cm/s limit, 6 cm of rolling); a fault the held
    # place reads is still reported only after thresholds.fault_onset_s. Only with
    # roller.geometry = 3d: the image plane's misreadings off the side view would be held
    # too (on the evaluation part, oblique across false faults 33 -> 83).
    place_bridge_s: float = Field(0.5, ge=0, le=5)
    # Frame gaps longer than this (s) count as this long in time totals: a stalled
    # camera must not credit minutes to one frame's verdict.
    max_frame_dt_s: float = Field(0.5, gt=0, le=10)


class CuesConfig(_Section):
    """One cue at a time, by priority, rate-limited."""

    # A cue stays on screen at least this long, s, even if its fault clears or a more
    # important one arrives: shorter than ~2 s cannot be read by someone on a roller.
    min_display_s: float = Field(2.0, ge=0, le=60)
    # While its fault lasts, a cue is announced again every this many seconds, s:
    # reminds without nagging.
    repeat_s: float = Field(8.0, gt=0, le=600)


class RollerConfig(_Section):
    """How far the evaluator trusts the roller stage."""

    # Below this confidence the roller's checks are unknown ("roller detection unsure").
    min_confidence: float = Field(0.3, ge=0, le=1)
    # Contact this far past the hip (fractions of the torso): the roller is under the
    # buttocks or legs, which is not this exercise, so its position is not judged.
    max_position: float = Field(1.3, gt=1, le=3)
    # A roller read within this many torso lengths past the shoulder blades' edge
    # (roller_neck_max, roller_lower_back_min) is unknown ("near the edge"), not a fault:
    # the place is read to a few hundredths of the torso at best. Chosen on the 3D set's
    # tuning part: the largest margin that keeps the exact roller's matches within 1% in
    # every supported camera bin (docs/scenes3d.md).
    zone_margin: float = Field(0.05, ge=0, le=0.3)
    # With geometry 3d the band widens by up to this much, torso lengths, as the camera
    # leaves the side view (in full at 45 degrees round or up): there the place of an
    # exact roller is read with p90 errors of 0.09-0.10 against 0.06 side-on (the 3D
    # set's tuning part; docs/roller_learned.md, "Stop 36").
    zone_margin_view: float = Field(0.05, ge=0, le=0.3)
    # With geometry 3d a silhouette is read as a roller along the spine only if it is as
    # long as one this long (m) would look there: a roller along the spine bears the back
    # from the hips up. Chosen on the 3D set's tuning part (0.3 before; docs/scenes3d.md);
    # at most 0.9, the longest roller the reading expects.
    along_min_length_m: float = Field(0.6, gt=0, le=0.9)
    # Read the camera place, lying, on the back and the roller's place and orientation
    # in the image plane (as seen side-on) or against the body's 3D axes (from the world
    # landmarks: any camera place). "3d": on the 3D set's evaluation split it halves the
    # good-form clips and stills given a fault cue, and the 2D scenes and the real
    # footage read as before (docs/scenes3d.md).
    geometry: Literal["image", "3d"] = "3d"
    # The roller stage's detector: "rules" (colour and shape rules) or "learned" (the
    # segmentation network). "learned": on the 3D set it doubles the roller checks'
    # matches off the side view with as few false faults, and on real photos without a
    # roller it finds one at this evaluator's min_confidence far less often
    # (docs/roller_learned.md, "Stop 30"). A colour hint selects "rules", the detector
    # that reads colour.
    detector: Literal["rules", "learned"] = "learned"


class SessionConfig(_Section):
    """What the session summary measures."""

    # A stroke is a pass of at least this length, cm: shorter moves are fidgets.
    stroke_min_cm: float = Field(5.0, gt=0, le=100)
    # A turn needs the roller to come back this far, cm: hides jitter at the ends.
    stroke_turn_cm: float = Field(1.5, gt=0, le=50)
    # A hold is the roller kept within this distance, cm ...
    hold_max_drift_cm: float = Field(2.0, gt=0, le=50)
    # ... for at least this long, s: foam-rolling guidance says pause "for a few seconds".
    hold_min_s: float = Field(3.0, gt=0, le=120)
    # Foam-rolling guidance: "at least 10-15 minutes of foam rolling per session".
    target_minutes: float = Field(10.0, gt=0, le=600)
    # Histogram of the roller's position along the back: this many bins from -0.2 (neck)
    # to 1.2 (past the hip), fractions of the torso.
    coverage_bins: int = Field(14, ge=2, le=200)


class ModelConfig(_Section):
    """Which pose model the commands run (the pipeline's, not the evaluator's, setting)."""

    # The Pose Landmarker variant: "lite", "full" or "heavy"; "default" lets each command
    # use its own, chosen by measurement (README, The pose model): live the variant
    # that keeps 15 analysed frames/s at 640x480 on a 2-core laptop, analyze and grade
    # the most accurate on the footage and the 3D set at an acceptable cost.
    # --model-variant and --model override it.
    variant: Literal["default", "lite", "full", "heavy"] = "default"


class EvaluatorConfig(_Section):
    """Everything the evaluator reads. All sections optional in the file."""

    thresholds: ThresholdsConfig = ThresholdsConfig()
    setup: SetupConfig = SetupConfig()
    near_side: NearSideConfig = NearSideConfig()
    smoothing: SmoothingConfig = SmoothingConfig()
    temporal: TemporalConfig = TemporalConfig()
    cues: CuesConfig = CuesConfig()
    roller: RollerConfig = RollerConfig()
    session: SessionConfig = SessionConfig()
    model: ModelConfig = ModelConfig()


def flatten(config: EvaluatorConfig) -> dict[str, Any]:
    """The effective values as ``{"section.field": value}``, in declaration order."""
    out: dict[str, Any] = {}
    for section_name in type(config).model_fields:
        section = getattr(config, section_name)
        for field_name in type(section).model_fields:
            out[f"{section_name}.{field_name}"] = getattr(section, field_name)
    return out


def _format_error(err: ValidationError, origin: str) -> str:
    first = err.errors()[0]
    where = ".".join(str(part) for part in first["loc"]) or "(top level)"
    msg = first["msg"]
    if first["type"] == "extra_forbidden":
        msg = "unknown setting"
    got = first.get("input")
    # as the file spells it: TOML's true/false, not Python's True/False
    shown = str(got).lower() if isinstance(got, bool) else repr(got)
    got_text = "" if first["type"] in ("extra_forbidden", "missing") else f" (got {shown})"
    more = len(err.errors()) - 1
    tail = f"; and {more} more error(s)" if more else ""
    return f"{origin}: {where}: {msg}{got_text}{tail}"


def config_from_mapping(data: dict[str, Any], origin: str = "config") -> EvaluatorConfig:
    """Validate a parsed TOML mapping; raise :class:`ConfigError` naming the first bad field."""
    try:
        return EvaluatorConfig.model_validate(data)
    except ValidationError as err:
        raise ConfigError(_format_error(err, origin)) from None


def load_config(path: Path | None, cwd: Path) -> tuple[EvaluatorConfig, dict[str, str]]:
    """Load the effective configuration.

    Args:
        path: the file named with ``--config``, or None to look for ``formcheck.toml``
            in ``cwd``.
        cwd: the working directory.

    Returns:
        The configuration and, per ``"section.field"``, where its value came from:
        ``"default"`` or the file's path.

    Raises:
        ConfigError: the file is missing (when named), unreadable, not TOML, or holds an
            invalid value; the message is one line naming the file and the field.
    """
    if path is None:
        candidate = cwd / CONFIG_FILE_NAME
        if not candidate.is_file():
            config = EvaluatorConfig()
            return config, dict.fromkeys(flatten(config), DEFAULT_SOURCE)
        path = candidate
    if not path.is_file():
        raise ConfigError(f"{path}: config file not found")
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(f"{path}: cannot read config file: {err.strerror}") from None
    except UnicodeDecodeError:
        raise ConfigError(f"{path}: config file is not UTF-8 text") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(f"{path}: not valid TOML: {err}") from None
    config = config_from_mapping(data, str(path))
    sources = dict.fromkeys(flatten(config), DEFAULT_SOURCE)
    for section_name, section in data.items():
        if isinstance(section, dict):
            for key in section:
                sources[f"{section_name}.{key}"] = str(path)
    return config, sources
