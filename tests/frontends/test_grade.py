"""``formcheck grade`` end to end with the real model: the acceptance folder, a killed
and resumed batch, and the Ray engine against the local one."""

from __future__ import annotations

import csv
import json
import subprocess
import sys
import time
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import numpy as np
import pytest
import typer
from typer.testing import CliRunner

from formcheck.frontends import grade as g
from formcheck.frontends.choices import EngineName
from formcheck.frontends.grade_rows import CSV_COLUMNS

pytestmark = [pytest.mark.model, pytest.mark.slow]

CLI = "from formcheck.cli import main; main()"
"""The command line, run in a subprocess (``python -c CLI grade ...``)."""


def _app() -> typer.Typer:
    from formcheck.cli import app

    return app


def _render(name: str, out: Path, seconds: float = 2.0, seed: int = 1) -> Path:
    from formcheck.scenes import render_to_files

    clip = render_to_files(name, out, seconds=seconds, size=(320, 180), fps=15.0, seed=seed)
    clip.truth.unlink()
    return clip.video


def _huge(path: Path, size: tuple[int, int] = (4000, 3000), frames: int = 3) -> None:
    """A very large frame size: a rendered scene scaled up (rendering at 4000 px is slow)."""
    import av
    import cv2

    from formcheck.scenes import iter_scene

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=15)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for image, _ in iter_scene("good", size=(640, 480), fps=15.0, seconds=frames / 15.0,
                                   seed=2):
            big = np.ascontiguousarray(cv2.resize(image, size), dtype=np.uint8)
            for packet in stream.encode(av.VideoFrame.from_ndarray(big, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


def _zero_frames(path: Path) -> None:
    """An mp4 container with a video stream and no frames."""
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=15)
        stream.width, stream.height = 320, 180
        stream.pix_fmt = "yuv420p"
        container.start_encoding()


INVALID = ("corrupt.mp4", "empty.mp4", "notes.mp4", "zero_frames.mp4")


@pytest.fixture(scope="module")
def acceptance(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Good and faulty clips, a photo, a corrupt mp4, an empty file, a text file named
    .mp4, a zero-frame video and a 4000x3000 clip (in a sub-folder), plus a stray .txt."""
    import cv2

    from formcheck.scenes import iter_scene

    d = tmp_path_factory.mktemp("acceptance")
    good = _render("good", d)
    _render("straight_legs", d)
    image, _ = next(iter(iter_scene("good", size=(640, 360), fps=15.0, seconds=1.0, seed=1)))
    cv2.imwrite(str(d / "photo.png"), image)
    data = good.read_bytes()
    (d / "corrupt.mp4").write_bytes(data[: len(data) // 3])
    (d / "empty.mp4").write_bytes(b"")
    (d / "notes.mp4").write_text("not a video\n")
    (d / "readme.txt").write_text("ignored: not a video or photo suffix\n")
    _zero_frames(d / "zero_frames.mp4")
    (d / "big").mkdir()
    _huge(d / "big" / "huge.mp4")
    return d


def test_acceptance_folder(acceptance: Path, tmp_path: Path, model_path: Path) -> None:
    # when
    out_csv, out_json = tmp_path / "grades.csv", tmp_path / "grades.json"
    result = CliRunner().invoke(_app(), [
        "grade", str(acceptance), "--csv", str(out_csv), "--json", str(out_json),
        "--workers", "2", "--model", str(model_path)], env={"COLUMNS": "300"})
    # then: exit 3, every valid clip graded, every invalid one listed with its reason
    assert result.exit_code == 3, result.output
    with out_csv.open(newline="") as fh:
        reader = csv.DictReader(fh)
        assert tuple(reader.fieldnames or ()) == CSV_COLUMNS
        rows = {Path(r["file"]).name: r for r in reader}
    assert set(rows) == {"good.mp4", "straight_legs.mp4", "photo.png", "huge.mp4", *INVALID}
    for name in ("good.mp4", "straight_legs.mp4", "photo.png", "huge.mp4"):
        assert rows[name]["status"] == "graded", rows[name]
    for name in ("good.mp4", "straight_legs.mp4", "photo.png"):
        assert 0 <= int(rows[name]["score"]) <= 100
    # three frames (0.2 s) are graded but too short for a score: no fault could show
    assert rows["huge.mp4"]["score"] == ""
    assert "too short to judge" in rows["huge.mp4"]["score_reason"]
    for name in INVALID:
        assert rows[name]["status"] == "error" and rows[name]["error"], rows[name]
    assert "empty" in rows["empty.mp4"]["error"]
    assert "no video frames" in rows["zero_frames.mp4"]["error"]
    assert int(rows["straight_legs.mp4"]["score"]) < int(rows["good.mp4"]["score"])
    assert rows["straight_legs.mp4"]["knees_bent"] == "fault"
    doc = json.loads(out_json.read_text())
    assert doc["complete"] and doc["counts"] == {
        "inputs": 8, "graded": 4, "errors": 4, "skipped": 0, "pending": 0,
        "below_fail_under": 0}
    # the table lists every input, worst first
    table = result.stdout
    assert table.index("notes.mp4") < table.index("straight_legs.mp4") < table.index("good.mp4")


def test_fail_under_and_usage_errors(acceptance: Path, model_path: Path) -> None:
    runner = CliRunner()
    clips = [str(acceptance / "good.mp4"), str(acceptance / "straight_legs.mp4")]
    result = runner.invoke(_app(), ["grade", *clips, "--fail-under", "90", "--workers", "1",
                                    "--model", str(model_path)])
    assert result.exit_code == 1, result.output
    result = runner.invoke(_app(), ["grade", clips[0], "--model", str(model_path)])
    assert result.exit_code == 0, result.output
    for bad in (["--fail-under", "120"], ["--workers", "0"]):
        proc = subprocess.run([sys.executable, "-c", CLI, "grade", clips[0], *bad],
                              capture_output=True, text=True, timeout=60)
        assert proc.returncode == 2 and proc.stderr.startswith("formcheck: error: --")


def test_killed_batch_resumes(tmp_path: Path, model_path: Path) -> None:
    # given: three clips graded one at a time
    clips = tmp_path / "clips"
    for seed, name in enumerate(("good", "straight_legs", "heels_up")):
        _render(name, clips, seed=seed)
    out_csv, out_json = tmp_path / "grades.csv", tmp_path / "grades.json"
    args = [sys.executable, "-c", CLI, "grade", str(clips), "--csv", str(out_csv),
            "--json", str(out_json), "--workers", "1", "--model", str(model_path)]

    def data_rows() -> list[dict[str, Any]]:
        if not out_csv.exists():
            return []
        with out_csv.open(newline="") as fh:
            return list(csv.DictReader(fh))

    # when: killed once the first clip is in the CSV
    proc = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 120
    while not data_rows() and proc.poll() is None and time.monotonic() < deadline:
        time.sleep(0.1)
    proc.terminate()
    proc.wait(timeout=30)
    first = data_rows()
    assert 1 <= len(first) < 3, "the batch finished before it could be killed"
    finished = json.loads(out_json.read_text())
    assert not finished["complete"]
    # when: resumed
    again = subprocess.run([*args, "--resume"], capture_output=True, text=True, timeout=180)
    # then: all rows present, the finished ones not graded again
    assert again.returncode == 0, again.stderr
    assert "--resume: skipping" in again.stderr
    rows = {r["file"]: r for r in data_rows()}
    assert len(rows) == 3 and all(r["status"] == "graded" for r in rows.values())
    for r in first:
        assert rows[r["file"]] == r
    doc = json.loads(out_json.read_text())
    resumed = {r["file"] for r in doc["rows"] if r["resumed"]}
    assert resumed == {r["file"] for r in first}
    assert doc["complete"] and doc["counts"]["skipped"] == len(first)


def _comparable(row: Mapping[str, object]) -> dict[str, object]:
    return {k: v for k, v in row.items() if k not in ("wall_s",)}


def test_ray_engine_matches_local(acceptance: Path, tmp_path: Path, model_path: Path) -> None:
    pytest.importorskip("ray")
    import ray

    inputs = [str(acceptance / "good.mp4"), str(acceptance / "straight_legs.mp4"),
              str(acceptance / "notes.mp4")]
    local = g.grade(inputs, g.GradeOptions(model=model_path, workers=2, progress=False))
    try:
        remote = g.grade(inputs, g.GradeOptions(model=model_path, workers=2, progress=False,
                                                engine=EngineName.RAY))
    finally:
        if ray.is_initialized():
            ray.shutdown()
    assert not ray.is_initialized()
    assert remote.engine == "ray" and local.engine == "local"
    assert [_comparable(r) for r in remote.rows] == [_comparable(r) for r in local.rows]
    assert remote.exit_code == local.exit_code == 3
