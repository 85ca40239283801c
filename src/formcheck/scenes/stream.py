"""Rendering a scene as a stream of (frame, truth), or to an mp4 and a truth JSONL.

Images are BGR uint8 (height, width, 3); pixel coordinates x right, y down, px; times
in seconds (``seconds``) and milliseconds (``t_ms``). cv2 and PyAV are imported only
when frames are drawn or written.
"""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.thresholds import Thresholds
from formcheck.scenes import scenarios as _scenarios
from formcheck.scenes.kinematics import DIMS, Projection, Skeleton, extent_cm, solve
from formcheck.scenes.params import Arms, SceneParams, sample
from formcheck.scenes.truth import (
    Margins,
    RollerTruth,
    SpeedAverager,
    TruthRecord,
    angle_deg,
    expected_statuses,
    joints_px,
)
from formcheck.vocabulary import Orientation


@dataclass(frozen=True, slots=True)
class RenderedClip:
    """Paths written by :func:`render_to_files` and what they hold."""

    video: Path
    truth: Path
    frames: int
    fps: float
    size: tuple[int, int]


def resolve(
    scene: str | SceneParams, seconds: float | None, seed: int
) -> tuple[SceneParams, float]:
    """Scene parameters and clip length (s) for a scenario name or ready parameters."""
    if isinstance(scene, SceneParams):
        return scene, 8.0 if seconds is None else seconds
    sc = _scenarios.get(scene)
    secs = sc.default_seconds if seconds is None else seconds
    return sc.build(secs, np.random.default_rng(seed)), secs


def _roller_truth(
    skel: Skeleton, proj: Projection, speed: float, speed_avg: float, person: bool,
    shown: bool = True,
) -> RollerTruth:
    half = skel.roller_length / 2.0
    mid = proj(skel.roller_center, 0.0)[0]  # the whole roller's middle
    whole: tuple[float, float] | None = None
    if skel.orientation == Orientation.ACROSS:
        center = proj(skel.roller_center, half)[0]  # the end disc nearest the camera
        d = proj.length(2 * skel.roller_radius)
        size = (d, d)
        whole = (float(mid[0]), float(mid[1]))
    else:
        center = mid
        size = (proj.length(skel.roller_length), proj.length(2 * skel.roller_radius))
    w, h = proj.width, proj.height
    visible = bool(shown and 0 <= center[0] < w and 0 <= center[1] < h)
    contact = proj(skel.roller_contact, 0.0)[0] if person else None
    return RollerTruth(
        visible=visible,
        center_px=(float(center[0]), float(center[1])),
        size_px=(float(size[0]), float(size[1])),
        orientation=skel.orientation.value,
        contact_px=None if contact is None else (float(contact[0]), float(contact[1])),
        position=skel.position if person else None,
        speed_cm_s=speed if person else 0.0,
        speed_avg_cm_s=speed_avg if person else 0.0,
        whole_center_px=whole,
    )


def clip_extent(params: SceneParams, seconds: float) -> tuple[float, float]:
    """The body's horizontal range over the clip, body-frame cm (sampled every 0.25 s)."""
    lo, hi = math.inf, -math.inf
    crossed = params.arms == Arms.CROSSED
    for t in np.arange(0.0, seconds + 0.25, 0.25):
        skel = solve(sample(params, float(t)), params.roller_orientation,
                     params.roller_diameter_cm, arms_crossed=crossed)
        a, b = extent_cm(skel)
        lo, hi = min(lo, a), max(hi, b)
    return lo, hi


