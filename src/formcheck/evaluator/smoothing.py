"""One Euro filter (Casiez, Roussel, Vogel 2012), vectorised over any array shape.

The filter is a first-order low-pass whose cut-off rises with speed:
``cutoff = min_cutoff + beta * |speed|``. Jitter at rest is removed, and lag stays
small while moving. Here the speed is measured in *body lengths per second* (the
caller passes a scale, e.g. the torso length in px), so the filter behaves the same
whatever the person's size in the image.

NaN entries (a landmark not seen) pass through as NaN and do not disturb the other
entries; when an entry comes back it restarts from its new value.
"""

from __future__ import annotations

import math

import numpy as np
from numpy.typing import NDArray

FloatArray = NDArray[np.float64]


def _alpha(cutoff_hz: FloatArray | float, dt_s: float) -> FloatArray | float:
    tau = 1.0 / (2.0 * math.pi * np.asarray(cutoff_hz))
    return 1.0 / (1.0 + tau / dt_s)


class _Settings:
    """A One Euro filter's settings (Hz; ``beta`` in Hz per scale unit per second); it
    starts with no past (``reset``)."""

    def __init__(self, min_cutoff_hz: float, beta: float, d_cutoff_hz: float) -> None:
        self.min_cutoff_hz = min_cutoff_hz
        self.beta = beta
        self.d_cutoff_hz = d_cutoff_hz
        self.reset()

    def reset(self) -> None:
        """Forget the past (the person was lost)."""
        raise NotImplementedError


class OneEuroFilter(_Settings):
    """One Euro filter over arrays of a fixed shape.

    Args:
        min_cutoff_hz: cut-off at rest, Hz.
        beta: how fast the cut-off rises with speed, Hz per (scale unit per second).
        d_cutoff_hz: cut-off of the speed estimate, Hz.
    """

    _x: FloatArray | None
    _dx: FloatArray | None
    _t: float | None

    def reset(self) -> None:
        """Forget the past (the person was lost)."""
        self._x = None
        self._dx = None
        self._t = None

    def __call__(self, x: FloatArray, t_s: float, scale: float = 1.0) -> FloatArray:
        """Filter one sample.

        Args:
            x: the raw values (any shape, the same every call); NaN where unknown.
            t_s: the sample's time, s; a time not after the previous one resets.
            scale: the unit of speed for ``beta`` in the units of ``x`` (e.g. px per
                torso length); must be positive.
        Returns:
            The filtered values (a new array), NaN where ``x`` is NaN.
        """
        x = np.asarray(x, dtype=np.float64)
        if self._x is None or self._t is None or self._x.shape != x.shape or t_s <= self._t:
            self._x = x.copy()
            self._dx = np.zeros_like(x)
            self._t = t_s
            return x.copy()
        assert self._dx is not None
        dt = t_s - self._t
        self._t = t_s
        prev = self._x
        missing = np.isnan(x)
        fresh = np.isnan(prev) & ~missing
        # the np.where calls only where they change something (most frames they do not)
        any_fresh = bool(fresh.any())
        if any_fresh:
            prev = np.where(fresh, x, prev)
        dx_raw = (x - prev) / dt
        a_d = _scalar_alpha(self.d_cutoff_hz, dt)
        dx = self._dx + a_d * (dx_raw - self._dx)
        if any_fresh:
            dx = np.where(fresh, 0.0, dx)
        speed = np.abs(dx) / (scale if scale > 0 else 1.0)
        cutoff = self.min_cutoff_hz + self.beta * speed
        a = _alpha(cutoff, dt)
        out = prev + a * (x - prev)
        self._x = np.where(missing, np.nan, out) if missing.any() else out
        self._dx = np.where(missing | np.isnan(dx), 0.0, dx)
        return self._x.copy()


class ScalarOneEuroFilter(_Settings):
    """:class:`OneEuroFilter` over one value, in plain floats: the same arithmetic in the
    same order, so the same result to the last bit, without numpy's call overhead on a
    one-element array (the roller's place is filtered every frame). Its settings as
    :class:`OneEuroFilter`'s.
    """

    _x: float | None
    _dx: float
    _t: float | None

    def reset(self) -> None:
        """Forget the past (the person was lost)."""
        self._x = None
        self._dx = 0.0
        self._t = None

    def __call__(self, x: float, t_s: float, scale: float = 1.0) -> float:
        """Filter one sample, as :meth:`OneEuroFilter.__call__` does a one-element array.

        Args:
            x: the raw value; NaN where unknown.
            t_s: the sample's time, s; a time not after the previous one resets.
            scale: the unit of speed for ``beta`` in the units of ``x``; positive.
        Returns:
            The filtered value, NaN where ``x`` is NaN.
        """
        x = float(x)
        if self._x is None or self._t is None or t_s <= self._t:
            self._x, self._dx, self._t = x, 0.0, t_s
            return x
        dt = t_s - self._t
        self._t = t_s
        prev = self._x
        fresh = math.isnan(prev) and not math.isnan(x)
        if fresh:
            prev = x
        dx_raw = (x - prev) / dt
        a_d = _scalar_alpha(self.d_cutoff_hz, dt)
        dx = self._dx + a_d * (dx_raw - self._dx)
        if fresh:
            dx = 0.0
        speed = abs(dx) / (scale if scale > 0 else 1.0)
        a = _scalar_alpha(self.min_cutoff_hz + self.beta * speed, dt)
        out = prev + a * (x - prev)
        missing = math.isnan(x)
        self._x = math.nan if missing else out
        self._dx = 0.0 if missing or math.isnan(dx) else dx
        return self._x


def _scalar_alpha(cutoff_hz: float, dt_s: float) -> float:
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / dt_s)
