"""Temporal logic through the evaluator: onset delay, hysteresis, no flicker, cue
priority and rate limits, fault episodes, speed, strokes, holds and coverage."""

from __future__ import annotations

import json
import math

import numpy as np
import pytest

from formcheck.evaluator.config import EvaluatorConfig, SmoothingConfig
from formcheck.evaluator.results import FrameVerdict
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import CheckId, Status, Zone
from tests.evaluator.kinematic import BodySpec, make_roller

from .helpers import FPS, GOOD, run, timeline

RAW = EvaluatorConfig(smoothing=SmoothingConfig(enabled=False))
STRAIGHT = GOOD.with_(knee_deg=170)
KNEES = CheckId.KNEES_BENT


def _first(verdicts: list, pred: object) -> float | None:  # type: ignore[type-arg]
    for v in verdicts:
        if pred(v):  # type: ignore[operator]
            return float(v.t_s)
    return None


def test_fault_is_reported_after_the_onset_delay() -> None:
    # given good form for 1 s, then straight legs
    steps = timeline(3.0, lambda t: GOOD if t < 1.0 else STRAIGHT)
    # when
    ev, verdicts = run(steps, RAW)
    # then the frame status turns at once, the reported one half a second later
    assert _first(verdicts, lambda v: v.checks[KNEES].frame_status is Status.FAULT) == 1.0
    reported = _first(verdicts, lambda v: v.checks[KNEES].status is Status.FAULT)
    assert reported == pytest.approx(1.5, abs=1 / FPS)
    cued = _first(verdicts, lambda v: v.cue is not None)
    assert cued == reported
    first_cue = next(v.cue for v in verdicts if v.cue is not None)
    assert first_cue.text == "Bend your knees" and first_cue.new
    # and the episode starts at the onset, running to the end
    (episode,) = ev.summary().fault_episodes
    assert episode.check is KNEES
    assert episode.start_s == pytest.approx(1.0)
    assert episode.end_s == pytest.approx(verdicts[-1].t_s)


def test_smoothed_fault_is_cued_within_a_second() -> None:
    # given the default smoothing and a sudden fault
    steps = timeline(3.0, lambda t: GOOD if t < 1.0 else STRAIGHT)
    # when
    _, verdicts = run(steps)
    # then its cue comes within 1 s of the onset
    cued = _first(verdicts, lambda v: v.cue is not None)
    assert cued is not None and 1.5 <= cued <= 2.0


def test_short_fault_is_not_reported() -> None:
    # given straight legs for 0.3 s only
    steps = timeline(3.0, lambda t: STRAIGHT if 1.0 <= t < 1.3 else GOOD)
    # when
    ev, verdicts = run(steps, RAW)
    # then nothing is reported
    assert all(v.checks[KNEES].status is Status.OK for v in verdicts)
    assert all(v.cue is None for v in verdicts)
    assert ev.summary().fault_episodes == ()


def test_value_flickering_at_the_threshold_is_not_reported() -> None:
    # given a knee angle alternating across the threshold every frame
    steps = timeline(4.0, lambda t: GOOD.with_(knee_deg=137 + 6 * (round(t * FPS) % 2)))
    # when
    _, verdicts = run(steps, RAW)
    # then no fault and no cue, ever
    assert {v.checks[KNEES].status for v in verdicts} == {Status.OK}
    assert all(v.cue is None for v in verdicts)


def test_fault_clears_with_hysteresis() -> None:
    # given straight legs, then a knee just under the threshold, then well bent
    def spec(t: float):  # type: ignore[no-untyped-def]
        if t < 2.0:
            return STRAIGHT
        if t < 4.0:
            return GOOD.with_(knee_deg=137)  # under 140, but within the 6 degree margin
        return GOOD

    # when
    ev, verdicts = run(timeline(6.0, spec), RAW)
    # then the fault holds through the margin and clears half a second after good form
    at = {round(v.t_s * FPS): v for v in verdicts}
    assert at[round(3.9 * FPS)].checks[KNEES].status is Status.FAULT
    assert at[round(4.4 * FPS)].checks[KNEES].status is Status.FAULT
    assert at[round(4.6 * FPS)].checks[KNEES].status is Status.OK
    (episode,) = ev.summary().fault_episodes
    assert episode.start_s == pytest.approx(0.0)
    assert episode.end_s == pytest.approx(4.0)


def test_statuses_do_not_flicker_under_noise() -> None:
    # given a good pose with 3 degrees of knee noise, near the threshold's good side
    rng = np.random.default_rng(1)
    noise = rng.normal(0, 3, 300)
    steps = timeline(10.0, lambda t: GOOD.with_(knee_deg=130 + noise[round(t * FPS)]))
    # when
    _, verdicts = run(steps)
    # then the reported status never changes
    assert {v.checks[KNEES].status for v in verdicts} == {Status.OK}


