"""Run synthetic scenarios through the real pipeline (pose model, roller tracker,
evaluator) and pair each frame's verdict with the scene's exact truth."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from formcheck.evaluator.config import EvaluatorConfig
from formcheck.evaluator.results import FrameVerdict
from formcheck.frontends.pipeline import FramePipeline
from formcheck.scenes.stream import iter_scene
from formcheck.scenes.truth import TruthRecord
from formcheck.source import VideoFrame


@dataclass
class Run:
    """One scenario's frames: the truth and the verdict of each."""

    name: str
    truths: list[TruthRecord]
    verdicts: list[FrameVerdict]


def run_scenario(
    name: str, model: Path, *, seconds: float, size: tuple[int, int] = (480, 270),
    fps: float = 15.0, seed: int = 3, config: EvaluatorConfig | None = None,
) -> Run:
    truths, verdicts = [], []
    with FramePipeline(model, config=config) as pipe:
        for i, (image, truth) in enumerate(iter_scene(name, size, fps, seconds, seed)):
            step = pipe.step(VideoFrame(i, truth.t_ms, image))
            truths.append(truth)
            verdicts.append(step.verdict)
    return Run(name, truths, verdicts)
