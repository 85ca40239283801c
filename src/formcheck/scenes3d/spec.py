"""What a 3D shot shows: body, look, light, camera place and the pose of every frame.

Pure numpy and data. The pose over time comes from the 2D scenarios
(:mod:`formcheck.scenes.scenarios`), so every named scenario means the same in 3D; the
body shape, look and camera place are drawn here from the seed. The result is the job
that the renderer (``render3d/``, its own process) reads as JSON.

World space (metres): the floor is z = 0, x runs along the floor from the head towards
the feet, y is the lying body's left, z up; the mid-hip joint is at x = 0, y = 0.
Colours are linear RGB 0..1.
"""

from __future__ import annotations

import math
from dataclasses import asdict, dataclass, replace
from typing import Any

import numpy as np

from formcheck.scenes import scenarios as _scenarios
from formcheck.scenes.params import Facing, sample

# Named roller looks: (colour, pattern). "patterned" and "grid" carry a texture.
ROLLER_COLORS: dict[str, tuple[tuple[float, float, float], str]] = {
    "black": ((0.03, 0.03, 0.035), "plain"),
    "blue": ((0.05, 0.18, 0.55), "plain"),
    "grey": ((0.35, 0.36, 0.38), "plain"),
    "white": ((0.82, 0.82, 0.8), "plain"),
    "orange": ((0.9, 0.3, 0.03), "plain"),
    "red": ((0.7, 0.04, 0.04), "plain"),
    "green": ((0.15, 0.6, 0.12), "plain"),
    "purple": ((0.3, 0.08, 0.45), "plain"),
    "patterned": ((0.1, 0.35, 0.6), "stripes"),
    "dotted": ((0.55, 0.1, 0.3), "dots"),
    "grid": ((0.05, 0.05, 0.06), "grid"),
    "grid_blue": ((0.08, 0.25, 0.6), "grid"),
}
# Roller looks that neither part of the benchmark set draws: the training store's novel-look
# stills (stop 45) show them, so a look never trained on can be measured on the tuning
# side, as the evaluation part's held-out looks are on its own.
NOVEL_ROLLER_COLORS: dict[str, tuple[tuple[float, float, float], str]] = {
    "yellow": ((0.85, 0.68, 0.05), "plain"),
    "pink": ((0.85, 0.35, 0.5), "plain"),
    "teal": ((0.04, 0.42, 0.42), "plain"),
    "lilac": ((0.55, 0.45, 0.72), "plain"),
    "yellow_stripes": ((0.85, 0.68, 0.05), "stripes"),
    # pale ones (stop 45): the evaluation part's misses are its white rollers, pale on
    # pale floors and walls; these are other pale looks, to measure that on the tuning side
    "cream": ((0.8, 0.74, 0.6), "plain"),
    "light_grey": ((0.66, 0.66, 0.68), "plain"),
    "pale_blue": ((0.6, 0.7, 0.82), "plain"),
}
NOVEL_HUES = ("yellow", "pink", "teal", "lilac", "yellow_stripes")
NOVEL_PALE = ("cream", "light_grey", "pale_blue")


def roller_look(name: str) -> tuple[tuple[float, float, float], str]:
    """A named roller look's (colour, pattern), from :data:`ROLLER_COLORS` or
    :data:`NOVEL_ROLLER_COLORS`."""
    return ROLLER_COLORS[name] if name in ROLLER_COLORS else NOVEL_ROLLER_COLORS[name]


FLOORS: dict[str, tuple[float, float, float]] = {
    "wood": (0.5, 0.33, 0.18),
    "carpet": (0.45, 0.42, 0.38),
    "tiles": (0.75, 0.73, 0.68),
    "concrete": (0.5, 0.5, 0.48),
}
LIGHTS = ("window_front", "window_side", "window_behind", "lamp_dim", "overhead")
SKINS = ((0.85, 0.64, 0.52), (0.75, 0.55, 0.42), (0.6, 0.42, 0.3), (0.45, 0.3, 0.2),
         (0.3, 0.2, 0.13), (0.2, 0.13, 0.09))
HAIRS = ((0.05, 0.04, 0.03), (0.2, 0.12, 0.06), (0.45, 0.3, 0.12), (0.6, 0.55, 0.5),
         (0.02, 0.02, 0.02))
