"""Rendering speed of the synthetic scene renderer on one core.

Run: ``.venv/bin/python benchmarks/bench_render.py [--size 640x360] [--frames 300]``.
Prints frames per second (drawing and ground truth, no video encoding).
"""

from __future__ import annotations

import argparse
import os
import time

os.environ.setdefault("OMP_NUM_THREADS", "1")


def main() -> None:
    """Render ``--frames`` frames of a scenario and print the frame rate."""
    import cv2

    from formcheck.scenes import iter_scene
    from formcheck.scenes.stream import parse_size

    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--size", default="640x360")
    parser.add_argument("--frames", type=int, default=300)
    parser.add_argument("--scenario", default="session")
    args = parser.parse_args()
    cv2.setNumThreads(1)
    size = parse_size(args.size)
    fps = 30.0
    seconds = args.frames / fps
    it = iter_scene(args.scenario, size=size, fps=fps, seconds=seconds, seed=0)
    next(it)  # the room is drawn once per clip: count it outside the loop
    start = time.perf_counter()
    n = 0
    for _ in it:
        n += 1
    elapsed = time.perf_counter() - start
    print(
        f"{args.scenario} {size[0]}x{size[1]}: {n / elapsed:.1f} frames/s "
        f"({1000 * elapsed / n:.2f} ms/frame, {n} frames, 1 thread)"
    )


if __name__ == "__main__":
    main()
