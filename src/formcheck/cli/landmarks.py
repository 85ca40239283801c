"""``formcheck landmarks INPUT --out FILE.jsonl``: the pose landmarks of every frame."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import ModelOption, resolve_model
from formcheck.ui import say


def landmarks(
    input: Annotated[str, typer.Argument(help="Video file, photo, or camera index.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file.", dir_okay=False)],
    model: ModelOption = None,
) -> None:
    """Write the pose landmarks of every frame as JSON lines."""
    from formcheck.frontends.landmarks import run_landmarks

    frames, found = run_landmarks(input, out, resolve_model(model))
    say(f"{frames} frames, a person in {found}: {out}")
