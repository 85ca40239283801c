"""Physical consistency of the synthetic skeleton (body frame, cm)."""

from __future__ import annotations

import math

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from formcheck.scenes.kinematics import DIMS, solve
from formcheck.scenes.params import Orientation, PoseState


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
