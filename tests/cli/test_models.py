"""``formcheck models``."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.cli.helpers import assert_one_clear_line, run_formcheck


def test_missing_model_path_is_one_line(tmp_path: Path) -> None:
    result = run_formcheck("models", "path", "--model", str(tmp_path / "none.task"))
    assert_one_clear_line(result, "model bundle not found")


@pytest.mark.model
def test_models_path_prints_an_existing_bundle(model_path: Path) -> None:
    result = run_formcheck("models", "path")
    assert result.returncode == 0
    assert Path(result.stdout.strip()).is_file()


def test_models_path_refuses_a_broken_bundle_named_by_the_variable(tmp_path: Path) -> None:
    broken = tmp_path / "broken.task"
    broken.write_text("not a zip")
    result = run_formcheck("models", "path", env={"FORMCHECK_MODEL": str(broken)})
    assert_one_clear_line(result, "not a model bundle")
    assert "FORMCHECK_MODEL" in result.stderr
