"""The 33 MediaPipe pose landmarks: names and indices, with no dependency on mediapipe."""

from __future__ import annotations

from enum import IntEnum

from formcheck.vocabulary import Side

NUM_LANDMARKS = 33


class Landmark(IntEnum):
    """Index of each landmark in the arrays of :class:`formcheck.pose.frame.Pose`."""

    NOSE = 0
    LEFT_EYE_INNER = 1
    LEFT_EYE = 2
    LEFT_EYE_OUTER = 3
    RIGHT_EYE_INNER = 4
    RIGHT_EYE = 5
    RIGHT_EYE_OUTER = 6
    LEFT_EAR = 7
    RIGHT_EAR = 8
    MOUTH_LEFT = 9
    MOUTH_RIGHT = 10
    LEFT_SHOULDER = 11
    RIGHT_SHOULDER = 12
    LEFT_ELBOW = 13
    RIGHT_ELBOW = 14
    LEFT_WRIST = 15
    RIGHT_WRIST = 16
    LEFT_PINKY = 17
    RIGHT_PINKY = 18
    LEFT_INDEX = 19
    RIGHT_INDEX = 20
    LEFT_THUMB = 21
    RIGHT_THUMB = 22
    LEFT_HIP = 23
    RIGHT_HIP = 24
    LEFT_KNEE = 25
    RIGHT_KNEE = 26
    LEFT_ANKLE = 27
    RIGHT_ANKLE = 28
    LEFT_HEEL = 29
    RIGHT_HEEL = 30
    LEFT_FOOT_INDEX = 31
    RIGHT_FOOT_INDEX = 32


# Landmarks of one side of the body, by role; index with SIDE_LANDMARKS[Side.LEFT]["knee"].
SIDE_LANDMARKS: dict[Side, dict[str, int]] = {
    side: {
        role: int(Landmark[f"{side.upper()}_{role.upper()}"])
        for role in (
            "ear", "eye", "shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel",
            "foot_index",
        )
    }
    for side in Side
}

# Bones drawn for the skeleton overlay, as pairs of landmark indices.
SKELETON_EDGES: tuple[tuple[int, int], ...] = (
    (11, 12), (11, 13), (13, 15), (12, 14), (14, 16),
    (11, 23), (12, 24), (23, 24),
    (23, 25), (25, 27), (27, 29), (29, 31), (27, 31),
    (24, 26), (26, 28), (28, 30), (30, 32), (28, 32),
    (0, 7), (0, 8), (7, 11), (8, 12),
)
