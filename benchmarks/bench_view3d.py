"""The roller's place along the back read in the image plane and in 3D, on the 3D set.

Run: ``.venv/bin/python benchmarks/bench_view3d.py [--split tuning|evaluation]``.
Geometry alone: the real pose model's landmarks on each still with the roller across
the back and in view, and the truth's roller pixels (so the roller detector's own errors
are left out). Prints, per camera bin, the median and p90 error of the place along the
back (fractions of the torso) read four ways: the contact point projected on the image's
shoulder-hip line (today's ``image`` reading), the roller's centre so projected, and the
roller's centre lifted onto the body's mid-plane by an affine or a pinhole camera fitted
from the world to the image landmarks (``view3d``); and the camera azimuth's error.
"""

from __future__ import annotations

import argparse
import math
from collections import defaultdict

import numpy as np

from formcheck.evaluator.view3d import body_view
from formcheck.model import bundle
from formcheck.pose.landmarker import Mode, PoseLandmarker
from formcheck.pose.landmarks import SIDE_LANDMARKS
from formcheck.scenes3d import dataset
from formcheck.vocabulary import position_along_back


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="tuning", choices=("tuning", "evaluation"))
    a = ap.parse_args()
    model = bundle.find()
    if model is None:
        print("no pose model: run `formcheck models fetch`")
        return 1
    shots = [s for s in dataset.load(split=a.split) if s.still and s.scenario != "no_person"]
    rows: dict[str, list[dict[str, float]]] = defaultdict(list)
    with PoseLandmarker(model, Mode.IMAGE, segmentation=False, max_side=1280) as lm:
        for s in shots:
            img, t = next(s.frames())
            pose = lm.detect(lm.prepare(img), 0.0, 0).pose
            ro = t["roller"]
            if pose is None or ro["orientation"] != "across" or not ro["visible"]:
                continue
            c = np.asarray(ro["center_px"], float)
            ids = SIDE_LANDMARKS[t["near_side"]]
            sh, hip = pose.xy[ids["shoulder"]], pose.xy[ids["hip"]]
            r = {"truth": ro["position"], "az": s.row["camera"]["azimuth_deg"],
                 "image": position_along_back(np.asarray(ro["contact_px"], float), sh, hip),
                 "image_centre": position_along_back(c, sh, hip)}
            for name, size in (("affine", None), ("pinhole", (t["width"], t["height"]))):
                bv = body_view(pose.xy, pose.world, pose.visibility, size)
                r[name] = math.nan if bv is None else bv.position(c)
                if name == "affine":
                    r["az_est"] = math.nan if bv is None else bv.azimuth_deg
            rows[s.camera_bin].append(r)
    print(f"{a.split} split, stills with the roller across and in view")
    print("| bin | n | image | image, centre | 3D affine | 3D pinhole | azimuth error |")
    print("|---|---|---|---|---|---|---|")
    for b in ("floor_side", "oblique", "elevated", "beyond"):
        rs = rows.get(b, [])
        if not rs:
            continue
        cells = []
        for k in ("image", "image_centre", "affine", "pinhole"):
            e = [abs(r[k] - r["truth"]) for r in rs if math.isfinite(r[k])]
            cells.append(f"{np.median(e):.3f} / {np.percentile(e, 90):.3f}")
        az = [abs(r["az_est"] - r["az"]) for r in rs if math.isfinite(r["az_est"])]
        print(f"| {b} | {len(rs)} | " + " | ".join(cells) +
              f" | {np.median(az):.1f} deg |")
    print("\n(median / p90 error of the place along the back, fractions of the torso)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
