"""``formcheck config``: show the evaluator's effective configuration.

Glue only: parse, call :func:`load_config`, print. The lead mounts ``app`` as
``formcheck config``. :class:`ConfigError` becomes one line on stderr and exit code 2.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer
from rich.console import Console
from rich.table import Table

from formcheck.errors import FormcheckError
from formcheck.ui import fail

app = typer.Typer(help="Show the evaluator's configuration.", no_args_is_help=True)


@app.callback()
def _main() -> None:
    """Configuration of the posture checks (formcheck.toml)."""


@app.command("show")
def show(
    config: Annotated[
        Path | None,
        typer.Option(
            "--config",
            "-c",
            dir_okay=False,
            help="TOML file (default: ./formcheck.toml when present).",
        ),
    ] = None,
) -> None:
    """Print every setting's effective value and where it came from (default or file)."""
    # Imported here so that mounting this app keeps `formcheck --help` instant.
    from formcheck.evaluator.config import flatten, load_config

    try:
        cfg, sources = load_config(config, Path.cwd())
    except FormcheckError as err:
        fail(err)  # this sub-app also runs on its own (tests), outside formcheck.cli.main
    table = Table(title="formcheck configuration", show_lines=False)
    table.add_column("setting")
    table.add_column("value", justify="right")
    table.add_column("source", overflow="fold")  # a path in full, folded
    for name, value in flatten(cfg).items():
        table.add_row(name, str(value), sources.get(name, "default"))
    Console(width=120).print(table)
