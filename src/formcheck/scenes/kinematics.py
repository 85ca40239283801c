"""Skeleton of a person lying on a foam roller, from joint angles; and its projection.

Pure numpy. Two coordinate spaces:

- *body frame*: centimetres (cm), x along the floor towards the feet, y up from the
  floor (y = 0 is the floor), the person's midline plane at depth 0; the head is at
  negative x. A point may carry a lateral offset (cm towards the camera, positive on
  the near side) used only by the projection.
- *pixel*: x right, y down, origin at the image's top-left corner, px.

The body is physically consistent by construction: the roller's centre is one radius
above the floor, the back surface is tangent to the roller at the contact point, the
feet rest on the floor (heel or ball touching it) unless lifted, and the buttocks do
not go below the floor.

The foot has two parts. Toes up (positive pitch) or in the air, it turns rigidly at
the ankle. A heel raise on the floor is what a person does: the forefoot (ball to toes)
stays flat on the floor and the rear foot (heel to ball) tips up about the ball of the
foot, bending at the toe joints (see :func:`bend_foot`).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from formcheck.scenes.params import Camera, Facing, PoseState
from formcheck.vocabulary import Orientation

FloatArray = NDArray[np.float64]


@dataclass(frozen=True, slots=True)
class BodyDims:
    """An adult's segment lengths, cm."""

    torso: float = 50.0  # shoulder joint to hip joint
    back_depth: float = 10.0  # shoulder-hip line to the back surface
    neck: float = 8.0  # shoulder line to the base of the skull
    upper_arm: float = 29.0
    forearm: float = 26.0
    hand: float = 18.0
    thigh: float = 44.0
    shin: float = 43.0
    foot: float = 25.0  # heel to toe tip
    ankle_height: float = 7.5  # ankle joint above the floor with the foot flat
    heel_to_ankle: float = 6.0  # heel back to below the ankle, along the foot
    buttock: float = 10.0  # lowest hip-joint height: buttocks on the floor
    ball: float = 18.0  # heel back to the ball of the foot (toe joints), along the sole
    toe_bend: float = 2.0  # half-length of the rounded bend at the ball, along the sole


DIMS = BodyDims()

# Lateral half-widths (cm) of each joint from the midline: the near side is at +w.
LATERAL: dict[str, float] = {
    "shoulder": 18.0,
    "elbow": 20.0,
    "wrist": 12.0,
    "hip": 12.0,
    "knee": 12.0,
    "ankle": 12.0,
    "heel": 12.0,
    "foot_index": 12.0,
    "ear": 7.5,
    "eye": 3.5,
    "mouth": 2.5,
}

# Rolling splits the relative motion between body and roller: the roller moves half as
# far as the body over the floor (rolling without slipping), so in the body frame the
# whole scene shifts by this fraction of the change in contact position.
ELBOW_U, ELBOW_V = 0.8, -0.5  # hands behind the head: elbow direction (u_head, v_head)
_ROLL_SHIFT = 0.5
_REF_POSITION = 0.3


def _rot(v: FloatArray, deg: float) -> FloatArray:
    """``v`` rotated counter-clockwise (y up) by ``deg`` degrees."""
    a = math.radians(deg)
    c, s = math.cos(a), math.sin(a)
    return np.array([c * v[0] - s * v[1], s * v[0] + c * v[1]])


@dataclass(frozen=True, slots=True)
class Skeleton:
    """One pose in the body frame (cm).

    Attributes:
        points: midline or one-side positions by name, cm (see :data:`LATERAL` for the
            lateral offset of each side's joints). Names: shoulder, elbow, wrist, hand,
            hip, knee, ankle, heel, foot_index, ball, neck, head_center, nose, eye, ear,
            mouth, far_elbow, far_wrist, far_hand (the far arm differs when crossed).
        u: unit vector from hip to shoulder (along the spine).
        v: unit vector from back to chest (anterior).
        u_head, v_head: the head's axes (towards the crown; towards the face).
        roller_center: roller centre (across) or the bar's centre (along), cm.
        roller_contact: where the back touches the roller, cm (on the back surface).
        roller_radius: cm.
        roller_length: cm; the bar's visible length when along the spine.
        position: contact along the shoulder-to-hip line (0 shoulder, 1 hip).
        feet_lift: height of the foot above resting on the floor, cm.
        foot_pitch_deg: angle of the line heel -> foot_index (toe tip) to the floor,
            degrees, positive toes up: the drawn geometry, what a landmark model can see.
        heel_raise_deg: how far the rear foot (heel to ball) is tipped up about the
            ball of the foot while the forefoot stays on the floor, degrees (0 unless
            the heel is raised on the floor). A raise of 40 degrees lifts the heel about
            12 cm and tilts the heel -> toe line about 29 degrees.
        knee_angle_deg: hip-knee-ankle angle, degrees.
    """

    points: dict[str, FloatArray]
    u: FloatArray
    v: FloatArray
    u_head: FloatArray
    v_head: FloatArray
    roller_center: FloatArray
    roller_contact: FloatArray
    roller_radius: float
    roller_length: float
    orientation: Orientation
    position: float
    feet_lift: float
    foot_pitch_deg: float
    knee_angle_deg: float
    heel_raise_deg: float = 0.0


