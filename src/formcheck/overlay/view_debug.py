"""The body's 3D axes and the camera's place, drawn for the roller's debug view.

From the pose's world and image landmarks, as the evaluator reads them
(:func:`formcheck.evaluator.camera_reading.read_view`):
the spine (green), the left-right axis (blue) and the back's normal (magenta) drawn from
the mid-hip as they project into the image, 0.25 m each, and a line of text with the
camera's azimuth and elevation as read from them, and the roller's orientation and place
along the back (0 shoulders, 1 hips) as the evaluator reads them in 3D. Draws on the
given BGR image in place; pixel coordinates x right, y down, px.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.camera_reading import read_view
from formcheck.evaluator.config import EvaluatorConfig
from formcheck.evaluator.view3d import BodyView, observed_orientation
from formcheck.overlay.draw import debug_caption
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import RollerObservation

AXIS_M = 0.25
# BGR; the left-right axis drawn is the one the roller is read against (turned to the
# corrected azimuth from the head end)
AXES = (("spine", (60, 200, 60)), ("roller_lateral", (230, 120, 30)),
        ("back", (200, 60, 200)))


def view_text(view: BodyView | None, roller: RollerObservation | None = None,
              config: EvaluatorConfig | None = None) -> str:
    """One line: the camera's place read from the body, whether it is supported, and the
    roller's orientation and place along the back as the evaluator reads them in 3D
    (with ``config``'s set-up and roller settings; the defaults where None)."""
    if view is None:
        return "body axes: not read (no pose or no world landmarks)"
    config = config or EvaluatorConfig()
    cfg = config.setup
    note = ""
    if view.azimuth_deg > cfg.max_azimuth_deg:
        note = "  too far round"
    elif view.elevation_deg > cfg.max_elevation_deg:
        note = "  too high"
    read = ""
    if roller is not None and roller.found and roller.size_px is not None:
        along_min = config.roller.along_min_length_m
        read = f"  3D: {observed_orientation(view, roller, along_min_m=along_min).status}"
        if roller.contact_px is not None:
            read += f" at {view.position(np.asarray(roller.contact_px, float)):.2f}"
    return (f"camera {view.azimuth_deg:.0f} deg round, {view.elevation_deg:.0f} deg up"
            f"  back faces down {view.back_down:+.2f}{note}{read}")


def draw_body_view(image_bgr: NDArray[np.uint8], pose_frame: PoseFrame,
                   roller: RollerObservation | None = None,
                   config: EvaluatorConfig | None = None) -> BodyView | None:
    """Draw the body's axes and the camera line on ``image_bgr`` (in place), read with
    ``config`` (the defaults where None); return the body view read (None where there is
    none)."""
    from formcheck.lazy import cv2 as _cv2

    cv2 = _cv2()
    pose = pose_frame.pose
    config = config or EvaluatorConfig()
    view = None if pose is None else read_view(pose.xy, pose.world, pose.visibility,
                                               config.setup.camera_reading)
    w = image_bgr.shape[1]
    lw = max(1, round(w / 400))
    if view is not None:
        origin = view.project(view.hip)
        o = (round(float(origin[0])), round(float(origin[1])))
        for name, color in AXES:
            tip = view.project(view.hip + AXIS_M * getattr(view, name))
            if np.isfinite(tip).all():
                cv2.arrowedLine(image_bgr, o, (round(float(tip[0])), round(float(tip[1]))),
                                color, 2 * lw, cv2.LINE_AA, tipLength=0.15)
    scale = max(0.45, w / 1400)
    y = int(56 * scale / 0.6)
    debug_caption(image_bgr, view_text(view, roller, config), y, scale, lw, cv2)
    return view
