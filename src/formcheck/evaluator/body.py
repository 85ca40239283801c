"""Per-frame body geometry: near side, set-up gating and the body measurements.

Pure functions over numpy arrays in pixel space (x right, y down, px). Every value is
built from differences of landmarks and from angles, so it does not change when the
image is translated, scaled or mirrored (facing left or right); camera roll shifts the
angles that refer to the image horizontal by the roll angle.

Decisions, and why:

- **Which foot and knee**: only the near side's. The far leg is hidden behind the near
  one in a side view and MediaPipe's guesses for it are poor.
- **Floor line**: the image horizontal. A phone or webcam propped at floor level has a
  roll of a few degrees at most, and the body offers no better reference: the line
  heel -> shoulder is tilted by the roller's height and the hip lift (10-15 degrees,
  varying), more than the roll it would correct. The foot-pitch threshold (20 degrees)
  leaves room for that roll and for the tilt of the floor in oblique views.
- **Foot pitch in depth**: seen from above and 30-45 degrees off the side, a flat
  foot pointing partly towards or away from the camera looks tilted in the image (its
  depth shows as height). The model's relative depth z (in image-width units) gives a
  second reading: the heel -> toe line in (x, y, z), against the floor plane whose
  normal is solved from the body's left-right axis (shoulders and hips: level when
  lying on the back, so parallel to the floor), assuming no camera roll. Depth is
  noisy, and the image reading over-reads oblique views: a foot counts as tilted only
  when both readings say so. The same holds for the ankle's lift above the hip (feet
  farther from the camera than the hips look higher from above). Without the far side
  (no left-right axis) the image reading alone decides.
- **Foot on its side**: a foot standing on its sole, seen side-on, shows its ankle
  about 0.3 foot lengths above the heel -> toe line. A foot rolled onto its edge (legs
  turned out, lying on the side) turns that height towards the camera and the ankle
  falls onto the line, while heel and toe may still lie level: not flat.
- **Body on its side**: lying on the back, the body's left-right axis (shoulders and
  hips) is parallel to the floor; on the side it stands vertical, and the lower foot
  rests on its outer edge (the upper one on it, or planted in front): the feet are not
  both flat. The axis is read in (x, y, depth): its angle to the image's horizontal
  plane is ~0 lying on the back before a camera at floor level (the camera's elevation
  seen from above) and ~90 on the side.
- **Lying face down**: lying (torso near horizontal) with the face down (the same
  reading as the set-up gate's "on the back") the soles face up or the feet rest on
  their toes: not flat. With the set-up gate on this never shows (the body checks are
  unknown then); it grades photos of other exercises.
- **Heel lifted, from the silhouette**: MediaPipe puts its heel landmark on the sole
  under the ankle and its toe landmark past the toes, so a heel raised onto the ball of
  the foot reads as a heel -> toe line tilted a third of its true angle (a 27-34 degree
  raise as 5-15). The person's segmentation mask shows the foot itself: the lowest
  silhouette rows under the heel (just behind the ankle) and under the toes (just
  behind the toe tip), the median row of each. On a flat foot both rest on the floor;
  a raised heel's underside sits above the toes'. Only the image's vertical is used, so
  this holds in a side view from near floor level, where the silhouette's lower edge
  is the sole's floor contact; the evaluator uses it only there (see
  ``sole_view_max_spread`` and, where the camera's place is read in 3D,
  ``sole_view_max_elevation_deg``).
- **A foot misread**: in stills the model often pulls the toe landmark in towards the
  ankle (half a foot or more), which tilts the heel -> toe line like raised toes in
  both the image and the depth reading. The foot's shape in world coordinates shows
  it: the heel -> toe length over the heel -> ankle length falls. Below
  ``foot_shape_min`` a fault from the pitch or from the ankle's height over the foot
  line reads unknown (a fault from another reading stands; a flat reading stays ok).
- **Feet in the air**: the ankle compared with the hip joint, in shin lengths. With the
  feet on the floor the ankle lies at or below the hip joint (hips on the floor or
  lifted); lifted feet put it above.
- **Knee angle** is the hip-knee-ankle angle in the image plane. A 30-45 degree oblique
  view opens a bent knee by 10-20 degrees in the image but leaves a straight leg at
  ~180, so the 140 degree threshold still separates them.
- **Side-on**: the spread between left and right shoulders and hips, relative to the
  torso length: ~0 in a side view, ~0.5 at 45 degrees, 0.7+ from above or the feet.
- **Lying on the back**: the torso within 50 degrees of horizontal (lying) and the nose
  not clearly below the ear (face down); the face test is skipped when the head is not
  visible. A head turned towards the camera puts the nose level with the ear: allowed.
"""

