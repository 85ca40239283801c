"""The body in 3D and the camera's place relative to it, from one frame's landmarks.

Pure numpy. Inputs are the pose's landmarks twice: in the image (px, x right, y down)
and in MediaPipe's world space (metres, origin between the hips, axes of the model's
choosing). The two are tied by a fitted affine camera ``px = A @ world + b`` (a weak
perspective: right for a body 1.5-4 m away), which lets the checks reason about the body
in 3D (its spine, its left-right axis, its back) whatever the camera place:

- the camera's place: azimuth round from a pure side view and elevation above the floor,
  degrees, from the body's axes and the camera's viewing direction;
- the roller's place along the back: the contact point's pixel, lifted onto the plane
  through the spine and the back's normal, as metres along the spine;
- the roller's orientation: its image axis against the images of the spine and of the
  left-right axis.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np
from numpy.typing import NDArray

from formcheck.pose.landmarks import Landmark
from formcheck.roller.observation import RollerObservation

FloatArray = NDArray[np.float64]
L = Landmark

# Landmarks the affine camera is fitted on: the body's large, well-found joints.
FIT = (
    Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP,
    Landmark.LEFT_KNEE, Landmark.RIGHT_KNEE, Landmark.LEFT_ANKLE, Landmark.RIGHT_ANKLE,
    Landmark.LEFT_ELBOW, Landmark.RIGHT_ELBOW,
)


TORSO = (Landmark.LEFT_SHOULDER, Landmark.RIGHT_SHOULDER, Landmark.LEFT_HIP, Landmark.RIGHT_HIP)
TORSO_WEIGHT = 5.0
_FIT_WEIGHT = np.array([TORSO_WEIGHT if i in TORSO else 1.0 for i in FIT])
_FIT_INDEX = np.array([int(i) for i in FIT])
_TORSO_INDEX = np.array([int(i) for i in TORSO])
# Below this elevation, degrees, a camera towards the head also reads its azimuth from the
# legs' line and scales it up (body_view): the model's left-right axis reads it short
# there. Chosen on the 3D set's tuning part (docs/scenes3d.md, "The camera's place
# against the true camera").
HEAD_END_MAX_ELEVATION_DEG = 30.0
HEAD_END_AZIMUTH_SCALE = 1.25
# The spine's and the back normal's images must stand at least this far from parallel (the
# sine of their angle) for a pixel to be lifted onto the body's mid-plane.
MIDPLANE_MIN_SINE = 0.25


def cross3(a: FloatArray | Sequence[float], b: FloatArray | Sequence[float]) -> FloatArray:
    """The cross product of two 3-vectors. np.cross costs ~15 us a call in its general
    form, several times a frame on the evaluator's path; this is the same arithmetic."""
    a0, a1, a2 = float(a[0]), float(a[1]), float(a[2])
    b0, b1, b2 = float(b[0]), float(b[1]), float(b[2])
    return np.array([a1 * b2 - a2 * b1, a2 * b0 - a0 * b2, a0 * b1 - a1 * b0])


def vec_norm(v: FloatArray) -> float:
    """The Euclidean length of a vector: what np.linalg.norm computes for one (the square
    root of its dot with itself), without its call overhead (a few dozen a frame)."""
    return math.sqrt(float(np.dot(v, v)))


def nan_to_zero(v: FloatArray) -> FloatArray:
    """``v`` with NaN as 0: np.nan_to_num's reading of NaN, without its call overhead (a
    few calls a frame)."""
    return np.where(np.isnan(v), 0.0, v)


def _unit(v: FloatArray) -> FloatArray:
    n = vec_norm(v)
    return v / n if n > 1e-9 else v


@dataclass(frozen=True, slots=True)
class BodyAxes:
    """The body's frame in a world space (unit vectors, metres).

    Attributes:
        hip, shoulder: mid-hip and mid-shoulder.
        spine: mid-hip -> mid-shoulder.
        lateral: towards the body's left, square to the spine.
        back: out of the back (posterior), square to both.
        torso_m: mid-hip to mid-shoulder, m.
    """

    hip: FloatArray
    shoulder: FloatArray
    spine: FloatArray
    lateral: FloatArray
    back: FloatArray
    torso_m: float


def _unit_or_none(v: FloatArray) -> FloatArray | None:
    n = vec_norm(v)
    return v / n if math.isfinite(n) and n > 1e-9 else None


