"""``formcheck live``: webcam coaching that someone lying on a roller can follow.

The run, in order:

1. **Safety notice** (``safety_s``, 4 s): on screen and spoken once (who should ask a
   professional first, and when to stop).
2. **Set-up** guidance, on screen and spoken (rate-limited) until the evaluator's
   set-up state has been ok for ``setup_hold_s`` (2 s): whole body in view, side-on to
   the camera, roller visible. Where the body is right but the roller is not found for
   ``roller_grace_s`` (6 s), the session starts anyway (the roller checks then read
   unknown; ``c`` calibrates the roller's colour) so a roller the detector misses never
   locks the user out.
3. **Session**: the evaluator starts afresh (the summary covers the session only); the
   overlay of ``analyze`` plus a HUD (frames per second, the session timer against the
   10-15 minute target, strokes, voice, REC) and the key help; one cue at a time, spoken
   when the evaluator (re)announces it.

``--max-seconds`` counts the wall time of the whole run (notice and set-up included);
pauses count too. The session timer and the timestamps given to the evaluator leave
pauses out.

Capture runs on a reader thread that keeps only the newest frame
(:mod:`formcheck.frontends.live_capture`); the pose runs in VIDEO mode on each frame's
capture timestamp. Latency (capture to display) is measured per frame and printed at
the end with the model period (the median pose time).

After the session: ``summary.json`` (as ``analyze``), ``report.html`` and
``frames.jsonl`` in ``--out`` (default ``<data dir>/sessions/<YYYY-mm-dd_HHMMSS>``,
see :mod:`formcheck.sinks.history`), each written atomically; then a row in the history
database. A damaged or locked history database gives one warning line and never stops
the session's files from being written (exit 0).
"""

from __future__ import annotations

import contextlib
import os
import statistics
import sys
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import IO, TYPE_CHECKING, Any

import numpy as np
from numpy.typing import NDArray

from formcheck.errors import FormcheckError, OutputError
from formcheck.frontends.live_capture import Captured, CaptureState, LatestFrameReader
from formcheck.frontends.live_phases import Phase, Phases
from formcheck.priority import gil_handoff
from formcheck.sinks.history import HistoryError, data_dir, save_session
from formcheck.sinks.voice import Voice
from formcheck.source import FrameSource, VideoFrame
from formcheck.ui import duration_text
from formcheck.vocabulary import score_text

if TYPE_CHECKING:
    from formcheck.evaluator.config import EvaluatorConfig
    from formcheck.evaluator.results import FrameVerdict, SessionSummary
    from formcheck.frontends.pipeline import FramePipeline, Step
    from formcheck.frontends.session import SessionCore
    from formcheck.overlay.draw import Banner
    from formcheck.pose.frame import PoseFrame
    from formcheck.pose.landmarker import ModelInput
    from formcheck.sinks.document import SummaryDocument
    from formcheck.sinks.video import H264Writer

    # a captured frame, its work frame, its pose, the model's input, the model's ms
    Posed = tuple[Captured, VideoFrame, PoseFrame, ModelInput, float]

WINDOW_TITLE = "formcheck"
KEY_HELP = "q/Esc end   space pause   c calibrate roller   v voice   r record"
TARGET_TEXT = "10-15 min"

SAFETY_LINES = (
    "Before you start",
    "With a back condition (herniated disc, spinal stenosis),",
    "ask a professional before foam-rolling.",
    "Stop at once on pain, numbness or tingling.",
    "formcheck coaches form; it does not diagnose.",
)
SAFETY_SPOKEN = (
    "Before you start. If you have a back condition, such as a herniated disc or spinal "
    "stenosis, ask a professional before foam rolling. Stop at once if you feel pain, "
    "numbness or tingling."
)
SETUP_LINES = (
    "Set-up",
    "Your whole body in view, head to feet",
    "Side-on to the camera",
    "The roller visible under your back",
)
LOST_MESSAGE = "Camera lost - reconnecting..."  # Hershey fonts have no dash or ellipsis
PAUSED_MESSAGE = "Paused - space to resume"

KEY_ESC, KEY_SPACE = 27, 32
RECORD_FPS = 15.0  # recordings: a fixed rate, frames repeated to play in real time


class NoDisplayError(FormcheckError):
    """A window was asked for but there is no display to show it on."""


