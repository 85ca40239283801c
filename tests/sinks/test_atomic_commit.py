"""``sinks.atomic``: a replaced output has the permissions a file written in place would
have, a symbolic link at the output stays a link, and renames that belong together are
not cut by an interrupt."""

from __future__ import annotations

import os
import signal
import stat
import threading
from pathlib import Path

import pytest

from formcheck.sinks import atomic
from formcheck.sinks.atomic import atomic_path, atomic_paths, atomic_text, interrupts_held


def _mode(path: Path) -> int:
    return stat.S_IMODE(path.stat().st_mode)


@pytest.mark.parametrize("mask", [0o022, 0o077, 0o002])
def test_a_new_file_gets_the_default_mode_less_the_umask(tmp_path: Path, mask: int) -> None:
    before = os.umask(mask)
    try:
        with atomic_text(tmp_path / "out.json") as fh:
            fh.write("{}")
    finally:
        os.umask(before)
    assert _mode(tmp_path / "out.json") == 0o666 & ~mask


def test_a_replaced_file_keeps_its_mode(tmp_path: Path) -> None:
    out = tmp_path / "out.csv"
    out.write_text("old")
    out.chmod(0o640)
    with atomic_text(out) as fh:
        fh.write("new")
    assert out.read_text() == "new"
    assert _mode(out) == 0o640


def test_a_symbolic_link_at_the_output_is_written_through(tmp_path: Path) -> None:
    real = tmp_path / "runs" / "clip.csv"
    real.parent.mkdir()
    real.write_text("old")
    link = tmp_path / "latest.csv"
    link.symlink_to(real)
    with atomic_text(link) as fh:
        fh.write("new")
    assert link.is_symlink()
    assert real.read_text() == "new"
    assert sorted(p.name for p in real.parent.iterdir()) == ["clip.csv"]  # no temporary left


def test_a_failed_block_leaves_every_target_as_it_was(tmp_path: Path) -> None:
    a, b = tmp_path / "a.mp4", tmp_path / "a.truth.jsonl"
    a.write_text("old a")
    b.write_text("old b")
    with pytest.raises(RuntimeError), atomic_paths((a, ".part.mp4"), (b, ".part")) as (ta, tb):
        ta.write_text("new a")
        tb.write_text("new b")
        raise RuntimeError("interrupted")
    assert (a.read_text(), b.read_text()) == ("old a", "old b")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "a.truth.jsonl"]


@pytest.mark.parametrize("other_thread", [False, True])
def test_an_interrupt_between_the_renames_waits_for_both(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, other_thread: bool) -> None:
    # with another thread alive (an encoder's, a reader's) the kernel may hand the
    # signal to it: a signal mask on the main thread alone would not hold it
    stop = threading.Event()

    def spin() -> None:  # busy, so the kernel may hand it the signal
        while not stop.is_set():
            pass

    worker = threading.Thread(target=spin, daemon=True)
    if other_thread:
        worker.start()
    a, b = tmp_path / "a.mp4", tmp_path / "a.truth.jsonl"
    a.write_text("old a")
    b.write_text("old b")
    real_commit = atomic.commit

    def commit_then_interrupt(tmp: Path, target: Path) -> None:
        real_commit(tmp, target)
        if target == a:  # Ctrl-C right after the first rename
            os.kill(os.getpid(), signal.SIGINT)

    monkeypatch.setattr(atomic, "commit", commit_then_interrupt)
    seen: list[str] = []

    def on_int(signum: int, frame: object) -> None:
        seen.append(a.read_text() + " / " + b.read_text())  # what the handler finds
        raise KeyboardInterrupt

    previous = signal.signal(signal.SIGINT, on_int)
    try:
        with pytest.raises(KeyboardInterrupt):
            with atomic_paths((a, ".part.mp4"), (b, ".part")) as (ta, tb):
                ta.write_text("new a")
                tb.write_text("new b")
    finally:
        signal.signal(signal.SIGINT, previous)
        stop.set()
    assert seen == ["new a / new b"]  # delivered after both renames, not between them
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.mp4", "a.truth.jsonl"]


def test_interrupts_are_held_inside_the_block_and_delivered_after() -> None:
    got: list[int] = []
    previous = signal.signal(signal.SIGTERM, lambda s, f: got.append(s))
    try:
        with interrupts_held():
            os.kill(os.getpid(), signal.SIGTERM)
            assert got == []
        assert got == [signal.SIGTERM]
    finally:
        signal.signal(signal.SIGTERM, previous)


def test_atomic_path_is_one_target(tmp_path: Path) -> None:
    out = tmp_path / "x.txt"
    with atomic_path(out) as tmp:
        assert tmp.parent == tmp_path and tmp != out
        tmp.write_text("done")
    assert out.read_text() == "done"
