"""A model bundle that cannot be used gets one line naming the remedy (issue 22, item 6).

Never MediaPipe's own text ("Unable to open zip archive", "No file with name:
pose_detector.tflite", a RET_CHECK report); the remedy depends on where the file came
from: formcheck's own copy is fetched again, the user's path is theirs to fix.
"""

from __future__ import annotations

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

from formcheck.model.bundle import write_bundle
from formcheck.pose.landmarker import BUNDLE_MEMBERS, BundleError, bundle_problem, check_bundle

FORMCHECK = [sys.executable, "-m", "formcheck"]
PHOTOS = ["free-exercise-db/Butt_Lift_Bridge__0.jpg", "free-exercise-db/Calves-SMR__0.jpg"]
MEDIAPIPE_TEXT = ("Unable to open zip archive", "No file with name", "RET_CHECK", "E0000",
                  "Flatbuffer", "errno", "INFO:", "Traceback")


def _models(model_path: Path) -> dict[str, bytes]:
    with zipfile.ZipFile(model_path) as zf:
        return {name: zf.read(name) for name in BUNDLE_MEMBERS}


@pytest.fixture(scope="module")
def bad(tmp_path_factory: pytest.TempPathFactory, model_path: Path) -> dict[str, Path]:
    """One bundle per way a user's bundle goes wrong, made from the real one."""
    root = tmp_path_factory.mktemp("bad")
    real = model_path.read_bytes()
    models = _models(model_path)
    made = {
        "text": b"<html>404 Not Found</html>\n",
        "truncated": real[: len(real) // 3],
        "empty": b"",
    }
    paths = {}
    for name, data in made.items():
        paths[name] = root / f"{name}.task"
        paths[name].write_bytes(data)
    paths["other_task"] = root / "other_task.task"
    write_bundle(paths["other_task"], {"face_detector.tflite": models["pose_detector.tflite"]})
    paths["not_tflite"] = root / "not_tflite.task"
    write_bundle(paths["not_tflite"], {**models, "pose_detector.tflite": b"\0" * 4096})
    paths["swapped"] = root / "swapped.task"  # passes every quick check, fails when run
    write_bundle(paths["swapped"], {
        "pose_detector.tflite": models["pose_landmarks_detector.tflite"],
        "pose_landmarks_detector.tflite": models["pose_detector.tflite"],
    })
    paths["folder"] = root / "folder.task"
    paths["folder"].mkdir()
    return paths


@pytest.mark.model
@pytest.mark.parametrize(("kind", "problem"), [
    ("text", "is not a model bundle (a .task bundle is a zip archive)"),
    ("truncated", "is cut short"),
    ("empty", "is empty (0 bytes)"),
    ("other_task", "is not a pose landmarker bundle (it lacks pose_detector.tflite and "
                   "pose_landmarks_detector.tflite)"),
    ("not_tflite", "is damaged (pose_detector.tflite is not a TensorFlow Lite model)"),
    ("folder", "is a folder"),
])
def test_quick_check_names_the_problem(bad: dict[str, Path], kind: str, problem: str) -> None:
    found = bundle_problem(bad[kind])
    assert found is not None and found.startswith(problem), found


@pytest.mark.model
def test_quick_check_passes_the_real_bundle_and_a_swapped_one(
    bad: dict[str, Path], model_path: Path
) -> None:
    assert bundle_problem(model_path) is None
    assert bundle_problem(bad["swapped"]) is None  # only running it tells


@pytest.mark.model
def test_remedy_follows_where_the_bundle_came_from(
    tmp_path: Path, bad: dict[str, Path], monkeypatch: pytest.MonkeyPatch
) -> None:
    # given: formcheck's own copy in the user cache is junk
    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path / "cache"))
    monkeypatch.delenv("FORMCHECK_MODEL", raising=False)
    cached = tmp_path / "cache" / "formcheck" / "models" / "pose_landmarker_full.task"
    cached.parent.mkdir(parents=True)
    cached.write_bytes(b"junk")
    heavy = cached.with_name("pose_landmarker_heavy.task")
    heavy.write_bytes(b"")
    # when / then
    with pytest.raises(BundleError) as own:
        check_bundle(cached)
    assert str(own.value).endswith("fetch it again with `formcheck models fetch --force`")
    with pytest.raises(BundleError) as own_heavy:
        check_bundle(heavy)
    assert "`formcheck models fetch --variant heavy --force`" in str(own_heavy.value)
    with pytest.raises(BundleError) as users:
        check_bundle(bad["text"])
    assert f"the pose model {bad['text']} is not a model bundle" in str(users.value)
    assert "check the --model path" in str(users.value)
    monkeypatch.setenv("FORMCHECK_MODEL", str(bad["text"]))
    with pytest.raises(BundleError) as by_env:
        check_bundle(bad["text"])
    assert str(by_env.value).endswith("fix or unset $FORMCHECK_MODEL, which names it")


def _one_line(result: subprocess.CompletedProcess[str]) -> str:
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("formcheck: error: the pose model "), lines[0]
    assert not any(text in result.stderr for text in MEDIAPIPE_TEXT), result.stderr
    return lines[0]


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.parametrize("kind", ["text", "truncated", "empty", "other_task", "swapped"])
def test_analyze_with_a_bad_bundle_is_one_line_with_the_remedy(
    tmp_path: Path, footage: Path, bad: dict[str, Path], kind: str
) -> None:
    # when: two inputs, so that a second attempt with the same model would show
    out = tmp_path / "out"
    result = subprocess.run(
        [*FORMCHECK, "analyze", *(str(footage / p) for p in PHOTOS), "--out", str(out),
         "--model", str(bad[kind])],
        capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "FORMCHECK_VERBOSE"},
    )
    # then
    assert result.returncode == 1
    line = _one_line(result)
    assert str(bad[kind]) in line and "check the --model path" in line
    assert not out.exists()


@pytest.mark.model
@pytest.mark.footage
@pytest.mark.parametrize("kind", ["text", "swapped"])
def test_grade_checks_the_model_once_before_the_batch(
    tmp_path: Path, footage: Path, bad: dict[str, Path], kind: str
) -> None:
    # when
    csv = tmp_path / "g.csv"
    result = subprocess.run(
        [*FORMCHECK, "grade", *(str(footage / p) for p in PHOTOS), "--workers", "2",
         "--csv", str(csv), "--model", str(bad[kind])],
        capture_output=True, text=True, timeout=300,
        env={k: v for k, v in os.environ.items() if k != "FORMCHECK_VERBOSE"},
    )
    # then: one line, no error row per clip (no table, no CSV), exit 3: none graded
    assert result.returncode == 3, result.stderr
    _one_line(result)
    assert result.stdout == ""
    assert not csv.exists()
