"""Running ``formcheck`` as a user does, in a fresh interpreter."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

FORMCHECK = [sys.executable, "-m", "formcheck"]


def run_formcheck(*args: str, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    """``formcheck ARGS`` in a fresh interpreter, its output captured."""
    return subprocess.run(
        [*FORMCHECK, *args], capture_output=True, text=True, cwd=cwd, timeout=300, check=False
    )
