"""Roller stage on the real SMR stills and on synthetic scenes (real pose model)."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.roller.detector import RollerDetector
from formcheck.roller.tracker import RollerTracker

LEG_STILLS = ("Calves", "Hamstring", "Quadriceps")


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.xfail(reason="real stills: roller not yet found in each (see report)", strict=False)
def test_smr_stills(footage: Path, model_path: Path) -> None:
    from formcheck.lazy import cv2 as _cv2
    from formcheck.pose.landmarker import Mode, PoseLandmarker

    cv2 = _cv2()
    stills = sorted((footage / "free-exercise-db").glob("*-SMR__*.jpg"))
    assert stills, "no *-SMR stills in the footage folder"
    missed, on_back = [], []
    # segmentation off: the landmarker's mask is not yet safe to read (see cli.USE_MASK)
    with PoseLandmarker(model_path, Mode.IMAGE) as lm:
        for path in stills:
            img = cv2.imread(str(path))
            obs = RollerDetector().detect(img, lm.detect(img))
            print(path.name, obs.to_dict())
            if not obs.found:
                missed.append(path.name)
            elif path.name.split("-")[0] in LEG_STILLS and obs.under_back:
                on_back.append(path.name)
    assert not missed, f"roller not found in {missed}"
    assert not on_back, f"leg stills reported under the back: {on_back}"


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.xfail(reason="synthetic acceptance not met yet (see report)", strict=False)
@pytest.mark.parametrize("scene", ["good", "roller_along_spine", "low_light", "no_person"])
def test_synthetic_scene(model_path: Path, scene: str) -> None:
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.scenes import iter_scene

    tracker = RollerTracker()
    visible = found = orient = fp = 0
    errors: list[float] = []
    with PoseLandmarker(model_path, Mode.VIDEO) as lm:
        for k, (img, truth) in enumerate(iter_scene(scene, size=(640, 360), fps=15,
                                                    seconds=1.5, seed=0)):
            pf = lm.detect(img, truth.t_ms, k)
            obs = tracker.update(img, pf)
            r = truth.roller
            if not truth.person_visible:
                fp += int(obs.found)
                continue
            visible += int(r.visible)
            if r.visible and obs.found and obs.center_px is not None:
                found += 1
                s = np.array(truth.joints_px["left_shoulder"])
                h = np.array(truth.joints_px["left_hip"])
                torso = float(np.linalg.norm(h - s))
                errors.append(float(np.hypot(obs.center_px[0] - r.center_px[0],
                                             obs.center_px[1] - r.center_px[1])) / torso)
                orient += int(obs.orientation.value == r.orientation)
    if visible == 0:
        print(f"{scene}: false positives {fp}")
        assert fp == 0
        return
    rate = found / visible
    err = float(np.percentile(errors, 95)) if errors else float("nan")
    print(f"{scene}: found {rate:.2f}, centre err p95 {err:.3f} torso, "
          f"orientation {orient / max(found, 1):.2f}")
    assert rate >= 0.95
    assert err <= 0.05
    assert orient / max(found, 1) >= 0.95
