"""A kinematic pose generator: MediaPipe-style landmarks computed from joint angles.

Independent of any image renderer: it places the 33 landmarks of a person lying on
their back with the camera beside them, from the angles the checks measure, so tests
can drive each check at and around its thresholds with exact truth.

Body coordinates, cm: X along the body towards the feet, Y up (away from the floor),
Z across the body away from the camera (0 for the near side). The near hip joint is
the origin. A body turned onto its side (``body_roll_deg``) is the same pose rotated
about the X axis through the near hip joint, the front towards the camera. The camera
looks along +Z, turned by ``yaw_deg`` about the vertical for oblique views and tilted
down by ``elevation_deg`` (a camera above the floor); the image is then mirrored (head
on the left or the right), rolled, scaled and translated. Pixel coordinates: x right, y
down. The normalised depth z is the point's distance along the viewing direction from
the near hip joint, in image widths (MediaPipe's convention: smaller is nearer).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, replace

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.frame import Pose, PoseFrame
from formcheck.pose.landmarks import NUM_LANDMARKS, SIDE_LANDMARKS, Landmark
from formcheck.roller.observation import RollerObservation
from formcheck.vocabulary import Orientation, Side

FloatArray = NDArray[np.float64]

# Segment lengths of an adult, cm.
TORSO_CM = 50.0  # shoulder joint to hip joint
THIGH_CM = 45.0
SHIN_CM = 42.0
FOOT_CM = 22.0  # heel to the tip of the foot
SHOULDER_WIDTH_CM = 36.0
HIP_WIDTH_CM = 30.0


@dataclass(frozen=True, slots=True)
class BodySpec:
    """The pose to generate.

    Attributes:
        knee_deg: hip-knee-ankle angle, degrees (180 straight).
        foot_pitch_deg: the heel -> toe line to the floor, degrees, positive toes up.
        foot_roll_deg: the foot rolled about its long axis, degrees: 0 on its sole, 90
            on its edge (the sole turned sideways, the ankle above it in depth).
        ankle_lift_shin: the ankle's height above the hip joint, shin lengths (negative:
            below). The thigh's angle is solved to put the ankle there.
        torso_tilt_deg: shoulders above the hips (lying on a roller), degrees.
        face_down: put the face downwards (lying on the front); the same as
            ``head_turn_deg=180``.
        head_turn_deg: the face turned about the body's long axis, degrees: 0 up, 90
            towards the camera, 180 down.
        body_roll_deg: the whole body turned about its long axis onto its near side,
            degrees: 0 on the back, 90 on the side facing the camera.
        yaw_deg: the camera turned away from a pure side view, degrees.
        elevation_deg: the camera above the floor looking down, degrees.
        near_side: the body side facing the camera.
        head_side: where the head is in the image.
        roll_deg: camera roll, degrees (image rotated by this angle).
        px_per_cm: scale.
        center_px: where the hip joint lands in the image, px.
        image_size: (width, height), px.
        far_visibility: visibility of the far side's landmarks.
        near_visibility: visibility of the near side's and the face's landmarks.
    """

    knee_deg: float = 90.0
    foot_pitch_deg: float = 0.0
    foot_roll_deg: float = 0.0
    ankle_lift_shin: float = -0.1
    torso_tilt_deg: float = 15.0
    face_down: bool = False
    head_turn_deg: float = 0.0
    body_roll_deg: float = 0.0
    yaw_deg: float = 0.0
    elevation_deg: float = 0.0
    near_side: Side = Side.LEFT
    head_side: Side = Side.LEFT
    roll_deg: float = 0.0
    px_per_cm: float = 4.0
    center_px: tuple[float, float] = (640.0, 380.0)
    image_size: tuple[int, int] = (1280, 720)
    far_visibility: float = 0.6
    near_visibility: float = 0.98

    def with_(self, **changes: object) -> BodySpec:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


def _thigh_angle(knee_deg: float, ankle_lift_shin: float) -> float:
    """The thigh's angle above the horizontal (radians) that puts the ankle at the
    requested height: the first solution going up from -40 degrees."""
    theta = math.radians(knee_deg)
    target = ankle_lift_shin * SHIN_CM
    alphas = np.radians(np.linspace(-40.0, 140.0, 3601))
    heights = THIGH_CM * np.sin(alphas) - SHIN_CM * np.sin(alphas + theta)
    above = heights >= target
    crossing = np.flatnonzero(above)
    if crossing.size:
        return float(alphas[crossing[0]])
    return float(alphas[np.argmin(np.abs(heights - target))])


def body_points(spec: BodySpec) -> dict[str, tuple[float, float]]:
    """The near side's joints in the body plane (X towards the feet, Y up), cm."""
    alpha = _thigh_angle(spec.knee_deg, spec.ankle_lift_shin)
    theta = math.radians(spec.knee_deg)
    tau = math.radians(spec.torso_tilt_deg)
    psi = math.radians(spec.foot_pitch_deg)
    hip = np.zeros(2)
    knee = hip + THIGH_CM * np.array([math.cos(alpha), math.sin(alpha)])
    phi = math.pi + alpha + theta
    ankle = knee + SHIN_CM * np.array([math.cos(phi), math.sin(phi)])
    u = np.array([math.cos(psi), math.sin(psi)])
    down = np.array([math.sin(psi), -math.cos(psi)])
    # Rolled onto its edge, the sole's offset below the ankle turns towards the camera
    # (its depth part is added in landmarks()).
    sole = 0.3 * FOOT_CM * math.cos(math.radians(spec.foot_roll_deg))
    heel = ankle - 0.25 * FOOT_CM * u + sole * down
    toe = heel + FOOT_CM * u
    d = np.array([-math.cos(tau), math.sin(tau)])  # towards the head
    up = np.array([math.sin(tau), math.cos(tau)])  # perpendicular, away from the floor
    face = -1.0 if spec.face_down else math.cos(math.radians(spec.head_turn_deg))
    shoulder = hip + TORSO_CM * d
    ear = shoulder + 0.32 * TORSO_CM * d + 0.05 * TORSO_CM * up
    pts = {
        "hip": hip,
        "knee": knee,
        "ankle": ankle,
        "heel": heel,
        "foot_index": toe,
        "shoulder": shoulder,
        "ear": ear,
        "nose": ear + 0.12 * TORSO_CM * d + face * 0.16 * TORSO_CM * up,
        "eye": ear + 0.08 * TORSO_CM * d + face * 0.12 * TORSO_CM * up,
        "mouth": ear + 0.12 * TORSO_CM * d + face * 0.08 * TORSO_CM * up,
        "elbow": shoulder + 0.3 * TORSO_CM * d + 0.3 * TORSO_CM * up,
        "wrist": ear + 0.05 * TORSO_CM * d - 0.05 * TORSO_CM * up,
    }
    return {k: (float(v[0]), float(v[1])) for k, v in pts.items()}


