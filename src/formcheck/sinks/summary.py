"""``summary.json``: the session summary, versioned and described by a JSON Schema.

The schema is ``src/formcheck/sinks/summary.schema.json`` (shipped with the package;
``formcheck.sinks.summary.SCHEMA_PATH``). Bump ``SCHEMA_VERSION``'s minor number for
added fields, the major one for anything that breaks a reader.

The document itself is :class:`formcheck.sinks.document.SummaryDocument`. Score
(0-100): :data:`formcheck.vocabulary.SCORE_FORMULA`, made from the weights there; None,
with ``score_reason`` saying why, when the checks a score needs were not judged long
enough (:func:`formcheck.vocabulary.no_score_reason`).
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from typing import ClassVar

from formcheck import __version__
from formcheck.evaluator.results import FrameVerdict, SessionSummary
from formcheck.sinks.document import SummaryDocument
from formcheck.vocabulary import CHECK_IDS, SCORE_FORMULA, CheckId, Status, Zone

SCHEMA_ID = "formcheck.summary"
SCHEMA_VERSION = "1.5"
SCHEMA_PATH = Path(__file__).with_name("summary.schema.json")


@dataclass
class SessionRecord:
    """A compact per-frame record of the session, for the report's plots and zones.

    Holds a few numbers per analysed frame (never images): 10 minutes at 15 frames/s
    are 9,000 rows of about 10 numbers.
    """

    t_s: list[float] = field(default_factory=list)
    status: dict[CheckId, list[int]] = field(
        default_factory=lambda: {c: [] for c in CHECK_IDS}
    )
    """The reported (debounced) status per frame, coded by ``_CODES``."""
    frame_status: dict[CheckId, list[int]] = field(
        default_factory=lambda: {c: [] for c in CHECK_IDS}
    )
    """The frame's own status per frame, coded by ``_CODES``."""
    unknown_reasons: dict[CheckId, Counter[str]] = field(
        default_factory=lambda: {c: Counter() for c in CHECK_IDS}
    )
    """Why each check was unknown: its reasons, counted over the frames it was."""
    value: dict[CheckId, list[float | None]] = field(
        default_factory=lambda: {c: [] for c in CHECK_IDS}
    )
    position: list[float | None] = field(default_factory=list)
    zone: list[str | None] = field(default_factory=list)
    cue: list[str | None] = field(default_factory=list)

    _CODES: ClassVar[dict[Status, int]] = {Status.UNKNOWN: 0, Status.OK: 1, Status.FAULT: 2}

    def commonest_reason(self, check: CheckId) -> str | None:
        """The reason ``check`` was unknown in the most frames, or None where it never was."""
        reasons = self.unknown_reasons[check]
        return str(reasons.most_common(1)[0][0]) if reasons else None

    def add(self, verdict: FrameVerdict) -> None:
        """Record one frame's verdict."""
        self.t_s.append(verdict.t_s)
        for check in CHECK_IDS:
            v = verdict.checks[check]
            self.status[check].append(self._CODES[v.status])
            self.frame_status[check].append(self._CODES[v.frame_status])
            if v.status is Status.UNKNOWN and v.reason:
                self.unknown_reasons[check][v.reason] += 1
            self.value[check].append(v.value)
        rp = verdict.checks[CheckId.ROLLER_POSITION]
        self.position.append(verdict.roller_position)
        self.zone.append(rp.zone.value if rp.zone is not None and rp.value is not None else None)
        self.cue.append(verdict.cue.text if verdict.cue else None)

    def zones_over_time(self) -> list[dict[str, object]]:
        """Runs of the roller's zone: ``[{"zone", "start_s", "end_s"}]`` (zone None: unseen)."""
        runs: list[dict[str, object]] = []
        for i, (t, z) in enumerate(zip(self.t_s, self.zone, strict=True)):
            end = self.t_s[i + 1] if i + 1 < len(self.t_s) else t
            if runs and runs[-1]["zone"] == z:
                runs[-1]["end_s"] = round(end, 3)
            else:
                runs.append({"zone": z, "start_s": round(t, 3), "end_s": round(end, 3)})
        return [r for r in runs if r["zone"] is not None]


def _by_third(t_s: list[float], values: list[float | None]) -> list[float | None]:
    """The mean of the known values in each third of the session's time (3 decimals)."""
    if not t_s:
        return [None, None, None]
    t0, span = t_s[0], max(t_s[-1] - t_s[0], 1e-9)
    parts: list[list[float]] = [[], [], []]
    for t, v in zip(t_s, values, strict=True):
        if v is not None:
            parts[min(int(3 * (t - t0) / span), 2)].append(v)
    return [round(sum(p) / len(p), 3) if p else None for p in parts]


def build_summary(
    session: SessionSummary,
    record: SessionRecord,
    *,
    input_info: dict[str, object],
    analysis: dict[str, object],
) -> SummaryDocument:
    """The ``summary.json`` document (see :class:`SummaryDocument` and the schema)."""
    s = session.to_dict()
    speeds = [v for v in record.value[CheckId.ROLLING_SPEED] if v is not None]
    checks = s["checks"]
    assert isinstance(checks, dict)
    return SummaryDocument.model_validate({
        "schema": SCHEMA_ID,
        "schema_version": SCHEMA_VERSION,
        "formcheck_version": __version__,
        "input": input_info,
        "analysis": analysis,
        "score": session.score,
        "score_reason": session.score_reason,
        "score_formula": SCORE_FORMULA,
        "checks": {c.value: {**checks[c.value], "unknown_reason": record.commonest_reason(c)}
                   for c in CHECK_IDS},
        "fault_episodes": s["fault_episodes"],
        "roller": {
            "zones_over_time": record.zones_over_time(),
            "zone_s": {z.value: round(session.coverage.zone_s.get(z, 0.0), 2) for z in Zone},
            "coverage": s["coverage"],
        },
        "session": {
            "duration_s": s["duration_s"],
            "frames": s["frames"],
            "rolling_s": s["rolling_s"],
            "target_s": s["target_s"],
            "good_form_s": s["good_form_s"],
            "strokes": s["strokes"],
            "holds": s["holds"],
            "speed": {
                "mean_cm_s": round(sum(speeds) / len(speeds), 2) if speeds else None,
                "max_cm_s": round(max(speeds), 2) if speeds else None,
            },
            "hips": {
                "high_s": checks[CheckId.HIP_HEIGHT.value]["fault_s"],
                "rise_by_third": _by_third(record.t_s, record.value[CheckId.HIP_HEIGHT]),
            },
        },
        "setup_s": s["setup_s"],
        "camera": s["camera"],
        "others": s["others"],
    })

