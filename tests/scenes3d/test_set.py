"""The committed 3D benchmark set: its plan, its split, and truth that matches its pixels.

No model and no renderer: these read ``data/scenes3d`` as committed.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import numpy as np
import pytest

from formcheck.scenes3d import dataset
from formcheck.scenes3d.benchset import (
    DETECTOR_FIRST,
    DETECTOR_HEAD_END_FIRST,
    DETECTOR_HEAD_END_STILLS,
    EVAL_ONLY,
    HEAD_END_FIRST,
    LYING_FLAT_STILLS,
    SPEED_BINS,
    SPEED_FIRST,
    TRUTH_EXT,
    calibration_shot,
    detector_training_shot,
    pack_truth,
)

SHOTS = dataset.load()


def _sample(n: int) -> list[dataset.Shot]:
    """Every k-th shot, so a sample spans both splits, all bins and the clips."""
    step = max(len(SHOTS) // n, 1)
    return SHOTS[::step]


def test_the_set_has_its_stills_and_clips() -> None:
    kinds = Counter(s.row["kind"] for s in SHOTS)
    assert kinds["still"] >= 300
    assert kinds["clip"] >= 16
    for s in SHOTS:
        truth = s.truth()
        assert truth[0]["width"] >= 640 and truth[0]["height"] >= 360
        if not s.still:
            seconds = (truth[-1]["t_ms"] - truth[0]["t_ms"]) / 1000 + 1 / 8
            assert seconds >= 3.0 and len(truth) / seconds >= 8.0 - 1e-6, s.name


def test_every_camera_bin_is_in_both_splits() -> None:
    seen = Counter((s.split, s.camera_bin) for s in SHOTS)
    for split in ("tuning", "evaluation"):
        for b in ("floor_side", "oblique", "elevated", "beyond"):
            assert seen[(split, b)] >= 10, (split, b, seen)


def test_looks_held_out_for_evaluation_never_appear_in_tuning() -> None:
    tuning = [s for s in SHOTS if s.split == "tuning"]
    evaluation = [s for s in SHOTS if s.split == "evaluation"]
    for key, field in (("roller_color", "roller_color"), ("floor", "floor"),
                       ("light", "light")):
        held = set(EVAL_ONLY[key])
        assert not {s.row["look"][field] for s in tuning} & held
        assert {s.row["look"][field] for s in evaluation} & held
    # the first plan's tuning shots have no camera from the head end 25 degrees round or
    # more; the head-end shots added after it (tuning only) are all from the head end
    # (nor have the detector's final-quality stills, numbered after the head-end ones,
    # but for their own head-end block)
    for s in tuning:
        cam = s.row["camera"]
        head_end_block = (HEAD_END_FIRST <= s.row["seed"] < DETECTOR_FIRST
                          or DETECTOR_HEAD_END_FIRST <= s.row["seed"]
                          < DETECTOR_HEAD_END_FIRST + DETECTOR_HEAD_END_STILLS)
        if not head_end_block:
            assert not (cam["end"] == "head" and cam["azimuth_deg"] >= 25.0)
        else:
            assert cam["end"] == "head" and 20.0 <= cam["azimuth_deg"] <= 75.0, s.name
        final = DETECTOR_FIRST <= s.row["seed"] < SPEED_FIRST
        assert s.row["quality"] == ("final" if final else "draft"), s.name
    head_end = [s for s in tuning if HEAD_END_FIRST <= s.row["seed"] < DETECTOR_FIRST]
    assert {s.camera_bin for s in head_end} == {"oblique", "elevated", "beyond"}
    assert not [s for s in evaluation if 700 <= s.row["seed"] - 100_000 < 1000]
    assert any(s.row["camera"]["end"] == "head" and s.row["camera"]["azimuth_deg"] >= 25.0
               for s in evaluation)
    assert {s.row["quality"] for s in evaluation} == {"final"}
    assert not {s.row["seed"] for s in tuning} & {s.row["seed"] for s in evaluation}


def test_people_lying_flat_without_a_roller_are_in_both_parts_unseen_by_the_network() -> None:
    """What real roller-less photos show: the body flat on the floor, no roller in the
    image; in the tuning part they calibrate the detector's confidence, so it must not
    train on them."""
    flat = [s for s in SHOTS if s.scenario == "lying_flat"]
    assert Counter(s.split for s in flat) == LYING_FLAT_STILLS
    for s in flat:
        t = s.truth()[0]
        assert not t["roller"]["visible"] and t["roller_pixels"] == 0, s.name
        assert abs(t["torso_deg"]) < 5.0 and t["hip_height_m"] < 0.15, s.name
        assert t["expected"]["roller_position"] == "unknown"
        assert not detector_training_shot(s.name)


def test_the_body_rests_on_the_roller_and_floor_within_a_few_millimetres() -> None:
    worst = {"roller": 0.0, "floor": 0.0}
    for s in SHOTS:
        for t in s.truth():
            for k in worst:
                worst[k] = max(worst[k], float(t["penetration_mm"][k]))
    assert worst["roller"] <= 3.0 and worst["floor"] <= 3.0, worst


def _gradient(image: np.ndarray) -> np.ndarray:
    import cv2

    g = cv2.cvtColor(image, cv2.COLOR_BGR2GRAY).astype(np.float32)
    return np.hypot(cv2.Sobel(g, cv2.CV_32F, 1, 0), cv2.Sobel(g, cv2.CV_32F, 0, 1))


def _edge(labels: np.ndarray) -> np.ndarray:
    fg = labels > 0
    e = np.zeros_like(fg)
    e[:, 1:] |= fg[:, 1:] != fg[:, :-1]
    e[1:, :] |= fg[1:, :] != fg[:-1, :]
    return e


@pytest.mark.parametrize("shot", _sample(16), ids=lambda s: s.name)
def test_the_masks_line_up_with_the_rendered_pixels(shot: dataset.Shot) -> None:
    """The image changes most where the mask's outline is: moved by 3 px it fits worse."""
    masks = shot.masks()
    image, _truth = next(shot.frames())
    labels = masks[0]
    if not (labels > 0).any():
        pytest.skip("nothing but the room in this frame")
    grad = _gradient(image)
    edge = _edge(labels)

    def fit(dx: int, dy: int) -> float:
        return float(grad[np.roll(np.roll(edge, dy, 0), dx, 1)].mean())

    here = fit(0, 0)
    moved = max(fit(dx, dy) for dx, dy in ((3, 0), (-3, 0), (0, 3), (0, -3)))
    assert here > moved, (here, moved)
    assert here > 2.0 * float(grad.mean())


