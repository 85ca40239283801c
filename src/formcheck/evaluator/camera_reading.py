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

from formcheck.evaluator.view3d import BodyView, body_view, nan_to_zero
from formcheck.pose.landmarks import Landmark

FloatArray = NDArray[np.float64]

MODEL_FILE = Path(__file__).with_name("camera_azimuth.json")
# The landmarks read (nose, ears, shoulders, hips, knees, ankles, heels, toes): the
# body's outline that a camera's place changes; the hands and arms move on their own.
POINTS = np.array([Landmark[name] for name in (
    "NOSE", "LEFT_EAR", "RIGHT_EAR", "LEFT_SHOULDER", "RIGHT_SHOULDER", "LEFT_HIP",
    "RIGHT_HIP", "LEFT_KNEE", "RIGHT_KNEE", "LEFT_ANKLE", "RIGHT_ANKLE", "LEFT_HEEL",
    "RIGHT_HEEL", "LEFT_FOOT_INDEX", "RIGHT_FOOT_INDEX")])
# In a mirror each left landmark takes its right one's place, and the other way round.
MIRROR_ORDER = np.array([
    Landmark[m.name.replace("LEFT", "@").replace("RIGHT", "LEFT").replace("@", "RIGHT")]
    for m in Landmark])
# per point: image 2, world 3, visibility 1; the camera's rows 6; the reading 2
N_FEATURES = 6 * len(POINTS) + 6 + 2


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
    p = np.asarray(xy, float)[POINTS]
    if not np.isfinite(p).all():
        return None
    hip = (xy[Landmark.LEFT_HIP] + xy[Landmark.RIGHT_HIP]) / 2
    d = (xy[Landmark.LEFT_SHOULDER] + xy[Landmark.RIGHT_SHOULDER]) / 2 - hip
    length = math.hypot(float(d[0]), float(d[1]))
    if not length > 1.0:
        return None
    u = d / length
    n = np.array([-u[1], u[0]])
    rel = (p - hip) / length  # image points in the torso's frame, torso lengths
    axes = view.axes
    w = (np.asarray(world, float)[POINTS] - axes.hip) / max(axes.torso_m, 1e-3)
    flat = view.A.ravel(order="K")
    # np.linalg.norm's Frobenius norm (and np.nan_to_num's NaN as 0 below), without
    # their call overhead: this runs every frame
    a = view.A / max(math.sqrt(float(flat @ flat)), 1e-9)  # scale-free camera rows
    vis = nan_to_zero(np.asarray(visibility, float)[POINTS])
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

    def predict(self, x: FloatArray) -> FloatArray:
        """The azimuths, degrees (not clipped), of feature vectors (the last axis)."""
        return np.asarray(((x - self.mean) / self.scale) @ self.weights[:-1]
                          + self.weights[-1], float)

    def azimuth_deg(self, xy: FloatArray, world: FloatArray, visibility: FloatArray,
                    view: BodyView) -> float | None:
        """The camera's azimuth, 0 (side-on) to 90 degrees; None where the pose cannot
        be read. A pose and its mirror image read the same: the fit saw every pose
        mirrored too, and a ridge fit on a set closed under a signed permutation of the
        features is itself unchanged by it."""
        x = features(xy, world, visibility, view)
        return None if x is None else min(90.0, max(0.0, float(self.predict(x))))


@lru_cache(maxsize=1)
def default_model() -> AzimuthModel:
    """The committed model (read once)."""
    return AzimuthModel.load()


def read_view(xy: FloatArray, world: FloatArray, visibility: FloatArray,
              camera_reading: str = "learned") -> BodyView | None:
    """The body frame and camera of one pose as the evaluator judges it: the affine
    :func:`~formcheck.evaluator.view3d.body_view`, its azimuth read by the learned model
    where ``camera_reading`` (``setup.camera_reading``) is "learned". Every consumer
    (the evaluator, the roller's debug view) reads the camera through this, so they agree.

    Args:
        xy: (33, 2) image landmarks, px.
        world: (33, 3) world landmarks, m.
        visibility: (33,) 0..1.
    """
    view = body_view(xy, world, visibility)
    if view is None or camera_reading != "learned":
        return view
    azimuth = default_model().azimuth_deg(xy, world, visibility, view)
    return view if azimuth is None else view.with_azimuth(azimuth)
