"""The camera's place as the evaluator reads it, against the 3D set's true camera.

Run: ``.venv/bin/python benchmarks/bench_camera.py [--split tuning|evaluation]
[--cache DIR]``. For every frame where the real pose model finds a person, the
evaluator's per-frame estimate (``view3d.body_view``: azimuth round from a side view and
elevation above the floor, degrees) is set against the same two angles read from the
truth: the camera's centre (``camera.Rt``), the ray from it to the true mid-hip, and the
true body's left-right axis (``joints_3d``) with the floor's normal (world z). Prints per
camera bin the median / p90 absolute error of both angles, the median signed error (the
bias), and the share of frames the set-up gate turns away (azimuth or elevation over the
default limits, one frame alone, before the evaluator's smoothing over time); then the
same per bin and the end of the body the camera stands towards (feet or head).
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.config import SetupConfig
from formcheck.evaluator.view3d import body_axes, body_view
from formcheck.pose.landmarks import Landmark
from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import cached_observations

BINS = ("floor_side", "oblique", "elevated", "beyond")


def true_place(truth: dict[str, Any]) -> tuple[float, float] | None:
    """(azimuth, elevation), degrees, of the true camera relative to the true body."""
    Rt = np.asarray(truth["camera"]["Rt"], float)
    centre = -Rt[:, :3].T @ Rt[:, 3]  # world, m
    world: NDArray[np.float64] = np.full((33, 3), np.nan)
    for name, p in truth["joints_3d"].items():
        if name.upper() in Landmark.__members__:
            world[Landmark[name.upper()]] = p
    axes = body_axes(world)
    if axes is None:
        return None
    ray = axes.hip - centre
    ray /= np.linalg.norm(ray)
    el = math.degrees(math.asin(min(1.0, abs(float(ray[2])))))
    horiz = np.array([ray[0], ray[1], 0.0])
    n = float(np.linalg.norm(horiz))
    if n < 1e-9:
        return 90.0, el
    az = math.degrees(math.acos(min(1.0, abs(float(horiz @ axes.lateral)) / n)))
    return az, el


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="tuning", choices=("tuning", "evaluation"))
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--cache", type=Path, default=None,
                    help="The pose observations kept by bench_scenes3d.py --cache.")
    a = ap.parse_args()
    from formcheck.model import bundle

    model = a.model or bundle.find()
    if model is None:
        print("no pose model: run `formcheck models fetch`")
        return 1
    limits = SetupConfig(camera_reading="geometric")  # the reading measured here
    rows: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    by_end: dict[str, list[tuple[float, float, float, float]]] = defaultdict(list)
    for shot in dataset.load(a.set, a.split):
        for ob in cached_observations(shot, model, a.cache, ["rules"], mirrored=False):
            pose = ob.pose.pose
            if pose is None:
                continue
            truth = true_place(ob.truth)
            view = body_view(pose.xy, pose.world, pose.visibility)
            if truth is None or view is None:
                continue
            row = (view.azimuth_deg, view.elevation_deg, *truth)
            rows[shot.camera_bin].append(row)
            end = shot.row["camera"].get("end", "?")
            by_end[f"{shot.camera_bin}, from the {end} end"].append(row)
    print(f"{a.split} split, every frame with a pose; estimate against the true camera")
    print("| bin | frames | azimuth error, median / p90 | elevation error, median / p90 "
          "| azimuth bias | elevation bias | turned away |")
    print("|---|---|---|---|---|---|---|")
    keys = [*BINS, *(f"{b}, from the {e} end" for b in BINS for e in ("feet", "head"))]
    for b in keys:
        r = np.asarray(rows.get(b, by_end.get(b, [])), float)
        if not len(r):
            continue
        da, de = r[:, 0] - r[:, 2], r[:, 1] - r[:, 3]
        away = (r[:, 0] > limits.max_azimuth_deg) | (r[:, 1] > limits.max_elevation_deg)
        print(f"| {b} | {len(r)} | {np.median(abs(da)):.1f} / {np.percentile(abs(da), 90):.1f} "
              f"| {np.median(abs(de)):.1f} / {np.percentile(abs(de), 90):.1f} "
              f"| {np.median(da):+.1f} | {np.median(de):+.1f} | {away.mean():.0%} |")
    print(f"\n(degrees; turned away: azimuth over {limits.max_azimuth_deg:g} or elevation "
          f"over {limits.max_elevation_deg:g} in that frame alone)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
