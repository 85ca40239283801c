"""Source stage: cameras, video files and photos as streams of :class:`VideoFrame`."""

from formcheck.source.sources import (
    IMAGE_SUFFIXES,
    MEDIA_SUFFIXES,
    VIDEO_SUFFIXES,
    CameraSource,
    FrameSource,
    ImageSource,
    SourceKind,
    VideoFileSource,
    VideoFrame,
    open_source,
)

__all__ = [
    "IMAGE_SUFFIXES",
    "MEDIA_SUFFIXES",
    "VIDEO_SUFFIXES",
    "CameraSource",
    "FrameSource",
    "ImageSource",
    "SourceKind",
    "VideoFileSource",
    "VideoFrame",
    "open_source",
]
