"""The roller stage against the scenes' truth, per frame, aggregated per scene over seeds.

Renders each scene at 640x360, 15 fps, 1.5 s per seed, runs the real pose model (VIDEO
mode, segmentation mask on) and the roller tracker, and prints per scene: frames with
the roller in view, the share found, the share found with the centre within 5% of the
shoulder-to-hip length of the truth's centre (an across roller's near end disc, which
the rules detector reads), that error's 95th percentile (torso lengths), the share
within 5% of the whole roller's centre (its middle, which the learned detector's heads
read), the share with the right orientation, and roller reports in frames without one.
The last line aggregates every frame with the roller in view.

    .venv/bin/python benchmarks/eval_roller.py [--seeds 0-14] [--scenes good,holds]
        [--detector rules|learned] [--learned-model F] [--fps 15] [--every-frame]

Seeds 0-14 over all scenes take about 5 minutes on 2 cores.
"""

from __future__ import annotations

import argparse
from pathlib import Path

import numpy as np

from formcheck.model.bundle import find
from formcheck.pose.landmarker import Mode, PoseLandmarker
from formcheck.roller.learned import MODEL_PATH
from formcheck.roller.tracker import RollerTracker
from formcheck.scenes import iter_scene
from formcheck.scenes.scenarios import SCENARIOS

SIZE, FPS, SECONDS = (640, 360), 15.0, 1.5


def _share(n: int, of: int) -> str:
    return f"{n / of:.3f}" if of else "-"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seeds", default="0-14", help="a range, e.g. 0-14")
    ap.add_argument("--scenes", default=",".join(SCENARIOS), help="comma-separated")
    ap.add_argument("--detector", default="rules", choices=("rules", "learned"))
    ap.add_argument("--fps", type=float, default=FPS)
    ap.add_argument("--every-frame", action="store_true",
                    help="the learned detector in every frame (default: at most every "
                         "60 ms, as the tracker runs it)")
    ap.add_argument("--learned-model", type=Path, default=None,
                    help="another ONNX model for the learned detector (default: the committed)")
    args = ap.parse_args()
    lo, _, hi = args.seeds.partition("-")
    seeds = range(int(lo), int(hi or lo) + 1)
    model = find()
    assert model is not None, "run: formcheck models fetch"
    print(f"{'scene':22s} {'in view':>7s} {'found':>6s} {'within 5%':>9s} {'p95':>6s} "
          f"{'whole 5%':>8s} {'orient':>6s} {'false':>9s}")
    all_view = all_found = all_within = all_whole = 0
    for scene in args.scenes.split(","):
        view = found = within = whole = orient = false = empty = 0
        errors: list[float] = []
        for seed in seeds:
            tracker = RollerTracker.named(args.detector, args.learned_model or MODEL_PATH)
            if args.every_frame:
                tracker.min_interval_ms = 0.0
            with PoseLandmarker(model, Mode.VIDEO, segmentation=True) as lm:
                frames = iter_scene(scene, size=SIZE, fps=args.fps, seconds=SECONDS, seed=seed)
                for k, (image, truth) in enumerate(frames):
                    obs = tracker.update(image, lm.detect(image, truth.t_ms, k))
                    r = truth.roller
                    if not (truth.person_visible and r.visible and r.center_px):
                        empty += 1
                        false += int(obs.found)
                        continue
                    view += 1
                    if not obs.found or obs.center_px is None:
                        continue
                    found += 1
                    sh = np.array(truth.joints_px["left_shoulder"])
                    hip = np.array(truth.joints_px["left_hip"])
                    err = float(np.hypot(obs.center_px[0] - r.center_px[0],
                                         obs.center_px[1] - r.center_px[1]))
                    torso = float(np.linalg.norm(hip - sh))
                    err /= torso
                    errors.append(err)
                    within += err <= 0.05
                    mid = r.whole_center_px or r.center_px
                    whole += float(np.hypot(obs.center_px[0] - mid[0],
                                            obs.center_px[1] - mid[1])) / torso <= 0.05
                    orient += obs.orientation.value == r.orientation
        all_view, all_found, all_within = all_view + view, all_found + found, all_within + within
        all_whole += whole
        p95 = float(np.percentile(errors, 95)) if errors else float("nan")
        print(f"{scene:22s} {view:7d} {_share(found, view):>6s} {_share(within, view):>9s} "
              f"{p95:6.3f} {_share(whole, view):>8s} "
              f"{(orient / found if found else float('nan')):6.3f} {false:4d}/{empty:<4d}",
              flush=True)
    if all_view:
        print(f"all frames with the roller in view: {all_view}, found {all_found / all_view:.3f}, "
              f"within 5% {all_within / all_view:.3f}, of the whole roller's centre "
              f"{all_whole / all_view:.3f}")


if __name__ == "__main__":
    main()
