"""Roller stage: geometry, colour hints, detection on drawn images, tracking."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from formcheck.errors import UsageError
from formcheck.evaluator.rules import Zone
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.roller.color import ColorHint
from formcheck.roller.detector import RollerDetector
from formcheck.roller.geometry import position_along_back, zone_of
from formcheck.roller.observation import NotFoundReason, Orientation
from formcheck.roller.tracker import RollerTracker

W, H = 640, 360
SHOULDER, HIP, KNEE, ANKLE = (200.0, 200.0), (340.0, 215.0), (430.0, 150.0), (500.0, 270.0)


def _pose() -> Pose:
    xy = np.full((NUM_LANDMARKS, 2), 100.0)
    for side in ("LEFT", "RIGHT"):
        xy[Landmark[f"{side}_SHOULDER"]] = SHOULDER
        xy[Landmark[f"{side}_HIP"]] = HIP
        xy[Landmark[f"{side}_KNEE"]] = KNEE
        xy[Landmark[f"{side}_ANKLE"]] = ANKLE
    return Pose.from_pixels(xy, (W, H))


def _frame(pose: Pose | None = None, index: int = 0) -> PoseFrame:
    return PoseFrame(index=index, t_ms=index * 33.0, width=W, height=H, pose=pose)


def _scene(kind: str = "disc", color: tuple[int, int, int] = (200, 120, 40),
           x: float = 240.0) -> np.ndarray:
    """A plain floor, a wall, the body as thick lines and a roller under the back."""
    img = np.zeros((H, W, 3), np.uint8)
    img[:230] = (200, 210, 215)
    img[230:] = (90, 130, 170)
    rng = np.random.default_rng(0)
    img = np.clip(img + rng.normal(0, 3, img.shape), 0, 255).astype(np.uint8)
    # a roller is a shaded foam cylinder (a flat-coloured shape is taken for a mat)
    shades = [tuple(min(255, int(c * k)) for c in color) for k in (0.6, 0.8, 1.0, 1.2)]
    if kind == "disc":
        for r, c in zip((22, 17, 12, 6), shades, strict=True):
            cv2.circle(img, (int(x), 248), r, c, -1)
    elif kind == "bar":
        for i, c in enumerate(shades):
            cv2.rectangle(img, (200, 228 + 4 * i), (340, 270 - 8 * i), c, -1)
    skin = (60, 60, 60)
    cv2.line(img, (int(SHOULDER[0]), int(SHOULDER[1])), (int(HIP[0]), int(HIP[1])), skin, 30)
    cv2.line(img, (int(HIP[0]), int(HIP[1])), (int(KNEE[0]), int(KNEE[1])), skin, 20)
    cv2.line(img, (int(KNEE[0]), int(KNEE[1])), (int(ANKLE[0]), int(ANKLE[1])), skin, 14)
    return img


# --- geometry ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("contact", "expected"),
    [((0.0, 0.0), 0.0), ((10.0, 0.0), 1.0), ((5.0, 3.0), 0.5), ((-2.0, 0.0), -0.2)],
)
def test_position_along_back(contact: tuple[float, float], expected: float) -> None:
    assert position_along_back(contact, (0.0, 0.0), (10.0, 0.0)) == pytest.approx(expected)


def test_zone_of() -> None:
    assert zone_of(0.05) is Zone.NECK
    assert zone_of(0.3) is Zone.SHOULDER_BLADES
    assert zone_of(0.6) is Zone.LOWER_BACK


# --- colour hints -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("text", "rgb"),
    [("#1e5aff", (30, 90, 255)), ("30,90,255", (30, 90, 255)), ("Blue", (40, 110, 220)),
     ("1E5AFF", (30, 90, 255))],
)
def test_color_hint_parse(text: str, rgb: tuple[int, int, int]) -> None:
    hint = ColorHint.parse(text)
    assert hint.rgb == rgb
    assert hint.bgr == (rgb[2], rgb[1], rgb[0])


@pytest.mark.parametrize("text", ["", "bleu", "#12345", "1,2", "300,0,0", "#gggggg"])
def test_color_hint_parse_rejects(text: str) -> None:
    with pytest.raises(UsageError, match="roller-color"):
        ColorHint.parse(text)


# --- detection --------------------------------------------------------------------------
def test_no_person() -> None:
    obs = RollerDetector().detect(_scene(), _frame(None))
    assert not obs.found and obs.reason is NotFoundReason.NO_PERSON


def test_disc_across() -> None:
    obs = RollerDetector().detect(_scene("disc"), _frame(_pose()))
    assert obs.found and obs.orientation is Orientation.ACROSS
    assert obs.center_px is not None and obs.position is not None
    assert np.hypot(obs.center_px[0] - 240, obs.center_px[1] - 248) < 0.05 * 141
    assert 0.1 < obs.position < 0.45 and obs.under_back


def test_bar_along() -> None:
    obs = RollerDetector().detect(_scene("bar"), _frame(_pose()))
    assert obs.found and obs.orientation is Orientation.ALONG


def test_nothing_under_the_body() -> None:
    obs = RollerDetector().detect(_scene("none"), _frame(_pose()))
    assert not obs.found and obs.reason in (NotFoundReason.NOT_PRESENT, NotFoundReason.HIDDEN)


def test_color_hint_and_calibrate() -> None:
    img = _scene("disc", color=(40, 40, 200))
    det = RollerDetector(ColorHint.parse("red"))
    assert det.detect(img, _frame(_pose())).found
    hint = RollerDetector().calibrate(img, _frame(_pose()))
    assert np.abs(np.array(hint.bgr) - (40, 40, 200)).max() < 40


# --- tracking ---------------------------------------------------------------------------
def test_tracker_keeps_decays_and_resets() -> None:
    tracker = RollerTracker(keep_frames=3, decay=0.7)
    pose = _pose()
    seen = _scene("disc")
    blank = _scene("none")
    first = tracker.update(seen, _frame(pose, 0))
    assert first.found
    kept = tracker.update(blank, _frame(pose, 1))
    assert kept.found and kept.confidence < first.confidence
    again = tracker.update(blank, _frame(pose, 2))
    assert again.confidence < kept.confidence
    for i in range(3, 6):
        last = tracker.update(blank, _frame(pose, i))
    assert not last.found and tracker.last is None


def test_tracker_rejects_single_jump() -> None:
    tracker = RollerTracker()
    pose = _pose()
    for i in range(3):
        tracker.update(_scene("disc", x=240), _frame(pose, i))
    far = tracker.update(_scene("disc", x=330), _frame(pose, 3))
    assert far.center_px is not None and far.center_px[0] < 260
