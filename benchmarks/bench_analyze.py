"""analyze against the plain read-detect loop, on the same clips in one run.

Prints, for synthetic 720p and 1080p 30 fps clips, frames per second of:

- the naive loop, the baseline of the shared pose-model notes: OpenCV reads each frame,
  converts it to RGB and hands it to MediaPipe's stock ``PoseLandmarker.detect_for_video``
  at full size, written as MediaPipe's documentation shows it;
- formcheck's own read-detect loop: the same loop through ``formcheck.pose`` (PyAV
  decoding, the model fed a 480 px copy, MediaPipe's dispatcher thread bypassed), a
  stricter baseline than the naive one;
- ``analyze`` on every frame (pose, roller with the segmentation mask, evaluator,
  overlay, H.264, frames.jsonl);

then the ratios, time per stage, peak memory, and the real-time factor of ``analyze``
with default settings (15 analysed frames per second).

    .venv/bin/python benchmarks/bench_analyze.py [--seconds 10] [--repeat 3] [--long]
        [--roller-detector rules|learned]

``--clip PATH`` adds a video of your own (e.g. a real recording) to the comparison.
``--shared`` adds, to the same alternation, ``analyze`` with its helper threads free to
use every core (``reserve_model_core=False``, as ``grade`` runs it), to show what keeping
one core for the model gains.
``--long`` also loops the 1080p clip into a 10-minute video and reports analyze's peak
memory on it (takes several minutes).
"""

from __future__ import annotations

import argparse
import json
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from formcheck.model.bundle import find
from formcheck.pose.landmarker import Mode, PoseLandmarker
from formcheck.scenes.stream import render_to_files
from formcheck.source import open_source


def naive_loop(clip: Path, model: Path) -> tuple[int, float]:
    """Frames and seconds of the naive loop of the pose-model notes: OpenCV reads every
    frame, MediaPipe's stock API detects on it at full size, nothing else.

    The one place outside ``formcheck.pose`` that imports mediapipe: it measures the
    stock API itself, as a user would first write it.
    """
    import cv2
    import mediapipe as mp

    vision = mp.tasks.vision
    options = vision.PoseLandmarkerOptions(
        base_options=mp.tasks.BaseOptions(model_asset_path=str(model)),
        running_mode=vision.RunningMode.VIDEO,
    )
    n, t0 = 0, time.perf_counter()
    with vision.PoseLandmarker.create_from_options(options) as landmarker:
        cap = cv2.VideoCapture(str(clip))
        fps = cap.get(cv2.CAP_PROP_FPS) or 30.0
        while True:
            ok, bgr = cap.read()
            if not ok:
                break
            rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
            image = mp.Image(image_format=mp.ImageFormat.SRGB, data=rgb)
            landmarker.detect_for_video(image, round(n * 1000.0 / fps))
            n += 1
        cap.release()
    return n, time.perf_counter() - t0


def plain_loop(clip: Path, model: Path) -> tuple[int, float]:
    """Frames and seconds of formcheck's own read-detect loop: read every frame, detect,
    nothing else."""
    n, t0 = 0, time.perf_counter()
    with open_source(clip) as src, PoseLandmarker(model, Mode.VIDEO) as lm:
        for vf in src:
            lm.detect(vf.image, vf.t_ms, vf.index)
            n += 1
    return n, time.perf_counter() - t0


def warm_up(model: Path) -> None:
    """Import mediapipe (and read the bundle once) before anything is timed."""
    PoseLandmarker(model, Mode.VIDEO).close()
    import cv2  # noqa: F401  (the naive loop's reader)


