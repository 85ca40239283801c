"""Reading the committed 3D benchmark set: its manifest, frames, truth and masks.

Frames stream one at a time (a clip is decoded as it is read). Images are BGR uint8
(height, width, 3); truth rows are the dicts of :mod:`formcheck.scenes3d.truth3d`.
"""

from __future__ import annotations

import gzip
import json
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

DEFAULT_SET = Path(__file__).resolve().parents[3] / "data" / "scenes3d"
# Scenarios whose truth is good form throughout: no check may fault on them.
GOOD_FORM = ("good", "holds", "facing_right", "low_light", "no_roller", "feet_out_of_frame",
             "hands_behind_head", "lying_flat")


def read_truth(path: Path) -> list[dict[str, Any]]:
    """The truth rows of a ``NAME.truth.jsonl`` file, or of its gzip form
    (``NAME.truth.jsonl.gz``: the committed set stores its truth compressed)."""
    data = path.read_bytes()
    text = (gzip.decompress(data) if path.suffix == ".gz" else data).decode()
    return [json.loads(line) for line in text.splitlines() if line.strip()]


@dataclass(frozen=True, slots=True)
class Shot:
    """One row of ``manifest.jsonl`` and where its files are."""

    root: Path
    row: dict[str, Any]

    @property
    def name(self) -> str:
        return str(self.row["truth"]).removesuffix(".gz").removesuffix(".truth.jsonl")

    @property
    def still(self) -> bool:
        return bool(self.row["kind"] == "still")

    @property
    def split(self) -> str:
        return str(self.row["split"])

    @property
    def scenario(self) -> str:
        return str(self.row["scenario"])

    @property
    def camera_bin(self) -> str:
        return str(self.row["camera"]["bin"])

    @property
    def media(self) -> Path:
        return self.root / str(self.row["file"])

    def truth(self) -> list[dict[str, Any]]:
        """Every frame's truth row."""
        return read_truth(self.root / str(self.row["truth"]))

    def masks(self) -> NDArray[np.uint8]:
        """(frames, height, width) labels: 0 background, 1 person, 2 roller."""
        with np.load(self.root / str(self.row["masks"])) as z:
            return np.asarray(z["labels"])

    def frames(self) -> Iterator[tuple[NDArray[np.uint8], dict[str, Any]]]:
        """(image, truth) per frame, streamed."""
        import cv2

        truths = self.truth()
        if self.still:
            img = cv2.imread(str(self.media), cv2.IMREAD_COLOR)
            if img is None:
                raise OSError(f"cannot read {self.media}")
            yield np.asarray(img, dtype=np.uint8), truths[0]
            return
        cap = cv2.VideoCapture(str(self.media))
        try:
            for truth in truths:
                ok, img = cap.read()
                if not ok:
                    raise OSError(f"{self.media} ends before frame {truth['frame']}")
                yield np.asarray(img, dtype=np.uint8), truth
        finally:
            cap.release()


def load(root: Path = DEFAULT_SET, split: str | None = None) -> list[Shot]:
    """The set's shots in manifest order, optionally one split ("tuning", "evaluation")."""
    manifest = root / "manifest.jsonl"
    rows = [json.loads(line) for line in manifest.read_text().splitlines() if line.strip()]
    return [Shot(root, r) for r in rows if split is None or r["split"] == split]