def body_axes(world: FloatArray) -> BodyAxes | None:
    """The body's axes from (33, 3) world landmarks; None where shoulders or hips are
    missing or degenerate. :func:`body_view` builds on it; the head and hips checks
    (``head_hips``) read it alone."""
    pts = np.asarray(world, float)[_TORSO_INDEX]
    if not np.isfinite(pts).all():
        return None
    # In plain floats (every frame, several times): the same arithmetic as numpy's on
    # these 3-vectors, element by element and its dots summed in order, so the same bits.
    ls, rs, lh, rh = pts.tolist()
    hip = [(lh[i] + rh[i]) / 2 for i in range(3)]
    sh = [(ls[i] + rs[i]) / 2 for i in range(3)]
    d = [sh[i] - hip[i] for i in range(3)]
    torso = math.sqrt(d[0] * d[0] + d[1] * d[1] + d[2] * d[2])
    if not (math.isfinite(torso) and torso > 1e-9):
        return None
    spine = [d[i] / torso for i in range(3)]
    lat_raw = [(ls[i] - rs[i]) + (lh[i] - rh[i]) for i in range(3)]
    k = lat_raw[0] * spine[0] + lat_raw[1] * spine[1] + lat_raw[2] * spine[2]
    v = [lat_raw[i] - k * spine[i] for i in range(3)]
    n = math.sqrt(v[0] * v[0] + v[1] * v[1] + v[2] * v[2])
    if not (math.isfinite(n) and n > 1e-9):
        return None
    lat = [v[i] / n for i in range(3)]
    back = cross3(spine, lat)  # up x left points out of the back, for any body
    return BodyAxes(np.array(hip), np.array(sh), np.array(spine), np.array(lat), back, torso)


