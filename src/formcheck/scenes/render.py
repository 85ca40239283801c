"""Drawing a synthetic frame: the room, the roller and the person, with cv2.

Only the scene renderer imports this module (cv2 is imported here, never at
``formcheck`` import time). Pixel coordinates: x right, y down, origin top-left, px;
body-frame coordinates in cm (see :mod:`formcheck.scenes.kinematics`). Images are
BGR uint8 arrays of shape (height, width, 3).

Speed: the room is drawn once per clip; each frame copies it and draws about 80
anti-aliased polygons, a soft shadow from a quarter-size mask, and precomputed noise.
"""

from __future__ import annotations

import math

import cv2
import numpy as np
from numpy.typing import NDArray

from formcheck.scenes.kinematics import (
    LATERAL,
    FloatArray,
    Projection,
    Skeleton,
    bend_foot,
)
from formcheck.scenes.params import SceneParams
from formcheck.vocabulary import Orientation

Image = NDArray[np.uint8]
Color = tuple[int, int, int]

_SHIFT = 4
_ONE = 1 << _SHIFT
_AA = cv2.LINE_AA


def shade(c: Color, k: float, add: float = 0.0) -> Color:
    """Colour ``c`` scaled by ``k`` plus ``add`` levels, clipped to 0..255."""
    return (
        int(min(255, max(0, c[0] * k + add))),
        int(min(255, max(0, c[1] * k + add))),
        int(min(255, max(0, c[2] * k + add))),
    )


def _fix(px: FloatArray) -> NDArray[np.int32]:
    """Pixel points to cv2's fixed-point int32 (``_SHIFT`` fractional bits)."""
    return np.round(np.asarray(px) * _ONE).astype(np.int32).reshape(-1, 1, 2)


def _poly(img: Image, px: FloatArray, color: Color) -> None:
    cv2.fillPoly(img, [_fix(px)], color, _AA, _SHIFT)


def capsule_px(a: FloatArray, b: FloatArray, ra: float, rb: float, n: int = 7) -> FloatArray:
    """Outline (px) of a capsule from ``a`` (radius ``ra``) to ``b`` (radius ``rb``), px."""
    d = b - a
    base = math.atan2(float(d[1]), float(d[0])) if np.any(d) else 0.0
    ta = base + np.linspace(math.pi / 2, 3 * math.pi / 2, n)
    tb = base + np.linspace(-math.pi / 2, math.pi / 2, n)
    pa = np.column_stack([a[0] + ra * np.cos(ta), a[1] + ra * np.sin(ta)])
    pb = np.column_stack([b[0] + rb * np.cos(tb), b[1] + rb * np.sin(tb)])
    return np.vstack([pa, pb])


def shaded_limb(
    img: Image, a: FloatArray, b: FloatArray, ra: float, rb: float, color: Color,
    light: FloatArray,
) -> None:
    """A rounded limb (px) with an outline, a shadowed side and a highlight.

    ``light`` is a unit pixel vector pointing towards the light.
    """
    edge = max(1.0, 0.08 * (ra + rb))
    _poly(img, capsule_px(a, b, ra + edge, rb + edge), shade(color, 0.45))
    _poly(img, capsule_px(a, b, ra, rb), shade(color, 0.78))
    off = light * 0.22
    _poly(img, capsule_px(a + off * ra, b + off * rb, ra * 0.78, rb * 0.78), color)
    off = light * 0.45
    _poly(img, capsule_px(a + off * ra, b + off * rb, ra * 0.35, rb * 0.35),
          shade(color, 1.12, 14))


def _densify(poly: FloatArray, step: float = 0.5) -> FloatArray:
    """A closed polygon's vertices with points added every ``step`` along its edges."""
    out = []
    n = len(poly)
    for i in range(n):
        a, b = poly[i], poly[(i + 1) % n]
        m = max(1, math.ceil(float(np.hypot(*(b - a))) / step))
        out.append(a + np.outer(np.arange(m) / m, b - a))
    return np.vstack(out)


def _ellipse_pts(c: FloatArray, ax_u: FloatArray, ax_v: FloatArray, ru: float, rv: float,
                 t0: float = 0.0, t1: float = 360.0, n: int = 24) -> FloatArray:
    t = np.radians(np.linspace(t0, t1, n))
    return c + np.outer(ru * np.cos(t), ax_u) + np.outer(rv * np.sin(t), ax_v)


