"""The roller's debug view behind ``formcheck roller``: draw what the roller stage finds.

Opens the source, runs the pose and the roller stages, writes the drawn frames (a PNG
or JPEG for an image, an H.264 MP4 for a video).
"""

from __future__ import annotations

import json
import zlib
from fractions import Fraction
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formcheck.errors import CorruptVideoError, ModelError, OutputError, UsageError

if TYPE_CHECKING:
    from formcheck.evaluator.config import EvaluatorConfig

IMAGE_OUT_SUFFIXES = (".png", ".jpg", ".jpeg")
"""``--out`` suffixes for a drawn still (written by OpenCV)."""
VIDEO_OUT_SUFFIXES = (".mp4", ".mov", ".mkv")
"""``--out`` suffixes for a drawn video (H.264 through PyAV)."""


def _listed(suffixes: tuple[str, ...]) -> str:
    """``(".a", ".b", ".c")`` as ``".a, .b or .c"``."""
    return f"{', '.join(suffixes[:-1])} or {suffixes[-1]}"


OUT_HELP = f"{_listed(IMAGE_OUT_SUFFIXES)} for an image, {_listed(VIDEO_OUT_SUFFIXES)} for a video"
MARK = "formcheck roller"
"""What every drawing carries (a PNG text chunk, a JPEG comment, the video's comment tag):
a later run replaces its own earlier drawing, and a user's file only with --force."""


def marked_image(encoded: bytes, suffix: str) -> bytes:
    """An encoded PNG or JPEG with :data:`MARK` put in: a PNG's ``tEXt`` chunk right
    after its header chunk, a JPEG's comment segment right after its first marker."""
    mark = MARK.encode()
    if suffix.lower() == ".png":
        assert encoded[12:16] == b"IHDR"  # the header chunk ends at byte 33
        data = b"Software\x00" + mark
        chunk = (len(data).to_bytes(4, "big") + b"tEXt" + data
                 + zlib.crc32(b"tEXt" + data).to_bytes(4, "big"))
        return encoded[:33] + chunk + encoded[33:]
    assert encoded[:2] == b"\xff\xd8"  # start of image
    return encoded[:2] + b"\xff\xfe" + (len(mark) + 2).to_bytes(2, "big") + mark + encoded[2:]


def is_own_drawing(path: Path) -> bool:
    """Whether the file at ``path`` is an earlier drawing of this view (:data:`MARK`)."""
    suffix = path.suffix.lower()
    if suffix in IMAGE_OUT_SUFFIXES:
        try:
            with path.open("rb") as fh:
                return MARK.encode() in fh.read(128)
        except OSError:
            return False
    if suffix not in VIDEO_OUT_SUFFIXES:
        return False
    import av

    try:
        with av.open(str(path)) as container:
            tags = {k.lower(): v for k, v in container.metadata.items()}  # Matroska: COMMENT
            return bool(tags.get("comment") == MARK)
    except Exception:  # any file PyAV cannot open as a video is not one of ours
        return False


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


def check_target(input: str, out: Path, force: bool = False) -> None:
    """Before any work: ``out`` is not the input, and a file there is replaced only when
    it is an earlier drawing of this view (:func:`is_own_drawing`) or with ``force``.

    Raises:
        OutputError: either is not so.
    """
    from formcheck.sinks.atomic import check_not_input, check_replaceable

    check_not_input(out, [Path(input)])
    check_replaceable(out, ours=out.is_file() and is_own_drawing(out), force=force)