from __future__ import annotations

import math
import statistics
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.config import SetupConfig
from formcheck.evaluator.results import SetupCode, SetupState
from formcheck.evaluator.view3d import nan_to_zero, vec_norm
from formcheck.pose.landmarks import SIDE_LANDMARKS, Landmark
from formcheck.vocabulary import Side

FloatArray = NDArray[np.float64]

# Roles used from each side, in this order in the arrays below.
ROLES: tuple[str, ...] = ("shoulder", "hip", "knee", "ankle", "heel", "foot_index", "ear")
SIDE_INDEX: dict[Side, NDArray[np.intp]] = {
    side: np.array([SIDE_LANDMARKS[side][r] for r in ROLES], dtype=np.intp)
    for side in Side
}
SHOULDER, HIP, KNEE, ANKLE, HEEL, TOE, EAR = range(len(ROLES))
_BOTH_SIDES = np.stack([SIDE_INDEX[Side.LEFT], SIDE_INDEX[Side.RIGHT]])

# The body part each role belongs to, as named to the user.
PART_OF_ROLE: tuple[str, ...] = ("shoulders", "hips", "knees", "feet", "feet", "feet", "head")
# Parts in the order they are named in a message.
PART_ORDER: tuple[str, ...] = ("head", "shoulders", "hips", "knees", "feet")

# A check's reason when its fault waits for a camera nearer the side
# (SetupConfig.fault_max_azimuth_deg); the banner then shows CAMERA_TOO_FAR_ROUND's message.
FAULT_HELD = "Camera too far round to be sure of a fault: move it round to your side"

MESSAGES: dict[SetupCode, str] = {
    SetupCode.NO_PERSON: "Nobody in view",
    SetupCode.MULTIPLE_PEOPLE: "More than one person in view: only the person rolling",
    SetupCode.NOT_LYING: "Lie on your back",
    SetupCode.NOT_ON_BACK: "Lie on your back",
    SetupCode.NOT_SIDE_ON: "Turn side-on to the camera",
    SetupCode.CAMERA_TOO_FAR_ROUND: "Move the camera round to your side",
    SetupCode.CAMERA_TOO_HIGH: "Lower the camera to near the floor",
    SetupCode.ROLLER_NOT_VISIBLE: "Roller not visible",
}


def partial_message(parts: tuple[str, ...]) -> str:
    """ "Move the camera so your knees and feet are in view"."""
    if len(parts) == 1:
        listed = parts[0]
    else:
        listed = ", ".join(parts[:-1]) + " and " + parts[-1]
    return f"Move the camera so your {listed} are in view".replace("head are", "head is")


def side_scores(visibility: FloatArray, z: FloatArray, depth_weight: float) -> tuple[float, float]:
    """How much each side (left, right) looks like the near side: mean visibility of
    its landmarks minus ``depth_weight`` times their mean normalised depth (smaller z is
    nearer the camera). NaNs count as invisible / not near."""
    # both sides at once: each row's mean is what that side's own .mean() gives
    score = (nan_to_zero(visibility)[_BOTH_SIDES].mean(axis=1)
             - depth_weight * nan_to_zero(z)[_BOTH_SIDES].mean(axis=1))
    return float(score[0]), float(score[1])


