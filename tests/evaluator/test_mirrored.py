"""A photo read twice (as taken and mirrored): a fault stands only where both readings
find it; an ok or an unknown is the photo's (evaluator.merge_mirrored, Evaluator.update's
``mirrored``); a complaint about the posture ("Lie on your back") also needs both."""

from __future__ import annotations

import pytest

from formcheck.evaluator.evaluator import READ_TWO_WAYS, Evaluator, evaluate_still
from formcheck.evaluator.results import FrameVerdict, SetupCode
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import CheckId, Side, Status
from tests.evaluator.kinematic import BodySpec, make_frame, make_roller

from .helpers import GOOD

KNEES = CheckId.KNEES_BENT
POSITION = CheckId.ROLLER_POSITION
STRAIGHT = GOOD.with_(knee_deg=165.0)


def _mirror_of(spec: BodySpec) -> BodySpec:
    """The same body as its mirror image shows it: head and near side swapped."""
    return spec.with_(head_side=Side(spec.head_side).other,
                      near_side=Side(spec.near_side).other)


def _reading(spec: BodySpec | None, position: float | None = 0.3
             ) -> tuple[PoseFrame, RollerObservation | None]:
    if spec is None:
        return PoseFrame(index=0, t_ms=0.0, width=1280, height=720, pose=None), None
    roller = None if position is None else make_roller(spec, position)
    return make_frame(spec), roller


def _twice(photo: BodySpec, mirror: BodySpec | None, position: float | None = 0.3,
           mirror_position: float | None = 0.3) -> FrameVerdict:
    frame, roller = _reading(photo, position)
    return evaluate_still(frame, roller, mirrored=_reading(mirror, mirror_position))


def test_a_fault_both_readings_find_stands() -> None:
    # given straight knees, in the photo and (a little straighter) in its mirror image
    verdict = _twice(STRAIGHT, _mirror_of(GOOD.with_(knee_deg=170.0)))
    # then the fault stands, with its cue, and its value is the photo's
    assert verdict.checks[KNEES].status is Status.FAULT
    assert verdict.cue is not None and verdict.cue.check is KNEES
    assert verdict.checks[KNEES].value == pytest.approx(165.0, abs=0.01)


def test_a_fault_the_mirror_does_not_find_is_unknown() -> None:
    # given a photo read with straight knees whose mirror image reads them bent
    verdict = _twice(STRAIGHT, _mirror_of(GOOD))
    # then the knees are unknown, saying why, and nothing is cued
    knees = verdict.checks[KNEES]
    assert knees.status is Status.UNKNOWN
    assert knees.frame_status is Status.UNKNOWN
    assert knees.reason == READ_TWO_WAYS
    assert verdict.cue is None
    # the other checks agree and stand
    assert verdict.checks[CheckId.FEET_FLAT].status is Status.OK
    assert verdict.checks[POSITION].status is Status.OK


def test_an_ok_stands_whatever_the_mirror_reads() -> None:
    # given bent knees in the photo, read straight in its mirror image
    verdict = _twice(GOOD, _mirror_of(STRAIGHT))
    # then the photo's ok stands: the mirror only vetoes faults (a missed fault is the
    # lesser error)
    assert verdict.checks[KNEES].status is Status.OK
    assert verdict.cue is None


def test_a_mirror_that_sees_nobody_keeps_the_oks_not_the_faults() -> None:
    # given a photo with straight knees whose mirror image the model finds nobody in
    verdict = _twice(STRAIGHT, None)
    # then its ok checks stand and its fault is unknown
    assert verdict.checks[CheckId.FEET_FLAT].status is Status.OK
    assert verdict.checks[KNEES].status is Status.UNKNOWN
    assert verdict.checks[KNEES].reason == READ_TWO_WAYS
    assert verdict.cue is None


