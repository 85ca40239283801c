"""The staged output folder: never a user's file lost, replaced whole, leftovers cleared."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from formcheck.errors import OutputError
from formcheck.sinks.staging import (
    OWNER_FILE,
    check_replaceable,
    clear_leftovers,
    staged_output,
)


def _previous_output(folder: Path, marker: str = "old") -> None:
    folder.mkdir(parents=True)
    (folder / "summary.json").write_text(json.dumps({"schema": "formcheck.summary",
                                                     "marker": marker}))
    (folder / "report.html").write_text("<html></html>")
    (folder / "frames.jsonl").write_text("")


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


@pytest.mark.parametrize("make", ["notes", "file", "link", "foreign_summary"])
def test_a_users_files_are_refused(tmp_path: Path, make: str) -> None:
    # given
    final = tmp_path / "clip"
    if make == "notes":
        _previous_output(final)
        (final / "notes.txt").write_text("mine")
    elif make == "file":
        final.write_text("mine")
    elif make == "link":
        (tmp_path / "elsewhere").mkdir()
        final.symlink_to(tmp_path / "elsewhere")
    else:
        final.mkdir()
        (final / "summary.json").write_text('{"my": "data"}')
    before = sorted(str(p) for p in tmp_path.rglob("*"))
    # when / then
    with pytest.raises(OutputError, match="choose another --out"):
        check_replaceable(final)
    assert sorted(str(p) for p in tmp_path.rglob("*")) == before


def test_an_earlier_output_or_an_empty_folder_may_be_replaced(tmp_path: Path) -> None:
    _previous_output(tmp_path / "clip")
    (tmp_path / "empty").mkdir()
    check_replaceable(tmp_path / "clip")
    check_replaceable(tmp_path / "empty")
    check_replaceable(tmp_path / "absent")


def test_the_new_output_replaces_the_old_whole(tmp_path: Path) -> None:
    # given
    final = tmp_path / "clip"
    _previous_output(final)
    (final / "annotated.mp4").write_bytes(b"old video")
    # when
    with staged_output(final) as stage:
        (stage / "summary.json").write_text(json.dumps({"schema": "formcheck.summary",
                                                       "marker": "new"}))
        assert json.loads((final / "summary.json").read_text())["marker"] == "old"
    # then: only the new files, no staging or owner file anywhere
    assert sorted(p.name for p in final.iterdir()) == ["summary.json"]
    assert json.loads((final / "summary.json").read_text())["marker"] == "new"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip"]


def test_a_failed_run_leaves_the_old_output_and_no_staging(tmp_path: Path) -> None:
    final = tmp_path / "clip"
    _previous_output(final)
    with pytest.raises(RuntimeError), staged_output(final) as stage:
        (stage / "frames.jsonl").write_text("half")
        raise RuntimeError("the input broke")
    assert json.loads((final / "summary.json").read_text())["marker"] == "old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["clip"]


def test_leftovers_of_runs_that_are_gone_are_cleared(tmp_path: Path) -> None:
    # given: a killed run's staging folder (any stem), an older formcheck's without an
    # owner, a live run's, one that is not formcheck's, and an output moved aside
    dead = tmp_path / ".demo.partial-abc12345"
    dead.mkdir()
    (dead / OWNER_FILE).write_text(f"{_dead_pid()} 1")
    (dead / "frames.jsonl").write_text("half")
    older = tmp_path / ".other.partial-zzz"
    older.mkdir()
    (older / "annotated.mp4").write_bytes(b"half")
    live = tmp_path / ".clip.partial-live"
    live.mkdir()
    (live / OWNER_FILE).write_text(f"{os.getpid()}")
    remote = tmp_path / ".clip.partial-remote"  # a run on another node, same folder
    remote.mkdir()
    (remote / OWNER_FILE).write_text(f"{_dead_pid()} 1 some-other-host")
    foreign = tmp_path / ".notes.partial-mine"
    foreign.mkdir()
    (foreign / "thesis.tex").write_text("mine")
    aside = tmp_path / ".photo.old-xyz"
    _previous_output(aside / "photo")
    (aside / OWNER_FILE).write_text(f"{_dead_pid()}")
    # when: the next run into the folder
    clear_leftovers(tmp_path / "clip")
    # then
    assert sorted(p.name for p in tmp_path.iterdir()) == [
        ".clip.partial-live", ".clip.partial-remote", ".notes.partial-mine", "photo"]
    assert json.loads((tmp_path / "photo" / "summary.json").read_text())["marker"] == "old"
