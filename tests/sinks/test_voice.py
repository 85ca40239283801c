"""Spoken cues: real audio from espeak-ng, a mailbox where the newest cue wins, rate limits."""

from __future__ import annotations

import shutil
import threading
import time
import wave
from pathlib import Path

import numpy as np
import pytest

from formcheck.sinks.voice import Voice, synthesize_wav

needs_espeak = pytest.mark.skipif(
    shutil.which("espeak-ng") is None,
    reason="espeak-ng is not installed (apt-get install espeak-ng)",
)


@needs_espeak
def test_a_cue_becomes_audio_that_is_not_silence(tmp_path: Path) -> None:
    # when: a cue is synthesised to a WAV file
    wav = synthesize_wav("Bend your knees", tmp_path / "cue.wav")
    # then: about a second of 16-bit audio, well above silence
    with wave.open(str(wav)) as fh:
        assert fh.getsampwidth() == 2
        frames = fh.readframes(fh.getnframes())
        seconds = fh.getnframes() / fh.getframerate()
    samples = np.frombuffer(frames, dtype=np.int16).astype(np.float64)
    rms = float(np.sqrt(np.mean(samples**2)))
    assert 0.4 < seconds < 5.0
    assert rms > 500.0, f"RMS {rms:.0f} is near silence"  # silence is ~0, speech ~thousands
    assert np.abs(samples).max() > 5000


class _Recorder:
    """A fake backend: records texts; each 'utterance' takes ``busy_s``."""

    def __init__(self, busy_s: float = 0.0) -> None:
        self.texts: list[str] = []
        self.busy_s = busy_s
        self.started = threading.Event()

    def __call__(self, text: str) -> None:
        self.texts.append(text)
        self.started.set()
        time.sleep(self.busy_s)


def test_say_never_blocks_and_the_newest_cue_wins() -> None:
    # given: a voice that is busy speaking a long utterance
    backend = _Recorder(busy_s=0.3)
    voice = Voice(speak=backend, min_gap_s=0.0, repeat_s=10.0)
    try:
        voice.say("first")
        assert backend.started.wait(2.0)
        # when: three cues arrive while it speaks
        t0 = time.perf_counter()
        for text in ("second", "third", "fourth"):
            voice.say(text)
        elapsed = time.perf_counter() - t0
        assert voice.wait_idle(3.0)
    finally:
        voice.close()
    # then: say() returned at once and only the newest waiting cue was spoken
    assert elapsed < 0.05
    assert backend.texts == ["first", "fourth"]


def test_rate_limits_gap_and_no_repeat() -> None:
    # given: a fake clock and a voice that has just spoken
    now = [100.0]
    backend = _Recorder()
    voice = Voice(speak=backend, min_gap_s=3.0, repeat_s=8.0, clock=lambda: now[0])
    try:
        assert voice.say("Bend your knees")
        assert voice.wait_idle(2.0)
        # when: another cue 1 s later (within the 3 s gap)
        now[0] = 101.0
        assert voice.say("Roll slower")
        time.sleep(0.3)
        held_back = list(backend.texts)
        # then it is spoken once the gap has passed
        now[0] = 103.1
        assert voice.wait_idle(3.0)
        # when: the first cue again within its 8 s repeat interval, and after it
        now[0] = 106.0
        repeated_early = voice.say("Bend your knees")
        now[0] = 108.5
        repeated_later = voice.say("Bend your knees")
        assert voice.wait_idle(3.0)
    finally:
        voice.close()
    assert held_back == ["Bend your knees"]
    assert repeated_early is False and repeated_later is True
    assert backend.texts == ["Bend your knees", "Roll slower", "Bend your knees"]


def test_voice_off_and_toggle() -> None:
    backend = _Recorder()
    voice = Voice(enabled=False, speak=backend, min_gap_s=0.0)
    try:
        assert voice.say("Bend your knees") is False
        assert voice.toggle() is True
        assert voice.say("Bend your knees") is True
        assert voice.wait_idle(2.0)
    finally:
        voice.close()
    assert backend.texts == ["Bend your knees"]


def test_missing_espeak_disables_voice_with_one_warning(monkeypatch: pytest.MonkeyPatch) -> None:
    # given: no espeak-ng on PATH
    monkeypatch.setenv("PATH", "/nonexistent")
    warnings: list[str] = []
    # when
    voice = Voice(warn=warnings.append)
    try:
        # then: one line, voice off, say() is harmless
        assert len(warnings) == 1 and "espeak-ng" in warnings[0]
        assert voice.enabled is False
        assert voice.say("Bend your knees") is False
    finally:
        voice.close()
