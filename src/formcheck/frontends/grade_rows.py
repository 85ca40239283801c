"""``grade``'s rows: the :class:`GradeRow` type, and the CSV and JSON columns made from it.

A row is a plain dict typed by :class:`GradeRow`, so that a row read back from an
earlier run's JSON (``--resume``) is written again exactly as it was. The JSON's rows
are GradeRows; the CSV's columns are the GradeRow fields :data:`CSV_FIELDS` names,
``checks`` and ``roller_zone_s`` spread over one column per check and per zone.
"""

from __future__ import annotations

from typing import Any, TypedDict

from formcheck import vocabulary

CHECK_IDS = tuple(c.value for c in vocabulary.CHECK_IDS)
"""The check ids, in summary order."""
ZONES = tuple(z.value for z in vocabulary.Zone)


class CheckCell(TypedDict):
    """One check of a graded clip: its overall status and its ok fraction (0-1)."""

    status: str | None
    ok_fraction: float | None


class GradeRow(TypedDict, total=False):
    """One input of a batch, as the JSON's ``rows`` hold it.

    A clip graded now has every field, in this order; one that could not be graded has
    ``index, file, status ("error"), error`` and the identity (``path, size,
    mtime_ns``) and ``resumed``; a row resumed from an earlier run keeps the fields it
    had there. Times in s; ``roller_zone_s``: seconds with the roller in each zone;
    ``summary``: the score, checks, fault episodes and session of its ``summary.json``.
    """

    index: int
    file: str
    status: str
    error: str | None
    score: int | None
    score_reason: str | None
    checks: dict[str, CheckCell]
    roller_zone_s: dict[str, float | None]
    fault_episodes: int | None
    duration_s: float | None
    frames_read: int
    out_dir: str | None
    wall_s: float
    summary: dict[str, Any]
    path: str | None
    size: int | None
    mtime_ns: int | None
    resumed: bool


CSV_FIELDS: tuple[str, ...] = (
    "file", "status", "score", "error", "checks", "fault_episodes", "duration_s",
    "roller_zone_s", "path", "size", "mtime_ns", "score_reason",
)
"""The :class:`GradeRow` fields the CSV holds, in its order; the resolved path, size and
mtime are what ``--resume`` matches on; ``score_reason`` last, so that the columns that
were there before it was added keep their places."""


def _columns(field: str) -> tuple[str, ...]:
    """The CSV columns of one field: one per check (status, then ok fraction) for
    ``checks``, one per zone for ``roller_zone_s``, else the field itself."""
    if field == "checks":
        return (*CHECK_IDS, *(f"{c}_ok" for c in CHECK_IDS))
    if field == "roller_zone_s":
        return tuple(f"zone_{z}_s" for z in ZONES)
    return (field,)


CSV_COLUMNS: tuple[str, ...] = tuple(col for f in CSV_FIELDS for col in _columns(f))
"""CSV columns: ``file, status, score, error``, one column per check (its overall
status), then each check's ok fraction, fault episodes, duration, seconds per roller
zone, the resolved path, size and mtime that ``--resume`` matches on, and why there is
no score (empty where there is one)."""


def _blank(v: Any) -> Any:
    return "" if v is None else v


def _int_or_none(v: Any) -> int | None:
    if v is None or v == "":
        return None
    return int(v)


def resume_key(row: GradeRow) -> tuple[str, int | None, int | None]:
    """What ``--resume`` matches a row on: its resolved path, size and mtime."""
    return (str(row.get("path")), _int_or_none(row.get("size")),
            _int_or_none(row.get("mtime_ns")))


def csv_row(row: GradeRow) -> dict[str, Any]:
    """A row as CSV cells (:data:`CSV_COLUMNS`); empty cells for what is unknown."""
    checks = row.get("checks") or {}
    zones = row.get("roller_zone_s") or {}
    cells: dict[str, Any] = {
        "file": row["file"], "status": row["status"],
        "score": _blank(row.get("score")),
        "score_reason": row.get("score_reason") or "",
        "error": row.get("error") or "",
        "fault_episodes": _blank(row.get("fault_episodes")),
        "duration_s": _blank(row.get("duration_s")),
        "path": row.get("path", ""), "size": _blank(row.get("size")),
        "mtime_ns": _blank(row.get("mtime_ns")),
    }
    for c in CHECK_IDS:
        check: CheckCell | dict[str, Any] = checks.get(c) or {}
        cells[c] = check.get("status") or ""
        cells[f"{c}_ok"] = _blank(check.get("ok_fraction"))
    for z in ZONES:
        cells[f"zone_{z}_s"] = _blank(zones.get(z))
    return cells


def row_from_csv(cells: dict[str, str]) -> GradeRow:
    """A row read back from the CSV (its cells as text)."""

    def num(text: str | None) -> float | None:
        return None if text in (None, "") else float(text)

    score = num(cells.get("score"))
    episodes = num(cells.get("fault_episodes"))
    return {
        "file": cells["file"], "status": cells["status"],
        "score": None if score is None else int(score),
        "score_reason": cells.get("score_reason") or None,
        "error": cells.get("error") or None,
        "checks": {c: {"status": cells.get(c) or None, "ok_fraction": num(cells.get(f"{c}_ok"))}
                   for c in CHECK_IDS},
        "roller_zone_s": {z: num(cells.get(f"zone_{z}_s")) for z in ZONES},
        "fault_episodes": None if episodes is None else int(episodes),
        "duration_s": num(cells.get("duration_s")),
        "path": cells.get("path"), "size": _int_or_none(cells.get("size")),
        "mtime_ns": _int_or_none(cells.get("mtime_ns")),
    }
