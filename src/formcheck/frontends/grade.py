"""``formcheck grade``: grade many clips, on this machine or on a Ray cluster.

    formcheck grade INPUTS... [--csv FILE] [--json FILE] [--workers N] [--fail-under SCORE]
                    [--resume] [--out DIR] [--engine local|ray] [--address ADDR] [--timeout S]

Each input is analysed as by ``formcheck analyze`` and condensed into one row: status
(``graded``, or ``error`` with the reason), score 0-100, each check's overall status and
ok fraction, seconds with the roller per zone, number of fault episodes, duration.

Decisions, and why:
- Inputs: files, folders (searched recursively for the suffixes formcheck reads,
  :data:`formcheck.source.MEDIA_SUFFIXES`; other files in folders are ignored) and
  globs (``**`` allowed). De-duplicated by resolved path, sorted. A file named
  explicitly is always attempted, whatever its suffix, so a text file named ``.mp4``
  becomes an error row rather than silently vanishing. Nothing matched at all is a
  usage error.
- Without ``--out`` each clip's analyze outputs go to a temporary folder that is
  deleted, and no annotated video is written: a grade needs only the summary, and the
  overlay and H.264 encoding are a fifth to a third of the work. ``--out DIR`` keeps
  ``frames.jsonl``, ``summary.json`` and ``report.html`` per clip in ``DIR/<stem>/``
  (``--video`` adds ``annotated.mp4``).
- The CSV and JSON are rewritten whole (to a temporary file, renamed into place) after
  every finished clip, so a killed batch keeps every finished row and a reader never
  sees half a file. ``--resume`` reads them back (both, where both are given: a run
  killed between the two writes leaves the CSV a clip ahead) and skips every input
  already graded whose resolved path, size and modification time are unchanged; error
  rows are attempted again (a timeout may not recur).
- Time limit per clip: ``--timeout S`` or, by default, ``max(120 s, 4 x the clip's
  duration)``; a clip that hangs or crashes its worker becomes an error row and the
  batch goes on (see :mod:`formcheck.frontends.grade_engines`).
- Exit codes: 0 every input graded (and, with ``--fail-under``, every score at or above
  it); 1 some graded clip below ``--fail-under`` (a clip without a score, where too
  little could be judged, counts as below: a gate passes only on evidence); 2 a usage
  error; 3 some inputs could not be graded (this wins over 1: the batch is incomplete).
"""

from __future__ import annotations

import csv
import glob
import json
import math
import os
import signal
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType
from typing import Any, TypedDict, cast

from formcheck.errors import OutputError, UsageError
from formcheck.frontends.choices import DEFAULT_FPS, EngineName
from formcheck.frontends.grade_engines import (
    ClipFn,
    ClipJob,
    ClipSettings,
    Engine,
    LocalEngine,
    RayEngine,
    default_workers,
    grade_clip,
    import_ray,
)
from formcheck.frontends.grade_rows import (
    CHECK_IDS,
    CSV_COLUMNS,
    GradeRow,
    csv_row,
    resume_key,
    row_from_csv,
)
from formcheck.source import MEDIA_SUFFIXES
from formcheck.vocabulary import NO_SCORE_NOTHING_JUDGED, score_text

JSON_SCHEMA = "formcheck.grade"
JSON_SCHEMA_VERSION = "1.0"

EXIT_OK, EXIT_BELOW, EXIT_USAGE, EXIT_ERRORS = 0, 1, 2, 3


@dataclass(frozen=True)
class GradeOptions:
    """How to grade a batch.

    Attributes:
        model: the pose bundle.
        csv: CSV file written as clips finish (None: none).
        json: JSON file written as clips finish (None: none).
        workers: parallel clips (None: :func:`default_workers` locally, the cluster's
            CPUs on Ray).
        fail_under: scores below this (0-100) give exit code 1.
        resume: skip inputs already graded in the existing CSV/JSON.
        out: keep each clip's analyze outputs in ``out/<stem>/`` (None: discard).
        keep_video: with ``out``, also write the annotated video.
        engine: ``local`` or ``ray``.
        address: the Ray cluster address (None: ``$RAY_ADDRESS`` or a local instance).
        timeout_s: per-clip time limit, s (None: ``max(120, 4 x duration)``).
        fps: analysis rate, frames/s (None: every frame).
        config: evaluator configuration (``EvaluatorConfig``; None: defaults).
        config_path: where it came from.
        roller_color: roller colour hint.
        progress: show the rich progress display on stderr.
    """

    model: Path
    csv: Path | None = None
    json: Path | None = None
    workers: int | None = None
    fail_under: float | None = None
    resume: bool = False
    out: Path | None = None
    keep_video: bool = False
    engine: EngineName = EngineName.LOCAL
    address: str | None = None
    timeout_s: float | None = None
    fps: float | None = DEFAULT_FPS
    config: Any = None
    config_path: Path | None = None
    roller_color: str | None = None
    progress: bool = True