def run(input: str, out: Path, model: Path | None = None,
        roller_color: str | None = None, detector_name: str = "learned",
        config: EvaluatorConfig | None = None) -> str:
    """Run the debug view; return a one-line summary (for an image, the roller found as
    one line of JSON). ``config``: the evaluator's settings the body view is read with
    (the camera's limits and reading, the roller's orientation; the defaults if None).
    Raises FormcheckError subclasses. ``out`` appears only when complete (written beside
    it under a temporary name, then renamed): an error or an interrupt leaves no partial
    file and an earlier file of that name as it was. The caller has checked ``out``
    against the input and the user's files (:func:`check_target`)."""
    from formcheck.frontends.pipeline import make_roller_tracker
    from formcheck.model import bundle
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.sinks.atomic import atomic_path, check_out_folder, output_dir, reported_as
    from formcheck.source import SourceKind, open_source

    model_path = model if model is not None else bundle.find()
    if model_path is None:
        raise ModelError("no pose model bundle found; run `formcheck models fetch` first")
    # --out's folder is made as analyze and landmarks make theirs (and removed again,
    # if still empty, when the run fails)
    check_out_folder(out.parent, named=out)
    source = open_source(input)
    still = source.kind is SourceKind.IMAGE
    try:
        check_out(out, still)
    except UsageError:
        source.close()
        raise
    tracker = make_roller_tracker(roller_color, detector_name)
    # The landmarker's segmentation mask separates the person from the roller.
    with reported_as(out), output_dir(out.parent), \
            atomic_path(out, suffix=f".part{out.suffix}") as tmp:
        writer = _Drawn(tmp, out, still, source.fps)
        try:
            try:
                with source, PoseLandmarker(model_path, Mode.IMAGE if still else Mode.VIDEO,
                                            segmentation=True) as lm:
                    result = _draw_frames(source, lm, tracker, writer, config)
            except KeyboardInterrupt:
                if source.kind is not SourceKind.CAMERA or not writer.frames:
                    raise
                result = None  # Ctrl-C is how a camera recording ends: keep what was drawn
            # saved outside the except block: a save that fails is its own error, not
            # the Ctrl-C that ended the recording
            writer.close()
        except BaseException:
            writer.abort()
            raise
    if result is not None:  # a still: the roller found, as JSON
        return result
    return f"{input}: roller found in {writer.found}/{writer.frames} frames; wrote {out}"


def _draw_frames(source: Any, lm: Any, tracker: Any, writer: _Drawn,
                 config: EvaluatorConfig | None = None) -> str | None:
    """Every frame through the pose and roller stages, drawn into ``writer``; for a
    still, the roller found as one line of JSON."""
    from formcheck.overlay.roller_debug import draw_roller
    from formcheck.overlay.view_debug import draw_body_view
    from formcheck.ui import progress_bar

    detector = tracker.detector
    with progress_bar(source.frame_count, f"roller {source.name}",
                      enabled=not writer.still) as advance:
        for frame in source:
            advance()
            pf = lm.detect(frame.image, frame.t_ms, frame.index)
            obs = (detector.detect(frame.image, pf) if writer.still
                   else tracker.update(frame.image, pf))
            drawn = draw_roller(frame.image, pf, obs, detector.last_blob)
            draw_body_view(drawn, pf, obs, config)
            writer.write(drawn, obs.found)
            if writer.still:
                return json.dumps(obs.to_dict())
    return None


class _Drawn:
    """Where the drawn frames go: one image (OpenCV) or an H.264 video, at ``path`` (a
    temporary name for ``out``, which the messages name)."""

    def __init__(self, path: Path, out: Path, still: bool, fps: float) -> None:
        self.path, self.out, self.still, self.fps = path, out, still, fps
        self.frames = self.found = 0
        self._video: _VideoWriter | None = None

    def write(self, image: Any, found: bool) -> None:
        from formcheck.lazy import cv2 as _cv2

        if self.still:
            ok, encoded = _cv2().imencode(self.out.suffix.lower(), image)
            if not ok:
                raise OutputError(f"{self.out}: cannot write the image")
            try:
                self.path.write_bytes(marked_image(encoded.tobytes(), self.out.suffix))
            except OSError as e:
                raise OutputError(f"{self.out}: cannot write the image ({e.strerror})") from e
        else:
            if self._video is None:
                self._video = _VideoWriter(self.path, image.shape[1], image.shape[0],
                                           self.fps)
            self._video.write(image)
        # counted once written: a Ctrl-C in the middle leaves the count at what is there
        self.frames += 1
        self.found += int(found)

    def close(self) -> None:
        """Finish the file; refuse to leave an empty one."""
        if not self.frames or (not self.still and self._video is None):
            raise CorruptVideoError(f"no frame of the input could be read; {self.out} "
                                    "was not written")
        if self._video is not None:
            self._video.close()

    def abort(self) -> None:
        """Close the video without finishing it (the temporary file is then removed)."""
        if self._video is not None:
            self._video.abort()


class _VideoWriter:
    """H.264 yuv420p MP4 through PyAV."""

    def __init__(self, path: Path, width: int, height: int, fps: float) -> None:
        import av

        self._av = av
        self._c = av.open(str(path), mode="w")
        self._c.metadata["comment"] = MARK  # a later run knows its own drawing by it
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
