"""``formcheck analyze``: a recorded video or a photo becomes an annotated video (or
photo), per-frame data, a summary and a report.

For each input, ``OUT/<input stem>/`` receives ``annotated.mp4`` (or ``annotated.png``),
``frames.jsonl``, ``summary.json`` and ``report.html``. They are written into a hidden
staging folder beside it and swapped into place together when the input is finished, so
an interrupted or failed run leaves no half-written output (and the previous results,
if any, stay until the new ones are complete). A ``OUT/<stem>`` that holds anything but
an earlier formcheck output is refused before any work, and a killed run's staging
folder is cleared by the next run (see :mod:`formcheck.sinks.staging`).

Defaults, and why:
- ``fps=15``: the checks need about half a second of evidence and strokes take 2-3 s, so
  15 analysed frames per second lose nothing the checks use, while halving the model's
  work on 30 fps clips; it is what lets a 1080p 30 fps clip be analysed at least as fast
  as real time on a 2-core machine. ``--fps 0`` analyses every frame.
- ``video_height=720``: the annotated video is scaled down to at most 720 px high; the
  overlay stays legible and encoding stays cheap. ``--video-height 0`` keeps the size.
"""

from __future__ import annotations

import contextlib
import math
import os
import queue
import threading
import time
from collections.abc import Callable, Generator, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, TYPE_CHECKING

from formcheck.errors import FormcheckError, OutputError
from formcheck.evaluator.config import EvaluatorConfig
from formcheck.frontends.choices import DEFAULT_FPS, DEFAULT_VIDEO_HEIGHT
from formcheck.frontends.pipeline import FramePipeline, Step
from formcheck.frontends.prefetch import Prefetch
from formcheck.frontends.session import SessionCore, frames_log
from formcheck.lazy import cv2 as _cv2
from formcheck.overlay.draw import Timeline, draw_overlay
from formcheck.pose.frame import PoseFrame
from formcheck.priority import HELPER_NICENESS, ModelCore, gil_handoff, lower_thread_priority
from formcheck.sinks.atomic import WRITE_ERRNOS, write_failure
from formcheck.sinks.staging import check_replaceable, staged_output
from formcheck.sinks.video import H264Writer, even_size
from formcheck.source import FrameSource, SourceKind, VideoFileSource, VideoFrame, open_source

if TYPE_CHECKING:
    from formcheck.pose.landmarker import ModelInput
    from formcheck.sinks.document import SummaryDocument



class _Stop(Exception):
    """Marks that the main thread stopped (an error or Ctrl-C) while the worker ran."""


class NoPersonError(FormcheckError):
    """No person was found in any analysed frame."""


@dataclass(frozen=True)
class AnalyzeOptions:
    """How to analyse.

    Attributes:
        out_root: the output folder; each input gets ``out_root/<stem>/``.
        model: the pose bundle.
        fps: analysis rate, frames per second (0 or None: every frame).
        video_height: maximum height of the annotated video, px (0 or None: as input).
        config: evaluator configuration.
        config_path: the config file it came from (recorded in the summary).
        roller_color: roller colour hint.
        progress: show a progress bar on stderr.
        write_video: write the annotated video (``grade`` can skip it).
        reserve_model_core: keep the helper threads (decoding, roller and drawing,
            encoding) off one CPU, left to the pose model (see
            :func:`~formcheck.priority.helper_cpus`). ``grade`` turns it off: its
            worker processes share the machine's cores among several models.
    """

    out_root: Path
    model: Path
    fps: float | None = DEFAULT_FPS
    video_height: int | None = DEFAULT_VIDEO_HEIGHT
    config: EvaluatorConfig = field(default_factory=EvaluatorConfig)
    config_path: Path | None = None
    roller_color: str | None = None
    progress: bool = True
    write_video: bool = True
    reserve_model_core: bool = True


@dataclass
class AnalyzeResult:
    """What analysing one input produced."""

    input: Path
    out_dir: Path
    summary: SummaryDocument
    times: dict[str, float]
    frames_read: int
    wall_s: float


def output_dir_for(input_path: Path, out_root: Path, taken: set[Path]) -> Path:
    """``out_root/<stem>``, suffixed ``-2``, ``-3``... when two inputs share a stem."""
    base = out_root / (input_path.stem or "input")
    candidate, n = base, 2
    while candidate.resolve() in taken:
        candidate = base.with_name(f"{base.name}-{n}")
        n += 1
    taken.add(candidate.resolve())
    return candidate


def _check_inputs_safe(input_path: Path, out_dir: Path) -> None:
    resolved = input_path.resolve()
    target = out_dir.resolve()
    if resolved == target or target in resolved.parents:
        raise OutputError(
            f"{out_dir}: holds the input {input_path}; analysing would replace it. "
            "Choose another --out"
        )


