"""The session core: sinks in frame order, summary and report written together or not
at all."""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pytest
from numpy.typing import NDArray

from formcheck.errors import OutputError
from formcheck.evaluator.evaluator import Evaluator
from formcheck.evaluator.results import FrameVerdict
from formcheck.evaluator.thresholds import Thresholds
from formcheck.frontends.session import FrameSink, SessionCore, frames_log
from formcheck.overlay.draw import Banner, Timeline, draw_overlay
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import CUES, CheckId, CueKey
from tests.evaluator.kinematic import BodySpec, make_frame, make_roller

SPEC = BodySpec()
INPUT: dict[str, object] = {"path": "x.mp4", "kind": "video", "width": 640, "height": 360,
                            "fps": 15.0, "frames_read": 30}
ANALYSIS: dict[str, object] = {"fps": None, "frames_analysed": 30, "model": "m.task",
                               "config": None}


def _session(frames: int, sinks: list[FrameSink]) -> tuple[SessionCore, Evaluator]:
    core = SessionCore(Thresholds(), Timeline(10.0), sinks)
    evaluator = Evaluator()
    image = np.zeros((360, 640, 3), np.uint8)
    for i in range(frames):
        roller = make_roller(SPEC, 0.6 if i >= frames // 2 else 0.3)  # then the lower back
        verdict = evaluator.update(make_frame(SPEC, t_s=i / 15.0, index=i), roller)
        core.add(verdict, roller)
        core.picture(verdict, lambda _cue: image)
    return core, evaluator


def test_sinks_see_every_frame_in_order(tmp_path: Path) -> None:
    # given: a sink that keeps what it is given, and the frames.jsonl sink
    seen: list[tuple[FrameVerdict, RollerObservation]] = []
    with (tmp_path / "frames.jsonl").open("w") as fh:
        core, _ = _session(30, [lambda v, r: seen.append((v, r)), frames_log(fh)])
    # then: both saw the 30 frames in order, and the record holds them too
    rows = [json.loads(line) for line in (tmp_path / "frames.jsonl").read_text().splitlines()]
    assert [v.index for v, _ in seen] == list(range(30)) == [r["index"] for r in rows]
    assert rows[0]["roller"]["position"] == seen[0][1].to_dict()["position"]
    assert core.record.t_s == [v.t_s for v, _ in seen]


def test_summary_and_report_are_written_together(tmp_path: Path) -> None:
    core, evaluator = _session(30, [])
    summary = core.write(tmp_path, evaluator.summary(), input_info=INPUT,
                         analysis=ANALYSIS, title="t")
    assert (tmp_path / "summary.json").read_text() == summary.to_json()
    assert summary.fault_episodes  # the lower back, from frame 15
    assert "<html" in (tmp_path / "report.html").read_text()


def test_a_report_that_cannot_be_written_leaves_no_summary(tmp_path: Path) -> None:
    # given: a folder where report.html should go
    core, evaluator = _session(10, [])
    (tmp_path / "report.html").mkdir()
    # when / then: one OutputError naming the folder shown, and no summary.json left
    with pytest.raises(OutputError, match="shown"):
        core.write(tmp_path, evaluator.summary(), input_info=INPUT, analysis=ANALYSIS,
                   title="t", shown_as=tmp_path / "shown")
    assert not (tmp_path / "summary.json").exists()


def test_each_thumbnail_shows_its_own_checks_cue() -> None:
    # given straight legs (cue: "Bend your knees"), then the toes up as well: the feet's
    # fault comes while the knees' cue, of higher priority, stays on the frame
    core = SessionCore(Thresholds(), Timeline(10.0))
    evaluator = Evaluator()
    shown: set[str | None] = set()
    asked: list[str] = []
    for i in range(75):
        spec = BodySpec(knee_deg=175.0, foot_pitch_deg=0.0 if i < 30 else 40.0)
        roller = make_roller(spec, 0.3)
        verdict = evaluator.update(make_frame(spec, t_s=i / 15.0, index=i), roller)
        core.add(verdict, roller)
        shown.add(verdict.cue.text if verdict.cue else None)
        image = np.full((720, 1280, 3), 127, np.uint8)

        def picture(banner: Banner, verdict: FrameVerdict = verdict) -> None:
            def keep(text: str) -> NDArray[np.uint8]:
                asked.append(text)
                return banner(text)
            core.picture(verdict, keep)

        draw_overlay(image, verdict, roller, before_cue=picture)
    assert shown == {None, CUES[CueKey.KNEES_BENT]}
    # when
    thumbs = core.worst.finish()
    # then there is one of each fault, each drawn with its own check's cue
    assert {t.check for t in thumbs} == {CheckId.KNEES_BENT, CheckId.FEET_FLAT}
    for t in thumbs:
        assert t.caption == CUES[CueKey.of(t.check)]
    assert CUES[CueKey.FEET_FLAT] in asked and set(asked) <= {t.caption for t in thumbs}