@dataclass
class GradeReport:
    """What a batch produced: one row per input (resumed rows included), input order."""

    rows: list[GradeRow]
    engine: str
    workers: int
    fail_under: float | None
    wall_s: float = 0.0
    extra_rows: list[GradeRow] = field(default_factory=list)

    @property
    def graded(self) -> list[GradeRow]:
        """Rows graded (this run or a resumed one)."""
        return [r for r in self.rows if r["status"] == "graded"]

    @property
    def errors(self) -> list[GradeRow]:
        """Rows that could not be graded."""
        return [r for r in self.rows if r["status"] == "error"]

    @property
    def skipped(self) -> list[GradeRow]:
        """Rows carried over from the previous run by ``--resume``."""
        return [r for r in self.rows if r.get("resumed")]

    @property
    def below(self) -> list[GradeRow]:
        """Graded rows below ``fail_under`` (an unscored clip counts as below)."""
        if self.fail_under is None:
            return []
        fail_under = self.fail_under
        return [r for r in self.graded
                if (score := r.get("score")) is None or score < fail_under]

    @property
    def exit_code(self) -> int:
        """3 if any input could not be graded, else 1 if any is below, else 0."""
        if self.errors:
            return EXIT_ERRORS
        if self.below:
            return EXIT_BELOW
        return EXIT_OK


# --------------------------------------------------------------------------- inputs


def _is_glob(text: str) -> bool:
    return any(ch in text for ch in "*?[")


def _walk(folder: Path) -> Iterator[Path]:
    for root, dirs, files in os.walk(folder):
        dirs[:] = [d for d in dirs if not d.startswith(".")]
        for name in files:
            if Path(name).suffix.lower() in MEDIA_SUFFIXES:
                yield Path(root) / name


def discover_inputs(inputs: list[str]) -> list[Path]:
    """Expand files, folders and globs into the clips to grade (see the module docs).

    Raises:
        UsageError: nothing matched.
    """
    found: dict[Path, Path] = {}

    def add(p: Path) -> None:
        found.setdefault(p.resolve(), p)

    for text in inputs:
        if _is_glob(text) and not Path(text).exists():
            for match in glob.glob(text, recursive=True):
                m = Path(match)
                if m.is_dir():
                    for f in _walk(m):
                        add(f)
                elif m.suffix.lower() in MEDIA_SUFFIXES:
                    add(m)
            continue
        p = Path(text).expanduser()
        if p.is_dir():
            for f in _walk(p):
                add(f)
        else:
            add(p)  # named explicitly: always attempted (missing: an error row)
    if not found:
        folders = [t for t in inputs if Path(t).expanduser().is_dir()]
        if folders and len(folders) == len(inputs):
            raise UsageError(f"no video or photo files in {' '.join(folders)} (or the folders "
                             f"under it); formcheck reads {', '.join(sorted(MEDIA_SUFFIXES))}")
        raise UsageError(f"no inputs matched {' '.join(inputs) or '(none given)'}; "
                         "give video or photo files, folders or globs")
    return sorted(found.values(), key=lambda p: (str(p), p))


def _identity(path: Path) -> Identity:
    """Resolved path, size and mtime: what ``--resume`` matches on."""
    resolved = path.resolve()
    try:
        st = resolved.stat()
        return {"path": str(resolved), "size": st.st_size, "mtime_ns": st.st_mtime_ns}
    except OSError:
        return {"path": str(resolved), "size": None, "mtime_ns": None}


class Identity(TypedDict):
    """What ``--resume`` matches an input on: its resolved path, size and mtime."""

    path: str
    size: int | None
    mtime_ns: int | None


# --------------------------------------------------------------------------- outputs