def test_unknown_keeps_the_last_status_for_a_moment() -> None:
    # given a reported fault, the person lost for 0.5 s, back, then lost for 2 s
    def spec(t: float):  # type: ignore[no-untyped-def]
        return None if 2.0 <= t < 2.5 or t >= 4.0 else STRAIGHT

    steps = [(spec(i / FPS), None) for i in range(round(7 * FPS))]
    # when
    ev, verdicts = run(steps, RAW)
    at = {round(v.t_s * FPS): v for v in verdicts}
    # then the short gap keeps the fault, the long one ends it after the grace time
    assert at[round(2.4 * FPS)].checks[KNEES].status is Status.FAULT
    assert at[round(4.9 * FPS)].checks[KNEES].status is Status.FAULT
    assert at[round(5.1 * FPS)].checks[KNEES].status is Status.UNKNOWN
    (episode,) = ev.summary().fault_episodes
    assert episode.end_s == pytest.approx(4.0)


def test_safety_cue_comes_first() -> None:
    # given straight legs, and 0.3 s later the roller slipping to the lower back
    steps = timeline(
        4.0,
        lambda t: STRAIGHT if t >= 1.0 else GOOD,
        lambda t: 0.7 if t >= 1.3 else 0.3,
    )
    # when
    _, verdicts = run(steps, RAW)
    # then the knees are cued first, and the lower back replaces them at once
    keys = [v.cue.key for v in verdicts if v.cue is not None]
    assert keys[0] == "knees_bent"
    assert _first(verdicts, lambda v: v.cue is not None and v.cue.key != "knees_bent") == (
        pytest.approx(1.8, abs=1 / FPS)
    )
    assert keys[-1] == "roller_position.lower_back"


def test_simultaneous_faults_cue_by_priority() -> None:
    # given feet off the floor, straight legs and the roller along the spine at once
    bad = GOOD.with_(knee_deg=170, foot_pitch_deg=40)
    from formcheck.roller.observation import Orientation

    steps = timeline(2.0, lambda t: bad, orientation=Orientation.ALONG)
    # when
    _, verdicts = run(steps, RAW)
    # then the knees come first (bending them brings the feet down), and only one cue
    # is ever shown
    cues = {v.cue.key for v in verdicts if v.cue is not None}
    assert cues == {"knees_bent"}


def test_cue_stays_for_its_minimum_time() -> None:
    # given a fault lasting 0.7 s (reported for 0.2 s)
    steps = timeline(5.0, lambda t: STRAIGHT if 1.0 <= t < 1.7 else GOOD)
    # when
    _, verdicts = run(steps, RAW)
    # then its cue is shown for 2 s, then goes
    shown = [v.t_s for v in verdicts if v.cue is not None]
    assert shown[0] == pytest.approx(1.5, abs=1 / FPS)
    assert shown[-1] - shown[0] == pytest.approx(2.0, abs=2 / FPS)
    # and announced once
    assert sum(1 for v in verdicts if v.cue is not None and v.cue.new) == 1


def test_lasting_fault_is_announced_again_at_the_repeat_interval() -> None:
    # given straight legs for 20 s
    steps = timeline(20.0, lambda t: STRAIGHT)
    # when
    _, verdicts = run(steps, RAW)
    # then announced at 0.5 s, then every 8 s
    announced = [v.t_s for v in verdicts if v.cue is not None and v.cue.new]
    assert announced == pytest.approx([0.5, 8.5, 16.5], abs=1 / FPS)


def test_a_minor_cue_waits_for_the_current_one() -> None:
    # given a feet fault that clears, while a knees fault starts
    def spec(t: float):  # type: ignore[no-untyped-def]
        if t < 1.0:
            return GOOD.with_(foot_pitch_deg=40)
        return STRAIGHT

    # when
    _, verdicts = run(timeline(5.0, spec), RAW)
    # then the feet cue keeps its 2 s before the knees cue follows
    switch = _first(verdicts, lambda v: v.cue is not None and v.cue.key == "knees_bent")
    assert switch == pytest.approx(2.5, abs=1 / FPS)


def _roll(speed_cm_s: float, low: float = 0.15, high: float = 0.40):  # type: ignore[no-untyped-def]
    """Triangle wave between low and high at the given speed (torso 50 cm)."""
    span = high - low
    period = 2 * span * 50.0 / speed_cm_s

    def position(t: float) -> float:
        phase = (t % period) / period
        return low + span * (2 * phase if phase < 0.5 else 2 - 2 * phase)

    return position