def _camera(spec: BodySpec, xyz: FloatArray) -> tuple[FloatArray, FloatArray, FloatArray]:
    """Body points (n, 3), cm, in camera axes: right, up, depth (away from the camera)."""
    yaw, elev = math.radians(spec.yaw_deg), math.radians(spec.elevation_deg)
    x = xyz[:, 0] * math.cos(yaw) + xyz[:, 2] * math.sin(yaw)
    d = -xyz[:, 0] * math.sin(yaw) + xyz[:, 2] * math.cos(yaw)
    up = xyz[:, 1] * math.cos(elev) + d * math.sin(elev)
    depth = d * math.cos(elev) - xyz[:, 1] * math.sin(elev)
    return x, up, depth


def _to_pixels(spec: BodySpec, xyz: FloatArray) -> FloatArray:
    """Project (n, 3) body points (cm) to (n, 2) pixels."""
    x, up, _ = _camera(spec, xyz)
    y = -up  # image y is down
    if spec.head_side == "right":
        x = -x
    roll = math.radians(spec.roll_deg)
    c, s = math.cos(roll), math.sin(roll)
    xr = c * x - s * y
    yr = s * x + c * y
    return np.column_stack(
        [spec.center_px[0] + spec.px_per_cm * xr, spec.center_px[1] + spec.px_per_cm * yr]
    )


def landmarks(spec: BodySpec) -> tuple[FloatArray, FloatArray, FloatArray]:
    """The 33 landmarks: (33, 2) px, (33,) visibility, (33,) normalised depth z."""
    xyz, vis = _body_xyz(spec)
    z = _camera(spec, xyz)[2] * spec.px_per_cm / spec.image_size[0]
    return _to_pixels(spec, xyz), vis, z