@dataclass(frozen=True, slots=True)
class BodyView:
    """One frame's body frame and camera.

    Attributes:
        A, b: the affine camera, px = A @ world + b (A: 2x3, px per metre; b: px).
        axes: the body's axes in world space (:func:`body_axes`); ``hip``, ``shoulder``,
            ``spine``, ``lateral``, ``back`` and ``torso_m`` read through to them.
        view: unit viewing direction of the camera (world), from the camera into the scene.
        azimuth_deg: how far round from a pure side view the camera stands, degrees
            (0 side-on, 90 looking along the body).
        elevation_deg: how far above the floor plane the camera looks down, degrees.
        up: unit normal of the floor plane (world), from the left-right axis and the line
            from the hips to the ankles (the seat and the feet rest on the floor).
        torso_rise_deg: the spine's rise from the floor plane, degrees (lying on a roller
            10-30, sitting or standing 60-90).
        seen_lateral: unit left-right axis (world) turned in the floor plane to agree
            with ``azimuth_deg`` where the head-end correction changed the azimuth, else
            None (``lateral`` agrees already); what a roller across the back is read
            against.
    """

    A: FloatArray
    b: FloatArray
    axes: BodyAxes
    view: FloatArray
    azimuth_deg: float
    elevation_deg: float
    up: FloatArray | None = None
    torso_rise_deg: float = 0.0
    R: FloatArray | None = None
    t: FloatArray | None = None
    focal_px: float = 0.0
    center_px: FloatArray | None = None
    seen_lateral: FloatArray | None = None
    # _midplane_image's result, read for the neck and the roller's place each frame
    _midplane: tuple[FloatArray, bool] | None = field(
        default=None, init=False, repr=False, compare=False)

    def with_azimuth(self, azimuth_deg: float) -> BodyView:
        """This view with another azimuth (degrees): what ``dataclasses.replace`` gives,
        without its cost (every frame)."""
        return BodyView(A=self.A, b=self.b, axes=self.axes, view=self.view,
                        azimuth_deg=azimuth_deg, elevation_deg=self.elevation_deg,
                        up=self.up, torso_rise_deg=self.torso_rise_deg, R=self.R, t=self.t,
                        focal_px=self.focal_px, center_px=self.center_px,
                        seen_lateral=self.seen_lateral)

    @property
    def hip(self) -> FloatArray:
        """Mid-hip, world m."""
        return self.axes.hip

    @property
    def shoulder(self) -> FloatArray:
        """Mid-shoulder, world m."""
        return self.axes.shoulder

    @property
    def spine(self) -> FloatArray:
        """Unit vector, mid-hip -> mid-shoulder (world)."""
        return self.axes.spine

    @property
    def lateral(self) -> FloatArray:
        """Unit vector towards the body's left, square to the spine (world)."""
        return self.axes.lateral

    @property
    def roller_lateral(self) -> FloatArray:
        """The left-right axis a roller across the back lies along (world, unit):
        ``seen_lateral`` where the azimuth was corrected, else ``lateral``."""
        return self.lateral if self.seen_lateral is None else self.seen_lateral

    @property
    def back(self) -> FloatArray:
        """Unit vector out of the back (posterior), square to both (world)."""
        return self.axes.back

    @property
    def torso_m(self) -> float:
        """Mid-hip to mid-shoulder, m."""
        return self.axes.torso_m

    @property
    def upright_deg(self) -> float:
        """The spine's angle out of the plane square to the camera's downward image axis,
        degrees: about 90 for a body standing or sitting before an upright camera, under
        about 30 for a body lying, from any supported camera place. Unlike
        ``torso_rise_deg`` it assumes nothing about where the feet are, so it still reads
        a body that is not lying at all."""
        down = self.A[1]
        n = vec_norm(down)
        if n < 1e-9:
            return 0.0
        return math.degrees(math.asin(min(1.0, abs(float(np.dot(self.spine, down))) / n)))

    @property
    def back_down(self) -> float:
        """Which way the back faces: the cosine between the back's normal and the
        camera's downward image axis (world), 1 lying on the back, 0 on the side, -1 face
        down. It needs only the sign of the model's depth, not its scale, so a tucked
        chin or a head turned to the camera does not change it."""
        down = self.A[1]
        n = vec_norm(down)
        return float(np.dot(self.back, down) / n) if n > 1e-9 else 0.0

    @property
    def from_head_end(self) -> bool:
        """Whether the camera stands towards the head (it looks down the body, from the
        shoulders towards the hips), rather than towards the feet."""
        return float(np.dot(self.view, self.spine)) < 0

    def project(self, world: FloatArray) -> FloatArray:
        """World points (..., 3) to pixels (..., 2): by the pinhole camera where one was
        fitted, else by the affine one."""
        if self.R is not None and self.t is not None and self.center_px is not None:
            pc = np.asarray(world) @ self.R.T + self.t
            return self.focal_px * pc[..., :2] / np.maximum(pc[..., 2:3], 1e-3) + self.center_px
        return world @ self.A.T + self.b

    def image_dir(self, axis: FloatArray) -> FloatArray:
        """The image direction of a world direction (px per metre, not normalised)."""
        return self.A @ axis

    def along_back(self, point_px: FloatArray, depth_m: float = 0.12) -> tuple[float, float]:
        """Where an image point on the back lies: (metres from the hips along the spine,
        metres behind the hip-shoulder line).

        The point is taken to lie in the plane of the spine and the back's normal (the
        body's mid-plane). Where that plane is seen edge-on (camera straight above or
        below) the depth cannot be read and ``depth_m`` is assumed.
        """
        if self.R is not None and self.t is not None and self.center_px is not None:
            hit = self._ray_on_midplane(np.asarray(point_px, float))
            if hit is not None:
                rel = hit - self.hip
                return float(np.dot(rel, self.spine)), float(np.dot(rel, self.back))
        M, readable = self._midplane_image()
        rhs = np.asarray(point_px, float) - self.project(self.hip)
        if readable:
            s, d = np.linalg.solve(M, rhs)
            return float(s), float(d)
        a = M[:, 0]
        s = float(np.dot(rhs - depth_m * M[:, 1], a) / max(float(np.dot(a, a)), 1e-9))
        return s, depth_m

    def midplane_offset(self, from_px: FloatArray, to_px: FloatArray
                        ) -> tuple[float, float] | None:
        """The step between two image points lying on the body's mid-plane, lifted onto
        it: (metres along the spine, metres out of the back), or None where that plane is
        seen too near edge-on to read depth (the camera at the head or feet end, or
        straight above)."""
        a, b = np.asarray(from_px, float), np.asarray(to_px, float)
        if self.R is not None and self.t is not None and self.center_px is not None:
            ha, hb = self._ray_on_midplane(a), self._ray_on_midplane(b)
            if ha is None or hb is None:
                return None
            step = hb - ha
            return float(np.dot(step, self.spine)), float(np.dot(step, self.back))
        # the affine camera is linear: a step in the image is the image of the step
        M, readable = self._midplane_image()
        if not readable:
            return None
        s, d = np.linalg.solve(M, b - a)
        return float(s), float(d)

    def _midplane_image(self) -> tuple[FloatArray, bool]:
        """The affine images of the spine and the back's normal (2x2, columns, px per
        m), and whether they stand far enough from parallel (``MIDPLANE_MIN_SINE``) for
        a pixel on the mid-plane to be read back onto it."""
        if self._midplane is None:
            M = np.stack([self.A @ self.spine, self.A @ self.back], axis=1)
            det = abs(float(M[0, 0] * M[1, 1] - M[0, 1] * M[1, 0]))
            scale = vec_norm(M[:, 0]) * vec_norm(M[:, 1]) or 1e-9
            object.__setattr__(self, "_midplane", (M, det / scale > MIDPLANE_MIN_SINE))
        assert self._midplane is not None
        return self._midplane

    def _ray_on_midplane(self, point_px: FloatArray) -> FloatArray | None:
        """Where the camera ray through a pixel meets the body's mid-plane (world), or
        None where the ray runs along the plane."""
        assert self.R is not None and self.t is not None and self.center_px is not None
        ray_c = np.array([*(point_px - self.center_px) / self.focal_px, 1.0])
        origin = -self.R.T @ self.t  # the camera centre, world
        ray = self.R.T @ ray_c
        normal = self.lateral
        den = float(np.dot(ray, normal))
        if abs(den) < 1e-3 * vec_norm(ray):
            return None
        k = float(np.dot(self.hip - origin, normal)) / den
        return np.asarray(origin + k * ray, dtype=np.float64)

    def position(self, roller_center_px: FloatArray) -> float:
        """The roller's place along the back, 0 at the shoulders, 1 at the hips, from the
        pixel of its centre (it lies under the spine, in the body's mid-plane)."""
        s, _ = self.along_back(roller_center_px)
        return 1.0 - s / max(self.torso_m, 1e-6)


