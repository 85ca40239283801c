"""Each check at and around its thresholds, on generated stills (default config)."""

from __future__ import annotations

import pytest

from formcheck.evaluator.rules import CheckId, Status, Zone
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation

from .helpers import GOOD, still

KNEES, FEET = CheckId.KNEES_BENT, CheckId.FEET_FLAT
POS, ACROSS, SPEED = CheckId.ROLLER_POSITION, CheckId.ROLLER_ACROSS_BACK, CheckId.ROLLING_SPEED


@pytest.mark.parametrize(
    ("knee_deg", "expected"),
    [
        (50.0, Status.OK),
        (90.0, Status.OK),
        (120.0, Status.OK),
        (139.0, Status.OK),
        (140.0, Status.OK),  # at the threshold: not above it
        (141.0, Status.FAULT),
        (160.0, Status.FAULT),
        (179.0, Status.FAULT),
    ],
)
def test_knees_bent_around_threshold(knee_deg: float, expected: Status) -> None:
    # given a person lying with this knee angle
    spec = GOOD.with_(knee_deg=knee_deg)
    # when evaluated as a still
    verdict = still(spec).checks[KNEES]
    # then the status follows the 140 degree threshold and the value is the angle
    assert verdict.status is expected
    assert verdict.value == pytest.approx(knee_deg, abs=0.01)
    assert verdict.unit == "deg"


@pytest.mark.parametrize(
    ("pitch_deg", "expected"),
    [
        (0.0, Status.OK),
        (10.0, Status.OK),
        (19.0, Status.OK),
        (19.99, Status.OK),
        (21.0, Status.FAULT),  # toes lifted
        (35.0, Status.FAULT),
        (-19.0, Status.OK),
        (-21.0, Status.FAULT),  # heel lifted
        (-60.0, Status.FAULT),
    ],
)
def test_feet_flat_pitch_around_threshold(pitch_deg: float, expected: Status) -> None:
    # given a foot at this pitch, ankle at rest
    spec = GOOD.with_(foot_pitch_deg=pitch_deg)
    # when
    verdict = still(spec).checks[FEET]
    # then
    assert verdict.status is expected
    assert verdict.value == pytest.approx(abs(pitch_deg), abs=0.01)


@pytest.mark.parametrize(
    ("lift_shin", "expected"),
    [
        (-0.6, Status.OK),  # hips lifted high (bridge)
        (-0.1, Status.OK),
        (0.2, Status.OK),
        (0.24, Status.OK),
        (0.26, Status.FAULT),
        (0.5, Status.FAULT),
        (1.0, Status.FAULT),  # feet in the air
    ],
)
def test_feet_flat_lift_around_threshold(lift_shin: float, expected: Status) -> None:
    # given the ankle at this height relative to the hip, the foot level
    spec = GOOD.with_(ankle_lift_shin=lift_shin)
    # when
    verdict = still(spec).checks[FEET]
    # then
    assert verdict.status is expected
    assert verdict.extra["ankle_lift_shin"] == pytest.approx(lift_shin, abs=0.01)


@pytest.mark.parametrize(
    ("position", "expected", "zone"),
    [
        (-0.2, Status.FAULT, Zone.NECK),
        (0.05, Status.FAULT, Zone.NECK),
        (0.09, Status.FAULT, Zone.NECK),
        (0.11, Status.OK, Zone.SHOULDER_BLADES),
        (0.3, Status.OK, Zone.SHOULDER_BLADES),
        (0.44, Status.OK, Zone.SHOULDER_BLADES),
        (0.46, Status.FAULT, Zone.LOWER_BACK),
        (0.8, Status.FAULT, Zone.LOWER_BACK),
        (1.1, Status.FAULT, Zone.LOWER_BACK),
    ],
)
def test_roller_position_zones(position: float, expected: Status, zone: Zone) -> None:
    # given the roller at this place along the back
    # when
    verdict = still(GOOD, position=position).checks[POS]
    # then
    assert verdict.status is expected
    assert verdict.zone is zone
    assert verdict.value == pytest.approx(position, abs=1e-6)


