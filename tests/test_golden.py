"""The outputs of ``analyze``, ``live`` and ``grade`` are byte for byte those recorded
in ``tests/golden`` (normalised only for paths, dates and timings: see
:mod:`tests.golden.produce`)."""

from __future__ import annotations

import difflib
import hashlib
from pathlib import Path

import pytest

from tests.golden.produce import PRODUCERS, stored, stored_sha256

pytestmark = [pytest.mark.model, pytest.mark.slow]


def _diff(name: str, want: bytes, got: bytes) -> str:
    lines = difflib.unified_diff(
        want.decode(errors="replace").splitlines(), got.decode(errors="replace").splitlines(),
        f"golden/{name}", f"now/{name}", n=1, lineterm="")
    return "\n".join(list(lines)[:40])


@pytest.mark.parametrize("producer", sorted(PRODUCERS))
def test_outputs_match_golden(producer: str, model_path: Path, tmp_path: Path) -> None:
    # when
    outputs = PRODUCERS[producer](model_path, tmp_path)

    # then
    assert outputs
    for name, data in outputs.items():
        assert hashlib.sha256(data).hexdigest() == stored_sha256(name), \
            _diff(name, stored(name), data)
        assert data == stored(name)
