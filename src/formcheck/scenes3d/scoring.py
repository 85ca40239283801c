"""Scoring formcheck's readings against the 3D set's truth, per camera bin.

Pure numpy over plain records, so the tables are tested without a model. A
:class:`FrameResult` is what the pipeline made of one frame, next to its truth.
Pixel coordinates are image px; angles are degrees.
"""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from formcheck.vocabulary import CHECK_IDS, Status

BINS = ("floor_side", "oblique", "elevated", "beyond")
# What "a whole person" needs in the truth: these landmarks of both sides inside the image.
WHOLE_PERSON = ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index")


@dataclass(frozen=True, slots=True)
class FrameResult:
    """One frame: the truth row and what the pipeline reported.

    ``frame_status``: check id -> the frame's own reading; ``status``: the reported
    (debounced) one; ``knee_px_deg``: the near knee's angle from the image landmarks, or
    None without a pose.
    """

    shot: str
    scenario: str
    camera_bin: str
    azimuth_deg: float
    good_form: bool
    truth: dict[str, Any]
    pose_found: bool
    frame_status: dict[str, str]
    status: dict[str, str]
    knee_px_deg: float | None
    cue: str | None


def whole_person(truth: dict[str, Any]) -> bool:
    """Whether the truth shows the whole person inside the image."""
    if not truth.get("person_visible", True):
        return False
    w, h = truth["width"], truth["height"]
    px = truth["joints_px"]
    for side in ("left", "right"):
        for role in WHOLE_PERSON:
            x, y = px[f"{side}_{role}"]
            if not (0 <= x < w and 0 <= y < h):
                return False
    x, y = px["nose"]
    return bool(0 <= x < w and 0 <= y < h)


@dataclass
class CheckTally:
    """Counts for one check in one bin."""

    clear: int = 0
    match: int = 0
    unknown: int = 0
    false_fault: int = 0  # truth ok, reported fault (past the clearing lag)
    clearing: int = 0  # truth ok, reported fault within the clearing lag of a true fault
    good_form_frames: int = 0
    good_form_faults: int = 0  # reported fault on a good-form scenario's frame


@dataclass
class Table:
    """Per bin, per check tallies; per bin pose figures."""

    checks: dict[str, dict[str, CheckTally]] = field(
        default_factory=lambda: defaultdict(lambda: defaultdict(CheckTally)))
    whole: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    found: dict[str, int] = field(default_factory=lambda: defaultdict(int))
    knee_err: dict[str, list[float]] = field(default_factory=lambda: defaultdict(list))
    fault_cued_good_shots: dict[str, set[str]] = field(
        default_factory=lambda: defaultdict(set))
    good_shots: dict[str, set[str]] = field(default_factory=lambda: defaultdict(set))


def score(results: list[FrameResult], *, speed_from_s: float = 1.0,
          max_azimuth_pose: float = 60.0, clear_s: float = 0.5) -> Table:
    """Tally ``results`` per camera bin (rolling speed from ``speed_from_s`` into a clip).

    A reported fault on a frame whose truth is ok counts as a false fault, except within
    ``clear_s`` (the evaluator's ``temporal.fault_clear_s``) of the truth's fault giving
    way to good form in the same clip: there the fault is being cleared, as designed
    (good form must hold that long), and it is counted apart (``clearing``)."""
    t = Table()
    cleared_at: dict[tuple[str, str], float] = {}  # (shot, check) -> truth's fault's end, s
    last: dict[tuple[str, str], str] = {}
    for r in results:
        b = r.camera_bin
        if r.good_form:
            t.good_shots[b].add(r.shot)
            if r.cue is not None:
                t.fault_cued_good_shots[b].add(r.shot)
        for check in CHECK_IDS:
            c = check.value
            tally = t.checks[b][c]
            want = r.truth["expected"].get(c)
            got = r.frame_status.get(c, Status.UNKNOWN.value)
            if r.good_form:
                tally.good_form_frames += 1
                tally.good_form_faults += r.status.get(c) == Status.FAULT.value
            now = float(r.truth["t_ms"]) / 1000.0
            if want == Status.OK.value and last.get((r.shot, c)) == Status.FAULT.value:
                cleared_at[(r.shot, c)] = now
            if want in (Status.OK.value, Status.FAULT.value):
                last[(r.shot, c)] = want
            if want not in (Status.OK.value, Status.FAULT.value):
                continue
            if c == "rolling_speed" and r.truth["t_ms"] / 1000.0 < speed_from_s:
                continue
            tally.clear += 1
            tally.match += got == want
            tally.unknown += got == Status.UNKNOWN.value
            if want == Status.OK.value and r.status.get(c) == Status.FAULT.value:
                since = now - cleared_at.get((r.shot, c), -math.inf)
                if since < clear_s - 1e-9:
                    tally.clearing += 1
                else:
                    tally.false_fault += 1
        if r.azimuth_deg <= max_azimuth_pose and whole_person(r.truth):
            t.whole[b] += 1
            t.found[b] += r.pose_found
            if r.knee_px_deg is not None:
                t.knee_err[b].append(abs(r.knee_px_deg - float(r.truth["knee_angle_px_deg"])))
    return t


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:5.1f}%" if b else "    -"


