"""Finding the foam roller in one frame, using the pose to know where to look.

The pose gives the body's line (neck, shoulder, hip, knee, ankle). The roller lies
under it, on the floor: a band below that line is searched, in a region of interest
scaled so that the torso is about ``WORK_TORSO_PX`` long (grown to the whole
segmented person, for a limb the pose missed) and brightened when dim. Pixels of the
person (the landmarker's segmentation mask, or a drawn body when there is none) are
left out, less what the mask spilt onto the roller (colours not the person's, or, lying
on the back, deeper than the back). Without a colour hint, the room's colours (with
their shadowed versions) are learnt with OpenCV histograms and back-projection, and
the roller is what differs from them; a colour running along the floor under the body
(and on beside it, below its lowest point) for longer than any roller is a mat, tried
without first (a find there thinner than a roller is weighed against the pass keeping
the mat's colours: the roller may share them). With a hint, the roller is
what is near the hint's colour. Up to three passes, the next only when the last found
nothing: the room learnt from everything outside the band (wall included), then from
the floor's side only (a roller the colour of the wall), then, for poses other than
lying on the back (the roller under a leg), from the region's rim, searching a ring
around the whole person. Connected blobs (holes filled, thin stripes opened away) are
kept only when their top edge rests against the body (feet excluded), the person is
above them, they are not a piece of a mat and their colour is shaded like a cylinder
(a mat is one flat colour); they are scored as an end-on disc (roller across the back)
or a bar (along the spine, or seen from an angle), by size relative to the torso,
fill, and contact with the body. A bar along the spine ends where it becomes much
thinner than its middle (a mat's edge it merged with).

Lying on the back, when the colour passes find nothing (or only something in a pass
keeping a mat's colours, maybe a piece of the mat), a roller of the floor's own colour
is looked for by its outline: the near end's disc under the back, by its edges
(:mod:`formcheck.roller.shape`); it must hold the body up (a gap beside it).

Pixel coordinates: x right, y down, origin top-left, px (of the full image unless
named *work*: the scaled region of interest).
"""

from __future__ import annotations

import math
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.errors import UsageError
from formcheck.pose.frame import PoseFrame
from formcheck.roller.color import ColorHint
from formcheck.roller.geometry import UNDER_BACK_MAX, UNDER_BACK_MIN, Body
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation
from formcheck.roller.shape import find_end_disc
from formcheck.roller.support import (
    SUPPORT_REACH,
    closed_sides,
    holds_body_up,
    leaves_gap,
    torso_side,
)

Image = NDArray[np.uint8]
# Colour bin indices (bins, bins of the shadow) on each grid: see _quantise.
Quantised = list[tuple[NDArray[np.uint16], NDArray[np.uint16]]]
FloatArray = NDArray[np.float64]

# Torso length in the working image, px: a 10-15 cm roller is then ~15-25 px across,
# enough for a centre within 5% of the torso; small enough for < 5 ms a frame.
WORK_TORSO_PX = 64.0
# The search band: centred this far below the body line, this thick (torso lengths).
# A roller is ~0.2-0.35 torso lengths across and touches the back, itself ~0.1-0.15
# below the joint line, so the band spans from just above the line to ~0.65 below it.
BAND_OFFSET = 0.3
BAND_THICKNESS = 1.0
# Room colours are learnt from this much margin around the band (torso lengths).
MARGIN = 0.45
# Roller diameter seen end-on, torso lengths: 10-15 cm on a ~50 cm torso, with slack
# for the person's size, the camera's angle and an occluded top.
DISC_MIN, DISC_LOW, DISC_HIGH, DISC_MAX = 0.12, 0.18, 0.42, 0.6
# A bar (roller along the spine, or seen obliquely): at least this long (torso lengths),
# and at least this elongated (length / thickness); an end-on disc is ~1.
BAR_MIN_LENGTH = 0.45
BAR_MIN_ELONGATION = 1.7
# A bar longer than BAR_LONG torso lengths loses score, to none at BAR_MAX_LENGTH: the
# longest rollers (90 cm) are under ~2 torso lengths; a mat is longer.
BAR_LONG, BAR_MAX_LENGTH = 2.0, 2.5
# ... in the last pass (the roller under a limb, seen from any side): a roller seen
# obliquely, its near end and part of its length, is a short bar.
LOOSE_MIN_ELONGATION = 1.35
# ... and there its size is judged against the body's least foreshortened segment: the
# torso, or the thigh or the shin over this share of a torso (an adult's thigh and shin
# are each ~0.85 of the shoulder-to-hip length). Side-lying or sitting, the torso may
# point at the camera and look short, while the roller under a leg does not shrink.
LIMB_TO_TORSO = 0.85
# ... leaving out a segment folded back on the one before it (the joint's angle under
# this, degrees): more often a joint the pose put on another limb than a body so folded.
MIN_JOINT_ANGLE = 60.0
# A bar within this angle of the spine's line lies along the spine, degrees.
ALONG_MAX_ANGLE = 35.0
# A bar along the spine within this angle of level (degrees) ends where its columns
# become thinner than this share of its median column's height (the rest is a mat's
# edge or a shadow it merged with).
TAIL_MAX_ANGLE = 30.0
TAIL_MIN_HEIGHT = 0.7
# The person grown by this much (torso lengths) is what a blob may touch; a circle this
# big around the ankle (the foot) does not count.
TOUCH_REACH = 0.05
FEET_RADIUS = 0.3
# Least fraction of a blob's top edge resting against the body; a blob touching it
# over less than twice this has its score multiplied by NO_TOUCH_FACTOR.
MIN_TOUCH = 0.12
NO_TOUCH_FACTOR = 0.4
# Structures thinner than this (torso lengths) are removed: a mat seen edge-on, lines.
THIN_MAX = 0.18
# A blob whose colour varies less than this (std, 8-bit levels) is flat: not a cylinder.
FLAT_STD = 10.0
# Least fraction of a blob's columns with the person above it.
MIN_UNDER = 0.6
# The last pass searches this far around the person (torso lengths) and learns the
# room from a rim this wide around the region.
RING_REACH = 0.6
RIM = 0.3
# A colour (unlike the room) spanning more than this many torso lengths of columns
# under the body, and present in at least STRIP_MIN_COVER of them, is a mat or a floor
# strip: the roller is at most ~1.8 long (a 90 cm roller along the spine).
STRIP_MIN_LENGTH = 2.1
STRIP_MIN_COVER = 0.8
# A blob of a strip's colour with the strip going on beside it, in its rows, over this
# many torso lengths, is a piece of the strip.
STRIP_BESIDE = 0.3
# Exposure: a dim region of interest is brightened so that its 98th percentile of grey
# reaches this level (8-bit), by a gain of at most this.
EXPOSURE_TARGET = 220.0
EXPOSURE_MAX_GAIN = 2.5
# The person's own colours are learnt from the segmentation mask shrunk by this much
# (torso lengths); mask pixels of other colours in the band may be the roller.
RELEASE_DEPTH = 0.1
# Lying on the back (torso within LYING_MAX_TILT of level, degrees), mask pixels more
# than RELEASE_BELOW torso lengths below the joint line (the back's surface is ~0.1-0.15
# below it) are not the person's.
LYING_MAX_TILT = 35.0
# Lying with the torso level and the face up at least this much (cosine: see
# Body.face_up) is lying on the back.
SUPINE_MIN_FACE_UP = 0.5
RELEASE_BELOW = 0.22
# Least share of the room's (or the person's) pixels a colour must have to be theirs.
ROOM_MIN_SHARE = 0.0015
PERSON_MIN_SHARE = 0.003
# The roller's outline is searched (a roller of the floor's colour: see shape.py) only
# when the person's mask spans at most this many torso lengths across the image: lying
# on the back seen from the side, head to feet is ~3-3.5 (more with arms overhead); a
# longer person means a pose whose torso is wrong, and a search at the wrong scale.
OUTLINE_MAX_EXTENT = 5.0
# Below this score a blob is not reported as the roller.
MIN_CONFIDENCE = 0.3