@pytest.mark.parametrize("shot", _sample(16), ids=lambda s: s.name)
def test_seen_joints_and_the_roller_fall_on_their_masks(shot: dataset.Shot) -> None:
    import cv2

    labels = shot.masks()[0]
    truth = shot.truth()[0]
    person = cv2.dilate((labels == 1).astype(np.uint8), np.ones((7, 7), np.uint8)) > 0
    h, w = labels.shape
    on = total = 0
    for name, (x, y) in truth["joints_px"].items():
        if truth["hidden"].get(name) or not (0 <= x < w and 0 <= y < h):
            continue
        total += 1
        on += bool(person[int(y), int(x)])
    if truth["person_visible"]:
        assert total and on / total >= 0.9, (on, total)
    # every roller pixel lies within the roller's projected outline
    ys, xs = np.nonzero(labels == 2)
    if len(xs):
        a, b = (np.asarray(p) for p in truth["roller_ends_px"])
        pts = np.stack([xs, ys], 1).astype(float)
        ab = b - a
        t = np.clip(((pts - a) @ ab) / max(float(ab @ ab), 1e-9), 0, 1)
        dist = np.linalg.norm(pts - (a + t[:, None] * ab), axis=1)
        radius = truth["roller"]["size_px"][1] / 2
        assert float(np.percentile(dist, 99)) <= radius * 1.6 + 3, (dist.max(), radius)


