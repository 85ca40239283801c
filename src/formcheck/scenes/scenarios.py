"""Named scenarios: scene parameters for good form and for each fault.

A scenario is a function ``(seconds, rng) -> SceneParams``: the timeline stretches to
the clip's length and the seed picks the person's look and small placement changes.
Pure numpy, no cv2.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import numpy as np

from formcheck.scenes.params import (
    Appearance,
    Arms,
    Camera,
    Facing,
    SceneParams,
    Track,
    random_appearance,
    segments,
    strokes,
)
from formcheck.vocabulary import Orientation

Builder = Callable[[float, np.random.Generator], SceneParams]


@dataclass(frozen=True, slots=True)
class Scenario:
    """A named scene: what it shows and how to build it."""

    name: str
    description: str
    build: Builder
    has_person: bool = True
    default_seconds: float = 8.0


def _base(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form with a random look: slow strokes under the shoulder blades."""
    appearance = random_appearance(rng)
    camera = Camera(
        elevation_deg=float(rng.uniform(2.0, 10.0)),
        tilt_deg=float(rng.uniform(-2.0, 2.0)),
        floor_y=float(rng.uniform(0.76, 0.84)),
        person_width=float(rng.uniform(0.72, 0.82)),
        person_x=float(rng.uniform(0.47, 0.53)),
        noise=float(rng.uniform(1.5, 4.0)),
        blur=float(rng.uniform(0.0, 0.6)),
    )
    speed = float(rng.uniform(5.0, 8.0))
    lo, hi = float(rng.uniform(0.15, 0.2)), float(rng.uniform(0.34, 0.4))
    knee = float(rng.uniform(75.0, 100.0))
    return SceneParams(
        knee_angle_deg=Track(((0.0, knee), (seconds * 0.5, knee + 8.0), (seconds, knee))),
        roller_position=segments(strokes(lo, hi, speed, seconds), lo),
        hip_height_cm=Track.const(float(rng.uniform(14.0, 22.0))),
        head_pitch_deg=Track.const(float(rng.uniform(5.0, 18.0))),
        arms=Arms.CROSSED,  # hands behind the head lowers detection: see README
        facing=Facing.LEFT,
        roller_diameter_cm=float(rng.uniform(13.0, 16.0)),
        appearance=appearance,
        camera=camera,
    )


