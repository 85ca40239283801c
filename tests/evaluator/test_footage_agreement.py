"""knees_bent and feet_flat against the hand labels of the shared footage (real model).

The labels (``labels.csv``) were made by eye for side and oblique-side views. A still is
judged by :func:`evaluate_still` as ``analyze`` judges a photo, read as taken and mirrored
(a fault stands where both readings find it); a clip by the evaluator's overall status. Body gating
is off (``gate_body_checks = false``) so postures other than lying on the back are
judged too. The landmarker returns the segmentation mask, as in ``analyze`` (feet_flat
reads a raised heel from it in side views). ``unknown`` counts as a disagreement. The
test prints every case and the agreement, and guards the recorded figure (a
golden-metric floor): the issue's target is 90%; see the closing note for the reading
of each disagreement.
"""

from __future__ import annotations

import csv
from pathlib import Path

import numpy as np
import pytest

from formcheck.evaluator.config import EvaluatorConfig, SetupConfig
from formcheck.evaluator.evaluator import Evaluator, evaluate_still
from formcheck.pose.landmarker import Mode, PoseLandmarker
from formcheck.source import SourceKind, open_source
from formcheck.vocabulary import CheckId

pytestmark = [pytest.mark.model, pytest.mark.footage, pytest.mark.slow]

# Agreement measured on 2026-11-21 with the full model: 120 of 133 cases (90.2%, the
# same with the silhouette's heel reading, which changes no case; 116
# before the body-on-its-side and face-down readings of feet_flat, 110 before the
# foot-on-its-side rule and the depth reading of foot pitch and lift, 114 before stills
# were also tried a quarter turn each way when no pose is found upright). A change that
# lowers it fails here; raise the floor when the checks get better.
RECORDED_AGREEMENT = 120 / 133
CHECKS = ("knees_bent", "feet_flat")


def _status(path: Path, model: Path, config: EvaluatorConfig) -> dict[str, str]:
    with open_source(path) as src:
        if src.kind is SourceKind.IMAGE:
            image = next(iter(src)).image
            with PoseLandmarker(model, Mode.IMAGE, segmentation=True) as lm:
                frame = lm.detect(image)
                mirrored = lm.detect(np.ascontiguousarray(image[:, ::-1]))
            verdict = evaluate_still(frame, None, config, mirrored=(mirrored, None))
            return {c: verdict.checks[CheckId(c)].status.value for c in CHECKS}
        evaluator = Evaluator(config)
        with PoseLandmarker(model, Mode.VIDEO, segmentation=True) as lm:
            for vf in src:
                evaluator.update(lm.detect(vf.image, vf.t_ms, vf.index))
        summary = evaluator.summary()
        return {c: summary.checks[CheckId(c)].status.value for c in CHECKS}


@pytest.mark.parametrize("geometry", ["image", "3d"])
def test_knees_and_feet_agree_with_the_labels(footage: Path, model_path: Path,
                                              geometry: str) -> None:
    # given
    from formcheck.evaluator.config import RollerConfig

    config = EvaluatorConfig(setup=SetupConfig(gate_body_checks=False),
                             roller=RollerConfig(geometry=geometry))  # type: ignore[arg-type]
    rows = [
        r for r in csv.DictReader((footage / "labels.csv").open())
        if r["view"] in ("side", "oblique-side") and (footage / r["file"]).is_file()
    ]
    agree = total = 0
    lines = []
    # when
    for row in rows:
        wanted = {c: row[c] for c in CHECKS if row[c] in ("yes", "no")}
        if not wanted:
            continue
        got = _status(footage / row["file"], model_path, config)
        for check, label in wanted.items():
            expected = "ok" if label == "yes" else "fault"
            total += 1
            agree += got[check] == expected
            mark = "  " if got[check] == expected else "XX"
            lines.append(f"{mark} {check:10s} label {label:3s} got {got[check]:7s} {row['file']}")
    # then
    print("\n".join(lines))
    print(f"agreement, roller.geometry = {geometry}: {agree}/{total} = {agree / total:.1%} "
          "(target 90%)")
    assert total >= 100
    assert agree / total >= RECORDED_AGREEMENT - 1e-9


def test_on_the_back_is_read_from_the_back_not_the_face(footage: Path, model_path: Path) -> None:
    """Real stills: people on their backs stay "on the back" in 3D, however the head is
    held (the nose/ear reading of the image calls the crunches' tucked chins face down);
    people face down on a roller (quadriceps, adductors) are "not on the back" either way.
    """
    from formcheck.evaluator.config import RollerConfig
    from formcheck.evaluator.results import SetupCode

    rows = [r for r in csv.DictReader((footage / "labels.csv").open())
            if r["kind"] == "image" and r["view"] in ("side", "oblique-side")
            and (footage / r["file"]).is_file()]
    flagged: dict[str, list[str]] = {"image": [], "3d": []}
    prone_seen = 0
    with PoseLandmarker(model_path, Mode.IMAGE) as lm:
        for row in rows:
            prone = any(k in row["file"] for k in ("Quadriceps-SMR", "Adductor"))
            if row["supine"] != "yes" and not prone:
                continue
            with open_source(footage / row["file"]) as src:
                frame = lm.detect(next(iter(src)).image)
            if frame.pose is None:
                continue
            for geometry in ("image", "3d"):
                config = EvaluatorConfig(roller=RollerConfig(geometry=geometry))
                code = evaluate_still(frame, None, config).setup.code
                on_back = code is not SetupCode.NOT_ON_BACK
                if prone:
                    assert not on_back, (geometry, row["file"], code)
                elif not on_back:
                    flagged[geometry].append(row["file"])
            prone_seen += prone
    print(f"supine stills called not on the back: image {flagged['image']}, 3d {flagged['3d']}")
    assert prone_seen >= 4
    assert flagged["3d"] == []
