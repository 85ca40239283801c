"""The roller's debug drawing: both ends and the axis where the detector gives them."""

from __future__ import annotations

import numpy as np

from formcheck.overlay.roller_debug import draw_roller
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import Orientation, RollerObservation

CYAN = np.array([255, 255, 0])


def _cyan(img: np.ndarray) -> np.ndarray:
    mask: np.ndarray = np.all(img == CYAN, axis=2)
    return mask


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


def test_a_find_too_unsure_to_report_is_outlined_in_grey() -> None:
    """The learned detector does not report a find under its confidence floor; the debug
    view still shows its outline, in grey, so what was seen and why it was not taken can
    be judged."""
    from formcheck.overlay.roller_debug import UNSURE_GREY
    from formcheck.roller.detector import Blob
    from formcheck.roller.observation import NotFoundReason

    img = np.zeros((200, 400, 3), np.uint8)
    square = np.array([[150.0, 80.0], [250.0, 80.0], [250.0, 120.0], [150.0, 120.0]])
    blob = Blob(outline=square, mean_bgr=(0.0, 0.0, 0.0), spread=0.0, score=0.03)
    frame = PoseFrame(index=0, t_ms=0.0, width=400, height=200, pose=None)
    out = draw_roller(img, frame, RollerObservation.missing(NotFoundReason.HIDDEN), blob)
    def grey(a: np.ndarray) -> np.ndarray:  # anti-aliased: near the grey, channels equal
        g = a.astype(int)
        near: np.ndarray = (np.abs(g - np.array(UNSURE_GREY)).max(axis=2) < 60) & (
            g[..., 0] > 60) & (np.ptp(g, axis=2) < 6)
        return near

    assert grey(out)[78:83, 150:250].sum() > 50 and not grey(out)[95:105, 180:220].any()
    # without a blob nothing is outlined there
    bare = draw_roller(img, frame, RollerObservation.missing(NotFoundReason.HIDDEN))
    assert not grey(bare)[60:140, 140:260].any()


def test_a_kept_track_does_not_draw_an_unsure_find_as_the_roller() -> None:
    """The tracker keeps its estimate through a frame whose find was too unsure to
    report: that find is outlined in grey, not in the roller's magenta."""
    from formcheck.overlay.roller_debug import UNSURE_GREY
    from formcheck.roller.detector import Blob

    img = np.zeros((200, 400, 3), np.uint8)
    square = np.array([[150.0, 80.0], [250.0, 80.0], [250.0, 120.0], [150.0, 120.0]])
    frame = PoseFrame(index=0, t_ms=0.0, width=400, height=200, pose=None)
    kept = RollerObservation(found=True, center_px=(200.0, 100.0), size_px=(40.0, 40.0),
                             orientation=Orientation.ACROSS, confidence=0.5)
    for score, colour in ((0.03, UNSURE_GREY), (0.8, (255, 0, 255))):
        blob = Blob(outline=square, mean_bgr=(0.0, 0.0, 0.0), spread=0.0, score=score)
        out = draw_roller(img, frame, kept, blob).astype(int)
        near = np.abs(out[78:83, 150:250] - np.array(colour)).max(axis=2) < 60
        assert near.sum() > 50


def test_the_caption_reads_over_a_white_image() -> None:
    # given a white photo (a bright window behind the person)
    img = np.full((200, 400, 3), 255, np.uint8)
    frame = PoseFrame(index=0, t_ms=0.0, width=400, height=200, pose=None)
    # when the debug view draws its caption
    out = draw_roller(img, frame, RollerObservation(found=False))
    # then the caption sits on a darkened band: dark pixels round white letters
    band = out[5:25, 8:120].astype(int).sum(axis=2)  # where the caption's letters run
    assert (band < 400).mean() > 0.5  # mostly darkened
    assert (band > 700).any()  # round white letters
    assert out[100:, :].min() == 255  # the rest of the photo untouched
