"""``formcheck grade`` without the model: inputs, options, outputs, resume, exit codes.

The engine runs real spawned workers here, with a stand-in per-clip function
(:func:`fake_clip`), so these tests need neither the model nor video decoding.
"""

from __future__ import annotations

import csv
import json
import os
import signal
import sys
import time
from pathlib import Path
from typing import Any, cast

import pytest

from formcheck.errors import OutputError, UsageError
from formcheck.frontends import grade as g
from formcheck.frontends.choices import EngineName
from formcheck.frontends.grade_engines import (
    ClipJob,
    LocalEngine,
    clip_timeout,
    default_workers,
    error_row,
    row_from_summary,
)
from formcheck.frontends.grade_rows import CSV_COLUMNS, GradeRow
from formcheck.sinks.document import EpisodePart
from formcheck.vocabulary import CheckId, CueKey, Status, Zone
from tests.sinks.helpers import summary_with


def fake_clip(job: ClipJob) -> GradeRow:
    """Stand-in for :func:`grade_clip`: behaviour chosen by the file's name.

    ``crash*`` exits the worker, ``segv*`` kills it with SIGSEGV, ``hang*`` sleeps for
    ever, ``bad*`` is an input error, anything else scores ``len(stem) * 10``.
    """
    stem = Path(job.file).stem
    if stem.startswith("crash"):
        os._exit(3)
    if stem.startswith("segv"):
        os.kill(os.getpid(), signal.SIGSEGV)
    if stem.startswith("hang"):
        time.sleep(3600)
    if stem.startswith("bad"):
        return error_row(job, f"{job.file}: not a video")
    doc = summary_with(min(100, len(stem) * 10), duration_s=2.0)
    checks = {CheckId.KNEES_BENT: doc.checks[CheckId.KNEES_BENT].model_copy(
                  update={"status": Status.OK, "ok_fraction": 1.0}),
              CheckId.FEET_FLAT: doc.checks[CheckId.FEET_FLAT].model_copy(
                  update={"status": Status.FAULT, "ok_fraction": 0.25})}
    episode = EpisodePart(check=CheckId.FEET_FLAT, start_s=0.0, end_s=1.0, cue="",
                          key=CueKey.FEET_FLAT)
    roller = doc.roller.model_copy(update={"zone_s": {
        Zone.NECK: 0.0, Zone.SHOULDER_BLADES: 1.5, Zone.LOWER_BACK: 0.0}})
    summary = doc.model_copy(update={"checks": checks, "fault_episodes": [episode],
                                     "roller": roller})
    return row_from_summary(job, summary, 30, 0.01)


def _touch(folder: Path, *names: str) -> list[Path]:
    paths = []
    for name in names:
        p = folder / name
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_bytes(b"x" * 10)
        paths.append(p)
    return paths


def _options(tmp_path: Path, **kw: Any) -> g.GradeOptions:
    base: dict[str, Any] = {"model": tmp_path / "model.task", "csv": tmp_path / "out.csv",
                            "json": tmp_path / "out.json", "workers": 2, "progress": False}
    base.update(kw)
    return g.GradeOptions(**base)


# ------------------------------------------------------------------ inputs


def test_discover_folders_globs_and_explicit_files(tmp_path: Path) -> None:
    # given
    _touch(tmp_path, "a/one.mp4", "a/deep/two.MOV", "a/photo.jpg", "a/notes.txt",
           "a/.hidden/three.mp4", "b/four.webm", "odd.dat")
    # when
    found = g.discover_inputs([str(tmp_path / "a"), str(tmp_path / "b" / "*.webm"),
                               str(tmp_path / "odd.dat"), str(tmp_path / "a" / "one.mp4")])
    # then: folder recursion by suffix, glob, explicit file whatever its suffix, deduped
    names = [p.relative_to(tmp_path).as_posix() for p in found]
    assert names == sorted(names)
    assert set(names) == {"a/one.mp4", "a/deep/two.MOV", "a/photo.jpg", "b/four.webm",
                          "odd.dat"}


def test_recursive_glob_and_missing_explicit_file(tmp_path: Path) -> None:
    _touch(tmp_path, "x/y/z.mkv", "x/w.avi")
    found = g.discover_inputs([str(tmp_path / "**" / "*.mkv"), str(tmp_path / "gone.mp4")])
    assert sorted(p.name for p in found) == ["gone.mp4", "z.mkv"]


def test_nothing_matched_is_a_usage_error(tmp_path: Path) -> None:
    (tmp_path / "empty").mkdir()
    with pytest.raises(UsageError, match="no inputs matched"):
        g.discover_inputs([str(tmp_path / "empty"), str(tmp_path / "*.mp4")])


