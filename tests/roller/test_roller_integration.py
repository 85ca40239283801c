"""Roller stage on synthetic scenes and on the real SMR stills (real pose model, mask on).

Where the issue's targets are met these are real acceptance tests; where not, a
golden-metric floor at the figure last measured (printed), so a regression shows.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
import pytest

from formcheck.roller.detector import RollerDetector
from formcheck.roller.tracker import RollerTracker

if TYPE_CHECKING:
    from formcheck.scenes.params import SceneParams

LEG_STILLS = ("Calves", "Hamstring", "Quadriceps")

# The targets: found in >= 95% of frames with the roller in view, centre error
# p95 <= 5% of the torso, orientation right in >= 95%. Met on 117 of the 120 clips of
# seeds 0-14 of good, roller_along_spine, roller_on_neck, roller_on_lower_back,
# facing_right, low_light and holds (see the roller report). Seeds are spread over the
# scenes to keep the run short: 0-4 (tuned on), held-out 5-9 (many failed before this
# change: low_light 5-8, roller_on_neck 6 and 9, facing_right 6, good and holds 8) and
# a fresh hold-out 10-14.
SYNTHETIC = [
    ("good", 0), ("good", 1), ("good", 3), ("good", 8), ("good", 14),
    ("roller_along_spine", 1), ("roller_along_spine", 2), ("roller_along_spine", 4),
    ("roller_along_spine", 10), ("roller_along_spine", 13),
    ("roller_on_neck", 0), ("roller_on_neck", 1), ("roller_on_neck", 6),
    ("roller_on_neck", 9), ("roller_on_neck", 12),
    ("roller_on_lower_back", 3), ("roller_on_lower_back", 11),
    ("facing_right", 1), ("facing_right", 6), ("facing_right", 14),
    ("low_light", 0), ("low_light", 1), ("low_light", 5), ("low_light", 6),
    ("low_light", 7), ("low_light", 8), ("low_light", 12),
    ("holds", 8), ("holds", 12),
    # met since mats longer than the person are measured beside it too, a thin find
    # without the mat's colours is weighed against the pass keeping them, and a bar
    # along the spine ends where it thins (each failed before: grey roller on a grey
    # mat, found 0.41; white skirting taken for a mat, p95 0.086; the bar merged with
    # the mat's end, p95 0.133)
    ("feet_out_of_frame", 14), ("rolling_too_fast", 1), ("roller_along_spine", 6),
]

# Clips where a target is not met: floors at the figures measured (found rate, centre
# error p95 in torso lengths, orientation rate), so a regression shows.
# - roller_along_spine 9, low_light 9: the pose model finds nobody in the first 2 (4)
#   frames; the roller stage has no body to search under there (found 0.91, 0.82), and
#   on roller_along_spine 9 the first frame after that, with no track yet, is off by
#   0.2 torso (p95 0.061).
# - low_light 14: a grey roller on a grey mat, its end partly of the mat's colour: the
#   centre sits a little low, p95 0.057.
FLOORS = {
    ("roller_along_spine", 9): (0.9, 0.07, 0.95),
    ("low_light", 9): (0.8, 0.05, 0.95),
    ("low_light", 14): (0.95, 0.065, 0.95),
}


def _run(
    model_path: Path, scene: str | SceneParams, seed: int,
) -> tuple[int, int, int, int, list[float]]:
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.scenes import iter_scene

    tracker = RollerTracker()
    visible = found = orient = fp = 0
    errors: list[float] = []
    with PoseLandmarker(model_path, Mode.VIDEO, segmentation=True) as lm:
        for k, (img, truth) in enumerate(iter_scene(scene, size=(640, 360), fps=15,
                                                    seconds=1.5, seed=seed)):
            obs = tracker.update(img, lm.detect(img, truth.t_ms, k))
            r = truth.roller
            if not (truth.person_visible and r.visible):
                fp += int(obs.found)
                continue
            visible += 1
            if obs.found and obs.center_px is not None:
                found += 1
                s = np.array(truth.joints_px["left_shoulder"])
                h = np.array(truth.joints_px["left_hip"])
                torso = float(np.linalg.norm(h - s))
                errors.append(float(np.hypot(obs.center_px[0] - r.center_px[0],
                                             obs.center_px[1] - r.center_px[1])) / torso)
                orient += int(obs.orientation.value == r.orientation)
    return visible, found, orient, fp, errors


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.parametrize(("scene", "seed"), SYNTHETIC + list(FLOORS))
def test_synthetic_scene(model_path: Path, scene: str, seed: int) -> None:
    visible, found, orient, _fp, errors = _run(model_path, scene, seed)
    assert visible > 0
    rate = found / visible
    err = float(np.percentile(errors, 95)) if errors else float("nan")
    acc = orient / max(found, 1)
    print(f"{scene} seed {seed}: found {rate:.2f}, centre err p95 {err:.3f} torso, "
          f"orientation {acc:.2f}")
    min_rate, max_err, min_acc = FLOORS.get((scene, seed), (0.95, 0.05, 0.95))
    assert rate >= min_rate
    assert err <= max_err
    assert acc >= min_acc


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.parametrize(("scene", "seed"), [("no_roller", s) for s in (0, 1, 2, 3, 4, 5, 9, 14)]
                         + [("no_person", 0)])
def test_no_false_roller(model_path: Path, scene: str, seed: int) -> None:
    visible, _found, _orient, fp, _errors = _run(model_path, scene, seed)
    assert visible == 0
    print(f"{scene} seed {seed}: roller reported in {fp} frames")
    assert fp == 0  # < 2% of 22 frames


@pytest.mark.model
@pytest.mark.footage
def test_smr_stills(footage: Path, model_path: Path) -> None:
    """Acceptance: the roller is found on each of the stills, and no leg still (calves,
    hamstrings, quadriceps) is reported under the back. (Peroneals-SMR__1, side-lying
    with the torso looking short, needs the roller's size judged against the legs.) See
    the roller report for what the debug images show."""
    from formcheck.lazy import cv2 as _cv2
    from formcheck.pose.landmarker import Mode, PoseLandmarker

    cv2 = _cv2()
    stills = sorted((footage / "free-exercise-db").glob("*-SMR__*.jpg"))
    assert stills, "no *-SMR stills in the footage folder"
    found, on_back = [], []
    with PoseLandmarker(model_path, Mode.IMAGE, segmentation=True) as lm:
        for path in stills:
            img = cv2.imread(str(path))
            obs = RollerDetector().detect(img, lm.detect(img))
            print(path.name, obs.to_dict())
            if obs.found:
                found.append(path.name)
                if path.name.split("-")[0] in LEG_STILLS and obs.under_back:
                    on_back.append(path.name)
    print(f"roller found on {len(found)} of {len(stills)} stills: {found}")
    missed = sorted({p.name for p in stills} - set(found))
    assert not missed, f"roller not found on {missed}"
    assert not on_back, f"leg stills under the back: {on_back}"


# Real stills labelled without a roller in labels.csv (roller column "none"): 58 stills.
# A floor at the count last measured: 13 reports (27 before a candidate across a back
# lying on it had to hold the body up, leaving a gap beside it, and had to lie under
# the back, not past the hips; 23 before the gap had to be on the side facing the
# torso's middle too, and a bar along the spine had to leave one: see
# roller/support.py). What they are:
# - 2 Adductor stills: not false; the label says "none" but its own description says
#   "one leg abducted over roller", and a blue foam roller is under the thigh;
# - 3 exercise balls (Exercise_Ball_Crunch__1, Physioball_Hip_Bridge x2): round objects
#   under the back, holding it up as a roller does;
# - 8 floor exercises on a mat: 2 lying on the back (Cross-Body_Crunch__0,
#   Frog_Sit-Ups__1): a piece of the mat in front of the body, a bar along the spine
#   closed beside it in just under the share that tells a mat (0.68 on
#   Cross-Body_Crunch__0, where a synthetic roller reaches 0.68), or spanning the
#   torso's middle (no side facing it) with a gap past one end; 6 where the pose is not
#   lying on the back (crunched and turned, or sitting up: 3_4_Sit-Up__1, Air_Bike__1,
#   Cross-Body_Crunch__1, Crunches__1, Janda_Sit-Up__1,
#   Oblique_Crunches_-_On_The_Floor__1), where the gap test does not apply (the roller
#   may be under a limb there).
# The 10 lying on the back that are no longer reported: a bar along the spine on the
# mat in front of the body, closed past both ends (Crunches__0, Frog_Sit-Ups__0,
# Tuck_Crunch__0); the mat's end past the head, its gap beyond the head only
# (Air_Bike__0, Crunch_-_Hands_Overhead__0, Janda_Sit-Up__0, Sit-Up__0); a piece of
# the mat in front of the body, closed on the side facing the torso's middle
# (Tuck_Crunch__1), a hand beside the hips (Supine_One-Arm_Overhead_Throw__0) and a
# dark patch at the shoulder (3_4_Sit-Up__0), the same. (On Cross-Body_Crunch__0 both
# its patches went, and a third, longer one is found.)
ROLLERLESS_MAX_REPORTS = 13


@pytest.mark.model
@pytest.mark.footage
def test_rollerless_stills(footage: Path, model_path: Path) -> None:
    """Golden floor: the roller stage reports a roller on at most
    ``ROLLERLESS_MAX_REPORTS`` of the real stills labelled without one (fewer is better)."""
    import csv

    from formcheck.lazy import cv2 as _cv2
    from formcheck.pose.landmarker import Mode, PoseLandmarker

    cv2 = _cv2()
    with (footage / "labels.csv").open(newline="", encoding="utf-8") as fh:
        stills = [footage / row["file"] for row in csv.DictReader(fh)
                  if row["kind"] == "image" and row["roller"].strip() == "none"]
    assert stills, "no roller-less stills in the footage folder"
    reported = []
    with PoseLandmarker(model_path, Mode.IMAGE, segmentation=True) as lm:
        for path in stills:
            img = cv2.imread(str(path))
            if img is None:
                continue
            obs = RollerTracker().update(img, lm.detect(img))
            if obs.found:
                reported.append(path.name)
    print(f"roller reported on {len(reported)} of {len(stills)} roller-less stills: "
          f"{reported}")
    assert len(reported) <= ROLLERLESS_MAX_REPORTS


# A roller of the floor's own colour (a blue roller on a blue floor, a black one on a
# dark floor): nothing in it is unlike the room, so the colour passes find nothing; the
# outline pass (roller/shape.py: the near end's disc, by its edges) finds it. Scene
# "good" with the roller's and the floor's colours replaced, the camera at the given
# elevation. Before the outline pass each clip here was found in 0% of its frames.
# Floors (per clip, tracker on): found rate and share of frames in view with the centre
# within 5% of the torso, below the figures measured (0.91-1.00 for both on every clip;
# on a wider synthetic evaluation, 4 roller colours x same or near floor colour x
# wood/plain/mat x 3-20 degrees x 2 seeds, detector alone: found 0.97, within 5% 0.96).
SAME_COLOUR = [
    # roller BGR, floor BGR, floor kind, camera elevation (deg), seed
    ((200, 120, 40), (200, 120, 40), "wood", 6.0, 0),
    ((200, 120, 40), (190, 125, 50), "plain", 14.0, 1),
    ((40, 40, 40), (50, 50, 50), "plain", 3.0, 0),
    ((150, 150, 150), (150, 150, 150), "wood", 20.0, 1),
    # a mat of another colour under the body: a piece of it, between the roller and the
    # hips, was taken for the roller before the outline was preferred to it
    ((200, 120, 40), (200, 120, 40), "mat", 14.0, 1),
]
SAME_COLOUR_MIN_FOUND = 0.9
SAME_COLOUR_MIN_WITHIN = 0.8


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.parametrize(("roller", "floor", "kind", "elevation", "seed"), SAME_COLOUR)
def test_roller_of_the_floors_colour(model_path: Path, roller: tuple[int, int, int],
                                     floor: tuple[int, int, int], kind: str,
                                     elevation: float, seed: int) -> None:
    import dataclasses

    from formcheck.scenes.scenarios import get

    p = get("good").build(1.5, np.random.default_rng(seed))
    p = dataclasses.replace(
        p, appearance=dataclasses.replace(p.appearance, roller=roller, floor=floor,
                                          floor_kind=kind),
        camera=dataclasses.replace(p.camera, elevation_deg=elevation))
    visible, found, _orient, _fp, errors = _run(model_path, p, seed)
    within = sum(e <= 0.05 for e in errors)
    assert visible > 0
    print(f"roller {roller} on {kind} floor {floor}, elevation {elevation}, seed {seed}: "
          f"found {found / visible:.2f}, within 5% {within / visible:.2f}")
    assert found / visible >= SAME_COLOUR_MIN_FOUND
    assert within / visible >= SAME_COLOUR_MIN_WITHIN
