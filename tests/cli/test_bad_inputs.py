"""The fixed cases of docs/bad-inputs.md, run from the command line as a user would.

Each: the documented exit code, one line on stderr saying what (no traceback, no
native log line), nothing left in the output folder, and a file of the user's placed
there beforehand still there, unchanged. The table and this file are checked against
each other: a case marked fixed in the table without a run here fails, and so does a
run here for a case the table does not mark fixed.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import pytest

from formcheck.model.bundle import write_bundle
from formcheck.pose.native_log import is_native_log_line

REPO = Path(__file__).resolve().parents[2]
TABLE = REPO / "docs" / "bad-inputs.md"
FORMCHECK = [sys.executable, "-m", "formcheck"]
PHOTOS = ["free-exercise-db/Butt_Lift_Bridge__0.jpg", "free-exercise-db/Calves-SMR__0.jpg"]


@dataclass(frozen=True)
class Ctx:
    """What a case needs: the real bundle, the footage, a scratch folder, the output folder."""

    model: Path
    footage: Path
    tmp: Path
    out: Path

    def photo(self, i: int = 0) -> str:
        return str(self.footage / PHOTOS[i])


@dataclass(frozen=True)
class Case:
    """One command line and what it must say.

    Attributes:
        argv: the arguments after ``formcheck`` (made from the context).
        code: the exit code.
        says: a fragment of the one stderr line (None: a successful run's own line, on
            stdout, and nothing on stderr).
        env: extra environment.
    """

    argv: Callable[[Ctx], list[str]]
    code: int
    says: str | None
    env: Callable[[Ctx], dict[str, str]] = lambda ctx: {}


def _bundle(ctx: Ctx, name: str, models: dict[str, bytes] | None = None,
            data: bytes | None = None) -> str:
    path = ctx.tmp / name
    if models is not None:
        write_bundle(path, models)
    else:
        path.write_bytes(data or b"")
    return str(path)


def _real(ctx: Ctx) -> dict[str, bytes]:
    with zipfile.ZipFile(ctx.model) as zf:
        return {n: zf.read(n) for n in zf.namelist()}


def _swapped(ctx: Ctx) -> str:
    m = _real(ctx)
    return _bundle(ctx, "swapped.task", {
        "pose_detector.tflite": m["pose_landmarks_detector.tflite"],
        "pose_landmarks_detector.tflite": m["pose_detector.tflite"],
    })


def _own_copy(ctx: Ctx) -> str:
    """formcheck's own copy in a user cache of this test's, broken."""
    path = ctx.tmp / "cache" / "formcheck" / "models" / "pose_landmarker_full.task"
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(b"<html>404</html>")
    return str(path)


def _users_folder(ctx: Ctx) -> str:
    """``OUT/<stem>/`` already holding a file of the user's (1a)."""
    folder = ctx.out / Path(PHOTOS[0]).stem
    folder.mkdir()
    (folder / "notes.txt").write_text("mine\n")
    return ctx.photo()


def _users_file(ctx: Ctx) -> str:
    """``OUT/<stem>`` a file of the user's (1b)."""
    (ctx.out / Path(PHOTOS[0]).stem).write_text("mine\n")
    return ctx.photo()


DEMO = REPO / "videos" / "demo.mp4"


def _bool_setting(ctx: Ctx) -> str:
    """A settings file with a TOML bool where a number belongs (6n)."""
    path = ctx.tmp / "formcheck.toml"
    path.write_text("[thresholds]\nknee_straight_deg = true\n")
    return str(path)


def _photo_in_out(ctx: Ctx) -> str:
    """A photo of the user's inside OUT (9a: the output must not replace it)."""
    path = ctx.out / "p.jpg"
    path.write_bytes(Path(ctx.photo()).read_bytes())
    return str(path)


def _mine(ctx: Ctx, name: str) -> str:
    """A file of the user's, OUT/``name``, where an output is to go."""
    path = ctx.out / name
    path.write_bytes(b"mine")
    return str(path)


