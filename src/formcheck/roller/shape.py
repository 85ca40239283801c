"""Finding a roller of the floor's own colour by its outline: the end-on disc.

The colour passes of :mod:`formcheck.roller.detector` find what is unlike the room; a
blue roller on a blue mat, or a black roller on a dark floor, is not. Lying on the back
on a roller across the spine, its near end is still plain to see: a disc whose top
touches the body's underside (the back rests on it), standing on the floor, about
0.2-0.35 torso lengths across, whose outline (the end's rim, its shading as a
cylinder) is an edge in the image on its left, its bottom and its right. This module
looks for that disc where the pose says it must be, by a constrained circle search on
an edge map: for each column under the back, each radius and each depth of the top
into the person's mask (the mask spills onto the roller's top), the share of points
of the circle's visible arc (the part outside the mask) lying on an edge (a Canny edge
within 1 px whose gradient is near the circle's normal there).

A patch of floor or mat under a body lying on it has no such outline; the detector
also asks of a disc found here that it holds the body up (a gap beside it, the person
not going on on both sides nor on the side facing the middle of the torso:
:func:`formcheck.roller.support.closed_sides`).

Pixel coordinates: x right, y down, origin top-left, in the working image's px (the
scaled region of interest of :mod:`formcheck.roller.detector`, where the torso is
about ``WORK_TORSO_PX`` = 64 px long).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

# The disc's radius, torso lengths (a 10-15 cm roller on a ~50 cm torso, with slack).
RADIUS_MIN, RADIUS_MAX = 0.09, 0.2
# How deep the disc's top may lie inside the person's mask, in diameters (the mask
# often spills onto the top of the roller), and how far below the body's underside,
# torso lengths (the near end of a 90 cm roller seen from 20 degrees above the floor).
SPILL_MAX = 0.3
DROP_MAX = 0.7
# The body's underside is looked for this far below the joint line, torso lengths.
UNDERSIDE_REACH = 0.5
# The circle's arc looked at: angles from the +x axis, degrees, y down (90 is the
# bottom): the sides and the bottom; the top is against the body.
ARC_FROM, ARC_TO, ARC_SAMPLES = -40.0, 220.0, 27
# A point of the arc is on the outline when an edge lies within 1 px (3x3), its
# gradient within ~30 degrees of the circle's normal there (edges are binned by the
# direction of their gradient in 4 bins over 180 degrees, 45 apart, each +-30).
# Least share of the arc's visible points on an edge, overall and on each third
# (right side, bottom, left side); and least share of the arc visible (not the person).
MIN_COVER = 0.85
MIN_THIRD = 0.5
MIN_VISIBLE = 0.6
# A disc whose top lies more than this many radii below the body's underside must show
# the shaft's side (a vertical edge at either side) in this share of the rows between.
SHAFT_FROM = 0.3
MIN_SHAFT = 0.7
SHAFT_OUT = 3
# No outline is looked for where a circle is on edges by this much chance or more (a
# textured or noisy floor): 0.10-0.16 on the synthetic floors (wood, mat, plain), 0.39
# on a noisy dim one where a circle was found in the noise.
MAX_CHANCE = 0.25
# Canny's high threshold on the grey working image (gradient, Sobel 3x3; the low one is
# half), the Hough accumulator's least votes, the least distance between two of its
# centres (px: concentric rings of the roller's end, and near-duplicates, are kept for
# the check to choose from) and how many of its circles are checked.
CANNY_HIGH = 45.0
HOUGH_VOTES = 12
HOUGH_MIN_DIST = 1
MAX_PROPOSALS = 40


@dataclass(frozen=True, slots=True)
class DiscFit:
    """The best circle found.

    Attributes:
        cx, cy: centre, working px.
        r: radius, working px.
        cover: share (0..1) of the visible arc on an edge.
        drop: how far its top lies below the body's underside, working px.
        shaft: share (0..1) of the rows between the underside and the centre with a
            vertical edge at the disc's side (the better side; 1 when not dropped).
        chance: share (0..1) of the room's pixels near an edge of an arc point's
            direction, averaged over the arc: the cover a circle gets by chance.
    """

    cx: float
    cy: float
    r: float
    cover: float
    drop: float = 0.0
    shaft: float = 1.0
    chance: float = 0.0


def _arc() -> tuple[NDArray[np.float64], NDArray[np.float64], NDArray[np.int64]]:
    t = np.radians(np.linspace(ARC_FROM, ARC_TO, ARC_SAMPLES))
    third = np.minimum((np.arange(ARC_SAMPLES) * 3) // ARC_SAMPLES, 2)
    return np.cos(t), np.sin(t), third


_COS, _SIN, _THIRD = _arc()
# each arc point's orientation bin (the normal's direction mod 180 degrees)
_BIN = np.round((np.degrees(np.arctan2(_SIN, _COS)) % 180.0) / 45.0).astype(np.int64) % 4
_TAN15, _TAN30, _TAN75 = (math.tan(math.radians(a)) for a in (15.0, 30.0, 75.0))
_K3 = np.ones((3, 3), np.uint8)


@dataclass(frozen=True, slots=True)
class _Window:
    """The part of the working image searched (x0:x1, y0:y1, working px), the person in
    it, and the body's underside: its row in each of the window's columns (-1: none)."""

    x0: int
    y0: int
    x1: int
    y1: int
    person: NDArray[np.bool_]
    under: NDArray[np.int64]


def find_end_disc(image: NDArray[np.uint8], person: NDArray[np.uint8],
                  cols: tuple[int, int], line_y: NDArray[np.float64], torso_px: float,
                  cv2: Any) -> DiscFit | None:
    """The near end of a roller across a back lying on it, from edges alone.

    Circles are proposed by OpenCV's gradient Hough transform (``HoughCircles``) in the
    region under the back, then each is checked against the oriented edges: the share
    of its visible arc (sides and bottom, outside the person) on an edge running along
    it. The disc's top lies from a little inside the person's mask (the mask spills onto
    the roller) to ``DROP_MAX`` torso lengths below the body's underside (seen from
    above the floor, the near end lies lower than where the back rests, mid-length).

    Args:
        image: (H, W, 3) the working image, BGR.
        person: (H, W) the person, 255 on it, working px.
        cols: (first, last) columns the disc's centre may lie in, working px: under the
            back.
        line_y: (W,) the body's joint line's row in each column, working px; the body's
            underside is the lowest person pixel from there to ``UNDERSIDE_REACH``
            torso lengths below it.
        torso_px: the shoulder-to-hip length, working px.
        cv2: the OpenCV module.

    Returns:
        The circle with the most of its visible arc on edges, when it passes
        ``MIN_COVER``, ``MIN_THIRD`` and ``MIN_VISIBLE``; else None.
    """
    c0, c1 = max(0, cols[0]), min(image.shape[1] - 1, cols[1])
    if c1 - c0 < 4:
        return None
    r_lo = max(3, round(RADIUS_MIN * torso_px))
    r_hi = max(r_lo + 1, round(RADIUS_MAX * torso_px))
    win = _window(person, (c0, c1), line_y, torso_px, (r_lo, r_hi))
    if win is None:
        return None
    g = np.ascontiguousarray(cv2.cvtColor(image[win.y0:win.y1, win.x0:win.x1],
                                          cv2.COLOR_BGR2GRAY))
    circles = _proposals(g, win, (c0, c1), (r_lo, r_hi), torso_px, cv2)
    if circles is None:
        return None
    cx, cy, rr, und = circles
    near = _oriented_edges(g, cv2)
    # the chance of a point of the room being on an outline edge of each direction: a
    # textured or noisy floor is edges everywhere, and any circle lies on them
    free_px = ~win.person
    n_free = max(1, int(np.count_nonzero(free_px)))
    density = np.array([np.count_nonzero(near[b][free_px]) / n_free for b in range(4)])
    chance = float(density[_BIN].mean())
    if chance > MAX_CHANCE:
        return None
    cover, good = _arc_cover(cx, cy, rr, near, win)
    # a near end lower than the body's underside: the shaft between them shows its
    # sides, edges running down from the disc's sides to the body
    drop = cy - rr - und
    shaft = _shaft(cx, cy, rr, und, good & (drop > SHAFT_FROM * rr), near, win)
    score = np.where(good & (shaft >= MIN_SHAFT), cover, 0.0)
    best = float(score.max())
    if best < MIN_COVER:
        return None
    # among the near-best, the largest circle: the roller's rim, not its hub
    cand = np.nonzero(score >= best - 0.05)[0]
    i = int(cand[np.argmax(rr[cand] + 1e-3 * score[cand])])
    return DiscFit(cx=float(cx[i]), cy=float(cy[i]), r=float(rr[i]), cover=float(score[i]),
                   drop=float(drop[i]), shaft=float(shaft[i]), chance=chance)


def _window(person: NDArray[np.uint8], cols: tuple[int, int], line_y: NDArray[np.float64],
            torso_px: float, radii: tuple[int, int]) -> _Window | None:
    """The body's underside over ``cols`` and the window searched: from a little above
    the highest underside (the mask spilt onto the roller) to a disc of the largest
    radius dropped ``DROP_MAX`` below the lowest. None where no body is over the columns
    or the window is smaller than a disc."""
    h, w = person.shape[:2]
    (c0, c1), (r_lo, r_hi) = cols, radii
    xs = np.arange(c0, c1 + 1)
    top_row = np.clip(np.round(line_y[xs]).astype(int), 0, h - 1)
    bot_row = np.clip(top_row + round(UNDERSIDE_REACH * torso_px), 0, h - 1)
    ya, yb = int(top_row.min()), int(bot_row.max()) + 1
    rows = np.arange(ya, yb)[:, None]
    below = (person[ya:yb, xs] > 0) & (rows >= top_row[None, :]) & (rows <= bot_row[None, :])
    has = below.any(axis=0)
    if not has.any():
        return None
    under_x = np.where(has, yb - 1 - np.argmax(below[::-1], axis=0), -1)
    y0 = max(0, int(under_x[has].min()) - r_hi)
    y1 = min(h, int(under_x[has].max()) + round(DROP_MAX * torso_px) + 2 * r_hi + 2)
    x0 = max(0, c0 - r_hi - 2)
    x1 = min(w, c1 + r_hi + 3)
    if y1 - y0 < 2 * r_lo or x1 - x0 < 2 * r_lo:
        return None
    under = np.full(x1 - x0, -1, np.int64)
    under[xs - x0] = under_x
    return _Window(x0, y0, x1, y1, person[y0:y1, x0:x1] > 0, under)


def _proposals(g: NDArray[np.uint8], win: _Window, cols: tuple[int, int],
               radii: tuple[int, int], torso_px: float, cv2: Any) -> tuple[
                   NDArray[np.float64], NDArray[np.float64], NDArray[np.float64],
                   NDArray[np.int64]] | None:
    """Hough circles of the window's grey image (``g``) whose centre is under the back
    and whose top is against the body's underside or below it: centres x, y and radii,
    working px, and the underside's row over each centre. None when there are none."""
    found = cv2.HoughCircles(g, cv2.HOUGH_GRADIENT, dp=1, minDist=HOUGH_MIN_DIST,
                             param1=CANNY_HIGH, param2=HOUGH_VOTES,
                             minRadius=radii[0], maxRadius=radii[1])
    if found is None:
        return None
    circ = found[0, :MAX_PROPOSALS].astype(np.float64)
    cx, cy, rr = circ[:, 0], circ[:, 1] + win.y0, circ[:, 2]
    cx = cx + win.x0
    ix = np.clip(np.round(cx).astype(int) - win.x0, 0, win.x1 - win.x0 - 1)
    und = win.under[ix]
    top = cy - rr
    ok = ((cx >= cols[0]) & (cx <= cols[1]) & (und >= 0) & (top >= und - SPILL_MAX * 2.0 * rr)
          & (top <= und + DROP_MAX * torso_px))
    if not ok.any():
        return None
    return cx[ok], cy[ok], rr[ok], und[ok]


