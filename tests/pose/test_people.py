"""Counting the people in view: the pure matching (no model), and the real model on a
real clip where a trainer stands beside the person exercising."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import numpy as np
import pytest

from formcheck.pose.frame import Pose
from formcheck.pose.landmarks import NUM_LANDMARKS
from formcheck.pose.people import People, distinct, placed
from tests.cli.helpers import run_formcheck


def _person(x0: float, y0: float = 100.0, w: float = 200.0, h: float = 400.0,
            visible: float = 1.0) -> Pose:
    """A pose whose landmarks span the box (x0, y0, x0 + w, y0 + h), px."""
    rng = np.random.default_rng(int(x0))
    xy = np.column_stack([x0 + w * rng.random(NUM_LANDMARKS), y0 + h * rng.random(NUM_LANDMARKS)])
    xy[0], xy[1] = (x0, y0), (x0 + w, y0 + h)
    vis = np.where(np.arange(NUM_LANDMARKS) < visible * NUM_LANDMARKS, 0.9, 0.1)
    return Pose.from_pixels(xy, (1280, 720), visibility=vis)


def test_one_person_found_twice_counts_once() -> None:
    a, again = _person(100), _person(110)
    assert len(distinct([a, again])) == 1
    assert len(distinct([a, _person(700)])) == 2


def test_a_pose_mostly_hidden_is_no_person() -> None:
    kept = distinct([_person(100), _person(700, visible=0.3)])
    assert len(kept) == 1 and kept[0].xy[0, 0] == 100


@pytest.mark.parametrize(("followed", "where"), [(0, "left"), (1, "middle"), (2, "right")])
def test_where_the_followed_person_is(followed: int, where: str) -> None:
    people = [_person(100), _person(500), _person(900)]
    assert placed(people, _person([100, 500, 900][followed] + 5)) == People(2, where)


def test_alone_or_unmatched() -> None:
    me = _person(100)
    assert placed([me], me) == People()
    assert placed([], me) == People()
    # nobody followed (the tracker lost them): one of those found would be
    assert placed([me, _person(700)], None) == People(1, None)
    # followed, but the count missed them: everyone it found is someone else
    assert placed([_person(700)], me) == People(1, None)


def _analyze(clip: Path, out: Path, model_path: Path, *more: str
             ) -> tuple[str, dict[str, Any]]:
    """``analyze`` of one clip: what it printed (its result lines are on stdout) and its
    summary."""
    result = run_formcheck("analyze", str(clip), "--out", str(out), "--model",
                           str(model_path), *more)
    assert result.returncode == 0, result.stderr
    summary = json.loads((out / clip.stem / "summary.json").read_text())
    return result.stdout + result.stderr, summary


@pytest.mark.model
@pytest.mark.footage
def test_a_trainer_beside_the_person_is_reported(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given: a real clip of a woman doing chair squats with her trainer beside her
    clip = footage / "pexels" / "chair-squat.mp4"
    # when
    err, summary = _analyze(clip, tmp_path, model_path)
    # then: said on the console, in summary.json, per frame and in the report
    assert ("chair-squat.mp4: someone else was in view for " in err
            and "only the person rolling should be in view" in err), err
    others = summary["others"]
    assert others is not None and others["most"] >= 1 and others["seconds"] >= 5.0
    assert others["followed_at"] in ("left", "right")
    frames = [json.loads(line) for line in
              (tmp_path / "chair-squat" / "frames.jsonl").read_text().splitlines()]
    seen = [f["others"] for f in frames if "others" in f]
    assert len(seen) >= len(frames) // 2 and seen[-1]["count"] >= 1, len(seen)
    report = (tmp_path / "chair-squat" / "report.html").read_text()
    assert others["words"] in report


@pytest.mark.model
@pytest.mark.footage
def test_one_person_alone_is_not_told_of_others(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given: a real clip of one woman on her back
    clip = footage / "pexels" / "glute-bridge.mp4"
    # when
    err, summary = _analyze(clip, tmp_path, model_path, "--fps", "0")
    # then
    assert "in view" not in err
    assert summary["others"] is None
