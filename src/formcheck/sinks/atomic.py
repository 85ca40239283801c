"""Atomic output files: written under a temporary name, renamed into place on success.

A crash or Ctrl-C leaves no half-written output: the temporary file is removed and
any earlier file of that name is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path
from typing import IO

from formcheck.errors import OutputError


def prepare_output_dir(path: Path) -> list[Path]:
    """Create ``path`` (and parents) and check it is writable.

    Returns:
        The folders this call created, outermost first (empty when ``path`` existed):
        what :func:`output_dir` removes again when the work fails.

    Raises:
        OutputError: the folder cannot be created or written.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()][::-1]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{path}: cannot create the output folder ({err.strerror})") from err
    if not os.access(path, os.W_OK):
        raise OutputError(f"{path}: the output folder is not writable; choose another --out")
    return missing


def write_problem(folder: Path) -> str | None:
    """Why a new file cannot be made in ``folder`` (the system's words), or None when it
    can: tried with a scratch file that is removed at once, since permission bits do not
    tell (root ignores them; /proc, a full disk or a read-only mount refuse anyway)."""
    try:
        fd, name = tempfile.mkstemp(dir=folder, prefix=".formcheck-probe-")
    except OSError as err:
        return err.strerror or str(err)
    os.close(fd)
    os.unlink(name)
    return None


@contextlib.contextmanager
def output_dir(path: Path) -> Iterator[Path]:
    """:func:`prepare_output_dir` for a block of work: when the block fails (an error,
    Ctrl-C), the folders it created are removed again if they are still empty, so a
    failed run leaves nothing behind, not even an empty ``--out``."""
    created = prepare_output_dir(path)
    try:
        yield path
    except BaseException:
        for folder in reversed(created):
            with contextlib.suppress(OSError):
                folder.rmdir()  # only when empty
        raise


# What writing outputs can fail with: disk full, quota, read-only, permission, I/O, too big.
WRITE_ERRNOS = frozenset(
    (errno.ENOSPC, errno.EDQUOT, errno.EROFS, errno.EACCES, errno.EPERM, errno.EIO,
     errno.EFBIG))


def write_failure(err: OSError, out: Path) -> OutputError:
    """The one line for an output that could not be written (disk full, read-only,
    quota, permission): what failed, where, and what to do."""
    reason = err.strerror or str(err)
    return OutputError(f"{out}: writing the outputs failed ({reason}); nothing was kept. "
                       "Free some space or choose another --out")


@contextlib.contextmanager
def atomic_path(target: Path, suffix: str = ".part") -> Iterator[Path]:
    """Yield a temporary path beside ``target`` (ending in ``suffix``: a writer that
    picks its format from the name needs the target's own); on success it replaces
    ``target``, which is otherwise left as it was. Failures are the system's OSError:
    the caller says which output failed (:func:`reported_as`, :func:`write_failure`)."""
    prepare_output_dir(target.parent)
    fd, name = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=suffix)
    os.close(fd)
    tmp = Path(name)
    try:
        yield tmp
        os.chmod(tmp, 0o644)
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)


# ... and what making a file where there is no folder for it fails with (/proc, a gone folder)
MAKE_ERRNOS = WRITE_ERRNOS | {errno.ENOENT, errno.ENOTDIR, errno.EISDIR}


@contextlib.contextmanager
def reported_as(target: Path, option: str = "--out") -> Iterator[None]:
    """Turn a failure to make or write ``target`` (the system's OSError: a full disk, a
    read-only or missing folder) into one line naming it and ``option``; the output
    itself is left as it was (the writers are atomic)."""
    try:
        yield
    except OSError as err:
        if err.errno not in MAKE_ERRNOS:
            raise
        reason = err.strerror or str(err)
        full = err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
        todo = f"free some space or choose another {option}" if full else f"choose another {option}"
        raise OutputError(f"{target}: cannot write it ({reason}); what was there is kept; "
                          f"{todo}") from err


@contextlib.contextmanager
def atomic_text(target: Path) -> Iterator[IO[str]]:
    """Open a text file for writing that appears at ``target`` only when complete."""
    with atomic_path(target) as tmp, tmp.open("w", encoding="utf-8") as fh:
        yield fh


def check_not_input(target: Path, inputs: list[Path]) -> None:
    """Refuse to write over an input file.

    Raises:
        OutputError: ``target`` is one of ``inputs``.
    """
    resolved = target.resolve()
    for path in inputs:
        if path.exists() and path.resolve() == resolved:
            raise OutputError(f"{target}: is an input; refusing to overwrite it")