def test_good_session_raises_no_cue() -> None:
    # given 20 s of good form, rolling slowly (6 cm/s) over the shoulder blades
    steps = timeline(20.0, lambda t: GOOD, _roll(6.0))
    # when
    ev, verdicts = run(steps)
    summary = ev.summary()
    # then
    assert all(v.cue is None for v in verdicts)
    assert summary.fault_episodes == ()
    assert summary.score == 100
    assert summary.checks[CheckId.ROLLING_SPEED].status is Status.OK
    assert summary.strokes.count >= 7
    assert summary.strokes.mean_speed_cm_s == pytest.approx(6.0, rel=0.2)


def test_fast_rolling_is_cued() -> None:
    # given 2 s slow, then rolling at 25 cm/s
    slow, fast = _roll(6.0), _roll(25.0)
    steps = timeline(6.0, lambda t: GOOD, lambda t: slow(t) if t < 2.0 else fast(t))
    # when
    _, verdicts = run(steps)
    # then "Roll slower" within 1.5 s of the change (speed is a 1 s average)
    cued = _first(verdicts, lambda v: v.cue is not None)
    assert cued is not None and cued <= 3.5
    first = next(v.cue for v in verdicts if v.cue is not None)
    assert first.text == "Roll slower"
    speeds = [v.checks[CheckId.ROLLING_SPEED].value for v in verdicts if v.t_s > 4.0]
    assert np.median([s for s in speeds if s is not None]) == pytest.approx(25.0, rel=0.2)


RAW_PLACE = EvaluatorConfig.model_validate({"temporal": {"speed_before_smoothing": True}})


@pytest.mark.parametrize("fps", [15.0, 30.0])
def test_the_raw_place_reads_fast_rolling_near_its_speed(fps: float) -> None:
    # given rolling at 22 cm/s from the start, read at this frame rate (analyze reads 15)
    steps = timeline(6.0, lambda t: GOOD, _roll(22.0), fps=fps)
    # when the speed is read on the place before its smoothing (off by default, below)
    _, verdicts = run(steps, config=RAW_PLACE, fps=fps)
    # then it keeps most of it
    speeds = [v.checks[CheckId.ROLLING_SPEED].value for v in verdicts if v.t_s > 2.0]
    assert np.median([s for s in speeds if s is not None]) > 0.85 * 22.0
    assert verdicts[-1].checks[CheckId.ROLLING_SPEED].status is Status.FAULT


def test_the_smoothed_place_loses_a_fast_roll_at_8_fps() -> None:
    """What the raw place would win: the smoothed place cuts each stroke's turns short
    at the 3D set's 8 frames a second."""
    steps = timeline(6.0, lambda t: GOOD, _roll(22.0), fps=8.0)
    _, smoothed = run(steps, fps=8.0)
    _, raw = run(steps, config=RAW_PLACE, fps=8.0)

    def median(vs: list[FrameVerdict]) -> float:
        xs = [v.checks[CheckId.ROLLING_SPEED].value for v in vs if v.t_s > 2.0]
        return float(np.median([x for x in xs if x is not None]))

    assert median(smoothed) < median(raw) - 2.0


def _jittering(jitter_px: float) -> list:  # type: ignore[type-arg]
    """A still body whose landmarks jitter by ``jitter_px`` (sd; 4 px a cm here) frame
    to frame at 30 fps, on a roller rolling slowly (6 cm/s)."""
    rng = np.random.default_rng(5)
    slow = _roll(6.0)
    steps = []
    for i in range(round(10.0 * FPS)):
        dx, dy = rng.normal(0.0, jitter_px, 2)
        spec = GOOD.with_(center_px=(640.0 + dx, 380.0 + dy))
        steps.append((spec, make_roller(spec, slow(i / FPS))))
    return steps


def test_why_the_raw_place_is_off_landmark_jitter_reads_as_rolling_at_30_fps() -> None:
    # given a still body whose landmarks jitter by 3 px (0.75 cm) at 30 fps
    steps = _jittering(3.0)
    # when the speed is read on the raw place, and on the smoothed one (the default)
    _, raw = run(steps, config=RAW_PLACE)
    _, smoothed = run(steps)
    # then the raw place's jitter adds up to a false "roll slower"; the smoothed does not
    assert any(v.checks[CheckId.ROLLING_SPEED].status is Status.FAULT for v in raw)
    assert not any(v.checks[CheckId.ROLLING_SPEED].status is Status.FAULT for v in smoothed)


