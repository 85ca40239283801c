"""The history of live sessions, kept in SQLite in the user's data folder.

Where: ``$FORMCHECK_DATA_DIR/history.sqlite`` when that variable is set (tests, portable
set-ups), else ``platformdirs.user_data_dir("formcheck")/history.sqlite``. Sessions
that ``live`` writes go to ``<data dir>/sessions/<YYYY-mm-dd_HHMMSS>/`` by default.

One table, ``sessions``: id, started_at (ISO 8601 with offset), duration_s, rolling_s,
score, good_form_s, checks (JSON: check id -> ok fraction or null), summary_path.

A damaged or locked database raises :class:`HistoryError` with one line saying what
to do; callers that are finishing a session warn and carry on (the session's files are
already written), ``formcheck history`` exits 1.
"""

from __future__ import annotations

import contextlib
import json
import os
import sqlite3
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import TYPE_CHECKING

from formcheck.errors import FormcheckError

if TYPE_CHECKING:
    from formcheck.sinks.document import SummaryDocument

DATA_DIR_ENV = "FORMCHECK_DATA_DIR"
DB_NAME = "history.sqlite"
SCHEMA_VERSION = 1
LOCK_TIMEOUT_S = 1.0
WEEKLY_TARGET = (2, 3)

_SCHEMA = """
CREATE TABLE IF NOT EXISTS sessions (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    started_at TEXT NOT NULL,
    duration_s REAL NOT NULL,
    rolling_s REAL,
    score INTEGER,
    good_form_s REAL,
    checks TEXT NOT NULL DEFAULT '{}',
    summary_path TEXT
)
"""


class HistoryError(FormcheckError):
    """The history database cannot be read or written (damaged, locked, unwritable)."""


def data_dir() -> Path:
    """The user's formcheck data folder (``$FORMCHECK_DATA_DIR`` overrides).

    Raises:
        HistoryError: ``$FORMCHECK_DATA_DIR`` names something that is not a folder.
    """
    env = os.environ.get(DATA_DIR_ENV)
    if env:
        folder = Path(env).expanduser()
        if folder.exists() and not folder.is_dir():
            raise HistoryError(f"${DATA_DIR_ENV} names {folder}, which is not a folder; "
                               "point it at a folder (or unset it for the default)")
        return folder
    import platformdirs

    return Path(platformdirs.user_data_dir("formcheck"))


def default_db_path() -> Path:
    """``<data dir>/history.sqlite``."""
    return data_dir() / DB_NAME


@dataclass(frozen=True)
class SessionRow:
    """One past session."""

    id: int
    started_at: datetime
    duration_s: float
    rolling_s: float | None
    score: int | None
    good_form_s: float | None
    checks: dict[str, float | None]
    summary_path: str | None

    @property
    def good_form_fraction(self) -> float | None:
        """Share of the session in good form (None when unknown)."""
        if self.good_form_s is None or self.duration_s <= 0:
            return None
        return min(max(self.good_form_s / self.duration_s, 0.0), 1.0)


def _explain(path: Path, err: sqlite3.Error, action: str) -> HistoryError:
    text = str(err).lower()
    if "locked" in text or "busy" in text:
        return HistoryError(
            f"{path}: the history database is locked by another program; {action} "
            "(close other formcheck windows and try again)"
        )
    if isinstance(err, sqlite3.DatabaseError) and (
        "not a database" in text or "malformed" in text or "corrupt" in text
        or "no such column" in text
    ):
        return HistoryError(
            f"{path}: the history database is damaged ({err}); {action} "
            "(move the file aside and formcheck starts a new one)"
        )
    return HistoryError(f"{path}: the history database cannot be used ({err}); {action}")


@contextlib.contextmanager
def _connect(path: Path, action: str, create: bool) -> Iterator[sqlite3.Connection]:
    try:
        if create:
            path.parent.mkdir(parents=True, exist_ok=True)
        conn = sqlite3.connect(str(path), timeout=LOCK_TIMEOUT_S)
    except (OSError, sqlite3.Error) as err:
        if isinstance(err, sqlite3.Error):
            raise _explain(path, err, action) from err
        raise HistoryError(f"{path}: cannot open the history database ({err}); {action}") from err
    try:
        yield conn
    except sqlite3.Error as err:
        conn.rollback()
        raise _explain(path, err, action) from err
    finally:
        conn.close()


