"""The command line as a user meets it: fast help, one clear line per mistake."""

from __future__ import annotations

import subprocess
import sys

import pytest

from tests.cli.helpers import assert_one_clear_line, run_formcheck

HELP_MODULES = (
    "import contextlib, io, sys\n"
    "sys.argv = ['formcheck', '--help']\n"
    "from formcheck.cli import main\n"
    "with contextlib.redirect_stdout(io.StringIO()), contextlib.suppress(SystemExit):\n"
    "    main()\n"
    "print(len(sys.modules)); print(' '.join(sorted(sys.modules)))\n"
)
HELP_MODULE_BUDGET = 400
"""Modules loaded by ``formcheck --help`` (378 when this was set, from 532 before the
command line became a package whose commands import their library when they run)."""


def test_help_imports_few_modules_and_nothing_heavy() -> None:
    # when: `formcheck --help` runs in a fresh interpreter
    out = subprocess.run([sys.executable, "-c", HELP_MODULES], capture_output=True,
                         text=True, check=True)
    count, names = out.stdout.splitlines()
    loaded = set(names.split())
    # then: a counted few modules, none of the heavy libraries or the stages
    assert int(count) <= HELP_MODULE_BUDGET, count
    heavy = {"mediapipe", "cv2", "av", "numpy", "pydantic", "formcheck.frontends.analyze",
             "formcheck.evaluator.evaluator", "formcheck.roller.detector"}
    assert not heavy & loaded


def test_version() -> None:
    result = run_formcheck("--version")
    assert result.returncode == 0 and result.stdout.startswith("formcheck ")


@pytest.mark.parametrize(
    ("args", "fragment"),
    [
        (("analyze", "videos/demo.mp4", "--fps", "-3"), "Invalid value for '--fps'"),
        (("analyze", "videos/demo.mp4", "--fps", "abc"), "Invalid value for '--fps'"),
        # not a rate: said as such (nan was told it should be at least 0)
        (("analyze", "videos/demo.mp4", "--fps", "nan"), "nan: give a number of frames"),
        # a choice: no "Value error," from the validator
        (("analyze", "videos/demo.mp4", "--model-variant", "huge"),
         "'--model-variant': 'huge' is not one of 'lite', 'full', 'heavy'"),
        (("analyze",), "Missing argument"),
        (("bogus",), "No such command 'bogus'"),
    ],
)
def test_command_line_mistakes_are_one_line_with_usage_exit_code(
    args: tuple[str, ...], fragment: str
) -> None:
    # when: a mistake click catches before any command runs
    result = run_formcheck(*args)
    # then: one line (not typer's boxed panel) pointing at the help, and exit code 2
    assert_one_clear_line(result, fragment)
    assert "--help'" in result.stderr
    assert result.returncode == 2


def test_the_package_gives_the_app_and_main() -> None:
    # given: every command module imported (as mounting does)
    import typer

    import formcheck.cli.root  # noqa: F401
    from formcheck.cli import app, main

    # then: the package's names are the app and the entry point, not modules
    assert isinstance(app, typer.Typer)
    assert callable(main) and main.__module__ == "formcheck.cli"
