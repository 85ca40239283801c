"""``formcheck models fetch|path|list``: find, fetch and list the pose model bundle."""

from __future__ import annotations

from typing import Annotated

import typer

from formcheck.cli.options import ModelOption, fetch_model
from formcheck.errors import ModelError
from formcheck.model.bundle import Variant
from formcheck.ui import say

app = typer.Typer(help="Find, fetch and list the pose model bundle.", no_args_is_help=True)

VariantOption = Annotated[Variant, typer.Option(help="Model variant.")]


@app.command("fetch")
def fetch(
    variant: VariantOption = Variant.FULL,
    sha256: Annotated[
        str | None,
        typer.Option(help="Expected sha256 of the official bundle (needed for lite/heavy)."),
    ] = None,
    force: Annotated[bool, typer.Option(help="Fetch again even if present.")] = False,
) -> None:
    """Fetch the pose model bundle: the official one, or built offline from the registry."""
    from formcheck.pose.landmarker import check_bundle

    result = fetch_model(variant, sha256, force)
    if result.already_present:
        check_bundle(result.path)  # present is not enough: a broken one says --force
        say(f"Already present ({result.route.value}): {result.path}")
    else:
        say(f"Stored ({result.route.value}, sha256 {result.sha256[:12]}…): {result.path}")
    typer.echo(str(result.path))


@app.command("path")
def path(model: ModelOption = None, variant: VariantOption = Variant.FULL) -> None:
    """Print the path of the bundle that commands will use (exit 1 if there is none)."""
    from formcheck.model import bundle

    found = bundle.find(model, variant)
    if found is None:
        raise ModelError("no pose model bundle found; run: formcheck models fetch")
    typer.echo(str(found))


@app.command("list")
def list_variants() -> None:
    """List the variants and every place a bundle is looked for."""
    from formcheck.model import bundle

    for variant in Variant:
        info = bundle.VARIANTS[variant]
        pinned = "sha256 pinned" if info.official_sha256 else "needs --sha256"
        offline = ", offline build" if info.built_sha256 else ""
        typer.echo(f"{variant.value:6s} {pinned}{offline}")
        for where, found in bundle.candidates(variant):
            state = "found" if found.is_file() else "-"
            typer.echo(f"    {state:6s} {where}: {found}")
