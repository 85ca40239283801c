"""Choices the front ends offer, which a command line declares before it imports them.

Kept apart from the front ends themselves so that declaring the command line (and
``formcheck --help``) imports nothing heavy.
"""

from __future__ import annotations

from enum import StrEnum

DEFAULT_FPS = 15.0
"""Frames analysed per second by ``analyze`` and ``grade`` (see :mod:`.analyze`)."""
DEFAULT_VIDEO_HEIGHT = 720
"""Maximum height of the annotated video, px (see :mod:`.analyze`)."""


# Each command's pose model variant when neither --model-variant nor the settings name
# one (README, The pose model, has the measurement behind each).
DEFAULT_VARIANTS = {"live": "full", "analyze": "full", "grade": "full", "roller": "full",
                    "landmarks": "full"}


class EngineName(StrEnum):
    """Where ``grade`` grades its clips."""

    LOCAL = "local"
    RAY = "ray"
