"""The pose model's variants (lite, full, heavy) side by side: what each finds, and what it costs.

Run: ``.venv/bin/python benchmarks/bench_variants.py [--variants lite,full,heavy]
[--footage ../shared/footage] [--scenes3d DIR] [--no-accuracy] [--no-cost] [--repeats 2]``.

Prints, per variant (bundles from the usual look-up, fetched when missing):

Accuracy (no timing; other work on the machine does not matter):

- on ``../shared/footage`` (side and oblique-side views; test data, read in place):
  pose found (% of frames), and each check's agreement with the hand labels
  (``knees_bent``, ``feet_flat``; judged as ``tests/evaluator/test_footage_agreement.py``
  judges them: stills one by one, clips by the evaluator's overall status, body gating
  off, ``unknown`` a disagreement). The footage has no landmark truth.
- on the 3D evaluation set (``--scenes3d``, default ``data/scenes3d`` in the checkout;
  ``*.truth.jsonl.gz`` + ``manifest.jsonl``, as :mod:`formcheck.scenes3d.dataset` reads it),
  per camera bin: pose found in frames with a whole person, the pixel error of the near
  side's shoulder, hip, knee, ankle, heel and toe (median / p95, px, at the set's image
  size), the knee-angle error (deg), and each check's agreement
  (:func:`formcheck.scenes3d.scoring.render_tables`). Where the set is absent, says so.

Cost (the figures need a quiet machine: pause other work while it runs):

- the model alone: ms per frame of ``PoseLandmarker.detect`` in VIDEO mode with the
  segmentation mask, on the demo clip's frames made ready beforehand (480 px, as
  ``analyze`` feeds it), median;
- ``analyze --fps 0`` on the demo clip (854x480, 20 s): ms per frame, in a fresh process;
- ``live`` on a 640x480 30 fps synthetic clip, headless: analysed frames/s unpaced
  (every frame, as fast as it can: its capacity) and paced at 30 fps as a camera
  (frames analysed per second of clip, the rest dropped);
- ``analyze`` at default settings (15 analysed frames/s) on a synthetic 1080p 30 fps
  clip: its speed against real time (clip seconds / wall seconds; >= 1 keeps up).

Each cost figure is the median of ``--repeats`` runs, the variants alternating.
"""

from __future__ import annotations

import argparse
import csv
import os
import statistics
import sys
import tempfile
import time
from collections import defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np

sys.path.insert(0, str(Path(__file__).resolve().parent))

from bench_analyze import analyze_once
from bench_live import live
from formcheck.model.bundle import Variant

REPO = Path(__file__).resolve().parents[1]
DEMO = REPO / "videos" / "demo.mp4"
FOOTAGE = REPO.parent / "shared" / "footage"
ROLES = ("shoulder", "hip", "knee", "ankle", "heel", "foot_index")
CHECKS = ("knees_bent", "feet_flat")


def bundle_for(variant: Variant) -> Path:
    """The variant's bundle (looked up by name, fetched and checked when missing)."""
    from formcheck.model import bundle
    from formcheck.pose.landmarker import verify_bundle

    found = bundle.find(variant=variant, use_env=False)
    if found is not None:
        return found
    return bundle.fetch(variant, verify=verify_bundle, progress=print).path


# --- accuracy on the real footage -------------------------------------------------------