@dataclass(frozen=True, slots=True)
class BodyReading:
    """The body measurements of one frame (near side). NaN where not measurable.

    Attributes:
        present: (7,) bool per role in :data:`ROLES`: finite, visible and in frame.
        knee_deg: hip-knee-ankle angle, degrees (180 = straight leg).
        foot_pitch_deg: angle of the heel -> toe line to the floor line (the image
            horizontal), 0..90 degrees.
        foot_pitch_depth_deg: angle of the heel -> toe line in (x, y, depth) to the
            floor plane found from the body's left-right axis, 0..90 degrees (NaN
            without depth or a left-right axis).
        ankle_lift_shin: height of the ankle above the hip joint, in shin lengths
            (negative: below the hip).
        ankle_lift_depth_shin: the ankle's height above the hip joint along the floor
            plane's normal in (x, y, depth), in shin lengths (NaN as above).
        ankle_height_foot: distance of the ankle from the heel -> toe line, in lengths
            of that line (~0.3 for a foot on its sole seen side-on; ~0 on its edge).
        heel_lift_foot: height of the silhouette's underside at the heel above its
            underside at the toes, in ankle -> toe lengths (positive: heel higher; ~0 on a
            flat foot). NaN without a segmentation mask, where the foot is under 15 mask
            px long, where the silhouette does not reach both ends of the foot or runs
            on past the image's bottom edge, or where the heel and toe landmarks say the
            other end is up (the two readings disagree on which end is lifted).
        body_roll_deg: angle of the body's left-right axis to the image's horizontal
            plane in (x, y, depth), 0..90 degrees (~0 on the back, ~90 on the side; NaN
            without depth or a left-right axis).
        foot_shape: the near foot's heel -> toe length over its heel -> ankle length in
            world coordinates (metres over metres; NaN without world landmarks).
        torso_px: shoulder-to-hip length, px.
        torso_tilt_deg: angle of the shoulder-to-hip line to the horizontal, 0..90.
        spread: left-right spread of shoulders and hips over the torso length.
        face_up: height of the nose above the ear over the torso length.
        head_side: which side of the image the head is on.
    """

    present: NDArray[np.bool_]
    knee_deg: float
    foot_pitch_deg: float
    foot_pitch_depth_deg: float
    ankle_lift_shin: float
    ankle_lift_depth_shin: float
    ankle_height_foot: float
    heel_lift_foot: float
    body_roll_deg: float
    foot_shape: float
    torso_px: float
    torso_tilt_deg: float
    spread: float
    face_up: float
    head_side: Side | None


def angle_between_deg(a: FloatArray, b: FloatArray) -> float:
    """Unsigned angle between vectors a and b (2D image px or 3D world m), degrees (NaN if
    either is degenerate)."""
    if len(a) == 2:
        cross = abs(float(a[0] * b[1] - a[1] * b[0]))
    else:
        cross = float(np.linalg.norm(np.cross(a, b)))
    dot = float(np.dot(a, b))
    if not (math.isfinite(cross) and math.isfinite(dot)) or (cross == 0 and dot == 0):
        return math.nan
    return math.degrees(math.atan2(cross, dot))


def _to_horizontal_deg(v: FloatArray) -> float:
    """Angle of the line along v to the image horizontal, 0..90 degrees."""
    dx, dy = abs(float(v[0])), abs(float(v[1]))
    if not (math.isfinite(dx) and math.isfinite(dy)) or (dx == 0 and dy == 0):
        return math.nan
    return math.degrees(math.atan2(dy, dx))


def _height_over_length(p: FloatArray, line: FloatArray) -> float:
    """Distance of point p from the line through the origin along ``line``, over the
    line vector's length (NaN if the line is degenerate)."""
    cross = float(line[0] * p[1] - line[1] * p[0])
    norm2 = float(line[0] * line[0] + line[1] * line[1])
    if not (math.isfinite(cross) and math.isfinite(norm2)) or norm2 <= 0:
        return math.nan
    return abs(cross) / norm2


# The silhouette's columns read for the heel and for the toes, as fractions of the
# ankle -> toe length measured back from the ankle and back from the toe tip. The heel
# bone reaches 0.2-0.3 of it behind the ankle; past its back edge the columns would
# catch the calf above the floor, so the heel's band stops at 0.2. The toes' underside
# lies just behind the tip.
HEEL_BAND: tuple[float, float] = (0.0, 0.20)
TOE_BAND: tuple[float, float] = (0.05, 0.30)
# The rows searched: from half that length above the foot to 0.8 below it.
SOLE_ROWS: tuple[float, float] = (0.5, 0.8)
# A mask value above this is the person (MediaPipe's mask is a probability, 0..1).
MASK_PERSON = 0.5
# Each band needs this many columns that reach the silhouette.
SOLE_MIN_COLUMNS = 3


