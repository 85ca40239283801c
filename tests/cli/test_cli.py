"""The command line as a user meets it: fast help, one clear line per mistake."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from tests.cli.helpers import FORMCHECK, run_formcheck

HELP_MODULES = (
    "import contextlib, io, sys\n"
    "sys.argv = ['formcheck', '--help']\n"
    "from formcheck.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
    "    main()\n"
    "print(len(sys.modules)); print(' '.join(sorted(sys.modules)))\n"
)
HELP_MODULE_BUDGET = 400
"""Modules loaded by ``formcheck --help`` (378 when this was set, from 532 before the
command line became a package whose commands import their library when they run)."""


def test_help_imports_few_modules_and_nothing_heavy() -> None:
    # when: `formcheck --help` runs in a fresh interpreter
    out = subprocess.run([sys.executable, "-c", HELP_MODULES], capture_output=True,
                         text=True, check=True)
    count, names = out.stdout.splitlines()
    loaded = set(names.split())
    # then: a counted few modules, none of the heavy libraries or the stages
    assert int(count) <= HELP_MODULE_BUDGET, count
    heavy = {"mediapipe", "cv2", "av", "numpy", "pydantic", "formcheck.frontends.analyze",
             "formcheck.evaluator.evaluator", "formcheck.roller.detector"}
    assert not heavy & loaded


def test_version() -> None:
    result = run_formcheck("--version")
    assert result.returncode == 0 and result.stdout.startswith("formcheck ")


def _assert_one_clear_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: ") and fragment in lines[0]


@pytest.mark.model
def test_bad_inputs_each_get_one_clear_line(tmp_path: Path, model_path: Path) -> None:
    # given
    text = tmp_path / "notes.mp4"
    text.write_text("not a video")
    out = tmp_path / "out.jsonl"
    cases = {
        str(tmp_path / "missing.mp4"): "no such file",
        str(text): "not a video or image",
        "7": "camera 7 cannot be opened",
    }
    for spec, fragment in cases.items():
        # when
        result = run_formcheck("landmarks", spec, "--out", str(out), "--model", str(model_path))
        # then
        _assert_one_clear_line(result, fragment)
        assert not out.exists()


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("analyze", "videos/demo.mp4", "--fps", "-3"), "Invalid value for '--fps'"),
        (("analyze", "videos/demo.mp4", "--fps", "abc"), "Invalid value for '--fps'"),
        (("analyze",), "Missing argument"),
        (("bogus",), "No such command 'bogus'"),
    ],
)
def test_command_line_mistakes_are_one_line_with_usage_exit_code(
    args: tuple[str, ...], fragment: str
) -> None:
    # when: a mistake click catches before any command runs
    result = run_formcheck(*args)
    # then: one line (not typer's boxed panel) pointing at the help, and exit code 2
    _assert_one_clear_line(result, fragment)
    assert "--help'" in result.stderr
    assert result.returncode == 2


def test_missing_model_path_is_one_line(tmp_path: Path) -> None:
    result = run_formcheck("models", "path", "--model", str(tmp_path / "none.task"))
    _assert_one_clear_line(result, "model bundle not found")


@pytest.mark.model
def test_models_path_prints_an_existing_bundle(model_path: Path) -> None:
    result = run_formcheck("models", "path")
    assert result.returncode == 0
    assert Path(result.stdout.strip()).is_file()


@pytest.mark.model
@pytest.mark.footage
def test_landmarks_writes_one_line_per_frame(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given
    out = tmp_path / "gb.jsonl"
    # when
    result = run_formcheck("landmarks", str(footage / "pexels/glute-bridge.mp4"), "--out", str(out))
    # then
    assert result.returncode == 0, result.stderr
    rows = [json.loads(line) for line in out.read_text().splitlines()]
    assert len(rows) == 167
    assert [r["frame"] for r in rows] == list(range(167))
    assert all(r["landmarks"] is not None and len(r["landmarks"]) == 33 for r in rows)
    assert all(len(lm) == 4 for lm in rows[0]["landmarks"])


def test_ctrl_c_is_one_line_exit_130_and_leaves_no_output(
    tmp_path: Path, model_path: Path,
) -> None:
    # given: an analysis of every frame of the demo, under way (its staging folder made)
    import signal
    import time

    demo = Path(__file__).parents[2] / "videos" / "demo.mp4"
    out = tmp_path / "out"
    proc = subprocess.Popen(
        [*FORMCHECK, "analyze", str(demo), "--out", str(out), "--fps", "0",
         "--model", str(model_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        # a child of a non-interactive shell may inherit SIGINT ignored
        preexec_fn=lambda: signal.signal(signal.SIGINT, signal.SIG_DFL),
    )
    deadline = time.monotonic() + 120
    while not any(out.glob(".demo.partial-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)  # frames flowing
    assert proc.poll() is None, "the analysis ended before it could be interrupted"
    # when
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=60)
    # then
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "formcheck: interrupted"
    assert "Traceback" not in err
    assert not out.exists()  # the folder this run made goes again


def test_the_package_gives_the_app_and_main() -> None:
    # given: every command module imported (as mounting does)
    import typer

    import formcheck.cli.root  # noqa: F401
    from formcheck.cli import app, main

    # then: the package's names are the app and the entry point, not modules
    assert isinstance(app, typer.Typer)
    assert callable(main) and main.__module__ == "formcheck.cli"
