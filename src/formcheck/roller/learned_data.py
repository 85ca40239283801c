"""Training pairs for the learned roller detector: the search region's crop and its
roller mask, from frames with per-pixel truth (the 3D benchmark set's tuning split).

The crop is placed by the truth's landmarks through the same :func:`search_region` the
detector uses on the pose at run time, so the network sees at training what it will be
shown. Augmentation (:func:`augment`) jitters the region and randomises colour,
brightness, blur, noise and left-right flips. Pixel coordinates: x right, y down, px.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, Landmark
from formcheck.roller.geometry import Body
from formcheck.roller.learned import WORK_PX, Region, crop, search_region

Image = NDArray[np.uint8]
ROLLER_LABEL = 2  # the 3D set's mask label of roller pixels
PERSON_LABEL = 1  # and of the person's
HEAT_SIGMA = 2.0  # the heatmaps' Gaussian, work px (5% of a torso is about 2)


def pose_frame_from_truth(truth: dict[str, Any], index: int = 0) -> PoseFrame:
    """A :class:`PoseFrame` from a truth row's ``joints_px`` (landmark name -> px);
    landmarks the row lacks sit at the shoulders' midpoint with visibility 0; no joints
    (no person in view): a frame without a pose."""
    w, h = int(truth["width"]), int(truth["height"])
    joints: dict[str, list[float]] = truth.get("joints_px") or {}
    if not joints or not truth.get("person_visible", True):
        return PoseFrame(index=index, t_ms=float(truth.get("t_ms", 0.0)), width=w,
                         height=h, pose=None)
    xy = np.zeros((NUM_LANDMARKS, 2))
    vis = np.zeros(NUM_LANDMARKS)
    for name, p in joints.items():
        k = Landmark[name.upper()]
        xy[k], vis[k] = p, 1.0
    xy[vis == 0] = xy[[Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER]].mean(axis=0)
    pose = Pose.from_pixels(xy, (w, h), visibility=vis)
    return PoseFrame(index=index, t_ms=float(truth.get("t_ms", 0.0)), width=w, height=h,
                     pose=pose)


def truth_region(truth: dict[str, Any]) -> Region | None:
    """The search region the detector would use on the truth's landmarks, or None."""
    pf = pose_frame_from_truth(truth)
    body = None if pf.pose is None else Body.from_pose(pf.pose)
    return None if body is None else search_region(body.shoulder, body.hip, body.up)


def whole_roller(labels: NDArray[np.uint8], truth: dict[str, Any],
                 cv2: Any) -> NDArray[np.uint8]:
    """The whole roller's silhouette (0/255, image px), its parts hidden by the body
    included: the visible roller pixels joined with a capsule between the truth's
    projected ends (``roller_ends_px``), one diameter (the smaller of ``size_px``) wide.
    A frame without a visible roller: the visible pixels alone (none)."""
    out: NDArray[np.uint8] = np.where(labels == ROLLER_LABEL, 255, 0).astype(np.uint8)
    r = truth.get("roller") or {}
    ends = truth.get("roller_ends_px")
    if r.get("visible") and ends and r.get("size_px"):
        a, b = (tuple(round(v) for v in e) for e in ends)
        cv2.line(out, a, b, 255, thickness=max(1, round(min(r["size_px"]))))
    return out


def crop_mask(labels: NDArray[np.uint8], region: Region, cv2: Any,
              truth: dict[str, Any] | None = None) -> NDArray[np.uint8]:
    """The roller mask (0/1) resampled into the region's work px: the visible roller
    pixels, or with ``truth`` the whole roller (:func:`whole_roller`)."""
    roller = ((labels == ROLLER_LABEL).astype(np.uint8) * 255 if truth is None
              else whole_roller(labels, truth, cv2))
    return _to_work(roller, region, cv2)


def _to_work(binary: NDArray[np.uint8], region: Region, cv2: Any) -> NDArray[np.uint8]:
    """A 0/255 image-px mask resampled into the region's work px, as 0/1."""
    s = region.scale
    m = np.array([[1 / s, 0, -region.origin[0] / s], [0, 1 / s, -region.origin[1] / s]])
    out = cv2.warpAffine(binary, m, (WORK_PX, WORK_PX), flags=cv2.INTER_AREA)
    return (np.asarray(out) > 127).astype(np.uint8)