def _travelling(body_cm_s: float, fps: float, seconds: float = 6.0) -> list:  # type: ignore[type-arg]
    """A body travelling back and forth 20 cm along the floor at ``body_cm_s`` over a
    roller the detector places at 0.3 throughout (it sees no motion along the back)."""
    swing = _roll(body_cm_s, 0.0, 0.4)  # 0.4 torso = 20 cm of travel, in torso lengths
    steps = []
    for i in range(round(seconds * fps)):
        x = swing(i / fps) * 50.0 * GOOD.px_per_cm
        spec = GOOD.with_(center_px=(640.0 - 100.0 + x, 380.0))
        steps.append((spec, make_roller(spec, 0.3)))
    return steps


def test_the_bodys_travel_gives_the_speed_the_roller_hides() -> None:
    # given the body travelling at 44 cm/s, so rolling at 22 cm/s along the back (the
    # roller rolls on the floor and under the back without slipping), seen at 15 fps
    steps = _travelling(44.0, 15.0)
    off = EvaluatorConfig.model_validate({"temporal": {"speed_from_body_travel": False}})
    # when
    _, without = run(steps, config=off, fps=15.0)
    _, with_travel = run(steps, fps=15.0)
    # then the body's travel (half of it, along the spine: the torso is tilted 15
    # degrees in the image; the travel's 2 cm slack costs each 20 cm swing 2 cm at a
    # turn) reads the speed the detector's still roller does not
    late = [v.checks[CheckId.ROLLING_SPEED] for v in with_travel if v.t_s > 2.0]
    assert np.median([v.value for v in late if v.value is not None]) > 0.65 * 22.0
    assert with_travel[-1].checks[CheckId.ROLLING_SPEED].status is Status.FAULT
    assert without[-1].checks[CheckId.ROLLING_SPEED].status is Status.OK


@pytest.mark.parametrize("jitter_px", [1.0, 2.0, 4.0])
def test_a_still_body_adds_no_speed_from_its_landmarks_jitter(jitter_px: float) -> None:
    # given a still body whose hip and shoulder landmarks jitter by up to 4 px (1 cm, sd)
    # frame to frame at 30 fps, on a roller rolling slowly (6 cm/s)
    # when
    _, verdicts = run(_jittering(jitter_px))
    # then no speed fault: the travel's slack (2 cm) absorbs the raw hip's jitter
    speeds = [v.checks[CheckId.ROLLING_SPEED].value for v in verdicts if v.t_s > 1.0]
    assert max(s for s in speeds if s is not None) < 9.0
    assert all(v.checks[CheckId.ROLLING_SPEED].status is not Status.FAULT for v in verdicts)


def test_the_bodys_step_needs_both_frames_hips() -> None:
    """A hip landmark lost in either frame gives no step (the travel restarts), never a
    NaN that would stop the travel reading for the rest of the stint."""
    from formcheck.evaluator.temporal import body_step
    from tests.evaluator.kinematic import make_frame

    a, b = make_frame(GOOD).pose, make_frame(GOOD.with_(center_px=(660.0, 380.0))).pose
    assert a is not None and b is not None
    step = body_step(a.xy, b.xy, b.xy)
    assert step is not None and step != 0.0
    lost = b.xy.copy()
    lost[23] = np.nan  # left hip
    assert body_step(a.xy, lost, b.xy) is None


def test_detector_jitter_does_not_look_like_rolling() -> None:
    # given a still roller whose position jitters by 0.5 cm (sd) frame to frame
    rng = np.random.default_rng(3)
    jitter = rng.normal(0, 0.01, 300)
    steps = timeline(10.0, lambda t: GOOD, lambda t: 0.3 + jitter[round(t * FPS)])
    # when
    ev, verdicts = run(steps)
    # then no speed fault, no strokes, and one long hold
    assert all(v.checks[CheckId.ROLLING_SPEED].status is not Status.FAULT for v in verdicts)
    summary = ev.summary()
    assert summary.strokes.count == 0
    assert summary.holds.count == 1
    assert summary.holds.durations_s[0] == pytest.approx(10.0, abs=0.2)


