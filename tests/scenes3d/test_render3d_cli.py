"""``formcheck scenes render3d``: a tiny real render where the renderer is installed, and
one clear line where it is not."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.scenes3d.runner import renderer_python

FORMCHECK = [sys.executable, "-m", "formcheck"]


def _run(args: list[str], env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*FORMCHECK, *args], capture_output=True, text=True, timeout=600,
                          env={**os.environ, **(env or {})})


def test_without_the_renderer_it_says_how_to_install_it(tmp_path: Path) -> None:
    out = tmp_path / "out"
    r = _run(["scenes", "render3d", "good", "--still", "--out", str(out)],
             env={"FORMCHECK_RENDER3D": str(tmp_path / "nowhere")})
    assert r.returncode == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "render3d/setup.sh" in lines[0], r.stderr
    assert "Traceback" not in r.stderr
    assert not out.exists()


def test_an_unknown_scenario_or_look_is_a_usage_error(tmp_path: Path) -> None:
    r = _run(["scenes", "render3d", "nosuch", "--still", "--out", str(tmp_path)])
    assert r.returncode == 2 and "unknown scenario" in r.stderr
    r = _run(["scenes", "render3d", "good", "--roller-color", "gold", "--out", str(tmp_path)])
    assert r.returncode == 2 and "--roller-color" in r.stderr


def test_a_file_of_the_users_under_a_renders_name_is_kept(tmp_path: Path) -> None:
    # given a photo of the user's where the render would write good.png
    out = tmp_path / "out"
    out.mkdir()
    mine = out / "good.png"
    mine.write_bytes(b"my photo")
    nowhere = {"FORMCHECK_RENDER3D": str(tmp_path / "nowhere")}
    # when rendering that scenario there, without --force
    r = _run(["scenes", "render3d", "good", "--still", "--out", str(out)], env=nowhere)
    # then one line says why and what to do, before any work, and the photo is untouched
    assert r.returncode == 1
    lines = [ln for ln in r.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1 and "--force" in lines[0] and "good.png" in lines[0], r.stderr
    assert mine.read_bytes() == b"my photo"
    # and with --force the render goes on (here to the missing renderer's own line)
    r = _run(["scenes", "render3d", "good", "--still", "--out", str(out), "--force"],
             env=nowhere)
    assert r.returncode == 1 and "render3d/setup.sh" in r.stderr
    assert mine.read_bytes() == b"my photo"


@pytest.mark.slow
def test_a_tiny_still_renders_with_its_truth_and_masks(tmp_path: Path) -> None:
    if renderer_python() is None:
        pytest.skip("the 3D renderer is not installed here (render3d/setup.sh installs it)")
    r = _run(["scenes", "render3d", "good", "--still", "--out", str(tmp_path), "--size",
              "192x108", "--quality", "draft", "--camera-height", "0.8",
              "--camera-azimuth", "40"])
    assert r.returncode == 0, r.stderr
    import cv2

    img = cv2.imread(str(tmp_path / "good.png"))
    assert img is not None and img.shape == (108, 192, 3)
    truth = json.loads((tmp_path / "good.truth.jsonl").read_text().splitlines()[0])
    assert truth["camera_place"]["height_m"] == pytest.approx(0.8)
    assert truth["expected"]["knees_bent"] == "ok"
    with np.load(tmp_path / "good.masks.npz") as z:
        labels = z["labels"]
    assert labels.shape == (1, 108, 192)
    assert (labels == 1).sum() > 200 and (labels == 2).sum() > 0
    assert not list(tmp_path.glob(".render3d-*"))
