"""The overlay drawn over each frame, shared by ``analyze`` and ``live``.

It shows the skeleton with the near side emphasised, the roller's outline and contact
point, a panel with each check's status colour and value, the active cue in large
type, an optional heads-up line (timer, fps, strokes, keys) and a small timeline.
Everything scales with the frame: sizes are in units of ``min(width, height) / 720``
so the overlay is legible from 640x360 to 4K. Coordinates are image pixels.

The cue's banner covers neither the person nor the roller where the frame allows: it
goes in the band above the timeline or in the top band beside the panel, whichever
overlaps less of the body's and the roller's boxes (then whichever is further from
them), never over the panel, the heads-up lines or the timeline.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.body import FAULT_HELD, MESSAGES
from formcheck.evaluator.results import FrameVerdict, SetupCode
from formcheck.lazy import cv2 as _cv2
from formcheck.pose.landmarks import SIDE_LANDMARKS, SKELETON_EDGES
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import CHECK_LABELS, CheckId, Orientation, Side, Status

# BGR colours.
STATUS_BGR: dict[Status, tuple[int, int, int]] = {
    Status.OK: (94, 190, 76),
    Status.FAULT: (64, 64, 235),
    Status.UNKNOWN: (165, 165, 165),
}
# Values written on the dark panel: the fault red lightened (about as bright as the
# green) so that it reads on the panel; still clearly red. The dots keep STATUS_BGR.
STATUS_TEXT_BGR: dict[Status, tuple[int, int, int]] = {
    **STATUS_BGR,
    Status.FAULT: (100, 110, 255),
}
CUE_BGR = (255, 255, 255)
SETUP_BGR = (40, 190, 255)  # amber: set-up guidance, not a form fault
NEAR_BGR = (255, 200, 60)
FAR_BGR = (170, 140, 90)
ROLLER_BGR = (255, 120, 230)
PANEL_BG = (28, 28, 28)  # a grey: _shade relies on the three being equal

_UNIT_TEXT = {"deg": "\u00b0", "cm/s": " cm/s"}


def format_value(verdict: FrameVerdict, check: CheckId) -> str:
    """The check's value as short text: "92 deg", "shoulder blades", "8.1 cm/s", "?"."""
    v = verdict.checks[check]
    if check is CheckId.ROLLER_POSITION:
        if v.zone:
            return v.zone.value.replace("_", " ")
        # an ok with no zone: read just past the shoulder blades' edge, inside them a
        # moment ago (temporal.edge_hold_s)
        return "edge" if v.frame_status is Status.OK else "?"
    if check is CheckId.ROLLER_ACROSS_BACK:
        # unknown (orientation unclear, held, gated): "?", not "across", whatever the value
        if v.status is Status.UNKNOWN:
            return "?"
        return "along spine" if v.frame_status is Status.FAULT else "across"
    if check is CheckId.HIP_HEIGHT and v.value is not None:
        # a height above a body line means little as a number: say it in words
        if v.frame_status is Status.FAULT:
            return "high"
        return "lifted" if v.value > 0 else "down"
    if v.value is None:
        return "?"
    unit = "deg" if v.unit == "deg" else v.unit
    return f"{v.value:.0f}{'°' if unit == 'deg' else _UNIT_TEXT.get(unit, ' ' + unit)}"