def save_session(
    summary: SummaryDocument,
    started_at: datetime,
    summary_path: Path | None,
    db_path: Path | None = None,
) -> int:
    """Add a session (its ``summary.json`` document) to the history; its row id.

    Raises:
        HistoryError: the database is damaged, locked (for more than a second), or
            cannot be written.
    """
    path = db_path or default_db_path()
    session = summary.session
    ok = {check.value: part.ok_fraction for check, part in summary.checks.items()}
    with _connect(path, "this session was not added to the history", create=True) as conn:
        conn.execute(_SCHEMA)
        conn.execute(f"PRAGMA user_version = {SCHEMA_VERSION}")
        cur = conn.execute(
            "INSERT INTO sessions (started_at, duration_s, rolling_s, score, good_form_s, "
            "checks, summary_path) VALUES (?, ?, ?, ?, ?, ?, ?)",
            (
                started_at.isoformat(timespec="seconds"),
                float(session.duration_s or 0.0),
                session.rolling_s,
                summary.score,
                session.good_form_s,
                json.dumps(ok, sort_keys=True),
                None if summary_path is None else str(summary_path),
            ),
        )
        conn.commit()
        return int(cur.lastrowid or 0)


def load_sessions(db_path: Path | None = None) -> list[SessionRow]:
    """Every past session, oldest first ([] when there is no history yet).

    Raises:
        HistoryError: the database is damaged or locked.
    """
    path = db_path or default_db_path()
    if not path.exists():
        return []
    rows: list[SessionRow] = []
    with _connect(path, "cannot show the history", create=False) as conn:
        have = conn.execute(
            "SELECT name FROM sqlite_master WHERE type='table' AND name='sessions'"
        ).fetchone()
        if have is None:
            return []
        for r in conn.execute(
            "SELECT id, started_at, duration_s, rolling_s, score, good_form_s, checks, "
            "summary_path FROM sessions ORDER BY started_at, id"
        ):
            try:
                started = datetime.fromisoformat(r[1])
                checks = json.loads(r[6] or "{}")
            except (TypeError, ValueError) as err:
                raise HistoryError(
                    f"{path}: the history database is damaged (session {r[0]}: {err}); "
                    "move the file aside and formcheck starts a new one"
                ) from err
            rows.append(SessionRow(
                id=int(r[0]), started_at=started, duration_s=float(r[2] or 0.0),
                rolling_s=r[3], score=r[4], good_form_s=r[5],
                checks=checks if isinstance(checks, dict) else {}, summary_path=r[7],
            ))
    return rows


def week_start(day: date) -> date:
    """The Monday of ``day``'s week."""
    return day - timedelta(days=day.weekday())


def sessions_per_week(
    rows: Sequence[SessionRow], weeks: int, today: date | None = None
) -> list[tuple[date, int]]:
    """(Monday, sessions) for the last ``weeks`` weeks, oldest first, this week last."""
    today = today or date.today()
    this_week = week_start(today)
    starts = [this_week - timedelta(weeks=k) for k in range(weeks - 1, -1, -1)]
    counts = dict.fromkeys(starts, 0)
    for row in rows:
        monday = week_start(row.started_at.date())
        if monday in counts:
            counts[monday] += 1
    return [(d, counts[d]) for d in starts]


def good_form_trend(rows: Sequence[SessionRow], n: int = 3) -> tuple[float, float] | None:
    """Mean share of time in good form of the first ``n`` and the last ``n`` sessions.

    None with fewer than two sessions that have a known share.
    """
    values = [f for f in (r.good_form_fraction for r in rows) if f is not None]
    if len(values) < 2:
        return None
    k = min(n, len(values) // 2) or 1
    first, last = values[:k], values[-k:]
    return sum(first) / len(first), sum(last) / len(last)


def sparkline(values: Sequence[float | None]) -> str:
    """Values in 0..1 as block characters ("·" where unknown)."""
    bars = "▁▂▃▄▅▆▇█"
    return "".join(
        "·" if v is None else bars[min(int(v * len(bars)), len(bars) - 1)] for v in values
    )
