"""Expected statuses at and around the thresholds, and the truth stream."""

from __future__ import annotations

import json

import numpy as np
import pytest

from formcheck.evaluator.thresholds import Thresholds
from formcheck.scenes import SCENARIOS, iter_scene
from formcheck.scenes.truth import (
    Margins,
    RollerTruth,
    SpeedAverager,
    TruthRecord,
    expected_statuses,
)

TH = Thresholds()
W, H = 320, 180
NEAR = "right"
JOINTS = {f"{NEAR}_{r}": (100.0, 100.0) for r in
          ("hip", "knee", "ankle", "heel", "foot_index", "shoulder")}


def _rec(knee: float = 90.0, pitch: float = 0.0, pos: float = 0.3, speed: float = 5.0,
         orientation: str = "across", joints: dict[str, tuple[float, float]] | None = None,
         person: bool = True) -> TruthRecord:
    roller = RollerTruth(visible=True, center_px=(50.0, 150.0), size_px=(20.0, 20.0),
                         orientation=orientation, contact_px=(50.0, 140.0), position=pos,
                         speed_cm_s=speed, speed_avg_cm_s=speed)
    return TruthRecord(frame=0, t_ms=0.0, width=W, height=H,
                       joints_px=JOINTS if joints is None else joints, near_side=NEAR,
                       knee_angle_deg=knee, foot_pitch_deg=pitch, feet_lifted=False,
                       roller=roller, facing="left", person_visible=person)


def _exp(rec: TruthRecord, lift: float = 0.0) -> dict[str, str | None]:
    return expected_statuses(rec, shin_cm=43.0, feet_lift_cm=lift, thresholds=TH,
                             margins=Margins())


@pytest.mark.parametrize(("knee", "status"), [
    (90.0, "ok"), (134.0, "ok"), (136.0, "unknown"), (140.0, "unknown"), (144.9, "unknown"),
    (145.1, "fault"), (170.0, "fault"),
])
def test_knees_bent(knee: float, status: str) -> None:
    assert _exp(_rec(knee=knee))["knees_bent"] == status


@pytest.mark.parametrize(("pitch", "lift", "status"), [
    (0.0, 0.0, "ok"), (14.0, 0.0, "ok"), (-20.0, 0.0, "unknown"), (26.0, 0.0, "fault"),
    (-35.0, 0.0, "fault"), (0.0, 30.0, "fault"), (0.0, 10.75, "unknown"),
])
def test_feet_flat(pitch: float, lift: float, status: str) -> None:
    assert _exp(_rec(pitch=pitch), lift=lift)["feet_flat"] == status


@pytest.mark.parametrize(("pos", "status", "zone"), [
    (0.0, "fault", "neck"), (0.08, "unknown", "neck"), (0.12, "unknown", "shoulder_blades"),
    (0.3, "ok", "shoulder_blades"), (0.47, "unknown", "lower_back"),
    (0.6, "fault", "lower_back"),
])
def test_roller_position(pos: float, status: str, zone: str) -> None:
    exp = _exp(_rec(pos=pos))
    assert exp["roller_position"] == status
    assert exp["roller_zone"] == zone


def test_roller_along_is_a_fault_and_position_unknown() -> None:
    exp = _exp(_rec(orientation="along"))
    assert exp["roller_across_back"] == "fault"
    assert exp["roller_position"] == "unknown"


@pytest.mark.parametrize(("speed", "status"), [
    (6.0, "ok"), (11.0, "unknown"), (13.9, "unknown"), (14.1, "fault"),
])
def test_rolling_speed(speed: float, status: str) -> None:
    assert _exp(_rec(speed=speed))["rolling_speed"] == status


def test_out_of_frame_evidence_is_unknown() -> None:
    joints = dict(JOINTS)
    joints[f"{NEAR}_ankle"] = (W + 10.0, 100.0)
    exp = _exp(_rec(knee=170.0, pitch=40.0, joints=joints))
    assert exp["knees_bent"] == "unknown"
    assert exp["feet_flat"] == "unknown"


def test_no_person_all_unknown() -> None:
    exp = _exp(_rec(person=False))
    assert all(v == "unknown" for k, v in exp.items() if k != "roller_zone")


def test_speed_averager_is_trailing_mean() -> None:
    avg = SpeedAverager(1.0)
    for i in range(10):
        last = avg.push(i * 0.1, 10.0)
    assert last == pytest.approx(10.0)
    for i in range(10, 25):
        last = avg.push(i * 0.1, 0.0)
    assert last == pytest.approx(0.0)


def _clip(name: str, seed: int = 0, secs: float = 0.5) -> list[tuple[np.ndarray, TruthRecord]]:
    return list(iter_scene(name, size=(160, 90), fps=10, seconds=secs, seed=seed))