@dataclass
class LiveOptions:
    """How to run a live session (the CLI's options, plus hooks for tests and benchmarks).

    Attributes:
        model: the pose bundle.
        camera: camera index (used when ``source`` is None).
        source: a video file played as if it were a camera.
        voice: speak the notice, the set-up guidance and the cues.
        record: record the annotated view to this file from the start (``r`` toggles).
        mirror: flip the picture left-right (a mirror view).
        window: show the window (False: headless, no keys; Ctrl-C ends).
        max_seconds: end after this much wall time of the whole run (None: no limit).
        out_dir: where the session's files go (None: a dated folder in the data folder).
        config, config_path, roller_color: as for ``analyze``.
        pace: play ``source`` at its frame rate (False: as fast as possible; benchmarks).
        lossless: hand every frame to the loop, dropping none (benchmarks).
        save_history: add the session to the history database.
        history_db: the database (None: ``<data dir>/history.sqlite``).
        safety_s, setup_hold_s, roller_grace_s: the phases' timings (see module docs).
        speak: the speech backend (None: espeak-ng); tests pass a recorder.
        opener: opens the frame source, instead of ``source``/``camera`` (tests); a
            camera-kind source it opens is reconnected when it stops delivering.
        status: where status lines go (stderr by default).
    """

    model: Path
    camera: int = 0
    source: Path | None = None
    voice: bool = True
    record: Path | None = None
    mirror: bool = False
    window: bool = True
    max_seconds: float | None = None
    out_dir: Path | None = None
    config: EvaluatorConfig | None = None
    config_path: Path | None = None
    roller_color: str | None = None
    pace: bool = True
    lossless: bool = False
    save_history: bool = True
    history_db: Path | None = None
    safety_s: float = 4.0
    setup_hold_s: float = 2.0
    roller_grace_s: float = 6.0
    speak: Callable[[str], None] | None = None
    opener: Callable[[], FrameSource] | None = None
    status: Callable[[str], None] = field(
        default=lambda line: print(line, file=sys.stderr, flush=True))


@dataclass
class LiveResult:
    """What a live run did."""

    out_dir: Path | None
    summary: SummaryDocument | None
    session_started: bool
    frames: int  # frames processed (all phases)
    session_frames: int
    captured: int
    dropped: int
    wall_s: float
    loop_fps: float  # frames processed per second, first to last frame
    latency_ms: tuple[float, float] | None  # median, p95
    model_ms: float | None  # median pose time per frame
    history_id: int | None = None
    recordings: list[Path] = field(default_factory=list)
    spoken: list[str] = field(default_factory=list)
    reconnects: int = 0


def check_display() -> None:
    """Raise :class:`NoDisplayError` where a window cannot be shown (Linux without X, or
    with a ``DISPLAY`` nothing answers on: Qt would abort the process natively)."""
    if not sys.platform.startswith("linux"):
        return
    display = os.environ.get("DISPLAY")
    if not (display or os.environ.get("WAYLAND_DISPLAY")):
        raise NoDisplayError(
            "no display (DISPLAY is not set) to show the live window; use --no-window "
            "to run without it, or record a video and run formcheck analyze"
        )
    if display and not _x_display_answers():
        raise NoDisplayError(
            f"the display {display} (DISPLAY) cannot be reached to show the live window; "
            "start it or fix DISPLAY, or use --no-window to run without the window"
        )


def _x_display_answers() -> bool:
    """Whether the X display named by ``DISPLAY`` accepts a connection (Xlib's own
    XOpenDisplay, as Qt would call it); True where Xlib is not there to ask."""
    import ctypes
    import ctypes.util

    name = ctypes.util.find_library("X11")
    if name is None:
        return True
    try:
        xlib = ctypes.cdll.LoadLibrary(name)
    except OSError:
        return True
    xlib.XOpenDisplay.restype = ctypes.c_void_p
    xlib.XOpenDisplay.argtypes = [ctypes.c_char_p]
    xlib.XCloseDisplay.argtypes = [ctypes.c_void_p]
    handle = xlib.XOpenDisplay(None)
    if not handle:
        return False
    xlib.XCloseDisplay(handle)
    return True


