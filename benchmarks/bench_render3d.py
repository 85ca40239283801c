"""Seconds per frame of the 3D renderer at draft and final quality.

Run: ``.venv/bin/python benchmarks/bench_render3d.py [--frames 6] [--size 640x360]``
(needs ``render3d/setup.sh``). Renders a short clip of the ``good`` scenario at each
quality and prints the median seconds per frame as the renderer measured them (posing,
the image, the mask and the occlusion rays; not the scene's one-off build), and the wall
time per frame of the whole run, start-up included.
"""

from __future__ import annotations

import argparse
import json
import statistics
import tempfile
import time
from pathlib import Path

from formcheck.scenes3d.runner import render_shots, require_renderer
from formcheck.scenes3d.spec import default_shot


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--frames", type=int, default=6)
    ap.add_argument("--size", default="640x360")
    a = ap.parse_args()
    require_renderer()
    w, h = (int(x) for x in a.size.split("x"))
    fps = 8.0
    print(f"{a.frames} frames of 'good' at {w}x{h}")
    print("| quality | engine | s per frame (median) | wall s per frame |")
    print("|---|---|---|---|")
    for quality, engine in (("draft", "Workbench"), ("final", "Cycles, 4 samples + denoiser")):
        shot = default_shot("good", 1, seconds=a.frames / fps, fps=fps)
        with tempfile.TemporaryDirectory() as tmp:
            t0 = time.perf_counter()
            done = render_shots([shot], Path(tmp), size=(w, h), quality=quality)
            wall = (time.perf_counter() - t0) / done[0].frames
            per = [float(json.loads(ln)["render_s"])
                   for ln in done[0].truth.read_text().splitlines()]
        print(f"| {quality} | {engine} | {statistics.median(per):.2f} | {wall:.2f} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
