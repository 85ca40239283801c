"""Shot specs and truth rows of the 3D scenes: pure, no renderer."""

from __future__ import annotations

import math

import numpy as np
import pytest

from formcheck.scenes3d import spec
from formcheck.scenes3d.spec import CameraPlace, camera_bin, camera_pose
from formcheck.scenes3d.truth3d import foot_pitch_3d, truth_rows


@pytest.mark.parametrize(("h", "az", "want"), [
    (0.3, 0.0, "floor_side"), (0.45, 15.0, "floor_side"), (0.3, 30.0, "oblique"),
    (0.8, 10.0, "elevated"), (1.3, 45.0, "elevated"), (0.2, 50.0, "beyond"),
])
def test_camera_bins(h: float, az: float, want: str) -> None:
    assert camera_bin(h, az) == want


def test_facing_left_puts_the_camera_on_the_bodys_right() -> None:
    left = camera_pose(CameraPlace(0.3, 0.0, "feet", 2.5, 26.0, facing="left"))
    right = camera_pose(CameraPlace(0.3, 0.0, "feet", 2.5, 26.0, facing="right"))
    assert left["position"][1] < 0 < right["position"][1]
    feet = camera_pose(CameraPlace(0.3, 40.0, "feet", 2.5, 26.0))
    head = camera_pose(CameraPlace(0.3, 40.0, "head", 2.5, 26.0))
    assert feet["position"][0] > 0 > head["position"][0]
    p, t = np.array(feet["position"]), np.array(feet["target"])
    assert math.isclose(float(np.linalg.norm(p - t)), 2.5, rel_tol=1e-3)
    assert math.isclose(p[2], 0.3, abs_tol=1e-6)


def test_a_job_is_the_same_for_the_same_seed_and_follows_the_scenario() -> None:
    a = spec.job_shot(spec.default_shot("session", 4, seconds=4.0), "draft")
    b = spec.job_shot(spec.default_shot("session", 4, seconds=4.0), "draft")
    assert a == b
    assert len(a["frames"]) == 32
    still = spec.job_shot(spec.default_shot("roller_along_spine", 4, still=True), "final")
    assert len(still["frames"]) == 1 and still["orientation"] == "along"
    assert still["roller"]["length_cm"] >= 60.0


def test_foot_pitch_is_signed_toes_up() -> None:
    heel = np.array([0.0, 0.0, 0.02])
    assert foot_pitch_3d(heel, np.array([0.2, 0.0, 0.02])) == pytest.approx(0.0)
    assert foot_pitch_3d(heel, np.array([0.2, 0.0, 0.2])) == pytest.approx(42.0, abs=0.1)
    assert foot_pitch_3d(heel, np.array([0.0, 0.2, -0.1])) < 0


def _raw(hidden_knee: bool = False) -> dict[str, object]:
    names = [f"{s}_{r}" for s in ("left", "right") for r in
             ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index",
              "eye", "ear")] + ["nose", "mouth_left", "mouth_right"]
    j3 = {n: [0.0, 0.1 if n.startswith("left") else -0.1, 0.2] for n in names}
    j3.update({"right_hip": [0.0, -0.1, 0.12], "right_knee": [0.3, -0.1, 0.45],
               "right_ankle": [0.6, -0.1, 0.08], "right_heel": [0.57, -0.1, 0.02],
               "right_foot_index": [0.78, -0.1, 0.02], "right_shoulder": [-0.5, -0.17, 0.25],
               "left_shoulder": [-0.5, 0.17, 0.25], "left_hip": [0.0, 0.1, 0.12],
               "nose": [-0.65, 0.0, 0.4]})
    px = {n: [320.0 + 300 * p[0], 250.0 - 300 * p[2]] for n, p in j3.items()}
    depth = {n: 2.5 + p[1] for n, p in j3.items()}
    K = [[300.0, 0.0, 320.0], [0.0, 300.0, 250.0], [0.0, 0.0, 1.0]]
    Rt = [[1.0, 0.0, 0.0, 0.0], [0.0, 0.0, -1.0, 0.0], [0.0, 1.0, 0.0, 2.5]]
    return {"frame": 0, "t_ms": 0.0, "K": K, "Rt": Rt, "joints_3d": j3, "joints_px": px,
            "depth_m": depth, "hidden": {"right_knee": hidden_knee},
            "roller": {"center": [-0.35, 0, 0.07], "axis": [0, 1, 0], "radius": 0.07,
                       "length": 0.45, "visible": True, "ends_px": [[0, 180], [20, 180]],
                       "center_px": [10, 180], "diameter_px": 30.0},
            "contact_3d": [-0.35, 0, 0.14], "contact_px": [10, 170], "position": 0.3,
            "torso_deg": 10.0, "hip_height_m": 0.12, "penetration_mm": {}, "mask_file": None}


def test_truth_rows_judge_the_body_in_3d_and_hidden_joints_are_unknown() -> None:
    shot = {"orientation": "across", "still": True, "size": [640, 360]}
    row = next(truth_rows([_raw()], shot, [500]))
    assert row["near_side"] == "right"
    assert row["knee_angle_deg"] < 140 and row["expected"]["knees_bent"] == "ok"
    assert row["expected"]["feet_flat"] == "ok"
    assert row["expected"]["roller_position"] == "ok"
    assert row["expected"]["rolling_speed"] == "unknown"  # a still has no speed
    hidden = next(truth_rows([_raw(hidden_knee=True)], shot, [500]))
    assert hidden["expected"]["knees_bent"] == "unknown"
    unseen = next(truth_rows([_raw()], shot, [10]))  # too few roller pixels
    assert unseen["expected"]["roller_across_back"] == "unknown"
