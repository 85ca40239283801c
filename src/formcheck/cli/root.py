"""The root ``formcheck`` app, the commands mounted on it, and :func:`main`, the one
place an error becomes the line the user reads."""

from __future__ import annotations

import atexit
import contextlib
import os
import signal
import sys
import threading
import traceback
from types import FrameType
from typing import Annotated, Any, NoReturn

import typer

from formcheck import __version__
from formcheck.cli import analyze, config, grade, history, landmarks, live, models, roller, scenes
from formcheck.errors import FormcheckError
from formcheck.ui import error_line


def _flags_without_a_metavar() -> None:
    """typer shows ``<bool>`` beside every on/off flag, as if it took a value; it takes
    none, so the column stays empty for flags."""
    from typer.core import TyperOption

    shown = TyperOption.display_type_rich

    def display_type_rich(self: TyperOption, ctx: Any) -> str | None:
        return None if self.is_flag else shown(self, ctx)

    setattr(TyperOption, "display_type_rich", display_type_rich)  # noqa: B010


def _arguments_without_braces() -> None:
    """typer writes a required argument as ``{inputs}...`` in the usage line; the usual
    form is ``INPUTS...`` (optional ones keep their ``[...]``)."""
    from typer.core import TyperArgument

    shown = TyperArgument._usage_display_name

    def usage_name(self: TyperArgument) -> str:
        if not self.required:
            return shown(self)
        return self.display_name_raw.upper() + ("..." if self.nargs != 1 else "")

    setattr(TyperArgument, "_usage_display_name", usage_name)  # noqa: B010


_flags_without_a_metavar()
_arguments_without_braces()

app = typer.Typer(
    name="formcheck",
    rich_markup_mode="markdown",  # a docstring's wrapped lines join into one paragraph
    help="Checks your form while you foam-roll your upper back, from a webcam or a recording.",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
    add_completion=False,
)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"formcheck {__version__}")
        raise typer.Exit()


@app.callback()
def _root(
    version: Annotated[
        bool, typer.Option("--version", callback=_version, is_eager=True, help="Show the version.")
    ] = False,
    verbose: Annotated[
        bool, typer.Option("--verbose", help="Also show the native libraries' own log lines "
                           "(MediaPipe, TensorFlow Lite, OpenCV); same as FORMCHECK_VERBOSE=1.")
    ] = False,
) -> None:
    """formcheck: form coaching for foam-rolling the upper back."""
    if verbose:
        # The environment, not a flag passed down: worker processes (grade) inherit it.
        from formcheck.pose.native_log import VERBOSE_ENV

        os.environ[VERBOSE_ENV] = "1"


app.add_typer(models.app, name="models")
app.command("analyze")(analyze.analyze)  # the main job first in --help
app.command("live")(live.live)
app.command("grade")(grade.grade)
app.command("history")(history.history)
app.command("roller")(roller.roller)
app.command("landmarks")(landmarks.landmarks)
app.add_typer(scenes.app, name="scenes")
app.add_typer(config.app, name="config")


_terminated = False  # set by the SIGTERM handler: the 130 of Ctrl-C becomes 143
_signalled = False  # set by either handler: the run was stopped from outside


def _on_sigint(signum: int, frame: FrameType | None) -> None:
    """Ctrl-C: raised as KeyboardInterrupt, as Python's own handler does, and noted, so
    that an error it turns into on its way up is still reported as the interruption."""
    global _signalled
    _signalled = True
    raise KeyboardInterrupt


def _on_sigterm(signum: int, frame: FrameType | None) -> None:
    """SIGTERM (``kill``, a service manager, a closing terminal) does what Ctrl-C does:
    raised as KeyboardInterrupt where the program is, so the same clean-up runs (staging
    folders removed, workers stopped, a live session saved). Later ones are ignored
    while that clean-up runs."""
    global _terminated, _signalled
    _terminated = _signalled = True
    signal.signal(signal.SIGTERM, signal.SIG_IGN)
    raise KeyboardInterrupt


