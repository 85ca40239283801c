"""``formcheck roller IMAGE_OR_VIDEO --out FILE``: draw what the roller stage finds.

Glue only: open the source, run the pose and the roller stages, write the drawn
frames (a PNG for an image, an H.264 MP4 for a video). The lead mounts
:func:`roller_command` on the main app; :data:`app` runs it on its own.
"""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path
from typing import Annotated, Any, Optional

import typer

from formcheck.errors import ModelError, OutputError

app = typer.Typer(add_completion=False, pretty_exceptions_enable=False)


@app.command("roller")
def roller_command(
    input: Annotated[str, typer.Argument(help="Image or video file (or a camera index).")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Drawn output: .png for an image, "
                                      ".mp4 for a video.", dir_okay=False)],
    model: Annotated[
        Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
        typer.Option("--model", help="Pose model bundle (.task).", dir_okay=False),
    ] = None,
    roller_color: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option("--roller-color", help="Roller colour: a name (blue), #rrggbb or r,g,b."),
    ] = None,
) -> None:
    """Find the foam roller and draw it (outline, centre, contact point, zones)."""
    from formcheck.cli import resolve_model

    typer.echo(run(input, out, resolve_model(model), roller_color))


def run(input: str, out: Path, model: Path | None = None,
        roller_color: str | None = None) -> str:
    """Run the debug view; return a one-line summary. Raises FormcheckError subclasses."""
    from formcheck.lazy import cv2 as _cv2
    from formcheck.model import bundle
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.roller.color import ColorHint
    from formcheck.roller.detector import RollerDetector
    from formcheck.roller.draw import draw_roller
    from formcheck.roller.tracker import RollerTracker
    from formcheck.source import SourceKind, open_source

    cv2 = _cv2()
    hint = ColorHint.parse(roller_color) if roller_color else None
    model_path = model if model is not None else bundle.find()
    if model_path is None:
        raise ModelError("no pose model bundle found; run `formcheck models fetch` first")
    if not out.parent.exists():
        raise OutputError(f"{out.parent}: no such folder")
    source = open_source(input)
    still = source.kind is SourceKind.IMAGE
    detector = RollerDetector(hint)
    tracker = RollerTracker(detector)
    found = total = 0
    writer: Any = None
    # The landmarker's segmentation mask separates the person from the roller.
    with source, PoseLandmarker(model_path, Mode.IMAGE if still else Mode.VIDEO,
                                segmentation=True) as lm:
        for frame in source:
            pf = lm.detect(frame.image, frame.t_ms, frame.index)
            obs = detector.detect(frame.image, pf) if still else tracker.update(frame.image, pf)
            drawn = draw_roller(frame.image, pf, obs, detector.last_blob)
            total += 1
            found += int(obs.found)
            if still:
                if not cv2.imwrite(str(out), drawn):
                    raise OutputError(f"{out}: cannot write the image (use a .png name)")
                return f"{input}: {obs.to_dict()}"
            if writer is None:
                writer = _VideoWriter(out, drawn.shape[1], drawn.shape[0], source.fps)
            writer.write(drawn)
    if writer is not None:
        writer.close()
    return f"{input}: roller found in {found}/{total} frames; wrote {out}"


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


if __name__ == "__main__":  # pragma: no cover
    app()
