"""Pose stage: the frame type (no mediapipe) and the landmarker wrapper (mediapipe, lazily)."""

from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, SIDE_LANDMARKS, SKELETON_EDGES, Landmark

__all__ = ["NUM_LANDMARKS", "SIDE_LANDMARKS", "SKELETON_EDGES", "Landmark", "Pose", "PoseFrame"]
