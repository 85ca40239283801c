"""formcheck's checks on the 3D benchmark set, per camera bin: the yardstick.

Run: ``.venv/bin/python benchmarks/bench_scenes3d.py [--split evaluation] [--json F]``.
Runs today's pipeline (the pose model, the roller tracker and the evaluator, as
``analyze`` does) over every shot of the committed set (``data/scenes3d``) and prints,
per camera bin (floor_side: side-on at floor level; oblique: up to 45 degrees round at
floor level; elevated: chair or sofa height up to 45 degrees round; beyond: further
round), per check: the share of frames with clear truth whose reading matches, how many
of those read unknown (unk), false faults on good form (ff: truth ok, reported fault),
and how many good-form shots raised a fault cue; then the pose model's figures.
Nothing is tuned on these figures. With ``--detector rules --detector learned`` (and
both geometries, the default) it also prints the README's baseline table: the rules
detector read in the image plane against the learned detector read in 3D.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from dataclasses import asdict
from pathlib import Path

from formcheck.evaluator.config import EvaluatorConfig, RollerConfig, SetupConfig
from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import cached_observations, judge_shot
from formcheck.scenes3d.scoring import Table, render_compare, render_tables, score


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--split", default="evaluation", choices=("evaluation", "tuning", "all"))
    ap.add_argument("--set", type=Path, default=dataset.DEFAULT_SET)
    ap.add_argument("--model", type=Path, default=None)
    ap.add_argument("--json", type=Path, default=None, help="Write every frame's result here.")
    ap.add_argument("--geometry", choices=("image", "3d", "both"), default="both",
                    help="Judge the roller in the image plane, in 3D, or print both.")
    ap.add_argument("--detector", action="append", choices=("rules", "learned", "truth"),
                    help="Roller detector(s) to run (default: rules); repeat for several. "
                         "'truth' reports the roller exactly as the truth has it, to "
                         "measure the evaluator's geometry alone.")
    ap.add_argument("--cache", type=Path, default=None,
                    help="Keep the model's and roller stage's output per shot in this "
                         "folder, so a second run only re-runs the evaluator.")
    ap.add_argument("--camera-reading", choices=("geometric", "learned"),
                    default=SetupConfig().camera_reading, help="setup.camera_reading: "
                    "how the evaluator reads the camera's azimuth (default: the "
                    "evaluator's own)")
    a = ap.parse_args()
    from formcheck.model import bundle

    model = a.model or bundle.find()
    if model is None:
        print("no pose model: run `formcheck models fetch`", file=sys.stderr)
        return 1
    shots = dataset.load(a.set, None if a.split == "all" else a.split)
    geometries = ("image", "3d") if a.geometry == "both" else (a.geometry,)
    detectors = tuple(a.detector or ["rules"])
    t0 = time.perf_counter()
    observed = {}
    for i, shot in enumerate(shots, 1):
        observed[shot.name] = cached_observations(
            shot, model, a.cache, [d for d in detectors if d != "truth"] or ["rules"])
        print(f"\rmodel and roller stage: {i}/{len(shots)} shots", end="", file=sys.stderr,
              flush=True)
    print(file=sys.stderr)
    print(f"{a.split} split: {len(shots)} shots, model and roller stage "
          f"{time.perf_counter() - t0:.0f} s")
    everything = {}
    tables: dict[tuple[str, str], Table] = {}
    for detector in detectors:
        for geometry in geometries:
            config = EvaluatorConfig(
                roller=RollerConfig(geometry=geometry),  # type: ignore[arg-type]
                setup=SetupConfig(camera_reading=a.camera_reading))
            results = [r for shot in shots
                       for r in judge_shot(shot, observed[shot.name], config, detector)]
            print(f"\nroller detector {detector!r}, geometry {geometry!r}, {a.split} split: "
                  f"{len(results)} frames\n")
            table = score(results)
            print(render_tables(table))
            tables[(detector, geometry)] = table
            everything[f"{detector}/{geometry}"] = [asdict(r) for r in results]
        if len(geometries) == 2:
            print(f"\nroller detector {detector!r}: roller.geometry image -> 3d, "
                  f"{a.split} split\n")
            print(render_compare(tables[(detector, "image")], tables[(detector, "3d")]))
    if ("rules", "image") in tables and ("learned", "3d") in tables:
        # the README's baseline table: the image-plane reading with the colour-and-shape
        # rules detector (as shipped before the 3D work) against the defaults now
        print(f"\nbaseline: rules detector in the image plane -> learned detector in 3D, "
              f"{a.split} split\n")
        print(render_compare(tables[("rules", "image")], tables[("learned", "3d")]))
    if a.json:
        a.json.write_text(json.dumps(everything))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
