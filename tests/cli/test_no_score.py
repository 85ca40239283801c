"""A clip without a score says so in words, never ``score None`` (docs/bad-inputs.md,
4d): ``grade``'s line per clip where stderr is not a terminal, and ``analyze``'s."""

from __future__ import annotations

import pytest

from formcheck.cli.grade import _say_row
from formcheck.frontends.grade_rows import GradeRow
from formcheck.vocabulary import score_text


def test_score_text() -> None:
    assert score_text(86) == "score 86"
    assert score_text(None).startswith("no score (no check was judged for 10%")


def test_grades_line_for_a_clip_without_a_score(capsys: pytest.CaptureFixture[str]) -> None:
    # given: a graded clip where no check was judged long enough
    row: GradeRow = {"file": "clips/sit-up.mp4", "status": "graded", "score": None,
                     "error": None, "index": 0}
    # when
    _say_row(row)
    # then
    err = capsys.readouterr().err
    assert err.startswith("graded clips/sit-up.mp4: no score (") and "None" not in err
