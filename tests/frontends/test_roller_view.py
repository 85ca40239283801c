"""``formcheck roller`` from a camera: Ctrl-C is how a recording ends, so what was drawn
is kept; a Ctrl-C before the first frame leaves nothing (and no earlier file replaced).
The real model on frames of the demo clip, fed as a camera would."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from formcheck.source import SourceKind, open_source
from formcheck.source.sources import FrameSource, VideoFrame

DEMO = Path(__file__).resolve().parents[2] / "videos" / "demo.mp4"

pytestmark = pytest.mark.model


class _Camera(FrameSource):
    """A camera that shows ``frames`` of the demo clip, then is stopped by Ctrl-C."""

    kind = SourceKind.CAMERA
    name = "camera0"

    def __init__(self, frames: int) -> None:
        self.frames = frames

    def __iter__(self) -> Iterator[VideoFrame]:
        with open_source(DEMO) as demo:
            for frame in demo:
                if frame.index >= self.frames:
                    break
                yield frame
        raise KeyboardInterrupt


def _run(monkeypatch: pytest.MonkeyPatch, frames: int, out: Path, model: Path) -> str:
    from formcheck.frontends import roller_view

    monkeypatch.setattr("formcheck.source.open_source", lambda spec, *a, **k: _Camera(frames))
    return roller_view.run("0", out, model)


def test_ctrl_c_ends_a_camera_recording_and_keeps_what_was_drawn(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cam.mp4"
    line = _run(monkeypatch, 5, out, model_path)
    assert line.endswith(f"/5 frames; wrote {out}"), line
    with open_source(out) as drawn:
        assert sum(1 for _ in drawn) == 5
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cam.mp4"]


def test_ctrl_c_before_the_first_frame_keeps_the_earlier_file(
    tmp_path: Path, model_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    out = tmp_path / "cam.mp4"
    out.write_bytes(b"my video")
    with pytest.raises(KeyboardInterrupt):
        _run(monkeypatch, 0, out, model_path)
    assert out.read_bytes() == b"my video"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["cam.mp4"]
