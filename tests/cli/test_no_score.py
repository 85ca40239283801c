"""A score only where the checks that carry it were judged, and in words otherwise
(docs/bad-inputs.md, 4a, 4b, 4d): the rule itself, ``grade``'s and ``analyze``'s lines,
and real clips of other exercises, where no roller is under the back."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from formcheck.cli.grade import _say_row
from formcheck.frontends.grade_rows import GradeRow, csv_row, row_from_csv
from formcheck.vocabulary import (
    CHECK_IDS,
    SCORE_MIN_KNOWN,
    CheckId,
    no_score_reason,
    score_text,
)
from tests.cli.helpers import run_formcheck

ALL_KNOWN = dict.fromkeys(CHECK_IDS, 1.0)


def test_score_text() -> None:
    assert score_text(86) == "score 86"
    assert score_text(None, "no roller was seen") == "no score: no roller was seen"
    assert score_text(None).startswith("no score: no check was judged for 10%")


def test_a_score_needs_the_roller_position() -> None:
    # every other check judged all the time; the roller's place never, then briefly
    known = {**ALL_KNOWN, CheckId.ROLLER_POSITION: 0.0}
    assert no_score_reason(known) == (
        "no roller was seen under the back, so its place was never judged")
    # a roller found whose place stayed unknown (the camera, an unsure find) is not "unseen"
    assert no_score_reason(known, roller_seen=True) == (
        "a roller was seen, but its place along the back was never judged "
        "(the report gives the reasons)")
    known[CheckId.ROLLER_POSITION] = SCORE_MIN_KNOWN - 0.01
    assert no_score_reason(known) == ("roller position was judged for only 9% of the time "
                                      "(a score needs 10%)")
    known[CheckId.ROLLER_POSITION] = SCORE_MIN_KNOWN
    assert no_score_reason(known) is None


def test_a_score_needs_half_the_weight() -> None:
    # roller_position (3 of 13) and head_supported (2): 5 of 13, under half
    known = dict.fromkeys(CHECK_IDS, 0.0)
    known[CheckId.ROLLER_POSITION] = known[CheckId.HEAD_SUPPORTED] = 1.0
    why = no_score_reason(known)
    assert why is not None and why.startswith(
        "only roller position, head supported were judged long enough: 5 of the score's "
        "13 weight points")
    # with knees_bent (2 more): 7 of 13, at least half
    known[CheckId.KNEES_BENT] = 1.0
    assert no_score_reason(known) is None
    assert no_score_reason(dict.fromkeys(CHECK_IDS, 0.0)) == (
        "no check was judged for 10% of the time")


def test_a_photo_s_reason_speaks_of_the_photo_not_of_time() -> None:
    nothing = dict.fromkeys(CHECK_IDS, 0.0)
    assert no_score_reason(nothing, photo=True) == "no check could be judged in this photo"
    assert no_score_reason(nothing) == "no check was judged for 10% of the time"
    # and says why where its set-up was not ok
    assert no_score_reason(nothing, photo=True, setup="Move the camera round to your side") == (
        "no check could be judged in this photo: move the camera round to your side")


def test_a_photo_judged_from_too_far_round_says_where_to_move_the_camera() -> None:
    """The evaluator passes a photo's set-up message on (the real chain: a pose seen from
    74 degrees round, exact landmarks of a tuning still of the 3D set)."""
    from formcheck.evaluator.evaluator import Evaluator
    from formcheck.evaluator.results import SetupCode
    from formcheck.scenes3d.dataset import read_truth
    from formcheck.scenes3d.evaluate import truth_roller
    from tests.evaluator.helpers import exact_frame

    truth_file = Path(__file__).resolve().parents[2] / "data" / "scenes3d" / (
        "tuni-still-035-good.truth.jsonl.gz")
    truth = read_truth(truth_file)[0]
    ev = Evaluator(still=True)
    verdict = ev.update(exact_frame(truth), truth_roller(truth))
    assert verdict.setup.code is SetupCode.CAMERA_TOO_FAR_ROUND
    reason = ev.summary().score_reason
    assert reason == "no check could be judged in this photo: move the camera round to your side"
    # and the same without a roller found: the camera is still why nothing was judged
    unseen = Evaluator(still=True)
    unseen.update(exact_frame(truth), None)
    assert unseen.summary().score_reason == reason


def test_a_video_needs_a_second_for_a_score_and_a_photo_none() -> None:
    known = dict.fromkeys(CHECK_IDS, 1.0)  # everything judged throughout
    assert no_score_reason(known, video_s=0.2) == (
        "the video is too short to judge (0.2 s; a score needs 1 s, or give a photo)")
    assert no_score_reason(known, video_s=1.0) is None
    assert no_score_reason(known, video_s=None) is None  # a photo: one frame is the point


def test_grades_line_for_a_clip_without_a_score(capsys: pytest.CaptureFixture[str]) -> None:
    # given: a graded clip whose roller was never seen
    row: GradeRow = {"file": "clips/sit-up.mp4", "status": "graded", "score": None,
                     "score_reason": "no roller was seen under the back",
                     "error": None, "index": 0}
    # when
    _say_row(row)
    # then
    err = capsys.readouterr().err
    assert err == "graded clips/sit-up.mp4: no score: no roller was seen under the back\n"
    # and the CSV keeps the reason through --resume
    back = row_from_csv({k: str(v) for k, v in csv_row(row).items()})
    assert back["score_reason"] == "no roller was seen under the back"


@pytest.mark.model
@pytest.mark.footage
def test_clips_without_a_roller_get_no_score_and_no_roller_verdict(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given: real clips of a sit-up and a side plank (no roller anywhere)
    clips = [footage / "pexels" / "sit-up.mp4", footage / "pexels" / "side-plank.mp4"]
    # when
    result = run_formcheck("analyze", *map(str, clips), "--out", str(tmp_path),
                           "--model", str(model_path))
    # then: no score, said in words, and no roller check vouches for an absent roller
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stdout.splitlines() if ": no score: " in ln]
    assert len(lines) == 2, result.stdout + result.stderr
    for clip in clips:
        summary = json.loads((tmp_path / clip.stem / "summary.json").read_text())
        assert summary["score"] is None and summary["score_reason"]
        for check in ("roller_position", "roller_across_back", "rolling_speed"):
            assert summary["checks"][check]["status"] == "unknown", (clip.name, check)
        report = (tmp_path / clip.stem / "report.html").read_text()
        assert summary["score_reason"] in report