def test_holds_and_coverage() -> None:
    # given 4 s held at 0.3, a slow move to 0.7, 2 s there
    def position(t: float) -> float:
        if t < 4.0:
            return 0.3
        if t < 6.0:
            return 0.3 + 0.2 * (t - 4.0)
        return 0.7

    steps = timeline(8.0, lambda t: GOOD, position)
    # when
    ev, _ = run(steps, RAW)
    summary = ev.summary()
    # then
    assert summary.holds.count == 1
    # (the hold lasts until the roller has left by 2 cm: 0.2 s into the move)
    assert summary.holds.durations_s[0] == pytest.approx(4.2, abs=0.05)
    zone_s = summary.coverage.zone_s
    assert zone_s[Zone.SHOULDER_BLADES] == pytest.approx(4.0 + 0.75, abs=0.1)
    assert zone_s[Zone.LOWER_BACK] == pytest.approx(2.0 + 1.25, abs=0.1)
    assert sum(summary.coverage.bin_s) == pytest.approx(8.0, abs=0.1)
    assert summary.rolling_s == pytest.approx(8.0, abs=0.1)
    assert summary.strokes.count == 1
    (episode,) = summary.fault_episodes
    assert episode.key == "roller_position.lower_back"
    # the fault starts once the roller is past the lower back's edge (0.45) by the
    # margin (roller.zone_margin, 0.05): at 0.50, 5.0 s; the zone time counts from 0.45
    assert episode.start_s == pytest.approx(5.0, abs=2 / FPS)


def test_summary_fractions_and_score() -> None:
    # given 6 s good, 4 s straight legs, roller always on the shoulder blades
    steps = timeline(10.0, lambda t: GOOD if t < 6.0 else STRAIGHT)
    # when
    ev, _ = run(steps, RAW)
    summary = ev.summary()
    # then
    knees = summary.checks[KNEES]
    assert summary.duration_s == pytest.approx(10.0, abs=1e-6)
    assert knees.status is Status.FAULT
    assert knees.known_fraction == pytest.approx(1.0)
    assert knees.ok_fraction == pytest.approx(6.5 / 10.0, abs=0.01)  # 0.5 s onset is ok
    speed = summary.checks[CheckId.ROLLING_SPEED]
    assert speed.status is Status.OK
    # score: weights 3 pos, 2 feet, 2 knees, 2 across, 1 speed
    expected = round(100 * (3 + 2 + 2 * 0.65 + 2 + speed.known_fraction * 0 + 1) / 10)
    assert summary.score == expected
    assert summary.good_form_s == pytest.approx(6.5, abs=0.05)
    json.dumps(summary.to_dict())


def test_still_summary_counts_the_frame() -> None:
    # given one photo with straight legs
    from formcheck.evaluator.evaluator import Evaluator
    from tests.evaluator.kinematic import make_frame

    ev = Evaluator(still=True)
    ev.update(make_frame(STRAIGHT), make_roller(STRAIGHT, 0.3))
    # when
    summary = ev.summary()
    # then the check's verdict is the frame's
    assert summary.checks[KNEES].status is Status.FAULT
    assert summary.checks[KNEES].ok_fraction == 0.0
    assert summary.duration_s == 0.0
    assert not math.isnan(summary.checks[CheckId.FEET_FLAT].known_fraction)


def test_a_speed_fault_the_bodys_travel_reads_stands_from_round_the_side() -> None:
    """Faults wait for a camera read within setup.fault_max_azimuth_deg of the side view
    (the roller's place, the feet misread further round), but not a speed fault the
    body's travel reads on its own: the travel and the torso foreshorten alike."""
    from formcheck.evaluator.body import FAULT_HELD
    from formcheck.evaluator.evaluator import _hold_faults, _Raw

    raws = {CheckId.ROLLING_SPEED: _Raw(Status.FAULT, 20.0, any_view=True),
            CheckId.FEET_FLAT: _Raw(Status.FAULT, 30.0)}
    _hold_faults(raws, azimuth_deg=35.0, limit_deg=25.0)
    assert raws[CheckId.ROLLING_SPEED].status is Status.FAULT
    assert raws[CheckId.FEET_FLAT].status is Status.UNKNOWN
    assert raws[CheckId.FEET_FLAT].reason == FAULT_HELD
    roller_only = {CheckId.ROLLING_SPEED: _Raw(Status.FAULT, 20.0)}
    _hold_faults(roller_only, azimuth_deg=35.0, limit_deg=25.0)
    assert roller_only[CheckId.ROLLING_SPEED].status is Status.UNKNOWN


