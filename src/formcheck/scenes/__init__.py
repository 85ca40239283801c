"""Synthetic scenes: a person foam-rolling their upper back, drawn with exact truth.

Use :func:`iter_scene` to stream ``(image_bgr, TruthRecord)`` pairs like a camera,
:func:`render_to_files` to write ``NAME.mp4`` and ``NAME.truth.jsonl``, and
:data:`SCENARIOS` for the named scenes. Importing this package does not import cv2.
"""

from formcheck.scenes.params import Arms, Facing, SceneParams, Track
from formcheck.scenes.scenarios import SCENARIOS, Scenario
from formcheck.scenes.stream import RenderedClip, iter_scene, parse_size, render_to_files
from formcheck.scenes.truth import Margins, RollerTruth, TruthRecord
from formcheck.vocabulary import Orientation

__all__ = [
    "SCENARIOS",
    "Arms",
    "Facing",
    "Margins",
    "Orientation",
    "RenderedClip",
    "RollerTruth",
    "Scenario",
    "SceneParams",
    "Track",
    "TruthRecord",
    "iter_scene",
    "parse_size",
    "render_to_files",
]
