"""Whether a candidate under a back lying on it holds the body up.

A foam roller under the back of a person lying on it lifts the body off the floor:
beside the roller, along the body, there is a gap between the body's underside and
the floor, where the room (the floor behind, the wall) shows, on at least one side
(the hips may rest on the floor beside a roller under the lower back). A patch of
exercise mat under a body lying on the mat has no such gap: in the rows just under the
body, on both sides of it, the body itself (resting on the mat) or more of the mat goes
on: shaded by the body, so not of the room's colours, or of the patch's own hue
(chroma, whatever its brightness) where it is lit.

The gap must also be on the side facing the middle of the torso (the point halfway
between shoulder and hip), seen from where the roller lifts the back: above its centre
for a roller across the back, anywhere along it for one along the spine (no side when
it spans the middle). The torso is nearly rigid: lifted there by the roller's diameter
(10-15 cm, ~0.2-0.3 torso lengths), it runs on towards its far end, at least half a
torso away, so within ``SUPPORT_REACH`` of the roller on that side its underside is
still well above the floor. Only on the other side, the shorter one (the head beyond a
roller under the neck, the buttocks beyond one under the lower back), may the body drop
to the floor at once. The end of a mat past the head has its gap on the wrong side:
the room beyond the mat's end is open, while on the torso's side the back lies on the
mat. A roller along the spine is tested too: past its ends, its top rows are against
the lifted back or the head lying on it, not the floor; a piece of the mat in front of
a body lying on it, long enough to pass for one, is closed past both.

Risk: a roller of the mat's hue (a blue roller on a blue mat), seen from above so that
the mat behind it shows under the lifted body on both sides, would look like a patch
of the mat. The synthetic scenes (camera near the floor) and the real stills of the
footage have no such view of a roller under a back.

Pixel coordinates: x right, y down, origin top-left, in the working image's px (the
scaled region of interest of :mod:`formcheck.roller.detector`).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import NDArray

# How far beside a candidate to look, torso lengths: a roller is ~0.2-0.35 across, and
# the body it holds up leaves a gap at least about as long on each side.
SUPPORT_REACH = 0.25
# The share of a candidate's rows, from its top (against the body), that are looked
# beside: the lower rows may rest on a mat that goes on under a roller too.
SUPPORT_TOP = 0.6
# A row's side is closed when at least this share of the span beside it is filled
# (the person, or colours unlike the room).
SUPPORT_ROW_FILLED = 0.6
# Pixels within this distance of the candidate's mean chroma (OpenCV 8-bit Lab a*, b*
# levels) are of its hue: the same surface, lit or shaded.
SUPPORT_CHROMA = 8.0
# ... only for a candidate at least this far from grey (the same levels): a hue.
SUPPORT_MIN_CHROMA = 12.0
# A side is closed when at least this share of the rows looked at are closed: between
# a roller's less closed side and a mat's (docs/measurements.md, Support).
SUPPORT_SIDE_CLOSED = 0.7
# ... and whatever the other side shows, the side facing the middle of the torso (see
# the module) must not be closed in at least this share of them: above a roller's,
# below a mat's (docs/measurements.md, Support).
SUPPORT_TORSO_CLOSED = 0.9


def closed_sides(sub: NDArray[np.bool_], bx: int, by: int, filled: NDArray[np.bool_],
                 reach: float) -> tuple[float, float]:
    """The share of the candidate's top rows closed on its left and on its right.

    Args:
        sub: the candidate inside its bounding box (True on its pixels).
        bx, by: the box's top-left corner, working px.
        filled: (H, W) the person or colours unlike the room, working px: anything
            but a gap showing the room.
        reach: how far beside the candidate to look in each row, working px.

    Returns:
        (left, right): for each side, the share (0..1) of the candidate's top
        ``SUPPORT_TOP`` rows where at least ``SUPPORT_ROW_FILLED`` of the ``reach``
        px beside it (2 px off its outline, for the outline's blur) are ``filled``.
        A span cut by the image's edge counts filled on what remains, closed when
        nothing remains (the image says nothing of a gap there).
    """
    rows = np.nonzero(sub.any(axis=1))[0]
    if rows.size == 0:
        return 0.0, 0.0
    top = rows[: max(1, int(SUPPORT_TOP * rows.size))]
    part = sub[top]
    first = np.argmax(part, axis=1) + bx
    last = part.shape[1] - 1 - np.argmax(part[:, ::-1], axis=1) + bx
    w = filled.shape[1]
    r = max(1, round(reach))
    # prefix sums along each row: the filled count of any span in O(1)
    cum = np.zeros((top.size, w + 1), np.int32)
    np.cumsum(filled[top + by], axis=1, out=cum[:, 1:])
    idx = np.arange(top.size)
    out = []
    for a, b in ((first - 2 - r, first - 2), (last + 3, last + 3 + r)):
        a, b = np.clip(a, 0, w), np.clip(b, 0, w)
        n = b - a
        got = cum[idx, b] - cum[idx, a]
        closed = np.where(n > 0, got >= SUPPORT_ROW_FILLED * np.maximum(n, 1), True)
        out.append(float(np.count_nonzero(closed)) / top.size)
    return out[0], out[1]


def torso_side(x0: float, x1: float, middle_x: float) -> int | None:
    """Which side of a candidate faces the middle of the torso.

    Args:
        x0, x1: the candidate's extent along x, working px: its bounding box's left
            and right columns for a bar along the spine (it rests on the back over
            its length), or its centre twice for a roller across the back (it lifts
            the back where its top touches it, above its centre).
        middle_x: the column of the point halfway between shoulder and hip, working px.

    Returns:
        0 when the middle lies left of ``x0``, 1 right of ``x1`` (the index into
        :func:`closed_sides`'s pair), None between them (the candidate spans it).
    """
    if middle_x < x0:
        return 0
    if middle_x > x1:
        return 1
    return None


def holds_body_up(sub: NDArray[np.bool_], bx: int, by: int, filled: NDArray[np.bool_],
                  lab_ab: NDArray[np.float32], reach: float,
                  toward: int | None = None) -> bool:
    """Whether the candidate leaves a gap beside it on at least one side, and not only
    on the side away from the torso (see the module).

    Args:
        sub, bx, by: the candidate in its bounding box and the box's corner, working px.
        filled: (H, W) the person or colours unlike the room, working px.
        lab_ab: (H, W, 2) the region's Lab a*, b* (OpenCV 8-bit levels), working px.
        reach: how far beside the candidate to look, working px.
        toward: the side facing the middle of the torso (0 left, 1 right: see
            :func:`torso_side`), or None when the candidate spans it.

    Returns:
        False when both sides are closed in at least ``SUPPORT_SIDE_CLOSED`` of the
        candidate's top rows, or the side ``toward`` the torso in at least
        ``SUPPORT_TORSO_CLOSED`` of them, counting pixels of its own hue (within
        ``SUPPORT_CHROMA``) as filled too.
    """
    bh, bw = sub.shape
    # the candidate's mean chroma (a weighted sum: faster than indexing by the mask)
    weight = sub.reshape(-1).astype(np.float64)
    ab = weight @ lab_ab[by:by + bh, bx:bx + bw].reshape(-1, 2) / max(1.0, weight.sum())
    # only the columns :func:`closed_sides` looks at: the box and ``reach`` beside it
    r = max(1, round(reach))
    xa, xb = max(0, bx - 3 - r), min(filled.shape[1], bx + bw + 3 + r)
    band = lab_ab[by:by + bh, xa:xb]
    own = np.zeros_like(filled)
    # a hue only where the candidate has one: greys (a grey roller, a grey floor) all
    # share the neutral chroma
    if np.hypot(ab[0] - 128.0, ab[1] - 128.0) >= SUPPORT_MIN_CHROMA:
        own[by:by + bh, xa:xb] = (np.hypot(band[..., 0] - ab[0], band[..., 1] - ab[1])
                                  < SUPPORT_CHROMA)
    return leaves_gap(closed_sides(sub, bx, by, filled | own, reach), toward)


def leaves_gap(sides: tuple[float, float], toward: int | None) -> bool:
    """The gap rule (see the module) on :func:`closed_sides`'s shares: not both sides
    closed in ``SUPPORT_SIDE_CLOSED`` of the top rows, nor the side ``toward`` the
    torso's middle (:func:`torso_side`; None: no such side) in ``SUPPORT_TORSO_CLOSED``."""
    if toward is not None and sides[toward] >= SUPPORT_TORSO_CLOSED:
        return False
    return min(sides) < SUPPORT_SIDE_CLOSED
