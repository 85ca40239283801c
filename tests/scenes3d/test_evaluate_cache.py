"""The 3D set's observation cache: a still's file holds its mirrored reading too, and
observations pickled before a field was added still load."""

from __future__ import annotations

import pickle
from pathlib import Path

from formcheck.pose.frame import PoseFrame
from formcheck.roller.observation import NotFoundReason, RollerObservation
from formcheck.scenes3d import dataset
from formcheck.scenes3d.evaluate import Observed, _current, cached_observations

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
    for shot, name in ((still, f"{still.name}.{MODEL.stem}.learned.mirrored.pkl"),
                       (clip, f"{clip.name}.{MODEL.stem}.learned.pkl")):
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