def render_tables(t: Table) -> str:
    """The baseline tables as Markdown: checks per bin, then pose per bin."""
    bins = [b for b in BINS if b in t.checks]
    lines = ["| check | " + " | ".join(bins) + " |", "|---|" + "---|" * len(bins)]
    for check in CHECK_IDS:
        cells = []
        for b in bins:
            x = t.checks[b][check.value]
            cells.append(f"{_pct(x.match, x.clear).strip()} of {x.clear} "
                         f"(unk {x.unknown}, ff {x.false_fault})")
        lines.append(f"| `{check.value}` | " + " | ".join(cells) + " |")
    good = []
    for b in bins:
        good.append(f"{len(t.fault_cued_good_shots[b])} of {len(t.good_shots[b])}")
    lines.append("| good-form shots with a fault cue | " + " | ".join(good) + " |")
    lines.append("| frames with a fault being cleared (ok within 0.5 s, not ff) | " + " | ".join(
        str(sum(x.clearing for x in t.checks[b].values())) for b in bins) + " |")
    lines += ["", "| pose (azimuth <= 60) | " + " | ".join(bins) + " |",
              "|---|" + "---|" * len(bins)]
    lines.append("| pose found, frames with a whole person | " + " | ".join(
        f"{_pct(t.found[b], t.whole[b]).strip()} of {t.whole[b]}" for b in bins) + " |")

    def q(b: str, p: float) -> str:
        e = t.knee_err[b]
        return f"{float(np.percentile(e, p)):.1f}" if e else "-"

    lines.append("| knee angle error, median / p95 (deg) | " + " | ".join(
        f"{q(b, 50)} / {q(b, 95)}" for b in bins) + " |")
    return "\n".join(lines)


def render_compare(before: Table, after: Table) -> str:
    """Two runs' check tables side by side as Markdown, each cell "before -> after":
    the match share of clear frames, unknowns and false faults, per bin."""
    bins = [b for b in BINS if b in before.checks or b in after.checks]
    lines = ["| check | " + " | ".join(bins) + " |", "|---|" + "---|" * len(bins)]

    def cell(t: Table, b: str, check: str) -> str:
        x = t.checks[b][check]
        return f"{_pct(x.match, x.clear).strip()} (unk {x.unknown}, ff {x.false_fault})"

    for check in CHECK_IDS:
        cells = [f"{cell(before, b, check.value)} → {cell(after, b, check.value)}"
                 for b in bins]
        lines.append(f"| `{check.value}` | " + " | ".join(cells) + " |")
    lines.append("| good-form shots with a fault cue | " + " | ".join(
        f"{len(before.fault_cued_good_shots[b])} → {len(after.fault_cued_good_shots[b])} "
        f"of {len(after.good_shots[b])}" for b in bins) + " |")
    return "\n".join(lines)


def angle_deg(a: Any, b: Any, c: Any) -> float | None:
    """The angle a-b-c at b, degrees; None where a point is missing (NaN)."""
    a, b, c = (np.asarray(p, dtype=float) for p in (a, b, c))
    if not (np.isfinite(a).all() and np.isfinite(b).all() and np.isfinite(c).all()):
        return None
    v1, v2 = a - b, c - b
    n = float(np.linalg.norm(v1) * np.linalg.norm(v2))
    if n == 0:
        return None
    return math.degrees(math.acos(max(-1.0, min(1.0, float(np.dot(v1, v2)) / n))))