@dataclass(frozen=True, slots=True)
class Blob:
    """The chosen blob, for drawing and calibration.

    Attributes:
        outline: (N, 2) contour of the blob, image px.
        mean_bgr: mean colour of its pixels, BGR 0..255.
        spread: standard deviation of its colour, 8-bit levels (mean over channels).
        score: its score (0..1).
    """

    outline: FloatArray
    mean_bgr: tuple[float, float, float]
    spread: float
    score: float


@dataclass(frozen=True, slots=True)
class _Cand:
    kind: str  # "disc" or "bar"
    bx: int  # bounding box, work px
    by: int
    bw: int
    bh: int
    rcx: float  # minimum-area rectangle: centre, sides, long axis angle (work px, deg)
    rcy: float
    length: float
    thick: float
    long_deg: float
    sub: NDArray[np.bool_]  # the blob inside its bounding box
    fill: float  # its area over the rectangle's
    elong: float  # length / thickness


@dataclass(frozen=True, slots=True)
class _Roi:
    x0: int
    y0: int
    scale: float  # work px per image px

    def to_image(self, x: float, y: float) -> tuple[float, float]:
        return (self.x0 + x / self.scale, self.y0 + y / self.scale)

    def to_work(self, pts: FloatArray) -> FloatArray:
        return (pts - np.array([self.x0, self.y0], dtype=np.float64)) * self.scale


@dataclass(frozen=True, slots=True)
class _Search:
    """One frame's search: the region and the maps every pass reads, working px (255 on,
    0 off)."""

    body: Body
    roi: _Roi
    small: Image  # the region, scaled and exposure-normalised, BGR
    band: Image  # where the roller can be
    person: Image  # the person, less what the mask spilt onto the roller
    supine: bool  # lying on the back (torso level, face up)
    quant: Quantised
    lab_ab: NDArray[np.float32] | None  # the chroma (Lab a*, b*), lying on the back
    room_all: Image  # the room: everything but the band and the person
    room_floor: Image  # ... on the floor's side only
    unlike_all: Image  # colours unlike ``room_all``
    not_person: Image
    under: Image  # the columns under the person
    below: Image  # where a mat or a floor strip is measured
    touch: Image  # what a roller may touch: the person grown, less the feet
    Lw: float  # the torso's length
    limb_scale: float  # the body's size from its least foreshortened segment, torsos
    shoulder_w: FloatArray  # the shoulder
    floor_y: float  # a roller lies below this row: the lower of shoulder and hip, less 0.1 torso
    axis_deg: float  # the spine's line to the image x axis, degrees
    middle_x: float  # the column halfway between shoulder and hip


def build_observation(
    center: tuple[float, float],
    size: tuple[float, float],
    angle_deg: float,
    orientation: Orientation,
    body: Body,
    confidence: float,
    ends: tuple[tuple[float, float], tuple[float, float]] | None = None,
) -> RollerObservation:
    """A "found" observation: contact and position from the centre and the body.

    The roller touches the back where the normal to the back's line through the roller's
    centre meets the roller: the centre moved half the thickness towards the back.

    Args:
        center: roller centre, px.
        size: (length, thickness), px.
        angle_deg: long axis to the image x axis, degrees.
        orientation: across or along the spine.
        body: the merged landmarks of the frame.
        confidence: 0..1.
        ends: both ends of the whole roller's axis, px, when the detector knows them
            (then the diameter is ``size[1]`` too).
    """
    c = np.asarray(center, dtype=np.float64)
    contact = c + 0.5 * size[1] * body.up
    cp = (float(contact[0]), float(contact[1]))
    return RollerObservation(
        found=True,
        center_px=(float(c[0]), float(c[1])),
        size_px=(float(size[0]), float(size[1])),
        angle_deg=float(angle_deg),
        orientation=orientation,
        contact_px=cp,
        position=body.position(cp),
        under_back=body.under_back(cp),
        confidence=float(np.clip(confidence, 0.0, 1.0)),
        ends_px=ends,
        diameter_px=None if ends is None else float(size[1]),
    )


def _tri(x: float, lo: float, a: float, b: float, hi: float) -> float:
    """1 on [a, b], falling linearly to 0 at ``lo`` and ``hi``."""
    if x <= lo or x >= hi:
        return 0.0
    if x < a:
        return (x - lo) / (a - lo)
    if x > b:
        return (hi - x) / (hi - b)
    return 1.0


def calibrated_tolerance(image_bgr: Image, outline: FloatArray,
                         bgr: tuple[int, int, int]) -> float:
    """The colour hint's tolerance (Lab distance, lightness halved, as the hint is read)
    learned from a found roller: wide enough for 90% of its pixels (a shaded cylinder
    spans a wide range of lightness), narrow enough that at most 5% of the rest of the
    image passes for it, within 12-45. A tolerance from the pixels' spread in BGR alone
    let a shaded blue roller's hint cover a grey room, and the roller was lost."""
    from formcheck.lazy import cv2 as _cv2

    cv2 = _cv2()
    inside = np.zeros(image_bgr.shape[:2], np.uint8)
    cv2.fillPoly(inside, [np.round(outline).astype(np.int32)], 255)
    lab = cv2.cvtColor(image_bgr, cv2.COLOR_BGR2LAB).astype(np.float32)
    ref = cv2.cvtColor(np.array([[bgr]], np.uint8), cv2.COLOR_BGR2LAB)[0, 0].astype(np.float32)
    d = lab - ref
    d[..., 0] *= 0.5
    dist = np.sqrt((d * d).sum(axis=2))
    on, off = dist[inside > 0], dist[inside == 0]
    if on.size == 0:
        return 25.0
    tol = float(np.percentile(on, 90))
    if off.size:
        tol = min(tol, float(np.percentile(off, 5)))
    return float(np.clip(tol, 12.0, 45.0))