@dataclass
class Timeline:
    """A strip of the worst status per moment, filled as frames arrive.

    Args:
        duration_s: time span shown, s (the clip's length for a recording, a rolling
            window for live use).
        columns: resolution of the strip.
        rolling: True keeps the latest ``duration_s`` (live); False fixes 0..duration.
    """

    duration_s: float
    columns: int = 240
    rolling: bool = False
    _codes: NDArray[np.int16] = field(init=False, repr=False)
    _owner: NDArray[np.int64] = field(init=False, repr=False)
    _t0: float | None = field(default=None, init=False, repr=False)
    _latest: int = field(default=-1, init=False, repr=False)

    def __post_init__(self) -> None:
        self._codes = np.full(self.columns, -1, dtype=np.int16)
        self._owner = np.full(self.columns, -1, dtype=np.int64)

    def push(self, t_s: float, statuses: Sequence[Status]) -> None:
        """Record the frame at ``t_s`` (s): fault beats ok beats unknown."""
        code = 2 if Status.FAULT in statuses else (1 if Status.OK in statuses else 0)
        if self._t0 is None:
            self._t0 = t_s
        col = int((t_s - self._t0) / max(self.duration_s, 1e-6) * self.columns)
        if not self.rolling:
            col = min(max(col, 0), self.columns - 1)
        # A frame stands for the time up to the next one: fill the columns in between.
        first = col if self._latest < 0 else min(col, max(self._latest + 1, col - self.columns))
        for c in range(first, col + 1):
            slot = c % self.columns  # a ring buffer when rolling; plain index otherwise
            if self._owner[slot] != c:
                self._owner[slot], self._codes[slot] = c, -1
            self._codes[slot] = max(int(self._codes[slot]), code)
        self._latest = max(self._latest, col)

    def colours(self) -> NDArray[np.uint8]:
        """(columns, 3) BGR colours, oldest first; columns not yet reached are dark."""
        palette = np.array(
            [(60, 60, 60), STATUS_BGR[Status.UNKNOWN], STATUS_BGR[Status.OK],
             STATUS_BGR[Status.FAULT]], dtype=np.uint8,
        )
        codes = self._codes
        if self.rolling and self._latest >= self.columns:
            cols = np.arange(self._latest - self.columns + 1, self._latest + 1)
            slots = cols % self.columns
            codes = np.where(self._owner[slots] == cols, self._codes[slots], -1)
        return palette[codes + 1]


@dataclass(frozen=True)
class Hud:
    """Extra lines for live use (all optional): timer, frame rate, strokes, key help."""

    lines: tuple[str, ...] = ()
    footer: str = ""


def _scale(image: NDArray[np.uint8]) -> float:
    return max(float(min(image.shape[0], image.shape[1])) / 720.0, 0.45)


def _shade(image: NDArray[np.uint8], x0: int, y0: int, x1: int, y1: int, alpha: float) -> None:
    """Darken a rectangle in place (a translucent panel), clipped to the image."""
    h, w = image.shape[:2]
    x0, y0, x1, y1 = max(x0, 0), max(y0, 0), min(x1, w), min(y1, h)
    if x1 > x0 and y1 > y0:
        roi = image[y0:y1, x0:x1]
        # PANEL_BG is a grey, so one scale-and-shift does it (in place, saturating):
        # several times cheaper than float arithmetic over the panel.
        _cv2().convertScaleAbs(roi, dst=roi, alpha=1.0 - alpha, beta=PANEL_BG[0] * alpha)


def debug_caption(image: NDArray[np.uint8], text: str, baseline_y: int, scale: float,
                  lw: int, cv2: Any) -> None:
    """One line of the debug views' white text at the left edge, its baseline at
    ``baseline_y`` (image px), on a darkened band (in place): a black edge alone is
    lost over a bright window or a white wall."""
    (tw, th), below = cv2.getTextSize(text, cv2.FONT_HERSHEY_SIMPLEX, scale, 3 * lw)
    _shade(image, 0, baseline_y - th - 6, tw + 16, baseline_y + below + 4, 0.65)
    cv2.putText(image, text, (8, baseline_y), cv2.FONT_HERSHEY_SIMPLEX, scale, (0, 0, 0),
                3 * lw, cv2.LINE_AA)
    cv2.putText(image, text, (8, baseline_y), cv2.FONT_HERSHEY_SIMPLEX, scale,
                (255, 255, 255), lw, cv2.LINE_AA)


def _text(
    cv2: Any, image: NDArray[np.uint8], text: str, org: tuple[int, int], scale: float,
    colour: tuple[int, int, int], thickness: int,
) -> None:
    """``text`` in ``colour`` at ``org`` (baseline start, image px) over a tight black
    drop shadow: the same glyphs at the same weight, shifted down-right by about 1 px
    per unit of font scale. (A heavier black copy would be wider, as OpenCV's fonts
    widen with the weight, and show as a ghost beside the last letter.)"""
    o = max(1, round(scale))
    cv2.putText(image, text, (org[0] + o, org[1] + o), cv2.FONT_HERSHEY_DUPLEX, scale,
                (0, 0, 0), thickness, cv2.LINE_AA)
    cv2.putText(image, text, org, cv2.FONT_HERSHEY_DUPLEX, scale, colour, thickness, cv2.LINE_AA)


