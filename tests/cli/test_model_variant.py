"""``--model-variant`` and the settings' ``model.variant``: which bundle a command runs.

The bundles are copies of the real one under each variant's name in a private user
cache (the checkout's ``models/`` holds only the full bundle, and a test must not
fetch 40 MB), so the runs are real; ``summary.json`` says which file was used.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest

from formcheck.evaluator.config import EvaluatorConfig, ModelConfig
from formcheck.frontends.choices import DEFAULT_VARIANTS
from formcheck.model.bundle import Variant

REPO = Path(__file__).resolve().parents[2]
PHOTO = REPO / "data" / "scenes3d" / "eval-still-008-good.jpg"


def test_the_settings_variant_comes_before_the_commands_own() -> None:
    from formcheck.cli.options import default_variant

    assert default_variant("live", None) is Variant(DEFAULT_VARIANTS["live"])
    assert default_variant("live", EvaluatorConfig()) is Variant(DEFAULT_VARIANTS["live"])
    heavy = EvaluatorConfig(model=ModelConfig(variant="heavy"))
    assert default_variant("live", heavy) is Variant.HEAVY
    assert default_variant("grade", heavy) is Variant.HEAVY


def test_every_command_that_runs_the_model_takes_the_option() -> None:
    from typer.main import get_command

    from formcheck.cli.root import app

    root = get_command(app)
    for name in ("analyze", "live", "grade", "roller", "landmarks"):
        params = {p.name for p in root.commands[name].params}  # type: ignore[attr-defined]
        assert "model_variant" in params, name
    # and the models commands name it the same way (their --variant still works)
    models = root.commands["models"].commands  # type: ignore[attr-defined]
    for name in ("path", "fetch"):
        flags = {o for p in models[name].params for o in p.opts}
        assert {"--model-variant", "--variant"} <= flags, name
    assert "--no-force" not in {o for p in models["fetch"].params for o in p.secondary_opts}


def _analyze(tmp_path: Path, *args: str, cwd: Path | None = None) -> dict[str, Any]:
    env = {**os.environ, "XDG_CACHE_HOME": str(tmp_path / "cache")}
    env.pop("FORMCHECK_MODEL", None)
    out = tmp_path / "out"
    proc = subprocess.run(
        [sys.executable, "-m", "formcheck", "analyze", str(PHOTO), "--out", str(out), *args],
        capture_output=True, text=True, env=env, cwd=cwd or tmp_path, timeout=300,
        check=False)
    assert proc.returncode == 0, proc.stderr
    summary: dict[str, Any] = json.loads((out / PHOTO.stem / "summary.json").read_text())
    shutil.rmtree(out)
    return summary


@pytest.mark.model
def test_a_named_variant_and_a_configured_one_pick_their_bundles(
        tmp_path: Path, model_path: Path) -> None:
    # given: bundles under the lite and heavy names in the user cache
    store = tmp_path / "cache" / "formcheck" / "models"
    store.mkdir(parents=True)
    for v in ("lite", "heavy"):
        shutil.copy(model_path, store / f"pose_landmarker_{v}.task")
    # when / then: --model-variant names the bundle
    used = _analyze(tmp_path, "--model-variant", "heavy")["analysis"]
    assert str(used["model"]).endswith("pose_landmarker_heavy.task")
    # the settings' model.variant, when no option names one
    (tmp_path / "formcheck.toml").write_text('[model]\nvariant = "lite"\n')
    used = _analyze(tmp_path)["analysis"]
    assert str(used["model"]).endswith("pose_landmarker_lite.task")
    # and the option over the settings
    used = _analyze(tmp_path, "--model-variant", "heavy")["analysis"]
    assert str(used["model"]).endswith("pose_landmarker_heavy.task")


def test_an_unknown_variant_in_the_settings_is_one_line(tmp_path: Path) -> None:
    from tests.cli.helpers import assert_one_clear_line, run_formcheck

    cfg = tmp_path / "f.toml"
    cfg.write_text('[model]\nvariant = "huge"\n')
    result = run_formcheck("config", "show", "--config", str(cfg))
    assert_one_clear_line(result, "model.variant")