def analyze_input(
    input_path: Path, out_dir: Path, options: AnalyzeOptions
) -> AnalyzeResult:
    """Analyse one video or photo into ``out_dir`` (see the module docs).

    Raises:
        FormcheckError: the input cannot be read, nobody is in it, or the output
            cannot be written; nothing is left half-written.
    """
    wall0 = time.perf_counter()
    _check_inputs_safe(input_path, out_dir)
    check_replaceable(out_dir)  # before any work: a user's file there is never lost
    try:
        result = _analyze(input_path, out_dir, options)
    except OSError as err:
        if err.errno not in WRITE_ERRNOS:
            raise
        raise write_failure(err, out_dir) from err
    result.out_dir = out_dir
    result.wall_s = time.perf_counter() - wall0
    return result


def _analyze(input_path: Path, out_dir: Path, options: AnalyzeOptions) -> AnalyzeResult:
    """:func:`analyze_input`'s work, with the outputs' own OS errors left to it."""
    from formcheck.ui import progress_bar

    with (
        open_source(input_path, decode_threads=_decode_threads()) as source,
        staged_output(out_dir) as stage,
        gil_handoff(),
    ):
        still = source.kind is SourceKind.IMAGE
        with FramePipeline(
            options.model, still=still, config=options.config,
            roller_color=options.roller_color,
        ) as pipe:
            runner = _Runner(source, stage, options, pipe, still)
            with progress_bar(
                _expected_frames(source, options.fps), f"analyze {input_path.name}",
                enabled=options.progress and not still,
            ) as advance:
                runner.run(advance)
        return runner.finish(input_path, out_dir)


def _decode_threads() -> int:
    """FFmpeg's decoding threads: the cores beyond the two that the model and the
    worker thread use (at least one). Decoding already runs on its own thread beside the
    model; more decoder threads on a 2-core machine only compete with the model."""
    return max(1, (os.cpu_count() or 2) - 2)


def _expected_frames(source: FrameSource, fps: float | None) -> int | None:
    n = source.frame_count
    if n is None or not fps or source.fps <= fps:
        return n
    return math.ceil(n * fps / source.fps)


