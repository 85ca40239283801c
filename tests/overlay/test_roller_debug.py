"""The roller's debug drawing: both ends and the axis where the detector gives them."""

from __future__ import annotations

import numpy as np

from formcheck.overlay.roller_debug import draw_roller
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import Orientation, RollerObservation

CYAN = np.array([255, 255, 0])


def _cyan(img: np.ndarray) -> np.ndarray:
    return np.all(img == CYAN, axis=2)


def test_both_ends_and_the_axis_are_drawn() -> None:
    # given a find whose ends lie 200 px apart on a row
    img = np.zeros((200, 400, 3), np.uint8)
    obs = RollerObservation(found=True, center_px=(200.0, 100.0), size_px=(220.0, 20.0),
                            orientation=Orientation.ACROSS, contact_px=(200.0, 90.0),
                            confidence=0.9, ends_px=((100.0, 100.0), (300.0, 100.0)),
                            diameter_px=20.0)
    # when drawn without a pose
    out = draw_roller(img, PoseFrame(index=0, t_ms=0.0, width=400, height=200, pose=None), obs)
    # then cyan spans from end to end, with a bar a diameter tall at each end
    _, xs = np.nonzero(_cyan(out))
    assert xs.min() <= 100 and xs.max() >= 300
    assert _cyan(out)[91:110, 99:102].any(axis=1).sum() >= 15


def test_an_end_on_disc_without_ends_draws_no_axis() -> None:
    img = np.zeros((200, 400, 3), np.uint8)
    obs = RollerObservation(found=True, center_px=(200.0, 100.0), size_px=(40.0, 40.0),
                            orientation=Orientation.ACROSS, confidence=0.9)
    out = draw_roller(img, PoseFrame(index=0, t_ms=0.0, width=400, height=200, pose=None), obs)
    assert not _cyan(out).any()