def test_roller_position_fault_cue_names_the_zone() -> None:
    # given the roller on the neck, and on the lower back
    neck = still(GOOD, position=0.0)
    low = still(GOOD, position=0.7)
    # then each gets its own cue
    assert neck.cue is not None and neck.cue.key == "roller_position.neck"
    assert neck.cue.text == "Move the roller down, off your neck"
    assert low.cue is not None and low.cue.key == "roller_position.lower_back"


def test_roller_past_the_hips_is_not_judged() -> None:
    # given the roller under the legs
    verdict = still(GOOD, position=1.6).checks[POS]
    # then
    assert verdict.status is Status.UNKNOWN
    assert "not under the back" in verdict.reason


@pytest.mark.parametrize(
    ("orientation", "expected"),
    [
        (Orientation.ACROSS, Status.OK),
        (Orientation.ALONG, Status.FAULT),
        (Orientation.UNKNOWN, Status.UNKNOWN),
    ],
)
def test_roller_across_back(orientation: Orientation, expected: Status) -> None:
    # given the roller lying this way
    # when
    verdict = still(GOOD, orientation=orientation).checks[ACROSS]
    # then
    assert verdict.status is expected


@pytest.mark.parametrize("roller", [None, RollerObservation.missing(NotFoundReason.HIDDEN)])
def test_no_roller_makes_roller_checks_unknown(roller: RollerObservation | None) -> None:
    # given a good pose and no roller
    from formcheck.evaluator.evaluator import evaluate_still
    from formcheck.evaluator.kinematic import make_frame

    # when
    verdict = evaluate_still(make_frame(GOOD), roller)
    # then the roller checks say why, the body checks still judge
    for check in (POS, ACROSS, SPEED):
        assert verdict.checks[check].status is Status.UNKNOWN
        assert verdict.checks[check].reason == "Roller not visible"
    assert verdict.checks[KNEES].status is Status.OK
    assert verdict.setup.message == "Roller not visible"


def test_unsure_roller_is_unknown() -> None:
    # given a roller found with low confidence
    from dataclasses import replace

    from formcheck.evaluator.evaluator import evaluate_still
    from formcheck.evaluator.kinematic import make_frame, make_roller

    roller = replace(make_roller(GOOD, 0.3), confidence=0.1)
    # when
    verdict = evaluate_still(make_frame(GOOD), roller)
    # then
    assert verdict.checks[POS].status is Status.UNKNOWN
    assert verdict.checks[POS].reason == "Roller detection unsure"


def test_still_has_no_speed() -> None:
    # given a photo
    verdict = still(GOOD)
    # then the speed cannot be judged, and says so
    assert verdict.checks[SPEED].status is Status.UNKNOWN
    assert verdict.checks[SPEED].reason == "Speed needs a video"


def test_oblique_view_keeps_knee_verdicts() -> None:
    # given a 40 degree oblique view of bent and of straight legs
    bent = still(GOOD.with_(knee_deg=100, yaw_deg=40))
    straight = still(GOOD.with_(knee_deg=178, yaw_deg=40))
    # then the oblique view opens the bent knee a little but keeps the verdicts
    assert bent.setup.ok
    assert bent.checks[KNEES].status is Status.OK
    assert straight.checks[KNEES].status is Status.FAULT


def test_still_cue_follows_priority() -> None:
    # given straight legs and the roller on the lower back at once
    verdict = still(GOOD.with_(knee_deg=175), position=0.8)
    # then the safety cue comes first
    assert verdict.cue is not None
    assert verdict.cue.key == "roller_position.lower_back"
    assert verdict.checks[KNEES].status is Status.FAULT


def test_roller_along_the_spine_has_no_position_verdict() -> None:
    """Along the spine the roller touches the whole back: the position is unknown and the
    orientation is the fault (its centre would otherwise read as the lower back)."""
    from formcheck.evaluator.evaluator import evaluate_still
    from formcheck.evaluator.kinematic import make_frame, make_roller

    verdict = evaluate_still(make_frame(GOOD), make_roller(GOOD, 0.6, Orientation.ALONG))
    assert verdict.checks[CheckId.ROLLER_POSITION].status is Status.UNKNOWN
    assert "along the spine" in verdict.checks[CheckId.ROLLER_POSITION].reason
    assert verdict.checks[CheckId.ROLLER_ACROSS_BACK].status is Status.FAULT
