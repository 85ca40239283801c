"""``live``'s phases as a pure state machine, driven by set-up states and times alone."""

from __future__ import annotations

import pytest

from formcheck.evaluator.results import Cue, SetupCode, SetupState
from formcheck.frontends.live_phases import (
    NO_ROLLER_NOTE,
    SESSION_STARTS,
    SESSION_STARTS_NO_ROLLER,
    SETUP_NAG_S,
    SETUP_READY,
    SETUP_SPOKEN,
    Phase,
    Phases,
    Utterance,
)
from formcheck.vocabulary import CheckId, CueKey

OK = SetupState()
NO_ROLLER = SetupState(SetupCode.ROLLER_NOT_VISIBLE, "Roller not visible")
SIDEWAYS = SetupState(SetupCode.NOT_SIDE_ON, "Turn side-on to the camera")


def _phases() -> Phases:
    return Phases(run_start=100.0, safety_s=4.0, setup_hold_s=2.0, roller_grace_s=6.0)


def _phase(p: Phases) -> Phase:
    """The phase now (a call, so that mypy does not keep it narrowed across updates)."""
    return p.phase


def test_the_notice_then_the_set_up_then_the_session() -> None:
    p = _phases()
    # the notice: nothing to say or show over it, whatever the set-up
    assert p.update(OK, None, 103.9) == p.update(OK, None, 103.0)
    assert _phase(p) is Phase.SAFETY
    # the set-up: right, held for setup_hold_s
    first = p.update(OK, None, 104.0)
    assert _phase(p) is Phase.SETUP
    assert first.message == SETUP_READY and first.say == (Utterance(SETUP_READY),)
    assert not p.update(OK, None, 105.9).started
    start = p.update(OK, None, 106.0)
    assert start.started and start.note is None
    assert start.say == (Utterance(SESSION_STARTS, force=True),)
    assert p.in_session and p.session_start == 106.0


def test_a_broken_set_up_restarts_the_hold() -> None:
    p = _phases()
    p.update(OK, None, 104.0)
    wrong = p.update(SIDEWAYS, None, 105.0)
    assert wrong.message == SIDEWAYS.message
    assert wrong.say == (Utterance(SETUP_SPOKEN[SetupCode.NOT_SIDE_ON]),)
    assert not p.update(OK, None, 106.5).started  # held since 106.5 only
    assert p.update(OK, None, 108.5).started


def test_a_roller_not_found_starts_the_session_after_the_grace() -> None:
    p = _phases()
    p.update(NO_ROLLER, None, 104.0)
    assert not p.update(NO_ROLLER, None, 109.9).started
    start = p.update(NO_ROLLER, None, 110.0)
    assert start.started and start.note == NO_ROLLER_NOTE
    assert start.say == (Utterance(SESSION_STARTS_NO_ROLLER, force=True),)


def _in_session() -> Phases:
    p = Phases(run_start=0.0, safety_s=0.0, setup_hold_s=0.0, roller_grace_s=0.0)
    assert p.update(OK, None, 10.0).started
    return p


def test_cues_are_spoken_when_announced() -> None:
    p = _in_session()
    cue = Cue("Bend your knees", CheckId.KNEES_BENT, CueKey.KNEES_BENT, 11.0, new=True)
    assert p.update(OK, cue, 11.0).say == (Utterance("Bend your knees", force=True),)
    again = Cue("Bend your knees", CheckId.KNEES_BENT, CueKey.KNEES_BENT, 11.0, new=False)
    assert p.update(OK, again, 11.1).say == ()


def test_a_set_up_problem_in_the_session_is_spoken_once_it_lasts() -> None:
    p = _in_session()
    assert p.update(SIDEWAYS, None, 20.0).say == ()
    assert p.update(SIDEWAYS, None, 20.0 + SETUP_NAG_S - 0.1).say == ()
    said = p.update(SIDEWAYS, None, 20.0 + SETUP_NAG_S)
    assert said.say == (Utterance(SETUP_SPOKEN[SetupCode.NOT_SIDE_ON]),)
    assert said.message is None
    # a roller out of view is not nagged about: its checks read unknown
    assert p.update(NO_ROLLER, None, 40.0).say == ()


def test_pauses_are_left_out_of_the_session_time() -> None:
    p = _in_session()
    assert p.session_elapsed(15.0) == pytest.approx(5.0)
    assert p.toggle_pause(15.0) is True
    assert p.session_elapsed(18.0) == pytest.approx(5.0)
    assert p.toggle_pause(20.0) is False
    assert p.paused_total == pytest.approx(5.0)
    assert p.session_elapsed(21.0) == pytest.approx(6.0)


def test_a_pause_before_the_session_does_not_count_against_it() -> None:
    p = Phases(run_start=0.0, safety_s=0.0, setup_hold_s=1.0, roller_grace_s=0.0)
    p.toggle_pause(1.0)
    p.toggle_pause(4.0)  # 3 s paused during the set-up
    p.update(OK, None, 5.0)
    assert p.update(OK, None, 6.0).started
    assert p.session_elapsed(8.0) == pytest.approx(2.0)


def test_a_run_too_short_is_told_apart_from_a_set_up_never_right() -> None:
    # given: one run ended during the notice, one during a set-up that was right but not
    # held long enough, one where the set-up was wrong for 20 s
    short, held, wrong = _phases(), _phases(), _phases()
    short.update(OK, None, 102.0)
    held.update(OK, None, 104.0)
    held.update(OK, None, 105.0)
    for t in range(104, 121):
        wrong.update(SIDEWAYS, None, float(t))
    # when / then
    assert "the run ended after 2.0 s, before the safety notice" in short.why_not_started(102.0)
    assert "before the safety notice and the set-up hold" in held.why_not_started(105.5)
    assert wrong.why_not_started(120.0) == "the set-up was never right"
    # and a run the user stopped is not told to use a longer clip
    stopped = short.why_not_started(102.0, stopped=True)
    assert stopped.startswith("it was stopped after 2.0 s") and "longer clip" not in stopped