def good(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form."""
    return _base(seconds, rng)


# Lying with straight legs, a relaxed ankle leaves the heel on the floor and the toes
# pointing up (the foot about square to the shin); a flat foot would need the ankle
# fully pointed. The scenes draw what a person does, so feet_flat is a fault there too.
STRAIGHT_LEG_PITCH_DEG = 60.0


def straight_legs(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Legs nearly straight (knee 160-172 degrees), heels down and toes up."""
    p = _base(seconds, rng)
    k = float(rng.uniform(160.0, 172.0))
    return p.with_(knee_angle_deg=Track(((0.0, k), (seconds, k - 4.0))),
                   foot_pitch_deg=Track.const(STRAIGHT_LEG_PITCH_DEG),
                   hip_height_cm=Track.const(13.0))


def heels_up(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Heels lifted, on the balls of the feet: the toes stay flat on the floor and the rear
    foot tips up 36-45 degrees at the ball, lifting the heel 10-12 cm (the heel -> toe
    line tilts 27-34 degrees, clearly past the 20 degree threshold and its margin)."""
    p = _base(seconds, rng)
    return p.with_(foot_pitch_deg=Track.const(-float(rng.uniform(36.0, 45.0))))


def toes_up(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Toes lifted, on the heels (pitch +30..+40 degrees)."""
    p = _base(seconds, rng)
    return p.with_(foot_pitch_deg=Track.const(float(rng.uniform(30.0, 40.0))))


def feet_in_air(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Both feet held in the air, 25-35 cm above the floor."""
    p = _base(seconds, rng)
    return p.with_(foot_lift_cm=Track.const(float(rng.uniform(25.0, 35.0))),
                   foot_pitch_deg=Track.const(float(rng.uniform(-10.0, 10.0))))


def roller_on_lower_back(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Rolling the lumbar spine (positions 0.55-0.8)."""
    p = _base(seconds, rng)
    return p.with_(roller_position=segments(strokes(0.55, 0.8, 6.0, seconds), 0.55),
                   hip_height_cm=Track.const(float(rng.uniform(18.0, 24.0))))


def roller_on_neck(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Rolling the neck, above the shoulders (positions -0.12..0.03)."""
    p = _base(seconds, rng)
    return p.with_(roller_position=segments(strokes(-0.12, 0.03, 5.0, seconds), -0.12),
                   hip_height_cm=Track.const(float(rng.uniform(11.0, 16.0))),
                   head_pitch_deg=Track.const(15.0))


def roller_along_spine(seconds: float, rng: np.random.Generator) -> SceneParams:
    """The roller along the spine: a long bar under the body."""
    p = _base(seconds, rng)
    return p.with_(roller_orientation=Orientation.ALONG,
                   roller_position=segments(strokes(0.3, 0.4, 3.0, seconds), 0.3))


def rolling_too_fast(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Fast strokes under the shoulder blades (22-30 cm/s)."""
    p = _base(seconds, rng)
    speed = float(rng.uniform(22.0, 30.0))
    return p.with_(roller_position=segments(strokes(0.14, 0.4, speed, seconds), 0.14))


def holds(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Slow strokes with holds of 2.5 s on tight spots."""
    p = _base(seconds, rng)
    return p.with_(roller_position=segments(
        strokes(0.16, 0.38, 6.0, seconds, hold_s=2.5, hold_every=1), 0.16))


def facing_right(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form, head on the right of the image."""
    return _base(seconds, rng).with_(facing=Facing.RIGHT)


def feet_out_of_frame(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form with the camera too close: the feet are cut off by the image edge."""
    p = _base(seconds, rng)
    cam = replace(p.camera, person_width=0.9, person_x=0.74)
    return p.with_(camera=cam)


def no_person(seconds: float, rng: np.random.Generator) -> SceneParams:
    """The empty room with the roller on the floor."""
    return _base(seconds, rng).with_(person_visible=False)


def no_roller(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form with no roller to be seen (absent or hidden): no roller may be reported."""
    return _base(seconds, rng).with_(roller_visible=False)


# A roller this thin, hidden, lays the body flat on the floor: the 3D poser rests the back
# on the roller, so a near-flat one is the floor's stand-in (docs/roller_learned.md, stop 35).
FLAT_ROLLER_CM = 2.0


def lying_flat(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Lying flat on the floor, knees bent, no roller (resting between sets, or before the
    roller is placed): what a real roller-less photo shows; no roller may be reported."""
    # arms crossed: the renderer's hands-behind-head pose is made for a back on a roller,
    # and with the back on the floor it puts the elbows 1-4 cm through it
    # and the thin hidden support at the top of the back: further down it, the back beyond
    # slopes through the floor (up to 17 mm for a heavy body)
    return _base(seconds, rng).with_(roller_visible=False, roller_diameter_cm=FLAT_ROLLER_CM,
                                     roller_position=Track.const(0.05),
                                     hip_height_cm=Track.const(14.0))


def low_light(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form in a dim room, noisier sensor."""
    p = _base(seconds, rng)
    cam = replace(p.camera, light=float(rng.uniform(0.45, 0.55)), noise=4.0, blur=0.5)
    return p.with_(camera=cam)


# The session's heel raise: the rear foot tipped 40 degrees at the ball (heel about 11 cm
# up, heel -> toe line about 30 degrees).
HEEL_RAISE_DEG = 40.0


def session(seconds: float, rng: np.random.Generator) -> SceneParams:
    """A session: good rolling with faults in between.

    Timeline (fractions of the clip): 0-20% good strokes; 20-32% legs straighten;
    32-45% good, a hold; 45-57% heels up; 57-72% roller on the lower back; 72-86% too
    fast; 86-100% good again.
    """
    p = _base(seconds, rng)
    s = seconds
    knee = float(rng.uniform(80.0, 92.0))
    knee_t = Track(((0.0, knee), (0.20 * s, knee), (0.23 * s, 165.0), (0.30 * s, 165.0),
                    (0.33 * s, knee), (s, knee)))
    up = STRAIGHT_LEG_PITCH_DEG  # toes up while the legs are straight
    pitch_t = Track(((0.0, 0.0), (0.20 * s, 0.0), (0.23 * s, up), (0.30 * s, up),
                     (0.33 * s, 0.0), (0.45 * s, 0.0), (0.47 * s, -HEEL_RAISE_DEG),
                     (0.55 * s, -HEEL_RAISE_DEG),
                     (0.57 * s, 0.0), (s, 0.0)))
    pos_steps: list[tuple[float, float]] = []
    pos_steps += strokes(0.16, 0.38, 6.0, 0.30 * s)
    t_used = sum(d for d, _ in pos_steps)
    pos_steps += [(max(0.36 * s - t_used, 0.5), 0.26)]  # glide to a spot and hold
    t_used = sum(d for d, _ in pos_steps)
    glide = 0.34 * 50.0 / 8.0  # down to the lower back at 8 cm/s
    pos_steps += [(max(0.57 * s - t_used - glide, 0.3), 0.26), (glide, 0.6)]
    pos_steps += strokes(0.6, 0.78, 6.0, 0.15 * s - 0.34 * 50.0 / 8.0, start=0.6)
    t_used = sum(d for d, _ in pos_steps)
    pos_steps += [(max(0.74 * s - t_used, 0.3), 0.3)]
    pos_steps += strokes(0.14, 0.4, 26.0, 0.12 * s, start=0.3)
    pos_steps += [(0.6, 0.3)]
    pos_steps += strokes(0.18, 0.36, 6.0, 0.2 * s, start=0.3)
    hip_t = Track(((0.0, 17.0), (0.57 * s, 17.0), (0.6 * s, 22.0), (0.7 * s, 22.0),
                   (0.73 * s, 17.0), (s, 17.0)))
    cam = replace(p.camera, tilt_deg=0.0, noise=2.0, blur=0.0, elevation_deg=6.0,
                  person_width=0.78, person_x=0.5, floor_y=0.8)
    ap: Appearance = p.appearance
    return p.with_(knee_angle_deg=knee_t, foot_pitch_deg=pitch_t, hip_height_cm=hip_t,
                   roller_position=segments(pos_steps, 0.16), camera=cam, appearance=ap,
                   arms=Arms.CROSSED)


# The head tipped back 48-60 degrees from the torso's line (the 3D body's head pitch):
# the ear -> nose line reads 35-48 degrees past in line, clear of head_supported's 15
# and its truth margin.
HEAD_HANGING_DEG = (-60.0, -48.0)
# Hips 50-62 cm (2D scenes' hip joint; the 3D body lifts its seat by half of what
# exceeds 14 cm: 18-24 cm): the mid-hip 0.23-0.33 torso lengths above the shoulder ->
# ankle line, clear of hip_height's 0.15 and its margin.
HIPS_HIGH_CM = (50.0, 62.0)


def head_hanging(seconds: float, rng: np.random.Generator) -> SceneParams:
    """The head left hanging back over the roller, arms crossed (head_supported fault)."""
    p = _base(seconds, rng)
    return p.with_(head_pitch_deg=Track.const(float(rng.uniform(*HEAD_HANGING_DEG))))


def hands_behind_head(seconds: float, rng: np.random.Generator) -> SceneParams:
    """Good form with the hands behind the head holding it, in line or a little back."""
    p = _base(seconds, rng)
    return p.with_(arms=Arms.BEHIND_HEAD,
                   head_pitch_deg=Track.const(float(rng.uniform(-25.0, 15.0))))


def hips_high(seconds: float, rng: np.random.Generator) -> SceneParams:
    """The hips lifted high: most of the body's weight on the roller (hip_height fault)."""
    p = _base(seconds, rng)
    return p.with_(hip_height_cm=Track.const(float(rng.uniform(*HIPS_HIGH_CM))))


def session_neck_hips(seconds: float, rng: np.random.Generator) -> SceneParams:
    """A session with the head and the hips: 0-25% good strokes; 25-45% the head hangs
    back; 45-55% good; 55-80% the hips rise high, as rolling gets harder; 80-100% good.
    The arms stay crossed (a scene's arms do not change over time)."""
    p = _base(seconds, rng)
    s = seconds
    head0 = float(rng.uniform(5.0, 15.0))
    hang = float(rng.uniform(*HEAD_HANGING_DEG))
    head_t = Track(((0.0, head0), (0.25 * s, head0), (0.28 * s, hang), (0.42 * s, hang),
                    (0.45 * s, head0), (s, head0)))
    hip0 = float(rng.uniform(15.0, 20.0))
    high = float(rng.uniform(*HIPS_HIGH_CM))
    hip_t = Track(((0.0, hip0), (0.55 * s, hip0), (0.6 * s, high), (0.77 * s, high),
                   (0.8 * s, hip0), (s, hip0)))
    return p.with_(head_pitch_deg=head_t, hip_height_cm=hip_t)


SCENARIOS: dict[str, Scenario] = {
    s.name: s
    for s in (
        Scenario("good", "Good form: slow strokes under the shoulder blades", good),
        Scenario("straight_legs", "Legs nearly straight (knees_bent fault)", straight_legs),
        Scenario("heels_up", "Heels lifted (feet_flat fault)", heels_up),
        Scenario("toes_up", "Toes lifted (feet_flat fault)", toes_up),
        Scenario("feet_in_air", "Feet held in the air (feet_flat fault)", feet_in_air),
        Scenario("roller_on_lower_back", "Rolling the lower back (roller_position fault)",
                 roller_on_lower_back),
        Scenario("roller_on_neck", "Rolling the neck (roller_position fault)", roller_on_neck),
        Scenario("roller_along_spine", "Roller along the spine (roller_across_back fault)",
                 roller_along_spine),
        Scenario("rolling_too_fast", "Strokes at 22-30 cm/s (rolling_speed fault)",
                 rolling_too_fast),
        Scenario("holds", "Slow strokes with holds on a spot", holds),
        Scenario("facing_right", "Good form, head on the right", facing_right),
        Scenario("feet_out_of_frame", "Feet cut off by the image edge (feet checks unknown)",
                 feet_out_of_frame),
        Scenario("no_person", "Empty room with a roller (all checks unknown)", no_person,
                 has_person=False),
        Scenario("no_roller", "Good form with no roller in view (roller checks unknown)",
                 no_roller),
        Scenario("lying_flat", "Lying flat on the floor, knees bent, no roller (roller "
                 "checks unknown)", lying_flat),
        Scenario("low_light", "Good form in a dim, noisy image", low_light),
        Scenario("session", "Good rolling mixed with straight legs, heels up, lower back, "
                 "too fast and a pause (1.5 s: under the 3 s a hold needs)", session,
                 default_seconds=20.0),
        Scenario("head_hanging", "The head hanging back over the roller (head_supported "
                 "fault)", head_hanging),
        Scenario("hands_behind_head", "Good form, the hands behind the head holding it",
                 hands_behind_head),
        Scenario("hips_high", "The hips lifted high, most weight on the roller (hip_height "
                 "fault)", hips_high),
        Scenario("session_neck_hips", "Good rolling with the head hanging back, then the "
                 "hips high", session_neck_hips, default_seconds=12.0),
    )
}


def get(name: str) -> Scenario:
    """The scenario called ``name``; ValueError naming the known ones otherwise."""
    try:
        return SCENARIOS[name]
    except KeyError:
        raise ValueError(
            f"unknown scenario {name!r}; expected one of: {', '.join(SCENARIOS)}"
        ) from None