def _lowest_rows(
    mask: NDArray[np.float32], x0: float, x1: float, y0: float, y1: float
) -> NDArray[np.intp] | None:
    """The lowest person row of each column whose centre lies in [x0, x1], searching rows
    [y0, y1), mask px (pixel c covers [c, c + 1)). Columns the person does not reach are
    left out. None when the person reaches the last row searched in some column: the
    foot runs on past the window or the image's bottom edge, so its underside is not
    seen."""
    h, w = mask.shape
    c0 = max(math.ceil(min(x0, x1) - 0.5), 0)
    c1 = min(math.floor(max(x0, x1) - 0.5) + 1, w)
    r0, r1 = max(math.floor(y0), 0), min(math.ceil(y1), h)
    if c1 - c0 < 1 or r1 - r0 < 1:
        return np.empty(0, dtype=np.intp)
    person = mask[r0:r1, c0:c1] > MASK_PERSON
    if person[-1].any():
        return None
    hit = person.any(axis=0)
    last: NDArray[np.intp] = (r1 - r0 - 1) - np.argmax(person[::-1], axis=0)
    return r0 + last[hit]


def heel_lift_from_silhouette(
    mask: NDArray[np.float32] | None, width: int, ankle: FloatArray, toe: FloatArray,
    heel: FloatArray,
) -> float:
    """How far the heel's underside sits above the toes', read from the person's mask.

    Args:
        mask: (h, w) the pose stage's segmentation mask, 0..1, or None; any size with
            the image's aspect ratio.
        width: the image's width, px (the mask's width over it is mask px per image px).
        ankle, toe, heel: the near side's landmarks, image px.

    Returns:
        (median lowest silhouette row under the toes - the same under the heel) over the
        ankle -> toe length, both in mask px: ~0 on a flat foot, positive with the heel
        up. NaN as described for :attr:`BodyReading.heel_lift_foot`.
    """
    if mask is None or mask.ndim != 2 or width <= 0 or not (
        np.isfinite(ankle).all() and np.isfinite(toe).all() and np.isfinite(heel).all()
    ):
        return math.nan
    scale = mask.shape[1] / width
    if heel[1] > toe[1]:
        return math.nan  # the landmarks put the heel lower: no heel lift to confirm
    with np.errstate(over="ignore", invalid="ignore"):
        a, t = ankle * scale, toe * scale
        length = float(np.hypot(*(t - a)))
    # The heel's band must span SOLE_MIN_COLUMNS columns (15 mask px at least).
    if not SOLE_MIN_COLUMNS / (HEEL_BAND[1] - HEEL_BAND[0]) <= length < math.inf:
        return math.nan
    back = -1.0 if t[0] > a[0] else 1.0  # towards the heel along the image x axis
    y0 = min(a[1], t[1]) - SOLE_ROWS[0] * length
    y1 = max(a[1], t[1]) + SOLE_ROWS[1] * length
    under_heel = _lowest_rows(mask, a[0] + back * HEEL_BAND[0] * length,
                              a[0] + back * HEEL_BAND[1] * length, y0, y1)
    under_toes = _lowest_rows(mask, t[0] + back * TOE_BAND[0] * length,
                              t[0] + back * TOE_BAND[1] * length, y0, y1)
    if under_heel is None or under_toes is None:
        return math.nan
    if under_heel.size < SOLE_MIN_COLUMNS or under_toes.size < SOLE_MIN_COLUMNS:
        return math.nan
    # statistics.median: the value np.median gives, without its call overhead
    toes, heel = statistics.median(under_toes.tolist()), statistics.median(under_heel.tolist())
    return float(toes - heel) / length


def _unit(v: FloatArray) -> FloatArray | None:
    n = float(np.sqrt(v @ v))
    return v / n if math.isfinite(n) and n > 0 else None


def left_right_axis(xyz: FloatArray, near_side: Side) -> FloatArray | None:
    """The body's left-right axis: the sum of the unit far -> near vectors of the
    shoulders and the hips, in the space of ``xyz`` ((33, 3) or (33, 2) landmarks).
    None when a vector is degenerate or not finite."""
    near, far = SIDE_INDEX[near_side], SIDE_INDEX[near_side.other]
    hips = _unit(xyz[near[HIP]] - xyz[far[HIP]])
    shoulders = _unit(xyz[near[SHOULDER]] - xyz[far[SHOULDER]])
    if hips is None or shoulders is None:
        return None
    return hips + shoulders


