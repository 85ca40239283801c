"""Shared helpers for the evaluator tests: drive the evaluator with generated poses."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from dataclasses import replace
from typing import Any

import numpy as np

from formcheck.evaluator.config import EvaluatorConfig
from formcheck.evaluator.evaluator import Evaluator, evaluate_still
from formcheck.evaluator.results import FrameVerdict
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import Landmark
from formcheck.roller.observation import Orientation, RollerObservation
from tests.evaluator.kinematic import BodySpec, make_frame, make_roller

FPS = 30.0
GOOD = BodySpec()


def exact_frame(truth: dict[str, Any]) -> PoseFrame:
    """A 3D set truth row's exact landmarks as a pose frame: its pixels as the image
    landmarks (px) and its 3D joints about the mid-hip as the world landmarks (m), as
    MediaPipe gives them; a landmark the row lacks at 0."""
    xy, world = np.zeros((33, 2)), np.zeros((33, 3))
    for name, p in truth["joints_px"].items():
        if name.upper() in Landmark.__members__:
            xy[Landmark[name.upper()]] = p
            world[Landmark[name.upper()]] = truth["joints_3d"][name]
    hips = world[[Landmark.LEFT_HIP, Landmark.RIGHT_HIP]].mean(axis=0)
    pose = replace(Pose.from_pixels(xy, (truth["width"], truth["height"])), world=world - hips)
    return PoseFrame(index=0, t_ms=0.0, width=truth["width"], height=truth["height"], pose=pose)


def still(
    spec: BodySpec = GOOD,
    position: float | None = 0.3,
    orientation: Orientation = Orientation.ACROSS,
    config: EvaluatorConfig | None = None,
    mask_scale: float | None = None,
) -> FrameVerdict:
    """Evaluate one generated photo (roller at ``position``, or none); with
    ``mask_scale``, the frame carries the leg's segmentation mask at that scale."""
    roller = None if position is None else make_roller(spec, position, orientation)
    return evaluate_still(make_frame(spec, mask_scale=mask_scale), roller, config)


Step = tuple[BodySpec | None, RollerObservation | None]


def run(
    steps: Iterable[Step],
    config: EvaluatorConfig | None = None,
    fps: float = FPS,
    evaluator: Evaluator | None = None,
    mask_scale: float | None = None,
) -> tuple[Evaluator, list[FrameVerdict]]:
    """Feed a sequence of (spec or None for nobody, roller) at ``fps`` (with the leg's
    segmentation mask at ``mask_scale`` when given)."""
    ev = evaluator or Evaluator(config)
    out = []
    from formcheck.pose.frame import PoseFrame

    for i, (spec, roller) in enumerate(steps):
        t = i / fps
        if spec is None:
            frame = PoseFrame(index=i, t_ms=t * 1000, width=1280, height=720, pose=None)
        else:
            frame = make_frame(spec, t_s=t, index=i, mask_scale=mask_scale)
        out.append(ev.update(frame, roller))
    return ev, out


def timeline(
    seconds: float,
    spec_at: Callable[[float], BodySpec],
    position_at: Callable[[float], float | None] = lambda t: 0.3,
    orientation: Orientation = Orientation.ACROSS,
    fps: float = FPS,
) -> list[Step]:
    """Steps for ``seconds`` of video, the pose and roller position as functions of t."""
    steps: list[Step] = []
    for i in range(round(seconds * fps)):
        t = i / fps
        spec = spec_at(t)
        p = position_at(t)
        steps.append((spec, None if p is None else make_roller(spec, p, orientation)))
    return steps
