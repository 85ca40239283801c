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
    assert proc.returncode == 143
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


def test_an_interrupted_roller_view_keeps_the_earlier_file(
    tmp_path: Path, model_path: Path
) -> None:
    # given: a file of the user's where the drawn video is to go
    out = tmp_path / "mine.mp4"
    out.write_bytes(b"my video")
    proc = subprocess.Popen(
        [*FORMCHECK, "roller", str(DEMO), "--out", str(out), "--model", str(model_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
    )
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".mine.mp4.*.part.mp4")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the roller view ended before it could be stopped"
    # when
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    # then: the user's file as it was, no partial file beside it
    assert proc.returncode == 143, err
    assert "Traceback" not in err
    assert out.read_bytes() == b"my video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mine.mp4"]


def test_an_interrupted_scene_render_keeps_the_earlier_files(tmp_path: Path) -> None:
    # given: a whole render of a scenario, then a long one into the same names
    argv = [*FORMCHECK, "scenes", "render", "good", "--out", str(tmp_path), "--size",
            "128x72"]
    subprocess.run([*argv, "--seconds", "1"], capture_output=True, check=True, timeout=300)
    before = {p.name: p.read_bytes() for p in tmp_path.iterdir()}
    proc = subprocess.Popen([*argv, "--seconds", "120"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True)
    deadline = time.monotonic() + 120
    while not list(tmp_path.glob(".good.mp4.*")) and time.monotonic() < deadline:
        time.sleep(0.05)
    time.sleep(1.0)
    assert proc.poll() is None, "the render ended before it could be stopped"
    # when
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    # then: the earlier clip and its truth whole, nothing half-written beside them
    assert proc.returncode == 143, err
    assert {p.name: p.read_bytes() for p in tmp_path.iterdir()} == before
