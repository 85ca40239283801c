"""The roller observation's whole-roller fields (ends, diameter, axis) and how the
tracker carries them."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from formcheck.roller.learned import WORK_PX, best_blob, principal
from formcheck.roller.observation import RollerObservation


def test_ends_fall_back_to_the_silhouette_axis_when_not_given() -> None:
    obs = RollerObservation(found=True, center_px=(100.0, 50.0), size_px=(40.0, 10.0),
                            angle_deg=90.0)
    (x0, y0), (x1, y1) = obs.ends() or ((0, 0), (0, 0))
    assert (x0, y0) == pytest.approx((100.0, 30.0)) and (x1, y1) == pytest.approx((100.0, 70.0))
    assert obs.axis_deg == pytest.approx(90.0) and obs.diameter() == 10.0
    assert "ends_px" not in obs.to_dict()  # outputs recorded before the fields stay


def test_given_ends_scale_and_serialise() -> None:
    obs = RollerObservation(found=True, center_px=(10.0, 10.0), size_px=(20.0, 4.0),
                            ends_px=((0.0, 10.0), (20.0, 10.0)), diameter_px=5.0)
    big = obs.scaled(2.0)
    assert big.ends_px == ((0.0, 20.0), (40.0, 20.0)) and big.diameter_px == 10.0
    assert big.to_dict()["ends_px"] == [[0.0, 20.0], [40.0, 20.0]]
    assert big.to_dict()["diameter_px"] == 10.0


def test_not_found_has_no_ends() -> None:
    assert RollerObservation(found=False).ends() is None
    assert RollerObservation(found=False).axis_deg is None


def test_both_ends_seen_past_the_body_are_joined() -> None:
    # a bar at 20 deg whose middle is hidden (the body across it)
    prob = np.zeros((WORK_PX, WORK_PX), np.float32)
    cv2.line(prob, (10, 30), (80, 56), 0.9, thickness=6)
    cv2.circle(prob, (45, 43), 12, 0.0, thickness=-1)
    found = best_blob(prob, cv2)
    assert found is not None
    geo = found[2]
    assert np.allclose(geo.ends, principal(found[0]).ends)  # the whole's axes
    assert geo.length > 70  # end to end, not one side only
    assert 4 < geo.diameter < 9


def test_a_blob_off_the_axis_is_not_joined() -> None:
    prob = np.zeros((WORK_PX, WORK_PX), np.float32)
    cv2.line(prob, (10, 30), (40, 30), 0.9, thickness=6)
    cv2.circle(prob, (70, 70), 6, 0.9, thickness=-1)
    found = best_blob(prob, cv2)
    assert found is not None and principal(found[0]).length < 45 and found[2].length < 45