class RollerDetector:
    """Single-frame roller detection.

    Args:
        hint: the roller's colour, when known (``--roller-color`` or :meth:`calibrate`);
            automatic detection needs none.
        min_confidence: blobs scoring below this are not reported (0..1).
    """

    def __init__(self, hint: ColorHint | None = None, *,
                 min_confidence: float = MIN_CONFIDENCE) -> None:
        self.hint = hint
        self.min_confidence = min_confidence
        self.last_blob: Blob | None = None
        # Set keep_maps to keep the working images of the last search (debugging).
        self.keep_maps = False
        self.maps: dict[str, Image] = {}
        self._hint_lab: FloatArray | None = None if hint is None else hint.lab()

    def set_hint(self, hint: ColorHint | None) -> None:
        """Use ``hint`` from now on (None: automatic)."""
        self.hint = hint
        self._hint_lab = None if hint is None else hint.lab()

    # --- the public steps -----------------------------------------------------------
    def detect(
        self,
        image_bgr: Image,
        pose_frame: PoseFrame,
        prior: tuple[float, float] | None = None,
        body: Body | None = None,
    ) -> RollerObservation:
        """Find the roller in ``image_bgr`` (H, W, 3 BGR uint8) with ``pose_frame``'s pose.

        Args:
            prior: where the roller was last seen, image px (the tracker's estimate):
                blobs near it are preferred.
            body: the frame's :class:`Body` where the caller read it already (else read
                here from the pose).
        """
        self.last_blob = None
        pose = pose_frame.pose
        if pose is None:
            return RollerObservation.missing(NotFoundReason.NO_PERSON)
        if body is None:
            body = Body.from_pose(pose)
        if body is None:
            return RollerObservation.missing(NotFoundReason.HIDDEN)
        h, w = image_bgr.shape[:2]
        if not self._band_in_view(body, w, h):
            return RollerObservation.missing(NotFoundReason.OUT_OF_FRAME)
        found = self._search(image_bgr, pose_frame, body, prior)
        if found is None:
            return RollerObservation.missing(NotFoundReason.NOT_PRESENT)
        obs, blob = found
        if blob.score < self.min_confidence:
            return RollerObservation.missing(NotFoundReason.HIDDEN)
        self.last_blob = blob
        return obs

    def calibrate(self, image_bgr: Image, pose_frame: PoseFrame) -> ColorHint:
        """Learn the roller's colour from this frame and use it from now on.

        The roller found automatically gives its mean colour and spread; when none is
        found, the colour just under the middle of the back is taken.

        Raises:
            UsageError: nobody is in the frame, so there is no back to look under.
        """
        saved = self.hint
        self.set_hint(None)
        obs = self.detect(image_bgr, pose_frame)
        blob = self.last_blob
        if obs.found and blob is not None:
            b, g, r = (round(v) for v in blob.mean_bgr)
            hint = ColorHint(bgr=(b, g, r), name="calibrated",
                             tolerance=calibrated_tolerance(image_bgr, blob.outline, (b, g, r)))
        else:
            pose = pose_frame.pose
            body = None if pose is None else Body.from_pose(pose)
            if body is None:
                self.set_hint(saved)
                raise UsageError("calibrate: nobody in the frame; lie on the roller in view")
            mid = 0.5 * (body.shoulder + body.hip) - 0.3 * body.length * body.up
            rad = max(2, int(0.06 * body.length))
            hh, ww = image_bgr.shape[:2]
            x, y = int(np.clip(mid[0], 0, ww - 1)), int(np.clip(mid[1], 0, hh - 1))
            patch = image_bgr[max(0, y - rad):y + rad + 1, max(0, x - rad):x + rad + 1]
            pix = patch.reshape(-1, 3).astype(np.float64)
            b, g, r = (round(v) for v in np.median(pix, axis=0))
            square = np.array([[x - rad, y - rad], [x + rad, y - rad], [x + rad, y + rad],
                               [x - rad, y + rad]], np.float64)
            hint = ColorHint(bgr=(b, g, r), name="calibrated",
                             tolerance=calibrated_tolerance(image_bgr, square, (b, g, r)))
        self.set_hint(hint)
        return hint

    # --- the work ---------------------------------------------------------------------
    @staticmethod
    def _band_in_view(body: Body, w: int, h: int) -> bool:
        """Whether the band under the torso (neck to hip) is mostly inside the image."""
        down = np.array([0.0, BAND_OFFSET * body.length])
        pts = [body.head_end(0.2) + down, body.shoulder + down,
               0.5 * (body.shoulder + body.hip) + down, body.hip + down]
        inside = sum(1 for p in pts if 0 <= p[0] < w and 0 <= p[1] < h)
        return inside >= 2

    def _search(
        self,
        image: Image,
        pose_frame: PoseFrame,
        body: Body,
        prior: tuple[float, float] | None,
    ) -> tuple[RollerObservation, Blob] | None:
        """The roller in the region under the body: the colour passes' best blob, or the
        outline of a roller of the floor's colour, refined to an observation."""
        from formcheck.lazy import cv2 as _cv2

        cv2 = _cv2()
        s = self._prepare(image, pose_frame, body, cv2)
        if s is None:
            return None
        best, mat_kept = self._best_of_passes(s, prior, cv2)
        weak = best is None or best[0] < self.min_confidence
        if s.supine and self._hint_lab is None and (weak or mat_kept):
            # nothing unlike the room: a roller of the floor's own colour, by its outline.
            # Also when the find came from a pass keeping a mat's colours: with a roller
            # of the floor's colour, a piece of the mat under the lifted back, between
            # the roller and the hips, is found there; an outline away from that find
            # is taken instead.
            disc = self._outline_disc(s.small, s.person, body, s.roi, prior, cv2)
            if disc is not None and (best is None or weak or not _inside(
                    s.roi.to_work(np.asarray(disc[0].center_px, np.float64)), best[2])):
                return disc
        if best is None:
            return None
        score, _, cand = best
        (cxw, cyw), size_w, angle, orientation = _refine(cand, s.axis_deg)
        scale = s.roi.scale
        obs = build_observation(s.roi.to_image(cxw, cyw), (size_w[0] / scale, size_w[1] / scale),
                                angle, orientation, body, score)
        return obs, self._blob(s.small, cand.sub, cand.bx, cand.by, s.roi, score, cv2)

    # --- search region and maps -------------------------------------------------------
    def _prepare(self, image: Image, pose_frame: PoseFrame, body: Body,
                 cv2: Any) -> _Search | None:
        """The search region (scaled, exposure normalised), the band, the person and the
        room's colours, working px; None when the region is too small."""
        region = _region(image, pose_frame, body, cv2)
        if region is None:
            return None
        roi, small, band, Lw = region
        wh, ww = small.shape[:2]
        person = self._person(pose_frame, body, roi, (ww, wh), cv2)
        # lying on the back (torso level, face up), the roller is under the back: the
        # last pass, for a roller under a limb, is not needed (and would only find
        # pieces of a mat)
        supine = (abs(float(body.axis[0])) >= math.cos(math.radians(LYING_MAX_TILT))
                  and body.face_up is not None and body.face_up >= SUPINE_MIN_FACE_UP)
        quant = _quantise(small, cv2)
        # the chroma (Lab a*, b*) of the region, for the mat's own hue under shading
        lab_ab = (cv2.cvtColor(small, cv2.COLOR_BGR2LAB)[..., 1:].astype(np.float32)
                  if supine else None)
        # the room: everything else in the region (its colours do not change when the
        # person map gives back pixels of the band)
        room_all = cv2.bitwise_not(cv2.bitwise_or(band, person))
        unlike_all = self._unlike_room(quant, room_all, cv2)
        person = self._release(quant, unlike_all, person, band, body, roi, supine, cv2)
        # the room: first with the wall above the body (so the wall and the skirting
        # between body and floor are not taken for the roller), then, when that finds
        # nothing (a roller the colour of the wall), only the floor's side
        not_person = cv2.bitwise_not(person)
        # columns under the person: the roller lies under the body, not beyond it
        under = np.maximum.accumulate(person, axis=0)
        sh_w, hip_w = roi.to_work(body.shoulder), roi.to_work(body.hip)
        room_floor = room_all.copy()
        room_floor[~_floor_side(band, (int(sh_w[0]), int(hip_w[0])))] = 0
        return _Search(
            body=body, roi=roi, small=small, band=band, person=person, supine=supine,
            quant=quant, lab_ab=lab_ab, room_all=room_all, room_floor=room_floor,
            unlike_all=unlike_all, not_person=not_person, under=under,
            # where a mat or a floor strip is measured: under the person (not the
            # person) and beside it, below its lowest point
            below=_floor_below(person, under, not_person),
            touch=_touch_map(person, body, roi, Lw, cv2), Lw=Lw, limb_scale=_limb_scale(body),
            shoulder_w=sh_w, floor_y=max(float(sh_w[1]), float(hip_w[1])) - 0.1 * Lw,
            axis_deg=math.degrees(math.atan2(body.axis[1], body.axis[0])),
            middle_x=_middle_x(body, roi))

    # --- the passes ---------------------------------------------------------------------
    def _attempts(self, s: _Search,
                  cv2: Any) -> Iterator[tuple[str, bool, Image, Image, Image, Image | None]]:
        """(name, loose, room, search, foreground, strip) to try in turn.

        Passes 0 and 1 (the room learnt from everything outside the band, then from
        the floor's side only) first without the colours of a mat or a floor strip
        (a roller beside a mat of another colour would merge with it), then with
        them (a roller sharing them: ``strip`` is then the mat's pixels); pass 2
        (the room learnt from the region's rim, the search a ring around the whole
        person: the roller under a limb) last, and only for a person not lying on
        the back.
        """
        tries: list[tuple[int, Image, Image, Image, Image]] = []
        for pass_ in range(2 if s.supine else 3):
            loose = pass_ == 2
            if loose:
                # sitting, side-lying, prone: the roller under a leg, anywhere along the body
                room, search = self._rim_and_ring(s.person, s.Lw, cv2)
            else:
                room, search = (s.room_all if pass_ == 0 else s.room_floor), s.band
            if self._hint_lab is not None and self.hint is not None:
                yield str(pass_), loose, room, search, self._near_hint(s.small, cv2), None
                continue
            fg = s.unlike_all if pass_ == 0 else self._unlike_room(s.quant, room, cv2)
            strip = self._strip(s.quant, fg, s.below, STRIP_MIN_LENGTH * s.Lw, cv2)
            if strip is not None:
                yield f"{pass_}s", loose, room, search, cv2.bitwise_and(
                    fg, cv2.bitwise_not(strip)), None
                tries.append((pass_, room, search, fg, strip))
            else:
                yield str(pass_), loose, room, search, fg, None
            if pass_ == 1:
                for p_, room_, search_, fg_, strip_ in tries:
                    yield str(p_), False, room_, search_, fg_, strip_
                tries = []
        for p_, room_, search_, fg_, strip_ in tries:
            yield str(p_), True, room_, search_, fg_, strip_

    def _best_of_passes(self, s: _Search, prior: tuple[float, float] | None,
                        cv2: Any) -> tuple[tuple[float, int, _Cand] | None, bool]:
        """The best blob of the passes, tried until one finds a blob scoring at least
        ``min_confidence``, and whether its pass kept a mat's colours (it may be a piece
        of the mat)."""
        best: tuple[float, int, _Cand] | None = None
        # a find thinner than a roller in a pass without a mat's colours may be the
        # part of a roller sharing them that was left: it is weighed against the next
        # passes (the mat's colours kept), and the higher score taken
        kept: tuple[float, int, _Cand] | None = None
        last = ""
        mat_kept = kept_mat = False
        if self.keep_maps:
            self.maps = {}
        for name, loose, room, search, fg, strip in self._attempts(s, cv2):
            if best is not None and best[0] >= self.min_confidence:
                if not (last.endswith("s") and best[2].thick < DISC_LOW * s.Lw):
                    break
                if kept is None or best[0] > kept[0]:
                    kept, kept_mat = best, mat_kept
            last = name
            mat_kept = strip is not None
            cand = _candidate_map(fg, search, s.not_person, s.Lw, cv2)
            if self.keep_maps:
                self.maps.update({f"{k}{name}": v for k, v in (
                    ("small", s.small), ("band", s.band), ("person", s.person), ("fg", fg),
                    ("room", room), ("cand", cand))})
            best = _best_blob(s, cand, fg, strip, loose, prior, cv2)
        if kept is not None and (best is None or kept[0] >= best[0]):
            best, mat_kept = kept, kept_mat
        return best, mat_kept

    def _outline_disc(self, small: Image, person: Image, body: Body, roi: _Roi,
                      prior: tuple[float, float] | None,
                      cv2: Any) -> tuple[RollerObservation, Blob] | None:
        """A roller across the back found by the outline of its near end (see
        :mod:`formcheck.roller.shape`), for a person lying on the back when the colour
        passes find nothing: a roller of the floor's colour.

        The disc is searched with its centre under the back (``UNDER_BACK_MIN`` to
        ``UNDER_BACK_MAX`` of the shoulder-hip line), its top against the body's
        underside; it must hold the body up: beside its top rows, on at least one side
        and on the side facing the middle of the torso, the person does not go on (a
        gap showing the floor: see :mod:`formcheck.roller.support`). Working px in,
        image px out.
        """
        Lw = body.length * roi.scale
        # the search trusts the pose's scale: a person far longer than a body of this
        # torso (landmarks bunched on the head, a torso cut short) is not searched
        cols = np.nonzero(person.any(axis=0))[0]
        if cols.size == 0 or cols[-1] - cols[0] > OUTLINE_MAX_EXTENT * Lw:
            return None
        sh, hp = roi.to_work(body.shoulder), roi.to_work(body.hip)
        ends = np.array([sh + t * (hp - sh) for t in (UNDER_BACK_MIN, UNDER_BACK_MAX)])
        wh, ww = person.shape
        # the joint line (neck, shoulder, hip, on to the knee) in each column, work px
        line = roi.to_work(np.array(body.chain()))
        order = np.argsort(line[:, 0])
        line_y = np.interp(np.arange(ww, dtype=np.float64), line[order, 0], line[order, 1])
        fit = find_end_disc(small, person, (math.ceil(ends[:, 0].min()),
                                           math.floor(ends[:, 0].max())),
                            line_y, Lw, cv2)
        if fit is None:
            return None
        disc = np.zeros((wh, ww), np.uint8)
        cv2.circle(disc, (round(fit.cx), round(fit.cy)), max(1, round(fit.r)), 255, -1)
        disc = cv2.bitwise_and(disc, cv2.bitwise_not(person))
        bx, by, bw, bh = cv2.boundingRect(disc)
        if bw == 0 or bh == 0:
            return None
        sub = disc[by:by + bh, bx:bx + bw] > 0
        sides = closed_sides(sub, bx, by, person > 0, SUPPORT_REACH * Lw)
        if not leaves_gap(sides, torso_side(fit.cx, fit.cx, _middle_x(body, roi))):
            return None
        score = fit.cover
        if prior is not None:
            pw = roi.to_work(np.asarray(prior, np.float64))
            score *= 1.2 if float(np.hypot(fit.cx - pw[0], fit.cy - pw[1])) < 0.25 * Lw else 1.0
        score = min(score, 1.0)
        d = 2.0 * fit.r / roi.scale
        # the fit is in pixel indices (a pixel's centre at its index); the working image's
        # coordinates put a pixel's centre half a pixel in
        obs = build_observation(roi.to_image(fit.cx + 0.5, fit.cy + 0.5), (d, d), 0.0,
                                Orientation.ACROSS, body, score)
        return obs, self._blob(small, sub, bx, by, roi, score, cv2)

    @classmethod
    def _release(cls, quant: Quantised, unlike_room: Image, person: Image, band: Image,
                 body: Body, roi: _Roi, supine: bool, cv2: Any) -> Image:
        """The person map less what the segmentation spilt onto the roller, work px.

        The landmarker's mask often covers the part of the roller that touches the body.
        Pixels of the mask inside the band, unlike the room around (``unlike_room``:
        learnt from everything outside the band and the mask), are handed back to the
        search when their colour is not found in the person's interior (the mask shrunk
        by ``RELEASE_DEPTH`` torso lengths), or, for a person lying on the back
        (``supine``), when they lie more than ``RELEASE_BELOW`` torso lengths below the
        neck-shoulder-hip line, deeper than the back.
        """
        Lw = body.length * roi.scale
        k = 2 * max(1, round(RELEASE_DEPTH * Lw)) + 1
        interior = cv2.erode(person, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (k, k)))
        if cv2.countNonZero(interior) < 30:
            return person
        unlike_person = cls._unlike_room(quant, interior, cv2, min_share=PERSON_MIN_SHARE)
        if supine:
            # below the back, from the neck to the hip: a quadrilateral reaching far down
            top = body.head_end() - RELEASE_BELOW * body.length * body.up
            end = body.hip - RELEASE_BELOW * body.length * body.up
            far = -4.0 * body.length * body.up
            quad = roi.to_work(np.array([top, end, end + far, top + far]))
            deep = np.zeros_like(person)
            cv2.fillConvexPoly(deep, np.round(quad).astype(np.int32), 255)
            unlike_person = cv2.bitwise_or(unlike_person, deep)
        free = cv2.bitwise_and(cv2.bitwise_and(unlike_person, unlike_room),
                               cv2.bitwise_and(person, band))
        free = cv2.morphologyEx(free, cv2.MORPH_OPEN, np.ones((3, 3), np.uint8))
        return np.asarray(cv2.bitwise_and(person, cv2.bitwise_not(free)), np.uint8)

    @staticmethod
    def _rim_and_ring(person: Image, Lw: float, cv2: Any) -> tuple[Image, Image]:
        """The region's rim less the person and the ring (the room), and the ring around
        the person (where to search), working px."""
        h, w = person.shape
        k = 4  # dilate at a quarter of the size: a large kernel is slow
        small = cv2.resize(person, (max(1, w // k), max(1, h // k)),
                           interpolation=cv2.INTER_AREA)
        kr = 2 * max(1, round(RING_REACH * Lw / k)) + 1
        grown = cv2.dilate(small, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kr, kr)))
        grown = cv2.resize(grown, (w, h), interpolation=cv2.INTER_NEAREST)
        ring = cv2.bitwise_and(grown, cv2.bitwise_not(person))
        rim = np.zeros_like(person)
        e = max(2, round(RIM * Lw))
        rim[:e], rim[-e:], rim[:, :e], rim[:, -e:] = 255, 255, 255, 255
        rim = cv2.bitwise_and(rim, cv2.bitwise_not(grown))
        return np.asarray(rim, np.uint8), np.asarray(ring, np.uint8)

    @staticmethod
    def _person(pose_frame: PoseFrame, body: Body, roi: _Roi, size: tuple[int, int],
                cv2: object) -> Image:
        """The person in the working image: the segmentation mask, else a drawn body."""
        c: object = cv2
        ww, wh = size
        mask = pose_frame.mask
        if mask is not None and pose_frame.width > 0 and pose_frame.height > 0:
            # The mask may be smaller than the frame (the model saw a scaled copy):
            # map the ROI, in frame px, into mask px.
            mh, mw = mask.shape[:2]
            sx, sy = mw / pose_frame.width, mh / pose_frame.height
            x0, y0 = roi.x0 * sx, roi.y0 * sy
            x1 = min(mw, max(round(x0) + 1, round((roi.x0 + ww / roi.scale) * sx)))
            y1 = min(mh, max(round(y0) + 1, round((roi.y0 + wh / roi.scale) * sy)))
            crop = mask[round(y0):y1, round(x0):x1]
            if crop.size:
                m = c.resize(crop, (ww, wh),  # type: ignore[attr-defined]
                             interpolation=c.INTER_NEAREST)  # type: ignore[attr-defined]
                return np.asarray(c.compare(m, 0.5, c.CMP_GT), np.uint8)  # type: ignore[attr-defined]
        out = np.zeros((wh, ww), np.uint8)
        lw = body.length * roi.scale

        def seg(a: FloatArray | None, b: FloatArray | None, thick: float) -> None:
            if a is None or b is None:
                return
            pa, pb = np.round(roi.to_work(np.array([a, b]))).astype(int)
            c.line(out, (int(pa[0]), int(pa[1])), (int(pb[0]), int(pb[1])),  # type: ignore[attr-defined]
                   255, max(1, int(thick * lw)))

        seg(body.head_end(0.35), body.shoulder, 0.22)
        seg(body.shoulder, body.hip, 0.24)
        seg(body.hip, body.knee, 0.16)
        seg(body.knee, body.ankle, 0.1)
        return out

    def _near_hint(self, small: Image, cv2: object) -> Image:
        c: object = cv2
        assert self._hint_lab is not None and self.hint is not None
        lab = c.cvtColor(small, c.COLOR_BGR2LAB).astype(np.float32)  # type: ignore[attr-defined]
        d = lab - self._hint_lab.astype(np.float32)
        d[..., 0] *= 0.5  # brightness varies across a cylinder and with the room's light
        dist = np.sqrt((d * d).sum(axis=2))
        return np.where(dist < self.hint.tolerance, 255, 0).astype(np.uint8)

    @staticmethod
    def _unlike_room(quant: Quantised, room: Image, cv2: object,
                     min_share: float = ROOM_MIN_SHARE) -> Image:
        """Pixels whose colour is rare in the room (and in its shadows): 255, else 0.

        Colours are binned 32 levels a channel on two grids offset by 16 (``quant``,
        from :func:`_quantise`), so a pixel is "unlike the room" only when it differs on
        both: any colour 32 levels away from every room colour in one channel is always
        found. Histograms and their back-projections are OpenCV's (``calcHist``,
        ``calcBackProject``): no per-pixel Python work. A colour belongs to the room
        when at least ``min_share`` of the room's pixels have it (or its shadow: the
        colour at 0.7 times the brightness).
        """
        c: Any = cv2
        shape = quant[0][0].shape
        n_room = int(c.countNonZero(room))
        if n_room < 30:
            return np.zeros(shape, np.uint8)
        thr = max(2.0, min_share * n_room)
        like = np.zeros(shape, np.uint8)
        for q, qd in quant:
            hist = c.calcHist([q], [0], room, [729], _RANGES)
            hist += c.calcHist([qd], [0], room, [729], _RANGES)
            seen = np.where(hist >= thr, 255.0, 0.0).astype(np.float32)
            back = c.calcBackProject([q], [0], seen, _RANGES, 1.0)
            like = c.bitwise_or(like, c.compare(back, 0, c.CMP_GT))
        return np.asarray(c.bitwise_not(like), np.uint8)

    @staticmethod
    def _strip(quant: Quantised, unlike: Image, search: Image, strip_px: float,
               cv2: object) -> Image | None:
        """The pixels of a mat or a floor strip among ``unlike``, or None.

        A colour unlike the room that runs along the floor under the body, spanning
        more than ``strip_px`` columns (work px; 3rd to 97th percentile of its columns)
        of ``search`` (below the person, less the person: :func:`_floor_below`) and
        present in at least ``STRIP_MIN_COVER / STRIP_MIN_LENGTH`` of that many, is
        taken for a mat or a floor strip (the roller is at most ~1.8 torso lengths
        long); the strip is the pixels of such colours on both grids.
        """
        c: Any = cv2
        ys, xs = np.nonzero(c.bitwise_and(unlike, search))
        if xs.size == 0:
            return None
        min_cover = STRIP_MIN_COVER / STRIP_MIN_LENGTH * strip_px
        strip = unlike
        for q, _qd in quant:
            bins = q[ys, xs]
            long_ = np.zeros(729, np.float32)
            # only colours with enough pixels can cover enough columns
            for b in np.nonzero(np.bincount(bins, minlength=729) > min_cover)[0]:
                cols = np.unique(xs[bins == b])  # the columns the colour occupies
                if cols.size > min_cover:
                    n = cols.size - 1  # sorted: the 3rd and 97th percentiles
                    if cols[round(0.97 * n)] - cols[round(0.03 * n)] > strip_px:
                        long_[b] = 255.0
            if not long_.any():
                return None
            back = c.calcBackProject([q], [0], long_, _RANGES, 1.0)
            strip = c.bitwise_and(strip, c.compare(back, 0, c.CMP_GT))
        return np.asarray(strip, np.uint8) if c.countNonZero(strip) else None

    @staticmethod
    def _blob(small: Image, sub: NDArray[np.bool_], bx: int, by: int, roi: _Roi,
              score: float, cv2: object) -> Blob:
        c: object = cv2
        pix = small[by:by + sub.shape[0], bx:bx + sub.shape[1]][sub].astype(np.float64)
        mean = pix.mean(axis=0)
        spread = float(pix.std(axis=0).mean())
        contours, _ = c.findContours(sub.astype(np.uint8), c.RETR_EXTERNAL,  # type: ignore[attr-defined]
                                     c.CHAIN_APPROX_SIMPLE)  # type: ignore[attr-defined]
        if contours:
            cnt = max(contours, key=len).reshape(-1, 2).astype(np.float64)
            outline = cnt / roi.scale + np.array([roi.x0 + bx / roi.scale,
                                                  roi.y0 + by / roi.scale])
        else:
            outline = np.zeros((0, 2))
        return Blob(outline=outline, mean_bgr=(float(mean[0]), float(mean[1]), float(mean[2])),
                    spread=spread, score=score)


