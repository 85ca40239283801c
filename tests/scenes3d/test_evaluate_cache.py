"""The 3D set's observation cache: a still's file holds its mirrored reading too, and
observations pickled before a field was added still load."""

from __future__ import annotations

import pickle
from pathlib import Path
from typing import Any

import numpy as np

from formcheck.evaluator.body import MASK_PERSON
from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import NotFoundReason, RollerObservation
from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import Observed, PersonMask, _current, cached_observations

MODEL = Path("models/absent_pose_model.task")  # never opened: every shot is cached


def _observed(shot: dataset.Shot, mirrored: bool) -> list[Observed]:
    frame = PoseFrame(index=0, t_ms=0.0, width=640, height=360, pose=None)
    roller = {"learned": RollerObservation.missing(NotFoundReason.NO_PERSON)}
    return [Observed(frame, roller, {}, (frame, roller) if mirrored else None)
            for _ in shot.truth()]


def test_a_still_and_a_clip_are_cached_under_their_own_names(tmp_path: Path) -> None:
    shots = dataset.load(split="tuning")
    still = next(s for s in shots if s.still)
    clip = next(s for s in shots if not s.still)
    # given caches written under the names the reader expects
    for shot, name in ((still, f"{still.name}.{MODEL.stem}.learned.mirrored.mask.pkl"),
                       (clip, f"{clip.name}.{MODEL.stem}.learned.mask.pkl")):
        (tmp_path / name).write_bytes(pickle.dumps(_observed(shot, shot.still)))
        # when read back (the model is never run: it does not exist)
        got = cached_observations(shot, MODEL, tmp_path, ("learned",))
        # then each frame comes with the set's truth, the still's with its mirror
        assert [o.truth for o in got] == shot.truth()
        assert all((o.mirrored is not None) == shot.still for o in got)


def test_an_observation_pickled_before_the_mirror_loads_without_it() -> None:
    shot = next(s for s in dataset.load(split="tuning") if s.still)
    old = _observed(shot, True)[0]
    object.__delattr__(old, "mirrored")  # as unpickled from a cache written before it
    assert not hasattr(old, "mirrored")
    assert _current(old).mirrored is None


def test_an_observation_pickled_before_the_mask_loads_without_it() -> None:
    shot = next(s for s in dataset.load(split="tuning") if s.still)
    old = _observed(shot, True)[0]
    for name in ("person", "mirrored_person"):
        object.__delattr__(old, name)  # as unpickled from a cache written before them
    ob = _current(old)
    assert ob.person is None and ob.frame() is old.pose
    assert old.mirrored is not None
    assert ob.mirror("learned") == (old.mirrored[0], old.mirrored[1]["learned"])


def test_the_mask_is_kept_as_the_evaluator_reads_it() -> None:
    """Packed to a bit a pixel, the person's mask reads the same wherever the evaluator
    compares it with body.MASK_PERSON (the heel's silhouette)."""
    rng = np.random.default_rng(0)
    mask = rng.random((37, 61)).astype(np.float32)
    mask[3, 5], mask[4, 5] = MASK_PERSON, np.nextafter(np.float32(MASK_PERSON), np.float32(1))
    packed = PersonMask.of(mask)
    assert packed is not None and packed.bits.nbytes == (37 * 61 + 7) // 8
    assert np.array_equal(packed.unpack() > MASK_PERSON, mask > MASK_PERSON)
    assert PersonMask.of(None) is None
    frame = PoseFrame(index=0, t_ms=0.0, width=61, height=37, pose=None)
    ob = Observed(frame, {}, {}, None, packed)
    got = ob.frame().mask
    assert got is not None and np.array_equal(got > MASK_PERSON, mask > MASK_PERSON)


def test_the_evaluator_gets_each_reading_with_its_mask(monkeypatch: Any) -> None:
    """judge_shot hands the evaluator the frame and the mirrored frame with their masks
    restored, as analyze does (the heel's silhouette reads them)."""
    from formcheck.evaluator.evaluator import Evaluator
    from formcheck.scenes3d.evaluate import judge_shot

    shot = next(s for s in dataset.load(split="tuning") if s.still)
    truth = shot.truth()[0]
    mask = np.zeros((36, 64), np.float32)
    mask[10:20, 5:50] = 1.0
    mirror = mask[:, ::-1].copy()
    frame = PoseFrame(index=0, t_ms=0.0, width=64, height=36, pose=None)
    roller = {"learned": RollerObservation.missing(NotFoundReason.NO_PERSON)}
    ob = Observed(frame, roller, truth, (frame, roller), PersonMask.of(mask),
                  PersonMask.of(mirror))
    seen: list[tuple[Any, Any]] = []
    update = Evaluator.update

    def spy(self: Evaluator, pose_frame: PoseFrame, roller_obs: Any,
            mirrored: Any = None) -> Any:
        seen.append((pose_frame, mirrored))
        return update(self, pose_frame, roller_obs, mirrored)

    monkeypatch.setattr(Evaluator, "update", spy)
    judge_shot(shot, [ob], detector="learned")
    got, mirrored = seen[0]  # (the evaluator reads the mirror with one of its own after)
    assert got.mask is not None and np.array_equal(got.mask, mask)
    assert mirrored is not None and mirrored[0].mask is not None
    assert np.array_equal(mirrored[0].mask, mirror)
