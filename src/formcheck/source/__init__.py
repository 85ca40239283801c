"""Source stage: cameras, video files and photos as streams of :class:`VideoFrame`."""

from formcheck.source.sources import (
    CameraSource,
    FrameSource,
    ImageSource,
    SourceKind,
    VideoFileSource,
    VideoFrame,
    open_source,
)

__all__ = [
    "CameraSource",
    "FrameSource",
    "ImageSource",
    "SourceKind",
    "VideoFileSource",
    "VideoFrame",
    "open_source",
]
