"""The 3D set's scoring: what counts as a false fault."""

from __future__ import annotations

from formcheck.scenes3d.scoring import FrameResult, score


def _frame(shot: str, t_ms: float, want: str, frame: str, reported: str) -> FrameResult:
    # azimuth 80: past the range the pose figures are tallied in, so no joints are needed
    return FrameResult(
        shot=shot, scenario="session", camera_bin="oblique", azimuth_deg=80.0,
        good_form=False, truth={"t_ms": t_ms, "expected": {"head_supported": want}},
        pose_found=True, frame_status={"head_supported": frame},
        status={"head_supported": reported}, knee_px_deg=None, cue=None)


def test_a_fault_being_cleared_is_not_a_false_fault_but_one_held_longer_is() -> None:
    # 8 frames a second: the head hangs to 1.0 s, then is held; the report clears 0.5 s
    # after good form returns (as the evaluator does), then one more fault at 2.0 s
    rows = [("fault", "fault", "fault")] * 8 + [("ok", "ok", "fault")] * 4 \
        + [("ok", "ok", "ok")] * 4 + [("ok", "fault", "fault")]
    results = [_frame("clip", i * 125.0, *r) for i, r in enumerate(rows)]
    tally = score(results).checks["oblique"]["head_supported"]
    assert tally.clear == len(rows)
    assert tally.clearing == 4
    assert tally.false_fault == 1
    # the lag belongs to its own clip: a fault reported at the start of another clip
    # whose truth is ok is false
    other = [_frame("other", 0.0, "ok", "ok", "fault")]
    assert score(results + other).checks["oblique"]["head_supported"].false_fault == 2
