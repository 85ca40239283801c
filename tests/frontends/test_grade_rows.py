"""``grade``'s rows: the CSV's columns come from the GradeRow type, and a row read back
from the CSV is the row that was written."""

from __future__ import annotations

from collections.abc import Mapping

from formcheck.frontends.grade_rows import (
    CHECK_IDS,
    CSV_COLUMNS,
    CSV_FIELDS,
    ZONES,
    GradeRow,
    csv_row,
    row_from_csv,
)


def _graded() -> GradeRow:
    return {
        "index": 0, "file": "a.mp4", "status": "graded", "error": None, "score": 71,
        "score_reason": None,
        "checks": {c: {"status": "ok", "ok_fraction": 0.5} for c in CHECK_IDS},
        "roller_zone_s": dict.fromkeys(ZONES, 1.25), "fault_episodes": 2,
        "duration_s": 9.5, "frames_read": 30, "out_dir": None, "wall_s": 1.0,
        "summary": {}, "path": "/x/a.mp4", "size": 10, "mtime_ns": 5, "resumed": False,
    }


def test_the_csv_holds_grade_row_fields_only() -> None:
    assert set(CSV_FIELDS) <= set(GradeRow.__annotations__)
    # every field spread over its columns, in order, and nothing else
    assert CSV_COLUMNS[:4] == ("file", "status", "score", "error")
    assert CSV_COLUMNS[4:4 + 2 * len(CHECK_IDS)] == (
        *CHECK_IDS, *(f"{c}_ok" for c in CHECK_IDS))
    assert CSV_COLUMNS[-4:] == ("path", "size", "mtime_ns", "score_reason")


def test_cells_cover_every_column_for_graded_and_error_rows() -> None:
    error: GradeRow = {"index": 1, "file": "b.mp4", "status": "error", "error": "b.mp4: bad",
                       "path": "/x/b.mp4", "size": 0, "mtime_ns": 7, "resumed": False}
    for row in (_graded(), error):
        assert set(csv_row(row)) == set(CSV_COLUMNS)
    assert csv_row(error)["score"] == "" and csv_row(error)[f"{CHECK_IDS[0]}_ok"] == ""


def test_a_row_read_back_from_the_csv_is_the_row_written() -> None:
    row = _graded()
    cells = {k: str(v) for k, v in csv_row(row).items()}  # as csv.DictReader gives them
    # a TypedDict is a Mapping[str, object]: index both by the field names CSV_FIELDS holds
    back: Mapping[str, object] = row_from_csv(cells)
    written: Mapping[str, object] = row
    for field in CSV_FIELDS:
        assert back[field] == written[field], field
