"""The real pose model from the head end: a roller across the back stays across.

From the head end near the floor the model draws the far shoulder and hip onto the near
ones, so the left-right axis's image came out far too short and a roller across the back
looked too long for it: it was read along the spine, a false fault on good form, in 27
of 32 frames of the tuning clip 901 with the roller given exactly. The axis is now turned
to the corrected azimuth (``BodyView.seen_lateral``) before the roller is read against it.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import judge_shot, observe_shot

pytestmark = [pytest.mark.model]


def test_a_roller_across_seen_from_the_head_end_is_never_read_along(model_path: Path) -> None:
    shot = next(s for s in dataset.load(split="tuning") if s.name == "tuni-clip-901-session")
    assert shot.row["camera"]["end"] == "head" and shot.camera_bin == "oblique"
    results = judge_shot(shot, observe_shot(shot, model_path, (), mirrored=False), detector="truth")
    across = [r for r in results if r.truth["roller"].get("orientation") == "across"]
    assert len(across) >= 30
    faults = [r.truth["frame"] for r in across if r.frame_status["roller_across_back"] == "fault"]
    judged = sum(r.frame_status["roller_across_back"] != "unknown" for r in across)
    print(f"clip 901: {judged} of {len(across)} frames judged, {len(faults)} read along")
    assert not faults
