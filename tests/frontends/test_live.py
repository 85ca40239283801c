"""``formcheck live`` end to end: a synthetic clip played as a camera, in a window under
Xvfb (screenshot, keys sent with xdotool) and headless; the faults of the world.

The window tests need Xvfb, xdotool and ffmpeg (for the screenshot); they are skipped,
saying so, where one is missing.
"""

from __future__ import annotations

import itertools
import json
import os
import shutil
import subprocess
import threading
import time
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pytest

from tests.cli.helpers import FORMCHECK

CLIP_SECONDS = 22.0
CLIP_FPS = 15.0
CLIP_SIZE = (640, 360)
SCREENSHOT_COPY = Path("/tmp/formcheck-live-screenshot.png")

pytestmark = pytest.mark.model


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k != "DISPLAY"}
    env.update(extra)
    return env


@pytest.fixture(scope="module")
def clip(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> Path:
    """A 22 s straight-legs clip (the knees cue comes up), 640x360 at 15 fps."""
    from formcheck.scenes.stream import render_to_files

    out = tmp_path_factory.mktemp("clip")
    rendered = render_to_files("straight_legs", out, seconds=CLIP_SECONDS, size=CLIP_SIZE,
                               fps=CLIP_FPS, seed=1)
    return Path(rendered.video)


def _free_display() -> int:
    for n in range(97, 140):
        if not Path(f"/tmp/.X11-unix/X{n}").exists() and not Path(f"/tmp/.X{n}-lock").exists():
            return n
    pytest.skip("no free X display number between :97 and :139")


@pytest.fixture(scope="module")
def xvfb() -> Iterator[str]:
    missing = [p for p in ("Xvfb", "xdotool", "ffmpeg") if shutil.which(p) is None]
    if missing:
        pytest.skip(f"window test needs {', '.join(missing)} (apt-get install xvfb xdotool "
                    "ffmpeg)")
    n = _free_display()
    proc = subprocess.Popen(["Xvfb", f":{n}", "-screen", "0", "1024x768x24", "-nolisten", "tcp"],
                            stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 10
        while not Path(f"/tmp/.X11-unix/X{n}").exists():
            if proc.poll() is not None or time.monotonic() > end:
                pytest.skip(f"Xvfb :{n} did not start")
            time.sleep(0.05)
        yield f":{n}"
    finally:
        proc.terminate()
        proc.wait(timeout=10)


class _Lines:
    """Collects a process's stderr lines on a thread; wait for one containing a text."""

    def __init__(self, proc: subprocess.Popen[str]) -> None:
        self.lines: list[str] = []
        self._proc = proc
        self._thread = threading.Thread(target=self._read, daemon=True)
        self._thread.start()

    def _read(self) -> None:
        assert self._proc.stderr is not None
        for line in self._proc.stderr:
            self.lines.append(line.rstrip("\n"))

    def wait_for(self, text: str, timeout: float) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if any(text in line for line in self.lines):
                return
            if self._proc.poll() is not None:
                self._thread.join(2)
                break
            time.sleep(0.05)
        raise AssertionError(f"no {text!r} on stderr within {timeout}s: {self.lines}")


def _screenshot(display: str, wid: str, path: Path) -> np.ndarray:
    """The window's pixels (BGR), grabbed from the X server with ffmpeg."""
    from formcheck.lazy import cv2

    geo = subprocess.run(["xdotool", "getwindowgeometry", "--shell", wid], capture_output=True,
                         text=True, check=True, env=_env(DISPLAY=display)).stdout
    g = dict(line.split("=", 1) for line in geo.split())
    x, y, w, h = int(g["X"]), int(g["Y"]), int(g["WIDTH"]), int(g["HEIGHT"])
    subprocess.run(["ffmpeg", "-loglevel", "error", "-y", "-f", "x11grab", "-video_size",
                    "1024x768", "-i", display, "-frames:v", "1", str(path)],
                   check=True, env=_env(DISPLAY=display), timeout=30)
    image = cv2().imread(str(path))
    assert image is not None
    return np.asarray(image[y:y + h, x:x + w])


def _drawn(display: str, wid: str, path: Path, timeout: float = 5.0) -> np.ndarray:
    """The window's pixels once it shows something: on a loaded machine the first grab
    can come before the window has drawn (all black)."""
    deadline = time.monotonic() + timeout
    while True:
        image = _screenshot(display, wid, path)
        if image.std() > 20 or time.monotonic() > deadline:
            return image
        time.sleep(0.25)


def _first_frame(clip: Path) -> np.ndarray:
    from formcheck.source import open_source

    with open_source(clip) as src:
        return next(iter(src)).image


def _xdo(display: str, *args: str) -> str:
    return subprocess.run(["xdotool", *args], capture_output=True, text=True, check=True,
                          env=_env(DISPLAY=display), timeout=30).stdout.strip()


def test_window_overlay_cue_and_keys_under_xvfb(
    xvfb: str, clip: Path, tmp_path: Path, model_path: Path
) -> None:
    # given: live playing the clip as a camera, in a window on the virtual display
    out = tmp_path / "session"
    proc = subprocess.Popen(
        [*FORMCHECK, "live", "--source", str(clip), "--no-voice",
         "--out", str(out), "--model", str(model_path)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
        env=_env(DISPLAY=xvfb, FORMCHECK_DATA_DIR=str(tmp_path / "data")),
    )
    lines = _Lines(proc)
    try:
        # when: the window appears and the session starts (notice 4 s, then set-up)
        wid = _xdo(xvfb, "search", "--sync", "--name", "^formcheck$").splitlines()[0]
        lines.wait_for("session started", 25)
        time.sleep(2.8)  # past the start note: the form cue is on screen
        shot = _drawn(xvfb, wid, tmp_path / "live.png")
        shutil.copy(tmp_path / "live.png", SCREENSHOT_COPY)
        _xdo(xvfb, "windowfocus", "--sync", wid)
        _xdo(xvfb, "key", "space")
        lines.wait_for("paused", 5)
        time.sleep(0.5)
        paused = _screenshot(xvfb, wid, tmp_path / "paused.png")
        shutil.copy(tmp_path / "paused.png", SCREENSHOT_COPY.with_name("formcheck-live-paused.png"))
        _xdo(xvfb, "key", "q")
        rc = proc.wait(timeout=20)
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()
    stderr = "\n".join(lines.lines)
    # then: the session ended by the key (before the clip's end), exit 0, files written
    assert rc == 0, stderr
    summary = json.loads((out / "summary.json").read_text())
    assert summary["input"]["kind"] == "video"
    assert summary["input"]["frames_read"] < CLIP_SECONDS * CLIP_FPS * 0.95
    assert (out / "report.html").is_file() and (out / "frames.jsonl").is_file()
    assert "latency" not in stderr  # a developer's line: with --verbose only
    # the window shows the frame with the overlay, not a blank
    h, w = shot.shape[:2]
    assert (w, h) == CLIP_SIZE, (w, h)
    assert shot.std() > 20
    source = _first_frame(clip)
    panel = (slice(8, 95), slice(8, 180))  # the checks panel, top-left (scale 0.5)
    assert shot[panel].mean() < source[panel].mean() - 60, "no darkened checks panel"
    red = np.all(np.abs(shot[panel].astype(int) - (64, 64, 235)) < 40, axis=2)
    assert red.sum() > 20, "no red (fault) status dot in the panel"
    # the cue goes off the body: in the top band between the panel and the heads-up
    # lines, or in the band above the key help and the timeline
    bands = (np.s_[0:int(h * 0.2), int(w * 0.3):int(w * 0.8)],
             np.s_[int(h * 0.62):int(h * 0.9), int(w * 0.15):int(w * 0.85)])
    white = max(np.all(shot[b] > 235, axis=2).sum() for b in bands)
    assert white > 150, f"no cue text in the cue's bands ({white} white px)"
    footer = shot[int(h * 0.88):h - 12, 0:int(w * 0.6)]
    assert np.all(footer > 200, axis=2).sum() > 100, "no key help line"
    # paused: the frozen frame with the amber 'Paused' band
    amber = max(np.all(np.abs(paused[b].astype(int) - (40, 190, 255)) < 40, axis=2).sum()
                for b in bands)
    assert amber > 150, "no 'Paused' message"


def test_headless_writes_the_summary_and_history(clip: Path, tmp_path: Path,
                                                 model_path: Path) -> None:
    # when: headless, without a display at all, for 13 s of wall time
    data = tmp_path / "data"
    result = subprocess.run(
        [*FORMCHECK, "live", "--source", str(clip), "--no-window",
         "--no-voice", "--max-seconds", "13", "--model", str(model_path)],
        capture_output=True, text=True, env=_env(FORMCHECK_DATA_DIR=str(data)), timeout=120,
        check=False,
    )
    # then: the summary (as analyze's) in a dated folder of the data folder, and history
    assert result.returncode == 0, result.stderr
    out = Path(result.stdout.strip().splitlines()[-1])
    assert out.parent == data / "sessions"
    summary = json.loads((out / "summary.json").read_text())
    assert summary["schema"] == "formcheck.summary"
    assert summary["session"]["frames"] > 10
    assert (out / "report.html").is_file()
    history = subprocess.run([*FORMCHECK, "history"], capture_output=True,
                             text=True, env=_env(FORMCHECK_DATA_DIR=str(data)), timeout=60,
                             check=False)
    assert history.returncode == 0 and "Past sessions (1)" in history.stdout


def test_no_history_leaves_the_history_as_it_was(clip: Path, tmp_path: Path,
                                                 model_path: Path) -> None:
    # given: a data folder with no history yet
    data = tmp_path / "data"
    # when: a headless session run with --no-history
    result = subprocess.run(
        [*FORMCHECK, "live", "--source", str(clip), "--no-window", "--no-voice",
         "--no-history", "--max-seconds", "13", "--out", str(tmp_path / "s"),
         "--model", str(model_path)],
        capture_output=True, text=True, env=_env(FORMCHECK_DATA_DIR=str(data)), timeout=120,
        check=False,
    )
    # then: its files are written, and no history database was made
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "s" / "summary.json").is_file()
    assert not (data / "history.sqlite").exists()


def test_locked_history_never_blocks_a_session(clip: Path, tmp_path: Path,
                                               model_path: Path) -> None:
    import sqlite3

    from formcheck.frontends.live import LiveOptions, run_live
    from formcheck.sinks.history import save_session
    from tests.sinks.helpers import summary_with

    # given: a history database held under an exclusive lock by another program
    db = tmp_path / "history.sqlite"
    save_session(summary_with(1, {}, duration_s=1.0),
                 __import__("datetime").datetime.now().astimezone(), None, db)
    holder = sqlite3.connect(str(db))
    holder.execute("BEGIN EXCLUSIVE")
    status: list[str] = []
    try:
        # when: a short session (quick phases) runs to its end
        result = run_live(LiveOptions(
            model=model_path, source=clip, voice=False, window=False, out_dir=tmp_path / "s",
            max_seconds=5.0, history_db=db, safety_s=0.3, roller_grace_s=0.5,
            status=status.append, record=tmp_path / "s" / "rec.mp4",
        ))
    finally:
        holder.rollback()
        holder.close()
    # then: the files are written, one warning line, no history row
    assert result.summary is not None and (tmp_path / "s" / "summary.json").is_file()
    warnings = [s for s in status if s.startswith("formcheck: warning:")]
    assert len(warnings) == 1 and "locked" in warnings[0], status
    assert result.history_id is None
    # and --record wrote the annotated view, in real time (15 fps, about the run's length)
    from formcheck.source import open_source

    assert result.recordings == [tmp_path / "s" / "rec.mp4"]
    with open_source(tmp_path / "s" / "rec.mp4") as rec:
        assert rec.size == CLIP_SIZE and rec.fps == pytest.approx(15.0)
        seconds = sum(1 for _ in rec) / rec.fps
    assert 3.0 < seconds < 5.5, seconds


def test_no_display_is_one_clear_line(tmp_path: Path) -> None:
    result = subprocess.run(
        [*FORMCHECK, "live", "--source", "whatever.mp4"],
        capture_output=True, text=True, env=_env(), timeout=60, check=False,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode != 0 and len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: no display")
    assert "--no-window" in lines[0] and "formcheck analyze" in lines[0]


def test_missing_camera_is_one_clear_line(tmp_path: Path, model_path: Path) -> None:
    result = subprocess.run(
        [*FORMCHECK, "live", "--camera", "7", "--no-window", "--no-voice",
         "--out", str(tmp_path / "s"), "--model", str(model_path)],
        capture_output=True, text=True, env=_env(FORMCHECK_DATA_DIR=str(tmp_path)),
        timeout=60, check=False,
    )
    lines = result.stderr.strip().splitlines()
    assert result.returncode == 1 and len(lines) == 1, result.stderr
    assert "camera 7 cannot be opened" in lines[0] and "another camera index (0, 1, 2)" in lines[0]
    assert "video" in lines[0]  # the permissions hint


def test_camera_lost_mid_session_keeps_the_session(clip: Path, tmp_path: Path,
                                                   model_path: Path) -> None:
    from formcheck.frontends.live import LiveOptions, run_live
    from formcheck.source import FrameSource, SourceKind, VideoFrame, open_source

    # given: a 'camera' showing the clip's frames that fails after 3 s, cannot be opened
    # for about a second, then comes back
    with open_source(clip) as src:
        frames = [vf.image for vf in src][:150]

    class FlakyCamera(FrameSource):
        kind = SourceKind.CAMERA
        name = "flaky"

        def __init__(self, n: int) -> None:
            self.n = n

        @property
        def fps(self) -> float:
            return CLIP_FPS

        @property
        def size(self) -> tuple[int, int]:
            return CLIP_SIZE

        def __iter__(self) -> Iterator[VideoFrame]:
            for i in range(self.n):
                time.sleep(1.0 / CLIP_FPS)
                yield VideoFrame(i, 0.0, frames[i % len(frames)])

    opens: list[float] = []

    def opener() -> FrameSource:
        opens.append(time.monotonic())
        if len(opens) == 1:
            return FlakyCamera(int(3 * CLIP_FPS))  # lost after 3 s
        if len(opens) == 2:
            from formcheck.errors import CameraError

            raise CameraError("camera 0 cannot be opened")
        return FlakyCamera(10_000)

    status: list[str] = []
    # when: a session with quick phases runs for 7 s
    result = run_live(LiveOptions(
        model=model_path, opener=opener, voice=False, window=False, out_dir=tmp_path / "s",
        max_seconds=7.0, save_history=False, safety_s=0.3, roller_grace_s=0.5,
        status=status.append,
    ))
    # then: reported lost and back, retried, and one session covers both sides of the gap
    assert any("camera lost" in s for s in status), status
    assert any("camera back" in s for s in status), status
    assert len(opens) >= 3 and result.reconnects == 1
    assert result.summary is not None
    assert sum("session started" in s for s in status) == 1
    frames_log = (tmp_path / "s" / "frames.jsonl").read_text().splitlines()
    times = [json.loads(line)["t_s"] for line in frames_log]
    gaps = [b - a for a, b in itertools.pairwise(times)]
    assert max(gaps) > 0.8, "the gap of the lost camera is in the one session"
