"""Physical consistency of the synthetic skeleton (body frame, cm)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.scenes.kinematics import DIMS, bend_foot, solve
from formcheck.scenes.params import PoseState
from formcheck.vocabulary import Orientation


def _state(**kw: float) -> PoseState:
    base = {"knee_angle_deg": 90.0, "foot_pitch_deg": 0.0, "foot_lift_cm": 0.0,
                "roller_position": 0.3, "hip_height_cm": 16.0, "head_pitch_deg": 10.0}
    base.update(kw)
    return PoseState(**base)


def _dist_point_line(p: np.ndarray, a: np.ndarray, b: np.ndarray) -> float:
    d = b - a
    q = p - a
    return abs(float(d[0] * q[1] - d[1] * q[0])) / float(np.linalg.norm(d))


@settings(max_examples=60, deadline=None)
@given(
    knee=st.floats(40.0, 178.0),
    pos=st.floats(-0.2, 0.9),
    hip_h=st.floats(5.0, 30.0),
    pitch=st.floats(-40.0, 40.0),
    diameter=st.floats(10.0, 18.0),
)
def test_roller_on_floor_back_on_roller_feet_on_floor(
    knee: float, pos: float, hip_h: float, pitch: float, diameter: float
) -> None:
    # given a pose with the feet down
    state = _state(knee_angle_deg=knee, roller_position=pos, hip_height_cm=hip_h,
                   foot_pitch_deg=pitch)
    # when solved
    sk = solve(state, Orientation.ACROSS, diameter)
    r = diameter / 2
    # then the roller touches the floor
    assert sk.roller_center[1] == pytest.approx(r)
    # the back surface (shoulder-hip line offset by the back depth) is tangent to it
    d = _dist_point_line(sk.roller_center, sk.points["shoulder"], sk.points["hip"])
    if sk.points["hip"][1] > DIMS.buttock + 1e-6 or hip_h >= DIMS.buttock:
        assert d == pytest.approx(r + DIMS.back_depth, abs=0.6)
    assert float(np.linalg.norm(sk.roller_contact - sk.roller_center)) == pytest.approx(r)
    # the hips never go through the floor
    assert sk.points["hip"][1] >= DIMS.buttock - 1e-6
    # the foot touches the floor and nothing of it is below
    lowest = min(sk.points["heel"][1] - 2.0, sk.points["foot_index"][1] - 2.0,
                 sk.points["ball"][1])
    assert lowest >= -0.5
    assert min(sk.points["heel"][1], sk.points["foot_index"][1]) <= 2.5 + 1e-6
    # the knee angle and the limb lengths are the ones asked for
    hip, kn, an = sk.points["hip"], sk.points["knee"], sk.points["ankle"]
    v1, v2 = hip - kn, an - kn
    ang = math.degrees(math.acos(float(np.dot(v1, v2) / np.linalg.norm(v1) / np.linalg.norm(v2))))
    assert ang == pytest.approx(min(knee, 180.0), abs=0.2)
    assert float(np.linalg.norm(kn - hip)) == pytest.approx(DIMS.thigh)
    assert float(np.linalg.norm(an - kn)) == pytest.approx(DIMS.shin)
    # torso length is preserved
    assert float(np.linalg.norm(sk.points["shoulder"] - hip)) == pytest.approx(DIMS.torso)


def test_contact_position_matches_parameter() -> None:
    # given the roller at 0.3 of the shoulder-hip line
    sk = solve(_state(roller_position=0.3), Orientation.ACROSS, 15.0)
    s, h = sk.points["shoulder"], sk.points["hip"]
    # when the contact is projected onto the line
    t = float(np.dot(sk.roller_contact - s, h - s) / np.dot(h - s, h - s))
    # then it is at 0.3
    assert t == pytest.approx(0.3, abs=1e-6)


def test_feet_lifted_are_off_the_floor() -> None:
    sk = solve(_state(foot_lift_cm=30.0), Orientation.ACROSS, 15.0)
    assert sk.points["heel"][1] > 25.0
    assert sk.points["foot_index"][1] > 25.0


def test_along_spine_back_lies_on_bar() -> None:
    sk = solve(_state(), Orientation.ALONG, 15.0)
    # torso parallel to the floor, one back depth above the top of the bar
    assert sk.points["shoulder"][1] == pytest.approx(sk.points["hip"][1])
    assert sk.points["hip"][1] == pytest.approx(15.0 + DIMS.back_depth)


def test_heel_raise_tips_the_rear_foot_about_the_ball_with_the_toes_flat() -> None:
    # given the heels raised 40 degrees with the feet on the floor
    flat = solve(_state(), Orientation.ACROSS, 15.0)
    sk = solve(_state(foot_pitch_deg=-40.0), Orientation.ACROSS, 15.0)
    heel, ball, toe = sk.points["heel"], sk.points["ball"], sk.points["foot_index"]
    # then the forefoot stays flat on the floor: ball on it, toe tip at its flat height
    assert ball[1] == pytest.approx(0.0, abs=1e-9)
    assert toe[1] == pytest.approx(flat.points["foot_index"][1], abs=1e-9)
    assert toe[0] - ball[0] == pytest.approx(DIMS.foot - DIMS.ball)
    # the rear foot keeps its length and is tipped up 40 degrees about the ball
    f_rear = flat.points["heel"] - flat.points["ball"]
    rear = heel - ball
    assert float(np.linalg.norm(rear)) == pytest.approx(float(np.linalg.norm(f_rear)))
    tilt = math.degrees(math.atan2(rear[1], -rear[0]) - math.atan2(f_rear[1], -f_rear[0]))
    assert tilt == pytest.approx(40.0, abs=1e-6)
    assert sk.heel_raise_deg == 40.0
    # the heel is well off the floor and the ankle rides with the rear foot
    assert heel[1] - flat.points["heel"][1] > 10.0
    assert float(np.linalg.norm(sk.points["ankle"] - heel)) == pytest.approx(
        float(np.linalg.norm(flat.points["ankle"] - flat.points["heel"])))
    # and the recorded pitch is the drawn heel -> toe line, flatter than the rear foot
    line = math.degrees(math.atan2(toe[1] - heel[1], toe[0] - heel[0]))
    assert sk.foot_pitch_deg == pytest.approx(line)
    assert -32.0 < sk.foot_pitch_deg < -27.0


@pytest.mark.parametrize("pitch", [0.0, 35.0])
def test_flat_and_toes_up_feet_stay_rigid(pitch: float) -> None:
    sk = solve(_state(foot_pitch_deg=pitch), Orientation.ACROSS, 15.0)
    assert sk.heel_raise_deg == 0.0
    assert sk.foot_pitch_deg == pitch


def test_a_foot_in_the_air_points_rigidly() -> None:
    # in the air nothing holds the toes: the whole foot turns, no bend at the ball
    sk = solve(_state(foot_pitch_deg=-10.0, foot_lift_cm=30.0), Orientation.ACROSS, 15.0)
    d = sk.points["foot_index"] - sk.points["heel"]
    assert sk.heel_raise_deg == 0.0
    assert math.degrees(math.atan2(d[1], d[0])) == pytest.approx(-10.0)


@settings(max_examples=30, deadline=None)
@given(raise_deg=st.floats(0.0, 60.0))
def test_bend_foot_turns_the_rear_rigidly_and_leaves_the_forefoot(raise_deg: float) -> None:
    rear = np.array([[0.0, 2.0], [6.0, 7.5], [-1.5, 1.0], [DIMS.ball - DIMS.toe_bend, 0.0]])
    front = np.array([[DIMS.foot, 2.0], [26.0, 1.5], [DIMS.ball + DIMS.toe_bend, 5.0]])
    moved = bend_foot(rear, raise_deg)
    pivot = np.array([DIMS.ball, 0.0])
    # distances to the pivot and between rear points are kept (a rotation) ...
    np.testing.assert_allclose(np.linalg.norm(moved - pivot, axis=1),
                               np.linalg.norm(rear - pivot, axis=1), atol=1e-9)
    np.testing.assert_allclose(np.linalg.norm(moved[0] - moved[1]),
                               np.linalg.norm(rear[0] - rear[1]), atol=1e-9)
    # ... nothing goes below the floor, and the forefoot does not move
    assert float(moved[:, 1].min()) >= -1e-9
    np.testing.assert_allclose(bend_foot(front, raise_deg), front, atol=1e-12)