CLOTHES = ((0.05, 0.2, 0.6), (0.6, 0.05, 0.08), (0.1, 0.45, 0.15), (0.8, 0.8, 0.78),
           (0.05, 0.05, 0.06), (0.55, 0.35, 0.12), (0.5, 0.6, 0.75), (0.4, 0.1, 0.4),
           (0.25, 0.25, 0.27), (0.85, 0.55, 0.1))
MAT_COLORS = ((0.15, 0.25, 0.55), (0.05, 0.05, 0.06), (0.45, 0.15, 0.45), (0.2, 0.5, 0.3),
              (0.55, 0.55, 0.55))


@dataclass(frozen=True, slots=True)
class CameraPlace:
    """Where the camera stands, relative to the lying body.

    Attributes:
        height_m: the lens above the floor, m.
        azimuth_deg: round from a pure side view, degrees (0 side-on); ``end`` says which way.
        end: "feet" or "head": the end of the body the camera turns towards.
        distance_m: from the lens to the body's centre, m.
        focal_mm: focal length, 35 mm equivalent (36 mm sensor width), mm.
        roll_deg: the image's roll, degrees.
        facing: "left" puts the head on the image's left (camera on the body's right).
    """

    height_m: float = 0.3
    azimuth_deg: float = 0.0
    end: str = "feet"
    distance_m: float = 2.5
    focal_mm: float = 26.0
    roll_deg: float = 0.0
    facing: str = "left"

    def bin(self) -> str:
        """The camera bin the benchmark reports by: floor_side, oblique, elevated, beyond."""
        return camera_bin(self.height_m, self.azimuth_deg)


def camera_bin(height_m: float, azimuth_deg: float) -> str:
    """floor_side: side-on (azimuth <= 15) at floor level (<= 0.45 m); oblique: azimuth up
    to 45 at floor level; elevated: up to 45 degrees round, 0.45-1.3 m up (a chair or a
    sofa); beyond: further round than 45 degrees."""
    if azimuth_deg > 45.0:
        return "beyond"
    if height_m > 0.45:
        return "elevated"
    return "floor_side" if azimuth_deg <= 15.0 else "oblique"


@dataclass(frozen=True, slots=True)
class Look:
    """The person's body and clothes, the roller and the room."""

    gender: float = 0.5
    weight: float = 0.5
    height_m: float = 1.75
    skin: tuple[float, float, float] = SKINS[1]
    hair: tuple[float, float, float] = HAIRS[1]
    shirt: tuple[float, float, float] = CLOTHES[0]
    trousers: tuple[float, float, float] = CLOTHES[4]
    shoes: tuple[float, float, float] | None = (0.85, 0.85, 0.85)
    shorts: bool = False
    roller_color: str = "orange"
    roller_diameter_cm: float = 15.0
    roller_length_cm: float = 45.0
    floor: str = "wood"
    mat: str = "none"  # none | colour | roller (the roller's own colour)
    mat_color: tuple[float, float, float] = MAT_COLORS[0]
    wall: tuple[float, float, float] = (0.85, 0.85, 0.82)
    light: str = "window_front"
    clutter: tuple[str, ...] = ()


def random_look(rng: np.random.Generator, roller_colors: tuple[str, ...] | None = None,
                floors: tuple[str, ...] | None = None,
                lights: tuple[str, ...] | None = None) -> Look:
    """A random person, roller and room (the choices limited to the names given)."""

    def pick(seq: Any) -> Any:
        return seq[int(rng.integers(len(seq)))]

    rc = pick(roller_colors or tuple(ROLLER_COLORS))
    mat = pick(("none", "none", "colour", "colour", "roller"))
    clutter = tuple(x for x in ("ball", "sofa") if rng.random() < 0.35)
    return Look(
        gender=float(rng.uniform(0.0, 1.0)),
        weight=float(rng.uniform(0.1, 0.9)),
        height_m=float(rng.uniform(1.5, 1.95)),
        skin=pick(SKINS), hair=pick(HAIRS), shirt=pick(CLOTHES), trousers=pick(CLOTHES),
        shoes=None if rng.random() < 0.35 else pick(CLOTHES),
        shorts=bool(rng.random() < 0.3),
        roller_color=rc,
        roller_diameter_cm=float(rng.uniform(10.0, 15.0)),
        roller_length_cm=float(rng.uniform(30.0, 90.0)),
        floor=pick(floors or tuple(FLOORS)),
        mat=mat, mat_color=pick(MAT_COLORS),
        wall=(float(rng.uniform(0.6, 0.92)),) * 2 + (float(rng.uniform(0.6, 0.9)),),
        light=pick(lights or LIGHTS),
        clutter=clutter,
    )


