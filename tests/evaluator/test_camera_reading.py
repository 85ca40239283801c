"""The learned camera-azimuth reading (evaluator/camera_reading.py), an option of the
evaluator (``setup.camera_reading = "learned"``)."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest

from formcheck.evaluator.camera_reading import (
    MODEL_FILE,
    N_FEATURES,
    AzimuthModel,
    default_model,
    features,
    mirrored,
)
from formcheck.evaluator.config import EvaluatorConfig, RollerConfig, SetupConfig
from formcheck.evaluator.evaluator import Evaluator
from formcheck.evaluator.view3d import body_view
from formcheck.pose.frame import Pose, PoseFrame
from tests.evaluator.test_view3d_cameras import _one_case, _seen_from


def _frame(az: float, el: float) -> PoseFrame:
    """A body of the 3D set (its exact landmarks) seen from ``az`` degrees round and
    ``el`` degrees up."""
    return _seen_from(_one_case(), az, el)[0]


def _pose(az: float, el: float = 0.0) -> Pose:
    pose = _frame(az, el).pose
    assert pose is not None
    return pose


@pytest.mark.parametrize(("az", "el"), [(0.0, 0.0), (30.0, 0.0), (20.0, 25.0), (50.0, 10.0)])
def test_a_pose_and_its_mirror_image_read_the_same_camera(az: float, el: float) -> None:
    # given a pose, and the same pose in a mirror
    pose = _pose(az, el)
    xy, world, vis = pose.xy, pose.world, pose.visibility
    xy_m, world_m, vis_m = mirrored(xy, world, vis)
    view, view_m = body_view(xy, world, vis), body_view(xy_m, world_m, vis_m)
    assert view is not None and view_m is not None
    # when read
    model = default_model()
    a = model.azimuth_deg(xy, world, vis, view)
    b = model.azimuth_deg(xy_m, world_m, vis_m, view_m)
    # then both read the same camera, within the range
    assert a is not None and b is not None
    assert a == pytest.approx(b, abs=1e-9)
    assert 0.0 <= a <= 90.0


def test_mirroring_twice_gives_the_pose_back() -> None:
    pose = _pose(30.0)
    again = mirrored(*mirrored(pose.xy, pose.world, pose.visibility))
    for got, want in zip(again, (pose.xy, pose.world, pose.visibility), strict=True):
        np.testing.assert_array_equal(got, want)


def test_features_have_the_models_length_and_need_the_landmarks_read() -> None:
    pose = _pose(0.0)
    view = body_view(pose.xy, pose.world, pose.visibility)
    assert view is not None
    x = features(pose.xy, pose.world, pose.visibility, view)
    assert x is not None and x.shape == (N_FEATURES,)
    xy = pose.xy.copy()
    xy[31] = np.nan  # a toe not in the image
    assert features(xy, pose.world, pose.visibility, view) is None


def test_a_model_for_other_features_is_refused(tmp_path: Path) -> None:
    data = json.loads(MODEL_FILE.read_text())
    data["mean"] = data["mean"][:-1]
    bad = tmp_path / "camera_azimuth.json"
    bad.write_text(json.dumps(data))
    with pytest.raises(ValueError, match="features"):
        AzimuthModel.load(bad)


def test_the_evaluator_judges_from_the_learned_reading_when_asked() -> None:
    # given a pose seen 30 degrees round, judged with each reading
    frame = _frame(30.0, 0.0)
    pose = frame.pose
    assert pose is not None
    view = body_view(pose.xy, pose.world, pose.visibility)
    assert view is not None
    learned = default_model().azimuth_deg(pose.xy, pose.world, pose.visibility, view)
    assert learned is not None
    places = {}
    for reading in ("geometric", "learned"):
        config = EvaluatorConfig(roller=RollerConfig(geometry="3d"),
                                 setup=SetupConfig(camera_reading=reading))
        ev = Evaluator(config, still=True)
        ev.update(frame)
        camera = ev.summary().camera
        assert camera is not None
        places[reading] = camera.azimuth_deg
    # then the session's camera place is each reading's (to the histogram's degree)
    assert places["geometric"] == pytest.approx(view.azimuth_deg, abs=1.0)
    assert places["learned"] == pytest.approx(learned, abs=1.0)
    assert EvaluatorConfig().setup.camera_reading == "learned"