def iter_scene(
    scene: str | SceneParams,
    size: tuple[int, int] = (640, 360),
    fps: float = 30.0,
    seconds: float | None = None,
    seed: int = 0,
    thresholds: Thresholds | None = None,
    margins: Margins | None = None,
) -> Iterator[tuple[NDArray[np.uint8], TruthRecord]]:
    """Render a scene frame by frame, like a camera, with the exact truth of each frame.

    Args:
        scene: a scenario name (see :data:`formcheck.scenes.scenarios.SCENARIOS`) or
            ready :class:`SceneParams`.
        size: (width, height) of the frames, px.
        fps: frames per second.
        seconds: clip length, s (default: the scenario's).
        seed: picks the look of the person and the room, and the noise.
        thresholds: thresholds for the expected statuses (default: the evaluator's).
        margins: how near a threshold counts as unknown.

    Yields:
        (image, truth): BGR uint8 (height, width, 3) and its :class:`TruthRecord`.
    """
    from formcheck.scenes.render import Renderer  # imports cv2

    th = thresholds or Thresholds()
    mg = margins or Margins()
    params, secs = resolve(scene, seconds, seed)
    width, height = size
    proj = Projection.for_camera(params.camera, params.facing, width, height,
                                 clip_extent(params, secs))
    renderer = Renderer(params, proj, seed)
    n = max(1, round(secs * fps))
    dt = 1.0 / fps
    averager = SpeedAverager(1.0)
    facing = params.facing.value
    near = "right" if facing == "left" else "left"
    crossed = params.arms == Arms.CROSSED
    person = params.person_visible
    for i in range(n):
        t = i * dt
        state = sample(params, t)
        skel = solve(state, params.roller_orientation, params.roller_diameter_cm,
                     arms_crossed=crossed)
        # central difference of the contact position (the track is piecewise linear)
        p0 = params.roller_position.at(max(t - dt / 2, 0.0))
        p1 = params.roller_position.at(t + dt / 2)
        span = (t + dt / 2) - max(t - dt / 2, 0.0)
        speed = abs(p1 - p0) / span * th.torso_length_cm
        speed_avg = averager.push(t, speed)
        image = renderer.draw(skel, person=person)
        joints = {k: (float(v[0]), float(v[1]))
                  for k, v in joints_px(skel, proj, params.facing).items()} if person else {}
        knee = pitch = heel_raise = None
        if person:
            jp = {k: np.array(v) for k, v in joints.items()}
            knee = angle_deg(jp[f"{near}_hip"], jp[f"{near}_knee"], jp[f"{near}_ankle"])
            # the drawn heel -> toe line; the roll of the camera turns the floor line too
            pitch = skel.foot_pitch_deg
            heel_raise = skel.heel_raise_deg
        rec = TruthRecord(
            frame=i,
            t_ms=t * 1000.0,
            width=width,
            height=height,
            joints_px=joints,
            near_side=near,
            knee_angle_deg=knee,
            foot_pitch_deg=pitch,
            feet_lifted=bool(person and state.foot_lift_cm
                             > th.foot_lift_max_shin * DIMS.shin),
            roller=_roller_truth(skel, proj, speed, speed_avg, person,
                                params.roller_visible),
            facing=facing,
            person_visible=person,
            heel_raise_deg=heel_raise,
        )
        expected = expected_statuses(rec, shin_cm=DIMS.shin, feet_lift_cm=state.foot_lift_cm,
                                     thresholds=th, margins=mg)
        yield image, _with_expected(rec, expected)


def masked_frames(count: int, seed: int, no_roller_share: float = 0.25
                  ) -> list[tuple[NDArray[np.uint8], NDArray[np.bool_], dict[str, Any]]]:
    """``count`` single frames as (image BGR, roller mask, truth), for training the
    learned roller detector: a scenario and a moment drawn at random per frame,
    ``no_roller_share`` of them without a roller, 640x360 or 640x480. The mask is the
    roller's visible pixels (:meth:`Renderer.roller_mask`); the truth holds ``width``,
    ``height``, ``person_visible`` and ``joints_px`` (image px). Use seeds far from the
    2D acceptance runs' (0-14) so those stay unseen."""
    from formcheck.scenes.render import Renderer  # imports cv2

    rng = np.random.default_rng(seed)
    # lying_flat came after the network's training data was drawn: left out, so every
    # seed draws the frames it always did
    names = [n for n in _scenarios.SCENARIOS
             if n not in ("no_person", "no_roller", "lying_flat")]
    out: list[tuple[NDArray[np.uint8], NDArray[np.bool_], dict[str, Any]]] = []
    for k in range(count):
        name = "no_roller" if rng.random() < no_roller_share else str(rng.choice(names))
        params, secs = resolve(name, None, seed * 1000 + k)
        w, h = (640, 360) if rng.random() < 0.7 else (640, 480)
        proj = Projection.for_camera(params.camera, params.facing, w, h,
                                     clip_extent(params, secs))
        renderer = Renderer(params, proj, seed * 1000 + k)
        t = float(rng.uniform(0, secs))
        skel = solve(sample(params, t), params.roller_orientation, params.roller_diameter_cm,
                     arms_crossed=params.arms == Arms.CROSSED)
        image = renderer.draw(skel)
        joints = joints_px(skel, proj, params.facing)
        truth = {"width": w, "height": h, "person_visible": True,
                 "joints_px": {j: (float(v[0]), float(v[1])) for j, v in joints.items()}}
        mask = renderer.roller_mask(skel)
        if params.roller_visible and mask.any():
            truth.update(_whole_roller_px(skel, proj))
        out.append((image, mask, truth))
    return out


def _whole_roller_px(skel: Skeleton, proj: Projection) -> dict[str, Any]:
    """The whole roller's centre and ends (image px), its hidden parts included, as the
    3D scenes' truth gives them (``roller.center_px``, ``roller_ends_px``): the learned
    detector's heads are trained to these, not to the near end disc the 2D truth calls
    the roller's centre."""
    half = skel.roller_length / 2.0
    c = skel.roller_center
    if skel.orientation == Orientation.ACROSS:
        ends = [proj(c, half)[0], proj(c, -half)[0]]
    else:
        ends = [proj(c - np.array([half, 0.0]), 0.0)[0], proj(c + np.array([half, 0.0]), 0.0)[0]]
    centre = proj(c, 0.0)[0]
    return {"roller": {"visible": True, "center_px": [float(centre[0]), float(centre[1])]},
            "roller_ends_px": [[float(e[0]), float(e[1])] for e in ends]}


