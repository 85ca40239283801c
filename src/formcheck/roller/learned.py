"""A learned roller detector: a small segmentation network over the region under the torso.

The pose says where to look (:func:`search_region`): a square around the torso, pushed
towards the floor, scaled to ``WORK_PX`` x ``WORK_PX``. The network
(``roller_seg.onnx``, trained by ``scripts/train_roller.py``) gives each work pixel a
roller probability; the connected blob of probable roller pixels nearest the back is the
candidate (:func:`best_blob`), and its principal axes give the visible ends, the axis
angle and the apparent diameter (:func:`principal`). Two more maps, heatmaps of the
whole roller's centre and ends (its part hidden by the body included), place the whole
roller (:func:`whole_roller`): the centre the evaluator reads the roller's place from.
Runs with onnxruntime; no torch.

Pixel coordinates: x right, y down, origin top-left, px of the full image unless named
*work* (the scaled search region).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.frame import PoseFrame
from formcheck.roller.detector import Blob, build_observation
from formcheck.roller.geometry import Body
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation

Image = NDArray[np.uint8]
MODEL_PATH = Path(__file__).with_name("roller_seg.onnx")
WORK_PX = 96  # side of the network's square input, px
REGION_SIDE = 2.4  # the search square's side, torso (shoulder-to-hip) lengths
REGION_DROP = 0.3  # the square's centre below the torso's middle, torso lengths
MIN_PROB = 0.5  # a work pixel counts as roller above this probability
MIN_AREA = 12  # smallest blob kept, work px
JOIN_AREA = 0.15  # a blob on the best one's axis joins it from this share of its size
# apparent diameter per standard deviation across the axis: 3.4 (median of the truth's
# diameter over the silhouette's deviation, tuning split; a flat band would give 3.46)
DIAMETER_PER_SD = 3.4
# the whole roller from the heatmaps (models trained with --heads); chosen on the unseen
# tuning frames (docs/roller_learned.md)
CENTRE_MIN = 0.1  # the centre heatmap's peak counts from this probability
CENTRE_REACH = 1.5  # and within this many silhouette lengths of the visible part
ENDS_MIN = 0.3  # each end's peak counts from this probability
ENDS_APART = 1.5  # the two ends' peaks at least this many diameters apart
# The ends' peaks give the roller's axis only within this many degrees of the visible
# silhouette's long axis, where that is at least ENDS_STUBBY diameters long: peaks that
# stand across a clearly long silhouette are the heatmap's error, not the roller's
# (docs/roller_learned.md, "Stop 46")
ENDS_AXIS_MAX_DEG = 45.0
ENDS_STUBBY = 2.0
# A find whose calibrated confidence is under this is not reported: it is more likely
# wrong than right, and the evaluator (roller.min_confidence, the same 0.3) would not
# judge from that frame's find alone (the tracker no longer blends it into the track
# either). Chosen on the tuning frames the network never saw, where it moved no check's
# figure by more than a point (docs/roller_learned.md, "Stop 33").
REPORT_MIN = 0.3


@dataclass(frozen=True, slots=True)
class Region:
    """The search square: full-image px = ``origin`` + work px * ``scale``."""

    origin: tuple[float, float]
    scale: float  # full-image px per work px

    def to_image(self, p: NDArray[np.float64]) -> NDArray[np.float64]:
        """Work px (..., 2) to full-image px."""
        return np.asarray(self.origin) + p * self.scale


def search_region(shoulder: NDArray[np.float64], hip: NDArray[np.float64],
                  up: NDArray[np.float64]) -> Region:
    """The square under the torso: centred on the shoulder-hip midpoint moved
    ``REGION_DROP`` torso lengths away from ``up`` (towards the floor), side
    ``REGION_SIDE`` torso lengths. Points in full-image px; ``up`` a unit vector."""
    length = float(np.hypot(*(hip - shoulder)))
    centre = 0.5 * (shoulder + hip) - REGION_DROP * length * up
    side = REGION_SIDE * length
    return Region((float(centre[0] - side / 2), float(centre[1] - side / 2)),
                  side / WORK_PX)


def crop(image_bgr: Image, region: Region, cv2: Any) -> Image:
    """The region resampled to WORK_PX x WORK_PX (outside the image: black)."""
    s = region.scale
    m = np.array([[1 / s, 0, -region.origin[0] / s], [0, 1 / s, -region.origin[1] / s]])
    out = cv2.warpAffine(image_bgr, m, (WORK_PX, WORK_PX), flags=cv2.INTER_AREA
                         if s > 1 else cv2.INTER_LINEAR, borderMode=cv2.BORDER_CONSTANT)
    return np.asarray(out, dtype=np.uint8)


def logit(p: float) -> float:
    """log(p / (1 - p)), p held within 1e-4 of 0 and 1."""
    p = min(max(p, 1e-4), 1.0 - 1e-4)
    return math.log(p / (1.0 - p))


@dataclass(frozen=True, slots=True)
class Calibration:
    """Platt scaling into the chance the find is right (its centre within 10% of the
    torso of the whole roller's): ``sigmoid(a * logit(raw) + c * logit(peak) + b)``, raw
    the blob's mean probability and peak the whole roller's centre heatmap's (models
    with heads; 0 where no centre was read); fitted by ``scripts/calibrate_roller.py``
    and kept in the model's JSON (``calibration``). The identity (a 1, b 0, c 0)
    without one."""

    a: float = 1.0
    b: float = 0.0
    c: float = 0.0

    def __call__(self, raw: float, peak: float | None = None) -> float:
        z = self.a * logit(raw) + self.b
        if self.c and peak is not None:
            z += self.c * logit(peak)
        return 1.0 / (1.0 + math.exp(-z)) if z >= 0 else math.exp(z) / (1.0 + math.exp(z))

    @classmethod
    def of_model(cls, path: Path) -> Calibration:
        """The calibration kept beside the model (``NAME.json``), or the identity."""
        import json

        meta_path = path.with_suffix(".json")
        if not meta_path.is_file():
            return cls()
        cal = json.loads(meta_path.read_text()).get("calibration")
        if not cal:
            return cls()
        return cls(float(cal["a"]), float(cal["b"]), float(cal.get("c", 0.0)))


class SegModel:
    """The ONNX network: BGR work crop in, probability maps (C, WORK_PX, WORK_PX) out:
    the visible roller pixels, then (models trained with ``--heads``) the whole roller's
    centre and its ends as heatmaps. Runs with onnxruntime on ``threads`` threads; one
    (the default) runs it on the calling thread, with no pool of its own, so it keeps
    that thread's priority and CPUs (:mod:`formcheck.priority`: the pose model's core
    stays free) and spins on no other core."""

    def __init__(self, path: Path = MODEL_PATH, threads: int = 1) -> None:
        import onnxruntime as ort

        options = ort.SessionOptions()
        options.intra_op_num_threads = max(1, threads)
        options.inter_op_num_threads = 1
        options.log_severity_level = 3  # no warnings on a user's terminal
        self._session = ort.InferenceSession(str(path), options,
                                             providers=["CPUExecutionProvider"])
        first = self._session.get_inputs()[0]
        self._input = first.name
        if list(first.shape[-2:]) != [WORK_PX, WORK_PX]:
            # a network trained for another work crop would read every crop wrongly
            raise ValueError(f"{path}: the network takes {first.shape[-2:]} px crops, "
                             f"this formcheck cuts {WORK_PX} x {WORK_PX}")

    def __call__(self, work_bgr: Image) -> NDArray[np.float32]:
        # RGB, channels first, 0..1: as the network was trained
        x = np.ascontiguousarray(work_bgr[:, :, ::-1].transpose(2, 0, 1)[None],
                                 dtype=np.float32) / np.float32(255.0)
        logits = np.asarray(self._session.run(None, {self._input: x})[0], np.float32)[0]
        return np.asarray(1.0 / (1.0 + np.exp(-logits)), dtype=np.float32)


def candidates(prob: NDArray[np.float32], cv2: Any) -> list[tuple[NDArray[np.bool_], float]]:
    """The connected blobs of probable roller pixels of at least ``MIN_AREA`` work px,
    with their probability mass, the most massive first."""
    on = (prob > MIN_PROB).astype(np.uint8)
    n, labels = cv2.connectedComponents(on, connectivity=8)
    found = []
    for k in range(1, n):
        blob = labels == k
        if int(blob.sum()) >= MIN_AREA:
            found.append((blob, float(prob[blob].sum())))
    return sorted(found, key=lambda bm: -bm[1])


def best_blob(prob: NDArray[np.float32], cv2: Any
              ) -> tuple[NDArray[np.bool_], float, Silhouette] | None:
    """The most massive blob joined with the blobs on its axis (the roller's other end,
    seen past the body), the joined pixels' mean probability and their
    :class:`Silhouette`; None when no blob reaches ``MIN_AREA`` work px."""
    blobs = candidates(prob, cv2)
    if not blobs:
        return None
    best = blobs[0][0]
    geo = principal(best)
    union = join_collinear(best, [b for b, _ in blobs[1:]], geo)
    if union is not best:  # a blob joined: the axes of the whole
        geo = principal(union)
    return union, float(prob[union].mean()), geo


def join_collinear(best: NDArray[np.bool_], others: list[NDArray[np.bool_]],
                   geo: Silhouette) -> NDArray[np.bool_]:
    """``best`` (``geo`` its :class:`Silhouette`) with every other blob whose centroid
    lies within one apparent diameter of ``best``'s long axis and that holds at least
    ``JOIN_AREA`` of its pixels: the body hides the roller's middle and both ends show.
    ``best`` itself when none joins."""
    union = best
    for blob in others:
        ys, xs = np.nonzero(blob)
        c = np.array([xs.mean(), ys.mean()]) + 0.5
        off = abs(float((c - geo.centre) @ geo.minor))
        if off <= max(geo.diameter, 3.0) and blob.sum() >= JOIN_AREA * best.sum():
            union = union | blob
    return union


@dataclass(frozen=True, slots=True)
class Silhouette:
    """A blob's principal axes, work px: ``ends`` (2, 2) the extreme pixels along the
    long axis, ``centre`` their midpoint, ``diameter`` the apparent diameter."""

    centre: NDArray[np.float64]
    major: NDArray[np.float64]
    minor: NDArray[np.float64]
    ends: NDArray[np.float64]
    diameter: float

    @property
    def length(self) -> float:
        """Distance between the ends, work px."""
        return float(np.hypot(*(self.ends[1] - self.ends[0])))


def principal(blob: NDArray[np.bool_]) -> Silhouette:
    """The blob's :class:`Silhouette`. The diameter is ``DIAMETER_PER_SD`` standard
    deviations across the long axis (a band of even width w has w / sqrt(12))."""
    ys, xs = np.nonzero(blob)
    pts = np.stack([xs, ys], axis=1).astype(np.float64) + 0.5
    mean = pts.mean(axis=0)
    cov = np.cov((pts - mean).T) if len(pts) > 2 else np.eye(2)
    w, v = np.linalg.eigh(cov)
    major, minor = v[:, 1], v[:, 0]
    along = (pts - mean) @ major
    lo, hi = float(along.min()) - 0.5, float(along.max()) + 0.5
    ends = np.stack([mean + lo * major, mean + hi * major])
    diameter = DIAMETER_PER_SD * math.sqrt(max(float(w[0]), 0.0)) + 0.5
    return Silhouette(ends.mean(axis=0), major, minor, ends, diameter)


def outline_blob(blob: NDArray[np.bool_], work_bgr: Image, region: Region, score: float,
                 cv2: Any) -> Blob:
    """The find as the rules detector's :class:`Blob`: the outline of its largest part
    (image px) and its colour in the work crop."""
    contours, _ = cv2.findContours(blob.astype(np.uint8), cv2.RETR_EXTERNAL,
                                   cv2.CHAIN_APPROX_SIMPLE)
    outline = max(contours, key=len).reshape(-1, 2).astype(np.float64) + 0.5
    pixels = work_bgr[blob].astype(np.float64)
    mean = pixels.mean(axis=0)
    return Blob(outline=region.to_image(outline),
                mean_bgr=(float(mean[0]), float(mean[1]), float(mean[2])),
                spread=float(pixels.std(axis=0).mean()), score=score)


_GRID = np.arange(WORK_PX)  # work px indices, for peak()


def peak(heat: NDArray[np.float32], away_from: NDArray[np.float64] | None = None,
         radius: float = 0.0) -> tuple[NDArray[np.float64], float]:
    """The heatmap's highest pixel, further than ``radius`` work px from ``away_from``
    when given, refined to the probability-weighted mean of its 3x3 neighbourhood: the
    point (work px, pixel centres at +0.5) and its probability."""
    h = heat
    if away_from is not None:
        g = np.arange(WORK_PX) + 0.5
        d2 = (g[None, :] - away_from[0]) ** 2 + (g[:, None] - away_from[1]) ** 2
        h = np.where(d2 > radius * radius, heat, 0.0)
    iy, ix = np.unravel_index(int(np.argmax(h)), h.shape)
    y0, y1, x0, x1 = max(iy - 1, 0), min(iy + 2, WORK_PX), max(ix - 1, 0), min(ix + 2, WORK_PX)
    w = h[y0:y1, x0:x1].astype(np.float64)
    # np.mgrid's grids, broadcast (the same products, without its cost)
    xs, ys = _GRID[None, x0:x1], _GRID[y0:y1, None]
    point = np.array([(w * xs).sum(), (w * ys).sum()]) / max(float(w.sum()), 1e-9) + 0.5
    return point, float(h[iy, ix])


def axis_centre(heat: NDArray[np.float32], geo: Silhouette) -> tuple[NDArray[np.float64], float]:
    """The whole roller's centre from its heatmap (work px, pixel centres at +0.5) and
    the heatmap's peak probability: the highest pixel (:func:`peak`), moved along the
    visible silhouette's long axis to the middle, along that axis, of the heatmap's
    region round it (the pixels connected to it from half its height up, weighted by
    probability). From above the heatmap spreads along the roller and its highest pixel
    sits off to one side; across the axis the highest pixel is right. An end-on disc
    (under 1.5 diameters long) has no axis to trust: its highest pixel stands."""
    import cv2

    point, top = peak(heat)
    if geo.length < 1.5 * geo.diameter or top <= 0:
        return point, top
    iy, ix = np.unravel_index(int(np.argmax(heat)), heat.shape)
    _n, labels = cv2.connectedComponents((heat >= 0.5 * float(heat[iy, ix])).astype(np.uint8),
                                         connectivity=8)
    ys, xs = np.nonzero(labels == labels[iy, ix])
    w = heat[ys, xs].astype(np.float64)
    middle = np.array([(w * xs).sum(), (w * ys).sum()]) / max(float(w.sum()), 1e-9) + 0.5
    return point + float((middle - point) @ geo.major) * geo.major, top


@dataclass(frozen=True, slots=True)
class Whole:
    """The whole roller from the heatmaps, work px: its centre, and its two ends where
    both show as peaks (None otherwise: end-on, or one end out of the crop)."""

    centre: NDArray[np.float64]
    ends: NDArray[np.float64] | None
    peak: float  # the centre heatmap's probability there


def whole_roller(maps: NDArray[np.float32], geo: Silhouette) -> Whole | None:
    """The whole roller (hidden parts included) from the centre and ends heatmaps
    (``maps[1]``, ``maps[2]``), or None where the model has none or the centre's peak is
    under ``CENTRE_MIN`` or further than ``CENTRE_REACH`` times the visible silhouette
    ``geo``'s length (or diameter, when larger) from its centre (the find and the centre
    disagree). Two ends need both peaks from ``ENDS_MIN``, at least ``ENDS_APART``
    diameters (at least 2 work px) apart."""
    if maps.shape[0] < 3:
        return None
    centre, p = axis_centre(maps[1], geo)
    reach = CENTRE_REACH * max(geo.length, geo.diameter)
    if p < CENTRE_MIN or float(np.hypot(*(centre - geo.centre))) > reach:
        return None
    e1, p1 = peak(maps[2])
    apart = ENDS_APART * max(geo.diameter, 2.0)
    e2, p2 = peak(maps[2], e1, apart)
    ends = np.stack([e1, e2]) if min(p1, p2) >= ENDS_MIN else None
    return Whole(centre, ends, p)


def ends_agree(ends: NDArray[np.float64], geo: Silhouette) -> bool:
    """Whether the whole roller's ``ends`` (2, 2) (work px) may set its axis: the
    silhouette ``geo`` is too short to hold an axis (under ``ENDS_STUBBY`` diameters),
    or the line between the ends lies within ``ENDS_AXIS_MAX_DEG`` of its long axis."""
    if geo.length < ENDS_STUBBY * geo.diameter:
        return True
    d = ends[1] - ends[0]
    n = float(np.hypot(*d))
    if n < 1e-9:
        return False
    cos = abs(float(d @ geo.major)) / n
    return math.degrees(math.acos(min(1.0, cos))) <= ENDS_AXIS_MAX_DEG


def orientation_of(length: float, thick: float, angle_deg: float,
                   body: Body) -> Orientation:
    """End-on disc (length under 1.5 thicknesses) or a bar crossing the spine's line at
    more than 45 degrees: across; a bar near the spine's line: along."""
    if length < 1.5 * thick:
        return Orientation.ACROSS
    spine = math.degrees(math.atan2(body.axis[1], body.axis[0]))
    d = abs((angle_deg - spine + 90.0) % 180.0 - 90.0)
    return Orientation.ACROSS if d > 45.0 else Orientation.ALONG


