"""Produce formcheck's outputs for the golden files, normalised.

The golden files pin the outputs of ``analyze`` (the demo clip and a photo), of a live
session played from the demo clip, and of ``grade`` on a small folder, so that a
restructuring can be shown to change none of them. Normalising replaces only what
differs from run to run or machine to machine: absolute paths (the output folder, the
model, the checkout), the live report's dated title, timing figures
(``grade``'s ``wall_s``, a file's ``mtime_ns``) and, in the live report only, the
pictures, whose HUD shows the measured frame rate and the wall-clock session timer.

Run ``python -m tests.golden.record`` to record them again (only on purpose: the test
exists to show they did not change).
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import io
import json
import re
import shutil
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

REPO = Path(__file__).resolve().parents[2]
GOLDEN = Path(__file__).resolve().parent / "files"
DEMO = "videos/demo.mp4"
# A photo: a still of the 3D benchmark set (a rendered CC0 body), seen 33 degrees round
# from near the floor. Not a photo of the shared footage: that is test data, and nothing
# made from it (a person's landmarks, verdicts) is kept in the repository.
PHOTO = "data/scenes3d/tuni-still-1734-good.jpg"
PHOTO_STEM = Path(PHOTO).stem

# Files larger than this are stored as their sha256 plus a gzipped normalised copy
# (for a readable diff when the comparison fails).
BIG = 64 * 1024

_DATA_URI = re.compile(rb"(data:[a-z0-9/+.-]+;base64,)([A-Za-z0-9+/=]+)")
_LIVE_TITLE = re.compile(rb"Live session \d{4}-\d{2}-\d{2} \d{2}:\d{2}")


def _cli(args: list[str], cwd: Path, code: int = 0) -> None:
    """Run ``formcheck ARGS`` in a fresh interpreter; fail with its stderr unless it
    exits with ``code``."""
    proc = subprocess.run([sys.executable, "-m", "formcheck", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=600)
    if proc.returncode != code:
        raise RuntimeError(f"formcheck {' '.join(args)}: exit {proc.returncode}\n"
                           f"{proc.stderr}")


def _paths(data: bytes, replace: dict[Path, str]) -> bytes:
    """Absolute paths to placeholders, longest first (a folder inside another)."""
    for path, name in sorted(replace.items(), key=lambda kv: -len(str(kv[0]))):
        data = data.replace(str(path).encode(), name.encode())
    return data


def _hash_uris(data: bytes) -> bytes:
    """Embedded pictures to the sha256 of their base64 text; embedded videos to a
    placeholder: an H.264 stream's bytes change with the encoder library's version (PyAV
    18.1.0 and 18.1.1 write the same frames differently), while its frames' verdicts are
    held by ``frames.jsonl`` and its pictures by the report's stills."""
    def one(m: re.Match[bytes]) -> bytes:
        if m.group(1).startswith(b"data:video/"):
            return m.group(1) + b"<encoded video>"
        return m.group(1) + b"sha256:" + hashlib.sha256(m.group(2)).hexdigest().encode()

    return _DATA_URI.sub(one, data)


def _mask_uris(data: bytes) -> bytes:
    """Embedded pictures and videos to a placeholder (their pixels hold timings)."""
    return _DATA_URI.sub(lambda m: m.group(1) + b"<masked>", data)


def analyze_outputs(model: Path, work: Path) -> dict[str, bytes]:
    """``analyze`` on the demo clip and on a photo: ``{name: normalised bytes}``."""
    out = work / "analyze"
    _cli(["analyze", DEMO, PHOTO, "--out", str(out), "--model", str(model)], cwd=REPO)
    replace = {out: "<OUT>", model: "<MODEL>", REPO: "<REPO>"}
    result: dict[str, bytes] = {}
    for stem in ("demo", PHOTO_STEM):
        for name in ("frames.jsonl", "summary.json", "report.html"):
            data = _paths((out / stem / name).read_bytes(), replace)
            if name == "report.html":
                data = _hash_uris(data)
            result[f"analyze-{stem}-{name}"] = data
    return result


