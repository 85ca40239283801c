"""``--help`` reads cleanly at 80 columns (docs/bad-inputs.md, 8b-8e): no ``<bool>``
beside a flag, no ``{inputs}`` braces, no line broken mid-sentence, and ``history``
says where its database lives."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest

from tests.cli.helpers import assert_one_clear_line, run_formcheck


def _help(*argv: str) -> str:
    env = dict(os.environ, COLUMNS="80", TERM="dumb")
    result = subprocess.run([sys.executable, "-m", "formcheck", *argv, "--help"],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 0, result.stderr
    return result.stdout


@pytest.mark.parametrize("argv", [(), ("analyze",), ("live",), ("grade",), ("roller",)])
def test_no_bool_metavar_and_no_braces(argv: tuple[str, ...]) -> None:
    text = _help(*argv)
    assert "<bool>" not in text
    assert "{" not in text and "}" not in text


def test_analyze_usage_names_its_inputs() -> None:
    assert "[OPTIONS] INPUTS..." in _help("analyze")


def test_command_descriptions_are_not_broken_mid_sentence() -> None:
    text = _help()
    rows = [ln.strip("│ ").rstrip() for ln in text.splitlines() if ln.startswith("│ ")]
    # a description's continuation line starts with a lower-case word; a line ending
    # without punctuation and followed by one only a few words long was a stray break
    history = " ".join(r for r in rows if "history" in r or "of time in good form" in r)
    assert "target, and the trend of time in good form" in " ".join(history.split())


def test_history_says_where_its_database_lives() -> None:
    text = " ".join(_help("history").split())
    assert "history.sqlite" in text and "$FORMCHECK_DATA_DIR" in text
    assert "~/.local/share/formcheck" in text


@pytest.mark.parametrize("group", [[], ["scenes"], ["models"], ["config"]])
def test_a_bare_group_shows_its_help_and_no_empty_error(group: list[str]) -> None:
    """``formcheck`` (or a command group) with nothing after it shows the help, as a
    usage error (exit 2), without an empty ``formcheck: error: ;`` line under it."""
    result = subprocess.run([sys.executable, "-m", "formcheck", *group], capture_output=True,
                            text=True, timeout=60)
    assert result.returncode == 2
    assert "Usage:" in result.stdout + result.stderr
    assert "error" not in result.stderr


def test_verbose_after_the_command_says_where_it_goes() -> None:
    result = run_formcheck("analyze", "--verbose", "x.mp4")
    assert_one_clear_line(result, "--verbose goes before the command: formcheck --verbose "
                                  "analyze ...")
    assert result.returncode == 2
