"""``formcheck roller INPUT --out FILE``: draw the roller found, to judge the detector."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import (
    ConfigOption,
    ForceOption,
    ModelOption,
    ModelVariantOption,
    RollerColorOption,
    RollerDetectorOption,
    load_config,
    note_colour_hint,
    resolve_model,
)
from formcheck.frontends.roller_view import OUT_HELP, check_out


def roller(
    input: Annotated[str, typer.Argument(help="Image or video file (or a camera index).")],
    out: Annotated[Path, typer.Option("--out", "-o", help=f"Drawn output: {OUT_HELP}.",
                                      dir_okay=False)],
    model: ModelOption = None,
    model_variant: ModelVariantOption = None,
    roller_color: RollerColorOption = None,
    roller_detector: RollerDetectorOption = None,
    config: ConfigOption = None,
    force: ForceOption = False,
) -> None:
    """Find the foam roller and draw it (outline, centre, both ends and the axis, contact
    point, zones). A file already at --out is replaced when it is an earlier drawing of
    this command, any other file only with --force."""
    from formcheck.frontends.roller_view import check_target, run

    check_out(out)  # before the model is looked for (or fetched)
    check_target(input, out, force)
    cfg, _ = load_config(config, roller_detector)
    note_colour_hint(roller_color, roller_detector)
    bundle = resolve_model(model, model_variant, command="roller", config=cfg)
    typer.echo(run(input, out, bundle, roller_color, cfg.roller.detector, cfg))