def wander(region: Region, rng: np.random.Generator) -> Region:
    """The region moved 0.5-1.2 of its side in a random direction: crops of the rest of
    the frame (limbs, head, floor, mats), mostly without a roller, so the network learns
    what is not one."""
    side = region.scale * WORK_PX
    a = float(rng.uniform(0, 2 * math.pi))
    d = float(rng.uniform(0.5, 1.2)) * side
    return Region((region.origin[0] + d * math.cos(a), region.origin[1] + d * math.sin(a)),
                  region.scale)


def jitter(region: Region, rng: np.random.Generator) -> Region:
    """The region scaled by 0.8-1.25 and shifted by up to 12% of its side, about its
    centre: a pose model's landmarks are not the truth's."""
    side = region.scale * WORK_PX
    cx, cy = region.origin[0] + side / 2, region.origin[1] + side / 2
    side2 = side * float(np.exp(rng.uniform(np.log(0.8), np.log(1.25))))
    cx += float(rng.uniform(-0.12, 0.12)) * side
    cy += float(rng.uniform(-0.12, 0.12)) * side
    return Region((cx - side2 / 2, cy - side2 / 2), side2 / WORK_PX)


def recolour(img: Image, mask: NDArray[np.uint8], rng: np.random.Generator,
             cv2: Any) -> Image:
    """The roller's pixels (``mask`` 1) painted a random colour, their shading kept: a
    third of the time an unsaturated one from near black to near white, else any hue.
    The whole-image hue turn keeps the roller's colour tied to the room's; this frees it,
    so a white roller on a pale floor or a dark one on a dark mat can be learned from
    renders that never had one. Edges blended over about a pixel."""
    if mask.sum() < 10:
        return img
    colour = _random_colour(rng, cv2, (100, 255), (70, 245))
    return _blend(img, _shaded(img, mask, colour), mask, cv2)


def _random_colour(rng: np.random.Generator, cv2: Any, saturation: tuple[float, float],
                   value: tuple[float, float]) -> NDArray[np.float64]:
    """A BGR colour, 0..1: a third of the time unsaturated, from near black to near
    white; else any hue, its HSV saturation and value (0..255) drawn within these."""
    if rng.random() < 1 / 3:
        return np.full(3, float(rng.uniform(0.08, 0.95))) + rng.normal(0.0, 0.02, 3)
    hsv = np.array([[[rng.integers(0, 180), rng.uniform(*saturation),
                      rng.uniform(*value)]]], np.uint8)
    return np.asarray(cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR)[0, 0], np.float64) / 255.0


def _shaded(img: Image, mask: NDArray[np.uint8], colour: NDArray[np.float64]
            ) -> NDArray[np.float32]:
    """``colour`` (BGR, 0..1) painted with ``img``'s light and shade, scaled so the
    ``mask`` pixels keep their mean brightness (0..255, float)."""
    grey = img.astype(np.float32).mean(axis=2)
    shading = np.clip(grey / max(float(grey[mask > 0].mean()), 1.0), 0.0, 2.5)[..., None]
    return np.asarray(shading * (colour * 255.0).astype(np.float32), np.float32)


def _blend(img: Image, paint: NDArray[np.float32], mask: NDArray[np.uint8], cv2: Any) -> Image:
    """``paint`` over ``img`` where ``mask`` is 1, edges blended over about a pixel."""
    alpha = np.clip(cv2.GaussianBlur(mask.astype(np.float32), (0, 0), 0.7), 0.0, 1.0)[..., None]
    out = img.astype(np.float32) * (1 - alpha) + np.clip(paint, 0, 255) * alpha
    return np.asarray(np.clip(out, 0, 255), np.uint8)