@pytest.mark.parametrize("place", [0.3, 0.6])
def test_a_flickering_detection_keeps_the_rollers_place_and_orientation(place: float) -> None:
    # given the roller still on the shoulder blades (0.3) or the lower back (0.6), the
    # detector unsure of it in two frames of three, at 15 fps, then in every frame from 4 s
    from dataclasses import replace

    steps = []
    for i, (spec, roller) in enumerate(timeline(6.0, lambda t: GOOD, lambda t: place,
                                                fps=15.0)):
        assert roller is not None
        unsure = i % 3 or i >= 60
        steps.append((spec, replace(roller, confidence=0.1) if unsure else roller))
    never = EvaluatorConfig.model_validate({"temporal": {"place_bridge_s": 0.0}})
    image_plane = EvaluatorConfig.model_validate({"roller": {"geometry": "image"}})
    # when
    _, bridged = run(steps, fps=15.0)
    _, blanked = run(steps, config=never, fps=15.0)
    _, in_image = run(steps, config=image_plane, fps=15.0)
    # then the unsure frames read the last sure place until 4 s and 0.5 s beyond; without
    # the bridge, two frames in three are unknown and the lower back's fault never shows
    want = Status.OK if place < 0.5 else Status.FAULT
    for check in (CheckId.ROLLER_POSITION, CheckId.ROLLER_ACROSS_BACK):
        want_here = Status.OK if check is CheckId.ROLLER_ACROSS_BACK else want
        mid = [v.checks[check] for v in bridged if 0.5 < v.t_s < 4.0]
        assert all(c.frame_status is want_here for c in mid)
        late = [v.checks[check] for v in bridged if v.t_s > 4.6]
        assert all(c.frame_status is Status.UNKNOWN for c in late)
        for unbridged in (blanked, in_image):  # the image plane's readings are not held
            some = [v.checks[check].frame_status for v in unbridged if 0.5 < v.t_s < 4.0]
            assert some.count(Status.UNKNOWN) >= len(some) // 2
    reported = {v.checks[CheckId.ROLLER_POSITION].status for v in bridged if 1.0 < v.t_s < 4.0}
    assert reported == {want}
    if want is Status.FAULT:
        assert all(v.checks[CheckId.ROLLER_POSITION].status is not Status.FAULT
                   for v in blanked)


def test_a_flickering_detection_still_gives_the_speed() -> None:
    # given rolling at 25 cm/s, the detector unsure of the roller every third frame
    # (its confidence flickering about the bar), at 15 fps
    from dataclasses import replace

    fast = _roll(25.0)
    steps = []
    for i, (spec, roller) in enumerate(timeline(6.0, lambda t: GOOD, fast, fps=15.0)):
        assert roller is not None
        steps.append((spec, roller if i % 3 else replace(roller, confidence=0.1)))
    restart = EvaluatorConfig.model_validate({"temporal": {"speed_bridges_unsure": False}})
    # when
    _, bridged = run(steps, fps=15.0)
    _, restarted = run(steps, config=restart, fps=15.0)
    # then the unsure frames leave the speed's window open and the sure ones read the
    # fault; each restarting it, the window never gathers its minimum span. (Whether the
    # fault is reported is the debouncing's: here an unknown every third frame holds it.)
    late = [v.checks[CheckId.ROLLING_SPEED] for v in bridged if v.t_s > 1.5]
    assert all(v.frame_status is Status.FAULT for v in late if v.frame_status is not Status.UNKNOWN)
    assert sum(v.frame_status is Status.FAULT for v in late) >= len(late) // 2
    assert all(v.checks[CheckId.ROLLING_SPEED].frame_status is Status.UNKNOWN for v in restarted)


@pytest.mark.parametrize(("body_cm_s", "want"), [(44.0, Status.FAULT), (20.0, Status.OK)])
def test_the_bodys_travel_reads_the_speed_over_a_roller_the_detector_is_unsure_of(
    body_cm_s: float, want: Status
) -> None:
    # given a body travelling at 44 cm/s (rolling at 22) or 20 cm/s (rolling at 10: the
    # body's own 20 would be over the 12 cm/s limit, so the halving is what passes it)
    # over a roller the detector finds in every frame but is never sure of, at 15 fps
    from dataclasses import replace

    steps = [(spec, None if roller is None else replace(roller, confidence=0.1))
             for spec, roller in _travelling(body_cm_s, 15.0)]
    off = EvaluatorConfig.model_validate({"temporal": {"speed_travel_unsure": False}})
    # when
    _, verdicts = run(steps, fps=15.0)
    _, without = run(steps, config=off, fps=15.0)
    # then the travel reads the speed the unsure roller cannot; without it, none is read
    late = [v.checks[CheckId.ROLLING_SPEED] for v in verdicts if v.t_s > 2.0]
    assert all(v.frame_status is want for v in late)
    assert verdicts[-1].checks[CheckId.ROLLING_SPEED].status is want
    assert all(v.checks[CheckId.ROLLING_SPEED].frame_status is Status.UNKNOWN for v in without)