def test_good_form_truth_has_no_fault_and_each_fault_scenario_has_its_fault() -> None:
    faults = {"straight_legs": "knees_bent", "heels_up": "feet_flat", "toes_up": "feet_flat",
              "feet_in_air": "feet_flat", "roller_on_lower_back": "roller_position",
              "roller_on_neck": "roller_position", "roller_along_spine": "roller_across_back",
              "rolling_too_fast": "rolling_speed"}
    found: Counter[str] = Counter()
    for s in SHOTS:
        for t in s.truth():
            if s.scenario in dataset.GOOD_FORM:
                assert "fault" not in t["expected"].values(), (s.name, t["expected"])
            if s.scenario in faults and t["expected"][faults[s.scenario]] == "fault":
                found[s.scenario] += 1
    assert set(found) == set(faults), found


@pytest.mark.parametrize(("scenario", "check", "want"), [
    ("head_hanging", "head_supported", "fault"),
    ("hands_behind_head", "head_supported", "ok"),
    ("hips_high", "hip_height", "fault"),
    ("good", "head_supported", "ok"),
    ("good", "hip_height", "ok"),
])
def test_head_and_hips_truth_says_what_the_scenario_shows(
        scenario: str, check: str, want: str) -> None:
    """Where the truth is clear it is the scenario's, in both splits; it is never the
    opposite; the readings behind it lie on the right side of the threshold."""
    from formcheck.evaluator.thresholds import DEFAULT_THRESHOLDS as TH

    other = "ok" if want == "fault" else "fault"
    got: Counter[tuple[str, str]] = Counter()
    for s in SHOTS:
        if s.scenario != scenario or not s.still:
            continue
        for t in s.truth():
            status = t["expected"][check]
            got[(s.split, status)] += 1
            assert status != other, (s.name, check, status)
            if status == "fault" and check == "hip_height":
                assert t["hip_rise_torso"] > TH.hip_rise_max_torso
            if status == "fault" and check == "head_supported":
                assert t["neck_extension_deg"] > TH.neck_extension_max_deg
    for split in ("tuning", "evaluation"):
        assert got[(split, want)] >= 0.6 * sum(n for (sp, _), n in got.items() if sp == split)


def test_the_truth_is_stored_packed_and_packing_keeps_every_row(tmp_path: Path) -> None:
    """The set's truth files are gzipped (most of its bytes otherwise); a plain file the
    renderer writes packs to rows equal to its own, and packing twice is no change."""
    assert all(s.row["truth"].endswith(TRUTH_EXT) for s in SHOTS)
    assert not list(dataset.DEFAULT_SET.glob("*.truth.jsonl"))
    rows = [{"frame": 0, "expected": {"knees_bent": "ok"}}, {"frame": 1, "t_ms": 125.0}]
    plain = tmp_path / "x.truth.jsonl"
    plain.write_text("".join(json.dumps(r) + "\n" for r in rows))
    assert pack_truth(tmp_path) == 1
    packed = tmp_path / f"x{TRUTH_EXT}"
    assert not plain.exists() and dataset.read_truth(packed) == rows
    first = packed.read_bytes()
    plain.write_text("".join(json.dumps(r) + "\n" for r in rows))
    pack_truth(tmp_path)
    assert packed.read_bytes() == first
    assert sorted(p.name for p in tmp_path.iterdir()) == [packed.name]


def test_the_speed_clips_run_at_analyzes_rate_unseen_by_the_network() -> None:
    """The rolling-speed clips (stop 43): 15 frames a second for 4 s, as `analyze` reads
    a video, in the supported bins, both too fast and good; neither trained on nor in the
    detector's calibration."""
    clips = [s for s in SHOTS if s.row["seed"] % 100_000 >= SPEED_FIRST]
    tuning = [s for s in clips if s.split == "tuning"]
    assert len(tuning) == 9
    assert {s.scenario for s in tuning} == {"rolling_too_fast", "good"}
    assert {s.camera_bin for s in tuning} == set(SPEED_BINS)
    for s in clips:
        truth = s.truth()
        seconds = (truth[-1]["t_ms"] - truth[0]["t_ms"]) / 1000 + 1 / 15
        assert len(truth) == 60 and seconds == pytest.approx(4.0), s.name
        assert not detector_training_shot(s.name) and not calibration_shot(s.name)
