"""The roller's debug view behind ``formcheck roller``: draw what the roller stage finds.

Opens the source, runs the pose and the roller stages, writes the drawn frames (a PNG
or JPEG for an image, an H.264 MP4 for a video).
"""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

from formcheck.errors import ModelError, OutputError, UsageError

IMAGE_OUT_SUFFIXES = (".png", ".jpg", ".jpeg")
"""``--out`` suffixes for a drawn still (written by OpenCV)."""
VIDEO_OUT_SUFFIXES = (".mp4", ".mov", ".mkv")
"""``--out`` suffixes for a drawn video (H.264 through PyAV)."""


def _listed(suffixes: tuple[str, ...]) -> str:
    """``(".a", ".b", ".c")`` as ``".a, .b or .c"``."""
    return f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"


OUT_HELP = f"{_listed(IMAGE_OUT_SUFFIXES)} for an image, {_listed(VIDEO_OUT_SUFFIXES)} for a video"


def check_out(out: Path, still: bool | None = None) -> None:
    """Refuse an ``--out`` name the writers cannot write, before any work.

    Args:
        out: the output file.
        still: True for an image input, False for a video, None when not known yet
            (any suffix either writer takes is accepted).

    Raises:
        UsageError: naming the suffixes accepted.
    """
    suffix = out.suffix.lower()
    if still is None and suffix in IMAGE_OUT_SUFFIXES + VIDEO_OUT_SUFFIXES:
        return
    if still is True and suffix not in IMAGE_OUT_SUFFIXES:
        raise UsageError(f"--out {out}: the input is an image; "
                         f"name the output {_listed(IMAGE_OUT_SUFFIXES)}")
    if still is False and suffix not in VIDEO_OUT_SUFFIXES:
        raise UsageError(f"--out {out}: the input is a video; "
                         f"name the output {_listed(VIDEO_OUT_SUFFIXES)}")
    if still is None:
        what = f"a '{out.suffix}' file" if out.suffix else "a file without an extension"
        raise UsageError(f"--out {out}: cannot write {what}; use {OUT_HELP}")


def run(input: str, out: Path, model: Path | None = None,
        roller_color: str | None = None, detector_name: str = "learned") -> str:
    """Run the debug view; return a one-line summary (for an image, the roller found as
    one line of JSON). Raises FormcheckError subclasses; leaves no partial ``out``."""
    from formcheck.frontends.pipeline import make_roller_tracker
    from formcheck.lazy import cv2 as _cv2
    from formcheck.model import bundle
    from formcheck.overlay.roller_debug import draw_roller
    from formcheck.overlay.view_debug import draw_body_view
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.sinks.atomic import write_problem
    from formcheck.source import SourceKind, open_source
    from formcheck.ui import progress_bar

    cv2 = _cv2()
    model_path = model if model is not None else bundle.find()
    if model_path is None:
        raise ModelError("no pose model bundle found; run `formcheck models fetch` first")
    if not out.parent.is_dir():
        raise OutputError(f"{out.parent}: no such folder")
    if (problem := write_problem(out.parent)) is not None:
        raise OutputError(f"{out}: cannot write there ({problem}); choose another --out")
    source = open_source(input)
    still = source.kind is SourceKind.IMAGE
    try:
        check_out(out, still)
    except UsageError:
        source.close()
        raise
    tracker = make_roller_tracker(roller_color, detector_name)
    detector = tracker.detector
    found = total = 0
    writer: Any = None
    # The landmarker's segmentation mask separates the person from the roller.
    try:
        with source, PoseLandmarker(model_path, Mode.IMAGE if still else Mode.VIDEO,
                                    segmentation=True) as lm, \
                progress_bar(source.frame_count, f"roller {source.name}",
                             enabled=not still) as advance:
            for frame in source:
                advance()
                pf = lm.detect(frame.image, frame.t_ms, frame.index)
                obs = (detector.detect(frame.image, pf) if still
                       else tracker.update(frame.image, pf))
                drawn = draw_roller(frame.image, pf, obs, detector.last_blob)
                draw_body_view(drawn, pf, obs)
                total += 1
                found += int(obs.found)
                if still:
                    if not cv2.imwrite(str(out), drawn):
                        raise OutputError(f"{out}: cannot write the image")
                    return json.dumps(obs.to_dict())
                if writer is None:
                    writer = _VideoWriter(out, drawn.shape[1], drawn.shape[0], source.fps)
                writer.write(drawn)
        if writer is not None:
            writer.close()
    except KeyboardInterrupt:
        if writer is None or source.kind is not SourceKind.CAMERA:
            _discard(writer, out)
            raise
        writer.close()  # Ctrl-C is how a camera recording ends: keep what was drawn
    except BaseException:
        _discard(writer, out)
        raise
    return f"{input}: roller found in {found}/{total} frames; wrote {out}"


def _discard(writer: _VideoWriter | None, out: Path) -> None:
    """Close and delete a video left half-written by an error (nothing if none began)."""
    if writer is not None:
        writer.abort()
        out.unlink(missing_ok=True)


class _VideoWriter:
    """H.264 yuv420p MP4 through PyAV."""

    def __init__(self, path: Path, width: int, height: int, fps: float) -> None:
        import av

        self._av = av
        self._c = av.open(str(path), mode="w")
        rate = Fraction(fps if fps and fps > 0 else 30.0).limit_denominator(1001)
        self._s = self._c.add_stream("libx264", rate=rate)
        self._s.width, self._s.height = width - width % 2, height - height % 2
        self._s.pix_fmt = "yuv420p"

    def write(self, image: Any) -> None:
        img = image[: self._s.height, : self._s.width]
        for packet in self._s.encode(self._av.VideoFrame.from_ndarray(img, format="bgr24")):
            self._c.mux(packet)

    def close(self) -> None:
        for packet in self._s.encode():
            self._c.mux(packet)
        self._c.close()

    def abort(self) -> None:
        """Close the file without flushing the encoder (the caller deletes it)."""
        try:
            self._c.close()
        except Exception:  # already failing: the original error is the one to show
            pass
