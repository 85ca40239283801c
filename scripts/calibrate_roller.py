"""Calibrate the learned roller detector's confidence on frames it was not trained on.

The network (``roller_seg.onnx``) is trained on the 3D set's tuning stills 000-299 and
1000 up and clips 500-509 (``benchset.detector_training_shot``); the rest of the tuning split
(numbered 300-499 and 510-999: the head-and-hips stills and clip, the head-end stills
and clips) is tuning data it never saw, so it calibrates the confidence without
touching the evaluation part. Each find (truth landmarks as the pose, one detection a
frame) is right when its centre lies within 10% of the shoulder-to-hip length of the
visible roller pixels' centroid (as ``benchmarks/eval_roller3d.py`` scores it); a Platt
fit of right against the logit of the blob's mean probability is written into the
model's JSON (``calibration``), which ``LearnedRollerDetector`` applies. Prints the
reliability before and after.

    .venv/bin/python scripts/calibrate_roller.py [--set DIR] [--model F] [--dry-run]
"""

from __future__ import annotations

import argparse
import itertools
import json
import math
from pathlib import Path

import numpy as np

from formcheck.roller.geometry import Body
from formcheck.roller.learned import MODEL_PATH, Calibration, LearnedRollerDetector
from formcheck.roller.learned_data import find_is_right, pose_frame_from_truth, seen_centre
from formcheck.scenes3d import dataset
from formcheck.scenes3d.benchset import detector_training_shot

BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 1.01)


def fit_platt(x: np.ndarray, y: np.ndarray, iters: int = 50) -> tuple[float, float]:
    """(a, b) maximising the likelihood of y (0/1) under sigmoid(a * x + b): Newton."""
    a, b = 0.0, float(np.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6)))
    X = np.stack([x, np.ones_like(x)], axis=1)
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(a * x + b)))
        grad = X.T @ (y - p)
        hess = -(X * (p * (1 - p))[:, None]).T @ X - 1e-6 * np.eye(2)
        step = np.linalg.solve(hess, grad)
        a, b = a - float(step[0]), b - float(step[1])
        if float(np.abs(step).max()) < 1e-9:
            break
    return a, b


def reliability(pairs: list[tuple[float, bool]]) -> str:
    lines = ["  confidence  finds  share right  mean confidence"]
    for lo, hi in itertools.pairwise(BINS):
        got = [(c, ok) for c, ok in pairs if lo <= c < hi]
        if got:
            lines.append(f"  {lo:.1f}-{min(hi, 1.0):.1f}   {len(got):5d}  "
                         f"{sum(ok for _, ok in got) / len(got):11.3f}  "
                         f"{sum(c for c, _ in got) / len(got):15.3f}")
    return "\n".join(lines)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--model", type=Path, default=MODEL_PATH)
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the JSON")
    args = ap.parse_args()
    det = LearnedRollerDetector(args.model, calibrated=False)
    raw: list[tuple[float, bool]] = []
    frames = 0
    for shot in dataset.load(args.set, "tuning"):
        if detector_training_shot(shot.name):
            continue
        masks = shot.masks()
        for k, (img, truth) in enumerate(shot.frames()):
            frames += 1
            pf = pose_frame_from_truth(truth, k)
            body = None if pf.pose is None else Body.from_pose(pf.pose)
            obs = det.detect(img, pf)
            if not obs.found:
                continue
            right = find_is_right(obs.center_px, truth,
                                  None if body is None else body.length,
                                  seen_centre(masks[k]))
            raw.append((obs.confidence, right))
    x = np.array([math.log(min(max(c, 1e-4), 1 - 1e-4) / (1 - min(max(c, 1e-4), 1 - 1e-4)))
                  for c, _ in raw])
    y = np.array([float(ok) for _, ok in raw])
    a, b = fit_platt(x, y)
    cal = Calibration(a, b)
    print(f"{frames} frames of tuning shots unseen in training, {len(raw)} finds, "
          f"{int(y.sum())} right")
    print("raw (the blob's mean probability):\n" + reliability(raw))
    print(f"Platt a {a:.3f} b {b:.3f}, calibrated:\n"
          + reliability([(cal(c), ok) for c, ok in raw]))
    if args.dry_run:
        return
    meta_path = args.model.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    meta["calibration"] = {"method": "platt", "a": round(a, 4), "b": round(b, 4),
                           "frames": frames, "finds": len(raw), "right": int(y.sum()),
                           "shots": "tuning 300-499 and 510-999 (unseen in training)"}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"written: {meta_path}")


if __name__ == "__main__":
    main()
