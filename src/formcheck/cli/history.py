"""``formcheck history``: past live sessions and how they change."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer


def history(
    weeks: Annotated[int, typer.Option("--weeks", help="Weeks of sessions-per-week to show.",
                                       min=1, max=520)] = 4,
    db: Annotated[
        Path | None,
        typer.Option("--db", help="History database (default: in the user's data folder).",
                     dir_okay=False, hidden=True),
    ] = None,
) -> None:
    """List past live sessions, sessions per week against the 2-3 target, and the trend
    of time in good form.

    The history is the file history.sqlite in the user's data folder:
    ~/.local/share/formcheck on Linux, ~/Library/Application Support/formcheck on macOS,
    %LOCALAPPDATA%\\formcheck on Windows; $FORMCHECK_DATA_DIR overrides it. Each live
    session adds one row there (its files stay in the sessions/ folder beside it).
    """
    from formcheck.frontends.history import render_history
    from formcheck.sinks.history import default_db_path, load_sessions

    path = db or default_db_path()
    rows = load_sessions(path)  # HistoryError: one line, exit 1 (formcheck.cli.root.main)
    typer.echo(render_history(rows, weeks, path), nl=False)