def world_landmarks(spec: BodySpec) -> FloatArray:
    """The 33 landmarks as MediaPipe's world landmarks: (33, 3) m about the mid-hip, in
    the camera's axes (x right and y down in the image, z towards the camera), for a
    body drawn head to the left: the head on the right mirrors the image alone, which no
    world landmarks of the same labelled sides can match."""
    if spec.head_side != "left":
        raise ValueError("world landmarks are drawn for head_side 'left' only")
    xyz, _ = _body_xyz(spec)
    x, up, depth = _camera(spec, xyz)
    world = np.column_stack([x, -up, -depth]) / 100.0
    hips = world[[int(Landmark.LEFT_HIP), int(Landmark.RIGHT_HIP)]].mean(axis=0)
    return np.asarray(world - hips)


def _body_xyz(spec: BodySpec) -> tuple[FloatArray, FloatArray]:
    """The 33 landmarks in the body's axes (cm) and their visibility."""
    pts = body_points(spec)
    far = Side(spec.near_side).other
    xyz = np.zeros((NUM_LANDMARKS, 3))
    vis = np.full(NUM_LANDMARKS, spec.near_visibility)
    widths = {"shoulder": SHOULDER_WIDTH_CM, "elbow": SHOULDER_WIDTH_CM}
    for role in ("shoulder", "elbow", "wrist", "hip", "knee", "ankle", "heel", "foot_index"):
        bx, by = pts[role]
        width = widths.get(role, HIP_WIDTH_CM)
        near_i = SIDE_LANDMARKS[spec.near_side][role]
        far_i = SIDE_LANDMARKS[far][role]
        xyz[near_i] = (bx, by, 0.0)
        xyz[far_i] = (bx, by, width)
        vis[far_i] = spec.far_visibility
    mid = SHOULDER_WIDTH_CM / 2
    # The sole's depth when the foot is rolled onto its edge (see body_points).
    sole = 0.3 * FOOT_CM * math.sin(math.radians(spec.foot_roll_deg))
    for role in ("heel", "foot_index"):
        xyz[SIDE_LANDMARKS[spec.near_side][role], 2] -= sole
        xyz[SIDE_LANDMARKS[far][role], 2] -= sole
    # A face turned towards the camera brings the nose nearer (smaller Z).
    turn = 0.0 if spec.face_down else math.sin(math.radians(spec.head_turn_deg))
    xyz[int(Landmark.NOSE)] = (*pts["nose"], mid - 0.16 * TORSO_CM * turn)
    paired = {"eye": ("{S}_EYE_INNER", "{S}_EYE", "{S}_EYE_OUTER"), "mouth": ("MOUTH_{S}",)}
    paired["ear"] = ("{S}_EAR",)
    for role, patterns in paired.items():
        for side, depth in ((spec.near_side, mid - 8.0), (far, mid + 8.0)):
            for pattern in patterns:
                i = int(Landmark[pattern.format(S=side.upper())])
                xyz[i] = (*pts[role], depth)
                if side == far:
                    vis[i] = spec.far_visibility
    for side, depth in ((spec.near_side, 0.0), (far, SHOULDER_WIDTH_CM)):
        for part in ("PINKY", "INDEX", "THUMB"):
            i = int(Landmark[f"{side.upper()}_{part}"])
            xyz[i] = (*pts["wrist"], depth)
            if side == far:
                vis[i] = spec.far_visibility
    # Turned onto the near side: Y (up) turns towards the camera, the far side rises.
    roll = math.radians(spec.body_roll_deg)
    y, zz = xyz[:, 1].copy(), xyz[:, 2].copy()
    xyz[:, 1] = y * math.cos(roll) + zz * math.sin(roll)
    xyz[:, 2] = -y * math.sin(roll) + zz * math.cos(roll)
    return xyz, vis


# The foot's outline in its own axes: (along the sole from the heel, up from the sole),
# in foot lengths. The heel landmark is the first point, the toe landmark the second;
# the ankle lies at (0.25, 0.3) inside it. Convex, counter-clockwise.
FOOT_OUTLINE: tuple[tuple[float, float], ...] = (
    (0.0, 0.0), (1.0, 0.0), (1.0, 0.08), (0.6, 0.3), (0.25, 0.45), (0.0, 0.35),
)
THIGH_RADIUS_CM = 7.0
SHIN_RADIUS_CM = 5.0


