"""``live`` says only what a user needs: no developer's latency line unless --verbose,
no empty ``sessions/`` folder after a run that saved nothing, and why nothing was saved
(docs/bad-inputs.md, 6k, 7c, 7d)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
DEMO = REPO / "videos" / "demo.mp4"


def _live(tmp_path: Path, model: Path, *extra: str) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORMCHECK_VERBOSE", "FORMCHECK_DEBUG", "FORMCHECK_MODEL")}
    env["FORMCHECK_DATA_DIR"] = str(tmp_path / "data")
    return subprocess.run(
        [sys.executable, "-m", "formcheck", *extra, "live", "--no-window", "--no-voice",
         "--source", str(DEMO), "--max-seconds", "2", "--model", str(model)],
        capture_output=True, text=True, env=env, cwd=tmp_path, timeout=300)


@pytest.mark.model
def test_a_run_that_saved_nothing_says_why_and_leaves_no_folder(
    tmp_path: Path, model_path: Path
) -> None:
    # when: a run shorter than the notice plus the set-up hold
    result = _live(tmp_path, model_path)
    # then: one line, why, no latency figures, and no sessions/ (nor the data folder)
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert result.returncode == 0, result.stderr
    assert lines == [ln for ln in lines if ln.startswith("formcheck: the session did not "
                                                         "start: the run ended after")], lines
    assert "latency" not in result.stderr
    assert not (tmp_path / "data" / "sessions").exists()


@pytest.mark.model
def test_the_latency_line_comes_with_verbose(tmp_path: Path, model_path: Path) -> None:
    result = _live(tmp_path, model_path, "--verbose")
    assert result.returncode == 0, result.stderr
    assert "latency capture->display: median" in result.stderr