def live_outputs(model: Path, work: Path) -> dict[str, bytes]:
    """A live session played from the demo clip, headless and silent.

    The command's own run depends on the wall clock (the notice and set-up phases last
    seconds, a paced source drops the frames the loop cannot keep up with), so the run
    is the command's (``--source videos/demo.mp4 --no-window --no-voice``) with the
    clock taken out: every frame handed on (``lossless``), no pacing, and phase timings
    of zero, so the session starts on the first frame whose set-up is right.
    """
    code = (
        "import sys; from pathlib import Path\n"
        "from formcheck.frontends.live import LiveOptions, run_live\n"
        "run_live(LiveOptions(model=Path(sys.argv[1]), source=Path(sys.argv[2]),\n"
        "    voice=False, window=False, out_dir=Path(sys.argv[3]), pace=False,\n"
        "    lossless=True, save_history=False, safety_s=0.0, setup_hold_s=0.0,\n"
        "    roller_grace_s=0.0, speak=lambda _: None, status=lambda _: None))\n"
    )
    out = work / "live"
    proc = subprocess.run([sys.executable, "-c", code, str(model), DEMO, str(out)],
                          cwd=REPO, capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        raise RuntimeError(f"live: exit {proc.returncode}\n{proc.stderr}")
    replace = {out: "<OUT>", model: "<MODEL>", REPO: "<REPO>"}
    result: dict[str, bytes] = {}
    for name in ("frames.jsonl", "summary.json", "report.html"):
        data = _paths((out / name).read_bytes(), replace)
        if name == "report.html":
            data = _mask_uris(_LIVE_TITLE.sub(b"Live session <DATE>", data))
        result[f"live-demo-{name}"] = data
    return result


def grade_outputs(model: Path, work: Path) -> dict[str, bytes]:
    """``grade`` (one worker) on a folder: the demo clip, a photo, an empty clip and a
    text file named ``.mp4``."""
    folder = work / "grade-in"
    folder.mkdir()
    shutil.copy(REPO / DEMO, folder / "demo.mp4")
    shutil.copy(REPO / PHOTO, folder / Path(PHOTO).name)
    (folder / "empty.mp4").write_bytes(b"")
    (folder / "notes.mp4").write_text("not a video\n")
    csv_path, json_path = work / "grades.csv", work / "grades.json"
    _cli(["grade", str(folder), "--csv", str(csv_path), "--json", str(json_path),
          "--workers", "1", "--model", str(model)], cwd=work, code=3)  # 3: some errors
    replace = {folder: "<IN>", model: "<MODEL>", REPO: "<REPO>"}
    rows = list(csv.reader(io.StringIO(_paths(csv_path.read_bytes(), replace).decode())))
    assert rows and "mtime_ns" in rows[0], rows[:1]
    at = rows[0].index("mtime_ns")
    for row in rows[1:]:
        row[at] = "<MTIME>" if row[at] else ""
    out = io.StringIO()
    csv.writer(out).writerows(rows)  # the excel dialect, as grade writes it (\r\n)
    lines = [out.getvalue().encode()]
    doc = _paths(json_path.read_bytes(), replace)
    doc = re.sub(rb'("wall_s": )[0-9.e+-]+', rb"\1<WALL>", doc)
    doc = re.sub(rb'("mtime_ns": )\d+', rb"\1<MTIME>", doc)
    return {"grade.csv": b"".join(lines), "grade.json": doc}


PRODUCERS: dict[str, Callable[[Path, Path], dict[str, bytes]]] = {
    "analyze": analyze_outputs,
    "live": live_outputs,
    "grade": grade_outputs,
}


def stored_name(name: str, data: bytes) -> str:
    """The name a golden output is stored under: itself, or ``.gz`` when big."""
    return name + ".gz" if len(data) > BIG else name


def write(outputs: dict[str, bytes]) -> None:
    """Store outputs as golden files, and every one's sha256 in ``sha256.json``."""
    sums_path = GOLDEN / "sha256.json"
    sums = json.loads(sums_path.read_text()) if sums_path.is_file() else {}
    for name, data in outputs.items():
        for old in (GOLDEN / name, GOLDEN / (name + ".gz")):
            old.unlink(missing_ok=True)
        target = GOLDEN / stored_name(name, data)
        if target.suffix == ".gz":
            target.write_bytes(gzip.compress(data, mtime=0))
        else:
            target.write_bytes(data)
        sums[name] = hashlib.sha256(data).hexdigest()
    sums_path.write_text(json.dumps(dict(sorted(sums.items())), indent=1) + "\n")


def stored(name: str) -> bytes:
    """The golden copy of one output."""
    plain = GOLDEN / name
    if plain.is_file():
        return plain.read_bytes()
    return gzip.decompress((GOLDEN / (name + ".gz")).read_bytes())


def stored_sha256(name: str) -> str:
    """The recorded sha256 of one normalised output."""
    sums: dict[str, str] = json.loads((GOLDEN / "sha256.json").read_text())
    return sums[name]
