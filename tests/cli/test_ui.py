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


def test_a_session_length_reads_the_same_rounded_everywhere() -> None:
    # given / when / then: rounded to the second, not cut (5.52 s was 00:05 on the live
    # session's last line and 0:06 in the history)
    from formcheck.ui import duration_text

    assert [duration_text(s) for s in (5.52, 5.49, 4.5, 59.6, 125.0, -1.0)] == [
        "0:06", "0:05", "0:05", "1:00", "2:05", "0:00"]