class _Runner:
    """The per-input loop: stages, overlay, sinks; bounded memory."""

    def __init__(
        self, source: FrameSource, stage: Path, options: AnalyzeOptions,
        pipe: FramePipeline, still: bool,
    ) -> None:
        self.source, self.stage, self.options, self.pipe, self.still = (
            source, stage, options, pipe, still)
        self.th = options.config.thresholds.as_thresholds()
        self.frames_read = 0
        self.people = 0
        width, height = source.size
        self.in_size = (width, height)
        work = pipe.work_size(width, height)
        self.work_size = work
        self.out_size = even_size(work[0], work[1], options.video_height or None)
        self.k = self.out_size[1] / work[1] if work[1] else 1.0
        rate = source.fps if not options.fps else min(options.fps, source.fps)
        self.out_fps = rate
        duration = (source.frame_count or 0) / source.fps if source.fps else 0.0
        self.timeline = Timeline(max(duration, 1.0))
        self.core = ModelCore(options.reserve_model_core and not still)
        self._decode_wait = 0.0  # s the model's thread last waited for a decoded frame
        self.writer: H264Writer | None = None
        if not still and options.write_video:
            self.writer = H264Writer(stage / "annotated.mp4", rate, self.out_size,
                                     cpus=self.core.cpus)
        self._frames_fh: IO[str] = (stage / "frames.jsonl").open("w", encoding="utf-8")
        self.session = SessionCore(self.th, self.timeline, [frames_log(self._frames_fh)])
        self.annotated_png: Path | None = None

    def _decoded(self) -> Iterator[tuple[VideoFrame, ModelInput]]:
        """Decode, scale to the work size and make the model's input, frame by frame
        (the decoder thread)."""
        times = self.pipe.times
        src = self.source
        it: Iterator[VideoFrame] = (
            src.sampled(1000.0 / self.options.fps)
            if isinstance(src, VideoFileSource) and self.options.fps
            else iter(src)
        )
        while True:
            t0 = time.perf_counter()
            try:
                item = self.pipe.prepare(next(it))
            except StopIteration:
                return
            times.add("decode", time.perf_counter() - t0)
            self.frames_read = item[0].index + 1
            yield item

    def _detected(
        self,
    ) -> Generator[tuple[VideoFrame, PoseFrame, ModelInput], None, None]:
        """Pose, frame by frame (the main thread: the model is the critical path, so it
        gets a thread of its own while the next frame is decoded and made ready)."""
        with Prefetch(self._decoded(), depth=4, name="analyze-decode",
                      niceness=HELPER_NICENESS, cpus=self.core.cpus) as frames:
            it = iter(frames)
            while True:
                t0 = time.perf_counter()
                try:
                    vf, ready = next(it)
                except StopIteration:
                    return
                self._decode_wait = time.perf_counter() - t0
                yield (*self.pipe.detect(vf, ready), ready)

    def run(self, advance: Callable[[], None]) -> None:
        """Decoding on one thread, pose on this one; roller, evaluator, data and drawing on
        a worker thread, in frame order, so the stages overlap on two cores (the decoder
        and the model release the GIL). The queues between them are bounded: memory
        stays flat."""
        handoff: queue.Queue[tuple[VideoFrame, PoseFrame, ModelInput] | None] = (
            queue.Queue(maxsize=4))
        failure: list[BaseException] = []

        def worker() -> None:
            lower_thread_priority(cpus=self.core.cpus)
            while True:
                item = handoff.get()
                if item is None:
                    return
                if failure:
                    continue  # drain after an error
                try:
                    self._finish_frame(self.pipe.finish(*item))
                    advance()
                except BaseException as err:
                    failure.append(err)

        thread = threading.Thread(target=worker, name="analyze-finish", daemon=True)
        thread.start()

        def hand(item: tuple[VideoFrame, PoseFrame, ModelInput] | None) -> None:
            while thread.is_alive():
                try:
                    handoff.put(item, timeout=0.5)
                    return
                except queue.Full:
                    continue

        detected = self._detected()
        try:
            t_prev = time.perf_counter()
            for item in detected:
                if failure:
                    break
                t0 = time.perf_counter()
                hand(item)
                t1 = time.perf_counter()
                self.core.frame(self._decode_wait + t1 - t0, t1 - t_prev)
                t_prev = t1
        except BaseException:
            failure.append(_Stop())  # makes the worker drain and stop
            hand(None)
            thread.join()
            self._discard()
            raise
        finally:
            # Stop the decoder thread now, not when the generator is collected: the
            # source is closed next, and must not be released in the middle of a read.
            detected.close()
        hand(None)
        thread.join()
        if failure:
            self._discard()
            raise failure[0]

    def _discard(self) -> None:
        """Close the outputs without keeping them (the staging folder is removed). Called
        while an error is on its way up: a second error here (the disk that is full
        refuses the last flush too) must not replace it."""
        with contextlib.suppress(OSError):
            self._frames_fh.close()
        if self.writer is not None:
            with contextlib.suppress(OSError):
                self.writer.close(keep=False)

    def _finish_frame(self, step: Step) -> None:
        """Record, write and draw one evaluated frame (the worker thread's half)."""
        cv2 = _cv2()
        times = self.pipe.times
        verdict = step.verdict
        self.people += step.pose.pose is not None
        self.session.add(verdict, step.roller)
        t0 = time.perf_counter()
        if self.still:
            image = step.frame.image.copy()
            draw_overlay(image, verdict, step.roller,
                         before_cue=lambda banner: self.session.picture(verdict, banner))
            self.annotated_png = self.stage / "annotated.png"
            cv2.imwrite(str(self.annotated_png), image)
            times.add("draw", time.perf_counter() - t0)
        elif self.writer is not None:
            image = step.frame.image  # the work frame, drawn on in place
            if self.out_size != (image.shape[1], image.shape[0]):
                image = cv2.resize(image, self.out_size, interpolation=cv2.INTER_AREA)
            lm = verdict.landmarks_px
            draw_overlay(
                image, verdict, step.roller.scaled(self.k),
                landmarks_px=None if lm is None else lm * self.k, timeline=self.timeline,
                before_cue=lambda banner: self.session.picture(verdict, banner),
            )
            t1 = time.perf_counter()
            self.writer.write(image)
            times.add("draw", t1 - t0)
            times.add("encode", time.perf_counter() - t1)


    def finish(self, input_path: Path, out_dir: Path) -> AnalyzeResult:
        """End the input: close its outputs, write its summary and report."""
        self._frames_fh.close()
        encode_s = 0.0
        if self.writer is not None:
            t0 = time.perf_counter()
            self.writer.close(keep=True)
            self.pipe.times.add("encode", time.perf_counter() - t0)
            encode_s = self.writer.encode_s
        if self.people == 0:
            raise NoPersonError(
                f"{input_path}: no person was found in any frame; check the set-up "
                "(whole body in view, side-on to the camera, enough light)"
            )
        session = self.pipe.evaluator.summary()
        summary = self.session.write(
            self.stage, session,
            input_info={
                "path": str(input_path),
                "kind": self.source.kind.value,
                "width": self.in_size[0],
                "height": self.in_size[1],
                "fps": None if self.still else round(self.source.fps, 3),
                "frames_read": self.frames_read,
            },
            analysis={
                "fps": None if self.still or not self.options.fps else self.out_fps,
                "frames_analysed": self.pipe.times.frames,
                "work_size": list(self.work_size),
                "model": str(self.options.model),
                "config": str(self.options.config_path) if self.options.config_path else None,
            },
            title=input_path.name,
            video_path=self.stage / "annotated.mp4" if self.writer else None,
            image_path=self.annotated_png, shown_as=out_dir,
        )
        times = dict(self.pipe.times.seconds)
        times["encode_thread"] = encode_s
        return AnalyzeResult(input_path, self.stage, summary, times, self.frames_read, 0.0)
