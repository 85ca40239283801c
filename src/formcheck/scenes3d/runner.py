"""Runs the 3D renderer in its own process and turns what it writes into files.

The renderer (``render3d/`` beside the package in a checkout, GPL, with Blender as a
Python module in ``render3d/.venv``) is never imported: it is started as a subprocess
with a JSON job, and its frames, masks and raw geometry are read back. Outputs per shot,
written atomically (staged, then moved into place):

- ``NAME.mp4`` (H.264) for a clip, or ``NAME.png`` / ``NAME.jpg`` for a still;
- ``NAME.truth.jsonl``: one truth row per frame (:mod:`formcheck.scenes3d.truth3d`);
- ``NAME.masks.npz``: ``labels`` (frames, height, width) uint8, 0 background,
  1 person, 2 roller.
"""

from __future__ import annotations

import contextlib
import json
import math
import os
import shutil
import subprocess
import tempfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.errors import FormcheckError, OutputError
from formcheck.scenes3d.spec import ShotSpec, job_shot
from formcheck.scenes3d.truth3d import truth_rows

SETUP_HINT = ("the 3D renderer is not installed: run `render3d/setup.sh` in the formcheck "
              "checkout (installs Blender as a Python module, about 30 s and 1 GB)")


class RendererError(FormcheckError):
    """The 3D renderer is missing or failed."""


def renderer_dir() -> Path:
    """The ``render3d/`` folder: ``$FORMCHECK_RENDER3D`` or the checkout's own."""
    env = os.environ.get("FORMCHECK_RENDER3D")
    if env:
        return Path(env)
    return Path(__file__).resolve().parents[3] / "render3d"


def renderer_python() -> Path | None:
    """The Python of the renderer's environment, or None where it is not installed."""
    d = renderer_dir()
    py = d / ".venv" / "bin" / "python"
    if py.exists() and (d / "formcheck_render3d" / "__main__.py").exists():
        return py
    return None


def require_renderer() -> Path:
    """The renderer's Python; :class:`RendererError` naming the set-up where it is missing."""
    py = renderer_python()
    if py is None:
        raise RendererError(SETUP_HINT)
    return py


@dataclass(frozen=True, slots=True)
class RenderedShot:
    """What :func:`render_shots` wrote for one shot."""

    name: str
    media: Path
    truth: Path
    masks: Path
    frames: int


def _run_renderer(job: Path, total: int, log: Path, advance: Callable[[], None]) -> None:
    py = require_renderer()
    with log.open("w") as err:
        proc = subprocess.Popen(
            [str(py), "-m", "formcheck_render3d", str(job)], cwd=renderer_dir(),
            stdout=subprocess.PIPE, stderr=err, text=True, bufsize=1,
        )
        try:
            assert proc.stdout is not None
            done = 0
            for line in proc.stdout:
                if line.startswith("PROGRESS "):
                    k = int(line.split()[1])
                    while done < k:
                        advance()
                        done += 1
            rc = proc.wait()
        except BaseException:
            proc.kill()
            proc.wait()
            raise
    if rc != 0:
        tail = [ln for ln in log.read_text(errors="replace").splitlines() if ln.strip()][-1:]
        raise RendererError(f"the 3D renderer failed (exit {rc}): "
                            f"{tail[0] if tail else 'no message'}; full log: {log}")


def read_mask(path: Path) -> np.ndarray:
    """A renderer mask PNG as labels: 0 background, 1 person (red), 2 roller (green)."""
    import cv2

    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise RendererError(f"the renderer wrote no readable mask {path}")
    labels = np.zeros(img.shape[:2], np.uint8)
    labels[(img[..., 2] > 127) & (img[..., 1] < 128)] = 1
    labels[(img[..., 1] > 127) & (img[..., 2] < 128)] = 2
    return labels


def _read(path: Path) -> np.ndarray:
    import cv2

    img = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if img is None:
        raise RendererError(f"the renderer wrote no readable frame {path}")
    return np.asarray(img, dtype=np.uint8)


def _encode(frames: list[Path], out: Path, fps: float, crf: int) -> None:
    from fractions import Fraction

    import av

    h, w = _read(frames[0]).shape[:2]
    rate = round(fps) if math.isclose(fps, round(fps)) else fps
    with av.open(str(out), mode="w", format="mp4") as container:
        stream = container.add_stream("libx264", rate=Fraction(rate).limit_denominator(1001))
        stream.width, stream.height = w, h
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium", "movflags": "+faststart"}
        for f in frames:
            img = _read(f)
            for packet in stream.encode(av.VideoFrame.from_ndarray(img, format="bgr24")):
                container.mux(packet)
        for packet in stream.encode():
            container.mux(packet)


@contextlib.contextmanager
def _staging(out: Path) -> Iterator[Path]:
    try:
        out.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=".render3d-", dir=out))
    except OSError as exc:
        raise OutputError(f"cannot write to {out}: {exc.strerror or exc}") from None
    try:
        yield tmp
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def render_shots(specs: list[ShotSpec], out: Path, *, size: tuple[int, int] = (640, 360),
                 quality: str = "draft", still_ext: str = ".png", crf: int = 23,
                 advance: Callable[[], None] = lambda: None,
                 on_shot: Callable[[RenderedShot, list[dict[str, Any]]], None] | None = None,
                 ) -> list[RenderedShot]:
    """Render ``specs`` into ``out`` (see the module docstring for the files)."""
    import cv2

    require_renderer()
    out = out.resolve()
    written: list[RenderedShot] = []
    with _staging(out) as stage:
        shots = [job_shot(s, quality) for s in specs]
        for s in shots:
            s["size"] = list(size)
        job = {"out_dir": str(stage / "raw"), "size": list(size), "quality": quality,
               "shots": shots}
        job_path = stage / "job.json"
        job_path.write_text(json.dumps(job))
        total = sum(len(s["frames"]) for s in shots)
        _run_renderer(job_path, total, stage / "render3d.log", advance)
        for shot in shots:
            name = shot["name"]
            raw_dir = stage / "raw" / name
            raws = [json.loads(ln) for ln in (raw_dir / "raw.jsonl").read_text().splitlines()]
            labels = np.stack([read_mask(raw_dir / r["mask"]) for r in raws])
            for i, r in enumerate(raws):
                r["mask_file"] = [f"{name}.masks.npz", i]
            rows = list(truth_rows(raws, shot, [int((m == 2).sum()) for m in labels]))
            frames = [raw_dir / r["image"] for r in raws]
            if shot["still"]:
                media = stage / f"{name}{still_ext}"
                img = _read(frames[0])
                params = [cv2.IMWRITE_JPEG_QUALITY, 90] if still_ext == ".jpg" else []
                cv2.imwrite(str(media), img, params)
            else:
                media = stage / f"{name}.mp4"
                _encode(frames, media, float(shot["fps"]), crf)
            truth = stage / f"{name}.truth.jsonl"
            truth.write_text("".join(json.dumps(r, separators=(",", ":")) + "\n" for r in rows))
            masks = stage / f"{name}.masks.npz"
            np.savez_compressed(masks, labels=labels)
            final = RenderedShot(name, out / media.name, out / truth.name, out / masks.name,
                                 len(rows))
            for p in (media, truth, masks):
                os.replace(p, out / p.name)
            shutil.rmtree(raw_dir, ignore_errors=True)
            written.append(final)
            if on_shot is not None:
                on_shot(final, [shot])
    return written


