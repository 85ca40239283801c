"""The pose model bundle (``.task``): where it is looked up, and how it is fetched.

Lookup order (first hit wins):

1. an explicit path (``--model PATH`` on any command);
2. the ``FORMCHECK_MODEL`` environment variable;
3. ``models/`` in the repository checkout (when formcheck runs from one);
4. the user cache directory (``platformdirs.user_cache_dir("formcheck")/models``).

``fetch`` first tries the official MediaPipe bundle (sha256 checked, written
atomically). Where that host cannot be reached, it builds the ``full`` bundle from
the legacy models inside the ``mediapipe==0.10.21`` wheel on the package registry:
each model's sha256 is checked, its input metadata is added
(:mod:`formcheck.model.tflite_metadata`), and both are zipped uncompressed. That build
is deterministic, so its result is pinned by hash as well. Nothing here imports
mediapipe; the caller verifies a fresh bundle by loading it once.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import urllib.error
import urllib.request
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path

from formcheck.errors import ModelError
from formcheck.model.tflite_metadata import add_metadata, image_input_metadata

ENV_VAR = "FORMCHECK_MODEL"
_OFFICIAL = (
    "https://storage.googleapis.com/mediapipe-models/pose_landmarker/"
    "pose_landmarker_{v}/float16/1/pose_landmarker_{v}.task"
)
LEGACY_WHEEL = "mediapipe==0.10.21"
# The two legacy models inside that wheel, with the sha256 they must have.
_LEGACY_MODELS = {
    "pose_detector.tflite": (
        "mediapipe/modules/pose_detection/pose_detection.tflite",
        "9ba9dd3d42efaaba86b4ff0122b06f29c4122e756b329d89dca1e297fd8f866c",
    ),
    "pose_landmarks_detector.tflite": (
        "mediapipe/modules/pose_landmark/pose_landmark_full.tflite",
        "e9a5c5cb17f736fafd4c2ec1da3b3d331d6edbe8a0d32395855aeb2cdfd64b9f",
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
    BUILT = "built-from-wheel"
    USER = "user"


@dataclass(frozen=True)
class VariantInfo:
    """What is known of a variant: its official URL and the digests we trust."""

    url: str
    official_sha256: str | None
    built_sha256: str | None


VARIANTS: dict[Variant, VariantInfo] = {
    # Digest of the official full float16 bundle, version 1 (9,398,198 bytes).
    Variant.FULL: VariantInfo(
        _OFFICIAL.format(v="full"),
        "5134a3aad27a58b93da0088d431f366da362b44e3ccfbe3462b3827a839011b1",
        # Digest of the bundle built from the mediapipe 0.10.21 wheel (the build is
        # deterministic: fixed zip dates, sorted entries, pinned inputs).
        "d9643d17be075ddcff59b72778e248e65cb334ae7c5c03d497ea7d0bd010884d",
    ),
    # No digest of the official lite and heavy bundles is recorded here: fetching them
    # needs the user's --sha256.
    Variant.LITE: VariantInfo(_OFFICIAL.format(v="lite"), None, None),
    Variant.HEAVY: VariantInfo(_OFFICIAL.format(v="heavy"), None, None),
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


def candidates(variant: Variant = Variant.FULL) -> list[tuple[str, Path]]:
    """Places a bundle is looked for, in order, as (where, path)."""
    found: list[tuple[str, Path]] = []
    env = os.environ.get(ENV_VAR)
    if env:
        found.append((f"${ENV_VAR}", Path(env).expanduser()))
    repo = repo_models_dir()
    if repo is not None:
        found.append(("repository models/", repo / bundle_name(variant)))
    found.append(("user cache", cache_models_dir() / bundle_name(variant)))
    return found


def find(explicit: Path | None = None, variant: Variant = Variant.FULL) -> Path | None:
    """The first bundle found in lookup order, or None.

    Raises:
        ModelError: ``explicit`` or ``$FORMCHECK_MODEL`` names a file that does not exist
            (a path the user gave is never silently skipped).
    """
    if explicit is not None:
        if not explicit.is_file():
            raise ModelError(f"model bundle not found: {explicit} (check the --model path)")
        return explicit
    for where, path in candidates(variant):
        if path.is_file():
            return path
        if where.startswith("$"):
            raise ModelError(
                f"model bundle not found: {path} (named by ${ENV_VAR}; fix or unset it)"
            )
    return None


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
        sha256: expected digest of the official bundle (required for lite and heavy).
        force: fetch again even if the bundle is already there.
        offline_build: True skips the official host, False forbids the build from the
            wheel; None (default) tries the host first, then builds.
        progress: called with one line of text per step.
        verify: called with the finished bundle's temporary path (e.g. load it once);
            raising there discards the file.

    Raises:
        ModelError: neither route worked; the message says what to do.
    """
    dest_dir = dest_dir or store_dir()
    target = dest_dir / bundle_name(variant)
    if target.is_file() and not force:
        return FetchResult(target, _recorded_route(target), sha256_of(target), True)
    info = VARIANTS[variant]
    expected = sha256 or info.official_sha256
    errors: list[str] = []
    if offline_build is not True:
        if expected is None:
            errors.append(
                f"no sha256 is recorded for the {variant.value} bundle: pass --sha256 HEX "
                "with the digest published for it"
            )
        else:
            try:
                _say(progress, f"Downloading the official {variant.value} bundle: {info.url}")
                return _install(
                    _download(info.url, expected, dest_dir, progress), target,
                    Route.OFFICIAL, verify,
                )
            except ModelError as err:
                errors.append(str(err))
                _say(progress, f"Official host failed: {err}")
    if offline_build is not False and variant is Variant.FULL:
        _say(progress, f"Building the full bundle from the legacy models in {LEGACY_WHEEL}")
        try:
            tmp = build_from_wheel(dest_dir, progress)
            got = sha256_of(tmp)
            if info.built_sha256 is not None and got != info.built_sha256:
                tmp.unlink(missing_ok=True)
                raise ModelError(f"built bundle has sha256 {got}, expected {info.built_sha256}")
            return _install(tmp, target, Route.BUILT, verify)
        except ModelError as err:
            errors.append(str(err))
    elif variant is not Variant.FULL:
        errors.append(f"the {variant.value} bundle cannot be built offline (only full can)")
    raise ModelError(
        "could not get the pose model: " + "; ".join(errors)
        + f". Download a bundle by hand and pass --model PATH or set ${ENV_VAR}."
    )


