"""Spoken cues: offline text-to-speech (espeak-ng) on a worker thread.

Someone lying on a roller cannot read a screen, so ``live`` speaks its cues. Speech
must never stall the video: :meth:`Voice.say` only drops the text into a one-slot
mailbox (the newest text wins) and returns at once; a worker thread speaks, one
utterance at a time, at a lower CPU priority than the video loop.

Rate limits: at most one utterance per ``min_gap_s`` (3 s), and the same text not
again within ``repeat_s`` (the evaluator's cue repeat interval, 8 s by default) unless
the caller forces it. Where espeak-ng is missing, voice is off with one warning line.
"""

from __future__ import annotations

import shutil
import subprocess
import threading
import time
from collections.abc import Callable
from pathlib import Path

from formcheck.errors import FormcheckError
from formcheck.ui import say as _say

ESPEAK = "espeak-ng"
SPEECH_RATE_WPM = 150
MIN_GAP_S = 3.0
REPEAT_S = 8.0
SPEAK_TIMEOUT_S = 20.0


class VoiceError(FormcheckError):
    """Speech cannot be synthesised (no espeak-ng, or it failed)."""


def espeak_path() -> str | None:
    """The espeak-ng program, or None where it is not installed."""
    return shutil.which(ESPEAK)


def synthesize_wav(text: str, path: Path, *, rate_wpm: int = SPEECH_RATE_WPM) -> Path:
    """Speak ``text`` into a WAV file at ``path`` (for tests and previews).

    Raises:
        VoiceError: espeak-ng is missing or failed.
    """
    exe = espeak_path()
    if exe is None:
        raise VoiceError("espeak-ng is not installed; install it for spoken cues")
    try:
        subprocess.run(
            [exe, "-s", str(rate_wpm), "-w", str(path), text],
            check=True, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE,
            timeout=SPEAK_TIMEOUT_S,
        )
    except (OSError, subprocess.SubprocessError) as err:
        raise VoiceError(f"espeak-ng could not synthesise speech ({err})") from err
    return path


def speak_espeak(text: str) -> None:
    """Speak ``text`` aloud with espeak-ng (blocks until done; low CPU priority)."""
    exe = espeak_path()
    if exe is None:
        return
    nice = shutil.which("nice")  # below the video loop's priority
    prefix = [nice, "-n", "10"] if nice else []
    subprocess.run(
        [*prefix, exe, "-s", str(SPEECH_RATE_WPM), text],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=SPEAK_TIMEOUT_S,
        check=False,
    )


class Voice:
    """A speaking worker with a one-slot mailbox (newest text wins) and rate limits.

    Args:
        enabled: start speaking (``v`` in live toggles it).
        speak: the backend, ``text -> None``, blocking while it speaks; default espeak-ng.
        min_gap_s: at least this long between the starts of two utterances, s.
        repeat_s: the same text is not spoken again within this time, s.
        warn: where the one warning line goes when espeak-ng is missing.
        clock: monotonic seconds (tests pass a fake).
    """

    def __init__(
        self,
        enabled: bool = True,
        *,
        speak: Callable[[str], None] | None = None,
        min_gap_s: float = MIN_GAP_S,
        repeat_s: float = REPEAT_S,
        warn: Callable[[str], None] = _say,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.min_gap_s = min_gap_s
        self.repeat_s = repeat_s
        self._clock = clock
        self.available = True
        if speak is None:
            if espeak_path() is None:
                self.available = False
                if enabled:
                    warn("formcheck: warning: espeak-ng not found; spoken cues are off "
                         "(install espeak-ng to hear them)")
            speak = speak_espeak
        self._speak = speak
        self._enabled = enabled and self.available
        self._cond = threading.Condition()
        self._pending: str | None = None
        self._last_start = -1e9
        self._last_said: dict[str, float] = {}
        self._stopping = False
        self.spoken: list[str] = []  # what was spoken, in order (for tests and logs)
        self.busy = False
        self._thread = threading.Thread(target=self._run, name="voice", daemon=True)
        self._thread.start()

    @property
    def enabled(self) -> bool:
        """Whether texts given to :meth:`say` are spoken."""
        return self._enabled

    @enabled.setter
    def enabled(self, value: bool) -> None:
        with self._cond:
            self._enabled = bool(value) and self.available
            if not self._enabled:
                self._pending = None

    def toggle(self) -> bool:
        """Switch voice on or off; the new state."""
        self.enabled = not self._enabled
        return self._enabled

    def say(self, text: str, *, force: bool = False) -> bool:
        """Queue ``text`` (replacing any text not yet spoken); never blocks.

        Returns False when voice is off or the same text was spoken within
        ``repeat_s`` (``force`` skips that check).
        """
        if not text:
            return False
        with self._cond:
            if not self._enabled or self._stopping:
                return False
            last = self._last_said.get(text)
            if not force and last is not None and self._clock() - last < self.repeat_s:
                return False
            self._pending = text
            self._cond.notify()
            return True

    def _run(self) -> None:
        while True:
            with self._cond:
                while not self._stopping and (
                    self._pending is None
                    or self._clock() - self._last_start < self.min_gap_s
                ):
                    wait = None
                    if self._pending is not None:
                        wait = max(self.min_gap_s - (self._clock() - self._last_start), 0.01)
                    self._cond.wait(wait if wait is not None else 0.5)
                if self._stopping:
                    return
                text, self._pending = self._pending, None
                assert text is not None
                now = self._clock()
                self._last_start = now
                self._last_said[text] = now
                self.spoken.append(text)
                self.busy = True
            try:
                self._speak(text)
            except (OSError, subprocess.SubprocessError):
                pass  # a failed utterance must never end a session
            finally:
                self.busy = False

    def wait_idle(self, timeout: float = 5.0) -> bool:
        """Wait until nothing is queued or being spoken (tests); True if idle."""
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            with self._cond:
                if self._pending is None and not self.busy:
                    return True
            time.sleep(0.01)
        return False

    def close(self) -> None:
        """Stop the worker (an utterance under way finishes in the background)."""
        with self._cond:
            self._stopping = True
            self._pending = None
            self._cond.notify_all()
        self._thread.join(timeout=0.2)