def check_record(record: Path | None, source: Path | None = None) -> None:
    """Raise :class:`OutputError` where ``--record`` names a file that cannot be made, the
    ``--source`` video itself, or a file that is there already (a recording never
    replaces a file: it may be the user's)."""
    from formcheck.sinks.atomic import check_not_input, check_out_folder

    if record is None:
        return
    if source is not None:
        check_not_input(record, [source])
    if record.exists() or record.is_symlink():
        raise OutputError(f"--record {record}: the file is there already; move it away or "
                          "choose another file (nothing was changed)")
    # the recorder makes missing folders: the nearest one that is there must take files
    check_out_folder(record.parent, "--record", named=record)


SESSION_FILES = ("summary.json", "report.html", "frames.jsonl")


def check_session_dir(out_dir: Path) -> None:
    """Raise :class:`OutputError` where ``out_dir`` holds a session's files already (an
    earlier session, or the user's files of those names): a session never replaces
    them."""
    there = [name for name in SESSION_FILES if (out_dir / name).exists()]
    if there:
        them = "it" if len(there) == 1 else "them"
        raise OutputError(f"{out_dir} holds {', '.join(there)} already; choose another "
                          f"--out or move {them} away (nothing was changed)")


def default_out_dir(started: datetime) -> Path:
    """``<data dir>/sessions/<YYYY-mm-dd_HHMMSS>``, with ``-2``, ``-3`` ... after it
    when a session started in the same second has that folder."""
    base = data_dir() / "sessions" / started.strftime("%Y-%m-%d_%H%M%S")
    path, n = base, 1
    while path.exists():
        n += 1
        path = base.with_name(f"{base.name}-{n}")
    return path


def _fmt_clock(seconds: float) -> str:
    s = max(int(seconds), 0)
    return f"{s // 60:02d}:{s % 60:02d}"


def _percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    k = min(max(round(q * (len(ordered) - 1)), 0), len(ordered) - 1)
    return ordered[k]