@pytest.mark.parametrize(
    ("kw", "message"),
    [
        ({"fail_under": 101}, "--fail-under must be within 0..100"),
        ({"fail_under": -1}, "--fail-under must be within 0..100"),
        ({"workers": 0}, "--workers must be at least 1"),
        ({"timeout_s": 0}, "--timeout must be a positive number of seconds"),
        ({"timeout_s": float("nan")}, "--timeout must be a positive number of seconds, got nan"),
        ({"resume": True, "csv": None, "json": None}, "--resume needs --csv or --json"),
    ],
)
def test_usage_errors(tmp_path: Path, kw: dict[str, Any], message: str) -> None:
    with pytest.raises(UsageError, match=message):
        g.validate(_options(tmp_path, **kw))


def test_ray_missing_names_the_extra(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setitem(sys.modules, "ray", None)  # import ray -> ImportError
    with pytest.raises(UsageError, match=r"the Ray engine needs Ray: scripts/setup.sh --dev"):
        g.validate(_options(tmp_path, engine=EngineName.RAY))


def test_defaults() -> None:
    assert 1 <= default_workers() <= 8
    assert clip_timeout(None, None) == 120.0
    assert clip_timeout(600.0, None) == 2400.0
    assert clip_timeout(600.0, 5.0) == 5.0


# ------------------------------------------------------------------ exit codes, table


def _row(file: str, status: str = "graded", score: int | None = 80) -> GradeRow:
    return {"file": file, "status": status, "score": score if status == "graded" else None,
            "error": None if status == "graded" else "broken", "index": 0}


@pytest.mark.parametrize(
    ("rows", "fail_under", "code"),
    [
        ([_row("a", score=80)], None, 0),
        ([_row("a", score=80)], 80, 0),
        ([_row("a", score=79)], 80, 1),
        ([_row("a", score=None)], 50, 1),  # no score: no evidence, not a pass
        ([_row("a", score=None)], None, 0),
        ([_row("a", score=10), _row("b", "error")], 50, 3),
        ([_row("b", "error")], None, 3),
    ],
)
def test_exit_codes(rows: list[GradeRow], fail_under: float | None, code: int) -> None:
    assert g.GradeReport(rows, "local", 1, fail_under).exit_code == code


def test_table_is_worst_first() -> None:
    from rich.console import Console

    report = g.GradeReport([_row("fine", score=90), _row("broken", "error"),
                            _row("poor", score=20)], "local", 1, None)
    console = Console(width=200, record=True)
    console.print(g.render_table(report))
    text = console.export_text()
    assert text.index("broken") < text.index("poor") < text.index("fine")


def test_a_clip_below_fail_under_is_named_in_words() -> None:
    from rich.console import Console

    report = g.GradeReport([_row("fine", score=90), _row("poor", score=60),
                            _row("blank", score=None)], "local", 1, 70)
    console = Console(width=200, record=True, no_color=True)
    console.print(g.render_table(report))
    text = console.export_text()
    assert "below 70 poor: score 60" in text
    assert "below 70 blank: no score" in text  # no evidence is not a pass
    assert "below 70 fine" not in text
    assert report.exit_code == 1


def test_a_score_from_fewer_checks_says_how_many() -> None:
    from rich.console import Console

    from formcheck.vocabulary import CHECK_IDS

    # given: one clip with every check known, one (no roller seen) with two of them
    every: GradeRow = {**_row("every", score=100),
                       "checks": {c: {"status": "ok", "ok_fraction": None} for c in CHECK_IDS}}
    two: GradeRow = {**_row("two", score=100),
                     "checks": {c: {"status": "ok" if i < 2 else "unknown", "ok_fraction": None}
                                for i, c in enumerate(CHECK_IDS)}}
    console = Console(width=200, record=True)
    # when
    console.print(g.render_table(g.GradeReport([every, two], "local", 1, None)))
    text = console.export_text()
    # then
    line = {ln.split()[0]: ln for ln in text.splitlines() if ln.split()[:1] in (["every"],
                                                                              ["two"])}
    assert f"100 (2/{len(CHECK_IDS)})" in line["two"] and "(" not in line["every"]
    assert "the others (?) unknown" in text


def test_the_table_fits_80_columns_and_keeps_the_file_names_end() -> None:
    from rich.console import Console

    from formcheck.vocabulary import CHECK_IDS

    # given: long paths, every check known, a long clip, and an error row
    long = "/data/clips/a-rather-long-folder-name/roller-upper-back-side-view-0001.mp4"
    graded: GradeRow = {**_row(long, score=100),
                        "checks": {c: {"status": "fault", "ok_fraction": None} for c in CHECK_IDS},
                        "duration_s": 1234.5}
    broken = _row("/data/clips/another-long-folder/broken-clip-0002.mp4", "error")
    console = Console(width=80, record=True)
    # when
    console.print(g.render_table(g.GradeReport([graded, broken], "local", 1, None), 80))
    text = console.export_text()
    # then: no line wider than 80, no name wrapped, each name's end kept
    table_lines = [ln for ln in text.splitlines() if not ln.startswith("error ")]
    assert max(len(ln) for ln in table_lines) <= 80
    assert "view-0001.mp4" in text and "1234.5" in text
    assert any("clip-0002.mp4" in ln and "error" in ln for ln in table_lines)


# ------------------------------------------------------------------ engine


def test_crash_segfault_and_hang_are_error_rows(tmp_path: Path) -> None:
    # given: clips that exit, segfault and hang their worker, between normal ones
    paths = _touch(tmp_path, "a1.mp4", "crash.mp4", "b22.mp4", "segv.mp4", "hang.mp4",
                   "c333.mp4")
    jobs = [ClipJob(i, str(p), None, None) for i, p in enumerate(paths)]  # type: ignore[arg-type]
    rows: dict[str, GradeRow] = {}
    # when
    t0 = time.monotonic()
    LocalEngine(2, timeout_s=3.0, clip_fn=fake_clip).run(
        jobs, lambda job: None, lambda row: rows.__setitem__(Path(row["file"]).name, row))
    # then: one row per clip, the batch went on
    assert time.monotonic() - t0 < 60
    assert set(rows) == {p.name for p in paths}
    assert rows["crash.mp4"]["error"] == "the worker process exited unexpectedly (exit code 3)"
    assert rows["segv.mp4"]["error"] == "the worker process crashed (SIGSEGV)"
    hang_error = rows["hang.mp4"]["error"]
    assert hang_error is not None and hang_error.startswith("timed out after 3 s")
    assert [rows[n]["score"] for n in ("a1.mp4", "b22.mp4", "c333.mp4")] == [20, 30, 40]


# ------------------------------------------------------------------ grade(), outputs, resume


def test_grade_writes_csv_and_json_and_resumes(tmp_path: Path) -> None:
    # given
    clips = tmp_path / "clips"
    _touch(clips, "a1.mp4", "bad.mp4", "b22.mp4")
    options = _options(tmp_path)
    seen: list[str] = []
    # when
    report = g.grade([str(clips)], options, on_row=lambda r: seen.append(r["file"]),
                     clip_fn=fake_clip)
    # then
    assert report.exit_code == 3 and len(seen) == 3
    with (tmp_path / "out.csv").open(newline="") as fh:
        table = list(csv.DictReader(fh))
    assert list(table[0]) == list(CSV_COLUMNS)
    assert list(CSV_COLUMNS[:9]) == ["file", "status", "score", "error", "knees_bent",
                                      "feet_flat", "roller_position", "roller_across_back",
                                      "rolling_speed"]
    by_name = {Path(r["file"]).name: r for r in table}
    assert by_name["a1.mp4"]["score"] == "20" and by_name["a1.mp4"]["feet_flat"] == "fault"
    assert by_name["a1.mp4"]["feet_flat_ok"] == "0.25"
    assert by_name["bad.mp4"]["status"] == "error" and "not a video" in by_name["bad.mp4"]["error"]
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["complete"] and doc["counts"]["graded"] == 2 and doc["counts"]["errors"] == 1

    # when: resumed after one more clip appears, with the CSV only
    _touch(clips, "c333.mp4")
    (tmp_path / "out.json").unlink()
    again = g.grade([str(clips)], _options(tmp_path, resume=True, json=None),
                    clip_fn=fake_clip)
    # then: graded rows skipped, the error row and the new clip attempted
    assert {Path(r["file"]).name for r in again.skipped} == {"a1.mp4", "b22.mp4"}
    assert {Path(r["file"]).name: r["status"] for r in again.rows} == {
        "a1.mp4": "graded", "b22.mp4": "graded", "bad.mp4": "error", "c333.mp4": "graded"}

    # when: a graded clip changes, it is graded again
    (clips / "a1.mp4").write_bytes(b"changed, longer")
    third = g.grade([str(clips)], _options(tmp_path, resume=True, json=None),
                    clip_fn=fake_clip)
    assert {Path(r["file"]).name for r in third.skipped} == {"b22.mp4", "c333.mp4"}


def test_resume_trusts_a_csv_one_clip_ahead_of_the_json(tmp_path: Path) -> None:
    # given: a finished batch, then its JSON put back to an earlier snapshot with one
    # row fewer (as a kill between the CSV's write and the JSON's leaves it)
    clips = tmp_path / "clips"
    _touch(clips, "a1.mp4", "b22.mp4", "c333.mp4")
    g.grade([str(clips)], _options(tmp_path), clip_fn=fake_clip)
    doc = json.loads((tmp_path / "out.json").read_text())
    doc["rows"] = [r for r in doc["rows"] if not r["file"].endswith("b22.mp4")]
    doc["complete"] = False
    (tmp_path / "out.json").write_text(json.dumps(doc))
    # when
    again = g.grade([str(clips)], _options(tmp_path, resume=True), clip_fn=fake_clip)
    # then: the clip in the CSV only is not graded again, and each file has one row
    assert {Path(r["file"]).name for r in again.skipped} == {"a1.mp4", "b22.mp4", "c333.mp4"}
    doc = json.loads((tmp_path / "out.json").read_text())
    assert doc["complete"] and len(doc["rows"]) == 3


def test_resume_merges_one_row_per_file(tmp_path: Path) -> None:
    # given: a finished batch of three, then its JSON edited as a lagging copy would be:
    # a1 an error row, b22 an older version of the file; c333 as written
    clips = tmp_path / "clips"
    _touch(clips, "a1.mp4", "b22.mp4", "c333.mp4")
    g.grade([str(clips)], _options(tmp_path), clip_fn=fake_clip)
    doc = json.loads((tmp_path / "out.json").read_text())
    by_name = {Path(r["file"]).name: r for r in doc["rows"]}
    by_name["a1.mp4"].update(status="error", score=None, error="timed out")
    by_name["b22.mp4"].update(size=1, mtime_ns=1)
    (tmp_path / "out.json").write_text(json.dumps(doc))
    # when
    rows = g.load_previous(tmp_path / "out.csv", tmp_path / "out.json")
    # then: one row per file, the CSV's where the two differ, the JSON's where they agree
    assert sorted(Path(r["file"]).name for r in rows) == ["a1.mp4", "b22.mp4", "c333.mp4"]
    merged = {Path(r["file"]).name: r for r in rows}
    assert merged["a1.mp4"]["status"] == "graded"
    assert merged["b22.mp4"]["size"] == (clips / "b22.mp4").stat().st_size
    assert merged["c333.mp4"] == by_name["c333.mp4"]


def test_resume_reads_the_json_past_a_broken_csv(tmp_path: Path) -> None:
    # given: a finished batch whose CSV was then overwritten with a field too long to read
    clips = tmp_path / "clips"
    _touch(clips, "a1.mp4", "b22.mp4")
    g.grade([str(clips)], _options(tmp_path), clip_fn=fake_clip)
    (tmp_path / "out.csv").write_text("file,status\n\"" + "x" * 200_000 + "\",graded\n")
    # when
    again = g.grade([str(clips)], _options(tmp_path, resume=True), clip_fn=fake_clip)
    # then
    assert {Path(r["file"]).name for r in again.skipped} == {"a1.mp4", "b22.mp4"}


def test_out_keeps_distinct_folders(tmp_path: Path) -> None:
    clips = tmp_path / "clips"
    _touch(clips, "x/same.mp4", "y/same.mp4")
    report = g.grade([str(clips)], _options(tmp_path, out=tmp_path / "keep"),
                     clip_fn=fake_clip)
    assert sorted(Path(cast(str, r["out_dir"])).name for r in report.rows) == ["same", "same-2"]


def test_an_earlier_grade_file_is_written_over_and_a_users_file_is_not(tmp_path: Path) -> None:
    # given: a batch's CSV saved again by a spreadsheet (a BOM before its header), and its JSON
    clips = tmp_path / "clips"
    _touch(clips, "a1.mp4")
    g.grade([str(clips)], _options(tmp_path), clip_fn=fake_clip)
    csv_path = tmp_path / "out.csv"
    csv_path.write_bytes(b"\xef\xbb\xbf" + csv_path.read_bytes())
    # then: both are recognised as grade files, to be written over (and resumed from)
    g.validate(_options(tmp_path, resume=True))
    # given: a CSV and a JSON of the user's under those names
    csv_path.write_text("name,amount\nalice,3\n")
    with pytest.raises(OutputError, match="is not a formcheck grade CSV"):
        g.validate(_options(tmp_path))
    csv_path.unlink()
    (tmp_path / "out.json").write_text('{"my": "data"}\n')
    with pytest.raises(OutputError, match="is not a formcheck grade JSON"):
        g.validate(_options(tmp_path))
