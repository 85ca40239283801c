"""Keeping the native runtime's log lines (MediaPipe, LiteRT/TFLite, absl) off the terminal.

What was measured (mediapipe 1.2.3, one landmarker created, fed 60 frames, closed):
three native loggers write straight to file descriptor 2, bypassing Python:

- LiteRT's: ``INFO: [environment.cc:36] Creating LiteRT environment with options``,
  ``WARNING: [model_load.cc:402] Sparsity tensors ...`` (38 lines) when a graph is
  built, ``INFO: [accelerator_registry.cc:43] DestroyAccelerator: ...`` when it is
  closed;
- TFLite's: ``INFO: Created TensorFlow Lite XNNPACK delegate for CPU.``;
- absl's: ``WARNING: Logging before InitGoogle() is written to STDERR`` and
  ``W0000 00:00:1796430942.451719 9817 inference_runner_litert.cc:1433] ...`` on the
  first frame only (later frames log nothing).

No environment variable changes them: with ``GLOG_minloglevel=3
TF_CPP_MIN_LOG_LEVEL=3``, ``ABSL_MIN_LOG_LEVEL=3 GLOG_stderrthreshold=3`` or
``LITERT_LOG_LEVEL=3 TFLITE_LOG_SEVERITY=3`` the run prints the same 98 lines; the
library exports no severity setter (its one logging entry point, ``MpSetLoggingCallback``,
adds an absl sink *beside* stderr). A model that fails adds absl's multi-line reports
(``E0000 ... RET_CHECK failure``, a ``Stack trace:`` of native frames) before the
Python exception that formcheck turns into its own message.

So the only depth that works is the file descriptor. :func:`quiet_native_stderr`,
around the native calls that log (building a graph, its first frame, closing it),
points fd 2 at a temporary file and, for the same moment, gives Python's
``sys.stderr`` a stream of its own on the real stderr: whatever Python prints
meanwhile (another thread's progress bar or message) reaches the terminal at once,
and what reaches fd 2 is the native code's. Afterwards that is shown up to its first
native log line and dropped from there (a native report's continuation lines can say
anything, so nothing after its first line can be told apart from it).

``FORMCHECK_VERBOSE=1`` (``formcheck --verbose``) leaves fd 2 alone, so every native
line shows; ``FORMCHECK_DEBUG=1``, the older name, does the same.
"""

from __future__ import annotations

import contextlib
import io
import os
import re
import sys
import tempfile
import threading
from collections.abc import Iterator
from dataclasses import dataclass
from typing import TextIO

VERBOSE_ENV = "FORMCHECK_VERBOSE"
_ALIASES = (VERBOSE_ENV, "FORMCHECK_DEBUG")

# A line the native loggers wrote: LiteRT's and TFLite's "SEVERITY: ..." (the only
# severities they print), absl's "W1205 00:33:37.451719    9817 file.cc:12] ..." (before
# absl is initialised, which mediapipe never does, the time reads "00:00:1796430942.451719").
_NATIVE_LINE = re.compile(
    rb"^(?:(?:VERBOSE|DEBUG|INFO|WARNING|ERROR): "
    rb"|[IWEF]\d{4} [\d:.]+ +\d+ [^\s\]]+:\d+\] )"
)

_LOCK = threading.RLock()
_depth = 0  # nesting of quiet sections (guarded by _LOCK): only the outermost redirects


def verbose() -> bool:
    """Whether the user asked to see the native libraries' own log lines."""
    return any(os.environ.get(name, "") not in ("", "0") for name in _ALIASES)


def is_native_log_line(line: bytes) -> bool:
    """Whether ``line`` (one line of stderr) is in a native logger's format."""
    return _NATIVE_LINE.match(line) is not None


def before_native_lines(data: bytes) -> bytes:
    """What ``data`` (written to fd 2) holds before its first native log line."""
    start = 0
    for line in data.splitlines(keepends=True):
        if is_native_log_line(line):
            return data[:start]
        start += len(line)
    return data


@dataclass
class Captured:
    """What fd 2 received inside a :func:`quiet_native_stderr` block that reads it."""

    data: bytes = b""


@contextlib.contextmanager
def quiet_native_stderr(*, read: bool = False) -> Iterator[Captured]:
    """Keep the native loggers' lines off stderr while the block runs.

    Safe to nest and to enter from several threads (one redirect at a time; a second
    thread waits for the first to finish its native call, a fraction of a second).
    Does nothing when :func:`verbose`, or where fd 2 is not open.

    ``read``: the caller reads what fd 2 received (the yielded :class:`Captured`, filled
    when the block ends; a decoder's warnings, say) and none of it is shown, or all of
    it with :func:`verbose`. Nested in another quiet block it reads nothing (the outer
    block has it).
    """
    global _depth
    captured = Captured()
    if verbose() and not read:
        yield captured
        return
    with _LOCK:
        if _depth:
            _depth += 1
            try:
                yield captured
            finally:
                _depth -= 1
            return
        try:
            saved = os.dup(2)
        except OSError:  # no fd 2 at all (a daemon): nothing to keep clean
            yield captured
            return
        _depth = 1
        try:
            with tempfile.TemporaryFile() as sink:
                _flush(sys.stderr, sys.__stderr__)
                python_stream = _python_stderr_to(saved)
                os.dup2(sink.fileno(), 2)
                try:
                    yield captured
                finally:
                    os.dup2(saved, 2)
                    _python_stderr_back(python_stream)
                    sink.seek(0)
                    data = sink.read()
                    if read:
                        captured.data = data
                    _write_all(2, (data if verbose() else b"") if read
                               else before_native_lines(data))
        finally:
            os.close(saved)
            _depth = 0


def _python_stderr_to(fd: int) -> tuple[TextIO, TextIO] | None:
    """Point ``sys.stderr`` at ``fd`` when it writes to fd 2 now; return (old, new)."""
    old = sys.stderr
    try:
        if old is None or old.fileno() != 2:
            return None  # already elsewhere (a test's capture): native output is not in it
    except (AttributeError, OSError, ValueError):
        return None
    # A descriptor of its own, closed when the stream is collected: a thread that took
    # this stream just before it is put back may still write to it afterwards.
    new = io.TextIOWrapper(
        io.FileIO(os.dup(fd), "w", closefd=True), encoding=old.encoding,
        errors=old.errors or "backslashreplace", line_buffering=True, write_through=True,
    )
    sys.stderr = new
    return old, new


def _python_stderr_back(swapped: tuple[TextIO, TextIO] | None) -> None:
    if swapped is None:
        return
    old, new = swapped
    _flush(new)
    if sys.stderr is new:  # unless someone else replaced it meanwhile
        sys.stderr = old


def _flush(*streams: TextIO | None) -> None:
    """Push what Python buffered for these streams to their file descriptors."""
    for stream in streams:
        with contextlib.suppress(AttributeError, OSError, ValueError):
            if stream is not None:
                stream.flush()


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        try:
            written = os.write(fd, view)
        except OSError:  # stderr closed or a broken pipe: nothing more to show
            return
        view = view[written:]