def footage_figures(footage: Path, model: Path) -> dict[str, Any]:
    """Pose found and the checks' agreement with the labels, on side and oblique views."""
    from formcheck.evaluator.config import EvaluatorConfig, SetupConfig
    from formcheck.evaluator.evaluator import Evaluator, evaluate_still
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.source import SourceKind, open_source
    from formcheck.vocabulary import CheckId

    config = EvaluatorConfig(setup=SetupConfig(gate_body_checks=False))
    rows = [r for r in csv.DictReader((footage / "labels.csv").open())
            if r["view"] in ("side", "oblique-side") and (footage / r["file"]).is_file()]
    frames = found = lying_frames = lying_found = 0
    agree: dict[str, list[int]] = {c: [0, 0] for c in CHECKS}
    for row in rows:
        path = footage / row["file"]
        lying = row["supine"] in ("yes", "partly")
        with open_source(path) as src:
            if src.kind is SourceKind.IMAGE:
                image = next(iter(src)).image
                with PoseLandmarker(model, Mode.IMAGE, segmentation=True) as lm:
                    frame = lm.detect(image)
                    # as analyze reads a photo: as taken and mirrored
                    mirror = lm.detect(np.ascontiguousarray(image[:, ::-1]))
                hits, n = int(frame.pose is not None), 1
                verdict = evaluate_still(frame, None, config, mirrored=(mirror, None))
                got = {c: verdict.checks[CheckId(c)].status.value for c in CHECKS}
            else:
                evaluator = Evaluator(config)
                hits = n = 0
                with PoseLandmarker(model, Mode.VIDEO, segmentation=True) as lm:
                    for vf in src:
                        pf = lm.detect(vf.image, vf.t_ms, vf.index)
                        hits += pf.pose is not None
                        n += 1
                        evaluator.update(pf)
                summary = evaluator.summary()
                got = {c: summary.checks[CheckId(c)].status.value for c in CHECKS}
        frames += n
        found += hits
        lying_frames += n if lying else 0
        lying_found += hits if lying else 0
        for c in CHECKS:
            if row[c] in ("yes", "no"):
                agree[c][1] += 1
                agree[c][0] += got[c] == ("ok" if row[c] == "yes" else "fault")
    return {"files": len(rows), "frames": frames, "found": found,
            "lying_frames": lying_frames, "lying_found": lying_found, "agree": agree}


# --- accuracy on the 3D evaluation set --------------------------------------------------


def scenes3d_figures(root: Path, model: Path) -> tuple[Any, dict[str, dict[str, list[float]]]]:
    """Every evaluation shot through the pipeline as ``analyze`` runs it.

    Returns the :func:`formcheck.scenes3d.scoring.score` table and, per camera bin and
    role, the near side's landmark pixel errors (frames with a whole person, camera at
    most 60 degrees round, as the pose figures of that table).
    """
    from formcheck.frontends.pipeline import FramePipeline
    from formcheck.pose.landmarks import SIDE_LANDMARKS
    from formcheck.scenes3d import dataset
    from formcheck.scenes3d.dataset import GOOD_FORM
    from formcheck.scenes3d.scoring import FrameResult, angle_deg, score, whole_person
    from formcheck.source import VideoFrame

    results: list[FrameResult] = []
    errors: dict[str, dict[str, list[float]]] = defaultdict(lambda: defaultdict(list))
    for shot in dataset.load(root, "evaluation"):
        cam = shot.row["camera"]
        with FramePipeline(model, still=shot.still) as pipe:
            for i, (image, truth) in enumerate(shot.frames()):
                step = pipe.step(VideoFrame(i, float(truth["t_ms"]), image))
                v = step.verdict
                pose = step.pose.pose
                ids = SIDE_LANDMARKS[truth["near_side"]]
                knee = None
                if pose is not None:
                    knee = angle_deg(pose.xy[ids["hip"]], pose.xy[ids["knee"]],
                                     pose.xy[ids["ankle"]])
                    if float(cam["azimuth_deg"]) <= 60.0 and whole_person(truth):
                        for role in ROLES:
                            want = truth["joints_px"][f"{truth['near_side']}_{role}"]
                            err = float(np.hypot(*(pose.xy[ids[role]] - np.asarray(want))))
                            errors[shot.camera_bin][role].append(err)
                results.append(FrameResult(
                    shot=shot.name, scenario=shot.scenario, camera_bin=shot.camera_bin,
                    azimuth_deg=float(cam["azimuth_deg"]),
                    good_form=shot.scenario in GOOD_FORM, truth=truth,
                    pose_found=pose is not None,
                    frame_status={c.value: cv.frame_status.value for c, cv in v.checks.items()},
                    status={c.value: cv.status.value for c, cv in v.checks.items()},
                    knee_px_deg=knee, cue=None if v.cue is None else v.cue.key,
                ))
    return score(results), errors