# --- the search region --------------------------------------------------------------------
def _bounds(body: Body, pose_frame: PoseFrame, size: tuple[int, int],
            cv2: Any) -> tuple[int, int, int, int]:
    """The region searched, image px (x0, y0, x1, y1): the band under the body's line
    with a margin for the room's colours, grown to the whole segmented person with room
    for a roller under a limb the pose missed."""
    W, H = size
    L = body.length
    down = np.array([0.0, BAND_OFFSET * L])
    chain = np.array([p + down for p in body.chain()])
    half = 0.5 * BAND_THICKNESS * L
    pad = half + MARGIN * L
    x0 = max(0, math.floor(chain[:, 0].min() - pad))
    x1 = min(W, math.ceil(chain[:, 0].max() + pad))
    y0 = max(0, math.floor(chain[:, 1].min() - half - 0.15 * L))
    y1 = min(H, math.ceil(chain[:, 1].max() + half + MARGIN * L))
    extent = _mask_extent(pose_frame, cv2)
    if extent is not None:
        ring = (RING_REACH + RIM) * L
        x0 = max(0, min(x0, math.floor(extent[0] - ring)))
        x1 = min(W, max(x1, math.ceil(extent[2] + ring)))
        y1 = min(H, max(y1, math.ceil(extent[3] + ring)))
    return x0, y0, x1, y1


