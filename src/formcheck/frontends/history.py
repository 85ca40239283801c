"""``formcheck history``: past live sessions, sessions per week against the 2-3 target,
and how the time in good form changes.

Reads the history database of :mod:`formcheck.sinks.history`; a damaged or locked one
is one clear line and exit 1.
"""

from __future__ import annotations

import io
from datetime import date
from pathlib import Path

from formcheck.sinks.history import (
    WEEKLY_TARGET,
    SessionRow,
    good_form_trend,
    sessions_per_week,
    sparkline,
)
from formcheck.ui import duration_text


def _pct(x: float | None) -> str:
    return "-" if x is None else f"{round(100 * x)}%"


def render_history(
    rows: list[SessionRow], weeks: int, db_path: Path, today: date | None = None,
    width: int | None = None,
) -> str:
    """The history as text (rich markup rendered to plain text)."""
    from rich.console import Console
    from rich.table import Table

    console = Console(record=True, width=width or 100, force_terminal=False,
                      color_system=None, file=io.StringIO())
    if not rows:
        console.print(f"No sessions yet ({db_path}). Run: formcheck live")
        return console.export_text()
    table = Table(title=f"Past sessions ({len(rows)})", title_justify="left")
    for col in ("date", "duration", "rolling", "score", "good form"):
        table.add_column(col, justify="left" if col == "date" else "right")
    for row in rows:
        table.add_row(
            row.started_at.strftime("%Y-%m-%d %H:%M"), duration_text(row.duration_s),
            duration_text(row.rolling_s) if row.rolling_s is not None else "-",
            str(row.score) if row.score is not None else "-", _pct(row.good_form_fraction),
        )
    # the two figures answer different questions and can sit far apart (score 89, good
    # form 31%): say which is which where they stand side by side
    table.caption = ("score: each check's share of its judged time in good form, "
                     "weighted; good form: the share of the session with checks judged "
                     "and none at fault")
    table.caption_justify = "left"
    console.print(table)
    lo, hi = WEEKLY_TARGET
    console.print(f"Sessions per week (target {lo}-{hi}):")
    for monday, n in sessions_per_week(rows, weeks, today):
        mark = "on target" if lo <= n <= hi else ("below target" if n < lo else "above target")
        console.print(f"  week of {monday:%Y-%m-%d}  {'#' * n:<6} {n}  {mark}")
    trend = good_form_trend(rows)
    spark = sparkline([r.good_form_fraction for r in rows[-30:]])
    console.print(f"Time in good form, per session: {spark}")
    if trend is None:
        console.print("Trend: needs at least two sessions")
    else:
        first, last = trend
        diff = round(100 * (last - first))
        word = "up" if diff > 0 else ("down" if diff < 0 else "unchanged")
        console.print(
            f"Trend: first sessions {_pct(first)}, latest {_pct(last)} in good form "
            f"({word}{'' if diff == 0 else f' {abs(diff)} points'})"
        )
    return console.export_text()
