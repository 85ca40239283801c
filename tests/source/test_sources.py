"""Frame sources: files, photos and cameras, and the errors they give."""

from __future__ import annotations

import itertools
import shutil
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest

from formcheck.errors import (
    CameraError,
    CorruptVideoError,
    InputNotFoundError,
    UnsupportedInputError,
)
from formcheck.lazy import cv2
from formcheck.source import SourceKind, open_source
from formcheck.source.sources import IMAGE_SUFFIXES, VIDEO_SUFFIXES, VideoFileSource


def _write_video(path: Path, frames: int = 30, size: tuple[int, int] = (96, 64)) -> None:
    import av

    with av.open(str(path), "w") as container:
        stream = container.add_stream("libx264", rate=25)
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        for i in range(frames):
            img = np.full((size[1], size[0], 3), (i * 8) % 255, dtype=np.uint8)
            img[: size[1] // 2, : size[0] // 3] = 255  # top-left mark, to see rotation
            frame = av.VideoFrame.from_ndarray(img, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@pytest.fixture()
def clip(tmp_path: Path) -> Path:
    path = tmp_path / "clip.mp4"
    _write_video(path)
    return path


def test_video_frames_stream_with_increasing_timestamps(clip: Path) -> None:
    # when
    with open_source(str(clip)) as src:
        frames = list(src)
        kind, fps, size = src.kind, src.fps, src.size
    # then
    assert kind is SourceKind.VIDEO and size == (96, 64) and fps == pytest.approx(25)
    assert len(frames) == 30
    times = [f.t_ms for f in frames]
    assert all(b > a for a, b in itertools.pairwise(times))
    assert times[1] == pytest.approx(40.0, abs=1)


def test_photo_is_a_one_frame_source(tmp_path: Path) -> None:
    # given
    path = tmp_path / "p.png"
    cv2().imwrite(str(path), np.zeros((20, 30, 3), np.uint8))
    # when
    with open_source(path) as src:
        frames = list(src)
    # then
    assert src.kind is SourceKind.IMAGE and src.size == (30, 20)
    assert [f.index for f in frames] == [0]


def test_a_photo_cut_short_is_refused_in_one_line_and_decoder_noise_is_kept_quiet(
    tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    # given a JPEG, whole and with its last half cut off (a copy that stopped midway)
    rng = np.random.default_rng(0)
    whole = cv2().imencode(".jpg", rng.integers(0, 255, (120, 160, 3), dtype=np.uint8))[1]
    data = whole.tobytes()
    (tmp_path / "whole.jpg").write_bytes(data)
    (tmp_path / "cut.jpg").write_bytes(data[: len(data) // 2])
    capfd.readouterr()
    # when both are opened
    with open_source(tmp_path / "whole.jpg") as src:
        assert src.size == (160, 120)
    with pytest.raises(UnsupportedInputError) as cut:
        open_source(tmp_path / "cut.jpg")
    # then the cut one is refused in one line that says so, and libjpeg's own warning
    # does not reach the terminal
    assert "cut short" in str(cut.value) and "\n" not in str(cut.value)
    assert "JPEG" not in capfd.readouterr().err


def test_a_photo_is_read_where_standard_error_is_closed(tmp_path: Path) -> None:
    # given a photo, and a process started with its standard error closed (2>&-)
    path = tmp_path / "p.png"
    cv2().imwrite(str(path), np.zeros((20, 30, 3), np.uint8))
    code = ("import sys; from pathlib import Path; "
            "from formcheck.source.sources import read_image_quietly; "
            f"im, said = read_image_quietly(Path({str(path)!r})); print(im.shape, repr(said))")
    # when it reads the photo
    result = subprocess.run(["bash", "-c", f'"{sys.executable}" -c "{code}" 2>&-'],
                            capture_output=True, text=True, timeout=120)
    # then the photo is read (nothing to keep quiet, nothing to fail on)
    assert result.returncode == 0 and result.stdout.strip() == "(20, 30, 3) ''"


class _BrokenClock:
    """A capture whose container timestamps repeat and go backwards."""

    def __init__(self) -> None:
        self.times = [0.0, 40.0, 40.0, 20.0, float("nan"), 200.0]

    def get(self, prop: int) -> float:
        c = cv2()
        if prop == c.CAP_PROP_FPS:
            return 25.0
        if prop == c.CAP_PROP_POS_MSEC:
            return self.times.pop(0)
        return 0.0


def test_broken_container_timestamps_become_strictly_increasing(clip: Path) -> None:
    # given
    src = VideoFileSource(clip)
    src._cap = _BrokenClock()
    # when
    out, last = [], -1.0
    for i in range(6):
        last = src._timestamp(i, last)
        out.append(last)
    # then
    assert all(b > a for a, b in itertools.pairwise(out))
    assert out[-1] == 200.0


@pytest.mark.skipif(shutil.which("ffmpeg") is None, reason="ffmpeg not installed")
def test_phone_rotation_metadata_is_applied(clip: Path, tmp_path: Path) -> None:
    # given: the same clip tagged as shot rotated by 90 degrees
    rotated = tmp_path / "rotated.mp4"
    subprocess.run(
        ["ffmpeg", "-v", "error", "-i", str(clip), "-c", "copy", "-metadata:s:v:0", "rotate=90",
         str(rotated)],
        check=True,
    )
    # when
    with open_source(rotated) as src:
        first = next(iter(src))
    # then: portrait now
    assert first.image.shape[:2] == (96, 64)


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(InputNotFoundError, match="no such file"):
        open_source(tmp_path / "nope.mp4")


def test_text_file_named_mp4(tmp_path: Path) -> None:
    path = tmp_path / "notes.mp4"
    path.write_text("this is not a video\n")
    with pytest.raises(UnsupportedInputError, match="not a video or image") as err:
        open_source(path)
    # the formats listed are those open_source takes (WebP photos included)
    listed = str(err.value).upper()
    aliases = {".JPG": "JPEG", ".TIF": "TIFF", ".MPG": "MPEG"}
    for suffix in sorted(IMAGE_SUFFIXES | VIDEO_SUFFIXES):
        name = suffix.upper()
        assert aliases.get(name, name.lstrip(".")) in listed, suffix


def test_empty_file(tmp_path: Path) -> None:
    path = tmp_path / "empty.mp4"
    path.touch()
    with pytest.raises(UnsupportedInputError, match="empty"):
        open_source(path)


def test_truncated_mp4(tmp_path: Path) -> None:
    # given: a longer clip cut off part-way
    full = tmp_path / "full.mp4"
    _write_video(full, frames=120, size=(320, 240))
    cut = tmp_path / "cut.mp4"
    data = full.read_bytes()
    cut.write_bytes(data[: len(data) // 3])
    # when / then
    with pytest.raises(CorruptVideoError, match=r"truncated|damaged"):
        with open_source(cut) as src:
            for _ in src:
                pass


def test_folder_is_refused(tmp_path: Path) -> None:
    with pytest.raises(UnsupportedInputError, match="folder"):
        open_source(tmp_path)


def test_camera_that_does_not_exist() -> None:
    with pytest.raises(CameraError, match="try another camera index"):
        open_source("7")


def test_capped_decoder_threads_give_the_same_frames(clip: Path) -> None:
    with open_source(clip) as a, open_source(clip, decode_threads=1) as b:
        pairs = list(zip(a, b, strict=True))
    assert len(pairs) > 10
    for fa, fb in pairs:
        assert fa.index == fb.index and fa.t_ms == fb.t_ms
        assert np.array_equal(fa.image, fb.image)


@pytest.mark.parametrize("ext", [".jpg", ".png"])
def test_a_photo_under_a_video_name_is_a_photo(tmp_path: Path, ext: str) -> None:
    # given: a photo saved with a video's name
    photo = tmp_path / f"p{ext}"
    cv2().imwrite(str(photo), np.full((48, 64, 3), 128, np.uint8))
    renamed = photo.rename(tmp_path / "p.mp4")
    # when
    with open_source(renamed) as src:
        frames = list(src)
    # then: judged as the photo it is (one frame, image rules), not as a one-frame video
    assert src.kind is SourceKind.IMAGE and len(frames) == 1


def test_a_tiny_picture_is_refused(tmp_path: Path) -> None:
    photo = tmp_path / "tiny.png"
    cv2().imwrite(str(photo), np.zeros((8, 40, 3), np.uint8))
    with pytest.raises(UnsupportedInputError, match="40x8 px; formcheck needs at least 16"):
        open_source(photo)


def test_a_device_is_not_called_empty() -> None:
    with pytest.raises(UnsupportedInputError, match="not a regular file"):
        open_source("/dev/zero")


def test_a_raw_mjpeg_stream_is_a_video_whatever_its_name(clip: Path, tmp_path: Path) -> None:
    # given: JPEG frames one after another (as IP cameras send), under two names
    if shutil.which("ffmpeg") is None:
        pytest.skip("needs ffmpeg")
    stream = tmp_path / "cam.mjpeg"
    subprocess.run(["ffmpeg", "-loglevel", "error", "-i", str(clip), "-frames:v", "5",
                    "-f", "mjpeg", str(stream)], check=True)
    renamed = tmp_path / "cam.mp4"
    renamed.write_bytes(stream.read_bytes())
    for path in (stream, renamed):
        # when
        with open_source(path) as src:
            frames = list(src)
        # then: every frame, not the first as a photo
        assert src.kind is SourceKind.VIDEO and len(frames) == 5, path