def _oriented_edges(g: NDArray[np.uint8], cv2: Any) -> NDArray[np.uint8]:
    """(4, H, W): Canny's edges of ``g`` by the direction of their gradient (mod 180
    degrees) in four overlapping bins (0, 45, 90, 135 degrees, each +-30), each grown by
    1 px: an outline point must run along the circle, not across it."""
    edges = cv2.Canny(g, CANNY_HIGH / 2.0, CANNY_HIGH) > 0
    gx_s = cv2.Sobel(g, cv2.CV_32F, 1, 0, ksize=3)
    gy_s = cv2.Sobel(g, cv2.CV_32F, 0, 1, ksize=3)
    gx, gy = np.abs(gx_s), np.abs(gy_s)
    same = (gx_s * gy_s) > 0  # the gradient at 0..90 (or 180..270) degrees
    diag = (gy >= _TAN15 * gx) & (gy <= _TAN75 * gx)
    near = np.stack([edges & (gy <= _TAN30 * gx), edges & diag & same,
                     edges & (gx <= _TAN30 * gy), edges & diag & ~same]).astype(np.uint8)
    for b in range(4):
        near[b] = cv2.dilate(near[b], _K3)
    return near


def _arc_cover(cx: NDArray[np.float64], cy: NDArray[np.float64], rr: NDArray[np.float64],
               near: NDArray[np.uint8], win: _Window) -> tuple[
                   NDArray[np.float64], NDArray[np.bool_]]:
    """Each circle's share of its visible arc (in the window, off the person) on an
    edge running along it, and whether it passes ``MIN_VISIBLE``, ``MIN_COVER`` and
    ``MIN_THIRD`` (on each third of the arc: right side, bottom, left side)."""
    cw, ch = win.x1 - win.x0, win.y1 - win.y0
    px = np.round(cx[:, None] + rr[:, None] * _COS).astype(np.int64) - win.x0
    py = np.round(cy[:, None] + rr[:, None] * _SIN).astype(np.int64) - win.y0
    inside = (px >= 0) & (px < cw) & (py >= 0) & (py < ch)
    pxc, pyc = np.clip(px, 0, cw - 1), np.clip(py, 0, ch - 1)
    visible = inside & ~win.person[pyc, pxc]
    hit = visible & (near[_BIN[None, :], pyc, pxc] > 0)
    n_vis = visible.sum(axis=-1)
    cover = hit.sum(axis=-1) / np.maximum(n_vis, 1)
    good = (n_vis >= MIN_VISIBLE * ARC_SAMPLES) & (cover >= MIN_COVER)
    for k in range(3):
        sel = _THIRD == k
        nv = visible[:, sel].sum(axis=-1)
        good &= (nv > 0) & (hit[:, sel].sum(axis=-1) >= MIN_THIRD * np.maximum(nv, 1))
    return cover, good


