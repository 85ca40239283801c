"""The roller's debug view (``formcheck roller``): outline, centre, contact point and
the zones of the back.

Draws on a copy of a BGR image; pixel coordinates x right, y down, px.
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.thresholds import Thresholds
from formcheck.pose.frame import PoseFrame
from formcheck.roller.detector import Blob
from formcheck.roller.geometry import Body
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import Orientation, zone_of

# Zone colours, BGR: neck red, shoulder blades green, lower back orange.
ZONE_COLORS = {"neck": (40, 40, 230), "shoulder_blades": (60, 200, 60),
               "lower_back": (0, 150, 255)}


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
            cv2.polylines(out, [np.round(blob.outline).astype(np.int32).reshape(-1, 1, 2)],
                          True, (255, 0, 255), lw, cv2.LINE_AA)
        if obs.orientation is Orientation.ACROSS and abs(obs.size_px[0] - obs.size_px[1]) < 1:
            cv2.circle(out, pt(obs.center_px), int(obs.size_px[0] / 2), yellow, lw, cv2.LINE_AA)
        else:
            box = cv2.boxPoints(((obs.center_px[0], obs.center_px[1]),
                                 (obs.size_px[0], obs.size_px[1]), obs.angle_deg))
            cv2.polylines(out, [np.round(box).astype(np.int32).reshape(-1, 1, 2)], True,
                          yellow, lw, cv2.LINE_AA)
        cv2.drawMarker(out, pt(obs.center_px), yellow, cv2.MARKER_CROSS, 10 * lw, lw)
        if obs.contact_px:
            cv2.circle(out, pt(obs.contact_px), 4 * lw, (0, 0, 255), -1, cv2.LINE_AA)
            if body is not None:
                foot = body.shoulder + (obs.position or 0.0) * body.length * body.axis
                cv2.line(out, pt(obs.contact_px), pt(foot), (0, 0, 255), lw, cv2.LINE_AA)
        zone = ("-" if obs.position is None
                else zone_of(obs.position, th.roller_neck_max, th.roller_lower_back_min).value)
        text = (f"roller {obs.orientation.value}  conf {obs.confidence:.2f}  "
                f"pos {obs.position if obs.position is None else round(obs.position, 2)}  "
                f"{zone if obs.under_back else 'not under back'}")
    else:
        text = f"roller not found: {obs.reason.value if obs.reason else '?'}"
    scale = max(0.45, w / 1400)
    cv2.putText(out, text, (8, int(28 * scale / 0.6)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (0, 0, 0), 3 * lw, cv2.LINE_AA)
    cv2.putText(out, text, (8, int(28 * scale / 0.6)), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), lw, cv2.LINE_AA)
    return out
