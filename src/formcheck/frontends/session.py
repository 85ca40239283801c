"""One session core, whatever feeds it: ``analyze``'s file loop and ``live``'s camera
loop (and ``grade``, through ``analyze``).

A :class:`SessionCore` takes each evaluated frame, in order, and hands it to its sinks:
the record the report plots from, the timeline the overlay draws, and any others (the
``frames.jsonl`` log). It keeps the thumbnail of each fault episode's worst moment, and
at the end writes ``summary.json`` and ``report.html`` together, each atomically, with
one error path: an output that cannot be written is one :class:`OutputError`, and
neither file is left behind.

A sink is a callable taking a frame's verdict and roller observation
(:data:`FrameSink`); :func:`frames_log` makes the one that writes ``frames.jsonl``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import IO

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.results import FrameVerdict, SessionSummary
from formcheck.evaluator.thresholds import Thresholds
from formcheck.lazy import cv2 as _cv2
from formcheck.overlay.draw import Banner, Timeline
from formcheck.roller.observation import RollerObservation
from formcheck.sinks.atomic import atomic_text, write_failure
from formcheck.sinks.document import SummaryDocument
from formcheck.sinks.report import Thumbnail, render_report
from formcheck.sinks.summary import SessionRecord, build_summary
from formcheck.vocabulary import CUES, CheckId, CueKey, Status, Zone

THUMB_WIDTH = 360
THUMBS_PER_CHECK = 3

FrameSink = Callable[[FrameVerdict, RollerObservation], None]
"""Takes each evaluated frame of a session, in order."""


def frames_log(fh: IO[str]) -> FrameSink:
    """The sink that writes ``frames.jsonl``: one JSON object per frame, the verdict
    with the roller's observation under ``"roller"``."""

    def write(verdict: FrameVerdict, roller: RollerObservation) -> None:
        row = verdict.to_dict()
        row["roller"] = roller.to_dict()
        fh.write(json.dumps(row, separators=(",", ":")) + "\n")

    return write


class SessionCore:
    """The per-frame rows, the record, the worst moments and the timeline of one session,
    and the writing of its summary and report.

    Args:
        thresholds: the evaluator's thresholds (the report draws the zones from them,
            the worst moments rank the roller's position by them).
        timeline: the timeline the overlay draws (its length and layout are the front
            end's choice).
        sinks: further sinks, called after the record and before the timeline.
    """

    def __init__(self, thresholds: Thresholds, timeline: Timeline,
                 sinks: Sequence[FrameSink] = ()) -> None:
        self.thresholds = thresholds
        self.timeline = timeline
        self.record = SessionRecord()
        self.worst = WorstMoments(thresholds)
        self._sinks = tuple(sinks)

    def add(self, verdict: FrameVerdict, roller: RollerObservation) -> None:
        """Take one evaluated frame (in frame order)."""
        self.record.add(verdict)
        for sink in self._sinks:
            sink(verdict, roller)
        self.timeline.push(verdict.t_s, [v.status for v in verdict.checks.values()])

    def picture(self, verdict: FrameVerdict, image: Banner) -> None:
        """Consider this frame for the worst moments; ``image(cue)`` gives the annotated
        frame with that cue in its banner when it is needed (the overlay's
        ``before_cue`` hands it over)."""
        self.worst.update(verdict, image)

    def write(
        self, out_dir: Path, session: SessionSummary, *, input_info: dict[str, object],
        analysis: dict[str, object], title: str, video_path: Path | None = None,
        image_path: Path | None = None, shown_as: Path | None = None,
    ) -> SummaryDocument:
        """Write ``summary.json`` and ``report.html`` into ``out_dir``; the summary.

        Args:
            out_dir: the folder written to.
            session: the evaluator's summary of the session.
            input_info, analysis: the summary's ``input`` and ``analysis`` sections.
            title: the report's title.
            video_path, image_path: the annotated video or photo the report embeds.
            shown_as: the folder named in an error (default ``out_dir``): ``analyze``
                writes into a staging folder the user never sees.

        Raises:
            OutputError: a file cannot be written; neither is left in ``out_dir``.
        """
        summary = build_summary(session, self.record, input_info=input_info,
                                analysis=analysis)
        report = render_report(
            summary, self.record, self.worst.finish(), title=title, video_path=video_path,
            image_path=image_path, thresholds=self.thresholds,
        )
        written: list[Path] = []
        try:
            for name, text in (("summary.json", summary.to_json()), ("report.html", report)):
                with atomic_text(out_dir / name) as fh:
                    fh.write(text)
                written.append(out_dir / name)
        except OSError as err:
            for path in written:
                path.unlink(missing_ok=True)
            raise write_failure(err, shown_as or out_dir) from err
        return summary