class Renderer:
    """Draws the frames of one clip: build once, call :meth:`draw` per frame.

    Args:
        params: the scene.
        proj: body frame to pixels.
        seed: texture and noise seed.
    """

    def __init__(self, params: SceneParams, proj: Projection, seed: int) -> None:
        self.params = params
        self.proj = proj
        self.w, self.h = proj.width, proj.height
        rng = np.random.default_rng(seed)
        light = params.camera.light
        ap = params.appearance
        self.light = light
        self.ap = ap
        self.c_skin = shade(ap.skin, light)
        self.c_hair = shade(ap.hair, light)
        self.c_shirt = shade(ap.shirt, light)
        self.c_trousers = shade(ap.trousers, light)
        self.c_shoes = None if ap.shoes is None else shade(ap.shoes, light)
        self.c_roller = shade(ap.roller, light)
        self.light_dir = np.array([-0.35, -0.94])  # towards the light, px (up, a bit left)
        self.bg = self._background(rng)
        self._noise = self._make_noise(rng, params.camera.noise)
        self._frame = 0
        self._shadow_scale = 4

    # --- the room -------------------------------------------------------------
    def _background(self, rng: np.random.Generator) -> Image:
        w, h, p = self.w, self.h, self.proj
        ap, light = self.ap, self.light
        img = np.empty((h, w, 3), np.uint8)
        floor_y = p.floor_y
        wall_base = int(floor_y - h * (0.06 + 1.3 * p.elev_sin))
        wall_base = max(4, min(wall_base, int(floor_y) - 4))
        # wall: vertical gradient, darker near the ceiling
        ys = np.linspace(0.78, 1.0, wall_base)[:, None, None]
        img[:wall_base] = np.clip(np.array(ap.wall, np.float64) * ys * light, 0, 255).astype(
            np.uint8)
        if ap.wall_kind == "stripes":
            step = max(6, w // 28)
            for x in range(0, w, step * 2):
                img[:wall_base, x:x + step] = np.clip(
                    img[:wall_base, x:x + step].astype(np.int16) - 12, 0, 255).astype(np.uint8)
        elif ap.wall_kind == "panels":
            step = max(20, w // 7)
            dark = shade(ap.wall, 0.8 * light)
            for x in range(int(rng.integers(step)), w, step):
                cv2.line(img, (x, 0), (x, wall_base), dark, max(1, w // 400), _AA)
        # skirting board
        sk = max(3, int(p.scale * 9))
        top = max(0, wall_base - sk)
        img[top:wall_base] = shade((235, 235, 235), 0.95 * light)
        img[top:top + 1] = shade((200, 200, 200), light)
        # floor
        fl = np.array(ap.floor, np.float64) * light
        rows = h - wall_base
        yy = np.linspace(0.0, 1.0, rows)[:, None, None]
        floor = np.clip(fl * (0.82 + 0.25 * yy) + np.zeros((1, w, 1)), 0, 255)
        if ap.floor_kind in ("wood", "mat"):
            # planks parallel to the wall; seams spread out towards the camera
            y = 0.0
            k = 0
            grain = rng.normal(0, 7, (rows, w // 8 + 2))
            grain = np.asarray(cv2.resize(grain, (w, rows), interpolation=cv2.INTER_LINEAR),
                               np.float64)
            floor += grain[:, :, None] * 0.6
            while y < rows:
                gap = 2.0 + (y / max(rows, 1)) ** 1.5 * rows * 0.35 + rows * 0.04
                y0, y1 = int(y), int(min(rows, y + gap))
                floor[y0:y1] *= 0.92 + 0.16 * rng.random()
                if y1 < rows:
                    floor[y1:y1 + 1] *= 0.6
                    for x in rng.integers(0, w, 2):
                        floor[y0:y1, int(x):int(x) + 1] *= 0.7
                y += gap
                k += 1
        else:
            floor += rng.normal(0, 4, (rows, w, 1))
        img[wall_base:] = np.clip(floor, 0, 255).astype(np.uint8)
        if ap.floor_kind == "mat":
            # a yoga mat lying under the person, seen edge-on: a coloured band
            mat = shade(ap.trousers if ap.trousers != ap.floor else (90, 90, 160), 1.4 * light,
                        20)
            mat_top = int(floor_y - h * 0.9 * p.elev_sin * 0.8) - 1
            mat_bot = int(floor_y + max(2.0, p.scale * 1.0))
            x0 = int(w * 0.12)
            x1 = int(w * 0.88)
            cv2.rectangle(img, (x0, mat_top), (x1, mat_bot), mat, -1, _AA)
            cv2.rectangle(img, (x0, mat_bot - max(1, int(p.scale * 0.6))), (x1, mat_bot),
                          shade(mat, 0.7), -1, _AA)
        if p.tilt_deg:
            m = cv2.getRotationMatrix2D((w / 2.0, h / 2.0), -p.tilt_deg, 1.0)
            img = np.asarray(cv2.warpAffine(img, m, (w, h), borderMode=cv2.BORDER_REFLECT),
                             np.uint8)
        return img

    def _make_noise(self, rng: np.random.Generator, sigma: float) -> list[tuple[Image, Image]]:
        if sigma <= 0:
            return []
        out = []
        for _ in range(4):
            n = rng.normal(0.0, sigma, (self.h, self.w, 3))
            out.append((np.clip(n, 0, 255).astype(np.uint8),
                        np.clip(-n, 0, 255).astype(np.uint8)))
        return out

    # --- a frame --------------------------------------------------------------
    def draw(self, skel: Skeleton, person: bool = True) -> Image:
        """One frame: the room, shadows, the roller and (unless ``person`` is False) the body."""
        img = self.bg.copy()
        self._shadows(img, skel, person)
        self._layers(img, skel, person)
        return self._camera_effects(img)

    def _layers(self, img: Image, skel: Skeleton, person: bool) -> None:
        """The roller and the body over the room, back to front."""
        along = skel.orientation == Orientation.ALONG
        roller = self.params.roller_visible
        if person:
            self._arm(img, skel, near=False)
            self._leg(img, skel, near=False)
        if roller and along:
            self._roller_along(img, skel)
        elif roller:
            self._roller_across(img, skel, near_end=False)
        if person:
            self._torso(img, skel)
        if roller and not along:
            self._roller_across(img, skel, near_end=True)
        if person:
            self._head(img, skel)
            self._leg(img, skel, near=True)
            self._arm(img, skel, near=True)

    def roller_mask(self, skel: Skeleton, person: bool = True) -> NDArray[np.bool_]:
        """Which pixels of this skeleton's frame show the roller (the body in front of
        it hides it): the frame drawn twice, the roller in its colour and in another, and
        the pixels that differ. Drawn without the camera's blur and noise, so it does not
        advance the clip's noise; for training the learned detector on these scenes."""
        def plain(colour: Color) -> Image:
            saved, self.c_roller = self.c_roller, colour
            try:
                img = self.bg.copy()
                self._shadows(img, skel, person)
                self._layers(img, skel, person)
            finally:
                self.c_roller = saved
            return img

        a = plain((0, 0, 0)).astype(np.int16)
        b = plain((255, 255, 255)).astype(np.int16)
        return np.asarray(np.abs(a - b).max(axis=2) > 40)

    def _camera_effects(self, img: Image) -> Image:
        cam = self.params.camera
        if cam.blur > 0:
            sigma = cam.blur * self.w / 640.0
            img = np.asarray(cv2.GaussianBlur(img, (0, 0), sigma), np.uint8)
        if self._noise:
            pos, neg = self._noise[self._frame % len(self._noise)]
            cv2.add(img, pos, dst=img)
            cv2.subtract(img, neg, dst=img)
        self._frame += 1
        return img

    def _shadows(self, img: Image, skel: Skeleton, person: bool) -> None:
        p = self.proj
        k = self._shadow_scale
        sw, sh = self.w // k + 1, self.h // k + 1
        mask = np.zeros((sh, sw), np.uint8)
        pts = skel.points

        def ell(x_cm: float, half_cm: float, val: int) -> None:
            c = p(np.array([x_cm, 0.0]))[0] / k
            ax = (max(1, int(p.length(half_cm) / k)), max(1, int(p.length(4.0) / k)))
            cv2.ellipse(mask, (int(c[0]), int(c[1])), ax, -p.tilt_deg, 0, 360, val, -1)

        if person:
            x0 = float(pts["shoulder"][0]) - 12.0
            x1 = float(pts["heel"][0])
            ell(0.5 * (x0 + x1), 0.5 * (x1 - x0), 140)
            ell(float(pts["hip"][0]), 14.0, 200)
            if skel.heel_raise_deg > 0:
                # heel raised: a soft shadow under the heel, a dark one under the forefoot
                heel_up = max(float(pts["heel"][1]) - 2.0, 0.0)
                hx, bx = float(pts["heel"][0]), float(pts["ball"][0])
                ell(0.5 * (hx + bx), 0.5 * (bx - hx) + 3.0, int(200 / (1.0 + heel_up / 3.0)))
                tx = float(pts["foot_index"][0])
                ell(0.5 * (bx + tx), 0.5 * (tx - bx) + 3.0, 210)
            else:
                ell(float(pts["heel"][0]) + 10.0, 14.0 + skel.feet_lift * 0.2,
                    int(200 / (1.0 + skel.feet_lift / 10.0)))
        if self.params.roller_visible:
            rc = float(skel.roller_center[0])
            half = skel.roller_length / 2 + 4 if skel.orientation == Orientation.ALONG else 12.0
            ell(rc, half, 230)
        mask = np.asarray(cv2.GaussianBlur(mask, (0, 0), max(1.0, p.length(3.0) / k)), np.uint8)
        full = cv2.resize(mask, (self.w, self.h), interpolation=cv2.INTER_LINEAR)
        rows = np.nonzero(full.max(axis=1))[0]
        if rows.size == 0:
            return
        y0, y1 = int(rows[0]), int(rows[-1]) + 1
        factor = cv2.cvtColor(255 - (full[y0:y1] // 2), cv2.COLOR_GRAY2BGR)
        img[y0:y1] = cv2.multiply(img[y0:y1], factor, scale=1.0 / 255.0)

    def _roller_across(self, img: Image, skel: Skeleton, near_end: bool) -> None:
        p = self.proj
        half = skel.roller_length / 2.0
        c = skel.roller_center
        r_px = p.length(skel.roller_radius)
        col = self.c_roller
        near_c = p(c, half)[0]
        far_c = p(c, -half)[0]
        if not near_end:
            _poly(img, capsule_px(far_c, near_c, r_px + 1, r_px + 1), shade(col, 0.35))
            _poly(img, capsule_px(far_c, near_c, r_px, r_px), shade(col, 0.7))
            if p.elev_sin > 0.02:
                off = np.array([0.0, -0.55 * r_px])
                _poly(img, capsule_px(far_c + off, near_c + off, r_px * 0.3, r_px * 0.3),
                      shade(col, 1.0, 10))
            return
        ci = (round(near_c[0] * _ONE), round(near_c[1] * _ONE))

        def circ(radius: float, color: Color, center: tuple[int, int] = ci) -> None:
            cv2.circle(img, center, int(radius * _ONE), color, -1, _AA, _SHIFT)

        circ(r_px + 1.0, shade(col, 0.35))
        circ(r_px, shade(col, 0.85))
        hl = (ci[0] - int(0.12 * r_px * _ONE), ci[1] - int(0.12 * r_px * _ONE))
        circ(r_px * 0.86, shade(col, 1.0, 8), hl)
        circ(r_px * 0.62, shade(col, 0.92))
        circ(r_px * 0.30, shade(col, 0.55))  # hollow core
        cv2.ellipse(img, ci, (int(r_px * 0.78 * _ONE),) * 2, 0, 200, 260,
                    shade(col, 1.25, 30), max(1, int(r_px * 0.08)), _AA, _SHIFT)

    def _roller_along(self, img: Image, skel: Skeleton) -> None:
        p = self.proj
        half = skel.roller_length / 2.0
        c = skel.roller_center
        r = skel.roller_radius
        col = self.c_roller
        a = p(c - np.array([half - r, 0.0]), 0.0)[0]
        b = p(c + np.array([half - r, 0.0]), 0.0)[0]
        rp = p.length(r)
        _poly(img, capsule_px(a, b, rp + 1, rp + 1, 9), shade(col, 0.35))
        _poly(img, capsule_px(a, b, rp, rp, 9), shade(col, 0.75))
        up = np.array([0.0, -1.0]) * rp
        _poly(img, capsule_px(a + 0.25 * up, b + 0.25 * up, rp * 0.7, rp * 0.7, 9), col)
        _poly(img, capsule_px(a + 0.6 * up, b + 0.6 * up, rp * 0.22, rp * 0.22, 9),
              shade(col, 1.15, 25))
        # end ring: the near end of the bar, seen obliquely
        end = p(c + np.array([half - r * 0.4, 0.0]), 0.0)[0]
        cv2.ellipse(img, (int(end[0] * _ONE), int(end[1] * _ONE)),
                    (int(rp * 0.35 * _ONE), int(rp * _ONE)), 0, 0, 360, shade(col, 0.55),
                    max(1, int(rp * 0.12)), _AA, _SHIFT)

    # --- the body -------------------------------------------------------------
    def _limb(self, img: Image, a_cm: FloatArray, b_cm: FloatArray, lat: float, ra_cm: float,
              rb_cm: float, color: Color) -> None:
        p = self.proj
        a = p(a_cm, lat)[0]
        b = p(b_cm, lat)[0]
        shaded_limb(img, a, b, p.length(ra_cm), p.length(rb_cm), color, self.light_dir)

    def _arm(self, img: Image, skel: Skeleton, near: bool) -> None:
        pts = skel.points
        k = 1.0 if near else 0.72
        lat = LATERAL["shoulder"] * (1 if near else -1)
        pre = "" if near else "far_"
        sleeve = shade(self.c_shirt, k)
        skin = shade(self.c_skin, k)
        sh = pts["shoulder"] + skel.v * 2.0
        self._limb(img, sh, pts[pre + "elbow"], lat, 5.0, 4.2, sleeve)
        self._limb(img, pts[pre + "elbow"], pts[pre + "wrist"], lat, 3.9, 3.0, skin)
        self._limb(img, pts[pre + "wrist"], pts[pre + "hand"], lat, 3.6, 3.4, skin)
        if near:
            # sleeve hem over the elbow
            self._limb(img, sh + (pts["elbow"] - sh) * 0.55, pts["elbow"], lat, 5.1, 4.3,
                       sleeve)

    def _leg(self, img: Image, skel: Skeleton, near: bool) -> None:
        pts = skel.points
        k = 1.0 if near else 0.7
        lat = LATERAL["knee"] * (1 if near else -1)
        trousers = shade(self.c_trousers, k)
        skin = shade(self.c_skin, k)
        hip, knee, ankle = pts["hip"], pts["knee"], pts["ankle"]
        if self.ap.shorts:
            self._limb(img, hip, knee, lat, 7.6, 5.3, skin)
            self._limb(img, hip, hip + (knee - hip) * 0.5, lat, 8.0, 6.6, trousers)
            self._limb(img, knee, ankle, lat, 5.4, 3.6, skin)
        else:
            self._limb(img, hip, knee, lat, 8.0, 5.6, trousers)
            self._limb(img, knee, ankle, lat, 5.6, 4.2, trousers)
        self._foot(img, skel, lat, k)

    def _foot(self, img: Image, skel: Skeleton, lat: float, k: float) -> None:
        pts = skel.points
        raise_deg = skel.heel_raise_deg
        a = math.radians(skel.foot_pitch_deg)
        rot = np.array([[math.cos(a), -math.sin(a)], [math.sin(a), math.cos(a)]])
        ankle_local = np.array([6.0, 7.5])
        bent_ankle = bend_foot(ankle_local.reshape(1, 2), raise_deg)[0]

        def place(local: FloatArray, closed: bool = True) -> FloatArray:
            """Foot-frame points (cm) to pixels: rigid, or bent at the ball (a closed
            outline gets more points first, so that its edges bend)."""
            if raise_deg > 0:
                local = _densify(local) if closed else local
                body = pts["ankle"] + bend_foot(local, raise_deg) - bent_ankle
            else:
                body = pts["ankle"] + (local - ankle_local) @ rot.T
            return self.proj(body, lat)

        outline = np.array([
            [-1.5, 1.0], [-1.8, 5.0], [0.5, 9.5], [4.0, 11.5], [8.5, 11.0], [14.0, 7.5],
            [20.0, 5.0], [24.5, 3.5], [26.0, 1.5], [25.0, 0.0], [0.0, 0.0],
        ])
        px = place(outline)
        if self.c_shoes is None:
            col = shade(self.c_skin, k)
            _poly(img, px, shade(col, 0.5))
            _poly(img, place(outline * 0.92 + [1.0, 0.4]), col)
        else:
            col = shade(self.c_shoes, k)
            _poly(img, px, shade(col, 0.45))
            _poly(img, place(outline * 0.93 + [0.9, 0.5]), col)
            sole = np.array([[-1.5, 0.0], [26.0, 0.0], [26.0, 1.8], [-1.6, 1.8]])
            _poly(img, place(sole), shade((230, 230, 230), self.light * k))
            lp = place(np.array([[5.0, 10.0], [13.0, 6.8]]), closed=False)
            cv2.line(img, tuple(_fix(lp[0])[0, 0]), tuple(_fix(lp[1])[0, 0]), shade(col, 0.6),
                     max(1, int(self.proj.length(0.8))), _AA, _SHIFT)

    def _torso(self, img: Image, skel: Skeleton) -> None:
        pts = skel.points
        u, v = skel.u, skel.v
        hip, length = pts["hip"], float(np.linalg.norm(pts["shoulder"] - pts["hip"]))
        s = np.linspace(-0.16, 1.12, 14)
        back = np.interp(s, [-0.16, 0.0, 0.2, 0.5, 0.85, 1.0, 1.12],
                         [4.0, 10.5, 10.0, 9.5, 10.0, 9.0, 5.0])
        front = np.interp(s, [-0.16, 0.0, 0.25, 0.5, 0.72, 0.9, 1.0, 1.12],
                          [4.0, 9.0, 8.5, 10.0, 12.5, 12.0, 9.5, 5.0])
        line = hip + np.outer(s * length, u)
        back_pts = line - np.outer(back, v)
        front_pts = line + np.outer(front, v)
        outline = np.vstack([back_pts, front_pts[::-1]])
        p = self.proj
        out_px = p(outline, 0.0)
        _poly(img, self._grow(out_px, 1.0), shade(self.c_shirt, 0.45))
        _poly(img, out_px, shade(self.c_shirt, 0.8))
        lit = np.vstack([line + np.outer(front * 0.1, v), (line + np.outer(front - 1.8, v))[::-1]])
        _poly(img, p(lit[2:-2], 0.0), self.c_shirt)
        hl = np.vstack([line + np.outer(front * 0.55, v), (line + np.outer(front - 3.5, v))[::-1]])
        _poly(img, p(hl[3:-3], 0.0), shade(self.c_shirt, 1.1, 12))
        # trousers over the pelvis (waistband at s = 0.2)
        sp = s <= 0.22
        pelvis = np.vstack([back_pts[sp], front_pts[sp][::-1]])
        col = self.c_trousers
        _poly(img, p(pelvis, 0.0), shade(col, 0.85))
        band = np.vstack([back_pts[sp][-2:], front_pts[sp][-2:][::-1]])
        _poly(img, p(band, 0.0), shade(col, 0.6))

    def _grow(self, px: FloatArray, by: float) -> FloatArray:
        c = px.mean(axis=0)
        d = px - c
        n = np.linalg.norm(d, axis=1, keepdims=True)
        return np.asarray(c + d * (1.0 + by / np.maximum(n, 1e-6)))

    def _head(self, img: Image, skel: Skeleton) -> None:
        p = self.proj
        pts = skel.points
        hc, uh, vh = pts["head_center"], skel.u_head, skel.v_head

        def head(local: FloatArray | list[list[float]]) -> FloatArray:
            arr = np.asarray(local, np.float64).reshape(-1, 2)
            return np.asarray(p(hc + np.outer(arr[:, 0], uh) + np.outer(arr[:, 1], vh), 0.0))

        skin = self.c_skin
        # neck
        neck_a = pts["shoulder"] + skel.u * 1.0 + skel.v * 2.0
        neck_b = hc - uh * 6.0 + vh * 0.5
        self._limb(img, neck_a, neck_b, 0.0, 5.5, 5.2, shade(skin, 0.9))
        cranium = _ellipse_pts(np.array([0.8, -0.5]), np.array([1.0, 0.0]),
                               np.array([0.0, 1.0]), 11.0, 10.0, 0, 360, 28)
        face = np.array([
            [6.0, 7.0], [4.2, 9.6], [3.0, 9.9], [1.6, 9.4], [0.6, 10.2], [-0.9, 12.9],
            [-1.6, 13.1], [-2.3, 11.6], [-2.8, 10.7], [-4.0, 11.0], [-4.9, 10.6],
            [-5.5, 10.1], [-6.1, 10.6], [-7.0, 10.5], [-7.9, 9.9], [-9.3, 10.2],
            [-10.8, 9.0], [-11.2, 6.5], [-10.4, 3.5], [-8.0, 0.0], [0.0, 0.0],
        ])
        skull_px = head(cranium)
        face_px = head(face)
        _poly(img, self._grow(skull_px, 1.0), shade(skin, 0.45))
        _poly(img, self._grow(face_px, 1.0), shade(skin, 0.45))
        _poly(img, skull_px, shade(skin, 0.9))
        _poly(img, face_px, shade(skin, 0.95))
        _poly(img, head([[4.5, 7.5], [1.0, 8.8], [-3.0, 9.4], [-8.0, 8.6], [-6.0, 4.0],
                         [2.0, 4.0]]), shade(skin, 1.06, 6))
        # hair: a cap over the crown and the back of the head
        t_out = np.radians(np.linspace(-165, 62, 22))
        outer = np.column_stack([0.8 + 11.8 * np.cos(t_out), -0.5 + 10.8 * np.sin(t_out)])
        t_in = np.radians(np.linspace(58, -120, 16))
        inner = np.column_stack([1.6 + 8.4 * np.cos(t_in), -0.2 + 7.6 * np.sin(t_in)])
        _poly(img, head(np.vstack([outer, inner])), self.c_hair)
        _poly(img, head(np.vstack([outer[4:14] * 0.97, inner[4:10] * 1.05])),
              shade(self.c_hair, 1.3, 18))
        # ear
        ear_c = head([[-1.2, -1.0]])[0]
        ax_deg = math.degrees(math.atan2(*(head([[1.0, -1.0]])[0] - ear_c)[::-1]))
        ax = (int(p.length(3.3) * _ONE), int(p.length(2.3) * _ONE))
        ec = (int(ear_c[0] * _ONE), int(ear_c[1] * _ONE))
        cv2.ellipse(img, ec, (ax[0] + _ONE, ax[1] + _ONE), ax_deg, 0, 360, shade(skin, 0.5),
                    -1, _AA, _SHIFT)
        cv2.ellipse(img, ec, ax, ax_deg, 0, 360, shade(skin, 0.88), -1, _AA, _SHIFT)
        cv2.ellipse(img, ec, (ax[0] // 2, ax[1] // 2), ax_deg, 60, 300, shade(skin, 0.55),
                    max(1, int(p.length(0.5))), _AA, _SHIFT)
        # eye: white, iris, lid; eyebrow
        eye = head([[3.4, 8.6], [2.3, 9.5], [1.1, 8.6], [2.3, 8.1]])
        _poly(img, eye, shade((235, 240, 245), self.light))
        iris = head([[2.3, 8.9]])[0]
        cv2.circle(img, (int(iris[0] * _ONE), int(iris[1] * _ONE)),
                   int(max(0.8, p.length(0.75)) * _ONE), shade((40, 30, 30), self.light), -1,
                   _AA, _SHIFT)
        lid = head([[3.6, 8.7], [2.3, 9.7], [1.0, 8.7]])
        cv2.polylines(img, [_fix(lid)], False, shade(skin, 0.4), max(1, int(p.length(0.45))),
                      _AA, _SHIFT)
        brow = head([[4.6, 9.4], [3.2, 10.3], [1.7, 10.1]])
        cv2.polylines(img, [_fix(brow)], False, shade(self.c_hair, 0.9),
                      max(1, int(p.length(0.9))), _AA, _SHIFT)
        # nostril and mouth
        nos = head([[-1.9, 11.4]])[0]
        cv2.circle(img, (int(nos[0] * _ONE), int(nos[1] * _ONE)),
                   int(max(0.6, p.length(0.45)) * _ONE), shade(skin, 0.45), -1, _AA, _SHIFT)
        mouth = head([[-5.5, 10.2], [-5.6, 8.6]])
        cv2.polylines(img, [_fix(mouth)], False, shade((70, 60, 150), self.light),
                      max(1, int(p.length(0.7))), _AA, _SHIFT)
