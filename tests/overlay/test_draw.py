"""The overlay shared by analyze and live: status colours, the cue, legible from 360p to 4K."""

from __future__ import annotations

import numpy as np
import pytest

from formcheck.evaluator.evaluator import Evaluator
from formcheck.evaluator.results import FrameVerdict
from formcheck.lazy import cv2
from formcheck.overlay.draw import (
    CHECK_LABELS,
    PANEL_BG,
    STATUS_BGR,
    STATUS_TEXT_BGR,
    Timeline,
    _shade,
    _text,
    draw_overlay,
)
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import CheckId, Status
from tests.evaluator.kinematic import BodySpec, make_frame, make_roller


def _verdict_with_straight_legs() -> tuple[FrameVerdict, RollerObservation]:
    """Two seconds of straight legs with the roller under the shoulder blades."""
    spec = BodySpec(knee_deg=175.0)
    roller = make_roller(spec, 0.3)
    ev = Evaluator()
    verdict = None
    for i in range(60):
        verdict = ev.update(make_frame(spec, t_s=i / 30.0, index=i), roller)
    assert verdict is not None
    return verdict, roller


@pytest.mark.parametrize("size", [(640, 360), (1280, 720), (3840, 2160)])
def test_panel_dots_show_each_checks_status_and_the_cue_is_drawn(size: tuple[int, int]) -> None:
    verdict, roller = _verdict_with_straight_legs()
    assert verdict.checks[CheckId.KNEES_BENT].status is Status.FAULT
    assert verdict.cue is not None
    w, h = size
    image = np.full((h, w, 3), 127, np.uint8)
    timeline = Timeline(10.0)
    timeline.push(1.0, [v.status for v in verdict.checks.values()])
    draw_overlay(image, verdict, roller, timeline=timeline)
    s = max(min(w, h) / 720.0, 0.45)
    pad, row_h = int(10 * s), int(34 * s)
    for k, check in enumerate(CHECK_LABELS):
        y = pad + pad + row_h * k + int(row_h * 0.7)
        dot = image[y - int(7 * s), pad + int(18 * s)]
        assert tuple(int(c) for c in dot) == STATUS_BGR[verdict.checks[check].status], check
    # the panel fits inside the frame, with its right edge inside the image
    assert pad + int(360 * s) < w
    # the cue: white text on a dark band 80% down, within the frame's width
    band = (image[int(0.7 * h) : int(0.85 * h)] == 255).all(axis=2)
    assert band.sum() > 50 * s * s
    cols = np.flatnonzero(band.any(axis=0))
    assert cols.min() >= 0.04 * w and cols.max() <= 0.96 * w


def test_shade_darkens_only_inside_its_rectangle() -> None:
    image = np.full((50, 80, 3), 200, np.uint8)
    _shade(image, 10, 5, 30, 25, 0.5)
    assert (image[5:25, 10:30] == round(200 * 0.5 + 28 * 0.5)).all()
    image[5:25, 10:30] = 200
    assert (image == 200).all()
    _shade(image, -10, -10, 500, 500, 0.5)  # clipped to the image, no error
    assert (image == 114).all()


@pytest.mark.parametrize("s", [0.5, 1.0, 1.5, 3.0])
@pytest.mark.parametrize("label", ["Feet flat", "Roller across back"])
def test_text_shadow_is_tight(s: float, label: str) -> None:
    # given a panel label (the panel's font scale and weight at frame scale s) on grey
    image = np.full((300, 1600, 3), 127, np.uint8)
    fs = 0.62 * s
    _text(cv2(), image, label, (20, 200), fs, (255, 255, 255), max(1, round(1.2 * s)))
    light = np.flatnonzero((image > 200).all(axis=2).any(axis=0))
    dark = np.flatnonzero((image < 60).all(axis=2).any(axis=0))
    # then there is a shadow, and it ends within about a pixel per unit of font scale
    # of the letters: no ghost of the last letter beside them
    assert dark.size and light.size
    assert dark.max() <= light.max() + max(1, round(fs)) + 1


def _luminance(bgr: tuple[int, int, int]) -> float:
    """Relative luminance (WCAG) of an sRGB colour given as BGR."""
    lin = [(c / 255) / 12.92 if c <= 10 else ((c / 255 + 0.055) / 1.055) ** 2.4 for c in bgr]
    return 0.0722 * lin[0] + 0.7152 * lin[1] + 0.2126 * lin[2]


def test_fault_value_is_a_legible_red_on_the_panel() -> None:
    red = STATUS_TEXT_BGR[Status.FAULT]
    b, g, r = red
    assert r == 255 and r - max(b, g) >= 100  # clearly red
    # over the panel on a mid-grey frame (60% panel grey), contrast at least 3.5:1
    bg = round(127 * 0.4 + PANEL_BG[0] * 0.6)
    contrast = (_luminance(red) + 0.05) / (_luminance((bg, bg, bg)) + 0.05)
    assert contrast >= 3.5
