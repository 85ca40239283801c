"""``formcheck analyze`` end to end: the real model on synthetic and real input."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import CorruptVideoError, FormcheckError, OutputError
from formcheck.frontends.analyze import AnalyzeOptions, NoPersonError, analyze_input
from formcheck.sinks.document import SummaryDocument
from formcheck.sinks.summary import SCHEMA_PATH
from formcheck.vocabulary import CheckId, Status

pytestmark = pytest.mark.model
OUTPUTS = ("annotated.mp4", "frames.jsonl", "summary.json", "report.html")


def _render(name: str, out: Path, seconds: float = 3.0, size: tuple[int, int] = (480, 270)) -> Path:
    from formcheck.scenes.stream import render_to_files

    return render_to_files(name, out, seconds=seconds, size=size, fps=15.0, seed=3).video


def _validate(summary: dict[str, object] | SummaryDocument) -> None:
    jsonschema = pytest.importorskip("jsonschema")
    if isinstance(summary, SummaryDocument):
        summary = summary.to_jsonable()
    jsonschema.validate(summary, json.loads(SCHEMA_PATH.read_text()))


def _no_leftovers(folder: Path) -> None:
    assert not [p.name for p in folder.iterdir() if ".partial-" in p.name or ".old-" in p.name]


@pytest.fixture(scope="module")
def clips(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("clips")
    _render("good", out)
    _render("no_person", out, seconds=1.0)
    return out


def test_synthetic_clip_gives_all_four_outputs(
    clips: Path, model_path: Path, tmp_path: Path
) -> None:
    # when
    result = analyze_input(clips / "good.mp4", tmp_path / "good", AnalyzeOptions(
        tmp_path, model_path, progress=False))
    # then
    for name in OUTPUTS:
        assert (tmp_path / "good" / name).stat().st_size > 0, name
    summary = json.loads((tmp_path / "good" / "summary.json").read_text())
    _validate(summary)
    assert summary == result.summary.to_jsonable()
    rows = (tmp_path / "good" / "frames.jsonl").read_text().splitlines()
    assert len(rows) == summary["analysis"]["frames_analysed"] > 30
    first = json.loads(rows[0])
    assert set(first["checks"]) == set(summary["checks"])
    assert {"status", "value", "reason"} <= set(first["checks"]["knees_bent"])
    assert "roller" in first and "cue" in first
    html = (tmp_path / "good" / "report.html").read_text()
    assert "<svg" in html and "data:video/mp4;base64," in html
    _no_leftovers(tmp_path)


@pytest.mark.skipif(shutil.which("ffprobe") is None, reason="ffprobe (ffmpeg) not installed")
def test_annotated_video_is_h264(clips: Path, model_path: Path, tmp_path: Path) -> None:
    analyze_input(clips / "good.mp4", tmp_path / "g", AnalyzeOptions(tmp_path, model_path,
                                                                      progress=False))
    out = subprocess.run(
        ["ffprobe", "-v", "error", "-select_streams", "v:0", "-show_entries",
         "stream=codec_name,pix_fmt", "-of", "csv=p=0", str(tmp_path / "g" / "annotated.mp4")],
        capture_output=True, text=True, check=True,
    )
    assert out.stdout.strip() == "h264,yuv420p"


@pytest.mark.footage
def test_real_clip_gives_all_four_outputs(footage: Path, model_path: Path, tmp_path: Path) -> None:
    result = analyze_input(footage / "pexels/glute-bridge.mp4", tmp_path / "gb",
                           AnalyzeOptions(tmp_path, model_path, progress=False))
    for name in OUTPUTS:
        assert (tmp_path / "gb" / name).is_file()
    _validate(result.summary)
    assert result.summary.checks[CheckId.KNEES_BENT].status is Status.OK


@pytest.mark.footage
def test_photo_of_a_bridge_has_bent_knees_and_flat_feet(
    footage: Path, model_path: Path, tmp_path: Path
) -> None:
    # when
    result = analyze_input(footage / "free-exercise-db/Butt_Lift_Bridge__0.jpg", tmp_path / "p",
                           AnalyzeOptions(tmp_path, model_path, progress=False))
    # then
    checks = result.summary.checks
    assert checks[CheckId.KNEES_BENT].status is Status.OK
    assert checks[CheckId.FEET_FLAT].status is Status.OK
    assert (tmp_path / "p" / "annotated.png").is_file()
    assert not (tmp_path / "p" / "annotated.mp4").exists()
    _validate(result.summary)


def test_no_person_anywhere_is_an_error_and_leaves_nothing(
    clips: Path, model_path: Path, tmp_path: Path
) -> None:
    with pytest.raises(NoPersonError, match="no person"):
        analyze_input(clips / "no_person.mp4", tmp_path / "np",
                      AnalyzeOptions(tmp_path, model_path, progress=False))
    assert not (tmp_path / "np").exists()
    _no_leftovers(tmp_path)


def test_zero_frame_video_is_an_error(model_path: Path, tmp_path: Path) -> None:
    import av

    empty = tmp_path / "zero.mp4"
    with av.open(str(empty), "w") as c:
        s = c.add_stream("libx264", rate=25)
        s.width, s.height, s.pix_fmt = 64, 64, "yuv420p"
        c.start_encoding()
    with pytest.raises(CorruptVideoError, match="no video frames"):
        analyze_input(empty, tmp_path / "out" / "zero", AnalyzeOptions(tmp_path / "out",
                                                                       model_path))
    assert not (tmp_path / "out" / "zero").exists()


def test_the_input_is_never_overwritten(clips: Path, model_path: Path, tmp_path: Path) -> None:
    # given: the input sits where its output folder would go
    folder = tmp_path / "good"
    folder.mkdir()
    clip = folder / "good.mp4"
    shutil.copy(clips / "good.mp4", clip)
    # when / then
    with pytest.raises(OutputError, match="holds the input"):
        analyze_input(clip, folder, AnalyzeOptions(tmp_path, model_path, progress=False))
    assert clip.read_bytes() == (clips / "good.mp4").read_bytes()


def test_a_failed_rerun_keeps_the_previous_results(
    clips: Path, model_path: Path, tmp_path: Path
) -> None:
    # given: a finished analysis
    analyze_input(clips / "good.mp4", tmp_path / "x", AnalyzeOptions(tmp_path, model_path,
                                                                      progress=False))
    before = (tmp_path / "x" / "summary.json").read_text()
    # when: the same output folder is the target of a failing input
    with pytest.raises(FormcheckError):
        analyze_input(clips / "no_person.mp4", tmp_path / "x",
                      AnalyzeOptions(tmp_path, model_path, progress=False))
    # then
    assert (tmp_path / "x" / "summary.json").read_text() == before
    _no_leftovers(tmp_path)


def test_an_interrupted_run_stops_its_threads_before_the_source_closes(
    clips: Path, model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import queue
    import threading

    from formcheck.source.sources import VideoFileSource

    # given: Ctrl-C arrives on the main thread while it hands the 6th frame on (outside
    # the decoding generator), and a source that records whether a frame was still
    # being decoded when it was closed
    put = queue.Queue.put
    calls = {"n": 0}

    def interrupted(self: queue.Queue[object], item: object, block: bool = True,
                    timeout: float | None = None) -> None:
        if threading.current_thread() is threading.main_thread():
            calls["n"] += 1
            if calls["n"] == 6:
                raise KeyboardInterrupt
        put(self, item, block, timeout)

    monkeypatch.setattr(queue.Queue, "put", interrupted)
    closed_while_decoding: list[bool] = []
    close = VideoFileSource.close

    def recording_close(self: VideoFileSource) -> None:
        closed_while_decoding.append(
            any(t.name == "analyze-decode" and t.is_alive() for t in threading.enumerate()))
        close(self)

    monkeypatch.setattr(VideoFileSource, "close", recording_close)
    # when
    with pytest.raises(KeyboardInterrupt):
        analyze_input(clips / "good.mp4", tmp_path / "x",
                      AnalyzeOptions(tmp_path, model_path, progress=False))
    # then: the decoder thread had stopped before the video was closed; nothing is left
    assert calls["n"] >= 6
    assert closed_while_decoding and not any(closed_while_decoding)
    assert not (tmp_path / "x").exists()
    _no_leftovers(tmp_path)


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "formcheck", "analyze", *args],
                          capture_output=True, text=True, timeout=300, check=False)


def _one_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    assert result.returncode != 0
    lines = [ln for ln in result.stderr.splitlines() if ln.startswith("formcheck")]
    assert len(lines) == 1 and fragment in lines[0], result.stderr
    assert "Traceback" not in result.stderr


def test_bad_inputs_on_the_command_line(clips: Path, tmp_path: Path, model_path: Path) -> None:
    # given
    text = tmp_path / "notes.mp4"
    text.write_text("hello")
    good = (clips / "good.mp4").read_bytes()
    truncated = tmp_path / "cut.mp4"
    truncated.write_bytes(good[: len(good) // 3])
    blocker = tmp_path / "afile"
    blocker.write_text("x")
    out = str(tmp_path / "out")
    cases = [
        ([str(tmp_path / "missing.mp4"), "--out", out], "no such file"),
        ([str(text), "--out", out], "not a video or image"),
        ([str(truncated), "--out", out], "truncated"),
        ([str(clips / "no_person.mp4"), "--out", out], "no person"),
        ([str(clips / "good.mp4"), "--out", str(blocker / "sub")],
         "is a file, not a folder; choose another --out"),
    ]
    for args, fragment in cases:
        # when
        result = _cli(*args, "--model", str(model_path))
        # then
        _one_line(result, fragment)
        # a problem with an input is exit code 1 (README), a missing file included
        assert result.returncode == 1, (args, result.returncode)
    # a failed run leaves nothing, not even the --out folder it made
    assert not (tmp_path / "out").exists()


def test_a_full_disk_is_one_error_and_leaves_nothing(
    clips: Path, model_path: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import errno

    from formcheck.errors import OutputError
    from formcheck.frontends import analyze as analyze_mod
    from formcheck.frontends.session import SessionCore, frames_log

    # given: the disk fills up while frames.jsonl is written; the last flush, when the
    # outputs are discarded, fails the same way
    class FullDisk:
        def write(self, text: str) -> int:
            raise OSError(errno.ENOSPC, "No space left on device")

        def close(self) -> None:
            raise OSError(errno.ENOSPC, "No space left on device")

    init = analyze_mod._Runner.__init__

    def full_disk_runner(self: analyze_mod._Runner, *args: object, **kwargs: object) -> None:
        init(self, *args, **kwargs)  # type: ignore[arg-type]
        self._frames_fh.close()
        self._frames_fh = FullDisk()  # type: ignore[assignment]
        self.session = SessionCore(self.th, self.timeline, [frames_log(self._frames_fh)])

    monkeypatch.setattr(analyze_mod._Runner, "__init__", full_disk_runner)
    # when / then: one error naming the folder and the reason, and nothing left
    with pytest.raises(OutputError, match="No space left on device"):
        analyze_input(clips / "good.mp4", tmp_path / "out" / "good",
                      AnalyzeOptions(tmp_path / "out", model_path, progress=False))
    assert not (tmp_path / "out").exists()
    _no_leftovers(tmp_path)


def test_overlay_is_drawn_on_the_frames(clips: Path, model_path: Path, tmp_path: Path) -> None:
    from formcheck.source import open_source

    analyze_input(clips / "good.mp4", tmp_path / "o", AnalyzeOptions(tmp_path, model_path,
                                                                      progress=False))
    with open_source(tmp_path / "o" / "annotated.mp4") as annotated, \
            open_source(clips / "good.mp4") as original:
        a = next(iter(annotated)).image.astype(int)
        o = next(iter(original)).image.astype(int)
    # the checks panel sits in the top-left corner: it changes those pixels a lot
    panel = np.abs(a[10:100, 10:150] - o[10:100, 10:150]).mean()
    elsewhere = np.abs(a[150:200, 300:400] - o[150:200, 300:400]).mean()
    assert panel > 20 and panel > 3 * elsewhere


def _truth_runs(truths: list[dict[str, object]], check: str) -> list[tuple[float, float]]:
    """Runs of frames whose truth for ``check`` is fault, as (start_s, end_s)."""
    runs: list[tuple[float, float]] = []
    for row in truths:
        t = float(row["t_ms"]) / 1000  # type: ignore[arg-type]
        expected = row["expected"]
        assert isinstance(expected, dict)
        if expected.get(check) == "fault":
            if runs and t - runs[-1][1] < 0.2:
                runs[-1] = (runs[-1][0], t)
            else:
                runs.append((t, t))
    return [r for r in runs if r[1] - r[0] >= 0.5]


def _unknown_lead_in(truths: list[dict[str, object]], check: str, start: float) -> float:
    """Where the run of truth-unknown frames (the margin about a threshold) leading
    straight into a fault run that starts at ``start`` s begins; ``start`` without one."""
    first = start
    for row in reversed(truths):
        t = float(row["t_ms"]) / 1000  # type: ignore[arg-type]
        if t >= start:
            continue
        expected = row["expected"]
        assert isinstance(expected, dict)
        if expected.get(check) != "unknown":
            break
        first = t
    return first


def test_demo_session_faults_match_the_truth(model_path: Path, tmp_path: Path) -> None:
    """Every injected fault is in summary.json, starting within 1 s of the truth (or in
    the truth's unknown margin leading into it: the demo's roller moves at 12.6 cm/s,
    just over the 12 cm/s limit, for 1.9 s before its too-fast strokes), and no fault is
    reported that the truth does not hold (the demo clip, with its truth regenerated by
    the command in videos/README.md)."""
    from formcheck.scenes.stream import iter_scene
    from formcheck.vocabulary import CHECK_IDS

    demo = Path(__file__).resolve().parents[2] / "videos" / "demo.mp4"
    truths = [t.to_dict() for _, t in iter_scene("session", (854, 480), 25.0, 20.0, seed=7)]
    result = analyze_input(demo, tmp_path / "demo", AnalyzeOptions(tmp_path, model_path,
                                                                   progress=False))
    episodes = result.summary.to_jsonable()["fault_episodes"]
    assert isinstance(episodes, list)
    for check in (c.value for c in CHECK_IDS):
        injected = _truth_runs(truths, check)
        reported = [(float(e["start_s"]), float(e["end_s"])) for e in episodes
                    if e["check"] == check]
        print(f"{check}: truth {injected} reported {reported}")
        for start, _ in injected:
            lead = _unknown_lead_in(truths, check, start)
            assert any(lead - 1.0 <= r0 <= start + 1.0 for r0, _ in reported), (check, start)
        for r0, r1 in reported:
            assert any(r0 <= t1 + 1.0 and r1 >= t0 - 1.0 for t0, t1 in injected), (check, r0)