def test_an_unknown_stays_unknown_with_its_own_reason() -> None:
    # given a photo with no roller found, whose mirror image finds one
    verdict = _twice(GOOD, _mirror_of(GOOD), position=None, mirror_position=0.3)
    # then the roller's place stays unknown for the photo's own reason
    position = verdict.checks[POSITION]
    assert position.status is Status.UNKNOWN
    assert position.reason != READ_TWO_WAYS
    assert position.reason == evaluate_still(*_reading(GOOD, None)).checks[POSITION].reason


def test_a_fault_zone_needs_both_readings() -> None:
    # given the roller on the lower back in the photo, under the shoulder blades mirrored
    lower = _twice(GOOD, _mirror_of(GOOD), position=0.8, mirror_position=0.3)
    both = _twice(GOOD, _mirror_of(GOOD), position=0.8, mirror_position=0.8)
    # then only the agreeing pair gives the fault, with its zone
    assert lower.checks[POSITION].status is Status.UNKNOWN
    assert lower.checks[POSITION].zone is None
    assert both.checks[POSITION].status is Status.FAULT
    assert both.checks[POSITION].zone is not None


def test_the_setup_is_the_photos_as_taken() -> None:
    frame, roller = _reading(GOOD)
    alone = evaluate_still(frame, roller)
    verdict = evaluate_still(frame, roller, mirrored=_reading(None))
    assert verdict.setup == alone.setup


def test_a_photo_read_face_down_only_as_taken_is_judged_from_its_mirror_image() -> None:
    # given a photo the model reads face down (its sides swapped), whose mirror image
    # it reads on the back, with straight knees there
    face_down = GOOD.with_(face_down=True)
    alone = evaluate_still(*_reading(face_down))
    verdict = _twice(face_down, _mirror_of(STRAIGHT))
    # then the photo alone says "Lie on your back"; read both ways, the mirror's set-up
    # and oks stand, and its fault, which the photo as taken did not find, is unknown
    assert alone.setup.code is SetupCode.NOT_ON_BACK
    assert verdict.setup.code is SetupCode.OK
    assert verdict.checks[CheckId.FEET_FLAT].status is Status.OK
    assert verdict.checks[POSITION].status is Status.OK
    assert verdict.checks[KNEES].status is Status.UNKNOWN
    assert verdict.checks[KNEES].reason == READ_TWO_WAYS
    assert verdict.cue is None


def test_lie_on_your_back_stands_where_both_readings_say_it() -> None:
    face_down = GOOD.with_(face_down=True)
    verdict = _twice(face_down, _mirror_of(face_down))
    assert verdict.setup.code is SetupCode.NOT_ON_BACK
    assert all(v.status is Status.UNKNOWN for v in verdict.checks.values())


def test_a_mirrored_reading_is_refused_in_a_video() -> None:
    frame, roller = _reading(GOOD)
    with pytest.raises(ValueError, match="stills"):
        Evaluator().update(frame, roller, mirrored=(frame, roller))


def test_photos_read_one_after_another_are_independent() -> None:
    # given one evaluator for photos, a photo with straight knees (both readings), then
    # one read at 137 degrees (under the 140 bar, within a video's 6 degree hysteresis)
    # whose mirror image reads 165
    ev = Evaluator(still=True)
    first = ev.update(*_reading(STRAIGHT), mirrored=_reading(_mirror_of(STRAIGHT)))
    bent = GOOD.with_(knee_deg=137.0)
    alone = Evaluator(still=True).update(*_reading(bent))
    second = ev.update(*_reading(bent), mirrored=_reading(_mirror_of(STRAIGHT)))
    # then the first photo's fault moves no bar for the second: it reads ok, as alone
    assert first.checks[KNEES].status is Status.FAULT
    assert alone.checks[KNEES].status is Status.OK
    assert second.checks[KNEES].status is Status.OK


def test_the_session_counts_a_vetoed_fault_as_unknown() -> None:
    ev = Evaluator(still=True)
    ev.update(*_reading(STRAIGHT), mirrored=_reading(_mirror_of(GOOD)))
    summary = ev.summary()
    assert summary.checks[KNEES].status is Status.UNKNOWN
    assert summary.checks[CheckId.FEET_FLAT].status is Status.OK
