"""The ``formcheck`` command line: glue only (parse, call the library, print).

One module per command (:mod:`.analyze`, :mod:`.live`, :mod:`.grade`, ...), the options
they share and the model and configuration look-ups in :mod:`.options`, the root app,
its mounting and :func:`main` (the one place errors are printed) in :mod:`.root`.
Commands import their library when they run, so ``formcheck --help`` imports nothing
heavy. Nothing below this package imports it.

This module imports nothing itself (``app`` and ``main`` are fetched on first use), so
importing a command module does not run the whole command line's mounting first.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from formcheck.cli.root import app

__all__ = ["app", "main"]


def main() -> None:
    """Console-script entry point (``formcheck``): see :func:`formcheck.cli.root.main`."""
    from formcheck.cli.root import main as run

    run()


def __getattr__(name: str) -> Any:
    if name == "app":
        from formcheck.cli.root import app as root

        return root
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