def fit_affine(world: FloatArray, px: FloatArray,
               weights: FloatArray | None = None) -> tuple[FloatArray, FloatArray, float]:
    """Least-squares affine camera px = A @ world + b; returns (A, b, rms residual px)."""
    X, w, sol = _affine_solution(world, px, weights)
    res = X @ sol - px
    # np.average's weighted mean, without its call overhead
    rms = math.sqrt(float(np.multiply((res**2).sum(1), w).sum() / w.sum()))
    return sol[:3].T, sol[3], rms


def _affine_solution(world: FloatArray, px: FloatArray, weights: FloatArray | None
                     ) -> tuple[FloatArray, FloatArray, FloatArray]:
    """:func:`fit_affine`'s design matrix, weights and (4, 2) solution ([A.T; b])."""
    n = len(world)
    X = np.empty((n, 4))
    X[:, :3] = world
    X[:, 3] = 1.0
    w = np.ones(n) if weights is None else np.asarray(weights, float)
    sw = np.sqrt(w)[:, None]
    sol, *_ = np.linalg.lstsq(X * sw, px * sw, rcond=None)
    return X, w, sol


def _rodrigues(r: FloatArray) -> FloatArray:
    th = vec_norm(r)
    if th < 1e-12:
        return np.eye(3)
    k = r / th
    K = np.array([[0, -k[2], k[1]], [k[2], 0, -k[0]], [-k[1], k[0], 0]])
    return np.asarray(np.eye(3) + math.sin(th) * K + (1 - math.cos(th)) * (K @ K), np.float64)


