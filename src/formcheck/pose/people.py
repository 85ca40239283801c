"""Who else is in view: a count of the people in a frame, and where the followed one is.

The video landmarker follows one person (MediaPipe's tracker keeps to the person it
found first). Asking it for several in VIDEO mode runs its person detector on every
frame, 45% more time a frame here (docs/measurements.md, More than one person), so a
second landmarker in IMAGE mode counts the people in one frame now and then instead
(``setup.people_count_s``), and the count holds until the next. The pure parts
(:func:`distinct`, :func:`placed`) are tested without a model.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path
from typing import TYPE_CHECKING

import numpy as np
from numpy.typing import NDArray

from formcheck.closing import Closing
from formcheck.pose.frame import Pose, PoseFrame

if TYPE_CHECKING:
    from formcheck.pose.landmarker import ModelInput, PoseLandmarker

MAX_PEOPLE = 3
"""The most people one count looks for: the one rolling, and up to two more."""
SAME_PERSON_IOU = 0.4
"""Two poses whose boxes overlap this much (intersection over union) are one person
found twice (the model returns a person again at another crop now and then)."""
MIN_VISIBLE = 0.5
"""A pose counts as a person when at least this share of its landmarks is visible."""


@dataclass(frozen=True, slots=True)
class People:
    """One count.

    Attributes:
        others: people in view besides the followed one.
        followed_at: where the followed person is among them in the image ("left",
            "right", "middle"), or None when nobody else is in view.
    """

    others: int = 0
    followed_at: str | None = None


def box(pose: Pose) -> NDArray[np.float64]:
    """The landmarks' bounding box (x0, y0, x1, y1), px, over those visible (all, when
    fewer than four are)."""
    seen = pose.visibility >= 0.5
    xy = pose.xy[seen] if int(seen.sum()) >= 4 else pose.xy
    return np.array([xy[:, 0].min(), xy[:, 1].min(), xy[:, 0].max(), xy[:, 1].max()])


def iou(a: NDArray[np.float64], b: NDArray[np.float64]) -> float:
    """Intersection over union of two boxes (x0, y0, x1, y1)."""
    w = min(a[2], b[2]) - max(a[0], b[0])
    h = min(a[3], b[3]) - max(a[1], b[1])
    if w <= 0 or h <= 0:
        return 0.0
    inter = w * h
    union = (a[2] - a[0]) * (a[3] - a[1]) + (b[2] - b[0]) * (b[3] - b[1]) - inter
    return float(inter / union) if union > 0 else 0.0


def distinct(poses: list[Pose]) -> list[Pose]:
    """The people among ``poses``: those visible enough, each once (see the constants)."""
    kept: list[Pose] = []
    boxes: list[NDArray[np.float64]] = []
    for pose in poses:
        if float(np.mean(pose.visibility >= 0.5)) < MIN_VISIBLE:
            continue
        b = box(pose)
        if any(iou(b, k) >= SAME_PERSON_IOU for k in boxes):
            continue
        kept.append(pose)
        boxes.append(b)
    return kept


def placed(people: list[Pose], followed: Pose | None) -> People:
    """Who else is in view, and where the followed person stands among ``people``
    (the distinct ones of one count). The followed person is the one whose box
    overlaps the followed pose's most; without a followed pose, or where none overlaps,
    everyone counts as someone else."""
    if not people:
        return People()
    me: int | None = None
    if followed is not None:
        mine = box(followed)
        overlaps = [iou(box(p), mine) for p in people]
        best = int(np.argmax(overlaps))
        me = best if overlaps[best] >= SAME_PERSON_IOU else None
    if me is None:
        # nobody followed: one of them would be; followed but unmatched: the count
        # missed the followed person, and everyone it found is someone else
        return People(others=len(people) - (1 if followed is None else 0))
    others = len(people) - 1
    if others == 0:
        return People()
    centres = [float(box(p)[[0, 2]].mean()) for p in people]
    rank = sorted(centres).index(centres[me])
    where = "left" if rank == 0 else "right" if rank == len(people) - 1 else "middle"
    return People(others=others, followed_at=where)


class PeopleCounter(Closing):
    """Counts the people in view once every ``every_s`` seconds of the stream.

    Args:
        model_path: the pose bundle (the same as the video landmarker's).
        every_s: seconds of stream time between counts (0: every frame).
    """

    def __init__(self, model_path: Path, every_s: float = 5.0) -> None:
        from formcheck.pose.landmarker import Mode
        from formcheck.pose.landmarker import PoseLandmarker as Landmarker

        self.every_s = every_s
        self._landmarker: PoseLandmarker = Landmarker(
            model_path, Mode.IMAGE, num_poses=MAX_PEOPLE, turn_stills=False)
        self._last_t: float | None = None
        self._held = People()
        self.counts = 0

    def update(self, frame: PoseFrame, ready: ModelInput) -> PoseFrame:
        """``frame`` with ``others`` and ``followed_at`` from the latest count (made now
        when one is due). ``ready`` is the frame's model input. The count is matched to
        the followed person on its own frame and held: a box from seconds before would
        no longer fit a person who moves."""
        t = frame.t_s
        if self._last_t is None or t - self._last_t >= self.every_s - 1e-9 or t < self._last_t:
            self._last_t = t
            self._held = placed(distinct(self._landmarker.detect_all(ready)), frame.pose)
            self.counts += 1
        people = self._held
        if people.others == frame.others and people.followed_at == frame.followed_at:
            return frame
        return replace(frame, others=people.others, followed_at=people.followed_at)

    def close(self) -> None:
        """Release the landmarker."""
        self._landmarker.close()