def test_same_seed_same_frames_and_truth() -> None:
    a, b = _clip("good", 3), _clip("good", 3)
    assert all(np.array_equal(x[0], y[0]) for x, y in zip(a, b, strict=True))
    assert [x[1].to_dict() for x in a] == [y[1].to_dict() for y in b]
    c = _clip("good", 4)
    assert not np.array_equal(a[0][0], c[0][0])


def test_facing_right_mirrors_the_truth() -> None:
    # given the same seed, head on the left and on the right
    from formcheck.scenes.stream import resolve

    params, _ = resolve("good", 0.5, 5)
    left = list(iter_scene(params, size=(160, 90), fps=10, seconds=0.5, seed=5))
    right = list(iter_scene(params.with_(facing=params.facing.RIGHT), size=(160, 90), fps=10,
                            seconds=0.5, seed=5))
    for (_, lr), (_, rr) in zip(left, right, strict=True):
        # then the near side swaps and x mirrors about the image centre (tilt aside)
        assert lr.near_side == "right" and rr.near_side == "left"
        assert rr.knee_angle_deg == pytest.approx(lr.knee_angle_deg, abs=1e-6)
        if params.camera.tilt_deg == 0:
            lx = lr.joints_px["right_knee"][0]
            rx = rr.joints_px["left_knee"][0]
            assert lx + rx == pytest.approx(160.0, abs=1e-6)
        assert lr.expected == rr.expected


def test_every_scenario_streams_json_ready_truth() -> None:
    for name, sc in SCENARIOS.items():
        frames = _clip(name, secs=0.3)
        img, rec = frames[0]
        assert img.shape == (90, 160, 3) and img.dtype == np.uint8
        line = json.loads(json.dumps(rec.to_dict()))
        assert line["person_visible"] is sc.has_person
        assert set(line["expected"]) >= {"knees_bent", "feet_flat", "roller_position",
                                         "roller_across_back", "rolling_speed", "roller_zone"}
        if sc.has_person:
            for role in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel",
                         "foot_index", "ear", "eye"):
                assert f"left_{role}" in line["joints_px"]
                assert f"right_{role}" in line["joints_px"]
            assert "nose" in line["joints_px"]


@pytest.mark.parametrize(("name", "check", "status"), [
    ("straight_legs", "knees_bent", "fault"),
    ("heels_up", "feet_flat", "fault"),
    ("toes_up", "feet_flat", "fault"),
    ("feet_in_air", "feet_flat", "fault"),
    ("roller_on_lower_back", "roller_position", "fault"),
    ("roller_on_neck", "roller_position", "fault"),
    ("roller_along_spine", "roller_across_back", "fault"),
    ("good", "knees_bent", "ok"),
    ("good", "feet_flat", "ok"),
    ("good", "roller_position", "ok"),
    ("feet_out_of_frame", "feet_flat", "unknown"),
])
def test_scenarios_show_their_fault(name: str, check: str, status: str) -> None:
    frames = _clip(name, secs=0.5)
    assert frames[0][1].expected[check] == status


def test_rolling_too_fast_is_a_fault_after_a_second() -> None:
    frames = list(iter_scene("rolling_too_fast", size=(160, 90), fps=10, seconds=2.0))
    assert frames[-1][1].expected["rolling_speed"] == "fault"
    assert frames[-1][1].roller.speed_avg_cm_s > 15.0


@pytest.mark.parametrize("seed", range(6))
def test_heels_up_truth_is_the_drawn_heel_to_toe_line(seed: int) -> None:
    """The truth's foot pitch is the drawn heel -> toe line (in the image, less the camera
    roll), not the rear foot's tilt; the heel raise is recorded beside it, and every
    drawn raise is a clear feet_flat fault."""
    from formcheck.scenes.stream import resolve

    params, _ = resolve("heels_up", 1.0, seed)
    _img, rec = _clip("heels_up", seed=seed, secs=0.2)[0]
    n = rec.near_side
    heel, toe = np.array(rec.joints_px[f"{n}_heel"]), np.array(rec.joints_px[f"{n}_foot_index"])
    d = toe - heel
    seen = -float(np.degrees(np.arctan2(d[1], d[0])))  # image y points down
    assert rec.foot_pitch_deg is not None and rec.heel_raise_deg is not None
    assert seen == pytest.approx(rec.foot_pitch_deg - params.camera.tilt_deg, abs=1e-6)
    assert 36.0 <= rec.heel_raise_deg <= 45.0
    assert -34.0 < rec.foot_pitch_deg < -26.0
    assert rec.expected["feet_flat"] == "fault"
    assert rec.to_dict()["heel_raise_deg"] == pytest.approx(rec.heel_raise_deg, abs=1e-3)


def test_flat_feet_record_no_heel_raise() -> None:
    for name in ("good", "toes_up", "feet_in_air"):
        rec = _clip(name, seed=3, secs=0.2)[0][1]
        assert rec.heel_raise_deg == 0.0