def _region(image: Image, pose_frame: PoseFrame, body: Body,
            cv2: Any) -> tuple[_Roi, Image, Image, float] | None:
    """The working image (the region scaled so the torso is at most ``WORK_TORSO_PX``
    long, brightened when dim), the band where the roller can be (255 in it), and the
    torso's length, working px; None for a region under 8 px a side."""
    H, W = image.shape[:2]
    x0, y0, x1, y1 = _bounds(body, pose_frame, (W, H), cv2)
    if x1 - x0 < 8 or y1 - y0 < 8:
        return None
    scale = min(1.0, WORK_TORSO_PX / body.length)
    roi = _Roi(x0, y0, scale)
    crop = image[y0:y1, x0:x1]
    ww = max(8, round((x1 - x0) * scale))
    wh = max(8, round((y1 - y0) * scale))
    small = crop if scale >= 1.0 else cv2.resize(crop, (ww, wh),
                                                 interpolation=cv2.INTER_AREA)
    small = _normalise_exposure(small, cv2)
    wh, ww = small.shape[:2]
    Lw = body.length * scale
    band = np.zeros((wh, ww), np.uint8)
    down = np.array([0.0, BAND_OFFSET * body.length])
    cw = np.round(roi.to_work(np.array([p + down for p in body.chain()]))).astype(np.int32)
    cv2.polylines(band, [cw.reshape(-1, 1, 2)], False, 255,
                  max(1, round(BAND_THICKNESS * Lw)), cv2.LINE_8)
    return roi, small, band, Lw