def _render_over_mine(ctx: Ctx) -> list[str]:
    """``scenes render good`` into OUT, where OUT/good.mp4 is the user's (9v)."""
    _mine(ctx, "good.mp4")
    return ["scenes", "render", "good", "--out", str(ctx.out), "--seconds", "0.5",
            "--size", "128x72"]


def _clip_in_out(ctx: Ctx) -> str:
    """A clip of the user's inside OUT (9b: a recording must not replace it)."""
    path = ctx.out / "clip.mp4"
    path.write_bytes(DEMO.read_bytes())
    return str(path)


def _users_csv(ctx: Ctx) -> str:
    """A CSV of the user's in OUT, named as --csv (9e)."""
    path = ctx.out / "budget.csv"
    path.write_text("name,amount\nalice,3\n")
    return str(path)


def _session_there(ctx: Ctx) -> str:
    """OUT/s holding a summary.json already (9d)."""
    (ctx.out / "s").mkdir()
    (ctx.out / "s" / "summary.json").write_text("{}\n")
    return str(ctx.out / "s")


def _tiny_photo(ctx: Ctx) -> str:
    """A 4x4 px picture (9j)."""
    import cv2
    import numpy as np

    path = ctx.tmp / "tiny.png"
    cv2.imwrite(str(path), np.zeros((4, 4, 3), np.uint8))
    return str(path)


