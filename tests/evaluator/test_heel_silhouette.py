"""feet_flat's heel reading from the person's silhouette (body.py, "Heel lifted, from the
silhouette"), on generated poses with their leg's mask (kinematic.silhouette)."""

from __future__ import annotations

import math
from dataclasses import replace

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from formcheck.evaluator.body import heel_lift_from_silhouette
from formcheck.evaluator.config import EvaluatorConfig, SetupConfig, ThresholdsConfig
from formcheck.evaluator.evaluator import evaluate_still
from formcheck.evaluator.thresholds import DEFAULT_THRESHOLDS
from formcheck.vocabulary import CheckId, Side, Status
from tests.evaluator.kinematic import FOOT_CM, BodySpec, make_frame

from .helpers import GOOD, run, still

FEET = CheckId.FEET_FLAT
MASK = 0.5  # mask px per image px, as the analyzer's 480 px mask of a 960x540 frame
THRESHOLD = DEFAULT_THRESHOLDS.heel_lift_max_foot
# A heel raised 18 degrees: under the 20 degree pitch threshold, over the heel threshold.
UNDER_PITCH_RAISE = -18.0


def _heel(spec: BodySpec, config: EvaluatorConfig | None = None) -> tuple[Status, float]:
    verdict = still(spec, config=config, mask_scale=MASK).checks[FEET]
    return verdict.status, verdict.extra.get("heel_lift_foot", math.nan)


@pytest.mark.parametrize("knee_deg", [60.0, 90.0, 120.0])
@pytest.mark.parametrize("head_side", list(Side))
@pytest.mark.parametrize("yaw_deg", [0.0, 15.0])
def test_a_flat_foot_reads_level(knee_deg: float, head_side: str, yaw_deg: float) -> None:
    # given a flat foot, seen from the side
    spec = GOOD.with_(knee_deg=knee_deg, head_side=head_side, yaw_deg=yaw_deg)
    # when
    status, heel = _heel(spec)
    # then heel and toes rest on the same row, within a mask pixel or two
    assert abs(heel) <= 0.03
    assert status is Status.OK


@pytest.mark.parametrize("head_side", list(Side))
def test_a_heel_raise_the_landmarks_under_read_is_a_fault(head_side: str) -> None:
    # given a heel raised 18 degrees: the heel -> toe line alone stays under 20
    spec = GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE, head_side=head_side)
    # when
    verdict = still(spec, mask_scale=MASK).checks[FEET]
    # then the silhouette shows the heel's underside off the floor
    assert verdict.value == pytest.approx(18.0, abs=0.01)
    assert verdict.extra["heel_lift_foot"] > THRESHOLD
    assert verdict.status is Status.FAULT
    # and without the mask the same pose passes: the reading is what catches it
    assert still(spec).checks[FEET].status is Status.OK


@pytest.mark.parametrize(("offset", "expected"), [
    (-0.02, Status.FAULT), (-0.005, Status.FAULT), (0.0, Status.OK), (0.005, Status.OK),
    (0.02, Status.OK),
])
def test_fault_above_the_threshold_not_at_it(offset: float, expected: Status) -> None:
    # given a raised heel and its reading r, and the threshold set around r
    spec = GOOD.with_(foot_pitch_deg=-12.0)
    _, heel = _heel(spec)
    assert 0.1 < heel < THRESHOLD
    config = EvaluatorConfig(thresholds=ThresholdsConfig(heel_lift_max_foot=heel + offset))
    # when
    status, _ = _heel(spec, config)
    # then a reading above the threshold is a fault, at or under it is not
    assert status is expected


def test_the_reading_grows_with_the_raise() -> None:
    readings = [_heel(GOOD.with_(foot_pitch_deg=-p))[1] for p in (0.0, 6.0, 12.0, 18.0, 30.0)]
    assert readings == sorted(readings)
    assert readings[0] == pytest.approx(0.0, abs=0.03)
    assert readings[-1] > 0.3


def test_toes_up_is_left_to_the_pitch() -> None:
    # given toes lifted (heel landmark below the toe landmark)
    verdict = still(GOOD.with_(foot_pitch_deg=25.0), mask_scale=MASK).checks[FEET]
    # then the heel reading does not apply; the pitch faults it
    assert "heel_lift_foot" not in verdict.extra
    assert verdict.status is Status.FAULT