def landmark_table(errors: dict[str, dict[str, list[float]]]) -> str:
    """Median / p95 pixel error per role and camera bin, as Markdown."""
    from formcheck.scenes3d.scoring import BINS

    bins = [b for b in BINS if b in errors]
    lines = ["| near-side landmark error, px: median / p95 | " + " | ".join(bins) + " |",
             "|---|" + "---|" * len(bins)]
    for role in ROLES:
        cells = []
        for b in bins:
            e = errors[b][role]
            cells.append(f"{np.median(e):.1f} / {np.percentile(e, 95):.1f} (n {len(e)})"
                         if e else "-")
        lines.append(f"| {'toe' if role == 'foot_index' else role} | " + " | ".join(cells)
                     + " |")
    return "\n".join(lines)


# --- cost -------------------------------------------------------------------------------


def model_alone_ms(model: Path, frames: list[Any]) -> float:
    """Median ms of one ``detect`` (VIDEO mode, with the mask) on frames made ready."""
    from formcheck.pose.landmarker import Mode, PoseLandmarker

    times = []
    with PoseLandmarker(model, Mode.VIDEO, segmentation=True, max_side=480) as lm:
        for i, (ready, t_ms) in enumerate(frames):
            t0 = time.perf_counter()
            lm.detect(ready, t_ms, i)
            times.append(time.perf_counter() - t0)
    return 1000.0 * statistics.median(times[5:])


def ready_frames(model: Path, limit: int = 300) -> list[Any]:
    """The demo clip's first ``limit`` frames, scaled to 480 px and converted for the model."""
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.source import open_source

    out = []
    with PoseLandmarker(model, Mode.VIDEO, max_side=480) as lm, open_source(DEMO) as src:
        for vf in src:
            out.append((lm.prepare(vf.image), vf.t_ms))
            if len(out) == limit:
                break
    return out


def cost_figures(models: dict[Variant, Path], repeats: int, seconds: float
                 ) -> dict[Variant, dict[str, list[float]]]:
    """Every cost figure, the variants alternating within each repeat."""
    from formcheck.scenes.stream import render_to_files

    figures: dict[Variant, dict[str, list[float]]] = {v: defaultdict(list) for v in models}
    work = Path(tempfile.mkdtemp(prefix="bench-variants-"))
    print(f"rendering the synthetic clips ({seconds:g} s each) ...", file=sys.stderr)
    vga = Path(render_to_files("session", work / "vga", seconds=seconds, size=(640, 480),
                               fps=30.0, seed=3).video)
    hd = Path(render_to_files("session", work / "hd", seconds=seconds, size=(1920, 1080),
                              fps=30.0, seed=3).video)
    frames = ready_frames(next(iter(models.values())))
    runs: list[tuple[str, Callable[[Path, Path], float]]] = [
        ("model_ms", lambda m, out: model_alone_ms(m, frames)),
        ("analyze_fps0_ms", lambda m, out: _per_frame_ms(analyze_once(DEMO, m, out, None))),
        ("live_unpaced_fps", lambda m, out: _live_fps(m, vga, out, pace=False)),
        ("live_paced_fps", lambda m, out: _live_fps(m, vga, out, pace=True)),
        ("analyze_1080p_rt", lambda m, out: _realtime(analyze_once(hd, m, out, 15.0))),
    ]
    for k in range(repeats):
        for variant, model in models.items():
            for name, run in runs:
                out = work / f"{variant.value}-{name}-{k}"
                out.mkdir()
                figures[variant][name].append(run(model, out))
                print(f"  {variant.value} {name} run {k + 1}: "
                      f"{figures[variant][name][-1]:.2f}", file=sys.stderr)
    return figures


def _per_frame_ms(r: dict[str, Any]) -> float:
    return 1000.0 * float(r["wall_s"]) / float(r["frames"])


def _realtime(r: dict[str, Any]) -> float:
    return float(r["duration_s"]) / float(r["wall_s"])


def _live_fps(model: Path, clip: Path, out: Path, *, pace: bool) -> float:
    r: Any = live(clip, model, out, voice=False, pace=pace)
    if not pace:
        return float(r.loop_fps)
    # Paced as a camera: frames analysed per second of the run.
    return float(r.frames) / float(r.wall_s)


