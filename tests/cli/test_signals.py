"""SIGTERM does what Ctrl-C does, and a run killed outright is cleared up by the next
(issue 22, item 3): the real model on the demo clip, stopped while it works."""

from __future__ import annotations

import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

FORMCHECK = [sys.executable, "-m", "formcheck"]
DEMO = Path(__file__).parents[2] / "videos" / "demo.mp4"

pytestmark = pytest.mark.model


def _analysis_under_way(out: Path, model_path: Path) -> subprocess.Popen[str]:
    """``analyze`` of every frame of the demo into ``out``, once its staging folder is
    made and frames flow."""
    proc = subprocess.Popen(
        [*FORMCHECK, "analyze", str(DEMO), "--out", str(out), "--fps", "0",
         "--model", str(model_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not any(out.glob(".demo.partial-*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the analysis ended before it could be stopped"
    return proc


def test_sigterm_is_one_line_exit_143_and_leaves_no_output(
    tmp_path: Path, model_path: Path
) -> None:
    # given
    out = tmp_path / "out"
    proc = _analysis_under_way(out, model_path)
    # when
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    # then
    assert proc.returncode == 143, err
    assert err.strip().splitlines()[-1] == "formcheck: terminated"
    assert "Traceback" not in err
    assert not out.exists()  # the folder this run made goes again


@pytest.mark.footage
def test_the_next_run_clears_what_a_killed_run_left(
    tmp_path: Path, model_path: Path, footage: Path
) -> None:
    # given: a run killed outright (nothing of it can clean up) next to a user's file
    out = tmp_path / "out"
    proc = _analysis_under_way(out, model_path)
    (out / "my-notes.txt").write_text("mine\n")
    proc.kill()
    proc.communicate(timeout=60)
    assert any(out.glob(".demo.partial-*"))
    # when: another input into the same folder
    photo = footage / "free-exercise-db/Calves-SMR__0.jpg"
    result = subprocess.run(
        [*FORMCHECK, "analyze", str(photo), "--out", str(out), "--model", str(model_path)],
        capture_output=True, text=True, timeout=300, check=False,
    )
    # then: its output and the user's file, nothing else
    assert result.returncode == 0, result.stderr
    assert sorted(p.name for p in out.iterdir()) == ["Calves-SMR__0", "my-notes.txt"]


def _terminated_while_writing(argv: list[str], folder: Path, partial: str) -> str:
    """Run ``formcheck ARGV``, SIGTERM it once a file matching ``partial`` is being
    written in ``folder``, and return its stderr (it must have exited 143, no
    traceback)."""
    proc = subprocess.Popen([*FORMCHECK, *argv], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(folder.glob(partial)) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the command ended before it could be stopped"
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    return err


def test_an_interrupted_roller_view_keeps_the_earlier_file(
    tmp_path: Path, model_path: Path
) -> None:
    # given: a file of the user's where the drawn video is to go, replaced with --force
    out = tmp_path / "mine.mp4"
    out.write_bytes(b"my video")
    # when: stopped while it draws
    _terminated_while_writing(["roller", str(DEMO), "--out", str(out), "--force", "--model",
                               str(model_path)], tmp_path, ".mine.mp4.*.part.mp4")
    # then: the user's file as it was, no partial file beside it
    assert out.read_bytes() == b"my video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.mp4"]


def test_an_interrupted_scene_render_keeps_the_earlier_files(tmp_path: Path) -> None:
    # given: a whole render of a scenario
    argv = ["scenes", "render", "good", "--out", str(tmp_path), "--size", "128x72"]
    subprocess.run([*FORMCHECK, *argv, "--seconds", "1"], capture_output=True, check=True,
                   timeout=300)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    # when: a long one into the same names, stopped midway
    _terminated_while_writing([*argv, "--seconds", "120"], tmp_path, ".good.mp4.*")
    # then: the earlier clip and its truth whole, nothing half-written beside them
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