def fit_distance(focal_mm: float, aspect: float, rng: np.random.Generator) -> float:
    """A distance (m) at which a lying body (about 1.7 m long) fills 55-90% of the width."""
    hfov = 2 * math.atan(18.0 / focal_mm)
    fill = float(rng.uniform(0.55, 0.9))
    d = 1.7 / fill / (2 * math.tan(hfov / 2))
    return float(min(max(d, 1.5), 4.0))


def random_camera(rng: np.random.Generator, *, height: tuple[float, float] = (0.1, 1.3),
                  azimuth: tuple[float, float] = (0.0, 75.0),
                  ends: tuple[str, ...] = ("feet", "head"), aspect: float = 16 / 9) -> CameraPlace:
    """A camera place drawn from the ranges given (phone or webcam lens)."""
    focal = float(rng.choice([24.0, 26.0, 28.0, 30.0, 35.0]))
    return CameraPlace(
        height_m=float(rng.uniform(*height)),
        azimuth_deg=float(rng.uniform(*azimuth)),
        end=str(rng.choice(ends)),
        distance_m=fit_distance(focal, aspect, rng),
        focal_mm=focal,
        roll_deg=float(rng.normal(0.0, 1.5)),
        facing=str(rng.choice(["left", "right"])),
    )


def camera_pose(cam: CameraPlace, target_x: float = 0.0) -> dict[str, Any]:
    """Position, target (m, world), lens and roll for the renderer; ``target_x`` moves
    the point looked at along the body (m, + towards the feet)."""
    target = np.array([target_x, 0.0, 0.22])
    side = -1.0 if cam.facing == "left" else 1.0  # the body's right is -y
    dz = cam.height_m - target[2]
    horiz = math.sqrt(max(cam.distance_m**2 - dz**2, 0.25))
    a = math.radians(cam.azimuth_deg)
    along = 1.0 if cam.end == "feet" else -1.0
    pos = target + np.array([along * horiz * math.sin(a), side * horiz * math.cos(a), dz])
    return {"position": [round(float(v), 4) for v in pos],
            "target": [round(float(v), 4) for v in target],
            "focal_mm": cam.focal_mm, "roll_deg": round(cam.roll_deg, 3)}


def _appearance(look: Look) -> dict[str, Any]:
    rc, _ = roller_look(look.roller_color)
    dark = look.light == "lamp_dim"
    return {
        "ambient": [0.75, 0.8, 0.9] if not dark else [0.5, 0.42, 0.35],
        "ambient_strength": 0.35 if not dark else 0.08,
        "floor": look.floor, "floor_color": list(FLOORS[look.floor]),
        "wall_color": list(look.wall),
        "mat": look.mat != "none",
        "mat_color": list(rc if look.mat == "roller" else look.mat_color),
        "skin": list(look.skin), "shirt": list(look.shirt), "trousers": list(look.trousers),
        "shoes": None if look.shoes is None else list(look.shoes), "hair": list(look.hair),
        "shorts": look.shorts,
    }


def _clutter(look: Look, rng: np.random.Generator, facing: str) -> list[dict[str, Any]]:
    side = 1.0 if facing == "left" else -1.0  # beyond the body, away from the camera
    out: list[dict[str, Any]] = []
    for kind in look.clutter:
        color = [float(c) for c in CLOTHES[int(rng.integers(len(CLOTHES)))]]
        if kind == "ball":
            out.append({"kind": "ball", "x": float(rng.uniform(0.6, 1.4)),
                        "y": side * float(rng.uniform(0.8, 1.6)), "size": 0.3, "color": color})
        else:
            out.append({"kind": "box", "x": float(rng.uniform(-1.2, 0.8)),
                        "y": side * float(rng.uniform(1.6, 2.4)), "dims": [1.8, 0.8, 0.8],
                        "color": color})
    return out


