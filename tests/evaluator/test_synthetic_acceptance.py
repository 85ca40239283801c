"""The evaluator against exact truth: synthetic scenarios through the real model and the
real roller tracker. Prints the confusion table per check."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from formcheck.evaluator.config import EvaluatorConfig, RollerConfig
from formcheck.vocabulary import CHECK_IDS, CheckId, Status
from tests.synthetic import Run, run_scenario

pytestmark = [pytest.mark.model, pytest.mark.slow]

# Each fault scenario and the cue key it must raise.
FAULTS = {
    "straight_legs": "knees_bent",
    "heels_up": "feet_flat",
    "toes_up": "feet_flat",
    "feet_in_air": "feet_flat",
    "roller_on_lower_back": "roller_position.lower_back",
    "roller_on_neck": "roller_position.neck",
    "roller_along_spine": "roller_across_back",
    "rolling_too_fast": "rolling_speed",
}
CLEAN = ("good", "holds", "facing_right", "low_light", "feet_out_of_frame")
SECONDS = 4.0
# Rolling speed is judged on a 1 s average ("sustained", form-rules): the truth's own
# average needs that second, so speed is compared from then on.
SPEED_FROM_S = 1.0
# Per-frame match on clear frames: the target, 95% for every check. heels_up
# needs the silhouette's heel reading (body.py): MediaPipe reads the heel -> toe line of
# this scene's 27-34 degree raise as 5-15 degrees, under the 20 degree threshold.
TARGET = 0.95


@pytest.fixture(scope="module", params=[("image", "rules"), ("3d", "rules"), ("3d", "learned")],
                ids=["image", "3d", "3d-learned"])
def runs(model_path: Path, request: pytest.FixtureRequest) -> dict[str, Run]:
    """Every scenario, with the roller judged in the image plane and in 3D
    (``roller.geometry``): the 3D reading must not lose what the side view had; and in
    3D with the learned roller detector (``roller.detector``), which must hold the 2D
    scenes as the rules detector does."""
    geometry, detector = request.param
    config = EvaluatorConfig(roller=RollerConfig(geometry=geometry, detector=detector))
    return {name: run_scenario(name, model_path, seconds=SECONDS, config=config)
            for name in (*FAULTS, *CLEAN)}


def test_status_matches_the_truth_where_it_is_clear(runs: dict[str, Run]) -> None:
    """Per-frame readings against the truth, over every frame whose truth is ok or fault.

    ``frame_status`` is the frame's own reading; the reported status adds the 0.5 s onset
    delay on top, so it is printed too but judged through the cue timing below.
    """
    table: dict[CheckId, Counter[tuple[str, str]]] = {c: Counter() for c in CHECK_IDS}
    reported: dict[CheckId, Counter[bool]] = {c: Counter() for c in CHECK_IDS}
    for run in runs.values():
        for truth, verdict in zip(run.truths, run.verdicts, strict=True):
            for check in CHECK_IDS:
                want = truth.expected.get(check.value)
                if want not in (Status.OK.value, Status.FAULT.value):
                    continue
                if check is CheckId.ROLLING_SPEED and truth.t_ms / 1000 < SPEED_FROM_S:
                    continue
                got = verdict.checks[check]
                table[check][(want, got.frame_status.value)] += 1
                reported[check][got.status.value == want] += 1
    lines = [f"{'check':20s} truth  -> ok  fault unknown   match  (reported)"]
    rates = {}
    for check, counts in table.items():
        for want in ("ok", "fault"):
            row = [counts[(want, g)] for g in ("ok", "fault", "unknown")]
            lines.append(f"{check.value:20s} {want:6s} {row[0]:5d} {row[1]:5d} {row[2]:5d}")
        total = sum(counts.values())
        rates[check] = sum(counts[(w, w)] for w in ("ok", "fault")) / max(total, 1)
        rep = reported[check][True] / max(sum(reported[check].values()), 1)
        lines.append(f"{'':20s} clear frames {total}: match {rates[check]:.1%} ({rep:.1%})")
    print("\n" + "\n".join(lines))
    # the 2D scenes' truth judges neither head_supported nor hip_height (drawn side-on,
    # they carry no 3D head or hips): those are measured on the 3D set
    judged = {c for c, counts in table.items() if sum(counts.values()) > 0}
    assert judged >= set(CHECK_IDS) - {CheckId.HEAD_SUPPORTED, CheckId.HIP_HEIGHT}
    for check, rate in rates.items():
        if check in judged:
            assert rate >= TARGET, f"{check.value}: {rate:.1%} of clear frames match"


@pytest.mark.parametrize("name", FAULTS)
def test_each_fault_is_cued_within_a_second_of_its_onset(runs: dict[str, Run], name: str) -> None:
    run = runs[name]
    key = FAULTS[name]
    check = key.split(".")[0]
    onset = next(t.t_ms / 1000 for t in run.truths if t.expected.get(check) == "fault")
    if check == CheckId.ROLLING_SPEED.value:
        onset = max(onset, SPEED_FROM_S)
    cued = [v.t_s for v in run.verdicts if v.cue is not None and v.cue.key == key]
    print(f"{name}: fault from {onset:.2f} s, cue {key!r} from "
          f"{cued[0] if cued else None} s")
    assert cued, f"{name}: the cue {key!r} was never raised"
    assert cued[0] - onset <= 1.0


@pytest.mark.parametrize("name", CLEAN)
def test_clean_scenarios_raise_no_fault_cue(runs: dict[str, Run], name: str) -> None:
    cues = Counter(v.cue.key for v in runs[name].verdicts if v.cue is not None)
    assert not cues, f"{name}: cues {dict(cues)}"