def write_csv(path: Path, rows: list[GradeRow]) -> None:
    """Write ``rows`` to ``path`` atomically."""
    from formcheck.sinks.atomic import atomic_path, reported_as

    with reported_as(path, "--csv"), atomic_path(path) as tmp:
        with tmp.open("w", newline="", encoding="utf-8") as fh:
            writer = csv.DictWriter(fh, fieldnames=CSV_COLUMNS)
            writer.writeheader()
            for row in rows:
                writer.writerow(csv_row(row))


def write_json(path: Path, doc: dict[str, Any]) -> None:
    """Write ``doc`` to ``path`` atomically."""
    from formcheck.sinks.atomic import atomic_text, reported_as

    with reported_as(path, "--json"), atomic_text(path) as fh:
        json.dump(doc, fh, indent=1)
        fh.write("\n")


def load_previous(csv_path: Path | None, json_path: Path | None) -> list[GradeRow]:
    """The rows of an earlier run, one per file: the JSON's, and the CSV's where it holds
    another row for a file than the JSON (or the JSON none).

    The CSV is written before the JSON after each clip, so a run stopped between the two
    writes leaves the CSV one clip ahead: where they differ, the CSV's row is the newer.
    Where they agree, the JSON's is kept (it carries the clip's summary, the CSV only
    its cells).
    """
    from_json = _previous_json(json_path) if json_path is not None else []
    from_csv = _previous_csv(csv_path) if csv_path is not None else []
    rows = {_file_key(r): r for r in from_json}
    for row in from_csv:
        key = _file_key(row)
        known = rows.get(key)
        if (known is None or resume_key(known) != resume_key(row)
                or known.get("status") != row.get("status")):
            rows[key] = row
    return list(rows.values())


def _file_key(row: GradeRow) -> str:
    """The file a row is of: its resolved path (as written), else its file name."""
    return str(row.get("path") or row.get("file"))


def _previous_json(path: Path) -> list[GradeRow]:
    """The rows of an earlier run's JSON; none if it is missing or unreadable."""
    if not path.is_file():
        return []
    try:
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return []
    rows = doc.get("rows") if isinstance(doc, dict) else None
    if not isinstance(rows, list):
        return []
    # rows as they were written (a GradeRow each), kept as they are
    return [cast(GradeRow, r) for r in rows if isinstance(r, dict) and "file" in r]


def _previous_csv(path: Path) -> list[GradeRow]:
    """The rows of an earlier run's CSV; none if it is missing or unreadable."""
    if not path.is_file():
        return []
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:
            return [row_from_csv(c) for c in csv.DictReader(fh)
                    if c.get("file") and c.get("status")]
    except (OSError, ValueError, KeyError, csv.Error):
        return []


def _is_grade_csv(path: Path) -> bool:
    """Whether ``path`` is a CSV this command wrote (its header starts as ours does: a
    damaged one still counts, as ``--resume`` reads past it)."""
    try:
        with path.open(newline="", encoding="utf-8-sig") as fh:  # a spreadsheet adds a BOM
            header = next(csv.reader(fh), [])
    except (OSError, ValueError, csv.Error):
        return False
    return header[:2] == list(CSV_COLUMNS[:2])


def _is_grade_json(path: Path) -> bool:
    """Whether ``path`` is a JSON this command wrote (its ``schema``)."""
    try:
        with path.open("rb") as fh:
            if not fh.read(64).lstrip().startswith(b"{"):
                return False  # not JSON at all (a clip named by mistake): not read whole
        doc = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return False
    return isinstance(doc, dict) and doc.get("schema") == JSON_SCHEMA


def _sort_worst_first(rows: list[GradeRow]) -> list[GradeRow]:
    def key(r: GradeRow) -> tuple[int, float, str]:
        if r["status"] != "graded":
            return (0, 0.0, r["file"])
        score = r.get("score")
        return (1, -1.0 if score is None else float(score), r["file"])

    return sorted(rows, key=key)


def reason(row: GradeRow) -> str:
    """A row's error without the leading ``<file>: `` (the file is shown beside it)."""
    error = str(row.get("error") or "")
    prefix = f"{row['file']}: "
    return error[len(prefix):] if error.startswith(prefix) else error


SHORT = {"knees_bent": "knees", "feet_flat": "feet", "roller_position": "pos",
         "roller_across_back": "across", "rolling_speed": "speed",
         "head_supported": "head", "hip_height": "hips"}
"""Column headers of the checks in the table."""


