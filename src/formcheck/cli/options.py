"""What several commands share: their common options, and the model and configuration
look-ups behind ``--model`` and ``--config``."""

from __future__ import annotations

import math
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from formcheck.frontends.choices import DEFAULT_FPS, DEFAULT_VARIANTS
from formcheck.model.bundle import Variant
from formcheck.ui import say

if TYPE_CHECKING:
    from formcheck.evaluator.config import EvaluatorConfig
    from formcheck.model.bundle import FetchResult

__all__ = [
    "DEFAULT_FPS",
    "ConfigOption",
    "FpsOption",
    "ModelOption",
    "ModelVariantOption",
    "RollerColorOption",
    "RollerDetectorOption",
    "fetch_model",
    "load_config",
    "note_colour_hint",
    "resolve_model",
]

CONFIG_HELP = "Settings file (TOML); default: ./formcheck.toml if present."

ModelOption = Annotated[
    Path | None,
    typer.Option("--model", help="Pose model bundle (.task); default: $FORMCHECK_MODEL, "
                 "models/, cache.", dir_okay=False),
]
ModelVariantOption = Annotated[
    Variant | None,
    typer.Option("--model-variant", help="Pose model variant: lite, full or heavy; default: "
                 "the settings' model.variant, else this command's own (README).",
                 show_default=False),
]
ConfigOption = Annotated[
    Path | None, typer.Option("--config", help=CONFIG_HELP, dir_okay=False),
]
ForceOption = Annotated[
    bool, typer.Option("--force", help="Replace a file at --out that formcheck did not write."),
]
RollerColorOption = Annotated[
    str | None,
    typer.Option("--roller-color", help="Roller colour hint: a name (blue), #rrggbb or r,g,b "
                 "(read by the rules detector, which a hint selects)."),
]
RollerDetectorOption = Annotated[
    str | None,
    typer.Option("--roller-detector", metavar="[rules|learned]",
                 help="Roller detector: rules or learned; default: "
                 "the settings' roller.detector (learned; rules with a colour hint).",
                 show_default=False),
]
MIN_FPS = 2.0  # fewer frames a second than this and a 0.5 s fault onset spans no frame pair


def _check_fps(fps: float) -> float:
    if fps < 0 or not math.isfinite(fps):
        raise typer.BadParameter(f"{fps:g}: give a number of frames a second, at least "
                                 f"{MIN_FPS:g}, or 0 for every frame")
    if 0 < fps < MIN_FPS:
        raise typer.BadParameter(f"{fps:g}: the checks that need time (a fault must last "
                                 f"0.5 s, a speed 1 s) need at least {MIN_FPS:g} frames a "
                                 "second; use 0 for every frame")
    return fps


FpsOption = Annotated[
    float, typer.Option("--fps", help="Frames analysed per second (0: every frame; else at "
                        f"least {MIN_FPS:g}).", callback=_check_fps),
]


def resolve_model(
    explicit: Path | None, variant: Variant | None = None, *, command: str = "analyze",
    config: EvaluatorConfig | None = None, load: bool = False,
) -> Path:
    """The pose bundle to use, in this order: ``explicit`` (``--model``), the ``variant``
    named (``--model-variant``), ``$FORMCHECK_MODEL``, the settings' ``model.variant``,
    the ``command``'s own default variant (:data:`DEFAULT_VARIANTS`); fetches the
    variant first (saying so) when its bundle is not on disk.

    The bundle found is checked before any work starts (a few ms, without MediaPipe),
    so that a file that is no bundle stops the command with one line naming the remedy.
    ``load`` also loads it and runs it once on a blank frame (1-2 s, MediaPipe
    imported): for a batch, where each clip would otherwise find out on its own.

    Raises:
        ModelError: ``explicit`` does not exist, none is found and fetching fails, or
            the one found cannot be used (a :class:`~formcheck.pose.landmarker.BundleError`).
    """
    from formcheck.model import bundle
    from formcheck.pose.landmarker import check_bundle, verify_bundle

    found, chosen = bundle.lookup(explicit, variant, default_variant(command, config))
    if found is None:
        say(f"No {chosen.value} pose model found; fetching it first (once).")
        return fetch_model(chosen, None, False).path  # verified as it was fetched
    check_bundle(found)
    if load:
        verify_bundle(found)
    return found


def default_variant(command: str, config: EvaluatorConfig | None) -> Variant:
    """The variant ``command`` runs when none is named: the settings' ``model.variant``
    unless it is "default", else the command's own."""
    named = None if config is None else config.model.variant
    if named is not None and named != "default":
        return Variant(named)
    return Variant(DEFAULT_VARIANTS.get(command, "full"))


def fetch_model(variant: Variant, sha256: str | None, force: bool) -> FetchResult:
    """Fetch a bundle (checked by loading it), reporting progress on stderr."""
    from formcheck.model import bundle
    from formcheck.pose.landmarker import verify_fetched

    return bundle.fetch(variant, sha256=sha256, force=force, progress=say, verify=verify_fetched)


def note_colour_hint(roller_color: str | None, roller_detector: str | None) -> None:
    """One line on stderr when ``--roller-color`` and ``--roller-detector learned`` are
    both given: the hint selects the rules detector (the network reads no colour)."""
    if roller_color and roller_detector == "learned":
        typer.echo("formcheck: note: --roller-color uses the rules detector (the learned "
                   "one reads no colour); leave the colour out to use the learned one",
                   err=True)


def load_config(path: Path | None, roller_detector: str | None = None
                ) -> tuple[EvaluatorConfig, Path | None]:
    """The evaluator configuration and the file it came from (None: the defaults).

    Args:
        path: ``--config`` (None: ``./formcheck.toml`` when present).
        roller_detector: ``--roller-detector``, which overrides the file's
            ``roller.detector`` (None: keep it).

    Raises:
        ConfigError: the file is unreadable or holds an invalid value.
        UsageError: ``roller_detector`` names no detector.
    """
    from formcheck.evaluator.config import CONFIG_FILE_NAME
    from formcheck.evaluator.config import load_config as load

    config, _ = load(path, Path.cwd())
    if roller_detector is not None:
        config = with_roller_detector(config, roller_detector)
    default = Path.cwd() / CONFIG_FILE_NAME
    used = path if path is not None else (default if default.is_file() else None)
    return config, used


ROLLER_DETECTORS = ("rules", "learned")


def with_roller_detector(config: EvaluatorConfig, name: str) -> EvaluatorConfig:
    """``config`` with ``roller.detector`` set to ``name``.

    Raises:
        UsageError: ``name`` is not one of ``ROLLER_DETECTORS``.
    """
    from formcheck.errors import UsageError

    if name not in ROLLER_DETECTORS:
        raise UsageError(f"--roller-detector {name!r}: use one of {', '.join(ROLLER_DETECTORS)}")
    roller = config.roller.model_copy(update={"detector": name})
    return config.model_copy(update={"roller": roller})
