"""``formcheck analyze``: Ctrl-C, and the line it prints for each input."""

from __future__ import annotations

import json
import signal
import subprocess
import time
from pathlib import Path

from tests.cli.helpers import FORMCHECK


def test_ctrl_c_is_one_line_exit_130_and_leaves_no_output(
    tmp_path: Path, model_path: Path,
) -> None:
    # given: an analysis of every frame of the demo, under way (its staging folder made)
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
    assert proc.returncode == 130, err
    assert err.strip().splitlines()[-1] == "formcheck: interrupted"
    assert "Traceback" not in err
    assert not out.exists()  # the folder this run made goes again


def test_the_result_line_names_the_faults_and_tells_inputs_of_one_name_apart(
    tmp_path: Path, model_path: Path,
) -> None:
    # given: the demo, and a copy of it under the same name in another folder
    demo = Path(__file__).parents[2] / "videos" / "demo.mp4"
    other = tmp_path / "copy" / "demo.mp4"
    other.parent.mkdir()
    other.write_bytes(demo.read_bytes())
    # when both are analysed (a few frames a second: the faults last seconds)
    result = subprocess.run(
        [*FORMCHECK, "analyze", str(demo), str(other), "--out", str(tmp_path / "out"),
         "--fps", "5", "--model", str(model_path)],
        capture_output=True, text=True, timeout=600)
    # then each line names its input as given (two demo.mp4) and the checks that faulted
    assert result.returncode == 0, result.stderr
    lines = [ln for ln in result.stdout.splitlines() if " -> " in ln]  # results: stdout
    assert " -> " not in result.stderr
    assert [ln.split(": ")[0] for ln in lines] == [str(demo), str(other)]
    summary = json.loads((tmp_path / "out" / "demo" / "summary.json").read_text())
    faulted = [c for c, part in summary["checks"].items() if part["status"] == "fault"]
    assert faulted, "the demo has scripted faults"
    assert "(faults: knees bent," in lines[0] and lines[0].count(",") == len(faulted) - 1
