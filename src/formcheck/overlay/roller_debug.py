"""The roller's debug view (``formcheck roller``): outline, centre, both ends and the
axis, contact point and the zones of the back.

Draws on a copy of a BGR image; pixel coordinates x right, y down, px.
"""

from __future__ import annotations

from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.thresholds import Thresholds
from formcheck.overlay.draw import debug_caption
from formcheck.pose.frame import PoseFrame
from formcheck.roller.detector import Blob
from formcheck.roller.geometry import Body
from formcheck.roller.learned import REPORT_MIN
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import Orientation, zone_of

# Zone colours, BGR: neck red, shoulder blades green, lower back orange.
ZONE_COLORS = {"neck": (40, 40, 230), "shoulder_blades": (60, 200, 60),
               "lower_back": (0, 150, 255)}


UNSURE_GREY = (150, 150, 150)  # BGR: the outline of a find too unsure to report


def draw_roller(
    image_bgr: NDArray[np.uint8],
    pose_frame: PoseFrame,
    obs: RollerObservation,
    blob: Blob | None = None,
    thresholds: Thresholds | None = None,
) -> NDArray[np.uint8]:
    """A copy of ``image_bgr`` with the roller, the contact and the back's zones drawn."""
    from formcheck.lazy import cv2 as _cv2

    cv2 = _cv2()
    th = thresholds or Thresholds()
    out = image_bgr.copy()
    _h, w = out.shape[:2]
    lw = max(1, round(w / 400))
    body = None if pose_frame.pose is None else Body.from_pose(pose_frame.pose)

    def pt(p: NDArray[np.float64] | tuple[float, float]) -> tuple[int, int]:
        return (round(float(p[0])), round(float(p[1])))

    if body is not None:
        # the shoulder->hip line, extended to the neck, in zone colours
        bands = [(-0.45, th.roller_neck_max, "neck"),
                 (th.roller_neck_max, th.roller_lower_back_min, "shoulder_blades"),
                 (th.roller_lower_back_min, 1.0, "lower_back")]
        for a, b, name in bands:
            pa = body.shoulder + a * body.length * body.axis
            pb = body.shoulder + b * body.length * body.axis
            cv2.line(out, pt(pa), pt(pb), ZONE_COLORS[name], 3 * lw, cv2.LINE_AA)
        cv2.circle(out, pt(body.shoulder), 3 * lw, (255, 255, 255), -1, cv2.LINE_AA)
        cv2.circle(out, pt(body.hip), 3 * lw, (255, 255, 255), -1, cv2.LINE_AA)
    if obs.found and obs.center_px and obs.size_px:
        yellow = (0, 255, 255)
        if blob is not None and len(blob.outline) >= 3:
            # a track kept through a frame whose find was too unsure to report: that
            # find in grey, not as the roller
            colour = UNSURE_GREY if blob.score < REPORT_MIN else (255, 0, 255)
            cv2.polylines(out, [np.round(blob.outline).astype(np.int32).reshape(-1, 1, 2)],
                          True, colour, lw, cv2.LINE_AA)
        if obs.orientation is Orientation.ACROSS and abs(obs.size_px[0] - obs.size_px[1]) < 1:
            cv2.circle(out, pt(obs.center_px), int(obs.size_px[0] / 2), yellow, lw, cv2.LINE_AA)
        else:
            box = cv2.boxPoints(((obs.center_px[0], obs.center_px[1]),
                                 (obs.size_px[0], obs.size_px[1]), obs.angle_deg))
            cv2.polylines(out, [np.round(box).astype(np.int32).reshape(-1, 1, 2)], True,
                          yellow, lw, cv2.LINE_AA)
        cv2.drawMarker(out, pt(obs.center_px), yellow, cv2.MARKER_CROSS, 10 * lw, lw)
        _draw_axis(out, obs, lw, cv2)
        if obs.contact_px:
            cv2.circle(out, pt(obs.contact_px), 4 * lw, (0, 0, 255), -1, cv2.LINE_AA)
            if body is not None:
                foot = body.shoulder + (obs.position or 0.0) * body.length * body.axis
                cv2.line(out, pt(obs.contact_px), pt(foot), (0, 0, 255), lw, cv2.LINE_AA)
        zone = ("-" if obs.position is None
                else zone_of(obs.position, th.roller_neck_max, th.roller_lower_back_min).value)
        # the roller stage's own reading, in the image plane as seen side-on; the line
        # under it (view_debug) says what the evaluator reads in 3D, the default
        text = (f"roller conf {obs.confidence:.2f}  image plane: {obs.orientation.value}  "
                f"pos {obs.position if obs.position is None else round(obs.position, 2)}  "
                f"{zone if obs.under_back else 'not under back'}")
    else:
        text = f"roller not found: {obs.reason.value if obs.reason else '?'}"
        if blob is not None and len(blob.outline) >= 3:
            # a find too unsure to report (the learned detector's floor): shown in grey,
            # so the debug view says what was seen and why it was not taken
            cv2.polylines(out, [np.round(blob.outline).astype(np.int32).reshape(-1, 1, 2)],
                          True, UNSURE_GREY, lw, cv2.LINE_AA)
            text += f" (a find at {blob.score:.2f}, not taken)"
    _caption(out, text, w, lw, cv2)
    return out


def _draw_axis(out: NDArray[np.uint8], obs: RollerObservation, lw: int, cv2: Any) -> None:
    """The roller's axis (cyan line between its ends) and each end: a dot and a bar one
    apparent diameter long across the axis. Without ends from the detector, a round
    silhouette (a roller seen end-on) has no axis to draw."""
    ends = obs.ends()
    size = obs.size_px
    if ends is None or (obs.ends_px is None and size is not None and size[0] < 1.5 * size[1]):
        return
    cyan = (255, 255, 0)
    (x0, y0), (x1, y1) = ends
    cv2.line(out, (round(x0), round(y0)), (round(x1), round(y1)), cyan, lw, cv2.LINE_AA)
    d = np.array([x1 - x0, y1 - y0])
    n = np.array([-d[1], d[0]]) / max(float(np.hypot(*d)), 1e-6)
    half = 0.5 * (obs.diameter() or 0.0) * n
    for e in (np.array([x0, y0]), np.array([x1, y1])):
        a, b = np.round(e - half).astype(int), np.round(e + half).astype(int)
        cv2.line(out, (int(a[0]), int(a[1])), (int(b[0]), int(b[1])), cyan, 2 * lw, cv2.LINE_AA)
        cv2.circle(out, (round(e[0]), round(e[1])), 3 * lw, cyan, -1, cv2.LINE_AA)


def _caption(out: NDArray[np.uint8], text: str, w: int, lw: int, cv2: Any) -> None:
    """The first line of the debug view's text, at the top left."""
    scale = max(0.45, w / 1400)
    debug_caption(out, text, int(28 * scale / 0.6), scale, lw, cv2)
