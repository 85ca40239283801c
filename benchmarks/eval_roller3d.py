"""The rules and the learned roller detectors on the 3D benchmark set's evaluation split.

Each frame's pose is the truth's landmarks (no pose model: both detectors get the same,
exact pose and no segmentation mask), one detection per frame, no tracking. Prints per
detector, overall and per roller colour, floor and camera bin: frames with the roller
visible, the share found, the share with the centre within 5% of the shoulder-to-hip
length of the truth's centre (the whole roller's, hidden part included), the same of the
visible roller pixels' centroid (``seen5%``), the share of finds with the axis within
10 degrees of the truth's ends (only where the ends are at least 1.5 diameters apart:
an end-on disc has no axis to see), the share of finds with the apparent diameter within
20% of the truth's, the share with both ends within 10% of the torso of the whole roller's
ends (`ends10%`, of the frames with the roller visible), a reliability table (of the
finds in each confidence bin, the share right),
and reports in frames without a roller. Then each detector's ms per 640x480 frame.

    .venv/bin/python benchmarks/eval_roller3d.py [--set DIR] [--split evaluation]
        [--learned-model F] [--colours grey,patterned] [--learned-only] [--unseen]
        [--confirmation] [--without-speed-clips]
        [--no-heads]

``--no-heads`` reads a model with heads from its visible silhouette alone (its
confidence then the blob's raw mean probability: the calibration was fitted with the
heads).

``--split tuning --unseen`` keeps to the tuning shots the learned detector neither
trains on nor is confirmed on (``benchset.calibration_shot``): where models are
compared, calibrated and chosen. ``--confirmation`` keeps to the confirmation stills
(``benchset.confirmation_shot``): where a choice made on the others is confirmed.
"""

from __future__ import annotations

import argparse
import itertools
import math
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import cv2
import numpy as np

from formcheck.roller.detector import RollerDetector
from formcheck.roller.geometry import Body
from formcheck.roller.learned import MODEL_PATH, LearnedRollerDetector
from formcheck.roller.learned_data import find_is_right, pose_frame_from_truth, seen_centre
from formcheck.scenes3d import dataset
from formcheck.scenes3d.benchset import calibration_shot, confirmation_shot, speed_shot

COLS = ("visible", "found", "within5", "seen5", "axis_n", "axis10", "diam20", "ends10",
        "empty", "false")
BINS = (0.0, 0.5, 0.6, 0.7, 0.8, 0.9, 1.01)  # confidence bins of the reliability table


def score(obs: Any, truth: dict[str, Any], body: Body | None, seen: Any,
          row: dict[str, int]) -> None:
    r = truth.get("roller") or {}
    if not (r.get("visible") and r.get("center_px") and body is not None):
        row["empty"] += 1
        row["false"] += int(obs.found)
        return
    row["visible"] += 1
    if not obs.found:
        return
    row["found"] += 1
    err = math.dist(obs.center_px, r["center_px"]) / body.length
    row["within5"] += int(err <= 0.05)
    if seen is not None:
        row["seen5"] += int(math.dist(obs.center_px, seen) / body.length <= 0.05)
    row["ends10"] += int(ends_error(obs, truth) <= 0.10 * body.length)
    diam = obs.diameter()
    if diam is not None:
        row["diam20"] += int(abs(diam / min(r["size_px"]) - 1.0) <= 0.2)
    ends = truth.get("roller_ends_px")
    if ends and math.dist(ends[0], ends[1]) >= 1.5 * min(r["size_px"]):
        truth_deg = math.degrees(math.atan2(ends[1][1] - ends[0][1], ends[1][0] - ends[0][0]))
        d = abs((obs.angle_deg - truth_deg + 90.0) % 180.0 - 90.0)
        row["axis_n"] += 1
        row["axis10"] += int(d <= 10.0)


def ends_error(obs: Any, truth: dict[str, Any]) -> float:
    """The farther of the two ends from the truth's (whole roller's) ends, px, the ends
    matched in the order that fits best; inf without ends."""
    ends, want = obs.ends(), truth.get("roller_ends_px")
    if ends is None or not want:
        return math.inf
    a, b = ends
    return min(max(math.dist(a, want[0]), math.dist(b, want[1])),
               max(math.dist(a, want[1]), math.dist(b, want[0])))


def is_right(obs: Any, truth: dict[str, Any], body: Body | None) -> bool:
    """A find is right when the roller is visible and the find's centre lies within 10%
    of the shoulder-to-hip length of the whole roller's centre."""
    return find_is_right(obs.center_px, truth, None if body is None else body.length)


def reliability(name: str, pairs: list[tuple[float, bool]]) -> None:
    """Of the finds in each confidence bin, the share right (see :func:`is_right`)."""
    print(f"{name} reliability: confidence bin, finds, share right")
    for lo, hi in itertools.pairwise(BINS):
        got = [ok for c, ok in pairs if lo <= c < hi]
        print(f"  {lo:.1f}-{min(hi, 1.0):.1f} {len(got):5d} {share(sum(got), len(got)):>6s}")


