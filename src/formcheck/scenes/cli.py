"""``formcheck scenes``: list the named scenarios and render them to files.

Glue only: parses options, calls :mod:`formcheck.scenes`, prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

app = typer.Typer(
    name="scenes",
    help="Synthetic foam-rolling clips with exact ground truth.",
    no_args_is_help=True,
    context_settings={"help_option_names": ["-h", "--help"]},
)


@app.command("list")
def list_scenarios() -> None:
    """Show the named scenarios."""
    from rich.console import Console
    from rich.table import Table

    from formcheck.scenes.scenarios import SCENARIOS

    table = Table("name", "default s", "what it shows")
    for sc in SCENARIOS.values():
        table.add_row(sc.name, f"{sc.default_seconds:g}", sc.description)
    Console().print(table)


@app.command("render")
def render(
    name: Annotated[str, typer.Argument(help="Scenario name (see `formcheck scenes list`).")],
    out: Annotated[Path, typer.Option("--out", "-o", file_okay=False,
                                      help="Folder for NAME.mp4 and NAME.truth.jsonl.")],
    seconds: Annotated[float | None, typer.Option(help="Clip length, s.", min=0.1)] = None,
    size: Annotated[str, typer.Option(help="Frame size WxH, px.")] = "640x360",
    fps: Annotated[float, typer.Option(help="Frames per second.", min=1.0, max=120.0)] = 30.0,
    seed: Annotated[int, typer.Option(help="Seed for the look and the noise.")] = 0,
    stem: Annotated[str | None, typer.Option(help="File name stem (default: NAME).")] = None,
    crf: Annotated[int, typer.Option(help="H.264 quality (lower is better).", min=0,
                                     max=51)] = 26,
) -> None:
    """Render scenario NAME to OUT/NAME.mp4 with OUT/NAME.truth.jsonl beside it."""
    from rich.console import Console

    from formcheck.scenes.scenarios import SCENARIOS
    from formcheck.scenes.stream import parse_size, render_to_files

    err = Console(stderr=True)
    if name not in SCENARIOS:
        err.print(f"[red]unknown scenario {name!r}[/]; expected one of: {', '.join(SCENARIOS)}")
        raise typer.Exit(2)
    try:
        wh = parse_size(size)
    except ValueError as exc:
        err.print(f"[red]{exc}[/]")
        raise typer.Exit(2) from None
    with err.status(f"rendering {name} ..."):
        clip = render_to_files(name, out, seconds=seconds, size=wh, fps=fps, seed=seed,
                              stem=stem, crf=crf)
    typer.echo(f"{clip.video} ({clip.frames} frames, {wh[0]}x{wh[1]} @ {fps:g} fps)")
    typer.echo(f"{clip.truth}")
