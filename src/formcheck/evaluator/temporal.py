"""Temporal logic: debounced statuses, fault episodes, the one active cue, and the
roller's motion (speed, strokes, holds) and the body's travel over it.

Times are in seconds (the frames' timestamps); positions along the back are fractions
of the shoulder-to-hip line (0 shoulder, 1 hip).
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass
from typing import Generic, TypeVar

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.landmarks import Landmark
from formcheck.vocabulary import CUE_PRIORITY, SAFETY_CUES, CheckId, CueKey, Status

_RANK = {key: i for i, key in enumerate(CUE_PRIORITY)}


@dataclass(slots=True)
class Episode:
    """A fault episode being built (times in s)."""

    check: CheckId
    key: CueKey
    start_s: float
    end_s: float | None = None


class CheckTracker:
    """Debounces one check's per-frame status into the reported status.

    - ok or unknown -> fault: the frame status must be fault for ``onset_s``; the
      episode starts at the first faulty frame.
    - fault -> ok: the frame status must be ok for ``clear_s`` (the value hysteresis
      is applied by the caller, see ``active_fault``); the episode ends at the first
      ok frame.
    - any -> unknown: after ``grace_s`` of unknown frames (a landmark dropping out for a
      moment keeps the last status); a fault episode ends at the first unknown frame.
    - unknown -> ok: at once (nothing to prove).

    With ``still=True`` the reported status is the frame's own, without delay.
    """

    def __init__(self, check: CheckId, onset_s: float, clear_s: float, grace_s: float) -> None:
        self.check = check
        self.onset_s = onset_s
        self.clear_s = clear_s
        self.grace_s = grace_s
        self.status = Status.UNKNOWN
        self.key: CueKey | None = None
        self._fault_since: float | None = None
        self._ok_since: float | None = None
        self._unknown_since: float | None = None
        self.episodes: list[Episode] = []

    @property
    def active_fault(self) -> bool:
        """True while a fault is reported: the caller widens the ok margin (hysteresis)."""
        return self.status is Status.FAULT

    def _open(self, key: CueKey, start_s: float) -> None:
        self.status = Status.FAULT
        self.key = key
        self.episodes.append(Episode(self.check, key, start_s))

    def _close(self, end_s: float) -> None:
        if self.episodes and self.episodes[-1].end_s is None:
            self.episodes[-1].end_s = end_s
        self.key = None

    def update(self, t_s: float, frame_status: Status, key: CueKey | None) -> Status:
        """Feed one frame's status (and its cue key when fault); return the reported one."""
        if frame_status is Status.FAULT:
            assert key is not None
            self._ok_since = self._unknown_since = None
            if self._fault_since is None:
                self._fault_since = t_s
            if self.status is Status.FAULT:
                if key != self.key:  # e.g. from the neck straight to the lower back
                    self._close(t_s)
                    self._open(key, t_s)
            elif t_s - self._fault_since >= self.onset_s - 1e-9:
                self._open(key, self._fault_since)
        elif frame_status is Status.OK:
            self._fault_since = self._unknown_since = None
            if self.status is Status.FAULT:
                if self._ok_since is None:
                    self._ok_since = t_s
                if t_s - self._ok_since >= self.clear_s - 1e-9:
                    self._close(self._ok_since)
                    self.status = Status.OK
            else:
                self.status = Status.OK
        else:
            self._fault_since = self._ok_since = None
            if self._unknown_since is None:
                self._unknown_since = t_s
            if self.status is not Status.UNKNOWN and (
                t_s - self._unknown_since >= self.grace_s - 1e-9
            ):
                if self.status is Status.FAULT:
                    self._close(self._unknown_since)
                self.status = Status.UNKNOWN
        return self.status

    def set_still(self, frame_status: Status, key: CueKey | None) -> Status:
        """A still: the reported status is the frame's."""
        self.status = frame_status
        self.key = key if frame_status is Status.FAULT else None
        return self.status


@dataclass(slots=True)
class ActiveCue:
    key: CueKey
    since_s: float
    announced_s: float


class CueSelector:
    """Chooses the one cue to show among the reported faults.

    - The most important fault (:data:`~formcheck.vocabulary.CUE_PRIORITY`) is cued.
    - A cue stays at least ``min_display_s``, even if its fault clears or a more
      important fault arrives; a safety cue (neck, lower back) replaces a non-safety
      cue at once.
    - While its fault lasts, a cue is announced again (``new``) every ``repeat_s``.
    """

    def __init__(self, min_display_s: float, repeat_s: float) -> None:
        self.min_display_s = min_display_s
        self.repeat_s = repeat_s
        self.current: ActiveCue | None = None

    def update(self, t_s: float, active_keys: list[CueKey]) -> tuple[ActiveCue | None, bool]:
        """Returns the cue to show (or None) and whether it is announced on this frame."""
        best = min(active_keys, key=_RANK.__getitem__) if active_keys else None
        cur = self.current
        if cur is None:
            if best is None:
                return None, False
            self.current = ActiveCue(best, t_s, t_s)
            return self.current, True
        shown_long_enough = t_s - cur.since_s >= self.min_display_s - 1e-9
        preempt = (
            best is not None
            and best != cur.key
            and best in SAFETY_CUES
            and cur.key not in SAFETY_CUES
        )
        if cur.key in active_keys:
            if best != cur.key and (shown_long_enough or preempt):
                assert best is not None
                self.current = ActiveCue(best, t_s, t_s)
                return self.current, True
            if t_s - cur.announced_s >= self.repeat_s - 1e-9:
                cur.announced_s = t_s
                return cur, True
            return cur, False
        if shown_long_enough or preempt:
            if best is None:
                self.current = None
                return None, False
            self.current = ActiveCue(best, t_s, t_s)
            return self.current, True
        return cur, False

    def reset(self) -> None:
        self.current = None