# --- printing ---------------------------------------------------------------------------


def _pct(a: int, b: int) -> str:
    return f"{100.0 * a / b:.1f}% of {b}" if b else "-"


def main() -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--variants", default="lite,full,heavy")
    ap.add_argument("--footage", type=Path, default=FOOTAGE)
    ap.add_argument("--scenes3d", type=Path, default=None,
                    help="the 3D evaluation set (default: data/scenes3d in the checkout)")
    ap.add_argument("--no-accuracy", action="store_true")
    ap.add_argument("--no-cost", action="store_true")
    ap.add_argument("--repeats", type=int, default=2)
    ap.add_argument("--seconds", type=float, default=8.0, help="length of the synthetic clips")
    a = ap.parse_args()
    try:
        variants = [Variant(v.strip()) for v in a.variants.split(",")]
    except ValueError:
        print(f"bench_variants: --variants takes lite, full, heavy; got {a.variants}",
              file=sys.stderr)
        return 2
    models = {v: bundle_for(v) for v in variants}
    names = [v.value for v in variants]

    if not a.no_accuracy:
        if (a.footage / "labels.csv").is_file():
            print(f"## Real footage ({a.footage}), side and oblique-side views\n")
            foot = {v: footage_figures(a.footage, m) for v, m in models.items()}
            first = foot[variants[0]]
            print(f"{first['files']} files, {first['frames']} frames "
                  f"({first['lying_frames']} of people lying down)\n")
            print("| | " + " | ".join(names) + " |")
            print("|---|" + "---|" * len(names))
            print("| pose found | " + " | ".join(
                _pct(f["found"], f["frames"]) for f in foot.values()) + " |")
            print("| pose found, lying down | " + " | ".join(
                _pct(f["lying_found"], f["lying_frames"]) for f in foot.values()) + " |")
            for c in CHECKS:
                print(f"| `{c}` agrees with the labels | " + " | ".join(
                    f"{f['agree'][c][0]} of {f['agree'][c][1]}" for f in foot.values()) + " |")
            print()
        else:
            print(f"## Real footage: not found at {a.footage} (skipped)\n")

        from formcheck.scenes3d import dataset
        from formcheck.scenes3d.scoring import render_tables

        root = a.scenes3d or dataset.DEFAULT_SET
        n = len(dataset.load(root, "evaluation")) if (root / "manifest.jsonl").is_file() else 0
        if n:
            for v, m in models.items():
                print(f"## 3D evaluation set ({root}, {n} shots): {v.value}\n")
                table, errors = scenes3d_figures(root, m)
                print(render_tables(table))
                print()
                print(landmark_table(errors))
                print()
        else:
            print(f"## 3D evaluation set: no evaluation shots at {root} (manifest.jsonl "
                  "absent or empty); pass --scenes3d DIR once it exists\n")

    if not a.no_cost:
        load_before = os.getloadavg()[0]
        figures = cost_figures(models, a.repeats, a.seconds)
        med = statistics.median
        print(f"## Cost (median of {a.repeats} alternating runs; load average "
              f"{load_before:.1f} before, {os.getloadavg()[0]:.1f} after, on "
              f"{os.cpu_count()} cores)\n")
        print("| | " + " | ".join(names) + " |")
        print("|---|" + "---|" * len(names))
        rows = [
            ("model alone, ms/frame (480 px, VIDEO mode, mask)", "model_ms", "{:.1f}"),
            ("`analyze --fps 0`, demo clip, ms/frame", "analyze_fps0_ms", "{:.1f}"),
            ("`live`, 640x480, analysed frames/s unpaced", "live_unpaced_fps", "{:.1f}"),
            ("`live`, 640x480 paced at 30 fps, analysed frames/s", "live_paced_fps",
             "{:.1f}"),
            ("`analyze` default (15 fps), 1080p30, x real time", "analyze_1080p_rt",
             "{:.2f}"),
        ]
        for label, key, fmt in rows:
            print(f"| {label} | " + " | ".join(
                fmt.format(med(figures[v][key])) for v in variants) + " |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