def room_mask(labels: NDArray[np.uint8], region: Region, cv2: Any) -> NDArray[np.uint8] | None:
    """The room's pixels (floor, mat, walls: label 0) in the region's work px (0/1), or
    None for a frame whose labels mark no person (the 2D scenes' masks hold the roller
    alone, so their 0 is the person too)."""
    if not (labels == PERSON_LABEL).any():
        return None
    return _to_work((labels == 0).astype(np.uint8) * 255, region, cv2)


def recolour_room(img: Image, room: NDArray[np.uint8], rng: np.random.Generator,
                  cv2: Any) -> Image:
    """The room's pixels (``room`` 1) given another look, the person and roller kept:
    half the time a colour cast (a random gain per channel), else painted one random
    colour with their shading kept (as :func:`recolour`: a third unsaturated, near
    black to near white). The renders show four floors and five lights; this lets the
    roller be told from a floor or a wall of any colour and tint, its own included.
    Edges blended over about a pixel."""
    if room.sum() < 10:
        return img
    if rng.random() < 0.5:
        f = img.astype(np.float32)
        paint = f * (rng.uniform(0.5, 1.5, 3) * rng.uniform(0.6, 1.3)).astype(np.float32)
    else:
        paint = _shaded(img, room, _random_colour(rng, cv2, (30, 220), (60, 245)))
    return _blend(img, paint, room, cv2)


def augment(img: Image, mask: NDArray[np.uint8], rng: np.random.Generator,
            cv2: Any, desaturate: float = 0.0,
            heat: NDArray[np.float32] | None = None,
            recolour_share: float = 0.0, room: NDArray[np.uint8] | None = None,
            room_share: float = 0.0) -> tuple[Image, NDArray[np.uint8]]:
    """Random flip, channel order and hue (any roller colour), with probability
    ``desaturate`` most of the colour taken out (grey and white rollers, which a hue turn
    cannot make), with probability ``recolour_share`` the roller alone painted another
    colour (:func:`recolour`), with probability ``room_share`` the room's pixels ``room``
    another look (:func:`recolour_room`), brightness, contrast, blur and noise; the mask
    follows the flip only, and so do the heatmaps ``heat`` (C, H, W), flipped in place."""
    if recolour_share and rng.random() < recolour_share:
        img = recolour(img, mask, rng, cv2)
    if room is not None and room_share and rng.random() < room_share:
        img = recolour_room(img, room, rng, cv2)
    if rng.random() < 0.5:
        img, mask = img[:, ::-1], mask[:, ::-1]
        if heat is not None:
            heat[:] = heat[:, :, ::-1].copy()
    img = img[:, :, rng.permutation(3)]
    hsv = cv2.cvtColor(np.ascontiguousarray(img), cv2.COLOR_BGR2HSV)
    hsv[..., 0] = (hsv[..., 0].astype(np.int32) + int(rng.integers(0, 180))) % 180
    if desaturate and rng.random() < desaturate:
        hsv[..., 1] = (hsv[..., 1] * float(rng.uniform(0.0, 0.4))).astype(np.uint8)
    f = cv2.cvtColor(hsv, cv2.COLOR_HSV2BGR).astype(np.float32)
    f = f * float(rng.uniform(0.6, 1.4)) + float(rng.uniform(-40, 40))
    mean = f.mean()
    f = (f - mean) * float(rng.uniform(0.7, 1.3)) + mean
    if rng.random() < 0.3:
        f = cv2.GaussianBlur(f, (0, 0), float(rng.uniform(0.5, 1.5)))
    f = f + rng.normal(0.0, float(rng.uniform(0, 8)), f.shape)
    out = np.clip(f, 0, 255).astype(np.uint8)
    return np.ascontiguousarray(out), np.ascontiguousarray(mask)


def gaussian(points: list[tuple[float, float]], sigma: float = HEAT_SIGMA
             ) -> NDArray[np.float32]:
    """A (WORK_PX, WORK_PX) heatmap: the largest of unit Gaussians of ``sigma`` work px
    about each point (work px), the pixel under each point set to exactly 1 (the focal
    loss's positives); points outside the crop add nothing but their tails."""
    g = np.arange(WORK_PX, dtype=np.float64) + 0.5
    out = np.zeros((WORK_PX, WORK_PX))
    for x, y in points:
        d2 = (g[None, :] - x) ** 2 + (g[:, None] - y) ** 2
        out = np.maximum(out, np.exp(-d2 / (2 * sigma * sigma)))
        ix, iy = math.floor(x), math.floor(y)
        if 0 <= ix < WORK_PX and 0 <= iy < WORK_PX:
            out[iy, ix] = 1.0
    return out.astype(np.float32)


