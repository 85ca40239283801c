"""``formcheck config show``: the evaluator's effective configuration.

Glue only: parse, call :func:`~formcheck.evaluator.config.load_config`, print. A
:class:`~formcheck.errors.ConfigError` becomes one line and exit code 2 in
:func:`formcheck.cli.root.main`.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from formcheck.cli.options import CONFIG_HELP

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
            help=CONFIG_HELP,
        ),
    ] = None,
) -> None:
    """Print every setting's effective value and where it came from (default or file)."""
    from rich.console import Console
    from rich.table import Table

    from formcheck.evaluator.config import flatten, load_config

    cfg, sources = load_config(config, Path.cwd())
    table = Table(title="formcheck configuration", show_lines=False)
    table.add_column("setting")
    table.add_column("value", justify="right")
    table.add_column("source", overflow="fold")  # a path in full, folded
    for name, value in flatten(cfg).items():
        table.add_row(name, str(value), sources.get(name, "default"))
    Console(width=120).print(table)
