"""The built wheel, installed into a fresh virtual environment, works outside the checkout.

What a user who runs ``pip install formcheck`` gets: the package with its data files,
the ``formcheck`` command, and the pose model fetched on first use into the user cache,
never into the environment (issue 22: held before, guarded by nothing).
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.pose.native_log import is_native_log_line

REPO = Path(__file__).resolve().parents[1]
PHOTO = "free-exercise-db/Butt_Lift_Bridge__0.jpg"

pytestmark = [pytest.mark.slow, pytest.mark.footage]


def _sources(dest: Path) -> Path:
    """The checkout's files as git sees them (tracked, and new ones not ignored), copied,
    so that building writes nothing into the checkout (``build/``, ``*.egg-info``)."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=REPO, capture_output=True, check=True,
    ).stdout.decode().split("\0")
    for name in filter(None, listed):
        src = REPO / name
        if src.is_file():  # a file deleted but not yet committed is listed too
            (dest / name).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(src, dest / name)
    return dest


def _clean_env(tmp: Path) -> dict[str, str]:
    """The environment of a user with no formcheck settings, a home and cache of their
    own, and none of this test run's Python paths."""
    drop = ("PYTHONPATH", "VIRTUAL_ENV", "FORMCHECK_MODEL", "FORMCHECK_VERBOSE",
            "FORMCHECK_DEBUG", "PYTHONHOME")
    env = {k: v for k, v in os.environ.items() if k not in drop}
    env.update(HOME=str(tmp / "home"), XDG_CACHE_HOME=str(tmp / "cache"),
               XDG_DATA_HOME=str(tmp / "data"), XDG_CONFIG_HOME=str(tmp / "config"))
    (tmp / "home").mkdir()
    return env


def test_wheel_installs_and_analyzes_outside_the_checkout(
    tmp_path: Path, footage: Path
) -> None:
    if shutil.which("git") is None:
        pytest.skip("git is needed to list the checkout's files")
    env = _clean_env(tmp_path)
    # given: the wheel, built from a copy of the sources, in a fresh environment
    src = _sources(tmp_path / "src")
    subprocess.run([sys.executable, "-m", "pip", "wheel", "--no-deps", "-q", "-w",
                    str(tmp_path / "dist"), str(src)], check=True, env=env, timeout=600)
    wheel = next((tmp_path / "dist").glob("formcheck-*.whl"))
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True, timeout=300)
    subprocess.run([str(venv / "bin" / "python"), "-m", "pip", "install", "-q", str(wheel)],
                   check=True, env=env, timeout=900)
    work = tmp_path / "work"  # the user's own folder: no checkout above it
    work.mkdir()
    # when
    result = subprocess.run(
        [str(venv / "bin" / "formcheck"), "analyze", str(footage / PHOTO), "--out", "out"],
        cwd=work, env=env, capture_output=True, text=True, timeout=900,
    )
    # then: it ran from the environment, not from the checkout
    assert result.returncode == 0, result.stderr
    where = subprocess.run(
        [str(venv / "bin" / "python"), "-c", "import formcheck; print(formcheck.__file__)"],
        cwd=work, env=env, capture_output=True, text=True, check=True,
    ).stdout.strip()
    assert Path(where).is_relative_to(venv), where
    # its outputs are there and whole
    stem = Path(PHOTO).stem
    summary = json.loads((work / "out" / stem / "summary.json").read_text())
    assert summary["analysis"]["frames_analysed"] == 1
    assert Path(summary["analysis"]["model"]).is_relative_to(tmp_path / "cache")
    assert (work / "out" / stem / "report.html").is_file()
    assert (work / "out" / stem / "annotated.png").is_file()
    # the model went to the user cache, nowhere in the environment or the work folder
    cached = tmp_path / "cache" / "formcheck" / "models" / "pose_landmarker_full.task"
    assert cached.is_file()
    assert not list(venv.rglob("*.task")) and not list(work.rglob("*.task"))
    # and the terminal shows formcheck's lines only
    assert not [ln for ln in result.stderr.splitlines() if is_native_log_line(ln.encode())]