def silhouette(spec: BodySpec, scale: float = 0.5) -> NDArray[np.float32]:
    """The near leg's segmentation mask, as the pose stage's mask: 1 on the person, 0
    elsewhere, at ``scale`` mask px per image px (the analyzer's mask is ~0.5 of a 720p
    frame). Thigh and shin are capsules; the foot is :data:`FOOT_OUTLINE` on the heel ->
    toe line. Only the leg is drawn (the heel reading looks at nothing else). A body
    rolled onto its side is drawn unrolled."""
    pts = {k: np.array(v) for k, v in body_points(spec).items()}
    u = (pts["foot_index"] - pts["heel"]) / FOOT_CM
    up = np.array([-u[1], u[0]])
    outline = [pts["heel"] + FOOT_CM * (a * u + b * up) for a, b in FOOT_OUTLINE]
    width, height = spec.image_size
    w, h = max(round(width * scale), 1), max(round(height * scale), 1)
    gx, gy = np.meshgrid(np.arange(w) + 0.5, np.arange(h) + 0.5)
    grid = np.stack([gx / scale, gy / scale], axis=-1)  # image px of each mask pixel

    def project(points: list[FloatArray]) -> FloatArray:
        xyz = np.array([[p[0], p[1], 0.0] for p in points])
        return _to_pixels(spec, xyz)

    inside = np.zeros((h, w), dtype=bool)
    poly = project(outline)
    edges = np.roll(poly, -1, axis=0) - poly
    cross = [edges[i, 0] * (grid[..., 1] - poly[i, 1]) - edges[i, 1] * (grid[..., 0] - poly[i, 0])
             for i in range(len(poly))]
    # Mirroring flips the outline's turning direction: inside is one sign throughout.
    inside |= np.all(np.stack(cross) >= 0, axis=0) | np.all(np.stack(cross) <= 0, axis=0)
    for a, b, r_cm in (("hip", "knee", THIGH_RADIUS_CM), ("knee", "ankle", SHIN_RADIUS_CM)):
        pa, pb = project([pts[a], pts[b]])
        d = pb - pa
        t = np.clip(((grid - pa) @ d) / max(float(d @ d), 1e-9), 0.0, 1.0)
        near = grid - (pa + t[..., None] * d)
        inside |= np.hypot(near[..., 0], near[..., 1]) <= r_cm * spec.px_per_cm
    return inside.astype(np.float32)


def make_frame(
    spec: BodySpec, t_s: float = 0.0, index: int = 0, others: int = 0,
    mask_scale: float | None = None, world: bool = False,
) -> PoseFrame:
    """A pose frame holding the generated person; with ``mask_scale`` also its
    segmentation mask (:func:`silhouette`) at that many mask px per image px; with
    ``world`` its world landmarks too (:func:`world_landmarks`)."""
    xy, vis, z = landmarks(spec)
    pose = Pose.from_pixels(xy, spec.image_size, visibility=vis, z=z)
    if world:
        pose = replace(pose, world=world_landmarks(spec))
    width, height = spec.image_size
    mask = None if mask_scale is None else silhouette(spec, mask_scale)
    return PoseFrame(
        index=index, t_ms=t_s * 1000.0, width=width, height=height, pose=pose, others=others,
        mask=mask,
    )


def make_roller(
    spec: BodySpec,
    position: float,
    orientation: Orientation = Orientation.ACROSS,
    confidence: float = 0.9,
    diameter_cm: float = 15.0,
) -> RollerObservation:
    """The roller under the back at ``position`` (0 shoulder, 1 hip) of this body (on
    its back: ``body_roll_deg`` is not applied)."""
    pts = body_points(spec)
    sh, hip = np.array(pts["shoulder"]), np.array(pts["hip"])
    axis = hip - sh
    up = np.array([-axis[1], axis[0]]) / np.hypot(*axis)
    if up[1] < 0:
        up = -up
    contact = sh + position * axis
    center = contact - 0.5 * diameter_cm * up
    px = _to_pixels(spec, np.array([[*contact, 0.0], [*center, 0.0]]))
    d_px = diameter_cm * spec.px_per_cm
    size = (d_px, d_px) if orientation is not Orientation.ALONG else (4 * d_px, d_px)
    return RollerObservation(
        found=True,
        center_px=(float(px[1, 0]), float(px[1, 1])),
        size_px=size,
        orientation=orientation,
        contact_px=(float(px[0, 0]), float(px[0, 1])),
        position=position,
        under_back=-0.2 <= position <= 1.1,
        confidence=confidence,
    )