CASES: dict[str, Case] = {
    "1a": Case(lambda c: ["analyze", _users_folder(c), "--out", str(c.out),
                          "--model", str(c.model)],
               1, "holds files formcheck did not write (notes.txt); move it away or choose "
                  "another --out (nothing was changed)"),
    "1b": Case(lambda c: ["analyze", _users_file(c), "--out", str(c.out),
                          "--model", str(c.model)],
               1, "is a file formcheck did not write; move it away or choose another --out"),
    "5": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model", str(c.model)],
              0, None),
    "6a": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model",
                          _bundle(c, "x.task", data=b"<html>404 Not Found</html>")],
               1, "is not a model bundle (a .task bundle is a zip archive); check the --model "
                  "path, or leave --model out"),
    "6b": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model",
                          _bundle(c, "x.task", data=c.model.read_bytes()[:3_000_000])],
               1, "is cut short (3,000,000 bytes; an interrupted download?); check the --model"),
    "6c": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model",
                          _bundle(c, "x.task", data=b"")],
               1, "is empty (0 bytes); check the --model path"),
    "6d": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model",
                          _bundle(c, "x.task", {"face_detector.tflite": b"TFL3" * 8})],
               1, "is not a pose landmarker bundle (it lacks pose_detector.tflite and "
                  "pose_landmarks_detector.tflite)"),
    "6e": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model", _swapped(c)],
               1, "fails when run: it is damaged, or not a pose landmarker bundle"),
    "6f": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--model", _own_copy(c)],
               1, "fetch it again with `formcheck models fetch --force`",
               env=lambda c: {"XDG_CACHE_HOME": str(c.tmp / "cache")}),
    "6g": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out)],
               1, "fix or unset $FORMCHECK_MODEL, which names it",
               env=lambda c: {"FORMCHECK_MODEL": _bundle(c, "env.task", data=b"junk")}),
    "6h": Case(lambda c: ["grade", c.photo(0), c.photo(1), "--workers", "2",
                          "--csv", str(c.out / "g.csv"), "--json", str(c.out / "g.json"),
                          "--model", _swapped(c)],
               3, "fails when run: it is damaged"),
    "6i": Case(lambda c: ["analyze", c.photo(0), c.photo(1), "--out", str(c.out),
                          "--model", _bundle(c, "x.task", data=b"junk")],
               1, "is not a model bundle"),
    "6l": Case(lambda c: ["scenes", "render", "nosuch", "--out", str(c.out)],
               2, "unknown scenario 'nosuch'; expected one of: good,"),
    "2b": Case(lambda c: ["roller", str(DEMO), "--out", "/proc/x.mp4", "--model", str(c.model)],
               1, "/proc/x.mp4: cannot write there ("),
    "2c": Case(lambda c: ["live", "--source", str(DEMO), "--out", str(c.out / "s"),
                          "--model", str(c.model)],
               1, "the display :77 (DISPLAY) cannot be reached",
               env=lambda c: {"DISPLAY": ":77", "WAYLAND_DISPLAY": ""}),
    "6j": Case(lambda c: ["live", "--source", str(DEMO), "--no-window", "--out", str(c.out / "s"),
                          "--record", "/proc/rec.mp4", "--model", str(c.model)],
               1, "--record /proc/rec.mp4: cannot write there ("),
    "6m": Case(lambda c: ["analyse"], 2, "No such command 'analyse'. Did you mean 'analyze'? See"),
    "9a": Case(lambda c: ["roller", _photo_in_out(c), "--out", str(c.out / "p.jpg"),
                          "--model", str(c.model)],
               1, "p.jpg: is an input; refusing to overwrite it"),
    "9b": Case(lambda c: ["live", "--source", _clip_in_out(c), "--no-window",
                          "--record", str(c.out / "clip.mp4"), "--out", str(c.tmp / "s"),
                          "--model", str(c.model)],
               1, "clip.mp4: is an input; refusing to overwrite it"),
    "9c": Case(lambda c: ["live", "--source", str(DEMO), "--no-window",
                          "--record", _mine(c, "mine.mp4"), "--out", str(c.tmp / "s"),
                          "--model", str(c.model)],
               1, "mine.mp4: the file is there already; move it away or choose another"),
    "9d": Case(lambda c: ["live", "--source", str(DEMO), "--no-window", "--out",
                          _session_there(c), "--model", str(c.model)],
               1, "holds summary.json already; choose another --out or move it away"),
    "9e": Case(lambda c: ["grade", c.photo(), "--csv", _users_csv(c), "--model", str(c.model)],
               1, "budget.csv: is not a formcheck grade CSV and would be written over"),
    "9f": Case(lambda c: ["grade", c.photo(), "--csv", str(c.out / "g.out"), "--json",
                          str(c.out / "g.out"), "--model", str(c.model)],
               2, "--csv and --json both name"),
    "9g": Case(lambda c: ["landmarks", c.photo(), "--out", "/proc/x.jsonl",
                          "--model", str(c.model)],
               1, "/proc: the output folder takes no new files ("),
    "9h": Case(lambda c: ["grade", c.photo(), "--csv", "/proc/x.csv", "--model", str(c.model)],
               1, "--csv /proc: cannot write there (No such file or directory); choose "
                  "another --csv"),
    "9i": Case(lambda c: ["scenes", "render", "good", "--out", str(c.out), "--stem",
                          "../escape"],
               2, "--stem '../escape': give a plain file name, without a folder"),
    "9j": Case(lambda c: ["analyze", _tiny_photo(c), "--out", str(c.out),
                          "--model", str(c.model)],
               1, "the picture is 4x4 px; formcheck needs at least 16 px a side"),
    "9o": Case(lambda c: ["grade", c.photo(), "--video", "--model", str(c.model)],
               2, "--video keeps each clip's annotated video in --out; give --out too"),
    "9k": Case(lambda c: ["analyze", c.photo(), "--out", str(c.out), "--video-height", "1",
                          "--model", str(c.model)],
               2, "--video-height 1: use 0 (the input's height) or at least 16 px"),
    "6n": Case(lambda c: ["config", "show", "--config", _bool_setting(c)],
               2, "thresholds.knee_straight_deg: Input should be a valid number (got true)"),
    "9t": Case(lambda c: ["landmarks", c.photo(), "--out", _mine(c, "other.mp4"),
                          "--model", str(c.model)],
               1, "other.mp4: a file is there already that formcheck did not write; move it "
                  "away, choose another file, or add --force to replace it"),
    "9u": Case(lambda c: ["roller", c.photo(), "--out", _mine(c, "mine.jpg"),
                          "--model", str(c.model)],
               1, "mine.jpg: a file is there already that formcheck did not write"),
    "9v": Case(lambda c: _render_over_mine(c),
               1, "good.mp4: a file is there already that formcheck did not write"),
    "9w": Case(lambda c: ["analyze", c.photo(), "--out", "/proc", "--model", str(c.model)],
               1, "--out /proc: cannot write there (No such file or directory); choose "
                  "another --out"),
    "9x": Case(lambda c: ["live", "--camera", "0", "--source", str(DEMO), "--no-window",
                          "--model", str(c.model)],
               2, "--camera and --source both name where the frames come from; give one"),
    "9y": Case(lambda c: ["live", "--source", c.photo(), "--no-window", "--model",
                          str(c.model)],
               2, "is a photo; live needs a video or a camera (for a photo: formcheck analyze)"),
    "9z": Case(lambda c: ["live", "--source", str(DEMO), "--no-window", "--record",
                          str(c.tmp / "rec.txt"), "--model", str(c.model)],
               2, "rec.txt: the recording is an MP4 video; name it .mp4"),
    "10a": Case(lambda c: ["analyze", str(DEMO), "--fps", "0.2", "--out", str(c.tmp / "o"),
                           "--model", str(c.model)],
                2, "0.2: the checks that need time (a fault must last 0.5 s, a speed 1 s) need "
                   "at least 2 frames a second; use 0 for every frame"),
    "10b": Case(lambda c: ["models", "fetch", "--sha256", "nothex"],
                2, "--sha256 'nothex': give the 64 hex digits of the digest"),
    "10c": Case(lambda c: ["grade", str(c.tmp), "--model", str(c.model)],
                2, "no video or photo files in"),
}