def _shaft(cx: NDArray[np.float64], cy: NDArray[np.float64], rr: NDArray[np.float64],
           und: NDArray[np.int64], dropped: NDArray[np.bool_], near: NDArray[np.uint8],
           win: _Window) -> NDArray[np.float64]:
    """For each ``dropped`` circle (its top well below the underside), the share of the
    rows between the underside and its centre, off the person, with a vertical edge at
    its side (the better side); 1 for the others."""
    cw = win.x1 - win.x0
    shaft = np.ones(cx.shape, np.float64)
    for n in np.nonzero(dropped)[0]:
        ya, yb = int(und[n]) - win.y0 + 1, int(np.round(cy[n])) - win.y0
        sides = []
        for sx in (-1.0, 1.0):
            xc = int(np.round(cx[n] + sx * rr[n])) - win.x0
            free = ~win.person[ya:yb, min(max(xc, 0), cw - 1)]
            if 0 <= xc < cw and yb - ya >= 2 and free.sum() >= 2:
                # the rim found may be an inner ring of the end: the shaft's side may lie
                # up to SHAFT_OUT px further out
                lo, hi = (xc - SHAFT_OUT, xc + 1) if sx < 0 else (xc - 1, xc + SHAFT_OUT)
                side = near[0, ya:yb, max(0, lo):hi + 1].any(axis=1)
                sides.append(float((side & free).sum()) / float(free.sum()))
        shaft[n] = max(sides) if sides else 0.0
    return shaft