@dataclass(frozen=True, slots=True)
class Stroke:
    length: float  # fraction of the torso
    duration_s: float


class RollerMotion:
    """The roller's motion along the back: sustained speed, strokes and holds.

    Speed: the distance travelled over the last ``window_s`` divided by the time, where
    the distance is that of a "rope" point pulled along by the position with a slack of
    ``deadband``: frame-to-frame jitter smaller than the slack adds nothing, and a real
    stroke loses only the slack at each turn. Unknown until ``min_span_s`` of positions
    are known.

    Strokes: a pass between two turns of at least ``stroke_min``; a turn needs the
    roller to come back ``turn`` from its furthest point. Holds: the roller within
    ``hold_drift`` of where it stopped for at least ``hold_min_s``.
    """

    def __init__(
        self,
        window_s: float,
        min_span_s: float,
        max_gap_s: float,
        stroke_min: float,
        turn: float,
        hold_drift: float,
        hold_min_s: float,
        deadband: float = 0.01,
    ) -> None:
        self.window_s = window_s
        self.deadband = deadband
        self._rope = math.nan
        self.min_span_s = min_span_s
        self.max_gap_s = max_gap_s
        self.stroke_min = stroke_min
        self.turn = turn
        self.hold_drift = hold_drift
        self.hold_min_s = hold_min_s
        self._t: deque[float] = deque()
        self._p: deque[float] = deque()  # the rope's step at each sample
        self.strokes: list[Stroke] = []
        self.holds: list[tuple[float, float]] = []  # (duration s, position)
        self._dir = 0
        self._seg_p = math.nan
        self._seg_t = math.nan
        self._ext_p = math.nan
        self._ext_t = math.nan
        self._hold_p = math.nan
        self._hold_t = math.nan
        self._last_t = math.nan

    def _break(self) -> None:
        """The roller was lost: close the running stroke and hold, forget the window."""
        self._finish_stroke()
        self._finish_hold(self._last_t)
        self._t.clear()
        self._p.clear()
        self._rope = math.nan
        self._dir = 0
        self._seg_p = self._hold_p = math.nan

    def _finish_stroke(self) -> None:
        if self._dir != 0 and abs(self._ext_p - self._seg_p) >= self.stroke_min:
            self.strokes.append(
                Stroke(abs(self._ext_p - self._seg_p), max(self._ext_t - self._seg_t, 1e-6))
            )

    def _finish_hold(self, t_s: float) -> None:
        if math.isfinite(self._hold_p) and t_s - self._hold_t >= self.hold_min_s - 1e-9:
            self.holds.append((t_s - self._hold_t, self._hold_p))

    def update(self, t_s: float, position: float | None) -> float | None:
        """Feed the (smoothed) position or None; return the speed in torso lengths per
        second over the window, or None while it cannot be known."""
        if position is None or not math.isfinite(position):
            if self._t:
                self._break()
            return None
        if self._t and t_s - self._t[-1] > self.max_gap_s:
            self._break()
        self._last_t = t_s
        if not math.isfinite(self._rope):
            self._rope = position
        gap = position - self._rope
        step = max(abs(gap) - self.deadband, 0.0)
        self._rope += math.copysign(step, gap)
        self._t.append(t_s)
        self._p.append(step)
        while self._t and t_s - self._t[0] > self.window_s + 1e-9:
            self._t.popleft()
            self._p.popleft()
        self._track_stroke(t_s, position)
        self._track_hold(t_s, position)
        span = t_s - self._t[0]
        if span < self.min_span_s - 1e-9:
            return None
        path = math.fsum(self._p) - self._p[0]  # steps after the window's first sample
        return path / span

    def skip(self, t_s: float) -> None:
        """A frame without a place that does not break the window (an unsure detection
        between sure ones): the window breaks only once the gap since the last place
        exceeds ``max_gap_s``."""
        if self._t and t_s - self._t[-1] > self.max_gap_s:
            self._break()

    def _track_stroke(self, t_s: float, p: float) -> None:
        if not math.isfinite(self._seg_p):
            self._seg_p = self._ext_p = p
            self._seg_t = self._ext_t = t_s
            self._dir = 0
            return
        if self._dir == 0:
            if abs(p - self._seg_p) >= self.turn:
                self._dir = 1 if p > self._seg_p else -1
                self._ext_p, self._ext_t = p, t_s
            else:
                self._seg_t = t_s  # still at the start: the stroke has not begun
            return
        if self._dir * (p - self._ext_p) > 0:
            self._ext_p, self._ext_t = p, t_s
        elif self._dir * (self._ext_p - p) >= self.turn:
            self._finish_stroke()
            self._seg_p, self._seg_t = self._ext_p, self._ext_t
            self._dir = -self._dir
            self._ext_p, self._ext_t = p, t_s

    def _track_hold(self, t_s: float, p: float) -> None:
        if math.isfinite(self._hold_p) and abs(p - self._hold_p) <= self.hold_drift:
            return
        self._finish_hold(t_s)
        self._hold_p, self._hold_t = p, t_s

    def strokes_so_far(self) -> list[Stroke]:
        """The strokes, counting the running one as if the session ended now."""
        out = list(self.strokes)
        if self._dir != 0 and abs(self._ext_p - self._seg_p) >= self.stroke_min:
            out.append(Stroke(abs(self._ext_p - self._seg_p), max(self._ext_t - self._seg_t, 1e-6)))
        return out

    def holds_so_far(self) -> list[tuple[float, float]]:
        """The holds (duration s, position), counting the running one."""
        out = list(self.holds)
        if math.isfinite(self._hold_p) and self._last_t - self._hold_t >= self.hold_min_s - 1e-9:
            out.append((self._last_t - self._hold_t, self._hold_p))
        return out


