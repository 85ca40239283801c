"""Configuration: defaults, the TOML file, per-field errors and where values came from."""

from __future__ import annotations

from pathlib import Path

import pytest

from formcheck.errors import ConfigError
from formcheck.evaluator.config import EvaluatorConfig, flatten, load_config
from formcheck.evaluator.thresholds import DEFAULT_THRESHOLDS


def test_defaults_when_no_file(tmp_path: Path) -> None:
    # given a working directory without formcheck.toml
    # when
    config, sources = load_config(None, tmp_path)
    # then the defaults, all from "default", thresholds as shared with the renderer
    assert config == EvaluatorConfig()
    assert set(sources.values()) == {"default"}
    assert set(sources) == set(flatten(config))
    assert config.thresholds.knee_straight_deg == DEFAULT_THRESHOLDS.knee_straight_deg
    assert config.thresholds.fault_onset_s == DEFAULT_THRESHOLDS.fault_onset_s


def test_formcheck_toml_in_the_working_directory(tmp_path: Path) -> None:
    # given a formcheck.toml overriding two values
    path = tmp_path / "formcheck.toml"
    path.write_text("[thresholds]\nknee_straight_deg = 150\n\n[cues]\nrepeat_s = 12\n")
    # when
    config, sources = load_config(None, tmp_path)
    # then those two come from the file, the rest from the defaults
    assert config.thresholds.knee_straight_deg == 150
    assert config.cues.repeat_s == 12
    assert sources["thresholds.knee_straight_deg"] == str(path)
    assert sources["cues.repeat_s"] == str(path)
    assert sources["thresholds.foot_pitch_max_deg"] == "default"


def test_explicit_file_wins_over_the_working_directory(tmp_path: Path) -> None:
    # given both a formcheck.toml and another file
    (tmp_path / "formcheck.toml").write_text("[thresholds]\nknee_straight_deg = 150\n")
    other = tmp_path / "other.toml"
    other.write_text("[thresholds]\nknee_straight_deg = 160\n")
    # when
    config, sources = load_config(other, tmp_path)
    # then
    assert config.thresholds.knee_straight_deg == 160
    assert sources["thresholds.knee_straight_deg"] == str(other)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[thresholds]\nknee_straight_deg = -5\n", "thresholds.knee_straight_deg"),
        ("[thresholds]\nknee_straight_deg = 'straight'\n", "thresholds.knee_straight_deg"),
        ("[setup]\nmin_visibility = 1.5\n", "setup.min_visibility"),
        ("[cues]\nmin_dislpay_s = 2\n", "cues.min_dislpay_s: unknown setting"),
        ("[camera]\nindex = 0\n", "camera: unknown setting"),
        (
            "[thresholds]\nroller_neck_max = 0.5\nroller_lower_back_min = 0.4\n",
            "roller_neck_max must be below roller_lower_back_min",
        ),
        (
            "[setup]\nfault_max_azimuth_deg = 70\n",
            "fault_max_azimuth_deg must not exceed max_azimuth_deg or body_max_azimuth_deg",
        ),
        ("[thresholds\n", "not valid TOML"),
    ],
)
def test_invalid_values_name_the_field(tmp_path: Path, text: str, expected: str) -> None:
    # given a file with one bad value
    path = tmp_path / "bad.toml"
    path.write_text(text)
    # when
    with pytest.raises(ConfigError) as err:
        load_config(path, tmp_path)
    # then one line naming the file and the field
    message = str(err.value)
    assert expected in message
    assert str(path) in message
    assert "\n" not in message
    assert err.value.exit_code == 2


def test_missing_named_file(tmp_path: Path) -> None:
    # given a path that does not exist
    # when / then
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.toml", tmp_path)


def test_every_default_has_its_reason() -> None:
    # given the config module's source
    import inspect

    from formcheck.evaluator import config as module

    lines = inspect.getsource(module).splitlines()
    # when finding each field with a default value (a group of fields may share one
    # comment: walk up over the group to its comment)
    fields = [i for i, line in enumerate(lines) if "Field(" in line or line.endswith("= True")]

    def has_reason(i: int) -> bool:
        j = i - 1
        while j >= 0 and lines[j].strip() and not lines[j].lstrip().startswith("#"):
            if "Field(" not in lines[j]:
                return False
            j -= 1
        return j >= 0 and lines[j].lstrip().startswith("#")

    # then each has its reason, except plain on/off switches named for what they switch
    without = [lines[i].strip() for i in fields if not has_reason(i)]
    assert fields
    assert without == ["enabled: bool = True"]


def test_the_camera_limits_follow_the_camera_reading_unless_set() -> None:
    from formcheck.evaluator.config import (
        GEOMETRIC_FAULT_MAX_AZIMUTH_DEG,
        GEOMETRIC_MAX_AZIMUTH_DEG,
        SetupConfig,
    )

    # each camera reading has the fault hold and the set-up gate chosen for it; a value
    # the user sets wins
    assert SetupConfig().camera_reading == "learned"
    assert SetupConfig().fault_max_azimuth_deg == 30.0
    assert SetupConfig().max_azimuth_deg == 50.0
    geometric = SetupConfig(camera_reading="geometric")
    assert geometric.fault_max_azimuth_deg == GEOMETRIC_FAULT_MAX_AZIMUTH_DEG == 25.0
    assert geometric.max_azimuth_deg == GEOMETRIC_MAX_AZIMUTH_DEG == 45.0
    mine = SetupConfig(camera_reading="geometric", fault_max_azimuth_deg=40.0,
                       max_azimuth_deg=55.0)
    assert (mine.fault_max_azimuth_deg, mine.max_azimuth_deg) == (40.0, 55.0)
    # one set, the other still follows the reading
    half = SetupConfig(camera_reading="geometric", max_azimuth_deg=55.0)
    assert (half.fault_max_azimuth_deg, half.max_azimuth_deg) == (25.0, 55.0)
    assert SetupConfig(fault_max_azimuth_deg=20.0).fault_max_azimuth_deg == 20.0
    assert SetupConfig(max_azimuth_deg=40.0).max_azimuth_deg == 40.0