def analyze_once(clip: Path, model: Path, out: Path, fps: float | None,
                 reserve: bool = True, detector: str = "learned") -> dict[str, object]:
    """Run analyze in a fresh process (for its own peak memory); return its figures.

    The heavy imports (mediapipe, PyAV) are made before the clock starts, as they are
    for the plain loop, which runs in this process after :func:`warm_up`: both timings
    then hold the model's loading and the work on the frames, not the interpreter's
    imports (0.4-0.7 s here, mostly mediapipe: a tenth of a run on an 8-second clip).

    Peak memory is the process's VmHWM (the high-water mark of its resident set). Not
    ``ru_maxrss``: on Linux that survives ``exec``, so a child started from this
    benchmark would report the benchmark's own peak when that is higher.
    """
    code = (
        "import json, re, sys, time; from pathlib import Path;"
        "from formcheck.frontends.analyze import AnalyzeOptions, analyze_input;"
        # imports warm, as they are for the plain loop (see warm_up)
        "from formcheck.pose.landmarker import Mode, PoseLandmarker; import av, cv2;"
        "from formcheck.evaluator.config import EvaluatorConfig, RollerConfig;"
        f"PoseLandmarker(Path({str(model)!r}), Mode.VIDEO).close();"
        f"o = AnalyzeOptions(Path({str(out)!r}), Path({str(model)!r}), fps={fps!r}, "
        f"progress=False, reserve_model_core={reserve!r}, "
        f"config=EvaluatorConfig(roller=RollerConfig(detector={detector!r})));"
        f"r = analyze_input(Path({str(clip)!r}), Path({str(out / clip.stem)!r}), o);"
        "print(json.dumps({'wall_s': r.wall_s, 'frames': r.summary.analysis"
        ".frames_analysed, 'duration_s': r.summary.session.duration_s, "
        "'times': r.times, 'peak_mb': int(re.search(r'VmHWM:\\s+(\\d+)', "
        "Path('/proc/self/status').read_text()).group(1)) / 1024}))"
    )
    out_text = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                              check=True).stdout
    return json.loads(out_text.strip().splitlines()[-1])  # type: ignore[no-any-return]


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--seconds", type=float, default=10.0)
    ap.add_argument("--repeat", type=int, default=3,
                    help="alternate the plain loop and analyze this many times; the "
                    "median of each is compared (a single pass varies by +-5%%)")
    ap.add_argument("--clip", type=Path, action="append", default=[],
                    help="also compare on this video (e.g. a real clip); repeatable")
    ap.add_argument("--shared", action="store_true",
                    help="also run analyze with no core kept for the model")
    ap.add_argument("--long", action="store_true")
    ap.add_argument("--roller-detector", choices=("rules", "learned"), default="learned",
                    help="the roller detector analyze runs (the config's roller.detector)")
    args = ap.parse_args()
    model = find()
    assert model is not None, "run: formcheck models fetch"
    warm_up(model)
    work = Path(tempfile.mkdtemp(prefix="bench-analyze-"))
    sizes = {"720p": (1280, 720), "1080p": (1920, 1080)}
    clips = [
        (label, render_to_files("session", work, seconds=args.seconds, size=size, fps=30.0,
                                seed=7, stem=f"session_{label}").video)
        for label, size in sizes.items()
    ] + [(str(c), c) for c in args.clip]
    for label, clip in clips:
        naive_fps: list[float] = []
        plain_fps: list[float] = []
        runs: list[dict[str, object]] = []
        shared_fps: list[float] = []
        for _ in range(max(1, args.repeat)):
            n_naive, s_naive = naive_loop(clip, model)
            naive_fps.append(n_naive / s_naive)
            n_plain, s_plain = plain_loop(clip, model)
            plain_fps.append(n_plain / s_plain)
            runs.append(analyze_once(clip, model, work / "every", None,
                                     detector=args.roller_detector))
            if args.shared:
                r = analyze_once(clip, model, work / "shared", None, reserve=False,
                                 detector=args.roller_detector)
                shared_fps.append(float(r["frames"]) / float(r["wall_s"]))  # type: ignore[arg-type]
        every_fps = [float(r["frames"]) / float(r["wall_s"]) for r in runs]  # type: ignore[arg-type]
        default = analyze_once(clip, model, work / "default", 15.0,
                               detector=args.roller_detector)
        fps_naive = statistics.median(naive_fps)
        fps_plain, fps_every = statistics.median(plain_fps), statistics.median(every_fps)
        every = runs[every_fps.index(sorted(every_fps)[len(every_fps) // 2])]
        print(f"\n== {label} ({n_plain} frames), {len(runs)} alternating runs each, "
              f"roller detector {args.roller_detector}")
        if n_naive != n_plain:
            print(f"  (OpenCV read {n_naive} frames of it, PyAV {n_plain})")
        for name, fps_, all_ in (("naive loop (stock API)", fps_naive, naive_fps),
                                 ("formcheck's own loop", fps_plain, plain_fps),
                                 ("analyze, every frame", fps_every, every_fps)):
            print(f"{name:23s}: {fps_:6.1f} frames/s (median; runs "
                  + ", ".join(f"{f:.1f}" for f in all_) + ")")
        print(f"  analysing every frame costs {fps_naive / fps_every - 1:+.1%} time against "
              f"the naive loop (ratio {fps_every / fps_naive:.3f}; the issue's baseline), "
              f"{fps_plain / fps_every - 1:+.1%} against formcheck's own loop "
              f"(ratio {fps_every / fps_plain:.3f})")
        if shared_fps:
            fps_shared = statistics.median(shared_fps)
            print(f"analyze, cores shared  : {fps_shared:6.1f} frames/s (median; runs "
                  + ", ".join(f"{f:.1f}" for f in shared_fps)
                  + f"): {fps_naive / fps_shared - 1:+.1%} against the naive loop")
        times = every["times"]
        assert isinstance(times, dict)
        per = {k: 1000 * v / float(every["frames"]) for k, v in times.items()}  # type: ignore[arg-type]
        print("  per stage, ms/frame  : " + ", ".join(f"{k} {v:.1f}" for k, v in per.items())
              + "  (wall time on each stage's thread; stages overlap)")
        print(f"  peak memory          : {every['peak_mb']:.0f} MB")
        rtf = float(default["duration_s"]) / float(default["wall_s"])  # type: ignore[arg-type]
        print(f"analyze, default 15 fps: {default['frames']} frames in "
              f"{default['wall_s']:.1f} s = {rtf:.2f}x real time; peak {default['peak_mb']:.0f} MB")
        if args.shared:
            d2 = analyze_once(clip, model, work / "default-shared", 15.0, reserve=False,
                              detector=args.roller_detector)
            rtf2 = float(d2["duration_s"]) / float(d2["wall_s"])  # type: ignore[arg-type]
            print(f"  ... cores shared     : {d2['wall_s']:.1f} s = {rtf2:.2f}x real time")
    if args.long:
        src = work / "session_1080p.mp4"
        long_clip = work / "long_1080p.mp4"
        loops = int(600 / args.seconds) - 1
        subprocess.run(["ffmpeg", "-v", "error", "-y", "-stream_loop", str(loops), "-i",
                        str(src), "-c", "copy", str(long_clip)], check=True)
        res = analyze_once(long_clip, model, work / "long", 15.0,
                           detector=args.roller_detector)
        print(f"\n== 10-minute 1080p: {res['frames']} frames in {res['wall_s']:.0f} s, "
              f"peak memory {res['peak_mb']:.0f} MB")


if __name__ == "__main__":
    main()