def share(n: int, of: int) -> str:
    return f"{n / of:.3f}" if of else "-"


def table(name: str, groups: dict[str, dict[str, int]]) -> None:
    print(f"\n{name}")
    print(f"{'group':28s} {'visible':>7s} {'found':>6s} {'within5%':>8s} {'seen5%':>6s} "
          f"{'axis<10':>12s} {'diam20%':>7s} {'ends10%':>7s} {'false':>9s}")
    for g in sorted(groups):
        r = groups[g]
        print(f"{g:28s} {r['visible']:7d} {share(r['found'], r['visible']):>6s} "
              f"{share(r['within5'], r['visible']):>8s} {share(r['seen5'], r['visible']):>6s} "
              f"{share(r['axis10'], r['axis_n']):>6s} ({r['axis_n']:3d}) "
              f"{share(r['diam20'], r['found']):>7s} {share(r['ends10'], r['visible']):>7s} "
              f"{r['false']:3d} of {r['empty']:3d}")


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--split", default="evaluation")
    ap.add_argument("--learned-model", type=Path, default=MODEL_PATH)
    ap.add_argument("--colours", default="",
                    help="only shots with these roller colours (comma-separated): with "
                         "--split tuning, the colours a model was trained without")
    ap.add_argument("--learned-only", action="store_true", help="skip the rules detector")
    ap.add_argument("--no-heads", action="store_true",
                    help="the learned detector without its whole-roller heatmaps")
    ap.add_argument("--unseen", action="store_true",
                    help="only the tuning shots that calibrate the learned detector")
    ap.add_argument("--without-speed-clips", action="store_true",
                    help="leave out the 15 fps speed clips (the set as it was before stop 43)")
    ap.add_argument("--confirmation", action="store_true",
                    help="only the tuning part's confirmation stills")
    args = ap.parse_args()
    if args.unseen and args.confirmation:
        ap.error("--unseen and --confirmation select different shots; give one")
    colours = {c for c in args.colours.split(",") if c}
    detectors: dict[str, Any] = {
        "learned": LearnedRollerDetector(args.learned_model, use_heads=not args.no_heads)}
    if not args.learned_only:
        detectors = {"rules": RollerDetector(), **detectors}
    tables: dict[str, dict[str, dict[str, int]]] = {
        n: defaultdict(lambda: dict.fromkeys(COLS, 0)) for n in detectors}
    cost: dict[str, list[float]] = {n: [] for n in detectors}
    calib: dict[str, list[tuple[float, bool]]] = {n: [] for n in detectors}
    for shot in dataset.load(args.set, args.split):
        look = shot.row["look"]
        if colours and look["roller_color"] not in colours:
            continue
        if args.unseen and not calibration_shot(shot.name):
            continue
        if args.confirmation and not confirmation_shot(shot.name):
            continue
        if args.without_speed_clips and speed_shot(shot.name):
            continue
        # the 15 fps speed clips joined the set at stop 43: figures before them are the rest's
        kind = "shots speed clips" if speed_shot(shot.name) else "shots the rest"
        keys = ("all", kind, f"colour {look['roller_color']}", f"floor {look['floor']}",
                f"camera {shot.camera_bin}")
        masks = shot.masks()
        for k, (img, truth) in enumerate(shot.frames()):
            seen = seen_centre(masks[k])
            pf = pose_frame_from_truth(truth, k)
            body = None if pf.pose is None else Body.from_pose(pf.pose)
            big = cv2.resize(img, (640, 480)) if k == 0 else None
            for name, det in detectors.items():
                obs = det.detect(img, pf)
                for key in keys:
                    score(obs, truth, body, seen, tables[name][key])
                if obs.found:
                    calib[name].append((obs.confidence, is_right(obs, truth, body)))
                if big is not None and pf.pose is not None:
                    sx, sy = 640 / pf.width, 480 / pf.height
                    pf_big = pose_frame_from_truth(
                        {**truth, "width": 640, "height": 480, "joints_px": {
                            j: [p[0] * sx, p[1] * sy]
                            for j, p in truth["joints_px"].items()}})
                    t0 = time.perf_counter()
                    det.detect(big, pf_big)
                    cost[name].append(1000 * (time.perf_counter() - t0))
    for name in detectors:
        table(f"{name} ({args.split} split)", tables[name])
    for name, pairs in calib.items():
        reliability(name, pairs)
    for name, ms in cost.items():
        print(f"{name}: {np.median(ms):.1f} ms median, {np.percentile(ms, 95):.1f} ms p95 "
              f"per 640x480 frame ({len(ms)} frames)")


if __name__ == "__main__":
    main()