def _torso_angle(p: float, hip_h: float, r: float, d: float, length: float) -> float:
    """The torso's tilt (radians, shoulder up positive) that puts the hip at ``hip_h``.

    With the roller centre at height ``r`` and the shoulder-hip line at distance ``d``
    from it, the hip's height is ``r + d cos a - (1 - p) L sin a``; solved by bisection.
    """

    def hip(a: float) -> float:
        return r + d * math.cos(a) - (1.0 - p) * length * math.sin(a)

    lo, hi = -0.7, 0.9  # hip(lo) is high, hip(hi) is low
    if hip(lo) <= hip_h:
        return lo
    if hip(hi) >= hip_h:
        return hi
    for _ in range(40):
        mid = 0.5 * (lo + hi)
        if hip(mid) > hip_h:
            lo = mid
        else:
            hi = mid
    return 0.5 * (lo + hi)


def solve(
    state: PoseState,
    orientation: Orientation,
    roller_diameter_cm: float,
    dims: BodyDims = DIMS,
    arms_crossed: bool = True,
) -> Skeleton:
    """The pose for one instant, in the body frame (cm). See the module docstring."""
    r = roller_diameter_cm / 2.0
    d = r + dims.back_depth  # roller centre to the shoulder-hip line
    p = float(np.clip(state.roller_position, -0.35, 1.0))
    length = dims.torso
    if orientation == Orientation.ALONG:
        alpha = 0.0  # the back lies flat along the top of the bar
    else:
        hip_h = max(state.hip_height_cm, dims.buttock)
        alpha = _torso_angle(p, hip_h, r, d, length)
    u = np.array([-math.cos(alpha), math.sin(alpha)])  # hip -> shoulder
    v = np.array([math.sin(alpha), math.cos(alpha)])  # back -> chest
    shift = _ROLL_SHIFT * (p - _REF_POSITION) * length
    roller_center = np.array([shift, r])
    line_pt = roller_center + v * d  # the contact's point on the shoulder-hip line
    shoulder = line_pt + p * length * u
    hip = line_pt - (1.0 - p) * length * u
    if hip[1] < dims.buttock:  # never through the floor
        lift = dims.buttock - hip[1]
        hip = hip + np.array([0.0, lift])
    contact = roller_center + v * r

    pts: dict[str, FloatArray] = {"shoulder": shoulder, "hip": hip}

    # Head: neck continues the spine, pitched by head_pitch (positive tucks the chin).
    u_h = _rot(u, -state.head_pitch_deg) if u[0] < 0 else _rot(u, state.head_pitch_deg)
    v_h = np.array([u_h[1], -u_h[0]]) if u_h[0] < 0 else np.array([-u_h[1], u_h[0]])
    if v_h[1] < 0:
        v_h = -v_h
    neck = shoulder + u * 2.0 + v * 1.5
    head_c = neck + u_h * (dims.neck + 7.0) + v_h * 1.0
    pts["neck"] = neck
    pts["head_center"] = head_c
    pts["nose"] = head_c + u_h * -0.5 + v_h * 12.5
    pts["eye"] = head_c + u_h * 2.5 + v_h * 8.3
    pts["ear"] = head_c + u_h * -1.0 + v_h * -1.0
    pts["mouth"] = head_c + u_h * -5.5 + v_h * 9.6

    # Arms.
    if arms_crossed:
        # forearms folded back over the chest, hands on the opposite shoulders
        elbow = shoulder + dims.upper_arm * _unit(-0.74 * u + 0.67 * v)
        wrist = elbow + dims.forearm * _unit(shoulder + v * 10.0 + u * 1.0 - elbow)
        hand = wrist + dims.hand * 0.5 * _unit(0.45 * u - 0.9 * v)
        far_elbow = shoulder + dims.upper_arm * _unit(-0.66 * u + 0.75 * v)
        far_wrist = far_elbow + dims.forearm * _unit(shoulder + v * 12.0 + u * 3.0 - far_elbow)
        far_hand = far_wrist + dims.hand * 0.5 * _unit(0.4 * u - 0.9 * v)
    else:
        # hands behind the head, elbows flared out to the sides: from the side the upper
        # arm runs past the head towards the crown, below the face
        back_of_head = head_c - v_h * 7.0 - u_h * 1.0
        elbow = shoulder + dims.upper_arm * _unit(ELBOW_U * u_h + ELBOW_V * v_h)
        wrist = back_of_head + u_h * 1.5
        hand = back_of_head - u_h * 3.0 + v_h * 1.0
        far_elbow = elbow + u_h * 1.0 + v_h * 1.0
        far_wrist = wrist
        far_hand = hand
    pts.update(elbow=elbow, wrist=wrist, hand=hand)
    pts.update(far_elbow=far_elbow, far_wrist=far_wrist, far_hand=far_hand)

    # Foot, in its own frame (x towards the toes, y up, heel on the floor at x=0).
    phi = state.foot_pitch_deg
    lift = max(state.foot_lift_cm, 0.0)
    foot_pts = {
        "heel": np.array([0.0, 2.0]),
        "foot_index": np.array([dims.foot, 2.0]),
        "ankle": np.array([dims.heel_to_ankle, dims.ankle_height]),
        "ball": np.array([dims.ball, 0.0]),
        "heel_floor": np.array([0.0, 0.0]),
    }
    raise_deg = -phi if phi < 0 and lift == 0 else 0.0
    if raise_deg > 0:
        # a heel raise: the forefoot stays on the floor, the rear foot tips up
        foot_rot = {k: bend_foot(pt.reshape(1, 2), raise_deg, dims)[0]
                    for k, pt in foot_pts.items()}
    else:
        # rigid: toes up about the heel, or (feet in the air) pointed about the toe
        pivot = foot_pts["heel_floor"] if phi >= 0 else np.array([dims.foot, 0.0])
        foot_rot = {k: pivot + _rot(pt - pivot, phi) for k, pt in foot_pts.items()}
    ankle_y = foot_rot["ankle"][1] + lift

    # Leg: two-link IK with the ankle at height ankle_y, on the far side of the hip.
    knee_deg = float(np.clip(state.knee_angle_deg, 20.0, 180.0))
    t_len, s_len = dims.thigh, dims.shin
    ha = math.sqrt(
        max(t_len**2 + s_len**2 - 2 * t_len * s_len * math.cos(math.radians(knee_deg)), 1.0)
    )
    dy = ankle_y - hip[1]
    if abs(dy) > ha:  # cannot reach: keep the angle, let the foot hang
        dy = math.copysign(ha * 0.999, dy)
        ankle_y = hip[1] + dy
    dx = math.sqrt(max(ha**2 - dy**2, 1e-6))
    ankle = np.array([hip[0] + dx, ankle_y])
    cos_b = (t_len**2 + ha**2 - s_len**2) / (2 * t_len * ha)
    beta = math.acos(float(np.clip(cos_b, -1.0, 1.0)))
    theta = math.atan2(dy, dx)
    knee = hip + t_len * np.array([math.cos(theta + beta), math.sin(theta + beta)])
    pts["knee"] = knee
    pts["ankle"] = ankle
    for name in ("heel", "foot_index", "ball"):
        pts[name] = ankle + (foot_rot[name] - foot_rot["ankle"])

    lift_actual = float(min(pts["heel"][1] - 2.0, pts["foot_index"][1] - 2.0))
    lift_actual = max(lift_actual, 0.0) if phi == 0 else float(lift)
    heel_to_toe = pts["foot_index"] - pts["heel"]
    pitch = math.degrees(math.atan2(float(heel_to_toe[1]), float(heel_to_toe[0])))

    if orientation == Orientation.ALONG:
        roller_length = 90.0
        bar_center = np.array([contact[0] + 12.0, r])
    else:
        roller_length = 90.0
        bar_center = roller_center
    return Skeleton(
        points=pts,
        u=u,
        v=v,
        u_head=u_h,
        v_head=v_h,
        roller_center=bar_center,
        roller_contact=contact,
        roller_radius=r,
        roller_length=roller_length,
        orientation=orientation,
        position=p,
        feet_lift=lift_actual,
        foot_pitch_deg=phi if raise_deg == 0 else pitch,
        knee_angle_deg=knee_deg,
        heel_raise_deg=raise_deg,
    )


