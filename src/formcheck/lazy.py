"""Lazy imports of the heavy native modules, with their console chatter turned down."""

from __future__ import annotations

import os
from typing import Any


def cv2() -> Any:
    """Import OpenCV on first use; its own and FFmpeg's log lines are silenced.

    formcheck reports problems itself, as one clear line; set FORMCHECK_VERBOSE=1
    (``formcheck --verbose``) to see OpenCV's and FFmpeg's messages too.
    """
    from formcheck.pose.native_log import verbose

    if not verbose():
        os.environ.setdefault("OPENCV_LOG_LEVEL", "OFF")
        os.environ.setdefault("OPENCV_FFMPEG_LOGLEVEL", "-8")
        os.environ.setdefault("OPENCV_VIDEOIO_PRIORITY_OBSENSOR", "0")
    import cv2 as module

    return module
