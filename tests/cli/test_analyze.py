"""``formcheck analyze``: Ctrl-C."""

from __future__ import annotations

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
    assert proc.returncode == 130
    assert err.strip().splitlines()[-1] == "formcheck: interrupted"
    assert "Traceback" not in err
    assert not out.exists()  # the folder this run made goes again
