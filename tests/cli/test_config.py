"""``formcheck config show``."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from formcheck.cli.config import app
from tests.cli.helpers import run_formcheck

runner = CliRunner()


def test_show_prints_values_and_sources(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # given a config file with one value
    path = tmp_path / "mine.toml"
    path.write_text("[thresholds]\nspeed_max_cm_s = 10\n")
    monkeypatch.chdir(tmp_path)
    # when
    result = runner.invoke(app, ["show", "--config", str(path)], env={"COLUMNS": "80"})
    # then every setting is listed with its source, the file's path in full (folded
    # over lines when long, never cut short)
    assert result.exit_code == 0, result.output
    lines = result.output.splitlines()
    at = next(i for i, line in enumerate(lines) if "thresholds.speed_max_cm_s" in line)
    speed = lines[at]
    assert "10.0" in speed
    row = [speed]  # the row's own line, then its folded continuation lines
    for line in lines[at + 1:]:
        cells = line.split("│")
        if len(cells) != 5 or cells[1].strip():
            break
        row.append(line)
    source = "".join(line.split("│")[3].strip() for line in row)
    assert source.startswith(str(path)[:20]) and source.endswith("mine.toml"), source
    knee = next(line for line in lines if "thresholds.knee_straight_deg" in line)
    assert "140.0" in knee and "default" in knee
    assert any("cues.repeat_s" in line for line in lines)


def test_show_reports_a_bad_value_in_one_line(tmp_path: Path) -> None:
    # given an invalid value
    path = tmp_path / "bad.toml"
    path.write_text("[setup]\nmin_visibility = 2\n")
    # when
    result = run_formcheck("config", "show", "--config", str(path))
    # then exit code 2 and one line naming the field
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("formcheck: error: ")
    assert "setup.min_visibility" in lines[0]


def test_roller_detector_comes_from_the_file_and_the_option_wins(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from formcheck.cli.options import load_config
    from formcheck.frontends.pipeline import make_roller_tracker
    from formcheck.roller.detector import RollerDetector
    from formcheck.roller.learned import LearnedRollerDetector

    # given a settings file that asks for the rules detector (the default is learned)
    monkeypatch.chdir(tmp_path)
    (tmp_path / "formcheck.toml").write_text('[roller]\ndetector = "rules"\n')
    # when read alone, and with --roller-detector learned
    from_file, _ = load_config(None)
    overridden, _ = load_config(None, "learned")
    # then the file's choice holds until the option overrides it, and the pipeline builds it
    assert from_file.roller.detector == "rules" and overridden.roller.detector == "learned"
    assert isinstance(make_roller_tracker(None, from_file.roller.detector).detector,
                      RollerDetector)
    assert isinstance(make_roller_tracker(None, overridden.roller.detector).detector,
                      LearnedRollerDetector)
    # and a colour hint selects the detector that reads colour, with the hint
    hinted = make_roller_tracker("blue", "learned").detector
    assert isinstance(hinted, RollerDetector) and hinted.hint is not None


def test_a_colour_with_the_learned_detector_named_says_which_runs(
        capsys: pytest.CaptureFixture[str]) -> None:
    from formcheck.cli.options import note_colour_hint

    note_colour_hint("blue", "learned")
    assert "uses the rules detector" in capsys.readouterr().err
    for colour, detector in (("blue", None), ("blue", "rules"), (None, "learned")):
        note_colour_hint(colour, detector)
        assert capsys.readouterr().err == ""


@pytest.mark.parametrize(("command", "out"), [("landmarks", "x.jsonl"), ("roller", "x.mp4")])
def test_every_model_command_reads_the_settings_file(tmp_path: Path, command: str,
                                                     out: str) -> None:
    # given: a ./formcheck.toml whose [model] variant is not one there is
    (tmp_path / "formcheck.toml").write_text('[model]\nvariant = "bogus"\n')
    # when: a command that runs the model starts there
    result = run_formcheck(command, "photo.jpg", "--out", out, cwd=tmp_path)
    # then: it read the file (and says what is wrong in it) before anything else
    assert result.returncode == 2, result.stderr
    assert "formcheck.toml: model.variant" in result.stderr
