"""Record the golden files again: ``python -m tests.golden.record [analyze|live|grade]``.

Only on purpose: ``tests/test_golden.py`` exists to show a change left them alone.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from tests.golden.produce import PRODUCERS, write


def main(names: list[str]) -> None:
    """Produce and store the outputs of the named producers (default: all)."""
    from formcheck.model import bundle

    model = bundle.find()
    if model is None:
        sys.exit("no pose model; run: formcheck models fetch")
    for name in names or list(PRODUCERS):
        with tempfile.TemporaryDirectory() as work:
            outputs = PRODUCERS[name](model, Path(work))
        write(outputs)
        for key, data in outputs.items():
            print(f"{key}: {len(data)} bytes")


if __name__ == "__main__":
    main(sys.argv[1:])
