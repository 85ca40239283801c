"""``formcheck live``: coaching from a webcam (or a video played as one)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import (
    ConfigOption,
    ModelOption,
    ModelVariantOption,
    RollerColorOption,
    RollerDetectorOption,
    load_config,
    note_colour_hint,
    resolve_model,
)
from formcheck.errors import UsageError


def live(
    camera: Annotated[int | None, typer.Option("--camera", help="Camera index (default 0).",
                                               min=0)] = None,
    source: Annotated[
        Path | None,
        typer.Option("--source", help="Play a video file as if it were a camera.",
                     dir_okay=False),
    ] = None,
    voice: Annotated[bool, typer.Option("--voice/--no-voice",
                                        help="Speak the cues (espeak-ng).")] = True,
    record: Annotated[
        Path | None,
        typer.Option("--record", help="Record the annotated view to this MP4 file.",
                     dir_okay=False),
    ] = None,
    mirror: Annotated[bool, typer.Option("--mirror", help="Mirror the picture.")] = False,
    window: Annotated[bool, typer.Option("--window/--no-window",
                                         help="Show the window (--no-window: headless).")]
    = True,
    max_seconds: Annotated[
        float | None,
        typer.Option("--max-seconds", help="End after this many seconds of wall time.",
                     min=0.1),
    ] = None,
    out: Annotated[
        Path | None,
        typer.Option("--out", "-o", file_okay=False,
                     help="Folder for summary.json and report.html "
                          "(default: a dated folder in the user's data folder)."),
    ] = None,
    history: Annotated[bool, typer.Option(
        "--history/--no-history",
        help="Add the session to the history (--no-history: a rehearsal or a test run "
             "leaves it as it was).")] = True,
    model: ModelOption = None,
    model_variant: ModelVariantOption = None,
    config: ConfigOption = None,
    roller_color: RollerColorOption = None,
    roller_detector: RollerDetectorOption = None,
) -> None:
    """Coach your form live from a webcam (or a video played as one), with spoken cues.

    Keys: q or Esc end, space pause, c calibrate the roller, v voice on/off,
    r start/stop recording. The summary and report go to --out; the session is added
    to the history (see: formcheck history) unless --no-history.
    """
    from formcheck.frontends.live import LiveOptions, check_display, run_live
    from formcheck.source.sources import sniff_image

    if camera is not None and source is not None:
        raise UsageError("--camera and --source both name where the frames come from; "
                         "give one")
    if record is not None and record.suffix.lower() != ".mp4":
        raise UsageError(f"--record {record}: the recording is an MP4 video; name it .mp4")
    if source is not None and source.is_file() and sniff_image(source):
        raise UsageError(f"--source {source}: is a photo; live needs a video or a camera "
                         "(for a photo: formcheck analyze)")
    if window:
        check_display()  # before anything is opened or fetched
    cfg, cfg_path = load_config(config, roller_detector)
    note_colour_hint(roller_color, roller_detector)
    options = LiveOptions(
        model=resolve_model(model, model_variant, command="live", config=cfg),
        camera=0 if camera is None else camera, source=source, voice=voice,
        record=record, mirror=mirror, window=window, max_seconds=max_seconds, out_dir=out,
        config=cfg, config_path=cfg_path, roller_color=roller_color, save_history=history,
    )
    result = run_live(options)
    if result.summary is not None:
        typer.echo(str(result.out_dir))
