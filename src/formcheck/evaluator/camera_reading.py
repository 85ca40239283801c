"""The camera's azimuth read by a linear model learned on the 3D set's tuning part.

:func:`~formcheck.evaluator.view3d.body_view` reads the camera's azimuth from the pose
model's world landmarks, whose depth the model compresses: off the side view the reading
scatters by 10-35 degrees either way (no bias to take off; docs/scenes3d.md). This module
reads it again from the whole pose at once: the image landmarks in the torso's own frame,
the world landmarks in the body's axes, the affine camera's rows in those axes, the
landmarks' visibility and the geometric reading itself, weighed by a ridge regression
fitted on the tuning part's poses against the true camera (``scripts/train_azimuth.py``;
the weights in ``camera_azimuth.json`` beside this file). The fit saw every pose and its
mirror image, so a mirrored scene reads the same camera.

Pure numpy: no model runs here, and nothing is learned at run time.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.view3d import BodyView

FloatArray = NDArray[np.float64]

MODEL_FILE = Path(__file__).with_name("camera_azimuth.json")
# The landmarks read (nose, ears, shoulders, hips, knees, ankles, heels, toes): the
# body's outline that a camera's place changes; the hands and arms move on their own.
POINTS = (0, 7, 8, 11, 12, 23, 24, 25, 26, 27, 28, 29, 30, 31, 32)
# Mirroring swaps each left landmark with its right one.
_PAIRS = ((1, 4), (2, 5), (3, 6), (7, 8), (9, 10), (11, 12), (13, 14), (15, 16),
          (17, 18), (19, 20), (21, 22), (23, 24), (25, 26), (27, 28), (29, 30), (31, 32))
MIRROR_ORDER = np.arange(33)
for _a, _b in _PAIRS:
    MIRROR_ORDER[_a], MIRROR_ORDER[_b] = _b, _a
N_FEATURES = 6 * len(POINTS) + 6 + 2  # image 2, world 3, visibility 1 a point; camera 6; reading 2


def mirrored(xy: FloatArray, world: FloatArray, visibility: FloatArray
             ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The same pose in a mirror: image x and world x negated (px and m), left and right
    landmarks swapped. Image px come out negative: only their differences are read."""
    xy_m = np.asarray(xy, float).copy()
    world_m = np.asarray(world, float).copy()
    xy_m[:, 0] = -xy_m[:, 0]
    world_m[:, 0] = -world_m[:, 0]
    return xy_m[MIRROR_ORDER], world_m[MIRROR_ORDER], np.asarray(visibility, float)[MIRROR_ORDER]


def features(xy: FloatArray, world: FloatArray, visibility: FloatArray,
             view: BodyView) -> FloatArray | None:
    """The model's inputs for one pose (:data:`N_FEATURES` values, unitless), or None
    where the landmarks read are not all in the image.

    Args:
        xy: (33, 2) image landmarks, px.
        world: (33, 3) world landmarks, m.
        visibility: (33,) 0..1.
        view: the pose's :func:`~formcheck.evaluator.view3d.body_view`.
    """
    p = np.asarray(xy, float)[list(POINTS)]
    if not np.isfinite(p).all():
        return None
    hip = (xy[23] + xy[24]) / 2
    d = (xy[11] + xy[12]) / 2 - hip
    length = math.hypot(float(d[0]), float(d[1]))
    if not length > 1.0:
        return None
    u = d / length
    n = np.array([-u[1], u[0]])
    rel = (p - hip) / length  # image points in the torso's frame, torso lengths
    axes = view.axes
    w = (np.asarray(world, float)[list(POINTS)] - axes.hip) / max(axes.torso_m, 1e-3)
    a = view.A / max(float(np.linalg.norm(view.A)), 1e-9)  # scale-free camera rows
    vis = np.nan_to_num(np.asarray(visibility, float)[list(POINTS)])
    out = np.concatenate([
        rel @ u, rel @ n,
        w @ axes.spine, w @ axes.lateral, w @ axes.back,
        a @ axes.spine, a @ axes.lateral, a @ axes.back,
        vis, [view.azimuth_deg / 90.0, view.elevation_deg / 90.0],
    ])
    return out if np.isfinite(out).all() else None


@dataclass(frozen=True)
class AzimuthModel:
    """A ridge regression from :func:`features` to the camera's azimuth, degrees.

    Attributes:
        mean, scale: each feature's mean and spread on the training poses (standardised
            before the weights apply).
        weights: one per feature, then the intercept.
    """

    mean: FloatArray
    scale: FloatArray
    weights: FloatArray

    @classmethod
    def load(cls, path: Path = MODEL_FILE) -> AzimuthModel:
        data = json.loads(path.read_text(encoding="utf-8"))
        model = cls(np.asarray(data["mean"], float), np.asarray(data["scale"], float),
                    np.asarray(data["weights"], float))
        if not (len(model.mean) == len(model.scale) == N_FEATURES
                and len(model.weights) == N_FEATURES + 1):
            raise ValueError(f"{path}: made for {len(model.mean)} features, not {N_FEATURES}")
        return model

    def predict(self, x: FloatArray) -> float:
        """The azimuth for one feature vector, degrees (not clipped)."""
        z = (x - self.mean) / self.scale
        return float(z @ self.weights[:-1] + self.weights[-1])

    def azimuth_deg(self, xy: FloatArray, world: FloatArray, visibility: FloatArray,
                    view: BodyView) -> float | None:
        """The camera's azimuth, 0 (side-on) to 90 degrees; None where the pose cannot
        be read. A pose and its mirror image read the same: the fit saw every pose
        mirrored too, and a ridge fit on a set closed under a signed permutation of the
        features is itself unchanged by it."""
        x = features(xy, world, visibility, view)
        return None if x is None else min(90.0, max(0.0, self.predict(x)))


@lru_cache(maxsize=1)
def default_model() -> AzimuthModel:
    """The committed model (read once)."""
    return AzimuthModel.load()