def fit_perspective(world: FloatArray, px: FloatArray, A: FloatArray, b: FloatArray,
                    focal_px: float, center_px: FloatArray, weights: FloatArray,
                    iterations: int = 8) -> tuple[FloatArray, FloatArray, float]:
    """A pinhole camera (rotation R, translation t; px = f * (R X + t)_xy / z + c) refined
    by Gauss-Newton from the affine fit, for a known focal length (px).
    Returns (R, t, rms residual px)."""
    U, S, Vt = np.linalg.svd(A, full_matrices=False)
    rows = U @ Vt  # the nearest orthonormal rows (2x3)
    R = np.vstack([rows, np.cross(rows[0], rows[1])])
    k = float(S.mean())
    tz = focal_px / max(k, 1e-9)
    t = np.array([(b[0] - center_px[0]) / k, (b[1] - center_px[1]) / k, tz])
    sw = np.sqrt(weights)[:, None]

    def residual(R_: FloatArray, t_: FloatArray) -> tuple[FloatArray, FloatArray]:
        """Weighted residuals (2n,) and their Jacobian (2n, 6) in (rotation, t)."""
        rx = world @ R_.T
        pc = rx + t_
        z = np.maximum(pc[:, 2], 1e-3)
        x, y = pc[:, 0], pc[:, 1]
        r = (focal_px * pc[:, :2] / z[:, None] + center_px - px) * sw
        # d(px)/d(pc): f/z on x and y, -f x/z^2 and -f y/z^2 on depth
        dpx = np.zeros((len(z), 2, 3))
        dpx[:, 0, 0] = focal_px / z
        dpx[:, 1, 1] = focal_px / z
        dpx[:, 0, 2] = -focal_px * x / z**2
        dpx[:, 1, 2] = -focal_px * y / z**2
        # a small rotation w moves a point by w x (R X) = -[R X]x w
        skew = np.zeros((len(z), 3, 3))
        skew[:, 0, 1], skew[:, 0, 2] = rx[:, 2], -rx[:, 1]
        skew[:, 1, 0], skew[:, 1, 2] = -rx[:, 2], rx[:, 0]
        skew[:, 2, 0], skew[:, 2, 1] = rx[:, 1], -rx[:, 0]
        J = np.concatenate([dpx @ skew, dpx], axis=2) * sw[:, :, None]
        return r.ravel(), J.reshape(-1, 6)

    for _ in range(iterations):
        r0, J = residual(R, t)
        step, *_ = np.linalg.lstsq(J, -r0, rcond=None)
        R = _rodrigues(np.asarray(step[:3], np.float64)) @ R
        t = t + step[3:]
        if float(np.abs(step).max()) < 1e-6:
            break
    res = residual(R, t)[0].reshape(-1, 2) / sw
    rms = float(np.sqrt(np.average((res**2).sum(1), weights=weights)))
    return R, t, rms


def body_view(xy: FloatArray, world: FloatArray, visibility: FloatArray | None = None,
              image_size: tuple[int, int] | None = None, focal_ratio: float = 0.85,
              head_end_correction: bool = True) -> BodyView | None:
    """The body frame and camera of one pose, or None where the landmarks cannot carry it.

    Args:
        xy: (33, 2) image landmarks, px.
        world: (33, 3) world landmarks, m.
        visibility: (33,) 0..1, weighting the fit (default all 1).
        head_end_correction: correct the pose model's short reading of the azimuth from
            the head end near the floor (the legs' line, then a scale; off, the body's
            axes are taken as exact, as for true landmarks).
    """
    idx = _FIT_INDEX
    P, W = np.asarray(xy, float)[idx], np.asarray(world, float)[idx]
    if not (np.isfinite(P).all() and np.isfinite(W).all()):
        return None
    # a model without world landmarks (or a flat one) gives no body to fit
    if float(np.ptp(W, axis=0).max()) < 1e-3:
        return None
    # np.clip's values, without its call overhead (every frame)
    vis = np.ones(len(idx)) if visibility is None else np.minimum(np.maximum(
        nan_to_zero(np.asarray(visibility, float)[idx]), 0.05), 1.0)
    # the checks read the torso: weight its joints so the (weak perspective) fit is
    # truest there, where the roller meets the back
    vis = vis * _FIT_WEIGHT / TORSO_WEIGHT
    # the fit's residual is left unread here (every frame); fit_affine gives it
    sol = _affine_solution(W, P, vis)[2]
    A, b = sol[:3].T, sol[3]
    R = t = center = None
    focal = 0.0
    if image_size is not None:
        center = np.array([image_size[0] / 2.0, image_size[1] / 2.0])
        focal = focal_ratio * float(image_size[0])
        R, t, _ = fit_perspective(W, P, A, b, focal, center, vis)
    w = np.asarray(world, float)
    axes = body_axes(w)
    if axes is None:
        return None
    hip, spine, lat, back = axes.hip, axes.spine, axes.lateral, axes.back
    # The viewing direction is square to both rows of A; its sign points from the camera
    # into the scene (px y runs down, so rows x, y and the view make a right-handed set).
    view = _unit(cross3(A[0], A[1]))
    if axes.torso_m < 1e-3 or vec_norm(view) < 0.5:
        return None
    # The floor plane holds the left-right axis and the line from the hips to the ankles
    # (the seat and the feet rest on the floor, about as high); the back's normal, off by
    # the torso's slope, only picks the sign.
    ank = (w[L.LEFT_ANKLE] + w[L.RIGHT_ANKLE]) / 2
    f = ank - hip
    f = f - np.dot(f, lat) * lat
    up = _unit(cross3(lat, f)) if vec_norm(f) > 1e-3 else -back
    if float(np.dot(up, back)) > 0:
        up = -up
    horiz = view - np.dot(view, up) * up
    seen_lat: FloatArray | None = None
    elevation = math.degrees(math.asin(min(1.0, abs(float(np.dot(view, up))))))
    if vec_norm(horiz) < 1e-6:
        azimuth = 90.0
    else:
        h = _unit(horiz)
        c = abs(float(np.dot(h, lat)))
        azimuth = math.degrees(math.acos(min(1.0, c)))
        # From the head end near the floor the model draws the far shoulder and hip onto
        # the near ones, so its left-right axis reads the camera near side-on; the line
        # from the hips to the ankles (long, well found) still shows how far round it is,
        # and what is left of the shortfall is taken off in proportion.
        if (head_end_correction and float(np.dot(view, spine)) < 0
                and elevation < HEAD_END_MAX_ELEVATION_DEG):
            legs = ank - hip
            legs = legs - np.dot(legs, up) * up
            if vec_norm(legs) > 1e-3:
                s_leg = abs(float(np.dot(h, _unit(legs))))
                azimuth = max(azimuth, math.degrees(math.asin(min(1.0, s_leg))))
            azimuth = min(90.0, HEAD_END_AZIMUTH_SCALE * azimuth)
            seen_lat = _turned_lateral(lat, h, up, azimuth)
    return BodyView(A=A, b=b, axes=axes, view=view, azimuth_deg=azimuth,
                    elevation_deg=elevation, up=up,
                    torso_rise_deg=math.degrees(math.asin(min(1.0, abs(float(spine @ up))))),
                    R=R, t=t, focal_px=focal, center_px=center, seen_lateral=seen_lat)


