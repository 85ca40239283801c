"""Sink stage: annotated video, JSON lines, summary and report files, all written atomically."""
