"""The frame type: shapes are checked, helpers convert units."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.pose import NUM_LANDMARKS, SIDE_LANDMARKS, Landmark, Pose, PoseFrame
from formcheck.vocabulary import Side


def test_from_pixels_normalises_by_image_size() -> None:
    # given
    xy = np.tile([[320.0, 90.0]], (NUM_LANDMARKS, 1))
    # when
    pose = Pose.from_pixels(xy, (640, 360))
    # then
    assert pose.normalized[0].tolist() == [0.5, 0.25, 0.0]
    assert pose.visibility.shape == (NUM_LANDMARKS,)


@pytest.mark.parametrize("field", ["xy", "normalized", "world", "visibility", "presence"])
def test_wrong_shape_is_rejected_with_the_field_name(field: str) -> None:
    # given
    good = Pose.from_pixels(np.zeros((NUM_LANDMARKS, 2)), (10, 10))
    kwargs = {f: getattr(good, f) for f in ("xy", "normalized", "world", "visibility", "presence")}
    kwargs[field] = np.zeros((5,))
    # when / then
    with pytest.raises(ValueError, match=f"Pose.{field} must be an array of shape"):
        Pose(**kwargs)


def test_pose_frame_seconds_and_person() -> None:
    frame = PoseFrame(index=3, t_ms=1500.0, width=640, height=360, pose=None)
    assert frame.t_s == 1.5
    assert not frame.has_person


def test_side_landmarks_match_mediapipe_indices() -> None:
    assert SIDE_LANDMARKS[Side.LEFT]["knee"] == Landmark.LEFT_KNEE
    assert int(Landmark.LEFT_KNEE) == 25
    assert SIDE_LANDMARKS[Side.RIGHT]["foot_index"] == Landmark.RIGHT_FOOT_INDEX
    assert int(Landmark.RIGHT_FOOT_INDEX) == 32