def _turned_lateral(lat: FloatArray, h: FloatArray, up: FloatArray,
                    azimuth_deg: float) -> FloatArray:
    """The left-right axis turned in the floor plane (normal ``up``) to stand
    ``azimuth_deg`` round from the horizontal view ``h``, on the same side as ``lat``.
    The model's left-right axis collapses onto the view from the head end near the
    floor; the corrected azimuth says how far round it really lies."""
    k = _unit(cross3(up, h))
    a = math.radians(azimuth_deg)
    sh = 1.0 if float(np.dot(lat, h)) >= 0 else -1.0
    sk = 1.0 if float(np.dot(lat, k)) >= 0 else -1.0
    return _unit(sh * math.cos(a) * h + sk * math.sin(a) * k)


@dataclass(frozen=True, slots=True)
class OrientationReading:
    """Which way the roller lies, read against the body's axes in the image.

    ``status`` is "across", "along" or "unknown"; ``reason`` says why unknown;
    ``separation_deg`` is the angle between the images of the spine and the left-right
    axis (the smaller, the less the view can tell them apart).
    """

    status: str
    reason: str = ""
    separation_deg: float = 0.0
    off_lateral_deg: float = 0.0
    off_spine_deg: float = 0.0
    both_fit: bool = False  # unknown because the outline fits both ways


def _line_angle(a: FloatArray, b: FloatArray) -> float:
    """Angle between two undirected image lines, degrees 0..90."""
    na, nb = vec_norm(a), vec_norm(b)
    if na < 1e-9 or nb < 1e-9:
        return 90.0
    c = abs(float(np.dot(a, b))) / (na * nb)
    return math.degrees(math.acos(min(1.0, c)))