FloatArray = NDArray[np.float64]


def body_step(before: FloatArray, now: FloatArray, torso: FloatArray) -> float | None:
    """The body's travel along its own spine between two frames: the mid-hip's step
    from ``before`` to ``now`` (raw image landmarks, (33, 2) px) along the hips ->
    shoulders direction of ``torso`` (the smoothed landmarks), in its image torso
    lengths. From round the side and above, the travel and the torso foreshorten alike
    (both run along the spine). None where not finite."""
    def mid(p: FloatArray, a: Landmark, b: Landmark) -> FloatArray:
        return np.asarray((p[a] + p[b]) / 2.0, dtype=float)

    spine = (mid(torso, Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER)
             - mid(torso, Landmark.LEFT_HIP, Landmark.RIGHT_HIP))
    length = float(np.hypot(spine[0], spine[1]))
    step = mid(now, Landmark.LEFT_HIP, Landmark.RIGHT_HIP) - mid(
        before, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
    value = float(np.dot(step, spine)) / (length * length) if length > 1.0 else math.nan
    return value if math.isfinite(value) else None


class BodyTravel:
    """The body's travel along its own spine and its speed: the raw mid-hip's steps
    between frames (:func:`body_step`), summed, over :class:`RollerMotion`'s window and
    slack (``slack``, torso lengths). A hip lost in a frame restarts it; so does
    :meth:`lose`. Speeds in image torso lengths per second."""

    def __init__(self, window_s: float, min_span_s: float, max_gap_s: float,
                 slack: float) -> None:
        self._motion = RollerMotion(window_s=window_s, min_span_s=min_span_s,
                                    max_gap_s=max_gap_s, stroke_min=1.0, turn=1.0,
                                    hold_drift=1.0, hold_min_s=math.inf, deadband=slack)
        self._at = 0.0  # the travel so far
        self._last: FloatArray | None = None  # the raw landmarks it was last read from

    def update(self, t_s: float, xy: FloatArray, torso: FloatArray) -> float | None:
        """Feed this frame's raw landmarks ``xy`` and smoothed ``torso`` ((33, 2) px);
        the travel's speed over the window, or None while it cannot be known."""
        step = None if self._last is None else body_step(self._last, xy, torso)
        if step is None and self._last is not None:
            self._motion.update(t_s, None)
            self._at = 0.0
        else:
            self._at += step or 0.0
        self._last = np.array(xy, dtype=float)
        return self._motion.update(t_s, self._at)

    def skip(self, t_s: float) -> None:
        """A frame without a roller place that keeps the window open (RollerMotion.skip)."""
        self._motion.skip(t_s)

    def lose(self, t_s: float) -> None:
        """No roller under the back: the travel restarts."""
        self._motion.update(t_s, None)
        self._last = None


T = TypeVar("T")


class Recent(Generic[T]):
    """The last value noted and its time, read back only within ``max_age_s`` of it
    (seconds): what a frame without a reading of its own may borrow."""

    def __init__(self, max_age_s: float) -> None:
        self.max_age_s = max_age_s
        self._t = -math.inf
        self._value: T | None = None

    def note(self, t_s: float, value: T | None) -> None:
        """This frame's value (None: none to lend)."""
        self._t, self._value = t_s, value

    def get(self, t_s: float) -> T | None:
        """The value noted, if it is at most ``max_age_s`` old at ``t_s`` (and not from
        after it: time going back is a new stream)."""
        return self._value if 0.0 <= t_s - self._t <= self.max_age_s else None

    def forget(self) -> None:
        self._value = None
