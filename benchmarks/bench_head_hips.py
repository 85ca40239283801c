"""head_supported and hip_height on the 3D set: readings per scenario and the checks'
match with the truth per camera bin.

Run: ``.venv/bin/python benchmarks/bench_head_hips.py --split tuning|evaluation
[--cache DIR]``. The thresholds are chosen on the tuning split (the readings per
scenario printed first); the evaluation split is only measured. Per bin: clear frames
(truth ok or fault), the share whose frame reading matches, unknowns, false faults (truth
ok, reported fault, past the 0.5 s a fault takes to clear) and faults on good-form shots.
``beyond`` is 45-75 degrees round: the head and the hips are judged up to 60 degrees
(``setup.body_max_azimuth_deg``) as read by the camera estimate, the rest is unknown.
"""

from __future__ import annotations

import argparse
import math
import statistics
from collections import defaultdict
from pathlib import Path

import numpy as np

from formcheck.evaluator.head_hips import (
    hands_at_head_torso,
    head_line_lifted_deg,
    hip_rise_torso,
    neck_extension_deg,
    neck_from_head_line,
)
from formcheck.evaluator.thresholds import DEFAULT_THRESHOLDS
from formcheck.evaluator.view3d import body_view
from formcheck.model import bundle
from formcheck.pose.landmarks import Landmark as L
from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import Observed, cached_observations, judge_shot
from formcheck.scenes3d.scoring import score

CHECKS = ("head_supported", "hip_height")
BINS = ("floor_side", "oblique", "elevated", "beyond")


def _readings(ob: Observed) -> tuple[float, float, float, float]:
    """The face's pitch, the neck's extension from the shoulder -> ear line (as the
    evaluator reads it), the wrist's distance from the ears, the hips' rise."""
    nan = math.nan, math.nan, math.nan, math.nan
    pose = ob.pose.pose
    if pose is None:
        return nan
    view = body_view(pose.xy, pose.world, pose.visibility)
    if view is None:
        return nan
    seen = np.nan_to_num(pose.visibility, nan=0.0) >= 0.5
    xy = pose.xy
    step = view.midplane_offset((xy[L.LEFT_SHOULDER] + xy[L.RIGHT_SHOULDER]) / 2,
                                (xy[L.LEFT_EAR] + xy[L.RIGHT_EAR]) / 2)
    line = neck_from_head_line(head_line_lifted_deg(step),
                               DEFAULT_THRESHOLDS.head_line_read_bias_deg)
    return (neck_extension_deg(pose.world, view.axes, seen), line,
            hands_at_head_torso(pose.world, view.axes, seen),
            hip_rise_torso(pose.world, view.axes))


def _q(xs: list[float]) -> str:
    xs = sorted(x for x in xs if math.isfinite(x))
    if not xs:
        return "-"
    return (f"{xs[0]:6.2f} {statistics.median(xs):6.2f} {xs[-1]:6.2f} (n {len(xs)})")


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="evaluation", choices=("evaluation", "tuning"))
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--cache", type=Path, default=None)
    a = ap.parse_args()
    model = bundle.find()
    if model is None:
        raise SystemExit("no pose model; run: formcheck models fetch")
    shots = dataset.load(a.set, a.split)
    results = []
    by_scn: dict[str, list[list[float]]] = defaultdict(lambda: [[], [], [], []])
    for shot in shots:
        observed = cached_observations(shot, model, a.cache)
        results += judge_shot(shot, observed)
        for ob in observed:
            for k, v in enumerate(_readings(ob)):
                by_scn[shot.scenario][k].append(v)
    print(f"{a.split} split: {len(shots)} shots, {len(results)} frames\n")
    print("readings from the pose model's world landmarks, min / median / max:")
    print(f"{'scenario':22s} {'face pitch deg':28s} {'neck ext. from ear line':28s} "
          f"{'wrist to ears, torso':28s} hips above shoulder-ankle, torso")
    for scn, (neck, line, hands, rise) in sorted(by_scn.items()):
        print(f"{scn:22s} {_q(neck):28s} {_q(line):28s} {_q(hands):28s} {_q(rise)}")
    t = score(results)
    print(f"\n{'check':16s} {'bin':11s} {'clear':>6s} {'match':>7s} {'unknown':>8s} "
          f"{'false faults':>13s} {'good-form frames':>17s} {'faults on good form':>20s}")
    for c in CHECKS:
        for b in BINS:
            x = t.checks[b][c]
            m = f"{100 * x.match / x.clear:6.1f}%" if x.clear else "     -"
            print(f"{c:16s} {b:11s} {x.clear:6d} {m:>7s} {x.unknown:8d} {x.false_fault:13d} "
                  f"{x.good_form_frames:17d} {x.good_form_faults:20d}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