def draw_notice(image: NDArray[np.uint8], lines: tuple[str, ...]) -> None:
    """A centred box of lines (the first as a heading), drawn in place."""
    from formcheck.lazy import cv2 as _cv2
    from formcheck.overlay.draw import SETUP_BGR, _scale, _shade, _text

    cv2 = _cv2()
    h, w = image.shape[:2]
    s = _scale(image)
    fs, th = 0.95 * s, max(1, round(1.6 * s))
    sizes = [cv2.getTextSize(t, cv2.FONT_HERSHEY_DUPLEX, fs, th)[0] for t in lines]
    widest = max(tw for tw, _ in sizes)
    while widest > w * 0.86 and fs > 0.3:
        fs *= 0.9
        sizes = [cv2.getTextSize(t, cv2.FONT_HERSHEY_DUPLEX, fs, th)[0] for t in lines]
        widest = max(tw for tw, _ in sizes)
    line_h = int(max(th_ for _, th_ in sizes) * 1.9)
    box_h = line_h * len(lines) + int(20 * s)
    top = max((h - box_h) // 2 - int(20 * s), 0)
    _shade(image, (w - widest) // 2 - int(20 * s), top, (w + widest) // 2 + int(20 * s),
           top + box_h, 0.75)
    y = top + int(10 * s) + line_h - int(line_h * 0.3)
    for k, (text, (tw, _)) in enumerate(zip(lines, sizes, strict=True)):
        colour = SETUP_BGR if k == 0 else (240, 240, 240)
        _text(cv2, image, text, ((w - tw) // 2, y), fs, colour, th)
        y += line_h


class _Recorder:
    """``r``: records the annotated view to an H.264 file; errors become warnings."""

    def __init__(self, out_dir: Path, first: Path | None, status: Callable[[str], None]):
        self.out_dir = out_dir
        self.first = first
        self.status = status
        self.writer: H264Writer | None = None
        self.size = (0, 0)
        self.paths: list[Path] = []
        self.fps = RECORD_FPS
        self.t0: float | None = None
        self.count = 0

    @property
    def active(self) -> bool:
        return self.writer is not None

    def _next_path(self) -> Path:
        if self.first is not None and not self.paths:
            return self.first
        base = self.first or self.out_dir / f"recording-{datetime.now():%H%M%S}.mp4"
        path, n = base, 2
        while path.exists() or path in self.paths:
            path = base.with_name(f"{base.stem}-{n}{base.suffix}")
            n += 1
        return path

    def start(self, size: tuple[int, int], fps: float) -> None:
        from formcheck.sinks.video import H264Writer, even_size

        path = self._next_path()
        self.size = even_size(size[0], size[1], None)
        self.fps, self.t0, self.count = fps, None, 0
        try:
            self.writer = H264Writer(path, fps, self.size)
        except FormcheckError as err:
            self.status(f"formcheck: warning: cannot record: {err}")
            return
        self.paths.append(path)
        self.status(f"recording to {path}")

    def write(self, image: NDArray[np.uint8], t_s: float) -> None:
        """Record ``image``, shown at ``t_s`` (s): repeated for as many ticks of the
        recording's fixed rate as it stood on screen, so the video plays in real time."""
        if self.writer is None:
            return
        from formcheck.lazy import cv2 as _cv2

        if self.t0 is None:
            self.t0 = t_s
        due = int((t_s - self.t0) * self.fps) + 1
        repeats = min(max(due - self.count, 0), int(self.fps * 2))
        self.count = max(due, self.count)
        if repeats == 0:
            return
        if (image.shape[1], image.shape[0]) != self.size:
            image = _cv2().resize(image, self.size, interpolation=_cv2().INTER_AREA)
        try:
            for _ in range(repeats):
                self.writer.write(image)
        except (FormcheckError, ValueError) as err:
            self.status(f"formcheck: warning: recording stopped: {err}")
            self.stop()

    def stop(self) -> None:
        writer, self.writer = self.writer, None
        if writer is None:
            return
        try:
            writer.close(keep=True)
            self.status(f"recording saved: {writer.path}")
        except FormcheckError as err:
            self.status(f"formcheck: warning: {err}")
            if writer.path in self.paths:
                self.paths.remove(writer.path)


class _PoseWorker:
    """Runs the pose model on the newest frames on its own thread.

    The model releases the GIL, so the main thread's roller, evaluator, drawing, window
    and keys overlap the next frame's pose on the second core. Only the newest posed
    frame is kept (``lossless`` waits instead, for benchmarks); while paused, frames
    are read and dropped.
    """

    def __init__(self, live: LiveSession, reader: LatestFrameReader, pipe: FramePipeline,
                 lossless: bool) -> None:
        self.live, self.reader, self.pipe, self.lossless = live, reader, pipe, lossless
        self.ended = False
        self.error: BaseException | None = None
        self._stop = False
        self._slot: Posed | None = None
        self._cond = threading.Condition()
        self._last_t_ms = -1.0
        self._thread = threading.Thread(target=self._run, name="live-pose", daemon=True)
        self._thread.start()

    def _run(self) -> None:
        try:
            while not self._stop:
                cap = self.reader.get(timeout=0.05)
                if cap is None:
                    if self.reader.ended:
                        break
                    continue
                if self.live.phases.paused:
                    continue
                image = cap.frame.image
                if self.live.o.mirror:
                    image = np.ascontiguousarray(image[:, ::-1])
                # The evaluator's clock leaves pauses out and strictly increases.
                t_ms = max(cap.frame.t_ms - self.live.phases.paused_total * 1000.0,
                           self._last_t_ms + 1.0)
                self._last_t_ms = t_ms
                t0 = time.perf_counter()
                work, ready = self.pipe.prepare(VideoFrame(cap.frame.index, t_ms, image))
                work, pose = self.pipe.detect(work, ready)
                model_ms = (time.perf_counter() - t0) * 1000.0
                with self._cond:
                    while self.lossless and self._slot is not None and not self._stop:
                        self._cond.wait(0.05)
                    self._slot = (cap, work, pose, ready, model_ms)
                    self._cond.notify_all()
        except BaseException as err:  # handed to the main thread
            self.error = err
        finally:
            with self._cond:
                self.ended = True
                self._cond.notify_all()

    def get(self, timeout: float) -> Posed | None:
        """The newest posed frame, or None after ``timeout`` seconds."""
        with self._cond:
            if self._slot is None and not self.ended:
                self._cond.wait(timeout)
            item, self._slot = self._slot, None
            self._cond.notify_all()
        if item is None and self.error is not None:
            raise self.error
        return item

    def stop(self) -> None:
        self._stop = True
        with self._cond:
            self._cond.notify_all()
        self._thread.join(timeout=5.0)


@contextlib.contextmanager
def _frames_log(out_dir: Path) -> Iterator[IO[str]]:
    """``frames.jsonl``, written under a temporary name and renamed at the end."""
    from formcheck.sinks.atomic import atomic_text

    with atomic_text(out_dir / "frames.jsonl") as fh:
        yield fh


class LiveSession:
    """The live loop; :func:`run_live` is the way in."""

    def __init__(self, options: LiveOptions) -> None:
        self.o = options
        self.started_at = datetime.now().astimezone()
        self.out_dir = options.out_dir or default_out_dir(self.started_at.replace(tzinfo=None))
        self.phases = Phases(time.perf_counter(), options.safety_s, options.setup_hold_s,
                             options.roller_grace_s)
        self.flash: tuple[str, float] | None = None
        self.latencies: list[float] = []
        self.model_ms: list[float] = []
        self.frames = 0
        self.session_frames = 0
        self.loop_times: deque[float] = deque(maxlen=30)
        self.first_done: float | None = None
        self.last_done = 0.0
        self.strokes = 0
        self.strokes_at = 0.0
        self.last_image: NDArray[np.uint8] | None = None
        self.last_step: Step | None = None
        self.lost_reported = False
        self.quit = False
        self.record_started = False

    # ------------------------------------------------------------------ helpers
    def _opener(self) -> Callable[[], FrameSource]:
        from formcheck.source import CameraSource, open_source

        if self.o.opener is not None:
            return self.o.opener
        if self.o.source is not None:
            path = self.o.source
            return lambda: open_source(path)
        index = self.o.camera
        return lambda: CameraSource(index)

    def _fps(self) -> float:
        if len(self.loop_times) < 2:
            return 0.0
        span = self.loop_times[-1] - self.loop_times[0]
        return (len(self.loop_times) - 1) / span if span > 0 else 0.0

    def _hud(self, now: float, voice: Voice, recorder: _Recorder) -> Any:
        from formcheck.overlay.draw import Hud

        lines = [f"{self._fps():.0f} fps"]
        if self.phases.in_session:
            lines.append(f"{_fmt_clock(self.phases.session_elapsed(now))} / {TARGET_TEXT}")
            lines.append(f"strokes {self.strokes}")
        else:
            lines.append(f"00:00 / {TARGET_TEXT}")
        lines.append(f"voice {'on' if voice.enabled else 'off'}")
        if recorder.active:
            lines.append("REC")
        return Hud(lines=tuple(lines), footer=KEY_HELP)

    # ------------------------------------------------------------------ phases
    def _advance_phase(
        self, verdict: FrameVerdict, now: float, pipe: FramePipeline, voice: Voice,
    ) -> str | None:
        """Move between phases; the message to show (None: the overlay's own)."""
        step = self.phases.update(verdict.setup, verdict.cue, now)
        for utterance in step.say:
            voice.say(utterance.text, force=utterance.force)
        if step.started:
            pipe.reset_session()  # the summary covers the session only
            self.o.status("session started" + (f" ({step.note})" if step.note else ""))
            if step.note:
                self.flash = (step.note, now + 2.0)
        return step.message

    # ------------------------------------------------------------------ drawing
    def _compose(
        self, step: Step | None, image: NDArray[np.uint8], message: str | None, now: float,
        voice: Voice, recorder: _Recorder, timeline: Any,
        before_cue: Callable[[Banner], None] | None = None,
    ) -> NDArray[np.uint8]:
        from formcheck.overlay.draw import draw_overlay

        canvas = image.copy()
        if self.flash is not None:
            if now < self.flash[1]:
                message = message or self.flash[0]
            else:
                self.flash = None
        draw_overlay(
            canvas, step.verdict if step else None, step.roller if step else None,
            timeline=timeline if self.phases.in_session else None,
            hud=self._hud(now, voice, recorder), message=message, before_cue=before_cue,
        )
        if self.phases.phase is Phase.SAFETY:
            draw_notice(canvas, SAFETY_LINES)
        elif self.phases.phase is Phase.SETUP:
            draw_notice(canvas, SETUP_LINES)
        return canvas

    # ------------------------------------------------------------------ keys
    def _key(
        self, key: int, now: float, pipe: FramePipeline, voice: Voice, recorder: _Recorder,
    ) -> None:
        if key < 0:
            return
        key &= 0xFF
        if key in (ord("q"), ord("Q"), KEY_ESC):
            self.quit = True
        elif key == KEY_SPACE:
            self.o.status("paused" if self.phases.toggle_pause(now) else "resumed")
        elif key in (ord("c"), ord("C")):
            self._calibrate(pipe, now)
        elif key in (ord("v"), ord("V")):
            on = voice.toggle()
            self.flash = (f"Voice {'on' if on else 'off'}", now + 1.5)
        elif key in (ord("r"), ord("R")):
            if recorder.active:
                recorder.stop()
            elif self.last_image is not None:
                h, w = self.last_image.shape[:2]
                self.record_started = True
                recorder.start((w, h), RECORD_FPS)

    def _calibrate(self, pipe: FramePipeline, now: float) -> None:
        step = self.last_step
        if step is None:
            self.flash = ("Roller calibration is not available", now + 2.0)
            return
        try:
            done = pipe.calibrate_roller(step.frame.image, step.pose)
        except FormcheckError as err:
            self.flash = (f"Calibration failed: {err}", now + 2.5)
            return
        self.flash = (("Roller calibrated" if done is not False
                       else "Calibration needs you in view, on the roller"), now + 2.0)
        self.o.status(self.flash[0])

    # ------------------------------------------------------------------ the loop
    def run(self) -> LiveResult:
        from formcheck.evaluator.config import EvaluatorConfig as _Cfg
        from formcheck.frontends.pipeline import FramePipeline
        from formcheck.frontends.session import SessionCore, frames_log
        from formcheck.lazy import cv2 as _cv2
        from formcheck.overlay.draw import Timeline
        from formcheck.sinks.atomic import check_out_folder, prepare_output_dir

        o = self.o
        check_record(o.record, o.source)
        check_session_dir(self.out_dir)
        check_out_folder(self.out_dir)
        if o.window:
            check_display()
        cv2 = _cv2()
        run_start = time.perf_counter()
        self.phases.run_start = run_start  # the safety notice counts from here
        reader = LatestFrameReader(
            self._opener(), pace=o.pace, lossless=o.lossless, reconnect=None,
        )
        reader.start()  # a missing camera or bad file raises here, before any window
        try:
            # after the camera: a bad one leaves no folder
            created = prepare_output_dir(self.out_dir)
        except BaseException:
            reader.stop()
            raise
        voice = Voice(o.voice, speak=o.speak)
        recorder = _Recorder(self.out_dir, o.record, o.status)
        cfg = o.config if o.config is not None else _Cfg()
        timeline = Timeline(60.0, columns=240, rolling=True)
        window_open = False
        try:
            with FramePipeline(o.model, config=cfg, roller_color=o.roller_color) as pipe, \
                    _frames_log(self.out_dir) as frames_fh:
                core = SessionCore(cfg.thresholds.as_thresholds(), timeline,
                                   [frames_log(frames_fh)])
                if o.window:
                    _open_window()
                    window_open = True
                voice.say(SAFETY_SPOKEN, force=True)
                try:
                    with gil_handoff():
                        self._loop(reader, run_start, pipe, voice, recorder, core)
                except KeyboardInterrupt:
                    o.status("ending the session (interrupted)")
                    self.quit = True  # the user ended it, as with q or Esc
                if recorder.active:
                    recorder.stop()
                if self.phases.session_start is None:
                    frames_fh.close()
                    raise _NoSession()
                result = self._result(reader, run_start, voice, recorder)
                self._finish(pipe.evaluator.summary(), core, reader, result)
        except _NoSession:
            why = self.phases.why_not_started(time.perf_counter(), stopped=self.quit)
            o.status(f"formcheck: the session did not start: {why}; nothing was saved")
            result = self._result(reader, run_start, voice, recorder)
            result.out_dir = None
            for folder in reversed(created):  # the dated folder and sessions/, if new
                with contextlib.suppress(OSError):
                    folder.rmdir()  # only if empty
        finally:
            recorder.stop()
            voice.close()
            reader.stop()
            if window_open:
                with contextlib.suppress(Exception):
                    cv2.destroyAllWindows()
                    cv2.waitKey(1)
        self._print_timing(result)
        return result

    def _loop(
        self, reader: LatestFrameReader, run_start: float, pipe: FramePipeline, voice: Voice,
        recorder: _Recorder, core: SessionCore,
    ) -> None:
        o = self.o
        worker = _PoseWorker(self, reader, pipe, o.lossless)
        try:
            while not self.quit:
                now = time.perf_counter()
                if o.max_seconds is not None and now - run_start >= o.max_seconds:
                    break
                item = worker.get(timeout=0.05)
                if item is None or self.phases.paused:
                    if item is None and worker.ended:
                        if reader.error is not None:
                            o.status(f"formcheck: warning: the source stopped: {reader.error}")
                        break
                    self._idle(None, reader, now, voice, recorder, core.timeline, pipe)
                    continue
                if reader.state is CaptureState.OK and self.lost_reported:
                    self.lost_reported = False
                    o.status("camera back")
                self._process(item, now, pipe, voice, recorder, core)
        finally:
            worker.stop()

    def _idle(
        self, cap: Captured | None, reader: LatestFrameReader, now: float, voice: Voice,
        recorder: _Recorder, timeline: Any, pipe: FramePipeline,
    ) -> None:
        """No frame to process (paused, lost, or not due yet): redraw and read keys."""
        message: str | None = None
        if self.phases.paused:
            message = PAUSED_MESSAGE
        elif reader.state is CaptureState.LOST:
            message = LOST_MESSAGE
            if not self.lost_reported:
                self.lost_reported = True
                self.o.status("formcheck: camera lost — reconnecting…")
        if message is None or self.last_image is None:
            if self.o.window:
                self._key(self._wait_key(), now, pipe, voice, recorder)
            return
        if self.o.window:
            canvas = self._compose(self.last_step, self.last_image, message, now, voice,
                                   recorder, timeline)
            self._show(canvas)
            self._key(self._wait_key(), now, pipe, voice, recorder)
        if cap is None:
            time.sleep(0.02)

    def _wait_key(self) -> int:
        from formcheck.lazy import cv2 as _cv2

        cv2 = _cv2()
        key = int(cv2.waitKey(1))
        with contextlib.suppress(cv2.error):
            if self.frames > 0 and cv2.getWindowProperty(WINDOW_TITLE,
                                                         cv2.WND_PROP_VISIBLE) < 1:
                self.quit = True  # the window was closed
        return key

    def _show(self, canvas: NDArray[np.uint8]) -> None:
        from formcheck.lazy import cv2 as _cv2

        _cv2().imshow(WINDOW_TITLE, canvas)

    def _process(
        self, item: Posed, now: float,
        pipe: FramePipeline, voice: Voice, recorder: _Recorder, core: SessionCore,
    ) -> None:
        cap, work, pose, ready, model_ms = item
        image = work.image
        step = pipe.finish(work, pose, ready)
        self.model_ms.append(model_ms)
        self.frames += 1
        verdict = step.verdict
        message = self._advance_phase(verdict, now, pipe, voice)
        if self.phases.in_session:
            self.session_frames += 1
            core.add(verdict, step.roller)
            if now - self.strokes_at >= 1.0:
                self.strokes = pipe.evaluator.summary().strokes.count
                self.strokes_at = now
        self.last_image, self.last_step = image, step
        done = time.perf_counter()
        self.loop_times.append(done)
        if self.first_done is None:
            self.first_done = done
        self.last_done = done
        in_session = self.phases.in_session
        canvas = self._compose(
            step, image, message, now, voice, recorder, core.timeline,
            before_cue=(lambda banner: core.picture(verdict, banner)) if in_session else None,
        )
        if self.o.record is not None and not self.record_started:
            self.record_started = True
            recorder.start((image.shape[1], image.shape[0]), RECORD_FPS)
        recorder.write(canvas, time.perf_counter())
        if self.o.window:
            self._show(canvas)
            key = self._wait_key()
            self.latencies.append(time.perf_counter() - cap.captured_at)
            self._key(key, time.perf_counter(), pipe, voice, recorder)
        else:
            self.latencies.append(time.perf_counter() - cap.captured_at)

    # ------------------------------------------------------------------ the end
    def _result(
        self, reader: LatestFrameReader, run_start: float, voice: Voice, recorder: _Recorder,
    ) -> LiveResult:
        """What the run did (its summary and history row are added by :meth:`_finish`)."""
        model_ms = statistics.median(self.model_ms) if self.model_ms else None
        wall = time.perf_counter() - run_start
        span = self.last_done - (self.first_done or 0.0)
        loop_fps = (self.frames - 1) / span if self.frames > 1 and span > 0 else 0.0
        lat = None
        if self.latencies:
            ms = [x * 1000.0 for x in self.latencies]
            lat = (statistics.median(ms), _percentile(ms, 0.95))
        return LiveResult(
            out_dir=self.out_dir, summary=None,
            session_started=self.phases.session_start is not None,
            frames=self.frames, session_frames=self.session_frames,
            captured=reader.captured, dropped=reader.dropped, wall_s=wall,
            loop_fps=loop_fps, latency_ms=lat,
            model_ms=model_ms, recordings=list(recorder.paths), spoken=list(voice.spoken),
            reconnects=reader.reconnects,
        )

    def _finish(
        self, session: SessionSummary, core: SessionCore, reader: LatestFrameReader,
        result: LiveResult,
    ) -> None:
        """Write the session's summary and report, say how it went, add it to the
        history."""
        o = self.o
        width, height = reader.size
        video = result.recordings[0] if result.recordings else None
        summary = core.write(
            self.out_dir, session,
            input_info={
                "path": str(o.source) if o.source is not None else f"camera {o.camera}",
                "kind": reader.kind.value,
                "width": int(width),
                "height": int(height),
                "fps": round(reader.fps, 3),
                "frames_read": reader.captured,
            },
            analysis={
                "fps": None,
                "frames_analysed": self.session_frames,
                "model": str(o.model),
                "config": str(o.config_path) if o.config_path else None,
            },
            title=f"Live session {self.started_at:%Y-%m-%d %H:%M}",
            video_path=video if video is not None and video.parent == self.out_dir else None,
        )
        result.summary = summary
        o.status(
            f"session {duration_text(session.duration_s)}, "
            f"{score_text(summary.score, summary.score_reason)}, "
            f"{session.strokes.count} stroke{'' if session.strokes.count == 1 else 's'} -> "
            f"{self.out_dir}/"
        )
        if o.save_history:
            try:
                result.history_id = save_session(
                    summary, self.started_at, self.out_dir / "summary.json", o.history_db)
            except HistoryError as err:
                o.status(f"formcheck: warning: {err}")

    def _print_timing(self, r: LiveResult) -> None:
        from formcheck.pose.native_log import verbose

        # A developer's figures: shown with --verbose (or FORMCHECK_VERBOSE=1) only.
        if r.latency_ms is None or not verbose():
            return
        model = f"{r.model_ms:.0f} ms" if r.model_ms is not None else "-"
        self.o.status(
            f"latency capture->display: median {r.latency_ms[0]:.0f} ms, p95 "
            f"{r.latency_ms[1]:.0f} ms; model period (median pose) {model}; "
            f"{r.loop_fps:.1f} frames/s processed, {r.dropped} of {r.captured} dropped"
        )


def _open_window() -> None:
    """Open the window (Qt pointed at the system fonts first).

    Raises:
        NoDisplayError: OpenCV cannot open one.
    """
    from formcheck.lazy import cv2 as _cv2

    cv2 = _cv2()
    _qt_fonts()
    try:
        cv2.namedWindow(WINDOW_TITLE, cv2.WINDOW_AUTOSIZE | cv2.WINDOW_GUI_NORMAL)
    except cv2.error as err:
        raise NoDisplayError(
            f"cannot open a window ({str(err).strip().splitlines()[-1]}); "
            "use --no-window or formcheck analyze"
        ) from err


def _qt_fonts() -> None:
    """Point OpenCV's bundled Qt at the system fonts (it ships none and complains)."""
    if "QT_QPA_FONTDIR" in os.environ:
        return
    for folder in ("/usr/share/fonts/truetype/dejavu", "/usr/share/fonts/truetype",
                   "/usr/share/fonts"):
        if Path(folder).is_dir():
            os.environ["QT_QPA_FONTDIR"] = folder
            return


class _NoSession(Exception):
    """The run ended before the session started."""


def run_live(options: LiveOptions) -> LiveResult:
    """Run a live session (see the module docs).

    Raises:
        NoDisplayError: a window was asked for and there is no display.
        CameraError, InputNotFoundError, ...: the source cannot be opened.
        OutputError: the session's folder cannot be written.
    """
    return LiveSession(options).run()
