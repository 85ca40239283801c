"""One exception hierarchy for the library.

The CLI turns every :class:`FormcheckError` into one line on stderr and the
error's ``exit_code``; anything else is a bug and keeps its traceback.
"""

from __future__ import annotations


class FormcheckError(Exception):
    """Base of every error a user can cause or fix. ``str(err)`` is the one line shown."""

    exit_code: int = 1


class UsageError(FormcheckError):
    """The command line or a configuration value is wrong."""

    exit_code = 2


class InputNotFoundError(FormcheckError):
    """An input path does not exist (a problem with an input: exit code 1, as when one
    of several inputs is missing)."""


class UnsupportedInputError(FormcheckError):
    """A file exists but is neither a readable image nor a readable video."""


class CorruptVideoError(FormcheckError):
    """A video file opens but cannot be decoded (truncated, damaged, zero frames)."""


class CameraError(FormcheckError):
    """A camera cannot be opened or stopped delivering frames."""


class ModelError(FormcheckError):
    """The pose model bundle is missing, broken, or cannot be fetched."""


class ConfigError(UsageError):
    """A configuration file is unreadable or holds an invalid value."""


class OutputError(FormcheckError):
    """An output cannot be written (folder not writable, would overwrite an input)."""