def shorten_left(name: str, width: int) -> str:
    """``name`` cut from the left to ``width`` characters (an ellipsis first), so the
    file name, the part that tells clips apart, stays."""
    return name if len(name) <= width else "\u2026" + name[len(name) - width + 1:]


FILE_MIN = 12
"""The file column's least width, characters."""


def render_table(report: GradeReport, width: int = 80) -> Any:
    """The final table (a ``rich.console.Group``: the table, worst first, then the
    reason of every error row), fitting ``width`` columns (characters): file names are
    shortened from the left (the CSV and JSON keep the full path)."""
    from rich import box
    from rich.console import Group
    from rich.markup import escape
    from rich.table import Table
    from rich.text import Text

    marks = {"ok": "[green]ok[/]", "fault": "[bold red]x[/]", "unknown": "[dim]?[/]"}
    table = Table(title=f"formcheck grade: {len(report.graded)} graded, "
                        f"{len(report.errors)} could not be graded", title_justify="left",
                  box=box.SIMPLE_HEAD, show_edge=False, pad_edge=False, padding=(0, 0))
    # every column but the file's: its widest text and the one space between columns
    score_w = len(f"100 ({len(CHECK_IDS)}/{len(CHECK_IDS)})")
    fixed = score_w + sum(max(len(SHORT[c]), 2) for c in CHECK_IDS) + len("faults")
    fixed += len("9999.9") + len(CHECK_IDS) + 3
    file_width = max(FILE_MIN, width - fixed)
    table.add_column("file", no_wrap=True, overflow="ellipsis", max_width=file_width)
    table.add_column("score", justify="right", no_wrap=True, min_width=score_w)
    for c in CHECK_IDS:
        table.add_column(SHORT[c], justify="center", no_wrap=True, min_width=len(SHORT[c]))
    table.add_column("faults", justify="right", no_wrap=True, min_width=len("faults"))
    table.add_column("s", justify="right", no_wrap=True, min_width=len("9999.9"))
    reasons: list[Text] = []
    partial = False
    for r in _sort_worst_first(report.rows):
        if r["status"] != "graded":
            table.add_row(escape(shorten_left(r["file"], file_width)), "[red]error[/]",
                          *([""] * len(CHECK_IDS)), "", "")
            reasons.append(Text.from_markup(f"[red]error[/] {escape(r['file'])}: "
                                            f"{escape(reason(r))}"))
            continue
        checks: dict[str, Any] = dict(r.get("checks") or {})
        score = r.get("score")
        below = report.fail_under is not None and (score is None or score < report.fail_under)
        shown = "-" if score is None else str(score)
        known = sum((checks.get(c) or {}).get("status") in ("ok", "fault") for c in CHECK_IDS)
        if score is None:
            reasons.append(Text.from_markup(
                f"[dim]no score[/] {escape(r['file'])}: "
                f"{escape(r.get('score_reason') or NO_SCORE_NOTHING_JUDGED)}"))
        elif known < len(CHECK_IDS):
            # a score from fewer checks is not a perfect session: say how many it rests on
            shown = f"{score} ({known}/{len(CHECK_IDS)})"
            partial = True
        if below:
            # the exit code says some clip fell short; this line says which (red is lost
            # where the table goes to a file); no score is no evidence, so it counts
            reasons.append(Text.from_markup(
                f"[red]below {report.fail_under:g}[/] {escape(r['file'])}: "
                f"{'no score' if score is None else f'score {score}'}"))
        table.add_row(
            escape(shorten_left(r["file"], file_width)),
            f"[red]{shown}[/]" if below else shown,
            *(marks.get((checks.get(c) or {}).get("status") or "", "") for c in CHECK_IDS),
            str(r.get("fault_episodes", "")), f"{r.get('duration_s') or 0:.1f}",
        )
    table.caption = "ok: good form; x: a fault; ?: unknown"
    if partial:
        table.caption += (f"; score (k/{len(CHECK_IDS)}): from the k checks with a "
                          "verdict, the others (?) unknown")
    table.caption_justify = "left"
    return Group(table, *reasons)


# --------------------------------------------------------------------------- grading