def test_not_read_in_an_oblique_view_from_above() -> None:
    # given the heel raised 18 degrees, seen 40 degrees off the side and from 35 above
    spec = GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE, yaw_deg=40.0, elevation_deg=35.0)
    config = EvaluatorConfig(setup=SetupConfig(gate_body_checks=False))
    # when
    verdict = still(spec, config=config, mask_scale=MASK).checks[FEET]
    # then the silhouette's lower edge is not the floor contact: the reading is not used
    assert "heel_lift_foot" not in verdict.extra
    assert verdict.status is Status.OK


@pytest.mark.parametrize(("elevation_deg", "read"), [(14.0, True), (26.0, False)])
def test_not_read_from_above_whatever_the_body_spread(elevation_deg: float, read: bool) -> None:
    # given the heel raised 18 degrees seen 10 degrees off the side, its world landmarks
    # (the view's elevation is read from them) and the spread's gate opened (a rendered
    # body 26 degrees below the camera spread only 0.16 by MediaPipe's landmarks)
    spec = GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE, yaw_deg=10.0,
                      elevation_deg=elevation_deg)
    frame = make_frame(spec, mask_scale=MASK, world=True)
    setup = SetupConfig(gate_body_checks=False)
    config = EvaluatorConfig(setup=setup, thresholds=ThresholdsConfig(sole_view_max_spread=5.0))
    # when
    verdict = evaluate_still(frame, None, config).checks[FEET]
    # then from 26 degrees up (over sole_view_max_elevation_deg) the reading is not used
    assert ("heel_lift_foot" in verdict.extra) is read
    assert verdict.status is (Status.FAULT if read else Status.OK)
    # and with the elevation's gate opened too the same view reads it: that gate drops it
    off = EvaluatorConfig(setup=setup, thresholds=ThresholdsConfig(
        sole_view_max_spread=5.0, sole_view_max_elevation_deg=90.0))
    opened = evaluate_still(frame, None, off).checks[FEET]
    assert opened.extra["heel_lift_foot"] > THRESHOLD and opened.status is Status.FAULT


def test_missing_or_empty_masks_give_no_reading() -> None:
    frame = make_frame(GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE), mask_scale=MASK)
    assert frame.pose is not None
    a, t, h = (frame.pose.xy[i] for i in (27, 31, 29))  # left ankle, toe, heel
    w = frame.width
    assert math.isnan(heel_lift_from_silhouette(None, w, a, t, h))
    empty = np.zeros_like(frame.mask)
    assert math.isnan(heel_lift_from_silhouette(empty, w, a, t, h))
    nan = np.array([np.nan, np.nan])
    assert math.isnan(heel_lift_from_silhouette(frame.mask, w, nan, t, h))
    assert frame.mask is not None
    assert math.isnan(heel_lift_from_silhouette(frame.mask[:1, :1], w, a, t, h))


def test_hysteresis_holds_a_fault_just_under_the_threshold() -> None:
    # given a raise over the threshold for a second, then one reading just under it
    hyst = EvaluatorConfig().temporal.heel_lift_hysteresis_foot
    high = GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE)
    low = GOOD.with_(foot_pitch_deg=-15.5)
    _, low_heel = _heel(low)
    assert THRESHOLD - hyst < low_heel <= THRESHOLD
    steps = [(high, None)] * 30 + [(low, None)] * 30 + [(GOOD, None)] * 45
    # when
    _, verdicts = run(steps, config=EvaluatorConfig(
        setup=SetupConfig(gate_body_checks=False)), mask_scale=MASK)
    # then the fault is reported, holds through the near-threshold stretch, and clears
    statuses = [v.checks[FEET].status for v in verdicts]
    assert statuses[29] is Status.FAULT
    assert all(s is Status.FAULT for s in statuses[30:60])
    assert statuses[-1] is Status.OK


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.one_of(st.floats(-6.0, 0.0), st.floats(-40.0, -25.0)),
    st.floats(80.0, 120.0),
    st.floats(2.0, 5.0),
    st.sampled_from(list(Side)),
    st.floats(-3.0, 3.0),
)
def test_reading_ignores_position_size_facing_and_a_small_roll(
    pitch: float, knee: float, px_per_cm: float, head_side: str, roll: float
) -> None:
    """Raises are drawn 0-6 or 25-40 degrees: a 3 degree camera roll tilts the image's
    vertical, moving the reading by up to ~0.05, and these stay that far from 0.22."""
    # given a pose, and the same pose moved, resized, mirrored and rolled
    spec = GOOD.with_(foot_pitch_deg=pitch, knee_deg=knee)
    # (the hip at the middle of the 1280x720 frame: at 5 px/cm the feet and the head
    # stay in it whichever way the person faces)
    other = spec.with_(px_per_cm=px_per_cm, center_px=(640.0, 420.0), head_side=head_side,
                       roll_deg=roll)
    # when
    (sa, ha), (sb, hb) = _heel(spec), _heel(other)
    # then the verdict agrees, and the reading within the roll's effect and rounding to
    # a mask pixel at each end of the foot (heel and toe bands round apart: a pose found
    # 1.5 pixels apart, pitch -39 at 2.8 px/cm facing right). A level foot rolled may put
    # its heel landmark a pixel under its toe: then there is no reading (no lift to
    # confirm), as good as ~0.
    assert sa is sb
    if pitch <= -25.0:
        assert math.isfinite(ha) and math.isfinite(hb)
    ha, hb = (0.0 if math.isnan(x) and pitch > -6.5 else x for x in (ha, hb))
    ankle_to_toe_px = min(4.0, px_per_cm) * MASK * math.hypot(0.75 * FOOT_CM, 0.3 * FOOT_CM)
    assert ha == pytest.approx(hb, abs=2.0 / ankle_to_toe_px + math.sin(math.radians(abs(roll))))


