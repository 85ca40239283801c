"""Roller stage: geometry, colour hints, detection on drawn images, tracking."""

from __future__ import annotations

from pathlib import Path
from typing import cast

import cv2
import numpy as np
import pytest

from formcheck.errors import UsageError
from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.roller.color import ColorHint
from formcheck.roller.detector import (
    RollerDetector,
    _floor_below,
    _limb_scale,
    _mask_extent,
    _normalise_exposure,
    _quantise,
    _strip_beside,
    build_observation,
)
from formcheck.roller.geometry import Body
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation
from formcheck.roller.support import holds_body_up, torso_side
from formcheck.roller.tracker import RollerTracker

W, H = 640, 360
SHOULDER, HIP, KNEE, ANKLE = (200.0, 200.0), (340.0, 215.0), (430.0, 150.0), (500.0, 270.0)


def _pose(face: tuple[float, float] | None = None) -> Pose:
    """The test pose; ``face``: the nose's offset from the ears, px (None: no face)."""
    xy = np.full((NUM_LANDMARKS, 2), 100.0)
    for side in ("LEFT", "RIGHT"):
        xy[Landmark[f"{side}_SHOULDER"]] = SHOULDER
        xy[Landmark[f"{side}_HIP"]] = HIP
        xy[Landmark[f"{side}_KNEE"]] = KNEE
        xy[Landmark[f"{side}_ANKLE"]] = ANKLE
    if face is not None:
        ear = (SHOULDER[0] - 60.0, SHOULDER[1] - 10.0)
        xy[Landmark.LEFT_EAR] = xy[Landmark.RIGHT_EAR] = ear
        xy[Landmark.NOSE] = (ear[0] + face[0], ear[1] + face[1])
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
@pytest.mark.parametrize(("face", "expected"), [((5.0, -30.0), True), ((-25.0, 20.0), False),
                                                (None, True)])
def test_under_back_needs_face_up(face: tuple[float, float] | None, expected: bool) -> None:
    """Lying face down, what is under the torso is under the chest, not the back."""
    body = Body.from_pose(_pose(face))
    assert body is not None
    contact = (250.0, 225.0)  # under the shoulder blades
    assert body.under_back(contact) is expected
    if face is None:
        assert body.face_up is None
    else:
        assert body.face_up is not None and (body.face_up > 0) is expected


def _body(knee: tuple[float, float] | None, ankle: tuple[float, float] | None) -> Body:
    axis = np.array([1.0, 0.0])
    return Body(shoulder=np.array([100.0, 200.0]), hip=np.array([200.0, 200.0]),
                knee=None if knee is None else np.array(knee),
                ankle=None if ankle is None else np.array(ankle), length=100.0,
                axis=axis, up=np.array([0.0, -1.0]), visibility=1.0)


@pytest.mark.parametrize(("knee", "ankle", "expected"), [
    (None, None, 1.0),                    # no legs: the torso
    ((285.0, 200.0), (370.0, 200.0), 1.0),  # legs in proportion: the torso
    ((200.0, 330.0), (300.0, 330.0), 130.0 / 85.0),  # torso foreshortened: the thigh
    ((285.0, 200.0), (410.0, 200.0), 125.0 / 85.0),  # ... or the shin
    ((90.0, 210.0), None, 1.0),           # thigh folded onto the torso: left out
    ((285.0, 200.0), (165.0, 200.0), 1.0),  # shin folded onto the thigh: left out
])
def test_limb_scale(knee: tuple[float, float] | None, ankle: tuple[float, float] | None,
                    expected: float) -> None:
    """Under a limb, a roller's size is judged against the least foreshortened segment."""
    assert _limb_scale(_body(knee, ankle)) == pytest.approx(expected, rel=1e-3)


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