@contextmanager
def _sigterm_as_exit() -> Iterator[None]:
    """Turn SIGTERM into ``SystemExit(143)`` so the workers are stopped on the way out."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return

    def handler(signum: int, frame: FrameType | None) -> None:
        raise SystemExit(128 + signum)

    old = signal.signal(signal.SIGTERM, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGTERM, old)


def make_engine(options: GradeOptions, clip_fn: ClipFn = grade_clip) -> Engine:
    """The engine ``options`` ask for.

    Raises:
        UsageError: bad ``workers``, or Ray asked for but not installed.
    """
    if options.workers is not None and options.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {options.workers}")
    if options.engine is EngineName.RAY:
        return RayEngine(options.address, options.workers, options.timeout_s, clip_fn)
    if options.address:
        raise UsageError("--address is for --engine ray")
    return LocalEngine(options.workers or default_workers(), options.timeout_s, clip_fn)


def validate(options: GradeOptions) -> None:
    """Check the options that need no input.

    Raises:
        UsageError: a bad value, or Ray asked for but not installed.
        OutputError: --csv or --json names a file this command did not write.
    """
    if options.fail_under is not None and not 0 <= options.fail_under <= 100:
        raise UsageError(f"--fail-under must be within 0..100, got {options.fail_under:g}")
    if options.workers is not None and options.workers < 1:
        raise UsageError(f"--workers must be at least 1, got {options.workers}")
    if options.timeout_s is not None and not 0 < options.timeout_s < math.inf:
        raise UsageError(f"--timeout must be a positive number of seconds, got "
                         f"{options.timeout_s:g}")
    if options.keep_video and options.out is None:
        raise UsageError("--video keeps each clip's annotated video in --out; give --out too")
    if options.resume and options.csv is None and options.json is None:
        raise UsageError("--resume needs --csv or --json (the results to resume from)")
    if (options.csv is not None and options.json is not None
            and options.csv.resolve() == options.json.resolve()):
        raise UsageError(f"--csv and --json both name {options.csv}; give each its own file")
    from formcheck.sinks.atomic import check_out_folder

    for folder, option in ((options.out, "--out"),
                           (options.csv and options.csv.parent, "--csv"),
                           (options.json and options.json.parent, "--json")):
        if folder is not None:
            check_out_folder(folder, option)
    for path, option, ours in ((options.csv, "--csv", _is_grade_csv),
                               (options.json, "--json", _is_grade_json)):
        if path is not None and path.is_file() and path.stat().st_size and not ours(path):
            raise OutputError(f"{path}: is not a formcheck grade {option[2:].upper()} and "
                              f"would be written over; move it away or choose another "
                              f"{option} (nothing was changed)")
    if options.engine is EngineName.RAY:
        import_ray()


def grade(
    inputs: list[str],
    options: GradeOptions,
    on_row: Callable[[GradeRow], None] | None = None,
    clip_fn: ClipFn = grade_clip,
) -> GradeReport:
    """Grade every clip ``inputs`` name; write the CSV/JSON as each finishes.

    Args:
        inputs: files, folders and globs.
        options: how (see :class:`GradeOptions`).
        on_row: called with each row as its clip finishes (not for resumed rows).
        clip_fn: the per-clip function (tests substitute one that crashes or hangs).

    Returns:
        The report; its ``exit_code`` is the command's.

    Raises:
        UsageError: see :func:`validate` and :func:`discover_inputs`.
        OutputError: the CSV/JSON cannot be written.
    """
    from formcheck.ui import say

    t0 = time.perf_counter()
    validate(options)
    paths = discover_inputs(inputs)
    engine = make_engine(options, clip_fn)
    from formcheck.sinks.atomic import check_not_input

    for target in (options.csv, options.json):
        if target is not None:
            check_not_input(target, paths)

    previous = load_previous(options.csv, options.json) if options.resume else []
    idents = [_identity(p) for p in paths]
    rows, jobs = _plan(paths, idents, previous, options)
    # rows of the earlier run for inputs not in this batch are kept, after ours
    ours = {ident["path"] for ident in idents}
    extra = [r for r in previous if str(r.get("path")) not in ours]

    report = GradeReport([], engine.name, engine.workers, options.fail_under)

    def snapshot(complete: bool) -> None:
        report.rows = sorted(rows.values(), key=lambda r: r["index"])
        report.extra_rows = extra
        every = [*report.rows, *extra]
        if options.csv is not None:
            write_csv(options.csv, every)
        if options.json is not None:
            write_json(options.json, _json_doc(report, every, len(paths), complete))

    if options.resume:
        say(f"--resume: skipping {len(rows)} clip(s) already graded, "
            f"{len(jobs)} to grade")
    snapshot(complete=not jobs)

    with _progress(options.progress, len(paths), len(rows)) as (started, finished):
        def on_start(job: ClipJob) -> None:
            started(job.file)

        def on_done(row: GradeRow) -> None:
            ident = idents[row["index"]]
            full: GradeRow = {**row, **ident, "resumed": False}
            rows[ident["path"]] = full
            snapshot(complete=len(rows) == len(paths))
            finished(full)
            if on_row is not None:
                on_row(full)

        with _sigterm_as_exit():
            engine.run(jobs, on_start, on_done)
    report.workers = engine.workers
    report.wall_s = time.perf_counter() - t0
    snapshot(complete=True)
    return report


def _plan(
    paths: list[Path], idents: list[Identity], previous: list[GradeRow],
    options: GradeOptions,
) -> tuple[dict[str, GradeRow], list[ClipJob]]:
    """The rows resumed from an earlier run (by resolved path) and the jobs left to do."""
    settings = ClipSettings(
        model=options.model, fps=options.fps, config=options.config,
        config_path=options.config_path, roller_color=options.roller_color,
        keep_video=options.keep_video,
    )
    out_dirs: list[Path | None] = [None] * len(paths)
    if options.out is not None:
        from formcheck.frontends.analyze import output_dir_for

        taken: set[Path] = set()
        out_dirs = [output_dir_for(p, options.out, taken) for p in paths]
    done_before = {resume_key(r): r for r in previous if r.get("status") == "graded"}
    rows: dict[str, GradeRow] = {}
    jobs: list[ClipJob] = []
    for i, (p, ident, out_dir) in enumerate(zip(paths, idents, out_dirs, strict=True)):
        prev = done_before.get((ident["path"], ident["size"], ident["mtime_ns"]))
        if prev is not None:
            rows[ident["path"]] = {**prev, "file": str(p), "index": i, "resumed": True}
        else:
            jobs.append(ClipJob(i, str(p), out_dir, settings))
    return rows, jobs


def _json_doc(report: GradeReport, rows: list[GradeRow], inputs: int,
              complete: bool) -> dict[str, Any]:
    from formcheck import __version__

    return {
        "schema": JSON_SCHEMA,
        "schema_version": JSON_SCHEMA_VERSION,
        "formcheck_version": __version__,
        "engine": report.engine,
        "workers": report.workers,
        "fail_under": report.fail_under,
        "complete": complete,
        "counts": {
            "inputs": inputs,
            "graded": len(report.graded),
            "errors": len(report.errors),
            "skipped": len(report.skipped),
            "pending": inputs - len(report.rows),
            "below_fail_under": len(report.below),
        },
        "csv_columns": list(CSV_COLUMNS),
        "rows": rows,
    }


Started = Callable[[str], None]
Finished = Callable[[GradeRow], None]


@contextmanager
def _progress(enabled: bool, total: int, already: int) -> Iterator[tuple[Started, Finished]]:
    """A rich progress display on stderr: a bar across clips, a line per finished clip."""
    if not enabled:
        yield (lambda f: None), (lambda r: None)
        return
    from rich.console import Console
    from rich.markup import escape
    from rich.progress import (
        BarColumn,
        MofNCompleteColumn,
        Progress,
        TextColumn,
        TimeElapsedColumn,
        TimeRemainingColumn,
    )

    console = Console(stderr=True)
    running: list[str] = []
    with Progress(
        TextColumn("grade"), BarColumn(), MofNCompleteColumn(), TimeElapsedColumn(),
        TimeRemainingColumn(), TextColumn("{task.description}"), console=console,
    ) as bar:
        task = bar.add_task("", total=total, completed=already)

        def describe() -> None:
            names = ", ".join(Path(f).name for f in running[:3])
            more = f" +{len(running) - 3}" if len(running) > 3 else ""
            bar.update(task, description=escape(names + more))

        def started(file: str) -> None:
            running.append(file)
            describe()

        def finished(row: GradeRow) -> None:
            if row["file"] in running:
                running.remove(row["file"])
            if row["status"] == "graded":
                text = score_text(row.get("score"), row.get("score_reason"))
                bar.console.print(f"[green]graded[/] {escape(row['file'])}: {escape(text)}")
            else:
                bar.console.print(f"[red]error[/]  {escape(row['file'])}: {escape(reason(row))}")
            bar.advance(task)
            describe()

        yield started, finished
