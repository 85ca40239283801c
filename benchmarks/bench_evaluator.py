"""Benchmark: the evaluator's cost per frame, µs (target: under 1000).

Run: ``.venv/bin/python benchmarks/bench_evaluator.py``. Feeds a generated session
(a person rolling at 6 cm/s, with a knee fault now and then) through
:class:`formcheck.evaluator.Evaluator` and prints the mean and the 99th percentile.
Each frame carries the leg's segmentation mask at 640x360 (the analyzer's mask of a
720p frame), so feet_flat's heel reading from the silhouette is timed too
(``--no-mask`` leaves it out). The poses are generated before timing; only ``update``
is timed.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from dataclasses import replace
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # the tests' pose generator

from tests.evaluator.kinematic import (
    BodySpec,
    make_frame,
    make_roller,
    silhouette,
)

from formcheck.evaluator.evaluator import Evaluator
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import RollerObservation


def _session(
    n_frames: int, fps: float, masks: bool
) -> list[tuple[PoseFrame, RollerObservation]]:
    good, bad = BodySpec(), BodySpec(knee_deg=170)
    frames = []
    specs = [good.with_(knee_deg=90 + k) for k in range(0, 40, 4)] + [bad]
    # 1280x720 frames with a 640x360 mask; one mask per pose (drawing them is slow).
    mask_of = {id(s): silhouette(s, 0.5) for s in specs} if masks else {}
    rollers = {}
    for i in range(n_frames):
        t = i / fps
        spec = specs[(i // 15) % len(specs)]
        phase = (t % 5.0) / 5.0
        p = 0.15 + 0.25 * (2 * phase if phase < 0.5 else 2 - 2 * phase)
        key = (id(spec), round(p, 3))
        if key not in rollers:
            rollers[key] = make_roller(spec, p)
        frame = make_frame(spec, t_s=t, index=i)
        frames.append((replace(frame, mask=mask_of.get(id(spec))), rollers[key]))
    return frames


def _with_world(frame: PoseFrame) -> PoseFrame:
    """The frame with world landmarks (m, about the hips) made from its pixels, left and
    right 0.1 m apart in depth, so that the 3D geometry has a body to read (timing only:
    the generator draws a side view)."""
    import numpy as np

    from formcheck.pose.landmarks import Landmark

    pose = frame.pose
    if pose is None:
        return frame
    hip = (pose.xy[Landmark.LEFT_HIP] + pose.xy[Landmark.RIGHT_HIP]) / 2
    world = np.zeros((33, 3))
    world[:, :2] = (pose.xy - hip) / 400.0
    for lm in Landmark:
        world[lm, 2] = -0.1 if lm.name.startswith("LEFT_") else (
            0.1 if lm.name.startswith("RIGHT_") else 0.0)
    return replace(frame, pose=replace(pose, world=world))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--frames", type=int, default=3000)
    parser.add_argument("--fps", type=float, default=30.0)
    parser.add_argument("--no-mask", action="store_true", help="frames without a mask")
    parser.add_argument("--geometry", choices=("image", "3d"), default=None,
                        help="roller.geometry (default: the configuration's default)")
    parser.add_argument("--camera-reading", choices=("learned", "geometric"), default=None,
                        help="setup.camera_reading (default: the configuration's default)")
    args = parser.parse_args()
    from formcheck.evaluator.config import EvaluatorConfig, RollerConfig, SetupConfig

    config = EvaluatorConfig() if args.geometry is None else EvaluatorConfig(
        roller=RollerConfig(geometry=args.geometry))
    if args.camera_reading is not None:
        config = config.model_copy(update={
            "setup": SetupConfig(camera_reading=args.camera_reading)})
    session = [(_with_world(f), r) for f, r in _session(args.frames, args.fps,
                                                        not args.no_mask)]
    evaluator = Evaluator(config)
    for frame, roller in session[:100]:  # warm up
        evaluator.update(frame, roller)
    evaluator = Evaluator(config)
    times = []
    for frame, roller in session:
        start = time.perf_counter()
        evaluator.update(frame, roller)
        times.append(time.perf_counter() - start)
    start = time.perf_counter()
    evaluator.summary()
    summary_ms = (time.perf_counter() - start) * 1000
    mean_us = statistics.fmean(times) * 1e6
    p99_us = sorted(times)[int(0.99 * len(times))] * 1e6
    print(
        f"evaluator ({config.roller.geometry} geometry, {config.setup.camera_reading} "
        f"camera reading): {mean_us:.0f} µs/frame mean, "
        f"{p99_us:.0f} µs p99 over {len(times)} frames "
        f"(target < 1000 µs); summary {summary_ms:.2f} ms"
    )


if __name__ == "__main__":
    main()