# Fixed cases that need more than a command line (a signal mid-run), run elsewhere.
ELSEWHERE = {
    # a read-only folder: as root (as CI runs) permission bits are not enforced, so the
    # command line of 2b stands in for it, and the probe is tested where they are
    "2a": "tests/sinks/test_atomic_probe.py::test_a_folder_that_refuses_files_says_why",
    "3a": "tests/cli/test_signals.py::test_sigterm_is_one_line_exit_143_and_leaves_no_output",
    "3b": "tests/cli/test_signals.py::test_the_next_run_clears_what_a_killed_run_left",
    "6k": "tests/frontends/test_live_phases.py::"
          "test_a_run_too_short_is_told_apart_from_a_set_up_never_right",
    "4a": "tests/cli/test_no_score.py::"
          "test_clips_without_a_roller_get_no_score_and_no_roller_verdict",
    "4b": "tests/cli/test_no_score.py::"
          "test_clips_without_a_roller_get_no_score_and_no_roller_verdict",
    "4c": "tests/pose/test_people.py::test_a_trainer_beside_the_person_is_reported",
    "4d": "tests/cli/test_no_score.py::test_grades_line_for_a_clip_without_a_score",
    "7a": "tests/cli/test_progress.py::test_scenes_render_and_roller_show_progress",
    "7b": "tests/cli/test_progress.py::test_scenes_render_and_roller_show_progress",
    "7c": "tests/cli/test_live_quiet.py::test_the_latency_line_comes_with_verbose",
    "7d": "tests/cli/test_live_quiet.py::"
          "test_a_run_that_saved_nothing_says_why_and_leaves_no_folder",
    "8a": "tests/frontends/test_grade_unit.py::"
          "test_the_table_fits_80_columns_and_keeps_the_file_names_end",
    "8b": "tests/cli/test_help_text.py::test_no_bool_metavar_and_no_braces",
    "8c": "tests/cli/test_help_text.py::test_analyze_usage_names_its_inputs",
    "8d": "tests/cli/test_help_text.py::test_command_descriptions_are_not_broken_mid_sentence",
    "8e": "tests/cli/test_help_text.py::test_history_says_where_its_database_lives",
    "9l": "tests/cli/test_help_text.py::test_a_bare_group_shows_its_help_and_no_empty_error",
    "9m": "tests/cli/test_signals.py::test_an_interrupted_roller_view_keeps_the_earlier_file",
    "9n": "tests/cli/test_signals.py::test_an_interrupted_scene_render_keeps_the_earlier_files",
    "9p": "tests/cli/test_models.py::"
          "test_models_path_refuses_a_broken_bundle_named_by_the_variable",
    "9q": "tests/evaluator/test_config.py::test_invalid_values_name_the_field",
    # every output goes through sinks.atomic (the writers and the video encoder)
    "9r": "tests/sinks/test_atomic_commit.py::"
          "test_a_symbolic_link_at_the_output_is_written_through",
    "9s": "tests/sinks/test_atomic_commit.py::test_an_interrupt_between_the_renames_waits_for_both",
    "10d": "tests/cli/test_no_score.py::test_a_video_needs_a_second_for_a_score_and_a_photo_none",
    "10e": "tests/cli/test_help_text.py::test_verbose_after_the_command_says_where_it_goes",
}