def _with_expected(rec: TruthRecord, expected: dict[str, str | None]) -> TruthRecord:
    from dataclasses import replace

    return replace(rec, expected=expected)


MAX_SIDE_PX = 4096  # 4K: larger frames are no test of anything and exhaust the memory


def parse_size(text: str) -> tuple[int, int]:
    """``"640x360"`` to (640, 360); ValueError otherwise."""
    try:
        w, h = (int(x) for x in text.lower().split("x"))
    except ValueError:
        raise ValueError(f"size must look like 640x360, got {text!r}") from None
    if w < 64 or h < 64 or w % 2 or h % 2 or w > MAX_SIDE_PX or h > MAX_SIDE_PX:
        raise ValueError(f"size must be even, from 64x64 to {MAX_SIDE_PX}x{MAX_SIDE_PX}, "
                         f"got {text!r}")
    return w, h


def check_stem(stem: str) -> str:
    """A ``--stem`` that names files inside the output folder (no folder part, not
    hidden); ValueError otherwise."""
    if not stem or Path(stem).name != stem or stem in (".", "..") or stem.startswith("."):
        raise ValueError(f"--stem {stem!r}: give a plain file name, without a folder")
    return stem


def frame_total(name: str, seconds: float | None, fps: float) -> int:
    """How many frames :func:`render_to_files` writes for scenario ``name``."""
    secs = _scenarios.get(name).default_seconds if seconds is None else seconds
    return max(1, round(secs * fps))


def render_paths(out_dir: Path, name: str, stem: str | None = None) -> tuple[Path, Path]:
    """The clip and truth files :func:`render_to_files` writes for ``name`` (``stem``
    replacing it in the names)."""
    base = check_stem(stem or name)
    return out_dir / f"{base}.mp4", out_dir / f"{base}.truth.jsonl"


def check_render_targets(out_dir: Path, name: str, stem: str | None = None,
                         force: bool = False) -> None:
    """Before any work: an earlier render of that name (its clip and truth, both) is
    replaced; any other file of those names only with ``force``.

    Raises:
        OutputError: a file of the user's is there and ``force`` was not given.
    """
    from formcheck.sinks.atomic import check_render_files

    check_render_files(render_paths(out_dir, name, stem), force)


def render_to_files(
    name: str,
    out_dir: Path | str,
    *,
    seconds: float | None = None,
    size: tuple[int, int] = (640, 360),
    fps: float = 30.0,
    seed: int = 0,
    crf: int = 26,
    stem: str | None = None,
    advance: Callable[[], None] | None = None,
) -> RenderedClip:
    """Render scenario ``name`` to ``out_dir/NAME.mp4`` (H.264, yuv420p) and
    ``out_dir/NAME.truth.jsonl`` (one :meth:`TruthRecord.to_dict` per line).

    ``stem`` replaces NAME in the file names; ``crf`` is the H.264 quality (0-51);
    ``advance`` is called once per frame written (a progress bar).
    """
    import av  # PyAV: only needed to write files

    from formcheck.sinks.atomic import atomic_paths

    video, truth = render_paths(Path(out_dir), name, stem)
    frames = 0
    rate = round(fps) if math.isclose(fps, round(fps)) else fps
    # both files appear only when complete, together (an interrupt is held between the
    # two renames; the truth last, so a clip with a truth file is whole); an interrupt
    # before leaves earlier files of those names as they were
    with (atomic_paths((video, ".part.mp4"), (truth, ".part")) as (video_tmp, truth_tmp),
          av.open(str(video_tmp), mode="w") as container, truth_tmp.open("w") as tf):
        from fractions import Fraction

        stream = container.add_stream("libx264", rate=Fraction(rate).limit_denominator(1001))
        stream.width, stream.height = size
        stream.pix_fmt = "yuv420p"
        stream.options = {"crf": str(crf), "preset": "medium", "movflags": "+faststart"}
        for image, rec in iter_scene(name, size=size, fps=fps, seconds=seconds, seed=seed):
            frame = av.VideoFrame.from_ndarray(image, format="bgr24")
            for packet in stream.encode(frame):
                container.mux(packet)
            tf.write(json.dumps(rec.to_dict(), separators=(",", ":")) + "\n")
            frames += 1
            if advance is not None:
                advance()
        for packet in stream.encode():
            container.mux(packet)
    return RenderedClip(video=video, truth=truth, frames=frames, fps=fps, size=size)