def bend_foot(local: FloatArray, raise_deg: float, dims: BodyDims = DIMS) -> FloatArray:
    """Foot-frame points (cm; x towards the toes, y up, sole on the floor) of a heel raise.

    The rear foot (heel to ball) tips up by ``raise_deg`` degrees about the ball's
    contact with the floor (x = ``dims.ball``, y = 0); the forefoot stays flat. Points
    within ``dims.toe_bend`` of the ball turn part of the way, so an outline bends in a
    curve there, like the skin over the toe joints.

    Args:
        local: (N, 2) points of the flat foot, cm.
        raise_deg: the rear foot's tilt, degrees (>= 0).
        dims: body dimensions.

    Returns:
        (N, 2) points, cm, same frame.
    """
    pts = np.asarray(local, np.float64).reshape(-1, 2)
    b = max(dims.toe_bend, 1e-6)
    w = np.clip((dims.ball + b - pts[:, 0]) / (2.0 * b), 0.0, 1.0)
    w = w * w * (3.0 - 2.0 * w)  # smoothstep: 1 behind the bend, 0 in front of it
    a = np.radians(-raise_deg * w)  # clockwise: points behind the ball go up
    dx, dy = pts[:, 0] - dims.ball, pts[:, 1]
    c, s = np.cos(a), np.sin(a)
    return np.column_stack([dims.ball + c * dx - s * dy, s * dx + c * dy])


