"""``formcheck models fetch|path|list``: find, fetch and list the pose model bundle."""

from __future__ import annotations

from typing import Annotated

import typer

from formcheck.cli.options import ModelOption, fetch_model
from formcheck.errors import ModelError, UsageError
from formcheck.model.bundle import Variant
from formcheck.ui import say

app = typer.Typer(help="Find, fetch and list the pose model bundle.", no_args_is_help=True)

# --model-variant too: the name every command that runs the model takes
VariantOption = Annotated[Variant, typer.Option("--variant", "--model-variant",
                                                help="Model variant.")]


@app.command("fetch")
def fetch(
    variant: VariantOption = Variant.FULL,
    sha256: Annotated[
        str | None,
        typer.Option(help="Expected sha256 of the official bundle (needed for lite/heavy)."),
    ] = None,
    force: Annotated[bool, typer.Option("--force", help="Fetch again even if present.")] = False,
) -> None:
    """Fetch the pose model bundle: the official one, or built offline from the registry."""
    import re

    from formcheck.pose.landmarker import check_bundle

    if sha256 is not None:
        if not re.fullmatch(r"[0-9a-fA-F]{64}", sha256):
            raise UsageError(f"--sha256 {sha256!r}: give the 64 hex digits of the digest")
        sha256 = sha256.lower()
    result = fetch_model(variant, sha256, force)
    if result.already_present and sha256 is not None and result.sha256 != sha256:
        raise ModelError(f"the {variant.value} bundle present ({result.path}) has sha256 "
                         f"{result.sha256[:12]}…, not the one given; fetch it again with "
                         "--force")
    if result.already_present:
        check_bundle(result.path)  # present is not enough: a broken one says --force
        say(f"Already present ({result.route.value}): {result.path}")
    else:
        say(f"Stored ({result.route.value}, sha256 {result.sha256[:12]}…): {result.path}")
    typer.echo(str(result.path))


@app.command("path")
def path(model: ModelOption = None, variant: VariantOption = Variant.FULL) -> None:
    """Print the path of the bundle that commands will use (exit 1 if there is none, or
    if the one found is no usable bundle)."""
    from formcheck.model import bundle
    from formcheck.pose.landmarker import check_bundle

    found = bundle.find(model, variant)
    if found is None:
        fetch = "formcheck models fetch" + ("" if variant is Variant.FULL
                                            else f" --variant {variant.value}")
        raise ModelError(f"no pose model bundle found; run: {fetch}")
    check_bundle(found)  # a path the commands would fail on is no answer
    typer.echo(str(found))


@app.command("list")
def list_variants() -> None:
    """List the variants: which are present, how each was obtained, where they are looked
    for, and which one each command runs by default."""
    from formcheck.frontends.choices import DEFAULT_VARIANTS
    from formcheck.model import bundle

    for status in bundle.variant_status():
        variant = status.variant
        info = bundle.VARIANTS[variant]
        users = [c for c, v in DEFAULT_VARIANTS.items() if v == variant.value]
        default = f"  default of: {', '.join(users)}" if users else ""
        if status.path is None:
            state = f"absent (formcheck models fetch --variant {variant.value})"
        else:
            route = status.route.value if status.route else "user"
            state = f"present, {route}: {status.path}"
        typer.echo(f"{variant.value:6s} {state}{default}")
        official = ("official sha256 pinned" if info.official_sha256
                    else "official bundle needs --sha256")
        typer.echo(f"    {official}; offline build pinned (sha256 {info.built_sha256[:12]}…)")
        for where, found in bundle.candidates(variant):
            mark = "found" if found.is_file() else "-"
            typer.echo(f"    {mark:6s} {where}: {found}")