def head_targets(truth: dict[str, Any], region: Region) -> tuple[NDArray[np.float32],
                                                                 NDArray[np.float32]]:
    """The whole roller's centre and ends as heatmaps (2, WORK_PX, WORK_PX) in the
    region's work px, and a weight per map (0: not known, left out of the loss). From the
    truth's ``roller.center_px`` and ``roller_ends_px`` (image px) where the roller is
    visible; ends are known only with ``roller_ends_px``. No roller in view: empty maps
    that count (a roller-less crop has no centre)."""
    r = truth.get("roller") or {}
    heat = np.zeros((2, WORK_PX, WORK_PX), np.float32)
    weight = np.ones(2, np.float32)

    def work(p: Any) -> tuple[float, float]:
        q = (np.asarray(p, np.float64) - np.asarray(region.origin)) / region.scale
        return float(q[0]), float(q[1])

    if r.get("visible") and r.get("center_px"):
        heat[0] = gaussian([work(r["center_px"])])
        ends = truth.get("roller_ends_px")
        if ends:
            heat[1] = gaussian([work(e) for e in ends])
        else:
            weight[1] = 0.0
    return heat, weight


def training_sample(image: Image, labels: NDArray[np.uint8], truth: dict[str, Any],
                    rng: np.random.Generator | None, cv2: Any, whole: bool = False,
                    desaturate: float = 0.0, wander_share: float = 0.0,
                    recolour_share: float = 0.0, room_share: float = 0.0
                    ) -> tuple[Image, NDArray[np.uint8], NDArray[np.float32],
                               NDArray[np.float32]] | None:
    """(work crop BGR, roller mask 0/1, the whole roller's centre and ends heatmaps, their
    weights (:func:`head_targets`)) of one frame, augmented when ``rng`` is given (the
    heatmaps follow the crop and the flip); ``whole``: the mask is the whole roller's,
    hidden parts included (:func:`whole_roller`); ``wander_share``: that share of crops
    is moved off the torso (:func:`wander`); ``room_share``: that share of 3D crops has
    the room recoloured (:func:`recolour_room`). None when the truth has no usable torso."""
    region = truth_region(truth)
    if region is None:
        return None
    if rng is not None:
        region = jitter(region, rng)
        if wander_share and rng.random() < wander_share:
            region = wander(region, rng)
    img, mask = crop(image, region, cv2), crop_mask(labels, region, cv2,
                                                    truth if whole else None)
    heat, weight = head_targets(truth, region)
    if rng is not None:
        room = room_mask(labels, region, cv2) if room_share else None
        img, mask = augment(img, mask, rng, cv2, desaturate, heat, recolour_share, room,
                            room_share)
    return img, mask, heat, weight


def seen_centre(labels: NDArray[np.uint8]) -> tuple[float, float] | None:
    """The centroid of the visible roller pixels of a frame's truth labels (image px), or
    None where none shows."""
    ys, xs = np.nonzero(labels == ROLLER_LABEL)
    return (float(xs.mean()) + 0.5, float(ys.mean()) + 0.5) if len(xs) else None


def find_is_right(center_px: tuple[float, float], truth: dict[str, Any],
                  torso_px: float | None) -> bool:
    """A find is right when the roller is visible and the find's centre lies within 10%
    of the shoulder-to-hip length (``torso_px``) of the whole roller's centre (the
    truth's ``roller.center_px``, its part hidden by the body included): how the learned
    detector's confidence is calibrated and measured."""
    r = truth.get("roller") or {}
    centre = r.get("center_px")
    return bool(r.get("visible") and centre is not None and torso_px
                and math.dist(center_px, centre) / torso_px <= 0.10)
