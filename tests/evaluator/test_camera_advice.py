"""Advice on the camera's place: given where the roller's place went unknown for most of
a session from a camera that was not side-on near the floor (results.camera_advice)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from formcheck.evaluator.config import EvaluatorConfig, SetupConfig
from formcheck.evaluator.evaluator import Evaluator
from formcheck.evaluator.results import CameraPlace, camera_advice
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import RollerObservation

from .helpers import exact_frame


@pytest.mark.parametrize(("az", "el"), [(0.0, 0.0), (10.0, 14.0)])
def test_no_advice_for_a_camera_side_on_near_the_floor(az: float, el: float) -> None:
    assert CameraPlace(az, el).side_on_near_floor
    assert camera_advice(CameraPlace(az, el), position_known=0.0, photo=False) is None


def test_no_advice_where_the_place_was_judged_for_half_the_session() -> None:
    assert camera_advice(CameraPlace(30.0, 25.0), position_known=0.5, photo=False) is None


def test_a_high_camera_that_lost_the_place_is_told_where_to_film_from() -> None:
    # given a clip from 30 degrees round and 25 up whose roller place was known 20%
    advice = camera_advice(CameraPlace(30.0, 25.0), position_known=0.2, photo=False)
    # then the advice says how often, from where, and where to film from
    assert advice is not None
    assert "unknown 80% of the time" in advice
    assert "30° round from the side, 25° above the floor" in advice
    assert "film side-on from near the floor" in advice
    # a photo has no time to count
    photo = camera_advice(CameraPlace(5.0, 40.0), position_known=0.0, photo=True)
    assert photo is not None and "could not be judged" in photo


def _exact_still(bin_name: str) -> tuple[PoseFrame, RollerObservation]:
    """The first good-form still of the 3D set in ``bin_name``: its exact landmarks as
    the pose, and its roller as the truth has it but found with a confidence too low to
    judge its place from (0.1)."""
    from formcheck.scenes3d import dataset
    from formcheck.scenes3d.evaluate import truth_roller

    shot = next(s for s in dataset.load(split="tuning")
                if s.still and s.scenario == "good" and s.camera_bin == bin_name)
    t = shot.truth()[0]
    return exact_frame(t), replace(truth_roller(t), confidence=0.1)


def _advice(frame: PoseFrame, roller: RollerObservation | None) -> object:
    # the exact landmarks: the geometric camera reading is exact for them
    ev = Evaluator(EvaluatorConfig(setup=SetupConfig(camera_reading="geometric")),
                   still=True)
    ev.update(frame, roller)
    summary = ev.summary()
    assert summary.camera is not None
    return summary.to_dict()["camera"]["advice"]  # type: ignore[index]


def test_a_session_summary_carries_the_advice_into_its_json() -> None:
    # given photos whose roller was found too unsurely to place, one side-on from near
    # the floor, one from a chair's height
    side, high = _exact_still("floor_side"), _exact_still("elevated")
    # then only the high camera is told where to film from
    assert _advice(*side) is None
    advice = _advice(*high)
    assert isinstance(advice, str) and "film side-on from near the floor" in advice
    # and without a roller found nothing says one was there: no advice
    assert _advice(high[0], None) is None