def _leave(code: int) -> NoReturn:
    """End a run that a signal stopped, its clean-up done: the threads Python would wait
    for are waited for and the exit handlers run, then the process exits without the
    interpreter's own teardown. Why: an interruption that passed through a native
    library can leave that teardown to crash (a native thread still calling into Python:
    "Fatal Python error ... finalizing") or to kill the process with SIGINT although
    the interruption was handled (the interpreter's flag for an unhandled Ctrl-C is set
    by code a native library runs); either loses the exit code this run reports."""
    shutdown = getattr(threading, "_shutdown", None)  # what the teardown calls first
    with contextlib.suppress(BaseException):  # a second Ctrl-C stops the wait, not the exit
        if callable(shutdown):
            shutdown()
    with contextlib.suppress(BaseException):
        atexit._run_exitfuncs()
    for stream in (sys.stdout, sys.stderr, sys.__stdout__, sys.__stderr__):
        with contextlib.suppress(BaseException):
            if stream is not None:
                stream.flush()
    os._exit(code)


def _from_interrupt(err: BaseException) -> bool:
    """Whether ``err`` is what an interruption became on its way up: a KeyboardInterrupt
    in its chain (an extension module interrupted while it loads fails with ImportError
    "initialization failed", caused by the KeyboardInterrupt). A command that handles
    Ctrl-C and goes on (live saving its session) must do that work outside its except
    block, or an error there reads as the interruption."""
    seen: set[int] = set()
    e: BaseException | None = err
    while e is not None and id(e) not in seen:
        if isinstance(e, KeyboardInterrupt):
            return True
        seen.add(id(e))
        e = e.__cause__ or e.__context__
    return False


def _usage_error(err: typer.TyperException) -> int:
    """Print click's UsageError, BadParameter, ... as one line; return its exit code."""
    message = (err.format_message() if hasattr(err, "format_message") else str(err))
    message = message.rstrip(".")
    # a choice or range refused by typer's validation carries the validator's own
    # prefix ("Invalid value for '--model-variant': Value error, 'huge' is not ...")
    message = message.replace(": Value error, ", ": ")
    if not message.strip():  # a group run bare: its help was shown, nothing else
        return int(getattr(err, "exit_code", 2))
    ctx = getattr(err, "ctx", None)
    if message.startswith("No such option: --verbose") and ctx is not None:
        # the one option of formcheck itself, not of each command
        message = (f"--verbose goes before the command: formcheck --verbose "
                   f"{ctx.info_name} ...")
    # a message that ends in a question ("Did you mean 'analyze'?") takes a full stop
    # after it, not a semicolon
    sep = " See" if message.endswith("?") else "; see"
    hint = f"{sep} '{ctx.command_path} --help'" if ctx is not None else ""
    print(f"formcheck: error: {message}{hint}", file=sys.stderr)
    return int(getattr(err, "exit_code", 2))


def _exit_code() -> int:
    """Run the app and return its exit code, every way it can end made one line at most:
    a library error's line, a usage error's, "interrupted" (130) or "terminated" (143)
    for a signal (also when a library turned the interruption into an error of its own
    on the way up). A bug's traceback propagates, as Python shows it, unless a signal
    came first (then it is printed, and the exit code is 1)."""
    try:
        code = app(standalone_mode=False)
    except (typer.Abort, KeyboardInterrupt):  # click: Ctrl-C at a prompt is Abort
        code = 130
    except SystemExit as done:  # sys.exit() in a command
        if done.code is None or isinstance(done.code, int):
            return done.code or 0
        print(done.code, file=sys.stderr)
        return 1
    except Exception as err:
        if _from_interrupt(err):
            code = 130
        elif isinstance(err, FormcheckError):
            print(error_line(err), file=sys.stderr)
            return err.exit_code
        elif isinstance(err, typer.TyperException):  # click's UsageError, BadParameter
            return _usage_error(err)
        elif not _signalled:
            raise
        else:
            traceback.print_exc()
            return 1
    code = code if isinstance(code, int) else 0
    if code == 130 and _terminated:  # 128 + SIGTERM, as a shell reports a kill
        print("formcheck: terminated", file=sys.stderr)
        return 143
    if code == 130:  # Ctrl-C: typer hands it back as exit code 130, silently
        print("formcheck: interrupted", file=sys.stderr)
    return code


def main() -> None:
    """Run the app, turning library errors and command-line mistakes (click's usage
    errors, which typer would show as a boxed panel) into one line and an exit code."""
    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, _on_sigterm)
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:  # not ignored
            signal.signal(signal.SIGINT, _on_sigint)
    code = _exit_code()
    if _signalled:  # stopped from outside, or a live session ended with Ctrl-C
        _leave(code)
    sys.exit(code)
