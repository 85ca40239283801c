"""Acceptance with the real model: people in the scenes are detected, knees measured.

Renders short, small clips of every scenario and runs MediaPipe's pose landmarker in
VIDEO mode: a pose in at least 95% of the frames of each scenario with a person, in
none of ``no_person``, and the near knee's angle from the landmarks within 10 degrees
of the truth on average. Prints per-scenario rates and the knee error's mean and p95.
"""

from __future__ import annotations

import os
from pathlib import Path

import numpy as np
import pytest

from formcheck.scenes import SCENARIOS, iter_scene
from formcheck.scenes.truth import angle_deg

MODEL = Path(os.environ.get(
    "FORMCHECK_MODEL",
    Path(__file__).resolve().parents[2] / "models" / "pose_landmarker_full.task",
))
SIZE = (480, 270)
FPS = 10.0
SECONDS = 2.0
SEED = 3


@pytest.mark.model
@pytest.mark.slow
@pytest.mark.skipif(not MODEL.exists(), reason=f"model bundle not found at {MODEL} "
                    "(build it or set FORMCHECK_MODEL)")
def test_scenes_are_detected_and_knees_measured() -> None:
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.pose.landmarks import SIDE_LANDMARKS
    from formcheck.vocabulary import Side

    rates: dict[str, float] = {}
    errors: list[float] = []
    for name, scenario in SCENARIOS.items():
        found = total = 0
        with PoseLandmarker(MODEL, mode=Mode.VIDEO) as lm:
            for image, truth in iter_scene(name, size=SIZE, fps=FPS, seconds=SECONDS,
                                           seed=SEED):
                frame = lm.detect(image, truth.t_ms, truth.frame)
                total += 1
                if frame.pose is None:
                    continue
                found += 1
                near = truth.near_side
                if scenario.has_person and truth.knee_angle_deg is not None and all(
                    truth.in_frame(f"{near}_{role}") for role in ("hip", "knee", "ankle")
                ):
                    ids = SIDE_LANDMARKS[Side(near)]
                    xy = frame.pose.xy
                    measured = angle_deg(xy[ids["hip"]], xy[ids["knee"]], xy[ids["ankle"]])
                    errors.append(abs(measured - truth.knee_angle_deg))
        rates[name] = found / total
    for name, rate in rates.items():
        print(f"{name:22s} detected {rate:6.1%}")
    mean, p95 = float(np.mean(errors)), float(np.percentile(errors, 95))
    print(f"knee error over {len(errors)} frames: mean {mean:.2f} deg, p95 {p95:.2f} deg")
    for name, scenario in SCENARIOS.items():
        if scenario.has_person:
            assert rates[name] >= 0.95, f"{name}: pose in only {rates[name]:.0%} of frames"
        else:
            assert rates[name] == 0.0, f"{name}: a pose was found in an empty room"
    assert mean <= 10.0