def test_disc_across_with_a_smaller_mask() -> None:
    """The segmentation mask may come at half the frame's size (the model saw a scaled
    copy): the roller is still found where it is."""
    mask = np.zeros((H // 2, W // 2), np.float32)
    for a, b, t in ((SHOULDER, HIP, 30), (HIP, KNEE, 20), (KNEE, ANKLE, 14)):
        cv2.line(mask, (int(a[0] / 2), int(a[1] / 2)), (int(b[0] / 2), int(b[1] / 2)), 1.0,
                 t // 2)
    pf = PoseFrame(index=0, t_ms=0.0, width=W, height=H, pose=_pose(), mask=mask)
    obs = RollerDetector().detect(_scene("disc"), pf)
    assert obs.found and obs.center_px is not None
    assert np.hypot(obs.center_px[0] - 240, obs.center_px[1] - 248) < 0.05 * 141


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


@pytest.mark.model
@pytest.mark.parametrize("scene", ["good", "roller_along_spine", "low_light"])
def test_a_calibrated_hint_finds_the_roller_it_was_learned_from(
        scene: str, model_path: Path) -> None:
    """live's ``c`` key: the colour learned from a found roller must find it again. Its
    tolerance came from the pixels' spread in BGR (a shaded cylinder: up to 70 Lab
    units), so the hint covered the grey room too and the roller was lost; now from the
    roller's own Lab distances, kept clear of the rest of the image."""
    from formcheck.pose.landmarker import Mode, PoseLandmarker
    from formcheck.scenes import iter_scene

    # the person's mask on, as live and analyze run the model
    with PoseLandmarker(model_path, Mode.IMAGE, segmentation=True) as lm:
        for img, truth in list(iter_scene(scene, (W, H), seconds=1.0, seed=20))[4:6]:
            pf = lm.detect(img)
            det = RollerDetector()
            assert det.detect(img, pf).found
            hint = det.calibrate(img, pf)
            again = det.detect(img, pf)
            assert again.found and hint.tolerance <= 45.0
            assert again.center_px is not None
            assert float(np.hypot(again.center_px[0] - truth.roller.center_px[0],
                                  again.center_px[1] - truth.roller.center_px[1])) < 30.0


def test_normalise_exposure() -> None:
    dim = np.full((20, 20, 3), 60, np.uint8)
    out = _normalise_exposure(dim, cv2)
    assert 120 <= int(out.mean()) <= 160  # gain capped at 2.5
    bright = np.full((20, 20, 3), 230, np.uint8)
    assert _normalise_exposure(bright, cv2) is bright


def test_strip_is_a_mat_not_the_roller() -> None:
    """A colour running 300 px along the floor is a strip; a 40 px blob beside it is not."""
    small = np.full((60, 320, 3), (90, 130, 170), np.uint8)
    small[40:50, 5:315] = (40, 160, 60)  # the mat
    small[20:50, 140:180] = (40, 40, 200)  # the roller, on it
    unlike = np.where((small != (90, 130, 170)).any(axis=2), 255, 0).astype(np.uint8)
    search = np.full(unlike.shape, 255, np.uint8)
    strip = RollerDetector._strip(_quantise(small, cv2), unlike, search, 200.0, cv2)
    assert strip is not None
    assert strip[45, 20] and strip[45, 300] and not strip[30, 160]
    assert RollerDetector._strip(_quantise(small, cv2), unlike, search, 400.0, cv2) is None
    # a piece of the mat has the mat going on beside it; the roller does not
    piece = np.ones((10, 40), bool)
    assert _strip_beside(strip, piece, 60, 40, 30.0)
    roller = np.ones((30, 40), bool)
    assert not _strip_beside(strip, roller, 140, 20, 30.0)


def test_floor_below_goes_on_beside_the_person() -> None:
    """A mat is measured under the person and, past its head and feet, below its lowest
    point (not beside a raised head, where the skirting board is)."""
    person = np.zeros((60, 100), np.uint8)
    person[10:30, 30:70] = 255  # the body, its underside at row 29
    person[5:20, 20:30] = 255  # a raised head
    under = np.maximum.accumulate(person, axis=0)
    below = _floor_below(person, under, np.asarray(cv2.bitwise_not(person), np.uint8))
    assert below[40, 50] and not below[20, 50]  # under the body, not the body
    assert below[40, 5] and below[40, 90]  # the floor beside it, below its lowest point
    assert not below[25, 5] and not below[25, 90]  # beside it, higher up: the wall's


def test_gap_must_face_the_torso() -> None:
    """A candidate holds the body up with a gap beside it, not only on the side away from
    the middle of the torso (the mat's end past the head: open beyond the head, the back
    lying on the mat on the torso's side). Working px; the middle of the torso at x 150."""
    filled = np.zeros((40, 200), bool)
    filled[:, 60:] = True  # the body (or the mat) right of the candidate, nothing left
    lab_ab = np.full((40, 200, 2), 128.0, np.float32)  # grey: no own hue to follow
    sub = np.ones((16, 16), bool)  # the candidate at x 40..55, y 10..25
    toward = torso_side(47.5, 47.5, 150.0)
    assert toward == 1
    assert holds_body_up(sub, 40, 10, filled, lab_ab, 12.0)  # a gap on one side
    assert not holds_body_up(sub, 40, 10, filled, lab_ab, 12.0, toward)  # the wrong one
    # the gap on the torso's side (the middle at x 190), the other side closed (the
    # head resting on the floor past a roller under the neck)
    flipped = filled[:, ::-1].copy()  # filled left of x 140, the candidate at 144..159
    assert holds_body_up(sub, 144, 10, flipped, lab_ab, 12.0, torso_side(151.5, 151.5, 190.0))
    # a bar along the spine spanning the middle has no side facing it
    assert torso_side(100.0, 200.0, 150.0) is None


def test_mask_extent_maps_a_smaller_mask() -> None:
    """The mask may be smaller than the frame: its box comes back in frame px."""
    mask = np.zeros((180, 320), np.float32)
    mask[50:100, 40:200] = 1.0
    pf = PoseFrame(index=0, t_ms=0.0, width=W, height=H, pose=_pose(), mask=mask)
    assert _mask_extent(pf, cv2) == pytest.approx((80.0, 100.0, 400.0, 200.0))
    assert _mask_extent(_frame(_pose()), cv2) is None


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



class _Scripted:
    """A detector that returns the given observations in turn (the tracker's logic alone)."""

    def __init__(self, obs: list[RollerObservation]) -> None:
        self.obs = obs

    def detect(self, image: object, pose_frame: object, prior: object = None,
               body: object = None) -> RollerObservation:
        return self.obs.pop(0)


def _tracker(script: _Scripted, min_interval_ms: float = 0.0) -> RollerTracker:
    """A tracker over a scripted detector: it has the detectors' ``detect``, not their type."""
    return RollerTracker(cast(RollerDetector, script), min_interval_ms=min_interval_ms)


def test_tracker_carries_the_ends_through_a_blend_and_a_miss() -> None:
    # given two finds 2 px apart with ends named in opposite order, then a miss
    pose_frame = _frame(_pose())
    body = Body.from_pose(pose_frame.pose) if pose_frame.pose is not None else None
    assert body is not None
    first = build_observation((270.0, 230.0), (60.0, 20.0), 0.0, Orientation.ACROSS, body,
                              0.9, ((240.0, 230.0), (300.0, 230.0)))
    second = build_observation((272.0, 230.0), (60.0, 20.0), 0.0, Orientation.ACROSS, body,
                               0.9, ((302.0, 230.0), (242.0, 230.0)))
    tracker = _tracker(_Scripted([first, second,
                                  RollerObservation.missing(NotFoundReason.HIDDEN)]))
    img = np.zeros((H, W, 3), np.uint8)

    # when
    tracker.update(img, pose_frame)
    blended = tracker.update(img, pose_frame)
    kept = tracker.update(img, pose_frame)

    # then the ends stay 60 px apart about the blended centre, and survive the miss
    assert blended.ends_px is not None and blended.center_px is not None
    (x0, _), (x1, _) = blended.ends_px
    assert abs(x1 - x0) == pytest.approx(60.0) and (x0 + x1) / 2 == pytest.approx(
        blended.center_px[0])
    assert blended.diameter_px == pytest.approx(20.0)
    assert kept.found and kept.ends_px == blended.ends_px


def test_tracker_detects_at_most_once_per_interval_and_holds_between() -> None:
    """The learned detector's network runs in every other frame at 30 frames a second:
    the frames between hold the track, confidence kept; a miss is not held; time going
    back (a new stream) detects at once."""
    pose = _pose()
    body = Body.from_pose(pose)
    assert body is not None
    find = build_observation((270.0, 230.0), (60.0, 20.0), 0.0, Orientation.ACROSS, body,
                             0.8, None)
    moved = build_observation((280.0, 230.0), (60.0, 20.0), 0.0, Orientation.ACROSS, body,
                              0.8, None)
    miss = RollerObservation.missing(NotFoundReason.NOT_PRESENT)
    script = _Scripted([miss, find, moved, moved, find])
    tracker = _tracker(script, min_interval_ms=60.0)
    img = np.zeros((H, W, 3), np.uint8)

    def at(t_ms: float) -> RollerObservation:
        return tracker.update(img, PoseFrame(index=0, t_ms=t_ms, width=W, height=H,
                                             pose=pose))

    # when frames come every 33 ms
    first = at(0.0)  # a miss: nothing to hold, so the next frame detects
    found = at(33.0)
    held = at(66.0)
    blended = at(99.0)
    # then the frame 33 ms after a detection holds it, the next one detects again
    assert not first.found and found.found
    assert held.found and held.center_px == found.center_px
    assert held.confidence == pytest.approx(found.confidence)
    assert blended.center_px is not None and blended.center_px[0] > 270.0
    assert len(script.obs) == 2
    # and a stream starting over detects in its first frame
    at(0.0)
    assert len(script.obs) == 1
    # and after a miss the next frame looks again, however soon (a lost track is not
    # held at its old confidence)
    lost = _tracker(_Scripted([find, miss, find, find]), min_interval_ms=60.0)
    lost.update(img, PoseFrame(index=0, t_ms=0.0, width=W, height=H, pose=pose))
    lost.update(img, PoseFrame(index=1, t_ms=66.0, width=W, height=H, pose=pose))
    after_miss = lost.update(img, PoseFrame(index=2, t_ms=99.0, width=W, height=H, pose=pose))
    assert len(cast(_Scripted, lost.detector).obs) == 1 and after_miss.found
    # without an interval, every frame is detected
    every = _tracker(_Scripted([find, find, find]))
    for k in range(3):
        every.update(img, PoseFrame(index=k, t_ms=33.0 * k, width=W, height=H, pose=pose))
    assert not cast(_Scripted, every.detector).obs
