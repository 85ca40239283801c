"""Variant selection, and the offline build's digest checks on small fake archives."""

from __future__ import annotations

import dataclasses
import hashlib
import io
import json
import shutil
import tarfile
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest

from formcheck.errors import ModelError
from formcheck.model import bundle
from formcheck.model.bundle import Archive, LegacyModel, Route, Variant
from tests.model.test_tflite_metadata import _tiny_model

_DET_MEMBER = "mediapipe/modules/pose_detection/pose_detection.tflite"
_LITE_MEMBER = "package/pose_landmark_lite.tflite"


def _sha(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def _tarball(path: Path, members: dict[str, bytes]) -> Path:
    with tarfile.open(path, "w:gz") as tf:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            tf.addfile(info, io.BytesIO(data))
    return path


class FakeRegistry:
    """A fake wheel and npm tarball, with the pins pointing at them."""

    def __init__(self, tmp: Path, monkeypatch: pytest.MonkeyPatch) -> None:
        self.tmp = tmp
        self.monkeypatch = monkeypatch
        self.detector = _tiny_model(["detector"])
        self.lite = _tiny_model(["lite"])
        self.wheel = tmp / "mediapipe-0.10.21-fake.whl"
        with zipfile.ZipFile(self.wheel, "w") as zf:
            zf.writestr(_DET_MEMBER, self.detector)
        self.wheel_fetches = 0

        def fake_wheel(work: Path, progress: Callable[[str], None] | None) -> Path:
            self.wheel_fetches += 1
            return Path(shutil.copy(self.wheel, work / self.wheel.name))

        monkeypatch.setattr(bundle, "_download_wheel", fake_wheel)
        monkeypatch.setattr(bundle, "_DETECTOR", LegacyModel(
            bundle.WHEEL, _DET_MEMBER, _sha(self.detector)))
        self.serve(_tarball(tmp / "pose.tgz", {_LITE_MEMBER: self.lite}))

    def serve(self, tarball: Path, pinned: bytes | None = None) -> None:
        """Serve ``tarball`` as the npm package, pinned to ``pinned``'s digest (default:
        its own), with the lite model pinned to the genuine one."""
        digest = _sha(pinned if pinned is not None else tarball.read_bytes())
        npm = Archive("@mediapipe/pose test tarball", tarball.as_uri(), digest)
        self.monkeypatch.setitem(
            bundle._LANDMARK_MODELS, "lite", LegacyModel(npm, _LITE_MEMBER, _sha(self.lite)))

    def pin_built(self, digest: str) -> None:
        info = dataclasses.replace(bundle.VARIANTS[Variant.LITE], built_sha256=digest)
        self.monkeypatch.setitem(bundle.VARIANTS, Variant.LITE, info)


@pytest.fixture
def registry(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> FakeRegistry:
    (tmp_path / "registry").mkdir()
    return FakeRegistry(tmp_path / "registry", monkeypatch)


def test_lite_and_heavy_come_from_the_npm_package_and_full_from_the_wheel() -> None:
    models = {v: bundle._legacy_models(v) for v in Variant}
    # the person detector is the same in all three
    assert len({m["pose_detector.tflite"] for m in models.values()}) == 1
    landmarks = {v: m["pose_landmarks_detector.tflite"] for v, m in models.items()}
    assert landmarks[Variant.FULL].archive is bundle.WHEEL
    assert landmarks[Variant.LITE].archive is bundle.NPM
    assert landmarks[Variant.HEAVY].member.endswith("pose_landmark_heavy.tflite")
    heavy_url = landmarks[Variant.HEAVY].archive.url
    assert heavy_url is not None
    assert heavy_url.startswith("https://registry.npmjs.org/")
    # every variant's build is pinned, each to a different digest
    assert len({bundle.VARIANTS[v].built_sha256 for v in Variant}) == 3


def test_build_stores_atomically_records_its_route_and_a_second_fetch_is_instant(
    tmp_path: Path, registry: FakeRegistry
) -> None:
    # given: the digest the fake build makes, pinned
    store = tmp_path / "models"
    first = bundle.build_offline(Variant.LITE, store)
    registry.pin_built(bundle.sha256_of(first))
    first.unlink()
    verified: list[Path] = []
    # when
    result = bundle.fetch(Variant.LITE, dest_dir=store, offline_build=True,
                          verify=verified.append)
    again = bundle.fetch(Variant.LITE, dest_dir=store, offline_build=True)
    # then
    assert result.route is Route.BUILT_NPM and not result.already_present
    assert verified and verified[0].parent == store and verified[0] != result.path
    assert sorted(p.name for p in store.iterdir()) == [
        "pose_landmarker_lite.task", "pose_landmarker_lite.task.json"]
    assert json.loads((store / "pose_landmarker_lite.task.json").read_text())["route"] == (
        "built-from-npm")
    with zipfile.ZipFile(result.path) as zf:
        assert zf.namelist() == ["pose_detector.tflite", "pose_landmarks_detector.tflite"]
        assert zf.read("pose_landmarks_detector.tflite").endswith(registry.lite)
    assert again.already_present and again.route is Route.BUILT_NPM
    assert registry.wheel_fetches == 2  # the pin-finding build and the fetch; not again


def _fetch_error(store: Path) -> str:
    with pytest.raises(ModelError) as err:
        bundle.fetch(Variant.LITE, dest_dir=store, offline_build=True)
    message = str(err.value)
    assert "\\n" not in message and "--model PATH" in message
    assert not store.exists() or list(store.iterdir()) == [], "nothing may be stored"
    return message


def test_a_tampered_tarball_fails_its_digest_check(
    tmp_path: Path, registry: FakeRegistry
) -> None:
    # given: the tarball the registry serves is not the one pinned
    genuine = registry.tmp / "pose.tgz"
    altered = registry.tmp / "altered.tgz"
    altered.write_bytes(genuine.read_bytes() + b"\\0")
    registry.serve(altered, pinned=genuine.read_bytes())
    # when / then
    message = _fetch_error(tmp_path / "models")
    assert "@mediapipe/pose test tarball has sha256" in message
    assert f"not the pinned {_sha(genuine.read_bytes())}" in message


def test_a_tampered_model_in_the_tarball_fails_its_digest_check(
    tmp_path: Path, registry: FakeRegistry
) -> None:
    # given: a tarball (whose own digest checks out) holding another lite model
    registry.serve(_tarball(registry.tmp / "other.tgz", {_LITE_MEMBER: _tiny_model(["x"])}))
    # when / then
    message = _fetch_error(tmp_path / "models")
    assert f"{_LITE_MEMBER} in the @mediapipe/pose test tarball has sha256" in message


def test_a_tarball_without_the_model_says_so(tmp_path: Path, registry: FakeRegistry) -> None:
    registry.serve(_tarball(registry.tmp / "empty.tgz", {"package/README.md": b"hi"}))
    assert f"lacks {_LITE_MEMBER}" in _fetch_error(tmp_path / "models")


def test_a_build_that_differs_from_the_pinned_digest_is_not_stored(
    tmp_path: Path, registry: FakeRegistry
) -> None:
    registry.pin_built("0" * 64)
    assert "the built lite bundle has sha256" in _fetch_error(tmp_path / "models")


def test_an_unreachable_registry_is_one_line(
    tmp_path: Path, registry: FakeRegistry
) -> None:
    registry.serve(registry.tmp / "missing.tgz", pinned=b"")
    assert "cannot reach" in _fetch_error(tmp_path / "models")


@pytest.fixture
def stores(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> tuple[Path, Path]:
    repo, cache = tmp_path / "repo-models", tmp_path / "cache"
    repo.mkdir()
    cache.mkdir()
    monkeypatch.setattr(bundle, "repo_models_dir", lambda: repo)
    monkeypatch.setattr(bundle, "cache_models_dir", lambda: cache)
    monkeypatch.delenv(bundle.ENV_VAR, raising=False)
    return repo, cache


def test_each_variant_is_found_under_its_own_name(stores: tuple[Path, Path]) -> None:
    # given: lite in the checkout, heavy in the cache, no full anywhere
    repo, cache = stores
    (repo / "pose_landmarker_lite.task").write_bytes(b"l")
    (cache / "pose_landmarker_heavy.task").write_bytes(b"h")
    # then
    assert bundle.find(variant=Variant.LITE) == repo / "pose_landmarker_lite.task"
    assert bundle.find(variant=Variant.HEAVY) == cache / "pose_landmarker_heavy.task"
    assert bundle.find(variant=Variant.FULL) is None


def test_a_named_variant_passes_over_the_environment_variable(
    stores: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given
    repo, _ = stores
    (repo / "pose_landmarker_heavy.task").write_bytes(b"h")
    mine = tmp_path / "mine.task"
    mine.write_bytes(b"m")
    monkeypatch.setenv(bundle.ENV_VAR, str(mine))
    # then: the variable wins the default look-up, a variant asked for by name does not
    assert bundle.find(variant=Variant.HEAVY) == mine
    assert bundle.find(variant=Variant.HEAVY, use_env=False) == (
        repo / "pose_landmarker_heavy.task")


def test_status_reports_presence_and_route(stores: tuple[Path, Path]) -> None:
    # given
    repo, _ = stores
    lite = repo / "pose_landmarker_lite.task"
    lite.write_bytes(b"l")
    lite.with_suffix(".task.json").write_text(json.dumps({"route": "built-from-npm"}))
    (repo / "pose_landmarker_full.task").write_bytes(b"f")
    # when
    status = {s.variant: s for s in bundle.variant_status()}
    # then
    assert status[Variant.LITE].path == lite and status[Variant.LITE].route is Route.BUILT_NPM
    assert status[Variant.FULL].route is Route.USER  # no record: put there by hand
    assert status[Variant.HEAVY].path is None and status[Variant.HEAVY].route is None


def test_lookup_order_path_then_named_variant_then_variable_then_default(
    stores: tuple[Path, Path], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: every variant in the checkout, and a bundle named by the variable
    repo, _ = stores
    for v in Variant:
        (repo / bundle.bundle_name(v)).write_bytes(v.value.encode())
    mine = tmp_path / "mine.task"
    mine.write_bytes(b"m")
    monkeypatch.setenv(bundle.ENV_VAR, str(mine))
    # then
    assert bundle.lookup(mine, None, Variant.LITE) == (mine, Variant.LITE)
    assert bundle.lookup(None, Variant.HEAVY, Variant.LITE) == (
        repo / "pose_landmarker_heavy.task", Variant.HEAVY)
    assert bundle.lookup(None, None, Variant.LITE) == (mine, Variant.LITE)
    monkeypatch.delenv(bundle.ENV_VAR)
    assert bundle.lookup(None, None, Variant.LITE) == (
        repo / "pose_landmarker_lite.task", Variant.LITE)


def test_lookup_says_which_variant_to_fetch_when_none_is_there(
    stores: tuple[Path, Path]
) -> None:
    assert bundle.lookup(None, Variant.HEAVY, Variant.FULL) == (None, Variant.HEAVY)
    assert bundle.lookup(None, None, Variant.LITE) == (None, Variant.LITE)
