"""The roller's colour hint: parsed from ``--roller-color`` or learnt by calibration.

Pure Python/numpy (cv2 only inside :meth:`ColorHint.lab`). Colours given by the user
are RGB (as in CSS: ``#1e5aff`` or ``30,90,255``); internally they are kept BGR, the
order of OpenCV images.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray

from formcheck.errors import UsageError

# Common foam-roller colours by name, RGB.
NAMED_COLORS: dict[str, tuple[int, int, int]] = {
    "black": (35, 35, 35),
    "grey": (128, 128, 128),
    "gray": (128, 128, 128),
    "white": (225, 225, 225),
    "blue": (40, 110, 220),
    "lightblue": (110, 170, 230),
    "navy": (30, 40, 110),
    "red": (210, 40, 40),
    "orange": (240, 130, 30),
    "yellow": (230, 210, 40),
    "green": (60, 170, 70),
    "purple": (150, 70, 170),
    "pink": (235, 110, 170),
}

# How far (CIE Lab distance, 8-bit OpenCV scale) a pixel may be from the hint colour:
# wide enough for shading across a cylinder and for a dim room, narrow enough to
# separate a blue roller from a grey mat.
DEFAULT_TOLERANCE = 45.0


@dataclass(frozen=True, slots=True)
class ColorHint:
    """The roller's look: a colour and how far from it a roller pixel may be.

    Attributes:
        bgr: (blue, green, red) 0..255.
        tolerance: largest Lab distance (OpenCV 8-bit Lab units) of a roller pixel.
        name: the text it was parsed from, for messages.
    """

    bgr: tuple[int, int, int]
    tolerance: float = DEFAULT_TOLERANCE
    name: str = ""

    def __post_init__(self) -> None:
        if len(self.bgr) != 3 or not all(0 <= int(c) <= 255 for c in self.bgr):
            raise ValueError(f"ColorHint.bgr must be three values 0..255, got {self.bgr!r}")
        if not self.tolerance > 0:
            raise ValueError(f"ColorHint.tolerance must be > 0, got {self.tolerance!r}")

    @classmethod
    def parse(cls, text: str) -> ColorHint:
        """A hint from a colour name (``blue``), ``#rrggbb`` or ``r,g,b`` (RGB, 0..255).

        Raises:
            UsageError: the text is none of those, with what was expected.
        """
        raw = text.strip().lower().replace(" ", "")
        rgb: tuple[int, int, int] | None = None
        if raw in NAMED_COLORS:
            rgb = NAMED_COLORS[raw]
        elif re.fullmatch(r"#?[0-9a-f]{6}", raw):
            h = raw.lstrip("#")
            rgb = (int(h[0:2], 16), int(h[2:4], 16), int(h[4:6], 16))
        elif re.fullmatch(r"\d{1,3},\d{1,3},\d{1,3}", raw):
            r, g, b = (int(v) for v in raw.split(","))
            if max(r, g, b) <= 255:
                rgb = (r, g, b)
        if rgb is None:
            names = ", ".join(sorted(set(NAMED_COLORS)))
            raise UsageError(
                f"--roller-color: expected a colour name ({names}), #rrggbb or r,g,b "
                f"with values 0-255, got {text!r}"
            )
        return cls(bgr=(rgb[2], rgb[1], rgb[0]), name=text.strip())

    @property
    def rgb(self) -> tuple[int, int, int]:
        """(red, green, blue) 0..255."""
        return (self.bgr[2], self.bgr[1], self.bgr[0])

    def lab(self) -> NDArray[np.float64]:
        """The colour in OpenCV's 8-bit Lab, float (3,)."""
        from formcheck.lazy import cv2 as _cv2

        cv2 = _cv2()
        px = np.array([[self.bgr]], dtype=np.uint8)
        return np.asarray(cv2.cvtColor(px, cv2.COLOR_BGR2LAB)[0, 0], dtype=np.float64)
