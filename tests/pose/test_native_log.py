"""The native libraries' log lines stay off the terminal unless asked for (issue 22, item 5).

The commands run for real (the real model on real frames) and their stderr is read as
a user would see it: nothing in the native loggers' formats, and, with ``--verbose``,
those lines back (so the check can see them when they are there).
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from formcheck.pose.native_log import before_native_lines, is_native_log_line

FORMCHECK = [sys.executable, "-m", "formcheck"]
PHOTO = "free-exercise-db/Butt_Lift_Bridge__0.jpg"

# Lines the native loggers printed on runs of mediapipe 1.2.3 (see native_log's docstring).
NATIVE = [
    "INFO: [accelerator_registry.cc:43] DestroyAccelerator: ptr=0x7fd5f4003a70, "
    "name=CpuAccelerator",
    "INFO: Created TensorFlow Lite XNNPACK delegate for CPU.",
    "WARNING: [model_load.cc:402] Sparsity tensors may not yet be fully supported.",
    "WARNING: Logging before InitGoogle() is written to STDERR",
    "W0000 00:00:1796430942.451719    9817 inference_runner_litert.cc:1433] Input tensor "
    "memory is not aligned",
    "E0000 00:00:1796431394.175028   18251 tensors_to_detections_calculator.cc:467] "
    "INTERNAL: RET_CHECK failure",
    "E1205 00:33:37.123456 12 calculator_graph.cc:946] INTERNAL: CalculatorGraph::Run() failed",
]


def _env(**extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items()
           if k not in ("FORMCHECK_VERBOSE", "FORMCHECK_DEBUG")}
    env.update(extra)
    return env


def _native_lines(stderr: str) -> list[str]:
    return [ln for ln in stderr.splitlines() if is_native_log_line(ln.encode())]


@pytest.mark.parametrize("line", NATIVE)
def test_native_formats_are_recognised(line: str) -> None:
    assert is_native_log_line(line.encode())


@pytest.mark.parametrize("line", [
    "formcheck: error: the pose model x.task is empty (0 bytes); ...",
    "Butt_Lift_Bridge__0.jpg: score - -> out/Butt_Lift_Bridge__0/",
    "analyze demo.mp4 ━━━━━━━━━━━━━━━━━━━━━━━━━━ 12/300 0:00:19",
    "Information: nothing native here",
    "INFO about the session",
])
def test_formchecks_own_lines_are_not_taken_for_native_ones(line: str) -> None:
    assert not is_native_log_line(line.encode())


def test_what_precedes_the_first_native_line_is_kept() -> None:
    data = ("progress 1/3\r" + "\n".join(NATIVE[:2]) + "\nStack trace:\n    @ 0x7f main\n")
    assert before_native_lines(data.encode()) == b"progress 1/3\r"
    assert before_native_lines(b"plain\n") == b"plain\n"


def _quiet_section_child(verbose: bool) -> subprocess.CompletedProcess[str]:
    """A child that writes a native-format line to fd 2 (as C++ does) inside the quiet
    section, while another thread prints through Python's sys.stderr."""
    code = textwrap.dedent("""
        import os, sys, threading
        from formcheck.pose.native_log import quiet_native_stderr
        print("before", file=sys.stderr, flush=True)
        with quiet_native_stderr():
            os.write(2, b"INFO: [accelerator_registry.cc:43] DestroyAccelerator: x\\n")
            t = threading.Thread(target=lambda: print("from a thread", file=sys.stderr))
            t.start(); t.join()
            os.write(2, b"Stack trace:\\n")
        print("after", file=sys.stderr, flush=True)
    """)
    env = _env(FORMCHECK_VERBOSE="1") if verbose else _env()
    return subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                          env=env, timeout=60, check=True)


def test_quiet_section_drops_native_lines_but_not_pythons() -> None:
    # when
    quiet = _quiet_section_child(verbose=False)
    loud = _quiet_section_child(verbose=True)
    # then: Python's lines all arrive, in order; the native report does not
    assert quiet.stderr.splitlines() == ["before", "from a thread", "after"]
    assert "DestroyAccelerator" in loud.stderr and "Stack trace:" in loud.stderr


@pytest.mark.model
@pytest.mark.footage
def test_analyze_prints_no_native_line_unless_verbose(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # given
    photo = footage / PHOTO
    args = ["analyze", str(photo), "--model", str(model_path)]
    # when
    plain = subprocess.run([*FORMCHECK, *args, "--out", str(tmp_path / "a")],
                           capture_output=True, text=True, env=_env(), timeout=300)
    loud = subprocess.run([*FORMCHECK, "--verbose", *args, "--out", str(tmp_path / "b")],
                          capture_output=True, text=True, env=_env(), timeout=300)
    by_env = subprocess.run([*FORMCHECK, *args, "--out", str(tmp_path / "c")],
                            capture_output=True, text=True, timeout=300,
                            env=_env(FORMCHECK_VERBOSE="1"))
    # then: a clean run says only its own line; asked for, the native lines are there
    assert plain.returncode == 0, plain.stderr
    assert _native_lines(plain.stderr) == []
    assert not plain.stderr.strip(), plain.stderr
    lines = plain.stdout.strip().splitlines()  # the result line, on stdout
    assert len(lines) == 1 and lines[0].startswith((f"{photo.name}: score ",
                                                          f"{photo.name}: no score: ")), \
        plain.stdout
    for run in (loud, by_env):
        assert run.returncode == 0, run.stderr
        assert any("DestroyAccelerator" in ln for ln in _native_lines(run.stderr))


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.slow
def test_grade_and_a_video_print_no_native_line(
    tmp_path: Path, footage: Path, model_path: Path
) -> None:
    # when: grade (spawned worker processes) over a photo and a real clip
    clip = footage / "pexels/glute-bridge.mp4"
    result = subprocess.run(
        [*FORMCHECK, "grade", str(footage / PHOTO), str(clip), "--workers", "2",
         "--model", str(model_path), "--csv", str(tmp_path / "g.csv")],
        capture_output=True, text=True, env=_env(), timeout=600,
    )
    # then
    assert result.returncode in (0, 1), result.stderr
    assert _native_lines(result.stderr) == []
    assert _native_lines(result.stdout) == []
