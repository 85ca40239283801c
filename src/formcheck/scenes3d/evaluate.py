"""Run formcheck's pipeline (pose model, roller tracker, evaluator) over the 3D set.

This is the set's consumer, not part of the pipeline: it feeds each shot's frames to
:class:`formcheck.frontends.pipeline.FramePipeline` as a camera would (imported when
called) and pairs every verdict with its truth for :mod:`formcheck.scenes3d.scoring`.

The work is split in two so that evaluator settings can be compared without running
the model again: :func:`observe_shot` runs the model and the roller stage (the costly
part) and :func:`judge_shot` runs the evaluator over what they saw.
"""

from __future__ import annotations

import math
import pickle
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, fields, replace
from pathlib import Path
from typing import Any

import numpy as np
from numpy.typing import NDArray

from formcheck.evaluator.body import MASK_PERSON
from formcheck.evaluator.config import EvaluatorConfig
from formcheck.pose.frame import PoseFrame
from formcheck.pose.landmarks import SIDE_LANDMARKS
from formcheck.roller.observation import NotFoundReason, Orientation, RollerObservation
from formcheck.scenes3d.dataset import GOOD_FORM, Shot
from formcheck.scenes3d.scoring import FrameResult, angle_deg


@dataclass(frozen=True, slots=True, eq=False)
class PersonMask:
    """The pose stage's segmentation mask as the evaluator reads it (the person where it
    is above ``body.MASK_PERSON``: the heel's silhouette), one bit a mask px: the float
    mask would make a cache thirty times larger."""

    bits: NDArray[np.uint8]
    shape: tuple[int, int]

    @classmethod
    def of(cls, mask: NDArray[np.float32] | None) -> PersonMask | None:
        """``mask`` packed; None for none."""
        if mask is None:
            return None
        person = np.asarray(mask) > MASK_PERSON
        return cls(np.packbits(person, axis=None), (int(person.shape[0]), int(person.shape[1])))

    def unpack(self) -> NDArray[np.float32]:
        """The mask, 1 on the person and 0 elsewhere (mask px)."""
        n = self.shape[0] * self.shape[1]
        flat = np.unpackbits(self.bits, count=n).astype(np.float32)
        return flat.reshape(self.shape)


@dataclass(frozen=True, slots=True)
class Observed:
    """What the model and the roller stage made of one frame, with the frame's truth row.
    ``pose`` is kept without its mask, which ``person`` holds packed: :meth:`frame` is the
    pose frame as the evaluator saw it in ``analyze``."""

    pose: PoseFrame
    rollers: dict[str, RollerObservation]
    truth: dict[str, Any]
    # a still's second reading, mirrored (as analyze reads a photo): its pose and
    # rollers, in the mirror image's px
    mirrored: tuple[PoseFrame, dict[str, RollerObservation]] | None = None
    person: PersonMask | None = None
    mirrored_person: PersonMask | None = None

    def frame(self) -> PoseFrame:
        """The pose frame with its segmentation mask (as far as the evaluator reads it)."""
        return _with_mask(self.pose, self.person)

    def mirror(self, detector: str) -> tuple[PoseFrame, RollerObservation] | None:
        """The mirrored reading's pose frame (with its mask) and ``detector``'s roller."""
        if self.mirrored is None:
            return None
        return _with_mask(self.mirrored[0], self.mirrored_person), self.mirrored[1][detector]


def _with_mask(frame: PoseFrame, person: PersonMask | None) -> PoseFrame:
    return frame if person is None else replace(frame, mask=person.unpack())


def observe_shot(shot: Shot, model: Path, detectors: Sequence[str] = ("rules",),
                 mirrored: bool = True) -> list[Observed]:
    """Every frame of ``shot`` through the pose model and each named roller detector,
    as ``analyze`` runs them: a still is also read mirrored (``Observed.mirrored``)
    unless ``mirrored`` is off (for a caller that reads the photo's pose alone)."""
    from formcheck.frontends.pipeline import FramePipeline
    from formcheck.roller.tracker import RollerTracker
    from formcheck.source import VideoFrame

    out: list[Observed] = []
    trackers = {name: RollerTracker.named(name) for name in detectors}
    mirror_trackers = {name: RollerTracker.named(name) for name in detectors}
    # the mirror is read here, once for every detector
    with FramePipeline(model, still=shot.still, read_mirrored=False) as pipe:
        for i, (image, truth) in enumerate(shot.frames()):
            work, ready = pipe.prepare(VideoFrame(i, float(truth["t_ms"]), image))
            work, pose = pipe.detect(work, ready)
            rollers = {}
            for name, tracker in trackers.items():
                pipe.roller = tracker
                rollers[name] = pipe.finish(work, pose, ready).roller
            second, second_person = None, None
            if shot.still and mirrored:
                flipped, mirror_pose = pipe.mirrored(work)
                second = (replace(mirror_pose, mask=None), {
                    name: t.update(flipped, mirror_pose) for name, t in mirror_trackers.items()})
                second_person = PersonMask.of(mirror_pose.mask)
            out.append(Observed(replace(pose, mask=None), rollers, truth, second,
                                PersonMask.of(pose.mask), second_person))
    return out