def _touch_map(person: Image, body: Body, roi: _Roi, Lw: float, cv2: Any) -> Image:
    """The body a roller may touch, working px: the person grown a little, less the feet
    (which stand on the floor, on a mat and beside anything lying there)."""
    kt = 2 * max(1, round(TOUCH_REACH * Lw)) + 1
    touch = cv2.dilate(person, cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (kt, kt)))
    if body.ankle is not None:
        a = roi.to_work(body.ankle)
        cv2.circle(touch, (round(a[0]), round(a[1])), round(FEET_RADIUS * Lw), 0, -1)
    return np.asarray(touch, np.uint8)


# --- the candidates -----------------------------------------------------------------------
def _candidate_map(fg: Image, search: Image, not_person: Image, Lw: float,
                   cv2: Any) -> Image:
    """The pixels a roller may be, working px: the foreground in the search area, off
    the person, cleaned: specks opened away, gaps closed, holes filled (a shaded disc's
    centre may match the room: a white hub), thin horizontal structures (a mat seen
    edge-on, shadow lines) opened away."""
    k3 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (3, 3))
    k5 = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (5, 5))
    kv = np.ones((max(3, round(THIN_MAX * Lw)), 1), np.uint8)
    cand = cv2.bitwise_and(fg, search)
    cand = cv2.bitwise_and(cand, not_person)
    cand = cv2.morphologyEx(cand, cv2.MORPH_OPEN, k3)
    cand = cv2.morphologyEx(cand, cv2.MORPH_CLOSE, k5)
    outer, _ = cv2.findContours(cand, cv2.RETR_EXTERNAL, cv2.CHAIN_APPROX_SIMPLE)
    cv2.drawContours(cand, outer, -1, 255, -1)
    return np.asarray(cv2.morphologyEx(cand, cv2.MORPH_OPEN, kv), np.uint8)


def _best_blob(s: _Search, cand: Image, fg: Image, strip: Image | None, loose: bool,
               prior: tuple[float, float] | None, cv2: Any) -> tuple[float, int, _Cand] | None:
    """The best scoring of the eight largest blobs of ``cand`` that pass the tests
    (:func:`_blob_score`), with its label and shape; blobs near ``prior`` (image px)
    score a fifth more."""
    n, labels, stats, _ = cv2.connectedComponentsWithStats(cand, connectivity=8)
    if n <= 1:
        return None
    # lying on the back, a roller holds the body up: a gap beside it; what fills the
    # gap is the person or colours unlike the room
    filled = (np.asarray((fg > 0) | (s.person > 0)) if s.supine and not loose
              and s.lab_ab is not None else None)
    min_area = 0.5 * (DISC_MIN * s.Lw) ** 2
    Ls = s.Lw * (s.limb_scale if loose else 1.0)  # what a roller's size is judged by
    order = np.argsort(-stats[1:, cv2.CC_STAT_AREA])[:8] + 1
    prior_w = None if prior is None else s.roi.to_work(np.asarray(prior, np.float64))
    best: tuple[float, int, _Cand] | None = None
    for i in order:
        area = int(stats[i, cv2.CC_STAT_AREA])
        if area < min_area:
            break
        c = _blob_shape(labels, stats, int(i), area, loose, cv2)
        score = _blob_score(s, c, filled, strip, loose, Ls)
        if score is None:
            continue
        if prior_w is not None:
            dist = float(np.hypot(c.rcx - prior_w[0], c.rcy - prior_w[1])) / s.Lw
            score *= 1.2 if dist < 0.25 else 1.0
        score = min(score, 1.0)
        if best is None or score > best[0]:
            best = (score, int(i), c)
    return best


def _blob_shape(labels: NDArray[np.int32], stats: NDArray[np.int32], i: int, area: int,
                loose: bool, cv2: Any) -> _Cand:
    """Blob ``i``'s box, minimum-area rectangle, fill and elongation, working px; a disc
    (an end-on roller) when less elongated than a bar."""
    bx, by, bw, bh = (int(v) for v in stats[i, :4])
    sub = labels[by:by + bh, bx:bx + bw] == i
    ys, xs = np.nonzero(sub)
    pts = np.column_stack([xs + bx, ys + by]).astype(np.float32)
    (rcx, rcy), (rw, rh), rang = cv2.minAreaRect(pts)
    length, thick = max(rw, rh, 1.0), max(min(rw, rh), 1.0)
    long_deg = rang if rw >= rh else rang + 90.0
    long_deg = (long_deg + 90.0) % 180.0 - 90.0
    elong = length / thick
    kind = "disc" if elong < (LOOSE_MIN_ELONGATION if loose else BAR_MIN_ELONGATION) else "bar"
    return _Cand(kind, bx, by, bw, bh, float(rcx), float(rcy), float(length), float(thick),
                 float(long_deg), sub, area / (length * thick), elong)


