"""Procedural image textures made with numpy (cheaper to render than shader noise).

Every function returns an (h, w, 3) float array, linear RGB 0..1, deterministic from its seed.
"""

from __future__ import annotations

import numpy as np

F = np.ndarray


def _noise(rng: np.random.Generator, h: int, w: int, scale: int) -> F:
    """Smooth value noise: a coarse random grid, upsampled bilinearly."""
    gh, gw = max(h // scale, 2), max(w // scale, 2)
    g = rng.random((gh + 1, gw + 1))
    ys = np.linspace(0, gh, h, endpoint=False)
    xs = np.linspace(0, gw, w, endpoint=False)
    y0, x0 = ys.astype(int), xs.astype(int)
    fy, fx = (ys - y0)[:, None], (xs - x0)[None, :]
    a = g[y0][:, x0]
    b = g[y0][:, x0 + 1]
    c = g[y0 + 1][:, x0]
    d = g[y0 + 1][:, x0 + 1]
    return a * (1 - fy) * (1 - fx) + b * (1 - fy) * fx + c * fy * (1 - fx) + d * fy * fx


def _tint(base: F, shade: F) -> F:
    return np.clip(base[None, None, :] * shade[..., None], 0.0, 1.0)


def floor_texture(kind: str, color: tuple[float, float, float], seed: int,
                  size: int = 512) -> F:
    """A floor: wood (planks), carpet, tiles, concrete, or plain."""
    rng = np.random.default_rng(seed)
    c = np.asarray(color, dtype=float)
    h = w = size
    if kind == "wood":
        planks = 6
        shade = np.ones((h, w))
        pw = h // planks
        for i in range(planks):
            tone = 0.8 + 0.35 * rng.random()
            grain = _noise(rng, pw, w, 6)[:, :] * 0.25 + 0.85
            streak = 0.92 + 0.08 * np.sin(np.linspace(0, 40 + 30 * rng.random(), w))[None, :]
            shade[i * pw:(i + 1) * pw] = tone * grain * streak
            shade[i * pw:i * pw + 2] *= 0.55  # the seam between planks
            cut = int(rng.integers(w))
            shade[i * pw:(i + 1) * pw, cut:cut + 2] *= 0.6
        return _tint(c, shade)
    if kind == "carpet":
        shade = 0.85 + 0.2 * _noise(rng, h, w, 3) + 0.1 * rng.random((h, w))
        return _tint(c, shade)
    if kind == "tiles":
        shade = 0.95 + 0.1 * _noise(rng, h, w, 64)
        n = 4
        t = h // n
        for i in range(n + 1):
            shade[max(i * t - 2, 0):i * t + 2, :] = 0.55
            shade[:, max(i * t - 2, 0):i * t + 2] = 0.55
        return _tint(c, shade)
    if kind == "concrete":
        shade = 0.8 + 0.25 * _noise(rng, h, w, 48) + 0.08 * _noise(rng, h, w, 4)
        return _tint(c, shade)
    return _tint(c, np.ones((h, w)) * (0.97 + 0.06 * _noise(rng, h, w, 128)))


def roller_texture(pattern: str, color: tuple[float, float, float], seed: int) -> F:
    """A roller's surface, unrolled: u round the roller, v along it."""
    rng = np.random.default_rng(seed)
    c = np.asarray(color, dtype=float)
    h, w = 256, 512
    shade = 0.93 + 0.1 * _noise(rng, h, w, 8)
    img = _tint(c, shade)
    light = np.clip(c * 0.45 + 0.5, 0, 1)
    dark = c * 0.35
    if pattern == "grid":
        # a raised grid of blocks, like textured rollers
        for i in range(0, w, 32):
            img[:, i:i + 6] = dark
        for j in range(0, h, 32):
            img[j:j + 6, :] = dark
    elif pattern == "stripes":
        for i in range(0, h, 48):
            img[i:i + 16, :] = light
    elif pattern == "dots":
        yy, xx = np.mgrid[0:h, 0:w]
        m = ((yy % 32 - 16) ** 2 + (xx % 32 - 16) ** 2) < 36
        img[m] = light
    return img


def wall_texture(color: tuple[float, float, float], seed: int) -> F:
    """A painted wall with faint unevenness."""
    rng = np.random.default_rng(seed)
    c = np.asarray(color, dtype=float)
    return _tint(c, 0.95 + 0.08 * _noise(rng, 256, 256, 64))
