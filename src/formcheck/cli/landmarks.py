"""``formcheck landmarks INPUT --out FILE.jsonl``: the pose landmarks of every frame."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import (
    ConfigOption,
    ModelOption,
    ModelVariantOption,
    load_config,
    resolve_model,
)
from formcheck.ui import say


def landmarks(
    input: Annotated[str, typer.Argument(help="Video file, photo, or camera index.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file.", dir_okay=False)],
    model: ModelOption = None,
    model_variant: ModelVariantOption = None,
    config: ConfigOption = None,
) -> None:
    """Write the pose landmarks of every frame as JSON lines."""
    from formcheck.frontends.landmarks import run_landmarks

    # the settings' [model] variant applies here as to every command that runs the model
    cfg, _ = load_config(config)
    bundle = resolve_model(model, model_variant, command="landmarks", config=cfg)
    frames, found = run_landmarks(input, out, bundle)
    say(f"{frames} frames, a person in {found}: {out}")