def draw_skeleton(
    image: NDArray[np.uint8], xy: NDArray[np.float64], near_side: Side | None, s: float
) -> None:
    """Bones and joints; the near side thick and bright, the far side thin and dim."""
    cv2 = _cv2()
    near = set(SIDE_LANDMARKS[near_side].values()) if near_side is not None else set()
    finite: NDArray[np.bool_] = np.asarray(np.isfinite(xy).all(axis=1))
    # every point rounded at once (the same pixels as one at a time, without numpy's
    # call overhead three dozen times a frame); a point not seen is never drawn
    px = np.round(np.where(finite[:, None], xy, 0.0)).astype(int).tolist()
    for a, b in SKELETON_EDGES:
        if not (finite[a] and finite[b]):
            continue
        is_near = a in near and b in near
        colour = NEAR_BGR if is_near else FAR_BGR
        thick = max(1, round((5 if is_near else 2) * s))
        cv2.line(image, tuple(px[a]), tuple(px[b]), colour, thick, cv2.LINE_AA)
    for i in np.flatnonzero(finite).tolist():
        if i <= 10 and i != 0:
            continue  # face points clutter; the nose stands for the head
        r = max(2, round((6 if i in near else 3) * s))
        cv2.circle(image, tuple(px[i]), r, NEAR_BGR if i in near else FAR_BGR, -1,
                   cv2.LINE_AA)


def draw_roller(image: NDArray[np.uint8], roller: RollerObservation, s: float) -> None:
    """The roller's outline (ellipse or bar), centre and contact point."""
    if not roller.found or roller.center_px is None or roller.size_px is None:
        return
    cv2 = _cv2()
    cx, cy = roller.center_px
    length, thick = roller.size_px
    axes = (max(int(length / 2), 1), max(int(thick / 2), 1))
    lw = max(1, round(3 * s))
    cv2.ellipse(image, (int(cx), int(cy)), axes, roller.angle_deg, 0, 360, ROLLER_BGR, lw,
                cv2.LINE_AA)
    if roller.contact_px is not None:
        px, py = (int(v) for v in roller.contact_px)
        cv2.circle(image, (px, py), max(3, round(8 * s)), ROLLER_BGR, -1, cv2.LINE_AA)
        cv2.circle(image, (px, py), max(3, round(8 * s)), (255, 255, 255), max(1, round(s)),
                   cv2.LINE_AA)
    if roller.orientation is Orientation.ALONG:
        _text(cv2, image, "along spine", (int(cx - axes[0]), int(cy + axes[1] + 24 * s)),
              0.6 * s, ROLLER_BGR, max(1, round(s)))


def draw_panel(image: NDArray[np.uint8], verdict: FrameVerdict, s: float) -> None:
    """The checks panel, top-left: a status dot, the check's name and its value."""
    cv2 = _cv2()
    row_h = int(34 * s)
    pad = int(10 * s)
    width = int(360 * s)
    height = pad * 2 + row_h * len(CHECK_LABELS)
    _shade(image, pad, pad, pad + width, pad + height, 0.6)
    fs, th = 0.62 * s, max(1, round(1.2 * s))
    for k, (check, label) in enumerate(CHECK_LABELS.items()):
        v = verdict.checks.get(check)
        status = v.status if v is not None else Status.UNKNOWN
        y = pad + pad + row_h * k + int(row_h * 0.7)
        cv2.circle(image, (pad + int(18 * s), y - int(7 * s)), int(9 * s), STATUS_BGR[status],
                   -1, cv2.LINE_AA)
        _text(cv2, image, label, (pad + int(36 * s), y), fs, (240, 240, 240), th)
        value = format_value(verdict, check) if v is not None else "?"
        (tw, _), _ = cv2.getTextSize(value, cv2.FONT_HERSHEY_DUPLEX, fs, th)
        _text(cv2, image, value, (pad + width - pad - tw, y), fs, STATUS_TEXT_BGR[status], th)


