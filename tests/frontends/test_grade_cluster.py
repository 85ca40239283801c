"""``formcheck grade --engine ray --address`` on a real two-node Ray cluster.

The test starts the cluster on 127.0.0.1 the way docs/grade.md tells a user to (``ray
start --head``, then ``ray start --address`` for a second node), grades through it from
the command line, and compares the rows with the local engine's; then it kills the
second node's raylet while that node grades a clip: every clip must still be graded,
exactly once. Whatever happens, the cluster is torn down and no process of it is left.
"""

from __future__ import annotations

import contextlib
import json
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

pytestmark = [pytest.mark.model, pytest.mark.slow]

BIN = Path(sys.executable).parent
# Ray 2.60's `ray start --head` turns on token authentication, and a node started
# without the token cannot join; a cluster on 127.0.0.1 for a test does without.
RAY_ENV = {"RAY_AUTH_MODE": "disabled", "RAY_USAGE_STATS_ENABLED": "0"}


def _proc_ids() -> list[int]:
    return [int(d) for d in os.listdir("/proc") if d.isdigit()]


def _stat(pid: int) -> tuple[str, int, int] | None:
    """(comm, parent pid, session id) of a live process, from /proc; None for one that
    is gone or has exited and waits to be reaped (a zombie runs nothing)."""
    try:
        raw = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    comm = raw[raw.index("(") + 1:raw.rindex(")")]
    fields = raw[raw.rindex(")") + 2:].split()
    if fields[0] in ("Z", "X"):
        return None
    return comm, int(fields[1]), int(fields[3])


def _cmdline(pid: int) -> str:
    try:
        return Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ").decode()
    except OSError:
        return ""


@dataclass
class Cluster:
    """A head and a second node, each ``ray start --block`` in a session of its own."""

    address: str
    temp_dir: Path
    head: subprocess.Popen[bytes]
    node: subprocess.Popen[bytes] | None = None

    def members(self) -> list[int]:
        """Every live process of the cluster: in its nodes' sessions (raylets, workers,
        agents) or naming its temporary folder (in case one left the session)."""
        sessions = {p.pid for p in (self.head, self.node) if p is not None}
        found = []
        for pid in _proc_ids():
            st = _stat(pid)
            if st is not None and (st[2] in sessions or str(self.temp_dir) in _cmdline(pid)):
                found.append(pid)
        return found

    def node_process(self, comm: str) -> int | None:
        """The second node's process whose name starts with ``comm`` (e.g. raylet)."""
        assert self.node is not None
        for pid in _proc_ids():
            st = _stat(pid)
            if st is not None and st[2] == self.node.pid and st[0].startswith(comm):
                return pid
        return None

    def node_busy(self) -> bool:
        """Whether a worker of the second node is running a clip now."""
        assert self.node is not None
        return any(
            (st := _stat(pid)) is not None and st[2] == self.node.pid
            and "grade_clip" in _cmdline(pid)
            for pid in _proc_ids()
        )


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def _alive_nodes(address: str, env: dict[str, str]) -> int:
    code = (f"import ray; ray.init(address={address!r}, log_to_driver=False, "
            "configure_logging=False); print(sum(n['Alive'] for n in ray.nodes()))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         env=env, timeout=120, check=False)
    return int(out.stdout.strip() or 0)


def _teardown(cluster: Cluster) -> list[str]:
    """Stop every process of the cluster; return those that would not go."""
    started = [p for p in (cluster.node, cluster.head) if p is not None]
    for proc in started:
        if proc.poll() is None:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(proc.pid, signal.SIGTERM)
    deadline = time.monotonic() + 15
    while cluster.members() and time.monotonic() < deadline:
        time.sleep(0.5)
    for pid in cluster.members():  # `ray start --block` may not pass SIGTERM on in time
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGKILL)
    for proc in started:
        with contextlib.suppress(subprocess.TimeoutExpired):
            proc.wait(timeout=30)
    time.sleep(1)
    return [f"{pid} {_cmdline(pid)[:100]}" for pid in cluster.members()]