class LearnedRollerDetector:
    """Single-frame detection with the segmentation network, the same interface as
    :class:`formcheck.roller.detector.RollerDetector` (``detect``)."""

    def __init__(self, model_path: Path = MODEL_PATH, calibrated: bool = True,
                 use_heads: bool = True) -> None:
        import cv2

        self._cv2 = cv2
        self.model = SegModel(model_path)
        # the confidence is the chance the find is right (Calibration); raw: the blob's
        # mean probability, which overstates it
        self.calibration = Calibration.of_model(model_path) if calibrated else Calibration()
        if not use_heads and self.calibration.c:
            # fitted with the centre's peak, which a detector without heads does not read:
            # the raw blob mean, said plainly, rather than a fit applied half
            self.calibration = Calibration()
        self.last_ends_px: NDArray[np.float64] | None = None  # both ends of the last find
        # what the last find's outline is drawn from (blob, work crop, region, score):
        # traced only when asked for (last_blob), by the debug view
        self._blob_parts: tuple[NDArray[np.bool_], Image, Region, float] | None = None
        self._blob: Blob | None = None
        self.use_heads = use_heads  # the whole roller from the heatmaps, where the model has them
        # the last find's uncalibrated scores: blob mean probability, centre peak (or None)
        self.last_raw: tuple[float, float | None] = (0.0, None)

    @property
    def last_blob(self) -> Blob | None:
        """The last find's outline (image px) and colour, for drawing; None without one."""
        if self._blob is None and self._blob_parts is not None:
            self._blob = outline_blob(*self._blob_parts, self._cv2)
        return self._blob

    def detect(self, image_bgr: Image, pose_frame: PoseFrame,
               prior: tuple[float, float] | None = None,
               body: Body | None = None) -> RollerObservation:
        """The roller in this frame; ``prior`` (the track's centre) is not used yet;
        ``body``: the frame's :class:`Body` where the caller read it already (else read
        here from the pose)."""
        self.last_ends_px = None
        self._blob_parts, self._blob = None, None
        if pose_frame.pose is None:
            return RollerObservation.missing(NotFoundReason.NO_PERSON)
        if body is None:
            body = Body.from_pose(pose_frame.pose)
        if body is None:
            return RollerObservation.missing(NotFoundReason.NO_PERSON)
        region = search_region(body.shoulder, body.hip, body.up)
        work = crop(image_bgr, region, self._cv2)
        maps = self.model(work)
        found = best_blob(maps[0], self._cv2)
        if found is None:
            return RollerObservation.missing(NotFoundReason.NOT_PRESENT)
        blob, raw, geo = found
        mid, ends, length, thick = geo.centre, geo.ends, geo.length, geo.diameter
        whole = whole_roller(maps, geo) if self.use_heads else None
        # a model with heads: the confidence that the whole roller's centre is right; no
        # centre read (peak 0) leaves the find near 0, the whole roller's place unknown.
        # The angle and ends below come from the whole roller where its ends were read,
        # the length and diameter from the visible silhouette (a mix, measured as such)
        self.last_raw = (raw, None if not self.use_heads or maps.shape[0] < 3
                         else 0.0 if whole is None else whole.peak)
        conf = self.calibration(*self.last_raw)
        self._blob_parts = (blob, work, region, conf)
        if conf < REPORT_MIN:
            return RollerObservation.missing(NotFoundReason.HIDDEN)  # too unsure
        if whole is not None:
            # the hidden part too: the centre on the body's mid-plane, not the seen part's
            mid = whole.centre
            if whole.ends is not None and ends_agree(whole.ends, geo):
                ends = whole.ends
        ends_px = region.to_image(ends)
        self.last_ends_px = ends_px
        d = ends_px[1] - ends_px[0]
        angle = math.degrees(math.atan2(d[1], d[0])) % 180.0
        size = (length * region.scale, thick * region.scale)
        orient = orientation_of(length, thick, angle, body)
        centre = region.to_image(mid)
        (x0, y0), (x1, y1) = ends_px
        ends_t = ((float(x0), float(y0)), (float(x1), float(y1)))
        return build_observation((float(centre[0]), float(centre[1])), size, angle,
                                 orient, body, conf, ends_t)
