"""Where ``formcheck grade`` runs its clips: local worker processes or Ray tasks.

Both engines call the same per-clip function, :func:`grade_clip`, on a
:class:`ClipJob` and hand back the same plain row (a JSON-able ``dict``), so a batch
graded by either engine gives identical rows (timing fields apart).

Local engine (:class:`LocalEngine`)
    ``workers`` long-lived processes started with the ``spawn`` method (never ``fork``:
    mediapipe, OpenCV and PyAV hold threads and locks a forked child must not inherit).
    Each worker imports the pipeline once, says it is ready, then grades one clip at a
    time sent over its own pipe. ``analyze_input`` builds a fresh pose landmarker for
    every clip (the VIDEO mode landmarker needs timestamps that grow across one
    stream, so it cannot be shared between clips); building one takes ~0.1 s (0.08 s
    measured) against seconds of inference. So each worker holds one landmarker at a
    time and uses about one core. The parent watches every busy worker: one that dies
    (``os._exit``, a segfault, the OOM killer) or runs past the clip's time limit is
    killed if needed, its clip becomes an error row saying why, and a fresh worker
    takes its place; the batch goes on. (A ``ProcessPoolExecutor`` cannot kill one
    hung task and breaks as a whole when a worker dies, hence our own processes.)

Ray engine (:class:`RayEngine`)
    One ``@ray.remote(num_cpus=1, max_retries=0)`` task per clip calling
    :func:`grade_clip`; at most ``workers`` tasks in flight (default: the cluster's
    CPUs). A task past its time limit is cancelled (``force=True`` kills its worker
    process) and a task whose worker died is an error row, as with the local engine. A
    task whose *node* died (``NodeDiedError``: the machine went away, its raylet was
    killed) is not the clip's fault: it is submitted again, up to
    :data:`NODE_LOSS_RETRIES` times, so every clip is still graded exactly once.
"""

from __future__ import annotations

import math
import multiprocessing
import os
import signal
import tempfile
import threading
import time
import traceback
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from multiprocessing.connection import Connection, wait
from multiprocessing.process import BaseProcess
from pathlib import Path
from typing import TYPE_CHECKING, Any

from formcheck.errors import FormcheckError, UsageError
from formcheck.frontends.choices import DEFAULT_FPS
from formcheck.frontends.grade_rows import GradeRow

if TYPE_CHECKING:
    from formcheck.sinks.document import SummaryDocument

"""One clip's result: see :func:`grade_clip` for its keys."""

ClipFn = Callable[["ClipJob"], GradeRow]
"""The per-clip function an engine runs (tests pass their own, to crash or hang)."""

MIN_TIMEOUT_S = 120.0
"""Default per-clip time limit floor, s."""
TIMEOUT_PER_CLIP_S = 4.0
"""Default per-clip time limit: this many times the clip's duration (if longer)."""
MAX_DEFAULT_WORKERS = 8
"""Default workers are the usable CPUs, at most this many (each landmarker uses ~1 core
and ~0.3-0.5 GB of memory)."""

NODE_LOSS_RETRIES = 2
"""Ray engine: how many times a clip is run again when the node running it dies."""

RAY_INSTALL_HINT = ("the Ray engine needs Ray: scripts/setup.sh --dev in a checkout, or "
                    "pip install -e '.[ray]' into its .venv")


@dataclass(frozen=True)
class ClipSettings:
    """How every clip of a batch is analysed (picklable; sent to workers and tasks).

    Attributes:
        model: the pose bundle (on a Ray cluster: a path valid on every node).
        fps: analysis rate, frames/s (None: every frame).
        config: an ``EvaluatorConfig`` (typed loosely to keep this module light).
        config_path: the file it came from, recorded in the summary.
        roller_color: roller colour hint.
        keep_video: with an output folder, also write the annotated video.
    """

    model: Path
    fps: float | None = DEFAULT_FPS
    config: Any = None
    config_path: Path | None = None
    roller_color: str | None = None
    keep_video: bool = False


@dataclass(frozen=True)
class ClipJob:
    """One clip to grade.

    Attributes:
        index: its place in the batch (input order).
        file: the path as discovered (shown in the CSV ``file`` column).
        out_dir: where to keep the analyze outputs; None: a temporary folder, deleted.
        settings: how to analyse it.
    """

    index: int
    file: str
    out_dir: Path | None
    settings: ClipSettings


def default_workers() -> int:
    """The usable CPUs (affinity-aware), at least 1, at most :data:`MAX_DEFAULT_WORKERS`."""
    try:
        n = len(os.sched_getaffinity(0))
    except (AttributeError, OSError):  # pragma: no cover - not Linux
        n = os.cpu_count() or 1
    return max(1, min(n, MAX_DEFAULT_WORKERS))