@dataclass(frozen=True)
class Rect:
    """An axis-aligned rectangle in image px: ``x0 <= x < x1``, ``y0 <= y < y1``."""

    x0: float
    y0: float
    x1: float
    y1: float

    def overlap(self, other: Rect) -> float:
        """The area both rectangles cover, px^2 (0 when apart)."""
        w = min(self.x1, other.x1) - max(self.x0, other.x0)
        h = min(self.y1, other.y1) - max(self.y0, other.y0)
        return max(w, 0.0) * max(h, 0.0)

    def gap(self, other: Rect) -> float:
        """The distance between the two rectangles, px (0 when they touch or overlap)."""
        dx = max(other.x0 - self.x1, self.x0 - other.x1, 0.0)
        dy = max(other.y0 - self.y1, self.y0 - other.y1, 0.0)
        return math.hypot(dx, dy)


def body_rect(xy: NDArray[np.float64] | None, s: float) -> Rect | None:
    """The box around the finite landmarks (px), widened by about 16 px at 720p for
    the flesh around the joints; None without two finite landmarks."""
    if xy is None:
        return None
    pts = xy[np.isfinite(xy).all(axis=1)]
    if len(pts) < 2:
        return None
    m = 16 * s
    (x0, y0), (x1, y1) = pts.min(axis=0), pts.max(axis=0)
    return Rect(float(x0) - m, float(y0) - m, float(x1) + m, float(y1) + m)


def roller_rect(roller: RollerObservation | None) -> Rect | None:
    """The box around the roller's drawn ellipse (px), or None when it was not found."""
    if roller is None or not roller.found or roller.center_px is None or roller.size_px is None:
        return None
    cx, cy = roller.center_px
    a, b = roller.size_px[0] / 2, roller.size_px[1] / 2
    t = math.radians(roller.angle_deg)
    ex = math.hypot(a * math.cos(t), b * math.sin(t))
    ey = math.hypot(a * math.sin(t), b * math.cos(t))
    return Rect(cx - ex, cy - ey, cx + ex, cy + ey)


def panel_rect(s: float) -> Rect:
    """Where :func:`draw_panel` draws the checks panel (top-left), px."""
    pad, row_h, width = int(10 * s), int(34 * s), int(360 * s)
    return Rect(pad, pad, pad + width, pad + pad * 2 + row_h * len(CHECK_LABELS))


def timeline_rect(image: NDArray[np.uint8], s: float) -> Rect:
    """Where :func:`draw_timeline` draws the strip (bottom edge), px."""
    h, w = image.shape[:2]
    strip_h, margin = max(4, int(10 * s)), int(10 * s)
    return Rect(margin, h - margin - strip_h, w - margin, h - margin)


def hud_rects(image: NDArray[np.uint8], hud: Hud, s: float) -> list[Rect]:
    """Where :func:`draw_hud` draws its lines (top-right, and the footer), px."""
    cv2 = _cv2()
    h, w = image.shape[:2]
    fs, th = 0.62 * s, max(1, round(1.2 * s))
    rects, y = [], int(34 * s)
    for line in hud.lines:
        (tw, _), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_DUPLEX, fs, th)
        rects.append(Rect(w - tw - int(22 * s), y - int(24 * s), w - int(8 * s), y + int(9 * s)))
        y += int(34 * s)
    if hud.footer:
        (tw, tht), base = cv2.getTextSize(hud.footer, cv2.FONT_HERSHEY_DUPLEX, 0.5 * s,
                                          max(1, round(s)))
        fy = h - int(30 * s)
        rects.append(Rect(int(12 * s), fy - tht, int(12 * s) + tw, fy + base))
    return rects