@dataclass(frozen=True, slots=True)
class ShotSpec:
    """One shot: a scenario seen from one camera place with one look."""

    name: str
    scenario: str
    seed: int
    seconds: float
    fps: float
    still: bool
    camera: CameraPlace
    look: Look
    still_t_s: float | None = None  # the instant a still shows (default: drawn from seed)
    # the body travels over the roller as it rolls (twice the roller's move along the back,
    # the feet planted), as in life; False: the body lies still and the roller slides
    # under it (every shot of the set rendered before stop 43)
    body_travel: bool = False

    def with_(self, **changes: Any) -> ShotSpec:
        """A copy with some fields changed."""
        return replace(self, **changes)


def default_shot(scenario: str, seed: int = 0, *, still: bool = False,
                 seconds: float | None = None, fps: float = 8.0) -> ShotSpec:
    """A shot of ``scenario`` with the look and camera place drawn from ``seed``."""
    sc = _scenarios.get(scenario)
    rng = np.random.default_rng([seed, 17])
    look = random_look(rng)
    cam = random_camera(rng)
    return ShotSpec(name=scenario, scenario=scenario, seed=seed,
                    seconds=seconds or sc.default_seconds, fps=fps, still=still,
                    camera=cam, look=look)


def job_shot(spec: ShotSpec, quality: str) -> dict[str, Any]:
    """The renderer's JSON for one shot: scene settings and every frame's pose."""
    sc = _scenarios.get(spec.scenario)
    params = sc.build(spec.seconds, np.random.default_rng(spec.seed))
    rng = np.random.default_rng([spec.seed, 23])
    facing = spec.camera.facing
    if params.facing == Facing.RIGHT and spec.scenario == "facing_right":
        facing = "right"
    cam = spec.camera if facing == spec.camera.facing else replace(spec.camera, facing=facing)
    target_x = 0.0
    if spec.scenario == "feet_out_of_frame":
        # as in 2D: the camera too close and aimed at the torso, so the feet are cut off
        cam = replace(cam, distance_m=max(cam.distance_m * 0.6, 1.0))
        target_x = -0.45
    if spec.still:
        t = spec.still_t_s if spec.still_t_s is not None else float(
            rng.uniform(0.1, 0.9) * spec.seconds)
        times = [t]
    else:
        n = max(round(spec.seconds * spec.fps), 1)
        times = [i / spec.fps for i in range(n)]
    frames = []
    for i, t in enumerate(times):
        st = sample(params, t)
        frames.append({
            "frame": i, "t_ms": round(t * 1000.0, 3),
            "knee_angle_deg": st.knee_angle_deg, "foot_pitch_deg": st.foot_pitch_deg,
            "foot_lift_cm": st.foot_lift_cm, "roller_position": st.roller_position,
            "hip_height_cm": st.hip_height_cm, "head_pitch_deg": st.head_pitch_deg,
        })
    rc, pattern = roller_look(spec.look.roller_color)
    along = params.roller_orientation.value == "along"
    length = max(spec.look.roller_length_cm, 60.0) if along else spec.look.roller_length_cm
    diameter = spec.look.roller_diameter_cm
    if not params.roller_visible and params.roller_diameter_cm < 5.0:
        # a hidden roller this thin stands for the floor: the body lies flat (lying_flat)
        diameter = params.roller_diameter_cm
    return {
        "name": spec.name,
        "scenario": spec.scenario,
        "seed": spec.seed,
        "samples": 4 if quality == "final" else 1,
        "shape": {"gender": spec.look.gender, "weight": spec.look.weight,
                  "height_m": spec.look.height_m},
        "appearance": _appearance(spec.look),
        "light": spec.look.light,
        "clutter": _clutter(spec.look, rng, facing),
        "roller": {"diameter_cm": diameter, "length_cm": length,
                   "color": list(rc), "pattern": pattern,
                   "visible": bool(params.roller_visible)},
        "person_visible": bool(params.person_visible),
        "orientation": params.roller_orientation.value,
        "arms": params.arms.value,
        "camera": camera_pose(cam, target_x),
        "camera_place": asdict(cam),
        "look": asdict(spec.look),
        "frames": frames,
        "fps": spec.fps,
        "still": spec.still,
        "body_travel": spec.body_travel,
    }
