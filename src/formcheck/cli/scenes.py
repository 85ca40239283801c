"""``formcheck scenes``: list the named scenarios and render them to files.

Glue only: parses options, calls :mod:`formcheck.scenes`, prints.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.errors import UsageError

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
    force: Annotated[bool, typer.Option(
        "--force", help="Replace files of those names that are not an earlier render.")] = False,
) -> None:
    """Render scenario NAME to OUT/NAME.mp4 with OUT/NAME.truth.jsonl beside it (an
    earlier render of that name, both files, is replaced; other files only with --force)."""
    from formcheck.scenes.scenarios import SCENARIOS
    from formcheck.scenes.stream import (
        check_render_targets,
        check_stem,
        frame_total,
        parse_size,
        render_to_files,
    )
    from formcheck.sinks.atomic import prepare_output_dir, reported_as
    from formcheck.ui import progress_bar

    if name not in SCENARIOS:
        raise UsageError(f"unknown scenario {name!r}; expected one of: {', '.join(SCENARIOS)}")
    try:
        wh = parse_size(size)
        if stem is not None:
            check_stem(stem)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    check_render_targets(out, name, stem, force)
    prepare_output_dir(out)
    with (reported_as(out),
          progress_bar(frame_total(name, seconds, fps), f"rendering {name}") as advance):
        clip = render_to_files(name, out, seconds=seconds, size=wh, fps=fps, seed=seed,
                              stem=stem, crf=crf, advance=advance)
    typer.echo(f"{clip.video} ({clip.frames} frames, {wh[0]}x{wh[1]} @ {fps:g} fps)")
    typer.echo(f"{clip.truth}")


@app.command("render3d")
def render3d(
    name: Annotated[str, typer.Argument(help="Scenario name (see `formcheck scenes list`).")],
    out: Annotated[Path, typer.Option("--out", "-o", file_okay=False,
                                      help="Folder for NAME.mp4 (or .png), NAME.truth.jsonl "
                                           "and NAME.masks.npz.")],
    still: Annotated[bool, typer.Option("--still", help="One frame as NAME.png.")] = False,
    seconds: Annotated[float | None, typer.Option(help="Clip length, s.", min=0.1)] = None,
    fps: Annotated[float, typer.Option(help="Frames per second.", min=1.0, max=60.0)] = 8.0,
    size: Annotated[str, typer.Option(help="Frame size WxH, px.")] = "640x360",
    seed: Annotated[int, typer.Option(help="Seed for the body, look and camera place.")] = 0,
    camera_height: Annotated[float | None, typer.Option(
        help="Lens height above the floor, m (the benchmark set draws 0.1-1.3).", min=0.05,
        max=2.0)] = None,
    camera_azimuth: Annotated[float | None, typer.Option(
        help="Degrees round from a side view: + towards the feet, - towards the head.",
        min=-80.0, max=80.0)] = None,
    camera_distance: Annotated[float | None, typer.Option(
        help="Lens to body, m (the benchmark set draws 1.5-4).", min=1.0, max=6.0)] = None,
    roller_color: Annotated[str | None, typer.Option(
        help="Roller look: black, blue, grey, white, orange, red, green, purple, "
             "patterned, dotted, grid, grid_blue.")] = None,
    floor: Annotated[str | None, typer.Option(
        help="Floor: wood, carpet, tiles, concrete.")] = None,
    light: Annotated[str | None, typer.Option(
        help="Light: window_front, window_side, window_behind, lamp_dim, overhead.")] = None,
    quality: Annotated[str, typer.Option(
        help="draft (Workbench, fast) or final (Cycles, real light and shadows).")] = "final",
    force: Annotated[bool, typer.Option(
        "--force", help="Replace files of those names that are not an earlier render.")] = False,
) -> None:
    """Render scenario NAME as a 3D scene: a posed human body on a roller, any camera place
    (an earlier render of that name, its three files, is replaced; other files only with
    --force)."""
    from dataclasses import replace

    from formcheck.scenes.scenarios import SCENARIOS
    from formcheck.scenes.stream import parse_size
    from formcheck.scenes3d import spec as sp
    from formcheck.scenes3d.runner import render_shots, require_renderer
    from formcheck.sinks.atomic import check_render_files
    from formcheck.ui import progress_bar

    if name not in SCENARIOS:
        raise UsageError(f"unknown scenario {name!r}; expected one of: {', '.join(SCENARIOS)}")
    checks = ((roller_color, sp.ROLLER_COLORS, "--roller-color"), (floor, sp.FLOORS, "--floor"),
              (light, sp.LIGHTS, "--light"), (quality, ("draft", "final"), "--quality"))
    for value, known, flag in checks:
        if value is not None and value not in known:
            raise UsageError(f"{flag} {value!r} is not one of: {', '.join(known)}")
    try:
        wh = parse_size(size)
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    shot = sp.default_shot(name, seed, still=still, seconds=seconds, fps=fps)
    cam = shot.camera
    if camera_height is not None:
        cam = replace(cam, height_m=camera_height)
    if camera_azimuth is not None:
        cam = replace(cam, azimuth_deg=abs(camera_azimuth),
                      end="feet" if camera_azimuth >= 0 else "head")
    if camera_distance is not None:
        cam = replace(cam, distance_m=camera_distance)
    look = shot.look
    if roller_color is not None:
        look = replace(look, roller_color=roller_color)
    if floor is not None:
        look = replace(look, floor=floor)
    if light is not None:
        look = replace(look, light=light)
    shot = shot.with_(camera=cam, look=look)
    # before any work: a file of the user's under a render's name is never replaced unasked
    check_render_files([out / f"{shot.name}{ext}" for ext in (
        ".png" if still else ".mp4", ".truth.jsonl", ".masks.npz")], force)
    require_renderer()
    frames = 1 if still else max(round(shot.seconds * fps), 1)
    with progress_bar(frames, f"rendering {name} (3D, {quality})") as advance:
        done = render_shots([shot], out, size=wh, quality=quality, advance=advance)
    for r in done:
        typer.echo(f"{r.media} ({r.frames} frame{'s' if r.frames != 1 else ''}, "
                   f"{wh[0]}x{wh[1]}, camera {cam.height_m:.2f} m up, "
                   f"{cam.azimuth_deg:.0f} deg towards the {cam.end})")
        typer.echo(f"{r.truth}")
