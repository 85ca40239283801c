"""Calibrate the learned roller detector's confidence on frames it was not trained on.

The network (``roller_seg.onnx``) is trained on the 3D set's tuning stills 000-299 and
1000-1599 and clips 500-509 (``benchset.detector_training_shot``); the rest of the
tuning split (numbered 300-499 and 510-999: the head-and-hips stills and clip, the
head-end stills and clips; 1600-1659: people lying flat without a roller) is tuning
data it never saw, so it calibrates the confidence without touching the evaluation part
(the confirmation stills 1700 up, ``benchset.confirmation_shot``, are left out: they
confirm choices). Each find (truth landmarks as the pose, one detection a frame) is
right when its centre lies within 10% of the shoulder-to-hip length of the
whole roller's centre (``learned_data.find_is_right``, as
``benchmarks/eval_roller3d.py`` scores it); a Platt fit of right against the logit of
the blob's mean probability and, for a model with heads, the logit of the centre
heatmap's peak (0 where no centre was read: the find's whole-roller place is then
unknown) is written into the model's JSON (``calibration``: ``rights`` counts the
right finds), which ``LearnedRollerDetector`` applies. Prints the reliability before and after,
and how many frames without a roller (the tuning part's, and 2D scene frames of a seed
nothing else uses) the new calibration would report against the old one: a refit whose
fit frames all held a roller once reported rollers in 18 of 58 real roller-less photos
where the old one reported 3 (docs/roller_learned.md, "Stop 34"), so the fit now holds
the lying-flat stills, where any find is wrong; the counts go into the JSON
(``empty_reported``).

    .venv/bin/python scripts/calibrate_roller.py [--set DIR] [--model F] [--dry-run]
"""

from __future__ import annotations

import argparse
import itertools
import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.roller.geometry import Body
from formcheck.roller.learned import (
    MODEL_PATH,
    REPORT_MIN,
    Calibration,
    LearnedRollerDetector,
    logit,
)
from formcheck.roller.learned_data import find_is_right, pose_frame_from_truth
from formcheck.scenes3d import dataset
from formcheck.scenes3d.benchset import calibration_shot, confirmation_shot

BINS = (0.0, 0.3, 0.5, 0.7, 0.8, 0.9, 1.01)
EMPTY_2D_SEED = 424242


def fit_platt(x: np.ndarray, y: np.ndarray, iters: int = 50) -> np.ndarray:
    """Weights w (one per column of x (n, k), then the intercept) maximising the
    likelihood of y (0/1) under sigmoid(x @ w[:-1] + w[-1]): Newton."""
    X = np.column_stack([x.reshape(len(y), -1), np.ones(len(y))])
    w = np.zeros(X.shape[1])
    w[-1] = float(np.log((y.mean() + 1e-6) / (1 - y.mean() + 1e-6)))
    for _ in range(iters):
        p = 1.0 / (1.0 + np.exp(-(X @ w)))
        grad = X.T @ (y - p)
        hess = -(X * (p * (1 - p))[:, None]).T @ X - 1e-6 * np.eye(X.shape[1])
        step = np.linalg.solve(hess, grad)
        w = w - step
        if float(np.abs(step).max()) < 1e-9:
            break
    return w


def reliability(pairs: list[tuple[float, bool]]) -> str:
    lines = ["  confidence  finds  share right  mean confidence"]
    for lo, hi in itertools.pairwise(BINS):
        got = [(c, ok) for c, ok in pairs if lo <= c < hi]
        if got:
            lines.append(f"  {lo:.1f}-{min(hi, 1.0):.1f}   {len(got):5d}  "
                         f"{sum(ok for _, ok in got) / len(got):11.3f}  "
                         f"{sum(c for c, _ in got) / len(got):15.3f}")
    return "\n".join(lines)


Frames = Iterator[tuple[NDArray[np.uint8], dict[str, Any]]]


def empty_3d(set_dir: Path) -> Frames:
    """The 3D set's tuning frames without a visible roller (image, truth)."""
    for shot in dataset.load(set_dir, "tuning"):
        if confirmation_shot(shot.name):
            continue
        for img, truth in shot.frames():
            if not (truth.get("roller") or {}).get("visible"):
                yield img, truth


