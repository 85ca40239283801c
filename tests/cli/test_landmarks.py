"""``formcheck landmarks``."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from tests.cli.helpers import assert_one_clear_line, run_formcheck


@pytest.mark.model
def test_bad_inputs_each_get_one_clear_line(tmp_path: Path, model_path: Path) -> None:
    # given
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    out = tmp_path / "out.jsonl"
    cases = {
        str(tmp_path / "missing.mp4"): "no such file",
        str(text): "not a video or image",
        "7": "camera 7 cannot be opened",
    }
    for spec, fragment in cases.items():
        # when
        result = run_formcheck("landmarks", spec, "--out", str(out), "--model", str(model_path))
        # then
        assert_one_clear_line(result, fragment)
        assert not out.exists()


@pytest.mark.model
@pytest.mark.footage
def test_landmarks_writes_one_line_per_frame(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given
    out = tmp_path / "gb.jsonl"
    # when
    result = run_formcheck("landmarks", str(footage / "pexels/glute-bridge.mp4"), "--out", str(out))
    # then
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 167
    assert [r["frame"] for r in rows] == list(range(167))
    assert all(r["landmarks"] is not None and len(r["landmarks"]) == 33 for r in rows)
    assert all(len(lm) == 4 for lm in rows[0]["landmarks"])
