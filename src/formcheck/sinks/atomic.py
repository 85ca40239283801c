"""Atomic output files: written under a temporary name, renamed into place on success.

A crash or Ctrl-C leaves no half-written output: the temporary file is removed and
any earlier file of that name is left as it was.
"""

from __future__ import annotations

import contextlib
import errno
import os
import signal
import stat
import tempfile
import threading
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import IO

from formcheck.errors import OutputError


def prepare_output_dir(path: Path, option: str = "--out") -> list[Path]:
    """Create ``path`` (and parents) and check it takes new files (:func:`write_problem`).

    Returns:
        The folders this call created, outermost first (empty when ``path`` existed):
        what :func:`output_dir` removes again when the work fails.

    Raises:
        OutputError: the folder cannot be created or written; the line names ``option``.
    """
    missing = [p for p in (path, *path.parents) if not p.exists()][::-1]
    try:
        path.mkdir(parents=True, exist_ok=True)
    except OSError as err:
        raise OutputError(f"{path}: cannot create the output folder ({err.strerror}); "
                          f"choose another {option}") from err
    if (problem := write_problem(path)) is not None:
        raise OutputError(f"{path}: the output folder takes no new files ({problem}); "
                          f"choose another {option}")
    return missing


def check_out_folder(folder: Path, option: str = "--out", named: Path | None = None) -> None:
    """Before any work: ``folder`` (or, where it is not there yet, the nearest folder
    above it, where it would be made) is a folder that takes new files. ``named``: the
    path the user gave, for the message (default ``folder``).

    Raises:
        OutputError: a file is there, or the folder takes no files (read-only, /proc).
    """
    said = f"{option} {named or folder}"
    existing = next((p for p in (folder, *folder.parents) if p.exists()), None)
    if existing is None:
        return
    if not existing.is_dir():
        # name the file itself unless it is the path the user gave
        where = "is a file" if existing == (named or folder) else f"{existing} is a file"
        raise OutputError(f"{said}: {where}, not a folder; choose another {option}")
    if (problem := write_problem(existing)) is not None:
        raise OutputError(f"{said}: cannot write there ({problem}); choose another {option}")


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
    todo = remedy(err, "--out")
    return OutputError(f"{out}: writing the outputs failed ({reason}); nothing was kept. "
                       f"{todo[0].upper()}{todo[1:]}")


def remedy(err: OSError, option: str) -> str:
    """What to do about a failed write: free space where the disk or quota is full, else
    another place."""
    full = err.errno in (errno.ENOSPC, errno.EDQUOT, errno.EFBIG)
    return f"free some space or choose another {option}" if full else f"choose another {option}"


def _umask() -> int:
    """The process's file-creation mask (Linux: read without changing it)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("Umask:"):
                return int(line.split()[1], 8)
    except (OSError, ValueError, IndexError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it
    os.umask(mask)
    return mask


def real_target(target: Path) -> Path:
    """Where writing ``target`` puts the file: through a symbolic link to the file it
    names (as the shell's ``>`` does), so the link stays a link."""
    return target.resolve() if target.is_symlink() else target


def commit(tmp: Path, target: Path) -> None:
    """Move the finished ``tmp`` over ``target`` (its :func:`real_target`) in one rename,
    with the permissions a file written in place would have: the earlier file's where
    there was one, else the default (0666 less the umask; ``mkstemp`` makes 0600)."""
    real = real_target(target)
    try:
        mode = stat.S_IMODE(real.stat().st_mode)
    except OSError:
        mode = 0o666 & ~_umask()
    os.chmod(tmp, mode)
    os.replace(tmp, real)


@contextlib.contextmanager
def interrupts_held() -> Iterator[None]:
    """Hold SIGINT and SIGTERM back for a block (their handlers run after it): several
    renames that belong together are then not cut between two of them. Done with Python
    handlers, not a signal mask: a mask holds a signal for one thread only, and the
    kernel hands a process's signal to any thread that does not block it (an encoder's,
    a reader's). A no-op off the main thread, where handlers cannot be set."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    pending: list[int] = []
    before = {sig: signal.getsignal(sig) for sig in (signal.SIGINT, signal.SIGTERM)}
    held = [sig for sig, handler in before.items() if handler is not None]
    for sig in held:
        signal.signal(sig, lambda signum, _frame: pending.append(signum))
    try:
        yield
    finally:
        for sig in held:
            signal.signal(sig, before[sig])
        for signum in pending:  # as it would have been handled, now the block is done
            handler = before[signal.Signals(signum)]
            if callable(handler):
                handler(signum, None)
            elif handler == signal.SIG_DFL:
                signal.raise_signal(signum)


@contextlib.contextmanager
def atomic_paths(*targets: tuple[Path, str]) -> Iterator[list[Path]]:
    """Temporary paths beside each (``target``, ``suffix``) (a writer that picks its
    format from the name needs the target's own suffix); on success each replaces its
    target, in the order given, with interrupts held so that all of them or none are
    replaced; on failure every target is left as it was. Failures are the system's
    OSError: the caller says which output failed (:func:`reported_as`)."""
    tmps: list[Path] = []
    try:
        for target, suffix in targets:
            real = real_target(target)
            prepare_output_dir(real.parent)
            fd, name = tempfile.mkstemp(dir=real.parent, prefix=f".{real.name}.",
                                        suffix=suffix)
            os.close(fd)
            tmps.append(Path(name))
        yield tmps
        with interrupts_held():
            for tmp, (target, _) in zip(tmps, targets, strict=True):
                commit(tmp, target)
    finally:
        for tmp in tmps:
            tmp.unlink(missing_ok=True)


@contextlib.contextmanager
def atomic_path(target: Path, suffix: str = ".part") -> Iterator[Path]:
    """One file's :func:`atomic_paths`: yield a temporary path beside ``target``; on
    success it replaces ``target``, which is otherwise left as it was."""
    with atomic_paths((target, suffix)) as (tmp,):
        yield tmp


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
        raise OutputError(f"{target}: cannot write it ({reason}); what was there is kept; "
                          f"{remedy(err, option)}") from err


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


def check_render_files(targets: Sequence[Path], force: bool = False) -> None:
    """Before any work, for the files one render writes together: an earlier render
    (every one of them there) is replaced; any other file of those names only with
    ``force`` (:func:`check_replaceable`)."""
    earlier = all(t.is_file() for t in targets)  # a render leaves all of them, or none
    for target in targets:
        check_replaceable(target, ours=earlier, force=force)


def check_replaceable(target: Path, ours: bool = False, force: bool = False,
                      option: str = "--out") -> None:
    """Refuse to replace a file at ``target`` that formcheck did not write: ``ours``
    says the caller recognised it as its own earlier output (replaced as before), and
    ``force`` is the user's ``--force``. A folder there is refused too.

    Raises:
        OutputError: a file of the user's is there and ``force`` was not given.
    """
    real = real_target(target)
    if real.is_dir():
        raise OutputError(f"{option} {target}: is a folder; name a file")
    if not real.exists() or ours or force:
        return
    raise OutputError(f"{option} {target}: a file is there already that formcheck did not "
                      "write; move it away, choose another file, or add --force to replace "
                      "it (nothing was changed)")