def place_cue(
    image: NDArray[np.uint8], text: str, s: float, *, avoid: Sequence[Rect] = (),
    taken: Sequence[Rect] = (),
) -> tuple[Rect, tuple[int, int], float]:
    """Where the cue's banner goes: its rectangle, the text's origin (baseline start)
    and font scale, all px.

    Two places are tried: the band above everything drawn along the bottom (the
    timeline, the key help), centred; and the top band, beside what is drawn along the
    top (the panel, the heads-up lines) where the text fits there at 80% of its size
    or more, else under them. The one overlapping less of ``avoid`` (the body, the
    roller) wins, then the one further from them, then the bottom one. The text is
    scaled down to fit 90% of the width it has.

    Args:
        avoid: rectangles the banner should not cover (the body's, the roller's), px.
        taken: rectangles it must not cover (the panel, heads-up lines, timeline), px.
    """
    cv2 = _cv2()
    h, w = image.shape[:2]
    pad_x, pad_top, pad_bottom, gap = int(20 * s), int(18 * s), int(14 * s), int(8 * s)
    base_fs, th = 1.25 * s, max(2, round(2.5 * s))

    def fit(width: float) -> tuple[float, int, int, int]:
        fs = base_fs
        (tw, tht), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, fs, th)
        while tw > width * 0.9 and fs > 0.4:
            fs *= 0.9
            (tw, tht), base = cv2.getTextSize(text, cv2.FONT_HERSHEY_DUPLEX, fs, th)
        return fs, tw, tht, base

    def banner(fs: float, tw: int, tht: int, base: int, cx: float, top: float,
               ) -> tuple[Rect, tuple[int, int], float]:
        x = round(cx - tw / 2)
        baseline = int(top) + pad_top + tht
        rect = Rect(x - pad_x, int(top), x + tw + pad_x, baseline + base + pad_bottom)
        return rect, (x, baseline), fs

    full = fit(w)
    band_h = pad_top + full[2] + full[3] + pad_bottom
    # bottom: above the lowest things drawn (timeline, key help), centred
    tops = [r.y0 for r in taken if r.y0 > h / 2]
    bottom = banner(*full, w / 2, min(tops, default=h) - gap - band_h)
    # top: beside the things drawn along the top edge when the text fits there
    upper = [r for r in taken if r.y1 <= h / 2]
    left_edge = max((r.x1 for r in upper if r.x0 < w / 2), default=0.0) + gap
    right_edge = min((r.x0 for r in upper if r.x0 >= w / 2), default=float(w)) - gap
    beside = fit(right_edge - left_edge)
    if right_edge > left_edge and beside[0] >= 0.8 * base_fs:
        top = banner(*beside, (left_edge + right_edge) / 2, gap)
    else:
        top = banner(*full, w / 2, max((r.y1 for r in upper), default=0.0) + gap)

    def cost(candidate: tuple[Rect, tuple[int, int], float]) -> tuple[float, float]:
        rect = candidate[0]
        covered = sum(rect.overlap(r) for r in avoid)
        clearance = min((rect.gap(r) for r in avoid), default=0.0)
        return covered, -clearance

    return min((bottom, top), key=cost)  # a tie keeps the bottom


def draw_cue(
    image: NDArray[np.uint8], text: str, colour: tuple[int, int, int], s: float, *,
    avoid: Sequence[Rect] = (), taken: Sequence[Rect] = (),
) -> Rect:
    """One cue in large type on a dark band, placed by :func:`place_cue`; its band."""
    rect, org, fs = place_cue(image, text, s, avoid=avoid, taken=taken)
    _shade(image, int(rect.x0), int(rect.y0), int(rect.x1), int(rect.y1), 0.65)
    _text(_cv2(), image, text, org, fs, colour, max(2, round(2.5 * s)))
    return rect


def draw_timeline(image: NDArray[np.uint8], timeline: Timeline, s: float) -> None:
    """The timeline strip along the bottom edge."""
    h, w = image.shape[:2]
    strip_h = max(4, int(10 * s))
    margin = int(10 * s)
    x0, x1 = margin, w - margin
    y0 = h - margin - strip_h
    colours = timeline.colours()
    cols = np.linspace(0, len(colours) - 1, max(x1 - x0, 1)).astype(int)
    image[y0 : y0 + strip_h, x0:x1] = colours[cols][None, :, :]


