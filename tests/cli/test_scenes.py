"""The ``scenes`` command line."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from formcheck.cli.scenes import app
from tests.cli.helpers import run_formcheck

runner = CliRunner()


def test_list_shows_every_scenario() -> None:
    result = runner.invoke(app, ["list"])
    assert result.exit_code == 0
    for name in ("good", "session", "no_person", "roller_along_spine"):
        assert name in result.output


def test_render_writes_video_and_truth(tmp_path: Path) -> None:
    result = runner.invoke(app, ["render", "heels_up", "--out", str(tmp_path), "--seconds",
                                 "0.5", "--size", "160x90", "--fps", "10", "--seed", "1"])
    assert result.exit_code == 0, result.output
    video = tmp_path / "heels_up.mp4"
    truth = tmp_path / "heels_up.truth.jsonl"
    assert video.stat().st_size > 1000
    lines = truth.read_text().splitlines()
    assert len(lines) == 5
    assert json.loads(lines[0])["expected"]["feet_flat"] == "fault"
    import av

    with av.open(str(video)) as container:
        frames = sum(1 for _ in container.decode(video=0))
    assert frames == 5


def test_render_rejects_unknown_scenario(tmp_path: Path) -> None:
    result = run_formcheck("scenes", "render", "nope", "--out", str(tmp_path))
    assert result.returncode == 2
    assert result.stderr.startswith("formcheck: error: unknown scenario 'nope'")


def test_render_rejects_bad_size(tmp_path: Path) -> None:
    result = run_formcheck("scenes", "render", "good", "--out", str(tmp_path), "--size", "big")
    assert result.returncode == 2
    assert len(result.stderr.strip().splitlines()) == 1, result.stderr
