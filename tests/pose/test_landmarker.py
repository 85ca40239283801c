"""The real model on real frames (shared footage) and on blank frames."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from formcheck.pose import SIDE_LANDMARKS
from formcheck.pose.frame import Pose
from formcheck.pose.landmarker import Mode, PoseLandmarker
from formcheck.source import open_source
from formcheck.vocabulary import Side

pytestmark = pytest.mark.model


def _knee_angle(pose: Pose) -> float:
    """Hip-knee-ankle angle of the more visible side, degrees."""
    best = max((Side.LEFT, Side.RIGHT), key=lambda s: pose.visibility[SIDE_LANDMARKS[s]["knee"]])
    idx = SIDE_LANDMARKS[best]
    hip, knee, ankle = (pose.xy[idx[k]] for k in ("hip", "knee", "ankle"))
    a, b = hip - knee, ankle - knee
    cos = float(np.dot(a, b) / (np.linalg.norm(a) * np.linalg.norm(b)))
    return float(np.degrees(np.arccos(np.clip(cos, -1, 1))))


@pytest.mark.footage
def test_pose_in_every_frame_of_the_glute_bridge_with_bent_knees(
    footage: Path, model_path: Path
) -> None:
    # when
    knees, missing = [], 0
    with (
        open_source(footage / "pexels/glute-bridge.mp4") as src,
        PoseLandmarker(model_path, Mode.VIDEO) as lm,
    ):
        for vf in src:
            pf = lm.detect(vf.image, vf.t_ms, vf.index)
            if pf.pose is None:
                missing += 1
            else:
                assert pf.pose.xy.shape == (33, 2)
                assert 0 <= pf.pose.xy[:, 0].mean() <= pf.width
                knees.append(_knee_angle(pf.pose))
    # then
    print(f"glute bridge: {len(knees)} poses, knee median {np.median(knees):.0f} deg")
    assert missing == 0 and len(knees) == 167
    assert np.median(knees) < 120 and max(knees) < 140


@pytest.mark.footage
def test_photo_in_image_mode(footage: Path, model_path: Path) -> None:
    with (
        open_source(footage / "free-exercise-db/Butt_Lift_Bridge__0.jpg") as src,
        PoseLandmarker(model_path, Mode.IMAGE) as lm,
    ):
        vf = next(iter(src))
        pf = lm.detect(vf.image)
    assert pf.pose is not None and _knee_angle(pf.pose) < 140


@pytest.mark.parametrize("mode", [Mode.IMAGE, Mode.VIDEO])
def test_no_pose_in_a_blank_frame(model_path: Path, mode: Mode) -> None:
    with PoseLandmarker(model_path, mode) as lm:
        for i in range(3):
            pf = lm.detect(np.full((360, 640, 3), 128, np.uint8), t_ms=i * 40.0, index=i)
            assert pf.pose is None and not pf.has_person


def test_segmentation_mask_has_the_frame_size(model_path: Path, footage: Path) -> None:
    with (
        open_source(footage / "free-exercise-db/Butt_Lift_Bridge__0.jpg") as src,
        PoseLandmarker(model_path, Mode.IMAGE, segmentation=True) as lm,
    ):
        vf = next(iter(src))
        pf = lm.detect(vf.image)
    assert pf.mask is not None and pf.mask.shape == (pf.height, pf.width)


def test_closed_landmarker_refuses_work(model_path: Path) -> None:
    lm = PoseLandmarker(model_path, Mode.IMAGE)
    lm.close()
    lm.close()  # idempotent
    with pytest.raises(RuntimeError, match="closed"):
        lm.detect(np.zeros((8, 8, 3), np.uint8))


@pytest.mark.footage
@pytest.mark.parametrize("mode", [Mode.IMAGE, Mode.VIDEO])
def test_mask_outlives_the_result(model_path: Path, footage: Path, mode: Mode) -> None:
    """The mask is copied out of MediaPipe's buffer: reading it later must not crash."""
    with (
        open_source(footage / "free-exercise-db/Calves-SMR__0.jpg") as src,
        PoseLandmarker(model_path, mode, segmentation=True) as lm,
    ):
        image = next(iter(src)).image
        frames = [lm.detect(image, t_ms=i * 40.0, index=i) for i in range(3)]
    for pf in frames:
        assert pf.mask is not None and 0.0 < float(pf.mask.sum()) < pf.mask.size