def draw_hud(image: NDArray[np.uint8], hud: Hud, s: float) -> None:
    """Heads-up lines at the top-right and a footer line (key help) at the bottom-left."""
    cv2 = _cv2()
    h, w = image.shape[:2]
    fs, th = 0.62 * s, max(1, round(1.2 * s))
    y = int(34 * s)
    for line in hud.lines:
        (tw, _), _ = cv2.getTextSize(line, cv2.FONT_HERSHEY_DUPLEX, fs, th)
        _shade(image, w - tw - int(22 * s), y - int(24 * s), w - int(8 * s), y + int(9 * s), 0.55)
        _text(cv2, image, line, (w - tw - int(15 * s), y), fs, (240, 240, 240), th)
        y += int(34 * s)
    if hud.footer:
        _text(cv2, image, hud.footer, (int(12 * s), h - int(30 * s)), 0.5 * s, (230, 230, 230),
              max(1, round(s)))


Banner = Callable[[str], NDArray[np.uint8]]
"""A copy of the drawn frame with a given cue's text in the banner."""


def draw_overlay(
    image: NDArray[np.uint8],
    verdict: FrameVerdict | None,
    roller: RollerObservation | None = None,
    *,
    landmarks_px: NDArray[np.float64] | None = None,
    timeline: Timeline | None = None,
    hud: Hud | None = None,
    message: str | None = None,
    before_cue: Callable[[Banner], None] | None = None,
) -> NDArray[np.uint8]:
    """Draw the whole overlay onto ``image`` in place and return it.

    Args:
        image: (H, W, 3) BGR frame, drawn on in place.
        verdict: the evaluator's verdict for this frame (None: nothing evaluated yet).
        roller: the roller observation, drawn when found.
        landmarks_px: (33, 2) px landmarks to draw; default the verdict's smoothed ones.
        timeline: drawn along the bottom when given.
        hud: live extras (timer, fps, keys).
        message: a line that overrides the cue (e.g. "Paused", the safety notice).
        before_cue: called with a :data:`Banner` once all but the cue is drawn: a
            picture of a fault can then show that fault's own cue, whatever cue the
            frame shows (the report's thumbnails).
    """
    s = _scale(image)
    xy = landmarks_px if landmarks_px is not None else (
        verdict.landmarks_px if verdict is not None else None)
    if xy is not None:
        draw_skeleton(image, xy, verdict.near_side if verdict else None, s)
    if roller is not None:
        draw_roller(image, roller, s)
    taken: list[Rect] = []
    if verdict is not None:
        draw_panel(image, verdict, s)
        taken.append(panel_rect(s))
    if hud is not None:
        draw_hud(image, hud, s)
        taken += hud_rects(image, hud, s)
    if timeline is not None:
        draw_timeline(image, timeline, s)
        taken.append(timeline_rect(image, s))
    avoid = [r for r in (body_rect(xy, s), roller_rect(roller)) if r is not None]

    if before_cue is not None:
        def banner(text: str) -> NDArray[np.uint8]:
            copy = image.copy()
            draw_cue(copy, text, CUE_BGR, s, avoid=avoid, taken=taken)
            return copy

        before_cue(banner)
    line = cue_line(verdict, message)
    if line is not None:
        draw_cue(image, *line, s, avoid=avoid, taken=taken)
    return image


def cue_line(
    verdict: FrameVerdict | None, message: str | None,
) -> tuple[str, tuple[int, int, int]] | None:
    """The banner's text and colour: the message, else the cue, else the set-up's
    guidance (amber), else the camera move while a fault waits for it, else None."""
    if message:
        return message, SETUP_BGR
    if verdict is None:
        return None
    if verdict.cue is not None:
        return verdict.cue.text, CUE_BGR
    if not verdict.setup.ok and verdict.setup.message:
        return verdict.setup.message, SETUP_BGR
    if any(v.reason == FAULT_HELD for v in verdict.checks.values()):
        return MESSAGES[SetupCode.CAMERA_TOO_FAR_ROUND], SETUP_BGR
    return None
