"""``formcheck analyze INPUT...``: recordings and photos to annotated media, per-frame
data, a summary and a report."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import (
    DEFAULT_FPS,
    ConfigOption,
    FpsOption,
    ModelOption,
    ModelVariantOption,
    RollerColorOption,
    RollerDetectorOption,
    load_config,
    note_colour_hint,
    resolve_model,
)
from formcheck.errors import FormcheckError, ModelError, UsageError
from formcheck.frontends.choices import DEFAULT_VIDEO_HEIGHT
from formcheck.ui import error_line, result, say
from formcheck.vocabulary import CHECK_IDS, CHECK_LABELS, Status, score_text


def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Video files and photos.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)] = (
        Path("out")
    ),
    fps: FpsOption = DEFAULT_FPS,
    video_height: Annotated[
        int, typer.Option(help="Max height of the annotated video, px (0: as input).", min=0)
    ] = DEFAULT_VIDEO_HEIGHT,
    model: ModelOption = None,
    model_variant: ModelVariantOption = None,
    config: ConfigOption = None,
    roller_color: RollerColorOption = None,
    roller_detector: RollerDetectorOption = None,
) -> None:
    """Analyse recordings and photos: annotated video, frames.jsonl, summary.json, report.html."""
    from formcheck.frontends.analyze import AnalyzeOptions, analyze_input, output_dir_for
    from formcheck.sinks.atomic import check_out_folder
    from formcheck.source.sources import MIN_SIDE_PX

    if 0 < video_height < MIN_SIDE_PX:
        raise UsageError(f"--video-height {video_height}: use 0 (the input's height) or at "
                         f"least {MIN_SIDE_PX} px")
    check_out_folder(out)  # before the model is looked for (or fetched)
    cfg, cfg_path = load_config(config, roller_detector)

    note_colour_hint(roller_color, roller_detector)
    options = AnalyzeOptions(
        out_root=out, fps=fps or None,
        model=resolve_model(model, model_variant, command="analyze", config=cfg),
        video_height=video_height or None, config=cfg, config_path=cfg_path,
        roller_color=roller_color,
    )
    taken: set[Path] = set()
    failures = 0
    seen: set[Path] = set()
    names = [p.name for p in inputs]
    for path in inputs:
        if path.resolve() in seen:  # one file named twice: one folder, not x/ and x-2/
            say(f"{path}: named twice; analysed once")
            continue
        seen.add(path.resolve())
        try:
            done = analyze_input(path, output_dir_for(path, out, taken), options)
        except ModelError:
            raise  # the next input would meet the same model: one line, not one each
        except FormcheckError as err:
            if len(inputs) == 1:
                raise
            # one input of several: its line, and the others go on (exit 1 at the end)
            print(error_line(err), file=sys.stderr)
            failures += 1
            continue
        s = done.summary
        # the name alone, unless another input has it too
        shown = path.name if names.count(path.name) == 1 else str(path)
        faulty = [CHECK_LABELS[c].lower() for c in CHECK_IDS if s.checks[c].status is Status.FAULT]
        faults = f" (faults: {', '.join(faulty)})" if faulty else ""
        result(f"{shown}: {score_text(s.score, s.score_reason)}{faults} -> {done.out_dir}/")
        if s.camera is not None and s.camera.advice:
            result(f"  tip: {s.camera.advice}")
        if s.others is not None:
            result(f"{shown}: {s.others.words}; only the person rolling should be in view")
    if failures:
        raise typer.Exit(1)
