"""The One Euro filter."""

from __future__ import annotations

import math

import numpy as np

from formcheck.evaluator.smoothing import OneEuroFilter, ScalarOneEuroFilter


def test_constant_input_passes_unchanged() -> None:
    # given a filter and a constant signal
    f = OneEuroFilter(1.5, 4.0, 1.0)
    x = np.arange(66, dtype=float).reshape(33, 2)
    # when
    outs = [f(x, i / 30) for i in range(20)]
    # then
    for out in outs:
        np.testing.assert_allclose(out, x)


def test_jitter_is_reduced_and_motion_followed() -> None:
    # given noise around a still point, then a steady movement
    rng = np.random.default_rng(0)
    f = OneEuroFilter(1.5, 4.0, 1.0)
    noisy = 100 + rng.normal(0, 2, 300)
    # when
    still = np.array([f(np.array([v]), i / 30, 100.0)[0] for i, v in enumerate(noisy)])
    g = OneEuroFilter(1.5, 4.0, 1.0)
    ramp = np.array([g(np.array([3.0 * i]), i / 30, 100.0)[0] for i in range(60)])
    # then the jitter drops by more than half, and the lag on a movement stays short
    assert np.std(still[30:]) < 0.5 * np.std(noisy[30:])
    lag_frames = (3.0 * 59 - ramp[-1]) / 3.0
    assert lag_frames < 4


def test_nan_entries_pass_through_and_restart() -> None:
    # given one entry missing for a while
    f = OneEuroFilter(1.5, 4.0, 1.0)
    f(np.array([1.0, 10.0]), 0.0)
    # when it is missing, then comes back far away
    gone = f(np.array([np.nan, 10.0]), 1 / 30)
    back = f(np.array([50.0, 10.0]), 2 / 30)
    # then NaN while missing, and it restarts at its new value; the other is untouched
    assert np.isnan(gone[0]) and gone[1] == 10.0
    assert back[0] == 50.0 and back[1] == 10.0


def test_reset_and_time_going_back() -> None:
    # given a filter that has followed a value
    f = OneEuroFilter(1.5, 4.0, 1.0)
    f(np.array([0.0]), 0.0)
    f(np.array([0.0]), 0.1)
    # when reset, or fed an older timestamp
    f.reset()
    after_reset = f(np.array([5.0]), 0.2)
    back_in_time = f(np.array([9.0]), 0.1)
    # then it starts again from the new value
    assert after_reset[0] == 5.0
    assert back_in_time[0] == 9.0


def test_scalar_filter_gives_the_array_filters_values_to_the_last_bit() -> None:
    # given both filters with random settings, fed the same samples: gaps, times that go
    # back or stand still, unknown (NaN) values, zero scales and resets
    rng = np.random.default_rng(7)
    mismatches = samples = 0
    for _ in range(100):
        settings = rng.uniform(0.1, 5.0, 3)
        a, b = OneEuroFilter(*settings), ScalarOneEuroFilter(*settings)
        t = 0.0
        for _ in range(150):
            t += float(rng.choice([0.033, 0.5, -0.1, 0.0])) if rng.random() < 0.15 else 0.033
            x = math.nan if rng.random() < 0.1 else float(rng.normal(0.4, 0.3))
            scale = float(rng.choice([1.0, 0.0, 3.7]))
            if rng.random() < 0.02:
                a.reset()
                b.reset()
            # when
            want, got = float(a(np.array([x]), t, scale)[0]), b(x, t, scale)
            # then
            samples += 1
            mismatches += not (want == got or (math.isnan(want) and math.isnan(got)))
    assert samples == 15000 and mismatches == 0
