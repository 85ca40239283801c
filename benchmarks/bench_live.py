"""``formcheck live`` against the plain read-detect loop, on one 640x480 synthetic clip.

Run: ``.venv/bin/python benchmarks/bench_live.py [--seconds 10] [--scenario straight_legs]``.

Prints, all measured in this one run on the same clip:

- frames per second of the plain loop (``open_source`` + ``PoseLandmarker.detect`` in
  VIDEO mode on every frame, as fast as possible; with the same segmentation setting as
  the pipeline), of the plain loop through the whole ``FramePipeline.step`` (pose,
  roller, evaluator), and of ``live`` headless, unpaced and lossless (every frame, the
  reader thread, phases, overlay, HUD, sinks); the ratio live / plain (target >= 0.90);
- latency from capture to display of ``live`` paced at the clip's frame rate (as a
  camera), median and p95, against the model period (the median pose time);
- ``live``'s frame rate with voice on (espeak-ng) and off, and the drop (target < 5%).
"""

from __future__ import annotations

import argparse
import statistics
import tempfile
import time
from pathlib import Path


def plain_detect(clip: Path, model: Path, segmentation: bool) -> float:
    """Frames per second of read + detect, first to last frame."""
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.source import open_source

    with open_source(clip) as src, PoseLandmarker(model, Mode.VIDEO,
                                                  segmentation=segmentation) as lm:
        n, t0 = 0, 0.0
        for vf in src:
            lm.detect(vf.image, vf.t_ms, vf.index)
            if n == 0:
                t0 = time.perf_counter()
            n += 1
        return (n - 1) / (time.perf_counter() - t0)


def plain_pipeline(clip: Path, model: Path) -> float:
    """Frames per second of read + ``FramePipeline.step``, first to last frame."""
    from formcheck.frontends.pipeline import FramePipeline
    from formcheck.source import open_source

    with open_source(clip) as src, FramePipeline(model) as pipe:
        n, t0 = 0, 0.0
        for vf in src:
            pipe.step(vf)
            if n == 0:
                t0 = time.perf_counter()
            n += 1
        return (n - 1) / (time.perf_counter() - t0)


def live(clip: Path, model: Path, out: Path, *, voice: bool, pace: bool) -> object:
    from formcheck.frontends.live import LiveOptions, run_live

    return run_live(LiveOptions(
        model=model, source=clip, voice=voice, window=False, out_dir=out, pace=pace,
        lossless=not pace, save_history=False, safety_s=0.0, roller_grace_s=0.0,
        status=lambda line: None,
    ))


def main() -> None:
    """Render the clip, run the loops (alternating, ``--repeats`` times), print the figures.

    Other work on the machine makes single runs noisy, so the loops alternate and each
    figure is the median of its runs.
    """
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--repeats", type=int, default=3)
    parser.add_argument("--scenario", default="straight_legs")
    parser.add_argument("--model", type=Path, default=None)
    args = parser.parse_args()

    from formcheck.frontends.live import LiveResult
    from formcheck.model.bundle import find
    from formcheck.scenes.stream import render_to_files
    from formcheck.sinks.voice import espeak_path

    model = args.model or find()
    if model is None:
        raise SystemExit("no pose model; run: formcheck models fetch")
    detect: list[float] = []
    piped: list[float] = []
    off: list[LiveResult] = []
    on: list[LiveResult] = []
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        clip = Path(render_to_files(args.scenario, root, seconds=args.seconds,
                                    size=(640, 480), fps=30.0, seed=3).video)
        print(f"clip: {args.scenario}, 640x480, 30 fps, {args.seconds:g} s; "
              f"{args.repeats} alternating runs each, medians")
        for k in range(args.repeats):
            detect.append(plain_detect(clip, model, segmentation=True))
            r = live(clip, model, root / f"off{k}", voice=False, pace=False)
            assert isinstance(r, LiveResult)
            off.append(r)
            r = live(clip, model, root / f"on{k}", voice=True, pace=False)
            assert isinstance(r, LiveResult)
            on.append(r)
            piped.append(plain_pipeline(clip, model))
        paced = live(clip, model, root / "paced", voice=False, pace=True)
        assert isinstance(paced, LiveResult)
    med = statistics.median
    detect_fps, pipe_fps = med(detect), med(piped)
    off_fps, on_fps = med(r.loop_fps for r in off), med(r.loop_fps for r in on)

    def runs(values: list[float]) -> str:
        return ", ".join(f"{v:.1f}" for v in values)

    print(f"plain read+detect loop      {detect_fps:6.1f} frames/s  ({runs(detect)})")
    print(f"plain read+pipeline.step    {pipe_fps:6.1f} frames/s  ({runs(piped)})")
    print(f"live --source (unpaced)     {off_fps:6.1f} frames/s  "
          f"({runs([r.loop_fps for r in off])}; {off[0].frames} frames, "
          f"{off[0].dropped} dropped)")
    print(f"ratio live / read+detect    {off_fps / detect_fps:6.2f} (target >= 0.90)")
    print(f"ratio live / read+pipeline  {off_fps / pipe_fps:6.2f}")
    if paced.latency_ms is not None and paced.model_ms is not None:
        lat_med, p95 = paced.latency_ms
        print(f"latency capture->display (paced 30 fps): median {lat_med:.1f} ms, p95 "
              f"{p95:.1f} ms; model period {paced.model_ms:.1f} ms (2 periods "
              f"{2 * paced.model_ms:.1f} ms); {paced.dropped} of {paced.captured} frames "
              "dropped")
    drop = 100.0 * (1.0 - on_fps / off_fps) if off_fps else 0.0
    engine = "espeak-ng" if espeak_path() else "no espeak-ng: voice was off"
    print(f"voice off {off_fps:.1f} frames/s, voice on {on_fps:.1f} frames/s "
          f"({runs([r.loop_fps for r in on])}; {engine}, {len(on[0].spoken)} utterances "
          f"per run): drop {drop:.1f}% (target < 5%)")


if __name__ == "__main__":
    main()
