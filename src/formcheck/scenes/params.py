"""Scene parameters: what a synthetic clip shows, and how it changes over time.

Pure data, no cv2. Lengths of the body are in centimetres (cm) in the *body frame*
(x along the floor towards the feet, y up from the floor); times are in seconds (s);
angles in degrees; colours are BGR tuples (0..255).
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field, replace
from enum import StrEnum

import numpy as np

from formcheck.vocabulary import Orientation


class Arms(StrEnum):
    """Where the arms are."""

    CROSSED = "crossed"  # crossed over the chest
    BEHIND_HEAD = "behind_head"  # hands behind the head, elbows up


class Facing(StrEnum):
    """Which side of the image the head is on."""

    LEFT = "left"
    RIGHT = "right"


@dataclass(frozen=True, slots=True)
class Track:
    """A value over time: keyframes ``(t_s, value)`` joined by straight lines.

    Before the first keyframe the first value holds, after the last the last value.
    """

    keys: tuple[tuple[float, float], ...]

    def __post_init__(self) -> None:
        if not self.keys:
            raise ValueError("Track needs at least one keyframe, got none")
        times = [t for t, _ in self.keys]
        if any(b < a for a, b in itertools.pairwise(times)):
            raise ValueError(f"Track keyframe times must not decrease, got {times}")

    @classmethod
    def const(cls, value: float) -> Track:
        """A constant value."""
        return cls(((0.0, float(value)),))

    def at(self, t_s: float) -> float:
        """The value at time ``t_s`` (seconds)."""
        if len(self.keys) == 1:
            return self.keys[0][1]
        ts = np.array([k[0] for k in self.keys])
        vs = np.array([k[1] for k in self.keys])
        return float(np.interp(t_s, ts, vs))


def segments(steps: list[tuple[float, float]], start: float, t0: float = 0.0) -> Track:
    """A track from ``(duration_s, target_value)`` steps: ramp linearly to each target.

    A step whose target equals the current value is a hold.
    """
    keys: list[tuple[float, float]] = [(t0, start)]
    t = t0
    for duration, target in steps:
        t += max(duration, 1e-3)
        keys.append((t, target))
    return Track(tuple(keys))


def strokes(
    lo: float,
    hi: float,
    speed_cm_s: float,
    seconds: float,
    *,
    torso_cm: float = 50.0,
    hold_s: float = 0.0,
    hold_every: int = 0,
    start: float | None = None,
    t0: float = 0.0,
) -> list[tuple[float, float]]:
    """Steps for :func:`segments` rolling between positions ``lo`` and ``hi``.

    Args:
        lo, hi: positions along the back (0 shoulder, 1 hip), unitless.
        speed_cm_s: stroke speed along the back, cm/s (position change x torso_cm).
        seconds: total time to fill, s.
        torso_cm: shoulder-to-hip length used to turn speed into position units, cm.
        hold_s: a hold of this many seconds after every ``hold_every`` strokes.
        hold_every: 0 for no holds.
        start: where the motion starts (default ``lo``).
        t0: start time, s (only used to stop at ``t0 + seconds``).
    """
    pos = lo if start is None else start
    steps: list[tuple[float, float]] = []
    t = 0.0
    target = hi
    n = 0
    while t < seconds:
        duration = abs(target - pos) * torso_cm / max(speed_cm_s, 1e-6)
        steps.append((duration, target))
        t += duration
        pos = target
        target = lo if target == hi else hi
        n += 1
        if hold_every and n % hold_every == 0 and hold_s > 0:
            steps.append((hold_s, pos))
            t += hold_s
    return steps


@dataclass(frozen=True, slots=True)
class Appearance:
    """Colours and textures of the person and the room (BGR, 0..255)."""

    skin: tuple[int, int, int] = (140, 170, 215)
    hair: tuple[int, int, int] = (30, 40, 60)
    shirt: tuple[int, int, int] = (150, 90, 40)
    trousers: tuple[int, int, int] = (60, 50, 45)
    shorts: bool = False
    shoes: tuple[int, int, int] | None = (235, 235, 235)  # None: bare feet
    roller: tuple[int, int, int] = (200, 120, 40)
    floor: tuple[int, int, int] = (90, 140, 185)
    floor_kind: str = "wood"  # wood | mat | plain
    wall: tuple[int, int, int] = (215, 225, 230)
    wall_kind: str = "plain"  # plain | stripes | panels


@dataclass(frozen=True, slots=True)
class Camera:
    """The camera and the image.

    Attributes:
        elevation_deg: how far above the floor the camera looks down, degrees: 0 is at
            floor level; the far side of the body then hides behind the near side.
        tilt_deg: roll of the image (camera not level), degrees, positive clockwise.
        floor_y: where the floor line under the person lies, fraction of image height.
        person_width: width of the body (head to toes, knees bent) as a fraction of the
            image width.
        person_x: horizontal centre of the body, fraction of image width.
        light: overall brightness factor (1 normal, 0.3 dim).
        noise: sensor noise standard deviation, 8-bit levels.
        blur: Gaussian blur sigma, px at 640 px width (0: none).
    """

    elevation_deg: float = 6.0
    tilt_deg: float = 0.0
    floor_y: float = 0.80
    person_width: float = 0.78
    person_x: float = 0.5
    light: float = 1.0
    noise: float = 3.0
    blur: float = 0.0


@dataclass(frozen=True, slots=True)
class SceneParams:
    """Everything one clip shows. Tracks are functions of time in seconds.

    Attributes:
        knee_angle_deg: hip-knee-ankle angle, degrees (180 straight).
        foot_pitch_deg: the foot against the floor, degrees. Positive lifts the toes:
            the whole foot turns about the heel. Negative lifts the heel: on the floor
            the rear foot (heel to ball) tips up by this angle about the ball of the
            foot while the toes stay flat, so the heel -> toe line tilts less (-40 tilts
            it about 30 degrees; the truth records the drawn line); in the air the
            whole foot points.
        foot_lift_cm: height of the feet above the floor, cm (0: on the floor).
        roller_position: where the roller touches the back: 0 shoulder, 1 hip.
        hip_height_cm: height of the hip joint above the floor, cm (about 10 when the
            buttocks rest on the floor).
        head_pitch_deg: head against the line of the torso, degrees: positive tucks the
            chin, negative lets the head hang back.
        roller_orientation: across the back or along the spine.
        arms: crossed over the chest or hands behind the head.
        facing: the side of the image where the head is.
        roller_diameter_cm: cm.
        person_visible: False renders the empty room (the roller lies on the floor).
        roller_visible: False leaves the roller (and its shadow) out of the image: the
            person lies as if on it, but no roller is seen (truth ``roller.visible`` False).
        appearance: colours and textures.
        camera: camera and image settings.
    """

    knee_angle_deg: Track = field(default_factory=lambda: Track.const(90.0))
    foot_pitch_deg: Track = field(default_factory=lambda: Track.const(0.0))
    foot_lift_cm: Track = field(default_factory=lambda: Track.const(0.0))
    roller_position: Track = field(default_factory=lambda: Track.const(0.3))
    hip_height_cm: Track = field(default_factory=lambda: Track.const(16.0))
    head_pitch_deg: Track = field(default_factory=lambda: Track.const(10.0))
    roller_orientation: Orientation = Orientation.ACROSS
    arms: Arms = Arms.CROSSED
    facing: Facing = Facing.LEFT
    roller_diameter_cm: float = 15.0
    person_visible: bool = True
    roller_visible: bool = True
    appearance: Appearance = field(default_factory=Appearance)
    camera: Camera = field(default_factory=Camera)

    def with_(self, **changes: object) -> SceneParams:
        """A copy with some fields changed."""
        return replace(self, **changes)  # type: ignore[arg-type]


@dataclass(frozen=True, slots=True)
class PoseState:
    """The time-varying parameters sampled at one instant (see :class:`SceneParams`)."""

    knee_angle_deg: float
    foot_pitch_deg: float
    foot_lift_cm: float
    roller_position: float
    hip_height_cm: float
    head_pitch_deg: float


def sample(params: SceneParams, t_s: float) -> PoseState:
    """The tracks of ``params`` at time ``t_s`` (seconds)."""
    return PoseState(
        knee_angle_deg=params.knee_angle_deg.at(t_s),
        foot_pitch_deg=params.foot_pitch_deg.at(t_s),
        foot_lift_cm=params.foot_lift_cm.at(t_s),
        roller_position=params.roller_position.at(t_s),
        hip_height_cm=params.hip_height_cm.at(t_s),
        head_pitch_deg=params.head_pitch_deg.at(t_s),
    )


Color = tuple[int, int, int]

# Palettes varied by seed (BGR).
SKINS: tuple[Color, ...] = (
    (160, 190, 235), (130, 165, 215), (105, 140, 195), (80, 110, 160), (60, 85, 125),
    (45, 65, 95),
)
HAIRS: tuple[Color, ...] = (
    (25, 30, 40), (30, 45, 70), (40, 70, 110), (70, 130, 180), (120, 120, 125), (20, 20, 25),
)
SHIRTS: tuple[Color, ...] = (
    (150, 90, 40), (60, 60, 190), (60, 150, 70), (200, 200, 200), (40, 40, 40),
    (170, 120, 60), (90, 170, 220), (130, 60, 120), (50, 120, 200), (180, 160, 80),
)
TROUSERS: tuple[Color, ...] = (
    (40, 35, 30), (90, 60, 40), (70, 70, 75), (120, 80, 40), (50, 50, 120), (30, 30, 30),
)
ROLLERS: tuple[Color, ...] = (
    (200, 120, 40), (40, 40, 40), (60, 60, 200), (70, 180, 80), (180, 80, 160),
    (30, 140, 230), (200, 200, 200),
)
FLOORS: tuple[Color, ...] = (
    (90, 140, 185), (70, 110, 150), (120, 160, 190), (150, 150, 150), (60, 80, 110),
)
WALLS: tuple[Color, ...] = (
    (215, 225, 230), (200, 210, 200), (190, 200, 215), (225, 215, 200), (180, 190, 190),
    (160, 175, 200),
)


def random_appearance(rng: np.random.Generator) -> Appearance:
    """A random person and room."""

    def pick(options: tuple[Color, ...]) -> Color:
        return options[int(rng.integers(len(options)))]

    shoes: Color | None = pick(((235, 235, 235), (40, 40, 40), (60, 60, 180), (180, 130, 60)))
    if rng.random() < 0.3:
        shoes = None
    return Appearance(
        skin=pick(SKINS),
        hair=pick(HAIRS),
        shirt=pick(SHIRTS),
        trousers=pick(TROUSERS),
        shorts=bool(rng.random() < 0.35),
        shoes=shoes,
        roller=pick(ROLLERS),
        floor=pick(FLOORS),
        floor_kind=("wood", "mat", "plain")[int(rng.integers(3))],
        wall=pick(WALLS),
        wall_kind=("plain", "stripes", "panels")[int(rng.integers(3))],
    )
