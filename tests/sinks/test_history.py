"""The session history: written by live runs, read by ``formcheck history``; a damaged or
locked database is one clear line and never blocks a session."""

from __future__ import annotations

import sqlite3
import subprocess
from datetime import date, datetime, timedelta, timezone
from pathlib import Path

import pytest

from formcheck.frontends.history import render_history
from formcheck.sinks.document import SummaryDocument
from formcheck.sinks.history import (
    HistoryError,
    good_form_trend,
    load_sessions,
    save_session,
    sessions_per_week,
)
from formcheck.vocabulary import CheckId
from tests.cli.helpers import FORMCHECK
from tests.sinks.helpers import summary_with

# The command line, as a user runs it.


def cli(*args: str, env: dict[str, str] | None = None,
        timeout: float = 120) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FORMCHECK, *args], capture_output=True,
                          text=True, env=env, timeout=timeout, check=False)


def _summary(duration: float, good: float, score: int | None) -> SummaryDocument:
    return summary_with(score, {CheckId.KNEES_BENT: 0.9, CheckId.FEET_FLAT: None},
                        duration_s=duration, rolling_s=duration * 0.8, good_form_s=good)


T0 = datetime(2026, 11, 2, 18, 30, tzinfo=timezone(timedelta(hours=1)))


def test_sessions_written_are_read_back(tmp_path: Path) -> None:
    # given: three sessions over two weeks
    db = tmp_path / "history.sqlite"
    ids = [
        save_session(_summary(600, 300, 60), T0, tmp_path / "a" / "summary.json", db),
        save_session(_summary(720, 504, 75), T0 + timedelta(days=2), None, db),
        save_session(_summary(660, 594, 88), T0 + timedelta(days=8), None, db),
    ]
    # when
    rows = load_sessions(db)
    # then
    assert [r.id for r in rows] == ids
    assert rows[0].started_at == T0 and rows[0].score == 60
    assert rows[0].checks == {"knees_bent": 0.9, "feet_flat": None}
    assert rows[0].summary_path == str(tmp_path / "a" / "summary.json")
    assert rows[1].good_form_fraction == pytest.approx(0.7)
    weeks = sessions_per_week(rows, 3, today=date(2026, 11, 12))
    assert weeks == [(date(2026, 10, 26), 0), (date(2026, 11, 2), 2), (date(2026, 11, 9), 1)]
    trend = good_form_trend(rows)
    assert trend is not None and trend[0] == pytest.approx(0.5) and trend[1] == pytest.approx(0.9)
    text = render_history(rows, 3, db, today=date(2026, 11, 12))
    assert "2026-11-02 18:30" in text and "target 2-3" in text and "on target" in text
    assert "up 40 points" in text


def test_no_history_yet(tmp_path: Path) -> None:
    assert load_sessions(tmp_path / "none.sqlite") == []
    assert "No sessions yet" in render_history([], 4, tmp_path / "none.sqlite")


def test_history_command_reads_previous_runs(tmp_path: Path) -> None:
    # given: sessions saved by earlier runs in the data folder
    data = tmp_path / "data"
    save_session(_summary(600, 420, 70), datetime.now().astimezone(), None,
                 data / "history.sqlite")
    env = {**_env(), "FORMCHECK_DATA_DIR": str(data)}
    # when
    result = cli("history", "--weeks", "2", env=env)
    # then
    assert result.returncode == 0, result.stderr
    assert "Past sessions (1)" in result.stdout and "70%" in result.stdout
    # the score and the time in good form side by side, each said what it is
    assert "good form: the share of the session with checks judged and none at fault" in (
        " ".join(result.stdout.split()))


def test_corrupt_database_is_one_clear_line(tmp_path: Path) -> None:
    # given: a history file that is not a database
    data = tmp_path / "data"
    data.mkdir()
    (data / "history.sqlite").write_bytes(b"this is not a database at all" * 100)
    with pytest.raises(HistoryError, match="damaged"):
        load_sessions(data / "history.sqlite")
    with pytest.raises(HistoryError, match="damaged"):
        save_session(_summary(600, 300, 60), T0, None, data / "history.sqlite")
    # when: formcheck history reads it
    result = cli("history", env={**_env(), "FORMCHECK_DATA_DIR": str(data)})
    # then: exit 1, one line saying what to do
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: ") and "damaged" in lines[0]
    assert "move the file aside" in lines[0]


def test_locked_database_raises_quickly(tmp_path: Path) -> None:
    # given: another connection holds an exclusive lock
    db = tmp_path / "history.sqlite"
    save_session(_summary(600, 300, 60), T0, None, db)
    holder = sqlite3.connect(str(db))
    holder.execute("BEGIN EXCLUSIVE")
    try:
        t0 = datetime.now()
        with pytest.raises(HistoryError, match="locked"):
            save_session(_summary(600, 300, 60), T0, None, db)
        assert (datetime.now() - t0).total_seconds() < 5
    finally:
        holder.rollback()
        holder.close()
    assert len(load_sessions(db)) == 1


def _env() -> dict[str, str]:
    import os

    return {k: v for k, v in os.environ.items() if k != "DISPLAY"}


def test_a_data_folder_that_is_a_file_is_one_clear_line(tmp_path: Path) -> None:
    # given: $FORMCHECK_DATA_DIR naming a file
    not_a_folder = tmp_path / "data"
    not_a_folder.write_text("mine\n")
    # when
    result = cli("history", env={**_env(), "FORMCHECK_DATA_DIR": str(not_a_folder)})
    # then: exit 1, one line saying so (it read "No sessions yet" before), the file as it was
    assert result.returncode == 1
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and "names" in lines[0] and "which is not a folder" in lines[0]
    assert not_a_folder.read_text() == "mine\n"
