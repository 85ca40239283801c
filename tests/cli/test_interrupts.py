"""Ctrl-C and SIGTERM that pass through a native library keep their exit code and one
line, and a run a signal stopped still ends as Python would end it (exit handlers run,
output flushed). The app is stood in for, so no model is needed."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

# The stand-in's app hands code to CPython's PyRun_String, as native libraries do: a
# KeyboardInterrupt leaving it is marked as unhandled, and under ``python -m`` the
# interpreter then kills itself with SIGINT at exit, whatever the program did with it.
_STAND_IN = '''
import atexit, ctypes, os, signal, sys, threading, time
from pathlib import Path
from formcheck.cli import root
from formcheck.errors import OutputError

signal.signal(signal.SIGINT, signal.default_int_handler)  # as a terminal's child has it

def native(code):
    run = ctypes.pythonapi.PyRun_String
    run.restype = ctypes.py_object
    run.argtypes = [ctypes.c_char_p, ctypes.c_int, ctypes.py_object, ctypes.py_object]
    run(code.encode(), 257, {}, {})  # 257: Py_file_input

STOP = "import os, signal, time\\nos.kill(os.getpid(), signal.SIG_NAME)\\ntime.sleep(30)"

def app(standalone_mode=False):
    atexit.register(lambda: Path("atexit").write_text("ran"))
    print("on stdout", end="")  # a pipe buffers it: only a flush gets it out
    if "HOW" == "native":
        native(STOP)
    elif "HOW" == "import":  # an extension module interrupted while it loads (pybind11)
        try:
            native(STOP)
        except KeyboardInterrupt as err:
            raise ImportError("initialization failed") from err
    elif "HOW" == "handled":  # live: Ctrl-C ends the session, which is then saved
        try:
            native(STOP)
        except KeyboardInterrupt:
            pass
        if "FAIL" == "yes":
            raise OutputError("cannot write out/summary.json: No space left on device")
        if "FAIL" == "import":  # a bug after it: no optional module where one is imported
            raise ImportError("No module named 'missing'")
        worker = threading.Thread(target=lambda: (time.sleep(0.5),
                                                  Path("thread").write_text("done")))
        worker.start()  # not a daemon: Python waits for it at exit
    return 0

root.app = app
root.main()
'''


def _run(tmp_path: Path, how: str, sig: str = "SIGINT",
         fail: str = "no") -> subprocess.CompletedProcess[str]:
    source = _STAND_IN.replace("HOW", how).replace("SIG_NAME", sig).replace("FAIL", fail)
    (tmp_path / "stand_in.py").write_text(source)
    # run as `python -m`, the way the interpreter reads its unhandled-Ctrl-C flag
    return subprocess.run([sys.executable, "-m", "stand_in"], cwd=tmp_path,
                          capture_output=True, text=True, timeout=120)


@pytest.mark.parametrize(("how", "sig", "code", "line"), [
    ("native", "SIGINT", 130, "formcheck: interrupted"),
    ("import", "SIGINT", 130, "formcheck: interrupted"),
    ("native", "SIGTERM", 143, "formcheck: terminated"),
])
def test_an_interruption_through_a_native_library_keeps_its_exit_code_and_one_line(
    tmp_path: Path, how: str, sig: str, code: int, line: str,
) -> None:
    # when: the app, stood in for, is stopped while a native library runs its code
    proc = _run(tmp_path, how, sig)
    # then: the exit code and line of the signal; exit handlers ran, stdout flushed
    assert proc.returncode == code, proc.stderr
    assert proc.stderr.strip().splitlines() == [line]
    assert proc.stdout == "on stdout"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_a_ctrl_c_the_command_handled_ends_as_a_success_once_its_threads_are_done(
    tmp_path: Path,
) -> None:
    # when: Ctrl-C ends the command's work, which it then saves (live does)
    proc = _run(tmp_path, "handled")
    # then: success, and what Python waits for at exit was waited for
    assert proc.returncode == 0, proc.stderr
    assert proc.stderr == ""
    assert (tmp_path / "thread").read_text() == "done"
    assert (tmp_path / "atexit").read_text() == "ran"


def test_an_error_after_a_handled_ctrl_c_is_reported_as_itself(tmp_path: Path) -> None:
    # when: saving after the Ctrl-C fails (a full disk)
    proc = _run(tmp_path, "handled", fail="yes")
    # then: the error's own line and exit code, not "interrupted"
    assert proc.returncode == 1, proc.stderr
    assert proc.stderr.strip().splitlines() == [
        "formcheck: error: cannot write out/summary.json: No space left on device"]


def test_a_bug_after_a_handled_ctrl_c_shows_its_traceback_not_interrupted(
    tmp_path: Path,
) -> None:
    # when: an error unrelated to the Ctrl-C follows it (a module missing)
    proc = _run(tmp_path, "handled", fail="import")
    # then: the bug as Python shows it, exit 1; and the exit handlers still ran
    assert proc.returncode == 1, proc.stderr
    assert "Traceback" in proc.stderr
    assert proc.stderr.strip().splitlines()[-1] == "ImportError: No module named 'missing'"
    assert (tmp_path / "atexit").read_text() == "ran"
