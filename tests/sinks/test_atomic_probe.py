"""``sinks.atomic.write_problem``: whether a folder takes a new file, by trying."""

from __future__ import annotations

import os
from pathlib import Path

from formcheck.sinks.atomic import write_problem


def test_a_folder_that_takes_files_has_no_problem_and_keeps_nothing(tmp_path: Path) -> None:
    assert write_problem(tmp_path) is None
    assert list(tmp_path.iterdir()) == []  # the scratch file is gone


def test_a_folder_that_refuses_files_says_why(tmp_path: Path) -> None:
    # /proc refuses new files even to root, whose permission bits are not enforced
    assert write_problem(Path("/proc")) == "No such file or directory"
    if os.geteuid() != 0:  # a read-only folder, where permissions hold (2a)
        ro = tmp_path / "ro"
        ro.mkdir()
        ro.chmod(0o500)
        try:
            assert write_problem(ro) == "Permission denied"
        finally:
            ro.chmod(0o700)