def _recorded_route(path: Path) -> Route:
    meta = path.with_suffix(path.suffix + ".json")
    try:
        return Route(json.loads(meta.read_text())["route"])
    except (OSError, ValueError, KeyError):
        return Route.USER


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


def _download(url: str, expected: str, dest_dir: Path, progress: Progress | None) -> Path:
    """Download ``url`` to a temporary file in ``dest_dir``, checking its sha256."""
    _mkdir(dest_dir)
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=".download.", suffix=".tmp")
    tmp = Path(name)
    digest = hashlib.sha256()
    try:
        with os.fdopen(fd, "wb") as out, urllib.request.urlopen(url, timeout=15) as resp:
            total = int(resp.headers.get("Content-Length") or 0)
            _copy_with_progress(resp, out, digest, total, url.rsplit("/", 1)[-1])
    except (urllib.error.URLError, OSError, TimeoutError) as err:
        tmp.unlink(missing_ok=True)
        reason = getattr(err, "reason", err)
        raise ModelError(f"cannot reach {url.split('/')[2]} ({reason})") from err
    if digest.hexdigest() != expected:
        tmp.unlink(missing_ok=True)
        raise ModelError(f"downloaded bundle has sha256 {digest.hexdigest()}, expected {expected}")
    return tmp


def _copy_with_progress(
    src: object, out: object, digest: hashlib._Hash, total: int, label: str
) -> None:
    from rich.progress import BarColumn, DownloadColumn, Progress, TransferSpeedColumn

    with Progress(
        "[progress.description]{task.description}", BarColumn(), DownloadColumn(),
        TransferSpeedColumn(), transient=True,
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


def build_from_wheel(dest_dir: Path, progress: Progress | None = None) -> Path:
    """Build the full bundle from the ``mediapipe==0.10.21`` wheel; return a temp path.

    The wheel is fetched with pip from the package registry into a temporary folder
    and deleted afterwards.
    """
    _mkdir(dest_dir)
    with tempfile.TemporaryDirectory(prefix="formcheck-wheel-") as work:
        wheel = _download_wheel(Path(work), progress)
        models: dict[str, bytes] = {}
        with zipfile.ZipFile(wheel) as zf:
            for entry, (member, expected) in _LEGACY_MODELS.items():
                try:
                    data = zf.read(member)
                except KeyError as err:
                    raise ModelError(f"{wheel.name} lacks {member}") from err
                got = hashlib.sha256(data).hexdigest()
                if got != expected:
                    raise ModelError(f"{member} in {wheel.name} has sha256 {got}, not {expected}")
                mean, std = _LEGACY_NORMALIZATION[entry]
                meta = image_input_metadata(entry.removesuffix(".tflite"), [mean], [std])
                models[entry] = add_metadata(data, meta)
    fd, name = tempfile.mkstemp(dir=dest_dir, prefix=".build.", suffix=".tmp")
    os.close(fd)
    write_bundle(Path(name), models)
    _say(progress, "Bundle built")
    return Path(name)


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
