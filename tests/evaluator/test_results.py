"""Results serialise to JSON."""

from __future__ import annotations

import json

from formcheck.vocabulary import CheckId

from .helpers import GOOD, run, still, timeline


def test_frame_verdict_to_dict_is_json() -> None:
    # given a verdict with a fault and a cue
    verdict = still(GOOD.with_(knee_deg=170), position=0.7)
    # when
    data = verdict.to_dict(include_landmarks=True)
    text = json.dumps(data)
    # then it holds the checks by id, the cue and the landmarks
    back = json.loads(text)
    assert set(back["checks"]) == {c.value for c in CheckId}
    assert back["checks"]["roller_position"]["zone"] == "lower_back"
    assert back["cue"]["key"] == "roller_position.lower_back"
    assert len(back["landmarks_px"]) == 33
    assert "landmarks_px" not in verdict.to_dict()


def test_summary_to_dict_is_json() -> None:
    # given a short session with one fault
    ev, _ = run(timeline(3.0, lambda t: GOOD if t < 1 else GOOD.with_(knee_deg=170)))
    # when
    data = json.loads(json.dumps(ev.summary().to_dict()))
    # then
    assert data["fault_episodes"][0]["check"] == "knees_bent"
    assert data["fault_episodes"][0]["cue"] == "Bend your knees"
    assert data["checks"]["knees_bent"]["status"] == "fault"
    assert 0 <= data["score"] <= 100
