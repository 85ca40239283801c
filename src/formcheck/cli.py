"""The ``formcheck`` command line: glue only (parse, call the library, print).

Every :class:`~formcheck.errors.FormcheckError` becomes one line on stderr and its
exit code; heavy modules (mediapipe, cv2) are imported inside the commands, so
``formcheck --help`` answers at once.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated, Optional

import typer

from formcheck import __version__
from formcheck.errors import FormcheckError, ModelError
from formcheck.model.bundle import FetchResult, Variant
from formcheck.ui import fail, say

app = typer.Typer(
    name="formcheck",
    help="Checks your form while you foam-roll your upper back, from a webcam or a recording.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)
models_app = typer.Typer(help="Find, fetch and list the pose model bundle.", no_args_is_help=True)
app.add_typer(models_app, name="models")

ModelOption = Annotated[
    Optional[Path],  # noqa: UP045 - typer needs Optional here on 3.11
    typer.Option(
        "--model", help="Pose model bundle (.task); default: $FORMCHECK_MODEL, models/, cache.",
        dir_okay=False,
    ),
]


def _version(value: bool) -> None:
    if value:
        typer.echo(f"formcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
) -> None:
    """formcheck: form coaching for foam-rolling the upper back."""


def resolve_model(explicit: Path | None, variant: Variant = Variant.FULL) -> Path:
    """The bundle to use; fetches it first (saying so) when none is found."""
    from formcheck.model import bundle

    found = bundle.find(explicit, variant)
    if found is not None:
        return found
    say("No pose model found; fetching it first (once).")
    return _fetch(variant, None, False).path


def _fetch(variant: Variant, sha256: str | None, force: bool) -> FetchResult:
    from formcheck.model import bundle
    from formcheck.pose.landmarker import verify_bundle

    return bundle.fetch(variant, sha256=sha256, force=force, progress=say, verify=verify_bundle)


@models_app.command("fetch")
def models_fetch(
    variant: Annotated[Variant, typer.Option(help="Model variant.")] = Variant.FULL,
    sha256: Annotated[
        Optional[str],  # noqa: UP045
        typer.Option(help="Expected sha256 of the official bundle (needed for lite/heavy)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Fetch again even if present.")] = False,
) -> None:
    """Fetch the pose model bundle: the official one, or built offline from the registry."""
    result = _fetch(variant, sha256, force)
    if result.already_present:
        say(f"Already present ({result.route.value}): {result.path}")
    else:
        say(f"Stored ({result.route.value}, sha256 {result.sha256[:12]}…): {result.path}")
    typer.echo(str(result.path))


@models_app.command("path")
def models_path(
    model: ModelOption = None,
    variant: Annotated[Variant, typer.Option(help="Model variant.")] = Variant.FULL,
) -> None:
    """Print the path of the bundle that commands will use (exit 1 if there is none)."""
    from formcheck.model import bundle

    found = bundle.find(model, variant)
    if found is None:
        raise ModelError("no pose model bundle found; run: formcheck models fetch")
    typer.echo(str(found))


@models_app.command("list")
def models_list() -> None:
    """List the variants and every place a bundle is looked for."""
    from formcheck.model import bundle

    for variant in Variant:
        info = bundle.VARIANTS[variant]
        pinned = "sha256 pinned" if info.official_sha256 else "needs --sha256"
        offline = ", offline build" if info.built_sha256 else ""
        typer.echo(f"{variant.value:6s} {pinned}{offline}")
        for where, path in bundle.candidates(variant):
            state = "found" if path.is_file() else "-"
            typer.echo(f"    {state:6s} {where}: {path}")


@app.command("landmarks")
def landmarks(
    input: Annotated[str, typer.Argument(help="Video file, photo, or camera index.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output JSONL file.", dir_okay=False)],
    model: ModelOption = None,
) -> None:
    """Write the pose landmarks of every frame as JSON lines."""
    from formcheck.frontends.landmarks import run_landmarks

    frames, found = run_landmarks(input, out, resolve_model(model))
    say(f"{frames} frames, a person in {found}: {out}")


ConfigOption = Annotated[
    Optional[Path],  # noqa: UP045
    typer.Option("--config", help="Settings file (TOML); default: ./formcheck.toml if present.",
                 dir_okay=False),
]
RollerColorOption = Annotated[
    Optional[str],  # noqa: UP045
    typer.Option("--roller-color", help="Roller colour hint: a name (blue) or #rrggbb."),
]


def load_config(path: Path | None) -> tuple[object, Path | None]:
    """The evaluator configuration and the file it came from (None: defaults)."""
    from formcheck.evaluator.config import CONFIG_FILE_NAME, load_config

    config, _ = load_config(path, Path.cwd())
    used = path if path is not None else (
        Path.cwd() / CONFIG_FILE_NAME if (Path.cwd() / CONFIG_FILE_NAME).is_file() else None)
    return config, used


@app.command("analyze")
def analyze(
    inputs: Annotated[list[Path], typer.Argument(help="Video files and photos.")],
    out: Annotated[Path, typer.Option("--out", "-o", help="Output folder.", file_okay=False)] = (
        Path("out")
    ),
    fps: Annotated[
        float, typer.Option(help="Frames analysed per second (0: every frame).", min=0)
    ] = 15.0,
    video_height: Annotated[
        int, typer.Option(help="Max height of the annotated video, px (0: as input).", min=0)
    ] = 720,
    model: ModelOption = None,
    config: ConfigOption = None,
    roller_color: RollerColorOption = None,
) -> None:
    """Analyse recordings and photos: annotated video, frames.jsonl, summary.json, report.html."""
    from formcheck.evaluator.config import EvaluatorConfig
    from formcheck.frontends.analyze import AnalyzeOptions, analyze_input, output_dir_for

    cfg, cfg_path = load_config(config)
    assert isinstance(cfg, EvaluatorConfig)
    options = AnalyzeOptions(
        out_root=out, model=resolve_model(model), fps=fps or None,
        video_height=video_height or None, config=cfg, config_path=cfg_path,
        roller_color=roller_color,
    )
    taken: set[Path] = set()
    failures = 0
    for path in inputs:
        try:
            result = analyze_input(path, output_dir_for(path, out, taken), options)
        except FormcheckError as err:
            if len(inputs) == 1:
                raise
            print(f"formcheck: error: {err}", file=sys.stderr)
            failures += 1
            continue
        score = result.summary.get("score")
        say(f"{path.name}: score {score if score is not None else '-'} -> {result.out_dir}/")
    if failures:
        raise typer.Exit(1)


def _mount_stages() -> None:
    """Mount the sub-commands each stage keeps beside its code (imports stay light)."""
    from formcheck.evaluator.cli import app as config_app
    from formcheck.frontends.grade import grade_command
    from formcheck.frontends.history import history_command
    from formcheck.frontends.live import live_command
    from formcheck.roller.cli import roller_command
    from formcheck.scenes.cli import app as scenes_app

    app.command("live")(live_command)
    app.command("grade")(grade_command)
    app.command("history")(history_command)
    app.command("roller")(roller_command)
    app.add_typer(scenes_app, name="scenes")
    app.add_typer(config_app, name="config")


_mount_stages()


def main() -> None:
    """Console-script entry point: run the app, turning library errors and command-line
    mistakes (click's usage errors, which typer would show as a boxed panel) into one
    line."""
    try:
        code = app(standalone_mode=False)
    except FormcheckError as err:
        fail(err)
    except (typer.Abort, KeyboardInterrupt):  # click turns Ctrl-C at a prompt into Abort
        code = 130
    except typer.TyperException as err:  # click's UsageError, BadParameter, ...
        message = (err.format_message() if hasattr(err, "format_message") else str(err))
        message = message.rstrip(".")
        ctx = getattr(err, "ctx", None)
        hint = f"; see '{ctx.command_path} --help'" if ctx is not None else ""
        print(f"formcheck: error: {message}{hint}", file=sys.stderr)
        sys.exit(int(getattr(err, "exit_code", 2)))
    if code == 130:  # Ctrl-C: typer hands it back as exit code 130, silently
        print("formcheck: interrupted", file=sys.stderr)
    sys.exit(code if isinstance(code, int) else 0)