@pytest.fixture
def cluster() -> Iterator[Cluster]:
    if shutil.which("ray", path=str(BIN)) is None or not Path("/proc/self/stat").exists():
        pytest.skip("needs Ray's command line (formcheck[ray]) and Linux's /proc")
    env = {**os.environ, **RAY_ENV}
    env.pop("RAY_ADDRESS", None)
    temp_dir = Path(tempfile.mkdtemp(prefix="fcray", dir="/tmp"))  # short: socket paths
    address = f"127.0.0.1:{_free_port()}"
    common = ["--block", "--num-cpus=1", "--node-ip-address=127.0.0.1",
              "--disable-usage-stats"]
    logs = temp_dir.with_name(temp_dir.name + "-logs")
    logs.mkdir()
    head = subprocess.Popen(
        [str(BIN / "ray"), "start", "--head", f"--port={address.split(':')[1]}",
         "--include-dashboard=false", f"--temp-dir={temp_dir}", *common],
        env=env, start_new_session=True, stdout=(logs / "head.log").open("wb"),
        stderr=subprocess.STDOUT,
    )
    made = Cluster(address, temp_dir, head)
    try:
        deadline = time.monotonic() + 120
        while _alive_nodes(address, env) < 1:
            assert head.poll() is None, (logs / "head.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the head did not come up"
            time.sleep(1)
        made.node = subprocess.Popen(
            [str(BIN / "ray"), "start", f"--address={address}", *common],
            env=env, start_new_session=True, stdout=(logs / "node.log").open("wb"),
            stderr=subprocess.STDOUT,
        )
        while _alive_nodes(address, env) < 2:
            assert made.node.poll() is None, (logs / "node.log").read_text()[-2000:]
            assert time.monotonic() < deadline, "the second node did not join"
            time.sleep(1)
        yield made
    finally:
        left = _teardown(made)
        shutil.rmtree(temp_dir, ignore_errors=True)
        shutil.rmtree(logs, ignore_errors=True)
        assert not left, f"Ray processes left behind: {left}"


@pytest.fixture
def clips(tmp_path: Path) -> list[Path]:
    """Four 4 s synthetic clips: long enough to be caught mid-way, short to grade."""
    from formcheck.scenes import render_to_files

    made = []
    for seed in range(1, 5):
        clip = render_to_files("good", tmp_path / "clips", seconds=4.0, size=(320, 180),
                               fps=15.0, seed=seed, stem=f"good{seed}")
        clip.truth.unlink()
        made.append(clip.video)
    return made


def _grade(args: list[str], json_out: Path, env: dict[str, str]) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "formcheck", "grade", *args, "--workers", "2",
         "--json", str(json_out)],
        stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env,
    )


def _rows(json_out: Path) -> list[dict[str, Any]]:
    doc = json.loads(json_out.read_text())
    return [{k: v for k, v in row.items() if k != "wall_s"} for row in doc["rows"]]


def test_grade_on_a_two_node_cluster_survives_losing_a_node(
    cluster: Cluster, clips: list[Path], tmp_path: Path, model_path: Path
) -> None:
    env = {**os.environ, **RAY_ENV}
    env.pop("RAY_ADDRESS", None)
    files = [str(c) for c in clips]
    ray_args = [*files, "--model", str(model_path), "--engine", "ray",
                "--address", cluster.address]
    # given: the local engine's rows
    local = _grade([*files, "--model", str(model_path)], tmp_path / "local.json", env)
    local.communicate(timeout=600)
    assert local.returncode == 0
    expected = _rows(tmp_path / "local.json")
    # when: the same clips through the cluster
    remote = _grade(ray_args, tmp_path / "ray.json", env)
    _, err = remote.communicate(timeout=600)
    # then: the same rows
    assert remote.returncode == 0, err
    assert _rows(tmp_path / "ray.json") == expected
    # when: again, and the second node's raylet is killed while it grades a clip
    killed = _grade(ray_args, tmp_path / "killed.json", env)
    deadline = time.monotonic() + 300
    while not cluster.node_busy():
        assert killed.poll() is None, "the batch ended before the second node took a clip"
        assert time.monotonic() < deadline
        time.sleep(0.05)
    raylet = cluster.node_process("raylet")
    assert raylet is not None
    os.kill(raylet, signal.SIGKILL)
    _, err = killed.communicate(timeout=600)
    # then: every clip graded, exactly once, as the local engine grades it
    assert killed.returncode == 0, err
    rows = _rows(tmp_path / "killed.json")
    assert sorted(r["file"] for r in rows) == sorted(files)
    assert rows == expected