def _blob_score(s: _Search, c: _Cand, filled: NDArray[np.bool_] | None,
                strip: Image | None, loose: bool, Ls: float) -> float | None:
    """A blob's score (0..1: shape, fill, shading, contact), or None when it cannot be
    the roller: not resting against the body from below, a piece of a mat, one flat
    colour (a roller is a shaded cylinder), or, lying on the back, not holding the body
    up. ``Ls``: what the roller's size is judged by, working px."""
    touch = _resting_share(s, c, loose)
    if touch is None:
        return None
    # a piece of a mat: of the mat's colour, with the mat going on beside it at the
    # same height
    if strip is not None and _strip_beside(strip, c.sub, c.bx, c.by, STRIP_BESIDE * s.Lw):
        return None
    pix = s.small[c.by:c.by + c.bh, c.bx:c.bx + c.bw][c.sub]
    shading = _tri(float(pix.std(axis=0).mean()), FLAT_STD, FLAT_STD + 8.0, 1e9, 2e9)
    if shading <= 0.0:
        return None
    if filled is not None and s.lab_ab is not None and not _holds_up(s, c, filled):
        return None
    return _shape_score(c, Ls) * shading * (1.0 if touch >= 2 * MIN_TOUCH else NO_TOUCH_FACTOR)


def _resting_share(s: _Search, c: _Cand, loose: bool) -> float | None:
    """The share of the blob's top edge resting against the body, or None when the blob
    is not where a roller under the body can be."""
    body, roi = s.body, s.roi
    if not loose:
        # lying on the back, the roller is under the back: not past the hips nor
        # beyond the head
        if s.supine and not body.along_back(roi.to_image(c.rcx, c.rcy)):
            return None
        # a blob above the body's line is an arm or the far side, not the roller
        if float((np.array([c.rcx, c.rcy]) - s.shoulder_w) @ body.up) > 0.05 * s.Lw:
            return None
        # ... and the roller lies on the floor: below the shoulders and the hips
        if c.rcy < s.floor_y:
            return None
    # its top edge must rest against the body over part of its width (a mat or a floor
    # stripe passes under the body with a gap, touching only the feet)
    tops = np.argmax(c.sub, axis=0)
    cols = np.nonzero(c.sub.any(axis=0))[0]
    ty = np.clip(tops[cols] + c.by - 1, 0, s.small.shape[0] - 1)
    touch = float(np.count_nonzero(s.touch[ty, cols + c.bx])) / max(1, cols.size)
    under = float(np.count_nonzero(s.under[ty, cols + c.bx])) / max(1, cols.size)
    if touch < MIN_TOUCH or under < MIN_UNDER:
        return None
    return touch


def _holds_up(s: _Search, c: _Cand, filled: NDArray[np.bool_]) -> bool:
    """Whether a blob under a back lying on it holds the body up.

    It leaves a gap beside it on at least one side, and on the side facing the middle
    of the torso (the torso, lifted where it rests on the roller, runs on above the
    floor from there towards its far end); a patch of mat under a body lying on the mat
    has the body or more of the mat (shaded, or of the patch's own hue) on both sides,
    and the mat's end past the head has its only gap beyond the head. A roller along the
    spine too: past its ends, its top rows are against the lifted back or the head lying
    on it; it rests on the back over its length, so the side facing the torso's middle
    is the one it lies wholly beside (none when it spans the middle).
    """
    assert s.lab_ab is not None
    along = (c.elong >= BAR_MIN_ELONGATION
             and abs((c.long_deg - s.axis_deg + 90.0) % 180.0 - 90.0) <= ALONG_MAX_ANGLE)
    toward = (torso_side(c.bx, c.bx + c.bw, s.middle_x) if along
              else torso_side(c.rcx, c.rcx, s.middle_x))
    return holds_body_up(c.sub, c.bx, c.by, filled, s.lab_ab, SUPPORT_REACH * s.Lw, toward)


def _shape_score(c: _Cand, Ls: float) -> float:
    """How much the blob's size and fill look like a roller's (0..1): an end-on disc
    by its width, a bar by its length and thickness, against ``Ls`` (working px)."""
    if c.kind == "disc":
        shape = _tri(c.bw / Ls, DISC_MIN, DISC_LOW, DISC_HIGH, DISC_MAX)
        fill_s = _tri(c.fill, 0.4, 0.62, 1.01, 1.1)
    else:
        shape = (_tri(c.length / Ls, BAR_MIN_LENGTH - 0.15, BAR_MIN_LENGTH, BAR_LONG,
                      BAR_MAX_LENGTH)
                 * _tri(c.thick / Ls, DISC_MIN - 0.04, DISC_LOW - 0.02, DISC_HIGH, DISC_MAX))
        fill_s = _tri(c.fill, 0.45, 0.7, 1.01, 1.1)
    return shape * fill_s


# --- the refinement -----------------------------------------------------------------------
def _refine(c: _Cand, axis_deg: float) -> tuple[tuple[float, float], tuple[float, float], float,
                                            Orientation]:
    """The chosen blob as the roller: centre and (length, thickness), working px, the
    long axis to the image x axis, degrees, and across or along the spine (whose line is
    at ``axis_deg`` to the image x axis)."""
    if c.kind == "disc":
        return _end_on(c)
    angle = c.long_deg
    diff = abs((angle - axis_deg + 90.0) % 180.0 - 90.0)
    orientation = Orientation.ALONG if diff <= ALONG_MAX_ANGLE else Orientation.ACROSS
    centre, size = (c.rcx, c.rcy), (c.length, c.thick)
    if orientation is Orientation.ALONG and abs(angle) <= TAIL_MAX_ANGLE:
        centre, size = _trim_tail(c, angle)
    if orientation is Orientation.ACROSS:
        near = _near_end(c)
        if near is not None:
            centre, size = near
            angle = 0.0
    return centre, size, angle, orientation


def _end_on(c: _Cand) -> tuple[tuple[float, float], tuple[float, float], float, Orientation]:
    """An end-on roller: its width is the diameter (the top may hide under the back);
    it stands on the floor, so its centre is a radius above its bottom."""
    bx, by, bw, bh = float(c.bx), float(c.by), float(c.bw), float(c.bh)
    d = min(max(bw, bh), 1.25 * bw)
    return (bx + 0.5 * bw, by + bh - 0.5 * d), (d, d), 0.0, Orientation.ACROSS


def _trim_tail(c: _Cand, angle: float) -> tuple[tuple[float, float], tuple[float, float]]:
    """A roller along the spine lying level is as thick over its whole length: columns
    at its ends much thinner than its middle are something it merged with (the mat's
    edge going on beside it), not the roller; centre and size without them."""
    sub = c.sub
    heights = sub.sum(axis=0)
    cols = np.nonzero(heights >= TAIL_MIN_HEIGHT * float(np.median(heights[heights > 0])))[0]
    # (a rounded end thins too, over at most half the thickness)
    cap = 0.5 * c.thick
    c0 = int(cols[0]) if cols.size and cols[0] > cap else 0
    c1 = int(cols[-1]) + 1 if cols.size and sub.shape[1] - 1 - cols[-1] > cap else sub.shape[1]
    if not ((c0 > 0 or c1 < sub.shape[1]) and c1 - c0 >= 2):
        return (c.rcx, c.rcy), (c.length, c.thick)
    span = (c1 - c0) / max(math.cos(math.radians(angle)), 1e-6)
    cxw = float(c.bx) + 0.5 * (c0 + c1)
    cyw = c.rcy + (cxw - c.rcx) * math.tan(math.radians(angle))
    return (cxw, cyw), (min(c.length, span), c.thick)