def body_roll_deg(xyz: FloatArray, near_side: Side) -> float:
    """How far the body is turned onto its side, read from its left-right axis.

    Args:
        xyz: (33, 3) landmarks: x, y in px and depth in px (z times the image width).
        near_side: the body side nearer the camera.

    Returns:
        The angle of the left-right axis (:func:`left_right_axis`) to the image's
        horizontal plane (x, depth), degrees 0..90. Lying on the back the axis is
        parallel to the floor: ~0 from a camera at floor level, the camera's elevation
        from above. Lying on the side it stands vertical: ~90 less the elevation. NaN
        without a left-right axis.
    """
    return _roll_deg(left_right_axis(xyz, near_side))


def _roll_deg(axis: FloatArray | None) -> float:
    """:func:`body_roll_deg` from the left-right axis already read."""
    if axis is None:
        return math.nan
    n = float(np.sqrt(axis @ axis))
    if not math.isfinite(n) or n <= 0:
        return math.nan
    return math.degrees(math.asin(min(1.0, abs(float(axis[1])) / n)))


def floor_readings_in_depth(xyz: FloatArray, near_side: Side) -> tuple[float, float]:
    """The foot's pitch and the ankle's lift measured against the floor plane in depth.

    Args:
        xyz: (33, 3) landmarks: x, y in px and depth in px (z times the image width).
        near_side: the body side nearer the camera.

    Returns:
        The angle of the near heel -> toe line to the floor plane, degrees (0..90), and
        the height of the near ankle above the hip joint along the floor's normal, in
        shin lengths (both measured in (x, y, depth)). The normal is perpendicular to the
        body's left-right axis (the sum of the unit far -> near vectors of shoulders and
        hips) within the image's vertical plane (no camera roll), pointing up in the
        image. NaN when a vector is degenerate or not finite.
    """
    return _floor_readings(xyz, near_side, left_right_axis(xyz, near_side))


def _floor_readings(xyz: FloatArray, near_side: Side,
                    axis: FloatArray | None) -> tuple[float, float]:
    """:func:`floor_readings_in_depth` with the left-right axis already read."""
    near = SIDE_INDEX[near_side]
    if axis is None:
        return math.nan, math.nan
    r = math.hypot(float(axis[1]), float(axis[2]))
    if not math.isfinite(r) or r <= 0:
        return math.nan, math.nan
    up = np.array([0.0, float(axis[2]) / r, -float(axis[1]) / r])
    if up[1] > 0:
        up = -up  # image y points down
    foot = _unit(xyz[near[TOE]] - xyz[near[HEEL]])
    pitch = math.nan if foot is None else math.degrees(math.asin(min(1.0, abs(float(foot @ up)))))
    shin_v = xyz[near[ANKLE]] - xyz[near[KNEE]]
    shin = float(np.sqrt(shin_v @ shin_v))
    lift = math.nan
    if math.isfinite(shin) and shin > 0:
        lift = float((xyz[near[ANKLE]] - xyz[near[HIP]]) @ up) / shin
    return pitch, lift


def foot_shape(world: FloatArray | None, near_side: Side) -> float:
    """The near foot's heel -> toe length over its heel -> ankle length, from the world
    landmarks ((33, 3), metres; hip-centred). A toe landmark pulled in towards the ankle
    (the model's commonest foot error in stills) shortens it, and tilts the heel -> toe
    line as if the toes were raised. NaN without world landmarks or with a degenerate
    foot."""
    if world is None:
        return math.nan
    idx = SIDE_INDEX[near_side]
    heel = world[idx[HEEL]]
    ankle_len = vec_norm(world[idx[ANKLE]] - heel)
    toe_len = vec_norm(world[idx[TOE]] - heel)
    if not (math.isfinite(ankle_len) and math.isfinite(toe_len)) or ankle_len <= 0:
        return math.nan
    return toe_len / ankle_len


