"""The project's one frame type: a pose as numpy arrays, or "no person".

Nothing here imports mediapipe; :mod:`formcheck.pose.landmarker` adapts the
model's output to these types.

Coordinate spaces:
- *pixel*: x to the right, y downwards, origin at the image's top-left corner, in px;
- *normalised*: the same axes divided by the image width and height (0..1), with
  ``z`` the depth relative to the hips, roughly in the scale of normalised x;
- *world*: metres, origin between the hips, as estimated by the model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.landmarks import NUM_LANDMARKS

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class Pose:
    """One person's 33 landmarks.

    Attributes:
        xy: (33, 2) pixel coordinates, px.
        normalized: (33, 3) normalised x, y (0..1) and relative depth z.
        world: (33, 3) world coordinates, metres, origin between the hips.
        visibility: (33,) likelihood (0..1) that the landmark is visible, not occluded.
        presence: (33,) likelihood (0..1) that the landmark is inside the image.
    """

    xy: FloatArray
    normalized: FloatArray
    world: FloatArray
    visibility: FloatArray
    presence: FloatArray

    def __post_init__(self) -> None:
        shapes = {
            "xy": (self.xy, (NUM_LANDMARKS, 2)),
            "normalized": (self.normalized, (NUM_LANDMARKS, 3)),
            "world": (self.world, (NUM_LANDMARKS, 3)),
            "visibility": (self.visibility, (NUM_LANDMARKS,)),
            "presence": (self.presence, (NUM_LANDMARKS,)),
        }
        for name, (array, shape) in shapes.items():
            if not isinstance(array, np.ndarray) or array.shape != shape:
                got = getattr(array, "shape", type(array).__name__)
                raise ValueError(f"Pose.{name} must be an array of shape {shape}, got {got}")

    @classmethod
    def from_pixels(
        cls,
        xy: FloatArray,
        image_size: tuple[int, int],
        visibility: FloatArray | None = None,
        z: FloatArray | None = None,
    ) -> Pose:
        """Build a pose from pixel coordinates alone (tests, synthetic truth).

        Args:
            xy: (33, 2) pixel coordinates, px.
            image_size: (width, height) of the image, px.
            visibility: (33,) visibility, default all 1.
            z: (33,) relative depth, default all 0.
        """
        xy = np.asarray(xy, dtype=np.float64)
        width, height = image_size
        zz = np.zeros(NUM_LANDMARKS) if z is None else np.asarray(z, dtype=np.float64)
        norm = np.column_stack([xy[:, 0] / width, xy[:, 1] / height, zz])
        vis = np.ones(NUM_LANDMARKS) if visibility is None else np.asarray(visibility, float)
        return cls(
            xy=xy,
            normalized=norm,
            world=np.zeros((NUM_LANDMARKS, 3)),
            visibility=vis,
            presence=np.ones(NUM_LANDMARKS),
        )


@dataclass(frozen=True, slots=True)
class PoseFrame:
    """What the pose stage yields for one video frame.

    Attributes:
        index: frame number in the source, from 0.
        t_ms: timestamp, milliseconds from the start of the source, strictly increasing.
        width: image width, px.
        height: image height, px.
        pose: the most prominent person, or None when nobody was found.
        others: how many more people were in view at the last count
            (:class:`formcheck.pose.people.PeopleCounter`; 0 where nobody counts).
        followed_at: where ``pose``'s person is among them, seen in the image: "left",
            "right" or "middle"; None when nobody else is in view.
        mask: float32 segmentation of ``pose`` (0..1), when requested; it covers the
            whole frame but may be smaller (the model may see a scaled copy), so map
            frame px to mask px by the ratio of the sizes.
    """

    index: int
    t_ms: float
    width: int
    height: int
    pose: Pose | None
    others: int = 0
    mask: NDArray[np.float32] | None = None
    followed_at: str | None = None

    @property
    def t_s(self) -> float:
        """Timestamp in seconds."""
        return self.t_ms / 1000.0

    def resized(self, width: int, height: int) -> PoseFrame:
        """This frame as seen on the image scaled to ``width`` x ``height`` px: the pixel
        coordinates and the size change; normalised coordinates, depth, world points
        and the mask (mapped by the ratio of sizes anyway) do not."""
        pose = self.pose
        if pose is not None and (width, height) != (self.width, self.height):
            k = np.array([width / max(self.width, 1), height / max(self.height, 1)])
            pose = replace(pose, xy=pose.xy * k)
        return replace(self, width=width, height=height, pose=pose)

    @property
    def has_person(self) -> bool:
        """True when a pose was found."""
        return self.pose is not None
