"""Fit the learned camera-azimuth reading (``evaluator/camera_azimuth.json``).

The 3D set's tuning part through the pose model (as ``analyze`` reads it; the shots'
poses kept in ``--cache`` when given), then per frame with a pose the features of
:mod:`formcheck.evaluator.camera_reading` and those of its mirror image, against the
true camera's azimuth (degrees). A ridge regression (``--ridge``, on standardised
features) in closed form: the same poses give the same weights. Before it writes the
model it prints the reading's error per camera bin, 5-fold cross-validated by shot
(each shot read by the fit that did not see it), against the geometric reading's. The
evaluation part is never read.

    .venv/bin/python scripts/train_azimuth.py [--set DIR] [--cache DIR] [--out F]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import zlib
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.camera_reading import MODEL_FILE, AzimuthModel, features, mirrored
from formcheck.evaluator.view3d import body_view
from formcheck.model import bundle
from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import cached_observations

FloatArray = NDArray[np.float64]
FOLDS = 5


def rows(root: Path, model: Path, cache: Path | None
         ) -> tuple[FloatArray, FloatArray, list[str], list[str], FloatArray]:
    """Features (a frame and its mirror image each), true azimuths, shot names, camera
    bins and the geometric readings, over the tuning part's frames with a pose."""
    xs: list[FloatArray] = []
    ys: list[float] = []
    shots: list[str] = []
    bins: list[str] = []
    read: list[float] = []
    for shot in dataset.load(root, "tuning"):
        azimuth = float(shot.row["camera"]["azimuth_deg"])
        # the learned roller's cache, which bench_scenes3d.py and the studies share
        for ob in cached_observations(shot, model, cache, ("learned",), mirrored=False):
            pose = ob.pose.pose
            if pose is None:
                continue
            for xy, world, vis in ((pose.xy, pose.world, pose.visibility),
                                   mirrored(pose.xy, pose.world, pose.visibility)):
                view = body_view(xy, world, vis)
                x = None if view is None else features(xy, world, vis, view)
                if view is None or x is None:
                    continue
                xs.append(x)
                ys.append(azimuth)
                shots.append(shot.name)
                bins.append(shot.camera_bin)
                read.append(view.azimuth_deg)
    return np.array(xs), np.array(ys), shots, bins, np.array(read)


def fit(x: FloatArray, y: FloatArray, ridge: float) -> AzimuthModel:
    """A ridge regression on standardised features, in closed form."""
    mean, scale = x.mean(0), x.std(0) + 1e-6
    z = np.hstack([(x - mean) / scale, np.ones((len(x), 1))])
    weights = np.linalg.solve(z.T @ z + ridge * np.eye(z.shape[1]), z.T @ y)
    return AzimuthModel(mean, scale, weights)


def cross_validated(x: FloatArray, y: FloatArray, shots: list[str], ridge: float
                    ) -> FloatArray:
    """Each row's reading by the fit on the folds without its shot (clipped 0-90)."""
    fold = np.array([zlib.crc32(s.encode()) % FOLDS for s in shots])
    out = np.zeros_like(y)
    for k in range(FOLDS):
        out[fold == k] = fit(x[fold != k], y[fold != k], ridge).predict(x[fold == k])
    return np.clip(out, 0.0, 90.0)


def report(y: FloatArray, learned: FloatArray, read: FloatArray, bins: list[str]) -> None:
    b = np.array(bins)
    print("error against the true azimuth, degrees: median (p10, p90), mean absolute; "
          "frames read past 45")
    for name in ("floor_side", "oblique", "elevated", "beyond"):
        sel = b == name
        if not sel.any():
            continue
        for label, r in (("geometric", read), ("learned", learned)):
            e = r[sel] - y[sel]
            print(f"  {name:10s} {label:9s} {np.median(e):+5.1f} ({np.percentile(e, 10):+6.1f}, "
                  f"{np.percentile(e, 90):+6.1f}) {np.mean(np.abs(e)):4.1f}  "
                  f"past 45: {int(np.sum(r[sel] > 45))} of {int(sel.sum())}")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--model", type=Path, default=None, help="the pose bundle")
    ap.add_argument("--cache", type=Path, default=None,
                    help="keep the shots' poses here (a private scratch folder)")
    ap.add_argument("--ridge", type=float, default=30.0)
    ap.add_argument("--out", type=Path, default=MODEL_FILE)
    a = ap.parse_args()
    model = a.model or bundle.find()
    if model is None:
        print("no pose model: run `formcheck models fetch`")
        return 1
    x, y, shots, bins, read = rows(a.set, model, a.cache)
    print(f"{len(y)} readings (frames and their mirror images) from "
          f"{len(set(shots))} tuning shots")
    report(y, cross_validated(x, y, shots, a.ridge), read, bins)
    model_fit = fit(x, y, a.ridge)
    manifest = (a.set / "manifest.jsonl").read_bytes()
    a.out.write_text(json.dumps({
        "about": "formcheck.evaluator.camera_reading: ridge regression to the camera's "
                 "azimuth, degrees; fitted by scripts/train_azimuth.py on the 3D set's "
                 "tuning part",
        "ridge": a.ridge, "readings": len(y), "shots": len(set(shots)),
        "set_manifest_sha256": hashlib.sha256(manifest).hexdigest(),
        "pose_model": model.name,
        "mean": [round(float(v), 9) for v in model_fit.mean],
        "scale": [round(float(v), 9) for v in model_fit.scale],
        "weights": [round(float(v), 9) for v in model_fit.weights],
    }, indent=1) + "\n", encoding="utf-8")
    print(f"written: {a.out}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