def roller_orientation(view: BodyView, axis_px: FloatArray, length_px: float,
                       thickness_px: float, *, along_min_m: float,
                       roller_m: tuple[float, float] = (0.3, 0.9),
                       stubby: float = 2.0,
                       across_off_deg: float = 30.0, along_off_deg: float = 15.0,
                       short_lateral: float = 0.5, short_lateral_off_deg: float = 60.0,
                       slack: float = 0.3, across_long_slack: float = 0.5,
                       across_loose_off_deg: float = 50.0) -> OrientationReading:
    """Across or along, from the roller's silhouette (its long axis, length, thickness).

    A roller across the back lies along the left-right axis, along the spine along the
    spine. Each way predicts the silhouette: its length (the image of a roller 0.3-0.9 m
    long on that axis, plus its diameter) and, where that image is clearly longer than
    the roller is thick, its direction (within ``across_off_deg`` or ``along_off_deg``).
    The reading is the one way the silhouette fits; where both fit (the view cannot tell
    them apart) or neither does, it is unknown.

    Rollers are ``roller_m`` long (m); one along the spine at least ``along_min_m``
    (``roller.along_min_length_m``: it bears the back from the hips up). An outline under
    ``stubby`` times as long as it is thick has no direction to hold against either way
    (seen from above, most of a roller across lies under the body).

    The left-right axis is ``view.roller_lateral`` (turned to the corrected azimuth from
    the head end, where the model's own one collapses onto the line of sight). It rests
    on the model's depth, which it compresses: where its image
    is shorter than ``short_lateral`` times the spine's (a view near side-on), its
    direction is only known to ``short_lateral_off_deg``. A roller across is then never
    excluded by a direction the view cannot give, so it is not read as along. Seen
    end-on, perspective (which the affine camera leaves out) draws the near end larger
    and the ends apart: the longest silhouette that fits across has
    ``across_long_slack`` rather than ``slack``. Where the outline fits a roller along
    the spine neither in length nor in direction, across is the one way left: its
    direction then holds to ``across_loose_off_deg`` (from above the visible part of a
    roller across is short and its axis loosely read).
    """
    thick = max(float(thickness_px), 1.0)
    off: dict[str, float] = {}
    length_fits: dict[str, bool] = {}
    dir_fits: dict[str, bool] = {}
    per_m_spine = vec_norm(view.image_dir(view.spine))
    for name, axis in (("across", view.roller_lateral), ("along", view.spine)):
        a = view.image_dir(axis)
        per_m = vec_norm(a)
        # across, the shortest outline is the end-on disc: the model's depth makes the
        # left-right axis's image too uncertain to bound it from below
        lo = thick if name == "across" else per_m * along_min_m + thick
        hi = per_m * roller_m[1] + thick
        long_enough = per_m * roller_m[0] >= 0.5 * thick
        off[name] = _line_angle(axis_px, a)
        if name == "along":
            tol = along_off_deg
        elif per_m < short_lateral * per_m_spine:
            tol = short_lateral_off_deg
        else:
            tol = across_off_deg
        long_slack = across_long_slack if name == "across" else slack
        length_ok = (1 - slack) * lo <= length_px <= (1 + long_slack) * hi
        dir_ok = (not long_enough) or off[name] <= tol or length_px < stubby * thick
        length_fits[name], dir_fits[name] = length_ok, dir_ok
    if not (length_fits["along"] or dir_fits["along"]):
        # along excluded twice over: across's direction holds loosely
        dir_fits["across"] = dir_fits["across"] or off["across"] <= across_loose_off_deg
    fits = {name: length_fits[name] and dir_fits[name] for name in length_fits}
    sep = _line_angle(view.image_dir(view.roller_lateral), view.image_dir(view.spine))
    angles = (sep, off["across"], off["along"])
    if fits["across"] and not fits["along"]:
        return OrientationReading("across", "", *angles)
    if fits["along"] and not fits["across"]:
        return OrientationReading("along", "", *angles)
    if fits["across"]:
        return OrientationReading("unknown", "from this camera place a roller across the "
                                  "back and one along the spine look alike", *angles,
                                  both_fit=True)
    return OrientationReading("unknown", "the roller's outline fits neither way", *angles)


def observed_orientation(view: BodyView, roller: RollerObservation, *,
                         along_min_m: float) -> OrientationReading:
    """:func:`roller_orientation` of what the roller stage reports: its silhouette's long
    axis, length and thickness (px), a roller along the spine at least ``along_min_m``
    long (m). Unknown where it reports no silhouette."""
    if roller.size_px is None:
        return OrientationReading("unknown", "the roller's outline is not known")
    a = math.radians(roller.angle_deg)
    return roller_orientation(view, np.array([math.cos(a), math.sin(a)]),
                              float(roller.size_px[0]), float(roller.size_px[1]),
                              along_min_m=along_min_m)
