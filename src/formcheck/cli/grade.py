"""``formcheck grade INPUTS...``: many clips graded in parallel, as a table, CSV and JSON."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

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
from formcheck.errors import ModelError
from formcheck.frontends.choices import EngineName
from formcheck.vocabulary import score_text

if TYPE_CHECKING:
    from formcheck.frontends.grade_rows import GradeRow


def grade(
    inputs: Annotated[list[str], typer.Argument(
        help="Video files, photos, folders (searched recursively) and globs.",
        show_default=False)],
    csv_out: Annotated[Path | None, typer.Option(
        "--csv", help="CSV written as each clip finishes.", dir_okay=False)] = None,
    json_out: Annotated[Path | None, typer.Option(
        "--json", help="JSON (the CSV's rows and more) written as each clip finishes.",
        dir_okay=False)] = None,
    workers: Annotated[int | None, typer.Option(
        "--workers", "-j",
        help="Clips graded in parallel (default: the CPUs, at most 8; Ray: the cluster's).",
        show_default=False)] = None,
    fail_under: Annotated[float | None, typer.Option(
        "--fail-under", help="Exit 1 if a clip scores below this (0-100).",
        show_default=False)] = None,
    resume: Annotated[bool, typer.Option(
        "--resume", help="Skip clips already graded in the existing --csv/--json.")] = False,
    out: Annotated[Path | None, typer.Option(
        "--out", "-o",
        help="Keep each clip's analyze outputs in OUT/STEM/ (STEM: the clip's name).",
        file_okay=False)] = None,
    video: Annotated[bool, typer.Option(
        "--video", help="With --out, also write each annotated video.")] = False,
    engine: Annotated[EngineName, typer.Option(
        "--engine", help="local: worker processes here; ray: Ray tasks (formcheck\\[ray]).",
        case_sensitive=False)] = EngineName.LOCAL,
    address: Annotated[str | None, typer.Option(
        "--address", help="Ray cluster address (default: $RAY_ADDRESS or a local Ray).",
        show_default=False)] = None,
    timeout: Annotated[float | None, typer.Option(
        "--timeout", help="Per-clip time limit, s (default: max(120, 4 x duration)).",
        show_default=False)] = None,
    fps: FpsOption = DEFAULT_FPS,
    model: ModelOption = None,
    model_variant: ModelVariantOption = None,
    config: ConfigOption = None,
    roller_color: RollerColorOption = None,
    roller_detector: RollerDetectorOption = None,
) -> None:
    """Grade many clips: a score and each check per clip, as a table, CSV and JSON.

    Exit codes: 0 all graded (and at or above --fail-under), 1 some clip below
    --fail-under, 2 usage error, 3 some inputs could not be graded (or none: the model
    is missing or broken).
    """
    import dataclasses

    from rich.console import Console

    from formcheck.frontends import grade as library

    options = library.GradeOptions(
        model=Path("."), csv=csv_out, json=json_out, workers=workers,
        fail_under=fail_under, resume=resume, out=out, keep_video=video, engine=engine,
        address=address, timeout_s=timeout, fps=fps or None, roller_color=roller_color,
        progress=sys.stderr.isatty(),
    )
    library.validate(options)  # usage errors before fetching a model
    cfg, cfg_path = load_config(config, roller_detector)
    note_colour_hint(roller_color, roller_detector)
    try:
        # Loaded and run once here, not found broken by every clip (an error row each).
        model_path = resolve_model(model, model_variant, command="grade", config=cfg, load=True)
    except ModelError as err:
        err.exit_code = 3  # nothing could be graded; 1 would read as "a score too low"
        raise
    options = dataclasses.replace(options, model=model_path, config=cfg,
                                  config_path=cfg_path)
    report = library.grade(inputs, options, on_row=None if options.progress else _say_row)
    console = Console()
    console.print(library.render_table(report, console.width))
    if report.exit_code:
        raise typer.Exit(report.exit_code)


def _say_row(row: GradeRow) -> None:
    """A finished clip's line on stderr (where no progress display shows it)."""
    from formcheck.frontends.grade import reason
    from formcheck.ui import say

    if row["status"] == "graded":
        say(f"graded {row['file']}: {score_text(row.get('score'), row.get('score_reason'))}")
    else:
        say(f"error  {row['file']}: {reason(row)}")
