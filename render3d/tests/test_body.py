"""The body poser (numpy only, no Blender): physically consistent poses as asked."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import numpy as np
import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from formcheck_render3d.body import Body, PoseParams, Poser, Shape, load_mesh


@pytest.fixture(scope="module")
def posers() -> dict[str, Poser]:
    mesh = load_mesh()
    return {name: Poser(Body(mesh, shape)) for name, shape in (
        ("average", Shape(0.5, 0.5, 1.75)),
        ("small slim woman", Shape(0.0, 0.1, 1.5)),
        ("tall heavy man", Shape(1.0, 0.9, 1.95)),
    )}


def _angle(a: np.ndarray, b: np.ndarray, c: np.ndarray) -> float:
    v1, v2 = a - b, c - b
    return math.degrees(math.acos(float(np.dot(v1, v2) / np.linalg.norm(v1) / np.linalg.norm(v2))))


CASES = [
    PoseParams(),
    PoseParams(roller_position=0.1, roller_diameter_cm=10.0),
    PoseParams(roller_position=0.7, hip_height_cm=22.0, roller_diameter_cm=15.0),
    PoseParams(knee_angle_deg=165.0, foot_pitch_deg=60.0, hip_height_cm=13.0),
    PoseParams(foot_pitch_deg=-40.0),
    PoseParams(foot_lift_cm=30.0),
    PoseParams(arms="behind_head", head_pitch_deg=-15.0),
    PoseParams(orientation="along", roller_length_cm=90.0, roller_position=0.35),
    PoseParams(orientation="along", roller_length_cm=45.0, roller_position=0.3),
]


@pytest.mark.parametrize("who", ["average", "small slim woman", "tall heavy man"])
@pytest.mark.parametrize("p", CASES, ids=lambda p: f"{p.orientation}-{p.roller_position}-"
                         f"{p.knee_angle_deg}-{p.foot_pitch_deg}-{p.foot_lift_cm}-{p.arms}")
def test_the_back_rests_on_the_roller_and_nothing_sinks_in(
        posers: dict[str, Poser], who: str, p: PoseParams) -> None:
    q = posers[who].pose(p)
    assert q.penetration_mm["roller"] <= 3.0
    assert q.penetration_mm["floor"] <= 3.0
    assert q.roller_center[2] == pytest.approx(q.roller_radius)
    # the back touches: the nearest back vertex is on the roller's surface
    poser = posers[who]
    gap = poser._roller_gap(q.verts, q.roller_center, q.roller_axis, q.roller_radius,
                            q.roller_length)
    assert abs(gap) <= 3e-3
    j = q.joints
    for side in ("left", "right"):
        assert _angle(j[f"{side}_hip"], j[f"{side}_knee"], j[f"{side}_ankle"]) == \
            pytest.approx(p.knee_angle_deg, abs=0.5)
    if p.orientation == "across":
        assert q.position == pytest.approx(p.roller_position, abs=0.06)


def test_the_feet_do_what_is_asked(posers: dict[str, Poser]) -> None:
    poser = posers["average"]
    flat = poser.pose(PoseParams()).joints
    toes = poser.pose(PoseParams(foot_pitch_deg=35.0)).joints
    heel = poser.pose(PoseParams(foot_pitch_deg=-40.0)).joints
    air = poser.pose(PoseParams(foot_lift_cm=30.0)).joints
    for j in (flat, toes, heel, air):
        assert j["right_heel"][2] >= -0.003
    assert flat["right_heel"][2] < 0.03 and flat["right_foot_index"][2] < 0.03
    assert toes["right_heel"][2] < 0.03 and toes["right_foot_index"][2] > 0.10
    assert heel["right_foot_index"][2] < 0.03 and heel["right_heel"][2] > 0.08
    assert min(air["right_heel"][2], air["right_foot_index"][2]) > 0.25


def test_left_and_right_mirror(posers: dict[str, Poser]) -> None:
    j = posers["average"].pose(PoseParams(arms="behind_head")).joints
    for role in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "ear"):
        a, b = j[f"left_{role}"], j[f"right_{role}"]
        assert a[0] == pytest.approx(b[0], abs=0.01)
        assert a[1] == pytest.approx(-b[1], abs=0.01)
        assert a[2] == pytest.approx(b[2], abs=0.01)


def test_hands_behind_the_head_lie_behind_it_and_crossed_arms_on_the_chest(
        posers: dict[str, Poser]) -> None:
    poser = posers["average"]
    behind = poser.pose(PoseParams(arms="behind_head")).joints
    crossed = poser.pose(PoseParams()).joints
    ear = (behind["left_ear"] + behind["right_ear"]) / 2
    wrist = (behind["left_wrist"] + behind["right_wrist"]) / 2
    assert np.linalg.norm(wrist - ear) < 0.15
    assert crossed["left_wrist"][1] < 0 < crossed["right_wrist"][1]


def test_a_travelling_body_keeps_its_feet_and_rests_on_the_roller(posers: dict[str, Poser]) -> None:
    """The body travels over the roller (body_shift_m) with the feet planted: the torso,
    hips and roller move together, the ankles stay, the knee bends or opens to reach
    them, and the body still rests on the roller and the floor."""
    poser = posers["average"]
    base = PoseParams(knee_angle_deg=90.0, roller_position=0.3)
    still = poser.pose(base)
    for shift, opens in ((0.12, False), (-0.12, True)):  # + is towards the feet
        q = poser.pose(PoseParams(knee_angle_deg=90.0, roller_position=0.3, body_shift_m=shift))
        for side in ("left", "right"):
            assert np.allclose(q.joints[f"{side}_ankle"], still.joints[f"{side}_ankle"], atol=2e-3)
            hip = q.joints[f"{side}_hip"] - still.joints[f"{side}_hip"]
            # (the hips settle by a few mm as the thighs turn the seat)
            assert hip[0] == pytest.approx(shift, abs=2e-3) and abs(hip[2]) < 5e-3
        assert q.roller_center[0] - still.roller_center[0] == pytest.approx(shift, abs=2e-3)
        assert q.position == pytest.approx(still.position, abs=0.005)
        knee = _angle(q.joints["left_hip"], q.joints["left_knee"], q.joints["left_ankle"])
        assert (knee > 95.0) if opens else (knee < 85.0)
        assert q.penetration_mm["roller"] <= 3.0 and q.penetration_mm["floor"] <= 3.0