def read_body(
    xy: FloatArray,
    visibility: FloatArray,
    near_side: Side,
    width: int,
    height: int,
    cfg: SetupConfig,
    z: FloatArray | None = None,
    mask: NDArray[np.float32] | None = None,
    world: FloatArray | None = None,
) -> BodyReading:
    """Measure the body in one frame.

    Args:
        xy: (33, 2) landmarks, px (smoothed or raw).
        visibility: (33,) visibilities, 0..1 (NaN counts as not visible).
        near_side: the body side nearer the camera.
        width, height: image size, px.
        cfg: set-up thresholds (visibility, frame margin).
        z: (33,) the model's relative depth (normalised, image-width units), or None.
        mask: the person's segmentation mask (mask px, 0..1; any size with the image's
            aspect ratio), or None.
        world: (33, 3) world landmarks, metres (hip-centred), or None.
    """
    idx = SIDE_INDEX[near_side]
    pts = xy[idx]
    present = _present(pts, visibility[idx], width, height, cfg)
    shoulder, hip, knee, ankle, heel, toe, ear = pts
    torso_v = hip - shoulder
    torso_px = float(np.hypot(torso_v[0], torso_v[1]))
    torso_ok = math.isfinite(torso_px) and torso_px > 0
    knee_deg = angle_between_deg(hip - knee, ankle - knee)
    foot_pitch = _to_horizontal_deg(toe - heel)
    pitch_depth = lift_depth = roll = math.nan
    if z is not None:
        xyz = np.empty((len(xy), 3))
        xyz[:, :2] = xy
        xyz[:, 2] = z * float(width)
        axis = left_right_axis(xyz, near_side)  # read once for both
        pitch_depth, lift_depth = _floor_readings(xyz, near_side, axis)
        roll = _roll_deg(axis)
    shin = float(np.hypot(*(ankle - knee)))
    ankle_height = _height_over_length(ankle - heel, toe - heel)
    lift = float((hip[1] - ankle[1]) / shin) if shin > 0 else math.nan
    heel_lift = heel_lift_from_silhouette(mask, width, ankle, toe, heel)
    tilt = _to_horizontal_deg(torso_v)
    spread, face_up = _spread_and_face(xy, visibility, ear, torso_px, cfg)
    head_side: Side | None = None
    if math.isfinite(float(torso_v[0])) and torso_v[0] != 0:
        head_side = Side.LEFT if torso_v[0] > 0 else Side.RIGHT
    return BodyReading(
        present=present,
        knee_deg=knee_deg,
        foot_pitch_deg=foot_pitch,
        foot_pitch_depth_deg=pitch_depth,
        ankle_lift_shin=lift,
        ankle_lift_depth_shin=lift_depth,
        ankle_height_foot=ankle_height,
        heel_lift_foot=heel_lift,
        body_roll_deg=roll,
        foot_shape=foot_shape(world, near_side),
        torso_px=torso_px if torso_ok else math.nan,
        torso_tilt_deg=tilt,
        spread=spread,
        face_up=face_up,
        head_side=head_side,
    )


def _present(pts: FloatArray, vis: FloatArray, width: int, height: int,
             cfg: SetupConfig) -> NDArray[np.bool_]:
    """Per role: finite, visible enough and inside the frame (with its margin)."""
    margin = cfg.frame_margin * max(width, height)
    # comparisons with NaN are False without a warning: no np.errstate needed
    x, y = pts[:, 0], pts[:, 1]
    inside = (x >= -margin) & (x <= width + margin) & (y >= -margin) & (y <= height + margin)
    present: NDArray[np.bool_] = (
        np.isfinite(pts).all(axis=1) & (vis >= cfg.min_visibility) & inside)
    return present


def _spread_and_face(xy: FloatArray, visibility: FloatArray, ear: FloatArray,
                     torso_px: float, cfg: SetupConfig) -> tuple[float, float]:
    """The body's left-right spread (shoulders and hips apart, in torso lengths) and the
    face's lift (ear above nose, in torso lengths; NaN when the nose is not seen)."""
    torso_ok = math.isfinite(torso_px) and torso_px > 0
    left, right = SIDE_INDEX[Side.LEFT], SIDE_INDEX[Side.RIGHT]
    d_sh = xy[left[SHOULDER]] - xy[right[SHOULDER]]
    d_hip = xy[left[HIP]] - xy[right[HIP]]
    spread = float((np.hypot(*d_sh) + np.hypot(*d_hip)) / (2 * torso_px)) if torso_ok else math.nan
    nose = xy[int(Landmark.NOSE)]
    face_up = (
        float((ear[1] - nose[1]) / torso_px)
        if torso_ok and visibility[int(Landmark.NOSE)] >= cfg.min_visibility
        else math.nan
    )
    return spread, face_up


