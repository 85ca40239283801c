"""``formcheck landmarks``: one JSON object of pose landmarks per frame."""

from __future__ import annotations

import json
from pathlib import Path

from formcheck.pose.frame import PoseFrame
from formcheck.sinks.atomic import atomic_text, check_not_input, check_replaceable, reported_as
from formcheck.source import SourceKind, open_source
from formcheck.ui import progress_bar


def landmark_record(frame: PoseFrame) -> dict[str, object]:
    """``{"frame", "t_ms", "landmarks": [[x_px, y_px, z, visibility] x 33] | None}``.

    x and y in pixels; z is MediaPipe's normalised relative depth; visibility 0..1.
    """
    rows = None
    if frame.pose is not None:
        p = frame.pose
        rows = [
            [round(float(x), 2), round(float(y), 2), round(float(z), 5), round(float(v), 4)]
            for (x, y), z, v in zip(p.xy, p.normalized[:, 2], p.visibility, strict=True)
        ]
    return {"frame": frame.index, "t_ms": round(frame.t_ms, 3), "landmarks": rows}


def is_landmarks_file(path: Path) -> bool:
    """Whether ``path`` is an earlier ``landmarks`` output: its first line a record of
    :func:`landmark_record`'s keys (an empty file counts: a run with no frame)."""
    try:
        with path.open("rb") as fh:
            first = fh.readline(1 << 16)
    except OSError:
        return False
    if not first.strip():
        return path.stat().st_size == 0
    try:
        record = json.loads(first)
    except (ValueError, UnicodeDecodeError):
        return False
    return isinstance(record, dict) and set(record) == {"frame", "t_ms", "landmarks"}


def check_target(input_spec: str, out: Path, force: bool = False) -> None:
    """Before any work: ``out`` is not the input, and a file there is replaced only when
    it is an earlier landmarks file or with ``force``.

    Raises:
        OutputError: either is not so.
    """
    check_not_input(out, [Path(input_spec)])
    check_replaceable(out, ours=out.is_file() and is_landmarks_file(out), force=force)


def run_landmarks(input_spec: str, out: Path, model: Path) -> tuple[int, int]:
    """Write the landmarks of every frame of ``input_spec`` to ``out`` (JSONL, atomic);
    the caller has checked ``out`` (:func:`check_target`).

    Returns:
        (frames read, frames with a person).
    """
    from formcheck.pose.landmarker import Mode, PoseLandmarker

    with open_source(input_spec) as source:
        mode = Mode.IMAGE if source.kind is SourceKind.IMAGE else Mode.VIDEO
        frames = found = 0
        with (
            reported_as(out),
            PoseLandmarker(model, mode) as landmarker,
            atomic_text(out) as fh,
            progress_bar(source.frame_count, f"landmarks {source.name}",
                         enabled=source.kind is not SourceKind.IMAGE) as advance,
        ):
            for vf in source:
                pf = landmarker.detect(vf.image, vf.t_ms, vf.index)
                fh.write(json.dumps(landmark_record(pf), separators=(",", ":")) + "\n")
                frames += 1
                found += pf.pose is not None
                advance()
    return frames, found
