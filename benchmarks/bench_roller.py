"""Roller stage cost per frame: detection and tracking on synthetic 640x480 frames.

Run: ``.venv/bin/python benchmarks/bench_roller.py [--detector rules|learned]
[--learned-model PATH] [--fps 15]``. Uses the
scene truth as the pose (no model), one OpenCV thread, and prints ms/frame. ``--fps``: the
stream's frame rate (15: what ``analyze`` reads; 30: a webcam in ``live``, where the
learned tracker runs its network at most every ``LEARNED_MIN_INTERVAL_MS``).
"""

from __future__ import annotations

import argparse
import statistics
import time
from pathlib import Path

import numpy as np

from formcheck.lazy import cv2 as _cv2
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.roller.learned import MODEL_PATH
from formcheck.roller.tracker import RollerTracker
from formcheck.scenes import iter_scene


def _pose(joints: dict[str, tuple[float, float]], w: int, h: int) -> Pose:
    xy = np.zeros((NUM_LANDMARKS, 2))
    for name, p in joints.items():
        xy[Landmark[name.upper()]] = p
    return Pose.from_pixels(xy, (w, h))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--detector", choices=("rules", "learned"), default="rules")
    ap.add_argument("--passes", type=int, default=7,
                    help="passes over the frames; the median pass is printed")
    ap.add_argument("--fps", type=float, default=15.0,
                    help="the frames' rate (the learned tracker holds between detections "
                         "under 35 ms apart)")
    ap.add_argument("--learned-model", type=Path, default=MODEL_PATH,
                    help="the learned detector's ONNX network (a candidate to time)")
    args = ap.parse_args()
    cv2 = _cv2()
    cv2.setNumThreads(1)
    w, h = 640, 480
    frames = []
    for scene in ("good", "roller_along_spine", "low_light"):
        for k, (img, truth) in enumerate(iter_scene(scene, size=(w, h), fps=args.fps,
                                                         seconds=2.0)):
            pf = PoseFrame(index=k, t_ms=truth.t_ms, width=w, height=h,
                           pose=_pose(truth.joints_px, w, h))
            frames.append((img, pf))
    if args.learned_model != MODEL_PATH and (
            args.detector != "learned" or not args.learned_model.with_suffix(".json").is_file()):
        # uncalibrated, its finds would take other paths through the tracker
        raise SystemExit("bench_roller: --learned-model needs --detector learned and "
                         "the model's calibration (NAME.json) beside it")
    tracker = RollerTracker.named(args.detector, args.learned_model)
    for img, pf in frames[:5]:
        tracker.update(img, pf)
    passes = []
    for _ in range(args.passes):  # each pass a new stream for the tracker (time goes back)
        t0 = time.perf_counter()
        for img, pf in frames:
            tracker.update(img, pf)
        passes.append((time.perf_counter() - t0) * 1000.0 / len(frames))
    ms = statistics.median(passes)
    print(f"roller detect+track ({args.detector}): {ms:.2f} ms/frame, the median of "
          f"{len(passes)} passes over {len(frames)} frames of {w}x{h} at {args.fps:g} fps "
          f"(passes "
          f"{min(passes):.2f}-{max(passes):.2f}; 1 thread, drawn-body person map: no "
          "segmentation mask)")


if __name__ == "__main__":
    main()