def empty_2d() -> Frames:
    """2D scene frames without a roller, from a seed no training or acceptance run uses."""
    from formcheck.scenes.stream import masked_frames

    for img, mask, truth in masked_frames(400, EMPTY_2D_SEED, no_roller_share=0.5):
        if not mask.any() and truth.get("person_visible", True):
            yield img, truth


Scores = list[tuple[float, float | None]]  # uncalibrated: blob mean, centre peak


def empty_finds(det: LearnedRollerDetector, frames: Frames) -> tuple[Scores, int]:
    """Of frames without a roller (truth landmarks as the pose), the uncalibrated scores
    (``last_raw``) of every find the detector outlines, and how many frames there are.
    Counting these under a calibration is what keeps it honest about empty scenes
    (docs/roller_learned.md, "Stop 34"); the 3D ones include the fit's lying-flat stills,
    the 2D ones are outside the fit."""
    finds: Scores = []
    n = 0
    for k, (img, truth) in enumerate(frames):
        n += 1
        det.detect(img, pose_frame_from_truth(truth, k))  # uncalibrated: any blob counts
        if det.last_blob is not None:
            finds.append(det.last_raw)
    return finds, n


def reported(cal: Calibration, finds: Scores) -> int:
    """How many of ``finds`` (uncalibrated scores) ``cal`` puts at ``REPORT_MIN`` or more."""
    return sum(cal(*raw) >= REPORT_MIN for raw in finds)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--model", type=Path, default=MODEL_PATH)
    ap.add_argument("--dry-run", action="store_true", help="print, do not write the JSON")
    args = ap.parse_args()
    det = LearnedRollerDetector(args.model, calibrated=False)
    raw: list[tuple[float, bool]] = []
    peaks: list[float | None] = []
    frames = 0
    for shot in dataset.load(args.set, "tuning"):
        if not calibration_shot(shot.name):
            continue
        for k, (img, truth) in enumerate(shot.frames()):
            frames += 1
            pf = pose_frame_from_truth(truth, k)
            body = None if pf.pose is None else Body.from_pose(pf.pose)
            obs = det.detect(img, pf)
            if not obs.found or obs.center_px is None:
                continue
            right = find_is_right(obs.center_px, truth, None if body is None else body.length)
            raw.append((det.last_raw[0], right))
            peaks.append(det.last_raw[1])
    heads = all(p is not None for p in peaks)
    x = np.array([[logit(c)] + ([logit(p or 0.0)] if heads else []) for (c, _), p
                  in zip(raw, peaks, strict=True)])
    y = np.array([float(ok) for _, ok in raw])
    w = fit_platt(x, y)
    a, c, b = float(w[0]), float(w[1]) if heads else 0.0, float(w[-1])
    cal = Calibration(a, b, c)
    print(f"{frames} frames of tuning shots unseen in training, {len(raw)} finds, "
          f"{int(y.sum())} right")
    print("raw (the blob's mean probability):\n" + reliability(raw))
    print(f"Platt a {a:.3f} b {b:.3f} c {c:.3f}, calibrated:\n"
          + reliability([(cal(r, p), ok) for (r, ok), p in zip(raw, peaks, strict=True)]))
    before = Calibration.of_model(args.model)
    empty = {"3d": empty_finds(det, empty_3d(args.set)), "2d": empty_finds(det, empty_2d())}
    for name, (finds, n) in empty.items():
        print(f"{name} tuning frames without a roller reported at {REPORT_MIN}: "
              f"{reported(before, finds)} of {n} with the model's calibration so far, "
              f"{reported(cal, finds)} with this one")
    if args.dry_run:
        return
    meta_path = args.model.with_suffix(".json")
    meta = json.loads(meta_path.read_text())
    meta["calibration"] = {"method": "platt", "a": round(a, 4), "b": round(b, 4),
                           "c": round(c, 4), "right": "centre within 10% of the torso of "
                           "the whole roller's",
                           "frames": frames, "finds": len(raw), "rights": int(y.sum()),
                           "shots": "tuning 300-499, 510-999 and 1600-1659 (unseen in training)",
                           "empty_reported": {name: f"{reported(cal, finds)} of {n}"
                                              for name, (finds, n) in empty.items()}}
    meta_path.write_text(json.dumps(meta, indent=2) + "\n")
    print(f"written: {meta_path}")


if __name__ == "__main__":
    main()
