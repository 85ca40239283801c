"""Photos the detector misses upright are tried a quarter turn each way, landmarks turned
back: the real model, on a rendered person lying on a roller."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.lazy import cv2
from formcheck.pose.landmarker import Mode, PoseLandmarker, Turn


@pytest.mark.parametrize("turn", list(Turn))
def test_a_turned_detection_lands_on_the_same_joints(model_path: Path, turn: Turn) -> None:
    from formcheck.scenes import iter_scene

    image, _truth = next(iter(iter_scene("good", (640, 360), seconds=0.1, seed=2)))
    height, width = image.shape[:2]
    rgb = cv2().cvtColor(image, cv2().COLOR_BGR2RGB)
    with PoseLandmarker(model_path, Mode.IMAGE, segmentation=True) as lm:
        upright = lm.detect(image)
        turned = lm.detect_turned(rgb, turn, 0, 0.0, width, height)
    assert upright.pose is not None and turned.pose is not None
    assert (turned.width, turned.height) == (width, height)
    # the body's main joints (shoulders, hips, knees, ankles) agree within 4% of the width
    joints = [11, 12, 23, 24, 25, 26, 27, 28]
    err = np.linalg.norm(turned.pose.xy[joints] - upright.pose.xy[joints], axis=1)
    print(f"{turn}: joint distance median {np.median(err):.1f} px, max {err.max():.1f} px")
    assert np.median(err) < 0.04 * width
    # the mask is turned back: the person's pixels overlap
    assert turned.mask is not None and upright.mask is not None
    assert turned.mask.shape == upright.mask.shape
    a, b = turned.mask > 0.5, upright.mask > 0.5
    assert (a & b).sum() / max((a | b).sum(), 1) > 0.6
    # world coordinates turned back: the same sign of the head-to-hip direction
    up_w = upright.pose.world[0, :2] - upright.pose.world[23, :2]
    tu_w = turned.pose.world[0, :2] - turned.pose.world[23, :2]
    assert float(up_w @ tu_w) > 0