def test_the_bodys_travel_reads_the_speed_over_a_roller_lost_for_a_moment() -> None:
    # given a body travelling at 44 cm/s (rolling at 22) over a roller the detector is
    # sure of for 3 s, then loses altogether (the tracker gives it up) for the last 5 s
    steps = [(spec, roller if i < 45 else None)
             for i, (spec, roller) in enumerate(_travelling(44.0, 15.0, seconds=8.0))]
    off = EvaluatorConfig.model_validate({"temporal": {"speed_travel_lost_s": 0.0}})
    # when
    _, verdicts = run(steps, fps=15.0)
    _, without = run(steps, config=off, fps=15.0)
    # then the travel goes on reading the fault for speed_travel_lost_s (2 s) after the
    # last sure place, then the speed is unknown: the roller may be gone; without it, the
    # speed is unknown from the first frame the roller is lost
    speed = [(v.t_s, v.checks[CheckId.ROLLING_SPEED].frame_status) for v in verdicts]
    assert all(st is Status.FAULT for t, st in speed if 3.1 <= t <= 4.9)
    assert all(st is Status.UNKNOWN for t, st in speed if t > 5.0)
    assert all(v.checks[CheckId.ROLLING_SPEED].frame_status is Status.UNKNOWN
               for v in without if v.t_s >= 3.0)


def _still_then_sliding(gap_s: float = 0.0, fps: float = 15.0) -> list:  # type: ignore[type-arg]
    """3 s lying still on a roller the detector is sure of; then (after ``gap_s`` with
    nobody in view) the roller lost and the body sliding 45 cm along the floor at 30
    cm/s: someone getting off the roller, not rolling."""
    steps: list = []  # type: ignore[type-arg]
    for _ in range(round(3.0 * fps)):
        spec = GOOD.with_(center_px=(540.0, 380.0))
        steps.append((spec, make_roller(spec, 0.3)))
    steps += [(None, None)] * round(gap_s * fps)
    for i in range(round(1.5 * fps)):
        x = 30.0 * (i / fps) * GOOD.px_per_cm
        steps.append((GOOD.with_(center_px=(540.0 + x, 380.0)), None))
    return steps


@pytest.mark.parametrize("gap_s", [0.0, 0.4])
def test_getting_off_a_lost_roller_is_no_speed_fault(gap_s: float) -> None:
    # given a still body on a sure roller, then the roller lost and the body sliding off
    # it at 30 cm/s (its half, 15 cm/s, over the 12 cm/s limit), right away or after
    # 0.4 s out of view
    steps = _still_then_sliding(gap_s)
    # when
    _, verdicts = run(steps, fps=15.0)
    # then no speed fault is raised: the travel over a lost roller starts none
    assert all(v.checks[CheckId.ROLLING_SPEED].frame_status is not Status.FAULT
               for v in verdicts)
    assert all(v.checks[CheckId.ROLLING_SPEED].status is not Status.FAULT for v in verdicts)


def test_a_roller_the_view_cannot_tell_keeps_its_last_clear_across_for_a_while() -> None:
    """In a video, an outline that fits both ways takes the last clear "across" up to
    temporal.across_hold_s (2 s) after it; a clear "along" ends the hold (holding "along"
    could raise a fault, so it never is); a photo holds nothing; a lost person ends it."""
    from formcheck.evaluator.evaluator import Evaluator
    from formcheck.roller.observation import Orientation

    across, along, unknown = Orientation.ACROSS, Orientation.ALONG, Orientation.UNKNOWN
    ev = Evaluator()
    assert ev._held_across(unknown, True, 0.0) is unknown  # nothing clear yet
    assert ev._held_across(across, False, 1.0) is across
    assert ev._held_across(unknown, True, 2.9) is across  # within 2 s: held
    assert ev._held_across(unknown, False, 2.9) is unknown  # fits neither way: not held
    assert ev._held_across(unknown, True, 3.1) is unknown  # past 2 s
    assert ev._held_across(across, False, 4.0) is across
    assert ev._held_across(along, False, 4.5) is along
    assert ev._held_across(unknown, True, 4.6) is unknown  # "along" ended the hold
    assert ev._held_across(across, False, 5.0) is across
    ev._lose_person()
    assert ev._held_across(unknown, True, 5.1) is unknown
    off = Evaluator(EvaluatorConfig.model_validate({"temporal": {"across_hold_s": 0.0}}))
    off._held_across(across, False, 0.0)
    assert off._held_across(unknown, True, 0.1) is unknown
    photo = Evaluator(still=True)
    photo._held_across(across, False, 0.0)
    assert photo._held_across(unknown, True, 0.0) is unknown


@pytest.mark.parametrize(("travel_cm_s", "any_view"), [(20.0, True), (11.0, False), (None, False)])
def test_a_speed_fault_stands_from_any_view_only_where_the_travel_reads_it(
    travel_cm_s: float | None, any_view: bool
) -> None:
    """The speed fault (20 cm/s, the roller's place or the travel) is marked to stand
    from any camera place only when the body's travel alone is over the limit."""
    from formcheck.evaluator.evaluator import Evaluator

    ev = Evaluator()
    travel = None if travel_cm_s is None else travel_cm_s / 50.0
    raw = ev._speed(True, True, 0.3, 20.0 / 50.0, travel)
    assert raw.status is Status.FAULT
    assert raw.any_view is any_view


