"""Run formcheck's pipeline (pose model, roller tracker, evaluator) over the 3D set.

This is the set's consumer, not part of the pipeline: it feeds each shot's frames to
:class:`formcheck.frontends.pipeline.FramePipeline` as a camera would (imported when
called) and pairs every verdict with its truth for :mod:`formcheck.scenes3d.scoring`.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from formcheck.evaluator.config import EvaluatorConfig
from formcheck.pose.landmarks import SIDE_LANDMARKS
from formcheck.scenes3d.dataset import GOOD_FORM, Shot
from formcheck.scenes3d.scoring import FrameResult, angle_deg


def run_shot(shot: Shot, model: Path,
             config: EvaluatorConfig | None = None) -> list[FrameResult]:
    """Every frame of ``shot`` through the pipeline, as ``analyze`` runs it."""
    from formcheck.frontends.pipeline import FramePipeline
    from formcheck.source import VideoFrame

    out: list[FrameResult] = []
    cam = shot.row["camera"]
    with FramePipeline(model, still=shot.still, config=config) as pipe:
        for i, (image, truth) in enumerate(shot.frames()):
            step = pipe.step(VideoFrame(i, float(truth["t_ms"]), image))
            v = step.verdict
            knee = None
            pose = step.pose.pose
            if pose is not None:
                ids = SIDE_LANDMARKS[truth["near_side"]]
                knee = angle_deg(pose.xy[ids["hip"]], pose.xy[ids["knee"]],
                                 pose.xy[ids["ankle"]])
            out.append(FrameResult(
                shot=shot.name, scenario=shot.scenario, camera_bin=shot.camera_bin,
                azimuth_deg=float(cam["azimuth_deg"]), good_form=shot.scenario in GOOD_FORM,
                truth=truth, pose_found=pose is not None,
                frame_status={c.value: cv.frame_status.value for c, cv in v.checks.items()},
                status={c.value: cv.status.value for c, cv in v.checks.items()},
                knee_px_deg=knee, cue=None if v.cue is None else v.cue.key,
            ))
    return out


def run_set(shots: Iterable[Shot], model: Path,
            config: EvaluatorConfig | None = None) -> list[FrameResult]:
    """:func:`run_shot` over many shots."""
    return [r for s in shots for r in run_shot(s, model, config)]
