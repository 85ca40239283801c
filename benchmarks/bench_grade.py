"""Benchmark: ``formcheck grade`` throughput, clips/s, with 1 and 2 local workers and
with the Ray engine (when Ray is installed), on the same synthetic clips.

Run: ``.venv/bin/python benchmarks/bench_grade.py [--clips 6] [--seconds 4]``.
Renders ``--clips`` synthetic clips (good and faulty form, 640x360, 30 fps) into a
temporary folder, then grades them with each engine and prints wall time, clips/s,
the speed-up over 1 local worker, and whether the rows agree across engines (timing
fields apart). Each run includes starting its workers (spawn + imports, or Ray
start-up), as a user's batch would; a separate line shows that fixed cost. No
annotated video is written (grade's default).
"""

from __future__ import annotations

import argparse
import os
import resource
import tempfile
import time
from pathlib import Path
from typing import Any

from formcheck.frontends.choices import EngineName
from formcheck.frontends.grade import GradeOptions, GradeReport, grade

SCENES = ("good", "straight_legs", "heels_up", "roller_on_lower_back", "roller_on_neck",
          "rolling_too_fast")


def _render(folder: Path, clips: int, seconds: float) -> list[str]:
    from formcheck.scenes import render_to_files

    paths = []
    for i in range(clips):
        name = SCENES[i % len(SCENES)]
        sub = folder / f"clip{i:02d}"
        clip = render_to_files(name, sub, seconds=seconds, size=(640, 360), fps=30.0, seed=i)
        clip.truth.unlink()
        paths.append(str(clip.video))
    return paths


def _rows(report: GradeReport) -> list[dict[str, Any]]:
    return [{k: v for k, v in r.items() if k != "wall_s"} for r in report.rows]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--clips", type=int, default=6)
    parser.add_argument("--seconds", type=float, default=4.0)
    parser.add_argument("--no-ray", action="store_true", help="skip the Ray engine")
    args = parser.parse_args()

    from formcheck.model.bundle import find

    model = find()
    if model is None:
        raise SystemExit("no pose model; run: formcheck models fetch")
    with tempfile.TemporaryDirectory(prefix="bench-grade-") as tmp:
        t0 = time.perf_counter()
        inputs = _render(Path(tmp), args.clips, args.seconds)
        print(f"rendered {args.clips} clips of {args.seconds:g} s (640x360, 30 fps) in "
              f"{time.perf_counter() - t0:.1f} s; analysed at 15 fps")

        runs: list[tuple[str, EngineName, int]] = [("local, 1 worker", EngineName.LOCAL, 1),
                                                   ("local, 2 workers", EngineName.LOCAL, 2)]
        try:
            import ray  # noqa: F401

            if not args.no_ray:
                runs.append(("ray (local instance), 2 tasks", EngineName.RAY, 2))
        except ImportError:
            print("ray: not installed (pip install 'formcheck[ray]'); skipped")
        results: dict[str, tuple[float, GradeReport]] = {}
        cores = len(os.sched_getaffinity(0))
        print(f"{cores} usable cores; load average before: "
              f"{' '.join(f'{x:.2f}' for x in os.getloadavg())} (other work competes)")
        for label, engine, workers in runs:
            options = GradeOptions(model=model, workers=workers, engine=engine,
                                   progress=False)
            c0 = resource.getrusage(resource.RUSAGE_CHILDREN)
            t0 = time.perf_counter()
            report = grade(inputs, options)
            wall = time.perf_counter() - t0
            c1 = resource.getrusage(resource.RUSAGE_CHILDREN)
            cpu = (c1.ru_utime - c0.ru_utime) + (c1.ru_stime - c0.ru_stime)
            results[label] = (wall, report)
            clip_s = sum(r.get("wall_s") or 0.0 for r in report.rows)
            print(f"{label:32s} {wall:6.1f} s  {len(inputs) / wall:5.2f} clips/s  "
                  f"(sum of per-clip analysis {clip_s:5.1f} s; start-up and "
                  f"overhead {wall - clip_s / workers:4.1f} s)  "
                  f"graded {len(report.graded)}/{len(inputs)}"
                  + (f"  workers' CPU {cpu:5.1f} s = {cpu / wall:4.2f} cores busy"
                     if engine is EngineName.LOCAL else ""))
        base = results["local, 1 worker"][0]
        for label, (wall, _) in results.items():
            print(f"speed-up {label:29s} x{base / wall:4.2f} over 1 local worker")
        ref = _rows(results["local, 1 worker"][1])
        same = all(_rows(rep) == ref for _, rep in results.values())
        print(f"rows identical across engines (timing apart): {same}")


if __name__ == "__main__":
    main()