def judge_shot(shot: Shot, observed: Iterable[Observed],
               config: EvaluatorConfig | None = None,
               detector: str = "rules") -> list[FrameResult]:
    """The evaluator over one shot's observations, each verdict beside its truth; a
    still's mirrored reading joins it as in ``analyze`` (not with the "truth" roller,
    which has no mirror image: that geometry study reads the photo once)."""
    from formcheck.evaluator.evaluator import Evaluator

    evaluator = Evaluator(config, still=shot.still)
    cam = shot.row["camera"]
    out: list[FrameResult] = []
    for ob in observed:
        truth, pose = ob.truth, ob.pose.pose
        roller = truth_roller(truth) if detector == "truth" else ob.rollers[detector]
        mirrored = None if detector == "truth" else ob.mirror(detector)
        v = evaluator.update(ob.frame(), roller, mirrored)
        knee = None
        if pose is not None:
            ids = SIDE_LANDMARKS[truth["near_side"]]
            knee = angle_deg(pose.xy[ids["hip"]], pose.xy[ids["knee"]], pose.xy[ids["ankle"]])
        out.append(FrameResult(
            shot=shot.name, scenario=shot.scenario, camera_bin=shot.camera_bin,
            azimuth_deg=float(cam["azimuth_deg"]), good_form=shot.scenario in GOOD_FORM,
            truth=truth, pose_found=pose is not None,
            frame_status={c.value: cv.frame_status.value for c, cv in v.checks.items()},
            status={c.value: cv.status.value for c, cv in v.checks.items()},
            knee_px_deg=knee, cue=None if v.cue is None else v.cue.key,
        ))
    return out


def truth_roller(truth: dict[str, Any]) -> RollerObservation:
    """The roller as a perfect roller stage would report it, from the truth: its
    silhouette's centre, length and thickness and long axis (image px), and where it
    touches the back. For measuring the evaluator's geometry apart from the detector."""
    r = truth.get("roller") or {}
    ends = truth.get("roller_ends_px")
    if not r.get("visible") or ends is None or r.get("center_px") is None:
        return RollerObservation.missing(NotFoundReason.HIDDEN)
    (x0, y0), (x1, y1) = ends
    span, thick = (float(v) for v in r["size_px"])  # ends apart, diameter
    # the silhouette: the ends' span plus the diameter, along the axis between the ends
    length = span + thick
    angle = math.degrees(math.atan2(y1 - y0, x1 - x0))
    contact = r.get("contact_px")
    return RollerObservation(
        found=True, center_px=(float(r["center_px"][0]), float(r["center_px"][1])),
        size_px=(length, thick), angle_deg=angle % 180.0,
        orientation=Orientation(r.get("orientation", "unknown")),
        contact_px=None if contact is None else (float(contact[0]), float(contact[1])),
        position=r.get("position"), under_back=True, confidence=1.0,
        ends_px=((float(x0), float(y0)), (float(x1), float(y1))), diameter_px=thick)


def run_shot(shot: Shot, model: Path, config: EvaluatorConfig | None = None,
             detector: str = "rules") -> list[FrameResult]:
    """Every frame of ``shot`` through the pipeline, as ``analyze`` runs it."""
    return judge_shot(shot, observe_shot(shot, model, (detector,)), config, detector)


def run_set(shots: Iterable[Shot], model: Path,
            config: EvaluatorConfig | None = None) -> list[FrameResult]:
    """:func:`run_shot` over many shots."""
    return [r for s in shots for r in run_shot(s, model, config)]


def _current(ob: Observed) -> Observed:
    """An observation read from an older cache, with the fields its frame type has
    gained since at their defaults (a slotted dataclass unpickles only the fields it
    was saved with)."""
    if not all(hasattr(ob, f.name) for f in fields(Observed)):
        ob = Observed(ob.pose, ob.rollers, ob.truth, getattr(ob, "mirrored", None),
                      getattr(ob, "person", None), getattr(ob, "mirrored_person", None))
    ob = replace(ob, pose=_current_frame(ob.pose))
    if ob.mirrored is not None:
        ob = replace(ob, mirrored=(_current_frame(ob.mirrored[0]), ob.mirrored[1]))
    return ob


def _current_frame(frame: PoseFrame) -> PoseFrame:
    """A pose frame unpickled from an older cache, with its missing fields at their
    defaults."""
    if all(hasattr(frame, f.name) for f in fields(PoseFrame)):
        return frame
    kept = {f.name: getattr(frame, f.name) for f in fields(PoseFrame) if hasattr(frame, f.name)}
    return PoseFrame(**kept)


def cached_observations(shot: Shot, model: Path, cache: Path | None,
                        detectors: Sequence[str] = ("rules",),
                        mirrored: bool = True) -> list[Observed]:
    """:func:`observe_shot`, kept in ``cache`` (a folder of pickles, one per shot and
    model; a private scratch space, never shared: pickles run code when read)."""
    if cache is None:
        return observe_shot(shot, model, detectors, mirrored)
    # a still's cache holds its mirrored reading too (a cache from before it, not); one
    # named ".mask" holds the person's mask, which a cache from before stop 47 dropped
    # (the evaluator reads the heel's silhouette from it, as in analyze)
    kind = ".mirrored" if shot.still and mirrored else ""
    path = cache / f"{shot.name}.{model.stem}.{'+'.join(detectors)}{kind}.mask.pkl"
    if path.exists():
        with path.open("rb") as f:
            data: list[Observed] = pickle.load(f)
        # the cache keeps what the model and the roller stage made; the truth is read
        # from the set each time, as the set's truth gains fields (a cache written
        # before the head and hips' truth judged them against none)
        truth = shot.truth()
        if len(truth) == len(data):
            return [replace(_current(o), truth=t) for o, t in zip(data, truth, strict=True)]
    data = observe_shot(shot, model, detectors, mirrored)
    cache.mkdir(parents=True, exist_ok=True)
    tmp = path.with_suffix(".part")
    with tmp.open("wb") as f:
        pickle.dump(data, f)
    tmp.replace(path)
    return data