def test_a_recent_value_is_lent_only_while_it_is_fresh() -> None:
    from formcheck.evaluator.temporal import Recent

    recent: Recent[float] = Recent(0.5)
    assert recent.get(0.0) is None
    recent.note(1.0, 0.3)
    assert recent.get(1.5) == 0.3
    assert recent.get(1.51) is None
    recent.forget()
    assert recent.get(1.2) is None


def _unsure(spec: BodySpec, place: float) -> RollerObservation:
    from dataclasses import replace

    return replace(make_roller(spec, place), confidence=0.1)


def test_a_set_up_problem_or_nobody_in_view_forgets_the_held_place() -> None:
    """The last sure place lends itself only to unsure frames that follow it directly:
    a place read face down, or a frame with nobody in it, lends nothing after."""
    face_down = GOOD.with_(face_down=True)
    Steps = list[tuple[BodySpec | None, RollerObservation | None]]
    lead: Steps = [(GOOD, make_roller(GOOD, 0.3)) for _ in range(30)]
    after: Steps = [(GOOD, _unsure(GOOD, 0.6)) for _ in range(5)]
    cases: dict[str, Steps] = {
        # the roller sure on the lower back while the body lies face down
        "set-up problem": lead + [(face_down, make_roller(face_down, 0.6))] * 3 + after,
        "nobody in view": [(GOOD, make_roller(GOOD, 0.6))] * 30 + [(None, None)] + after,
    }
    for name, steps in cases.items():
        _, verdicts = run(steps, fps=15.0)
        tail = [v.checks[CheckId.ROLLER_POSITION] for v in verdicts[-5:]]
        assert all(c.frame_status is Status.UNKNOWN for c in tail), name
    # and the control: straight after a sure frame, the same unsure frames hold its place
    _, held = run([(GOOD, make_roller(GOOD, 0.6))] * 30 + after, fps=15.0)
    assert held[-1].checks[CheckId.ROLLER_POSITION].frame_status is Status.FAULT


def test_a_roller_last_seen_away_from_the_back_reads_no_speed_from_the_travel() -> None:
    # given a roller sure by the feet (1.5 torso lengths down, past roller.max_position),
    # then unsure while the body travels at 44 cm/s
    swing = _roll(44.0, 0.0, 0.4)
    steps = []
    for i in range(round(4 * 15.0)):
        x = swing(i / 15.0) * 50.0 * GOOD.px_per_cm
        spec = GOOD.with_(center_px=(540.0 + x, 380.0))
        steps.append((spec, make_roller(spec, 1.5) if i < 15 else _unsure(spec, 1.5)))
    # when
    _, verdicts = run(steps, fps=15.0)
    # then no speed is read about a roller that is not under the back
    assert all(v.checks[CheckId.ROLLING_SPEED].frame_status is Status.UNKNOWN
               for v in verdicts)


def test_a_recent_value_is_not_lent_backwards_in_time() -> None:
    from formcheck.evaluator.temporal import Recent

    recent: Recent[float] = Recent(0.5)
    recent.note(100.0, 0.3)
    assert recent.get(0.0) is None  # a new stream starts over


def test_a_roll_through_the_edge_band_reads_ok_then_unknown() -> None:
    # given a video: the roller read inside the shoulder blades (0.40) for 2 s, then just
    # past the lower back's edge (0.48, inside the 0.05 band) for 4 s
    steps = timeline(6.0, lambda t: GOOD, lambda t: 0.40 if t < 2.0 else 0.48)
    off = EvaluatorConfig.model_validate({"temporal": {"edge_hold_s": 0.0}})
    # when
    _, verdicts = run(steps)
    _, without = run(steps, config=off)
    # then the band reads ok (claiming no zone) for edge_hold_s after the last place
    # inside, then unknown; never a fault; without the hold, unknown throughout the band
    pos = [(v.t_s, v.checks[CheckId.ROLLER_POSITION]) for v in verdicts]
    band = [(t, c) for t, c in pos if 2.5 <= t]
    assert all(c.frame_status is Status.OK and c.zone is None for t, c in band if t <= 3.8)
    assert all(c.frame_status is Status.UNKNOWN for t, c in band if t >= 4.5)
    assert all(c.frame_status is not Status.FAULT for _, c in pos)
    assert all(v.checks[CheckId.ROLLER_POSITION].frame_status is Status.UNKNOWN
               for v in without if v.t_s >= 2.5)
