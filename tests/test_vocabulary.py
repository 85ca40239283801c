"""The shared vocabulary: cue keys, the score's formula, zones and the projection."""

from __future__ import annotations

import math

import pytest

from formcheck.vocabulary import (
    CHECK_IDS,
    CHECK_LABELS,
    CUE_PRIORITY,
    CUES,
    SAFETY_CUES,
    SCORE_FORMULA,
    SCORE_WEIGHTS,
    CheckId,
    CueKey,
    Side,
    Zone,
    position_along_back,
    zone_of,
)


@pytest.mark.parametrize(
    ("contact", "expected"),
    [((0.0, 0.0), 0.0), ((10.0, 0.0), 1.0), ((5.0, 3.0), 0.5), ((-2.0, 0.0), -0.2)],
)
def test_position_along_back(contact: tuple[float, float], expected: float) -> None:
    assert position_along_back(contact, (0.0, 0.0), (10.0, 0.0)) == pytest.approx(expected)


def test_position_along_a_degenerate_back_is_nan() -> None:
    assert math.isnan(position_along_back((1.0, 1.0), (3.0, 3.0), (3.0, 3.0)))


def test_zone_of() -> None:
    assert zone_of(0.05, 0.1, 0.45) is Zone.NECK
    assert zone_of(0.3, 0.1, 0.45) is Zone.SHOULDER_BLADES
    assert zone_of(0.6, 0.1, 0.45) is Zone.LOWER_BACK


def test_cue_keys_name_their_check_and_zone() -> None:
    assert CueKey.ROLLER_NECK.check is CheckId.ROLLER_POSITION
    assert CueKey.ROLLER_NECK.zone is Zone.NECK
    assert CueKey.FEET_FLAT.check is CheckId.FEET_FLAT and CueKey.FEET_FLAT.zone is None
    assert CueKey.of(CheckId.ROLLER_POSITION, Zone.LOWER_BACK) is CueKey.ROLLER_LOWER_BACK
    assert CueKey.of(CheckId.KNEES_BENT) is CueKey.KNEES_BENT


def test_every_check_and_cue_has_its_words() -> None:
    assert set(CHECK_LABELS) == set(CHECK_IDS) == set(SCORE_WEIGHTS)
    assert set(CUES) == set(CueKey) == set(CUE_PRIORITY)
    assert SAFETY_CUES == {CueKey.ROLLER_NECK, CueKey.ROLLER_LOWER_BACK, CueKey.HEAD_SUPPORTED}


def test_score_formula_states_the_weights() -> None:
    assert SCORE_FORMULA == (
        "round(100 * weighted mean of checks.<id>.ok_fraction over checks known >= 10% of "
        "the session; weights roller_position 3, knees_bent 2, feet_flat 2, "
        "roller_across_back 2, head_supported 2, rolling_speed 1, hip_height 1); no score "
        "unless roller_position is among them and they carry >= 50% of the weight"
    )


def test_sides() -> None:
    assert Side.LEFT.other is Side.RIGHT and Side.RIGHT.other is Side.LEFT
    assert Side("left") is Side.LEFT
