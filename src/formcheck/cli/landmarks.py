"""``formcheck landmarks INPUT --out FILE.jsonl``: the pose landmarks of every frame."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import (
    ConfigOption,
    ForceOption,
    ModelOption,
    ModelVariantOption,
    load_config,
    resolve_model,
)
from formcheck.ui import result


def landmarks(
    input: Annotated[str, typer.Argument(help="Video file, photo, or camera index.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file.", dir_okay=False)],
    model: ModelOption = None,
    model_variant: ModelVariantOption = None,
    config: ConfigOption = None,
    force: ForceOption = False,
) -> None:
    """Write the pose landmarks of every frame as JSON lines (an earlier landmarks file
    at --out is replaced; any other file only with --force)."""
    from formcheck.frontends.landmarks import check_target, run_landmarks

    check_target(input, out, force)  # before the model is looked for (or fetched)
    # the settings' [model] variant applies here as to every command that runs the model
    cfg, _ = load_config(config)
    bundle = resolve_model(model, model_variant, command="landmarks", config=cfg)
    frames, found = run_landmarks(input, out, bundle)
    result(f"{frames} frame{'' if frames == 1 else 's'}, a person in {found}: {out}")
