"""Shared fixtures: the real model bundle and the shared footage folder."""

from __future__ import annotations

from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FOOTAGE = REPO.parent / "shared" / "footage"


@pytest.fixture(scope="session")
def footage() -> Path:
    """``../shared/footage``; tests that need it are skipped where it is absent."""
    if not (FOOTAGE / "labels.csv").is_file():
        pytest.skip(f"shared footage not found at {FOOTAGE} (it sits beside the repository)")
    return FOOTAGE


@pytest.fixture(scope="session")
def model_path() -> Path:
    """The real pose bundle: found in lookup order, or fetched once (as a user would)."""
    from formcheck.model import bundle
    from formcheck.pose.landmarker import verify_bundle

    found = bundle.find()
    if found is not None:
        return found
    return bundle.fetch(verify=verify_bundle).path
