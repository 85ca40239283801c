"""Set-up gating: nobody, several people, body cut off, not side-on, not lying on the
back, and the near side."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from formcheck.evaluator.body import others_in_view
from formcheck.evaluator.config import EvaluatorConfig, SetupConfig
from formcheck.evaluator.evaluator import Evaluator, evaluate_still
from formcheck.evaluator.results import SetupCode
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import SIDE_LANDMARKS
from formcheck.vocabulary import CHECK_IDS, CheckId, Side, Status
from tests.evaluator.kinematic import make_frame, make_roller

from .helpers import GOOD, run, still


def _with_hidden(roles: tuple[str, ...]) -> PoseFrame:
    """The good pose with these roles hidden on both sides."""
    frame = make_frame(GOOD)
    assert frame.pose is not None
    vis = frame.pose.visibility.copy()
    for role in roles:
        for side in Side:
            vis[SIDE_LANDMARKS[side][role]] = 0.1
    pose = Pose.from_pixels(frame.pose.xy, (frame.width, frame.height), vis)
    return PoseFrame(0, 0.0, frame.width, frame.height, pose)


def test_nobody_in_view() -> None:
    # given an empty frame
    frame = PoseFrame(index=0, t_ms=0.0, width=640, height=480, pose=None)
    # when
    verdict = evaluate_still(frame, None)
    # then every check is unknown with the set-up message
    assert verdict.setup.code is SetupCode.NO_PERSON
    assert verdict.setup.message == "Nobody in view"
    assert all(v.status is Status.UNKNOWN for v in verdict.checks.values())
    assert {v.reason for v in verdict.checks.values()} == {"Nobody in view"}
    assert verdict.landmarks_px is None and verdict.near_side is None


def test_more_than_one_person_names_the_one_followed_and_judges_them() -> None:
    # given a second person found, the one followed on the left of the picture
    frame = replace(make_frame(GOOD, others=1), followed_at="left")
    # when
    ev = Evaluator(still=True)
    verdict = ev.update(frame, make_roller(GOOD, 0.3))
    # then the set-up message says who is followed, and the checks judge that person
    assert verdict.setup.code is SetupCode.MULTIPLE_PEOPLE
    assert verdict.setup.message == ("Someone else is in view: following the person on the "
                                     "left; only the person rolling should be")
    assert verdict.checks[CheckId.ROLLER_POSITION].status is Status.OK
    assert verdict.checks[CheckId.KNEES_BENT].status is Status.OK
    others = ev.summary().others
    assert others is not None and (others.most, others.followed_at) == (1, "left")
    assert others.words == "someone else was in view; the person on the left was followed"
    assert others.seconds is None  # a photo has no time


def test_a_problem_of_the_person_followed_comes_before_the_others() -> None:
    # given two more people in view, where it cannot be told who is followed, and the
    # person followed sitting up
    frame = make_frame(GOOD.with_(torso_tilt_deg=80), others=2)
    # when
    verdict = evaluate_still(frame, None)
    # then the person's own set-up problem is said first
    assert verdict.setup.code is SetupCode.NOT_LYING
    assert others_in_view(2, None).message == (
        "2 others are in view; only the person rolling should be")


def test_nobody_else_no_others_in_the_summary() -> None:
    ev = Evaluator(still=True)
    ev.update(make_frame(GOOD), make_roller(GOOD, 0.3))
    assert ev.summary().others is None


def test_feet_out_of_view_names_the_feet() -> None:
    # given the feet not visible
    frame = _with_hidden(("ankle", "heel", "foot_index"))
    # when
    verdict = evaluate_still(frame, make_roller(GOOD, 0.3))
    # then the message names the feet; the checks needing them are unknown, others judge
    assert verdict.setup.code is SetupCode.BODY_PARTIAL
    assert verdict.setup.message == "Move the camera so your feet are in view"
    assert verdict.checks[CheckId.KNEES_BENT].status is Status.UNKNOWN
    assert verdict.checks[CheckId.FEET_FLAT].reason == verdict.setup.message
    assert verdict.checks[CheckId.ROLLER_POSITION].status is Status.OK


def test_feet_outside_the_image() -> None:
    # given the person shifted so that the feet leave the image on the right
    spec = GOOD.with_(center_px=(1180.0, 380.0))
    # when
    verdict = still(spec)
    # then
    assert verdict.setup.code is SetupCode.BODY_PARTIAL
    assert "feet" in verdict.setup.missing


def test_several_parts_missing() -> None:
    # given knees and feet hidden
    frame = _with_hidden(("knee", "ankle", "heel", "foot_index"))
    # when
    verdict = evaluate_still(frame, None)
    # then both are named
    assert verdict.setup.message == "Move the camera so your knees and feet are in view"


def test_standing_is_not_lying() -> None:
    # given a torso near vertical
    verdict = still(GOOD.with_(torso_tilt_deg=80))
    # then
    assert verdict.setup.code is SetupCode.NOT_LYING
    assert verdict.setup.message == "Lie on your back"
    assert all(v.status is Status.UNKNOWN for v in verdict.checks.values())


def test_face_down_is_not_on_the_back() -> None:
    # given the face turned to the floor
    verdict = still(GOOD.with_(face_down=True))
    # then
    assert verdict.setup.code is SetupCode.NOT_ON_BACK
    assert verdict.checks[CheckId.KNEES_BENT].reason == "Lie on your back"
    # and the measured value is still there for whoever wants it
    assert verdict.checks[CheckId.KNEES_BENT].value == pytest.approx(90.0, abs=0.01)


def test_filmed_from_above_is_not_side_on() -> None:
    # given the camera turned 75 degrees away from a side view
    verdict = still(GOOD.with_(yaw_deg=75))
    # then
    assert verdict.setup.code is SetupCode.NOT_SIDE_ON
    assert verdict.setup.message == "Turn side-on to the camera"


def test_posture_gate_can_be_turned_off() -> None:
    # given gating off (grading photos of other exercises)
    config = EvaluatorConfig(setup=SetupConfig(gate_body_checks=False))
    # when
    verdict = still(GOOD.with_(face_down=True, knee_deg=170), config=config)
    # then the problem is still reported, but the checks judge
    assert verdict.setup.code is SetupCode.NOT_ON_BACK
    assert verdict.checks[CheckId.KNEES_BENT].status is Status.FAULT


@pytest.mark.parametrize("near", list(Side))
def test_near_side_follows_visibility(near: str) -> None:
    # given one side well visible and the other not
    verdict = still(GOOD.with_(near_side=near))
    # then that side is chosen
    assert verdict.near_side == near


def test_near_side_is_stable_against_one_frame() -> None:
    # given the left side near for a second, then one frame where the right looks nearer
    steps = [(GOOD, None)] * 30 + [(GOOD.with_(near_side=Side.RIGHT), None)] + [(GOOD, None)] * 5
    # when
    _, verdicts = run(steps)
    # then the side does not flip
    assert {v.near_side for v in verdicts} == {"left"}


def test_near_side_switches_when_the_evidence_lasts() -> None:
    # given the person turning round for good
    steps = [(GOOD, None)] * 30 + [(GOOD.with_(near_side=Side.RIGHT), None)] * 30
    # when
    _, verdicts = run(steps)
    # then the side follows after the hold time (0.5 s)
    assert verdicts[-1].near_side == "right"
    assert verdicts[31].near_side == "left"


def test_person_lost_resets_smoothing() -> None:
    # given a person, nobody, then the person elsewhere
    moved = GOOD.with_(center_px=(500.0, 380.0))
    steps = [(GOOD, None)] * 10 + [(None, None)] * 3 + [(moved, None)]
    # when
    _, verdicts = run(steps)
    # then the first frame after the gap is the raw pose, not dragged from the old place
    expected = make_frame(moved).pose
    assert expected is not None and verdicts[-1].landmarks_px is not None
    np.testing.assert_allclose(verdicts[-1].landmarks_px, expected.xy)


def test_gated_checks_are_all_checks() -> None:
    # given
    ev = Evaluator()
    frame = PoseFrame(index=0, t_ms=0.0, width=640, height=480, pose=None)
    # when
    verdict = ev.update(frame)
    # then a verdict for every check id, in order
    assert tuple(verdict.checks) == CHECK_IDS


def test_head_turned_to_the_camera_is_still_on_the_back() -> None:
    # given a person on their back whose nose is level with the ear (looking at the screen)
    frame = make_frame(GOOD)
    assert frame.pose is not None
    xy = frame.pose.xy.copy()
    ear = SIDE_LANDMARKS[Side.LEFT]["ear"]
    xy[0, 1] = xy[ear, 1]
    pose = Pose.from_pixels(xy, (frame.width, frame.height), frame.pose.visibility)
    # when
    verdict = evaluate_still(PoseFrame(0, 0.0, frame.width, frame.height, pose), None)
    # then no "Lie on your back"
    assert verdict.setup.code is not SetupCode.NOT_ON_BACK
    assert verdict.checks[CheckId.KNEES_BENT].status is Status.OK


def test_the_camera_place_is_the_median_of_the_last_second() -> None:
    """One stray first reading (33 degrees for a camera 52 round, tuning clip 902) must
    not hold the gate open: a median over camera_smoothing_s drops it as soon as most
    of the second's readings are past the limit; a mean took 1.4 s. Time going back
    starts afresh."""
    from types import SimpleNamespace

    from formcheck.evaluator.evaluator import Evaluator

    ev = Evaluator()
    readings = [33.0, 37.0, 46.0, 45.5, 47.0, 46.5, 47.0, 49.0]
    got = [ev._camera_smoothed(SimpleNamespace(azimuth_deg=a, elevation_deg=20.0),  # type: ignore[arg-type]
                               0.125 * k)[0] for k, a in enumerate(readings)]
    assert got[0] == 33.0 and got[4] > 45.0 and min(got[4:]) > 45.0
    assert ev._camera_smoothed(SimpleNamespace(azimuth_deg=10.0, elevation_deg=5.0),  # type: ignore[arg-type]
                               0.0) == (10.0, 5.0)
    late = [ev._camera_smoothed(SimpleNamespace(azimuth_deg=10.0 + k, elevation_deg=5.0),  # type: ignore[arg-type]
                                0.5 * k)[0] for k in range(1, 8)]
    assert late[-1] == 16.0  # the median of the readings at 2.5, 3.0 and 3.5 s: older ones left
