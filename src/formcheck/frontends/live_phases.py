"""The phases of a live run, as a small pure state machine: no window, no keys, no clock.

1. **Safety notice** for ``safety_s``.
2. **Set-up** until the evaluator's set-up state has been ok for ``setup_hold_s``; where
   the body is right but the roller is not found for ``roller_grace_s``, the session
   starts anyway (its roller checks then read unknown) so a roller the detector misses
   never locks the user out.
3. **Session**: cues are spoken when the evaluator (re)announces them; a set-up problem
   other than the roller is spoken after it has lasted ``SETUP_NAG_S``.

A **pause** can come in any phase: the session timer leaves it out.

Every method takes the time ``now`` (s, any monotonic clock) and returns what to do
(show, say, start the session); :class:`formcheck.frontends.live.LiveSession` does it.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import StrEnum

from formcheck.evaluator.results import Cue, SetupCode, SetupState

SETUP_READY = "Set-up looks good - hold still"
SESSION_STARTS = "Good. Starting the session"
SESSION_STARTS_NO_ROLLER = "Starting the session. The roller is not found yet"
NO_ROLLER_NOTE = "Roller not found - press c to calibrate"
SETUP_NAG_S = 3.0
"""A set-up problem during the session is spoken once it has lasted this long, s."""

# Spoken set-up guidance, by set-up code.
SETUP_SPOKEN: dict[SetupCode, str] = {
    SetupCode.NO_PERSON: "Lie down side-on to the camera, with your whole body and the roller "
                         "in view",
    SetupCode.MULTIPLE_PEOPLE: "Only the person rolling should be in view",
    SetupCode.BODY_PARTIAL: "Get your whole body in view, head to feet",
    SetupCode.NOT_LYING: "Lie on your back on the roller",
    SetupCode.NOT_ON_BACK: "Lie on your back on the roller",
    SetupCode.NOT_SIDE_ON: "Turn side-on to the camera",
    SetupCode.CAMERA_TOO_FAR_ROUND: "Move the camera round to your side",
    SetupCode.CAMERA_TOO_HIGH: "Lower the camera to near the floor",
    SetupCode.ROLLER_NOT_VISIBLE: "Keep the roller in view, under your back",
}


class Phase(StrEnum):
    """Where the run is."""

    SAFETY = "safety"
    SETUP = "setup"
    SESSION = "session"


@dataclass(frozen=True)
class Utterance:
    """Something to say; ``force``: say it even if the voice spoke a moment ago."""

    text: str
    force: bool = False


@dataclass(frozen=True)
class Advance:
    """What one frame's verdict asks the run to do.

    Attributes:
        message: the line to show (None: the overlay's own).
        say: what to say, in order.
        started: the session starts on this frame (the evaluator starts afresh).
        note: why it started without its usual set-up (shown for a moment), if so.
    """

    message: str | None = None
    say: tuple[Utterance, ...] = ()
    started: bool = False
    note: str | None = None


@dataclass
class Phases:
    """The state of a live run's phases (see the module docs).

    Attributes:
        run_start: when the run began, s.
        safety_s, setup_hold_s, roller_grace_s: the phases' timings, s.
    """

    run_start: float
    safety_s: float
    setup_hold_s: float
    roller_grace_s: float
    phase: Phase = Phase.SAFETY
    paused: bool = False
    paused_total: float = 0.0
    """Seconds paused so far (a pause under way not included)."""
    session_start: float | None = None
    _paused_since: float = 0.0
    _paused_before_session: float = 0.0
    _ok_since: float | None = None
    _no_roller_since: float | None = None
    _bad_setup_since: float | None = None

    @property
    def in_session(self) -> bool:
        """True once the session has started."""
        return self.phase is Phase.SESSION

    def session_elapsed(self, now: float) -> float:
        """Seconds of session so far, pauses left out (0 before it starts)."""
        if self.session_start is None:
            return 0.0
        paused = self.paused_total - self._paused_before_session
        if self.paused:
            paused += now - self._paused_since
        return now - self.session_start - paused

    def why_not_started(self, now: float, stopped: bool = False) -> str:
        """Why a run that ended at ``now`` (s) never started its session: it was too short
        for the notice plus the set-up hold, or the set-up was never right. ``stopped``:
        the user ended it (Ctrl-C, q, Esc, the window closed), so a longer clip is no
        advice to give."""
        needed = self.safety_s + self.setup_hold_s
        ran = now - self.run_start - self.paused_total
        if self.phase is Phase.SAFETY or ran < needed or self._ok_since is not None:
            if stopped:
                return (f"it was stopped after {ran:.1f} s, before the safety notice and "
                        f"the set-up hold were over ({needed:.0f} s)")
            return (f"the run ended after {ran:.1f} s, before the safety notice and the "
                    f"set-up hold were over ({needed:.0f} s); use a longer clip or "
                    "a larger --max-seconds")
        return "the set-up was never right"

    def toggle_pause(self, now: float) -> bool:
        """Pause, or resume; returns whether the run is paused now."""
        if self.paused:
            self.paused_total += now - self._paused_since
            self.paused = False
        else:
            self.paused, self._paused_since = True, now
        return self.paused

    def update(self, setup: SetupState, cue: Cue | None, now: float) -> Advance:
        """Move on with one frame's set-up state and cue."""
        if self.phase is Phase.SAFETY:
            if now - self.run_start < self.safety_s:
                return Advance()
            self.phase = Phase.SETUP
        if self.phase is Phase.SETUP:
            return self._setup(setup, now)
        return self._session(setup, cue, now)

    def _start(self, now: float) -> None:
        self.phase = Phase.SESSION
        self.session_start = now
        self._paused_before_session = self.paused_total

    def _setup(self, setup: SetupState, now: float) -> Advance:
        if setup.ok:
            self._ok_since = self._ok_since if self._ok_since is not None else now
            self._no_roller_since = None
            if now - self._ok_since >= self.setup_hold_s:
                self._start(now)
                return Advance(say=(Utterance(SESSION_STARTS, force=True),), started=True)
            return Advance(SETUP_READY, say=(Utterance(SETUP_READY),))
        self._ok_since = None
        if setup.code is SetupCode.ROLLER_NOT_VISIBLE:
            if self._no_roller_since is None:
                self._no_roller_since = now
            if now - self._no_roller_since >= self.roller_grace_s:
                self._start(now)
                return Advance(say=(Utterance(SESSION_STARTS_NO_ROLLER, force=True),),
                               started=True, note=NO_ROLLER_NOTE)
        else:
            self._no_roller_since = None
        spoken = SETUP_SPOKEN.get(setup.code, setup.message)
        return Advance(setup.message or SETUP_SPOKEN.get(setup.code, ""),
                       say=(Utterance(spoken),))

    def _session(self, setup: SetupState, cue: Cue | None, now: float) -> Advance:
        if cue is not None:
            self._bad_setup_since = None
            return Advance(say=(Utterance(cue.text, force=True),) if cue.new else ())
        if not setup.ok and setup.code is not SetupCode.ROLLER_NOT_VISIBLE:
            if self._bad_setup_since is None:
                self._bad_setup_since = now
            if now - self._bad_setup_since >= SETUP_NAG_S:
                return Advance(say=(Utterance(SETUP_SPOKEN.get(setup.code, setup.message)),))
            return Advance()
        self._bad_setup_since = None
        return Advance()