def clip_timeout(duration_s: float | None, fixed_s: float | None) -> float:
    """The time limit of one clip, s: ``fixed_s`` when given, else
    ``max(MIN_TIMEOUT_S, TIMEOUT_PER_CLIP_S * duration_s)``."""
    if fixed_s is not None:
        return fixed_s
    return max(MIN_TIMEOUT_S, TIMEOUT_PER_CLIP_S * (duration_s or 0.0))


def probe_duration(path: str) -> float | None:
    """The clip's duration, s, from its container header; None when unknown or unreadable."""
    try:
        import av

        with av.open(path) as container:
            if container.duration:
                return float(container.duration) / 1_000_000.0
            stream = container.streams.video[0]
            if stream.duration and stream.time_base:
                return float(stream.duration * stream.time_base)
    except Exception:
        return None
    return None


def error_row(job: ClipJob, reason: str) -> GradeRow:
    """The row of a clip that could not be graded."""
    return {"index": job.index, "file": job.file, "status": "error", "error": reason}


def grade_clip(job: ClipJob) -> GradeRow:
    """Analyse one clip and condense its summary into a row. Never raises for a bad input.

    Without ``job.out_dir`` the analyze outputs go to a temporary folder that is deleted,
    and no annotated video is written (a grade needs only the summary; skipping the
    overlay and H.264 encoding saves ~20-40 % of the time per clip).

    Returns:
        ``index, file, status ("graded"|"error"), error, score, checks {id: {status,
        ok_fraction}}, roller_zone_s {zone: s}, fault_episodes (count), duration_s,
        frames_read, out_dir, wall_s`` and ``summary`` (score, checks, fault_episodes,
        session of the summary.json document).
    """
    from formcheck.frontends.analyze import AnalyzeOptions, analyze_input

    s = job.settings
    kwargs: dict[str, Any] = {}
    if s.config is not None:
        kwargs["config"] = s.config
    with tempfile.TemporaryDirectory(prefix="formcheck-grade-") as tmp:
        out_dir = job.out_dir if job.out_dir is not None else Path(tmp) / "clip"
        options = AnalyzeOptions(
            out_root=out_dir.parent, model=s.model, fps=s.fps, config_path=s.config_path,
            roller_color=s.roller_color, progress=False,
            write_video=s.keep_video and job.out_dir is not None,
            # several clips at once: no core is any one model's
            reserve_model_core=False, **kwargs,
        )
        t0 = time.perf_counter()
        try:
            result = analyze_input(Path(job.file), out_dir, options)
        except FormcheckError as err:
            return error_row(job, str(err))
        except MemoryError:
            return error_row(job, "ran out of memory")
        except Exception as err:  # a bug or an unexpected decoder failure: keep the batch
            where = traceback.extract_tb(err.__traceback__)[-1:]
            at = f" at {Path(where[0].filename).name}:{where[0].lineno}" if where else ""
            return error_row(job, f"internal error: {type(err).__name__}: {err}{at}")
        wall = time.perf_counter() - t0
    return row_from_summary(job, result.summary, result.frames_read, wall)


def row_from_summary(job: ClipJob, summary: SummaryDocument, frames_read: int,
                     wall_s: float) -> GradeRow:
    """A graded row from an analyze ``summary.json`` document."""
    return {
        "index": job.index,
        "file": job.file,
        "status": "graded",
        "error": None,
        "score": summary.score,
        "score_reason": summary.score_reason,
        "checks": {
            check.value: {"status": part.status.value, "ok_fraction": part.ok_fraction}
            for check, part in summary.checks.items()
        },
        "roller_zone_s": {zone.value: s for zone, s in summary.roller.zone_s.items()},
        "fault_episodes": len(summary.fault_episodes),
        "duration_s": summary.session.duration_s,
        "frames_read": frames_read,
        "out_dir": str(job.out_dir) if job.out_dir is not None else None,
        "wall_s": round(wall_s, 3),
        "summary": {
            "score": summary.score,
            "checks": {check.value: part.model_dump(mode="json")
                       for check, part in summary.checks.items()},
            "fault_episodes": [e.model_dump(mode="json") for e in summary.fault_episodes],
            "session": summary.session.model_dump(mode="json"),
        },
    }


OnStart = Callable[[ClipJob], None]
OnDone = Callable[[GradeRow], None]


class Engine:
    """Runs jobs, reporting each clip when it starts and when it is done."""

    name = "engine"
    workers = 1

    def run(self, jobs: list[ClipJob], on_start: OnStart, on_done: OnDone) -> None:
        """Grade every job; ``on_done`` gets exactly one row per job."""
        raise NotImplementedError


