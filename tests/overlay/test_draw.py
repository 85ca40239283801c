"""The overlay shared by analyze and live: status colours, the cue, legible from 360p to 4K."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pytest

from formcheck.evaluator.evaluator import Evaluator
from formcheck.evaluator.results import FrameVerdict
from formcheck.lazy import cv2
from formcheck.overlay.draw import (
    PANEL_BG,
    STATUS_BGR,
    STATUS_TEXT_BGR,
    Rect,
    Timeline,
    _shade,
    _text,
    body_rect,
    draw_overlay,
    roller_rect,
)
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import CHECK_LABELS, CheckId, Status
from tests.evaluator.kinematic import BodySpec, make_frame, make_roller

# The demo clip's layout at 1280x720: the body from 46% to 78% of the height (its
# landmarks), the roller's bottom at 78%, the body from 18% to 80% of the width.
DEMO_LIKE = BodySpec(knee_deg=175.0, center_px=(600.0, 500.0), px_per_cm=5.5)
STRAIGHT_LEGS = BodySpec(knee_deg=175.0)


def _verdict_with_straight_legs(
    spec: BodySpec = STRAIGHT_LEGS, diameter_cm: float = 15.0,
) -> tuple[FrameVerdict, RollerObservation]:
    """Two seconds of straight legs with the roller under the shoulder blades."""
    roller = make_roller(spec, 0.3, diameter_cm=diameter_cm)
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
    # the cue: white text on a dark band, within the frame's width, off the body
    text = _cue_text_rect(image, roller)
    assert text is not None and (text.x1 - text.x0) * (text.y1 - text.y0) > 50 * s * s
    assert text.x0 >= 0.04 * w and text.x1 <= 0.96 * w
    body = body_rect(verdict.landmarks_px, s)
    assert body is not None and text.overlap(body) == 0


def _cue_text_rect(image: np.ndarray, roller: RollerObservation) -> Rect | None:
    """The box of the cue's white letters (the roller's contact ring, also white, left
    out), px."""
    white = (image == 255).all(axis=2)
    box = roller_rect(roller)
    if box is not None:  # the contact point's white ring lies within the roller's box
        white[max(int(box.y0) - 20, 0) : int(box.y1) + 20,
              max(int(box.x0) - 20, 0) : int(box.x1) + 20] = False
    ys, xs = np.nonzero(white)
    if not len(xs):
        return None
    return Rect(float(xs.min()), float(ys.min()), float(xs.max() + 1), float(ys.max() + 1))


@pytest.mark.parametrize("size", [(854, 480), (1280, 720), (1920, 1080)])
def test_cue_banner_covers_neither_the_body_nor_the_roller(size: tuple[int, int]) -> None:
    # given the demo's layout: a person lying low in the frame, the roller under the
    # back reaching 78% down (where the banner used to be), scaled to the frame's size
    k = size[0] / 1280
    spec = DEMO_LIKE.with_(image_size=size, center_px=(600.0 * k, 500.0 * k),
                           px_per_cm=5.5 * k)
    verdict, roller = _verdict_with_straight_legs(spec, diameter_cm=20.0)
    assert verdict.cue is not None
    w, h = size
    s = max(min(w, h) / 720.0, 0.45)
    body, under = body_rect(verdict.landmarks_px, s), roller_rect(roller)
    assert body is not None and under is not None
    assert body.y1 > 0.75 * h  # the old place, 80% down, was on the body
    image = np.full((h, w, 3), 127, np.uint8)
    timeline = Timeline(10.0)
    timeline.push(1.0, [v.status for v in verdict.checks.values()])
    # when
    draw_overlay(image, verdict, roller, timeline=timeline)
    # then the cue is drawn clear of the body's landmarks and of the roller
    text = _cue_text_rect(image, roller)
    assert text is not None
    assert text.overlap(body) == 0 and text.overlap(under) == 0
    # and it keeps off the panel (top-left) and the timeline (bottom edge)
    pad, row_h = int(10 * s), int(34 * s)
    panel = Rect(pad, pad, pad + int(360 * s), pad * 3 + row_h * len(CHECK_LABELS))
    assert text.overlap(panel) == 0
    assert text.y1 < h - int(10 * s) - max(4, int(10 * s))


def test_a_body_high_in_the_frame_gets_the_banner_below_it() -> None:
    # given a person lying in the upper half of the frame (a camera held low)
    spec = BodySpec(knee_deg=175.0, center_px=(640.0, 200.0))
    verdict, roller = _verdict_with_straight_legs(spec)
    image = np.full((720, 1280, 3), 127, np.uint8)
    # when
    draw_overlay(image, verdict, roller)
    # then the banner is below the body
    body = body_rect(verdict.landmarks_px, 1.0)
    text = _cue_text_rect(image, roller)
    assert body is not None and text is not None
    assert text.y0 > body.y1


def test_before_cue_gives_the_frame_with_any_cue_in_the_banner() -> None:
    # given a frame whose cue is "Bend your knees"
    verdict, roller = _verdict_with_straight_legs(DEMO_LIKE, diameter_cm=20.0)
    assert verdict.cue is not None and verdict.cue.text == "Bend your knees"
    image = np.full((720, 1280, 3), 127, np.uint8)
    pictures: dict[str, np.ndarray] = {}

    def keep(banner: Callable[[str], np.ndarray]) -> None:
        pictures["Roll slower"] = banner("Roll slower")
        pictures["Bend your knees"] = banner("Bend your knees")

    # when
    draw_overlay(image, verdict, roller, before_cue=keep)
    # then the frame itself shows its own cue, and the banner with that text is the same
    # picture; another cue's text gives another picture, the rest of the frame alike
    assert (pictures["Bend your knees"] == image).all()
    other = pictures["Roll slower"] != image
    assert other.any()
    text = _cue_text_rect(image, roller)
    assert text is not None
    rows = np.flatnonzero(other.any(axis=(1, 2)))
    assert rows.min() >= text.y0 - 40 and rows.max() <= text.y1 + 40


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


def test_a_fault_waiting_for_the_camera_asks_for_the_camera_move() -> None:
    """No cue and the set-up ok, but a check's fault held for the camera's place: the
    banner asks for the camera move, in the set-up's amber; without one, no banner."""
    from dataclasses import replace

    from formcheck.evaluator.body import FAULT_HELD
    from formcheck.overlay.draw import SETUP_BGR, cue_line

    verdict, _ = _verdict_with_straight_legs()
    quiet = replace(verdict, cue=None)
    feet = replace(quiet.checks[CheckId.FEET_FLAT], status=Status.UNKNOWN, reason=FAULT_HELD)
    held = replace(quiet, checks={**quiet.checks, CheckId.FEET_FLAT: feet})
    assert cue_line(held, None) == ("Move the camera round to your side", SETUP_BGR)
    others = {c: replace(v, reason="") for c, v in quiet.checks.items()}
    assert cue_line(replace(quiet, checks=others), None) is None


def test_an_unknown_orientation_reads_a_question_mark_not_across() -> None:
    from dataclasses import replace

    from formcheck.overlay.draw import format_value

    verdict, _ = _verdict_with_straight_legs()
    across = verdict.checks[CheckId.ROLLER_ACROSS_BACK]
    assert format_value(verdict, CheckId.ROLLER_ACROSS_BACK) == "across"
    unclear = replace(across, status=Status.UNKNOWN, frame_status=Status.UNKNOWN,
                      value=0.9, reason="Roller orientation unclear")
    v = replace(verdict, checks={**verdict.checks, CheckId.ROLLER_ACROSS_BACK: unclear})
    assert format_value(v, CheckId.ROLLER_ACROSS_BACK) == "?"