def _near_end(c: _Cand) -> tuple[tuple[float, float], tuple[float, float]] | None:
    """A roller across the back seen at an angle: the end nearest the camera, the
    lowest part of the blob, is the disc the centre is reported for; its diameter the
    widest row near the bottom, from the bar's thickness to a quarter more (a roller
    seen obliquely is wider than its end). None for a blob with no pixels there."""
    sub, bh = c.sub, float(c.bh)
    low = sub[max(0, round(bh - 1.3 * c.thick)):]
    span = np.where(low.any(axis=1),
                    low.shape[1] - np.argmax(low[:, ::-1], axis=1) - np.argmax(low, axis=1), 0)
    d = min(max(c.thick, float(span.max()) if span.size else 0.0), 1.25 * c.thick)
    _ys, xs = np.nonzero(sub[max(0, round(bh - d)):])
    if not xs.size:
        return None
    return (float(c.bx) + float(xs.mean()), float(c.by) + bh - 0.5 * d), (d, d)


def _middle_x(body: Body, roi: _Roi) -> float:
    """The column of the point halfway between shoulder and hip, working px (the side
    of a candidate facing it is the one :func:`~formcheck.roller.support.torso_side`
    names)."""
    return float(roi.to_work(0.5 * (body.shoulder + body.hip))[0])


def _inside(p: FloatArray, cand: _Cand) -> bool:
    """Whether the point ``p`` (working px) lies in ``cand``'s bounding box."""
    return bool(cand.bx <= p[0] <= cand.bx + cand.bw and cand.by <= p[1] <= cand.by + cand.bh)


def _mask_extent(pose_frame: PoseFrame, cv2: Any) -> tuple[float, float, float, float] | None:
    """The person's bounding box in frame px (x0, y0, x1, y1) from the segmentation
    mask, or None without a mask (or an empty one)."""
    mask = pose_frame.mask
    if mask is None or pose_frame.width <= 0 or pose_frame.height <= 0:
        return None
    mh, mw = mask.shape[:2]
    x, y, w, h = cv2.boundingRect(cv2.compare(mask, 0.5, cv2.CMP_GT))
    if w == 0 or h == 0:
        return None
    sx, sy = pose_frame.width / mw, pose_frame.height / mh
    return (x * sx, y * sy, (x + w) * sx, (y + h) * sy)


def _limb_scale(body: Body) -> float:
    """The body's size from its least foreshortened segment, in torso lengths (>= 1):
    the thigh's and the shin's lengths over ``LIMB_TO_TORSO``, when longer than the
    torso looks. A segment folded back on the one before it (the joint's angle under
    ``MIN_JOINT_ANGLE``) is left out, with those after it: the pose then has the joint
    on another limb more often than a body so folded."""
    best = body.length
    prev = body.axis
    min_cos = -math.cos(math.radians(MIN_JOINT_ANGLE))
    for a, b in ((body.hip, body.knee), (body.knee, body.ankle)):
        if a is None or b is None:
            break
        seg = b - a
        n = float(np.hypot(seg[0], seg[1]))
        if n <= 1e-6 or float(seg @ prev) / n < min_cos:
            break
        best = max(best, n / LIMB_TO_TORSO)
        prev = seg / n
    return best / body.length


def _strip_beside(strip: Image, sub: NDArray[np.bool_], bx: int, by: int,
                  reach: float) -> bool:
    """Whether the blob ``sub`` (its box at ``bx``, ``by``, work px) is mostly of the
    strip's colour and the strip goes on for more than ``reach`` px (work) to its left
    or right, in its rows: a piece of a mat, not a roller lying on it."""
    bh, bw = sub.shape
    own = strip[by:by + bh, bx:bx + bw] > 0
    if np.count_nonzero(own & sub) < 0.5 * np.count_nonzero(sub):
        return False
    rows = strip[by:by + bh] > 0
    r = max(1, round(reach))
    left = rows[:, max(0, bx - 2 - r):max(0, bx - 2)].any(axis=0)
    right = rows[:, bx + bw + 2:bx + bw + 2 + r].any(axis=0)
    return bool(left.sum() + right.sum() >= 0.8 * r)


def _quantise(small: Image, cv2: Any) -> Quantised:
    """``small`` (BGR) and its shadow (0.7 times as bright) as colour bin indices
    (0..728: 81 b + 9 g + r, 16-bit), on each of the two grids of ``_LUTS``."""
    dark = cv2.convertScaleAbs(small, alpha=0.7)
    return [(cv2.transform(cv2.LUT(small, lut).astype(np.uint16), _BIN_WEIGHTS),
             cv2.transform(cv2.LUT(dark, lut).astype(np.uint16), _BIN_WEIGHTS))
            for lut in _LUTS]


def _normalise_exposure(small: Image, cv2: Any) -> Image:
    """``small`` brightened so that its bright end (the 98th percentile of grey) reaches
    ``EXPOSURE_TARGET`` levels, by a gain of at most ``EXPOSURE_MAX_GAIN``.

    A dim image squeezes all colours into the lower levels, where the colour bins of
    :meth:`RollerDetector._unlike_room` (32 levels wide) no longer tell the roller from
    the floor; a gain restores the spread. Bright images are left as they are.
    """
    grey = cv2.cvtColor(small, cv2.COLOR_BGR2GRAY)
    hist = cv2.calcHist([grey], [0], None, [256], [0, 256]).ravel()
    cum = np.cumsum(hist)
    p98 = float(np.searchsorted(cum, 0.98 * cum[-1]))
    gain = min(EXPOSURE_MAX_GAIN, EXPOSURE_TARGET / max(p98, 1.0))
    if gain <= 1.05:
        return small
    return np.asarray(cv2.convertScaleAbs(small, alpha=gain), np.uint8)


def _floor_below(person: Image, under: Image, not_person: Image) -> Image:
    """Where a mat or a floor strip is measured, working px: under the person (not the
    person), and, beyond the person's columns (past the head or the feet, where a mat
    goes on), below the person's lowest point.

    A mat longer than the person is cut short when measured under the body only. The
    person rests on the floor, so below its lowest point, beside it, is floor (or the
    mat) too; the wall and the skirting board, beside a raised head, are above it.
    """
    below = np.asarray(under & not_person, np.uint8)
    has = person.any(axis=0)
    cols = np.nonzero(has)[0]
    if cols.size == 0:
        return below
    lowest = int(np.nonzero(person.any(axis=1))[0][-1])
    beside = below[lowest + 1:]
    beside[:, :cols[0]] = 255
    beside[:, cols[-1] + 1:] = 255
    return below


def _floor_side(band: Image, torso_cols: tuple[int, int]) -> NDArray[np.bool_]:
    """Pixels at or below the band's bottom edge, column by column, never above the
    band's bottom under the torso (``torso_cols``: the shoulder's and hip's columns).

    The roller stands on the floor, so the colours it must differ from are the floor's
    around and below it, not the wall's above the body or beyond the head.
    """
    h, w = band.shape
    has = band.any(axis=0)
    if not has.any():
        return np.ones((h, w), bool)
    bottom = np.where(has, h - 1 - np.argmax(band[::-1] > 0, axis=0), 0)
    ref = [bottom[int(np.clip(c, 0, w - 1))] for c in torso_cols]
    floor = np.maximum(bottom, min(ref))
    rows = np.arange(h)[:, None]
    return np.asarray(rows >= floor[None, :])


# 0..255 to a colour bin 0..8, on two grids 32 levels wide, offset by 16 levels.
_BIN_WEIGHTS = np.array([[81.0, 9.0, 1.0]], np.float32)
_RANGES = [0, 729]
_LUTS = tuple(((np.arange(256) + shift) // 32).astype(np.uint8) for shift in (0, 16))


def calibrate(image_bgr: Image, pose_frame: PoseFrame) -> ColorHint:
    """Learn the roller's colour from one frame (see :meth:`RollerDetector.calibrate`)."""
    return RollerDetector().calibrate(image_bgr, pose_frame)