def _table_states() -> dict[str, str]:
    """Case id -> state ('fixed' or 'open'), from the table in docs/bad-inputs.md."""
    states = {}
    for line in TABLE.read_text().splitlines():
        m = re.match(r"\| (\w+) \|.*\| (\*\*fixed\*\*|open) \|$", line)
        if m:
            states[m.group(1)] = "fixed" if "fixed" in m.group(2) else "open"
    return states


def test_the_table_and_the_runs_agree() -> None:
    states = _table_states()
    assert len(states) >= 30, "the table could not be read"
    assert sorted(i for i, s in states.items() if s == "fixed") == sorted([*CASES, *ELSEWHERE])
    for test in ELSEWHERE.values():
        path, name = test.split("::")
        assert f"def {name}(" in (REPO / path).read_text()


def _files(folder: Path) -> dict[str, bytes]:
    return {str(p.relative_to(folder)): p.read_bytes() for p in folder.rglob("*") if p.is_file()}


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.parametrize("case_id", sorted(CASES))
def test_fixed_case_from_the_command_line(
    case_id: str, tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given: an output folder that already holds a file of the user's
    case = CASES[case_id]
    ctx = Ctx(model=model_path, footage=footage, tmp=tmp_path / "scratch", out=tmp_path / "out")
    ctx.tmp.mkdir()
    ctx.out.mkdir()
    mine = ctx.out / "my-notes.txt"
    mine.write_text("mine\n")
    argv = case.argv(ctx)  # may lay out what the case needs in OUT
    before = _files(ctx.out)
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORMCHECK_MODEL", "FORMCHECK_VERBOSE", "FORMCHECK_DEBUG")}
    env.update(case.env(ctx))
    # when
    result = subprocess.run([*FORMCHECK, *argv], capture_output=True, text=True, env=env,
                            cwd=tmp_path, timeout=600)
    # then
    # a successful run's own line is its result, on stdout; an error's on stderr
    said = result.stdout if case.says is None else result.stderr
    lines = [ln for ln in said.splitlines() if ln.strip()]
    assert result.returncode == case.code, result.stderr
    assert "Traceback" not in result.stderr
    assert not [ln for ln in lines if is_native_log_line(ln.encode())], result.stderr
    assert len(lines) == 1, result.stderr
    if case.says is None:
        assert not result.stderr.strip(), result.stderr
        assert not lines[0].startswith("formcheck: error"), lines[0]
    else:
        assert lines[0].startswith("formcheck: error: ") and case.says in lines[0], lines[0]
    assert mine.read_text() == "mine\n"  # the user's file, untouched
    left = _files(ctx.out)
    if case.code == 0:
        assert not [n for n in left if ".part" in n or ".partial" in n], sorted(left)
        assert all(left.get(name) == data for name, data in before.items())
    else:
        assert left == before  # nothing written, nothing half-written, nothing deleted