def missing_parts(present: NDArray[np.bool_], roles: tuple[int, ...]) -> tuple[str, ...]:
    """Body parts (in :data:`PART_ORDER`) with a role in ``roles`` that is not present."""
    names = {PART_OF_ROLE[r] for r in roles if not present[r]}
    return tuple(p for p in PART_ORDER if p in names)


@dataclass(frozen=True, slots=True)
class ViewPosture:
    """What the body's 3D axes say of the posture and the camera (``roller.geometry =
    3d``; see :class:`formcheck.evaluator.view3d.BodyView`). Angles in degrees.

    Attributes:
        azimuth_deg: the camera round from a side view.
        elevation_deg: the camera above the floor plane.
        torso_rise_deg: the spine's rise from the floor plane (read from the hips and
            feet, so only for a body lying on its back).
        upright_deg: the spine's angle to the camera's horizontal (~90 standing).
        back_down: the cosine between the back's normal and the camera's downward image
            axis (1 on the back, 0 on the side, -1 face down).
    """

    azimuth_deg: float
    elevation_deg: float
    torso_rise_deg: float
    upright_deg: float
    back_down: float


def posture_problem(reading: BodyReading, cfg: SetupConfig,
                    view: ViewPosture | None = None,
                    max_azimuth_deg: float | None = None) -> SetupCode | None:
    """Lying, on the back, side-on? The first problem found, or None.

    Needs the near shoulder and hip; a measurement that is NaN does not gate. With the
    body's 3D axes (``view``) the camera place is judged by its azimuth and elevation
    instead of by the image spread of shoulders and hips, lying by the spine's angles
    instead of its image tilt, and "on the back" by which way the back faces instead of
    the nose against the ear, which a tucked chin or a turned head fools.
    ``max_azimuth_deg`` replaces ``cfg.max_azimuth_deg`` (the checks read in the body's
    own axes hold further round).
    """
    if view is not None:
        return _posture_3d(view, cfg, max_azimuth_deg)
    if reading.torso_tilt_deg > cfg.lying_max_torso_deg:
        return SetupCode.NOT_LYING
    if reading.present[EAR] and reading.face_up < cfg.face_up_min_torso:
        return SetupCode.NOT_ON_BACK
    if reading.spread > cfg.side_on_max_spread:
        return SetupCode.NOT_SIDE_ON
    return None


def _posture_3d(view: ViewPosture, cfg: SetupConfig,
                max_azimuth_deg: float | None = None) -> SetupCode | None:
    """:func:`posture_problem` from the body's 3D axes. Standing or sitting, then face
    down or on the side, hold from any camera place and are told first; the floor plane
    behind ``torso_rise_deg`` is only read for a body on its back, and a camera far round
    makes even that look steep, so the camera move is named before it."""
    if view.upright_deg > cfg.lying_max_torso_deg:
        return SetupCode.NOT_LYING
    if view.back_down < cfg.min_back_down:
        return SetupCode.NOT_ON_BACK
    limit = cfg.max_azimuth_deg if max_azimuth_deg is None else max_azimuth_deg
    if view.azimuth_deg > limit:
        return SetupCode.CAMERA_TOO_FAR_ROUND
    if view.elevation_deg > cfg.max_elevation_deg:
        return SetupCode.CAMERA_TOO_HIGH
    if view.torso_rise_deg > cfg.lying_max_torso_deg:
        return SetupCode.NOT_LYING
    return None


def setup_state(code: SetupCode, missing: tuple[str, ...] = ()) -> SetupState:
    """The set-up state for a code, with its message."""
    if code is SetupCode.OK:
        return SetupState()
    if code is SetupCode.BODY_PARTIAL:
        return SetupState(code, partial_message(missing), missing)
    return SetupState(code, MESSAGES[code], missing)


def others_in_view(others: int, followed_at: str | None) -> SetupState:
    """The set-up state with ``others`` more people in view: who is followed ("left",
    "right", "middle" in the image, or None where the count could not tell), and what
    to do. It gates nothing: the checks judge the person followed."""
    who = "Someone else is" if others == 1 else f"{others} others are"
    place = "in the middle" if followed_at == "middle" else f"on the {followed_at}"
    where = "" if followed_at is None else f": following the person {place}"
    return SetupState(SetupCode.MULTIPLE_PEOPLE,
                      f"{who} in view{where}; only the person rolling should be")
