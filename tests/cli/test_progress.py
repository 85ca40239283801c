"""Long commands show progress (docs/bad-inputs.md, 7a, 7b): ``scenes render`` and
``roller`` on a video print a bar that ends at the frames done."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest


def _formcheck(*argv: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("FORMCHECK_VERBOSE",)}
    return subprocess.run([sys.executable, "-m", "formcheck", *argv], capture_output=True,
                          text=True, env=env, cwd=cwd, timeout=300)


@pytest.mark.model
def test_scenes_render_and_roller_show_progress(tmp_path: Path, model_path: Path) -> None:
    # when: a half-second scene is rendered, then the roller drawn on it
    render = _formcheck("scenes", "render", "good", "--seconds", "0.5", "--out",
                        str(tmp_path), cwd=tmp_path)
    roller = _formcheck("roller", str(tmp_path / "good.mp4"), "--out",
                        str(tmp_path / "drawn.mp4"), "--model", str(model_path), cwd=tmp_path)
    # then: each bar names the work and ends at the frames done
    assert render.returncode == 0, render.stderr
    assert "rendering good" in render.stderr and "15/15" in render.stderr
    assert roller.returncode == 0, roller.stderr
    assert "roller good" in roller.stderr and "15/15" in roller.stderr
