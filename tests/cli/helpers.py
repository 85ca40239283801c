"""Running ``formcheck`` as a user does, in a fresh interpreter."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

FORMCHECK = [sys.executable, "-m", "formcheck"]


def run_formcheck(*args: str, cwd: Path | None = None,
                  env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    """``formcheck ARGS`` in a fresh interpreter, its output captured; ``env`` is added
    to this process's environment."""
    return subprocess.run(
        [*FORMCHECK, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False,
        env=None if env is None else {**os.environ, **env},
    )


def assert_one_clear_line(result: subprocess.CompletedProcess[str], fragment: str) -> None:
    """The run failed with one line on stderr, ``formcheck: error: ...``, naming
    ``fragment``, and no traceback."""
    assert result.returncode != 0
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: ") and fragment in lines[0]