@pytest.mark.parametrize(("mask_scale", "px_per_cm"), [(0.25, 4.0), (0.5, 2.2), (0.5, 4.0)])
def test_facing_left_or_right_reads_alike_on_small_masks(
    mask_scale: float, px_per_cm: float
) -> None:
    # given the same raised heel, facing each way, on a coarse mask (ankle -> toe 18-36
    # mask px)
    spec = GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE, px_per_cm=px_per_cm)
    left = still(spec, mask_scale=mask_scale).checks[FEET]
    right = still(spec.with_(head_side=Side.RIGHT), mask_scale=mask_scale).checks[FEET]
    # then the bands cover the same columns: the readings agree within a mask pixel
    ankle_to_toe_px = px_per_cm * mask_scale * math.hypot(0.75 * FOOT_CM, 0.3 * FOOT_CM)
    assert left.extra["heel_lift_foot"] == pytest.approx(
        right.extra["heel_lift_foot"], abs=1.01 / ankle_to_toe_px)


def test_a_foot_too_small_in_the_mask_gives_no_reading() -> None:
    # a foot ~10 mask px long: too few columns under the heel to read
    verdict = still(GOOD.with_(px_per_cm=1.0), mask_scale=0.5).checks[FEET]
    assert "heel_lift_foot" not in verdict.extra


def test_a_foot_cut_by_the_bottom_edge_gives_no_reading() -> None:
    # given a raised heel whose toes run off the bottom of the image
    spec = GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE, center_px=(640.0, 665.0))
    frame = make_frame(spec, mask_scale=MASK)
    assert frame.mask is not None and frame.mask[-1].any()
    # when
    verdict = still(spec, mask_scale=MASK).checks[FEET]
    # then the toes' underside is not seen: no reading, rather than an under-read
    assert "heel_lift_foot" not in verdict.extra


def test_odd_masks_and_coordinates_never_raise() -> None:
    frame = make_frame(GOOD.with_(foot_pitch_deg=UNDER_PITCH_RAISE), mask_scale=MASK)
    for mask in (np.zeros(10, np.float32), np.zeros((0, 0), np.float32),
                 np.zeros((360, 640, 1), np.float32)):
        verdict = evaluate_still(replace(frame, mask=mask)).checks[FEET]
        assert "heel_lift_foot" not in verdict.extra
    huge = np.array([1e308, 1.0])
    assert frame.mask is not None
    assert math.isnan(heel_lift_from_silhouette(frame.mask, frame.mask.shape[1], -huge, huge,
                                                -huge))


def test_the_mask_may_be_any_size() -> None:
    # the same pose with a full-size and a quarter-size mask read alike
    spec = GOOD.with_(foot_pitch_deg=-25.0)
    full = still(spec, mask_scale=1.0).checks[FEET].extra["heel_lift_foot"]
    quarter = still(spec, mask_scale=0.25).checks[FEET].extra["heel_lift_foot"]
    assert full == pytest.approx(quarter, abs=0.05)
    frame = make_frame(spec, mask_scale=0.25)
    assert frame.mask is not None and frame.mask.shape == (180, 320)
    assert replace(frame, mask=None).mask is None
