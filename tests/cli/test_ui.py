"""The terminal helpers: the progress bar ends full, whatever the estimate said."""

from __future__ import annotations

import pytest

from formcheck.ui import progress_bar


@pytest.mark.parametrize("estimate", [5, 2, None])
def test_the_bar_ends_at_the_frames_done(
    estimate: int | None, capsys: pytest.CaptureFixture[str],
) -> None:
    with progress_bar(estimate, "clip") as advance:
        for _ in range(3):
            advance()
    last = capsys.readouterr().err.strip().splitlines()[-1]
    assert " 3/3 " in last


def test_a_failed_run_leaves_the_bar_where_it_stopped(
    capsys: pytest.CaptureFixture[str],
) -> None:
    with pytest.raises(RuntimeError), progress_bar(5, "clip") as advance:
        advance()
        raise RuntimeError("decoder gave up")
    assert " 1/5 " in capsys.readouterr().err.strip().splitlines()[-1]
