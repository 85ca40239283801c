"""The learned detector's training store (``data/roller_train3d``): tuning looks only,
apart from the benchmark set, and every file it lists readable and lined up."""

from __future__ import annotations

import json
from collections import Counter

import numpy as np

from formcheck.scenes3d import dataset
from formcheck.scenes3d.benchset import (
    EVAL_ONLY,
    NOVEL_STILLS,
    PALE_STILLS,
    ROLLERLESS,
    TRAINING_SET,
    TRAINING_STILLS,
    TRAINING_VALIDATION,
    calibration_shot,
    detector_training_shot,
    manifest_row,
    plan,
    training_plan,
)
from formcheck.scenes3d.spec import NOVEL_HUES, NOVEL_PALE, NOVEL_ROLLER_COLORS, ROLLER_COLORS

STORE = dataset.load(TRAINING_SET)
BUDGET_BYTES = 24_000_000  # the store's budget (data/roller_train3d/README.md)


def test_the_store_plan_takes_tuning_looks_and_stays_apart_from_the_benchmark() -> None:
    shots = training_plan()
    total = TRAINING_STILLS + NOVEL_STILLS + PALE_STILLS
    assert len(shots) == total == len({s.name for s, _ in shots})
    bench = plan()
    assert not {s.name for s, _ in shots} & {s.name for s, _ in bench}
    assert not {s.seed for s, _ in shots} & {s.seed for s, _ in bench}
    for s, split in shots:
        assert split == "tuning" and s.still
        assert s.look.roller_color not in EVAL_ONLY["roller_color"]
        # a tuning look, or (the novel-look stills) one no part of the benchmark draws
        assert (s.look.roller_color in ROLLER_COLORS) != (s.look.roller_color
                                                          in NOVEL_ROLLER_COLORS)
        assert s.look.floor not in EVAL_ONLY["floor"]
        assert s.look.light not in EVAL_ONLY["light"]
    # the validation stills and the novel-look ones: the network never trains on them
    trained = [detector_training_shot(s.name) for s, _ in shots]
    n_trained = TRAINING_STILLS - TRAINING_VALIDATION
    assert trained == [True] * n_trained + [False] * (total - n_trained)
    assert all(calibration_shot(s.name) for s, _ in shots[n_trained:])
    hues = shots[TRAINING_STILLS:TRAINING_STILLS + NOVEL_STILLS]
    assert {s.look.roller_color for s, _ in hues} == set(NOVEL_HUES)
    pale = shots[TRAINING_STILLS + NOVEL_STILLS:]
    assert {s.look.roller_color for s, _ in pale} == set(NOVEL_PALE)
    assert not {s.look.roller_color for s, _ in shots[:TRAINING_STILLS]} & set(NOVEL_ROLLER_COLORS)
    assert not {s.look.roller_color for s, _ in bench} & set(NOVEL_ROLLER_COLORS)
    bins = Counter(s.camera.bin() for s, _ in shots)
    # the elevated bin, the detector's weakest, takes the largest share
    assert bins.most_common(1)[0][0] == "elevated"
    assert set(bins) == {"floor_side", "oblique", "elevated", "beyond"}


def test_the_committed_store_is_the_plan_rendered_at_final_quality() -> None:
    planned = {s.name: json.loads(json.dumps(manifest_row(s, sp, f"{s.name}.jpg")))
               for s, sp in training_plan()}  # as the manifest stores it: lists, not tuples
    # a render may drop a failed shot, not many
    assert len(STORE) >= 0.9 * (TRAINING_STILLS + NOVEL_STILLS + PALE_STILLS)
    for shot in STORE:
        assert shot.row == planned[shot.name]
        assert shot.row["quality"] == "final"
    stored = sum(f.stat().st_size for f in TRAINING_SET.iterdir() if f.is_file())
    assert stored <= BUDGET_BYTES, stored


def test_the_stores_masks_hold_a_roller_exactly_where_the_truth_shows_one() -> None:
    for shot in STORE[::8]:
        (img, truth), = list(shot.frames())
        labels = shot.masks()
        assert labels.shape == (1, *img.shape[:2])
        roller = int(np.count_nonzero(labels[0] == 2))
        assert roller == truth["roller_pixels"], shot.name
        if shot.scenario in ROLLERLESS:
            assert roller == 0, shot.name
        elif truth["roller"]["visible"]:
            assert roller > 0, shot.name