# --------------------------------------------------------------------------- local


def _exit_if_orphaned(parent: int) -> None:
    """Worker side: exit when the parent is gone (killed without cleaning up)."""
    while True:
        time.sleep(1.0)
        if os.getppid() != parent:
            os._exit(0)


def _worker_main(conn: Connection, clip_fn: ClipFn, parent: int) -> None:
    """A worker: import the pipeline, say ready, then grade jobs until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the parent handles Ctrl-C
    threading.Thread(target=_exit_if_orphaned, args=(parent,), daemon=True).start()
    import formcheck.frontends.analyze  # noqa: F401 - warm imports once per worker

    conn.send(("ready", None))
    while True:
        try:
            job = conn.recv()
        except (EOFError, OSError):
            return
        if job is None:
            return
        conn.send(("start", probe_duration(job.file)))
        row = clip_fn(job)
        conn.send(("done", row))


@dataclass
class _Worker:
    proc: BaseProcess
    conn: Connection
    ready: bool = False
    job: ClipJob | None = None
    deadline: float = math.inf
    limit: float = 0.0


def _death_reason(code: int | None) -> str:
    if code is not None and code < 0:
        try:
            name = signal.Signals(-code).name
        except ValueError:
            name = f"signal {-code}"
        return f"the worker process crashed ({name})"
    return f"the worker process exited unexpectedly (exit code {code})"


class LocalEngine(Engine):
    """Spawned worker processes on this machine (see the module docs)."""

    name = "local"

    def __init__(self, workers: int, timeout_s: float | None = None,
                 clip_fn: ClipFn = grade_clip) -> None:
        if workers < 1:
            raise UsageError(f"--workers must be at least 1, got {workers}")
        self.workers = workers
        self.timeout_s = timeout_s
        self.clip_fn = clip_fn
        self._ctx = multiprocessing.get_context("spawn")

    def _start(self) -> _Worker:
        parent_conn, child_conn = self._ctx.Pipe(duplex=True)
        proc = self._ctx.Process(
            target=_worker_main, args=(child_conn, self.clip_fn, os.getpid()),
            name="formcheck-grade-worker", daemon=True,
        )
        proc.start()
        child_conn.close()
        return _Worker(proc, parent_conn)

    @staticmethod
    def _stop(w: _Worker, kill: bool) -> None:
        if kill and w.proc.is_alive():
            w.proc.kill()
        else:
            try:
                w.conn.send(None)
            except (OSError, ValueError):
                pass
        w.proc.join(timeout=5.0)
        if w.proc.is_alive():
            w.proc.kill()
            w.proc.join(timeout=5.0)
        w.conn.close()

    def run(self, jobs: list[ClipJob], on_start: OnStart, on_done: OnDone) -> None:
        """Grade ``jobs`` over ``min(workers, len(jobs))`` processes."""
        queue: deque[ClipJob] = deque(jobs)
        pool: list[_Worker] = [self._start() for _ in range(min(self.workers, len(jobs)))]
        try:
            while queue or any(w.job is not None for w in pool):
                for w in pool:
                    if w.ready and w.job is None and queue:
                        job = queue.popleft()
                        w.job = job
                        w.limit = clip_timeout(None, self.timeout_s)
                        w.deadline = time.monotonic() + w.limit
                        w.conn.send(job)
                        on_start(job)
                now = time.monotonic()
                timeout = max(0.0, min((w.deadline for w in pool), default=math.inf) - now)
                ready = wait([w.conn for w in pool] + [w.proc.sentinel for w in pool],
                             timeout=min(timeout, 1.0))
                more = bool(queue)
                serviced = [self._service(w, ready, on_done, more) for w in pool]
                pool = [w for w in serviced if w is not None]
        finally:
            for w in pool:
                self._stop(w, kill=w.job is not None)

    def _service(
        self, w: _Worker, ready: list[Any], on_done: OnDone, more: bool
    ) -> _Worker | None:
        """Read what one worker said; replace it if it died or timed out (None: dropped,
        when it died idle and no clip is left for it)."""
        if w.conn in ready:
            try:
                while w.conn.poll():
                    kind, payload = w.conn.recv()
                    if kind == "ready":
                        w.ready = True
                    elif kind == "start" and w.job is not None:
                        w.limit = clip_timeout(payload, self.timeout_s)
                        w.deadline = time.monotonic() + w.limit
                    elif kind == "done":
                        w.job, w.deadline = None, math.inf
                        on_done(payload)
            except (EOFError, OSError):
                pass  # died: the sentinel says so below
        if w.job is not None and time.monotonic() > w.deadline:
            timed_out = w.job
            self._stop(w, kill=True)
            on_done(error_row(timed_out, f"timed out after {w.limit:g} s (the clip's time "
                                         "limit); its worker was stopped"))
            return self._start() if more else None
        if not w.proc.is_alive():
            job = w.job
            w.proc.join(timeout=1.0)
            code = w.proc.exitcode
            self._stop(w, kill=True)
            if job is not None:
                on_done(error_row(job, _death_reason(code)))
            elif not w.ready:
                raise FormcheckError(
                    f"a grade worker could not start ({_death_reason(code)})")
            return self._start() if more else None
        return w


# --------------------------------------------------------------------------- ray


def import_ray() -> Any:
    """The ``ray`` module.

    Raises:
        UsageError: Ray is not installed (names the extra to install).
    """
    try:
        import ray
    except ImportError as err:
        raise UsageError(RAY_INSTALL_HINT) from err
    return ray


class RayEngine(Engine):
    """One Ray task per clip (see the module docs).

    Args:
        address: a cluster address (``ray://head:10001`` for Ray Client, ``auto`` or
            ``head:6379`` from a cluster node); None: ``$RAY_ADDRESS`` if set, else a
            local Ray instance started for the batch and stopped after it.
        workers: tasks in flight at most (None: the cluster's CPUs).
    """

    name = "ray"

    def __init__(self, address: str | None, workers: int | None,
                 timeout_s: float | None = None, clip_fn: ClipFn = grade_clip) -> None:
        self.ray = import_ray()
        if workers is not None and workers < 1:
            raise UsageError(f"--workers must be at least 1, got {workers}")
        self.address = address
        self.workers = workers or 0
        self.timeout_s = timeout_s
        self.clip_fn = clip_fn

    def run(self, jobs: list[ClipJob], on_start: OnStart, on_done: OnDone) -> None:
        """Grade ``jobs`` as Ray tasks; shuts down a Ray instance it started itself."""
        ray = self.ray
        started_here = not ray.is_initialized()
        if started_here:
            kwargs: dict[str, Any] = {"include_dashboard": False, "log_to_driver": False,
                                      "configure_logging": False}
            if self.address:
                kwargs["address"] = self.address
            elif not os.environ.get("RAY_ADDRESS"):
                kwargs["num_cpus"] = self.workers or default_workers()
            ray.init(**kwargs)
        try:
            if not self.workers:
                self.workers = max(1, int(ray.cluster_resources().get("CPU", 1)))
            task = ray.remote(num_cpus=1, max_retries=0)(self.clip_fn)
            self._loop(task, jobs, on_start, on_done)
        finally:
            if started_here:
                ray.shutdown()

    def _loop(self, task: Any, jobs: list[ClipJob], on_start: OnStart, on_done: OnDone) -> None:
        ray = self.ray
        queue: deque[ClipJob] = deque(jobs)
        running: dict[Any, tuple[ClipJob, float, float]] = {}
        lost: dict[int, int] = {}  # job index -> how many times its node died under it
        while queue or running:
            while queue and len(running) < self.workers:
                job = queue.popleft()
                limit = clip_timeout(probe_duration(job.file), self.timeout_s)
                running[task.remote(job)] = (job, time.monotonic() + limit, limit)
                on_start(job)
            done, _ = ray.wait(list(running), num_returns=1, timeout=1.0)
            for ref in done:
                job, _, _ = running.pop(ref)
                try:
                    on_done(ray.get(ref))
                except Exception as err:  # worker died, node died, task cancelled, or raised
                    if (isinstance(err, ray.exceptions.NodeDiedError)
                            and lost.get(job.index, 0) < NODE_LOSS_RETRIES):
                        # The node went away under the clip (preempted, its raylet
                        # killed): not the clip's doing, so it runs again on a node that
                        # is left, with a fresh time limit. Its row still comes once: a
                        # task of a dead node never returns.
                        lost[job.index] = lost.get(job.index, 0) + 1
                        queue.appendleft(job)
                        continue
                    on_done(error_row(job, _ray_reason(err)))
            now = time.monotonic()
            for ref, (job, deadline, limit) in list(running.items()):
                if now > deadline:
                    ray.cancel(ref, force=True)
                    del running[ref]
                    on_done(error_row(job, f"timed out after {limit:g} s (the clip's time "
                                           "limit); its task was cancelled"))


def _ray_reason(err: BaseException) -> str:
    name = type(err).__name__
    if "WorkerCrashed" in name or "ActorDied" in name or "NodeDied" in name:
        return "the Ray worker process crashed"
    if "OutOfMemory" in name:
        return "the Ray worker ran out of memory"
    first = str(err).strip().splitlines()
    return f"Ray task failed: {name}: {first[-1] if first else ''}"
