"""An output folder written whole or not at all, that never takes a user's files with it.

``analyze`` writes ``OUT/<stem>/`` into a hidden staging folder beside it,
``OUT/.<stem>.partial-XXXX``, and swaps it into place when the input is finished. Three
rules keep that safe (issue 22):

- **Only formcheck's own output is replaced.** :func:`check_replaceable` refuses, before
  any work, a ``OUT/<stem>`` that is a file, a link, or a folder holding anything but the
  files an earlier run wrote (its ``summary.json`` naming formcheck's schema). A
  folder that is empty is nothing to lose.
- **Replaced as a whole, atomically.** On Linux the new folder and the old one are
  exchanged in one ``renameat2(RENAME_EXCHANGE)``: at every instant ``OUT/<stem>`` is
  either the complete old output or the complete new one. Elsewhere, two renames, with
  the old output kept in ``OUT/.<stem>.old-XXXX`` until the new one is in place.
- **Leftovers of a killed run are recognised and cleared.** Each staging folder holds
  an owner file (the process id, its start time and the host: a folder shared by
  several machines, grade's ``--out`` on a cluster, keeps another host's staging folders
  untouched); the next run into the same
  ``OUT`` removes every ``.*.partial-*`` whose owner is gone (SIGKILL, a power cut),
  whatever input it was for, and puts back an old output that a killed run had moved
  aside but not yet replaced.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import shutil
import socket
import tempfile
from collections.abc import Iterator
from pathlib import Path

from formcheck.errors import OutputError
from formcheck.sinks.atomic import output_dir

OWNER_FILE = ".formcheck-owner"
SUMMARY_SCHEMA = "formcheck.summary"
# What analyze (and grade --out) put in OUT/<stem>/: anything else there is someone else's.
OUTPUT_NAMES = frozenset({
    "annotated.mp4", "annotated.png", "frames.jsonl", "summary.json", "report.html",
})
_RENAME_EXCHANGE = 2
_AT_FDCWD = -100


def check_replaceable(final: Path) -> None:
    """Refuse (before any work) to write ``final`` where that would lose a user's file.

    Raises:
        OutputError: ``final`` is a file or a link, or a folder that holds anything
            other than a previous formcheck output.
    """
    if not final.exists() and not final.is_symlink():
        return
    if final.is_symlink() or not final.is_dir():
        raise OutputError(f"{final} is a file formcheck did not write; move it away or "
                          "choose another --out (nothing was changed)")
    names = sorted(p.name for p in final.iterdir())
    if not names:
        return
    foreign = [n for n in names if n not in OUTPUT_NAMES]
    if foreign or not _is_summary(final / "summary.json"):
        shown = ", ".join(foreign[:3]) + (", ..." if len(foreign) > 3 else "")
        them = "it" if len(foreign) == 1 else "them"
        what = (f"holds files formcheck did not write ({shown}); move {them} away" if foreign
                else "is not a formcheck output (its summary.json is not one formcheck "
                "wrote); move its files away")
        raise OutputError(f"{final} {what} or choose another --out (nothing was changed)")


def _is_summary(path: Path) -> bool:
    try:
        return bool(json.loads(path.read_text(encoding="utf-8")).get("schema")
                    == SUMMARY_SCHEMA)
    except (OSError, ValueError, AttributeError):
        return False


@contextlib.contextmanager
def staged_output(final: Path) -> Iterator[Path]:
    """A hidden staging folder beside ``final`` that replaces it when the block succeeds.

    The parent folder, when this made it, goes again with a failure; the staging
    folder goes with a failure, an exception or Ctrl-C (SIGKILL leaves it: the next
    run clears it, see the module docs).
    """
    with output_dir(final.parent):
        clear_leftovers(final)
        stage = Path(tempfile.mkdtemp(prefix=f".{final.name}.partial-", dir=final.parent))
        try:
            _claim(stage)
            yield stage
            (stage / OWNER_FILE).unlink()
            os.chmod(stage, 0o755)
            _swap_in(stage, final)
        finally:
            if stage.exists():
                shutil.rmtree(stage, ignore_errors=True)


def _swap_in(stage: Path, final: Path) -> None:
    """Put ``stage`` at ``final``; the old ``final`` (if any) goes, never half of it."""
    if final.exists() and _exchange(stage, final):
        shutil.rmtree(stage, ignore_errors=True)  # now the old output
        return
    old = None
    if final.exists():
        old = Path(tempfile.mkdtemp(prefix=f".{final.name}.old-", dir=final.parent))
        _claim(old)
        os.replace(final, old / final.name)
    os.replace(stage, final)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux ``renameat2``); False where that is not offered."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        renameat2 = libc.renameat2
    except (OSError, AttributeError):
        return False
    result = renameat2(_AT_FDCWD, os.fsencode(a), _AT_FDCWD, os.fsencode(b),
                       _RENAME_EXCHANGE)
    if result == 0:
        return True
    code = ctypes.get_errno()
    if code in (errno.EINVAL, errno.ENOSYS, errno.ENOTSUP):  # the file system cannot
        return False
    raise OSError(code, os.strerror(code), str(b))


def clear_leftovers(final: Path) -> None:
    """Remove the staging folders left in ``final``'s folder by runs that are gone (for
    every input's stem, not only this one's); put back an old output that such a run had
    moved aside (see the module docs)."""
    parent = final.parent
    for old in sorted(parent.glob(".*.old-*")):
        if not _leftover(old):
            continue
        for moved in old.iterdir():
            if moved.is_dir() and not (parent / moved.name).exists():
                with contextlib.suppress(OSError):
                    os.replace(moved, parent / moved.name)
        shutil.rmtree(old, ignore_errors=True)
    for stage in parent.glob(".*.partial-*"):
        if _leftover(stage):
            shutil.rmtree(stage, ignore_errors=True)


def _leftover(folder: Path) -> bool:
    """Whether ``folder`` (named like a staging folder) is one of formcheck's whose run is
    gone. One without an owner file (an older formcheck's) counts only when all it holds
    could be formcheck's: output files, hidden temporaries, an output moved aside."""
    if not folder.is_dir() or folder.is_symlink():
        return False
    if (folder / OWNER_FILE).exists():
        return not _owner_alive(folder)
    return all(p.name in OUTPUT_NAMES or p.name.startswith(".")
               or (p.is_dir() and folder.name.startswith(f".{p.name}.old-"))
               for p in folder.iterdir())


def _claim(folder: Path) -> None:
    (folder / OWNER_FILE).write_text(_me(), encoding="utf-8")


def _me() -> str:
    """This run, as its owner file says it: process id, start time, host."""
    return f"{os.getpid()} {_start_time(os.getpid()) or '-'} {socket.gethostname()}"


def _start_time(pid: int) -> str:
    """The process's start time in clock ticks since boot (Linux), or "" elsewhere: with
    the pid it tells a live owner from a new process that got the same pid."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return ""
    return raw[raw.rindex(")") + 2:].split()[19]


def _owner_alive(folder: Path) -> bool:
    """Whether the run that made ``folder`` still runs. A folder without an owner file
    (made by an older formcheck, or killed in the instant after it was made) is not."""
    try:
        fields = (folder / OWNER_FILE).read_text(encoding="utf-8").split()
        pid = int(fields[0])
    except (OSError, ValueError, IndexError):
        return False
    started = fields[1] if len(fields) > 1 and fields[1] != "-" else ""
    if len(fields) > 2 and fields[2] != socket.gethostname():
        return True  # a run on another machine (grade on a cluster, a shared --out)
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: not ours to judge
    return not started or _start_time(pid) in ("", started)