def _unit(v: FloatArray) -> FloatArray:
    n = float(np.hypot(v[0], v[1]))
    return v / n if n > 0 else v


def extent_cm(skel: Skeleton) -> tuple[float, float]:
    """Horizontal extent of the body (crown to toes, hands included), body-frame cm."""
    xs = [float(pt[0]) for pt in skel.points.values()]
    crown = skel.points["head_center"] + skel.u_head * 12.0
    xs.append(float(crown[0]))
    return min(xs) - 2.0, max(xs) + 2.0


@dataclass(frozen=True, slots=True)
class Projection:
    """Body frame (cm) to pixels: a scale, a floor line, a mirror, a roll.

    Attributes:
        width, height: image size, px.
        scale: px per cm.
        origin_x: pixel x of body-frame x = 0 before mirroring, px.
        floor_y: pixel y of the floor line under the person (depth 0), px.
        mirror: True when the head is on the right (facing right).
        elev_sin: sine of the camera's elevation (how far nearer points drop), unitless.
        tilt_deg: image roll, degrees, about the image centre.
    """

    width: int
    height: int
    scale: float
    origin_x: float
    floor_y: float
    mirror: bool
    elev_sin: float
    tilt_deg: float

    @classmethod
    def for_camera(
        cls, camera: Camera, facing: Facing, width: int, height: int,
        extent: tuple[float, float] = (-50.0, 110.0),
    ) -> Projection:
        """The projection that places a person as ``camera`` asks, in a width x height image.

        ``extent`` is the body's horizontal range in body-frame cm (see :func:`extent_cm`):
        it is scaled to ``camera.person_width`` of the image width.
        """
        x0, x1 = extent
        scale = camera.person_width * width / max(x1 - x0, 1.0)
        left_px = camera.person_x * width - camera.person_width * width / 2.0
        origin_x = left_px - x0 * scale
        return cls(
            width=width,
            height=height,
            scale=scale,
            origin_x=origin_x,
            floor_y=camera.floor_y * height,
            mirror=facing == Facing.RIGHT,
            elev_sin=math.sin(math.radians(camera.elevation_deg)),
            tilt_deg=camera.tilt_deg,
        )

    def __call__(self, pts: FloatArray, lateral: float | FloatArray = 0.0) -> FloatArray:
        """(N, 2) body-frame points (cm) at a lateral offset (cm, + nearer) to (N, 2) px."""
        pts = np.asarray(pts, dtype=np.float64).reshape(-1, 2)
        x = self.origin_x + self.scale * pts[:, 0]
        y = self.floor_y - self.scale * pts[:, 1] + self.scale * np.asarray(lateral) * (
            self.elev_sin
        )
        if self.mirror:
            x = self.width - x
        out = np.column_stack([x, y])
        if self.tilt_deg:
            out = self.rotate(out)
        return out

    def rotate(self, px: FloatArray) -> FloatArray:
        """Apply the image roll to pixel points (about the image centre)."""
        a = math.radians(self.tilt_deg)
        c, s = math.cos(a), math.sin(a)
        cx, cy = self.width / 2.0, self.height / 2.0
        dx, dy = px[:, 0] - cx, px[:, 1] - cy
        return np.column_stack([cx + c * dx - s * dy, cy + s * dx + c * dy])

    def length(self, cm: float) -> float:
        """A length in cm as px."""
        return cm * self.scale