def _caption(check: CheckId, zone: Zone | None) -> str:
    """The cue of a fault of ``check`` with the roller in ``zone``: the zone's cue, else
    the check's own, else the check's id."""
    for value in ([f"{check.value}.{zone.value}"] if zone is not None else []) + [check.value]:
        try:
            return CUES[CueKey(value)]
        except ValueError:  # no cue for that zone (or check)
            continue
    return check.value


class WorstMoments:
    """Keeps, for each reported fault episode, a thumbnail of its worst frame.

    Severity per check (larger is worse): knee angle; |foot pitch|; distance of the
    roller outside the shoulder-blade band; rolling speed; for the roller's orientation,
    the longest-lasting frame (the first one kept). At most ``THUMBS_PER_CHECK`` episodes
    per check are kept (the most severe), so memory stays bounded.
    """

    def __init__(self, thresholds: Thresholds) -> None:
        self.th = thresholds
        self._open: dict[CheckId, tuple[float, float, bytes, str]] = {}
        self.kept: dict[CheckId, list[tuple[float, Thumbnail]]] = {}

    def severity(self, verdict: FrameVerdict, check: CheckId) -> float:
        v = verdict.checks[check]
        if check is CheckId.ROLLER_POSITION and verdict.roller_position is not None:
            p = verdict.roller_position
            return max(self.th.roller_neck_max - p, p - self.th.roller_lower_back_min)
        if check is CheckId.FEET_FLAT and v.value is not None:
            return abs(v.value)
        if v.value is not None and check is not CheckId.ROLLER_ACROSS_BACK:
            return v.value
        return 0.0

    def update(self, verdict: FrameVerdict, frame: Banner) -> None:
        """Consider this frame; ``frame(cue)`` gives the annotated image with that cue
        in its banner when needed: each picture shows its own check's cue, whichever
        the frame showed (a cue of higher priority, or one still held)."""
        for check, v in verdict.checks.items():
            current = self._open.get(check)
            if v.status is Status.FAULT:
                sev = self.severity(verdict, check)
                if current is None or sev > current[0]:
                    caption = _caption(check, v.zone)
                    self._open[check] = (sev, verdict.t_s, _jpeg(frame(caption)), caption)
            elif current is not None:
                self._close(check)

    def _close(self, check: CheckId) -> None:
        sev, t, jpeg, caption = self._open.pop(check)
        kept = self.kept.setdefault(check, [])
        kept.append((sev, Thumbnail(check, t, jpeg, caption)))
        kept.sort(key=lambda item: -item[0])
        del kept[THUMBS_PER_CHECK:]

    def finish(self) -> list[Thumbnail]:
        """Close open episodes; the thumbnails in time order."""
        for check in list(self._open):
            self._close(check)
        return sorted((t for items in self.kept.values() for _, t in items), key=lambda t: t.t_s)


def _jpeg(image: NDArray[np.uint8]) -> bytes:
    cv2 = _cv2()
    h, w = image.shape[:2]
    small = cv2.resize(image, (THUMB_WIDTH, max(1, round(h * THUMB_WIDTH / w))),
                       interpolation=cv2.INTER_AREA)
    ok, buf = cv2.imencode(".jpg", small, [cv2.IMWRITE_JPEG_QUALITY, 82])
    return bytes(buf) if ok else b""
